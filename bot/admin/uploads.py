"""Catalog uploads checked and waiting for the officer's confirmation (15 minutes)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from catalog.apply import ParsedCatalog

UPLOAD_TTL = 15 * 60


@dataclass(frozen=True, slots=True)
class PendingUpload:
    admin_id: int
    name: str
    parsed: ParsedCatalog
    created: float


class PendingUploads:
    """Checked uploads by an unguessable token; only the officer who sent one can take it."""

    def __init__(self, ttl: float = UPLOAD_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._pending: dict[str, PendingUpload] = {}
        self._lock = threading.Lock()

    def add(self, admin_id: int, name: str, parsed: ParsedCatalog) -> str:
        token = secrets.token_urlsafe(12)
        with self._lock:
            now = self.clock()
            self._pending = {k: v for k, v in self._pending.items() if now - v.created < self.ttl}
            self._pending[token] = PendingUpload(admin_id, name, parsed, now)
        return token

    def take(self, admin_id: int, token: str) -> PendingUpload | None:
        """The upload behind ``token``, removed; None when expired, taken or someone else's."""
        with self._lock:
            pending = self._pending.get(token)
            if pending is None or pending.admin_id != admin_id or self.clock() - pending.created > self.ttl:
                return None
            del self._pending[token]
            return pending
