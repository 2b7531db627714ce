"""Shared fixtures: a real SQLite database with the bundled sample data, and the core on top."""

from __future__ import annotations

import shutil
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

TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the sample catalog and stores, built once and copied per test."""
    from bot.services import seed_if_empty

    path = tmp_path_factory.mktemp("seed") / "seed.db"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database(engine)
    seed_if_empty(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
    engine.dispose()
    return path


@pytest.fixture
def db_url(seeded_db_file: Path, tmp_path: Path) -> str:
    path = tmp_path / "test.db"
    shutil.copy(seeded_db_file, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def empty_engine(tmp_path: Path) -> Engine:
    eng = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
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
