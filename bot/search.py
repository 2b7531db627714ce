"""Search replies: a clear match goes straight to its card, otherwise a paged result list."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from bot import actions, render
from bot.i18n import Messages
from bot.products import Products
from bot.render import local, short
from bot.replies import Button, Reply
from catalog.service import CatalogService
from catalog.usage import UsageLog

PAGE = 5
MAX_RESULTS = 50
MAX_QUERY = 200
MAX_SESSIONS = 20_000  # result lists kept for "more" buttons, least recently used dropped


@dataclass(frozen=True, slots=True)
class InlineCard:
    """A product card for inline mode (shared into another chat)."""

    id: str
    title: str
    description: str
    text: str


@dataclass(slots=True)
class _Session:
    query: str
    product_ids: list[int] = field(default_factory=list)


def is_clear(scores: list[float]) -> bool:
    """Whether the best hit stands far enough above the next to skip the list."""
    gap = scores[0] - scores[1] if len(scores) > 1 else 100.0
    return (scores[0] >= 85 and gap >= 10) or (scores[0] >= 97 and gap >= 4)


class Search:
    """Product search by name, with each user's last result list for paging."""

    def __init__(self, catalog: CatalogService, usage: UsageLog, products: Products) -> None:
        self.catalog = catalog
        self.usage = usage
        self.products = products
        self._sessions: OrderedDict[int, _Session] = OrderedDict()

    def answer(self, user_id: int, t: Messages, query: str) -> list[Reply]:
        if len(query.strip()) < 2:
            return [Reply(t("search.too_short"))]
        hits = self.catalog.search(query, limit=MAX_RESULTS)
        if not hits:
            self.usage.record(user_id, "name", False, t.locale)
            return [Reply(t("search.no_match", query=query))]
        self.usage.record(user_id, "name", True, t.locale, product_id=hits[0].product_id)
        if is_clear([h.score for h in hits[:2]]):
            card = self.catalog.card(hits[0].product_id)
            if card:
                return [self.products.card(t, card)]
        session = _Session(query, [h.product_id for h in hits])
        self._remember(user_id, session)
        return [self._page(t, session, 0, edit=False)]

    def more(self, user_id: int, t: Messages, offset: int) -> list[Reply]:
        session = self._sessions.get(user_id)
        if session is None or offset >= len(session.product_ids):
            return [Reply(t("errors.button_expired"))]
        return [self._page(t, session, offset, edit=True)]

    def inline(self, user_id: int, t: Messages, query: str) -> list[InlineCard]:
        """Up to 50 product cards for inline mode."""
        query = query.strip()[:MAX_QUERY]
        if len(query) < 2:
            return []
        hits = self.catalog.search(query, limit=MAX_RESULTS)
        cards = self.catalog.cards([h.product_id for h in hits])
        self.usage.record(user_id, "inline", bool(cards), t.locale, product_id=cards[0].id if cards else None)
        return [
            InlineCard(
                str(c.id),
                render.product_name(c.product, t.locale),
                ", ".join(dict.fromkeys(local(x.label, "name", t.locale) for x in c.certs)),
                render.card_text(t, c),
            )
            for c in cards
        ]

    def _remember(self, user_id: int, session: _Session) -> None:
        self._sessions.pop(user_id, None)
        self._sessions[user_id] = session
        if len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)

    def _page(self, t: Messages, session: _Session, offset: int, edit: bool) -> Reply:
        cards = self.catalog.cards(session.product_ids[offset : offset + PAGE])
        rows = [
            (
                Button(
                    short(f"{offset + i + 1}. {render.product_name(c.product, t.locale)}"),
                    actions.ShowProduct(c.id).pack(),
                ),
            )
            for i, c in enumerate(cards)
        ]
        if offset + PAGE < len(session.product_ids):
            rows.append((Button(t("search.more"), actions.MoreResults(offset + PAGE).pack()),))
        if offset == 0:
            text = t("search.list_header", count=len(session.product_ids), query=session.query)
        else:
            text = t("search.list_page", start=offset + 1, end=offset + len(cards), query=session.query)
        return Reply(text, buttons=tuple(rows), edit=edit)
