"""Department tools: admin-only paths, catalog upload, shopper reports, usage figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot import actions
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.i18n import Messages
from bot.render import verdict_line
from bot.replies import Reply, plain
from catalog import stats as figures
from catalog.db import session
from catalog.export import export_csv
from catalog.models import AdminAction, Product, Report
from catalog.reports import ReportBook
from catalog.service import CatalogService
from catalog.verdict import verdict
from tests.conftest import TODAY, make_core
from tests.samples import GOOD, HEADER, labels
from tests.texts import says

ADMIN = 9001
SHOPPER = 42
VI = Messages("vi")  # expected texts come from the message files


@pytest.fixture
def core(engine: Engine, catalog: CatalogService) -> Core:
    return make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(1000, 100),
        photo_guard=FloodGuard(1000, 100),
    )


def say(core: Core, user: int, **kw: object) -> list[Reply]:
    return core.handle(Incoming(user, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("command", ["/reports", "/stats", "/export", "/admin", "/stats 2026-01-01"])
def test_non_admin_sees_an_unknown_command(core: Core, command: str) -> None:
    unknown = plain(say(core, SHOPPER, text="/definitely-unknown")[0].text)
    [reply] = say(core, SHOPPER, text=command)
    assert plain(reply.text) == unknown and reply.attachment is None


def test_non_admin_cannot_use_admin_buttons_or_upload(core: Core, engine: Engine) -> None:
    report = ReportBook(engine).open("missing", SHOPPER, SHOPPER, gtin="8935049500933")
    for action in (
        actions.ResolveReport(report.id),
        actions.DismissReport(report.id),
        actions.ConfirmImport("AAAAAAAAAAAA"),
        actions.CancelImport("AAAAAAAAAAAA"),
    ):
        [reply] = say(core, SHOPPER, callback=action.pack())
        assert reply.text == VI("errors.button_expired")
    assert ReportBook(engine).get(report.id).status == "open"  # type: ignore[union-attr,arg-type]
    [reply] = say(core, SHOPPER, document=f"{HEADER}\n{GOOD}\n".encode(), document_name="x.csv")
    assert reply.text == VI("errors.unsupported")


def test_admin_export_is_the_catalog_csv(core: Core, engine: Engine) -> None:
    [reply] = say(core, ADMIN, text="/export")
    assert reply.attachment and reply.attachment.kind == "document"
    assert reply.attachment.data.decode() == export_csv(engine)
    with session(engine) as db:
        assert db.exec(select(AdminAction).where(AdminAction.action == "export")).first().user_id == ADMIN  # type: ignore[union-attr]


def test_upload_is_checked_then_confirmed_and_search_refreshes(core: Core, engine: Engine) -> None:
    [summary] = say(core, ADMIN, document=f"{HEADER}\n{GOOD}\n".encode(), document_name="new.csv")
    assert (
        summary.all_buttons()
        and VI(
            "admin.import_summary",
            name="new.csv",
            p_added=1,
            p_changed=0,
            p_same=0,
            c_added=1,
            c_changed=0,
            c_same=0,
            c_removed=0,
        )
        == summary.text
    )
    confirm = summary.buttons[0][0]
    names = [
        c.product.name_vi for c in core.catalog.cards([h.product_id for h in core.catalog.search("rau thu")])
    ]
    assert "Rau thử" not in names
    [other] = say(core, ADMIN + 1, callback=confirm.data)  # another user cannot confirm it
    assert other.text == VI("errors.button_expired")
    [done] = say(core, ADMIN, callback=confirm.data)
    assert done.text == VI("admin.imported", name="new.csv", p_added=1, p_changed=0)
    top = core.catalog.search("rau thu")[0]
    assert core.catalog.cards([top.product_id])[0].product.name_vi == "Rau thử"
    [again] = say(core, ADMIN, callback=confirm.data)
    assert again.text == VI("admin.import_expired")


def test_upload_with_errors_lists_lines_and_writes_nothing(core: Core, engine: Engine) -> None:
    bad = GOOD.replace("VIETGAP", "NOPE")
    [reply] = say(core, ADMIN, document=f"{HEADER}\n{GOOD}\n{bad}\n".encode(), document_name="bad.csv")
    t = Messages("vi")  # the officer reads the problem in their language, with the valid codes
    problem = t("data_errors.unknown_label", value="NOPE", valid=", ".join(sorted(labels())))
    assert reply.text.endswith(t.raw("data_errors.at", line=3, column="label", problem=problem))
    assert not reply.buttons
    [garbage] = say(core, ADMIN, document=b"\x00\x01\x02" * 100, document_name="bad.csv")
    assert garbage.text == t("admin.import_file_error", name="bad.csv", error=t("data_errors.file_binary"))
    [wrong] = say(core, ADMIN, document=b"a,b", document_name="catalog.xlsx")
    assert ".csv" in wrong.text
    with session(engine) as db:
        assert db.exec(select(Product).where(Product.gtin == "9529999999993")).first() is None


def test_cancelled_upload_writes_nothing(core: Core, engine: Engine) -> None:
    [summary] = say(core, ADMIN, document=f"{HEADER}\n{GOOD}\n".encode(), document_name="new.csv")
    [done] = say(core, ADMIN, callback=summary.buttons[0][1].data)
    assert done.text == VI("admin.import_cancelled")
    with session(engine) as db:
        assert db.exec(select(Product).where(Product.gtin == "9529999999993")).first() is None


def test_missing_product_report_with_photo_and_notification(core: Core, engine: Engine) -> None:
    [miss] = say(core, SHOPPER, text="8935049500933")
    [thanks] = say(core, SHOPPER, callback=miss.buttons[0][0].data)
    report_id = ReportBook(engine).open_reports()[0].id
    assert thanks.text == f"{VI('report.thanks', id=report_id)}\n{VI('report.thanks_photo')}"
    [notify] = say(core, SHOPPER, callback=thanks.buttons[0][0].data)
    assert notify.text == VI("report.notify_on", id=report_id)
    [attached] = say(core, SHOPPER, image=b"not scanned", photo_ref="tg-file-77")
    assert attached.text == VI("report.photo_added", id=report_id)
    listing = say(core, ADMIN, text="/reports")
    assert len(listing) == 2 and "8935049500933" in listing[0].text  # the report, then the filters
    assert listing[0].attachment and listing[0].attachment.ref == "tg-file-77"
    [not_yet] = say(core, ADMIN, callback=listing[0].buttons[0][0].data)  # not in the catalog yet
    assert not_yet.text.startswith(VI("admin.not_in_catalog_yet", id=report_id, gtin="8935049500933"))
    assert "8935049500933," in plain(not_yet.text)  # a catalog row to fill in
    assert ReportBook(engine).get(report_id).status == "open"  # type: ignore[union-attr,arg-type]
    row = GOOD.replace("9529999999993", "8935049500933")
    [summary] = say(core, ADMIN, document=f"{HEADER}\n{row}\n".encode(), document_name="add.csv")
    say(core, ADMIN, callback=summary.buttons[0][0].data)
    [closed, told] = say(core, ADMIN, callback=listing[0].buttons[0][0].data)
    assert closed.text == f"{VI('admin.resolved', id=report_id)}\n{VI('admin.reporter_told')}"
    card = core.catalog.by_gtin("8935049500933")
    assert card is not None and told.to_chat == SHOPPER
    expected = VI.raw(
        "report.resolved_added",
        id=report_id,
        gtin="8935049500933",
        product="Rau thử",
        verdict=verdict_line(VI, verdict(card)),
    )
    assert told.text == expected and actions.parse(told.buttons[0][0].data) == actions.ShowProduct(card.id)
    assert say(core, ADMIN, text="/reports")[0].text == VI("admin.no_reports")


def test_suspicious_label_report_takes_a_reason(core: Core, engine: Engine) -> None:
    [card] = say(core, SHOPPER, text="gao st25 hat ngoc")
    report_button = card.all_buttons()[-1]
    assert isinstance(actions.parse(report_button.data), actions.ReportLabel)
    [ask] = say(core, SHOPPER, callback=report_button.data)
    assert ask.text == VI("report.ask_reason")
    [thanks] = say(core, SHOPPER, text="Logo lá EU mà không có mã")
    with session(engine) as db:
        report = db.exec(select(Report)).one()
    assert thanks.text == VI("report.thanks", id=report.id)
    assert report.kind == "label" and report.text == "Logo lá EU mà không có mã"
    [after] = say(core, SHOPPER, text="gao st25 hat ngoc")  # searching works again
    assert "Gạo ST25" in after.text


def valid_gtin(payload: int) -> str:
    from catalog.gtin import check_digit

    return f"{payload}{check_digit(str(payload))}"


def test_reports_are_rate_limited(core: Core) -> None:
    answers = [
        say(core, SHOPPER, callback=actions.ReportMissing(valid_gtin(893504950093 + i)).pack())[0].text
        for i in range(7)
    ]
    ids = [r.id for r in core.reports.open_reports()]
    assert answers[:5] == [f"{VI('report.thanks', id=i)}\n{VI('report.thanks_photo')}" for i in ids]
    assert answers[5:] == [VI("report.too_many")] * 2


def test_stats_on_a_known_set_of_lookups(core: Core, engine: Engine) -> None:
    say(core, 1, text="gao st25 hat ngoc")
    say(core, 2, text="gao st25 hat ngoc")
    say(core, 2, text="8935049500933")
    say(core, 3, text="8935049500933")
    say(core, 3, text="xyzzy qwerty")
    say(core, 3, text="/tips")
    core.usage.flush()
    s = figures.compute(engine, TODAY - timedelta(days=1), TODAY)
    assert (s.users, s.new_users, s.lookups, s.found, s.tips_sent) == (3, 3, 5, 2, 1)
    assert s.by_kind == {"name": 3, "barcode": 2}
    assert s.top_missing == [("8935049500933", 2)]
    assert s.top_products[0] == ("Gạo ST25 hữu cơ Hạt Ngọc Đồng Quê túi 5kg", 2)
    assert s.top_labels and s.top_labels[0][1] == 2
    replies = say(core, ADMIN, text=f"/stats {TODAY - timedelta(days=1)} {TODAY}")
    assert says(replies[0].text, "admin.stats", lookups=5, hit_rate=40)
    assert replies[1].attachment and replies[1].attachment.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert say(core, ADMIN, text="/stats yesterday")[0].text == VI("admin.stats_bad_dates")
    assert "date,count" not in figures.to_csv(s) and "top_missing_barcode,8935049500933,2" in figures.to_csv(
        s
    )


def test_closing_a_report_twice_says_it_is_not_open(core: Core, engine: Engine) -> None:
    report = ReportBook(engine).open("label", SHOPPER, SHOPPER, product_id=1, text="?")
    resolve = actions.ResolveReport(report.id).pack()  # type: ignore[arg-type]
    [closed] = say(core, ADMIN, callback=resolve)
    assert closed.text == Messages("vi")("admin.resolved", id=report.id)
    [again] = say(core, ADMIN, callback=resolve)
    assert again.text == Messages("vi")("admin.report_closed", id=report.id)
    [missing] = say(core, ADMIN, callback=actions.DismissReport(999_999).pack())
    assert missing.text == Messages("vi")("admin.report_closed", id=999_999)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), (TODAY - timedelta(days=29), TODAY)),
        (("2026-01-01",), (date(2026, 1, 1), TODAY)),
        (("2026-03-31", "2026-01-01"), (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_stats_period_defaults_to_thirty_days_and_orders_the_dates(
    args: tuple[str, ...], expected: tuple[date, date]
) -> None:
    assert figures.period(TODAY, *args) == expected


def test_stats_period_refuses_a_text_that_is_not_a_date() -> None:
    with pytest.raises(ValueError):
        figures.period(TODAY, "yesterday")
