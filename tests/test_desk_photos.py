"""The department desk on Telegram: a report that came with a photo is listed as a photo, and
resolving it must work although Telegram only lets a bot edit the caption of such a message."""

from __future__ import annotations

from typing import Any

from bot import actions
from bot.i18n import Messages
from catalog.reports import ReportBook
from tests import telegram_fakes as tg
from tests.test_handlers import admin_bot, feed, product_with_gtin, services  # noqa: F401 - fixtures

ADMIN = 501  # admin_bot's admin
SHOPPER = 777


async def test_resolving_a_report_with_a_photo_edits_its_caption_and_tells_the_shopper(  # type: ignore[no-untyped-def]
    admin_bot,  # noqa: F811
) -> None:
    app, state = admin_bot
    book = ReportBook(app.bot_data.services.engine)
    added = product_with_gtin(app.bot_data.services)  # the officer has added it meanwhile
    report = book.open("missing", SHOPPER, SHOPPER, gtin=added.gtin)
    book.update(report.id, photo_ref="pack-photo-1", notify=True)

    await feed(app, tg.text("/reports", user_id=ADMIN))
    [listed] = state.sent("sendPhoto")
    assert listed["photo"] == "pack-photo-1"
    sent: dict[str, Any] = next(m for m in state.messages.values() if "photo" in m)
    resolve = actions.ResolveReport(report.id).pack()
    assert any(
        b["callback_data"] == resolve for row in listed["reply_markup"]["inline_keyboard"] for b in row
    )

    await feed(app, tg.callback(resolve, user_id=ADMIN, message=sent))
    assert not state.sent("editMessageText")  # Telegram refuses that for a photo message
    [edited] = state.sent("editMessageCaption")
    assert str(report.id) in edited["caption"]
    told = [m for m in state.sent("sendMessage") if int(m["chat_id"]) == SHOPPER]
    assert told, "the shopper who asked to be told hears about it"
    apologies = [m for m in state.sent("sendMessage") if "Xin lỗi" in m.get("text", "")]
    assert not apologies


async def test_a_pack_photo_sent_as_a_file_reaches_the_officer_as_a_file_with_the_reporter_named(  # type: ignore[no-untyped-def]
    admin_bot,  # noqa: F811
) -> None:
    app, state = admin_bot
    asked = tg.text("9529999999993", user_id=SHOPPER, language="en")
    await feed(app, asked)
    [missing] = state.sent("sendMessage")
    report_button = missing["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press = tg.callback(report_button, user_id=SHOPPER, language="en")
    press["callback_query"]["from"].update(last_name="Nguyễn <b>", username="lan_hn")
    await feed(app, press)
    [report] = ReportBook(app.bot_data.services.engine).open_reports()
    notify = state.sent("sendMessage")[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await feed(app, tg.callback(notify, user_id=SHOPPER, language="en"))
    state.add_file("pack-file", b"\xff\xd8 a jpeg kept as sent", kind="document")
    as_file = tg.document("pack-file", 22, mime="image/jpeg", user_id=SHOPPER)
    as_file["message"]["from"]["language_code"] = "en"
    await feed(app, as_file)
    assert state.sent("sendMessage")[-1]["text"] == Messages("en")("report.photo_added", id=report.id)

    await feed(app, tg.text("/reports", user_id=ADMIN))
    assert not state.sent("sendPhoto") and not [c for c in state.calls if c[0].startswith("refused")]
    [listed] = state.sent("sendDocument")
    assert listed["document"] == "pack-file"
    vi = Messages("vi")
    who = vi("admin.reporter_named", name="Lan Nguyễn <b>", username="lan_hn", id=SHOPPER)
    assert who in listed["caption"] and "<b>Lan" not in listed["caption"]  # the name is escaped
    sent = next(m for m in state.messages.values() if "document" in m)

    await feed(app, tg.callback(actions.DismissReport(report.id).pack(), user_id=ADMIN, message=sent))
    [edited] = state.sent("editMessageCaption")
    assert edited["caption"] == f"{vi('admin.dismissed', id=report.id)}\n{vi('admin.reporter_told')}"
    told = state.sent("sendMessage")[-1]
    assert int(told["chat_id"]) == SHOPPER  # in the language the shopper reported in
    assert told["text"] == Messages("en")("report.dismissed_notice", id=report.id)


async def test_stats_csv_arrives_as_a_document(admin_bot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, state = admin_bot
    await feed(app, tg.text("/stats csv 2026-01-01 2026-06-30", user_id=ADMIN))
    [doc] = state.sent("sendDocument")
    assert doc["caption"] == Messages("vi")("admin.stats_csv_caption", start="2026-01-01", end="2026-06-30")
    assert not state.sent("sendPhoto")
