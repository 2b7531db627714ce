"""Numbers, distances, dates and clock times in the shopper's language, through Babel.

Vietnamese writes 1.133,5 km and 04/06/2027; English 1,133.5 km and 4 Jun 2027. Every
figure a shopper reads goes through here, so no reply formats a number by hand.
"""

from __future__ import annotations

from datetime import date, time

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

_DAY = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
_MONTH = {"vi": "MM/yyyy", "en": "MMM yyyy"}
_CLOCK = {"vi": "HH:mm", "en": "h:mm a"}


def number(value: float, locale: str, decimals: int = 0) -> str:
    """``value`` with the locale's grouping and decimal signs, at most ``decimals`` decimals."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def distance(metres: float, locale: str) -> str:
    """430 m; 1,8 km and 1.133,5 km in Vietnamese, 1.8 km and 1,133.5 km in English."""
    if metres < 1000:
        return f"{number(round(metres, -1), locale)} m"
    km = metres / 1000
    return f"{number(km, locale, 1)} km"


def day(value: date, locale: str) -> str:
    return format_date(value, _DAY.get(locale, _DAY["en"]), locale=locale)


def month(value: date, locale: str) -> str:
    return format_date(value, _MONTH.get(locale, _MONTH["en"]), locale=locale)


def clock(value: time, locale: str) -> str:
    return format_time(value, _CLOCK.get(locale, _CLOCK["en"]), locale=locale)
