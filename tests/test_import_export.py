"""Catalog import: whole-file validation, all-or-nothing writes, idempotence, lossless export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot.data_errors import file_error
from bot.i18n import LOCALES, Messages
from catalog.apply import apply_catalog
from catalog.datafile import DataFileError
from catalog.db import session
from catalog.export import export_csv, export_json
from catalog.models import Certification, Product
from catalog.reference import categories
from catalog.rows import DataValidationError
from catalog.safecsv import BOM
from catalog.validate import read_catalog_file
from tests.samples import GOOD, HEADER, SAMPLE, labels, parse


def counts(engine: Engine) -> tuple[int, int]:
    with session(engine) as db:
        return (
            db.exec(select(func.count()).select_from(Product)).one(),
            db.exec(select(func.count()).select_from(Certification)).one(),
        )


def test_sample_catalog_is_large_and_varied() -> None:
    parsed = parse(SAMPLE.read_bytes())
    assert len(parsed.products) >= 300
    assert len({p.category for p in parsed.products.values()}) >= 15
    per_product: dict[str, int] = {}
    for cert in parsed.certs:
        per_product[cert.product_key] = per_product.get(cert.product_key, 0) + 1
    assert any(n >= 2 for n in per_product.values()), "some products carry two labels"


def test_import_then_reimport_changes_nothing(empty_engine: Engine) -> None:
    parsed = parse(SAMPLE.read_bytes())
    first = apply_catalog(empty_engine, parsed)
    assert first.products_added == len(parsed.products) and first.certs_added == len(parsed.certs)
    again = apply_catalog(empty_engine, parse(SAMPLE.read_bytes()))
    assert not again.changed_anything
    assert again.products_unchanged == len(parsed.products)


def test_round_trip_is_lossless(empty_engine: Engine) -> None:
    apply_catalog(empty_engine, parse(SAMPLE.read_bytes()))
    assert export_csv(empty_engine) == BOM + SAMPLE.read_text(encoding="utf-8")


def test_json_export_nests_certifications(empty_engine: Engine) -> None:
    apply_catalog(empty_engine, parse(SAMPLE.read_bytes()))
    products = json.loads(export_json(empty_engine))
    assert len(products) == len(parse(SAMPLE.read_bytes()).products)
    assert all(p["certifications"] and p["name_vi"] for p in products)


def test_dry_run_writes_nothing(empty_engine: Engine) -> None:
    report = apply_catalog(empty_engine, parse(SAMPLE.read_bytes()), dry_run=True)
    assert report.products_added >= 300
    assert counts(empty_engine) == (0, 0)


def test_changed_row_is_updated_and_dropped_row_removed(engine: Engine) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    first_gtin = lines[1].split(",")[0]
    product_rows = [line for line in lines[1:] if line.startswith(first_gtin)]
    edited = product_rows[0].replace("Rau muống", "Rau muống tươi")
    report = apply_catalog(engine, parse("\n".join([lines[0], edited]) + "\n"))
    assert report.products_changed == 1
    assert report.certs_removed == len(product_rows) - 1
    with session(engine) as db:
        product = db.exec(select(Product).where(Product.gtin == first_gtin)).one()
    assert product.name_vi.startswith("Rau muống tươi")


def test_replace_removes_products_missing_from_the_file(engine: Engine) -> None:
    report = apply_catalog(engine, parse(f"{HEADER}\n{GOOD}\n"), replace=True)
    assert report.products_added == 1
    assert report.products_removed >= 300
    assert counts(engine) == (1, 1)


def test_all_row_errors_are_reported_together_with_lines_and_columns(engine: Engine) -> None:
    before = counts(engine)
    rows = [
        GOOD,
        GOOD.replace("9529999999993", "9529999999994"),  # bad check digit
        GOOD.replace("VIETGAP", "GREENWASH").replace("9529999999993", "9529999999986"),
        GOOD.replace("2025-01-01", "2027-01-01").replace("9529999999993", "9529999999979"),
        GOOD.replace("Rau thử", "").replace("9529999999993", "9529999999962"),
        GOOD,  # duplicate of line 2
        GOOD.replace("9529999999993", "9.52E+12"),
        GOOD.replace("2026-12-31", "31-12-2026").replace("9529999999993", "9529999999955"),
        "9529999999948,too,few",
    ]
    with pytest.raises(DataValidationError) as caught:
        parse("\n".join([HEADER, *rows]) + "\n")
    found = {(e.line, e.column) for e in caught.value.errors}
    assert {
        (3, "gtin"),
        (4, "label"),
        (5, "valid_until"),
        (6, "name_vi"),
        (7, "certificate_no"),
        (8, "gtin"),
        (9, "valid_until"),
        (10, "*"),
    } <= found
    codes = {(e.line, e.code) for e in caught.value.errors}
    assert {
        (3, "gtin_check_digit"),
        (4, "unknown_label"),
        (5, "dates_reversed"),
        (8, "gtin_mangled"),
    } <= codes
    unknown = next(e for e in caught.value.errors if e.line == 4)
    assert unknown.params["value"] == "GREENWASH" and "VIETGAP" in unknown.params["valid"]
    assert counts(engine) == before


def test_conflicting_rows_for_one_product_are_an_error() -> None:
    other = GOOD.replace("VIETGAP", "VN_ORGANIC").replace("Test greens", "Other name")
    with pytest.raises(DataValidationError) as caught:
        parse(f"{HEADER}\n{GOOD}\n{other}\n")
    [error] = caught.value.errors
    assert (error.line, error.code, error.params) == (3, "conflict", {"first": 2})


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (f"{HEADER}\n{GOOD}\n".encode("utf-16"), "file_binary"),
        (f"{HEADER}\n{GOOD}\n".encode("cp1258", errors="replace").replace(b"?", b"\xe0"), "file_not_utf8"),
        (GOOD.encode() + b"\n", "missing_columns"),
        (b"", "file_empty"),
        (f"{HEADER}\n".encode(), "no_rows"),
        (b"\x00\xff" * 5000, "file_binary"),
        (f'{HEADER}\n"unterminated,{GOOD}\n'.encode(), "broken_csv"),
    ],
)
def test_bad_files_get_one_clear_error(data: bytes, code: str) -> None:
    with pytest.raises(DataFileError) as caught:
        parse(data)
    assert caught.value.code == code
    for locale in LOCALES:
        text = file_error(Messages(locale), caught.value)
        assert text and "\n" not in text


def test_spreadsheet_bom_and_semicolons_are_accepted() -> None:
    with_bom = ("\ufeff" + HEADER + "\n" + GOOD + "\n").encode("utf-8")
    semicolons = (HEADER.replace(",", ";") + "\n" + GOOD.replace(",", ";") + "\n").encode("utf-8")
    assert parse(with_bom).certs == parse(semicolons).certs == parse(f"{HEADER}\n{GOOD}\n").certs


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(DataFileError) as caught:
        read_catalog_file(big, labels(), categories(), max_bytes=1024)
    assert caught.value.code == "file_too_large"


def test_dates_in_day_month_year_are_read() -> None:
    parsed = parse(f"{HEADER}\n{GOOD.replace('2026-12-31', '31/12/2026')}\n")
    assert parsed.certs[0].valid_until.isoformat() == "2026-12-31"  # type: ignore[union-attr]
