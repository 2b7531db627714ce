"""Bookmark QR codes (``MEBKM:TITLE:Tem;URL:https\\://example.vn;;``), as phones write them.

The MEBKM format (NTT DoCoMo, read by most phone camera apps) holds ``FIELD:value`` pairs
separated by ``;`` and ends with ``;;``; a backslash escapes ``\\ ; , : "`` in a value.
"""

from __future__ import annotations

PREFIX = "MEBKM:"


def _fields(body: str) -> dict[str, str]:
    """The ``NAME:value`` fields of a MECARD-style body; the first of a repeated name wins."""
    found: dict[str, str] = {}
    name: str | None = None
    part: list[str] = []  # the name being read, then its value
    chars = iter(body)
    for ch in chars:
        if ch == "\\":
            part.append(next(chars, ""))
        elif ch == ":" and name is None:
            name, part = "".join(part).strip().upper(), []
        elif ch == ";":
            if name:
                found.setdefault(name, "".join(part).strip())
            name, part = None, []
        else:
            part.append(ch)
    if name:
        found.setdefault(name, "".join(part).strip())
    return found


def parse(text: str) -> tuple[str, str] | None:
    """(title, address) of a bookmark QR code with an address, else None."""
    if text[: len(PREFIX)].upper() != PREFIX:
        return None
    fields = _fields(text[len(PREFIX) :])
    url = fields.get("URL", "")
    return (fields.get("TITLE", ""), url) if url else None
