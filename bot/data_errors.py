"""Problems in the department's data files, in the reader's language.

The catalog package reports them as codes with values (``catalog.datafile.DataFileError``,
``catalog.rows.RowError``); the texts live in the message files under ``data_errors``.
"""

from __future__ import annotations

import html
from typing import Any

from bot.i18n import Messages
from bot.replies import plain
from catalog.datafile import DataFileError
from catalog.rows import DataValidationError, RowError


def problem(t: Messages, code: str, params: dict[str, Any]) -> str:
    key = f"data_errors.{code}"
    return t(key, **params) if t.has(key) else t("data_errors.invalid")


def row_error(t: Messages, error: RowError) -> str:
    """'line 4, label: unknown label code …' (HTML-escaped)."""
    return t.raw(
        "data_errors.at", line=error.line, column=error.column, problem=problem(t, error.code, error.params)
    )


def file_error(t: Messages, error: DataFileError) -> str:
    return problem(t, error.code, error.params)


def one_line(t: Messages, error: DataFileError | DataValidationError) -> str:
    """The file, and its first problem with line and column: for refusing to start."""
    if isinstance(error, DataFileError):
        text = file_error(t, error)
    else:
        text = row_error(t, error.errors[0]) if error.errors else str(error)
    return t.raw("data_errors.in_file", file=error.file, problem=text) if error.file else text


def terminal_lines(
    t: Messages, error: DataFileError | DataValidationError, file: str, shown: int = 50
) -> list[str]:
    """What the command line prints for a refused file: the same line-and-column problems as
    the bot's answer to an upload, as plain text, first line "error: file: ..."."""
    if isinstance(error, DataFileError):
        where = t.raw("data_errors.in_file", file=html.escape(file), problem=file_error(t, error))
        return [plain(t.raw("data_errors.cli_error", problem=where))]
    lines = [t.raw("data_errors.cli_error", problem=t("data_errors.cli_rows", file=file, count=error.total))]
    lines += ["  " + row_error(t, e) for e in error.errors[:shown]]
    if error.total > shown:
        lines.append("  " + t("data_errors.cli_more", count=error.total - shown))
    return [plain(line) for line in lines]


def terminal_line(t: Messages, error: DataFileError | DataValidationError) -> str:
    """One line, for a data file that stops a command before it starts."""
    return plain(t.raw("data_errors.cli_error", problem=one_line(t, error)))
