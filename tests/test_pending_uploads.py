"""An officer's checked upload waits in the database for 15 minutes, one per officer: a new
upload replaces the waiting one and says so, and an expired one is deleted by a timer."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.admin.uploads import UPLOAD_TTL, PendingUploads
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.i18n import Messages
from bot.replies import Reply
from catalog.models import ConversationState, Product
from catalog.service import CatalogService
from catalog.state import StateStore
from handlers.app import state_upkeep
from tests.conftest import make_core
from tests.samples import GOOD, HEADER

ADMIN = 9001
VI = Messages("vi")
OTHER = GOOD.replace("9529999999993", "9529999999986").replace("Rau thử", "Rau khác")


def clocked_core(engine: Engine, catalog: CatalogService, now: list[float]) -> Core:
    core = make_core(
        engine,
        catalog,
        admin_ids=frozenset({ADMIN}),
        guard=FloodGuard(1000, 100),
        photo_guard=FloodGuard(1000, 100),
    )
    core.state = StateStore(engine, clock=lambda: now[0])
    core.admin.uploads = PendingUploads(core.state)
    return core


def upload(core: Core, name: str, row: str = GOOD) -> Reply:
    [reply] = core.handle(Incoming(ADMIN, document=f"{HEADER}\n{row}\n".encode(), document_name=name))
    return reply


def kept_uploads(engine: Engine) -> int:
    with engine.connect() as conn:
        stmt = select(func.count()).select_from(ConversationState).where(ConversationState.kind == "upload")
        return conn.execute(stmt).scalar_one()


def products_named(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(Product).where(Product.name_vi == name)
        ).scalar_one()


def test_a_new_upload_replaces_the_waiting_one_and_says_so(engine: Engine, catalog: CatalogService) -> None:
    core = clocked_core(engine, catalog, [1_000_000.0])
    first = upload(core, "first.csv")
    assert not first.text.startswith(VI("admin.upload_replaces", old="first.csv"))
    second = upload(core, "second.csv", OTHER)
    assert second.text.startswith(VI("admin.upload_replaces", old="first.csv"))
    assert kept_uploads(engine) == 1  # at most one per officer
    [old] = core.handle(Incoming(ADMIN, callback=first.buttons[0][0].data))
    assert old.text == VI("admin.import_expired") and products_named(engine, "Rau thử") == 0
    [done] = core.handle(Incoming(ADMIN, callback=second.buttons[0][0].data))
    assert done.text == VI("admin.imported", name="second.csv", p_added=1, p_changed=0)
    assert products_named(engine, "Rau khác") == 1
    third = upload(core, "third.csv")  # the confirmed one is not "replaced"
    assert not third.text.startswith(VI("admin.upload_replaces", old="second.csv"))


def test_an_unconfirmed_upload_expires_after_15_minutes_and_a_timer_deletes_it(
    engine: Engine, catalog: CatalogService
) -> None:
    now = [1_000_000.0]
    core = clocked_core(engine, catalog, now)
    summary = upload(core, "late.csv")
    assert kept_uploads(engine) == 1
    now[0] += UPLOAD_TTL - 30
    context = SimpleNamespace(bot_data=SimpleNamespace(ready=SimpleNamespace(core=core)))
    import asyncio

    asyncio.run(state_upkeep(context))  # type: ignore[arg-type]
    assert kept_uploads(engine) == 1  # still waiting
    now[0] += 60
    asyncio.run(state_upkeep(context))  # type: ignore[arg-type]
    assert kept_uploads(engine) == 0  # the file is gone from the database, not only refused
    [late] = core.handle(Incoming(ADMIN, callback=summary.buttons[0][0].data))
    assert late.text == VI("admin.import_expired") and products_named(engine, "Rau thử") == 0


def test_checking_an_upload_writes_nothing_to_the_catalog(engine: Engine, catalog: CatalogService) -> None:
    core = clocked_core(engine, catalog, [1_000_000.0])
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(Product)).scalar_one()
    summary = upload(core, "new.csv")
    assert summary.all_buttons()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Product)).scalar_one() == before
    assert products_named(engine, "Rau thử") == 0
