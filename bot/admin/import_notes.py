"""What an officer should read before confirming an upload, beyond the counts: which columns
change, the first changes row by row, and cells a spreadsheet would run as formulas."""

from __future__ import annotations

from bot.i18n import Messages
from bot.render import esc, short
from catalog.apply import Changes
from catalog.safecsv import FormulaCells

SHOWN_CHANGES = 10
SHOWN_CELLS = 5


def _value(t: Messages, value: object) -> str:
    text = "" if value is None else str(value.isoformat() if hasattr(value, "isoformat") else value)
    return esc(short(text, 60)) if text else t("admin.empty_value")


def import_notes(t: Messages, changes: Changes, formula_cells: FormulaCells) -> str:
    parts: list[str] = []
    if changes:
        rows = [
            t(
                "admin.change_row",
                line=c.line,
                column=esc(c.column),
                old=_value(t, c.old),
                new=_value(t, c.new),
            )
            for c in changes.first[:SHOWN_CHANGES]
        ]
        if changes.total > SHOWN_CHANGES:
            rows.append(f"… +{changes.total - SHOWN_CHANGES}")
        parts.append(t("admin.changed_columns", columns=", ".join(changes.columns)))
        parts.extend(rows)
    if formula_cells:
        cells = ", ".join(f"{line}/{column}" for line, column in formula_cells.first[:SHOWN_CELLS])
        parts.append(t("admin.formula_cells", count=len(formula_cells), cells=esc(cells)))
    return "\n\n" + "\n".join(parts) if parts else ""
