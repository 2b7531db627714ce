"""Checking a whole catalog file before anything is written.

Each row goes through ``CatalogRow``; then the rows are checked together (several rows of
one product must agree, a certification may be listed once). Every problem is reported
with its line and column, and only a file without any becomes a ``ParsedCatalog``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from catalog import datafile, rows, safecsv
from catalog.apply import PRODUCT_FIELDS, CertRow, ParsedCatalog, ProductRow, product_key
from catalog.datafile import DataFileError
from catalog.rows import CatalogRow, Problems


def parse_catalog(
    data: bytes,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    progress: bool = False,
    max_bytes: int = datafile.MAX_FILE_BYTES,
) -> ParsedCatalog:
    """Validate a whole catalog file. Raises DataFileError or DataValidationError."""
    header, body = datafile.rows(datafile.decode(data, max_bytes), rows.COLUMNS, rows.COLUMNS)
    context = {"label": set(known_labels), "category": set(known_categories)}
    problems = Problems()
    parsed = ParsedCatalog()
    seen_certs: dict[tuple[str, str, str], int] = {}
    body = safecsv.flag_formulas(header, body, parsed.formula_cells)
    checked = rows.check(CatalogRow, header, body, problems, context)
    for line, row in tqdm(checked, desc="checking", unit=" rows", disable=None if progress else True):
        product = ProductRow(
            key=product_key(row.gtin, row.brand, row.name_vi),
            line=line,
            gtin=row.gtin,
            name_vi=row.name_vi,
            name_en=row.name_en,
            brand=row.brand,
            producer=row.producer,
            category=row.category,
            sample=row.sample,
        )
        first = parsed.products.setdefault(product.key, product)
        conflict = next((c for c in PRODUCT_FIELDS if getattr(first, c) != getattr(product, c)), None)
        if conflict:
            problems.add(line, conflict, "conflict", first=first.line)
        cert_key = (product.key, row.label, row.certificate_no)
        if cert_key in seen_certs:
            problems.add(line, "certificate_no", "duplicate", first=seen_certs[cert_key])
            continue
        seen_certs[cert_key] = line
        if not conflict:
            parsed.certs.append(
                CertRow(
                    product_key=product.key,
                    line=line,
                    label=row.label,
                    certificate_no=row.certificate_no,
                    label_detail=row.label_detail,
                    certifier=row.certifier,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                    source=row.source,
                    source_date=row.source_date,
                )
            )
    problems.raise_any()
    if not parsed.certs:
        raise DataFileError("no_rows")
    return parsed


def read_catalog_file(
    path: Path,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    progress: bool = False,
    max_bytes: int = datafile.MAX_FILE_BYTES,
) -> ParsedCatalog:
    """Like ``parse_catalog`` but from a path, refusing a huge file before reading it."""
    data = datafile.read_bytes(path, max_bytes)
    return parse_catalog(data, known_labels, known_categories, progress, max_bytes)
