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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select
from tqdm import tqdm

from catalog import gtin as gtins
from catalog.apply import CertRow, ParsedCatalog, ProductRow, apply_catalog, product_key
from catalog.cards import OFF_SOURCE
from catalog.db import session
from catalog.labelcodes import recognise
from catalog.models import Certification, Product
from catalog.reference import categories, data_dir, read_label_rows
from catalog.rows import OffCategoryRow, OffLabelRow, load

BATCH = 2000
_NEEDED = ("code", "product_name", "labels_tags")


@dataclass
class OffReport:
    rows: int = 0
    imported: int = 0
    skipped_no_label: int = 0
    skipped_bad_code: int = 0
    skipped_filtered: int = 0
    kept_department: int = 0


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


def import_off(
    engine: Engine, path: Path, country: str | None = None, prefix: str | None = None, progress: bool = False
) -> OffReport:
    """Stream an export and upsert every product that carries a mapped label."""
    labels, cats = _mappings()
    country_tag = f"en:{country.strip().lower().replace(' ', '-')}" if country else None
    report = OffReport()
    batch = ParsedCatalog()
    bar = tqdm(desc="rows", unit=" rows", disable=None if progress else True)
    for row in _rows(path):
        report.rows += 1
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
        name = (
            row.get("product_name_vi") or row.get("product_name") or row.get("generic_name") or ""
        ).strip()
        if not name:
            report.skipped_bad_code += 1
            continue
        brand = _tags(row.get("brands", ""))[0] if row.get("brands") else ""
        category = next((cats[t] for t in _tags(row.get("categories_tags", "")) if t in cats), "other")
        bodies = [
            c.code
            for t in tags
            if (c := recognise(t.removeprefix("en:"))) and c.kind.startswith("eu_organic")
        ]
        stamp = row.get("last_modified_t", "")
        when = datetime.fromtimestamp(int(stamp), UTC).date() if stamp.isdigit() else None
        key = product_key(gtin, brand, name)
        batch.products[key] = ProductRow(
            key,
            report.rows,
            gtin,
            name[:300],
            (row.get("product_name_en") or name)[:300],
            brand[:120],
            "",
            category,
            False,
        )
        for label in codes:
            certifier = bodies[0] if label == "EU_ORGANIC" and bodies else ""
            batch.certs.append(
                CertRow(key, report.rows, label, "", "", certifier, None, None, OFF_SOURCE, when)
            )
        if len(batch.products) >= BATCH:
            _write(engine, batch, report)
            batch = ParsedCatalog()
        bar.set_postfix(imported=report.imported, refresh=False)
    if batch.products:
        _write(engine, batch, report)
    bar.close()
    return report


def _write(engine: Engine, batch: ParsedCatalog, report: OffReport) -> None:
    """Upsert one batch, leaving alone products whose data came from the department."""
    keys = list(batch.products)
    with session(engine) as db:
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
        apply_catalog(engine, batch)
        report.imported += len(batch.products)
