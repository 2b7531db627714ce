"""A shopper Telegram will not deliver to (blocked the bot, account deleted, chat gone) is
marked at the first refusal: their daily tips stop and nothing is sent to them until they
write again. Through the real bot stack polling the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot import actions
from bot.config import Settings
from bot.i18n import Messages
from bot.services import Services, build_services
from catalog.db import session
from catalog.models import Shopper, Subscription
from handlers.app import build_application
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi

SHOPPER, OFFICER = 7_300_001, 7_300_900
t = Messages("vi")


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(
        Settings(database_url=db_url, admin_ids=frozenset({OFFICER}), _env_file=None),  # type: ignore[call-arg]
        seed=False,
        scanner=False,
    )
    yield built
    built.close()


@pytest.fixture
async def bot(server: FakeBotApi, services: Services) -> AsyncIterator[Any]:
    settings = Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        admin_ids=frozenset({OFFICER}),
        _env_file=None,
    )
    app = build_application(settings, services=services)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    yield app
    await app.updater.stop()  # type: ignore[union-attr]
    await app.stop()
    await app.shutdown()


def reported(services: Services) -> int:
    """A missing-product report by the shopper, who asked to be told when it is handled."""
    report = services.core.reports.open("missing", SHOPPER, SHOPPER, gtin="9520000099996")
    assert report.id is not None
    services.core.reports.update(report.id, notify=True)
    return report.id


def shopper(services: Services) -> Shopper | None:
    with session(services.engine) as db:
        return db.get(Shopper, SHOPPER)


async def eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time")


def to_shopper(server: FakeBotApi) -> list[str]:
    return [m["text"] for m in server.state.sent("sendMessage") if int(m["chat_id"]) == SHOPPER]


@pytest.mark.parametrize(
    "refusal",
    [
        tg.ApiError(403, "Forbidden: bot was blocked by the user"),
        tg.ApiError(403, "Forbidden: user is deactivated"),
        tg.ApiError(400, "Bad Request: chat not found"),
    ],
    ids=["blocked", "deactivated", "chat-not-found"],
)
async def test_an_unreachable_shopper_is_marked_and_left_alone_until_they_write(
    server: FakeBotApi, services: Services, bot: Any, refusal: tg.ApiError
) -> None:
    first, second, third = reported(services), reported(services), reported(services)
    services.core.subscriptions.subscribe(SHOPPER, SHOPPER, 7, "vi")
    server.state.gone[SHOPPER] = refusal

    await server.push(tg.callback(actions.DismissReport(first).pack(), user_id=OFFICER))
    [done] = await server.wait_for("editMessageText", 1)
    assert done["text"].startswith(t("admin.dismissed", id=first))  # the officer is answered
    await server.wait_for("refused:sendMessage", 1)
    await eventually(lambda: (s := shopper(services)) is not None and s.unreachable_at is not None)
    with session(services.engine) as db:
        assert db.get(Subscription, SHOPPER) is None  # daily tips stop at the first refusal

    await server.push(tg.callback(actions.DismissReport(second).pack(), user_id=OFFICER))
    await server.wait_for("editMessageText", 2)
    assert len(server.state.sent("refused:sendMessage")) == 1  # not even tried again
    assert not to_shopper(server)

    del server.state.gone[SHOPPER]  # they unblocked the bot and write again
    await server.push(tg.text("gao st25 hat ngoc", user_id=SHOPPER))
    await eventually(lambda: bool(to_shopper(server)))
    back = shopper(services)
    assert back is not None and back.unreachable_at is None
    assert not server.state.sent("refused:sendMessage")[1:]

    await server.push(tg.callback(actions.DismissReport(third).pack(), user_id=OFFICER))
    await eventually(lambda: to_shopper(server)[-1:] == [t("report.dismissed_notice", id=third)])
