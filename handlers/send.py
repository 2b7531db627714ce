"""Rendering reply models as Telegram messages."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.replies import Reply, cut_html

MAX_CAPTION = 1024

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
        target = reply.to_chat or chat_id
        if reply.attachment is not None:
            await _send_attachment(bot, target, reply, keyboard)
        elif reply.edit and edit_target is not None and not reply.keyboard and reply.to_chat is None:
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
            await bot.send_venue(target, latitude=v.lat, longitude=v.lon, title=v.title, address=v.address)


async def _send_attachment(bot: ExtBot, chat_id: int, reply: Reply, keyboard: object) -> None:  # type: ignore[type-arg]
    """A document or picture with the reply text as its caption (cut to Telegram's 1024)."""
    att = reply.attachment
    assert att is not None
    caption = cut_html(reply.text, MAX_CAPTION) if len(reply.text) > MAX_CAPTION else reply.text or None
    if att.kind == "document":
        await bot.send_document(
            chat_id,
            InputFile(att.data, filename=att.filename),
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )  # type: ignore[arg-type]
    else:
        photo = att.ref if att.ref else InputFile(att.data, filename=att.filename)
        await bot.send_photo(
            chat_id, photo, caption=caption, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )  # type: ignore[arg-type]
