"""Catalog files read row by row and written in batches: the result is the same as if the
whole file were handled at once (products spread over batches, certifications removed,
``--replace``), a problem anywhere refuses the whole file, dates are never guessed, and a
kill in the middle of an import leaves the old catalog whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.data_errors import row_error
from bot.i18n import Messages
from catalog.apply import BATCH, apply_catalog
from catalog.datafile import bytes_opener, path_opener
from catalog.gtin import check_digit
from catalog.importing import check_file, import_file
from catalog.models import Certification, Product
from catalog.reference import categories
from catalog.rows import DataValidationError
from tests.conftest import ROOT
from tests.samples import GOOD, HEADER, labels, parse

VI = Messages("vi")


def gtin(n: int) -> str:
    payload = f"952{n:09d}"
    return payload + str(check_digit(payload))


def row(n: int, label: str = "VIETGAP", cert: str = "", until: str = "2027-12-31", name: str = "") -> str:
    return (
        f"{gtin(n)},{name or f'Rau mẫu {n}'},Sample greens {n},Mẫu,Cty Mẫu,vegetables,{label},,"
        f"{cert or f'MAU-{n}'},Tổ chức A,2025-01-01,{until},mẫu,2026-10-01,yes"
    )


def csv_bytes(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def stored(engine: Engine, n: int) -> dict[str, str | None]:
    """label + certificate -> valid_until of product ``n``."""
    stmt = (
        select(Certification.label_code, Certification.certificate_no, Certification.valid_until)
        .join(Product, Product.id == Certification.product_id)  # type: ignore[arg-type]
        .where(Product.gtin == gtin(n))
    )
    with engine.connect() as conn:
        return {f"{r[0]} {r[1]}": (r[2].isoformat() if r[2] else None) for r in conn.execute(stmt)}


def run(engine: Engine, data: bytes, **kw: object):  # type: ignore[no-untyped-def]
    return import_file(engine, bytes_opener(data), labels(), categories(), **kw)  # type: ignore[arg-type]


def test_a_product_spread_over_batches_gets_exactly_the_file_s_certifications(empty_engine: Engine) -> None:
    before = [row(1, "VIETGAP", "A"), row(1, "VN_ORGANIC", "B"), row(1, "PGS", "C"), row(2)]
    run(empty_engine, csv_bytes(before))
    filler = [row(n) for n in range(10, 10 + 2 * BATCH)]
    # product 1: A changed at the top, B unchanged at the bottom (batches later), C dropped
    after = [row(1, "VIETGAP", "A", until="2028-06-30"), *filler, row(1, "VN_ORGANIC", "B"), row(2)]
    data = csv_bytes(after)
    checked = check_file(empty_engine, bytes_opener(data), labels(), categories())
    done = run(empty_engine, data)
    assert checked.report.dry_run and not done.report.dry_run
    for report in (checked.report, done.report):
        assert (report.products_added, report.products_unchanged) == (2 * BATCH, 2)
        assert (report.certs_added, report.certs_changed, report.certs_unchanged) == (2 * BATCH, 1, 2)
        assert report.certs_removed == 1
    assert [(c.line, c.column, c.new) for c in done.changes.first] == [
        (2, "valid_until (VIETGAP A)", _d("2028-06-30"))
    ]
    assert stored(empty_engine, 1) == {"VIETGAP A": "2028-06-30", "VN_ORGANIC B": "2027-12-31"}
    again = run(empty_engine, data)
    assert not again.report.changed_anything and not again.changes


def test_replace_removes_products_missing_from_a_long_file(empty_engine: Engine) -> None:
    run(empty_engine, csv_bytes([row(n) for n in range(1, 1 + BATCH + 5)]))
    keep = [row(n) for n in range(1, 1 + BATCH + 5) if n % 3]
    report = run(empty_engine, csv_bytes(keep), replace=True).report
    gone = (BATCH + 5) - len(keep)
    assert (report.products_removed, report.certs_removed, report.products_unchanged) == (
        gone,
        gone,
        len(keep),
    )
    with empty_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Product)).scalar() == len(keep)


def test_a_problem_on_the_last_line_of_a_long_file_refuses_all_of_it(engine: Engine, tmp_path: Path) -> None:
    lines = [row(n, until="2029-01-01") for n in range(1, 3 * BATCH)]
    lines.append(row(99_999, label="NOPE"))
    path = tmp_path / "long.csv"
    path.write_bytes(csv_bytes(lines))
    with pytest.raises(DataValidationError) as caught:
        import_file(engine, path_opener(path), labels(), categories())
    [error] = caught.value.errors
    assert (error.line, error.column, error.code) == (3 * BATCH + 1, "label", "unknown_label")
    assert stored(engine, 1) == {}  # nothing of the valid rows before it was written


def test_a_byte_that_is_not_utf8_late_in_the_file_is_named_by_its_line(engine: Engine) -> None:
    from catalog.datafile import DataFileError

    data = csv_bytes([row(n) for n in range(1, 2000)]) + row(5000).encode().replace(b"Rau", b"R\xe0u") + b"\n"
    with pytest.raises(DataFileError) as caught:
        run(engine, data)
    assert (caught.value.code, caught.value.params) == ("file_not_utf8", {"line": 2001})
    assert stored(engine, 1) == {}


@pytest.mark.parametrize("value", ["03/04/2027", "3/4/2027", "12/01/2028"])
def test_an_ambiguous_day_month_date_is_refused_with_line_column_and_formats(value: str) -> None:
    other = GOOD.replace("9529999999993", gtin(7)).replace("2026-12-31", value)
    with pytest.raises(DataValidationError) as caught:
        parse(f"{HEADER}\n{GOOD}\n{other}\n")
    [error] = caught.value.errors
    assert (error.line, error.column, error.code) == (3, "valid_until", "ambiguous_date")
    problem = VI("data_errors.ambiguous_date", value=value)
    assert row_error(VI, error) == VI.raw("data_errors.at", line=3, column="valid_until", problem=problem)
    assert "YYYY-MM-DD" in problem and value in problem


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2027-04-03", "2027-04-03"),
        ("13/04/2027", "2027-04-13"),
        ("04/04/2027", "2027-04-04"),
        ("2027-4-3", "2027-04-03"),
    ],
)
def test_unambiguous_dates_are_read(value: str, day: str) -> None:
    parsed = parse(f"{HEADER}\n{GOOD.replace('2026-12-31', value)}\n")
    assert parsed.certs[0].valid_until.isoformat() == day  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["03/04/27", "2027/04/03", "31/02/2027", "04/13/2027"])
def test_other_date_shapes_are_refused_naming_the_formats(value: str) -> None:
    with pytest.raises(DataValidationError) as caught:
        parse(f"{HEADER}\n{GOOD.replace('2026-12-31', value)}\n")
    [error] = caught.value.errors
    assert (error.line, error.column, error.code) == (2, "valid_until", "bad_date")
    assert "YYYY-MM-DD" in VI("data_errors.bad_date", **error.params)


def test_kill_during_a_large_import_leaves_all_old_or_all_new(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """kill -9 at several moments of a CLI import that changes every row: never half."""
    rows = 6000
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes([row(n) for n in range(1, rows + 1)]))
    apply_catalog(engine, parse(path.read_bytes()))
    path.write_bytes(csv_bytes([row(n, until="2030-01-01") for n in range(1, rows + 1)]))
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bot", "import", str(path)]
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)  # the whole run, then back
    whole = time.monotonic() - started
    path.write_bytes(csv_bytes([row(n, until="2031-01-01") for n in range(1, rows + 1)]))
    for fraction in (0.6, 0.75, 0.9):  # the last part of a run is the write
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with engine.connect() as conn:
            stmt = (
                select(Certification.valid_until, func.count())
                .join(Product, Product.id == Certification.product_id)  # type: ignore[arg-type]
                .group_by(Certification.valid_until)
            )
            mine = Product.gtin.like("952000%")  # type: ignore[union-attr]
            days = {d.isoformat(): n for d, n in conn.execute(stmt.where(mine))}
        assert days in ({"2030-01-01": rows}, {"2031-01-01": rows}), (fraction, days)  # never a mix
        if "2031-01-01" in days:
            break


def _d(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)
