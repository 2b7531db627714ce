"""What shoppers say to a shop's bot besides product names: hello, thanks, goodbye, "who are
you", "ok", and "what does label X mean". Each gets its own short answer instead of a search
that finds nothing (``xin chào`` is not a product) or something absurd.

A message is small talk only when all of it is: the words of one of the phrases below, with
at most a call or a polite particle around them (``cảm ơn cháu nhiều``, ``shop ơi``). A word
typed with marks must have the phrase's marks (``cháo``, porridge, is no ``chào``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from catalog.evidence import agrees, signature
from catalog.models import LabelScheme
from catalog.service import label_names
from catalog.text import fold
from catalog.vietnamese import has_marks, marks_of

_PHRASES: dict[str, tuple[str, ...]] = {
    "hello": (
        "xin chào", "chào", "hello", "hi", "hey", "alo", "a lô", "alo alo", "good morning", "chào buổi sáng",
        "shop ơi", "bot ơi", "ad ơi", "em ơi", "cháu ơi", "bạn ơi",
    ),
    "thanks": ("cảm ơn", "cám ơn", "thanks", "thank you", "thank", "thx", "tks", "ok cảm ơn"),
    "bye": ("tạm biệt", "bye", "bye bye", "goodbye", "good bye", "hẹn gặp lại"),
    "help": (
        "bạn là ai", "bạn là gì", "bạn giúp gì", "bạn có thể giúp gì", "bạn làm được gì", "giúp với",
        "giúp tôi", "giúp mình", "hướng dẫn", "help", "who are you", "what can you do",
        "do you speak english", "how does this work", "dùng thế nào", "dùng như thế nào",
        "bot này làm được gì", "bot này làm gì", "bạn làm gì", "what does this bot do", "what do you do",
    ),
    "ok": ("ok", "oke", "okay", "okie", "vâng", "dạ", "ừ", "được", "được rồi", "ok rồi"),
}  # fmt: skip
INTENTS = tuple(_PHRASES)
# Words that may stand around a phrase: calls, polite particles, "a lot".
_AROUND = frozenset(
    ["ạ", "nhé", "nha", "nhiều", "lắm", "bạn", "em", "cháu", "chị", "anh", "cô", "chú", "bác", "shop", "bot"]
)
_WORD = re.compile(r"[^\W_]+")


def _index() -> dict[str, list[tuple[str, str]]]:
    """Folded phrase -> (intent, phrase as written) for each phrase that folds to it."""
    known: dict[str, list[tuple[str, str]]] = {}
    for intent, phrases in _PHRASES.items():
        for p in phrases:
            known.setdefault(fold(p), []).append((intent, p))
    return known


_KNOWN = _index()
_AROUND_FOLDED = frozenset(fold(w) for w in _AROUND)


def small_talk(text: str) -> str | None:
    """The kind of small talk a message is (hello, thanks, bye, help, ok), or None."""
    words = _WORD.findall(text.casefold())
    if not words or len(words) > 8:
        return None
    folded = [fold(w) for w in words]
    n = len(words)
    for size in range(n, 0, -1):  # the longest phrase with only calls and particles around it
        for start in range(n - size + 1):
            end = start + size
            if not all(f in _AROUND_FOLDED for f in (*folded[:start], *folded[end:])):
                continue
            for intent, written in _KNOWN.get(" ".join(folded[start:end]), ()):
                if _marks_fit(words[start:end], written.split()):
                    return intent
    return None


def _marks_fit(typed: list[str], written: list[str]) -> bool:
    """Whether the marks typed fit the phrase's (``cháo``, porridge, is no ``chào``)."""
    return all(
        agrees(signature(marks_of(t)), signature(marks_of(w)))
        for t, w in zip(typed, written, strict=True)
        if has_marks(t)
    )


_ASKING = re.compile(r"\b(la gi|nghia la gi|co nghia gi|y nghia|what does|what is|meaning|mean|means)\b")


def label_asked(text: str, schemes: Iterable[LabelScheme]) -> LabelScheme | None:
    """The label a question asks about (``nhãn VietGAP là gì``, ``what does the EU organic label
    mean``), or None when the message asks no such question."""
    folded = f" {' '.join(_WORD.findall(fold(text)))} "
    if not _ASKING.search(folded):
        return None
    best: tuple[int, LabelScheme] | None = None
    for scheme in schemes:
        for name in label_names(scheme):
            key = " ".join(_WORD.findall(fold(name)))
            if key and f" {key} " in folded and (best is None or len(key) > best[0]):
                best = (len(key), scheme)
    return best[1] if best else None

