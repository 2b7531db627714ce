"""What the bot remembers per user: chosen language and last shared location.

Read from the database on every message (one primary-key read), not cached in memory: with
several workers, a language chosen on one must hold on the next message another answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from catalog.db import session
from catalog.models import Shopper


class ShopperStore:
    """Small reads and writes on the Shopper table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, user_id: int) -> Shopper | None:
        with session(self.engine) as db:
            return db.get(Shopper, user_id)

    def _update(self, user_id: int, **values: object) -> None:
        with session(self.engine) as db:
            shopper = db.get(Shopper, user_id) or Shopper(user_id=user_id)
            for key, value in values.items():
                setattr(shopper, key, value)
            db.add(shopper)
            db.commit()

    def set_locale(self, user_id: int, locale: str) -> None:
        self._update(user_id, locale=locale)

    def set_location(self, user_id: int, lat: float, lon: float, at: datetime | None = None) -> None:
        self._update(user_id, last_lat=lat, last_lon=lon, located_at=at or datetime.now(UTC))

    def location(
        self, user_id: int, ttl: timedelta, now: datetime | None = None
    ) -> tuple[float, float] | None:
        """The last shared location while it is younger than ``ttl``; never reused after that.

        An expired location is also wiped from the database, so it is not kept longer than
        the privacy notice says.
        """
        shopper = self.get(user_id)
        if shopper is None or shopper.last_lat is None or shopper.last_lon is None:
            return None
        shared = shopper.located_at
        if shared is not None and shared.tzinfo is None:  # SQLite gives naive UTC back
            shared = shared.replace(tzinfo=UTC)
        if shared is None or (now or datetime.now(UTC)) - shared > ttl:
            self._update(user_id, last_lat=None, last_lon=None, located_at=None)
            return None
        return shopper.last_lat, shopper.last_lon

    def set_next_tip(self, user_id: int, n: int) -> None:
        self._update(user_id, next_tip=n)
