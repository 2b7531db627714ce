"""The compact code -> certificates table the page keeps for answering without a signal.

One line per product with a barcode: ``gtin|label,cert_no,from,until|...`` where ``label``
is an index into the ``labels`` list (code, Vietnamese name, English name) and dates are
YYYYMMDD, empty when not given; a start date already past on the day of the snapshot is
left out (it can only matter while it lies ahead). Validity is judged on the phone against
its own date, with the same rules as ``catalog.verdict``, so a snapshot kept for days never
shows a certificate that has since expired as valid.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from catalog.db import session
from catalog.models import Certification, Product
from catalog.service import CatalogService

_UNSAFE = re.compile(r"[|,\n\r]")


@dataclass(frozen=True, slots=True)
class Snapshot:
    body: bytes  # JSON
    etag: str
    day: date
    products: int


def _day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def build(catalog: CatalogService) -> Snapshot:
    """Read every product with a barcode and its certificates in two queries."""
    today = catalog.today()
    schemes = sorted(catalog.labels(), key=lambda s: s.code)
    index = {s.code: str(i) for i, s in enumerate(schemes)}
    with session(catalog.engine) as db:
        gtins = dict(db.exec(select(Product.id, Product.gtin).where(Product.gtin.is_not(None))).all())  # type: ignore[union-attr]
        certs: dict[int, list[str]] = {}
        stmt = select(
            Certification.product_id,
            Certification.label_code,
            Certification.certificate_no,
            Certification.valid_from,
            Certification.valid_until,
        ).order_by(Certification.id)  # type: ignore[arg-type]
        for pid, label, number, start, end in db.exec(stmt):
            if pid in gtins and label in index:
                number = _UNSAFE.sub(" ", number or "")
                start = start if start and start > today else None
                certs.setdefault(pid, []).append(f"{index[label]},{number},{_day(start)},{_day(end)}")
    lines = sorted("|".join([gtin, *certs.get(pid, [])]) for pid, gtin in gtins.items())
    labels = [[s.code, s.name_vi, s.name_en or s.name_vi] for s in schemes]
    doc = {"date": today.isoformat(), "labels": labels, "items": "\n".join(lines)}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return Snapshot(body, etag, today, len(lines))


class SnapshotCache:
    """Builds the snapshot once per catalog version and day; ``get`` is cheap afterwards."""

    def __init__(self, catalog: CatalogService) -> None:
        self.catalog = catalog
        self._lock = threading.Lock()
        self._key: tuple[int, date] | None = None
        self._snapshot: Snapshot | None = None

    def get(self) -> Snapshot:
        self.catalog.refresh()  # another process may have changed the catalog
        key = (self.catalog.version, self.catalog.today())
        with self._lock:
            if self._snapshot is None or key != self._key:
                self._snapshot, self._key = build(self.catalog), key
            return self._snapshot
