"""Running the scanning page for real: the bot's ASGI server in a thread and Debian's
Chromium with a fake camera playing a Y4M clip (used by the browser test and the benchmark).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from bot.config import Settings
from bot.services import Services, build_services
from handlers.asgi import create_app
from webapp.app import webapp_routes
from webapp.site import DIST

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
PHONE = {"width": 390, "height": 844}
VERDICT_SHOWN = "#verdict:not([data-status='pending']):not([data-status=''])"


def wait_until(page, expression: str, timeout_s: float = 45.0) -> object:  # type: ignore[no-untyped-def]
    """Poll a JavaScript expression until truthy. (Playwright's wait_for_function evaluates
    strings with eval, which the page's CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout_s:.0f} s: {expression}")
        time.sleep(0.1)


def why_not_runnable() -> str | None:
    """The reason the page cannot be driven here, or None when it can."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (./dev.sh installs it with apt when run as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not (DIST / "index.html").is_file():
        return "the page is not built: node/npm were not found when ./dev.sh ran"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PageServer:
    """The bot's ASGI application (page + API, no Telegram polling) under uvicorn in a thread."""

    def __init__(self, services: Services, port: int | None = None) -> None:
        self.port = port or free_port()
        settings = Settings(database_url="sqlite://", _env_file=None)  # type: ignore[call-arg]
        app = create_app(settings, services, telegram=False, extra_routes=webapp_routes())
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> PageServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the page server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def services_for(db_url: str, bot_token: str | None = None) -> Services:
    settings = Settings(database_url=db_url, telegram_bot_token=bot_token, _env_file=None)  # type: ignore[call-arg]
    return build_services(settings, seed=False, scanner=False)


@contextmanager
def browser(
    profile: Path, clip: Path, locale: str = "vi-VN", service_workers: str = "allow"
) -> Iterator[object]:
    """A Chromium context (fresh profile) whose camera plays ``clip``; yields the context.
    (``service_workers="block"`` lets the benchmark see every transfer on the network.)"""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_FLAGS, f"--use-file-for-fake-video-capture={clip}"],
            viewport=PHONE,
            device_scale_factor=2,
            locale=locale,
            permissions=["camera"],
            service_workers=service_workers,  # type: ignore[arg-type]
        )
        try:
            yield context
        finally:
            context.close()
