"""Whether a product the index found is what the query names, read as a shopper would.

The index finds every product that holds enough of the query's words or their
look-alikes. Holding the words is not always naming the product, so each one found is
read against the query here, word by word, on its name:

- a query word must stand in the name as typed, not only in its category or label words
  (``bat lua``, a lighter: "bát" of the dish-soap words and a look-alike of "lau");
- a look-alike of a category word, one ordinary syllable of a label's name or of a brand
  of several words, a word typed with marks that the name spells otherwise (``gió`` is not
  ``gội``, ``tươi`` is not ``tuổi``): each is no evidence, and a product left short of the
  share of the query it must match is not shown;
- a product matched in part must be matched on what it is: its first word, brand, kind or
  English name (``tuong ca``, ketchup, is not "điều hòa treo tường");
- one Vietnamese syllable alone names a product by its first word, brand or kind, not by a
  word inside its name (``muoi``, salt, is not "nước mắm giảm muối");
- the head noun comes first in Vietnamese (``may rua bat``, a dishwasher, is not "viên rửa
  bát cho máy"), and words that are all there but none in the order typed, or spread over
  a name about something else, name another product.

Each query word is a bit (word ``i`` is ``1 << i``), so a name word becomes a mask of the
query words it may stand for and each rule is a few integer operations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from catalog.query import QueryWord, is_quantity
from catalog.vietnamese import is_syllable, marks_of

Marks = tuple[frozenset[str], int]  # a word's vowel marks (â ă ê ô ơ ư) and its tone


@dataclass(frozen=True, slots=True)
class Found:
    """What the rules see of one product the index found."""

    folded: list[str]  # its Vietnamese name, folded, word by word
    written: str  # the same words as written, with their marks
    english: list[str]  # its English name, folded
    brand: list[str]
    kind: int  # the same for products of one category and set of labels
    kind_words: frozenset[str]  # its category and label words
    label_words: frozenset[str]  # those of them that are no category word
    kind_names: frozenset[str]  # the words of its category's names (``gao``, ``rice``)
    margin: float  # how far its share of the query's words is above the share needed


class Evidence:
    """The rules for one query; ``phrase`` reads each product found."""

    def __init__(
        self,
        words: Sequence[QueryWord],
        sets: Sequence[frozenset[str]],
        strong_words: set[str],
        counted: Sequence[float],
        needed: float,
    ) -> None:
        """``sets``: the catalog words each query word may stand for; ``strong_words``: those
        matched well; ``counted``: each query word's part of the share a product must match
        (``needed``)."""
        self.sets, self.counted, self.needed = sets, counted, needed
        where: dict[str, int] = {}  # catalog word -> bits of the query words it may stand for
        for i, s in enumerate(sets):
            for w in s:
                where[w] = where.get(w, 0) | 1 << i
        self.where = where
        self.where_strong = {w: bits for w, bits in where.items() if w in strong_words}
        self.content = sum(1 << i for i, w in enumerate(words) if not w.is_quantity)
        self.all_pairs = len(words) - 1
        self.typed_marks = [(1 << i, w.text, signature(w.marks)) for i, w in enumerate(words) if w.marks]
        typed = [w for w in words if not w.is_quantity]
        # With two content words or more, a product must have in its name one of those typed as
        # a catalog word (a query all of slips, ``daikni inveter``, has none to ask for).
        known = {w.text for w, s in zip(words, sets, strict=True) if w.text in s and not w.loose}
        self.typed_exact = {w for w in known if not is_quantity(w)} if len(typed) >= 2 else set()
        # a query of category words only (``hai san``) names every product of the category
        self.all_kind_words = len(self.typed_exact) == len({w.text for w in typed})
        self.exact_bits: dict[str, int] = {}  # a word as typed -> its query words
        for i, w in enumerate(words):
            if not w.loose:
                self.exact_bits[w.text] = self.exact_bits.get(w.text, 0) | 1 << i
        self.syllables = sum(1 << i for i, w in enumerate(words) if is_syllable(w.text))
        lone = typed[0] if len(typed) == 1 else None
        self.lone_syllable = lone.text if lone and not lone.loose and is_syllable(lone.text) else ""
        self.order = (
            (typed[0].text, typed[1].text)
            if len(typed) >= 2 and all(is_syllable(w.text) and not w.loose for w in typed[:2])
            else None
        )
        first = next((i for i, w in enumerate(words) if not w.is_quantity), None)
        self.first_bit = 1 << first if first is not None else 0  # the query's head noun
        self.first_text = words[first].text if first is not None and is_syllable(words[first].text) else ""
        texts = [w.text for w in words]
        self.negated = {b for a, b in itertools.pairwise(texts) if a == "khong"}  # "không đường"
        self._brands: dict[tuple[str, ...], tuple[int, int]] = {}
        self._kinds: dict[int, tuple[int, int]] = {}

    def phrase(self, p: Found) -> int | None:
        """None when the product is not what the query names; otherwise the pairs of
        neighbouring query words that stand next to each other, in order, in its name."""
        content, where = self.content, self.where
        named = (*p.folded, *p.english, *p.brand)
        exact = self.typed_exact
        if exact and exact.isdisjoint(named) and not (self.all_kind_words and exact <= p.kind_words):
            return None  # ``bat lua``: "bát" of its category and a look-alike, none of its name's words
        kind_bits, weak = self._kind(p)
        brand = tuple(p.brand)
        if brand not in self._brands:
            self._brands[brand] = _brand_bits(p.brand, where, self.where_strong)
        others, lone = self._brands[brand]
        masks = [where.get(t, 0) for t in p.folded]
        off = 0  # query words this product matches, but as no evidence for it
        if lone:
            elsewhere = kind_bits | _outside(masks, p.folded, p.brand)
            elsewhere |= _outside([where.get(t, 0) for t in p.english], p.english, p.brand)
            off = lone & ~elsewhere & content
            if off and ((elsewhere | others) & content & ~off).bit_count() < min(2, content.bit_count()):
                return None  # found through one ordinary word of its brand and at most one word besides
        if weak:
            in_name = 0
            for t in named:
                in_name |= where.get(t, 0)
            off |= weak & ~in_name & content  # ``ca tim``: a look-alike of a category word ("tôm")
        if self.typed_marks:  # ``gió`` matched only by this name's ``gội``
            off |= self._spelled_otherwise(p, masks, kind_bits)
        off &= self._strong_here(named, p)  # only what counted towards its share can be taken off
        margin = p.margin - sum(c for i, c in enumerate(self.counted) if off >> i & 1)
        if margin < -1e-6:
            return None
        if self.lone_syllable and not self._named_by(self.lone_syllable, p):
            return None  # ``muoi`` (salt) is not "nước mắm giảm muối"
        if self.order and self.order[0] not in p.brand and _head_last(self.order, p.folded):
            return None  # ``may rua bat`` (a dishwasher) is not "viên rửa bát cho máy"
        if margin < 1.0 - self.needed - 1e-6:  # matched in part
            if not self._head_matched(p, kind_bits, off):
                return None  # ``tuong ca``: only "tường" of "điều hòa treo tường" and a word not there
            if not self.first_bit & self._strong_here(named, p) & ~off:
                return None  # ``ca phe sua da``: what the query is about is not there at all
        if self.first_kind_only(p, masks, kind_bits):
            return None  # ``dau tay`` is not "nước tẩy trang": "dầu" only of the cosmetics' words
        if self.negated and _contradicts(self.negated, p.folded):
            return None  # ``sua tuoi ko duong`` is not "sữa tươi có đường"
        near_vi, phrase_vi = _layout(masks, content, others)
        near_en = phrase_en = None
        if near_vi is not True or phrase_vi < self.all_pairs:  # the English name may do better
            near_en, phrase_en = _layout([where.get(t, 0) for t in p.english], content, others)
        if (near_vi is False and near_en is not True) or (near_en is False and near_vi is not True):
            return None  # the words are there, but spread over a name that is about something else
        if not phrase_vi and not phrase_en and content.bit_count() >= 3 and _all_there(masks, content):
            return None  # ``nuoc rua tay`` in "nước tẩy rửa": every word there, no two in the order typed
        return max(phrase_vi, phrase_en or 0)

    def first_kind_only(self, p: Found, masks: list[int], kind_bits: int) -> bool:
        """Whether the query's head noun matches this product only as one of its category's words
        while the product's own head is no such word (``dau tay``: "dầu" of the cosmetics, but
        "nước tẩy trang" is no "dầu"). Trà and chè both name tea, so ``tra shan tuyet`` does
        find "chè Shan tuyết"."""
        if not self.first_text or not kind_bits & self.first_bit:
            return False
        named = 0
        for m in masks:
            named |= m
        for t in (*p.english, *p.brand):
            named |= self.where.get(t, 0)
        if named & self.first_bit:
            return False
        head = _first_word(p)
        return not head or head[0] not in p.kind_words

    def marks_score(self, p: Found) -> float:
        """-1 to 1: how well the name spells the words typed with marks (``tươi`` over ``tuổi``)."""
        if not self.typed_marks:
            return 0.0
        written = p.written.split()
        scores = [_marks_evidence(text, marks, p.folded, written) for _, text, marks in self.typed_marks]
        return sum(scores) / len(scores)

    def _strong_here(self, named: tuple[str, ...], p: Found) -> int:
        """The query words this product matches well: in its name, brand or kind words."""
        bits = 0
        for t in (*named, *p.kind_words):
            bits |= self.where_strong.get(t, 0)
        return bits

    def _kind(self, p: Found) -> tuple[int, int]:
        """The query words its category and label words match, and those matched there as no
        evidence: a look-alike (``tim`` -> "tôm" of the seafood words), or one ordinary
        syllable of its label names (``bac`` -> "Bắc" of "Thiên Nga Bắc Âu")."""
        if p.kind not in self._kinds:
            bits = in_label = in_category = exact = 0
            for i, s in enumerate(self.sets):
                if s & p.kind_words:
                    bits |= 1 << i
                if s & p.label_words:
                    in_label |= 1 << i
                if s & (p.kind_words - p.label_words):
                    in_category |= 1 << i
            for w in p.kind_words:
                exact |= self.exact_bits.get(w, 0)
            lone_label = in_label & ~in_category & self.syllables if in_label.bit_count() < 2 else 0
            self._kinds[p.kind] = (bits, (bits & ~exact) | lone_label)
        return self._kinds[p.kind]

    def _spelled_otherwise(self, p: Found, masks: list[int], kind_bits: int) -> int:
        """The query words typed with marks that this product has only spelled otherwise.

        Category and label words are kept without marks, so there a look-alike is taken as
        spelled otherwise: ``gió`` is no ``gội`` of the category "dầu gội".
        """
        en = 0
        for t in p.english:
            en |= self.where.get(t, 0)
        written = p.written.split()
        off = 0
        for bit, text, marks in self.typed_marks:
            if en & bit:
                continue
            at = [i for i, m in enumerate(masks) if m & bit]
            if at:
                otherwise = all(
                    not agrees(marks, signature(_spelling(written[i])), p.folded[i] == text) for i in at
                )
            else:
                otherwise = bool(kind_bits & bit) and text not in p.kind_words
            if otherwise:
                off |= bit
        return off

    def _head_matched(self, p: Found, kind_bits: int, off: int) -> bool:
        """A product matched in part must be matched on what it is: its kind, brand, first word
        or a word of its English name (where the noun comes last, and any word may be it)."""
        good = self.content & ~off
        head = (*_first_word(p), *p.brand, *p.english)
        return any(self.where_strong.get(t, 0) & good for t in head) or bool(kind_bits & good)

    def _named_by(self, word: str, p: Found) -> bool:
        """Whether one typed syllable names this product: its first word, its category's name,
        its English noun (the last word there) or a brand of one word (``vàng`` alone does not
        name "Lúa Vàng", nor ``tam`` the "sữa tắm" of the cosmetics' keywords)."""
        english = [t for t in p.english if not t.isdigit() and not is_quantity(t)]
        brand = p.brand if len(p.brand) == 1 else []
        return word in (*_first_word(p), *brand, *english[-1:]) or word in p.kind_names


def _first_word(p: Found) -> list[str]:
    """The first word of the Vietnamese name after a brand it starts with, and the first after
    the words of its category's name (``muong`` of "Rau muống", ``nep`` of "Gạo nếp")."""
    n = len(p.brand)
    start = n if p.folded[:n] == p.brand else 0
    rest = start
    while rest < len(p.folded) and p.folded[rest] in p.kind_names:
        rest += 1
    return [*p.folded[start : start + 1], *p.folded[rest : rest + 1]]


def signature(marks: tuple[str, int]) -> Marks:
    """The quality marks (â ă ê ô ơ ư) of a word, as a set, and its tone.

    ``đ`` is left out: the folded text already equates it with ``d``, and shoppers who type
    ``dd`` for a plain ``d`` mean the same word."""
    quality, tone = marks
    return frozenset(ch for ch in quality if not "a" <= ch <= "z" and ch != "đ"), tone


def agrees(typed: Marks, spelled: Marks, same_letters: bool = False) -> bool:
    """Whether a word's written marks fit the marks typed (a mark left out is no disagreement).

    A vowel mark the word does not have tells another word (``tươi`` is not ``tuổi``). For a
    look-alike (other letters) a tone typed and written otherwise does too (``gió`` is no
    slip of ``gội``); on the same letters a wrong tone is taken for a slip (``cà phế``).
    Hỏi and ngã are taken as one: ``sửa`` for ``sữa`` is the commonest of spelling slips.
    """
    if not typed[0] <= spelled[0]:
        return False
    tone, written = _TONE_CLASS.get(typed[1], typed[1]), _TONE_CLASS.get(spelled[1], spelled[1])
    return same_letters or not tone or tone == written


_TONE_CLASS = {4: 3}  # ngã counts as hỏi
_spelling: Callable[[str], tuple[str, int]] = lru_cache(maxsize=65_536)(marks_of)  # names repeat words


def _marks_evidence(text: str, marks: Marks, folded: list[str], written: list[str]) -> float:
    """+1 when the name spells the word with the marks typed (as ``agrees`` reads them), -0.5
    when only with another tone, -1 when only with other vowel marks; 0 when it lacks the word."""
    spellings = [signature(_spelling(w)) for f, w in zip(folded, written, strict=False) if f == text]
    if not spellings:
        return 0.0
    if any(agrees(marks, spelled) for spelled in spellings):
        return 1.0
    if any(agrees(marks, spelled, same_letters=True) for spelled in spellings):
        return -0.5
    return -1.0


def _brand_bits(brand: list[str], where: dict[str, int], where_strong: dict[str, int]) -> tuple[int, int]:
    """The query words that stand in a brand, and those that match only one ordinary syllable of it.

    A brand of several words, of which the query matches just one, and that one a common
    Vietnamese syllable (``mát`` of "Sạch Mát"), is not named by the query; a coined word
    (``lumiviet``) or two words of it (``bo vui``) are.
    """
    inside = 0
    hit: set[str] = set()
    for w in brand:
        bits = where.get(w, 0)
        if bits:
            inside |= bits
            hit.add(w)
    if len(brand) < 2 or len(hit) != 1:
        return inside, 0
    [word] = hit
    return inside, where_strong.get(word, 0) if is_syllable(word) else 0


def _outside(masks: list[int], tokens: list[str], brand: list[str]) -> int:
    """The query words that stand in a name outside the brand's own words in it."""
    n = len(brand)
    start = next((i for i in range(len(tokens) - n + 1) if tokens[i : i + n] == brand), -1)
    bits = 0
    for p, m in enumerate(masks):
        if not start <= p < start + n or start < 0:
            bits |= m
    return bits


def _contradicts(negated: set[str], folded: list[str]) -> bool:
    """Whether a name says "có X" of an X the query says "không X" of."""
    return any(a == "co" and b in negated for a, b in itertools.pairwise(folded))


def _head_last(pair: tuple[str, str], folded: list[str]) -> bool:
    """Whether a name has the query's first word only after its second (``may rua`` in "rửa ... máy")."""
    first, second = pair
    if first not in folded or second not in folded or first == second:
        return False
    at = folded.index(second)
    return all(p > at for p, t in enumerate(folded) if t == first)


def _all_there(masks: list[int], content: int) -> bool:
    found = 0
    for m in masks:
        found |= m
    return found & content == content


def _layout(masks: list[int], content: int, brand: int) -> tuple[bool | None, int]:
    """Where the query words stand in a name: (whether some stand close together, phrase pairs).

    ``masks`` holds, for each word of the name, the bits of the query words it may stand for.
    The first is None when fewer than two content words are there, and False when they are
    there but spread over a name about something else (``nuoc hoa`` in "nước tẩy trang hoa
    hồng"). Words of the brand (bits in ``brand``) are left out: a brand and one word of
    the name is a usual query (``lumiviet panel``). The second counts neighbouring query
    words that stand next to each other, in order, in the name.
    """
    present = joined = 0
    previous = 0
    for m in masks:
        present |= m
        joined |= previous & (m >> 1)
        previous = m
    phrase = joined.bit_count()
    found = present & content & ~brand
    if found.bit_count() < 2:
        return None, phrase
    if joined & found & (found >> 1):
        return True, phrase  # two found words side by side
    reach: dict[int, int] = {}  # query word -> the query words standing 1 or 2 places from it
    last = len(masks) - 1
    for p, m in enumerate(masks):
        if m:
            around = 0
            for q in (p - 2, p - 1, p + 1, p + 2):
                if 0 <= q <= last:
                    around |= masks[q]
            while m:
                bit = m & -m
                i = bit.bit_length() - 1
                reach[i] = reach.get(i, 0) | around
                m ^= bit
    order = [i for i in range(found.bit_length()) if found >> i & 1]
    return any(reach.get(a, 0) >> b & 1 for a, b in itertools.pairwise(order)), phrase
