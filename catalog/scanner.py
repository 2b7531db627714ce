"""Reading barcodes and QR codes from phone photos.

zxing-cpp decodes first; pyzbar (ZBar) second when the system library libzbar0 is
there; then retries on a preprocessed image (x2 upscale + unsharp mask), and on
the full-resolution frame when the first pass used a downscaled copy. The first
pass that finds something wins, and reads from fallback passes are marked as less
certain. ``scan`` is plain CPU work: call it from a worker thread in async code.
"""

from __future__ import annotations

import io
import logging
import struct
import time
import warnings
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

import numpy as np
import zxingcpp
from biip import EncodeError, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.upc import Upc
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from catalog import gtin as gtins

log = logging.getLogger(__name__)

FIRST_PASS_LONG_SIDE = 1280
MAX_PIXELS = 40_000_000  # a 20000 x 20000 "photo" is refused before decoding
MAX_BYTES = 20 * 1024 * 1024

_ZX_FORMATS = (
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
    zxingcpp.BarcodeFormat.QRCode,
)
_ZX_NAMES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "QRCode": "qr"}

try:  # pyzbar needs the system library libzbar0; without it we use zxing-cpp alone.
    from pyzbar import pyzbar as _pyzbar
    from pyzbar.pyzbar import ZBarSymbol

    _ZBAR_SYMBOLS = [ZBarSymbol.EAN13, ZBarSymbol.EAN8, ZBarSymbol.UPCA, ZBarSymbol.UPCE, ZBarSymbol.QRCODE]
    ZBAR_ERROR: str | None = None
except (ImportError, OSError) as exc:  # pragma: no cover - depends on the machine
    _pyzbar = None
    ZBAR_ERROR = str(exc)


class ScanProblem(StrEnum):
    NOT_IMAGE = "not_image"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_LARGE = "too_large"


@dataclass(frozen=True, slots=True)
class Code:
    """One code found in a picture.

    ``raw`` is the value as printed (12 digits for UPC-A, 8 for UPC-E); ``gtin`` is the
    catalog form (GTIN-13 or GTIN-8) for product codes, including a GTIN inside a GS1
    Digital Link QR code; ``domain`` is set for other web addresses.
    """

    symbology: str
    raw: str
    gtin: str | None = None
    domain: str | None = None
    certain: bool = True
    decoder: str = ""


@dataclass(slots=True)
class ScanResult:
    codes: list[Code] = field(default_factory=list)
    problem: ScanProblem | None = None
    passes: int = 0
    seconds: float = 0.0


def _gray(img: Image.Image) -> Image.Image:
    """Any mode (CMYK, 16-bit, palette, transparent) to 8-bit grayscale on white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        scaled = (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(arr)
        return Image.fromarray(scaled.astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        background.alpha_composite(img.convert("RGBA"))
        img = background
    return img.convert("L")


def _cap(img: Image.Image, long_side: int) -> Image.Image:
    scale = long_side / max(img.size)
    if scale >= 1:
        return img
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.BILINEAR)


def _sharpened_x2(img: Image.Image) -> Image.Image:
    big = img.resize((img.width * 2, img.height * 2), Image.Resampling.BICUBIC)
    return big.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=3))


def _repair_qr_text(text: str) -> str:
    """ZBar may read UTF-8 (Vietnamese) as Shift-JIS; undo that when the round trip works."""
    try:
        return text.encode("shift_jis").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def classify_text(text: str, symbology: str = "qr", certain: bool = True, decoder: str = "") -> Code:
    """A QR payload: GS1 Digital Link (GTIN), another web address (domain), or plain text."""
    value = text.strip()
    lowered = value.lower()
    if lowered.startswith(("http://", "https://")):
        try:
            link = GS1DigitalLinkURI.parse(value)
            found = link.element_strings.get(ai="01")
            if found and found.gtin:
                return Code(
                    symbology,
                    value,
                    gtin=gtins.normalise(found.gtin.value.rjust(14, "0")),
                    certain=certain,
                    decoder=decoder,
                )
        except (ParseError, ValueError):
            pass
        host = urlsplit(value).hostname or ""
        return Code(symbology, value, domain=host or None, certain=certain, decoder=decoder)
    return Code(symbology, value, certain=certain, decoder=decoder)


def _product_code(symbology: str, raw: str, certain: bool, decoder: str) -> Code | None:
    """Normalise a linear code to GTIN form; None when the check digit fails (a misread).

    ``raw`` becomes the number as printed: 12 digits for UPC-A (decoders often report it
    as an EAN-13 with a leading 0) and 8 digits for UPC-E (zxing-cpp reports it expanded).
    """
    digits = raw.strip()
    if not digits.isdigit():
        return None
    try:
        if symbology == "upce":
            if len(digits) == 13:
                digits = Upc.parse(digits[1:]).as_upc_e()
            return Code("upce", digits, gtin=gtins.upc_e_to_gtin13(digits), certain=certain, decoder=decoder)
        if symbology in ("ean13", "upca") and len(digits) == 13 and digits.startswith("0"):
            symbology, digits = "upca", digits[1:]
        return Code(symbology, digits, gtin=gtins.normalise(digits), certain=certain, decoder=decoder)
    except (ValueError, ParseError, EncodeError):
        return None


class Scanner:
    """Finds EAN-13, EAN-8, UPC-A, UPC-E and QR codes in image bytes."""

    def __init__(
        self,
        budget_seconds: float = 3.0,
        max_pixels: int = MAX_PIXELS,
        max_bytes: int = MAX_BYTES,
        use_zbar: bool = True,
    ) -> None:
        self.budget = budget_seconds
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes
        self.zbar = use_zbar and _pyzbar is not None
        if use_zbar and _pyzbar is None:
            log.warning(
                "pyzbar is not usable (%s); scanning with zxing-cpp alone. "
                "Install libzbar0 for better results.",
                ZBAR_ERROR,
            )

    # -- decoders ---------------------------------------------------------------------------
    @staticmethod
    def _zxing(img: Image.Image, certain: bool) -> list[Code]:
        codes = []
        for found in zxingcpp.read_barcodes(img, formats=_ZX_FORMATS, try_downscale=True):
            name = _ZX_NAMES.get(found.format.name)
            if name == "qr":
                text = found.bytes.decode("utf-8", errors="replace") if found.bytes else found.text
                codes.append(classify_text(text, certain=certain, decoder="zxing"))
            elif name:
                code = _product_code(name, found.text, certain, "zxing")
                if code:
                    codes.append(code)
        return codes

    @staticmethod
    def _zbar(img: Image.Image, certain: bool) -> list[Code]:
        codes = []
        assert _pyzbar is not None
        for found in _pyzbar.decode(img, symbols=_ZBAR_SYMBOLS):
            name = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "QRCODE": "qr"}.get(
                found.type
            )
            text = found.data.decode("utf-8", errors="replace")
            if name == "qr":
                codes.append(classify_text(_repair_qr_text(text), certain=certain, decoder="zbar"))
            elif name:
                code = _product_code(name, text, certain, "zbar")
                if code:
                    codes.append(code)
        return codes

    # -- the chain --------------------------------------------------------------------------
    def _open(self, data: bytes) -> Image.Image | ScanProblem:
        if len(data) > self.max_bytes:
            return ScanProblem.TOO_LARGE
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(io.BytesIO(data))
                if img.width * img.height > self.max_pixels:
                    return ScanProblem.TOO_MANY_PIXELS
                img.seek(0)  # first frame of an animation
                img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return ScanProblem.TOO_MANY_PIXELS
        except (
            UnidentifiedImageError,
            OSError,
            ValueError,
            SyntaxError,
            EOFError,
            TypeError,
            IndexError,
            struct.error,
        ):
            return ScanProblem.NOT_IMAGE
        if img.width < 8 or img.height < 8:
            return ScanProblem.NOT_IMAGE
        try:
            img = ImageOps.exif_transpose(img) or img
        except Exception:
            log.debug("ignoring unreadable EXIF orientation")
        return _gray(img)

    def scan(self, data: bytes) -> ScanResult:
        """Decode every supported code in ``data`` within the time budget."""
        start = time.perf_counter()
        result = ScanResult()
        opened = self._open(data)
        if isinstance(opened, ScanProblem):
            result.problem = opened
            result.seconds = time.perf_counter() - start
            return result
        full = opened
        first = _cap(full, FIRST_PASS_LONG_SIDE)
        passes = [lambda: self._zxing(first, True)]
        if self.zbar:
            passes.append(lambda: self._zbar(first, True))
        sharp: list[Image.Image] = []

        def sharpened() -> Image.Image:
            if not sharp:
                sharp.append(_sharpened_x2(first))
            return sharp[0]

        passes.append(lambda: self._zxing(sharpened(), False))
        if self.zbar:
            passes.append(lambda: self._zbar(sharpened(), False))
        if full is not first:
            passes.append(lambda: self._zxing(full, False))
        for run in passes:
            if result.passes and time.perf_counter() - start > self.budget:
                break
            result.passes += 1
            codes = run()
            if codes:
                result.codes = _tidy(codes)
                break
        result.seconds = time.perf_counter() - start
        return result


def _tidy(codes: list[Code]) -> list[Code]:
    """Drop duplicates, and a UPC-E read when an EAN-13/UPC-A was read in the same frame."""
    has_long = any(c.symbology in ("ean13", "upca") for c in codes)
    seen: set[str] = set()
    tidy = []
    for code in codes:
        if has_long and code.symbology == "upce":
            continue
        key = code.gtin or code.raw
        if key in seen:
            continue
        seen.add(key)
        tidy.append(code)
    order = {"ean13": 0, "upca": 1, "ean8": 2, "upce": 3, "qr": 4}
    return sorted(tidy, key=lambda c: order.get(c.symbology, 9))
