"""QR text in every charset, certainty from evidence, retake advice: what the shopper sees."""

from __future__ import annotations

import pickle
import random

import pytest
import segno
from PIL import Image, ImageFilter

from catalog import scan_quality
from catalog import scanner as scanner_module
from catalog.scan_quality import Advice
from catalog.scanner import Code, Scanner, _Read, weigh
from catalog.scanstress import frame, glare, jpeg, render_linear, render_qr
from tests import imaging as im

EAN13 = "9521000000018"
OTHER = "9521234543213"
needs_zbar = pytest.mark.skipif(scanner_module._pyzbar is None, reason="libzbar0 is not installed")


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(budget_seconds=10, cpu_seconds=5)


QR_TEXTS = [
    ("Café crème, 250 g", {"encoding": "iso-8859-1"}),  # the QR standard's default charset, no ECI
    ("Thé vert - Lô 7", {"encoding": "iso-8859-1", "eci": True}),
    ("日本の緑茶 有機", {"encoding": "shift_jis"}),
    ("有機緑茶", {"mode": "kanji"}),
    ("Rau muống hữu cơ – lô 12", {"encoding": "utf-8"}),
    ("Gạo lứt Điện Biên", {"encoding": "utf-8", "eci": True}),
    ("Органический чай", {"encoding": "cp1251", "eci": True}),
    ("LOT\x1d12345\tHSD 2027-01\r\nNSX 2026-01", {}),
]


@pytest.mark.parametrize(("text", "options"), QR_TEXTS, ids=[o.get("mode") or str(o) for _, o in QR_TEXTS])
def test_qr_text_in_every_charset_is_read_as_written(scanner: Scanner, text: str, options: dict) -> None:
    assert segno.make(text, micro=False, **options)  # the payload really is in that encoding
    photo = im.on_canvas(render_qr(text, 5, **options))
    [code] = scanner.scan(im.encode(photo, "PNG")).codes
    assert code.raw == text and code.certain  # control characters and CR LF kept


@needs_zbar
def test_a_zbar_only_qr_read_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """ZBar guesses charsets (cp1251 with ECI comes back as Latin-1): alone it is never certain."""
    monkeypatch.setattr(scanner_module, "_zxing", lambda img, scale, view: [])
    photo = im.on_canvas(render_qr("Органический чай", 5, encoding="cp1251", eci=True))
    [code] = Scanner().scan(im.encode(photo, "PNG")).codes
    assert not code.certain


def _read(key: str, source: str, box=(100, 100, 300, 160), symbology: str = "ean13", thin=False) -> _Read:
    decoder = source.split("/")[0]
    return _Read(Code(symbology, key, gtin=key, decoder=decoder), source, box, thin)


def test_zxing_on_the_plain_frame_is_accepted_alone() -> None:
    [code] = weigh([_read(EAN13, "zxing/plain")])
    assert code.certain and code.sources == ("zxing/plain",)


@pytest.mark.parametrize(
    "read",
    [
        _read(EAN13, "zbar/plain"),
        _read(EAN13, "zxing/x2"),
        _read("00123457", "zxing/plain", symbology="upce"),
        _read(EAN13, "zxing/plain", thin=True),
    ],
    ids=["zbar", "later-pass", "upc-e", "one-scan-line"],
)
def test_weak_reads_need_a_second_source(read: _Read) -> None:
    [alone] = weigh([read])
    assert not alone.certain
    other = "zbar/flat" if read.code.decoder == "zxing" else "zxing/x2"
    [confirmed] = weigh([read, _read(read.code.key, other, symbology=read.code.symbology)])
    assert confirmed.certain and len(confirmed.sources) == 2


@pytest.mark.parametrize(
    "reads",
    [
        [_read(EAN13, "zxing/x2"), _read(EAN13, "zxing/sharp"), _read(EAN13, "zxing/adaptive")],
        [_read(EAN13, "zxing/plain", thin=True), _read(EAN13, "zxing/x2", thin=True)],
        [_read(EAN13, "zbar/plain"), _read(EAN13, "zbar/full")],
    ],
    ids=["one-upscale-filtered-three-ways", "thin-reads", "same-picture"],
)
def test_reads_that_can_share_a_mistake_do_not_confirm_each_other(reads: list[_Read]) -> None:
    [code] = weigh(reads)
    assert not code.certain


def test_two_values_over_one_code_leave_one_unsure_answer() -> None:
    [code] = weigh([_read(EAN13, "zxing/x2"), _read(EAN13, "zbar/x2"), _read(OTHER, "zbar/plain")])
    assert code.gtin == EAN13 and not code.certain


def test_a_upc_e_read_inside_a_longer_code_is_dropped() -> None:
    codes = weigh([_read(EAN13, "zxing/plain"), _read("00123457", "zbar/plain", symbology="upce")])
    assert [c.gtin for c in codes] == [EAN13]


def test_two_codes_apart_are_both_answers() -> None:
    codes = weigh([_read(EAN13, "zxing/plain"), _read(OTHER, "zxing/plain", box=(700, 100, 900, 160))])
    assert {c.gtin for c in codes} == {EAN13, OTHER} and all(c.certain for c in codes)


def test_two_product_codes_in_one_photo_are_both_returned(scanner: Scanner) -> None:
    rng = random.Random(3)
    photo = frame(rng, [render_linear("ean13", EAN13, 2.5), render_linear("ean13", OTHER, 2.5)])
    codes = scanner.scan(jpeg(photo, 85)).codes
    assert {c.gtin for c in codes} == {EAN13, OTHER} and all(c.certain for c in codes)


def test_low_contrast_code_is_read_by_a_retry_pass_and_confirmed(scanner: Scanner) -> None:
    photo = frame(random.Random(5), [render_linear("ean13", EAN13, 2.5)]).point(lambda p: 125 + p * 28 // 255)
    [code] = scanner.scan(jpeg(photo, 85)).codes
    assert code.gtin == EAN13 and code.certain and len(code.sources) >= 1


def test_result_is_plain_data_for_a_process_pool(scanner: Scanner) -> None:
    result = scanner.scan(im.encode(im.on_canvas(im.linear(EAN13)), "PNG"))
    assert pickle.loads(pickle.dumps(result)) == result


def test_cpu_budget_stops_the_retries() -> None:
    shelf = im.noise(Image.new("L", (1280, 960), 180))
    result = Scanner(cpu_seconds=0).scan(im.encode(shelf, "JPEG"))
    assert result.passes == 1 and result.codes == []


def _advice(img: Image.Image) -> list[Advice]:
    return Scanner().scan(jpeg(img, 90)).advice


def test_blurred_photo_gets_focus_advice() -> None:
    photo = frame(random.Random(1), [render_linear("ean13", EAN13, 2.5)])
    assert Advice.BLUR in _advice(photo.filter(ImageFilter.GaussianBlur(3)))


def test_glare_over_the_code_gets_tilt_advice() -> None:
    unread = 0
    for seed in range(6):  # the retries read through some highlights; the rest get the advice
        photo = frame(random.Random(seed), [render_linear("ean13", EAN13, 2.5)])
        result = Scanner().scan(jpeg(glare(photo, random.Random(seed), 2.0), 90))
        if not result.codes:
            unread += 1
            assert result.advice[0] is Advice.GLARE
    assert unread


def test_tiny_code_gets_come_closer_advice() -> None:
    photo = frame(random.Random(4), [render_linear("ean13", EAN13, 0.9)])
    assert _advice(photo) == [Advice.SMALL]


def test_dark_photo_gets_light_advice() -> None:
    photo = frame(random.Random(6), [render_linear("ean13", EAN13, 0.9)]).point(lambda p: p // 6)
    assert Advice.DARK in _advice(photo)


def test_read_photos_get_no_advice(scanner: Scanner) -> None:
    assert scanner.scan(im.encode(im.on_canvas(im.linear(EAN13)), "PNG")).advice == []
    assert scan_quality.advise(Image.new("L", (640, 480), 128)) == [Advice.FRAME]
