"""Test data shared by several test modules: a valid catalog row and the bundled sample."""

from __future__ import annotations

from catalog.apply import ParsedCatalog
from catalog.reference import categories, read_label_rows
from catalog.rows import COLUMNS
from catalog.validate import parse_catalog
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "ecolabel.csv"
HEADER = ",".join(COLUMNS)
GOOD = (
    "9529999999993,Rau thử,Test greens,Thử,Cty Thử,vegetables,VIETGAP,"
    ",MAU-1,Tổ chức A,2025-01-01,2026-12-31,mẫu,2026-10-01,yes"
)


def labels() -> list[str]:
    return [r.code for r in read_label_rows()]


def parse(text: str | bytes) -> ParsedCatalog:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_catalog(data, labels(), categories())
