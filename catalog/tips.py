"""Practical tips for shopping without single-use plastic (data/tips.csv)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from catalog.reference import data_dir
from catalog.rows import TipRow, load


@dataclass(frozen=True, slots=True)
class Tip:
    id: int
    topic: str
    text_vi: str
    text_en: str
    source: str


class TipBook:
    """All tips in file order, with a pick per topic for product cards."""

    def __init__(self, path: Path | None = None) -> None:
        rows = load(path or data_dir() / "tips.csv", TipRow)
        self._tips = [Tip(r.id, r.topic, r.text_vi, r.text_en, r.source) for r in rows]

    def __len__(self) -> int:
        return len(self._tips)

    def __getitem__(self, n: int) -> Tip:
        return self._tips[n]

    def for_topic(self, topic: str, seed: int = 0) -> Tip | None:
        """A tip about ``topic``; ``seed`` picks one so the same product shows the same tip."""
        matching = [t for t in self._tips if t.topic == topic]
        return matching[seed % len(matching)] if matching else None
