"""The department's figures: up to the last second, cards opened (not top hits), a chart a
person can read, and the same figures as a spreadsheet file."""

from __future__ import annotations

import csv
import io

from sqlalchemy.engine import Engine

from bot import actions
from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import plain
from catalog import stats
from tests import test_reports_and_stats_limits as limits
from tests.conftest import TODAY

ADMIN = limits.ADMIN
VI = Messages("vi")
core = limits.core  # the fixture: a core with an officer (ADMIN) and no flood limits


def test_stats_include_lookups_made_a_moment_ago(core: Core) -> None:
    core.usage.flush()  # the buffer has just been written: the next rows wait for a second
    core.handle(Incoming(1, text="gao st25 hat ngoc"))
    core.handle(Incoming(2, text="8935049500933"))
    assert core.usage.pending == 2
    [text, _chart] = core.handle(Incoming(ADMIN, text="/stats"))
    assert "Lượt tra cứu: 2 · tìm thấy: 50%" in plain(text.text)


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
