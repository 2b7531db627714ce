"""Open Food Facts exports are written by anyone: repeated GTINs, broken fields and formulas
are counted, never a traceback, and an import is all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

import catalog.off_import as off
from catalog.db import session
from catalog.models import Certification, Product
from catalog.off_import import import_off
from tests.test_off_import import row, write_export

TEA = "9521234500018"  # GS1 demo prefix, check digit valid
OTHER = "9521234500025"


def counts(engine: Engine) -> tuple[int, int]:
    with session(engine) as db:
        return (
            db.exec(select(func.count()).select_from(Product)).one(),
            db.exec(select(func.count()).select_from(Certification)).one(),
        )


def test_repeated_gtins_bad_fields_and_formulas_are_counted(empty_engine: Engine, tmp_path: Path) -> None:
    long_tail = "x" * 70_000  # NUL bytes past the first 64 KiB too
    rows = [
        row(TEA, "Trà xanh mẫu", "en:organic,en:eu-organic"),
        row(TEA, "Trà xanh mẫu lần hai", "en:organic"),  # the same GTIN again
        row("0" + TEA, "Trà xanh mẫu, mã 14 số", "en:organic"),  # and with a leading zero
        row(OTHER, f"Trà {long_tail}\x00 hỏng", "en:organic"),
        row(OTHER, '=HYPERLINK("http://example.org","bấm")', "en:organic"),
    ]
    absurd = row("9521234500032", "Trà ngày hỏng", "en:organic").replace("1767225600", "9" * 30)
    report = import_off(empty_engine, write_export(tmp_path / "off.tsv.gz", [*rows, absurd]))
    assert report.duplicates == 2
    assert report.row_errors == 2 and any("U+0000" in e for e in report.errors)
    assert any("last_modified_t" in e for e in report.errors)
    assert report.formula_cells == 1 and report.imported == 2
    with session(empty_engine) as db:
        gtins = sorted(db.exec(select(Product.gtin)))
    assert gtins == [TEA, OTHER]


def test_a_failure_halfway_leaves_the_catalog_as_it_was(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts(engine)
    monkeypatch.setattr(off, "BATCH", 1)
    real = off._write
    calls = {"n": 0}

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(off, "_write", failing)
    path = write_export(
        tmp_path / "off.tsv.gz", [row(TEA, "Trà một", "en:organic"), row(OTHER, "Trà hai", "en:organic")]
    )
    with pytest.raises(OSError):
        import_off(engine, path)
    assert counts(engine) == before


def test_the_cli_reports_bad_rows_and_exits_cleanly(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    path = write_export(
        tmp_path / "off.tsv.gz", [row(TEA, "Trà\x00", "en:organic"), row(TEA, "Trà", "en:organic")]
    )
    result = CliRunner().invoke(app, ["import-off", str(path)])
    assert result.exit_code == 0, result.output
    assert "rows with bad fields 1" in result.stdout and "line 2, product_name" in result.stderr
    assert "Traceback" not in result.output
