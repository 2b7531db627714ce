"""Digits of any script, zero-width and bidi characters, NUL bytes: cleaned or refused at the
edges, so one product is one product and nothing invisible comes back in a reply."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import actions
from bot.core import Core, Incoming
from bot.i18n import Messages
from bot.replies import plain
from catalog import gtin as gtins
from catalog.apply import apply_catalog
from catalog.clean import ascii_digits, clean_input
from catalog.db import session
from catalog.models import Product, Report
from catalog.rows import DataValidationError
from tests.samples import GOOD, HEADER, parse

RICE = "9521222000445"
RICE_NAME = "Gạo ST25 hữu cơ Hạt Ngọc Đồng Quê"
FULLWIDTH = RICE.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
ARABIC_INDIC = RICE.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u200f", "\u00ad"]


def text_of(core: Core, text: str, user: int = 5) -> str:
    return "\n".join(r.text for r in core.handle(Incoming(user, text=text)))


@pytest.mark.parametrize(
    "typed", [FULLWIDTH, ARABIC_INDIC, "9521222\u200b000445", "\u2066" + RICE + "\u2069"]
)
def test_typed_barcodes_in_any_digits_find_the_product(core: Core, typed: str) -> None:
    assert RICE_NAME in text_of(core, typed)


def test_zero_width_characters_do_not_break_search(core: Core) -> None:
    plain_answer = text_of(core, "gao st25 hat ngoc")
    assert RICE_NAME in plain_answer
    assert text_of(core, "gạo\u200b st\u200c25 hạt\u00ad ngọc\ufeff") == plain_answer


def test_bidi_overrides_are_never_echoed(core: Core) -> None:
    answer = text_of(core, "xyzzy \u202eevil\u202c qqqq")
    assert "evil" in answer  # the query is echoed...
    assert not any(ch in answer for ch in INVISIBLE)  # ...without its controls


def test_gtins_are_ascii_digits_only() -> None:
    for typed in (FULLWIDTH, ARABIC_INDIC, "²" * 13):
        with pytest.raises(ValueError):
            gtins.normalise(typed)
        assert not gtins.is_valid(typed)
    assert ascii_digits(FULLWIDTH) == ascii_digits(ARABIC_INDIC) == RICE
    assert clean_input("９５２ ABC\x00") == "952 ABC "


def test_a_forged_button_with_fullwidth_digits_opens_no_report(core: Core, engine) -> None:  # type: ignore[no-untyped-def]
    forged = "rm:" + FULLWIDTH
    assert actions.parse(forged) is None
    [reply] = core.handle(Incoming(5, callback=forged))
    assert reply.text == Messages("vi")("errors.button_expired")
    with session(engine) as db:
        assert not db.exec(select(Report)).all()


def test_console_numbers_in_other_scripts_are_text_not_buttons() -> None:
    from bot.console import to_incoming
    from bot.replies import Button

    msg = to_incoming("²", [Button("a", "t:1"), Button("b", "t:2")], None)
    assert msg.callback is None and msg.text == "²"


def test_imported_gtins_in_other_digits_are_stored_as_ascii(engine) -> None:  # type: ignore[no-untyped-def]
    fullwidth = GOOD.replace("9529999999993", "９５２９９９９９９９９９３")
    apply_catalog(engine, parse(f"{HEADER}\n{fullwidth}\n"))
    apply_catalog(engine, parse(f"{HEADER}\n{GOOD}\n"))
    with session(engine) as db:
        stored = db.exec(select(Product.gtin).where(Product.name_vi == "Rau thử")).all()
    assert stored == ["9529999999993"]


def test_invisible_characters_are_removed_from_imported_cells() -> None:
    parsed = parse(f"{HEADER}\n" + GOOD.replace("Rau thử", "Rau\u200b thử\u202e"))
    [product] = parsed.products.values()
    assert product.name_vi == "Rau thử"


@pytest.mark.parametrize(("char", "where"), [("\x00", 70_000), ("\x07", 10), ("\x1b", 0)])
def test_control_characters_are_refused_with_line_and_column(char: str, where: int) -> None:
    filler = "\n".join(
        [GOOD.replace("9529999999993", "").replace("Rau thử", f"Rau {i}") for i in range(where // 120)]
    )
    bad = GOOD.replace("Cty Thử", f"Cty{char}Thử")
    body = f"{HEADER}\n{filler}\n{bad}\n" if filler else f"{HEADER}\n{bad}\n"
    with pytest.raises(DataValidationError) as caught:
        parse(body)
    [problem] = caught.value.errors
    assert problem.line == body.count("\n") and problem.column == "producer"
    assert problem.code == "control_char"
    assert problem.params == {"char": f"U+{ord(char):04X}", "at": 4}


def test_clean_text_is_untouched() -> None:
    vietnamese = "Sữa tươi hữu cơ – Đà Lạt, 100% (1L)"
    assert clean_input(vietnamese) == vietnamese
    assert plain(vietnamese) == vietnamese
