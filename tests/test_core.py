"""The conversation core, driven directly: what a shopper sees for what they send."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot import actions, places
from bot.actions import parse
from bot.core import Core, Incoming
from bot.guard import FloodGuard
from bot.i18n import Messages
from bot.replies import plain
from catalog.db import session
from catalog.models import Certification, Product, Report, Shopper, Subscription, UsageEvent
from catalog.service import CatalogService
from tests.conftest import TODAY, make_core
from tests.texts import says

USER = 42
VI = Messages("vi")  # expected texts come from the message files, so copy edits break nothing
TABLES = (Product, Certification, Report, Subscription, Shopper)


def ask(core: Core, text: str | None = None, **kw: object) -> list[str]:
    return [plain(r.text) for r in core.handle(Incoming(USER, text=text, **kw))]  # type: ignore[arg-type]


def press(core: Core, data: str) -> list:
    return core.handle(Incoming(USER, callback=data))


def test_query_without_diacritics_lists_matches_then_opens_a_card(core: Core) -> None:
    [reply] = core.handle(Incoming(USER, text="sua tuoi huu co"))
    assert "sua tuoi huu co" in reply.text
    first = reply.buttons[0][0]
    assert isinstance(parse(first.data), actions.ShowProduct) and "Sữa" in first.text
    [card] = press(core, first.data)
    text = plain(card.text)
    assert "Sữa" in text and "hữu cơ" in text.lower()
    assert "· MAU-" in text.split("\n")[0]
    assert says(card.text, "card.sample_dated")
    assert any(isinstance(parse(b.data), actions.ShowLabel) for b in card.all_buttons())
    assert any(isinstance(parse(b.data), actions.WhereToBuy) for b in card.all_buttons())


def test_clear_match_goes_straight_to_the_card(core: Core) -> None:
    [text] = ask(core, "nuoc giat bo hon bo hon xanh")
    assert text.startswith("✅ ") and text.split("\n")[1].startswith("Nước giặt bồ hòn Bồ Hòn Xanh")


def test_more_results_pages_through_the_list(core: Core) -> None:
    [reply] = core.handle(Incoming(USER, text="nuoc mam"))
    more = reply.all_buttons()[-1]
    pressed = parse(more.data)
    assert isinstance(pressed, actions.MoreResults) and pressed.offset == 5
    [page] = press(core, more.data)
    assert page.edit and "6" in page.text and page.buttons[0][0].text.startswith("6.")


def test_more_on_an_older_list_pages_that_list(core: Core) -> None:
    [older] = core.handle(Incoming(USER, text="nuoc mam"))
    [newer] = core.handle(Incoming(USER, text="sua"))
    [page] = press(core, older.all_buttons()[-1].data)  # scrolled back up to the first list
    [newer_page] = press(core, newer.all_buttons()[-1].data)
    assert page.buttons[0][0].text.startswith("6.") and newer_page.buttons[0][0].text.startswith("6.")
    assert page.buttons[0][0].data != newer_page.buttons[0][0].data  # each its own sixth product
    assert page.text != newer_page.text


def test_expired_certificate_is_never_shown_as_valid(core: Core, engine: Engine) -> None:
    with session(engine) as db:
        cert = db.exec(select(Certification).where(Certification.valid_until < TODAY)).first()
        assert cert is not None
        product = db.get(Product, cert.product_id)
    [text] = ask(core, product.gtin)
    expired_on = cert.valid_until.strftime("%d/%m/%Y")
    assert plain(VI("card.expired", date=expired_on)) in text
    assert plain(VI("card.valid", date=expired_on)) not in text


def test_typed_barcode_found_and_in_english(core: Core, engine: Engine) -> None:
    with session(engine) as db:
        product = db.exec(select(Product).where(Product.gtin.is_not(None))).first()  # type: ignore[union-attr]
    digits = product.gtin
    spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    [text] = [plain(r.text) for r in core.handle(Incoming(USER, text=spaced, language_code="en"))]
    assert text.split("\n")[1].startswith(product.name_en)
    assert says(text, "card.sample_dated", "en")


def test_mistyped_barcode_says_a_digit_may_be_wrong(core: Core) -> None:
    [text] = ask(core, "8935049500934")
    assert text == plain(VI("barcode.bad_check", digits="8935049500934"))


def test_unknown_barcode_explains_the_prefix_and_is_recorded(core: Core, engine: Engine) -> None:
    [text] = ask(core, "8935049500933")
    assert says(text, "barcode.not_found", digits="8935049500933") and says(text, "prefix.vietnam")
    [book] = ask(core, "9780306406157")
    assert "ISBN" in book
    [weighed] = ask(core, "2001234567893")
    assert says(weighed, "prefix.in_store")
    core.usage.flush()
    with session(engine) as db:
        misses = db.exec(select(UsageEvent).where(UsageEvent.found == False)).all()  # noqa: E712
    assert {m.gtin for m in misses} >= {"8935049500933", "9780306406157"}
    assert all(m.kind == "barcode" for m in misses)


def test_no_match_is_kind_and_suggests_what_to_try(core: Core) -> None:
    [text] = ask(core, "xyzzy qwerty")
    assert text == plain(VI("search.no_match", query="xyzzy qwerty"))


def test_lookups_are_counted_without_the_text(core: Core, engine: Engine) -> None:
    ask(core, "gao st25")
    core.usage.flush()
    with session(engine) as db:
        rows = db.exec(select(UsageEvent)).all()
    assert rows and rows[-1].kind == "name" and rows[-1].found and rows[-1].gtin is None


def test_label_guide_navigation(core: Core) -> None:
    [groups] = core.handle(Incoming(USER, text="/labels"))
    datas = [b.data for b in groups.all_buttons()]
    assert actions.ShowGroup("organic").pack() in datas and actions.NotFooled().pack() in datas
    [group] = press(core, actions.ShowGroup("good-practice").pack())
    assert group.edit and parse(group.all_buttons()[0].data) == actions.ShowLabel("VIETGAP")
    [entry] = press(core, actions.ShowLabel("VIETGAP").pack())
    assert "không phải là hữu cơ" in plain(entry.text)
    [fooled] = press(core, actions.NotFooled().pack())
    assert fooled.text == VI("labels.fooled")


def test_unconfirmed_label_facts_are_not_invented(core: Core) -> None:
    [entry] = press(core, actions.ShowLabel("RAINFOREST").pack())
    text = plain(entry.text)
    assert f"{VI('labels.verify')}: {VI('labels.not_confirmed')}" in text


def test_label_codes_are_explained(core: Core) -> None:
    assert "Control Union" in ask(core, "vn-bio-149")[0]
    assert ask(core, "FSC-N001234") == [plain(VI("codes.fsc_n", code="FSC-N001234"))]
    assert ask(core, "FSC-C012345") == [plain(VI("codes.fsc_c", code="FSC-C012345"))]
    assert "ASC" in ask(core, "ASC-C-00026")[0]


def test_language_choice_survives_a_restart(core: Core, engine: Engine, catalog: CatalogService) -> None:
    [reply] = press(core, actions.SetLanguage("en").pack())
    assert reply.text == Messages("en")("lang.set")
    fresh = make_core(engine, catalog)
    [text] = [r.text for r in fresh.handle(Incoming(USER, text="/help", language_code="vi"))]
    assert text == Messages("en")("help.text")


@pytest.mark.parametrize(
    "data",
    [
        "p:abc",
        "x" * 64,
        "p:999999999",
        "m:5",
        "l:NOPE",
        "g:unknown",
        "",
        "lang:fr",
        "t:-1",
        "p:1;DROP TABLE product",
        "w:999999",
    ],
)
def test_crafted_callback_data_is_answered_and_changes_nothing(core: Core, data: str, engine: Engine) -> None:
    def state() -> dict[str, int]:
        with session(engine) as db:
            return {m.__name__: db.exec(select(func.count()).select_from(m)).one() for m in TABLES}

    before = state()
    [reply] = press(core, data)
    expected = "labels.unknown" if data == "l:NOPE" else "errors.button_expired"  # l:NOPE has a valid shape
    assert reply.text == VI(expected)
    assert not reply.buttons
    assert state() == before
    assert core.locale_for(USER, None) == "vi"


def test_stores_by_area_and_by_location(core: Core) -> None:
    [area] = core.handle(Incoming(USER, text="cua hang o cau giay"))
    assert "Cầu Giấy" in area.text and area.venue is not None
    [near] = core.handle(Incoming(USER, location=(21.0285, 105.8520)))
    lines = [line for line in plain(near.text).splitlines() if line.startswith("• ")]
    hits = core.stores.nearest(21.0285, 105.8520, limit=5)
    assert len(lines) == 5 and near.venue is not None and near.venue.title == hits[0].retailer.name
    assert all(hit.retailer.name in line for hit, line in zip(hits, lines, strict=True))
    assert places.distance(VI, hits[0].distance_m or 0) in lines[0]  # nearest first, with its distance


def test_where_to_buy_uses_the_last_location(core: Core) -> None:
    [reply] = core.handle(Incoming(USER, text="sua tuoi huu co"))
    [card] = press(core, reply.buttons[0][0].data)
    where = next(b for b in card.all_buttons() if isinstance(parse(b.data), actions.WhereToBuy))
    [before] = press(core, where.data)
    assert VI("stores.where_hint") in before.text and before.venue is None
    assert before.text.count("<b>") >= 2 and before.text.count(VI("stores.sample")) == 1  # once for all
    core.handle(Incoming(USER, location=(21.0285, 105.8520)))
    [after] = press(core, where.data)
    product_id = parse(where.data).product_id  # type: ignore[union-attr]
    hits = core.stores.carrying(product_id, near=(21.0285, 105.8520), limit=5)
    assert hits, "the sample milk is sold somewhere"
    assert VI("stores.where_hint") not in after.text
    assert after.venue is not None and after.venue.title == hits[0].retailer.name
    assert places.distance(VI, hits[0].distance_m or 0) in after.text


def test_tips_one_at_a_time(core: Core) -> None:
    [first] = core.handle(Incoming(USER, text="/tips"))
    assert "1/" in plain(first.text) and parse(first.buttons[0][0].data) == actions.NextTip(1)
    [second] = press(core, actions.NextTip(1).pack())
    assert "2/" in plain(second.text) and second.edit


@pytest.mark.parametrize("typed", ["7", "7h", "7h00", "07:00", "7 giờ", "7g"])
def test_subscribe_reads_the_ways_an_hour_is_written(core: Core, typed: str) -> None:
    [reply] = core.handle(Incoming(USER, text=f"/subscribe {typed}"))
    assert "07:00" in plain(reply.text)


@pytest.mark.parametrize("typed", ["7h30", "7:30", "7g30"])
def test_subscribe_with_minutes_keeps_the_minutes(core: Core, typed: str) -> None:
    """Tips go out at the minute asked for: 7h30 is not quietly taken as 7:00."""
    [reply] = core.handle(Incoming(USER, text=f"/subscribe {typed}"))
    assert "07:30" in plain(reply.text)


def test_bag_products_suggest_an_alternative(core: Core) -> None:
    [text] = ask(core, "tui phan huy sinh hoc la chuoi xanh")
    assert plain(VI("card.alternative", tip="")) in text


def test_catalog_text_cannot_inject_markup(engine: Engine, catalog: CatalogService) -> None:
    with session(engine) as db:
        product = db.exec(select(Product)).first()
        product.name_vi = "<b>Giả</b> & <a href='x'>bẫy</a>"
        db.add(product)
        db.commit()
        pid = product.id
    core = make_core(engine, catalog)
    [card] = core.handle(Incoming(USER, callback=actions.ShowProduct(pid).pack()))
    assert "&lt;b&gt;Giả&lt;/b&gt; &amp; &lt;a href='x'&gt;bẫy&lt;/a&gt;" in card.text


def test_flooding_user_is_told_once_then_ignored(engine: Engine, catalog: CatalogService) -> None:
    clock = [0.0]
    core = make_core(engine, catalog, guard=FloodGuard(capacity=3, per_second=1, clock=lambda: clock[0]))
    answers = [core.handle(Incoming(USER, text="gao")) for _ in range(6)]
    assert all(answers[:3])
    assert answers[3][0].text == VI("errors.rate_limited")
    assert answers[4] == [] and answers[5] == []
    clock[0] += 2
    assert core.handle(Incoming(USER, text="gao"))
    other = core.handle(Incoming(USER + 1, text="gao"))
    assert other and other[0].text != VI("errors.rate_limited")


def test_inline_results_are_product_cards(core: Core) -> None:
    cards = core.inline(USER, "sua huu co", "vi")
    assert 1 <= len(cards) <= 50
    assert cards[0].title and "· MAU-" in cards[0].text


def test_unknown_command_and_start(core: Core) -> None:
    assert core.handle(Incoming(USER, text="/nope"))[0].text == VI("errors.unknown_command")
    [start] = core.handle(Incoming(USER, text="/start"))
    assert start.keyboard and start.text == VI("start.welcome")


def test_flood_guard_counts_exactly_under_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    guard = FloodGuard(capacity=100, per_second=0, clock=lambda: 0.0)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: guard.check(USER)[0], range(400)))
    assert results.count(True) == 100


def test_each_photo_problem_gets_its_own_message(engine: Engine, catalog: CatalogService) -> None:
    from PIL import Image

    from bot.i18n import Messages
    from catalog.scanner import Scanner
    from tests import imaging as im

    core = make_core(engine, catalog)
    core.products.scanner = Scanner(max_bytes=2 * 1024 * 1024)
    t = Messages("vi")
    [not_image] = core.handle(Incoming(USER, image=b"these bytes are no picture"))
    assert not_image.text == t("scan.not_image")
    [too_large] = core.handle(Incoming(USER, image=b"\xff" * (3 * 1024 * 1024)))
    assert too_large.text == t("scan.too_big", size="3.0", limit=2)
    [declared] = core.handle(Incoming(USER, image_size=60 * 1024 * 1024))
    assert declared.text == t("scan.too_big", size="60.0", limit=10)
    huge = im.encode(Image.new("1", (8_000, 6_000), 1), "PNG")  # 48 megapixels of white
    [too_many] = core.handle(Incoming(USER, image=huge))
    assert too_many.text == t("scan.too_many_pixels")
