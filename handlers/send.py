"""Rendering reply models as Telegram messages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

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
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import ExtBot

from bot.replies import Button, Reply, fit
from handlers.webapp_menu import keyboard_button

MAX_CAPTION = 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
RETRIES = 2
RETRY_DELAY = 0.5
T = TypeVar("T")


async def retrying(make: Callable[[], Awaitable[T]]) -> T:
    """Retry a call after a network error or time-out (RetryAfter is the rate limiter's job).

    Bad requests and blocked chats are not retried. A time-out after Telegram got the request
    can, rarely, deliver a message twice; that is better than a shopper getting no answer.
    """
    for attempt in range(RETRIES):
        try:
            return await make()
        except (BadRequest, Forbidden):
            raise
        except NetworkError:
            await asyncio.sleep(RETRY_DELAY * 2**attempt)
    return await make()


def _inline_button(button: Button) -> InlineKeyboardButton:
    if button.url:
        return InlineKeyboardButton(button.text, url=button.url)
    return InlineKeyboardButton(button.text, callback_data=button.data)


def markup(reply: Reply, scan_url: str | None = None) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.buttons:
        return InlineKeyboardMarkup(
            [[_inline_button(b) for b in row] for row in reply.buttons]
        )
    if reply.ask_location:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(reply.ask_location, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.keyboard:
        return ReplyKeyboardMarkup(
            [[keyboard_button(text, scan_url) for text in row] for row in reply.keyboard],
            resize_keyboard=True,
        )
    return None


def unreachable(exc: TelegramError) -> bool:
    """Telegram's answers for a chat that will not take messages until the user writes again
    (403: bot was blocked by the user, user is deactivated; 400: chat not found)."""
    text = str(exc).lower()
    return isinstance(exc, Forbidden) or (isinstance(exc, BadRequest) and "chat not found" in text)


async def send(
    bot: ExtBot,  # type: ignore[type-arg]
    chat_id: int,
    replies: list[Reply],
    edit_target: Message | None = None,
    scan_url: str | None = None,
    gone: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Send each reply; a reply marked ``edit`` replaces ``edit_target`` when there is one.
    With ``scan_url`` the keyboard's scan button opens the scanning page. With ``gone``, a chat
    that Telegram refuses as unreachable is passed to it once and skipped; the other chats
    still get their replies (an officer's confirmation when the reporter blocked the bot)."""
    skipped: set[int] = set()
    for reply in replies:
        to = reply.to_chat or chat_id
        if to in skipped:
            continue
        target = edit_target if reply.to_chat is None else None
        try:
            await _send_one(bot, to, reply, target, scan_url)
        except TelegramError as exc:
            if gone is None or not unreachable(exc):
                raise
            skipped.add(to)
            await gone(to)


async def _send_one(
    bot: ExtBot,  # type: ignore[type-arg]
    chat_id: int,
    reply: Reply,
    edit_target: Message | None,
    scan_url: str | None = None,
) -> None:
    keyboard: Any = markup(reply, scan_url)
    if reply.attachment is not None:
        await _send_attachment(bot, chat_id, reply, keyboard)
    elif reply.edit and edit_target is not None and not (reply.keyboard or reply.ask_location):
        try:
            if edit_target.text is None:  # a photo or a file: Telegram edits only its caption
                await retrying(
                    lambda: edit_target.edit_caption(
                        fit(reply.text, MAX_CAPTION), parse_mode=ParseMode.HTML, reply_markup=keyboard
                    )
                )
                return
            await retrying(
                lambda: edit_target.edit_text(
                    reply.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
                    link_preview_options=NO_PREVIEW,
                )
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
    else:
        await retrying(
            lambda: bot.send_message(
                chat_id,
                reply.text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
                link_preview_options=NO_PREVIEW,
            )
        )
    if reply.venue:
        v = reply.venue
        await retrying(
            lambda: bot.send_venue(chat_id, latitude=v.lat, longitude=v.lon, title=v.title, address=v.address)
        )


async def _send_attachment(bot: ExtBot, chat_id: int, reply: Reply, keyboard: Any) -> None:  # type: ignore[type-arg]
    """A document or picture with the reply text as its caption (cut to Telegram's 1024)."""
    att = reply.attachment
    assert att is not None
    caption = fit(reply.text, MAX_CAPTION) or None
    if att.kind == "document":
        document: Any = att.ref or InputFile(att.data, filename=att.filename)
        await retrying(
            lambda: bot.send_document(
                chat_id,
                document,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard,
            )
        )
    else:
        photo: Any = att.ref or InputFile(att.data, filename=att.filename)
        await retrying(
            lambda: bot.send_photo(
                chat_id, photo, caption=caption, parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
        )
