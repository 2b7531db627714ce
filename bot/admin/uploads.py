"""Catalog uploads checked and waiting for the officer's confirmation (15 minutes).

The checked rows are kept in the state store (the database), not in memory, so the confirm
button works after a restart and on whichever worker receives the press.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from catalog.apply import CertRow, ParsedCatalog, ProductRow
from catalog.state import StateStore

UPLOAD_TTL = 15 * 60
_DATES = {f.name for f in fields(CertRow) if "date" in str(f.type)}


@dataclass(frozen=True, slots=True)
class PendingUpload:
    admin_id: int
    name: str
    parsed: ParsedCatalog


class PendingUploads:
    """Checked uploads by an unguessable token; only the officer who sent one can take it."""

    def __init__(self, state: StateStore, ttl: float = UPLOAD_TTL) -> None:
        self.state = state
        self.ttl = ttl

    def add(self, admin_id: int, name: str, parsed: ParsedCatalog) -> str:
        token = secrets.token_urlsafe(12)
        value = {"admin_id": admin_id, "name": name, "parsed": _encode(parsed)}
        self.state.put("upload", token, value, self.ttl, user_id=admin_id)
        return token

    def take(self, admin_id: int, token: str) -> PendingUpload | None:
        """The upload behind ``token``, removed; None when expired, taken or someone else's."""
        seen = self.state.get("upload", token)
        if seen is None or seen["admin_id"] != admin_id:
            return None
        value = self.state.take("upload", token)  # one press wins, even across workers
        if value is None:
            return None
        return PendingUpload(admin_id, value["name"], _decode(value["parsed"]))


def _encode(parsed: ParsedCatalog) -> dict[str, Any]:
    certs = [
        {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(c).items()} for c in parsed.certs
    ]
    return {"products": [asdict(p) for p in parsed.products.values()], "certs": certs}


def _decode(value: dict[str, Any]) -> ParsedCatalog:
    products = {row["key"]: ProductRow(**row) for row in value["products"]}
    certs = [
        CertRow(**{k: (date.fromisoformat(v) if k in _DATES and v else v) for k, v in row.items()})
        for row in value["certs"]
    ]
    return ParsedCatalog(products, certs)
