"""A typed context, so handlers reach the services by attribute instead of string keys."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

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

    @classmethod
    def from_update(cls, update: object, application: Application) -> BotContext:  # type: ignore[override,type-arg]
        return super().from_update(update, application)  # type: ignore[return-value]


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
