"""Import products with mapped labels from an Open Food Facts CSV export.

The export (``en.openfoodfacts.org.products.csv``) is tab-separated, several GB, gzipped
or not. It is streamed row by row and written in batches, so memory stays flat. Labels
come from contributors reading the pack, not from a certifier: such rows are marked with
``OFF_SOURCE`` and the product card says so, with the ODbL attribution.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select
from tqdm import tqdm

from catalog import gtin as gtins
from catalog.apply import CertRow, ParsedCatalog, ProductRow, apply_in, product_key
from catalog.cards import OFF_SOURCE
from catalog.clean import clean_cell, control_char, is_ascii_digits
from catalog.db import session
from catalog.labelcodes import recognise
from catalog.models import Certification, Product
from catalog.reference import categories, data_dir, read_label_rows
from catalog.rows import OffCategoryRow, OffLabelRow, load
from catalog.safecsv import is_formula_like
from catalog.version import bump as bump_version

BATCH = 2000
MAX_SHOWN = 20
# last_modified_t is a Unix time; anything outside these years is a broken field
_FIRST_STAMP, _LAST_STAMP = 946_684_800, 4_102_444_800  # 2000-01-01 .. 2100-01-01
_NEEDED = ("code", "product_name", "labels_tags")
_TEXT_FIELDS = ("product_name_vi", "product_name", "generic_name", "product_name_en", "brands")


@dataclass
class OffReport:
    rows: int = 0
    imported: int = 0
    skipped_no_label: int = 0
    skipped_bad_code: int = 0
    skipped_filtered: int = 0
    kept_department: int = 0
    duplicates: int = 0  # the same GTIN again in the file (also with or without leading zeros)
    row_errors: int = 0  # rows with a field that cannot be stored (control characters, bad dates)
    formula_cells: int = 0  # names a spreadsheet would run as formulas (exports neutralise them)
    errors: list[str] = field(default_factory=list)  # the first MAX_SHOWN row errors

    _last_line: int = field(default=0, repr=False)

    def error(self, line: int, column: str, problem: str) -> None:
        if line != self._last_line:  # a row counts once, however many of its fields are bad
            self.row_errors += 1
            self._last_line = line
        if len(self.errors) < MAX_SHOWN:
            self.errors.append(f"line {line}, {column}: {problem}")


def _mappings() -> tuple[dict[str, str], dict[str, str]]:
    """Open Food Facts label tags to label codes, category tags to categories (checked rows)."""
    context = {"label": {r.code for r in read_label_rows()}, "category": set(categories())}
    labels = load(data_dir() / "off_labels.csv", OffLabelRow, context)
    cats = load(data_dir() / "off_categories.csv", OffCategoryRow, context)
    return {r.tag: r.label for r in labels}, {r.tag: r.category for r in cats}


def _open(path: Path) -> io.TextIOBase:
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    raw = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115 - closed by the wrapper
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")  # type: ignore[arg-type]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with _open(path) as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, [])
        missing = [c for c in _NEEDED if c not in header]
        if missing:
            raise ValueError(f"not an Open Food Facts export: missing column(s) {', '.join(missing)}")
        for values in reader:
            yield dict(zip(header, values, strict=False))


def _tags(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]


def _field(row: dict[str, str], column: str, line: int, report: OffReport) -> str | None:
    """A text field cleaned of invisible characters; None (a counted row error) when it holds
    a NUL or another control character."""
    value = row.get(column) or ""
    bad = control_char(value)
    if bad is not None:
        report.error(line, column, f"control character U+{ord(value[bad - 1]):04X} at character {bad}")
        return None
    return clean_cell(value)


def _stamp(value: str, line: int, report: OffReport) -> tuple[bool, date | None]:
    """(ok, day) of a last_modified_t field; an absurd one is a counted row error."""
    value = value.strip()
    if not value:
        return True, None
    if not is_ascii_digits(value) or not _FIRST_STAMP <= int(value) < _LAST_STAMP:
        report.error(line, "last_modified_t", f"'{value[:40]}' is not a Unix time between 2000 and 2100")
        return False, None
    return True, datetime.fromtimestamp(int(value), UTC).date()


def import_off(
    engine: Engine, path: Path, country: str | None = None, prefix: str | None = None, progress: bool = False
) -> OffReport:
    """Stream an export and upsert every product that carries a mapped label.

    All or nothing: batches are written in one transaction committed at the end, so a crash
    or a broken row halfway leaves the catalog as it was. Each GTIN is taken once (the
    first row wins; ``0952…`` and ``952…`` are the same GTIN); a row with a field that
    cannot be stored is counted and skipped, never a traceback.
    """
    labels, cats = _mappings()
    country_tag = f"en:{country.strip().lower().replace(' ', '-')}" if country else None
    report = OffReport()
    batch = ParsedCatalog()
    seen: set[str] = set()
    bar = tqdm(desc="rows", unit=" rows", disable=None if progress else True)
    with session(engine) as db:
        for row in _rows(path):
            report.rows += 1
            line = report.rows + 1  # the header is line 1
            bar.update()
            code = row.get("code", "").strip()
            if (country_tag and country_tag not in _tags(row.get("countries_tags", ""))) or (
                prefix and not code.rjust(13, "0").startswith(prefix) and not code.startswith(prefix)
            ):
                report.skipped_filtered += 1
                continue
            tags = _tags(row.get("labels_tags", ""))
            codes = list(dict.fromkeys(labels[t] for t in tags if t in labels))
            if not codes:
                report.skipped_no_label += 1
                continue
            try:
                gtin = gtins.normalise(code)
            except ValueError:
                report.skipped_bad_code += 1
                continue
            if gtin in seen:
                report.duplicates += 1
                continue
            texts = {c: _field(row, c, line, report) for c in _TEXT_FIELDS}
            ok, when = _stamp(row.get("last_modified_t", ""), line, report)
            if not ok or any(v is None for v in texts.values()):
                continue
            name = texts["product_name_vi"] or texts["product_name"] or texts["generic_name"] or ""
            if not name:
                report.skipped_bad_code += 1
                continue
            seen.add(gtin)
            brand = _tags(texts["brands"] or "")[0] if texts["brands"] else ""
            if is_formula_like(name) or is_formula_like(brand):
                report.formula_cells += 1
            category = next((cats[t] for t in _tags(row.get("categories_tags", "")) if t in cats), "other")
            bodies = [
                c.code
                for t in tags
                if (c := recognise(t.removeprefix("en:"))) and c.kind.startswith("eu_organic")
            ]
            key = product_key(gtin, brand, name)
            batch.products[key] = ProductRow(
                key,
                line,
                gtin,
                name[:300],
                (texts["product_name_en"] or name)[:300],
                brand[:120],
                "",
                category,
                False,
            )
            for label in codes:
                certifier = bodies[0] if label == "EU_ORGANIC" and bodies else ""
                batch.certs.append(CertRow(key, line, label, "", "", certifier, None, None, OFF_SOURCE, when))
            if len(batch.products) >= BATCH:
                _write(db, batch, report)
                batch = ParsedCatalog()
            bar.set_postfix(imported=report.imported, refresh=False)
        if batch.products:
            _write(db, batch, report)
        if report.imported:
            bump_version(db)
        db.commit()
    bar.close()
    return report


def _write(db, batch: ParsedCatalog, report: OffReport) -> None:  # type: ignore[no-untyped-def]
    """Upsert one batch in the import's transaction, leaving alone products whose data came
    from the department."""
    keys = list(batch.products)
    stmt = (
        select(Product.key)
        .join(Certification, Certification.product_id == Product.id)  # type: ignore[arg-type]
        .where(Product.key.in_(keys), Certification.source != OFF_SOURCE)
    )  # type: ignore[attr-defined]
    department = set(db.exec(stmt))
    if department:
        report.kept_department += len(department)
        batch.products = {k: v for k, v in batch.products.items() if k not in department}
        batch.certs = [c for c in batch.certs if c.product_key not in department]
    if batch.products:
        apply_in(db, batch)
        report.imported += len(batch.products)
        db.expunge_all()  # written; keep memory flat over a long export
