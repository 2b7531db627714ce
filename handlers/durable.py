"""Handling webhook updates so that none is lost: recorded first, deleted when answered,
replayed by any worker when the one handling it died (see catalog.inbox)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

from telegram import Update
from telegram.ext import Application

from catalog.inbox import Inbox

log = logging.getLogger(__name__)
CONCURRENCY = 16
REPLAY_EVERY = 15.0  # seconds between looks for updates whose worker died


class DurableUpdates:
    def __init__(self, app: Application, inbox: Inbox, flush: Callable[[], None]) -> None:  # type: ignore[type-arg]
        self.app = app
        self.inbox = inbox
        self.flush = flush  # usage counts are written before an update counts as answered
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._tasks: set[asyncio.Task[None]] = set()
        self._replayer: asyncio.Task[None] | None = None

    async def accept(self, update_id: int, body: bytes) -> None:
        """Record the update (durably) and start handling it; returns once it is recorded."""
        update = Update.de_json(json.loads(body), self.app.bot)
        if await asyncio.to_thread(self.inbox.record, update_id, body.decode("utf-8")):
            self._start(update_id, update)

    def _start(self, update_id: int, update: Update) -> None:
        task = asyncio.create_task(self._run(update_id, update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, update_id: int, update: Update) -> None:
        async with self._slots:
            try:
                await self.app.process_update(update)
            except asyncio.CancelledError:
                raise  # shutting down mid-answer: the update stays recorded and is replayed
            except Exception:
                log.exception("update %s failed; not retried", update_id)
            await asyncio.to_thread(self._finish, update_id)

    def _finish(self, update_id: int) -> None:
        self.flush()
        self.inbox.done(update_id)

    async def replay_once(self) -> int:
        """Claim and handle updates left by a worker that died; returns how many."""
        await asyncio.to_thread(self.inbox.purge)
        stale = await asyncio.to_thread(self.inbox.claim_stale)
        for update_id, payload in stale:
            log.info("answering update %s left unanswered by a stopped worker", update_id)
            self._start(update_id, Update.de_json(json.loads(payload), self.app.bot))
        return len(stale)

    async def _replay_forever(self) -> None:
        while True:
            try:
                await self.replay_once()
            except Exception:
                log.exception("could not look for unanswered updates")
            await asyncio.sleep(REPLAY_EVERY)

    def start(self) -> None:
        self._replayer = asyncio.create_task(self._replay_forever())

    async def stop(self, grace: float = 15.0) -> None:
        """Stop replaying; let answers in progress finish (those that do not stay recorded)."""
        if self._replayer is not None:
            self._replayer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._replayer
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
