"""Cleaning text where it enters the program: what people type, buttons, imported cells.

Phones and spreadsheets send more than letters: fullwidth digits from an East Asian
keyboard (``９５２…``), Arabic-Indic digits, zero-width spaces copied from web pages, and
bidirectional overrides (U+202E) that make echoed text read backwards. Everything is
cleaned once at the edge so that the rest of the program sees plain text, GTINs are ASCII
digits only, and no invisible control character reaches a reply.
"""

from __future__ import annotations

import unicodedata

# Control characters a cell or a message may hold: they are turned into spaces.
_LAYOUT = {"\t", "\n", "\r"}


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script as its ASCII digit (``٣`` and ``３`` become ``3``)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only (``str.isdigit`` also accepts ``²`` and ``٣``)."""
    return text.isascii() and text.isdigit()


def strip_invisible(text: str) -> str:
    """Remove format characters: zero-width spaces and joiners, bidi marks and overrides,
    the byte-order mark, soft hyphens (Unicode category Cf)."""
    if text.isascii() or text.isprintable():  # no Cf character is printable: the usual fast path
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def clean_input(text: str) -> str:
    """A typed message as the program should read it: NFKC (fullwidth letters and digits
    become ASCII), digits of any script as ASCII, invisible characters removed, control
    characters as spaces."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    text = ascii_digits(text)
    return "".join(" " if unicodedata.category(ch) == "Cc" and ch not in _LAYOUT else ch for ch in text)


def control_char(value: str) -> int | None:
    """The 1-based position of the first NUL or other control character in a cell (tab and
    line breaks are allowed), or None when the cell has none."""
    if value.isprintable():
        return None
    for at, ch in enumerate(value, 1):
        if ch not in _LAYOUT and unicodedata.category(ch) == "Cc":
            return at
    return None


def clean_cell(value: str) -> str:
    """An imported cell with invisible characters removed (checked by ``control_problem``)."""
    return strip_invisible(unicodedata.normalize("NFC", value)).strip()
