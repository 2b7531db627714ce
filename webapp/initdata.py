"""Checking a Mini App's ``initData`` exactly as Telegram specifies.

Telegram signs the launch data with a key derived from the bot token: the secret key is
HMAC-SHA256 of the token keyed with the constant "WebAppData", and ``hash`` is the hex
HMAC-SHA256 of the data-check-string (every received field except ``hash``, sorted by
key, ``key=value`` joined by line feeds) under that secret key. The standard library's
``hmac`` does this in a few lines, so no extra dependency is taken for it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_INIT_DATA = 4096  # Telegram's initData is well under this; longer input is refused unread


class InitDataError(ValueError):
    """The data is not signed for this bot, was changed, or is too old."""


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """Who opened the page, as Telegram vouches for it."""

    id: int
    language_code: str | None
    auth_date: int
    name: str = ""  # first and last name, shown to officers on a report
    username: str = ""


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The ``hash`` Telegram would put on these fields (used by tests and the fake client)."""
    return hmac.new(secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def validate(
    init_data: str,
    bot_token: str,
    max_age: float,
    now: Callable[[], float] = time.time,
) -> WebAppUser:
    """The user behind ``init_data``; raises InitDataError for anything not exactly right."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise InitDataError("missing or oversized init data")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("malformed init data") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("repeated field")
    received = fields.get("hash", "")
    if not hmac.compare_digest(sign(fields, bot_token), received):
        raise InitDataError("bad signature")
    try:
        auth_date = int(fields["auth_date"])
    except (KeyError, ValueError) as exc:
        raise InitDataError("no auth_date") from exc
    age = now() - auth_date
    if age > max_age or age < -60:  # a minute of clock skew the other way is tolerated
        raise InitDataError("expired")
    try:
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise InitDataError("no user") from exc
    lang = user.get("language_code")
    parts = [user.get(k) for k in ("first_name", "last_name")]
    name = " ".join(p for p in parts if isinstance(p, str) and p)
    username = user.get("username") if isinstance(user.get("username"), str) else ""
    return WebAppUser(user_id, lang if isinstance(lang, str) else None, auth_date, name, username)
