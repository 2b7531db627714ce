"""Every CSV the project writes is safe to open in a spreadsheet and reads back unchanged;
formula-like cells are named to the officer on import and counted in OFF data."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from catalog import safecsv
from catalog import stats as figures
from catalog.apply import apply_catalog
from catalog.export import export_csv
from catalog.service import CatalogService
from tests.conftest import TODAY, make_core
from tests.samples import GOOD, HEADER, parse

ADMIN = 9001
ATTACKS = [
    '=HYPERLINK("http://evil.example","bấm")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A9)",
]


def cells(text: str) -> list[list[str]]:
    assert text.startswith(safecsv.BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def dangerous(value: str) -> bool:
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


def with_values(**values: str) -> str:
    row = dict(zip(HEADER.split(","), next(csv.reader([GOOD])), strict=True))
    row.update(values)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row.values())
    return buf.getvalue().strip("\n")


@pytest.mark.parametrize("attack", ATTACKS)
def test_export_neutralises_formulas_and_round_trips(empty_engine: Engine, attack: str) -> None:
    source = with_values(name_vi=f"Rau {attack}"[4:] if attack[0] in "=+-@" else attack, producer=attack)
    parsed = parse(f"{HEADER}\n{source}\n")
    assert parsed.formula_cells  # flagged on import
    apply_catalog(empty_engine, parsed)
    exported = export_csv(empty_engine)
    for row in cells(exported):
        assert not any(dangerous(v) for v in row), row
    again = parse(exported.encode("utf-8"))  # the exported file imported as it is
    assert again.products == parsed.products and again.certs == parsed.certs
    assert export_csv(empty_engine) == exported


def test_tab_and_carriage_return_cells_are_neutralised_too() -> None:
    text = safecsv.to_csv([["\t=1", "\r=1", "'=x", 5, "plain"]])
    [row] = cells(text)
    assert row == ["'\t=1", "'\r=1", "''=x", "5", "plain"]
    assert [safecsv.restore(v) for v in row] == ["\t=1", "\r=1", "'=x", "5", "plain"]


def test_a_real_leading_minus_is_kept(empty_engine: Engine) -> None:
    parsed = parse(f"{HEADER}\n{with_values(label_detail='-5% đường')}\n")
    apply_catalog(empty_engine, parsed)
    exported = export_csv(empty_engine)
    assert "'-5% đường" in exported
    [cert] = parse(exported.encode()).certs
    assert cert.label_detail == "-5% đường"


def test_cli_export_and_stats_csv_have_a_bom_and_no_formulas(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    parsed = parse(f"{HEADER}\n{with_values(name_vi='=1+2 rau')}\n")
    apply_catalog(engine, parsed)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    out = tmp_path / "x.csv"
    assert runner.invoke(app, ["export", "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(safecsv.BOM) and "'=1+2 rau" in text
    stats = figures.compute(engine, TODAY, TODAY)
    stats.top_products = [("=HYPERLINK(1)", 3)]
    stats_csv = figures.to_csv(stats)
    assert stats_csv.startswith(safecsv.BOM)
    assert not any(dangerous(v) for row in cells(stats_csv) for v in row)
    result = runner.invoke(app, ["stats", "--csv"])
    assert result.exit_code == 0 and result.stdout.startswith(safecsv.BOM)


def test_admin_export_and_upload_summary(engine: Engine, catalog: CatalogService) -> None:
    core: Core = make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(1000, 100),
        photo_guard=FloodGuard(1000, 100),
    )
    apply_catalog(engine, parse(f"{HEADER}\n{GOOD}\n"))
    changed = with_values(producer="@evil", valid_until="2027-06-30")
    [summary] = core.handle(
        Incoming(ADMIN, document=f"{HEADER}\n{changed}\n".encode(), document_name="a.csv")
    )
    assert "producer, valid_until" in summary.text
    assert "2026-12-31 → 2027-06-30" in summary.text and "Cty Thử → @evil" in summary.text
    assert "2/producer" in summary.text  # the formula-like cell is named
    [export] = core.handle(Incoming(ADMIN, text="/export"))
    assert export.attachment is not None
    data = export.attachment.data.decode("utf-8")
    assert not any(dangerous(v) for row in cells(data) for v in row)
