"""The scanner on images the tests render and distort, and on bad input."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from catalog import scanner as scanner_module
from catalog.scanner import Scanner, ScanProblem, classify_text
from tests import imaging as im

EAN13 = "9521000000018"
EAN8 = "96385074"
UPCA = "036000291452"


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(budget_seconds=5)


def gtins(scanner: Scanner, data: bytes) -> list[str | None]:
    return [c.gtin for c in scanner.scan(data).codes]


@pytest.mark.parametrize(
    "distort",
    [
        lambda i: i,
        lambda i: im.rotate(i, 12),
        lambda i: im.rotate(i, 90),
        im.upside_down,
        im.perspective,
        im.blur,
        im.noise,
        im.low_contrast,
    ],
    ids=["plain", "tilted", "sideways", "upside-down", "perspective", "blur", "noise", "low-contrast"],
)
def test_ean13_through_phone_like_distortions(scanner: Scanner, distort) -> None:  # type: ignore[no-untyped-def]
    photo = distort(im.on_canvas(im.linear(EAN13)))
    assert gtins(scanner, im.encode(photo, "JPEG", quality=60)) == [EAN13]


def test_ean8_and_upca_normalise_to_catalog_form(scanner: Scanner) -> None:
    assert gtins(scanner, im.encode(im.on_canvas(im.linear(EAN8)), "PNG")) == [EAN8]
    [code] = scanner.scan(im.encode(im.on_canvas(im.linear(UPCA)), "PNG")).codes
    assert code.symbology == "upca" and code.raw == UPCA and code.gtin == "0" + UPCA


def test_heavy_jpeg_compression(scanner: Scanner) -> None:
    assert gtins(scanner, im.encode(im.on_canvas(im.linear(EAN13, module=0.5)), "JPEG", quality=15)) == [
        EAN13
    ]


def test_two_codes_in_one_frame(scanner: Scanner) -> None:
    canvas = Image.new("L", (1400, 700), 205)
    canvas.paste(im.linear(EAN13), (40, 150))
    canvas.paste(im.qr("https://truyxuat.example.vn/p/1"), (900, 150))
    found = scanner.scan(im.encode(canvas, "PNG")).codes
    assert [(c.symbology, c.gtin or c.domain) for c in found] == [
        ("ean13", EAN13),
        ("qr", "truyxuat.example.vn"),
    ]


def test_same_product_twice_in_a_frame_is_one_answer(scanner: Scanner) -> None:
    canvas = Image.new("L", (1400, 700), 205)
    canvas.paste(im.linear(EAN13), (40, 150))
    canvas.paste(im.qr("https://id.gs1.org/01/09521000000018"), (900, 150))
    assert gtins(scanner, im.encode(canvas, "PNG")) == [EAN13]


def test_qr_vietnamese_text_and_links(scanner: Scanner) -> None:
    [text] = scanner.scan(im.encode(im.on_canvas(im.qr("Rau muống hữu cơ – lô 12")), "PNG")).codes
    assert text.raw == "Rau muống hữu cơ – lô 12" and text.gtin is None and text.domain is None
    [link] = scanner.scan(im.encode(im.on_canvas(im.qr("https://truyxuat.example.vn/p/123")), "PNG")).codes
    assert link.domain == "truyxuat.example.vn" and link.gtin is None


def test_digital_link_yields_the_gtin() -> None:
    code = classify_text("https://example.com/01/09521000000018/10/LOT7?x=1")
    assert code.gtin == EAN13


def test_works_without_zbar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner_module, "_pyzbar", None)
    alone = Scanner()
    assert not alone.zbar
    assert gtins(alone, im.encode(im.on_canvas(im.linear(EAN13)), "PNG")) == [EAN13]


def test_zbar_shift_jis_mojibake_is_repaired() -> None:
    original = "Rau hữu cơ"
    garbled = original.encode().decode("shift_jis")  # what ZBar returns for UTF-8 without ECI
    assert garbled != original
    assert scanner_module._repair_qr_text(garbled) == original
    assert scanner_module._repair_qr_text("plain text") == "plain text"


@pytest.mark.parametrize(
    "mode",
    ["CMYK", "P", "RGBA", "LA", "I;16", "1", "RGB"],
)
def test_every_image_mode_is_read(scanner: Scanner, mode: str) -> None:
    base = im.on_canvas(im.linear(EAN13), background=255)
    if mode == "I;16":
        img = Image.fromarray(__import__("numpy").asarray(base).astype("uint16") * 257)
    elif mode in ("RGBA", "LA"):
        img = base.convert(mode)
        alpha = Image.new("L", img.size, 0)
        alpha.paste(255, (200, 200, 1000, 700))
        img.putalpha(alpha)
    else:
        img = base.convert(mode)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    assert gtins(scanner, im.encode(img, fmt)) == [EAN13]


def test_webp_and_animated_gif(scanner: Scanner) -> None:
    photo = im.on_canvas(im.linear(EAN13))
    assert gtins(scanner, im.encode(photo, "WEBP", quality=80)) == [EAN13]
    frames = [photo, Image.new("L", photo.size, 0)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    assert gtins(scanner, out.getvalue()) == [EAN13]


def test_exif_orientation_is_applied(scanner: Scanner) -> None:
    photo = im.rotate(im.on_canvas(im.linear(EAN13)), 90).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 8  # the camera says: rotate to display
    assert gtins(scanner, im.encode(photo, "JPEG", exif=exif.tobytes())) == [EAN13]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not an image at all", ScanProblem.NOT_IMAGE),
        (b"", ScanProblem.NOT_IMAGE),
        (im.encode(Image.new("L", (1, 1)), "PNG"), ScanProblem.NOT_IMAGE),
        (b"%PDF-1.4 fake", ScanProblem.NOT_IMAGE),
    ],
    ids=["text", "empty", "1x1", "pdf"],
)
def test_bad_input_gets_a_problem_not_a_crash(scanner: Scanner, data: bytes, problem: ScanProblem) -> None:
    assert scanner.scan(data).problem is problem


def test_truncated_jpeg(scanner: Scanner) -> None:
    full = im.encode(im.on_canvas(im.linear(EAN13)), "JPEG")
    result = scanner.scan(full[: len(full) // 3])
    assert result.problem is ScanProblem.NOT_IMAGE or result.codes == []


def test_decompression_bomb_is_refused_quickly(scanner: Scanner) -> None:
    bomb = im.encode(Image.new("1", (20000, 20000), 1), "PNG", optimize=True)
    assert len(bomb) < 2_000_000
    result = scanner.scan(bomb)
    assert result.problem is ScanProblem.TOO_MANY_PIXELS and result.seconds < 1


def test_too_many_bytes(scanner: Scanner) -> None:
    assert Scanner(max_bytes=100).scan(b"x" * 101).problem is ScanProblem.TOO_LARGE


def test_photo_without_a_code(scanner: Scanner) -> None:
    shelf = im.noise(Image.new("L", (1000, 750), 180))
    result = scanner.scan(im.encode(shelf, "JPEG"))
    assert result.problem is None and result.codes == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4096))
def test_random_bytes_never_crash(scanner: Scanner, data: bytes) -> None:
    result = scanner.scan(data)
    assert result.problem is not None or isinstance(result.codes, list)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=2000), st.binary(min_size=1, max_size=64))
def test_corrupted_png_never_crashes(scanner: Scanner, offset: int, junk: bytes) -> None:
    png = bytearray(im.encode(im.on_canvas(im.linear(EAN13), size=(400, 300)), "PNG"))
    at = offset % len(png)
    png[at : at + len(junk)] = junk
    result = scanner.scan(bytes(png))
    assert result.problem is not None or all(c.gtin in (None, EAN13) or c.gtin for c in result.codes)


def test_bookmark_qr_text_gives_its_address_and_title() -> None:
    code = classify_text(r"MEBKM:TITLE:Tem\: lô 7;URL:https\://a.example.vn/x\;y?q=1;;")
    assert (code.domain, code.link, code.title) == (
        "a.example.vn",
        "https://a.example.vn/x;y?q=1",
        "Tem: lô 7",
    )
    linked = classify_text(r"mebkm:URL:https\://id.gs1.org/01/09521000000018;TITLE:Rau;;")
    assert linked.gtin == "9521000000018" and linked.title == "Rau"
    for text in ("MEBKM:TITLE:x;;", "MEBKM:TITLE:x;URL:javascript\\:alert(1);;"):  # no web address
        plain_text = classify_text(text)
        assert (plain_text.domain, plain_text.link, plain_text.gtin) == (None, None, None), text
