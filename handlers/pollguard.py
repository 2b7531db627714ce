"""One polling process per database: ``ecolabel-bot run`` holds a lock for as long as it runs
(a PostgreSQL advisory lock on its own connection; on SQLite an exclusive lock on a file beside
the database), so a second one started by mistake refuses in one line instead of fighting the
first for updates (Telegram answers one of them 409 every few seconds)."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

POLL_KEY = 0x65636F70  # "ecop"


class PollingLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it."""
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect()
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": POLL_KEY}).scalar())
            conn.commit()
            if not got:
                conn.close()
                return False
            self._conn = conn
            return True
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True
        lock_file = open(Path(database).expanduser().with_name(Path(database).name + ".polling"), "a+b")  # noqa: SIM115
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            return False
        self._file = lock_file
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": POLL_KEY})
            self._conn.commit()
            self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
