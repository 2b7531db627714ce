"""Search the way shoppers type: no diacritics, typos, brands, English, categories."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.cards import ProductCard
from catalog.search import MIN_SCORE, SearchDoc, SearchIndex
from catalog.service import CatalogService
from catalog.text import fold

QUALITY = Path(__file__).with_name("search_quality.tsv")
MIN_TOP1 = 0.98  # measured 145/146 (99.3%) on 2026-11-25
MIN_TOP3 = 0.99  # measured 146/146


def _cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in QUALITY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, kind, value = line.split("\t")
            rows.append((query, kind, value))
    return rows


def _matches(card: ProductCard, kind: str, value: str) -> bool:
    p = card.product
    if kind == "name":
        return value in fold(p.name_vi) or value in fold(p.name_en)
    if kind == "brand":
        return fold(p.brand) == value
    return p.category == value


def test_quality_set_has_at_least_100_hand_written_queries() -> None:
    assert len(_cases()) >= 100


def test_search_quality_top1_and_top3(catalog: CatalogService) -> None:
    top1 = top3 = 0
    misses = []
    cases = _cases()
    for query, kind, value in cases:
        cards = catalog.cards([h.product_id for h in catalog.search(query, limit=3)])
        first = bool(cards) and _matches(cards[0], kind, value)
        any3 = any(_matches(c, kind, value) for c in cards)
        top1 += first
        top3 += any3
        if not any3:
            misses.append(query)
    assert top1 / len(cases) >= MIN_TOP1, f"top-1 {top1}/{len(cases)}"
    assert top3 / len(cases) >= MIN_TOP3, f"top-3 {top3}/{len(cases)}; missed {misses}"


def test_scores_are_exposed_sorted_and_bounded(catalog: CatalogService) -> None:
    hits = catalog.search("nuoc mam", limit=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(MIN_SCORE <= s <= 100 for s in scores)


@pytest.mark.parametrize("query", ["xyzzy qwerty", "zzzz", "1234567"])
def test_nonsense_finds_nothing(catalog: CatalogService, query: str) -> None:
    assert catalog.search(query) == []


def test_numbers_are_not_fuzzy_matched() -> None:
    index = SearchIndex([SearchDoc(1, "Điều hòa 12000BTU"), SearchDoc(2, "Điều hòa 18000BTU")])
    assert [h.product_id for h in index.search("dieu hoa 12000")][:1] == [1]


def test_empty_index_and_empty_query() -> None:
    assert SearchIndex([]).search("sua") == []
    assert SearchIndex([SearchDoc(1, "Sữa")]).search("   ") == []
