"""Counting lookups and tips sent for the six-monthly report, without keeping what people typed.

Rows are buffered and written in one transaction per batch (at most every second or
every 200 rows), so counting does not put a database commit on every message. A batch
that cannot be written (the database is busy or briefly away) stays in the buffer for the
next try instead of being lost; only a buffer past MAX_PENDING drops its oldest rows.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from catalog.db import session
from catalog.models import UsageEvent

FLUSH_ROWS = 200
FLUSH_SECONDS = 1.0
MAX_PENDING = 100_000
log = logging.getLogger(__name__)


class UsageLog:
    """Appends one ``UsageEvent`` row per lookup or tip (buffered; ``flush`` writes what is pending)."""

    def __init__(self, engine: Engine, today: Callable[[], date]) -> None:
        self.engine = engine
        self.today = today
        self._pending: list[dict[str, object]] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def record(
        self,
        user_id: int,
        kind: str,
        found: bool,
        locale: str,
        product_id: int | None = None,
        gtin: str | None = None,
    ) -> None:
        row: dict[str, object] = {
            "day": self.today(),
            "user_id": user_id,
            "kind": kind,
            "found": found,
            "product_id": product_id,
            "gtin": None if found else gtin,
            "locale": locale,
        }
        with self._lock:
            self._pending.append(row)
            due = len(self._pending) >= FLUSH_ROWS or time.monotonic() - self._last_flush >= FLUSH_SECONDS
        if due:
            self.flush()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> bool:
        """Write what is buffered; False (rows kept for the next try) when the write failed."""
        with self._lock:
            rows, self._pending = self._pending, []
            self._last_flush = time.monotonic()
        if not rows:
            return True
        try:
            with session(self.engine) as db:
                db.execute(insert(UsageEvent), rows)
                db.commit()
        except SQLAlchemyError as exc:
            with self._lock:
                self._pending[:0] = rows
                dropped = max(0, len(self._pending) - MAX_PENDING)
                del self._pending[:dropped]
            log.warning(
                "usage: %d rows not written yet (%s); kept for the next try%s",
                len(rows),
                type(exc).__name__,
                f", {dropped} oldest dropped" if dropped else "",
            )
            return False
        return True
