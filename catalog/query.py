"""Query understanding: turn what a shopper typed on a phone into words the index knows.

Runs before any matching, with the catalog's own vocabulary as the judge of what is a
word. In order: pack sizes become quantities (``1L`` = ``1000ml``, ``0.5kg`` = ``500g``);
syllables split by a stray space are joined (``nuoc m am``); Telex and VNI keystrokes
are decoded when the literal word is unknown (``suwax`` -> ``sữa``, ``ca2`` -> ``cà``);
abbreviations from ``data/abbreviations.csv`` are expanded (``nc`` -> ``nước``); words
typed together are split at syllables the catalog holds (``suatuoi`` -> ``sua tuoi``).
Whatever is left is matched fuzzily by the index. The marks the shopper did type are
kept with each word as evidence (``tươi`` is not ``tuổi``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from catalog.reference import data_dir
from catalog.text import fold
from catalog.vietnamese import decode_telex, decode_vni, has_marks, is_syllable, marks_of

# -- pack sizes ----------------------------------------------------------------------------
_COUNTED = ("quả", "trái", "cuộn", "gói", "tờ", "viên", "ống", "hộp", "lon", "chai", "túi", "miếng")
_UNITS = {
    **dict.fromkeys(("ml", "mililit", "mililít"), ("ml", 1)),
    **dict.fromkeys(("l", "lít", "lit", "litre", "liter", "lits"), ("ml", 1000)),
    **dict.fromkeys(("g", "gr", "gram", "grams", "gam"), ("g", 1)),
    **dict.fromkeys(("kg", "kgs", "kí", "ký", "ki", "ky", "kilo", "cân"), ("g", 1000)),
    # things counted: "hộp 10 quả" and "10 cái" both say ten pieces
    **dict.fromkeys(("cái", "chiếc", "cai", "chiec", *_COUNTED, *map(fold, _COUNTED)), ("chiec", 1)),
}
_QUANTITY = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?!\w)"
)
_HALF = re.compile(r"(?<!\w)(?:nửa|nua)\s+(?=(?:lít|lit|l|kg|ký|kí|ky|ki|kilo|cân)(?!\w))")
_CANONICAL = re.compile(r"^\d+(?:p\d+)?(?:ml|g|chiec)$")
# An appliance's power is part of its model, written as the catalog writes it: "12k btu" is
# 12000BTU and "1 ngựa" (one horse) is 1HP.
_POWER = (
    (re.compile(r"(?<![\w.,])(\d+)\s*k\s*btu(?!\w)"), r"\g<1>000btu"),
    (re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:ngựa|ngua)(?!\w)"), r"\g<1>hp"),
)
_WORD = re.compile(r"[^\W_]+")
_HAS_DIGIT = re.compile(r"\d")
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def _quantity(match: re.Match[str]) -> str:
    number, unit = match.group(1), match.group(2)
    base, factor = _UNITS[unit]
    amount = round(float(number.replace(",", ".")) * factor, 3)
    written = f"{amount:.3f}".rstrip("0").rstrip(".")  # never 1e+06: 1000 L is 1000000ml
    return f" {written.replace('.', 'p')}{base} "  # 2.5 g stays one word: ``2p5g``


def normalise_units(text: str) -> str:
    """Pack sizes in one unit each: ``1L`` -> ``1000ml``, ``0,5 kg`` -> ``500g``, ``20 cái`` -> ``20chiec``.

    ``1000ml`` and ``1 lít`` then are the same word, for the catalog and for the query;
    ``nửa lít`` is ``500ml``.
    """
    return _QUANTITY.sub(_quantity, _spoken(unicodedata.normalize("NFC", text).casefold()))


def _spoken(low: str) -> str:
    """Sizes said in words: ``nửa lít`` -> ``0.5 lít``, ``12k btu`` -> ``12000btu``."""
    if "nua" in low or "nửa" in low:
        low = _HALF.sub("0.5 ", low)
    if "btu" in low or "ngua" in low or "ngựa" in low:
        for pattern, written in _POWER:
            low = pattern.sub(written, low)
    return low


def raw_words(text: str) -> list[str]:
    """Lower-case words with their marks, pack sizes made canonical (``Sữa 1L`` -> ``sữa``, ``1000ml``)."""
    return _WORD.findall(normalise_units(text))


def split_word(folded: str) -> list[str]:
    """A folded word in index form: numbers split from letters (``12000btu`` -> ``12000 btu``)."""
    if _CANONICAL.match(folded):
        return [folded]
    return _DIGIT_LETTER.sub(" ", folded).split()


@lru_cache(maxsize=200_000)
def word_parts(raw: str) -> tuple[str, ...]:
    """The index words of one typed word (cached: catalogs repeat their words a lot)."""
    return tuple(split_word(fold(raw)))


def index_words(text: str) -> list[str]:
    """Folded words as the index stores them."""
    return [w for raw in raw_words(text) for w in word_parts(raw)]


@dataclass(frozen=True, slots=True)
class Analysed:
    """A catalog text in index form: folded words, the same with marks, sizes' bare numbers, codes."""

    folded: tuple[str, ...]
    marked: tuple[str, ...]  # one per folded word; a split word (``12000btu``) gives its parts
    numbers: tuple[str, ...]
    codes: tuple[str, ...]  # written words mixing letters and digits (``a4``, ``st25``)


@lru_cache(maxsize=200_000)
def _word_info(raw: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    parts = word_parts(raw)
    return parts, (raw,) if len(parts) == 1 else parts, not raw.isalpha() and not raw.isdigit()


def analyse(text: str) -> Analysed:
    low = _spoken(unicodedata.normalize("NFC", text).casefold())
    numbers: list[str] = []
    if _HAS_DIGIT.search(low):

        def quantity(match: re.Match[str]) -> str:
            if match.group(1).isdigit():
                numbers.append(match.group(1))
            return _quantity(match)

        low = _QUANTITY.sub(quantity, low)
    folded: list[str] = []
    marked: list[str] = []
    codes: list[str] = []
    for raw in _WORD.findall(low):
        parts, marks, code = _word_info(raw)
        folded += parts
        marked += marks
        if code:
            codes.append(raw)
    return Analysed(tuple(folded), tuple(marked), tuple(numbers), tuple(codes))


def is_quantity(word: str) -> bool:
    return word.isdigit() or bool(_CANONICAL.match(word))


# -- abbreviations -------------------------------------------------------------------------
def load_abbreviations(path: Path | None = None) -> dict[str, str]:
    """``short -> expansion`` from ``abbreviations.csv`` (both sides as typed; keys folded too)."""
    table: dict[str, str] = {}
    with open(path or data_dir() / "abbreviations.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            short = unicodedata.normalize("NFC", (row.get("short") or "").strip().casefold())
            if short:
                expansion = (row.get("expansion") or "").strip()
                table.setdefault(short, expansion)
                table.setdefault(fold(short), expansion)
    return table


@lru_cache(maxsize=1)
def default_abbreviations() -> dict[str, str]:
    return load_abbreviations()


# -- reading a query -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word to look up, as the index spells it, with the marks the shopper typed."""

    text: str
    marks: tuple[str, int] | None = None  # letters with quality marks and tone, when typed
    how: str = "typed"  # typed, telex, vni, joined, abbreviation, split
    loose: bool = False  # a look-alike of the word rather than the word (keys that fit no spelling)

    @property
    def is_quantity(self) -> bool:
        return is_quantity(self.text)


# How shoppers wrap a product name in a chat message: "có <sữa tươi> không", "cho mình <...> nhé".
_OPENERS = (("co", "ban"), ("cho", "minh"), ("cho", "em"), ("cho", "toi"), ("shop", "co"), ("co",))
_CLOSERS = ("khong", "ko", "k", "hok", "nhe", "nha", "a", "vay", "ha", "khum")
# Whole requests and questions around a name, dropped wherever a name is left after them:
# "cho tôi hỏi ...", "bà muốn mua ...", "... ở đâu bán", "where can I buy ...".
_ASKERS = ("toi", "minh", "em", "chau", "ba", "anh", "chi", "co", "chu", "bac", "me", "con")
_ASKING = ("muon mua", "muon tim", "can mua", "can tim", "can", "tim", "hoi")
_REQUESTS = tuple(
    tuple(p.split())
    for p in (
        *(f"cho {a} hoi" for a in _ASKERS),
        *(f"{a} {v}" for a in _ASKERS for v in _ASKING),
        "muon mua", "can mua", "can tim", "tim giup", "tim", "mua", "hoi", "cho hoi",
        "where can i buy", "where to buy", "do you have", "i want", "i need", "i am looking for",
        "looking for", "have you got",
    )
)  # fmt: skip
_WHERE = tuple(
    tuple(p.split())
    for p in ("o dau ban", "ban o dau", "mua o dau", "o dau co ban", "co ban khong")
)


_CALLED = frozenset((*_ASKERS, "shop", "ad", "ban", "bot", "oi"))


_NO_NAME = frozenset(("o", "dau", "ban", "mua", "co", "khong", "tim", "nao"))  # "mua ở đâu" names nothing


# Words of a sentence around a product name ("Cho mình hỏi bên bạn có bán ... không ạ?",
# "I'm looking for ..."), as written: a word typed with other marks is kept (``dê``, goat).
_CHAT_WORDS = frozenset(
    [
        *("cho", "tôi", "mình", "em", "bạn", "hỏi", "xin", "có", "không", "ạ", "nhé", "nha", "vậy", "xem"),
        *("các", "loại", "những", "đang", "tìm", "mua", "cần", "muốn", "bên", "shop", "ở", "đâu", "để"),
        *("đi", "chợ", "làm", "gì", "nào", "thế", "với", "được", "rồi", "ơi", "chị", "anh", "cháu", "bà"),
        *("bác", "bán", "giúp", "i", "m", "am", "looking", "for", "where", "can", "find", "buy", "the"),
        *("some", "do", "you", "have", "is", "there", "any", "please", "want", "need", "to", "get"),
    ]
)


_CHAT_FOLDED = frozenset(fold(w) for w in _CHAT_WORDS)


def _without_chat_words(raws: list[str]) -> list[str]:
    """The words of a sentence that are not its chat (empty when nothing else is left)."""
    kept = []
    for raw in raws:
        folded = fold(raw)
        chat = raw in _CHAT_WORDS or (not has_marks(raw) and folded in _CHAT_FOLDED)
        if not chat:
            kept.append(raw)
    return kept



def _vocative(folded: list[str]) -> int:
    """How many words a leading call takes: "cháu ơi", "shop ơi" (0: none, or nothing after it)."""
    if len(folded) > 2 and folded[1] == "oi" and folded[0] in _CALLED:
        return 2
    return 0


def strip_chat(raws: list[str]) -> list[str]:
    """Drop the chat around a product name: ``co sua tuoi khong`` -> ``sua tuoi``.

    A call (``cháu ơi``), a request (``cho tôi hỏi``, ``bà muốn mua``) and a "where to buy"
    (``ở đâu bán``) are dropped when a word is left; the frame ``co`` ... ``khong`` only
    when two words or more are left, so ``sua tuoi khong duong`` and ``huu co`` keep all
    their words. ``mua o dau`` alone (where to buy) is no product and stays as it is.
    """
    folded = [fold(r) for r in raws]
    start = _vocative(folded)
    for request in sorted(_REQUESTS, key=len, reverse=True):
        n = len(request)
        if tuple(folded[start : start + n]) == request and len(folded) > start + n:
            start += n
            break
    end = len(folded)
    for where in sorted(_WHERE, key=len, reverse=True):
        n = len(where)
        if end - n > start and tuple(folded[end - n : end]) == where:
            end -= n
            break
    if (start or end < len(folded)) and not set(folded[start:end]) <= _NO_NAME:
        raws, folded = raws[start:end], folded[start:end]
    for opener in _OPENERS:
        n = len(opener)
        if tuple(folded[:n]) != opener:
            continue
        closes = folded[-1] in _CLOSERS
        if opener[0] == "co" and not closes:
            continue  # "co" alone opens a question only with "khong" at the end
        rest = raws[n : len(raws) - 1 if closes else len(raws)]
        if len(rest) >= 2:
            return rest
    return raws


class QueryReader:
    """Reads queries against one catalog's vocabulary (rebuilt with the index)."""

    def __init__(
        self,
        vocabulary: Container[str],
        codes: Container[str] = frozenset(),
        abbreviations: Mapping[str, str] | None = None,
        frequency: Callable[[str], int] | None = None,
        spelling: Callable[[str, tuple[str, int]], bool] | None = None,
    ) -> None:
        self._vocab = vocabulary
        self._spelling = spelling or (lambda _w, _m: True)  # whether a word is written with these marks
        self._codes = codes  # raw catalog tokens with digits (a4, st25): never decoded as VNI
        self._abbr = default_abbreviations() if abbreviations is None else abbreviations
        self._freq = frequency or (lambda _w: 0)

    def known(self, word: str) -> bool:
        return word in self._vocab

    def read(self, query: str, max_words: int = 12) -> list[QueryWord]:
        """The likeliest reading of a query."""
        return self.readings(query, max_words)[0]

    def readings(self, query: str, max_words: int = 12) -> list[list[QueryWord]]:
        """The likeliest reading first, then up to three others worth a search of their own.

        Where a word can be read two ways (``lanj``: the Telex keys of "lạn", or a slip for
        ``lanh``; ``avocado``: four syllables, or an English word; ``tu oi``: two words, or
        "tươi" split by a stray space), the second way gives another reading, each with one
        choice changed. The caller keeps the reading that finds the better product.
        """
        typed = raw_words(query)[: max_words * 2]
        raws = strip_chat(typed)
        joined, joins = self._join(raws)
        slots = [self._read_word(raw) for raw in joined]
        first = [w for options in slots for w in options[0]][:max_words]
        out = [first]
        for i, options in enumerate(slots):
            if len(options) > 1:
                other = [w for j, o in enumerate(slots) for w in (options[1] if j == i else o[0])]
                out.append(other[:max_words])
        for alternative in joins:
            out.append([w for raw in alternative for w in self._read_word(raw)[0]][:max_words])
        if raws != typed:  # the words taken for chat may be the product after all (``chu oi tieu``)
            out.append([w for raw in self._join(typed)[0] for w in self._read_word(raw)[0]][:max_words])
        plain = _without_chat_words(raws)
        if len(raws) >= 5 and plain and len(raws) - len(plain) >= 2:  # a sentence: its product words alone
            out.insert(1, [w for raw in self._join(plain)[0] for w in self._read_word(raw)[0]][:max_words])
        unique: list[list[QueryWord]] = []
        for words in out:
            if words and words not in unique:
                unique.append(words)
        return unique[:4] or [first]

    def _join(self, raws: list[str]) -> tuple[list[str], list[list[str]]]:
        """Join a syllable split by a stray space: ``nuoc m am`` -> ``nuoc mam``.

        When both halves are words themselves (``tu oi``), they stay apart and the joined
        form is returned as an alternative.
        """
        out: list[str] = []
        pairs: list[int] = []  # where two words could also be one
        for raw in raws:
            if out and raw.isalpha() and out[-1].isalpha():
                prev, cur = fold(out[-1]), fold(raw)
                loose = len(prev) == 1 or len(cur) == 1 or not self.known(prev) or not self.known(cur)
                if self.known(prev + cur) and (loose or is_syllable(prev + cur)):
                    if loose:  # ``ca fe``: a piece no word alone, and together a catalog word
                        out[-1] += raw
                        continue
                    pairs.append(len(out) - 1)
            out.append(raw)
        return out, [[*out[:i], out[i] + out[i + 1], *out[i + 2 :]] for i in pairs]

    def _read_word(self, raw: str) -> list[list[QueryWord]]:
        """The ways to read one typed word, the likeliest first."""
        folded = fold(raw)
        parts = split_word(folded)
        typed = [QueryWord(p, marks_of(raw) if len(parts) == 1 and has_marks(raw) else None) for p in parts]
        if raw in self._codes or _CANONICAL.match(folded):
            return [typed]
        if any(ch.isdigit() for ch in raw):  # VNI keys are digits, so the literal split is no guide
            decoded = decode_vni(raw)
            if decoded and self.known(fold(decoded)):
                return [[self._decoded(decoded, "vni")], typed]
        if all(self.known(p) for p in parts):
            return [typed]
        decoded = decode_telex(raw)
        if decoded and self.known(fold(decoded)):
            return [[self._decoded(decoded, "telex")], typed]
        expansion = self._abbr.get(raw, self._abbr.get(folded))
        if expansion is not None:
            return [[QueryWord(w, None, "abbreviation") for w in index_words(expansion)]]
        if len(parts) == 1 and not is_syllable(folded):  # ``thuoc`` is one word, not ``thu oc``
            pieces = self._segment(folded)
            if pieces:
                return [[QueryWord(p, None, "split") for p in pieces], typed]
        return [typed]

    def _decoded(self, decoded: str, how: str) -> QueryWord:
        """A word decoded from keystrokes; a look-alike only when no name writes it with those marks.

        ``beer`` decodes to "bể", which the catalog has only as "bé": a slip at best, so it
        needs a word typed right beside it, like any slip of a short word.
        """
        folded, marks = fold(decoded), marks_of(decoded)
        if self._spelling(folded, marks):
            return QueryWord(folded, marks, how)
        return QueryWord(folded, None, how, loose=True)

    def _segment(self, word: str) -> list[str] | None:
        """Split run-together syllables at catalog words, fewest pieces first: ``suatuoi`` -> sua tuoi."""
        n = len(word)
        if n < 5 or n > 30 or not word.isalpha():
            return None
        best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
        best[0] = (0, 0, [])
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            for j in range(i + 1, min(n, i + 8) + 1):
                piece = word[i:j]
                if not self.known(piece) or not (is_syllable(piece) or len(piece) >= 3):
                    continue
                cand = (here[0] + 1, here[1] - self._freq(piece), [*here[2], piece])
                if best[j] is None or cand[:2] < best[j][:2]:  # type: ignore[index]
                    best[j] = cand
        found = best[n]
        return found[2] if found and len(found[2]) >= 2 else None
