"""Partner stores: loading the sample network, nearest stores, stores by area, where to buy."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import chunks, session
from catalog.models import Product, Retailer, RetailerProduct
from catalog.reference import data_dir
from catalog.rows import RetailerProductRow, RetailerRow, load
from catalog.text import fold

EARTH_RADIUS_M = 6_371_000.0
# Hà Nội's administrative bounds, roughly (for validating coordinates).
HANOI_BOUNDS = (20.53, 21.39, 105.28, 106.03)  # lat min, lat max, lon min, lon max
# Where distances to partner stores still make sense: the city and about 25 km around it.
SERVED_MARGIN = 0.25
_PLACE_NOUNS = r"(?:cua hang|cho|sieu thi|noi ban|stores?|shops?|markets?|supermarkets?)"
# "cua hang o cau giay", "stores in tay ho": a place noun and a preposition, so any place is meant
_AREA_ASKED = re.compile(rf"^{_PLACE_NOUNS} (?:o|tai|gan|quanh|khu|in|at|near|around) (.+)$")
# "cua hang cau giay": a place noun only, so the rest must be a known area ("cho be" is a product)
_AREA_NAMED = re.compile(rf"^{_PLACE_NOUNS} (.+)$")
_AREA_WORDS = re.compile(r"^(?:quan|huyen|phuong|xa|thi xa) ")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def in_hanoi(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = HANOI_BOUNDS
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def near_hanoi(lat: float, lon: float) -> bool:
    """Inside a generous box around Hà Nội (the partner stores are all in the city)."""
    lat_min, lat_max, lon_min, lon_max = HANOI_BOUNDS
    m = SERVED_MARGIN
    return lat_min - m <= lat <= lat_max + m and lon_min - m <= lon <= lon_max + m


@dataclass(frozen=True, slots=True)
class StoreHit:
    retailer: Retailer
    distance_m: float | None = None


def sync_stores(engine: Engine, folder: Path | None = None) -> int:
    """Load data/retailers.csv and data/retailer_products.csv (upsert by store code)."""
    folder = folder or data_dir()
    stores = load(folder / "retailers.csv", RetailerRow)
    links = load(folder / "retailer_products.csv", RetailerProductRow)
    with session(engine) as db:
        existing = {r.code: r for r in db.exec(select(Retailer))}
        for row in stores:
            values = row.model_dump()
            store = existing.get(row.code) or Retailer(**values)
            for key, value in values.items():
                setattr(store, key, value)
            db.add(store)
            existing[row.code] = store
        db.flush()
        by_gtin = dict(db.exec(select(Product.gtin, Product.id).where(Product.gtin.is_not(None))).all())  # type: ignore[union-attr]
        db.exec(delete(RetailerProduct))  # type: ignore[call-overload]
        pairs = {
            (existing[link.retailer].id, by_gtin[link.gtin])
            for link in links
            if link.retailer in existing and link.gtin in by_gtin
        }
        if pairs:  # one multi-row INSERT: a city's links are thousands of rows, no ORM objects needed
            rows = [{"retailer_id": r, "product_id": p} for r, p in sorted(pairs)]
            db.execute(insert(RetailerProduct), rows)
        db.commit()
    return len(stores)


class StoreDirectory:
    """Stores held in memory (a city's partner network is small); links read from the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reload()

    def reload(self) -> None:
        with session(self.engine) as db:
            self._stores = list(db.exec(select(Retailer).order_by(Retailer.id)))
        areas: dict[str, str] = {}
        for r in self._stores:
            for name in (r.district, r.ward, _AREA_WORDS.sub("", fold(r.ward))):
                if name:
                    areas.setdefault(
                        _AREA_WORDS.sub("", fold(name)), r.district if name == r.district else r.ward
                    )
        self._areas = areas

    def __len__(self) -> int:
        return len(self._stores)

    def nearest(self, lat: float, lon: float, limit: int = 5) -> list[StoreHit]:
        hits = [StoreHit(r, distance_m(lat, lon, r.lat, r.lon)) for r in self._stores]
        hits.sort(key=lambda h: h.distance_m or 0.0)
        return hits[:limit]

    def area_query(self, text: str) -> str | None:
        """The area a message asks about ('cua hang o cau giay', 'Hoàn Kiếm'), or None.

        With a place noun and a preposition the message is about stores even when the area is
        unknown (the folded name is returned so the answer can say so); otherwise only a known
        area name counts, so product searches are not taken for places.
        """
        folded = fold(text)
        asked = _AREA_ASKED.match(folded)
        named = asked or _AREA_NAMED.match(folded)
        candidate = _AREA_WORDS.sub("", named.group(1) if named else folded)
        if candidate in self._areas:
            return self._areas[candidate]
        if not named or not self._areas:
            return None
        best = process.extractOne(candidate, list(self._areas), scorer=fuzz.ratio, score_cutoff=85)
        if best:
            return self._areas[best[0]]
        return candidate if asked else None

    def in_area(self, area: str) -> tuple[str, list[StoreHit]]:
        key = _AREA_WORDS.sub("", fold(area))
        found = [
            StoreHit(r) for r in self._stores if key in (fold(r.district), _AREA_WORDS.sub("", fold(r.ward)))
        ]
        return area, found

    def carriers(
        self, product_ids: list[int], near: tuple[float, float] | None = None
    ) -> dict[int, list[StoreHit]]:
        """Stores selling each of ``product_ids`` (nearest first when ``near`` is given)."""
        if not product_ids:
            return {}
        by_id = {r.id: r for r in self._stores}
        found: dict[int, list[StoreHit]] = {}
        with session(self.engine) as db:
            for part in chunks(list(dict.fromkeys(product_ids))):
                for rid, pid in db.exec(
                    select(RetailerProduct.retailer_id, RetailerProduct.product_id).where(
                        RetailerProduct.product_id.in_(part)  # type: ignore[attr-defined]
                    )
                ):
                    store = by_id.get(rid)
                    if store is not None:
                        dist = distance_m(near[0], near[1], store.lat, store.lon) if near else None
                        found.setdefault(pid, []).append(StoreHit(store, dist))
        for hits in found.values():
            hits.sort(key=lambda h: (h.distance_m or 0.0, h.retailer.id or 0))
        return found

    def by_code(self, code: str) -> Retailer | None:
        return next((r for r in self._stores if r.code == code), None)

    def by_area(self) -> list[tuple[str, list[Retailer]]]:
        """All stores grouped by district (the area names people use), districts A–Z."""
        groups: dict[str, list[Retailer]] = {}
        for r in self._stores:
            groups.setdefault(r.district or r.ward, []).append(r)
        return sorted(groups.items(), key=lambda item: fold(item[0]))

    def carrying(
        self, product_id: int, near: tuple[float, float] | None = None, limit: int = 5
    ) -> list[StoreHit]:
        """Stores that sell a product, nearest first when the shopper's location is known."""
        with session(self.engine) as db:
            ids = set(
                db.exec(
                    select(RetailerProduct.retailer_id).where(RetailerProduct.product_id == product_id)
                ).all()
            )
        stores = [r for r in self._stores if r.id in ids]
        if near is None:
            return [StoreHit(r) for r in stores[:limit]]
        hits = [StoreHit(r, distance_m(near[0], near[1], r.lat, r.lon)) for r in stores]
        hits.sort(key=lambda h: h.distance_m or 0.0)
        return hits[:limit]
