"""Opening the scanning page from the chat: the menu button per language and the 📷 button."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.config import Settings
from bot.i18n import Messages
from bot.replies import Reply
from bot.services import Services, build_services
from handlers.app import build_application
from handlers.send import markup
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi

URL = "https://scan.example.vn/app/"


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(Settings(database_url=db_url, _env_file=None), seed=False)  # type: ignore[call-arg]
    yield built
    built.close()


def _as_dict(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_scan_keyboard_button_opens_the_page_in_the_keyboard_language() -> None:
    for locale in ("vi", "en"):
        t = Messages(locale)
        reply = Reply("hi", keyboard=((t("menu.search"), t("menu.scan")),))
        [[search, scan]] = markup(reply, URL).keyboard  # type: ignore[union-attr]
        assert search.web_app is None
        assert scan.web_app is not None and scan.web_app.url == f"{URL}?lang={locale}"
        [[_, plain_scan]] = markup(reply).keyboard  # type: ignore[union-attr]
        assert plain_scan.web_app is None  # no WEBAPP_URL: the button sends its text as before


async def test_menu_button_is_published_and_follows_the_chat_language(
    server: FakeBotApi, services: Services
) -> None:
    settings = Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        webapp_url=URL,
        _env_file=None,
    )
    app = build_application(settings, services=services)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    try:
        [default] = server.state.sent("setChatMenuButton")
        button = _as_dict(default["menu_button"])
        assert "chat_id" not in default or default["chat_id"] in (None, "")
        assert button["type"] == "web_app" and button["web_app"]["url"] == URL
        assert button["text"] == Messages("vi")("webapp.menu_button")

        await server.push(tg.text("/lang en", user_id=777))
        calls = await server.wait_for("setChatMenuButton", 2)
        chat_button = _as_dict(calls[1]["menu_button"])
        assert int(calls[1]["chat_id"]) == 777
        assert chat_button["text"] == "📷 Scan" and chat_button["web_app"]["url"] == f"{URL}?lang=en"
        [answer] = await server.wait_for("sendMessage", 1)
        keyboard = _as_dict(answer["reply_markup"])["keyboard"]
        scan = [b for row in keyboard for b in row if b.get("web_app")]
        assert scan and scan[0]["text"] == Messages("en")("menu.scan")
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()


async def test_without_webapp_url_no_menu_button_is_set(server: FakeBotApi, services: Services) -> None:
    settings = Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        _env_file=None,
    )
    app = build_application(settings, services=services)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    try:
        assert not server.state.sent("setChatMenuButton")
    finally:
        await app.shutdown()


async def test_a_report_sent_from_the_keyboard_page_reaches_the_chat(
    server: FakeBotApi, services: Services
) -> None:
    from sqlmodel import select

    from catalog.db import session
    from catalog.models import Report

    settings = Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        webapp_url=URL,
        _env_file=None,
    )
    app = build_application(settings, services=services)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    try:
        for junk in ('{"report": "9520000000012"}', "not json", '{"report": "<b>"}', '["x"]'):
            await server.push(tg.web_app_data(junk, user_id=808))  # wrong check digit, junk: ignored
        await server.push(tg.web_app_data('{"report": "9520000000011"}', user_id=808))
        [thanks] = await server.wait_for("sendMessage", 1)
        await asyncio.sleep(0.5)
        assert len(server.state.sent("sendMessage")) == 1
        assert str(thanks["chat_id"]) == "808"
        with session(services.engine) as db:
            reports = list(db.exec(select(Report)))
        assert [(r.kind, r.gtin, r.user_id) for r in reports] == [("missing", "9520000000011", 808)]
        assert f"#{reports[0].id}" in thanks["text"] or str(reports[0].id) in thanks["text"]
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()
