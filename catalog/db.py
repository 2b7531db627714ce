"""Engine creation and schema set-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from catalog import models  # noqa: F401  (registers the tables)

T = TypeVar("T")
# A writer waits this long for another one (an import's write phase, a usage flush) instead
# of failing with "database is locked"; write transactions are kept short so it never has to.
BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite make the folder, enable foreign keys and WAL."""
    parsed = make_url(url)
    kwargs: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.close()

    return engine


def init_db(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    SQLModel.metadata.create_all(engine)


def session(engine: Engine) -> Session:
    """A session that keeps loaded objects usable after commit."""
    return Session(engine, expire_on_commit=False)


def assign(obj: object, values: dict[str, object]) -> bool:
    """Set ``values`` on ``obj``; True when anything actually changed (for import reports)."""
    changed = any(getattr(obj, key) != value for key, value in values.items())
    if changed:
        for key, value in values.items():
            setattr(obj, key, value)
    return changed


def chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    """Slices of ``items`` small enough for one SQL ``IN (...)`` on any database."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
