"""Conversation state in the database: every step a shopper or an officer started carries on
after a restart and on another worker (here: a second, independently built core on the same
database), and expires when it should."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from sqlmodel import select

from bot import actions
from bot.actions import parse
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.replies import Reply, plain
from catalog.db import make_engine, session
from catalog.models import ConversationState, Report
from catalog.privacy import forget
from catalog.service import CatalogService
from catalog.state import StateStore
from tests.conftest import TODAY, make_core
from tests.test_import_export import GOOD, HEADER
from tests.texts import says

ADMIN = 9001
SHOPPER = 7_000_000_042  # Telegram ids past 32 bits


def worker(db_url: str) -> Core:
    """A core built from scratch on the database, as a restarted or another worker has."""
    engine = make_engine(db_url)
    return make_core(
        engine,
        CatalogService(engine, today=lambda: TODAY),
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(1000, 100),
        photo_guard=FloodGuard(1000, 100),
    )


def say(core: Core, user: int, **kw: object) -> list[Reply]:
    return core.handle(Incoming(user, **kw))  # type: ignore[arg-type]


@pytest.fixture
def two(db_url: str) -> tuple[Core, Core]:
    first, second = worker(db_url), worker(db_url)
    yield first, second
    first.shoppers.engine.dispose()
    second.shoppers.engine.dispose()


def test_more_results_work_on_another_worker(two: tuple[Core, Core]) -> None:
    a, b = two
    [listing] = say(a, SHOPPER, text="sua")
    more = listing.all_buttons()[-1]
    pressed = parse(more.data)
    assert isinstance(pressed, actions.MoreResults) and pressed.offset == 5
    [page] = say(b, SHOPPER, callback=more.data)
    assert page.edit and "6" in plain(page.text)
    assert [x.data for x in page.all_buttons()] != [x.data for x in listing.all_buttons()]


def test_a_label_report_reason_typed_after_a_restart_is_filed(two: tuple[Core, Core]) -> None:
    a, b = two
    [card] = say(a, SHOPPER, text="gao st25 hat ngoc")
    report = next(x for x in card.all_buttons() if isinstance(parse(x.data), actions.ReportLabel))
    [_ask] = say(a, SHOPPER, callback=report.data)
    [thanks] = say(b, SHOPPER, text="the logo on the bag is different")
    with session(b.shoppers.engine) as db:
        [filed] = db.exec(select(Report).where(Report.user_id == SHOPPER)).all()
    assert says(thanks.text, "report.thanks", id=filed.id)
    assert filed.kind == "label" and filed.text == "the logo on the bag is different"
    [search] = say(b, SHOPPER, text="gao st25 hat ngoc")  # the step is over: a search again
    assert "Gạo ST25" in plain(search.text)


def test_an_upload_confirmed_on_another_worker_is_imported_once(two: tuple[Core, Core]) -> None:
    a, b = two
    [summary] = say(a, ADMIN, document=f"{HEADER}\n{GOOD}\n".encode(), document_name="new.csv")
    confirm = summary.buttons[0][0]
    with session(a.shoppers.engine) as db:
        [kept] = db.exec(select(ConversationState).where(ConversationState.kind == "upload")).all()
    file = zlib.decompress(base64.b64decode(json.loads(kept.payload)["file"]))
    assert "Rau thử" in file.decode() and kept.user_id == ADMIN  # the checked file, in the database
    [done] = say(b, ADMIN, callback=confirm.data)
    assert says(done.text, "admin.imported", name="new.csv")
    [again] = say(a, ADMIN, callback=confirm.data)
    assert says(again.text, "admin.import_expired")
    b.catalog.refresh()
    top = b.catalog.search("rau thu")[0]
    assert b.catalog.cards([top.product_id])[0].product.name_vi == "Rau thử"


def test_values_expire_and_take_is_once(engine) -> None:  # type: ignore[no-untyped-def]
    now = [1_000_000.0]
    store = StateStore(engine, clock=lambda: now[0])
    store.put("await", 5, {"what": "reason", "ref": 3}, ttl=60)
    assert store.get("await", 5) == {"what": "reason", "ref": 3}
    now[0] += 61
    assert store.get("await", 5) is None
    assert store.take("await", 5) is None
    store.put("upload", "tok", {"rows": ["ă", 1]}, ttl=60, user_id=9)
    assert store.take("upload", "tok") == {"rows": ["ă", 1]}
    assert store.take("upload", "tok") is None
    store.put("results", 5, [1, 2], ttl=60)
    store.put("results", 5, [3], ttl=60)  # replaced, not added
    assert store.get("results", 5) == [3]
    now[0] += 10_000
    assert store.purge() == 2  # the expired await and the results


def test_forgetting_a_user_drops_their_state(engine) -> None:  # type: ignore[no-untyped-def]
    store = StateStore(engine)
    store.put("results", SHOPPER, {"query": "x", "ids": [1]}, ttl=60)
    store.put("await", SHOPPER, {"what": "photo", "ref": 1}, ttl=60)
    store.put("results", 11, {"query": "y", "ids": [2]}, ttl=60)
    assert forget(engine, SHOPPER).get("conversationstate") == 2
    assert store.get("results", SHOPPER) is None and store.get("results", 11) is not None


def test_a_language_chosen_on_one_worker_holds_on_another(two: tuple[Core, Core]) -> None:
    a, b = two
    say(b, SHOPPER, text="/help")  # b has seen this user in Vietnamese
    say(a, SHOPPER, callback=actions.SetLanguage("en").pack())
    [reply] = say(b, SHOPPER, text="/help")
    assert "How to use" in plain(reply.text)
