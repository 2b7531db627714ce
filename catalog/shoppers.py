"""What the bot remembers per user: chosen language and last shared location.

Read from the database on every message (one primary-key read), not cached in memory: with
several workers, a language chosen on one must hold on the next message another answers.
"""

from __future__ import annotations

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

    def set_location(self, user_id: int, lat: float, lon: float) -> None:
        self._update(user_id, last_lat=lat, last_lon=lon)
