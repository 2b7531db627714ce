"""Keeping the bot token out of everything the program writes.

The token is in every Bot API URL, so it turns up in httpx log lines, in exception messages
(``InvalidToken: The token `…` was rejected``) and in tracebacks. One log-record factory,
installed process-wide, rewrites each record as it is made: its message, its formatted
traceback and its stack. Every handler (ours, uvicorn's, python-telegram-bot's) then formats
an already clean record. ``redact`` is also used for the CLI's own error lines.
"""

from __future__ import annotations

import logging
import threading
import traceback
from urllib.parse import quote

MASK = "<token>"
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def _forms(token: str) -> set[str]:
    """The token and its secret half, as typed and as they appear URL-encoded."""
    forms = {token, quote(token, safe=""), quote(token)}
    _, _, secret = token.partition(":")
    if len(secret) >= 8:
        forms |= {secret, quote(secret, safe="")}
    return {f for f in forms if f}


def redact(text: str) -> str:
    """``text`` with every known secret replaced by ``<token>``."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_exception(exc: BaseException) -> str:
    """A formatted traceback (with causes) with the secrets removed."""
    return redact("".join(traceback.format_exception(exc)))


def install(token: str) -> None:
    """Remember ``token`` as secret and make every log record from now on redacted."""
    global _installed
    with _lock:
        _secrets.update(_forms(token))
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _clean(record)
        return record

    logging.setLogRecordFactory(factory)


def _clean(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to the formatter to complain
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redact_exception(record.exc_info[1]).rstrip("\n")
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
