"""Message catalogs: every user-facing text, one TOML file per language in bot/locales/.

Values passed into a message are HTML-escaped here, so catalog text (product names,
certifier names) can never inject Telegram markup.
"""

from __future__ import annotations

import html
import string
import tomllib
from functools import cache
from pathlib import Path

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
_DIR = Path(__file__).resolve().parent / "locales"


@cache
def message_texts(locale: str) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys."""
    with open(_DIR / f"{locale}.toml", "rb") as fh:
        data = tomllib.load(fh)
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, object]) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(name + ".", value)
            else:
                flat[name] = str(value)

    walk("", data)
    return flat


def placeholders(text: str) -> set[str]:
    """Names of the {placeholders} in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def pick_locale(stored: str | None, language_code: str | None) -> str:
    """The stored choice, else Telegram's language_code (vi, vi-VN -> vi; others -> en), else vi."""
    if stored in LOCALES:
        return stored  # type: ignore[return-value]
    if language_code:
        return "vi" if language_code.lower().split("-")[0] == "vi" else "en"
    return DEFAULT_LOCALE


class Messages:
    """Texts of one language. ``t("key", name=value)`` escapes values; ``raw`` does not."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE
        self._texts = message_texts(self.locale)

    def __call__(self, key: str, **values: object) -> str:
        safe = {k: html.escape(str(v), quote=False) for k, v in values.items()}
        return self._texts[key].format(**safe)

    def raw(self, key: str, **values: object) -> str:
        """A message whose values are already HTML (built from other messages)."""
        return self._texts[key].format(**values)

    def has(self, key: str) -> bool:
        return key in self._texts
