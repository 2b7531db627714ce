"""Shopper-facing handlers: each turns an Update into an Incoming, calls the core off the event
loop, and sends what comes back."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.core import Core, Incoming
from bot.i18n import Messages
from handlers import metrics
from handlers.context import BotContext
from handlers.send import send
from handlers.webapp_menu import keyboard_locale, parse_page_data, publish_menu_button

log = logging.getLogger(__name__)
# Photo answers wait here for the decoding budget (catalog.scanpool), never in the default
# executor that answers text; photos beyond these threads queue without holding one.
PHOTO_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="photo")
INLINE_RESULTS = 50


def _incoming(update: Update, **fields: object) -> Incoming:
    user = update.effective_user
    chat = update.effective_chat
    return Incoming(
        user.id if user else 0,
        language_code=user.language_code if user else None,  # type: ignore[arg-type]
        chat_id=chat.id if chat else None,
        user_name=user.full_name if user else "",
        username=(user.username or "") if user else "",
        **fields,
    )


async def _admitted(update: Update, context: BotContext, photo: bool) -> bool:
    """The flood guard, asked before anything is downloaded; a refusal is answered here."""
    core = context.bot_data.ready.core
    user = update.effective_user
    if user is None:
        return False
    refused = await asyncio.to_thread(core.admit, user.id, user.language_code, photo)
    if refused is None:
        return True
    chat = update.effective_chat
    if chat is not None and refused:
        await send(context.bot, chat.id, refused)
    return False


def _too_big(core: Core, size: int, limit: int) -> bool:
    """Over our own limit, or over what Telegram lets a bot download: answered without it."""
    return size > limit or 0 < core.download_limit < size


async def _answer(update: Update, context: BotContext, incoming: Incoming) -> None:
    core = context.bot_data.ready.core
    kind = _kind(incoming)
    started = time.perf_counter()
    if incoming.image is not None:  # waits for the decoding budget on a thread of its own
        replies = await asyncio.get_running_loop().run_in_executor(PHOTO_THREADS, core.handle, incoming)
    else:
        replies = await asyncio.to_thread(core.handle, incoming)
    metrics.LATENCY.labels(kind).observe(time.perf_counter() - started)
    chat = update.effective_chat
    if chat is not None and replies:
        target = update.callback_query.message if update.callback_query else None
        url = context.bot_data.settings.webapp_url if context.bot_data.settings else None
        await send(context.bot, chat.id, replies, edit_target=target, scan_url=url, gone=_gone(core))  # type: ignore[arg-type]
        locale = keyboard_locale(replies) if url else None
        if locale:  # the chat's language was (re)stated: its menu button follows
            await publish_menu_button(context.bot, url, chat.id, locale)
        metrics.ANSWERS.labels(kind).inc()


def _gone(core: Core) -> Callable[[int], Awaitable[None]]:
    """What to do when Telegram refuses a chat as unreachable: mark it, stop its tips."""

    async def mark(chat_id: int) -> None:
        log.info("chat %s cannot be reached: marked, nothing is sent until it writes again", chat_id)
        await asyncio.to_thread(core.shoppers.mark_unreachable, chat_id)

    return mark


def _kind(incoming: Incoming) -> str:
    """The latency histogram's label: what the core was asked to do."""
    if incoming.image is not None:
        return "scan"
    if incoming.callback is not None:
        return "button"
    if incoming.text is not None:
        return "search"
    return "other"


async def on_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer(update, context, _incoming(update, text=message.text))


async def on_photo(update: Update, context: BotContext) -> None:
    """Photos and images sent as files: flood guard and sizes checked before the download,
    decoded in the scan process pool."""
    message = update.effective_message
    if message is None:
        return
    media = message.photo[-1] if message.photo else message.document
    if media is None:
        return
    if not await _admitted(update, context, photo=True):
        return
    core = context.bot_data.ready.core
    size = media.file_size or 0
    if _too_big(core, size, core.max_image_bytes):  # the core answers; nothing is downloaded
        too_big = _incoming(update, image_size=size, photo_is_file=not message.photo, admitted=True)
        await _answer(update, context, too_big)
        return
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    file = await context.bot.get_file(media.file_id)
    data = bytes(await file.download_as_bytearray())
    incoming = _incoming(
        update,
        image=data,
        image_size=len(data),
        photo_ref=media.file_id,
        photo_is_file=not message.photo,
        text=message.caption,
        admitted=True,
    )
    await _answer(update, context, incoming)


async def on_document(update: Update, context: BotContext) -> None:
    """Other files: only admins' catalog CSVs mean something; the core decides."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    admin = context.bot_data.ready.core.admin
    doc = message.document
    user = update.effective_user
    if user is None or not admin.is_admin(user.id):  # only admins' files are worth downloading
        await _answer(update, context, _incoming(update))
        return
    if not await _admitted(update, context, photo=False):
        return
    name = doc.file_name or "upload"
    if _too_big(context.bot_data.ready.core, doc.file_size or 0, admin.max_upload_bytes):
        await _answer(
            update, context, _incoming(update, document_size=doc.file_size, document_name=name, admitted=True)
        )
        return
    file = await context.bot.get_file(doc.file_id)
    data = bytes(await file.download_as_bytearray())
    await _answer(update, context, _incoming(update, document=data, document_name=name, admitted=True))


async def on_location(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or message.location is None:
        return
    loc = message.location
    await _answer(update, context, _incoming(update, location=(loc.latitude, loc.longitude)))


async def on_web_app_data(update: Update, context: BotContext) -> None:
    """A report sent from the scanning page opened by the 📷 keyboard button (Telegram gives
    such a page no signed data to call the API with, only ``sendData`` back to the chat)."""
    message = update.effective_message
    action = parse_page_data(message.web_app_data.data if message and message.web_app_data else "")
    if action is None:
        log.info("ignored malformed data from the scanning page")
        return
    await _answer(update, context, _incoming(update, callback=action.pack()))


async def on_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await _answer(update, context, _incoming(update, callback=query.data or ""))


async def on_inline(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    core = context.bot_data.ready.core
    user = query.from_user
    cards = await asyncio.to_thread(core.inline, user.id, query.query, user.language_code)
    t = Messages(await asyncio.to_thread(core.locale_for, user.id, user.language_code))
    results = [
        InlineQueryResultArticle(
            id=card.id,
            title=card.title,
            description=card.description[:200] or None,
            input_message_content=InputTextMessageContent(card.text, parse_mode=ParseMode.HTML),
            reply_markup=(
                InlineKeyboardMarkup([[InlineKeyboardButton(t("card.open_in_bot"), url=card.link)]])
                if card.link
                else None
            ),
        )
        for card in cards[:INLINE_RESULTS]
    ]
    # Cards are written in the asker's language, so Telegram must not share its cache.
    await query.answer(results, cache_time=300, is_personal=True)
    metrics.ANSWERS.labels("inline").inc()


async def on_other(update: Update, context: BotContext) -> None:
    if update.effective_chat and update.effective_user:
        await _answer(update, context, _incoming(update))


async def on_error(update: object, context: BotContext) -> None:
    """Log the update id and traceback (no message text, no token) and apologise to the user."""
    error = context.error
    metrics.ERRORS.inc()
    update_id = update.update_id if isinstance(update, Update) else None
    trace = "".join(traceback.format_exception(error)) if error else ""
    log.error("error while handling update %s: %s", update_id, trace)
    if isinstance(update, Update) and update.effective_chat and update.effective_user:
        services = context.bot_data.services
        locale = "vi"
        if services is not None:
            try:
                locale = await asyncio.to_thread(
                    services.core.locale_for, update.effective_user.id, update.effective_user.language_code
                )
            except Exception:
                log.exception("could not read the user's language")
        try:
            await context.bot.send_message(update.effective_chat.id, Messages(locale)("errors.apology"))
        except Exception:
            log.exception("could not send the apology")


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The shopper handlers, in the order they are tried."""
    app.add_handler(MessageHandler(filters.PHOTO | filters.Document.IMAGE, on_photo))
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(MessageHandler(filters.StatusUpdate.WEB_APP_DATA, on_web_app_data))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(InlineQueryHandler(on_inline))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, on_other))
    app.add_error_handler(on_error)  # type: ignore[arg-type]
