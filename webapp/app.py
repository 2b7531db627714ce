"""The page and its API wired to the bot's services (used by the ASGI application)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.routing import BaseRoute

from bot.services import Services
from webapp import site
from webapp.api import ApiConfig, create_api


def webapp_routes(services: Services, bot_token: str | None) -> Iterable[BaseRoute]:
    """Routes for /app/ and /api/v1; ``bot_token`` None makes every caller anonymous."""
    core = services.core
    api = create_api(
        services.catalog,
        services.stores,
        core.usage,
        core.reports,
        core.shoppers,
        ApiConfig(bot_token, init_max_age=services.settings.webapp_auth_max_age),
    )
    return site.routes(api)
