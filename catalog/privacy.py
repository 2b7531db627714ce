"""Forgetting a shopper, and usage records that lose their user ids after a retention.

``forget`` walks every table of the schema, so a table added later that holds a
``user_id`` is covered without changing this module: its rows are deleted, unless the
table is listed in ``ANONYMISE`` (rows the department still needs, stripped of the person).
Admin actions are the department's audit trail of its officers and are kept.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from catalog.db import session
from catalog.models import AdminAction, Report, UsageDay, UsageEvent

ANONYMOUS = 0  # user/chat id left on a report whose reporter asked to be forgotten
# Rows kept for the department, with what identifies the person cleared.
ANONYMISE: dict[str, dict[str, object]] = {
    UsageEvent.__tablename__: {"user_id": None},  # type: ignore[dict-item]
    Report.__tablename__: {  # type: ignore[dict-item]
        "user_id": ANONYMOUS,
        "chat_id": ANONYMOUS,
        "notify": False,
        "photo_ref": None,
        "reporter_name": "",
        "reporter_username": "",
        "locale": None,
    },
}
KEPT = {AdminAction.__tablename__}  # officers' audit trail, not shopper data


def forget(engine: Engine, user_id: int) -> dict[str, int]:
    """Delete or anonymise every row about ``user_id``, in one transaction.

    Returns the number of rows touched per table (tables with none are left out).
    """
    touched: dict[str, int] = {}
    with session(engine) as db:
        for table in SQLModel.metadata.sorted_tables:
            if "user_id" not in table.c or table.name in KEPT:
                continue
            where = table.c.user_id == user_id
            values = ANONYMISE.get(table.name)
            stmt = update(table).where(where).values(**values) if values else delete(table).where(where)
            count = db.connection().execute(stmt).rowcount
            if count:
                touched[table.name] = count
        db.commit()
    return touched


def anonymise_usage(engine: Engine, before: date) -> int:
    """Drop user ids from lookups of days before ``before``, keeping each day's user counts.

    A day's distinct users (and how many of them were seen for the first time that day)
    go to ``UsageDay`` first, so the six-monthly figures survive. Returns rows changed.
    """
    with session(engine) as db:
        rows = db.exec(
            select(UsageEvent.day, UsageEvent.user_id).where(
                UsageEvent.day < before, UsageEvent.user_id.is_not(None)
            )  # type: ignore[union-attr]
        ).all()
        if not rows:
            return 0
        first_seen = dict(
            db.exec(
                select(UsageEvent.user_id, func.min(UsageEvent.day))
                .where(UsageEvent.user_id.is_not(None))  # type: ignore[union-attr]
                .group_by(UsageEvent.user_id)
            ).all()
        )
        per_day: dict[date, set[int]] = {}
        for day, user in rows:
            per_day.setdefault(day, set()).add(user)
        new = Counter(first_seen[u] for users in per_day.values() for u in users if first_seen[u] in per_day)
        for day, users in per_day.items():
            row = db.get(UsageDay, day) or UsageDay(day=day)
            row.users += len(users)
            row.new_users += new.get(day, 0)
            db.add(row)
        changed = (
            db.connection()
            .execute(
                update(UsageEvent)
                .where(UsageEvent.day < before, UsageEvent.user_id.is_not(None))
                .values(user_id=None)  # type: ignore[union-attr,arg-type]
            )
            .rowcount
        )
        db.commit()
    return changed
