"""What the bot remembers per user: chosen language and last shared location.

Rows are cached in memory (read on every message, written rarely); writes go to the
database first, then the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy.engine import Engine

from catalog.db import session
from catalog.models import Shopper

CACHE_SIZE = 50_000
_MISSING = Shopper(user_id=0)


class ShopperStore:
    """Small reads and writes on the Shopper table, with a bounded read cache."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache: OrderedDict[int, Shopper] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: int) -> Shopper | None:
        with self._lock:
            cached = self._cache.get(user_id)
        if cached is None:
            with session(self.engine) as db:
                cached = db.get(Shopper, user_id) or _MISSING
            self._remember(user_id, cached)
        return None if cached is _MISSING else cached

    def _remember(self, user_id: int, shopper: Shopper) -> None:
        with self._lock:
            self._cache[user_id] = shopper
            self._cache.move_to_end(user_id)
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _update(self, user_id: int, **values: object) -> None:
        with session(self.engine) as db:
            shopper = db.get(Shopper, user_id) or Shopper(user_id=user_id)
            for key, value in values.items():
                setattr(shopper, key, value)
            db.add(shopper)
            db.commit()
        self._remember(user_id, shopper)

    def set_locale(self, user_id: int, locale: str) -> None:
        self._update(user_id, locale=locale)

    def set_location(self, user_id: int, lat: float, lon: float) -> None:
        self._update(user_id, last_lat=lat, last_lon=lon)
