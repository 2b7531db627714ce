"""Every text the bot sends fits Telegram's limits as Telegram counts them (UTF-16 units),
with its HTML still balanced: chat replies, captions and inline results alike."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlmodel import select

from bot.core import Core
from bot.replies import MAX_TEXT, Reply, cut_html, fit, utf16_len
from catalog.db import session
from catalog.models import Product
from catalog.version import bump
from handlers.send import MAX_CAPTION

LEAF = "🌿"  # outside the BMP: one code point, two UTF-16 units


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def balanced(text: str) -> bool:
    parser = _Balance()
    parser.feed(text)
    parser.close()
    return parser.ok and not parser.stack and "<" not in text.rsplit(">", 1)[-1]


def test_utf16_length_counts_emoji_twice() -> None:
    assert utf16_len("gạo") == 3 and utf16_len(LEAF) == 2 and utf16_len("👨‍👩‍👧") == 8


@pytest.mark.parametrize("limit", [MAX_TEXT, MAX_CAPTION])
def test_emoji_heavy_html_is_cut_by_utf16_units_and_stays_balanced(limit: int) -> None:
    text = "<b>" + (LEAF + " lá &amp; <i>xanh</i>\n") * 800 + "</b>"
    assert len(text) < 3 * utf16_len(text)
    cut = fit(text, limit)
    assert utf16_len(cut) <= limit and balanced(cut) and cut.endswith("…")
    assert "\ud83c" not in cut.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")[-1:]


def test_a_reply_of_3933_code_points_and_7826_units_is_cut() -> None:
    text = LEAF * 3893 + "x" * 40
    assert len(text) == 3933 and utf16_len(text) == 7826
    reply = Reply(text)
    assert utf16_len(reply.text) <= MAX_TEXT


def test_cut_html_never_splits_a_surrogate_pair_or_an_entity() -> None:
    for shift in range(4):
        text = "x" * shift + (LEAF + "&amp;") * 2000
        cut = cut_html(text, 1000)
        cut.encode("utf-8")  # a lone surrogate would raise here
        assert utf16_len(cut) <= 1000 and not cut.rstrip("\n…").endswith("&amp")


def test_inline_results_are_cut_too(core: Core, engine) -> None:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        rice = db.exec(select(Product).where(Product.gtin == "9521222000445")).one()
        rice.brand = LEAF * 1900
        rice.producer = "Công ty <mẫu> " + LEAF * 1900
        db.add(rice)
        bump(db)
        db.commit()
    cards = core.inline(7, "gao st25 hat ngoc", "vi")
    assert cards
    for card in cards:
        assert utf16_len(card.text) <= MAX_TEXT and balanced(card.text), card.id
        assert utf16_len(card.title) <= 200 and utf16_len(card.description) <= 200
