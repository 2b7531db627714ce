"""What is the shopper's own: /history, /saved, /privacy and /forget, and deep links in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from bot import actions, fmt, render
from bot.i18n import Messages
from bot.render import short
from bot.replies import Button, Reply
from bot.search import mark
from catalog.history import ShopperLists
from catalog.privacy import anonymise_usage, forget
from catalog.service import CatalogService

# what each table holds, as the forget answer names it; tables not listed are "other data"
FORGOTTEN = {
    "shopper": "forget.profile",
    "viewed": "forget.history",
    "favourite": "forget.saved",
    "subscription": "forget.subscription",
    "usageevent": "forget.lookups",
    "report": "forget.reports",
}


class ShopperPages:
    def __init__(
        self,
        engine: Engine,
        catalog: CatalogService,
        lists: ShopperLists,
        location_ttl: timedelta,
        usage_retention: timedelta,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.lists = lists
        self.location_ttl = location_ttl
        self.usage_retention = usage_retention

    def upkeep(self) -> int:
        """Strip user ids from usage records older than the retention; returns rows changed."""
        return anonymise_usage(self.engine, self.catalog.today() - self.usage_retention)

    def history(self, user_id: int, t: Messages) -> Reply:
        return self._list(t, self.lists.history(user_id), "history.header", "history.empty")

    def saved(self, user_id: int, t: Messages) -> Reply:
        return self._list(t, self.lists.saved(user_id), "saved.header", "saved.empty")

    def _list(self, t: Messages, ids: list[int], header: str, empty: str) -> Reply:
        cards = self.catalog.cards(ids)
        if not cards:
            return Reply(t(empty))
        rows = tuple(
            (
                Button(
                    short(f"{mark(c)} {render.product_name(c.product, t.locale)}"),
                    actions.ShowProduct(c.id).pack(),
                ),
            )
            for c in cards
        )
        return Reply(t(header, count=len(cards)), buttons=rows)

    def privacy(self, t: Messages) -> Reply:
        hours = self.location_ttl.total_seconds() / 3600
        days = self.usage_retention.days
        return Reply(
            t("privacy.text", hours=fmt.number(hours, t.locale, 1), days=fmt.number(days, t.locale)),
        )

    def ask_forget(self, t: Messages) -> Reply:
        buttons = (
            (
                Button(t("forget.btn_yes"), actions.ConfirmForget().pack()),
                Button(t("forget.btn_no"), actions.CancelForget().pack()),
            ),
        )
        return Reply(t("forget.ask"), buttons=buttons)

    def forget(self, user_id: int, t: Messages) -> Reply:
        """Delete (or strip of the person) every row about the shopper; say what went."""
        touched = forget(self.engine, user_id)
        lines = [
            t(FORGOTTEN.get(table, "forget.rest"), count=fmt.number(n, t.locale), table=table)
            for table, n in sorted(touched.items())
        ]
        if not lines:
            return Reply(t("forget.nothing"), edit=True)
        return Reply("\n".join([t("forget.done"), *lines, "", t("forget.after")]), edit=True)
