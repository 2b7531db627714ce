"""A misspelt or missing column is an error naming the column, never silently lost data."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.core import Core, Incoming
from bot.guard import FloodGuard
from catalog.datafile import DataFileError
from catalog.service import CatalogService
from tests.conftest import make_core
from tests.samples import GOOD, HEADER, parse

ADMIN = 9001


def test_a_misspelt_column_names_the_closest_known_one() -> None:
    with pytest.raises(DataFileError) as caught:
        parse(f"{HEADER.replace('valid_until', 'valid_untill')}\n{GOOD}\n")
    assert caught.value.code == "unknown_column"
    assert caught.value.params["column"] == "valid_untill" and caught.value.params["closest"] == "valid_until"


def test_a_file_without_the_optional_columns_is_refused_not_blanking_data() -> None:
    header = "gtin,name_vi,category,label,source"
    with pytest.raises(DataFileError) as caught:
        parse(f"{header}\n9529999999993,Rau thử,vegetables,VIETGAP,mẫu\n")
    assert caught.value.code == "missing_columns"
    assert "brand" in caught.value.params["missing"] and "valid_until" in caught.value.params["missing"]


def test_the_officer_reads_which_column_is_wrong(engine: Engine, catalog: CatalogService) -> None:
    core: Core = make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(99, 99),
        photo_guard=FloodGuard(99, 99),
    )
    bad = f"{HEADER.replace('valid_until', 'valid_untill')}\n{GOOD}\n".encode()
    [reply] = core.handle(Incoming(ADMIN, document=bad, document_name="a.csv"))
    assert "valid_untill" in reply.text and "valid_until”" in reply.text and not reply.buttons
