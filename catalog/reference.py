"""Reference data shipped in data/: label schemes and product categories.

These files change rarely and are edited by the department, so they live as CSV
next to the catalog rather than in code.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog import rows
from catalog.db import assign, session
from catalog.models import LabelScheme
from catalog.rows import (
    CategoryRow,
    LabelRow,
    OffCategoryRow,
    OffLabelRow,
    RetailerProductRow,
    RetailerRow,
    TipRow,
)
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
    return {
        row.code: Category(**row.model_dump())
        for row in rows.load(data_dir() / "categories.csv", CategoryRow)
    }


def known_label_codes(engine: Engine) -> list[str]:
    """Codes of the label schemes in the database (what a catalog row may name)."""
    with session(engine) as db:
        return list(db.exec(select(LabelScheme.code)))


def read_label_rows(path: Path | None = None) -> list[LabelRow]:
    """The checked rows of data/labels.csv."""
    return rows.load(path or data_dir() / "labels.csv", LabelRow)


_CHECKED: tuple[tuple[str, type[rows.Row]], ...] = (
    ("tips.csv", TipRow),
    ("retailers.csv", RetailerRow),
    ("retailer_products.csv", RetailerProductRow),
    ("off_labels.csv", OffLabelRow),
    ("off_categories.csv", OffCategoryRow),
)
_checked: set[tuple[Path, tuple[tuple[str, int, int], ...]]] = set()
_KEPT_FINGERPRINTS = 20


def _checked_file() -> Path:
    """Where the fingerprints of data files found good are kept between runs (a cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ecolabel-bot" / "checked-data-files"


def _fingerprint(folder: Path, names: tuple[str, ...]) -> str:
    """The files' contents and the checking code (catalog/*.py: name, size, time changed)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    for code in sorted(Path(__file__).resolve().parent.glob("*.py")):
        st = code.stat()
        digest.update(f"{code.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def check_data_files(folder: Path | None = None) -> None:
    """Read every data file the department edits, as the bot will; the first bad file raises
    DataFileError or DataValidationError naming it (so a bad edit stops start-up, not a reply).

    Files already checked and unchanged since are not read again: within a process by
    time and size, across runs by a fingerprint of their contents and of the checking code
    (reading them is quick, checking every row is what takes the time).
    """
    folder = folder or data_dir()
    names = ("labels.csv", "categories.csv", *(name for name, _ in _CHECKED))
    try:
        stamp = tuple((n, (st := (folder / n).stat()).st_mtime_ns, st.st_size) for n in names)
        fingerprint = _fingerprint(folder, names)
    except OSError:
        stamp, fingerprint = (), ""  # a missing file: the loader below names it
    if stamp and (folder, stamp) in _checked:
        return
    kept = _kept_fingerprints()
    if fingerprint and fingerprint in kept:
        _checked.add((folder, stamp))
        return
    context = {
        "label": {r.code for r in read_label_rows(folder / "labels.csv")},
        "category": {r.code for r in rows.load(folder / "categories.csv", CategoryRow)},
    }
    for name, model in _CHECKED:
        rows.load(folder / name, model, context)
    _checked.add((folder, stamp))
    if fingerprint:
        _keep_fingerprints([*kept, fingerprint][-_KEPT_FINGERPRINTS:])


def _kept_fingerprints() -> list[str]:
    try:
        return _checked_file().read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return []


def _keep_fingerprints(kept: list[str]) -> None:
    """Written whole to a temporary file and renamed, so a reader never sees half a list."""
    path = _checked_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text("\n".join(kept) + "\n", encoding="ascii")
        partial.replace(path)
    except OSError:
        pass  # a read-only home: the files are simply checked again next time


def sync_labels(engine: Engine, path: Path | None = None) -> int:
    """Insert or update label schemes from the labels file; returns how many changed."""
    changed = 0
    with session(engine) as db:
        existing = {s.code: s for s in db.exec(select(LabelScheme))}
        for row in read_label_rows(path):
            values = row.model_dump()
            scheme = existing.get(row.code)
            if scheme is None:
                db.add(LabelScheme(**values))
                changed += 1
            elif assign(scheme, values):
                changed += 1
        if changed:
            bump_version(db)
        db.commit()
    return changed

