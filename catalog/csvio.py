"""Catalog import and export in the spreadsheet-friendly CSV schema of data/README.md.

An import is validated completely before anything is written; then it is applied
in one transaction, so a bad file never leaves a half-updated catalog.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select
from tqdm import tqdm

from catalog import gtin as gtins
from catalog.db import assign, chunks, session
from catalog.models import Certification, Product
from catalog.text import fold
from catalog.version import bump as bump_version

COLUMNS = [
    "gtin",
    "name_vi",
    "name_en",
    "brand",
    "producer",
    "category",
    "label",
    "label_detail",
    "certificate_no",
    "certifier",
    "valid_from",
    "valid_until",
    "source",
    "source_date",
    "sample",
]
REQUIRED_COLUMNS = ("gtin", "name_vi", "category", "label")
REQUIRED_VALUES = ("name_vi", "category", "label", "source")
PRODUCT_FIELDS = ("gtin", "name_vi", "name_en", "brand", "producer", "category", "sample")
CERT_FIELDS = ("label_detail", "certifier", "valid_from", "valid_until", "source", "source_date")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FIELD_CHARS = 2000
MAX_ERRORS = 1000
_TRUE = {"yes", "y", "true", "1", "co", "x"}
_FALSE = {"", "no", "n", "false", "0", "khong"}


class CatalogFileError(ValueError):
    """The file as a whole cannot be read as a catalog (one line for the user)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell: line number in the file, column name and what is wrong."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


class CatalogValidationError(ValueError):
    """Rows with problems; nothing has been written."""

    def __init__(self, errors: list[RowError], total: int) -> None:
        super().__init__(f"{total} problem(s) in the file")
        self.errors = errors
        self.total = total


@dataclass(slots=True)
class ProductRow:
    key: str
    line: int
    gtin: str | None
    name_vi: str
    name_en: str
    brand: str
    producer: str
    category: str
    sample: bool


@dataclass(slots=True)
class CertRow:
    product_key: str
    line: int
    label: str
    certificate_no: str
    label_detail: str
    certifier: str
    valid_from: date | None
    valid_until: date | None
    source: str
    source_date: date | None


@dataclass(slots=True)
class ParsedCatalog:
    products: dict[str, ProductRow] = field(default_factory=dict)
    certs: list[CertRow] = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    products_added: int = 0
    products_changed: int = 0
    products_unchanged: int = 0
    products_removed: int = 0
    certs_added: int = 0
    certs_changed: int = 0
    certs_unchanged: int = 0
    certs_removed: int = 0
    dry_run: bool = False

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.products_added,
                self.products_changed,
                self.products_removed,
                self.certs_added,
                self.certs_changed,
                self.certs_removed,
            )
        )


def product_key(gtin: str | None, brand: str, name_vi: str) -> str:
    """Stable key: the GTIN when known, else the folded brand and Vietnamese name."""
    return gtin if gtin else "name:" + fold(f"{brand} {name_vi}")[:190]


def _parse_date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date; use YYYY-MM-DD (or DD/MM/YYYY)")


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CatalogFileError(
            f"file is too large ({len(data) // 1_000_000} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB)"
        )
    if not data.strip():
        raise CatalogFileError("file is empty")
    if b"\x00" in data[:65536]:
        raise CatalogFileError("file is binary, not CSV text (save the sheet as 'CSV UTF-8')")
    try:
        return data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is fine
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogFileError(
            f"file is not UTF-8 text (line {line}); save the sheet as 'CSV UTF-8'"
        ) from None


def _rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and (line number, values) pairs; commas or semicolons as separators."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise CatalogFileError(f"cannot read the header line: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogFileError(
            f"header is missing column(s) {', '.join(missing)}; the first line must name the "
            f"columns ({', '.join(COLUMNS)})"
        )

    def body() -> Iterator[tuple[int, list[str]]]:
        try:
            for values in reader:
                if any(v.strip() for v in values):
                    yield reader.line_num, values
        except csv.Error as exc:
            raise CatalogFileError(f"line {reader.line_num}: broken CSV ({exc})") from None

    return header, body()


def parse_catalog(
    data: bytes, known_labels: Iterable[str], known_categories: Iterable[str], progress: bool = False
) -> ParsedCatalog:
    """Validate a whole catalog file. Raises CatalogFileError or CatalogValidationError."""
    header, rows = _rows(_decode(data))
    labels, cats = set(known_labels), set(known_categories)
    parsed = ParsedCatalog()
    errors: list[RowError] = []
    total = 0
    seen_certs: dict[tuple[str, str, str], int] = {}

    def err(line: int, column: str, message: str) -> None:
        nonlocal total
        total += 1
        if len(errors) < MAX_ERRORS:
            errors.append(RowError(line, column, message))

    for line, values in tqdm(rows, desc="checking", unit=" rows", disable=None if progress else True):
        if len(values) != len(header):
            err(line, "*", f"expected {len(header)} values, found {len(values)}")
            continue
        row = {h: v.strip() for h, v in zip(header, values, strict=True)}
        bad = False
        for col, value in row.items():
            if len(value) > MAX_FIELD_CHARS:
                err(line, col, f"value is longer than {MAX_FIELD_CHARS} characters")
                bad = True
        for col in REQUIRED_VALUES:
            if not row.get(col):
                err(line, col, "required value is empty")
                bad = True
        code: str | None = None
        raw = row.get("gtin", "").replace(" ", "").replace("-", "")
        if raw:
            if "e+" in raw.lower() or "." in raw:
                err(
                    line,
                    "gtin",
                    f"'{raw}' was turned into a number by a spreadsheet; format the column as text",
                )
                bad = True
            else:
                try:
                    code = gtins.normalise(raw)
                except gtins.BadCheckDigitError:
                    err(line, "gtin", f"check digit of {raw} is wrong")
                    bad = True
                except ValueError:
                    err(line, "gtin", f"'{raw}' is not a GTIN (8, 12, 13 or 14 digits)")
                    bad = True
        label = row.get("label", "").upper()
        if label and label not in labels:
            err(line, "label", f"unknown label code '{row['label']}'")
            bad = True
        category = row.get("category", "")
        if category and category not in cats:
            err(line, "category", f"unknown category '{category}'")
            bad = True
        dates: dict[str, date | None] = {}
        for col in ("valid_from", "valid_until", "source_date"):
            value = row.get(col, "")
            try:
                dates[col] = _parse_date(value) if value else None
            except ValueError as exc:
                err(line, col, f"'{value}' is {exc}")
                bad = True
        if (
            dates.get("valid_from")
            and dates.get("valid_until")
            and dates["valid_from"] > dates["valid_until"]
        ):  # type: ignore[operator]
            err(line, "valid_until", "is before valid_from")
            bad = True
        sample_raw = fold(row.get("sample", ""))
        if sample_raw not in _TRUE | _FALSE:
            err(line, "sample", f"'{row['sample']}' is not yes or no")
            bad = True
        if bad:
            continue
        product = ProductRow(
            key=product_key(code, row.get("brand", ""), row["name_vi"]),
            line=line,
            gtin=code,
            name_vi=row["name_vi"],
            name_en=row.get("name_en", ""),
            brand=row.get("brand", ""),
            producer=row.get("producer", ""),
            category=category,
            sample=sample_raw in _TRUE,
        )
        first = parsed.products.get(product.key)
        if first is None:
            parsed.products[product.key] = product
        else:
            for col in PRODUCT_FIELDS:
                if getattr(first, col) != getattr(product, col):
                    err(line, col, f"differs from line {first.line} for the same product")
                    bad = True
                    break
        cert_no = row.get("certificate_no", "")
        cert_key = (product.key, label, cert_no)
        if cert_key in seen_certs:
            err(line, "certificate_no", f"duplicate of line {seen_certs[cert_key]}")
            continue
        seen_certs[cert_key] = line
        if not bad:
            parsed.certs.append(
                CertRow(
                    product_key=product.key,
                    line=line,
                    label=label,
                    certificate_no=cert_no,
                    label_detail=row.get("label_detail", ""),
                    certifier=row.get("certifier", ""),
                    valid_from=dates["valid_from"],
                    valid_until=dates["valid_until"],
                    source=row["source"],
                    source_date=dates["source_date"],
                )
            )
    if total:
        raise CatalogValidationError(errors, total)
    if not parsed.certs:
        raise CatalogFileError("file has a header but no rows")
    return parsed


def read_catalog_file(
    path: Path, known_labels: Iterable[str], known_categories: Iterable[str], progress: bool = False
) -> ParsedCatalog:
    """Like ``parse_catalog`` but from a path, refusing huge files before reading them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CatalogFileError(f"cannot open {path}: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise CatalogFileError(
            f"file is too large ({size // 1_000_000} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB)"
        )
    return parse_catalog(path.read_bytes(), known_labels, known_categories, progress)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One stored value an import changes: for the summary an officer reads before confirming."""

    line: int
    key: str
    column: str
    old: object
    new: object


@dataclass(slots=True)
class _Plan:
    """What an import will write, worked out by reading only (a check writes nothing)."""

    report: ImportReport
    existing: dict[str, Product]
    product_updates: list[tuple[Product, dict[str, object]]] = field(default_factory=list)
    cert_updates: list[tuple[Certification, dict[str, object]]] = field(default_factory=list)
    cert_adds: list[CertRow] = field(default_factory=list)
    cert_deletes: list[int] = field(default_factory=list)
    products_gone: list[int] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)


def _differences(obj: object, values: dict[str, object]) -> list[tuple[str, object, object]]:
    return [(k, getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v]


def _plan(db, parsed: ParsedCatalog, replace: bool, progress: bool) -> _Plan:  # type: ignore[no-untyped-def]
    report = ImportReport()
    if replace:
        existing = {p.key: p for p in db.exec(select(Product))}
    else:  # only the products this file names, so chunked imports stay linear
        existing = {}
        for keys in chunks(list(parsed.products)):
            stmt = select(Product).where(Product.key.in_(keys))  # type: ignore[attr-defined]
            existing.update({p.key: p for p in db.exec(stmt)})
    plan = _Plan(report, existing)
    for row in tqdm(parsed.products.values(), desc="products", disable=None if progress else True):
        product = existing.get(row.key)
        values = {f: getattr(row, f) for f in PRODUCT_FIELDS}
        if product is None:
            report.products_added += 1
            continue
        diff = _differences(product, values)
        if diff:
            report.products_changed += 1
            plan.product_updates.append((product, values))
            plan.changes.extend(FieldChange(row.line, row.key, c, old, new) for c, old, new in diff)
        else:
            report.products_unchanged += 1
    current: dict[tuple[int, str, str], Certification] = {}
    ids = [p.id for key, p in existing.items() if key in parsed.products]
    for chunk in chunks(ids):
        stmt = select(Certification).where(Certification.product_id.in_(chunk))  # type: ignore[union-attr]
        for cert in db.exec(stmt):
            current[(cert.product_id, cert.label_code, cert.certificate_no)] = cert
    kept: set[int] = set()
    for row in parsed.certs:
        product = existing.get(row.product_key)
        cert = current.get((product.id, row.label, row.certificate_no)) if product else None  # type: ignore[arg-type]
        if cert is None:
            report.certs_added += 1
            plan.cert_adds.append(row)
            continue
        kept.add(cert.id)  # type: ignore[arg-type]
        values = {f: getattr(row, f) for f in CERT_FIELDS}
        diff = _differences(cert, values)
        if diff:
            report.certs_changed += 1
            plan.cert_updates.append((cert, values))
            label = f"{row.label} {row.certificate_no}".strip()
            plan.changes.extend(
                FieldChange(row.line, row.product_key, f"{c} ({label})", old, new) for c, old, new in diff
            )
        else:
            report.certs_unchanged += 1
    for cert in current.values():
        if cert.id not in kept:
            plan.cert_deletes.append(cert.id)  # type: ignore[arg-type]
            report.certs_removed += 1
    if replace:
        plan.products_gone = [p.id for key, p in existing.items() if key not in parsed.products]  # type: ignore[misc]
        report.products_removed = len(plan.products_gone)
        for chunk in chunks(plan.products_gone):
            report.certs_removed += len(
                db.exec(select(Certification.id).where(Certification.product_id.in_(chunk))).all()  # type: ignore[union-attr]
            )
    return plan


def check_catalog(
    engine: Engine, parsed: ParsedCatalog, replace: bool = False
) -> tuple[ImportReport, list[FieldChange]]:
    """What ``apply_catalog`` would do and which stored values it would change; reads only."""
    with session(engine) as db:
        plan = _plan(db, parsed, replace, progress=False)
        db.rollback()
    plan.report.dry_run = True
    return plan.report, plan.changes


def apply_catalog(
    engine: Engine,
    parsed: ParsedCatalog,
    replace: bool = False,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Write a validated catalog in one short transaction (nothing is written when ``dry_run``).

    Products are matched on their stable key; a product named in the file gets exactly
    the certifications the file lists. With ``replace`` products missing from the file
    are removed too. Everything that can be worked out by reading is done before the
    first write, so the write lock is held only while rows are actually written.
    """
    with session(engine) as db:
        plan = _plan(db, parsed, replace, progress)
        report = plan.report
        report.dry_run = dry_run
        if dry_run or not report.changed_anything:
            db.rollback()
            return report
        for obj, values in [*plan.product_updates, *plan.cert_updates]:
            assign(obj, values)
            db.add(obj)
        added = [
            Product(key=row.key, **{f: getattr(row, f) for f in PRODUCT_FIELDS})
            for row in parsed.products.values()
            if row.key not in plan.existing
        ]
        db.add_all(added)
        db.flush()
        pids = {p.key: p.id for p in [*plan.existing.values(), *added]}
        for chunk in chunks(plan.cert_deletes):
            db.exec(delete(Certification).where(Certification.id.in_(chunk)))  # type: ignore[union-attr,call-overload]
        for row in plan.cert_adds:
            db.add(
                Certification(
                    product_id=pids[row.product_key],
                    label_code=row.label,
                    certificate_no=row.certificate_no,
                    **{f: getattr(row, f) for f in CERT_FIELDS},
                )
            )
        for chunk in chunks(plan.products_gone):
            db.exec(delete(Certification).where(Certification.product_id.in_(chunk)))  # type: ignore[union-attr,call-overload]
            db.exec(delete(Product).where(Product.id.in_(chunk)))  # type: ignore[union-attr,call-overload]
        bump_version(db)
        db.commit()
    return report


def _export_rows(engine: Engine) -> Iterator[tuple[Product, Certification]]:
    with session(engine) as db:
        stmt = (
            select(Product, Certification)
            .join(Certification, Certification.product_id == Product.id)  # type: ignore[arg-type]
            .order_by(Product.id, Certification.id)
        )  # type: ignore[arg-type]
        yield from db.exec(stmt)


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_csv(engine: Engine) -> str:
    """The catalog in the import schema, one row per certification."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(COLUMNS)
    for product, cert in _export_rows(engine):
        row = {f: getattr(product, f) for f in PRODUCT_FIELDS}
        row.update({f: getattr(cert, f) for f in CERT_FIELDS})
        row["label"] = cert.label_code
        row["certificate_no"] = cert.certificate_no
        out.writerow([_fmt(row[c]) for c in COLUMNS])
    return buf.getvalue()


def export_json(engine: Engine) -> str:
    """The catalog as a JSON list of products, each with its certifications."""
    products: dict[int, dict[str, object]] = {}
    for product, cert in _export_rows(engine):
        entry = products.setdefault(
            product.id,
            {  # type: ignore[arg-type]
                **{f: getattr(product, f) for f in PRODUCT_FIELDS},
                "certifications": [],
            },
        )
        c = {f: _fmt(getattr(cert, f)) for f in CERT_FIELDS}
        c["label"] = cert.label_code
        c["certificate_no"] = cert.certificate_no
        entry["certifications"].append(c)  # type: ignore[attr-defined]
    return json.dumps(list(products.values()), ensure_ascii=False, indent=2)
