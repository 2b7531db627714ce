"""Importing a catalog file of any size: checked in full first, then written all or nothing.

``import_file`` reads the file row by row (never whole), checks every row and the rows
together, and spools the valid rows, pickled in batches, to a temporary file; a problem
anywhere refuses the whole file before anything is written. The spool is then replayed in
one transaction: each batch compared with the stored rows and written with ``executemany``,
and the catalog version bumped in the same transaction, so a kill at any moment leaves the
old catalog whole. ``check_file`` is the same reading with the comparison only (an
officer's upload, ``--dry-run``): it writes nothing.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO

from sqlalchemy.engine import Engine
from tqdm import tqdm

from catalog.apply import BATCH, CertRow, Changes, ImportReport, Item, ProductRow, apply_items
from catalog.datafile import Opener
from catalog.rows import Problems
from catalog.safecsv import FormulaCells
from catalog.validate import CatalogIndex, catalog_items, finish
from catalog.version import bump as bump_version


@dataclass(slots=True)
class ImportResult:
    report: ImportReport
    changes: Changes
    formula_cells: FormulaCells


def check_file(
    engine: Engine,
    opener: Opener,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    replace: bool = False,
    progress: bool = False,
) -> ImportResult:
    """What importing the file would change, in one reading pass; writes nothing.

    Raises DataFileError or DataValidationError like ``import_file``."""
    problems, index, formulas = Problems(), CatalogIndex(), FormulaCells()
    items = catalog_items(opener, known_labels, known_categories, problems, index, formulas, progress)
    with engine.connect() as conn:
        report, changes = apply_items(conn, items, index.products, index.certs, replace, write=False)
        conn.rollback()
    finish(problems, index)
    return ImportResult(report, changes, formulas)


def import_file(
    engine: Engine,
    opener: Opener,
    known_labels: Iterable[str],
    known_categories: Iterable[str],
    replace: bool = False,
    progress: bool = False,
) -> ImportResult:
    """Check the whole file, then write it in one transaction. Raises DataFileError or
    DataValidationError (with every problem's line and column) and then writes nothing."""
    problems, index, formulas = Problems(), CatalogIndex(), FormulaCells()
    items = catalog_items(opener, known_labels, known_categories, problems, index, formulas, progress)
    with tempfile.TemporaryFile() as spool:
        count = _spool(items, spool)
        finish(problems, index)
        spool.seek(0)
        replay = tqdm(
            _replay(spool), total=count, desc="writing", unit=" rows", disable=None if progress else True
        )
        with engine.begin() as conn:
            report, changes = apply_items(conn, replay, index.products, index.certs, replace)
            if report.changed_anything:
                bump_version(conn)
    return ImportResult(report, changes, formulas)


def _spool(items: Iterable[Item], spool: IO[bytes]) -> int:
    """Rows as plain tuples, pickled a batch at a time (far quicker than pickling objects)."""
    count = 0
    it = iter(items)
    while batch := list(islice(it, BATCH)):
        pickle.dump([(tuple(p), tuple(c)) for p, c in batch], spool, protocol=pickle.HIGHEST_PROTOCOL)
        count += len(batch)
    return count


def _replay(spool: IO[bytes]) -> Iterator[Item]:
    while True:
        try:
            batch = pickle.load(spool)  # our own temporary file, written just before
        except EOFError:
            return
        for p, c in batch:
            yield ProductRow._make(p), CertRow._make(c)
