"""Serving the scanning page and its API from the bot's own web server.

``routes(...)`` gives Starlette routes to mount on the ASGI application: the page at
``/app/`` (no-cache, revalidated by ETag, with the page's texts in both languages put in
at serve time from the message catalogs), its hashed assets under ``/app/assets/``
(cached for a year, immutable), and the API under ``/api/v1``. Every page response
carries a Content-Security-Policy that allows only the page's own origin and
Telegram's script.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.i18n import LOCALES, message_texts

DIST = Path(__file__).resolve().parent / "dist"
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' https://telegram.org",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self' https://web.telegram.org",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
IMMUTABLE = "public, max-age=31536000, immutable"
TEXTS_MARK = "__PAGE_TEXTS__"


def page_texts() -> dict[str, dict[str, str]]:
    """The page's own texts and the verdict templates, per language (no HTML in them)."""
    return {
        loc: {k: v for k, v in message_texts(loc).items() if k.startswith(("webapp.", "verdict."))}
        for loc in LOCALES
    }


class _HeaderApp:
    """Adds fixed headers to every response of an inner ASGI app."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in self.raw}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self.raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Page:
    """index.html with the texts put in, read once; answered with an ETag."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        index = dist / "index.html"
        self.body: bytes | None = None
        if index.is_file():
            texts = json.dumps(page_texts(), ensure_ascii=False).replace("<", "\\u003c")
            self.body = index.read_text(encoding="utf-8").replace(TEXTS_MARK, texts).encode()
            self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    async def respond(self, request: Request) -> Response:
        if self.body is None:
            return PlainTextResponse(
                "The scanning page has not been built (npm ci && npm run build in webapp/).",
                status_code=503,
                headers=SECURITY_HEADERS,
            )
        headers = {**SECURITY_HEADERS, "ETag": self.etag, "Cache-Control": "no-cache"}
        if self.etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(self.body, media_type="text/html; charset=utf-8", headers=headers)


def page_routes(dist: Path = DIST) -> list[BaseRoute]:
    page = Page(dist)
    routes: list[BaseRoute] = [
        Route("/app", lambda _: RedirectResponse("/app/", status_code=308)),
        Route("/app/", page.respond),
    ]
    worker = dist / "sw.js"
    if worker.is_file():
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
        routes.append(
            Route("/app/sw.js", lambda _: FileResponse(worker, media_type="text/javascript", headers=headers))
        )
    assets = dist / "assets"
    if assets.is_dir():
        static = StaticFiles(directory=assets)
        headed = _HeaderApp(static, {**SECURITY_HEADERS, "Cache-Control": IMMUTABLE})
        routes.append(Mount("/app/assets", app=GZipMiddleware(headed, minimum_size=1024)))
    return routes


def routes(api: ASGIApp, dist: Path = DIST) -> Iterable[BaseRoute]:
    """Everything the page needs, to add to the bot's ASGI application."""
    return [*page_routes(dist), Mount("/api/v1", app=GZipMiddleware(api, minimum_size=1024))]
