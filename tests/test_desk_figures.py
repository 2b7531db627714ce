"""The department's figures: up to the last second, cards opened (not top hits), a chart a
person can read, and the same figures as a spreadsheet file."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot import actions
from bot.core import Core, Incoming
from bot.i18n import Messages
from catalog import stats
from catalog.db import session
from catalog.models import Report, UsageEvent
from catalog.reports import ReportBook
from tests import test_reports_and_stats_limits as limits
from tests.conftest import TODAY
from tests.texts import says

ADMIN = limits.ADMIN
VI = Messages("vi")
core = limits.core  # the fixture: a core with an officer (ADMIN) and no flood limits


def test_stats_include_lookups_made_a_moment_ago(core: Core) -> None:
    core.usage.flush()  # the buffer has just been written: the next rows wait for a second
    core.handle(Incoming(1, text="gao st25 hat ngoc"))
    core.handle(Incoming(2, text="8935049500933"))
    assert core.usage.pending == 2
    [text, _chart] = core.handle(Incoming(ADMIN, text="/stats"))
    assert says(text.text, "admin.stats", lookups=2, hit_rate=50)


def test_most_looked_up_counts_cards_opened_not_the_top_hit_of_a_list(core: Core, engine: Engine) -> None:
    [listing] = core.handle(Incoming(1, text="sua"))  # a list, no card
    opened = [actions.parse(b.data) for b in listing.all_buttons()]
    picks = [a for a in opened if isinstance(a, actions.ShowProduct)]
    assert len(picks) >= 2, "the query must give a list"
    second = picks[1].product_id
    core.handle(Incoming(1, callback=picks[1].pack()))
    core.handle(Incoming(2, callback=picks[1].pack()))
    core.usage.flush()
    s = stats.compute(engine, TODAY, TODAY)
    name = core.catalog.card(second).product.name_vi  # type: ignore[union-attr]
    assert s.top_products == [(name, 2)]
    assert s.lookups == 1  # opening a card from the list is not a second search


def test_chart_counts_whole_lookups_and_shows_the_hit_rate_in_percent(engine: Engine) -> None:
    s = stats.Stats(TODAY, TODAY, lookups=2, found=1, per_day=[(TODAY, 2, 1)])
    fig = stats.chart_figure(s, "t", "lookups", "rate")
    fig.canvas.draw()
    bars, rate = fig.axes
    assert all(float(v).is_integer() for v in bars.get_yticks())
    labels = [x.get_text() for x in rate.get_yticklabels()]
    assert "50%" in labels and "100%" in labels
    assert rate.get_ylim()[1] > 100


def test_stats_csv_is_a_spreadsheet_safe_file_of_the_same_figures(core: Core, engine: Engine) -> None:
    core.handle(Incoming(1, text="=HYPERLINK(1)"))
    core.handle(Incoming(1, text="9529999999993"))  # a barcode that is missing
    [reply] = core.handle(Incoming(ADMIN, text=f"/stats csv {TODAY} {TODAY}"))
    assert reply.attachment is not None and reply.attachment.kind == "document"
    assert reply.attachment.filename == f"ecolabel-stats-{TODAY}-{TODAY}.csv"
    assert reply.text == VI("admin.stats_csv_caption", start=str(TODAY), end=str(TODAY))
    data = reply.attachment.data.decode("utf-8")
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert ["total", "lookups", "2"] in rows and ["top_missing_barcode", "9529999999993", "1"] in rows
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    [bad] = core.handle(Incoming(ADMIN, text="/stats csv 03/04/2027"))
    assert bad.text == VI("admin.stats_bad_dates")


def test_reports_are_counted_by_hanoi_day_like_the_lookups(engine: Engine) -> None:
    report = ReportBook(engine).open("missing", 79, 79, gtin="9529999999993")
    with session(engine) as db:
        stored = db.get(Report, report.id)
        assert stored is not None
        stored.created_at = datetime(2026, 11, 24, 20, 30, tzinfo=UTC)  # 03:30 on the 25th in Hà Nội
        db.add(stored)
        db.commit()
    assert stats.compute(engine, date(2026, 11, 24), date(2026, 11, 24)).reports_opened == 0
    assert stats.compute(engine, date(2026, 11, 25), date(2026, 11, 25)).reports_opened == 1


def test_figures_from_many_lookups_are_counted_exactly(engine: Engine) -> None:
    rows = [
        {
            "day": TODAY - timedelta(days=i % 3),
            "user_id": i % 7,
            "kind": ("name", "barcode", "tip", "open")[i % 4],
            "found": i % 5 != 0,
            "product_id": 1 + i % 2 if i % 5 != 0 else None,
            "gtin": None if i % 5 != 0 else f"95299999999{i % 2}3",
            "locale": "vi",
        }
        for i in range(200)
    ]
    with session(engine) as db:
        db.execute(insert(UsageEvent), rows)
        db.commit()
    s = stats.compute(engine, TODAY - timedelta(days=2), TODAY)
    lookups = [r for r in rows if r["kind"] in ("name", "barcode")]
    assert s.lookups == len(lookups) and s.found == sum(1 for r in lookups if r["found"])
    assert s.tips_sent == 50 and s.users == 7 and s.new_users == 7
    assert sum(n for _, n, _ in s.per_day) == s.lookups and len(s.per_day) == 3
    shown = [r["product_id"] for r in rows if r["kind"] != "tip" and r["found"]]
    assert sorted(n for _, n in s.top_products) == sorted(shown.count(p) for p in set(shown))
    missing = [r["gtin"] for r in lookups if not r["found"]]
    assert dict(s.top_missing) == {g: missing.count(g) for g in set(missing)}


def test_a_new_user_is_one_first_seen_in_the_period(engine: Engine) -> None:
    day = TODAY - timedelta(days=10)
    rows = [(1, day), (1, TODAY), (2, TODAY), (3, day)]  # 1 came back, 2 is new, 3 did not come back
    with session(engine) as db:
        events = [{"day": d, "user_id": u, "kind": "name", "found": True} for u, d in rows]
        db.execute(insert(UsageEvent), events)
        db.commit()
    recent = stats.compute(engine, TODAY - timedelta(days=1), TODAY)
    assert (recent.users, recent.new_users) == (2, 1)
    whole = stats.compute(engine, day, TODAY)
    assert (whole.users, whole.new_users) == (3, 3)
