"""In-memory product search, built once at start-up.

A query is first read into catalog words (``catalog.query``: keystrokes, joined and split
syllables, abbreviations, pack sizes). Each word is then matched against the vocabulary
(exactly, as a prefix, or within one or two OSA edits, where swapping two letters is
one edit) and the postings of the matched words are summed in NumPy, each word weighted
by how informative the word the shopper typed is (its IDF), not by its rarest
look-alike. A product is *found* only when the query's content words are matched
well (a fuzzy look-alike of a real syllable such as ``quat`` -> ``qua`` does not count);
the best few hundred found products are re-ranked on the whole name: words that stand
next to each other in the query and in the name, closeness of the strings, and the
marks the shopper typed (``tươi`` is not ``tuổi``).
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from catalog.query import Analysed, QueryReader, QueryWord, analyse, index_words, word_parts
from catalog.vietnamese import is_syllable, marks_of

# How much a word counts, by where it appears in the product.
FIELD_WEIGHTS = {"name": 1.0, "brand": 1.0, "category": 0.7, "label": 0.6, "producer": 0.4}
MIN_SCORE = 30.0  # low: whether a product is shown at all is decided by FOUND
FOUND = 0.7  # share of the query's content weight a product must match well to be shown
STRONG = 0.75  # a word match at least this good counts towards FOUND
_RERANKED = 20  # products re-ranked on their whole name, beyond the number asked for
_MAX_QUERY_WORDS = 12
_SURE_SLIP = 5  # a slip in a shorter word is a match only beside a word typed right
_LOOSE = 0.8  # a word decoded from keys that fit none of its spellings counts like a slip
_SEARCHED = 2  # a posting list this many times longer than the found products is searched, not spread


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What the index needs to know about one product."""

    product_id: int
    name_vi: str
    name_en: str = ""
    brand: str = ""
    producer: str = ""
    category_words: str = ""
    label_words: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    """A product that matched, with a 0-100 score."""

    product_id: int
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits best first, how many products matched in all, and whether the first is a clear answer."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    confident: bool = False
    words: tuple[QueryWord, ...] = ()


def words_of(text: str) -> str:
    """Folded text in index form: pack sizes in one unit, numbers split from other letters."""
    return " ".join(index_words(text))


def _closeness(query: str, names: list[str]) -> np.ndarray:
    """How much each whole name looks like the query, 0-100 (order and extra words count)."""
    if not names:
        return np.zeros(0, dtype=np.float32)
    partial = process.cdist([query], names, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
    order = process.cdist([query], names, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
    return 0.6 * partial + 0.4 * order


def _max_edits(word: str) -> int:
    if any(ch.isdigit() for ch in word):  # 12000 must not find 18000
        return 0
    if len(word) <= 3:
        return 1  # a swap or a neighbouring key, see _typo_similarity
    return 1 if len(word) <= 5 else 2


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, set[str]]:
    """Keys next to each key on a phone's QWERTY keyboard: beside it, and above and below it.

    Each row sits half a key to the right of the one above, so key ``i`` of a row touches
    keys ``i`` and ``i + 1`` of the row above (``j`` touches ``u`` and ``i``).
    """
    near: dict[str, set[str]] = {ch: set() for row in _ROWS for ch in row}
    for r, row in enumerate(_ROWS):
        for i, ch in enumerate(row):
            near[ch].update(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
            if r:
                above = _ROWS[r - 1]
                for j in (i, i + 1):
                    if j < len(above):
                        near[ch].add(above[j])
                        near[above[j]].add(ch)
    return near


_NEIGHBOURS = _keyboard_neighbours()


def _doubled(typed: str, word: str) -> bool:
    """One letter typed twice or once too few (``lled`` for ``led``)."""
    longer, shorter = (typed, word) if len(typed) > len(word) else (word, typed)
    if len(longer) != len(shorter) + 1:
        return False
    return any(
        longer[i] == longer[i - 1] and longer[:i] + longer[i + 1 :] == shorter for i in range(1, len(longer))
    )


def _is_slip(typed: str, word: str) -> bool:
    """A one-key slip on a phone keyboard: two letters swapped, or a neighbouring key hit instead."""
    if len(typed) != len(word) or typed == word:
        return False
    diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        return typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]]
    return len(diff) == 1 and word[diff[0]] in _NEIGHBOURS.get(typed[diff[0]], ())


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


class SearchIndex:
    """Token index over product names, brands, categories and label words."""

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        vocab: dict[str, int] = {}
        codes: set[str] = set()
        tok_ids, doc_ids, weights = array("i"), array("i"), array("f")
        self._product_ids = array("q")
        self._names: list[str] = []  # folded: Vietnamese name, English name, brand
        self._marked: list[str] = []  # the Vietnamese name with its marks, word for word
        spelled: set[str] = set()  # every name word as written, for the marks it is spelled with
        shared: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {}  # brands, kinds, labels repeat
        self._kinds = array("i")  # product -> its category and label words, in self._kind_words
        kinds: dict[tuple[str, str], int] = {}
        self._kind_words: list[frozenset[str]] = []

        def ids(text: Analysed) -> tuple[int, ...]:
            codes.update(text.codes)
            return tuple(vocab.setdefault(w, len(vocab)) for w in (*text.folded, *text.numbers))

        def shared_ids(text: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
            if text not in shared:
                analysed = analyse(text)
                shared[text] = (ids(analysed), analysed.folded)
            return shared[text]

        name_w, brand_w = FIELD_WEIGHTS["name"], FIELD_WEIGHTS["brand"]
        kind_w, label_w = FIELD_WEIGHTS["category"], FIELD_WEIGHTS["label"]
        producer_w = FIELD_WEIGHTS["producer"]
        for doc in docs:
            n = len(self._product_ids)
            self._product_ids.append(doc.product_id)
            vi, en = analyse(doc.name_vi), analyse(doc.name_en)
            brand_ids, brand_words = shared_ids(doc.brand)
            self._names.append(f"{' '.join(vi.folded)}\x1f{' '.join(en.folded)}\x1f{' '.join(brand_words)}")
            self._marked.append(" ".join(vi.marked))
            spelled.update(vi.marked)
            best = dict.fromkeys(ids(vi), name_w)
            best.update(dict.fromkeys(ids(en), name_w))
            best.update(dict.fromkeys(brand_ids, brand_w))
            kind = (doc.category_words, doc.label_words)
            if kind not in kinds:
                kinds[kind] = len(self._kind_words)
                self._kind_words.append(frozenset((*shared_ids(kind[0])[1], *shared_ids(kind[1])[1])))
            self._kinds.append(kinds[kind])
            for tid in shared_ids(doc.category_words)[0]:
                old = best.get(tid)  # a name word that is also the product's kind counts a little more
                best[tid] = kind_w if old is None else max(old, name_w + 0.1 if old > kind_w else kind_w)
            for tid in shared_ids(doc.label_words)[0]:
                if best.get(tid, 0.0) < label_w:
                    best[tid] = label_w
            for tid in shared_ids(doc.producer)[0]:
                best.setdefault(tid, producer_w)
            tok_ids.extend(best.keys())
            doc_ids.extend([n] * len(best))
            weights.extend(best.values())
        self._size = len(self._product_ids)
        self._vocab = vocab
        self._words = sorted(vocab)  # for prefix look-ups
        self._word_list = list(vocab)  # index = token id
        by_length: dict[int, tuple[list[str], list[int]]] = {}  # for fuzzy look-ups, by word length
        for tid, word in enumerate(self._word_list):
            words, tids = by_length.setdefault(len(word), ([], []))
            words.append(word)
            tids.append(tid)
        self._by_length = by_length
        toks = np.frombuffer(tok_ids, dtype=np.int32)
        order = np.argsort(toks, kind="stable")
        self._post_docs = np.frombuffer(doc_ids, dtype=np.int32)[order]
        self._post_w = np.frombuffer(weights, dtype=np.float32)[order]
        counts = np.bincount(toks, minlength=len(vocab))
        self._df = counts
        self._offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        # How informative a word is, counted where it can match (a producer's name cannot):
        # a word in every producer's name must not make its look-alikes weigh nothing.
        matching = np.frombuffer(weights, dtype=np.float32) >= 0.5
        where = np.bincount(toks, weights=matching, minlength=len(vocab))
        self._idf = np.log1p(self._size / np.maximum(where, 1)).astype(np.float32)
        # an unknown word weighs like a word found in a handful of products
        self._unknown_weight = float(math.log1p(self._size / 3)) if self._size else 1.0
        self._spellings: dict[int, set[tuple[frozenset[str], int]]] = {}  # word -> its marks in names
        for written in spelled:
            tid = vocab.get(word_parts(written)[0]) if len(word_parts(written)) == 1 else None
            if tid is not None:
                self._spellings.setdefault(tid, set()).add(_signature(marks_of(written)))
        self.reader = QueryReader(vocab, frozenset(codes), frequency=self._frequency, spelling=self._written)
        self._expand = lru_cache(maxsize=4096)(self._expand_uncached)
        self._local = threading.local()

    def __len__(self) -> int:
        return self._size

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    def _frequency(self, word: str) -> int:
        tid = self._vocab.get(word)
        return int(self._df[tid]) if tid is not None else 0

    def _expand_uncached(self, word: str, is_last: bool) -> tuple[tuple[int, float], ...]:
        """Vocabulary words a query word may stand for, with a similarity in (0, 1].

        A fuzzy look-alike of a word that is itself a well-formed syllable is weak evidence:
        ``quat`` (quạt, a fan) is a real word, not a typo of ``qua``.
        """
        found: dict[int, float] = {}
        exact = self._vocab.get(word)
        if exact is not None:
            found[exact] = 1.0
        if len(word) >= 2 and (is_last or len(word) >= 3) and not word.isdigit():
            start = bisect.bisect_left(self._words, word)
            sim = (0.85 if len(word) >= 4 else 0.7 if len(word) == 3 else 0.6) if is_last else 0.7
            for candidate in self._words[start : start + 30]:
                if not candidate.startswith(word):
                    break
                found.setdefault(self._vocab[candidate], sim)
        edits = _max_edits(word)
        if edits:
            near: list[tuple[int, int, str]] = []
            for length in range(len(word) - edits, len(word) + edits + 1):  # an edit changes the length by 1
                words, tids = self._by_length.get(length, ((), ()))
                for candidate, dist, k in process.extract(
                    word, words, scorer=OSA.distance, score_cutoff=edits, limit=40
                ):
                    near.append((dist, tids[k], candidate))
            for dist, tid, candidate in sorted(near)[:40]:
                sim = self._typo_similarity(word, candidate, dist, exact is not None)
                if sim:
                    found[tid] = max(found.get(tid, 0.0), sim)
        return tuple(found.items())

    @staticmethod
    def _typo_similarity(typed: str, word: str, dist: int, typed_is_known: bool) -> float:
        """How likely ``typed`` is a slip for the catalog word ``word`` (0: not at all).

        Two swapped letters and a neighbouring key are the usual phone slips. When the
        typed word is itself a catalog word or a well-formed syllable, other edits are
        weak evidence: ``quat`` (quạt) is a real word, not a slip of ``qua``.
        """
        swap = dist == 1 and sorted(typed) == sorted(word) and _is_slip(typed, word)
        slip = dist == 1 and _is_slip(typed, word)
        if typed_is_known:
            return 0.8 if swap else 0.0
        if len(typed) <= 3:  # counts only beside a word typed right (_SURE_SLIP); ``ai`` is a word
            return 0.8 if swap or (slip and (len(typed) == 3 or not is_syllable(typed))) else 0.0
        if is_syllable(typed):
            return 0.8 if slip else (0.55 if dist == 1 else 0.4)
        if dist == 2:
            return 0.6
        dropped = len(word) == len(typed) + 1  # ``huog``: a letter left out, and no word as typed
        return 0.85 if swap else 0.8 if slip or dropped or len(typed) >= 6 or _doubled(typed, word) else 0.6

    def _written(self, word: str, marks: tuple[str, int]) -> bool:
        """Whether a name writes ``word`` with these marks (a word no name writes with marks fits any)."""
        spellings = self._spellings.get(self._vocab.get(word, -1))
        return not spellings or any(_agrees(_signature(marks), spelled) for spelled in spellings)

    def _spelled_alike(
        self, word: QueryWord, matches: tuple[tuple[int, float], ...]
    ) -> tuple[tuple[int, float], ...]:
        """Drop the look-alikes that no name spells with the marks the shopper typed.

        Marks come from a Vietnamese keyboard, so a word typed with them is rarely a slip for
        a word spelled otherwise: ``gió`` (wind) is not a slip of ``gội``, while ``mắn`` may be
        one of ``mắm``. An omitted tone or quality mark is no disagreement.
        """
        assert word.marks is not None
        typed = _signature(word.marks)
        kept = []
        for tid, similarity in matches:
            candidate = self._word_list[tid]
            if similarity < 1.0 and not candidate.startswith(word.text):
                spellings = self._spellings.get(tid)
                if spellings and not any(_agrees(typed, spelled) for spelled in spellings):
                    continue
            kept.append((tid, similarity))
        return tuple(kept)

    def _weight(self, word: QueryWord, matches: tuple[tuple[int, float], ...]) -> float:
        """How informative the typed word is: its own IDF, or that of its closest look-alikes."""
        tid = self._vocab.get(word.text)
        if tid is not None:
            weight = float(self._idf[tid])
        elif matches:
            top = max(s for _, s in matches)
            weight = float(np.mean([self._idf[t] for t, s in matches if s == top]))
        else:
            weight = self._unknown_weight
        return weight * (0.5 if word.is_quantity else 1.0)

    def search(self, query: str, limit: int = 10, min_score: float = MIN_SCORE) -> list[Hit]:
        """Best matches for ``query``, best first, scored 0-100; products not really matched are left out."""
        return self.lookup(query, limit, min_score).hits

    def lookup(self, query: str, limit: int = 10, min_score: float = MIN_SCORE) -> SearchResult:
        """Search with the count of all matches and whether the first hit is a clear answer."""
        best: SearchResult | None = None
        readings = self.reader.readings(query, _MAX_QUERY_WORDS)
        for words in readings:
            result = self._lookup(words, limit, min_score)
            if best is None or (result.hits and (not best.hits or result.hits[0].score > best.hits[0].score)):
                best = result  # another reading of the query finds a better product
        assert best is not None
        return best

    def _lookup(self, words: list[QueryWord], limit: int, min_score: float) -> SearchResult:
        if not words or not self._size:
            return SearchResult(words=tuple(words))
        # Each thread keeps two zeroed catalog-size arrays and a query touches them only at
        # the postings of its words (and zeroes those again), so a query costs what its words
        # match, not the size of the catalog.
        strong, best = self._buffers()
        used: list[np.ndarray] = []
        try:
            return self._score(words, limit, min_score, strong, best, used)
        finally:
            for docs in used:
                strong[docs] = 0.0

    def _buffers(self) -> tuple[np.ndarray, np.ndarray]:
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            buffers = self._local.buffers = tuple(np.zeros(self._size, dtype=np.float32) for _ in range(2))
        return buffers

    def _score(
        self,
        words: list[QueryWord],
        limit: int,
        min_score: float,
        strong: np.ndarray,
        best: np.ndarray,
        used: list[np.ndarray],
    ) -> SearchResult:
        """Find the products that match the content words well, then weigh every match of those only.

        Whether a product is found depends only on the good matches (exact words, slips), so
        that is summed over the catalog first; the weak look-alikes (``co`` as the start of
        ``cong``, in every producer's name) are then looked up for the found products alone.
        """
        weight_sum = strong_sum = 0.0
        head: np.ndarray | None = None  # products the first content word matches: the kind of product
        head_repeats = False
        sets: list[frozenset[str]] = []
        plan: list[tuple[float, tuple[tuple[int, float], ...]]] = []
        counted = [0.0] * len(words)  # what each query word adds to a product's share when matched well
        sure: list[np.ndarray] = []  # products that a content word matches as typed, or a long word's slip
        done: set[str] = set()
        for i, word in enumerate(words):
            matches = self._expand(word.text, i == len(words) - 1)
            if word.marks:
                matches = self._spelled_alike(word, matches)
            elif word.loose:
                matches = tuple((t, s * _LOOSE) for t, s in matches)
            sets.append(frozenset(self._word_list[t] for t, s in matches if s >= 0.5))
            if word.text in done:
                continue  # a repeated word counts once (it still counts for phrases)
            done.add(word.text)
            weight = self._weight(word, matches)
            weight_sum += weight
            plan.append((weight, matches))
            if word.is_quantity:
                continue
            strong_sum += weight
            counted[i] = weight
            good = []
            for tid, similarity in matches:
                if similarity >= STRONG:
                    lo, hi = self._offsets[tid], self._offsets[tid + 1]
                    # a producer's name is no match
                    good.append(self._post_docs[lo:hi][self._post_w[lo:hi] >= 0.5])
                    if similarity >= 1.0 or len(word.text) >= _SURE_SLIP:
                        sure.append(good[-1])
            docs = np.concatenate(good) if len(good) > 1 else good[0] if good else np.zeros(0, dtype=np.int32)
            strong[docs] += weight  # a product in two of the word's lists still counts once
            used.append(docs)
            if head is None:
                head = docs
                head_repeats = len(good) > 1
        if head is None or not len(head):
            return SearchResult(words=tuple(words))  # only sizes, or the kind of product is unknown
        matched = head[strong[head] >= FOUND * strong_sum - 1e-6]
        if head_repeats:
            matched = np.unique(matched)
        matched = matched[_members(matched, sure)]  # a short word's look-alikes alone are no match
        total = self._totals(plan, matched, best)
        count = len(matched)
        keep = limit + _RERANKED
        if count > keep:
            top = np.argpartition(-total, keep - 1)[:keep]
            matched, total = matched[top], total[top]
        coverage = dict(zip(matched.tolist(), (total / weight_sum).tolist(), strict=True))
        share = (strong[matched] / strong_sum - FOUND).tolist()  # how far above FOUND each one is
        strong_words = {self._word_list[t] for m in plan for t, s in m[1] if s >= STRONG}
        ranked = self._rerank(
            words, sets, coverage, min_score, [c / strong_sum for c in counted], share, strong_words
        )
        count -= len(matched) - len(ranked)  # left out on a closer look
        hits = [Hit(int(self._product_ids[n]), score) for score, n in ranked[:limit]]
        confident = bool(ranked) and _clear(ranked, float(strong[ranked[0][1]]) / strong_sum)
        return SearchResult(hits, count, confident, tuple(words))

    def _totals(
        self, plan: list[tuple[float, tuple[tuple[int, float], ...]]], matched: np.ndarray, best: np.ndarray
    ) -> np.ndarray:
        """Each found product's weighted sum over the query words of its best match for each word.

        A short posting list is spread into the zeroed buffer ``best``; a long one (a word in
        most products) is searched for the found products instead, which costs their number
        times a binary search rather than the length of the list.
        """
        m = len(matched)
        total = np.zeros(m, dtype=np.float32)
        for weight, matches in plan:
            values: np.ndarray | None = None
            spread: list[np.ndarray] = []
            for tid, similarity in matches:
                lo, hi = int(self._offsets[tid]), int(self._offsets[tid + 1])
                size = hi - lo
                if not size:
                    continue
                docs = self._post_docs[lo:hi]  # ascending: each product appears once per word
                if size > _SEARCHED * m:
                    at = np.searchsorted(docs, matched)
                    np.minimum(at, size - 1, out=at)
                    found = np.where(docs[at] == matched, self._post_w[lo:hi][at] * similarity, 0.0)
                    values = found if values is None else np.maximum(values, found)
                else:
                    best[docs] = np.maximum(best[docs], self._post_w[lo:hi] * similarity)
                    spread.append(docs)
            if spread:
                found = best[matched]
                values = found if values is None else np.maximum(values, found)
                for docs in spread:
                    best[docs] = 0.0
            if values is not None:
                total += values * weight
        return total

    def _rerank(
        self,
        words: list[QueryWord],
        sets: list[frozenset[str]],
        coverage: dict[int, float],
        min_score: float,
        counted: list[float],
        margins: list[float],
        strong_words: set[str],
    ) -> list[tuple[float, int]]:
        """Score each candidate (product index -> share of the query's weight it matches) on its name.

        Each name word becomes a bit mask of the query words it may stand for, so phrases
        and nearness are a few integer operations per name word. A query word that matches
        only one ordinary syllable of a brand of several words (``bo`` in "Bò Vui Ba Vì")
        is no evidence for the brand's products, and is taken out of the share of the query
        the product must match (``margins``: how far above FOUND each candidate is;
        ``counted``: each query word's part of that share).
        """
        candidates = list(coverage)
        where: dict[str, int] = {}  # catalog word -> bits of the query words it may stand for
        for i, s in enumerate(sets):
            for w in s:
                where[w] = where.get(w, 0) | 1 << i
        query_text = " ".join(w.text for w in words)
        marked = list({w.text: w for w in words if w.marks}.values())
        typed_marks = [(1 << i, w.text, _signature(w.marks)) for i, w in enumerate(words) if w.marks]
        # with two content words or more, a product must have one of them, as typed, in its name
        typed_exact = {w.text for w in words if not w.is_quantity and not w.loose}
        if sum(not w.is_quantity for w in words) < 2:
            typed_exact = set()
        content = sum(1 << i for i, w in enumerate(words) if not w.is_quantity)
        where_strong = {w: bits for w, bits in where.items() if w in strong_words}
        pairs = max(len(words) - 1, 1)
        all_pairs = len(words) - 1
        brand_bits: dict[str, tuple[int, int]] = {}  # brand -> the query words in it, those in one syllable
        kind_bits: dict[int, tuple[int, frozenset[str]]] = {}  # kind -> query words in its words, the words

        def kind_of(n: int) -> tuple[int, frozenset[str]]:
            kind = self._kinds[n]
            if kind not in kind_bits:
                words_of_kind = self._kind_words[kind]
                bits = sum(1 << i for i, s in enumerate(sets) if s & words_of_kind)
                kind_bits[kind] = (bits, words_of_kind)
            return kind_bits[kind]

        scored: list[tuple[float, int]] = []
        names = [self._names[n].split("\x1f") for n in candidates]
        closeness = np.maximum(
            _closeness(query_text, [x[0] for x in names]), _closeness(query_text, [x[1] for x in names])
        ).tolist()

        def head_matched(n: int, folded: list[str], name_en: str, brand: str) -> bool:
            """A product matched in part must be matched on what it is: its kind, brand or first words."""
            brand_words = brand.split()
            start = len(brand_words) if folded[: len(brand_words)] == brand_words else 0
            head = (*folded[start : start + 2], *brand_words, *name_en.split())
            return any(where_strong.get(t, 0) & content for t in head) or bool(kind_of(n)[0] & content)

        def present_all(masks: list[int]) -> bool:
            found = 0
            for m in masks:
                found |= m
            return found & content == content

        for k, n in enumerate(candidates):
            name_vi, name_en, brand = names[k]
            folded_vi = name_vi.split()
            if brand not in brand_bits:
                brand_bits[brand] = _brand_bits(brand.split(), where, where_strong)
            others, lone = brand_bits[brand]
            masks_vi = [where.get(t, 0) for t in folded_vi]
            if lone:
                brand_words, en = brand.split(), name_en.split()
                elsewhere = kind_of(n)[0] | _outside(masks_vi, folded_vi, brand_words)
                elsewhere |= _outside([where.get(t, 0) for t in en], en, brand_words)
                off = lone & ~elsewhere & content
                left = (elsewhere | others) & content & ~off
                if off and (
                    margins[k] < sum(c for i, c in enumerate(counted) if off >> i & 1) - 1e-6
                    or left.bit_count() < min(2, content.bit_count())
                ):
                    continue  # found through one ordinary word of its brand and at most one word besides
            named = (*folded_vi, *name_en.split(), *brand.split())
            if typed_exact and typed_exact.isdisjoint(named) and not typed_exact <= kind_of(n)[1]:
                continue  # ``bat lua``: "bát" of its category and a look-alike, no word of its name
            if margins[k] < 1.0 - FOUND - 1e-6 and not head_matched(n, folded_vi, name_en, brand):
                continue  # ``tuong ca``: only "tường" of "điều hòa treo tường" and a word not there
            if typed_marks:
                off = _spelled_otherwise(
                    typed_marks, masks_vi, folded_vi, self._marked[n].split(), name_en, where, kind_of(n)
                )
                if off and margins[k] < sum(c for i, c in enumerate(counted) if off >> i & 1) - 1e-6:
                    continue  # ``gió`` matched only by this name's ``gội``
            near_vi, phrase_vi = _layout(masks_vi, content, others)
            near_en = phrase_en = None
            if near_vi is not True or phrase_vi < all_pairs:  # the English name may do better
                masks_en = [where.get(t, 0) for t in name_en.split()]
                near_en, phrase_en = _layout(masks_en, content, others)
            if (near_vi is False and near_en is not True) or (near_en is False and near_vi is not True):
                continue  # the words are there, but spread over a name that is about something else
            if not phrase_vi and not phrase_en and content.bit_count() >= 3 and present_all(masks_vi):
                continue  # ``nuoc rua tay`` in "nước tẩy rửa": every word there, no two in the order typed
            phrase = max(phrase_vi, phrase_en or 0) / pairs
            score = 100.0 * (0.62 * coverage[n] + 0.12 * phrase + 0.26 * closeness[k] / 100)
            if marked:
                marked_vi = self._marked[n].split()
                score += 6 * sum(_marks_evidence(w, folded_vi, marked_vi) for w in marked) / len(marked)
            score = min(100.0, max(0.0, score))
            if score >= min_score:
                scored.append((round(score, 1), n))
        scored.sort(key=lambda s: (-s[0], self._product_ids[s[1]]))
        return scored


def _signature(marks: tuple[str, int]) -> tuple[frozenset[str], int]:
    """The quality marks (â ă ê ô ơ ư) of a word, as a set, and its tone.

    ``đ`` is left out: the folded text already equates it with ``d``, and shoppers who type
    ``dd`` for a plain ``d`` mean the same word."""
    quality, tone = marks
    return frozenset(ch for ch in quality if not "a" <= ch <= "z" and ch != "đ"), tone


def _agrees(typed: tuple[frozenset[str], int], spelled: tuple[frozenset[str], int]) -> bool:
    """Whether a word's written marks fit the marks typed (a mark left out is no disagreement)."""
    return (not typed[1] or typed[1] == spelled[1]) and typed[0] <= spelled[0]


def _brand_bits(brand: list[str], where: dict[str, int], where_strong: dict[str, int]) -> tuple[int, int]:
    """The query words that stand in a brand, and those that match only one ordinary syllable of it.

    A brand of several words, of which the query matches just one, and that one a common
    Vietnamese syllable (``mát`` of "Sạch Mát"), is not named by the query; a coined word
    (``lumiviet``) or two words of it (``bo vui``) are. ``where`` maps a catalog word to the
    bits of the query words it may stand for; ``where_strong`` counts only good matches.
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


def _spelled_otherwise(
    typed: list[tuple[int, str, tuple[frozenset[str], int]]],
    masks: list[int],
    folded: list[str],
    written: list[str],
    name_en: str,
    where: dict[str, int],
    kind: tuple[int, frozenset[str]],
) -> int:
    """The query words typed with marks that this product has only as look-alikes spelled otherwise.

    Category and label words are kept without marks, so there a look-alike is taken as
    spelled otherwise: ``gió`` is no ``gội`` of the category "dầu gội".
    """
    en = 0
    for t in name_en.split():
        en |= where.get(t, 0)
    off = 0
    for bit, text, marks in typed:
        if en & bit:
            continue
        at = [p for p, m in enumerate(masks) if m & bit]
        if at:
            otherwise = all(
                folded[p] != text and not _agrees(marks, _signature(_spelling(written[p]))) for p in at
            )
        else:
            otherwise = bool(kind[0] & bit) and text not in kind[1]
        if otherwise:
            off |= bit
    return off


def _outside(masks: list[int], tokens: list[str], brand: list[str]) -> int:
    """The query words that stand in a name outside the brand's own words in it."""
    n = len(brand)
    start = next((i for i in range(len(tokens) - n + 1) if tokens[i : i + n] == brand), -1)
    bits = 0
    for p, m in enumerate(masks):
        if not start <= p < start + n or start < 0:
            bits |= m
    return bits


def _members(matched: np.ndarray, lists: list[np.ndarray]) -> np.ndarray:
    """Which of the (ascending) products are in at least one of the ascending ``lists``."""
    inside = np.zeros(len(matched), dtype=bool)
    for docs in lists:
        if len(docs):
            at = np.searchsorted(docs, matched)
            np.minimum(at, len(docs) - 1, out=at)
            inside |= docs[at] == matched
    return inside


def _clear(ranked: list[tuple[float, int]], matched_share: float) -> bool:
    """The first hit is a clear answer: every content word matched well, high score, clear gap."""
    if matched_share < 0.999:
        return False
    top = ranked[0][0]
    gap = top - ranked[1][0] if len(ranked) > 1 else 100.0
    return (top >= 85 and gap >= 10) or (top >= 97 and gap >= 4)


_spelling = lru_cache(maxsize=65_536)(marks_of)  # names repeat their words


def _marks_evidence(word: QueryWord, folded: list[str], accented: list[str]) -> float:
    """+1 when the name spells the word with the marks typed, -1 when only with other marks."""
    spellings = [_spelling(a) for f, a in zip(folded, accented, strict=False) if f == word.text]
    if not spellings or word.marks is None:
        return 0.0
    quality, tone = word.marks
    if (quality, tone) in spellings:
        return 1.0
    if any(q == quality for q, _ in spellings):
        return -0.5
    return -1.0
