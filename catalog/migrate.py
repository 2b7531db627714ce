"""Schema versions (Alembic) and the start-up lock.

Every schema change is an Alembic revision in ``catalog/migrations/versions``. At start-up a
process that may write takes one lock (a PostgreSQL advisory lock; on SQLite an exclusive lock
on a file beside the database) while it creates the schema of an empty database and loads the
reference data, so several workers starting at once all come up. A database older than the
code is never changed implicitly: the process refuses to start and names the command to run.

A database already at the newest revision is recognised without Alembic (the revision ids
are read from the revision files and the stored one from ``alembic_version``), so the usual
start-up neither imports Alembic nor loads its scripts.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
LOCK_KEY = 0x65636F6C  # "ecol": the PostgreSQL advisory lock every starting process takes


class SchemaError(RuntimeError):
    """The database cannot be used by this code as it is; the message says what to run."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # imported only when the schema is not current

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def head() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:["']([^"']+)["']|None)""", re.M)


@cache
def file_head() -> str | None:
    """The newest revision read straight from the revision files (None when that is not clear).

    Only used to say "already current" without Alembic; any doubt falls back to Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _REVISION.finditer(path.read_text(encoding="utf-8")))
        if "revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored(conn: Connection) -> str | None:
    """The revision in ``alembic_version``, read with one query (None when there is none)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return rows[0][0] if len(rows) == 1 else None


def current(conn: Connection) -> str | None:
    """The database's revision; None for an empty or unversioned database."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config())
    return any(s.revision == revision for s in scripts.walk_revisions())


def _has_tables(conn: Connection) -> bool:
    return bool(set(inspect(conn).get_table_names()) - {"alembic_version"})


@contextmanager
def startup_lock(engine: Engine) -> Iterator[Connection]:
    """Hold the start-up lock; yields a connection to migrate on (commit it yourself)."""
    backend = engine.dialect.name
    if backend == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database if backend == "sqlite" else None
    if not database or database == ":memory:":
        with engine.connect() as conn:
            yield conn
        return
    lock_path = Path(database).expanduser().with_name(Path(database).name + ".lock")
    with open(lock_path, "a+b") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def state(conn: Connection) -> str:
    """'current', 'empty', 'older', 'unversioned' (tables from before migrations) or 'newer'."""
    quick = file_head()
    if quick is not None and _stored(conn) == quick:
        return "current"
    revision = current(conn)
    if revision == head():
        return "current"
    if revision is None:
        return "unversioned" if _has_tables(conn) else "empty"
    return "older" if _known(revision) else "newer"


def problem(conn: Connection) -> str | None:
    """One line saying why this code cannot run on the database as it is, or None."""
    found = state(conn)
    if found == "current":
        return None
    if found == "empty":
        return "the database is empty: run `ecolabel-bot db init`"
    if found == "newer":
        return (
            f"the database schema ({current(conn)}) is newer than this code ({head()}): "
            "run the newer version of ecolabel-bot"
        )
    revision = current(conn) or "before migrations"
    return (
        f"the database schema ({revision}) is older than this code ({head()}): run `ecolabel-bot db upgrade`"
    )


def check(engine: Engine) -> None:
    """For read-only commands: raise SchemaError unless the schema is current. Writes nothing."""
    with engine.connect() as conn:
        reason = problem(conn)
    if reason:
        raise SchemaError(reason)


def start(engine: Engine, load: Callable[[], None] | None = None) -> None:
    """Start-up of a process that writes: under the start-up lock, create the schema of an
    empty database and run ``load`` (reference data); an older or newer schema is refused
    with a one-line SchemaError and nothing is written."""
    with startup_lock(engine) as conn:
        found = state(conn)
        if found == "empty":
            from alembic import command

            command.upgrade(_config(conn), "head")
            conn.commit()
        elif found != "current":
            raise SchemaError(problem(conn) or found)
        conn.rollback()
        if load is not None:
            load()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest revision (a database from before migrations is taken
    as the baseline first). Returns (revision before, revision after)."""
    with startup_lock(engine) as conn:
        found = state(conn)
        if found == "newer":
            raise SchemaError(problem(conn) or found)
        from alembic import command

        before = current(conn)
        cfg = _config(conn)
        if found == "unversioned":
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")
        conn.commit()
        return before, head()
