"""The department desk: every open report can be paged through, newest first, by kind."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot import actions, render
from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import Reply
from catalog.privacy import forget
from catalog.reports import ReportBook
from catalog.verdict import verdict
from tests import test_reports_and_stats_limits as limits

ADMIN = limits.ADMIN
VI = Messages("vi")
core = limits.core  # the fixture: a core with an officer (ADMIN) and no flood limits


def ids_listed(replies: list[Reply]) -> list[int]:
    """The report ids of the entries (every reply but the last, which is the navigation)."""
    out = []
    for reply in replies[:-1]:
        pressed = [actions.parse(b.data) for b in reply.all_buttons()]
        out.extend(a.report_id for a in pressed if isinstance(a, actions.ResolveReport))
    return out


def press(core: Core, replies: list[Reply], text: str) -> list[Reply]:
    [button] = [b for b in replies[-1].all_buttons() if b.text == text]
    return core.handle(Incoming(ADMIN, callback=button.data))


def test_reports_page_through_all_open_reports_newest_first_by_kind(core: Core, engine: Engine) -> None:
    book = ReportBook(engine)
    kinds = ["missing", "label"] * 6  # 12 reports from 12 shoppers, alternating kinds
    made = [
        book.open(kind, 100 + i, 100 + i, gtin="9529999999993" if kind == "missing" else None, text="x")
        for i, kind in enumerate(kinds)
    ]
    newest_first = [r.id for r in reversed(made)]
    first = core.handle(Incoming(ADMIN, text="/reports"))
    assert ids_listed(first) == newest_first[:5]
    assert first[-1].text == VI("admin.reports_shown_all", shown=5, total=12)
    second = press(core, first, VI("admin.reports_older"))
    assert ids_listed(second) == newest_first[5:10]
    third = press(core, second, VI("admin.reports_older"))
    assert ids_listed(third) == newest_first[10:]
    assert VI("admin.reports_older") not in [b.text for b in third[-1].all_buttons()]

    missing = press(core, first, VI("admin.reports_filter_missing", count=6))
    missing_ids = [r.id for r in reversed(made) if r.kind == "missing"]
    assert ids_listed(missing) == missing_ids[:5]
    assert missing[-1].text == VI("admin.reports_shown_missing", shown=5, total=6)
    assert ids_listed(press(core, missing, VI("admin.reports_older"))) == missing_ids[5:]
    labels = press(core, first, VI("admin.reports_filter_label", count=6))
    assert {book.get(i).kind for i in ids_listed(labels)} == {"label"}  # type: ignore[union-attr]

    book.close(newest_first[0], ADMIN, "resolved")  # closed reports leave the list
    assert ids_listed(core.handle(Incoming(ADMIN, text="/reports"))) == newest_first[1:6]


def test_the_reports_page_button_is_for_officers_only(core: Core, engine: Engine) -> None:
    ReportBook(engine).open("label", 5, 5, text="x")
    [reply] = core.handle(Incoming(5, callback=actions.ReportsPage.of("all").pack()))
    assert reply.text == VI("errors.button_expired")
    assert actions.parse("arp:all.１２") is None and actions.parse("arp:other.0") is None


def test_a_handled_label_report_tells_the_reporter_what_the_catalog_now_says(core: Core) -> None:
    who = {"user_name": "Hà", "username": "ha_hn", "language_code": "en"}  # as Telegram gives them
    [card] = core.handle(Incoming(7, text="gao st25 hat ngoc", **who))  # type: ignore[arg-type]
    core.handle(Incoming(7, callback=card.all_buttons()[-1].data, **who))  # type: ignore[arg-type]
    [thanks] = core.handle(Incoming(7, text="the logo looks copied", **who))  # type: ignore[arg-type]
    core.handle(Incoming(7, callback=thanks.buttons[0][0].data))  # tell me
    [entry, _nav] = core.handle(Incoming(ADMIN, text="/reports"))
    assert VI("admin.reporter_named", name="Hà", username="ha_hn", id=7) in entry.text
    [closed, told] = core.handle(Incoming(ADMIN, callback=entry.buttons[0][0].data))
    assert closed.text == f"{VI('admin.resolved', id=1)}\n{VI('admin.reporter_told')}"
    product = core.catalog.card(core.catalog.search("gao st25 hat ngoc")[0].product_id)
    assert product is not None
    en = Messages("en")
    expected = en.raw(
        "report.resolved_label",
        id=1,
        product=render.product_name(product.product, "en"),
        verdict=render.verdict_line(en, verdict(product)),
    )
    assert told.to_chat == 7 and told.text == expected


def test_a_reporters_name_is_shown_without_invisible_or_direction_characters(core: Core) -> None:
    who = {"user_name": "Lan\u202e\u200b  Anh", "username": "lan\u200bhn"}
    [missing] = core.handle(Incoming(9, text="9529999999993", **who))  # type: ignore[arg-type]
    core.handle(Incoming(9, callback=missing.buttons[0][0].data, **who))  # type: ignore[arg-type]
    [entry, _nav] = core.handle(Incoming(ADMIN, text="/reports"))
    assert VI("admin.reporter_named", name="Lan Anh", username="lanhn", id=9) in entry.text


def test_forgetting_a_reporter_clears_their_name_from_reports(core: Core, engine: Engine) -> None:
    [missing] = core.handle(Incoming(8, text="9529999999993", user_name="Minh", username="minh_hn"))
    core.handle(Incoming(8, callback=missing.buttons[0][0].data, user_name="Minh", username="minh_hn"))
    forget(engine, 8)
    [entry, _nav] = core.handle(Incoming(ADMIN, text="/reports"))
    assert "Minh" not in entry.text and VI("admin.reporter_forgotten") in entry.text
