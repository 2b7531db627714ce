"""Long polling that loses no update: each batch fetched from Telegram is recorded in the
pending-updates table (the webhook's, catalog.inbox) before it is handled and before the next
getUpdates call tells Telegram it arrived. A process killed in the middle of a backlog leaves
its unanswered updates recorded; the next start answers them, once.

python-telegram-bot's own Updater hands fetched updates to an in-memory queue and confirms
them with the next request, so a crash loses whatever was queued; and it logs a 409 Conflict
every few seconds. This loop reports a conflict once, in one line that names the likely cause.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Callable
from datetime import timedelta

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.config import Settings
from catalog.inbox import Inbox
from handlers.durable import DurableUpdates

log = logging.getLogger(__name__)
LONG_POLL = 10  # seconds Telegram holds getUpdates open when there is nothing new
BATCH = 100  # Telegram's largest batch
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # after a network error or a conflict, growing


def conflict_cause(exc: Conflict) -> str:
    """The 409's likely cause, said so an operator knows where to look."""
    text = str(exc).lower()
    if "webhook" in text:
        return (
            "a webhook is registered for this bot (an `ecolabel-bot serve` or another deployment set it); "
            "polling resumes when it is removed"
        )
    return (
        "another process is fetching updates with the same bot token (a second `ecolabel-bot run`, "
        "perhaps on another machine or with another database); stop one of them"
    )


class Poller:
    """Fetches updates, records them through ``durable``, and only then asks for the next batch."""

    def __init__(self, app: Application, durable: DurableUpdates, long_poll: float = LONG_POLL) -> None:  # type: ignore[type-arg]
        self.app = app
        self.durable = durable
        self.long_poll = long_poll
        self.offset = 0
        self.conflicts = 0  # getUpdates answered 409 in a row (reported at the first)
        self.failures = 0

    async def fetch_once(self) -> int:
        """One getUpdates call; the updates are recorded (and their handling started) before it
        returns. Returns how many arrived."""
        updates = await self.app.bot.get_updates(
            offset=self.offset or None,
            limit=BATCH,
            timeout=int(self.long_poll),
            allowed_updates=Update.ALL_TYPES,
        )
        if not updates:
            return 0
        batch = [(u.update_id, json.dumps(u.to_dict(), ensure_ascii=False)) for u in updates]
        await self.durable.accept_batch(batch)
        self.offset = max(u.update_id for u in updates) + 1  # confirmed by the next call
        return len(updates)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set. Conflicts and network errors are said once, then waited out."""
        while not stop.is_set():
            try:
                if not await self._fetch_unless_stopped(stop):
                    break
            except Conflict as exc:
                self.conflicts += 1
                if self.conflicts == 1:
                    log.error("Telegram answered 409 Conflict: %s", conflict_cause(exc))
                await self._pause(stop, self.conflicts)
                continue
            except InvalidToken:
                raise
            except (TimedOut, NetworkError) as exc:
                self.failures += 1
                if self.failures == 1:
                    log.warning("cannot reach the Bot API (%s); trying again", exc)
                await self._pause(stop, self.failures)
                continue
            except TelegramError as exc:
                self.failures += 1
                if self.failures == 1:
                    log.error("getUpdates failed: %s; trying again", exc)
                await self._pause(stop, self.failures)
                continue
            if self.conflicts:
                log.warning("polling again after %d refused getUpdates calls: the other consumer stopped",
                            self.conflicts)
            elif self.failures:
                log.info("the Bot API answers again")
            self.conflicts = self.failures = 0

    async def _fetch_unless_stopped(self, stop: asyncio.Event) -> bool:
        """One fetch, abandoned when ``stop`` is set meanwhile (a long poll can take seconds;
        what it would have brought is not confirmed, so Telegram sends it again). False then."""
        fetch = asyncio.ensure_future(self.fetch_once())
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not fetch.done():
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return False
        fetch.result()
        return True

    @staticmethod
    async def _pause(stop: asyncio.Event, attempt: int) -> None:
        delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS)) - 1]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)


async def poll(settings: Settings, app: Application, flush: Callable[[], None]) -> None:  # type: ignore[type-arg]
    """Run the bot with durable long polling until SIGINT or SIGTERM. Updates the previous run
    recorded but did not answer are answered first (this process holds the polling lock)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    services = app.bot_data.ready
    lease = timedelta(seconds=settings.update_lease_seconds)
    durable = DurableUpdates(app, Inbox(services.engine, lease), flush)
    try:
        await app.bot.delete_webhook()  # `run` checked there is none, or was told to drop it
        left = await durable.replay_all()
        if left:
            log.info("answering %d updates recorded but not answered before the last stop", left)
        durable.start()
        await Poller(app, durable).run(stop)
    finally:
        await durable.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
