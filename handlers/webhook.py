"""Registering the webhook with Telegram, once, before the workers start."""

from __future__ import annotations

from telegram import Bot, Update

from bot.config import Settings
from handlers.app import WEBHOOK_PATH


async def register_webhook(settings: Settings, base_url: str) -> str:
    """Point Telegram at ``base_url``/telegram with the secret token; returns the full URL."""
    url = f"{base_url.rstrip('/')}/{WEBHOOK_PATH}"
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    async with Bot(settings.token(), base_url=settings.telegram_api_base_url) as bot:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    return url


async def registered_webhook(settings: Settings) -> str:
    """The webhook URL Telegram has for this bot ("" when none)."""
    async with Bot(settings.token(), base_url=settings.telegram_api_base_url) as bot:
        info = await bot.get_webhook_info()
    return info.url or ""
