"""Which kind of product a query asks for, when the product itself is not in the catalog.

``nuoc mam phu quoc`` is not in the catalog, but fish sauce is: the shopper is told so and
offered the fish sauces there are. A Vietnamese name starts with the kind of product, so
the query's first words are searched on their own and the category of what they find is
the kind asked for. Only words that can name a kind are tried: the first two of a longer
query, or the first of two when the second is a word the catalog does not know at all
(``sua vinamilk``). ``bot mi`` (flour) names no kind here, though "bột giặt" starts the same:
both its words are catalog words and together they find nothing. English puts the kind
last (``rice cooker``), so there the last word is tried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from catalog.query import QueryWord
from catalog.vietnamese import is_syllable

MAJORITY = 0.6  # share of the products found that must be of one category
MAJORITY_ONE_WORD = 0.8  # the same for one word alone (``ca`` is cá and cà phê)


def kind_probe(words: Sequence[QueryWord], known: Callable[[str], bool]) -> str | None:
    """The words of a query that name its kind, as a query of their own (None: no kind named)."""
    content = [w.text for w in words if not w.is_quantity and w.text.isalpha()]
    if len(content) >= 3:
        return " ".join(content[:2])
    if len(content) == 2:
        first, second = content
        if not is_syllable(first):  # English: the kind comes last
            return second if not known(first) else None
        return first if not known(second) else None
    return None


def main_category(categories: Sequence[str], one_word: bool = False) -> str | None:
    """The category most of the products found share, if most of them do."""
    if not categories:
        return None
    code, n = Counter(categories).most_common(1)[0]
    return code if n >= (MAJORITY_ONE_WORD if one_word else MAJORITY) * len(categories) else None
