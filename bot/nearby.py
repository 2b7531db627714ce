"""The shopper's whereabouts as the bot may use them: a shared location until it expires,
and the greener alternatives that are near it and open now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from catalog.alternatives import Alternative, greener
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.stores import StoreDirectory, near_hanoi

LOCATION_TTL = timedelta(hours=2)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Nearby:
    def __init__(
        self,
        catalog: CatalogService,
        stores: StoreDirectory,
        shoppers: ShopperStore,
        ttl: timedelta = LOCATION_TTL,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.catalog = catalog
        self.stores = stores
        self.shoppers = shoppers
        self.ttl = ttl
        self.now = now

    def location(self, user_id: int) -> tuple[float, float] | None:
        """The last shared location if it is younger than the time-to-live, else None."""
        return self.shoppers.location(user_id, self.ttl, self.now())

    def located_in_hanoi(self, user_id: int) -> tuple[float, float] | None:
        """The location when it is one where distances to partner stores make sense."""
        near = self.location(user_id)
        return near if near is not None and near_hanoi(*near) else None

    def alternatives(
        self, user_id: int, category: str, exclude: int | None = None, limit: int = 3
    ) -> list[Alternative]:
        return greener(
            self.catalog,
            self.stores,
            category,
            self.now(),
            near=self.located_in_hanoi(user_id),
            exclude=exclude,
            limit=limit,
        )
