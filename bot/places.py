"""Replies about partner stores: nearest to a location, in an area, and where to buy a product."""

from __future__ import annotations

from bot import render
from bot.i18n import Messages
from bot.replies import Reply, Venue
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.stores import StoreDirectory, StoreHit

SHOWN = 8


def distance(t: Messages, metres: float) -> str:
    """'430 m' or '1,8 km' (Vietnamese decimal comma) / '1.8 km'."""
    if metres < 1000:
        return t("stores.m", m=int(round(metres, -1)))
    km = f"{metres / 1000:.1f}"
    return t("stores.km", km=km.replace(".", ",") if t.locale == "vi" else km)


def venue(hit: StoreHit) -> Venue:
    r = hit.retailer
    return Venue(r.lat, r.lon, r.name, f"{r.address}, {r.ward}")


def store_lines(t: Messages, hits: list[StoreHit]) -> list[str]:
    lines = []
    for hit in hits:
        r = hit.retailer
        values = dict(
            name=r.name,
            kind=t(f"store_kinds.{r.kind}"),
            address=f"{r.address}, {r.ward}",
            hours=r.hours,
            bags=t(f"bag_policies.{r.bag_policy}"),
        )
        if hit.distance_m is None:
            lines.append(t("stores.line_nodist", **values))
        else:
            lines.append(t("stores.line", distance=distance(t, hit.distance_m), **values))
    if any(h.retailer.sample for h in hits):
        lines.append(t("stores.sample"))
    return lines


def nearest(t: Messages, hits: list[StoreHit]) -> Reply:
    if not hits:
        return Reply(t("stores.intro"))
    return Reply("\n".join([t("stores.nearest"), *store_lines(t, hits)]), venue=venue(hits[0]))


def in_area(t: Messages, area: str, hits: list[StoreHit]) -> Reply:
    if not hits:
        return Reply(t("stores.none_in_area", area=area))
    return Reply(
        "\n".join([t("stores.in_area", area=area), *store_lines(t, hits[:SHOWN])]), venue=venue(hits[0])
    )


def where_to_buy(t: Messages, product_name: str, hits: list[StoreHit], located: bool) -> Reply:
    header = t("stores.where_header", product=product_name)
    if not hits:
        return Reply("\n".join([header, t("stores.where_none")]))
    lines = [header, *store_lines(t, hits)]
    if not located:
        lines.append(t("stores.where_hint"))
    return Reply("\n".join(lines), venue=venue(hits[0]) if located else None)


class Places:
    """Store answers that need the catalog or the user's last shared location."""

    def __init__(self, stores: StoreDirectory, shoppers: ShopperStore, catalog: CatalogService) -> None:
        self.stores = stores
        self.shoppers = shoppers
        self.catalog = catalog

    def start(self, user_id: int, t: Messages) -> Reply:
        near = self._last_location(user_id)
        return nearest(t, self.stores.nearest(*near, limit=5)) if near else Reply(t("stores.intro"))

    def located(self, user_id: int, t: Messages, lat: float, lon: float) -> Reply:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return Reply(t("errors.unsupported"))
        self.shoppers.set_location(user_id, lat, lon)
        return nearest(t, self.stores.nearest(lat, lon, limit=5))

    def area(self, t: Messages, text: str) -> Reply | None:
        """Stores in a district or ward the text names ("cua hang o cau giay"), else None."""
        area = self.stores.area_query(text)
        return in_area(t, *self.stores.in_area(area)) if area else None

    def where(self, user_id: int, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        if card is None:
            return Reply(t("errors.button_expired"))
        near = self._last_location(user_id)
        hits = self.stores.carrying(product_id, near=near, limit=5)
        return where_to_buy(t, render.product_name(card.product, t.locale), hits, near is not None)

    def _last_location(self, user_id: int) -> tuple[float, float] | None:
        shopper = self.shoppers.get(user_id)
        if shopper and shopper.last_lat is not None and shopper.last_lon is not None:
            return shopper.last_lat, shopper.last_lon
        return None
