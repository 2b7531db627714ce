"""What the bot remembers per user: chosen language and last shared location.

Read from the database on every message (one primary-key read), not cached in memory: with
several workers, a language chosen on one must hold on the next message another answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from catalog.db import session
from catalog.models import Shopper, Subscription


class ShopperStore:
    """Small reads and writes on the Shopper table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, user_id: int) -> Shopper | None:
        with session(self.engine) as db:
            return db.get(Shopper, user_id)

    def _update(self, user_id: int, **values: object) -> None:
        with session(self.engine) as db:
            shopper = db.get(Shopper, user_id) or Shopper(user_id=user_id)
            for key, value in values.items():
                setattr(shopper, key, value)
            db.add(shopper)
            db.commit()

    def set_locale(self, user_id: int, locale: str) -> None:
        self._update(user_id, locale=locale)

    def set_location(self, user_id: int, lat: float, lon: float, at: datetime | None = None) -> None:
        self._update(user_id, last_lat=lat, last_lon=lon, located_at=at or datetime.now(UTC))

    def location(
        self, user_id: int, ttl: timedelta, now: datetime | None = None
    ) -> tuple[float, float] | None:
        """The last shared location while it is younger than ``ttl``; never reused after that.

        An expired location is also wiped from the database, so it is not kept longer than
        the privacy notice says.
        """
        shopper = self.get(user_id)
        if shopper is None or shopper.last_lat is None or shopper.last_lon is None:
            return None
        shared = shopper.located_at
        if shared is not None and shared.tzinfo is None:  # SQLite gives naive UTC back
            shared = shared.replace(tzinfo=UTC)
        if shared is None or (now or datetime.now(UTC)) - shared > ttl:
            self._update(user_id, last_lat=None, last_lon=None, located_at=None)
            return None
        return shopper.last_lat, shopper.last_lon

    def set_next_tip(self, user_id: int, n: int) -> None:
        self._update(user_id, next_tip=n)

    def mark_unreachable(self, chat_id: int, at: datetime | None = None) -> None:
        """Telegram refused to deliver to this private chat (the user blocked the bot, deleted
        their account, or the chat is gone): their daily tips stop and they are marked, in one
        transaction, so nothing else is sent to them until they write again."""
        with session(self.engine) as db:
            db.exec(
                delete(Subscription).where(  # type: ignore[call-overload]
                    or_(col(Subscription.chat_id) == chat_id, col(Subscription.user_id) == chat_id)
                )
            )
            shopper = db.get(Shopper, chat_id) or Shopper(user_id=chat_id)
            shopper.unreachable_at = at or datetime.now(UTC)
            db.add(shopper)
            db.commit()

    def wrote(self, shopper: Shopper | None) -> None:
        """The shopper wrote to the bot: a mark of unreachable no longer holds."""
        if shopper is not None and shopper.unreachable_at is not None:
            self._update(shopper.user_id, unreachable_at=None)

    def unreachable(self, chat_ids: set[int]) -> set[int]:
        """Those of ``chat_ids`` marked unreachable (private chats: chat id = user id)."""
        if not chat_ids:
            return set()
        with session(self.engine) as db:
            stmt = select(Shopper.user_id).where(
                col(Shopper.user_id).in_(chat_ids), col(Shopper.unreachable_at).is_not(None)
            )
            return set(db.exec(stmt))
