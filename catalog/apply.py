"""Writing a validated catalog to the database: upsert by product key, in one transaction.

The CSV import and the Open Food Facts importer both build a ``ParsedCatalog`` and hand
it here; nothing in this module reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select
from tqdm import tqdm

from catalog.db import assign, chunks, session
from catalog.models import Certification, Product
from catalog.text import fold
from catalog.version import bump as bump_version

PRODUCT_FIELDS = ("gtin", "name_vi", "name_en", "brand", "producer", "category", "sample")
CERT_FIELDS = ("label_detail", "certifier", "valid_from", "valid_until", "source", "source_date")


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
    # (line, column) of cells that begin like a spreadsheet formula: stored as text, named
    # to the officer, neutralised in every export
    formula_cells: list[tuple[int, str]] = field(default_factory=list)


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
        if dry_run:
            report = _plan(db, parsed, replace, progress).report
            report.dry_run = True
            db.rollback()
            return report
        report = apply_in(db, parsed, replace, progress)
        if report.changed_anything:
            bump_version(db)
        db.commit()
    return report


def apply_in(db, parsed: ParsedCatalog, replace: bool = False, progress: bool = False) -> ImportReport:  # type: ignore[no-untyped-def]
    """Write ``parsed`` in the caller's transaction (not committed, version not bumped), for
    importers that write several batches all or nothing."""
    plan = _plan(db, parsed, replace, progress)
    if not plan.report.changed_anything:
        return plan.report
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
    db.flush()
    return plan.report
