"""Per-shopper data and the catalog side of the shopper features: history, favourites,
opening hours, greener alternatives, the card verdict, forgetting and usage retention."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.alternatives import greener
from catalog.cards import strength
from catalog.db import session
from catalog.history import ShopperLists
from catalog.hours import HANOI, state
from catalog.models import Certification, Product, Report, Shopper, Subscription, UsageEvent
from catalog.privacy import anonymise_usage, forget
from catalog.service import CatalogService
from catalog.stats import compute
from catalog.stores import StoreDirectory, near_hanoi
from tests.conftest import TODAY

SHOPPER = 7_700_000_123  # an id no product, store or count can collide with


def _ids(engine: Engine, n: int) -> list[int]:
    with session(engine) as db:
        return list(db.exec(select(Product.id).order_by(Product.id).limit(n)))  # type: ignore[arg-type]


def test_history_is_newest_first_without_duplicates_and_bounded(engine: Engine) -> None:
    lists = ShopperLists(engine, keep=5)
    ids = _ids(engine, 7)
    for pid in ids:
        lists.viewed(SHOPPER, pid)
    lists.viewed(SHOPPER, ids[3])  # looked at again: back on top, once
    assert lists.history(SHOPPER) == [ids[3], ids[6], ids[5], ids[4], ids[2]]
    assert lists.history(SHOPPER + 1) == []


def test_favourites_toggle_per_shopper(engine: Engine) -> None:
    lists = ShopperLists(engine)
    a, b = _ids(engine, 2)
    assert lists.toggle(SHOPPER, a) is True
    assert lists.toggle(SHOPPER, b) is True
    assert lists.saved(SHOPPER) == [b, a]
    assert lists.is_saved(SHOPPER, a) and not lists.is_saved(SHOPPER + 1, a)
    assert lists.toggle(SHOPPER, a) is False
    assert lists.saved(SHOPPER) == [b]


@pytest.mark.parametrize(
    ("hours", "at", "is_open", "change"),
    [
        ("7:30–22:00", time(12, 0), True, time(22, 0)),
        ("7:30–22:00", time(6, 0), False, time(7, 30)),
        ("7:30–22:00", time(22, 0), False, time(7, 30)),
        ("18:00–02:00", time(1, 0), True, time(2, 0)),  # past midnight, still yesterday's range
        ("6:00-11:00, 14:00-20:00", time(12, 0), False, time(14, 0)),
        ("24/7", time(3, 0), True, None),
    ],
)
def test_open_now_in_hanoi_time(hours: str, at: time, is_open: bool, change: time | None) -> None:
    moment = datetime.combine(TODAY, at, HANOI).astimezone(UTC)  # the server's clock is UTC
    s = state(hours, moment)
    assert s is not None and s.open is is_open and s.until == change


def test_unreadable_hours_are_unknown_not_closed() -> None:
    assert state("theo mùa", datetime.now(UTC)) is None
    assert state("25:00–26:00", datetime.now(UTC)) is None


def test_strength_counts_only_labels_that_hold_today(
    catalog: CatalogService, engine: Engine
) -> None:
    with session(engine) as db:
        expired = db.exec(select(Certification).where(Certification.valid_until < TODAY)).all()
    only_expired = None
    for cert in expired:
        card = catalog.card(cert.product_id)
        if card and not card.any_valid:
            only_expired = card
            break
    assert only_expired is not None
    assert strength(only_expired) == 0
    mixed = next(c for c in catalog.cards(_ids(engine, 400)) if c.any_valid and len(c.certs) > 1)
    assert strength(mixed) > 0


def test_alternatives_are_certified_same_category_and_ranked_by_strength(
    catalog: CatalogService, engine: Engine
) -> None:
    stores = StoreDirectory(engine)
    now = datetime.combine(TODAY, time(10, 0), HANOI)
    with session(engine) as db:
        category = db.exec(select(Product.category).where(Product.category == "vegetables")).first()
    alts = greener(catalog, stores, category, now, limit=10)
    assert len(alts) >= 2
    assert all(a.card.product.category == category and a.card.any_valid for a in alts)
    assert [a.strength for a in alts] == sorted((a.strength for a in alts), reverse=True)
    excluded = alts[0].card.id
    assert excluded not in [a.card.id for a in greener(catalog, stores, category, now, exclude=excluded)]


def test_alternatives_prefer_a_near_store_open_now(catalog: CatalogService, engine: Engine) -> None:
    stores = StoreDirectory(engine)
    near = (21.0285, 105.8520)
    night = datetime.combine(TODAY, time(23, 30), HANOI)  # nearly every store closed
    day = datetime.combine(TODAY, time(10, 0), HANOI)
    for alt in greener(catalog, stores, "vegetables", day, near=near, limit=10):
        if alt.store is not None:
            assert alt.store.distance_m is not None
    by_day = greener(catalog, stores, "vegetables", day, near=near, limit=10)
    top = by_day[0]
    same = [a for a in by_day if a.strength == top.strength]
    assert top.open_now or not any(a.open_now for a in same)
    assert all(not a.open_now for a in greener(catalog, stores, "vegetables", night, near=near, limit=10))


def test_generous_box_around_hanoi() -> None:
    assert near_hanoi(21.0285, 105.8520)
    assert near_hanoi(21.13, 105.50)  # Sơn Tây
    assert not near_hanoi(10.7769, 106.7009)  # Hồ Chí Minh City
    assert not near_hanoi(16.0544, 108.2022)  # Đà Nẵng


def _rows_mentioning(engine: Engine, value: int) -> list[tuple[str, str]]:
    """Every (table, column) in the database holding ``value``: all tables, all columns."""
    found = []
    insp = inspect(engine)
    with engine.connect() as conn:
        for table in insp.get_table_names():
            for col in insp.get_columns(table):
                name = col["name"]
                query = text(f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{name}" AS TEXT) = :v')
                hits = conn.execute(query, {"v": str(value)}).scalar()
                if hits:
                    found.append((table, name))
    return found


def test_forget_leaves_no_row_that_references_the_shopper(engine: Engine) -> None:
    a, b = _ids(engine, 2)
    lists = ShopperLists(engine)
    lists.viewed(SHOPPER, a)
    lists.toggle(SHOPPER, b)
    with session(engine) as db:
        now = datetime.now(UTC)
        db.add(Shopper(user_id=SHOPPER, locale="en", last_lat=21.0, last_lon=105.8, located_at=now))
        db.add(Subscription(user_id=SHOPPER, chat_id=SHOPPER, hour=7))
        db.add(UsageEvent(day=TODAY, user_id=SHOPPER, kind="name", found=True, product_id=a))
        db.add(Report(kind="missing", user_id=SHOPPER, chat_id=SHOPPER, gtin="9520000000017", photo_ref="x"))
        db.add(UsageEvent(day=TODAY, user_id=SHOPPER + 1, kind="name", found=True))
        db.commit()
    assert len(_rows_mentioning(engine, SHOPPER)) >= 6
    touched = forget(engine, SHOPPER)
    assert _rows_mentioning(engine, SHOPPER) == []
    assert touched["shopper"] == 1 and touched["viewed"] == 1 and touched["favourite"] == 1
    with session(engine) as db:  # the department keeps the missing barcode and the count
        report = db.exec(select(Report).where(Report.gtin == "9520000000017")).one()
        assert report.user_id == 0 and report.photo_ref is None
        event = select(UsageEvent)
        assert db.exec(event.where(UsageEvent.product_id == a, UsageEvent.user_id.is_(None))).first()
        assert db.exec(event.where(UsageEvent.user_id == SHOPPER + 1)).first()  # others untouched


def test_usage_loses_user_ids_after_retention_and_keeps_day_counts(engine: Engine) -> None:
    old, recent = TODAY - timedelta(days=200), TODAY - timedelta(days=3)
    with session(engine) as db:
        for user, day in ((1, old), (2, old), (1, old), (1, recent), (3, recent)):
            db.add(UsageEvent(day=day, user_id=user, kind="name", found=True))
        db.commit()
    before = compute(engine, old, TODAY)
    assert anonymise_usage(engine, TODAY - timedelta(days=90)) == 3
    assert anonymise_usage(engine, TODAY - timedelta(days=90)) == 0  # nothing left to do
    with session(engine) as db:
        assert all(u is None for u in db.exec(select(UsageEvent.user_id).where(UsageEvent.day == old)))
        assert set(db.exec(select(UsageEvent.user_id).where(UsageEvent.day == recent))) == {1, 3}
    assert compute(engine, old, old).users == 2 and compute(engine, old, old).new_users == 2
    assert compute(engine, old, TODAY).lookups == before.lookups
