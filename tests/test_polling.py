"""`ecolabel-bot run` as an operator runs it: a real process polling the fake Bot API on 127.0.0.1.

Killed with SIGKILL in the middle of a backlog and started again, it answers every shopper
once; a 409 Conflict from Telegram is said once, in one line naming the likely cause.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.db import make_engine
from catalog.models import PendingUpdate
from tests import telegram_fakes as tg
from tests.conftest import ROOT
from tests.fake_bot_api import FakeBotApi

SHOPPERS = 30
START_SECONDS = 90  # a busy shared machine: imports, the search index, the schema check


async def start_bot(server: FakeBotApi, db_url: str, folder: Path, rate: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": tg.TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "TELEGRAM_FILE_BASE_URL": server.file_url,
        "TELEGRAM_OVERALL_RATE": str(rate),  # a slow send limit makes the backlog last seconds
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        "run",
        env=env,
        cwd=folder,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop(proc: asyncio.subprocess.Process) -> str:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    return err.decode("utf-8", "replace")


async def all_sent_marked_answered(server: FakeBotApi, db_url: str) -> None:
    """Wait until every answer Telegram received is marked in the database: a kill then falls
    between two sends, not in the instant between a send and its mark (where an update is
    answered again after the restart: at least once, never zero times, is what a crash allows)."""
    engine = make_engine(db_url)
    try:
        for _ in range(200):
            with engine.connect() as conn:
                marked = conn.execute(
                    select(func.count()).select_from(PendingUpdate).where(PendingUpdate.answered_at.is_not(None))
                ).scalar()
            if marked == len(server.state.sent("sendMessage")):
                return
            await asyncio.sleep(0.01)
    finally:
        engine.dispose()


def answers(server: FakeBotApi) -> Counter[int]:
    return Counter(int(m["chat_id"]) for m in server.state.sent("sendMessage"))


async def test_killed_in_a_backlog_every_shopper_is_answered_once(
    server: FakeBotApi, db_url: str, tmp_path: Path
) -> None:
    shoppers = [7_100_000 + n for n in range(SHOPPERS)]
    for user in shoppers:
        await server.push(tg.text("gao st25 hat ngoc", user_id=user))
    first = await start_bot(server, db_url, tmp_path, rate=2)
    try:
        await server.wait_for("sendMessage", 8, timeout=START_SECONDS)
        await all_sent_marked_answered(server, db_url)  # between two sends (2 a second)
        first.kill()
        await first.wait()
    finally:
        if first.returncode is None:
            first.kill()
    before = answers(server)
    assert 8 <= sum(before.values()) < SHOPPERS, before
    assert max(before.values()) == 1, before
    assert not server.updates  # Telegram was told they arrived: it will not send them again

    second = await start_bot(server, db_url, tmp_path, rate=30)
    try:
        await server.wait_for("sendMessage", SHOPPERS, timeout=START_SECONDS)
        await asyncio.sleep(1.0)  # anything answered twice would arrive now
    finally:
        log = await stop(second)
    assert answers(server) == Counter(shoppers), log
    assert second.returncode == 0, log


async def test_a_conflict_is_reported_once_in_one_line(
    server: FakeBotApi, db_url: str, tmp_path: Path
) -> None:
    server.conflict = (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    )
    proc = await start_bot(server, db_url, tmp_path, rate=30)
    try:
        await server.wait_for("setMyCommands", 1, timeout=START_SECONDS)
        for _ in range(200):  # until Telegram has refused it three times
            if len(server.state.sent("getUpdates")) >= 3:
                break
            await asyncio.sleep(0.1)
        server.conflict = ""
        await server.push(tg.text("gao st25 hat ngoc", user_id=7_200_001))
        await server.wait_for("sendMessage", 1, timeout=30)
    finally:
        log = await stop(proc)
    assert len(server.state.sent("getUpdates")) >= 4, log
    # (not a bare "409": a log line's milliseconds can read ",409")
    [line] = [line for line in log.splitlines() if "409 Conflict" in line or "onflict:" in line]
    assert "another process is fetching updates with the same bot token" in line
    assert "the other consumer stopped" in log  # and when it is over
    assert "Traceback" not in log


async def test_a_burst_of_slow_photos_does_not_hold_up_a_text_answer(
    server: FakeBotApi, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixteen photos (four shoppers, four each: what the flood guard lets through) whose
    decoding is slow take the slots for files, not the ones a search needs."""
    import time

    from bot.config import Settings
    from bot.services import build_services
    from catalog.inbox import Inbox
    from catalog.scanner import ScanResult
    from handlers.app import build_application
    from handlers.durable import DurableUpdates
    from handlers.polling import Poller

    def slow_scan(data: bytes) -> ScanResult:
        time.sleep(1.5)  # a hard photo on a busy machine
        return ScanResult()

    services = build_services(Settings(database_url=db_url, _env_file=None), seed=False)  # type: ignore[call-arg]
    assert services.core.scanner is not None
    monkeypatch.setattr(services.core.scanner, "scan", slow_scan)
    settings = Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        _env_file=None,
    )
    app = build_application(settings, services, updater=False)
    await app.initialize()
    await app.start()
    durable = DurableUpdates(app, Inbox(services.engine), services.core.usage.flush)
    stop = asyncio.Event()
    polling = asyncio.create_task(Poller(app, durable, long_poll=1).run(stop))
    try:
        server.state.add_file("slow", b"\x89PNG")
        for n in range(16):
            await server.push(tg.photo("slow", 4, user_id=7_400_001 + n % 4))
        await server.wait_for("sendChatAction", 8, timeout=30)
        started = time.perf_counter()
        await server.push(tg.text("gao st25 hat ngoc", user_id=7_400_100))
        for _ in range(200):
            if any(int(m["chat_id"]) == 7_400_100 for m in server.state.sent("sendMessage")):
                break
            await asyncio.sleep(0.02)
        assert time.perf_counter() - started < 1.2
        await server.wait_for("sendMessage", 17, timeout=60)  # and every photo is answered
    finally:
        stop.set()
        await polling
        await durable.stop()
        await app.stop()
        await app.shutdown()
        services.close()
