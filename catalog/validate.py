"""Checking a catalog file before anything is written.

Each row goes through ``CatalogRow``; then the rows are checked together (several rows of
one product must agree, a certification may be listed once). Every problem is reported
with its line and column. Rows are read and checked one at a time from the file, so a
large file is never held in memory: what is kept across rows is a ``CatalogIndex`` (the
keys, and a hash of each product's fields). Small files can still become a whole
``ParsedCatalog`` (tests, the bundled sample).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from catalog import datafile, rows, safecsv
from catalog.apply import PRODUCT_FIELDS, CertRow, Item, ParsedCatalog, ProductRow, product_key
from catalog.datafile import DataFileError
from catalog.rows import CatalogRow, Problems


class CatalogIndex:
    """Every product and certification seen so far in a file: for the checks across rows
    and, after the last row, for what an import removes. A product keeps its first line and
    a hash of each of its fields, not the fields themselves."""

    def __init__(self) -> None:
        self.products: dict[str, tuple[int, tuple[int, ...]]] = {}
        self.certs: dict[tuple[str, str, str], int] = {}

    def admit(self, product: ProductRow, label: str, certificate_no: str, problems: Problems) -> bool:
        """True for a row that agrees with the earlier rows of its product and repeats no
        certification; a problem is recorded otherwise."""
        hashes = tuple(map(hash, product[-len(PRODUCT_FIELDS) :]))
        first = self.products.setdefault(product.key, (product.line, hashes))
        conflict = next((f for f, a, b in zip(PRODUCT_FIELDS, first[1], hashes, strict=True) if a != b), None)
        if conflict:
            problems.add(product.line, conflict, "conflict", first=first[0])
        cert_key = (product.key, label, certificate_no)
        if cert_key in self.certs:
            problems.add(product.line, "certificate_no", "duplicate", first=self.certs[cert_key])
            return False
        self.certs[cert_key] = product.line
        return conflict is None


def catalog_items(
    opener: datafile.Opener,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    problems: Problems,
    index: CatalogIndex,
    formulas: safecsv.FormulaCells,
    progress: bool = False,
    desc: str = "checking",
) -> Iterator[Item]:
    """The valid rows of a catalog file, as read; problems go to ``problems`` (a caller
    must look there after the last row before trusting anything it received)."""
    context = {"label": set(known_labels), "category": set(known_categories)}
    stream = opener()
    try:
        header, body = datafile.read_rows(datafile.text_lines(stream), rows.COLUMNS, rows.COLUMNS)
        body = safecsv.flag_formulas(header, body, formulas)
        checked = rows.check(CatalogRow, header, body, problems, context)
        for line, row in tqdm(checked, desc=desc, unit=" rows", disable=None if progress else True):
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
            if index.admit(product, row.label, row.certificate_no, problems):
                yield (
                    product,
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
                    ),
                )
    finally:
        stream.close()


def finish(problems: Problems, index: CatalogIndex) -> None:
    """After the last row: raise DataValidationError for any problem, DataFileError for no rows."""
    problems.raise_any()
    if not index.certs:
        raise DataFileError("no_rows")


def parse_catalog(
    data: bytes,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    progress: bool = False,
    max_bytes: int = datafile.MAX_FILE_BYTES,
) -> ParsedCatalog:
    """Validate a whole (small) catalog file into memory. Raises DataFileError or DataValidationError."""
    return _parse(datafile.bytes_opener(data, max_bytes), known_labels, known_categories, progress)


def read_catalog_file(
    path: Path,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    progress: bool = False,
    max_bytes: int = datafile.MAX_FILE_BYTES,
) -> ParsedCatalog:
    """Like ``parse_catalog`` but from a path, refusing a huge file before reading it."""
    return _parse(datafile.path_opener(path, max_bytes), known_labels, known_categories, progress)


def _parse(
    opener: datafile.Opener, known_labels: Iterable[str], known_categories: Iterable[str], progress: bool
) -> ParsedCatalog:
    parsed, problems, index = ParsedCatalog(), Problems(), CatalogIndex()
    for product, cert in catalog_items(
        opener, known_labels, known_categories, problems, index, parsed.formula_cells, progress
    ):
        parsed.products.setdefault(product.key, product)
        parsed.certs.append(cert)
    finish(problems, index)
    return parsed
