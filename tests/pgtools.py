"""PostgreSQL for the tests: every test gets its own fresh database, so runs never collide.

``ECOLABEL_TEST_POSTGRES`` names a server database to connect to for CREATE/DROP DATABASE,
e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``; ``ECOLABEL_TEST_DB=postgresql``
runs the storage fixtures (``db_url``, ``engine``...) on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

ADMIN_URL = os.environ.get("ECOLABEL_TEST_POSTGRES", "")
ON_POSTGRES = os.environ.get("ECOLABEL_TEST_DB", "sqlite") == "postgresql"
_admin: Engine | None = None


def unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here, or None."""
    if not ADMIN_URL:
        return "set ECOLABEL_TEST_POSTGRES to a PostgreSQL URL to run the PostgreSQL tests"
    try:
        with admin().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # the driver's own error says what is wrong
        return f"PostgreSQL at {make_url(ADMIN_URL).render_as_string()} is not reachable: {exc}"
    return None


def require() -> None:
    reason = unavailable()
    if reason:
        if ON_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)


def admin() -> Engine:
    global _admin
    if _admin is None:
        _admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    return _admin


def new_name(prefix: str = "et") -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"


def url_of(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def create(name: str, template: str | None = None) -> str:
    clause = f' TEMPLATE "{template}"' if template else ""
    with admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    return url_of(name)


def drop(name: str) -> None:
    with admin().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def fresh_database(template: str | None = None) -> Iterator[str]:
    """A new database (a copy of ``template`` when given), dropped afterwards; yields its URL."""
    require()
    name = new_name()
    url = create(name, template)
    try:
        yield url
    finally:
        drop(name)
