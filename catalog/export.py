"""Exporting the catalog: the import schema as CSV (lossless round trip) and nested JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog import safecsv
from catalog.apply import CERT_FIELDS, PRODUCT_FIELDS
from catalog.db import session
from catalog.models import Certification, Product
from catalog.rows import COLUMNS


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
    """The catalog in the import schema, one row per certification, safe to open in a
    spreadsheet (see catalog.safecsv: BOM, formula-like cells neutralised, lossless)."""

    def rows() -> Iterator[list[str]]:
        yield list(COLUMNS)
        for product, cert in _export_rows(engine):
            row = {f: getattr(product, f) for f in PRODUCT_FIELDS}
            row.update({f: getattr(cert, f) for f in CERT_FIELDS})
            row["label"] = cert.label_code
            row["certificate_no"] = cert.certificate_no
            yield [_fmt(row[c]) for c in COLUMNS]

    return safecsv.to_csv(rows())


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
