"""What a shopper sees for a search: real counts, an honest not-found, others of the same kind."""

from __future__ import annotations

import re

from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import plain
from bot.search import MAX_QUERY, MAX_RESULTS
from tests.texts import says

USER = 7


def _reply(core: Core, text: str):  # type: ignore[no-untyped-def]
    [reply] = core.handle(Incoming(USER, text=text))
    return reply


def test_list_header_counts_the_real_matches(core: Core) -> None:
    reply = _reply(core, "nuoc mam")
    # the catalog's fish sauces and dipping sauces, not a cap
    assert says(reply.text, "search.list_header", count=15, query="nuoc mam")
    assert len(reply.all_buttons()) == 6  # five products and "more"


def test_absent_product_is_said_to_be_absent(core: Core) -> None:
    for query in ("banh mi", "quat dien", "hat dieu", "bia ha noi", "lol"):
        reply = _reply(core, query)
        assert reply.text == Messages("vi")("search.no_match", query=query)
        assert not reply.all_buttons(), query


def test_absent_product_of_a_known_kind_offers_that_kind(core: Core) -> None:
    reply = _reply(core, "nuoc mam phu quoc")
    text = plain(reply.text)
    assert says(reply.text, "search.no_match_kind", query="nuoc mam phu quoc") and "Nước mắm" in text
    names = [b.text for b in reply.all_buttons()[:5]]
    assert all("mắm" in n.lower() or "chấm" in n.lower() for n in names), names


def test_the_kind_offered_is_the_one_the_first_words_name(core: Core) -> None:
    reply = _reply(core, "sua vinamilk")  # a brand the catalog does not carry: the milks there are
    assert says(reply.text, "search.no_match_kind", query="sua vinamilk", kind="Sữa và sản phẩm từ sữa")
    for query in ("bot mi", "rice cooker"):  # flour is no washing powder; a rice cooker no rice
        reply = _reply(core, query)
        assert reply.text == Messages("vi")("search.no_match", query=query) and not reply.all_buttons(), query


def test_keyboard_off_and_swapped_letters_find_the_product_first(core: Core) -> None:
    cases = (("hat moc sua cuha", "Sữa chua ăn hữu cơ Hạt Mộc"), ("suwax ddaauj nanhf", "Sữa đậu nành"))
    for query, name in cases:
        reply = _reply(core, query)
        first = reply.all_buttons()[0].text if reply.all_buttons() else plain(reply.text)
        assert name in first, (query, first)


def test_more_than_fifty_matches_says_more_than_fifty(core: Core) -> None:
    reply = _reply(core, "huu co")  # the catalog holds over a hundred organic products
    assert says(reply.text, "search.list_header_many", count=MAX_RESULTS, query="huu co")
    assert not says(reply.text, "search.list_header")


def test_a_pasted_text_is_not_searched(core: Core) -> None:
    text = " ".join(["son duong moi"] * 7000)  # 20,999 words, the first of them a lip balm
    reply = _reply(core, text)
    assert reply.text == Messages("vi")("search.too_long", length=len(text), limit=MAX_QUERY)
    assert not reply.all_buttons()
    assert _reply(core, text[:MAX_QUERY].strip()).all_buttons()  # the same words, short, are searched


def test_too_few_or_too_many_digits_are_said_to_be_no_barcode(core: Core) -> None:
    for typed, digits in (("8935", "8935"), ("893 5049", "8935049"), ("893504950093312", "893504950093312")):
        reply = _reply(core, typed)
        assert reply.text == Messages("vi")("barcode.wrong_length", digits=digits, count=len(digits)), typed


def test_not_found_hint_examples_are_names_from_the_catalog(core: Core) -> None:
    catalog = core.search.catalog
    for locale in ("vi", "en"):
        hint = Messages(locale)("search.no_match", query="x")
        examples = re.findall(r"<i>(.+?)</i>", hint)
        assert len(examples) == 2, hint
        for example in examples:
            [card] = catalog.cards([catalog.search(example)[0].product_id])
            name = card.product.name_vi if locale == "vi" else card.product.name_en
            assert example.casefold() in name.casefold(), (locale, example, name)  # with its marks
