"""A typed context, so handlers reach the services by attribute instead of string keys."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.services import Services


@dataclass
class BotData:
    """Application-wide state: settings, and the services built in ``post_init``."""

    settings: Settings | None = None
    services: Services | None = None

    @property
    def ready(self) -> Services:
        if self.services is None:
            raise RuntimeError("services are built in post_init; the application is not initialised")
        return self.services


class BotContext(CallbackContext[ExtBot[None], dict, dict, BotData]):  # type: ignore[type-arg]
    """CallbackContext whose ``bot_data`` is a BotData."""


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
