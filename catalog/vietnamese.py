"""Vietnamese spelling facts the search needs: syllable shape, tone marks, keystroke decoding.

Shoppers often type with the Vietnamese keyboard switched off, so the keys that would
have added the marks stay in the text: Telex (``suwax tuwowi`` for *sữa tươi*) or VNI
(``su7a4 tu7o7i``). Both are decoded here, one word at a time. A decoded word is only
worth trying when it is a well-formed syllable, which ``is_syllable`` checks on the
folded form (onset + rhyme from the closed list of Vietnamese rhymes).
"""

from __future__ import annotations

import unicodedata

# Onsets and rhymes in folded form (no marks). The rhyme list is the closed set of
# Vietnamese rhymes with their marks removed, so it also accepts a few folded
# spellings that only exist with marks (that is what a folded query looks like).
_ONSETS = ("", "ngh", "ng", "nh", "gh", "gi", "kh", "ph", "th", "tr", "ch", "qu", *"bcdghklmnprstvx")
_RHYMES = frozenset(
    " ".join(
        (
            "a ai ao au ay an ang anh am ap at ac ach",
            "e eo eu en eng enh em ep et ec ech",
            "i ia iu in inh im ip it ich ieu ien ieng iem iep iet iec",
            "o oi on ong om op ot oc oa oai oao oay oan oang oanh oam oap oat oac oach",
            "oe oeo oen oet oem oong ooc",
            "u ua uai ui uu un ung um up ut uc uy uya uyu uyen uyet uynh uych uyt uyn",
            "ue uen uenh uan uang uat uac uay uau uoi uon uong uom uot uoc uo uou uop",
            "y yeu yen yem yet",
        )
    ).split()
)

# Tone marks as combining characters, numbered like VNI (1 sắc ... 5 nặng).
_TONE_MARKS = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_TONE_OF_MARK = {v: k for k, v in _TONE_MARKS.items()}
_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_VOWELS = set("aăâeêioôơuưy")
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}
_BREVE = {"a": "ă"}


def is_syllable(word: str) -> bool:
    """Whether a folded word has the shape of one Vietnamese syllable (``moung`` does not)."""
    if not word.isascii() or not word.isalpha():
        return False
    return any(word.startswith(onset) and word[len(onset) :] in _RHYMES for onset in _ONSETS)


def marks_of(word: str) -> tuple[str, int]:
    """A word's vowel letters with their quality marks (â ă ê ô ơ ư đ) and its tone (0-5).

    The tone is kept apart so that ``hoà`` and ``hòa`` (the mark on another vowel) compare equal.
    """
    tone = 0
    kept = []
    for ch in unicodedata.normalize("NFD", word.casefold()):
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def has_marks(word: str) -> bool:
    """Whether a word carries any Vietnamese mark (so the marks the shopper typed are evidence)."""
    quality, tone = marks_of(word)
    return tone != 0 or any(not ("a" <= ch <= "z") for ch in quality if ch.isalpha())


def _with_tone(letters: list[str], tone: int) -> str:
    """Put the tone mark on a vowel of the syllable (the exact vowel does not matter for search)."""
    word = "".join(letters)
    if not tone:
        return word
    vowels = [i for i, ch in enumerate(letters) if ch in _VOWELS]
    if not vowels:
        return word
    marked = [i for i in vowels if letters[i] in "ăâêôơư"]
    i = marked[-1] if marked else vowels[len(vowels) // 2 if len(vowels) > 1 else 0]
    letters = letters.copy()
    letters[i] = unicodedata.normalize("NFC", letters[i] + _TONE_OF_MARK[tone])
    return "".join(letters)


def _apply(letters: list[str], table: dict[str, str], pair_horn: bool = False) -> bool:
    """Apply a quality mark to the last vowel it fits (``uo`` + horn gives ``ươ``)."""
    for i in range(len(letters) - 1, -1, -1):
        ch = letters[i]
        if pair_horn and ch == "o" and i > 0 and letters[i - 1] == "u":
            letters[i - 1], letters[i] = "ư", "ơ"
            return True
        if ch in table:
            letters[i] = table[ch]
            return True
    return False


def decode_telex(word: str) -> str | None:
    """``suwax`` -> ``sữa``, ``ddieeuf`` -> ``điều``; None when the word holds no Telex keys."""
    if not word.isalpha() or not word.isascii():
        return None
    letters: list[str] = []
    tone = 0
    changed = False
    for ch in word:
        seen_vowel = any(c in _VOWELS for c in letters)
        if ch in _TELEX_TONES and seen_vowel:
            tone = _TELEX_TONES[ch]
            changed = True
        elif ch == "d" and letters == ["d"]:
            letters[0] = "đ"
            changed = True
        elif ch in _CIRCUMFLEX and letters and letters[-1] == ch:
            letters[-1] = _CIRCUMFLEX[ch]
            changed = True
        elif ch == "w":
            if not _apply(letters, {**_HORN, **_BREVE}, pair_horn=True):
                letters.append("ư")
            changed = True
        else:
            letters.append(ch)
    return _finish(letters, tone) if changed else None


_VNI_MARKS = {
    "6": lambda letters: _apply(letters, _CIRCUMFLEX),
    "7": lambda letters: _apply(letters, _HORN, pair_horn=True),
    "8": lambda letters: _apply(letters, _BREVE),
}


def decode_vni(word: str) -> str | None:
    """``su7a4`` -> ``sữa``, ``d9ie6u2`` -> ``điều``; None when the word holds no VNI keys."""
    if not word.isascii() or not word[:1].isalpha() or not any(ch.isdigit() for ch in word):
        return None
    letters: list[str] = []
    tone = 0
    for ch in word:
        if ch.isalpha():
            letters.append(ch)
        elif ch in "12345" and any(c in _VOWELS for c in letters):
            tone = int(ch)
        elif ch == "9" and letters[:1] == ["d"]:
            letters[0] = "đ"
        elif not _VNI_MARKS.get(ch, lambda _l: False)(letters):
            return None  # a digit that is no VNI key here: a model number, not a word
    return _finish(letters, tone)


# What may follow ư in a syllable (ư, ưa, ưi, ưu, ưng, ưc, ưt, ưn, ưm, ươ...): ``qwe`` is no "qưe".
_AFTER_HORN_U = frozenset("aiuncmtgơ")


def _horn_u_fits(letters: list[str]) -> bool:
    for i, ch in enumerate(letters):
        if ch == "ư":
            after = letters[i + 1] if i + 1 < len(letters) else ""
            if (i and letters[i - 1] == "q") or (after and after not in _AFTER_HORN_U):
                return False
    return True


def _finish(letters: list[str], tone: int) -> str | None:
    for i in range(len(letters) - 1):
        if letters[i] == "ư" and letters[i + 1] == "o":  # ``nuwocs``: keyboards make "ưo" into "ươ"
            letters = [*letters[: i + 1], "ơ", *letters[i + 2 :]]
    if not _horn_u_fits(letters):
        return None
    word = _with_tone(letters, tone)
    from catalog.text import fold  # local: text imports nothing from here

    return word if is_syllable(fold(word)) else None
