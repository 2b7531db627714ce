"""Counting lookups for the six-monthly report, without keeping what people typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine

from catalog.db import session
from catalog.models import Lookup


class UsageLog:
    """Appends one row per lookup."""

    def __init__(self, engine: Engine, today: Callable[[], date]) -> None:
        self.engine = engine
        self.today = today

    def record(
        self,
        user_id: int,
        kind: str,
        found: bool,
        locale: str,
        product_id: int | None = None,
        label_code: str | None = None,
        gtin: str | None = None,
    ) -> None:
        with session(self.engine) as db:
            db.add(
                Lookup(
                    day=self.today(),
                    user_id=user_id,
                    kind=kind,
                    found=found,
                    product_id=product_id,
                    label_code=label_code,
                    gtin=None if found else gtin,
                    locale=locale,
                )
            )
            db.commit()
