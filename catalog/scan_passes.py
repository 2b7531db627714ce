"""The images the scanner decodes, cheapest first, each computed once per photo.

A phone photo that the decoders miss on the plain frame is usually one of: a small
code (bars under ~1.5 px), soft focus, low contrast or uneven light (glare on glossy
packs). Each retry view targets one of these with a cheap Pillow C filter or a NumPy
array operation; views that build on the x2 upscale share it. Rotation is not a view:
both decoders already search every orientation, and extra rotated passes only add misreads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageFilter, ImageOps

FIRST_PASS_LONG_SIDE = 1280
ZBAR_MAX_PIXELS = 1_400_000  # ZBar's cost grows fast with pixels; above this it runs on plain only


@dataclass(frozen=True, slots=True)
class Pass:
    """One decoder run on one view; ``name`` is what the benchmark reports per pass."""

    decoder: str  # "zxing" or "zbar"
    view: str

    @property
    def name(self) -> str:
        return f"{self.decoder}/{self.view}"


def cap(img: Image.Image, long_side: int) -> Image.Image:
    scale = long_side / max(img.size)
    if scale >= 1:
        return img
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.BILINEAR)


def _blurred(img: Image.Image) -> Image.Image:
    return img.filter(ImageFilter.BoxBlur(2))


def _unsharp(amount: float) -> Callable[[Image.Image], Image.Image]:
    """Unsharp mask without a threshold (a soft edge's small differences are what we want back).

    ``blend(blurred, image, 1 + amount)`` is ``image + amount * (image - blurred)`` in one C call,
    and both strengths share the one blurred copy of the x2 view.
    """

    def build(views: Views) -> Image.Image:
        return Image.blend(views.get("x2-blurred"), views.get("x2"), 1.0 + amount)

    return build


def adaptive_binarise(img: Image.Image) -> Image.Image:
    """Local-mean threshold over a window of about a tenth of the short side.

    zxing-cpp's own binariser thresholds 8x8 blocks; a wider window keeps bars that sit
    in a shadow or highlight gradient on the right side of the threshold.
    """
    mean = img.filter(ImageFilter.BoxBlur(max(4, min(img.size) // 20)))
    above = ImageChops.subtract(img, mean, 1.0, 128)  # pixel - local mean, centred on 128
    return above.point(lambda p: 255 if p >= 126 else 0)


def flatten_light(img: Image.Image) -> Image.Image:
    """Divide out slow changes of light (shadows, glare falloff), then stretch contrast."""
    radius = max(8, min(img.size) // 8)
    background = np.asarray(img.filter(ImageFilter.BoxBlur(radius)), dtype=np.float32)
    pixels = np.asarray(img, dtype=np.float32)
    flat = np.clip(pixels / np.maximum(background, 8.0) * 160.0, 0, 255).astype(np.uint8)
    return ImageOps.autocontrast(Image.fromarray(flat, "L"), cutoff=1)


def _from(view: str, build: Callable[[Image.Image], Image.Image]) -> Callable[[Views], Image.Image]:
    return lambda views: build(views.get(view))


_FAMILY = {
    "full": "plain",
    "flat": "plain",  # the same pixels, relit: zxing-cpp binarises locally anyway
    "x2-blurred": "x2",
    "sharp": "x2",
    "sharper": "x2",
    "adaptive": "x2",
}

# name -> (function of the views, scale relative to the plain view)
_VIEWS: dict[str, tuple[Callable[[Views], Image.Image], float]] = {
    "x2": (
        _from("plain", lambda img: img.resize((img.width * 2, img.height * 2), Image.Resampling.BICUBIC)),
        2.0,
    ),
    "x2-blurred": (_from("x2", _blurred), 2.0),
    "sharp": (_unsharp(1.5), 2.0),
    "sharper": (_unsharp(4.0), 2.0),
    "adaptive": (_from("x2", adaptive_binarise), 2.0),
    "flat": (_from("plain", flatten_light), 1.0),
}

# Cheapest first, chosen on the stress suite (scanstress.py): every view below reads codes
# no other view reads there. The plain view gets both decoders; the retry views mostly
# zxing-cpp, which is five to ten times faster than ZBar on the same pixels. ZBar on the
# x2 views read nothing new and added misreads, so it does not run there.
PASSES: tuple[Pass, ...] = (
    Pass("zxing", "plain"),
    Pass("zbar", "plain"),
    Pass("zxing", "flat"),
    Pass("zxing", "x2"),
    Pass("zxing", "x2-blurred"),  # a light box blur: sensor noise in dark photos
    Pass("zxing", "sharp"),
    Pass("zxing", "adaptive"),
    Pass("zxing", "sharper"),
    Pass("zbar", "flat"),
    Pass("zxing", "full"),
)


def view_family(view: str) -> str:
    """Views made from the same resampled pixels. One decoder reading the same value on two
    views of a family is one piece of evidence, not two: the full frame is the plain picture
    at more pixels, and every x2 view is the one upscale filtered differently."""
    return _FAMILY.get(view, view)


class Views:
    """The plain view (long side capped) and the retry views, built on first use."""

    def __init__(self, full: Image.Image, long_side: int = FIRST_PASS_LONG_SIDE) -> None:
        plain = cap(full, long_side)
        self._images: dict[str, Image.Image] = {"plain": plain}
        self._scales: dict[str, float] = {"plain": 1.0}
        if full is not plain:
            self._images["full"] = full
            self._scales["full"] = full.width / plain.width

    @property
    def plain(self) -> Image.Image:
        return self._images["plain"]

    def has(self, name: str) -> bool:
        return name in self._images or name in _VIEWS

    def scale(self, name: str) -> float:
        return self._scales.get(name) or _VIEWS[name][1]

    def get(self, name: str) -> Image.Image:
        if name not in self._images:
            build, scale = _VIEWS[name]
            self._images[name] = build(self)
            self._scales[name] = scale
        return self._images[name]

    def pixels(self, name: str) -> int:
        s = self.scale(name)
        return int(self.plain.width * self.plain.height * s * s)
