"""Fuzzing the two doors anyone can knock on: the catalog importer and ``Core.handle``.

Random bytes, random Unicode and random button data must never raise, never write half a
file, and every reply must still fit Telegram's limits.
"""

from __future__ import annotations

import contextlib
import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot import actions
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.replies import MAX_TEXT, utf16_len
from catalog.datafile import DataFileError
from catalog.db import session
from catalog.models import Certification, Product
from catalog.rows import COLUMNS, DataValidationError
from catalog.service import CatalogService
from tests.conftest import make_core
from tests.samples import GOOD, HEADER, parse

ADMIN = 9001
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TAGS = sorted({cls.TAG for cls in actions.ACTIONS})


def admin_core(engine: Engine, catalog: CatalogService) -> Core:
    return make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(10**6, 10**6),
        photo_guard=FloodGuard(10**6, 10**6),
    )


def snapshot(engine: Engine) -> tuple[int, int]:
    with session(engine) as db:
        return (
            db.exec(select(func.count()).select_from(Product)).one(),
            db.exec(select(func.count()).select_from(Certification)).one(),
        )


def check_replies(replies: list) -> None:  # type: ignore[type-arg]
    for reply in replies:
        assert utf16_len(reply.text) <= MAX_TEXT


def csv_row(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


cell = st.text(st.characters(codec="utf-8"), max_size=30)
messy_file = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.lists(cell, min_size=1, max_size=17), max_size=6).map(
        lambda rows: (HEADER + "\n" + "".join(csv_row(r) for r in rows)).encode("utf-8")
    ),
    st.lists(st.tuples(st.sampled_from(COLUMNS), cell), max_size=6).map(
        lambda edits: (HEADER + "\n" + GOOD + "\n" + csv_row([v for _, v in edits])).encode(
            "utf-8", "replace"
        )
    ),
)


@FUZZ
@given(data=messy_file)
def test_the_importer_answers_any_file_with_a_result_or_a_clear_error(data: bytes) -> None:
    with contextlib.suppress(DataFileError, DataValidationError):
        parse(data)


@FUZZ
@given(data=messy_file)
def test_an_upload_of_any_file_never_raises_and_writes_nothing(
    engine: Engine, catalog: CatalogService, data: bytes
) -> None:
    core = admin_core(engine, catalog)
    before = snapshot(engine)
    replies = core.handle(Incoming(ADMIN, document=data, document_name="fuzz.csv"))
    check_replies(replies)
    assert snapshot(engine) == before  # a check writes nothing; only the confirm button does


button = st.one_of(
    st.text(max_size=70),
    st.builds(lambda tag, arg: f"{tag}:{arg}", st.sampled_from(TAGS), st.text(max_size=40)),
    st.builds(lambda tag, n: f"{tag}:{n}", st.sampled_from(TAGS), st.integers(-(10**12), 10**12)),
)


@FUZZ
@given(text=st.text(max_size=300), callback=button, admin=st.booleans())
def test_core_handle_never_raises(
    engine: Engine, catalog: CatalogService, text: str, callback: str, admin: bool
) -> None:
    core = admin_core(engine, catalog)
    user = ADMIN if admin else 4242
    check_replies(core.handle(Incoming(user, text=text)))
    check_replies(core.handle(Incoming(user, callback=callback)))
    check_replies(core.handle(Incoming(user, text=text, image=text.encode("utf-8", "replace"))))
