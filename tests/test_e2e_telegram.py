"""End to end: the real bot, polling a local fake Bot API server over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from sqlmodel import select

from bot import actions
from bot.config import Settings
from bot.i18n import Messages
from bot.services import Services, build_services
from catalog.db import session
from catalog.models import Product
from handlers.app import WEBHOOK_PATH, build_application
from tests import imaging as im
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi
from tests.texts import says


def settings_for(server: FakeBotApi, **extra: Any) -> Settings:
    return Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        _env_file=None,
        **extra,
    )


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(Settings(database_url=db_url, _env_file=None), seed=False)  # type: ignore[call-arg]
    yield built
    built.close()


async def test_polling_bot_answers_every_kind_of_update(server: FakeBotApi, services: Services) -> None:
    app = build_application(settings_for(server), services=services)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    try:
        assert server.state.sent("setMyCommands")

        await server.push(tg.text("gao st25 hat ngoc"))
        [card] = await server.wait_for("sendMessage", 1)
        assert "Gạo ST25 hữu cơ Hạt Ngọc Đồng Quê" in card["text"]

        with session(services.engine) as db:
            product = db.exec(select(Product).where(Product.gtin.is_not(None))).first()  # type: ignore[union-attr]
        jpeg = im.encode(im.perspective(im.on_canvas(im.linear(product.gtin))), "JPEG", quality=75)
        server.state.add_file("photo-1", jpeg)
        await server.push(tg.photo("photo-1", len(jpeg)))
        sent = await server.wait_for("sendMessage", 2)
        assert product.name_vi in sent[1]["text"]
        assert server.state.sent("sendChatAction")

        await server.push(tg.location(21.0330, 105.7940))
        [venue] = await server.wait_for("sendVenue", 1)
        assert (
            "Cầu Giấy" in venue["address"] or "Nghĩa Đô" in venue["address"] or "Yên Hòa" in venue["address"]
        )

        where = next(
            b["callback_data"]
            for row in card["reply_markup"]["inline_keyboard"]
            for b in row
            if isinstance(actions.parse(b["callback_data"]), actions.WhereToBuy)
        )
        await server.push(tg.callback(where))
        await server.wait_for("answerCallbackQuery", 1)
        sent = await server.wait_for("sendMessage", 4)
        assert says(sent[3]["text"], "stores.where_header")

        await server.push(tg.inline("tra sen"))
        [answer] = await server.wait_for("answerInlineQuery", 1)
        assert answer["results"] and len(answer["results"]) <= 50
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()
    assert not app.running


async def test_webhook_rejects_requests_without_the_secret(
    server: FakeBotApi, services: Services, unused_tcp_port: int
) -> None:
    app = build_application(settings_for(server), services=services)
    await app.initialize()
    await app.start()
    url = f"http://127.0.0.1:{unused_tcp_port}/{WEBHOOK_PATH}"
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=unused_tcp_port,
        url_path=WEBHOOK_PATH,  # type: ignore[union-attr]
        webhook_url=url,
        secret_token="s3cret-token",
    )
    try:
        [hook] = server.state.sent("setWebhook")
        assert hook["secret_token"] == "s3cret-token"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=tg.text("/help")) as bad:
                assert bad.status == 403
            async with http.post(
                url, json=tg.text("/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            ) as bad:
                assert bad.status == 403
            await asyncio.sleep(0.2)
            assert not server.state.sent("sendMessage")
            async with http.post(
                url, json=tg.text("/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            ) as good:
                assert good.status == 200
        [msg] = await server.wait_for("sendMessage", 1)
        assert msg["text"] == Messages("vi")("help.text")
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()


async def test_a_slow_scan_does_not_delay_another_users_search(
    server: FakeBotApi, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from catalog.scanner import ScanResult

    def slow_scan(data: bytes) -> ScanResult:
        time.sleep(1.5)  # a hard photo on a busy machine
        return ScanResult()

    assert services.core.scanner is not None
    monkeypatch.setattr(services.core.scanner, "scan", slow_scan)
    app = build_application(settings_for(server), services=services)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    try:
        server.state.add_file("slow", b"\x89PNG")
        await server.push(tg.photo("slow", 4, user_id=601))
        await server.wait_for("sendChatAction", 1)
        started = time.perf_counter()
        await server.push(tg.text("gao st25 hat ngoc", user_id=602))
        [first] = await server.wait_for("sendMessage", 1)
        assert int(first["chat_id"]) == 602
        assert time.perf_counter() - started < 1.0
        second = (await server.wait_for("sendMessage", 2))[1]
        assert int(second["chat_id"]) == 601
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()
