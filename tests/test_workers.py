"""Two `ecolabel-bot serve` processes on one PostgreSQL database behind the fake Bot API, the test
acting as Telegram (it resends an update until a worker answers 200, as a load balancer in front of
several workers would). Each step is continued on the other worker; then one worker is killed
with SIGKILL in the middle of traffic.

Skipped, saying why, when PostgreSQL is not reachable (see tests/pgtools.py).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time as clock
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from bot import actions, fmt
from bot.i18n import LOCALES, Messages
from bot.replies import plain
from catalog.models import PendingUpdate, Product, Report, UsageEvent
from catalog.service import HANOI
from tests import pgtools as pg
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi
from tests.serve_procs import (
    ServeProcess,
    Telegram,
    button,
    catalog_upload,
    last_message,
    said,
    sent_to,
    until,
    worker_env,
)

ADMIN = 9001
LEASE = 4  # seconds: a dead worker's updates are answered by the other one this soon
t = Messages("vi")
UPDATES = PendingUpdate.__table__  # type: ignore[attr-defined]


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    pg.require()
    with pg.fresh_database(template=request.getfixturevalue("seeded_template")) as url:
        yield url


@dataclass
class Cluster:
    fake: FakeBotApi
    a: ServeProcess
    b: ServeProcess
    telegram: Telegram
    engine: Engine


@pytest.fixture
async def cluster(pg_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    fake = FakeBotApi()
    await fake.start()
    env = worker_env(fake, pg_url, ADMIN_IDS=str(ADMIN), UPDATE_LEASE_SECONDS=str(LEASE))
    a = ServeProcess(env, tmp_path / "a.log").start()
    b = ServeProcess(env, tmp_path / "b.log").start()
    engine = create_engine(pg_url)
    try:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(a.ready(http), b.ready(http))
            yield Cluster(fake, a, b, Telegram(http), engine)
    finally:
        for worker in (a, b):
            await asyncio.to_thread(worker.stop)
        engine.dispose()
        await fake.stop()
    for worker in (a, b):
        assert "Traceback" not in worker.tail(), worker.tail()


async def test_steps_continue_on_the_other_worker_and_the_tip_job_runs_once(cluster: Cluster) -> None:
    fake, a, b, telegram = cluster.fake, cluster.a, cluster.b, cluster.telegram
    now = datetime.now(HANOI)
    subscribers = [7_100_000_001, 7_100_000_002, 7_100_000_003]
    for i, shopper in enumerate(subscribers):  # before either worker's first tip round (10 s after start)
        await telegram.deliver(tg.text(f"/subscribe {now:%H:%M}", user_id=shopper), (a, b)[i % 2])
    subscribed = plain(t("tips.subscribed", time=fmt.clock(time(now.hour, now.minute), "vi")))
    for shopper in subscribers:
        await until(lambda s=shopper: subscribed in said(fake, s), what="the subscription")

    # "more results": the list from worker A, the next page from worker B
    pages = 7_200_000_001
    await telegram.deliver(tg.text("sua", user_id=pages), a)
    [listing] = await until(lambda: sent_to(fake, pages), what="the result list")
    more = button(listing, actions.MoreResults)
    await telegram.deliver(tg.callback(more, user_id=pages, message=last_message(fake, pages)), b)
    [page] = await until(lambda: sent_to(fake, pages, "editMessageText"), what="the next page")
    assert plain(t("errors.button_expired")) not in plain(page["text"])
    assert page["reply_markup"] != listing["reply_markup"]  # other products, other buttons

    # a label report: the card on A, the button on B, the reason typed on A
    reporter = 7_300_000_001
    await telegram.deliver(tg.text("gao st25 hat ngoc", user_id=reporter), a)
    [card] = await until(lambda: sent_to(fake, reporter), what="the card")
    report = button(card, actions.ReportLabel)
    await telegram.deliver(tg.callback(report, user_id=reporter, message=last_message(fake, reporter)), b)
    await until(lambda: plain(t("report.ask_reason")) in said(fake, reporter), what="the question")
    await telegram.deliver(tg.text("logo trên túi khác hẳn", user_id=reporter), a)
    with cluster.engine.connect() as conn:
        filed = await until(
            lambda: conn.execute(select(Report).where(Report.user_id == reporter)).all(), what="the report"
        )
    [(report_id, kind, text)] = [(r.id, r.kind, r.text) for r in filed]
    assert kind == "label" and text == "logo trên túi khác hẳn"
    await until(lambda: plain(t("report.thanks", id=report_id)) in said(fake, reporter), what="the thanks")

    # an officer's catalog upload: checked on B, confirmed on A, imported once
    await telegram.deliver(catalog_upload(fake, ADMIN), b)
    [summary] = await until(lambda: sent_to(fake, ADMIN), what="the upload summary")
    confirm = button(summary, actions.ConfirmImport)
    await telegram.deliver(tg.callback(confirm, user_id=ADMIN, message=last_message(fake, ADMIN)), a)
    await until(lambda: any(s.startswith("✅ Đã nhập new.csv") for s in said(fake, ADMIN)), what="the import")
    await telegram.deliver(tg.callback(confirm, user_id=ADMIN, message=last_message(fake, ADMIN)), b)
    await until(
        lambda: plain(t("admin.import_expired")) in said(fake, ADMIN), what="the second press refused"
    )
    with cluster.engine.connect() as conn:
        assert conn.execute(select(Product.name_vi).where(Product.gtin == "9529999999993")).all() == [
            ("Rau thử",)
        ]

    # the daily tips: each worker runs its first round 10 s after it started; one of them sends
    daily = plain(t("tips.daily"))

    def tips(shopper: int) -> list[str]:
        return [s for s in said(fake, shopper) if s.startswith(daily)]

    await until(lambda: all(tips(s) for s in subscribers), timeout=25, what="the daily tips")
    both_ran = max(a.ready_at, b.ready_at) + 10 + 2  # a repeated tip would come from the later round
    await asyncio.sleep(max(0.0, both_ran - clock.monotonic()))
    assert [len(tips(s)) for s in subscribers] == [1, 1, 1]


QUERIES = ["gao st25 hat ngoc", "tra sen", "mat ong", "sua tuoi huu co"]  # a card and lists


async def test_kill_9_of_one_worker_in_the_middle_of_traffic(cluster: Cluster) -> None:
    """Every update is answered; none twice, except one whose answer had already reached
    Telegram when its worker died before recording it as answered (no way to know it was sent)."""
    fake, a, b, telegram = cluster.fake, cluster.a, cluster.b, cluster.telegram
    total, base = 160, 7_400_000_000
    updates = [tg.text(QUERIES[i % len(QUERIES)], user_id=base + i) for i in range(total)]
    chat_of = {u["update_id"]: base + i for i, u in enumerate(updates)}
    slots = asyncio.Semaphore(8)

    async def deliver(i: int) -> None:
        async with slots:
            first, other = (a, b) if i % 2 == 0 else (b, a)
            await telegram.deliver(updates[i], first, other)

    traffic = asyncio.gather(*(deliver(i) for i in range(total)))
    await until(lambda: len(fake.state.sent("sendMessage")) >= total // 3, what="traffic")
    orphans: set[int] = set()
    for _ in range(50):  # freeze A at a moment it holds updates it has not answered yet
        os.kill(a.proc.pid, signal.SIGSTOP)  # type: ignore[union-attr]
        frozen_at = clock.perf_counter()
        with cluster.engine.connect() as conn:
            open_ids = conn.execute(
                select(UPDATES.c.update_id).where(UPDATES.c.answered_at.is_(None))
            ).scalars()
            orphans = {u for u in open_ids if telegram.attempts[u][0] == a.url}
        if orphans:
            break
        os.kill(a.proc.pid, signal.SIGCONT)  # type: ignore[union-attr]
        await asyncio.sleep(0.02)
    assert orphans, "worker A never held an unanswered update: the traffic was too light"
    a.kill()
    await traffic  # A's refused updates went to B, as Telegram's retries would

    def answers() -> dict[int, list[str]]:
        got: dict[int, list[str]] = {}
        for p in fake.state.sent("sendMessage"):
            got.setdefault(int(p["chat_id"]), []).append(plain(p["text"]))
        return got

    def settled() -> bool:
        with cluster.engine.connect() as conn:
            unanswered = conn.execute(select(func.count()).where(UPDATES.c.answered_at.is_(None))).scalar()
        return unanswered == 0 and len(answers()) == total

    await until(settled, timeout=LEASE * 6, what="every update answered")
    got = answers()
    # what A had sent reaches the fake API within a second of the freeze; B's replays come only
    # after A's lease has run out
    sent_by_a = {
        int(p["chat_id"]) for at, m, p in fake.call_times if m == "sendMessage" and at < frozen_at + 1
    }
    assert "Gạo ST25" in got[base][0]
    for i in range(total):  # no shopper left without an answer, the same whichever worker gave it
        assert got[base + i][0] == got[base + i % len(QUERIES)][0]
    twice = {chat for chat, texts in got.items() if len(texts) > 1}
    in_flight = {chat_of[u] for u in orphans} & sent_by_a  # answered by A, then A died
    assert twice <= in_flight, f"answered twice without a crash in between: {sorted(twice - in_flight)}"
    assert all(len(got[c]) == 2 for c in twice)
    with cluster.engine.connect() as conn:  # usage counts: none lost, none doubled by a retry
        per_user = select(UsageEvent.user_id, func.count()).group_by(UsageEvent.user_id)
        counts = dict(conn.execute(per_user).all())
    held = {chat_of[u] for u in orphans}  # A may have written their counts before it died
    assert all(counts.get(base + i) == 1 for i in range(total) if base + i not in held)
    assert all(counts.get(chat) in (1, 2) for chat in held)
    print(f"A held {len(orphans)} updates; {len(in_flight)} answers were out; {len(twice)} sent again")


def worker_pids(serve: ServeProcess) -> set[int]:
    """The uvicorn worker processes of a `serve --workers N` (children started by spawn)."""
    assert serve.proc is not None
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == serve.proc.pid and b"spawn_main" in command:
            found.add(int(entry.name))
    return found


async def test_serve_workers_2_loses_nothing_when_one_worker_is_killed(pg_url: str, tmp_path: Path) -> None:
    """The production shape: one `serve --workers 2` behind one port. One worker killed with
    SIGKILL mid-traffic is started again by the supervisor; every shopper is answered, none
    twice but for answers already out when the worker died."""
    fake = FakeBotApi()
    await fake.start()
    env = worker_env(fake, pg_url, UPDATE_LEASE_SECONDS=str(LEASE))
    serve = ServeProcess(env, tmp_path / "serve.log", workers=2).start()
    engine = create_engine(pg_url)
    per_worker = len(LOCALES) + 1  # command lists each worker publishes as it starts
    try:
        async with aiohttp.ClientSession() as http:
            await serve.ready(http)
            await until(lambda: len(worker_pids(serve)) == 2, timeout=60, what="two workers")
            await until(
                lambda: len(fake.state.sent("setMyCommands")) >= 2 * per_worker, 60, "both workers up"
            )
            telegram = Telegram(http)
            total, base = 90, 7_600_000_000
            updates = [tg.text(QUERIES[i % len(QUERIES)], user_id=base + i) for i in range(total)]
            slots = asyncio.Semaphore(8)

            async def deliver(update: dict[str, Any]) -> None:
                async with slots:
                    await telegram.deliver(update, serve)

            traffic = asyncio.gather(*(deliver(u) for u in updates))
            await until(lambda: len(fake.state.sent("sendMessage")) >= total // 3, what="traffic")
            victim = min(worker_pids(serve))
            os.kill(victim, signal.SIGSTOP)
            frozen_at = clock.perf_counter()
            with engine.connect() as conn:  # what either worker held: the victim's are among them
                held = set(
                    conn.execute(select(UPDATES.c.update_id).where(UPDATES.c.answered_at.is_(None))).scalars()
                )
            os.kill(victim, signal.SIGKILL)
            await traffic
            await until(
                lambda: len(worker_pids(serve) - {victim}) == 2, timeout=60, what="the worker restarted"
            )

            def settled() -> bool:
                with engine.connect() as conn:
                    left = conn.execute(select(func.count()).where(UPDATES.c.answered_at.is_(None))).scalar()
                answered = {int(p["chat_id"]) for p in fake.state.sent("sendMessage")}
                return left == 0 and all(base + i in answered for i in range(total))

            await until(settled, timeout=LEASE * 6, what="every update answered")
    finally:
        await asyncio.to_thread(serve.stop)  # the fake API in this loop answers while it stops
        engine.dispose()
        await fake.stop()
    got: dict[int, int] = {}
    for p in fake.state.sent("sendMessage"):
        got[int(p["chat_id"])] = got.get(int(p["chat_id"]), 0) + 1
    chat_of = {u["update_id"]: base + i for i, u in enumerate(updates)}
    out_before = {
        int(p["chat_id"]) for at, m, p in fake.call_times if m == "sendMessage" and at < frozen_at + 1
    }
    twice = {chat for chat in range(base, base + total) if got[chat] > 1}
    assert twice <= {chat_of[u] for u in held if u in chat_of} & out_before
    assert all(got[chat] == 2 for chat in twice)
    assert "Traceback" not in serve.tail(), serve.tail()
