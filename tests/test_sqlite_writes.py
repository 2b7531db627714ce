"""SQLite as an embedded database under concurrent use: checks do not write, writers wait for
each other instead of failing, and usage counts survive a failed write."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from bot.core import Core, Incoming
from bot.guard import FloodGuard
from catalog.db import session
from catalog.models import Subscription, UsageEvent
from catalog.service import CatalogService
from catalog.usage import UsageLog
from tests import pgtools as pg
from tests.conftest import TODAY, make_core
from tests.samples import GOOD, HEADER, labels

ADMIN = 9001


pytestmark = pytest.mark.skipif(pg.ON_POSTGRES, reason="SQLite locking and pragmas only")


@pytest.fixture
def core(engine: Engine, catalog: CatalogService) -> Core:
    return make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(1000, 100),
        photo_guard=FloodGuard(1000, 100),
    )


def require_sqlite(engine: Engine) -> None:
    """These checks are about SQLite's file lock and pragmas; other engines have neither."""
    if engine.dialect.name != "sqlite":
        pytest.skip(f"SQLite-only: the engine under test is {engine.dialect.name}")


@contextmanager
def writer_holding_the_lock(engine: Engine, seconds: float) -> Iterator[None]:
    """Another process in the middle of a long write transaction for ``seconds``."""
    require_sqlite(engine)
    path = engine.url.database
    held = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, timeout=0)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.rollback()
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        yield
    finally:
        thread.join()


def test_journal_mode_is_wal_with_a_long_busy_timeout(engine: Engine) -> None:
    require_sqlite(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30_000


def test_checking_an_upload_writes_nothing(core: Core, engine: Engine) -> None:
    """The check runs while another writer holds the lock: it must not need the lock at all."""
    from catalog.apply import apply_catalog
    from catalog.reference import categories
    from catalog.validate import parse_catalog

    changed = GOOD.replace("2026-12-31", "2027-06-30").replace("Test greens", "Test leaves")
    parsed = parse_catalog(f"{HEADER}\n{GOOD}\n".encode(), labels(), categories())
    apply_catalog(engine, parsed)
    parsed = parse_catalog(f"{HEADER}\n{changed}\n".encode(), labels(), categories())
    started = time.monotonic()
    with writer_holding_the_lock(engine, 3.0):
        report = apply_catalog(engine, parsed, dry_run=True)
        checked = time.monotonic() - started
    assert checked < 2.5, f"the check waited {checked:.1f}s for the write lock"
    assert report.certs_changed == 1 and report.products_changed == 1 and report.dry_run
    # and through the bot: the officer gets the summary (the audit line waits its turn)
    with writer_holding_the_lock(engine, 2.0):
        [summary] = core.handle(
            Incoming(ADMIN, document=f"{HEADER}\n{changed}\n".encode(), document_name="a.csv")
        )
    assert summary.all_buttons(), summary.text


def test_a_write_waits_for_a_long_writer_instead_of_failing(core: Core, engine: Engine) -> None:
    with writer_holding_the_lock(engine, 6.0):
        [reply] = core.handle(Incoming(77, text="/subscribe 7"))
    assert "07" in reply.text
    with session(engine) as db:
        assert db.get(Subscription, 77) is not None


def test_usage_rows_that_fail_to_write_are_kept_for_the_next_try(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = UsageLog(engine, lambda: TODAY)
    with session(engine) as db:
        before = db.exec(select(func.count()).select_from(UsageEvent)).one()
    for i in range(5):
        usage.record(i, "name", True, "vi")
    import catalog.usage as module

    real = module.session

    def broken(_engine: Engine):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(module, "session", broken)
    usage.flush()  # must not raise, must not lose the rows
    usage.record(5, "barcode", False, "en", gtin="9529999999993")
    monkeypatch.setattr(module, "session", real)
    usage.flush()
    with session(engine) as db:
        after = db.exec(select(func.count()).select_from(UsageEvent)).one()
    assert after - before == 6
