"""Replies about partner stores: nearest to a location, in an area, and where to buy a product."""

from __future__ import annotations

from datetime import datetime

from bot import fmt, menu, render
from bot.i18n import Messages
from bot.nearby import Nearby
from bot.render import esc
from bot.replies import Reply, Venue
from catalog.hours import state
from catalog.models import Retailer
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.stores import StoreDirectory, StoreHit, near_hanoi
from catalog.text import fold

SHOWN = 8


def distance(t: Messages, metres: float) -> str:
    """'430 m', '1,8 km' / '1.8 km', formatted for the shopper's language."""
    return fmt.distance(metres, t.locale)


def opening(t: Messages, hours: str, now: datetime) -> str:
    """'open, closes at 22:00' / 'closed, opens at 7:30' in Hà Nội time, else the hours as written."""
    s = state(hours, now)
    if s is None or (s.open and s.until is None):
        return esc(hours) if s is None else t("stores.open_all_day")
    key = "stores.open_until" if s.open else "stores.closed_until"
    return t(key, time=fmt.clock(s.until, t.locale), hours=hours)  # type: ignore[arg-type]


def venue(hit: StoreHit) -> Venue:
    r = hit.retailer
    return Venue(r.lat, r.lon, r.name, f"{r.address}, {r.ward}")


def store_lines(t: Messages, hits: list[StoreHit], now: datetime, note: bool = True) -> list[str]:
    """One line per store; ``note``: end with the sample-data note when a store is sample data."""
    lines = []
    for hit in hits:
        r = hit.retailer
        values = dict(  # already HTML: catalog values escaped, the rest from the message files
            name=esc(r.name),
            kind=t(f"store_kinds.{r.kind}"),
            address=esc(f"{r.address}, {r.ward}"),
            hours=opening(t, r.hours, now),
            bags=t(f"bag_policies.{r.bag_policy}"),
        )
        if hit.distance_m is None:
            lines.append(t.raw("stores.line_nodist", **values))
        else:
            lines.append(t.raw("stores.line", distance=distance(t, hit.distance_m), **values))
    if note and any(h.retailer.sample for h in hits):
        lines.append(t("stores.sample"))
    return lines


def nearest(t: Messages, hits: list[StoreHit], now: datetime) -> Reply:
    if not hits:
        return Reply(t("stores.intro"))
    return Reply(
        "\n".join([t("stores.nearest"), *store_lines(t, hits, now)]),
        venue=venue(hits[0]),
        keyboard=menu.keyboard(t),
    )


def in_area(t: Messages, area: str, hits: list[StoreHit], now: datetime) -> Reply:
    if not hits:
        return Reply(t("stores.none_in_area", area=area))
    return Reply(
        "\n".join([t("stores.in_area", area=area), *store_lines(t, hits[:SHOWN], now)]), venue=venue(hits[0])
    )


def areas(t: Messages, groups: list[tuple[str, list[Retailer]]]) -> str:
    """Districts with partner stores and how many, for a shopper without a usable location."""
    return "\n".join(
        [t("stores.by_area")]
        + [t("stores.area_line", area=name, count=fmt.number(len(rs), t.locale)) for name, rs in groups]
        + [t("stores.area_hint")]
    )


class Places:
    """Store answers that need the catalog or the user's last shared location."""

    def __init__(
        self, stores: StoreDirectory, shoppers: ShopperStore, catalog: CatalogService, nearby: Nearby
    ) -> None:
        self.stores = stores
        self.shoppers = shoppers
        self.catalog = catalog
        self.nearby = nearby

    def start(self, user_id: int, t: Messages) -> Reply:
        """Nearest stores to a fresh location; otherwise ask for one and list the areas."""
        near = self.nearby.location(user_id)
        if near is None:
            text = "\n\n".join([t("stores.ask"), areas(t, self.stores.by_area())])
            return Reply(text, ask_location=t("stores.btn_location"))
        if not near_hanoi(*near):
            return self._outside(t)
        return nearest(t, self.stores.nearest(*near, limit=5), self.nearby.now())

    def located(self, user_id: int, t: Messages, lat: float, lon: float) -> Reply:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also NaN; changes nothing
            return Reply(t("stores.bad_location"), keyboard=menu.keyboard(t))
        self.shoppers.set_location(user_id, lat, lon, at=self.nearby.now())
        if not near_hanoi(lat, lon):
            return self._outside(t)
        return nearest(t, self.stores.nearest(lat, lon, limit=5), self.nearby.now())

    def _outside(self, t: Messages) -> Reply:
        text = "\n\n".join([t("stores.outside"), areas(t, self.stores.by_area())])
        return Reply(text, keyboard=menu.keyboard(t))

    def area(self, t: Messages, text: str) -> Reply | None:
        """Stores in a district or ward the text names ("cua hang o cau giay"), else None."""
        area = self.stores.area_query(text)
        return in_area(t, *self.stores.in_area(area), self.nearby.now()) if area else None

    def store(self, t: Messages, code: str) -> Reply:
        """One store (a deep link s_<code>): where it is and whether it is open now."""
        found = self.stores.by_code(code)
        if found is None:
            return Reply(t("stores.unknown"), keyboard=menu.keyboard(t))
        hit = StoreHit(found)
        return Reply(
            "\n".join(store_lines(t, [hit], self.nearby.now())), venue=venue(hit), keyboard=menu.keyboard(t)
        )

    def where(self, user_id: int, t: Messages, product_id: int) -> Reply:
        card = self.catalog.card(product_id)
        if card is None:
            return Reply(t("errors.button_expired"))
        name = render.product_name(card.product, t.locale)
        near = self.nearby.located_in_hanoi(user_id)
        now = self.nearby.now()
        if near is not None:
            hits = self.stores.carrying(product_id, near=near, limit=5)
            return where_to_buy(t, name, hits, now)
        hits = self.stores.carrying(product_id, limit=50)
        header = t("stores.where_header", product=name)
        if not hits:
            return Reply("\n".join([header, t("stores.where_none")]))
        lines = [header]
        by_area: dict[str, list[StoreHit]] = {}
        for hit in hits:
            by_area.setdefault(hit.retailer.district or hit.retailer.ward, []).append(hit)
        for area_name in sorted(by_area, key=fold):
            lines.append(f"\n<b>{esc(area_name)}</b>")
            lines.extend(store_lines(t, by_area[area_name], now, note=False))
        if any(h.retailer.sample for h in hits):
            lines.append("\n" + t("stores.sample"))  # once, not under every district
        lines.append("\n" + t("stores.where_hint"))
        return Reply("\n".join(lines), ask_location=t("stores.btn_location"))


def where_to_buy(t: Messages, product_name: str, hits: list[StoreHit], now: datetime) -> Reply:
    header = t("stores.where_header", product=product_name)
    if not hits:
        return Reply("\n".join([header, t("stores.where_none")]))
    return Reply("\n".join([header, *store_lines(t, hits, now)]), venue=venue(hits[0]))
