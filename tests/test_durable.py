"""Recorded updates and their leases between workers on one database: an update still in a live
worker's hands (a long queue, the send limit) is never answered a second time by another worker;
one left by a worker that died is answered by another once its lease runs out."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from sqlalchemy.engine import Engine

from catalog.inbox import Inbox
from handlers.durable import DurableUpdates
from tests import telegram_fakes as tg
from tests.serve_procs import until

LEASE = timedelta(seconds=1)


class SlowBot:
    """Stands in for the Application: each update takes ``seconds`` (a queue at the send limit)."""

    bot = None

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.handled: list[int] = []

    async def process_update(self, update: object) -> None:
        await asyncio.sleep(self.seconds)
        self.handled.append(update.update_id)  # type: ignore[attr-defined]


def worker(engine: Engine, seconds: float) -> tuple[DurableUpdates, SlowBot]:
    app = SlowBot(seconds)
    return DurableUpdates(app, Inbox(engine, LEASE), lambda: None), app  # type: ignore[arg-type]


async def test_an_update_held_longer_than_the_lease_is_answered_once(engine: Engine) -> None:
    (first, a), (second, b) = worker(engine, 2.5), worker(engine, 0)
    first.start()
    second.start()
    try:
        update = tg.text("gao st25", user_id=41)
        await first.accept(update["update_id"], json.dumps(update).encode())
        await until(lambda: a.handled, timeout=10, what="the slow answer")
        await asyncio.sleep(LEASE.total_seconds() / 2)  # one more look by the other worker
        assert a.handled == [update["update_id"]] and b.handled == []
        assert first.inbox.unanswered() == 0
    finally:
        await first.stop()
        await second.stop()


async def test_an_update_left_by_a_dead_worker_is_answered_by_another(engine: Engine) -> None:
    (dead, a), (alive, b) = worker(engine, 60), worker(engine, 0)
    dead.start()
    update = tg.text("gao st25", user_id=42)
    await dead.accept(update["update_id"], json.dumps(update).encode())
    await dead.stop(grace=0)  # gone mid-answer: nothing renews its claim any more
    alive.start()
    try:
        await until(lambda: b.handled, timeout=10, what="the orphan to be answered")
        assert a.handled == [] and b.handled == [update["update_id"]]
        await asyncio.sleep(LEASE.total_seconds())
        assert b.handled == [update["update_id"]] and alive.inbox.unanswered() == 0
    finally:
        await alive.stop()
