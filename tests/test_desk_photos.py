"""The department desk on Telegram: a report that came with a photo is listed as a photo, and
resolving it must work although Telegram only lets a bot edit the caption of such a message."""

from __future__ import annotations

from typing import Any

from bot import actions
from catalog.reports import ReportBook
from tests import telegram_fakes as tg
from tests.test_handlers import admin_bot, feed, services  # noqa: F401 - fixtures

ADMIN = 501  # admin_bot's admin
SHOPPER = 777


async def test_resolving_a_report_with_a_photo_edits_its_caption_and_tells_the_shopper(  # type: ignore[no-untyped-def]
    admin_bot,  # noqa: F811
) -> None:
    app, state = admin_bot
    book = ReportBook(app.bot_data.services.engine)
    report = book.open("missing", SHOPPER, SHOPPER, gtin="9529999999993")
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
