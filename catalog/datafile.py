"""Reading the department's CSV files: size limit, encoding, separators, header, rows.

Nothing here knows what a row means (that is ``catalog.rows``). Problems with a file as a
whole raise ``DataFileError`` with a code and values; the bot renders it in the reader's
language from the message files (``data_errors.<code>``).
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

# Size limit for a data file: the default of the MAX_UPLOAD_BYTES setting, which the bot passes in.
MAX_FILE_BYTES = 50 * 1000 * 1000

Row = tuple[int, list[str]]  # line number in the file, values in header order
Opener = Callable[[], BinaryIO]  # opens a data file again for another pass over its rows
_HEAD = 65536  # bytes looked at for NUL (a binary file) before reading on


class DataFileError(ValueError):
    """The file as a whole cannot be read: ``code`` names the problem, ``params`` the details."""

    def __init__(self, code: str, **params: object) -> None:
        details = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"{code} ({details})" if details else code)
        self.code = code
        self.params = params
        self.file = ""  # set by loaders of named files


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise DataFileError("file_too_large", size=size // 1_000_000, limit=limit // 1_000_000)


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, refusing a file over ``limit`` before reading it."""
    try:
        check_size(path.stat().st_size, limit)
        return path.read_bytes()
    except OSError as exc:
        raise DataFileError("cannot_open", reason=exc.strerror or str(exc)) from None


def decode(data: bytes, limit: int = MAX_FILE_BYTES) -> str:
    """Text of a spreadsheet's 'CSV UTF-8' file (its byte-order mark is fine)."""
    check_size(len(data), limit)
    if not data.strip():
        raise DataFileError("file_empty")
    if b"\x00" in data[:65536]:
        raise DataFileError("file_binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError("file_not_utf8", line=data[: exc.start].count(b"\n") + 1) from None


def path_opener(path: Path, limit: int = MAX_FILE_BYTES) -> Opener:
    """Opens ``path`` for streaming, refusing a file over ``limit`` before reading it."""

    def open_() -> BinaryIO:
        try:
            check_size(path.stat().st_size, limit)
            return path.open("rb")
        except OSError as exc:
            raise DataFileError("cannot_open", reason=exc.strerror or str(exc)) from None

    return open_


def bytes_opener(data: bytes, limit: int = MAX_FILE_BYTES) -> Opener:
    """Opens bytes already in memory (an upload) like a file."""
    check_size(len(data), limit)
    return lambda: io.BytesIO(data)


def text_lines(stream: BinaryIO) -> Iterator[str]:
    """The lines of a spreadsheet's 'CSV UTF-8' file, decoded as they are read (so a large
    file is never held in memory whole). Same refusals as ``decode``, with the line of the
    first byte that is not UTF-8."""
    head = stream.read(_HEAD)
    if not head.strip():
        raise DataFileError("file_empty")
    if b"\x00" in head:
        raise DataFileError("file_binary")
    stream.seek(0)
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")

    def lines() -> Iterator[str]:
        try:
            yield from wrapper
        except UnicodeDecodeError:
            raise DataFileError("file_not_utf8", line=_first_bad_line(wrapper.detach())) from None
        finally:
            with contextlib.suppress(ValueError):  # ValueError: detached already
                wrapper.detach()  # the caller closes the stream it opened

    return lines()


def _first_bad_line(raw: BinaryIO) -> int:
    raw.seek(0)
    for number, line in enumerate(raw, 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def rows(text: str, required: Iterable[str], columns: Iterable[str]) -> tuple[list[str], Iterator[Row]]:
    """Header (lower case) and the non-blank rows of a file's text."""
    return read_rows(io.StringIO(text, newline=""), required, columns)


def read_rows(
    lines: Iterable[str], required: Iterable[str], columns: Iterable[str]
) -> tuple[list[str], Iterator[Row]]:
    """Header (lower case) and the non-blank rows, read lazily; commas or semicolons as separators."""
    lines = iter(lines)
    first = next(lines, "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise DataFileError("bad_header") from None
    columns = list(columns)
    unknown = [h for h in header if h not in columns]
    if unknown and set(header) & set(columns):  # a misspelt column: its values would be lost
        closest = difflib.get_close_matches(unknown[0], columns, n=1, cutoff=0.5)
        raise DataFileError(
            "unknown_column",
            column=unknown[0],
            closest=closest[0] if closest else "-",
            columns=", ".join(columns),
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFileError("missing_columns", missing=", ".join(missing), columns=", ".join(columns))

    def body() -> Iterator[Row]:
        try:
            for values in reader:
                if "".join(values).strip():
                    yield reader.line_num, values
        except csv.Error:
            raise DataFileError("broken_csv", line=reader.line_num) from None

    return header, body()
