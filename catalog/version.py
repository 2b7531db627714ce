"""The catalog version: how every process notices that another one changed the catalog.

Every write path (CLI import, an admin's upload, the Open Food Facts import, label sync,
admin edits) calls ``bump`` inside its own write transaction, so the new version becomes
visible exactly when the new data does. Readers compare ``current`` with the version their
index was built from before answering; one primary-key read costs well under a millisecond.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

_ROW = 1


def bump(db: Session | Connection) -> None:
    """Increase the version inside the caller's transaction (committed with the data)."""
    done = db.execute(  # type: ignore[call-overload]
        text("UPDATE catalogstate SET version = version + 1 WHERE id = :id"), {"id": _ROW}
    )
    if not done.rowcount:
        db.execute(  # type: ignore[call-overload]
            text("INSERT INTO catalogstate (id, version) VALUES (:id, 1)"), {"id": _ROW}
        )


def current(engine: Engine) -> int:
    """The committed version (0 before the first write)."""
    with engine.connect() as conn:
        value = conn.execute(text("SELECT version FROM catalogstate WHERE id = :id"), {"id": _ROW}).scalar()
    return int(value or 0)
