"""Counting lookups for the six-monthly report, without keeping what people typed.

Rows are buffered and written in one transaction per batch (at most every second or
every 200 rows), so counting does not put a database commit on every message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine

from catalog.db import session
from catalog.models import Lookup

FLUSH_ROWS = 200
FLUSH_SECONDS = 1.0


class UsageLog:
    """Appends one row per lookup (buffered; ``flush`` writes what is pending)."""

    def __init__(self, engine: Engine, today: Callable[[], date]) -> None:
        self.engine = engine
        self.today = today
        self._pending: list[Lookup] = []
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()

    def record(
        self,
        user_id: int,
        kind: str,
        found: bool,
        locale: str,
        product_id: int | None = None,
        label_code: str | None = None,
        gtin: str | None = None,
    ) -> None:
        row = Lookup(
            day=self.today(),
            user_id=user_id,
            kind=kind,
            found=found,
            product_id=product_id,
            label_code=label_code,
            gtin=None if found else gtin,
            locale=locale,
        )
        with self._lock:
            self._pending.append(row)
            due = len(self._pending) >= FLUSH_ROWS or time.monotonic() - self._last_flush >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            rows, self._pending = self._pending, []
            self._last_flush = time.monotonic()
        if rows:
            with session(self.engine) as db:
                db.add_all(rows)
                db.commit()
