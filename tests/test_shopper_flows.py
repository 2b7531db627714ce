"""What a shopper does after the answer, through the core: the verdict-first card, saving,
history, deep links, privacy and forgetting, the store finder, tips and small completions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import segno
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot import actions, fmt
from bot.config import Settings
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.i18n import Messages
from bot.render import CARD_BUDGET, card_text
from bot.replies import Reply, plain
from bot.services import build_core
from catalog.db import session
from catalog.hours import HANOI
from catalog.models import Product, Retailer, Subscription, UsageEvent
from catalog.scanner import Scanner
from catalog.service import CatalogService
from tests.conftest import TODAY
from tests.texts import pattern, says

USER = 4_400_000_021  # no product, store or count can collide with it
BOT = "nhanxanh_test_bot"
HCMC = (10.7769, 106.7009)
HOAN_KIEM = (21.0285, 105.8520)
PROVENANCE = ("card.sample", "card.sample_dated", "card.source", "card.source_off")
vi = Messages("vi")


@pytest.fixture
def core(engine: Engine, catalog: CatalogService) -> Core:
    settings = Settings(_env_file=None, bot_username=BOT)  # type: ignore[call-arg]
    return build_core(
        engine,
        catalog,
        settings,
        scanner=Scanner(),
        guard=FloodGuard(capacity=1000, per_second=100),
        photo_guard=FloodGuard(capacity=1000, per_second=100),
    )


def send(core: Core, text: str | None = None, lang: str = "vi", **kw: object) -> list[Reply]:
    return core.handle(Incoming(USER, text=text, language_code=lang, **kw))  # type: ignore[arg-type]


def press(core: Core, data: str, lang: str = "vi") -> list[Reply]:
    return core.handle(Incoming(USER, callback=data, language_code=lang))


def data_of(reply: Reply, starts: str) -> str:
    return next(b.data for b in reply.all_buttons() if b.data.startswith(starts))


def products(engine: Engine) -> list[Product]:
    with session(engine) as db:
        with_gtin = select(Product).where(Product.gtin.is_not(None)).order_by(Product.id)  # type: ignore[union-attr]
        return list(db.exec(with_gtin))


def test_one_label_cards_lead_with_the_verdict_and_stay_under_600_characters(
    catalog: CatalogService, engine: Engine
) -> None:
    every = catalog.cards([p.id for p in products(engine)])  # type: ignore[misc]
    cards = [c for c in every if len(c.certs) == 1]
    assert len(cards) > 100
    for locale in ("vi", "en"):
        t = Messages(locale)
        provenance = {k: pattern(k, locale) for k in PROVENANCE}
        lengths = []
        for card in cards:
            text = card_text(t, card, link=f"https://t.me/{BOT}?start=p_{card.product.gtin}")
            shown = plain(text)
            lines = shown.split("\n")
            assert lines[0][0] in "✅⚠️❌❔⏳", lines[0]
            assert lines[1] == card.product.name_vi if locale == "vi" else lines[1]
            lengths.append(len(shown))
            said = [k for line in text.split("\n") for k, rx in provenance.items() if rx.fullmatch(line)]
            assert said in (["card.sample"], ["card.sample_dated"]), said  # provenance once
        assert max(lengths) < CARD_BUDGET, (locale, max(lengths))


def test_expired_label_says_so_first_and_offers_greener_products_of_the_same_kind(
    core: Core, catalog: CatalogService, engine: Engine
) -> None:
    every = catalog.cards([p.id for p in products(engine)])  # type: ignore[misc]
    expired = next(c for c in every if c.certs and not c.any_valid)
    [reply] = send(core, expired.product.gtin)
    first = reply.text.split("\n")[0]
    assert pattern("verdict.expired").match(first), first
    assert says(reply.text, "card.expired")  # and ask the seller whether there is a new certificate
    greener = [b for b in reply.all_buttons() if b.text.startswith("🌿") and b.data.startswith("p:")]
    assert 1 <= len(greener) <= 3
    for button in greener:
        other = catalog.card(int(button.data[2:]))
        assert other is not None and other.any_valid and other.product.category == expired.product.category


def test_valid_card_has_similar_products_details_and_an_open_in_bot_link(core: Core, engine: Engine) -> None:
    product = products(engine)[0]
    [reply] = send(core, product.gtin)
    assert f'href="https://t.me/{BOT}?start=p_{product.gtin}"' in reply.text
    [similar] = press(core, data_of(reply, "sim:"))
    assert similar.all_buttons() and all(b.data.startswith("p:") for b in similar.all_buttons())
    details_data = next((b.data for b in reply.all_buttons() if b.data.startswith("pd:")), f"pd:{product.id}")
    [details] = press(core, details_data)
    assert product.gtin in details.text and says(details.text, "card.period")


def test_save_and_history_are_per_shopper_newest_first(core: Core, engine: Engine) -> None:
    a, b, c = products(engine)[:3]
    for p in (a, b, c):
        send(core, p.gtin)
    [history] = send(core, "/history")
    assert [x.data for x in history.all_buttons()] == [f"p:{c.id}", f"p:{b.id}", f"p:{a.id}"]
    [card] = press(core, f"p:{a.id}")  # one tap reopens, and moves it to the top
    [saved_card] = press(core, data_of(card, "sv:"))
    assert saved_card.edit and any(x.text == vi("card.btn_saved") for x in saved_card.all_buttons())
    [saved] = send(core, "/saved")
    assert [x.data for x in saved.all_buttons()] == [f"p:{a.id}"]
    other = core.handle(Incoming(USER + 1, text="/saved", language_code="vi"))
    assert not other[0].all_buttons() and other[0].text == vi("saved.empty")
    press(core, data_of(saved_card, "sv:"))  # unstar
    assert not send(core, "/saved")[0].all_buttons()


def test_deep_links_open_a_product_a_label_and_a_store(core: Core, engine: Engine) -> None:
    product = products(engine)[0]
    [card] = send(core, f"/start p_{product.gtin}")
    assert product.name_vi in card.text
    [label] = send(core, "/start l_VIETGAP")
    assert "VietGAP" in label.text and says(label.text, "labels.verify")
    [store] = send(core, "/start s_ST01")
    assert "Tràng Tiền" in store.text and store.venue is not None
    [welcome] = send(core, "/start p_'; drop table--")
    assert welcome.text == vi("start.welcome")


def test_forget_after_confirm_leaves_no_row_about_the_shopper(core: Core, engine: Engine) -> None:
    a, b = products(engine)[:2]
    send(core, "/lang en")
    send(core, a.gtin, lang="en")
    send(core, "/subscribe 7h30", lang="en")
    send(core, location=HOAN_KIEM)
    [card] = send(core, b.gtin)
    press(core, data_of(card, "sv:"))
    press(core, f"rm:{'9520000000017'}")
    core.usage.flush()
    [privacy] = send(core, "/privacy")
    assert says(privacy.text, "privacy.text", "en", hours="2", days="180")
    [ask] = send(core, "/forget")
    assert {x.data for x in ask.all_buttons()} == {"fy", "fn"}
    en = Messages("en")
    assert press(core, "fn")[0].text == en("forget.kept") and _mentions(engine, USER)  # nothing deleted yet
    with session(engine) as db:
        lookups = len(db.exec(select(UsageEvent).where(UsageEvent.user_id == USER)).all())
    [done] = press(core, "fy")
    core.usage.flush()
    said = done.text.splitlines()
    assert said[0] == en("forget.done") and en("forget.saved", count="1") in said
    assert lookups and en("forget.lookups", count=str(lookups)) in said  # named, not "other data"
    assert _mentions(engine, USER) == []
    assert send(core, "/start")[0].text == Messages("vi")("start.welcome")  # the stored language went too


def _mentions(engine: Engine, value: int) -> list[tuple[str, str]]:
    """Every (table, column) holding ``value``, over every table of the database."""
    found = []
    insp = inspect(engine)
    with engine.connect() as conn:
        for table in insp.get_table_names():
            for col in insp.get_columns(table):
                query = text(f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{col["name"]}" AS TEXT) = :v')
                if conn.execute(query, {"v": str(value)}).scalar():
                    found.append((table, col["name"]))
    return found


def test_location_expires_and_is_never_reused_silently(core: Core) -> None:
    clock = [datetime(2026, 11, 25, 3, 0, tzinfo=UTC)]
    core.nearby.now = lambda: clock[0]
    [near] = send(core, location=HOAN_KIEM)
    assert says(near.text, "stores.nearest") and near.venue is not None
    clock[0] += timedelta(minutes=119)
    assert says(send(core, "/stores")[0].text, "stores.nearest")
    clock[0] += timedelta(minutes=2)
    [ask] = send(core, "/stores")
    assert ask.ask_location == vi("stores.btn_location") and not says(ask.text, "stores.nearest")
    assert "Hoàn Kiếm" in ask.text  # listed by area instead


def test_location_outside_hanoi_lists_by_area_without_distances(core: Core) -> None:
    [reply] = send(core, location=HCMC)
    shown = plain(reply.text)
    assert says(reply.text, "stores.outside") and " km" not in shown and "Cầu Giấy" in shown
    assert reply.venue is None


def test_open_now_and_closing_time_in_hanoi_time(core: Core, engine: Engine) -> None:
    with session(engine) as db:
        store = db.exec(select(Retailer).where(Retailer.code == "ST01")).one()  # 7:30–22:00
    core.nearby.now = lambda: datetime.combine(TODAY, time(21, 0), HANOI).astimezone(UTC)
    [reply] = send(core, location=(store.lat, store.lon))
    assert says(reply.text, "stores.open_until", time="22:00")
    core.nearby.now = lambda: datetime.combine(TODAY, time(6, 0), HANOI).astimezone(UTC)
    [early] = send(core, "/stores", lang="en")
    assert says(early.text, "stores.closed_until", "en", time="7:30 AM")


def test_where_to_buy_without_a_location_asks_for_one_and_groups_by_district(
    core: Core, engine: Engine
) -> None:
    [card] = send(core, products(engine)[0].gtin)
    [where] = press(core, data_of(card, "w:"))
    assert where.ask_location and where.venue is None and "<b>" in where.text


def test_tips_continue_where_the_shopper_stopped(core: Core) -> None:
    [first] = send(core, "/tips")
    assert says(first.text, "tips.header", n=1)
    [second] = press(core, data_of(first, "t:"))
    assert says(second.text, "tips.header", n=2)
    assert says(send(core, "/tips")[0].text, "tips.header", n=3)


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [("7", 7, 0), ("7h", 7, 0), ("7h30", 7, 30), ("07:30", 7, 30), ("18 giờ 15", 18, 15)],
)
def test_subscribe_accepts_the_ways_people_write_a_time(
    core: Core, engine: Engine, typed: str, hour: int, minute: int
) -> None:
    [reply] = send(core, f"/subscribe {typed}")
    assert f"{hour:02d}:{minute:02d}" in reply.text
    with session(engine) as db:
        sub = db.get(Subscription, USER)
        assert sub is not None and (sub.hour, sub.minute) == (hour, minute)


@pytest.mark.parametrize("typed", ["25", "7h75", "bảy giờ", "-1"])
def test_subscribe_refuses_what_is_not_a_time(core: Core, engine: Engine, typed: str) -> None:
    assert send(core, f"/subscribe {typed}")[0].text == vi("tips.bad_hour")
    with session(engine) as db:
        assert db.get(Subscription, USER) is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_search_button_offers_three_examples_that_each_find_products(core: Core, lang: str) -> None:
    t = Messages(lang)
    [prompt] = send(core, t("menu.search"), lang=lang)
    examples = prompt.all_buttons()
    assert len(examples) == 3
    for button in examples:
        [answer] = press(core, button.data, lang=lang)
        pressed = " ".join(b.data for b in answer.all_buttons())
        assert "p:" in pressed or "sv:" in pressed, button.text  # a result list, or the card itself


def test_qr_web_address_is_shown_in_full_as_a_link_after_a_warning(core: Core, tmp_path: Path) -> None:
    url = "https://truyxuat.example.vn/lo/2026-11?sp=9521000000018"
    path = tmp_path / "qr.png"
    segno.make(url, error="m").save(str(path), scale=8, border=4)
    replies = send(core, image=path.read_bytes())
    reply = next(r for r in replies if r.all_buttons())
    assert plain(reply.text).startswith("⚠️") and url in plain(reply.text)
    [button] = reply.all_buttons()
    assert button.url == url and not button.data


def test_search_list_marks_which_products_hold_a_valid_label(core: Core) -> None:
    [reply] = send(core, "nuoc mam")
    assert "✅" in reply.text and "⚠️" in reply.text  # the legend
    names = [b.text for b in reply.all_buttons() if b.data.startswith("p:")]
    assert names and all(("✅" in n) != ("⚠️" in n) for n in names)


def test_numbers_distances_and_dates_follow_the_language() -> None:
    assert fmt.distance(1_133_500, "vi") == "1.133,5 km"
    assert fmt.distance(1_133_500, "en") == "1,133.5 km"
    assert fmt.distance(432, "vi") == "430 m"
    assert fmt.day(TODAY, "vi") == "25/11/2026" and fmt.day(TODAY, "en") == "25 Nov 2026"
    assert fmt.clock(time(7, 30), "vi") == "07:30" and fmt.clock(time(22, 0), "en") == "10:00 PM"


def test_buttons_of_the_new_kinds_refuse_forged_ids(core: Core) -> None:
    for data in ("sv:999999999", "pd:999999999", "sim:999999999", "ex:7", "fy:1", "sv:-1"):
        [reply] = press(core, data)
        assert reply.text == vi("errors.button_expired"), data
    assert actions.parse("fy") == actions.ConfirmForget()


def test_bookmark_qr_shows_its_title_and_address_as_a_link_after_the_warning(
    core: Core, tmp_path: Path
) -> None:
    url = "https://truyxuat.example.vn/lo/7?sp=9521000000018"
    path = tmp_path / "bookmark.png"
    escaped = url.replace(":", "\\:")  # as phones write a bookmark
    segno.make(f"MEBKM:TITLE:Tem truy xuất lô 7;URL:{escaped};;", error="m").save(
        str(path), scale=8, border=4
    )
    replies = send(core, image=path.read_bytes())
    [reply] = [r for r in replies if r.all_buttons()]
    warning = vi("scan.qr_link", domain="truyxuat.example.vn", url=url)
    assert reply.text == f"{warning}\n{vi('scan.qr_title', title='Tem truy xuất lô 7')}"
    [button] = reply.all_buttons()
    assert button.url == url and not button.data
    assert "MEBKM" not in reply.text
