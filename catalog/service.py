"""The catalog as the bot sees it: search, product cards, labels and categories.

One object holds the database engine and the in-memory search index, so the index
is built once and rebuilt only when the catalog changes (``reload``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from catalog import migrate
from catalog.cards import CertView, ProductCard
from catalog.db import session
from catalog.kinds import kind_probe, main_category
from catalog.models import Certification, LabelScheme, Product
from catalog.reference import Category, categories, sync_labels
from catalog.search import Hit, SearchDoc, SearchIndex, SearchResult
from catalog.version import current as current_version

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CARD_CACHE = 20_000


def hanoi_time(moment: datetime) -> datetime:
    """A stored moment as a person in Hà Nội reads it (SQLite returns UTC without a zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HANOI)


def hanoi_today() -> date:
    """Today's date in Hà Nội (certificate validity is judged by the local calendar)."""
    return datetime.now(HANOI).date()


class CatalogService:
    """Search and read the catalog. Thread-safe for readers; ``reload`` swaps the index."""

    def __init__(self, engine: Engine, today: Callable[[], date] = hanoi_today) -> None:
        self.engine = engine
        self.today = today
        self._lock = threading.Lock()
        self._labels: dict[str, LabelScheme] = {}
        self._index = SearchIndex([])
        self._cards: OrderedDict[int, ProductCard] = OrderedDict()
        self._cards_day: date | None = None
        self._reload_lock = threading.RLock()
        self.version = -1
        self.reload()

    # -- building ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read labels and rebuild the search index from the database.

        The version is read first: a write that lands while the index is built makes the
        next ``refresh`` reload again rather than be missed.
        """
        with self._reload_lock:
            version = current_version(self.engine)
            with session(self.engine) as db:
                labels = {s.code: s for s in db.exec(select(LabelScheme))}
                index = SearchIndex(self._docs(db, labels))
            with self._lock:
                self._labels, self._index = labels, index
                self._cards.clear()
                self.version = version

    def refresh(self) -> bool:
        """Reload when another process (or thread) changed the catalog; True when it did.

        Called before every answer, so a certificate changed by the CLI shows on the next
        message. Threads that find the index stale wait for one reload, not one each.
        """
        if current_version(self.engine) == self.version:
            return False
        with self._reload_lock:
            if current_version(self.engine) == self.version:
                return False
            self.reload()  # re-entrant: see the RLock below
        return True

    def _docs(self, db, labels: dict[str, LabelScheme]) -> Iterator[SearchDoc]:  # type: ignore[no-untyped-def]
        cats = categories()
        label_words: dict[int, list[str]] = {}
        for pid, code in db.exec(select(Certification.product_id, Certification.label_code)):
            scheme = labels.get(code)
            if scheme:
                label_words.setdefault(pid, []).append(" ".join(label_names(scheme)))
        for p in db.exec(select(Product)):
            cat = cats.get(p.category)
            yield SearchDoc(
                p.id,
                p.name_vi,
                p.name_en,
                p.brand,
                p.producer,  # type: ignore[arg-type]
                f"{cat.name_vi} {cat.name_en} {cat.keywords}" if cat else p.category,
                " ".join(label_words.get(p.id, [])),
                f"{cat.name_vi} {cat.name_en}" if cat else "",
            )  # type: ignore[arg-type]

    # -- reading ----------------------------------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        return self._index

    def search_docs(self) -> list[SearchDoc]:
        """What the search index is built from (for benchmarks that index it another way)."""
        with session(self.engine) as db:
            return list(self._docs(db, self._labels))

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        return self._index.search(query, limit=limit)

    def lookup(self, query: str, limit: int = 10) -> SearchResult:
        """Search with the number of all matches and whether the first one is a clear answer."""
        return self._index.lookup(query, limit=limit)

    def nearest_category(self, result: SearchResult) -> Category | None:
        """For a query that found nothing: the kind of product it names, if the catalog has that kind."""
        probe = kind_probe(result.words, self._index.reader.known)
        if not probe:
            return None
        found = self.cards([h.product_id for h in self._index.search(probe, limit=10)])
        code = main_category([c.product.category for c in found], one_word=" " not in probe)
        return categories().get(code) if code else None

    def category_ids(self, category: str, limit: int = 50) -> list[int]:
        """Products of a category, those with a currently valid label first."""
        with session(self.engine) as db:
            stmt = select(Product.id).where(Product.category == category).order_by(Product.id)
            ids = db.exec(stmt.limit(limit * 4)).all()
        cards = self.cards(list(ids))
        return [c.id for c in sorted(cards, key=lambda c: not c.any_valid)][:limit]

    def label(self, code: str) -> LabelScheme | None:
        return self._labels.get(code)

    def labels(self) -> list[LabelScheme]:
        return list(self._labels.values())

    def category(self, code: str) -> Category | None:
        return categories().get(code)

    def product_count(self) -> int:
        with session(self.engine) as db:
            return db.exec(select(func.count()).select_from(Product)).one()

    def cards(self, product_ids: list[int]) -> list[ProductCard]:
        """Product cards in the order of ``product_ids`` (unknown ids are skipped).

        Cards are cached (they are read on every search); the cache is dropped when the
        catalog is reloaded and when the date changes, since validity depends on the day.
        """
        if not product_ids:
            return []
        today = self.today()
        with self._lock:
            if self._cards_day != today:
                self._cards.clear()
                self._cards_day = today
            found = {i: self._cards[i] for i in product_ids if i in self._cards}
        missing = [i for i in dict.fromkeys(product_ids) if i not in found]
        if missing:
            fresh = self._load_cards(missing, today)
            found.update(fresh)
            with self._lock:
                self._cards.update(fresh)
                while len(self._cards) > CARD_CACHE:
                    self._cards.popitem(last=False)
        return [found[i] for i in product_ids if i in found]

    def _load_cards(self, product_ids: list[int], today: date) -> dict[int, ProductCard]:
        with session(self.engine) as db:
            products = {p.id: p for p in db.exec(select(Product).where(Product.id.in_(product_ids)))}  # type: ignore[union-attr]
            certs: dict[int, list[CertView]] = {}
            stmt = (
                select(Certification)
                .where(Certification.product_id.in_(product_ids))  # type: ignore[union-attr]
                .order_by(Certification.id)  # type: ignore[arg-type]
            )
            for cert in db.exec(stmt):
                scheme = self._labels.get(cert.label_code)
                if scheme:
                    certs.setdefault(cert.product_id, []).append(CertView.of(cert, scheme, today))
        return {i: ProductCard(p, tuple(certs.get(i, ()))) for i, p in products.items()}  # type: ignore[misc]

    def card(self, product_id: int) -> ProductCard | None:
        found = self.cards([product_id])
        return found[0] if found else None

    def by_gtin(self, gtin: str) -> ProductCard | None:
        with session(self.engine) as db:
            pid = db.exec(select(Product.id).where(Product.gtin == gtin)).first()
        return self.card(pid) if pid is not None else None

    def in_category(self, category: str, exclude: int | None = None, limit: int = 3) -> list[ProductCard]:
        """Products of a category that hold a currently valid label (alternatives to suggest)."""
        with session(self.engine) as db:
            ids = db.exec(
                select(Product.id).where(Product.category == category).order_by(Product.id).limit(limit * 4)
            ).all()
        found = [c for c in self.cards([i for i in ids if i != exclude]) if c.any_valid]
        return found[:limit]


def label_names(scheme: LabelScheme) -> tuple[str, str, str]:
    """What a label is called: its Vietnamese and English names without their explanations in
    brackets ("Hữu cơ USDA (Hoa Kỳ)" -> "Hữu cơ USDA"), and its code as words ("EU ORGANIC").

    The bracketed words (countries, "giấy", "gỗ") would make products match queries about other things.
    """
    return (
        re.sub(r"\([^)]*\)", " ", scheme.name_vi),
        re.sub(r"\([^)]*\)", " ", scheme.name_en),
        scheme.code.replace("_", " "),
    )


def prepare_database(engine: Engine, load: Callable[[], None] | None = None) -> None:
    """Start-up of a process that writes: under the start-up lock, create the schema of an
    empty database, load the bundled label schemes, then run ``load`` (more reference data).
    Raises migrate.SchemaError (one line naming the command) on an older database."""

    def reference() -> None:
        sync_labels(engine)
        if load is not None:
            load()

    migrate.start(engine, reference)
