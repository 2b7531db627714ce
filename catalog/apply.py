"""Writing a validated catalog to the database: upsert by product key, in one transaction.

Rows arrive as a stream of (product, certification) pairs and are handled in batches: the
stored rows of a batch are fetched as plain tuples, compared field by field, and the
differences written with one ``executemany`` per statement, so memory stays flat however
long the file is. The CSV import streams a file through here (``catalog.importing``); the
Open Food Facts importer and small in-memory catalogs hand a ``ParsedCatalog``. Nothing in
this module reads files.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy import any_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from catalog.db import chunks
from catalog.models import Certification, Product
from catalog.safecsv import FormulaCells
from catalog.text import fold
from catalog.version import bump as bump_version

PRODUCT_FIELDS = ("gtin", "name_vi", "name_en", "brand", "producer", "category", "sample")
CERT_FIELDS = ("label_detail", "certifier", "valid_from", "valid_until", "source", "source_date")
BATCH = 2000  # rows compared and written together
KEPT_CHANGES = 50  # changes kept for the summary (all are counted)
P = Product.__table__  # type: ignore[attr-defined]
C = Certification.__table__  # type: ignore[attr-defined]


class ProductRow(NamedTuple):
    """A product as a file gives it (a plain tuple: millions are made, pickled and compared)."""

    key: str
    line: int
    gtin: str | None
    name_vi: str
    name_en: str
    brand: str
    producer: str
    category: str
    sample: bool


class CertRow(NamedTuple):
    """A certification as a file gives it."""

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
    formula_cells: FormulaCells = field(default_factory=FormulaCells)


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
class Changes:
    """The changes of an import for its summary: the first few row by row, every column
    that changes, and how many there are (a large file can change millions of values)."""

    first: list[FieldChange] = field(default_factory=list)
    columns: dict[str, None] = field(default_factory=dict)  # in order of first change
    total: int = 0

    def add(self, change: FieldChange) -> None:
        self.total += 1
        self.columns.setdefault(change.column.split(" (")[0])
        if len(self.first) < KEPT_CHANGES:
            self.first.append(change)

    def __bool__(self) -> bool:
        return self.total > 0


Item = tuple[ProductRow, CertRow]


@dataclass(slots=True)
class _Run:
    """One pass over the rows: what has been seen, counted and (unless dry) written."""

    conn: Connection
    write: bool
    report: ImportReport = field(default_factory=ImportReport)
    changes: Changes = field(default_factory=Changes)
    handled: set[str] = field(default_factory=set)  # product keys already compared
    cert_keys: Collection[tuple[str, str, str]] = ()  # the file's (filled while it is read)
    # stored certifications of the file's products not (yet) seen in the file, by id
    unlisted: dict[int, tuple[str, str, str]] = field(default_factory=dict)


def apply_items(
    conn: Connection,
    items: Iterable[Item],
    product_keys: Collection[str],
    cert_keys: Collection[tuple[str, str, str]],
    replace: bool = False,
    write: bool = True,
) -> tuple[ImportReport, Changes]:
    """Compare (and with ``write``, write) a stream of rows in the caller's transaction.

    A product named in the stream gets exactly the certifications listed for it;
    ``product_keys`` and ``cert_keys`` are every product and certification of the whole
    stream, looked at only after the last row (they may be filled while it is read). With
    ``replace`` stored products missing from ``product_keys`` are removed too.
    """
    run = _Run(conn, write, cert_keys=cert_keys)
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        _batch(run, batch)
    _removed_certs(run)
    if replace:
        _removed_products(run, product_keys)
    run.report.dry_run = not write
    return run.report, run.changes


def _differences(stored: tuple, row: tuple, names: tuple[str, ...]) -> list[tuple[str, object, object]]:
    """(column, stored, new) of each value that differs; ``stored`` and ``row`` end with the
    values of ``names``, in that order."""
    if stored[-len(names) :] == row[-len(names) :]:  # the usual case, compared in C
        return []
    return [
        (f, old, new)
        for f, old, new in zip(names, stored[-len(names) :], row[-len(names) :], strict=True)
        if old != new
    ]


def _values(row: tuple, names: tuple[str, ...]) -> dict[str, object]:
    return dict(zip(names, row[-len(names) :], strict=True))


def _among(conn: Connection, column: Any, values: list[Any]) -> Iterator[Any]:
    """``column IN values`` conditions for a whole batch: one ``= ANY(array)`` on PostgreSQL
    (one statement, planned once), chunks small enough for SQLite's parameter limit elsewhere."""
    if conn.dialect.name == "postgresql":
        if values:
            yield column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
        return
    for chunk in chunks(values):
        yield column.in_(chunk)


def _stored_products(conn: Connection, keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for among in _among(conn, P.c.key, keys):
        stmt = select(P.c.id, P.c.key, *(P.c[f] for f in PRODUCT_FIELDS)).where(among)
        found.update((r.key, r) for r in conn.execute(stmt).all())
    return found


def _batch(run: _Run, batch: list[Item]) -> None:
    report, conn = run.report, run.conn
    stored = _stored_products(conn, list({p.key for p, _ in batch}))
    new_products: list[dict[str, object]] = []
    product_updates: list[dict[str, object]] = []
    for product, _ in batch:
        if product.key in run.handled:
            continue
        run.handled.add(product.key)
        current = stored.get(product.key)
        if current is None:
            report.products_added += 1
            new_products.append({"key": product.key, **_values(product, PRODUCT_FIELDS)})
            continue
        diff = _differences(tuple(current), product, PRODUCT_FIELDS)
        if not diff:
            report.products_unchanged += 1
            continue
        report.products_changed += 1
        product_updates.append({"_id": current.id, **_values(product, PRODUCT_FIELDS)})
        for column, old, new in diff:
            run.changes.add(FieldChange(product.line, product.key, column, old, new))
    if run.write and new_products:
        _insert(conn, P, new_products)
        stored.update(_stored_products(conn, [p["key"] for p in new_products]))  # type: ignore[misc]
    if run.write and product_updates:
        values = {f: bindparam(f) for f in PRODUCT_FIELDS}
        conn.execute(update(P).where(P.c.id == bindparam("_id")).values(values), product_updates)
    key_of = {r.id: k for k, r in stored.items()}
    current_certs: dict[tuple[int, str, str], Any] = {}
    for among in _among(conn, C.c.product_id, list(key_of)):
        stmt = select(
            C.c.id, C.c.product_id, C.c.label_code, C.c.certificate_no, *(C.c[f] for f in CERT_FIELDS)
        ).where(among)
        for r in conn.execute(stmt).all():
            current_certs[(r.product_id, r.label_code, r.certificate_no)] = r
            listed = (key_of[r.product_id], r.label_code, r.certificate_no)
            if listed not in run.cert_keys:
                run.unlisted[r.id] = listed
    cert_adds: list[dict[str, object]] = []
    cert_updates: list[dict[str, object]] = []
    for product, cert in batch:
        owner = stored.get(product.key)
        current = current_certs.get((owner.id, cert.label, cert.certificate_no)) if owner else None
        if current is None:
            report.certs_added += 1
            if owner is not None:
                cert_adds.append(
                    {
                        "product_id": owner.id,
                        "label_code": cert.label,
                        "certificate_no": cert.certificate_no,
                        **_values(cert, CERT_FIELDS),
                    }
                )
            continue
        diff = _differences(tuple(current), cert, CERT_FIELDS)
        if not diff:
            report.certs_unchanged += 1
            continue
        report.certs_changed += 1
        cert_updates.append({"_id": current.id, **_values(cert, CERT_FIELDS)})
        label = f"{cert.label} {cert.certificate_no}".strip()
        for column, old, new in diff:
            run.changes.add(FieldChange(cert.line, cert.product_key, f"{column} ({label})", old, new))
    if run.write and cert_adds:
        _insert(conn, C, cert_adds)
    if run.write and cert_updates:
        values = {f: bindparam(f) for f in CERT_FIELDS}
        conn.execute(update(C).where(C.c.id == bindparam("_id")).values(values), cert_updates)


def _insert(conn: Connection, table: Any, rows: list[dict[str, object]]) -> None:
    """Insert many rows: COPY on PostgreSQL (one stream instead of a statement a row, several
    times quicker on a busy server), ``executemany`` elsewhere (SQLite runs it in C)."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _removed_certs(run: _Run) -> None:
    """Stored certifications of the file's products that the file does not list."""
    gone = [cert_id for cert_id, listed in run.unlisted.items() if listed not in run.cert_keys]
    run.report.certs_removed += len(gone)
    if run.write:
        for chunk in chunks(gone):
            run.conn.execute(delete(C).where(C.c.id.in_(chunk)))


def _removed_products(run: _Run, product_keys: Collection[str]) -> None:
    """With ``replace``: stored products the file does not name, and their certifications."""
    gone = [r.id for r in run.conn.execute(select(P.c.id, P.c.key)).all() if r.key not in product_keys]
    run.report.products_removed = len(gone)
    for chunk in chunks(gone):
        count = select(func.count()).select_from(C).where(C.c.product_id.in_(chunk))
        run.report.certs_removed += run.conn.execute(count).scalar_one()
        if run.write:
            run.conn.execute(delete(C).where(C.c.product_id.in_(chunk)))
            run.conn.execute(delete(P).where(P.c.id.in_(chunk)))


# -- small catalogs held in memory (tests, the Open Food Facts importer's batches) ---------------
def _items(parsed: ParsedCatalog) -> Iterator[Item]:
    for cert in parsed.certs:
        yield parsed.products[cert.product_key], cert


def _keys(parsed: ParsedCatalog) -> set[tuple[str, str, str]]:
    return {(c.product_key, c.label, c.certificate_no) for c in parsed.certs}


def check_catalog(
    engine: Engine, parsed: ParsedCatalog, replace: bool = False
) -> tuple[ImportReport, Changes]:
    """What ``apply_catalog`` would do and which stored values it would change; reads only."""
    with engine.connect() as conn:
        result = apply_items(conn, _items(parsed), parsed.products, _keys(parsed), replace, write=False)
        conn.rollback()
    return result


def apply_catalog(
    engine: Engine,
    parsed: ParsedCatalog,
    replace: bool = False,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Write a validated catalog in one transaction (nothing is written when ``dry_run``).

    Products are matched on their stable key; a product named in the catalog gets exactly
    the certifications it lists. With ``replace`` products missing from it are removed too.
    """
    if dry_run:
        return check_catalog(engine, parsed, replace)[0]
    items = tqdm(_items(parsed), total=len(parsed.certs), desc="writing", disable=None if progress else True)
    with engine.begin() as conn:
        report, _ = apply_items(conn, items, parsed.products, _keys(parsed), replace)
        if report.changed_anything:
            bump_version(conn)
    return report


def apply_in(db, parsed: ParsedCatalog, replace: bool = False) -> ImportReport:  # type: ignore[no-untyped-def]
    """Write ``parsed`` in the caller's session and transaction (not committed, version not
    bumped), for importers that write several batches all or nothing."""
    return apply_items(db.connection(), _items(parsed), parsed.products, _keys(parsed), replace)[0]


# the comparisons above rely on the rows ending with these fields, in this order
assert ProductRow._fields[-len(PRODUCT_FIELDS) :] == PRODUCT_FIELDS
assert CertRow._fields[-len(CERT_FIELDS) :] == CERT_FIELDS
