"""Deep links into the bot (t.me/<bot>?start=...): a product, a label, a store.

Telegram passes the part after ``start=`` to the bot as ``/start <payload>``; payloads
may hold only A-Z, a-z, 0-9, _ and -, up to 64 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.cards import ProductCard

_PAYLOAD = re.compile(r"^(?P<kind>[pls])_(?P<value>[A-Za-z0-9_-]{1,60})$")


@dataclass(slots=True)
class DeepLinks:
    """Builds links to the bot; ``username`` is learnt at start-up (empty: no links)."""

    username: str = ""

    def _link(self, payload: str) -> str:
        return f"https://t.me/{self.username}?start={payload}" if self.username else ""

    def product(self, card: ProductCard) -> str:
        """By GTIN when the product has one (stable across catalog reloads), else by id."""
        return self._link(f"p_{card.product.gtin}" if card.product.gtin else f"p_i{card.id}")

    def label(self, code: str) -> str:
        return self._link(f"l_{code}")

    def store(self, code: str) -> str:
        return self._link(f"s_{code}")


def parse(payload: str) -> tuple[str, str] | None:
    """("p", "9521000000018"), ("l", "VIETGAP"), ("s", "ST01"), or None for anything else."""
    m = _PAYLOAD.match(payload.strip())
    return (m["kind"], m["value"]) if m else None
