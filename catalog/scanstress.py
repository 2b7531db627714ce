"""A stress suite for the scanner: damaged photos with known answers.

The shared photo set is saturated (every reasonable chain reads all but a few), so the
scanner's pass list and confirmation rules are chosen here instead: barcodes rendered by
zxing-cpp and QR codes by segno (including non-UTF-8 payloads), placed in a phone-sized
frame and damaged the way phone photos are (defocus and motion blur, glare, perspective
and curvature, small and aliased codes, strong JPEG, low light with noise), two codes in
one frame, frames with no code, and the same damage applied to the shared photos when
they are there. Everything is generated from fixed seeds, so every run sees the same set.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

from catalog import gtin as gtins

FRAME = (960, 720)


@dataclass(frozen=True, slots=True)
class Case:
    group: str
    name: str
    data: bytes
    expected: tuple[str, ...]  # catalog keys: GTIN for product codes, text for QR


def _check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def random_code(rng: random.Random, kind: str) -> str:
    """A valid code as printed: EAN-13 in GS1's demonstration range 952, others random."""
    if kind == "ean13":
        body = "952" + "".join(rng.choice("0123456789") for _ in range(9))
    elif kind == "ean8":
        body = "".join(rng.choice("0123456789") for _ in range(7))
    elif kind == "upca":
        body = "0" + "".join(rng.choice("0123456789") for _ in range(10))
    else:  # upce: number system 0, six digits that expand to a valid UPC-A
        six = (
            "".join(rng.choice("0123456789") for _ in range(4))
            + rng.choice("123456789")
            + rng.choice("56789")
        )
        return _upce(six)
    return body + _check_digit(body)


def _upce(six: str) -> str:
    # last digit 5-9: manufacturer 5 digits + 0000 + last digit
    upca = "0" + six[:5] + "0000" + six[5]
    return "0" + six + _check_digit(upca)


def expected_key(kind: str, printed: str) -> str:
    if kind == "upce":
        return gtins.upc_e_to_gtin13(printed)
    if kind == "qr":
        return printed
    return gtins.normalise(printed)


_FORMATS = {
    "ean13": zxingcpp.BarcodeFormat.EAN13,
    "ean8": zxingcpp.BarcodeFormat.EAN8,
    "upca": zxingcpp.BarcodeFormat.UPCA,
    "upce": zxingcpp.BarcodeFormat.UPCE,
}


def render_linear(kind: str, printed: str, module: float) -> Image.Image:
    """The barcode with quiet zones and bars of ``module`` pixels (fractions alias, like a sensor)."""
    code = zxingcpp.create_barcode(printed, _FORMATS[kind])
    bars = Image.fromarray(np.asarray(code.to_image(scale=4, add_hrt=False, add_quiet_zones=True)), "L")
    width = max(8, round(bars.width * module / 4))
    height = max(8, round(width * 0.55))
    return _printed(bars.resize((width, height), Image.Resampling.BILINEAR))


def render_qr(text: str, module: float, **options: object) -> Image.Image:
    import segno  # development dependency; the suite is a benchmark, not part of the bot

    out = io.BytesIO()
    segno.make(text, error="m", micro=False, **options).save(out, kind="png", scale=4, border=4)
    img = Image.open(io.BytesIO(out.getvalue())).convert("L")
    side = max(21, round(img.width * module / 4))
    return _printed(img.resize((side, side), Image.Resampling.BILINEAR))


def _printed(img: Image.Image) -> Image.Image:
    """Ink and paper as a camera sees them: neither pure black nor clipped white."""
    return img.point(lambda p: 30 + p * 195 // 255)


def frame(rng: random.Random, codes: list[Image.Image], size: tuple[int, int] = FRAME) -> Image.Image:
    """A phone-like frame: uneven light, some printed clutter, the codes on white labels."""
    w, h = size
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    base = 150 + 40 * (rng.random() * x + rng.random() * y)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "L")
    draw = ImageDraw.Draw(img)
    for _ in range(12):  # text-like clutter
        x0, y0 = rng.randrange(w), rng.randrange(h)
        draw.rectangle(
            (x0, y0, x0 + rng.randrange(20, 160), y0 + rng.randrange(3, 9)), fill=rng.randrange(20, 90)
        )
    slots = len(codes)
    for i, code in enumerate(codes):
        cw = w // slots
        cx = i * cw + max(0, (cw - code.width) // 2) + rng.randrange(-10, 11)
        cy = max(0, (h - code.height) // 2 + rng.randrange(-40, 41))
        label = Image.new("L", (code.width + 16, code.height + 16), 225)
        img.paste(label, (max(0, cx - 8), max(0, cy - 8)))
        img.paste(code, (max(0, cx), cy))
    return img


# -- damage ---------------------------------------------------------------------------------
def defocus(img: Image.Image, radius: float) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def motion(img: Image.Image, length: int, angle: float) -> Image.Image:
    a = np.asarray(img, dtype=np.float32)
    out = np.zeros_like(a)
    dx, dy = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    for i in range(length):
        t = i - length / 2
        out += np.roll(np.roll(a, round(t * dy), axis=0), round(t * dx), axis=1)
    return Image.fromarray((out / length).astype(np.uint8), "L")


def glare(img: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """A specular highlight: a bright elliptical blob that clips to white at its centre."""
    w, h = img.size
    cx, cy = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.35, 0.65)
    rx, ry = w * rng.uniform(0.05, 0.12), h * rng.uniform(0.1, 0.3)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    blob = np.exp(-(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2))
    a = np.asarray(img, dtype=np.float32)
    return Image.fromarray(np.clip(a + blob * 260 * strength, 0, 255).astype(np.uint8), "L")


def perspective(img: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    w, h = img.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    j = [(rng.uniform(0, amount) * w, rng.uniform(0, amount) * h) for _ in range(4)]
    dst = [(j[0][0], j[0][1]), (w - j[1][0], j[1][1]), (w - j[2][0], h - j[2][1]), (j[3][0], h - j[3][1])]
    rows, rhs = [], []
    for (xs, ys), (xd, yd) in zip(src, dst, strict=True):
        rows.append([xd, yd, 1, 0, 0, 0, -xs * xd, -xs * yd])
        rows.append([0, 0, 0, xd, yd, 1, -ys * xd, -ys * yd])
        rhs += [xs, ys]
    coeffs = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return img.transform(
        (w, h), Image.Transform.PERSPECTIVE, list(coeffs), Image.Resampling.BICUBIC, fillcolor=128
    )


def curve(img: Image.Image, bend: float) -> Image.Image:
    """The frame wrapped round a can or bottle: horizontal compression and shading to the sides."""
    a = np.asarray(img, dtype=np.float32)
    w = a.shape[1]
    xs = np.arange(w, dtype=np.float32)
    centred = (xs - w / 2) / (w / 2)
    theta = centred * np.arcsin(min(0.99, bend))
    src = (np.sin(theta) / bend * (w / 2) + w / 2).clip(0, w - 1).astype(int)
    out = a[:, src] * (0.55 + 0.45 * np.cos(theta))[None, :]
    return Image.fromarray(out.astype(np.uint8), "L")


def small(img: Image.Image, factor: float) -> Image.Image:
    """The whole photo taken from further away: fewer pixels per bar, nearest-neighbour aliasing."""
    size = (max(16, round(img.width * factor)), max(16, round(img.height * factor)))
    return img.resize(size, Image.Resampling.NEAREST)


def dark(img: Image.Image, rng: random.Random) -> Image.Image:
    a = np.asarray(img, dtype=np.float32) * 0.15
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 9, a.shape)
    return Image.fromarray(np.clip(a + noise, 0, 255).astype(np.uint8), "L")


def jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.convert("L").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def occlude(img: Image.Image, rng: random.Random) -> Image.Image:
    """A finger or a price sticker over part of the code (the code sits near the centre)."""
    w, h = img.size
    out = img.copy()
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.4, 0.6)
    rx, ry = w * rng.uniform(0.03, 0.07), h * rng.uniform(0.1, 0.25)
    ImageDraw.Draw(out).ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=rng.choice((60, 200, 235)))
    return out


Damage = Callable[[Image.Image, random.Random], Image.Image]
# damage -> (function, range of pixels per bar unit for the rendered code)
DAMAGE: dict[str, tuple[Damage, tuple[float, float]]] = {
    "defocus": (lambda img, rng: defocus(img, rng.uniform(1.5, 3.5)), (2.0, 3.5)),
    "motion": (lambda img, rng: motion(img, rng.randrange(6, 15), rng.uniform(0, 180)), (2.0, 3.5)),
    "glare": (lambda img, rng: glare(img, rng, rng.uniform(1.0, 1.6)), (2.0, 3.5)),
    "perspective": (lambda img, rng: perspective(img, rng, 0.3), (2.0, 3.5)),
    "curve": (lambda img, rng: curve(img, 0.97), (3.5, 5.0)),
    "small": (lambda img, rng: small(img, rng.uniform(0.35, 0.5)), (2.0, 3.2)),
    "occluded": (occlude, (2.0, 3.5)),
    "dark": (dark, (2.0, 3.5)),
    "lowcontrast": (lambda img, rng: img.point(lambda p: 125 + p * 28 // 255), (2.0, 3.5)),
}


def damage(name: str, img: Image.Image, rng: random.Random) -> Image.Image:
    return DAMAGE[name][0](img, rng)


def _rendered(seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    kinds = ["ean13", "ean13", "upca", "ean8", "upce"]
    for name, (_, modules) in DAMAGE.items():
        for i in range(10):
            kind = kinds[i % len(kinds)]
            printed = random_code(rng, kind)
            photo = frame(rng, [render_linear(kind, printed, rng.uniform(*modules))])
            yield Case(
                f"render-{name}",
                f"{name}-{i}-{kind}",
                jpeg(damage(name, photo, rng), 85),
                (expected_key(kind, printed),),
            )
    for i in range(10):  # strong JPEG on small codes
        kind = kinds[i % len(kinds)]
        printed = random_code(rng, kind)
        photo = frame(rng, [render_linear(kind, printed, rng.uniform(1.4, 2.2))])
        yield Case(
            "render-jpeg",
            f"jpeg-{i}-{kind}",
            jpeg(photo, rng.randrange(5, 12)),
            (expected_key(kind, printed),),
        )


QR_PAYLOADS: tuple[tuple[str, str, dict[str, object]], ...] = (
    ("latin1", "Café crème brûlée, 250 g", {"encoding": "iso-8859-1"}),
    ("latin1-eci", "Thé vert bio - Lô 7", {"encoding": "iso-8859-1", "eci": True}),
    ("shift-jis", "日本の緑茶 有機", {"encoding": "shift_jis"}),
    ("kanji", "有機緑茶", {"mode": "kanji"}),
    ("utf8", "Rau muống hữu cơ – lô 12", {"encoding": "utf-8"}),
    ("utf8-eci", "Gạo lứt hữu cơ Điện Biên", {"encoding": "utf-8", "eci": True}),
    ("cp1251-eci", "Органический чай", {"encoding": "cp1251", "eci": True}),
    ("control", "LOT\x1d12345\tHSD 2027-01\r\nNSX 2026-01", {}),
    ("gs1-link", "https://id.gs1.org/01/09521234543213/10/ABC", {}),
)


def _qr_cases(seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for name, text, options in QR_PAYLOADS:
        for i, kind in enumerate(("none", "perspective", "defocus")):
            photo = frame(rng, [render_qr(text, rng.uniform(3.0, 5.0), **options)])
            if kind != "none":
                photo = damage(kind, photo, rng)
            want = "9521234543213" if name == "gs1-link" else text.replace("\r\n", "\n").strip()
            yield Case("qr-charset", f"{name}-{i}-{kind}", jpeg(photo, 85), (want,))


def _two_codes(seed: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for i in range(10):
        first = random_code(rng, "ean13")
        if i % 2:
            second, img2, key2 = random_code(rng, "upca"), None, None
            img2 = render_linear("upca", second, rng.uniform(2.0, 2.8))
            key2 = expected_key("upca", second)
        else:
            second = f"https://truyxuat.example.vn/p/{rng.randrange(10**6)}"
            img2, key2 = render_qr(second, rng.uniform(3.0, 4.5)), second
        photo = frame(rng, [render_linear("ean13", first, rng.uniform(2.0, 2.8)), img2])
        if i >= 6:
            photo = damage("defocus", photo, rng)
        yield Case("two-codes", f"two-{i}", jpeg(photo, 85), (expected_key("ean13", first), key2))


def _no_code(seed: int) -> Iterator[Case]:
    """Frames without a code at 1280 px: the whole chain runs on these, so they set the worst time."""
    rng = random.Random(seed)
    for i in range(6):
        photo = frame(rng, [], size=(1280, 960))
        draw = ImageDraw.Draw(photo)
        for _ in range(40 * (i + 1)):  # denser and denser stripes and text
            x0, y0 = rng.randrange(1280), rng.randrange(960)
            draw.rectangle(
                (x0, y0, x0 + rng.randrange(2, 8), y0 + rng.randrange(20, 120)), fill=rng.randrange(0, 80)
            )
        yield Case("no-code-1280", f"nocode-{i}", jpeg(photo, 85), ())


def _shared(folder: Path, seed: int) -> Iterator[Case]:
    """Each shared photo with one kind of damage, cycling through the kinds."""
    from catalog.scanbench import expected_for, photos

    rng = random.Random(seed)
    names = list(DAMAGE)
    for n, (symbology, image, expected_file) in enumerate(photos(folder)):
        if expected_file is None:
            continue
        kind = names[n % len(names)]
        img = Image.open(image)
        img.load()
        damaged = damage(kind, img.convert("L"), rng)
        want = expected_for(symbology, expected_file)
        yield Case(f"photos-{kind}", f"{image.parent.name}/{image.name}", jpeg(damaged, 85), (want,))


def cases(shared: Path | None = None, seed: int = 10) -> list[Case]:
    """The whole suite; the damaged shared photos only when the folder is given."""
    suite = [*_rendered(seed), *_qr_cases(seed + 1), *_two_codes(seed + 2), *_no_code(seed + 3)]
    if shared is not None:
        suite.extend(_shared(shared, seed + 4))
    return suite
