"""Opening the scanning page from Telegram: the chat menu button and the 📷 keyboard button.

Both are set only when WEBAPP_URL is configured. The menu button is published once as the
bot's default (Vietnamese) and again for a chat whenever its language is (re)stated, so a
shopper who chose English sees an English button. The link carries the language, since a
page opened from a keyboard button gets no signed launch data from Telegram.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode, urlsplit, urlunsplit

from telegram import KeyboardButton, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.actions import ReportMissing
from bot.i18n import LOCALES, Messages, message_texts
from bot.replies import Reply
from catalog.gtin import is_valid, normalise

log = logging.getLogger(__name__)


def scan_texts() -> dict[str, str]:
    """The main keyboard's scan button text in each language -> that language."""
    return {message_texts(loc)["menu.scan"]: loc for loc in LOCALES}


def page_url(base: str, locale: str) -> str:
    parts = urlsplit(base)
    query = "&".join(q for q in (parts.query, urlencode({"lang": locale})) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, parts.fragment))


def keyboard_button(text: str, url: str | None) -> KeyboardButton:
    """A plain button, or for the scan button a ``web_app`` button that opens the page."""
    locale = scan_texts().get(text)
    if url and locale:
        return KeyboardButton(text, web_app=WebAppInfo(page_url(url, locale)))
    return KeyboardButton(text)


def keyboard_locale(replies: list[Reply]) -> str | None:
    """The language of the main keyboard among ``replies`` (sent on /start, /help, /lang)."""
    texts = scan_texts()
    for reply in replies:
        for row in reply.keyboard:
            for text in row:
                if text in texts:
                    return texts[text]
    return None


def menu_button(url: str, locale: str, chat: bool) -> MenuButtonWebApp:
    """The default button links the bare page (it follows the shopper's stored language)."""
    link = page_url(url, locale) if chat else url
    return MenuButtonWebApp(Messages(locale)("webapp.menu_button"), WebAppInfo(link))


async def publish_menu_button(
    bot: ExtBot,  # type: ignore[type-arg]
    url: str | None,
    chat_id: int | None = None,
    locale: str = "vi",
) -> None:
    """Set the menu button (the bot's default, or one chat's); a failure is logged only."""
    if not url:
        return
    try:
        button = menu_button(url, locale, chat=chat_id is not None)
        await bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
    except TelegramError as exc:
        log.warning("could not set the menu button for %s: %s", chat_id or "all chats", exc)


def parse_page_data(data: str) -> ReportMissing | None:
    """What the page sent with ``sendData``: ``{"report": "<GTIN>"}``, or None."""
    try:
        value = json.loads(data[:256])
        code = value["report"] if isinstance(value, dict) else None
    except (ValueError, KeyError):
        return None
    if not isinstance(code, str) or not code.isdigit() or not 8 <= len(code) <= 14 or not is_valid(code):
        return None
    return ReportMissing(normalise(code))
