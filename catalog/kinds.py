"""Which kind of product a query asks for, when the product itself is not in the catalog.

``nuoc mam phu quoc`` is not in the catalog, but fish sauce is: the shopper is told so and
offered the fish sauces there are. Vietnamese names start with the kind of product, so
the query's first words are compared with each category's names and keywords; a single
first word only counts when no other category uses it (``nuoc`` alone could be fish
sauce, detergent or dish soap).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from catalog.reference import Category
from catalog.text import fold


def _text(category: Category) -> str:
    return f" {fold(category.name_vi)} | {fold(category.name_en)} | {fold(category.keywords)} "


def nearest_category(words: Sequence[str], cats: Iterable[Category]) -> Category | None:
    """The category the query's first words name (``words`` folded, as the search read them)."""
    content = [w for w in words if w.isalpha()]
    if not content:
        return None
    texts = {c.code: (c, _text(c)) for c in cats if c.code != "other"}
    if len(content) >= 2:
        phrase = f" {content[0]} {content[1]} "
        found = [c for c, text in texts.values() if phrase in text]
        if len(found) == 1:
            return found[0]
    first = f" {content[0]} "
    found = [c for c, text in texts.values() if first in text]
    return found[0] if len(found) == 1 else None
