"""Database tables (SQLModel). One SQLite file by default; any SQLAlchemy URL works.

Telegram user and chat ids can need more than 32 bits, so they are BigInteger columns.
A change here needs a migration: ``ecolabel-bot db revision "what changed"``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LabelScheme(SQLModel, table=True):
    """A certification scheme (VietGAP, EU organic, FSC...) with its guide texts in vi and en."""

    code: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=24)  # eco-label, organic, energy, good-practice, forest, ...
    # The department's ranking of how much the label says (5: third-party organic or ecolabel,
    # 3: good practice, 1: declared only); greener alternatives are ordered by it.
    strength: int = 3
    name_vi: str
    name_en: str
    issuer_vi: str = ""
    issuer_en: str = ""
    meaning_vi: str = ""
    meaning_en: str = ""
    not_vi: str = ""
    not_en: str = ""
    looks_vi: str = ""
    looks_en: str = ""
    verify_vi: str = ""
    verify_en: str = ""
    validity_vi: str = ""
    validity_en: str = ""
    source_vi: str = ""
    source_en: str = ""


class Product(SQLModel, table=True):
    """A product on the shelf. ``key`` is the GTIN when known, else a folded brand+name key."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=200)
    gtin: str | None = Field(default=None, index=True, max_length=14)
    name_vi: str
    name_en: str = ""
    brand: str = ""
    producer: str = ""
    category: str = Field(index=True, max_length=40)
    sample: bool = False


class Certification(SQLModel, table=True):
    """A claim that a product carries a label, with where the claim came from and when."""

    __table_args__ = (UniqueConstraint("product_id", "label_code", "certificate_no"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True, ondelete="CASCADE")
    label_code: str = Field(foreign_key="labelscheme.code", index=True)
    certificate_no: str = ""
    certifier: str = ""
    label_detail: str = ""  # e.g. "5 sao" for the energy label, "FSC Mix"
    valid_from: date | None = None
    valid_until: date | None = None
    source: str = ""
    source_date: date | None = None


class Retailer(SQLModel, table=True):
    """A partner store: supermarket, trade centre, market stall, organic shop."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=40)
    name: str
    kind: str = Field(max_length=24)
    address: str = ""
    ward: str = ""
    district: str = ""
    lat: float
    lon: float
    hours: str = ""
    product_kinds: str = ""
    bag_policy: str = ""
    sample: bool = False


class RetailerProduct(SQLModel, table=True):
    """Which partner store carries which product."""

    retailer_id: int = Field(foreign_key="retailer.id", primary_key=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="product.id", primary_key=True, ondelete="CASCADE")


class Shopper(SQLModel, table=True):
    """What the bot remembers about a chat user: language, last shared location (and when it
    was shared, since it expires), which tip they read last, and whether Telegram still
    delivers to them."""

    user_id: int = Field(primary_key=True, sa_type=BigInteger)
    locale: str | None = Field(default=None, max_length=8)
    last_lat: float | None = None
    last_lon: float | None = None
    located_at: datetime | None = None
    next_tip: int = 0
    created_at: datetime = Field(default_factory=_utcnow)
    # Telegram refused to deliver to them (blocked, deactivated, chat gone): nothing is sent
    # until they write again
    unreachable_at: datetime | None = None


class Viewed(SQLModel, table=True):
    """A product card a shopper opened (their /history); one row per product, latest time kept."""

    user_id: int = Field(primary_key=True, sa_type=BigInteger)
    product_id: int = Field(foreign_key="product.id", primary_key=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=_utcnow, index=True)


class Favourite(SQLModel, table=True):
    """A product a shopper starred (their /saved list)."""

    user_id: int = Field(primary_key=True, sa_type=BigInteger)
    product_id: int = Field(foreign_key="product.id", primary_key=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=_utcnow)


class UsageEvent(SQLModel, table=True):
    """One use of the bot, counted for the department's report: a lookup (by name, barcode,
    photo, inline, deep link or the scanning page) or a tip sent. No message text is kept.

    ``gtin`` is kept only for barcodes that were not found: the department's to-do list.
    ``user_id`` is set to None once the row is older than the retention (see catalog.privacy);
    the day's distinct users are kept in ``UsageDay`` first.
    """

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    user_id: int | None = Field(default=None, index=True, sa_type=BigInteger)
    kind: str = Field(max_length=12)  # name, barcode, photo, inline, link, live, open, tip
    found: bool
    product_id: int | None = None
    gtin: str | None = Field(default=None, max_length=14, index=True)
    locale: str = Field(default="vi", max_length=8)


class UsageDay(SQLModel, table=True):
    """Distinct users of one day, kept when the day's lookups lose their user ids."""

    day: date = Field(primary_key=True)
    users: int = 0
    new_users: int = 0


class Subscription(SQLModel, table=True):
    """A daily plastic-free tip at a chosen hour (Hà Nội time)."""

    user_id: int = Field(primary_key=True, sa_type=BigInteger)
    chat_id: int = Field(sa_type=BigInteger)
    hour: int = Field(ge=0, le=23)
    minute: int = Field(default=0, ge=0, le=59)
    locale: str = Field(default="vi", max_length=8)
    next_tip: int = 0
    last_sent: date | None = None


class Report(SQLModel, table=True):
    """A shopper's report: a product missing from the catalog, or a label that looks wrong."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)  # missing, label
    user_id: int = Field(index=True, sa_type=BigInteger)
    chat_id: int = Field(sa_type=BigInteger)
    gtin: str | None = Field(default=None, max_length=14)
    product_id: int | None = None
    text: str = ""
    photo_ref: str | None = None  # the transport's file id of a photo of the pack
    photo_kind: str = Field(default="photo", max_length=12)  # photo, or document (sent as a file)
    reporter_name: str = Field(default="", max_length=128)  # as Telegram showed it when reporting
    reporter_username: str = Field(default="", max_length=64)
    locale: str | None = Field(default=None, max_length=8)  # the language the reporter was answered in
    status: str = Field(default="open", max_length=12, index=True)  # open, resolved, dismissed
    notify: bool = False
    created_at: datetime = Field(default_factory=_utcnow)
    closed_by: int | None = Field(default=None, sa_type=BigInteger)
    closed_at: datetime | None = None


class AdminAction(SQLModel, table=True):
    """Who did what and when, for every admin action."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_utcnow)
    user_id: int = Field(sa_type=BigInteger)
    action: str = Field(max_length=32)
    detail: str = ""


class CatalogState(SQLModel, table=True):
    """One row: a counter bumped in the same transaction as every catalog write, so each
    bot process can tell cheaply that its search index and cards are out of date."""

    id: int = Field(default=1, primary_key=True)
    version: int = 0


class ConversationState(SQLModel, table=True):
    """What a user is in the middle of (a result list, a report step, an upload to confirm),
    kept in the database so that a restart or another worker carries it on."""

    kind: str = Field(primary_key=True, max_length=24)
    key: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, index=True, sa_type=BigInteger)  # whose (for /forget)
    payload: str = Field(sa_type=Text)  # JSON
    expires_at: datetime = Field(index=True)


class PendingUpdate(SQLModel, table=True):
    """A Telegram update recorded before Telegram is told it arrived. Rows left unanswered by a
    crash are answered after the restart (``claimed_at`` is a lease); answered rows are kept a
    day so that Telegram resending one does not get it answered twice."""

    update_id: int = Field(primary_key=True, sa_type=BigInteger)
    payload: str = Field(sa_type=Text)  # the update's JSON as Telegram sent it
    received_at: datetime = Field(default_factory=_utcnow, index=True)
    claimed_at: datetime | None = None
    answered_at: datetime | None = Field(default=None, index=True)
