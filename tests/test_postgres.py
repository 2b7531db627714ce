"""The same catalog on PostgreSQL, in a fresh database. Skipped unless ECOLABEL_TEST_POSTGRES
names a reachable server (see tests/pgtools.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import actions
from bot.core import Incoming
from bot.replies import plain
from catalog.apply import apply_catalog
from catalog.db import make_engine
from catalog.export import export_csv
from catalog.reference import categories, read_label_rows
from catalog.safecsv import BOM
from catalog.service import CatalogService, prepare_database
from catalog.validate import parse_catalog
from tests import pgtools as pg
from tests.conftest import ROOT, TODAY, make_core


@pytest.fixture
def pg_url() -> Iterator[str]:
    with pg.fresh_database() as url:
        yield url


def test_catalog_search_and_core_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    prepare_database(engine)
    try:
        sample = (ROOT / "data/ecolabel.csv").read_bytes()
        labels = [r.code for r in read_label_rows()]
        first = apply_catalog(engine, parse_catalog(sample, labels, categories()))
        assert first.products_added >= 300
        assert not apply_catalog(engine, parse_catalog(sample, labels, categories())).changed_anything
        assert export_csv(engine) == BOM + sample.decode("utf-8")
        catalog = CatalogService(engine, today=lambda: TODAY)
        core = make_core(engine, catalog)
        [card] = core.handle(Incoming(7, text="gao st25 hat ngoc"))
        assert "Gạo ST25" in plain(card.text)
        core.handle(Incoming(7, text="8935049500933"))
        core.handle(Incoming(7, callback=actions.SetLanguage("en").pack()))
        core.usage.flush()
        from catalog import stats

        s = stats.compute(engine, TODAY, TODAY)
        assert s.lookups == 2 and s.top_missing == [("8935049500933", 1)]
    finally:
        engine.dispose()
