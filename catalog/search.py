"""In-memory fuzzy product search, built once at start-up.

Retrieval is token based so it stays fast on large catalogs: every query word is
matched against the vocabulary (exactly, as a prefix, or within a small edit
distance), the postings of the matched words are summed with IDF weights in NumPy,
and only the best few hundred candidates are re-ranked with rapidfuzz on the whole
name. Everything is compared in folded form (see ``catalog.text``).
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from catalog.text import fold

# How much a word counts, by where it appears in the product.
FIELD_WEIGHTS = {"name": 1.0, "brand": 1.0, "category": 0.7, "label": 0.6, "producer": 0.4}
MIN_SCORE = 60.0
_CANDIDATES = 200
_MAX_QUERY_WORDS = 12


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


_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")


def words_of(text: str) -> str:
    """Folded text with numbers split from units (``12000btu`` -> ``12000 btu``)."""
    return _DIGIT_LETTER.sub(" ", fold(text))


def _closeness(query: str, name: str) -> float:
    """How much a whole name looks like the query, 0-100 (order and extra words count)."""
    if not name:
        return 0.0
    return 0.6 * fuzz.partial_ratio(query, name) + 0.4 * fuzz.token_sort_ratio(query, name)


def _max_edits(word: str) -> int:
    if len(word) <= 2 or any(ch.isdigit() for ch in word):  # 12000 must not find 18000
        return 0
    return 1 if len(word) <= 5 else 2


class SearchIndex:
    """Token index over product names, brands, categories and label words."""

    def __init__(self, docs: Iterable[SearchDoc]) -> None:
        vocab: dict[str, int] = {}
        tok_ids, doc_ids, weights = array("i"), array("i"), array("f")
        self._product_ids = array("q")
        self._names: list[str] = []
        for doc in docs:
            n = len(self._product_ids)
            self._product_ids.append(doc.product_id)
            name_vi, name_en, brand = words_of(doc.name_vi), words_of(doc.name_en), words_of(doc.brand)
            self._names.append(f"{name_vi}\x1f{name_en}")
            best: dict[int, float] = {}
            for text, fieldname in (
                (name_vi, "name"),
                (name_en, "name"),
                (brand, "brand"),
                (words_of(doc.category_words), "category"),
                (words_of(doc.label_words), "label"),
                (words_of(doc.producer), "producer"),
            ):
                w = FIELD_WEIGHTS[fieldname]
                for word in text.split():
                    tid = vocab.setdefault(word, len(vocab))
                    if best.get(tid, 0.0) < w:
                        best[tid] = w
            for tid, w in best.items():
                tok_ids.append(tid)
                doc_ids.append(n)
                weights.append(w)
        self._size = len(self._product_ids)
        self._vocab = vocab
        self._words = sorted(vocab)  # for prefix look-ups
        self._word_list = list(vocab)  # index = token id, for fuzzy look-ups
        toks = np.frombuffer(tok_ids, dtype=np.int32)
        order = np.argsort(toks, kind="stable")
        self._post_docs = np.frombuffer(doc_ids, dtype=np.int32)[order]
        self._post_w = np.frombuffer(weights, dtype=np.float32)[order]
        counts = np.bincount(toks, minlength=len(vocab))
        self._offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._idf = np.log1p(self._size / np.maximum(counts, 1)).astype(np.float32)
        self._expand = lru_cache(maxsize=4096)(self._expand_uncached)

    def __len__(self) -> int:
        return self._size

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    def _expand_uncached(self, word: str, is_last: bool) -> tuple[tuple[int, float], ...]:
        """Vocabulary words a query word may stand for, with a similarity in (0, 1]."""
        found: dict[int, float] = {}
        exact = self._vocab.get(word)
        if exact is not None:
            found[exact] = 1.0
        if len(word) >= 2 and (is_last or len(word) >= 3):
            start = bisect.bisect_left(self._words, word)
            for candidate in self._words[start : start + 30]:
                if not candidate.startswith(word):
                    break
                tid = self._vocab[candidate]
                found.setdefault(tid, 0.85 if is_last else 0.7)
        edits = _max_edits(word)
        if edits:
            for _, dist, tid in process.extract(
                word, self._word_list, scorer=Levenshtein.distance, score_cutoff=edits, limit=25
            ):
                found.setdefault(tid, 0.8 if dist == 1 else 0.6)
        return tuple(found.items())

    def search(self, query: str, limit: int = 10, min_score: float = MIN_SCORE) -> list[Hit]:
        """Best matches for ``query``, best first, scored 0-100; weak matches are left out."""
        folded_query = " ".join(words_of(query).split()[: _MAX_QUERY_WORDS * 2])
        words = list(dict.fromkeys(folded_query.split()))[:_MAX_QUERY_WORDS]
        if not words or not self._size:
            return []
        total = np.zeros(self._size, dtype=np.float32)
        weight_sum = 0.0
        for i, word in enumerate(words):
            matches = self._expand(word, i == len(words) - 1)
            if not matches:
                weight_sum += 1.0 + math.log1p(len(word))  # an unknown word still counts
                continue
            word_weight = float(max(self._idf[t] for t, _ in matches))
            weight_sum += word_weight
            best = np.zeros(self._size, dtype=np.float32)
            for tid, similarity in matches:
                lo, hi = self._offsets[tid], self._offsets[tid + 1]
                docs = self._post_docs[lo:hi]  # each product appears once per word
                best[docs] = np.maximum(best[docs], self._post_w[lo:hi] * similarity)
            total += best * word_weight
        coverage = total / weight_sum
        k = min(_CANDIDATES, self._size)
        top = np.argpartition(-coverage, k - 1)[:k] if k < self._size else np.arange(self._size)
        top = top[coverage[top] > 0.3]
        hits: list[Hit] = []
        for n in top.tolist():
            name_vi, name_en = self._names[n].split("\x1f")
            closeness = max(_closeness(folded_query, name_vi), _closeness(folded_query, name_en))
            score = 100.0 * float(coverage[n]) * 0.7 + closeness * 0.3
            if score >= min_score:
                hits.append(Hit(int(self._product_ids[n]), round(score, 1)))
        hits.sort(key=lambda h: (-h.score, h.product_id))
        return hits[:limit]
