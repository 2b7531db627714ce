"""Short phone-typed queries and queries for products that are not in the catalog.

The ``hard`` sets were written from the failure classes of issue 9 and the catalog's
categories before any tuning (the ``_heldout`` files were not looked at query by query
while tuning at first); the ``fresh`` sets were written later from the catalog alone by
writers who saw neither the search code nor the other sets: a, c, d and e were then used
for tuning; b was held out, run once when the rules were settled.
The asserted minimums sit just under the figures measured on 2026-11-25 (BENCHMARKS.md
gives the measured figures and the two FTS5 baselines).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.searcheval import Product, product_of, read_cases, read_negatives, score_cases, shown_share
from catalog.service import CatalogService

HERE = Path(__file__).parent
# measured 2026-11-25 (last at 23:23 UTC): top-1/top-5 345/345, 345/345 | 88/91, 88/91 | 266/269, 266/269 |
# 262/263, 262/263 | 247/252, 247/252 | 200/203, 200/203 | held out: 302/310, 302/310;
# shown 0 of 72 | 1 of 26 | 2 of 130 | 1 of 131 | 4 of 152 | 4 of 201 | held out: 3 of 152
MINIMUMS = {
    "search_hard.tsv": (0.99, 0.99),
    "search_hard_heldout.tsv": (0.95, 0.95),
    "search_fresh_a.tsv": (0.98, 0.98),
    "search_fresh_c.tsv": (0.99, 0.99),
    "search_fresh_d.tsv": (0.97, 0.97),
    "search_fresh_e.tsv": (0.98, 0.98),
    "search_fresh_b_heldout.tsv": (0.97, 0.97),
}
MAX_SHOWN = {
    "search_negative.tsv": 0.01,
    "search_negative_heldout.tsv": 0.04,
    "search_fresh_a_negative.tsv": 0.02,
    "search_fresh_c_negative.tsv": 0.01,
    "search_fresh_d_negative.tsv": 0.04,
    "search_fresh_e_negative.tsv": 0.02,
    "search_fresh_b_heldout_negative.tsv": 0.02,
}


def _searcher(catalog: CatalogService):  # type: ignore[no-untyped-def]
    def search(query: str) -> list[Product]:
        cards = catalog.cards([h.product_id for h in catalog.search(query, limit=5)])
        return [product_of(c.product) for c in cards]

    return search


def test_sets_are_big_enough() -> None:
    hard = [*read_cases(HERE / "search_hard.tsv"), *read_cases(HERE / "search_hard_heldout.tsv")]
    fresh = [c for name in MINIMUMS if "fresh" in name for c in read_cases(HERE / name)]
    assert sum(len(c.query.split()) <= 4 for c in fresh) >= 0.9 * len(fresh)  # as typed on a phone
    negatives = [q for name in MAX_SHOWN for q in read_negatives(HERE / name)]
    assert len(hard) >= 300 and len(negatives) >= 80
    typed = [c for c in hard if c.kind not in ("joined", "split", "english")]  # one word or many on purpose
    assert all(2 <= len(c.query.split()) <= 6 for c in typed)  # syllables: a brand alone can take three
    assert sum(len(c.query.split()) <= 4 for c in typed) >= 0.9 * len(typed)
    assert len({c.query for c in hard}) == len(hard)


@pytest.mark.parametrize("name", sorted(MINIMUMS))
def test_short_queries_find_the_product(catalog: CatalogService, name: str) -> None:
    score = score_cases(read_cases(HERE / name), _searcher(catalog))
    top1, top5 = MINIMUMS[name]
    assert score.rate(score.top1) >= top1, f"{score}; first not right: {score.misses}"
    assert score.rate(score.top5) >= top5, str(score)


@pytest.mark.parametrize("name", sorted(MAX_SHOWN))
def test_products_not_in_the_catalog_are_not_shown(catalog: CatalogService, name: str) -> None:
    queries = read_negatives(HERE / name)
    shown, which = shown_share(queries, _searcher(catalog))
    assert shown / len(queries) <= MAX_SHOWN[name], f"{shown} of {len(queries)} shown: {which}"
