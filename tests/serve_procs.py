"""Real `ecolabel-bot serve` processes for the multi-worker, restart and benchmark runs, and a
webhook sender that behaves like Telegram: it resends an update until some worker answers 200.

The fake Bot API runs in the caller's event loop; the workers talk to it over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bot import actions
from bot.replies import plain
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi
from tests.samples import GOOD, HEADER

ROOT = Path(__file__).resolve().parent.parent
SECRET = "workers_secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ONE_TRY = aiohttp.ClientTimeout(total=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def worker_env(fake: FakeBotApi, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker process: this checkout, the fake Bot API, no .env file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=tg.TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_FILE_BASE_URL=fake.file_url,
        WEBHOOK_SECRET=SECRET,
        TELEGRAM_OVERALL_RATE="0",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


class ServeProcess:
    """One `ecolabel-bot serve` process (``workers`` uvicorn workers behind one port)."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1, port: int | None = None) -> None:
        self.env = env
        self.log = log
        self.workers = workers
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready_at = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServeProcess:
        cmd = [sys.executable, "-m", "bot", "serve", "--workers", str(self.workers)]
        cmd += ["--listen", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:  # the child keeps its own handle
            self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.log.parent, stdout=out, stderr=out)
        return self

    async def ready(self, http: aiohttp.ClientSession, timeout: float = 60.0) -> None:
        """Wait until /healthz answers 200: the bot, its jobs and the replay loop are running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                async with http.get(f"{self.url}/healthz") as resp:
                    if resp.status == 200:
                        self.ready_at = time.monotonic()
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise TimeoutError(f"serve on port {self.port} not ready after {timeout} s:\n{self.tail()}")

    def tail(self) -> str:
        """The end of the process's output, for a failure message."""
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout: float = 30.0) -> int:
        """A normal stop (SIGTERM, as systemd sends): answers in progress finish first."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)


class Telegram:
    """Delivers updates to the webhook the way Telegram does: an update counts as delivered only
    on a 200; a refused connection or an error answer is retried, here on the next worker in
    ``targets`` (a load balancer in front of several workers does the same)."""

    def __init__(self, http: aiohttp.ClientSession, timeout: float = 20.0) -> None:
        self.http = http
        self.timeout = timeout
        self.attempts: dict[int, list[str]] = {}  # update_id -> worker URLs tried, in order

    async def deliver(self, update: dict[str, Any], *targets: ServeProcess) -> ServeProcess:
        """POST ``update`` to the first target, then the others in turn until one answers 200;
        returns the worker that took it."""
        headers = {SECRET_HEADER: SECRET}
        deadline = time.monotonic() + self.timeout
        tried = self.attempts.setdefault(int(update["update_id"]), [])
        i = 0
        while True:
            worker = targets[i % len(targets)]
            tried.append(worker.url)
            try:
                post = self.http.post(f"{worker.url}/telegram", json=update, headers=headers, timeout=ONE_TRY)
                async with post as resp:
                    if resp.status == 200:
                        return worker
            except (aiohttp.ClientError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"update {update['update_id']} not accepted by any worker")
            i += 1
            await asyncio.sleep(0.05)


def sent_to(fake: FakeBotApi, chat_id: int, method: str = "sendMessage") -> list[dict[str, Any]]:
    return [p for p in fake.state.sent(method) if int(p.get("chat_id") or 0) == chat_id]


async def until(check: Any, timeout: float = 15.0, what: str = "condition") -> Any:
    """Poll ``check()`` until it returns something truthy; returns that."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.05)


def said(fake: FakeBotApi, chat: int) -> list[str]:
    """Everything the bot wrote in one chat (sent or edited), as the shopper reads it."""
    methods = ("sendMessage", "editMessageText")
    return [plain(p["text"]) for m, p in fake.state.calls if m in methods and int(p["chat_id"]) == chat]


def last_message(fake: FakeBotApi, chat: int) -> dict[str, Any]:
    """The last message the bot sent in ``chat``, as Telegram holds it (for a button press)."""
    return [m for (c, _), m in fake.state.messages.items() if c == chat][-1]


def button(message: dict[str, Any], kind: type[actions.Action]) -> str:
    """The callback data of the first button of ``kind`` on a sent message."""
    rows = message["reply_markup"]["inline_keyboard"]
    return next(
        b["callback_data"]
        for row in rows
        for b in row
        if isinstance(actions.parse(b.get("callback_data", "")), kind)
    )


def catalog_upload(fake: FakeBotApi, admin: int, name: str = "new.csv") -> dict[str, Any]:
    """An officer sending a catalog CSV with one new product (Rau thử, 9529999999993)."""
    data = f"{HEADER}\n{GOOD}\n".encode()
    fake.state.add_file(f"upload-{name}", data)
    update = tg.document(f"upload-{name}", len(data), mime="text/csv", user_id=admin)
    update["message"]["document"]["file_name"] = name
    return update
