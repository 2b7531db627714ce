"""Rendering reply models as Telegram messages."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.replies import Reply

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.buttons:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
        )
    if reply.keyboard:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(text) for text in row] for row in reply.keyboard],
            resize_keyboard=True,
            is_persistent=False,
        )
    return None


async def send(bot: ExtBot, chat_id: int, replies: list[Reply], edit_target: Message | None = None) -> None:  # type: ignore[type-arg]
    """Send each reply; a reply marked ``edit`` replaces ``edit_target`` when there is one."""
    for reply in replies:
        keyboard = markup(reply)
        if reply.edit and edit_target is not None and not reply.keyboard:
            try:
                await edit_target.edit_text(
                    reply.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,  # type: ignore[arg-type]
                    link_preview_options=NO_PREVIEW,
                )
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():
                    raise
        else:
            await bot.send_message(
                chat_id,
                reply.text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                link_preview_options=NO_PREVIEW,
            )
        if reply.venue:
            v = reply.venue
            await bot.send_venue(chat_id, latitude=v.lat, longitude=v.lon, title=v.title, address=v.address)
