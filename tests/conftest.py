"""Shared fixtures: a real database (SQLite, or PostgreSQL in the PostgreSQL pass) with the bundled
sample data, and the core on top."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.core import Core
from bot.guard import FloodGuard
from bot.services import build_core
from catalog.db import make_engine
from catalog.scanner import Scanner
from catalog.service import CatalogService, prepare_database
from tests import pgtools as pg
from tests.fake_bot_api import FakeBotApi

TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the sample catalog and stores, built once and copied per test."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    engine = make_engine(f"sqlite:///{path}")
    _seed(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
    engine.dispose()
    return path


def _seed(engine: Engine) -> None:
    from bot.services import seed_if_empty

    prepare_database(engine, lambda: seed_if_empty(engine))


@pytest.fixture(scope="session")
def seeded_template() -> Iterator[str]:
    """On PostgreSQL: a seeded database that each test's database is copied from."""
    pg.require()
    name = pg.new_name("et_seed")
    engine = make_engine(pg.create(name))
    _seed(engine)
    engine.dispose()
    yield name
    pg.drop(name)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with the sample data: a copied SQLite file, or (ECOLABEL_TEST_DB=postgresql)
    a new PostgreSQL database made from a seeded template."""
    if pg.ON_POSTGRES:
        with pg.fresh_database(template=request.getfixturevalue("seeded_template")) as url:
            yield url
        return
    path = tmp_path / "test.db"
    shutil.copy(request.getfixturevalue("seeded_db_file"), path)
    yield f"sqlite:///{path}"


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """A fresh database with nothing in it (SQLite, or PostgreSQL in the PostgreSQL pass)."""
    if pg.ON_POSTGRES:
        with pg.fresh_database() as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[Engine]:
    eng = make_engine(empty_url)
    prepare_database(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def catalog(engine: Engine) -> CatalogService:
    return CatalogService(engine, today=lambda: TODAY)


def make_core(
    engine: Engine, catalog: CatalogService, admin_ids: frozenset[int] = frozenset(), **kwargs: Any
) -> Core:
    """The core as the bot builds it, with a scanner; ``catalog`` fixes today's date."""
    settings = Settings(_env_file=None, admin_ids=admin_ids)  # type: ignore[call-arg]
    return build_core(engine, catalog, settings, scanner=Scanner(), **kwargs)


@pytest.fixture
def core(engine: Engine, catalog: CatalogService) -> Core:
    return make_core(
        engine,
        catalog,
        guard=FloodGuard(capacity=1000, per_second=100),
        photo_guard=FloodGuard(capacity=1000, per_second=100),
    )


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API over HTTP on 127.0.0.1, in the test's event loop."""
    fake = FakeBotApi()
    await fake.start()
    yield fake
    await fake.stop()
