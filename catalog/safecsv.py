"""CSV files that are safe to open in a spreadsheet, and read back without loss.

OWASP's CSV-injection rule: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is run as a formula by Excel, LibreOffice and Google Sheets
(``=HYPERLINK("http://…")``, ``+cmd|' /C calc'!A0``). Every CSV the project writes puts an
apostrophe before such a cell, so the spreadsheet shows it as text, and starts with a UTF-8
byte-order mark, so Excel reads Vietnamese correctly.

Round trip: the importer removes exactly one apostrophe in front of one of those
characters, so a real value such as ``-5% đường`` is exported as ``'-5% đường`` and read
back as ``-5% đường``. (A value that really begins with an apostrophe followed by one of
those characters gains a second apostrophe on export and keeps one on import.) Cells of an
imported file that begin with one of the characters are counted and named to the officer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet would treat the cell as a formula."""
    return value.startswith(TRIGGERS)


def neutralise(value: object) -> object:
    """The cell as written to a CSV: text that starts like a formula gets a leading apostrophe
    (numbers are left alone: a count is never negative, a figure is not text)."""
    if isinstance(value, str) and (is_formula_like(value) or _escaped(value)):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The value a neutralised cell stood for (the import side of ``neutralise``)."""
    return value[1:] if _escaped(value) else value


def _escaped(value: str) -> bool:
    """An apostrophe in front of a formula-like value (or of an escaped one, recursively)."""
    while value.startswith("'"):
        value = value[1:]
        if is_formula_like(value):
            return True
    return False


def to_csv(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text with a byte-order mark, every text cell neutralised."""
    buf = io.StringIO()
    buf.write(BOM)
    out = csv.writer(buf, lineterminator="\n")
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        cells = [neutralise(v) for v in row]
        # the writer quotes a line feed but not a lone carriage return: quote that row whole
        (quoted if any(isinstance(v, str) and "\r" in v for v in cells) else out).writerow(cells)
    return buf.getvalue()


@dataclass(slots=True)
class FormulaCells:
    """Cells of an imported file that begin like a formula: the first few by (line, column),
    and how many (a hostile file can have millions; they are not all kept)."""

    first: list[tuple[int, str]] = field(default_factory=list)
    total: int = 0
    keep: int = 20

    def add(self, line: int, column: str) -> None:
        self.total += 1
        if len(self.first) < self.keep:
            self.first.append((line, column))

    def __len__(self) -> int:
        return self.total


def flag_formulas(
    header: list[str], body: Iterable[tuple[int, list[str]]], found: FormulaCells
) -> Iterator[tuple[int, list[str]]]:
    """Pass rows through, noting (line, column) of every cell that starts like a formula."""
    first = {*TRIGGERS, " "}
    first_char = itemgetter(slice(0, 1))
    for line, values in body:
        if first.isdisjoint(map(first_char, values)):  # the usual row, checked in C
            yield line, values
            continue
        for column, value in zip(header, values, strict=False):
            if is_formula_like(value.lstrip(" ")):
                found.add(line, column)
        yield line, values
