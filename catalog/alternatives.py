"""Greener alternatives: products of the same category that hold a valid label.

Ranked by the department's label strength (data/labels.csv ``strength``), then, when the
shopper's location is known, by the distance to the nearest partner store that sells them
(a store open now first), and finally by how many partner stores carry them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from catalog.cards import ProductCard, strength
from catalog.db import session
from catalog.hours import state
from catalog.models import Product
from catalog.service import CatalogService
from catalog.stores import StoreDirectory, StoreHit

MAX_CANDIDATES = 300


@dataclass(frozen=True, slots=True)
class Alternative:
    card: ProductCard
    strength: int
    store: StoreHit | None  # the best store to get it: nearest open one, else nearest
    open_now: bool


def greener(
    catalog: CatalogService,
    stores: StoreDirectory,
    category: str,
    now: datetime,
    near: tuple[float, float] | None = None,
    exclude: int | None = None,
    limit: int = 3,
) -> list[Alternative]:
    """Up to ``limit`` certified products of ``category`` other than ``exclude``, best first."""
    with session(catalog.engine) as db:
        ids = list(
            db.exec(
                select(Product.id)
                .where(Product.category == category)
                .order_by(Product.id)  # type: ignore[arg-type]
                .limit(MAX_CANDIDATES)
            )
        )
    cards = [c for c in catalog.cards([i for i in ids if i != exclude]) if strength(c) > 0]
    carriers = stores.carriers([c.id for c in cards], near=near)
    ranked = []
    for card in cards:
        hits = carriers.get(card.id, [])
        open_hits = [h for h in hits if (s := state(h.retailer.hours, now)) is not None and s.open]
        best = (open_hits or hits or [None])[0]
        distance = best.distance_m if best is not None and best.distance_m is not None else float("inf")
        alt = Alternative(card, strength(card), best, bool(open_hits))
        ranked.append(((-alt.strength, not alt.open_now, distance, -len(hits), card.id), alt))
    ranked.sort(key=lambda pair: pair[0])
    return [alt for _, alt in ranked[:limit]]
