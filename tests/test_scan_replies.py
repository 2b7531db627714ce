"""What the shopper sees for a photo: a card only for a sure read, digits to compare for an
unsure one, a choice for several codes, and concrete advice when nothing was read."""

from __future__ import annotations

import random

import pytest
from PIL import ImageFilter

from bot import actions
from bot.core import Core
from bot.i18n import LOCALES, message_texts
from bot.incoming import Incoming
from bot.replies import plain
from catalog.scan_quality import Advice
from catalog.scanner import Code, ScanResult
from catalog.scanstress import frame, jpeg, render_linear, render_qr
from tests import imaging as im
from tests.texts import says

USER = 4242
WATER_SPINACH = "9521000000018"  # in the sample catalog
CHOY_SUM = "9521037000029"


def send(core: Core, image: bytes) -> list:
    return core.handle(Incoming(USER, image=image, language_code="vi"))


def press(core: Core, data: str) -> list:
    return core.handle(Incoming(USER, callback=data, language_code="vi"))


def fake_scan(core: Core, monkeypatch: pytest.MonkeyPatch, result: ScanResult) -> None:
    assert core.products.scanner is not None
    monkeypatch.setattr(core.products.scanner, "scan", lambda data: result)


def test_sure_read_opens_the_card(core: Core) -> None:
    [card] = send(core, im.encode(im.on_canvas(im.linear(WATER_SPINACH)), "PNG"))
    assert "Rau muống" in plain(card.text)


def test_unsure_read_shows_digits_to_compare_never_the_card(core: Core, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code = Code("ean13", WATER_SPINACH, gtin=WATER_SPINACH, certain=False, sources=("zbar/plain",))
    fake_scan(core, monkeypatch, ScanResult(codes=[code], advice=[Advice.BLUR]))
    [reply] = send(core, b"photo")
    text = plain(reply.text)
    assert says(reply.text, "scan.unsure_check", digits="9 521000 000018") and "Rau muống" not in text
    assert says(reply.text, "scan.advice_blur")  # why it was unsure, and how to do better
    [[button]] = reply.buttons
    assert actions.parse(button.data) == actions.ScannedCode(WATER_SPINACH)
    [card] = press(core, button.data)
    assert "Rau muống" in plain(card.text)


def test_two_product_codes_become_a_choice(core: Core) -> None:
    rng = random.Random(7)
    photo = frame(rng, [render_linear("ean13", WATER_SPINACH, 2.5), render_linear("ean13", CHOY_SUM, 2.5)])
    [choice] = send(core, jpeg(photo, 90))
    assert says(choice.text, "scan.choose", count=2)
    labels = [row[0].text for row in choice.buttons]
    assert any("Rau muống" in label for label in labels) and any("Cải ngọt" in label for label in labels)
    picked = next(row[0].data for row in choice.buttons if "Cải ngọt" in row[0].text)
    [card] = press(core, picked)
    assert "Cải ngọt" in plain(card.text)


def test_blurred_photo_gets_focus_advice_not_a_generic_answer(core: Core) -> None:
    photo = frame(random.Random(1), [render_linear("ean13", WATER_SPINACH, 2.5)]).filter(
        ImageFilter.GaussianBlur(3)
    )
    [reply] = send(core, jpeg(photo, 90))
    assert says(reply.text, "scan.advice_blur") and says(reply.text, "scan.type_digits")


def test_qr_text_shows_control_characters_as_symbols(core: Core) -> None:
    [reply] = send(core, im.encode(im.on_canvas(render_qr("LOT\x1d12\tHSD", 5)), "PNG"))
    assert "LOT␝12␉HSD" in reply.text


@pytest.mark.parametrize("locale", LOCALES)
def test_every_advice_has_a_text(locale: str) -> None:
    texts = message_texts(locale)
    assert all(f"scan.advice_{a.value}" in texts for a in Advice)
