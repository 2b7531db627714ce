"""The Application factory shared by production (polling, webhook) and the tests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ExtBot
from telegram.request import BaseRequest

from bot import redact
from bot.config import Settings
from bot.core import ADMIN_COMMANDS
from bot.i18n import LOCALES, Messages
from bot.services import Services, build_services
from catalog.service import HANOI
from handlers import chat
from handlers.context import CONTEXT_TYPES, BotContext
from handlers.send import send, unreachable
from handlers.webapp_menu import publish_menu_button

log = logging.getLogger(__name__)
COMMANDS = (
    "start", "help", "labels", "stores", "tips", "history", "saved",
    "subscribe", "unsubscribe", "lang", "privacy", "forget",
)
WEBHOOK_PATH = "telegram"


def install_redaction(token: str) -> None:
    """Keep the token out of every log line and traceback from now on (see bot.redact)."""
    redact.install(token)


def build_application(
    settings: Settings,
    services: Services | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
    updater: bool = True,
) -> Application:  # type: ignore[type-arg]
    """Build the bot. Services are built in post_init unless given (tests pass their own).

    ``updater=False`` for the ASGI server, which feeds webhook updates in itself.
    """
    token = settings.token()
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(16)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limit:
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=settings.telegram_overall_rate, max_retries=2)
        )
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    else:  # ample under Telegram's ~30 msg/s; httpcore polls every pooled connection per request
        builder = builder.connection_pool_size(16)
    if not updater:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data.settings = settings
    app.bot_data.services = services
    chat.register(app)
    return app


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    data = app.bot_data
    if data.services is None:
        data.services = await asyncio.to_thread(build_services, data.settings)
    links = data.services.core.links
    links.username = links.username or app.bot.username or ""  # for t.me/<bot>?start=... links
    await publish_commands(app.bot, data.settings.admin_ids if data.settings else frozenset())
    await publish_menu_button(app.bot, data.settings.webapp_url if data.settings else None)
    if app.job_queue is not None:
        app.job_queue.run_repeating(send_due_tips, interval=60, first=10, name="daily-tips")
        app.job_queue.run_repeating(flush_usage, interval=5, first=5, name="usage-flush")
        app.job_queue.run_repeating(privacy_upkeep, interval=3600, first=30, name="privacy-upkeep")
        app.job_queue.run_repeating(state_upkeep, interval=60, first=60, name="state-upkeep")


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    if app.bot_data.services is not None:
        app.bot_data.services.close()


async def publish_commands(bot: ExtBot, admin_ids: frozenset[int] = frozenset()) -> None:  # type: ignore[type-arg]
    """Command lists and descriptions per language (Vietnamese also as the default); admins
    also see the admin commands in their own chats. A failure is logged, never fatal."""
    calls: list[tuple[str, Callable[[], Awaitable[object]]]] = []
    for locale in (*LOCALES, None):
        t = Messages(locale or "vi")
        commands = [BotCommand(name, t(f"commands.{name}")) for name in COMMANDS]
        calls += [
            ("commands", partial(bot.set_my_commands, commands, language_code=locale)),
            ("description", partial(bot.set_my_description, t("about.description"), language_code=locale)),
            (
                "short description",
                partial(bot.set_my_short_description, t("about.short"), language_code=locale),
            ),
        ]
    t = Messages("vi")
    admin_commands = [BotCommand(name, t(f"commands.{name}")) for name in (*COMMANDS, *ADMIN_COMMANDS)]
    for admin in sorted(admin_ids):
        calls.append(
            (
                f"admin commands for {admin}",
                partial(bot.set_my_commands, admin_commands, scope=BotCommandScopeChat(admin)),
            )
        )
    for what, call in calls:
        try:
            await call()
        except TelegramError as exc:
            log.warning("could not publish %s: %s", what, exc)


async def send_due_tips(context: BotContext) -> None:
    """Runs every minute in every worker; one worker per minute does the round. Each tip is
    claimed in the database before it is sent, so no shopper gets two in a day; a chat that
    blocked the bot or is gone loses its subscription at the first refusal and is marked
    unreachable."""
    services = context.bot_data.ready
    now = datetime.now(HANOI)
    core = services.core
    minute = f"daily-tips:{now:%Y-%m-%dT%H:%M}"
    if not await asyncio.to_thread(core.state.first, "job", minute, 3600):
        return
    due = await asyncio.to_thread(core.subscriptions.due, now.date(), now.hour, now.minute)
    for sub in due:
        claimed = await asyncio.to_thread(core.subscriptions.claim, sub.user_id, now.date(), len(core.tips))
        if claimed is None:
            continue
        try:
            tip = core.daily_tip(claimed.user_id, claimed.locale, claimed.next_tip)
            await send(context.bot, claimed.chat_id, [tip])
        except TelegramError as exc:
            if unreachable(exc):
                await asyncio.to_thread(core.subscriptions.unsubscribe, claimed.user_id)
                await asyncio.to_thread(core.shoppers.mark_unreachable, claimed.chat_id)
                log.info("chat %s cannot be reached (%s): daily tips stopped", claimed.chat_id, exc)
            else:
                await asyncio.to_thread(core.subscriptions.release, claimed)
                log.warning("daily tip to chat %s failed, tried again next minute: %s", claimed.chat_id, exc)


async def privacy_upkeep(context: BotContext) -> None:
    """Hourly: usage records older than the retention lose their user ids."""
    services = context.bot_data.ready
    await asyncio.to_thread(services.core.shopper_pages.upkeep)


async def state_upkeep(context: BotContext) -> None:
    """Every minute: expired conversation state is deleted, above all checked uploads that
    were never confirmed (a whole file each), so none outlives its 15 minutes by much."""
    await asyncio.to_thread(context.bot_data.ready.core.state.purge)


async def flush_usage(context: BotContext) -> None:
    """Write buffered usage counts even when traffic stops."""
    await asyncio.to_thread(context.bot_data.ready.core.usage.flush)


def run_polling(settings: Settings) -> None:
    """Long polling with every fetched update recorded before it is handled (handlers.polling)."""
    from handlers.polling import poll

    install_redaction(settings.token())
    app = build_application(settings, updater=False)
    asyncio.run(poll(settings, app, lambda: app.bot_data.ready.core.usage.flush()))
