"""Handling webhook updates so that none is lost: recorded first, marked when answered,
replayed by any worker when the one handling it died (see catalog.inbox).

While an update is in this worker's hands (queued for a slot, or waiting on the send limit)
its lease is renewed, so a long queue on campaign day is never mistaken for a dead worker and
answered a second time by another one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import Application

from catalog.inbox import Inbox

log = logging.getLogger(__name__)
CONCURRENCY = 16
FILE_CONCURRENCY = 8  # updates carrying a photo or a file: slots of their own


def carries_file(update: Update) -> bool:
    """A photo or a document: downloaded and perhaps decoded, so slow to answer."""
    message = update.effective_message
    return message is not None and bool(message.photo or message.document)


class DurableUpdates:
    def __init__(self, app: Application, inbox: Inbox, flush: Callable[[], None]) -> None:  # type: ignore[type-arg]
        self.app = app
        self.inbox = inbox
        self.flush = flush  # usage counts are written before an update counts as answered
        self._slots = asyncio.Semaphore(CONCURRENCY)
        # a burst of photos waiting for the decoding budget never holds the slots text needs
        self._file_slots = asyncio.Semaphore(FILE_CONCURRENCY)
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: set[int] = set()  # update ids in this worker's hands, their leases renewed
        self._replayer: asyncio.Task[None] | None = None
        # renew and look for orphans four times per lease: a claim is renewed well before it runs out
        self.every = inbox.lease.total_seconds() / 4

    async def accept(self, update_id: int, body: bytes) -> None:
        """Record the update (durably) and start handling it; returns once it is recorded."""
        update = Update.de_json(json.loads(body), self.app.bot)
        if await asyncio.to_thread(self.inbox.record, update_id, body.decode("utf-8")):
            self._start(update_id, update)

    async def accept_batch(self, batch: list[tuple[int, str]]) -> int:
        """Record a batch fetched by polling in one transaction, then start handling the new
        ones; returns how many were new (an update already recorded is not handled again)."""
        updates = {uid: Update.de_json(json.loads(payload), self.app.bot) for uid, payload in batch}
        new = await asyncio.to_thread(self.inbox.record_many, batch)
        for update_id in new:
            self._start(update_id, updates[update_id])
        return len(new)

    def _start(self, update_id: int, update: Update) -> None:
        if update_id in self._held:
            return
        self._held.add(update_id)
        task = asyncio.create_task(self._run(update_id, update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, update_id: int, update: Update) -> None:
        try:
            async with self._file_slots if carries_file(update) else self._slots:
                try:
                    await self.app.process_update(update)
                except asyncio.CancelledError:
                    raise  # shutting down mid-answer: the update stays recorded and is replayed
                except Exception:
                    log.exception("update %s failed; not retried", update_id)
                await asyncio.to_thread(self._finish, update_id)
        finally:
            self._held.discard(update_id)

    def _finish(self, update_id: int) -> None:
        self.flush()
        self.inbox.done(update_id)

    async def replay_once(self) -> int:
        """Renew the leases this worker holds, then claim and handle updates left by a worker
        that died; returns how many."""
        await asyncio.to_thread(self.inbox.renew, set(self._held))
        await asyncio.to_thread(self.inbox.purge)
        stale = await asyncio.to_thread(self.inbox.claim_stale)
        for update_id, payload in stale:
            log.info("answering update %s left unanswered by a stopped worker", update_id)
            self._start(update_id, Update.de_json(json.loads(payload), self.app.bot))
        return len(stale)

    async def replay_all(self) -> int:
        """At the start of the only polling process: every update recorded and not answered
        was left by the previous run, so all are claimed now, without waiting out a lease."""
        cutoff = datetime.now(UTC)
        total = 0
        while batch := await asyncio.to_thread(self.inbox.claim_stale, 100, cutoff):
            for update_id, payload in batch:
                self._start(update_id, Update.de_json(json.loads(payload), self.app.bot))
            total += len(batch)
        return total

    async def _replay_forever(self) -> None:
        while True:
            try:
                await self.replay_once()
            except Exception:
                log.exception("could not look for unanswered updates")
            await asyncio.sleep(self.every)

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
