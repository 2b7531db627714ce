"""The bot's HTTP server: one ASGI application for the Telegram webhook, health and metrics.

Starlette: a small, typed ASGI toolkit that uvicorn runs with several worker processes, and on
which the scanning web page's API and static files mount as ordinary routes. Other parts of
the service add their routes through ``extra_routes`` (tests) or ``production_routes``
(what ``ecolabel-bot serve`` runs); a route handler reaches the services with
``services_of(request)``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram.error import NetworkError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.config import Settings
from bot.services import Services, build_services
from catalog import migrate
from catalog.inbox import Inbox
from handlers import metrics
from handlers.app import WEBHOOK_PATH, build_application, install_redaction
from handlers.durable import DurableUpdates
from webapp.app import webapp_routes

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
START_RETRIES = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # seconds between a starting worker's tries
MAX_UPDATE_BYTES = 1 << 20  # an update is a few kilobytes; files are fetched separately


def services_of(request: Request) -> Services:
    """The services of the application serving ``request`` (for mounted routes)."""
    return request.app.state.services  # type: ignore[no-any-return]


def production_routes() -> list[BaseRoute]:
    """Routes the production server adds beside the bot's own (the scanning web page)."""
    return webapp_routes()


def create_app(
    settings: Settings,
    services: Services | None = None,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    telegram: bool = True,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
) -> Starlette:
    """The ASGI application. Services are built at start-up unless given (then the caller
    closes them); ``telegram=False`` serves health, metrics and the extra routes only."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if telegram and not secret:
        raise ValueError("the webhook needs WEBHOOK_SECRET (1-256 characters A-Z, a-z, 0-9, _ and -)")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        built = services or await asyncio.to_thread(build_services, settings)
        app.state.services = built
        bot: Application | None = None  # type: ignore[type-arg]
        durable: DurableUpdates | None = None
        if telegram:
            bot = build_application(settings, built, request=request, rate_limit=rate_limit, updater=False)
            await initialize(bot)
            if bot.post_init:
                await bot.post_init(bot)
            await bot.start()
            lease = timedelta(seconds=settings.update_lease_seconds)
            durable = DurableUpdates(bot, Inbox(built.engine, lease), built.core.usage.flush)
            durable.start()
        app.state.telegram = bot
        app.state.durable = durable
        try:
            yield
        finally:
            if durable is not None:
                await durable.stop()
            if bot is not None:
                await bot.stop()
                await bot.shutdown()
            if services is None:
                built.close()

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response("forbidden", status_code=403)
        body = await _read_limited(request, MAX_UPDATE_BYTES)
        if body is None:
            return Response("too large", status_code=413)
        try:
            update_id = int(json.loads(body)["update_id"])
        except (ValueError, TypeError, KeyError):
            return Response("not a Telegram update", status_code=400)
        metrics.UPDATES.labels("webhook").inc()
        durable: DurableUpdates = request.app.state.durable
        try:
            await durable.accept(update_id, body)  # recorded in the database before the 200
        except (ValueError, TypeError, KeyError, AttributeError):
            return Response("not a Telegram update", status_code=400)
        return Response(status_code=200)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
    ]
    if telegram:
        routes.append(Route(f"/{WEBHOOK_PATH}", webhook, methods=["POST"]))
    return Starlette(routes=[*routes, *extra_routes], lifespan=lifespan)


async def initialize(bot: Application) -> None:  # type: ignore[type-arg]
    """A worker's first call to Telegram (getMe), tried again while the network fails: uvicorn
    stops every worker when one fails to start, so a worker restarted after a crash must not
    take the server down because Telegram was slow for a moment. (`serve` checked the token
    before starting the workers.)"""
    for pause in (*START_RETRIES, None):
        try:
            await bot.initialize()
            return
        except NetworkError as exc:
            if pause is None:
                raise
            log.warning("Telegram did not answer a starting worker (%s); trying again in %s s", exc, pause)
            await asyncio.sleep(pause)


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit`` (never read past it)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def health(services: Services) -> tuple[bool, dict[str, str]]:
    """Whether this worker can serve: the database answers and its schema is current."""
    try:
        with services.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            behind = migrate.problem(conn)
    except Exception as exc:  # any driver error means "not healthy", with its first line
        return False, {"database": f"unreachable: {str(exc).splitlines()[0][:200]}"}
    if behind:
        return False, {"database": "ok", "schema": behind}
    return True, {"database": "ok", "schema": migrate.head()}


async def healthz(request: Request) -> Response:
    ok, detail = await asyncio.to_thread(health, services_of(request))
    return JSONResponse({"ok": ok, **detail}, status_code=200 if ok else 503)


async def metrics_endpoint(request: Request) -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)


def serve_app() -> Starlette:
    """The production application, built from the environment (uvicorn's factory, per worker)."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    install_redaction(settings.token())
    return create_app(settings, extra_routes=production_routes())
