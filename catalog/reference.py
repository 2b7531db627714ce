"""Reference data shipped in data/: label schemes and product categories.

These files change rarely and are edited by the department, so they live as CSV
next to the catalog rather than in code.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import assign, session
from catalog.models import LabelScheme
from catalog.version import bump as bump_version


def data_dir() -> Path:
    """Folder with the bundled data files (``ECOLABEL_DATA_DIR`` overrides it)."""
    override = os.environ.get("ECOLABEL_DATA_DIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True, slots=True)
class Category:
    """A shelf category with its names and the words shoppers use for it."""

    code: str
    name_vi: str
    name_en: str
    keywords: str
    tip_topic: str


@cache
def categories() -> dict[str, Category]:
    """Categories by code, in file order."""
    with open(data_dir() / "categories.csv", encoding="utf-8", newline="") as fh:
        return {row["code"]: Category(**row) for row in csv.DictReader(fh)}


def known_label_codes(engine: Engine) -> list[str]:
    """Codes of the label schemes in the database (what a catalog row may name)."""
    with session(engine) as db:
        return list(db.exec(select(LabelScheme.code)))


def read_label_rows(path: Path | None = None) -> list[dict[str, str]]:
    """Rows of data/labels.csv as dicts."""
    with open(path or data_dir() / "labels.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sync_labels(engine: Engine, path: Path | None = None) -> int:
    """Insert or update label schemes from the labels file; returns how many changed."""
    changed = 0
    fields = set(LabelScheme.model_fields)
    with session(engine) as db:
        existing = {s.code: s for s in db.exec(select(LabelScheme))}
        for row in read_label_rows(path):
            values: dict[str, object] = {k: (v or "").strip() for k, v in row.items() if k in fields}
            values["strength"] = int(str(values.get("strength") or 3))  # compared with the stored int
            scheme = existing.get(values["code"])
            if scheme is None:
                db.add(LabelScheme(**values))
                changed += 1
            elif assign(scheme, values):
                changed += 1
        if changed:
            bump_version(db)
        db.commit()
    return changed
