"""The page and its API wired to the bot's services on the ASGI application.

The ASGI application builds its services at start-up (one set per worker), so the API is
built on its first request from the services the application holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.services import Services
from webapp import site
from webapp.api import ApiConfig, create_api


def api_for(services: Services) -> ASGIApp:
    """The /api/v1 application for these services (anonymous-only without a bot token)."""
    settings = services.settings
    try:
        token: str | None = settings.token()
    except ValueError:
        token = None
    core = services.core
    return create_api(
        services.catalog,
        services.stores,
        core.usage,
        core.reports,
        core.shoppers,
        ApiConfig(token, init_max_age=settings.webapp_auth_max_age),
    )


class LazyApi:
    """Builds the API from ``app.state.services`` on the first request it serves."""

    def __init__(self, factory: Callable[[Services], ASGIApp] = api_for) -> None:
        self.factory = factory
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    self._app = self.factory(scope["app"].state.services)
        await self._app(scope, receive, send)


def webapp_routes() -> list[BaseRoute]:
    """Routes for /app/ (the page) and /api/v1 (its API)."""
    return list(site.routes(LazyApi()))
