"""Rendering barcodes and QR codes for tests, and distorting them like phone photos."""

from __future__ import annotations

import io

import segno
from barcode import EAN8, EAN13, UPCA
from barcode.writer import ImageWriter
from PIL import Image, ImageFilter, ImageOps

_KINDS = {13: EAN13, 8: EAN8, 12: UPCA}


def linear(digits: str, module: float = 0.4) -> Image.Image:
    """An EAN-13, EAN-8 or UPC-A barcode image (grayscale) for ``digits``."""
    cls = _KINDS[len(digits)]
    code = cls(digits[:-1], writer=ImageWriter())
    out = io.BytesIO()
    code.write(
        out,
        options={
            "module_width": module,
            "module_height": 12,
            "quiet_zone": 6,
            "font_size": 8,
            "text_distance": 3,
            "dpi": 200,
        },
    )
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def qr(text: str, scale: int = 6) -> Image.Image:
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def on_canvas(
    img: Image.Image,
    size: tuple[int, int] = (1200, 900),
    at: tuple[int, int] | None = None,
    background: int = 205,
) -> Image.Image:
    """Place a code on a larger grey 'shelf' background, like part of a photo."""
    canvas = Image.new("L", size, background)
    x, y = at or ((size[0] - img.width) // 2, (size[1] - img.height) // 2)
    canvas.paste(img, (x, y))
    return canvas


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    return img.rotate(degrees, expand=True, fillcolor=205, resample=Image.Resampling.BICUBIC)


def perspective(img: Image.Image, skew: float = 0.15) -> Image.Image:
    w, h = img.size
    coeffs = _coeffs(
        [(0, 0), (w, 0), (w, h), (0, h)],
        [(w * skew, h * skew * 0.5), (w, 0), (w, h), (w * skew, h * (1 - skew * 0.5))],
    )
    return img.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=205)


def _coeffs(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> list[float]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([u, v, 1, 0, 0, 0, -x * u, -x * v])
        rows.append([0, 0, 0, u, v, 1, -y * u, -y * v])
    a = np.array(rows, dtype=float)
    b = np.array([c for p in src for c in p], dtype=float)
    return list(np.linalg.solve(a, b))


def blur(img: Image.Image, radius: float = 1.2) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def noise(img: Image.Image, amount: int = 40) -> Image.Image:
    """Sensor noise: blend with Gaussian noise around mid-grey."""
    return Image.blend(img, Image.effect_noise(img.size, amount).convert("L"), 0.25)


def low_contrast(img: Image.Image) -> Image.Image:
    return img.point(lambda p: 110 + p * 50 // 255)


def upside_down(img: Image.Image) -> Image.Image:
    return ImageOps.flip(ImageOps.mirror(img))


def encode(img: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **options)
    return out.getvalue()
