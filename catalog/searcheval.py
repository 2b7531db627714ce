"""Search quality on hand-written query sets, shared by the tests and the benchmark script.

A set is a TSV file: ``query, expect, value[, class]``. ``expect`` is ``name`` (the
product's folded Vietnamese or English name contains ``value``; ``a+b`` means both),
``category`` (its category code is ``value``) or ``brand`` (its brand folds to ``value``).
A negative set lists one query per line for products that are not in the catalog: the
right answer is "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalog.text import fold


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    expect: str
    value: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Product:
    """What a case is checked against."""

    name_vi: str
    name_en: str
    category: str
    brand: str = ""  # folded


def product_of(item: object) -> Product:
    """A catalog product (anything with the same fields) as the checks see it."""
    return Product(
        getattr(item, "name_vi", ""),
        getattr(item, "name_en", "") or "",
        getattr(item, "category", ""),
        fold(getattr(item, "brand", "") or ""),
    )


def read_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, expect, value, *rest = line.split("\t")
            cases.append(Case(query, expect, value, rest[0] if rest else ""))
    return cases


def read_negatives(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def is_right(product: Product, case: Case) -> bool:
    if case.expect == "category":
        return product.category == case.value
    if case.expect == "brand":
        return product.brand == case.value
    names = (fold(product.name_vi), fold(product.name_en))  # the value is folded the same way: "3,5kg"
    return all(any(fold(part) in n for n in names) for part in case.value.split("+"))


@dataclass
class Score:
    """Top-1 and top-5 counts over a set, with the misses for reading."""

    cases: int = 0
    top1: int = 0
    top5: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, n: int) -> float:
        return n / self.cases if self.cases else 0.0

    def __str__(self) -> str:
        return (
            f"{self.cases} queries: top-1 {self.top1} ({100 * self.rate(self.top1):.1f}%), "
            f"top-5 {self.top5} ({100 * self.rate(self.top5):.1f}%)"
        )


def score_cases(cases: list[Case], search: Callable[[str], list[Product]]) -> Score:
    """``search`` returns the products shown for a query, best first (empty: not found)."""
    score = Score()
    for case in cases:
        found = search(case.query)[:5]
        score.cases += 1
        first = bool(found) and is_right(found[0], case)
        score.top1 += first
        score.top5 += any(is_right(p, case) for p in found)
        if not first:
            score.misses.append(f"{case.query} ({case.kind})")
    return score


def shown_share(queries: list[str], search: Callable[[str], list[Product]]) -> tuple[int, list[str]]:
    """How many negative queries still get products shown, and which."""
    shown = [q for q in queries if search(q)]
    return len(shown), shown
