"""Operator safety: a second polling process refuses in one line, and polling never removes a
registered webhook unless told to."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from catalog.db import make_engine
from handlers.pollguard import PollingLock
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi

runner = CliRunner()


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """The fake Bot API on its own event loop thread, for commands that block."""
    loop = asyncio.new_event_loop()
    fake = FakeBotApi()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(fake.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def env(fake_api: FakeBotApi, db_url: str, monkeypatch: pytest.MonkeyPatch) -> FakeBotApi:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", tg.TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake_api.base_url)
    monkeypatch.setenv("TELEGRAM_FILE_BASE_URL", fake_api.file_url)
    return fake_api


def test_only_one_polling_lock_per_database(db_url: str) -> None:
    engine = make_engine(db_url)
    first, second = PollingLock(engine), PollingLock(engine)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
    engine.dispose()


def test_a_second_polling_process_refuses_in_one_line(env: FakeBotApi, db_url: str) -> None:
    engine = make_engine(db_url)
    running = PollingLock(engine)
    assert running.acquire()  # the first `run`
    try:
        result = runner.invoke(app, ["run"])
    finally:
        running.release()
        engine.dispose()
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "already polling with this database" in line
    assert not env.state.sent("deleteWebhook")


def test_polling_does_not_remove_a_registered_webhook(env: FakeBotApi) -> None:
    env.state.webhook_url = "https://bot.example.vn/telegram"
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "bot.example.vn" in line and "--drop-webhook" in line
    assert not env.state.sent("deleteWebhook")
    assert env.state.webhook_url == "https://bot.example.vn/telegram"


@pytest.mark.parametrize(("workers", "each"), [(1, "30"), (4, "7.5")])
def test_serve_shares_the_send_limit_between_its_workers(
    env: FakeBotApi, workers: int, each: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Telegram's ~30 messages/s is for the whole bot; each worker process limits only itself."""
    import os

    import uvicorn

    seen: list[str] = []
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("TELEGRAM_OVERALL_RATE", "30")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.append(os.environ["TELEGRAM_OVERALL_RATE"]))
    result = runner.invoke(app, ["serve", "--workers", str(workers)])
    assert result.exit_code == 0, result.output
    assert seen == [each]
