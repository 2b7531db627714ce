"""In-memory product search, built once at start-up.

A query is first read into catalog words (``catalog.query``: keystrokes, joined and split
syllables, abbreviations, pack sizes). Each word is then matched against the vocabulary
(exactly, as a prefix, or within one or two OSA edits, where swapping two letters is
one edit) and the postings of the matched words are summed in NumPy, each word weighted
by how informative the word the shopper typed is (its IDF), not by its rarest
look-alike (slips of the thumb: ``catalog.typos``). A product is *found* only when the
query's content words are matched well (a fuzzy look-alike of a real syllable such as
``quat`` -> ``qua`` does not count); each found product is then read against the query
(``catalog.evidence``: is it what the query names?) and the rest are ranked on the whole
name: words that stand next to each other in the query and in the name, closeness of the
strings, and the marks the shopper typed (``tươi`` is not ``tuổi``). A query that can be
read two ways (``catalog.query``) is searched both ways and the better result is kept.
"""

from __future__ import annotations

import bisect
import math
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from catalog.evidence import Evidence, Found, Marks, agrees, signature
from catalog.query import Analysed, QueryReader, QueryWord, analyse, index_words, word_parts
from catalog.typos import max_edits, typo_similarity
from catalog.vietnamese import marks_of

# How much a word counts, by where it appears in the product.
FIELD_WEIGHTS = {"name": 1.0, "brand": 1.0, "category": 0.7, "label": 0.6, "producer": 0.4}
MIN_SCORE = 30.0  # low: whether a product is shown at all is decided by FOUND
FOUND = 0.7  # share of the query's content weight a product must match well to be shown
STRONG = 0.75  # a word match at least this good counts towards FOUND
_RERANKED = 20  # products re-ranked on their whole name, beyond the number asked for
_MAX_QUERY_WORDS = 12
_SURE_SLIP = 5  # a slip in a shorter word is a match only beside a word typed right
_LOOSE = 0.8  # a word decoded from keys that fit none of its spellings counts like a slip
_WHOLE_SCORE = 85.0  # a first hit this good on every word: other readings of the query are not tried
_READ_AT_MOST = 2000  # found products read against the query, at most, when the rules leave too few
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
    category_name: str = ""  # the category's own names, part of category_words (``Gạo``, ``Rice``)


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
    whole: bool = False  # the first hit matches every word of the query well, with a high score


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
        self._label_words: list[frozenset[str]] = []  # the label words of a kind that are no category word
        self._kind_names: list[frozenset[str]] = []  # the words of a kind's category names

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
            kind = (doc.category_words, doc.label_words, doc.category_name)
            if kind not in kinds:
                kinds[kind] = len(self._kind_words)
                kind_words = frozenset((*shared_ids(kind[0])[1], *shared_ids(kind[1])[1]))
                self._kind_words.append(kind_words)
                self._label_words.append(kind_words - frozenset(shared_ids(kind[0])[1]))
                self._kind_names.append(frozenset(shared_ids(kind[2])[1]) if kind[2] else kind_words)
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
                self._spellings.setdefault(tid, set()).add(signature(marks_of(written)))
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
        edits = max_edits(word)
        if edits:
            near: list[tuple[int, int, str]] = []
            for length in range(len(word) - edits, len(word) + edits + 1):  # an edit changes the length by 1
                words, tids = self._by_length.get(length, ((), ()))
                for candidate, dist, k in process.extract(
                    word, words, scorer=OSA.distance, score_cutoff=edits, limit=40
                ):
                    near.append((dist, tids[k], candidate))
            for dist, tid, candidate in sorted(near)[:40]:
                sim = typo_similarity(word, candidate, dist, exact is not None)
                if sim:
                    found[tid] = max(found.get(tid, 0.0), sim)
        return tuple(found.items())

    def _written(self, word: str, marks: tuple[str, int]) -> bool:
        """Whether a name writes ``word`` with these marks (a word no name writes with marks fits any)."""
        return self._fits(self._vocab.get(word, -1), signature(marks))

    def _fits(self, tid: int, typed: Marks) -> bool:
        spellings = self._spellings.get(tid)
        return not spellings or any(agrees(typed, spelled) for spelled in spellings)

    def _spelled_alike(
        self, word: QueryWord, matches: tuple[tuple[int, float], ...]
    ) -> tuple[tuple[int, float], ...]:
        """Drop the look-alikes that no name spells with the marks the shopper typed.

        Marks come from a Vietnamese keyboard, so a word typed with them is rarely a slip for
        a word spelled otherwise: ``gió`` (wind) is not a slip of ``gội``, while ``mắn`` may be
        one of ``mắm``. An omitted tone or quality mark is no disagreement.
        """
        assert word.marks is not None
        typed = signature(word.marks)
        kept = []
        for tid, similarity in matches:
            candidate = self._word_list[tid]
            if similarity < 1.0 and not candidate.startswith(word.text) and not self._fits(tid, typed):
                continue
            kept.append((tid, similarity))
        return tuple(kept)

    def _weight(self, word: QueryWord, matches: tuple[tuple[int, float], ...]) -> float:
        """How informative the typed word is: its own IDF, or that of its closest look-alikes."""
        tid = self._vocab.get(word.text)
        if tid is not None:
            weight = float(self._idf[tid])
        elif matches:  # a word the catalog lacks: partly its look-alikes', partly an unknown word's
            top = max(s for _, s in matches)
            alike = float(np.mean([self._idf[t] for t, s in matches if s == top]))
            weight = top * alike + (1.0 - top) * self._unknown_weight
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
            if best.confident or best.whole:
                break  # every word found in the first product: another reading cannot do much better
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
        strong_words = {self._word_list[t] for m in plan for t, s in m[1] if s >= STRONG}
        evidence = Evidence(words, sets, strong_words, [c / strong_sum for c in counted], FOUND)
        # The best ``keep`` are read first; when the rules leave fewer than asked for, the next
        # best are read too (``muoi`` must reach the salt behind 200 "nước mắm giảm muối").
        batch = np.argpartition(-total, keep - 1)[:keep] if count > keep else np.arange(count)
        ranked: list[tuple[float, int]] = []
        seen = np.zeros(count, dtype=bool)
        order: np.ndarray | None = None
        while True:
            seen[batch] = True
            part = matched[batch]
            coverage = dict(zip(part.tolist(), (total[batch] / weight_sum).tolist(), strict=True))
            share = (strong[part] / strong_sum - FOUND).tolist()  # how far above FOUND each one is
            ranked += self._rerank(evidence, words, coverage, min_score, share)
            read = int(seen.sum())
            if len(ranked) >= limit or read >= min(count, _READ_AT_MOST):
                break
            if order is None:
                order = np.argsort(-total, kind="stable")
            batch = order[~seen[order]][: 4 * keep]
        ranked.sort(key=lambda s: (-s[0], self._product_ids[s[1]]))
        count = len(ranked) + count - read  # those not read are counted as matches
        hits = [Hit(int(self._product_ids[n]), score) for score, n in ranked[:limit]]
        # a short query that several products match in every word names a kind, not one of them
        short = len({w.text for w in words if not w.is_quantity}) <= 3
        several = short and sum(strong[n] >= strong_sum - 1e-6 for _, n in ranked[:2]) == 2
        confident = bool(ranked) and not several and _clear(ranked, float(strong[ranked[0][1]]) / strong_sum)
        whole = bool(ranked) and strong[ranked[0][1]] >= strong_sum - 1e-6 and ranked[0][0] >= _WHOLE_SCORE
        return SearchResult(hits, count, confident, tuple(words), whole)

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
        evidence: Evidence,
        words: list[QueryWord],
        coverage: dict[int, float],
        min_score: float,
        margins: list[float],
    ) -> list[tuple[float, int]]:
        """Score each candidate (product index -> share of the query's weight it matches) on its name.

        ``evidence`` first reads each one against the query and leaves out those the query
        does not name (``margins``: how far above FOUND each candidate is); phrases, closeness
        and marks then rank the rest.
        """
        candidates = list(coverage)
        pairs = max(len(words) - 1, 1)
        marked = any(w.marks for w in words)
        query_text = " ".join(w.text for w in words)
        names = [self._names[n].split("\x1f") for n in candidates]
        closeness = np.maximum(
            _closeness(query_text, [x[0] for x in names]), _closeness(query_text, [x[1] for x in names])
        ).tolist()
        scored: list[tuple[float, int]] = []
        for k, n in enumerate(candidates):
            name_vi, name_en, brand = names[k]
            kind = self._kinds[n]
            found = Found(
                name_vi.split(),
                self._marked[n],
                name_en.split(),
                brand.split(),
                kind,
                self._kind_words[kind],
                self._label_words[kind],
                self._kind_names[kind],
                margins[k],
            )
            phrase = evidence.phrase(found)
            if phrase is None:
                continue
            score = 100.0 * (0.62 * coverage[n] + 0.12 * phrase / pairs + 0.26 * closeness[k] / 100)
            if marked:
                score += 6 * evidence.marks_score(found)
            score = min(100.0, max(0.0, score))
            if score >= min_score:
                scored.append((round(score, 1), n))
        return scored


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
    """The first hit is a clear answer: every content word matched well, high score, clear gap
    (and, the caller checks, a short query matched well in every word by a second product too
    is no clear answer: ``dieu hoa inverter`` is three products, not the one named shortest)."""
    if matched_share < 0.999:
        return False
    top = ranked[0][0]
    gap = top - ranked[1][0] if len(ranked) > 1 else 100.0
    return (top >= 85 and gap >= 10) or (top >= 97 and gap >= 4)
