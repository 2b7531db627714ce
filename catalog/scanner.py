"""Reading barcodes and QR codes from phone photos.

A wrong product is the worst answer the bot can give, so a read is trusted on evidence,
not on the pass that found it. zxing-cpp on the plain frame is the strongest source for
EAN/UPC, and zxing-cpp's QR reads are protected by Reed-Solomon error correction; such a
read is accepted alone. A ZBar read, a UPC-E read (a partial read of a longer code is
easily a valid UPC-E) and any read from a retry view is accepted only when a second,
independent source (another decoder or another view) reads the same value. The chain
keeps trying until every candidate is accepted or the CPU budget is spent; what stays
unconfirmed is returned with ``certain=False`` for the shopper to compare by eye.

``Scanner.scan(bytes) -> ScanResult`` is plain, synchronous CPU work with picklable
results: call it from a worker thread or a process pool.
"""

from __future__ import annotations

import io
import logging
import struct
import time
import warnings
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np
import zxingcpp
from biip import EncodeError, ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.upc import Upc
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog import bookmark
from catalog import gtin as gtins
from catalog.scan_passes import FIRST_PASS_LONG_SIDE, PASSES, ZBAR_MAX_PIXELS, Pass, Views, view_family
from catalog.scan_quality import Advice, advise

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000  # a 20000 x 20000 "photo" is refused before decoding
MAX_BYTES = 20 * 1024 * 1024
CPU_SECONDS = 0.8  # no retry pass starts after this much CPU time on one photo
THIN_BAND = 0.1  # a linear read agreed on over less than a tenth of its length needs a second source

_ZX_FORMATS = (
    zxingcpp.BarcodeFormat.EAN13,
    zxingcpp.BarcodeFormat.EAN8,
    zxingcpp.BarcodeFormat.UPCA,
    zxingcpp.BarcodeFormat.UPCE,
    zxingcpp.BarcodeFormat.QRCode,
)
_ZX_NAMES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "QRCode": "qr"}
_ZBAR_NAMES = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "QRCODE": "qr"}
_LONG = ("ean13", "upca", "ean8")
_ORDER = {"ean13": 0, "upca": 1, "ean8": 2, "upce": 3, "qr": 4}

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
    Digital Link QR code; ``domain`` and ``link`` are set for other web addresses (a bookmark
    QR code also gives its ``title``). ``certain`` is False
    when no second source confirmed the value; ``sources`` lists every decoder/view that
    read it, first one first.
    """

    symbology: str
    raw: str
    gtin: str | None = None
    domain: str | None = None
    link: str | None = None
    title: str | None = None
    certain: bool = True
    decoder: str = ""
    sources: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What two reads must share to be the same code."""
        return self.gtin or self.raw.replace("\r\n", "\n").strip()


@dataclass(slots=True)
class ScanResult:
    codes: list[Code] = field(default_factory=list)
    problem: ScanProblem | None = None
    passes: int = 0
    seconds: float = 0.0
    advice: list[Advice] = field(default_factory=list)  # why nothing (sure) was read, worst first

    @property
    def certain(self) -> list[Code]:
        return [c for c in self.codes if c.certain]


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


def _repair_qr_text(text: str) -> str:
    """ZBar may read UTF-8 (Vietnamese) as Shift-JIS; undo that when the round trip works."""
    try:
        return text.encode("shift_jis").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def classify_text(text: str, symbology: str = "qr", certain: bool = True, decoder: str = "") -> Code:
    """A QR payload: GS1 Digital Link (GTIN), another web address (domain), a bookmark
    (MEBKM: its address read the same way, with its title), or plain text.

    The text is kept as decoded (control characters included); only surrounding
    whitespace is trimmed for links.
    """
    value = text.strip()
    marked = bookmark.parse(value)
    if marked and marked[1].lower().startswith(("http://", "https://")):
        found = classify_text(marked[1], symbology, certain, decoder)
        return replace(found, raw=text, title=marked[0] or None)
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
        return Code(symbology, value, domain=host or None, link=value, certain=certain, decoder=decoder)
    return Code(symbology, text, certain=certain, decoder=decoder)


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


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in plain-view pixels


@dataclass(slots=True)
class _Read:
    code: Code
    source: str  # "decoder/view"
    box: Box
    thin: bool = False  # a linear read that only a narrow band of scan lines agrees on

    @property
    def view(self) -> str:
        return self.source.split("/", 1)[1]


def _box(points: list[tuple[float, float]], scale: float) -> Box:
    xs = [p[0] / scale for p in points]
    ys = [p[1] / scale for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: Box, b: Box) -> bool:
    """Do two reads cover the same printed code? Boxes are padded: a linear read is often one row."""

    def pad(box: Box) -> Box:
        m = 0.25 * max(box[2] - box[0], box[3] - box[1], 4.0)
        return box[0] - m, box[1] - m, box[2] + m, box[3] + m

    a, b = pad(a), pad(b)
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _band(p: zxingcpp.Position) -> float:
    """How far along the bars a linear read extends, relative to its length.

    zxing-cpp reports the first and last scan line that decoded the same value; a read
    found on one or two neighbouring lines is how partial and misaligned reads look.
    """
    length = np.hypot(p.top_right.x - p.top_left.x, p.top_right.y - p.top_left.y)
    across = np.hypot(p.bottom_left.x - p.top_left.x, p.bottom_left.y - p.top_left.y)
    return float(across / length) if length else 0.0


def _zxing(img: Image.Image, scale: float, view: str) -> list[_Read]:
    reads = []
    found_all = zxingcpp.read_barcodes(
        img, formats=_ZX_FORMATS, try_downscale=view in ("plain", "full"), text_mode=zxingcpp.TextMode.Plain
    )
    for found in found_all:
        name = _ZX_NAMES.get(found.format.name)
        if not name:
            continue
        # Plain text mode: bytes transcoded by ECI, or by zxing-cpp's guess (ISO-8859-1,
        # Shift-JIS, UTF-8) when there is none; control characters are kept.
        code = classify_text(found.text) if name == "qr" else _product_code(name, found.text, True, "zxing")
        if code:
            p = found.position
            corners = [p.top_left, p.top_right, p.bottom_right, p.bottom_left]
            box = _box([(c.x, c.y) for c in corners], scale)
            thin = name != "qr" and _band(p) < THIN_BAND
            reads.append(_Read(replace(code, decoder="zxing"), f"zxing/{view}", box, thin))
    return reads


def _zbar(img: Image.Image, scale: float, view: str) -> list[_Read]:
    assert _pyzbar is not None
    reads = []
    for found in _pyzbar.decode(img, symbols=_ZBAR_SYMBOLS):
        name = _ZBAR_NAMES.get(found.type)
        text = found.data.decode("utf-8", errors="replace")
        if name == "qr":
            code: Code | None = classify_text(_repair_qr_text(text))
        else:
            code = _product_code(name, text, True, "zbar") if name else None
        if code:
            box = _box([(p.x, p.y) for p in found.polygon] or [(0, 0)], scale)
            reads.append(_Read(replace(code, decoder="zbar"), f"zbar/{view}", box))
    return reads


def _strong(read: _Read) -> bool:
    """Accepted alone: zxing-cpp's QR (error-corrected) or its EAN/UPC on the plain frame."""
    symbology = read.code.symbology
    if read.code.decoder != "zxing" or symbology == "upce" or read.thin:
        return False
    return symbology == "qr" or read.source == "zxing/plain"


@dataclass(slots=True)
class _Candidate:
    reads: list[_Read]
    conflict: bool = False

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(r.source for r in self.reads))

    @property
    def certain(self) -> bool:
        if self.conflict:
            return False
        if all(r.code.symbology == "qr" and r.code.decoder == "zbar" for r in self.reads):
            return False  # ZBar's charset guess is the same on every view: only zxing-cpp's text counts
        return any(_strong(r) for r in self.reads) or self.independent() >= 2

    def independent(self) -> int:
        """Sources that could not share a mistake: another decoder, or another family of views.

        Thin reads count once together: the same partial read repeats on every view.
        """
        return len({("thin", "") if r.thin else (r.code.decoder, view_family(r.view)) for r in self.reads})

    def overlaps(self, other: _Candidate) -> bool:
        return any(_overlap(a.box, b.box) for a in self.reads for b in other.reads)

    def weight(self) -> tuple[int, int, int, int]:
        strong = int(any(_strong(r) for r in self.reads))
        return (strong, int(not all(r.thin for r in self.reads)), self.independent(), -_first_pass(self))

    def code(self) -> Code:
        best = min((r.code for r in self.reads), key=lambda c: _ORDER.get(c.symbology, 9))
        zx = [r.code for r in self.reads if r.code.decoder == "zxing" and r.code.symbology == best.symbology]
        shown = zx[0] if zx else best  # zxing-cpp's QR text is the right one when both read it
        return replace(
            shown, certain=self.certain, decoder=self.reads[0].code.decoder, sources=tuple(self.sources)
        )


def _first_pass(candidate: _Candidate) -> int:
    names = [p.name for p in PASSES]
    return min(names.index(s) if s in names else len(names) for s in candidate.sources)


def weigh(reads: list[_Read]) -> list[Code]:
    """Turn every read of one photo into codes, each marked certain or not on its evidence.

    Reads of the same value are one candidate. Two candidates over the same printed code
    contradict each other: the weaker one is dropped and the stronger one loses its
    certainty, except that a UPC-E over a longer code is the partial read it looks like
    and a ZBar QR under a zxing-cpp QR is the same symbol in another charset guess.
    """
    by_key: dict[str, _Candidate] = {}
    for read in reads:
        by_key.setdefault(read.code.key, _Candidate([])).reads.append(read)
    candidates = sorted(by_key.values(), key=lambda c: c.weight(), reverse=True)
    kept: list[_Candidate] = []
    for cand in candidates:
        symbology = cand.reads[0].code.symbology
        rival = next((k for k in kept if k.overlaps(cand)), None)
        if rival is None:
            kept.append(cand)
            continue
        rival_symbologies = {r.code.symbology for r in rival.reads}
        if symbology == "upce" and rival_symbologies & set(_LONG):
            continue
        if (
            symbology == "qr"
            and "qr" in rival_symbologies
            and all(r.code.decoder == "zbar" for r in cand.reads)
        ):
            continue
        if (symbology == "qr") != ("qr" in rival_symbologies):
            kept.append(cand)  # a QR code printed beside a barcode: both are real
            continue
        rival.conflict = True
    return sorted((c.code() for c in kept), key=lambda c: (not c.certain, _ORDER.get(c.symbology, 9)))


class PhotoScanner(Protocol):
    """What the bot needs of a scanner: this module's Scanner, or catalog.scanpool's
    PooledScanner that runs it in worker processes."""

    max_bytes: int

    def scan(self, data: bytes) -> ScanResult: ...


class Scanner:
    """Finds EAN-13, EAN-8, UPC-A, UPC-E and QR codes in image bytes."""

    def __init__(
        self,
        budget_seconds: float = 3.0,
        max_pixels: int = MAX_PIXELS,
        max_bytes: int = MAX_BYTES,
        use_zbar: bool = True,
        cpu_seconds: float = CPU_SECONDS,
        passes: tuple[Pass, ...] = PASSES,
    ) -> None:
        self.budget = budget_seconds  # wall clock, for a machine too busy to give us the CPU
        self.cpu_budget = cpu_seconds
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes
        self.zbar = use_zbar and _pyzbar is not None
        self.passes = tuple(p for p in passes if self.zbar or p.decoder != "zbar")
        if use_zbar and _pyzbar is None:
            log.warning(
                "pyzbar is not usable (%s); scanning with zxing-cpp alone. "
                "Install libzbar0 for better results.",
                ZBAR_ERROR,
            )

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
        start, cpu_start = time.perf_counter(), time.thread_time()
        result = ScanResult()
        opened = self._open(data)
        if isinstance(opened, ScanProblem):
            result.problem = opened
            result.seconds = time.perf_counter() - start
            return result
        views = Views(opened, FIRST_PASS_LONG_SIDE)
        reads: list[_Read] = []
        for step in self.passes:
            if not views.has(step.view):
                continue
            if step.decoder == "zbar" and views.pixels(step.view) > ZBAR_MAX_PIXELS:
                continue
            spent = time.thread_time() - cpu_start
            if result.passes and (spent > self.cpu_budget or time.perf_counter() - start > self.budget):
                break
            result.passes += 1
            decode = _zxing if step.decoder == "zxing" else _zbar
            reads.extend(decode(views.get(step.view), views.scale(step.view), step.view))
            codes = weigh(reads)
            if codes and all(c.certain for c in codes):
                break
        result.codes = weigh(reads)
        if not result.certain:
            result.advice = advise(views.plain)
        result.seconds = time.perf_counter() - start
        return result
