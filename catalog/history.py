"""What each shopper looked at (/history) and starred (/saved): per user, in the database.

Only the shopper's own user id selects these rows; nothing else reads them, and
``catalog.privacy.forget`` deletes them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import session
from catalog.models import Favourite, Viewed

HISTORY_SIZE = 20
SAVED_LIMIT = 100


class ShopperLists:
    """Reads and writes of one shopper's history and favourites."""

    def __init__(self, engine: Engine, keep: int = HISTORY_SIZE) -> None:
        self.engine = engine
        self.keep = keep

    def viewed(self, user_id: int, product_id: int) -> None:
        """Put a product on top of the shopper's history; only the newest ``keep`` are kept."""
        now = datetime.now(UTC)
        with session(self.engine) as db:
            row = db.get(Viewed, (user_id, product_id)) or Viewed(user_id=user_id, product_id=product_id)
            row.at = now
            db.add(row)
            db.flush()
            old = db.exec(
                select(Viewed.product_id)
                .where(Viewed.user_id == user_id)
                .order_by(Viewed.at.desc(), Viewed.product_id.desc())  # type: ignore[attr-defined]
                .offset(self.keep)
            ).all()
            if old:
                db.exec(delete(Viewed).where(Viewed.user_id == user_id, Viewed.product_id.in_(old)))  # type: ignore[call-overload,attr-defined]
            db.commit()

    def history(self, user_id: int) -> list[int]:
        """Product ids, newest first."""
        return _newest(self.engine, Viewed, user_id)[: self.keep]

    def is_saved(self, user_id: int, product_id: int) -> bool:
        with session(self.engine) as db:
            return db.get(Favourite, (user_id, product_id)) is not None

    def toggle(self, user_id: int, product_id: int) -> bool | None:
        """Star or unstar a product; True when it is now saved, None when the list is full."""
        with session(self.engine) as db:
            row = db.get(Favourite, (user_id, product_id))
            if row is not None:
                db.delete(row)
                db.commit()
                return False
            mine = select(func.count()).select_from(Favourite).where(Favourite.user_id == user_id)
            count = db.exec(mine).one()
            if count >= SAVED_LIMIT:
                return None
            db.add(Favourite(user_id=user_id, product_id=product_id))
            db.commit()
            return True

    def saved(self, user_id: int) -> list[int]:
        """Starred product ids, most recently starred first."""
        return _newest(self.engine, Favourite, user_id)


def _newest(engine: Engine, table: type[Viewed] | type[Favourite], user_id: int) -> list[int]:
    """A shopper's product ids in one of the two lists, newest first."""
    with session(engine) as db:
        return list(
            db.exec(
                select(table.product_id)
                .where(table.user_id == user_id)
                .order_by(table.at.desc(), table.product_id.desc())  # type: ignore[attr-defined]
            )
        )
