"""Daily tip subscriptions, stored so they survive restarts and are never sent twice a day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import and_, or_, select

from catalog.db import session
from catalog.models import Subscription


class Subscriptions:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def subscribe(self, user_id: int, chat_id: int, hour: int, locale: str, minute: int = 0) -> None:
        with session(self.engine) as db:
            sub = db.get(Subscription, user_id) or Subscription(user_id=user_id, chat_id=chat_id, hour=hour)
            sub.chat_id, sub.hour, sub.minute, sub.locale = chat_id, hour, minute, locale
            db.add(sub)
            db.commit()

    def unsubscribe(self, user_id: int) -> bool:
        with session(self.engine) as db:
            sub = db.get(Subscription, user_id)
            if sub is None:
                return False
            db.delete(sub)
            db.commit()
            return True

    def due(self, today: date, hour: int, minute: int = 59) -> list[Subscription]:
        """Subscriptions whose time has come today and that have not had today's tip."""
        with session(self.engine) as db:
            stmt = select(Subscription).where(
                or_(Subscription.hour < hour, and_(Subscription.hour == hour, Subscription.minute <= minute)),
                or_(Subscription.last_sent.is_(None), Subscription.last_sent < today),  # type: ignore[union-attr]
            )
            return list(db.exec(stmt))

    def claim(self, user_id: int, today: date, total_tips: int) -> Subscription | None:
        """Take today's tip for this subscriber before sending it, in one conditional UPDATE:
        of several workers racing, exactly one gets the row (the others get None), so no
        shopper is sent a tip twice a day. ``release`` gives it back if the send fails."""
        table = Subscription.__table__  # type: ignore[attr-defined]
        stmt = (
            update(table)
            .where(
                table.c.user_id == user_id,
                or_(table.c.last_sent.is_(None), table.c.last_sent < today),
            )
            .values(last_sent=today, next_tip=(table.c.next_tip + 1) % max(total_tips, 1))
        )
        with session(self.engine) as db:
            before = db.get(Subscription, user_id)
            if before is None or db.connection().execute(stmt).rowcount != 1:
                db.rollback()
                return None
            db.commit()
        return before

    def release(self, claimed: Subscription) -> None:
        """Undo a claim whose send failed for a passing reason (tried again next minute)."""
        with session(self.engine) as db:
            sub = db.get(Subscription, claimed.user_id)
            if sub is not None:
                sub.last_sent, sub.next_tip = claimed.last_sent, claimed.next_tip
                db.add(sub)
                db.commit()

    def mark_sent(self, user_id: int, today: date, total_tips: int) -> None:
        with session(self.engine) as db:
            sub = db.get(Subscription, user_id)
            if sub is not None:
                sub.last_sent = today
                sub.next_tip = (sub.next_tip + 1) % max(total_tips, 1)
                db.add(sub)
                db.commit()
