"""Codes printed next to label marks, recognised from what a shopper types.

EU organic control-body codes for Vietnam come from data/eu-organic-vn-control-bodies.tsv
(a 2021 snapshot of the EU list).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from catalog.reference import data_dir

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("eu_organic", re.compile(r"^([A-Z]{2})[- ]?(BIO|ÖKO|OKO|ECO|ORG)[- ]?([0-9]{2,3})$")),
    ("fsc_c", re.compile(r"^FSC[- ]?C([0-9]{6})$")),
    ("fsc_n", re.compile(r"^FSC[- ]?N([0-9]{6})$")),
    ("msc", re.compile(r"^MSC[- ]?C[- ]?([0-9]{5})$")),
    ("asc", re.compile(r"^ASC[- ]?C[- ]?([0-9]{5})$")),
    ("eu_ecolabel", re.compile(r"^([A-Z]{2})/([0-9]{3})/([0-9]{3,5})$")),
)
# Every kind a LabelCode can have (each has a text under "codes." in the message files).
KINDS = (*(kind for kind, _ in _PATTERNS), "eu_organic_unknown")


@dataclass(frozen=True, slots=True)
class LabelCode:
    """A recognised code: its kind, the canonical spelling and, for EU organic, the body."""

    kind: str
    code: str
    body: str = ""
    url: str = ""


@cache
def eu_control_bodies() -> dict[str, tuple[str, str]]:
    """VN-BIO-### -> (control body, web address)."""
    with open(data_dir() / "eu-organic-vn-control-bodies.tsv", encoding="utf-8", newline="") as fh:
        return {
            r["code"].strip(): (r["control_body"].strip().rstrip(","), r["url"].replace(" ", ""))
            for r in csv.DictReader(fh, delimiter="\t")
        }


def recognise(text: str) -> LabelCode | None:
    """Return the label code in ``text`` if the whole message is one, else None."""
    value = text.strip().upper()
    if len(value) > 24:
        return None
    for kind, pattern in _PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        if kind == "eu_organic":
            code = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
            body, url = eu_control_bodies().get(code, ("", ""))
            return LabelCode(kind if body else "eu_organic_unknown", code, body, url)
        if kind in ("fsc_c", "fsc_n"):
            return LabelCode(kind, f"FSC-{kind[-1].upper()}{m.group(1)}")
        if kind in ("msc", "asc"):
            return LabelCode(kind, f"{kind.upper()}-C-{m.group(1)}")
        return LabelCode(kind, value)
    return None


def find_all(text: str) -> list[LabelCode]:
    """Every label code among the words of ``text`` (a photo caption, say)."""
    found: dict[str, LabelCode] = {}
    for word in text.replace(",", " ").replace(";", " ").split():
        code = recognise(word.strip(".:!?()\"'"))
        if code:
            found.setdefault(code.code, code)
    return list(found.values())
