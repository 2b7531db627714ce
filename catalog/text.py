"""Text normalisation so that shoppers' typing matches catalog names.

Shoppers often type without diacritics (``sua tuoi huu co``), or with the wrong
ones (``sưa tuoi hưu co``). Folding both the catalog and the query to the same
plain form makes those equal before any fuzzy matching starts.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Letters that do not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans({"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss"})


def fold(text: str) -> str:
    """Return ``text`` NFC-normalised, case-folded, without diacritics, words joined by one space.

    >>> fold("Sữa tươi HỮU CƠ – Đà Lạt")
    'sua tuoi huu co da lat'
    """
    text = unicodedata.normalize("NFC", text).casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.translate(_SPECIAL)).strip()


def tokens(text: str) -> list[str]:
    """Folded words of ``text``."""
    folded = fold(text)
    return folded.split() if folded else []
