"""Shopper reports and the admin audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text as text_sql
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from catalog.db import session
from catalog.models import AdminAction, Report

MAX_REPORTS_PER_DAY = 5


class ReportBook:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open_limited(
        self,
        kind: str,
        user_id: int,
        chat_id: int,
        gtin: str | None = None,
        product_id: int | None = None,
        text: str = "",
        **about: str,
    ) -> Report | None:
        """Open a report unless the user already has MAX_REPORTS_PER_DAY in 24 hours; the count
        and the insert are one transaction that holds a write lock (SQLite) or a per-user
        advisory lock (PostgreSQL), so simultaneous taps cannot all pass the check."""
        since = datetime.now(UTC) - timedelta(days=1)
        with session(self.engine) as db:
            if self.engine.dialect.name == "postgresql":
                db.exec(text_sql("SELECT pg_advisory_xact_lock(:k)"), params={"k": user_id})  # type: ignore[call-overload]
            else:  # a write first: SQLite takes the database's write lock for the transaction
                db.exec(text_sql("UPDATE report SET id = id WHERE 0 = 1"))  # type: ignore[call-overload]
            count = db.exec(
                select(func.count())
                .select_from(Report)
                .where(Report.user_id == user_id, Report.created_at >= since)
            ).one()
            if count >= MAX_REPORTS_PER_DAY:
                db.rollback()
                return None
            report = Report(
                kind=kind,
                user_id=user_id,
                chat_id=chat_id,
                gtin=gtin,
                product_id=product_id,
                text=text[:500],
                **about,  # reporter_name, reporter_username, locale
            )
            db.add(report)
            db.commit()
            db.refresh(report)
            return report

    def open(
        self,
        kind: str,
        user_id: int,
        chat_id: int,
        gtin: str | None = None,
        product_id: int | None = None,
        text: str = "",
    ) -> Report:
        report = Report(
            kind=kind, user_id=user_id, chat_id=chat_id, gtin=gtin, product_id=product_id, text=text[:500]
        )
        with session(self.engine) as db:
            db.add(report)
            db.commit()
            db.refresh(report)
        return report

    def get(self, report_id: int) -> Report | None:
        with session(self.engine) as db:
            return db.get(Report, report_id)

    def update(self, report_id: int, user_id: int | None = None, **values: object) -> Report | None:
        """Change a report; ``user_id`` (when given) must be its reporter."""
        with session(self.engine) as db:
            report = db.get(Report, report_id)
            if report is None or (user_id is not None and report.user_id != user_id):
                return None
            for key, value in values.items():
                setattr(report, key, value)
            db.add(report)
            db.commit()
            db.refresh(report)
            return report

    def close(self, report_id: int, admin_id: int, status: str) -> Report | None:
        with session(self.engine) as db:
            report = db.get(Report, report_id)
            if report is None or report.status != "open":
                return None
            report.status, report.closed_by, report.closed_at = status, admin_id, datetime.now(UTC)
            db.add(report)
            db.commit()
            db.refresh(report)
            return report

    def open_reports(self, limit: int = 10) -> list[Report]:
        """The oldest open reports, in the order they came."""
        with session(self.engine) as db:
            return list(
                db.exec(select(Report).where(Report.status == "open").order_by(Report.id).limit(limit))
            )

    def open_page(self, kind: str | None, before: int, limit: int) -> tuple[list[Report], bool]:
        """Open reports newest first (of one ``kind``, or all), with ids below ``before`` when it
        is not 0, and whether older ones follow. Paging by id, not by offset, so reports
        arriving while an officer pages do not shift or repeat entries."""
        query = select(Report).where(Report.status == "open")
        if kind:
            query = query.where(Report.kind == kind)
        if before:
            query = query.where(Report.id < before)  # type: ignore[operator]
        with session(self.engine) as db:
            found = list(db.exec(query.order_by(Report.id.desc()).limit(limit + 1)))  # type: ignore[union-attr]
        return found[:limit], len(found) > limit

    def open_counts(self) -> dict[str, int]:
        """How many reports of each kind are open."""
        with session(self.engine) as db:
            rows = db.exec(
                select(Report.kind, func.count()).where(Report.status == "open").group_by(Report.kind)
            ).all()
        return {kind: int(n) for kind, n in rows}


def log_admin(engine: Engine, user_id: int, action: str, detail: str = "") -> None:
    """Record an admin action (also logged by the caller)."""
    with session(engine) as db:
        db.add(AdminAction(user_id=user_id, action=action, detail=detail[:500]))
        db.commit()
