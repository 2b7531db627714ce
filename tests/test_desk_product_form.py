"""A missing product completed from the phone: a short guided form that writes the catalog row
through the importer's checks and write, survives a restart, and tells the reporter."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import actions
from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import Reply
from catalog import version
from catalog.export import export_csv
from catalog.reports import ReportBook
from catalog.service import CatalogService
from tests import test_reports_and_stats_limits as limits
from tests.conftest import make_core

ADMIN = limits.ADMIN
VI = Messages("vi")
core = limits.core  # the fixture: a core with an officer (ADMIN) and no flood limits
SHOPPER = 31
GTIN = "9529999999993"  # valid check digit, not in the catalog


def press(core: Core, reply: Reply, text: str) -> list[Reply]:
    [button] = [b for b in reply.all_buttons() if b.text == text]
    return core.handle(Incoming(ADMIN, callback=button.data))


def reported(core: Core) -> int:
    [missing] = core.handle(Incoming(SHOPPER, text=GTIN))
    [thanks] = core.handle(Incoming(SHOPPER, callback=missing.buttons[0][0].data))
    core.handle(Incoming(SHOPPER, callback=thanks.buttons[0][0].data))  # tell me when handled
    [report] = ReportBook(core.shoppers.engine).open_reports()
    assert report.id is not None
    return report.id


def start_form(core: Core) -> tuple[int, list[Reply]]:
    report_id = reported(core)
    [entry, _nav] = core.handle(Incoming(ADMIN, text="/reports"))
    [not_yet] = press(core, entry, VI("admin.btn_resolve"))
    return report_id, press(core, not_yet, VI("admin.btn_form"))


def test_the_form_adds_the_product_like_an_import_and_tells_the_reporter(
    core: Core, engine: Engine, catalog: CatalogService
) -> None:
    before = version.current(engine)
    report_id, [start, ask] = start_form(core)
    assert start.text == VI("admin.form_start", id=report_id, gtin=GTIN)
    assert ask.text == VI("admin.form_ask_name")
    [ask] = core.handle(Incoming(ADMIN, text="Rau muống hữu cơ Thử"))
    assert ask.text == VI("admin.form_ask_brand")
    [ask] = press(core, ask, VI("admin.btn_skip"))
    assert ask.text == VI("admin.form_ask_category")
    categories = ask
    [ask] = press(core, categories, "Rau củ")
    [answered, current] = press(core, categories, "Trái cây")  # a late tap on an answered question
    assert answered.text == VI("admin.form_answered") and current.text == VI("admin.form_ask_label")
    [ask] = core.handle(Incoming(ADMIN, text="typed instead of a button"))[-1:]
    assert ask.text == VI("admin.form_ask_label")  # still the label question
    vietgap = next(x.name_vi for x in core.catalog.labels() if x.code == "VIETGAP")
    [ask] = press(core, ask, vietgap)
    assert ask.text == VI("admin.form_ask_certificate")
    [ask] = core.handle(Incoming(ADMIN, text="VG-2026-15"))
    assert ask.text == VI("admin.form_ask_valid_until")
    [bad, again] = core.handle(Incoming(ADMIN, text="31/02/2027"))  # no such day: refused at once
    assert bad.text.startswith("❌") and again.text == VI("admin.form_ask_valid_until")

    restarted = make_core(engine, catalog, admin_ids=frozenset({ADMIN}))  # the form is in the database
    [ask] = restarted.handle(Incoming(ADMIN, text="31/12/2027"))
    assert ask.text == VI("admin.form_ask_photo")
    [summary] = restarted.handle(Incoming(ADMIN, image=b"not scanned", photo_ref="pack-by-officer"))
    assert "Rau muống hữu cơ Thử" in summary.text and "2027-12-31" in summary.text
    assert summary.attachment is not None and summary.attachment.ref == "pack-by-officer"
    assert catalog.by_gtin(GTIN) is None  # nothing written before the confirm

    [done, told] = press(restarted, summary, VI("admin.btn_form_confirm"))
    assert done.text == VI("admin.form_added", name="Rau muống hữu cơ Thử", gtin=GTIN, id=report_id)
    assert version.current(engine) > before  # every worker reloads
    card = restarted.catalog.by_gtin(GTIN)
    assert card is not None and card.product.category == "vegetables"
    [cert] = card.certs
    assert (cert.label.code, cert.certificate_no, str(cert.valid_until)) == (
        "VIETGAP",
        "VG-2026-15",
        "2027-12-31",
    )
    assert f"{GTIN},Rau muống hữu cơ Thử" in export_csv(engine)
    report = ReportBook(engine).get(report_id)
    assert report is not None and report.status == "resolved" and report.photo_ref == "pack-by-officer"
    assert told.to_chat == SHOPPER and actions.parse(told.buttons[0][0].data) == actions.ShowProduct(card.id)
    [shown] = restarted.handle(Incoming(SHOPPER, text=GTIN))
    assert "Rau muống hữu cơ Thử" in shown.text
    [again] = press(restarted, summary, VI("admin.btn_form_confirm"))  # a second tap writes nothing more
    assert again.text == VI("admin.form_expired")


def test_a_cancelled_form_writes_nothing_and_leaves_the_report_open(core: Core, engine: Engine) -> None:
    before = version.current(engine)
    report_id, [_start, ask] = start_form(core)
    [cancel_button] = [b for b in ask.all_buttons() if b.text == VI("admin.btn_form_cancel")]
    core.handle(Incoming(ADMIN, text="Tên tạm"))
    [cancelled] = core.handle(Incoming(ADMIN, text="/cancel"))
    assert cancelled.text == VI("admin.form_cancelled", id=report_id)
    [stale] = core.handle(Incoming(ADMIN, callback=cancel_button.data))
    assert stale.text == VI("admin.form_expired")
    assert version.current(engine) == before and core.catalog.by_gtin(GTIN) is None
    assert ReportBook(engine).get(report_id).status == "open"  # type: ignore[union-attr]
    [search] = core.handle(Incoming(ADMIN, text="gao st25 hat ngoc"))  # typing searches again
    assert "Gạo ST25" in search.text


def test_form_buttons_are_for_officers_only(core: Core) -> None:
    report_id = reported(core)
    choice = actions.FormChoice.of("label", 0)
    for action in (actions.AddProduct(report_id), choice, actions.FormConfirm(report_id)):
        [reply] = core.handle(Incoming(SHOPPER, callback=action.pack()))
        assert reply.text == VI("errors.button_expired")
