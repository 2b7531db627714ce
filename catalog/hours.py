"""Opening hours of partner stores ("7:30–22:00", "Mon-Sat 8:00-21:00"): open now, closes at.

Hours in data/retailers.csv are written as one or more ``H:MM–H:MM`` ranges, optionally
after weekday names; a range ending past midnight ("18:00–02:00") runs into the next day.
Times are Hà Nội's (Asia/Ho_Chi_Minh): the city has one time zone and no daylight saving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
_RANGE = re.compile(r"([0-9]{1,2})[:h.]([0-9]{2})\s*[-–—]\s*([0-9]{1,2})[:h.]([0-9]{2})")
_ALL_DAY = re.compile(r"24\s*/\s*7|24\s*h|cả ngày|all day", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class OpenState:
    """Whether a store is open at a moment, and when that changes (None: unknown or 24 h)."""

    open: bool
    until: time | None = None  # closing time when open, opening time when closed


def ranges(hours: str) -> list[tuple[int, int]] | None:
    """Opening ranges as minutes after midnight (end may pass 24:00); None when unreadable."""
    if _ALL_DAY.search(hours):
        return [(0, 24 * 60)]
    found = []
    for h1, m1, h2, m2 in _RANGE.findall(hours):
        start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if start >= 24 * 60 or end > 24 * 60 or int(m1) > 59 or int(m2) > 59:
            return None
        if end <= start:
            end += 24 * 60
        found.append((start, end))
    return found or None


def state(hours: str, now: datetime) -> OpenState | None:
    """Open or closed at ``now`` (any time zone; judged in Hà Nội), or None if hours are unknown."""
    spans = ranges(hours)
    if spans is None:
        return None
    local = now.astimezone(HANOI)
    minute = local.hour * 60 + local.minute
    for start, end in spans:
        for shift in (0, -24 * 60):  # today's range, or yesterday's running past midnight
            if start + shift <= minute < end + shift:
                if end - start >= 24 * 60:
                    return OpenState(True, None)
                closing = (end + shift) % (24 * 60)
                return OpenState(True, time(closing // 60, closing % 60))
    later = [s for s, _ in spans if s > minute]
    opening = min(later) if later else min(s for s, _ in spans)
    return OpenState(False, time(opening // 60, opening % 60))
