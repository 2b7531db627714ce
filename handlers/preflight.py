"""Asking Telegram who the bot is before serving, so a refused token or a wrong API address
ends the start-up with one clear line instead of a traceback from deep inside a worker."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings
from bot.redact import redact


class StartupError(RuntimeError):
    """Telegram cannot be used with these settings; the message is one redacted line."""


async def check_bot(settings: Settings) -> str:
    """The bot's username; raises StartupError when the Bot API refuses or cannot be reached."""
    base = settings.telegram_api_base_url
    quiet = logging.getLogger("telegram")  # it logs a traceback for a non-JSON answer; we say it once
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        async with Bot(settings.token(), base_url=base, base_file_url=settings.telegram_file_base_url) as bot:
            me = await bot.get_me()
    except InvalidToken:
        raise StartupError(
            f"the Bot API at {redact(base)} refused the token: check TELEGRAM_BOT_TOKEN "
            "(and TELEGRAM_API_BASE_URL when you run your own Bot API server)"
        ) from None
    except NetworkError as exc:
        raise StartupError(f"cannot reach the Bot API at {redact(base)}: {redact(str(exc))}") from None
    except TelegramError as exc:
        raise StartupError(f"the Bot API at {redact(base)} answered: {redact(str(exc))}") from None
    finally:
        quiet.setLevel(level)
    return me.username
