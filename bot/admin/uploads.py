"""Catalog uploads checked and waiting for the officer's confirmation (15 minutes).

What is kept is the file itself, compressed, in the state store (the database), not the
checked rows in memory: the confirm button works after a restart and on whichever worker
receives the press, and confirming checks the file again against the catalog as it is
then. An officer has at most one upload waiting: a new one replaces it. Expired uploads
are deleted by the state store's regular sweep (``handlers.app.state_upkeep``).
"""

from __future__ import annotations

import base64
import secrets
import zlib
from dataclasses import dataclass

from catalog.state import StateStore

UPLOAD_TTL = 15 * 60


@dataclass(frozen=True, slots=True)
class PendingUpload:
    admin_id: int
    name: str
    data: bytes


class PendingUploads:
    """Checked uploads by an unguessable token; only the officer who sent one can take it."""

    def __init__(self, state: StateStore, ttl: float = UPLOAD_TTL) -> None:
        self.state = state
        self.ttl = ttl

    def add(self, admin_id: int, name: str, data: bytes) -> tuple[str, str | None]:
        """Keep a checked file; its token, and the name of a waiting upload it replaced."""
        token = secrets.token_urlsafe(12)
        previous = self.state.get("upload_of", admin_id)
        replaced = previous["name"] if previous and self.state.drop("upload", previous["token"]) else None
        packed = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
        value = {"admin_id": admin_id, "name": name, "file": packed}
        self.state.put("upload", token, value, self.ttl, user_id=admin_id)
        self.state.put("upload_of", admin_id, {"token": token, "name": name}, self.ttl)
        return token, replaced

    def take(self, admin_id: int, token: str) -> PendingUpload | None:
        """The upload behind ``token``, removed; None when expired, taken, replaced or someone else's."""
        mine = self.state.get("upload_of", admin_id)
        if mine is None or mine["token"] != token:
            return None
        value = self.state.take("upload", token)  # one press wins, even across workers
        if value is None:
            return None
        return PendingUpload(admin_id, value["name"], zlib.decompress(base64.b64decode(value["file"])))
