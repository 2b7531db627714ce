"""Conversation state with expiry, in the database: one small interface for every step a user
or an officer is in the middle of, so that any worker, before or after a restart, carries it on.

Values are JSON; each has a kind (what it is), a key (whose it is) and an expiry. ``take``
removes and returns in one statement, so two workers never both act on one confirmation.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from catalog.models import ConversationState

TABLE = ConversationState.__table__  # type: ignore[attr-defined]
PURGE_EVERY = 300.0  # seconds between sweeps of expired rows


class StateStore:
    """``put``/``get``/``take``/``drop`` JSON values by (kind, key), each with a lifetime."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        self._next_purge = 0.0

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def put(self, kind: str, key: str | int, value: Any, ttl: float, user_id: int | None = None) -> None:
        """Store ``value`` (replacing the previous one) for ``ttl`` seconds. ``user_id`` (the
        key itself when it is an int) says whose it is, so forgetting a user removes it."""
        row = {
            "kind": kind,
            "key": str(key),
            "user_id": user_id if user_id is not None else (key if isinstance(key, int) else None),
            "payload": json.dumps(value, ensure_ascii=False, separators=(",", ":")),
            "expires_at": datetime.fromtimestamp(self.clock() + ttl, UTC),
        }
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(TABLE).values(**row)
        stmt = stmt.on_conflict_do_update(
            index_elements=["kind", "key"],
            set_={
                "payload": stmt.excluded.payload,
                "expires_at": stmt.excluded.expires_at,
                "user_id": stmt.excluded.user_id,
            },
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)
        self._purge_now_and_then()

    def first(self, kind: str, key: str, ttl: float) -> bool:
        """True for the one caller that records (kind, key) first: a run-once claim shared by
        every worker (e.g. one daily-tip run per minute)."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = (
            dialect.insert(TABLE)
            .values(
                kind=kind, key=key, payload="null", expires_at=datetime.fromtimestamp(self.clock() + ttl, UTC)
            )
            .on_conflict_do_nothing(index_elements=["kind", "key"])
            .returning(TABLE.c.kind)
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).scalar() is not None

    def get(self, kind: str, key: str | int) -> Any | None:
        """The live value, or None when there is none or it has expired."""
        stmt = select(TABLE.c.payload).where(
            TABLE.c.kind == kind, TABLE.c.key == str(key), TABLE.c.expires_at > self._now()
        )
        with self.engine.connect() as conn:
            payload = conn.execute(stmt).scalar()
        return None if payload is None else json.loads(payload)

    def take(self, kind: str, key: str | int) -> Any | None:
        """Remove and return the live value; of two workers taking at once, one gets it."""
        stmt = (
            delete(TABLE)
            .where(TABLE.c.kind == kind, TABLE.c.key == str(key), TABLE.c.expires_at > self._now())
            .returning(TABLE.c.payload)
        )
        with self.engine.begin() as conn:
            payload = conn.execute(stmt).scalar()
        return None if payload is None else json.loads(payload)

    def drop(self, kind: str, key: str | int) -> bool:
        """Remove the value, live or expired; True when there was a live one."""
        with self.engine.begin() as conn:
            found = conn.execute(
                delete(TABLE)
                .where(TABLE.c.kind == kind, TABLE.c.key == str(key))
                .returning(TABLE.c.expires_at > self._now())
            ).scalar()
        return bool(found)

    def purge(self) -> int:
        """Delete expired rows; returns how many."""
        with self.engine.begin() as conn:
            return conn.execute(delete(TABLE).where(TABLE.c.expires_at <= self._now())).rowcount

    def _purge_now_and_then(self) -> None:
        now = self.clock()
        if now >= self._next_purge:
            self._next_purge = now + PURGE_EVERY
            self.purge()
