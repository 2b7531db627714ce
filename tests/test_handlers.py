"""The real Application (same factory as production) with recorded Bot API calls: no network."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from PIL import Image
from sqlmodel import select
from telegram import Update

from bot import actions
from bot.config import Settings
from bot.i18n import Messages
from bot.services import Services, build_services
from catalog.db import session
from catalog.models import ConversationState, Product, Shopper, Subscription
from catalog.service import HANOI
from handlers.app import build_application, send_due_tips
from tests import imaging as im
from tests import telegram_fakes as tg
from tests.texts import pattern, says

VI = Messages("vi")


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(Settings(database_url=db_url, _env_file=None), seed=False)  # type: ignore[call-arg]
    yield built
    built.close()


@pytest.fixture
async def bot(services: Services) -> AsyncIterator[tuple[Any, tg.BotApiState]]:
    state = tg.BotApiState()
    settings = Settings(telegram_bot_token=tg.TOKEN, database_url="sqlite://", _env_file=None)  # type: ignore[call-arg]
    app = build_application(settings, services=services, request=tg.RecordingRequest(state), rate_limit=False)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    state.calls.clear()
    yield app, state
    await app.shutdown()


async def feed(app: Any, payload: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(payload, app.bot))


def product_with_gtin(services: Services) -> Product:
    with session(services.engine) as db:
        return db.exec(select(Product).where(Product.gtin.is_not(None)).order_by(Product.id)).first()  # type: ignore[union-attr]


async def test_start_shows_welcome_and_main_keyboard(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.text("/start"))
    [msg] = state.sent("sendMessage")
    assert msg["chat_id"] == 501 and msg["parse_mode"] == "HTML"
    assert msg["text"] == VI("start.welcome")
    assert msg["reply_markup"]["keyboard"][0][0]["text"] == VI("menu.search")


async def test_english_user_gets_english(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.text("/help", user_id=777, language="en-US"))
    assert state.sent("sendMessage")[0]["text"] == Messages("en")("help.text")


async def test_search_list_then_pick_then_page(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.text("sua tuoi huu co"))
    [listing] = state.sent("sendMessage")
    rows = listing["reply_markup"]["inline_keyboard"]
    more = rows[-1][0]["callback_data"]
    assert isinstance(actions.parse(rows[0][0]["callback_data"]), actions.ShowProduct)
    pressed = actions.parse(more)
    assert isinstance(pressed, actions.MoreResults) and pressed.offset == 5
    await feed(app, tg.callback(rows[0][0]["callback_data"]))
    assert len(state.sent("answerCallbackQuery")) == 1
    card = state.sent("sendMessage")[-1]
    assert card["text"].startswith("✅") and "· MAU-" in card["text"].split("\n")[0]
    await feed(app, tg.callback(more))
    [edit] = state.sent("editMessageText")
    assert edit["message_id"] == 77 and edit["reply_markup"]["inline_keyboard"][0][0]["text"].startswith("6.")


async def test_barcode_photo_is_downloaded_scanned_and_answered(bot, services: Services) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    product = product_with_gtin(services)
    jpeg = im.encode(im.rotate(im.on_canvas(im.linear(product.gtin)), 8), "JPEG", quality=70)
    state.add_file("ph1", jpeg)
    await feed(app, tg.photo("ph1", len(jpeg)))
    methods = [m for m, _ in state.calls]
    assert methods[:2] == ["sendChatAction", "getFile"]
    assert state.sent("getFile")[0]["file_id"] == "ph1"  # the largest size, not the thumbnail
    assert product.name_vi in state.sent("sendMessage")[-1]["text"]


async def test_image_sent_as_a_file(bot, services: Services) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    product = product_with_gtin(services)
    png = im.encode(im.on_canvas(im.linear(product.gtin)), "PNG")
    state.add_file("doc1", png)
    await feed(app, tg.document("doc1", len(png)))
    assert product.name_vi in state.sent("sendMessage")[-1]["text"]


async def test_huge_photo_is_refused_before_download(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.photo("big", 60 * 1024 * 1024))
    assert not state.sent("getFile")
    t = Messages("vi")
    assert state.sent("sendMessage")[0]["text"] == t("scan.too_big", size="60.0", limit=10)


async def test_photo_that_is_not_an_image(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    state.add_file("junk", b"\x00garbage" * 100)
    await feed(app, tg.document("junk", 800))
    assert state.sent("sendMessage")[0]["text"] == VI("scan.not_image")


async def test_location_gets_nearest_stores_and_a_venue(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.location(21.0285, 105.8520))
    [msg] = state.sent("sendMessage")
    [venue] = state.sent("sendVenue")
    assert says(msg["text"], "stores.nearest")
    assert venue["title"] in msg["text"] and abs(float(venue["latitude"]) - 21.03) < 0.05


async def test_inline_query_returns_product_articles(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.inline("sua huu co"))
    [answer] = state.sent("answerInlineQuery")
    results = answer["results"]
    assert 1 <= len(results) <= 50
    assert results[0]["type"] == "article"
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"


async def test_crafted_callback_data_gets_a_polite_answer(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.callback("p:1 OR 1=1"))
    assert state.sent("answerCallbackQuery")
    assert state.sent("sendMessage")[0]["text"] == VI("errors.button_expired")


async def test_sticker_gets_what_the_bot_understands(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.sticker())
    assert state.sent("sendMessage")[0]["text"] == VI("errors.unsupported")


async def test_errors_are_logged_without_token_and_the_user_gets_an_apology(
    bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    app, state = bot

    def boom(*_: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(app.bot_data.services.core, "handle", boom)
    with caplog.at_level(logging.ERROR):
        await feed(app, tg.text("gao"))
    assert state.sent("sendMessage")[0]["text"] == VI("errors.apology")
    assert "database went away" in caplog.text and tg.TOKEN not in caplog.text
    await feed(app, tg.text("/help"))  # still serving
    assert len(state.sent("sendMessage")) == 2


async def test_commands_are_published_per_language(services: Services) -> None:
    state = tg.BotApiState()
    settings = Settings(telegram_bot_token=tg.TOKEN, admin_ids="77", _env_file=None)  # type: ignore[call-arg]
    app = build_application(settings, services=services, request=tg.RecordingRequest(state), rate_limit=False)
    await app.initialize()
    state.failures["setMyDescription"] = 99  # one failing call does not stop the others
    await app.post_init(app)  # type: ignore[misc]
    published = state.sent("setMyCommands")
    admin = [p for p in published if p.get("scope")]
    assert admin[0]["scope"] == {"type": "chat", "chat_id": 77}
    assert {c["command"] for c in admin[0]["commands"]} >= {"reports", "stats", "export"}
    published = [p for p in published if not p.get("scope")]
    assert {p.get("language_code") for p in published} == {"vi", "en", None}
    vi = next(p for p in published if p.get("language_code") == "vi")
    assert {c["command"] for c in vi["commands"]} >= {"start", "help", "labels", "stores", "tips", "lang"}
    assert "reports" not in {c["command"] for c in vi["commands"]}
    assert len(state.sent("setMyShortDescription")) == 3
    await app.shutdown()


async def test_daily_tip_is_sent_once_a_day(bot, services: Services) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.text("/subscribe 0"))
    assert "00:00" in state.sent("sendMessage")[0]["text"]

    class Ctx:
        bot_data = app.bot_data

    Ctx.bot = app.bot  # type: ignore[attr-defined]
    await send_due_tips(Ctx)  # type: ignore[arg-type]
    await send_due_tips(Ctx)  # type: ignore[arg-type]
    tips = [m for m in state.sent("sendMessage") if m["text"].startswith(VI("tips.daily"))]
    assert len(tips) == 1
    with session(services.engine) as db:
        sub = db.get(Subscription, 501)
    assert sub.last_sent == datetime.now(HANOI).date()
    await feed(app, tg.text("/unsubscribe"))
    assert state.sent("sendMessage")[-1]["text"] == VI("tips.unsubscribed")


async def test_a_shopper_who_blocked_the_bot_is_unsubscribed_at_the_first_refusal(  # type: ignore[no-untyped-def]
    bot, services: Services
) -> None:
    app, state = bot
    await feed(app, tg.text("/subscribe 0"))
    state.blocked.add(501)

    class Ctx:
        bot_data = app.bot_data

    Ctx.bot = app.bot  # type: ignore[attr-defined]
    await send_due_tips(Ctx)  # type: ignore[arg-type]
    assert len(state.sent("refused:sendMessage")) == 1
    with session(services.engine) as db:
        assert db.get(Subscription, 501) is None
        marked = db.get(Shopper, 501)
        assert marked is not None and marked.unreachable_at is not None
    services.core.state.purge()
    with services.engine.begin() as conn:  # the next minute's round, in any worker
        conn.execute(ConversationState.__table__.delete())  # type: ignore[attr-defined]
    await send_due_tips(Ctx)  # type: ignore[arg-type]
    assert len(state.sent("refused:sendMessage")) == 1  # nothing retried


def test_workers_racing_for_one_tip_send_it_once(services: Services) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from catalog.subscriptions import Subscriptions

    Subscriptions(services.engine).subscribe(7_000_000_001, 7_000_000_001, 0, "vi")
    today = datetime.now(HANOI).date()
    racers = [Subscriptions(services.engine) for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        won = list(pool.map(lambda s: s.claim(7_000_000_001, today, 10), racers))
    assert sum(w is not None for w in won) == 1
    assert Subscriptions(services.engine).due(today, 23) == []


@pytest.fixture
async def admin_bot(services: Services) -> AsyncIterator[tuple[Any, tg.BotApiState]]:
    from bot.admin import AdminDesk

    services.core.admin = AdminDesk(
        services.engine,
        services.catalog,
        services.core.reports,
        services.core.shoppers,
        frozenset({501}),
        services.core.state,
        services.settings.max_upload_bytes,
    )
    state = tg.BotApiState()
    settings = Settings(telegram_bot_token=tg.TOKEN, _env_file=None)  # type: ignore[call-arg]
    app = build_application(settings, services=services, request=tg.RecordingRequest(state), rate_limit=False)
    await app.initialize()
    state.calls.clear()
    yield app, state
    await app.shutdown()


async def test_admin_uploads_a_catalog_file_and_exports(admin_bot) -> None:  # type: ignore[no-untyped-def]
    from tests.samples import GOOD, HEADER

    app, state = admin_bot
    data = f"{HEADER}\n{GOOD}\n".encode()
    state.add_file("csv1", data)
    payload = tg.document("csv1", len(data), mime="text/csv")
    payload["message"]["document"]["file_name"] = "new.csv"
    await feed(app, payload)
    summary = state.sent("sendMessage")[-1]
    assert "new.csv" in summary["text"]
    confirm_data = summary["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert isinstance(actions.parse(confirm_data), actions.ConfirmImport)
    await feed(app, tg.text("/export"))
    [doc] = state.sent("sendDocument")
    assert pattern("admin.export_caption").fullmatch(doc["caption"])


async def test_officers_huge_catalog_file_gets_the_file_limit_not_the_photo_one(admin_bot) -> None:  # type: ignore[no-untyped-def]
    app, state = admin_bot
    payload = tg.document("csv-big", 60_000_000, mime="text/csv")
    payload["message"]["document"]["file_name"] = "big.csv"
    await feed(app, payload)
    assert not state.sent("getFile")
    expected = Messages("vi")("admin.upload_too_big", name="big.csv", size="60.0", limit=50)
    assert state.sent("sendMessage")[-1]["text"] == expected


async def test_non_admin_file_is_not_downloaded(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    state.add_file("csv2", b"gtin,name_vi\n")
    payload = tg.document("csv2", 14, mime="text/csv")
    await feed(app, payload)
    assert not state.sent("getFile")
    assert state.sent("sendMessage")[0]["text"] == VI("errors.unsupported")


async def test_network_errors_on_send_are_retried(bot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from handlers import send as send_module

    monkeypatch.setattr(send_module, "RETRY_DELAY", 0.01)
    app, state = bot
    state.failures["sendMessage"] = 2
    await feed(app, tg.text("/help"))
    [msg] = state.sent("sendMessage")
    assert msg["text"] == VI("help.text")


def test_the_token_is_redacted_from_log_lines() -> None:
    from handlers.app import install_redaction

    install_redaction(tg.TOKEN)
    record = logging.getLogRecordFactory()(
        "httpx", logging.INFO, __file__, 1, "POST https://api.telegram.org/bot%s/getMe", (tg.TOKEN,), None
    )
    assert tg.TOKEN not in record.getMessage() and "<token>" in record.getMessage()


async def test_codes_in_a_photo_caption_are_explained(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    png = im.encode(Image.new("L", (300, 200), 200), "PNG")
    state.add_file("cap", png)
    payload = tg.photo("cap", len(png))
    payload["message"]["caption"] = "Nhãn ghi FSC-N001234 có thật không?"
    await feed(app, payload)
    texts = [m["text"] for m in state.sent("sendMessage")]
    assert any(says(t, "codes.fsc_n", code="FSC-N001234") for t in texts)


async def test_stores_without_a_location_shows_a_request_location_keyboard_button(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.text("/stores"))
    [msg] = state.sent("sendMessage")
    [[button]] = msg["reply_markup"]["keyboard"]
    assert button == {"text": VI("stores.btn_location"), "request_location": True}
    assert msg["reply_markup"]["one_time_keyboard"] is True
    await feed(app, tg.location(21.0285, 105.8520))  # what the button sends
    assert says(state.sent("sendMessage")[-1]["text"], "stores.nearest")


async def test_inline_results_are_personal_and_open_the_card_in_the_bot(bot, services: Services) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.inline("gao st25", language="en"))
    [answer] = state.sent("answerInlineQuery")
    assert answer["is_personal"] is True  # cards are in the asker's language: no shared cache
    results = answer["results"]
    assert results
    username = tg.BOT_USER["username"]
    for result in results:
        [[button]] = result["reply_markup"]["inline_keyboard"]
        assert button["text"] == Messages("en")("card.open_in_bot")
        link = re.fullmatch(rf"https://t\.me/{username}\?start=p_([0-9]{{8,14}})", button["url"])
        assert link, button["url"]
        with session(services.engine) as db:
            product = db.exec(select(Product).where(Product.gtin == link[1])).one()
        assert product.name_en in result["input_message_content"]["message_text"]
    gtin = re.search(r"start=p_([0-9]+)", results[0]["reply_markup"]["inline_keyboard"][0][0]["url"])[1]  # type: ignore[index]
    await feed(app, tg.text(f"/start p_{gtin}"))  # what Telegram sends when the link is opened
    with session(services.engine) as db:
        product = db.exec(select(Product).where(Product.gtin == gtin)).one()
    assert product.name_vi in state.sent("sendMessage")[-1]["text"]


async def test_the_flood_guard_is_asked_before_any_download(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    photo = im.encode(im.on_canvas(im.linear("9520000000018")), "PNG")
    for n in range(6):
        state.add_file(f"p{n}", photo)
        await feed(app, tg.photo(f"p{n}", len(photo), user_id=8_100_001))
    assert len(state.sent("getFile")) == 4  # the photo guard lets four through, then refuses
    assert VI("errors.rate_limited") in [m["text"] for m in state.sent("sendMessage")]


async def test_an_image_file_over_telegrams_download_limit_has_its_own_answer(bot) -> None:  # type: ignore[no-untyped-def]
    app, state = bot
    await feed(app, tg.document("huge", 25 * 1024 * 1024))
    assert not state.sent("getFile")
    [msg] = state.sent("sendMessage")
    assert msg["text"] == VI("errors.too_big_to_download", size="25.0", limit=20)
