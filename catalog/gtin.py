"""GTIN (EAN/UPC) numbers: recognising typed digits, check digits and what a prefix means.

Parsing and prefix facts come from biip, a maintained GS1 library, rather than a
hand-written prefix table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gtin import Gtin, GtinFormat
from biip.rcn import Rcn
from biip.upc import Upc

from catalog.clean import is_ascii_digits

_DIGITS_ONLY = re.compile(r"^[0-9][0-9 \-]*[0-9]$")
_BARCODE_LENGTHS = (8, 12, 13, 14)


class PrefixKind(StrEnum):
    """What a shopper should be told about the start of a number."""

    VIETNAM = "vietnam"  # 893: registered with GS1 Vietnam
    BOOK = "book"  # 978/979: ISBN
    SERIAL = "serial"  # 977: ISSN
    IN_STORE = "in_store"  # 02, 04, 20-29: restricted circulation (weighed goods, store codes)
    DEMO = "demo"  # 952: GS1 demonstration numbers (our sample data)
    OTHER = "other"  # a GS1 member organisation elsewhere
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Barcode:
    """A valid GTIN, normalised to GTIN-13 (or GTIN-8), with what its prefix means."""

    gtin: str
    kind: PrefixKind
    prefix_usage: str  # biip's description of the GS1 prefix (English)


class BadCheckDigitError(ValueError):
    """The digits look like a barcode but the check digit does not match."""

    def __init__(self, digits: str) -> None:
        super().__init__(f"check digit does not match: {digits}")
        self.digits = digits


def check_digit(payload: str) -> int:
    """GS1 check digit for ``payload`` (all digits but the last): weights 3,1,3,1... from the right."""
    return gs1_standard_check_digit(payload)


def typed_digits(text: str, least: int = 4) -> str | None:
    """The digits of ``text`` when it is only digits (spaces/dashes allowed), at least ``least`` of them.

    Such a message is a barcode typed by hand, whatever its length: a name search cannot
    find a product from digits alone."""
    text = text.strip()
    if not _DIGITS_ONLY.match(text):
        return None
    digits = re.sub(r"[ \-]", "", text)
    return digits if len(digits) >= least else None


def looks_like_barcode(text: str) -> str | None:
    """Return the digits if ``text`` is a typed barcode (8, 12, 13 or 14 digits, spaces/dashes allowed)."""
    text = text.strip()
    if not _DIGITS_ONLY.match(text):
        return None
    digits = re.sub(r"[ \-]", "", text)
    return digits if len(digits) in _BARCODE_LENGTHS else None


def normalise(digits: str) -> str:
    """Canonical catalog form: GTIN-13 for 12/13/14-digit numbers, GTIN-8 kept as 8 digits.

    Raises ``BadCheckDigitError`` or ``ValueError`` for something that is not a GTIN.
    """
    if not is_ascii_digits(digits) or len(digits) not in _BARCODE_LENGTHS:
        raise ValueError(f"not a GTIN: {digits!r}")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise BadCheckDigitError(digits)
    if len(digits) == 8:
        return digits
    as14 = digits.rjust(14, "0")
    return as14[1:] if as14.startswith("0") else as14


def upc_e_to_gtin13(digits: str) -> str:
    """Expand an 8-digit UPC-E code to the GTIN-13 of the UPC-A it stands for."""
    upc = Upc.parse(digits)
    return "0" + upc.as_upc_a()


def _kind(value: str, parsed: Gtin) -> PrefixKind:
    if isinstance(parsed, Rcn):
        return PrefixKind.IN_STORE
    head = value.rjust(13, "0")[:3] if len(value) != 8 else ""
    if head == "893":
        return PrefixKind.VIETNAM
    if head in ("978", "979"):
        return PrefixKind.BOOK
    if head == "977":
        return PrefixKind.SERIAL
    if head == "952":
        return PrefixKind.DEMO
    return PrefixKind.OTHER if parsed.prefix else PrefixKind.UNKNOWN


def describe(digits: str) -> Barcode:
    """Validate and explain a GTIN. Raises ``BadCheckDigitError`` or ``ValueError``."""
    value = normalise(digits)
    try:
        parsed = Gtin.parse(value)
    except ParseError as exc:  # pragma: no cover - normalise() already checked the digits
        raise ValueError(str(exc)) from exc
    usage = parsed.prefix.usage if parsed.prefix else ""
    if parsed.format is GtinFormat.GTIN_8 and not isinstance(parsed, Rcn):
        return Barcode(value, PrefixKind.OTHER if parsed.prefix else PrefixKind.UNKNOWN, usage)
    return Barcode(value, _kind(value, parsed), usage)


def is_valid(digits: str) -> bool:
    """True when ``digits`` is a GTIN-8/12/13/14 with a correct check digit."""
    try:
        normalise(digits)
    except ValueError:
        return False
    return True
