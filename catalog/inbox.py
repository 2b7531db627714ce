"""Updates recorded before they are acknowledged, so a crash loses none.

The webhook records each update (idempotent on ``update_id``: Telegram's retries are
recorded once) and only then answers 200. A worker claims an update with a lease before
handling it, renews the lease while the update is in its hands (waiting for a free slot or
for Telegram's send limit can take longer than the lease), and marks it answered when the
answer is out; updates whose lease ran out (their worker died) are claimed again by any worker
and answered then. Answered rows are
kept for ``KEEP_ANSWERED`` so that a resent update is not answered again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from catalog.models import PendingUpdate

TABLE = PendingUpdate.__table__  # type: ignore[attr-defined]
LEASE = timedelta(seconds=30)  # a worker that has not renewed its claim by then is taken as dead
KEEP_ANSWERED = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC)


class Inbox:
    def __init__(self, engine: Engine, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.lease = lease

    def record(self, update_id: int, payload: str) -> bool:
        """Store the update; False when it was already recorded (a retry from Telegram)."""
        return bool(self.record_many([(update_id, payload)]))

    def record_many(self, updates: list[tuple[int, str]]) -> list[int]:
        """Store a batch in one transaction (claimed by the caller); returns the ids that were
        new, in order. Ids already recorded (sent again by Telegram) are left as they are."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        new: list[int] = []
        with self.engine.begin() as conn:
            for update_id, payload in updates:
                stmt = (
                    dialect.insert(TABLE)
                    .values(update_id=update_id, payload=payload, received_at=_now(), claimed_at=_now())
                    .on_conflict_do_nothing(index_elements=["update_id"])
                    .returning(TABLE.c.update_id)
                )
                if conn.execute(stmt).scalar() is not None:
                    new.append(update_id)
        return new

    def done(self, update_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(TABLE).where(TABLE.c.update_id == update_id).values(answered_at=_now()))

    def renew(self, update_ids: Iterable[int]) -> None:
        """Extend the lease of updates this worker still holds, so no other worker takes them."""
        ids = list(update_ids)
        if not ids:
            return
        with self.engine.begin() as conn:
            conn.execute(
                update(TABLE)
                .where(TABLE.c.update_id.in_(ids), TABLE.c.answered_at.is_(None))
                .values(claimed_at=_now())
            )

    def purge(self) -> int:
        """Forget answered updates older than ``KEEP_ANSWERED``; returns how many."""
        with self.engine.begin() as conn:
            stmt = delete(TABLE).where(TABLE.c.answered_at < _now() - KEEP_ANSWERED)
            return conn.execute(stmt).rowcount

    def claim_stale(self, limit: int = 100, cutoff: datetime | None = None) -> list[tuple[int, str]]:
        """Updates whose handler died (lease over, or claimed before ``cutoff``): claimed for
        this worker, oldest first."""
        cutoff = cutoff or _now() - self.lease
        with self.engine.begin() as conn:
            ids = conn.execute(
                select(TABLE.c.update_id)
                .where(
                    TABLE.c.answered_at.is_(None),
                    or_(TABLE.c.claimed_at.is_(None), TABLE.c.claimed_at < cutoff),
                )
                .order_by(TABLE.c.update_id)
                .limit(limit)
            ).scalars()
            taken: list[tuple[int, str]] = []
            for update_id in list(ids):
                row = conn.execute(
                    update(TABLE)
                    .where(
                        TABLE.c.update_id == update_id,
                        TABLE.c.answered_at.is_(None),
                        or_(TABLE.c.claimed_at.is_(None), TABLE.c.claimed_at < cutoff),
                    )
                    .values(claimed_at=_now())
                    .returning(TABLE.c.update_id, TABLE.c.payload)
                ).first()
                if row is not None:
                    taken.append((row[0], row[1]))
        return taken

    def unanswered(self) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(TABLE.c.update_id).where(TABLE.c.answered_at.is_(None))).all())
