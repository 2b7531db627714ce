"""Usage figures for the department's six-monthly report."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, distinct
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from catalog import safecsv
from catalog.db import session
from catalog.models import Certification, Product, Report, UsageDay, UsageEvent
from catalog.service import HANOI

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TOP = 10
DEFAULT_DAYS = 30
# Usage rows that are not lookups: a daily tip sent, a product card opened from a list, a
# link or /history (counted for "most looked-up products", not as a search).
NOT_LOOKUPS = ("tip", "open")


@dataclass
class Stats:
    start: date
    end: date
    users: int = 0
    new_users: int = 0
    lookups: int = 0
    found: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    per_day: list[tuple[date, int, int]] = field(default_factory=list)  # day, lookups, found
    top_products: list[tuple[str, int]] = field(default_factory=list)
    top_labels: list[tuple[str, int]] = field(default_factory=list)
    top_missing: list[tuple[str, int]] = field(default_factory=list)
    tips_sent: int = 0
    reports_opened: int = 0
    reports_resolved: int = 0

    @property
    def hit_rate(self) -> float:
        return self.found / self.lookups if self.lookups else 0.0


MAX_DAYS = 367  # a year and a day


def period(today: date, first: str | None = None, last: str | None = None) -> tuple[date, date]:
    """The days a report covers, from YYYY-MM-DD texts: by default the 30 days up to today.

    Dates given in the wrong order are swapped. Raises ValueError for a text that is not a date.
    """
    start = _day(first) if first else today - timedelta(days=DEFAULT_DAYS - 1)
    end = _day(last) if last else today
    start, end = min(start, end), max(start, end)
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodTooLong(start, end)
    return start, end


class PeriodTooLong(ValueError):
    """More days than one report covers (a year and a day, for the six-monthly report)."""

    def __init__(self, start: date, end: date) -> None:
        super().__init__(f"{start}..{end} is longer than {MAX_DAYS} days")
        self.start, self.end = start, end


def _day(text: str) -> date:
    """Only YYYY-MM-DD: ``03/04/2027`` could be either month, so it is refused, not guessed."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return date.fromisoformat(text.strip())


def compute(engine: Engine, start: date, end: date) -> Stats:
    """Figures for the days from ``start`` to ``end`` inclusive (Hà Nội days).

    Counted by the database (GROUP BY), so a year of usage is a few hundred grouped rows
    in memory, not one Python object per lookup.
    """
    stats = Stats(start, end)
    ev = UsageEvent
    in_range = (ev.day >= start, ev.day <= end)
    with session(engine) as db:
        found_sum = func.sum(case((ev.found, 1), else_=0))
        per_day_kind = db.exec(
            select(ev.day, ev.kind, func.count(), found_sum).where(*in_range).group_by(ev.day, ev.kind)
        ).all()
        by_kind: Counter[str] = Counter()
        days: dict[date, list[int]] = {}
        for day, kind, n, found in per_day_kind:
            if kind == "tip":
                stats.tips_sent += n
            if kind in NOT_LOOKUPS:
                continue
            by_kind[kind] += n
            stats.lookups += n
            stats.found += int(found or 0)
            days.setdefault(day, [0, 0])
            days[day][0] += n
            days[day][1] += int(found or 0)
        stats.by_kind = dict(sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0])))
        stats.per_day = [(d, v[0], v[1]) for d, v in sorted(days.items())]
        known = ev.user_id.is_not(None)  # type: ignore[union-attr]
        stats.users = db.exec(select(func.count(distinct(ev.user_id))).where(*in_range, known)).one()
        first_days = select(ev.user_id).where(known).group_by(ev.user_id)
        stats.new_users = db.exec(
            select(func.count()).select_from(
                first_days.having(func.min(ev.day) >= start, func.min(ev.day) <= end).subquery()
            )
        ).one()
        # days whose lookups lost their user ids (privacy retention) count from their day totals
        for past in db.exec(select(UsageDay).where(UsageDay.day >= start, UsageDay.day <= end)):
            stats.users += past.users
            stats.new_users += past.new_users
        # a product counts when its card was shown (a lookup answered with the card, or a card
        # opened from a list), never for being the top hit of a list the shopper only saw
        products = Counter(
            dict(
                db.exec(
                    select(ev.product_id, func.count())
                    .where(*in_range, ev.kind != "tip", ev.found, ev.product_id.is_not(None))  # type: ignore[union-attr]
                    .group_by(ev.product_id)
                ).all()
            )
        )
        top = sorted(products.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        shown = [pid for pid, _ in top]
        named = select(Product.id, Product.name_vi).where(Product.id.in_(shown))  # type: ignore[union-attr]
        names = dict(db.exec(named).all()) if shown else {}
        stats.top_products = [(names.get(pid, f"#{pid}"), n) for pid, n in top]
        labels: Counter[str] = Counter()
        if products:
            for pid, code in db.exec(
                select(Certification.product_id, Certification.label_code).where(
                    Certification.product_id.in_(list(products))  # type: ignore[union-attr]
                )
            ).all():
                labels[code] += products[pid]
        stats.top_labels = sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        missing = (
            select(ev.gtin, func.count())
            .where(*in_range, ev.kind.not_in(NOT_LOOKUPS), ev.found.is_(False))  # type: ignore[attr-defined]
            .where(ev.gtin.is_not(None), ev.gtin != "")  # type: ignore[union-attr]
            .group_by(ev.gtin)
            .order_by(func.count().desc(), ev.gtin)
            .limit(TOP)
        )
        stats.top_missing = [(str(g), int(n)) for g, n in db.exec(missing).all()]
        # reports by Hà Nội day, like the lookups
        lo = datetime.combine(start, time.min, HANOI).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time.min, HANOI).astimezone(UTC)
        stats.reports_opened = db.exec(
            select(func.count()).select_from(Report).where(Report.created_at >= lo, Report.created_at < hi)
        ).one()
        stats.reports_resolved = db.exec(
            select(func.count())
            .select_from(Report)
            .where(Report.status == "resolved", Report.closed_at >= lo, Report.closed_at < hi)  # type: ignore[operator]
        ).one()
    return stats


def to_csv(stats: Stats) -> str:
    """One row per figure, for a spreadsheet (UTF-8 BOM, formula-like cells neutralised)."""
    rows: list[list[object]] = [["section", "key", "value"]]
    for key in ("users", "new_users", "lookups", "found", "tips_sent", "reports_opened", "reports_resolved"):
        rows.append(["total", key, getattr(stats, key)])
    rows.append(["total", "hit_rate", f"{stats.hit_rate:.3f}"])
    for kind, n in stats.by_kind.items():
        rows.append(["by_kind", kind, n])
    for day, n, found in stats.per_day:
        rows.append(["per_day", day.isoformat(), n])
        rows.append(["found_per_day", day.isoformat(), found])
    for section, items in (
        ("top_product", stats.top_products),
        ("top_label", stats.top_labels),
        ("top_missing_barcode", stats.top_missing),
    ):
        for key, n in items:
            rows.append([section, key, n])
    return safecsv.to_csv(rows)  # product names and codes come from outside: neutralised


def chart_png(stats: Stats, title: str, lookups_label: str, rate_label: str) -> bytes:
    """Lookups per day (bars) and hit rate (line) over every day of the period, as a PNG."""
    from matplotlib import pyplot as plt

    fig = chart_figure(stats, title, lookups_label, rate_label)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def chart_figure(stats: Stats, title: str, lookups_label: str, rate_label: str) -> Figure:
    """The chart: whole lookups on the left axis (no half-lookups on a quiet month), the hit
    rate in percent on the right, as the text says it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

    counts = {d: (n, f) for d, n, f in stats.per_day}
    days = [stats.start + timedelta(days=i) for i in range((stats.end - stats.start).days + 1)]
    totals = [counts.get(d, (0, 0))[0] for d in days]
    rates = [100 * counts[d][1] / counts[d][0] if counts.get(d, (0, 0))[0] else None for d in days]
    fig, ax = plt.subplots(figsize=(9, 4), dpi=100)
    ax.bar(days, totals, color="#6aa84f", width=0.8)
    ax.set_ylabel(lookups_label)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_title(title)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m"))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=12))
    rate = ax.twinx()
    rate.plot(
        [d for d, r in zip(days, rates, strict=True) if r is not None],
        [r for r in rates if r is not None],
        color="#1f4e79",
        marker="o",
        linewidth=1.5,
    )
    rate.set_ylim(0, 105)
    rate.yaxis.set_major_locator(MultipleLocator(25))
    rate.yaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    rate.set_ylabel(rate_label)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
