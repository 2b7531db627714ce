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

from babel import Locale

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
        return self._text(key, values).format(**safe)

    def raw(self, key: str, **values: object) -> str:
        """A message whose values are already HTML (built from other messages)."""
        return self._text(key, values).format(**values)

    def _text(self, key: str, values: dict[str, object]) -> str:
        """The message; a key written as a table of plural forms (``one``, ``other``) picks
        the form for the ``count`` value by the language's CLDR plural rules."""
        if key in self._texts:
            return self._texts[key]
        count = values.get("count")
        if isinstance(count, str):  # already formatted (1.234): read the figure back
            count = int("".join(ch for ch in count if ch.isdigit()) or 0)
        form = Locale.parse(self.locale).plural_form(count if isinstance(count, int | float) else 0)
        return self._texts.get(f"{key}.{form}") or self._texts[f"{key}.other"]

    def has(self, key: str) -> bool:
        return key in self._texts or f"{key}.other" in self._texts


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def message_keys(locale: str) -> dict[str, set[str]]:
    """Each message key with the placeholders of all its forms (plural tables collapsed).

    A plural table is a key whose only children are CLDR plural forms (``one``, ``other``).
    """
    texts = message_texts(locale)
    children: dict[str, set[str]] = {}
    for key in texts:
        base, _, last = key.rpartition(".")
        children.setdefault(base, set()).add(last)
    plural = {b for b, forms in children.items() if "other" in forms and forms <= set(PLURAL_FORMS)}
    keys: dict[str, set[str]] = {}
    for key, text in texts.items():
        base = key.rpartition(".")[0]
        keys.setdefault(base if base in plural else key, set()).update(placeholders(text))
    return keys
