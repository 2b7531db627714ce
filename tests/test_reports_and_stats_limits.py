"""Report limits that hold under simultaneous taps, forged report data refused, figures over a
period a person asked for (capped, strict dates), times in Hà Nội."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot import actions
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.i18n import Messages
from catalog import stats
from catalog.db import session
from catalog.models import Report
from catalog.reports import MAX_REPORTS_PER_DAY, ReportBook
from catalog.service import CatalogService, hanoi_time
from tests.conftest import TODAY, make_core

ADMIN = 9001
UNKNOWN = "9529999999993"  # valid check digit, not in the catalog


@pytest.fixture
def core(engine: Engine, catalog: CatalogService) -> Core:
    return make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(10**6, 10**6),
        photo_guard=FloodGuard(10**6, 10**6),
    )


def reports_of(engine: Engine, user: int) -> int:
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(Report).where(Report.user_id == user)).one()


def test_sixteen_simultaneous_taps_open_at_most_the_daily_limit(core: Core, engine: Engine) -> None:
    tap = actions.ReportMissing(UNKNOWN).pack()
    barrier = threading.Barrier(16)
    errors: list[BaseException] = []

    def press() -> None:
        try:
            barrier.wait()
            core.handle(Incoming(77, callback=tap))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert reports_of(engine, 77) == MAX_REPORTS_PER_DAY


def test_forged_report_data_with_a_wrong_check_digit_opens_nothing(core: Core, engine: Engine) -> None:
    [reply] = core.handle(Incoming(78, callback="rm:9529999999994"))
    assert reply.text == Messages("vi")("errors.button_expired")
    assert reports_of(engine, 78) == 0


def test_a_huge_stats_range_is_refused_quickly_with_a_clear_message(core: Core) -> None:
    [reply] = core.handle(Incoming(ADMIN, text="/stats 1900-01-01 2099-12-31"))
    assert "367" in reply.text and "/stats 2026-01-01 2026-06-30" in reply.text
    [reply] = core.handle(Incoming(ADMIN, text="/stats 0001-01-01 9999-12-31"))
    assert "367" in reply.text


@pytest.mark.parametrize("text", ["03/04/2027", "2027-4-3", "3.4.2027"])
def test_ambiguous_dates_are_refused_naming_the_format(text: str) -> None:
    with pytest.raises(ValueError):
        stats.period(TODAY, text)
    assert stats.period(TODAY, "2026-01-01", "2026-06-30") == (date(2026, 1, 1), date(2026, 6, 30))


def test_report_times_are_shown_in_hanoi(core: Core, engine: Engine) -> None:
    report = ReportBook(engine).open("missing", 79, 79, gtin=UNKNOWN)
    with session(engine) as db:
        stored = db.get(Report, report.id)
        stored.created_at = datetime(2026, 11, 24, 20, 30, tzinfo=UTC)  # 03:30 next day in Hà Nội
        db.add(stored)
        db.commit()
    texts = "\n".join(r.text for r in core.handle(Incoming(ADMIN, text="/reports")))
    assert "2026-11-25 03:30" in texts and "2026-11-24 20:30" not in texts
    assert hanoi_time(datetime(2026, 1, 1, 17, 0)).hour == 0
