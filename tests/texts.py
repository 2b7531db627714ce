"""Expected texts built from the message files, so tests check behaviour, not copy.

``says(text, "stores.open_until", time="22:00")`` is true when the message appears in
``text`` with the values given; placeholders not given match any text. Every plural form of
a key is tried. A copy edit in bot/locales changes the expectation with it; a reply that
stops saying the message (or says it with another value) still fails.
"""

from __future__ import annotations

import html
import re
import string
from functools import cache

from bot.i18n import PLURAL_FORMS, message_texts
from bot.replies import plain


def _forms(key: str, locale: str) -> list[str]:
    texts = message_texts(locale)
    if key in texts:
        return [texts[key]]
    forms = [texts[f"{key}.{form}"] for form in PLURAL_FORMS if f"{key}.{form}" in texts]
    if not forms:
        raise KeyError(f"no message {key!r} in {locale}")
    return forms


def pattern(key: str, locale: str = "vi", *, text: bool = False, **values: object) -> re.Pattern[str]:
    """The message as a regular expression over the HTML a reply carries, or with
    ``text`` over the text a shopper reads (``bot.replies.plain``: tags removed)."""
    alternatives = []
    for template in _forms(key, locale):
        parts = []
        for literal, name, spec, _ in string.Formatter().parse(template):
            parts.append(re.escape(plain(literal) if text else literal))
            if name is None:
                continue
            if name in values:
                value = format(values[name], spec or "")
                parts.append(re.escape(value if text else html.escape(value, quote=False)))
            else:
                parts.append(".*?")
        alternatives.append("".join(parts))
    return _compile("|".join(f"(?:{a})" for a in alternatives))


@cache
def _compile(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.DOTALL)


def says(shown: str, key: str, locale: str = "vi", **values: object) -> bool:
    """Whether ``shown`` (a reply's HTML, or its plain text) contains message ``key``, with
    ``values`` where given."""
    return any(pattern(key, locale, text=text, **values).search(shown) for text in (False, True))
