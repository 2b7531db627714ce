"""What a shopper sees for a search: real counts, an honest not-found, others of the same kind."""

from __future__ import annotations

from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import plain
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


def test_keyboard_off_and_swapped_letters_find_the_product_first(core: Core) -> None:
    cases = (("hat moc sua cuha", "Sữa chua ăn hữu cơ Hạt Mộc"), ("suwax ddaauj nanhf", "Sữa đậu nành"))
    for query, name in cases:
        reply = _reply(core, query)
        first = reply.all_buttons()[0].text if reply.all_buttons() else plain(reply.text)
        assert name in first, (query, first)
