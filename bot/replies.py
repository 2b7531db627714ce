"""The reply model: what the core answers, independent of Telegram or the console.

Text is a small HTML subset (<b>, <i>, <code>, <a href>) with every catalog value
escaped; Telegram sends it with parse_mode=HTML and the console strips the tags.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button; ``data`` comes back to the core when it is pressed. A button with a
    ``url`` opens that address instead (in the shopper's browser, or a t.me link)."""

    text: str
    data: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if len(self.data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {self.data!r}")
        if bool(self.data) == bool(self.url):
            raise ValueError("a button has either callback data or a url")


@dataclass(frozen=True, slots=True)
class Venue:
    """A place to show on a map (the nearest partner store)."""

    lat: float
    lon: float
    title: str
    address: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send with the text: a document (export), a picture (chart), or a photo the
    transport already holds (``ref``, e.g. a Telegram file id)."""

    kind: str  # document, photo
    filename: str = ""
    data: bytes = b""
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send. ``edit`` asks to replace the message a pressed button sat on;
    ``to_chat`` sends it to another chat (telling a reporter that their report was handled)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    venue: Venue | None = None
    edit: bool = False
    keyboard: tuple[tuple[str, ...], ...] = field(default=())  # reply keyboard (main actions)
    ask_location: str = ""  # a one-button keyboard that shares the location when pressed
    attachment: Attachment | None = None
    to_chat: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", fit(self.text, MAX_TEXT))

    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]


_TAG = re.compile(r"<[^>]+>")
_FORMAT_TAG = re.compile(r"<(/?)(b|i|code|a)\b[^>]*>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix(text: str, units: int) -> str:
    """The longest prefix of ``text`` at most ``units`` UTF-16 units long (never half a pair)."""
    return text.encode("utf-16-le")[: units * 2].decode("utf-16-le", errors="ignore")


def fit(text: str, limit: int) -> str:
    """``text`` unchanged when Telegram accepts its length, else cut with ``cut_html``."""
    return text if utf16_len(text) <= limit else cut_html(text, limit)


def fit_plain(text: str, limit: int) -> str:
    """Plain text (titles, descriptions) cut to ``limit`` UTF-16 units with an ellipsis."""
    return text if utf16_len(text) <= limit else _prefix(text, limit - 1) + "…"


def cut_html(text: str, limit: int) -> str:
    """Cut HTML text to at most ``limit`` UTF-16 units (Telegram's measure): at a line break
    when one is near, never inside a tag or an entity, with the tags still open closed again."""
    budget = limit - 24  # room for closing tags and the ellipsis
    cut = _prefix(text, budget)
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    newline = cut.rfind("\n")
    if newline > budget // 2:
        cut = cut[:newline]
    open_tags: list[str] = []
    for m in _FORMAT_TAG.finditer(cut):
        if not m.group(1):
            open_tags.append(m.group(2))
        elif open_tags and open_tags[-1] == m.group(2):
            open_tags.pop()
    return cut + "".join(f"</{tag}>" for tag in reversed(open_tags)) + "\n…"


def plain(text: str) -> str:
    """The reply text for a terminal: tags removed, entities unescaped."""
    return html.unescape(_TAG.sub("", text))
