"""Search replies: a clear match goes straight to its card, otherwise a paged result list."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from bot import actions, fmt, render
from bot.i18n import Messages
from bot.products import Products
from bot.render import local, short
from bot.replies import MAX_TEXT, Button, Reply, fit, fit_plain, plain
from catalog.cards import ProductCard
from catalog.search import SearchResult
from catalog.service import CatalogService
from catalog.state import StateStore
from catalog.usage import UsageLog
from catalog.verdict import verdict

PAGE = 5
MAX_RESULTS = 50
MAX_QUERY = 200
RESULTS_SECONDS = 24 * 3600  # how long a result list's "more" button keeps working

MAX_TITLE = 200
MAX_DESCRIPTION = 200


@dataclass(frozen=True, slots=True)
class InlineCard:
    """A product card for inline mode (shared into another chat)."""

    id: str
    title: str
    description: str
    text: str
    link: str = ""  # opens the card in the bot ("" when the bot's username is not known)

    def __post_init__(self) -> None:  # Telegram refuses the whole answer when one is too long
        object.__setattr__(self, "title", fit_plain(self.title, MAX_TITLE))
        object.__setattr__(self, "description", fit_plain(self.description, MAX_DESCRIPTION))
        object.__setattr__(self, "text", fit(self.text, MAX_TEXT))


@dataclass(slots=True)
class _Session:
    query: str
    product_ids: list[int] = field(default_factory=list)
    total: int = 0  # all matches, of which product_ids holds at most MAX_RESULTS
    kind: str = ""  # set when the product is not in the catalog and these are others of its kind
    list_id: int = 0  # which of the user's lists (its "more" button names it)


class Search:
    """Product search by name, with each user's last result list for paging."""

    def __init__(
        self, catalog: CatalogService, usage: UsageLog, products: Products, state: StateStore
    ) -> None:
        self.catalog = catalog
        self.usage = usage
        self.products = products
        self.state = state  # result lists live in the database: any worker pages them

    def answer(self, user_id: int, t: Messages, query: str) -> list[Reply]:
        if len(query.strip()) < 2:
            return [Reply(t("search.too_short"))]
        result = self.catalog.lookup(query, limit=MAX_RESULTS)
        hits = result.hits
        if not hits:
            self.usage.record(user_id, "name", False, t.locale)
            return [self._not_found(user_id, t, query, result)]
        card = self.catalog.card(hits[0].product_id) if result.confident else None
        # a product is counted as looked up when its card is shown, not for topping a list
        self.usage.record(user_id, "name", True, t.locale, product_id=card.id if card else None)
        if card:
            return [self.products.card(user_id, t, card)]
        session = _Session(query, [h.product_id for h in hits], result.total)
        self._remember(user_id, session)
        return [self._page(t, session, 0, edit=False)]

    def _not_found(self, user_id: int, t: Messages, query: str, result: SearchResult) -> Reply:
        """Say the product is not in the catalog; offer the others of its kind when there are some."""
        kind = self.catalog.nearest_category(result)
        ids = self.catalog.category_ids(kind.code, MAX_RESULTS) if kind else []
        if not kind or not ids:
            return Reply(t("search.no_match", query=query))
        # the greener choices first: valid label, strongest, near the shopper and open now
        greener = [a.card.id for a in self.products.nearby.alternatives(user_id, kind.code, limit=PAGE)]
        ids = greener + [i for i in ids if i not in greener]
        session = _Session(query, ids, len(ids), kind=local(kind, "name", t.locale))
        self._remember(user_id, session)
        return self._page(t, session, 0, edit=False)

    def examples(self, t: Messages) -> Reply:
        """The 🔎 menu button: how to search, and three example queries to tap."""
        rows = tuple(
            (Button(text, actions.TryExample(n).pack()),) for n, text in enumerate(_examples(t))
        )
        return Reply(t("search.prompt"), buttons=rows)

    def example(self, user_id: int, t: Messages, n: int) -> list[Reply]:
        queries = _examples(t)
        if n >= len(queries):
            return [Reply(t("errors.button_expired"))]
        return self.answer(user_id, t, queries[n])

    def more(self, user_id: int, t: Messages, list_id: int, offset: int) -> list[Reply]:
        kept = self.state.get("results", f"{user_id}.{list_id}")
        session = _Session(kept["query"], kept["ids"], list_id=list_id) if kept else None
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
        self.usage.record(user_id, "inline", bool(cards), t.locale)  # a list: which is sent is not known
        return [
            InlineCard(
                str(c.id),
                render.product_name(c.product, t.locale),
                plain(render.verdict_line(t, verdict(c))),
                render.card_text(t, c, link=self.products.links.product(c)),
                self.products.links.product(c),
            )
            for c in cards
        ]

    def _remember(self, user_id: int, session: _Session) -> None:
        """Kept in the database under a new list id, beside the user's earlier lists."""
        session.list_id = secrets.randbelow(10**9)
        value = {"query": session.query, "ids": session.product_ids}
        self.state.put("results", f"{user_id}.{session.list_id}", value, RESULTS_SECONDS, user_id=user_id)

    def _page(self, t: Messages, session: _Session, offset: int, edit: bool) -> Reply:
        cards = self.catalog.cards(session.product_ids[offset : offset + PAGE])
        rows = [
            (
                Button(
                    short(f"{offset + i + 1}. {mark(c)} {render.product_name(c.product, t.locale)}"),
                    actions.ShowProduct(c.id).pack(),
                ),
            )
            for i, c in enumerate(cards)
        ]
        if offset + PAGE < len(session.product_ids):
            more = actions.MoreResults.of(session.list_id, offset + PAGE)
            rows.append((Button(t("search.more"), more.pack()),))
        if offset == 0 and session.kind:
            text = t("search.no_match_kind", query=session.query, kind=session.kind)
        elif offset == 0 and session.total > MAX_RESULTS:
            text = t("search.list_header_many", count=MAX_RESULTS, query=session.query)
        elif offset == 0:
            count = fmt.number(session.total or len(session.product_ids), t.locale)
            text = t("search.list_header", count=count, query=session.query) + "\n" + t("search.list_legend")
        else:
            text = t("search.list_page", start=offset + 1, end=offset + len(cards), query=session.query)
        return Reply(text, buttons=tuple(rows), edit=edit)


def _examples(t: Messages) -> list[str]:
    """The example queries of the shopper's language (each finds products: a test checks)."""
    return [q.strip() for q in t("search.examples").split("|") if q.strip()][:3]


def mark(card: ProductCard) -> str:
    """✅ for a product with a valid label, ⚠️ otherwise (the list's legend says so)."""
    return "✅" if card.any_valid else "⚠️"
