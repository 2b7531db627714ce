"""The console chat: the same core as Telegram, in a terminal or a pipe.

Interactive use gets line editing and history (readline). With piped standard
input every line is one message and replies go to standard output, so it can be
scripted. Type a button's number to press it; a path to an image file is sent as
a photo; ``/loc LAT LON`` shares a location.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.core import Core, Incoming
from bot.replies import Button, Reply, plain
from catalog.clean import is_ascii_digits

CONSOLE_USER = 1
HISTORY = Path.home() / ".ecolabel_bot_history"


def render(reply: Reply, out: TextIO, numbered: list[Button]) -> None:
    """Print one reply; its inline buttons get numbers the user can type."""
    print(plain(reply.text), file=out)
    for row in reply.buttons:
        cells = []
        for button in row:
            numbered.append(button)
            cells.append(f"[{len(numbered)}] {button.text}")
        print("   ".join(cells), file=out)
    if reply.attachment is not None and reply.attachment.data:
        path = Path(reply.attachment.filename or "attachment.bin").name
        Path(path).write_bytes(reply.attachment.data)
        print(f"📎 {path}", file=out)
    if reply.venue:
        v = reply.venue
        print(f"📍 {v.title}, {v.address} ({v.lat:.5f}, {v.lon:.5f})", file=out)
    for button in (b for row in reply.buttons for b in row if b.url):
        print(f"🔗 {button.text}: {button.url}", file=out)
    if reply.ask_location:
        print(f"[{reply.ask_location}] (/loc LAT LON)", file=out)
    if reply.keyboard:
        print("  ·  ".join(k for row in reply.keyboard for k in row), file=out)
    print(file=out)


def to_incoming(line: str, buttons: list[Button], language_code: str | None) -> Incoming:
    text = line.strip()
    pressed = is_ascii_digits(text) and 0 < int(text) <= len(buttons) and len(text) <= 3
    if pressed and buttons[int(text) - 1].data:
        return Incoming(CONSOLE_USER, callback=buttons[int(text) - 1].data, language_code=language_code)
    if text.startswith("/loc "):
        parts = text.split()
        try:
            return Incoming(
                CONSOLE_USER, location=(float(parts[1]), float(parts[2])), language_code=language_code
            )
        except (IndexError, ValueError):
            pass
    path = Path(text).expanduser()
    if len(text) < 500 and path.suffix and path.is_file():
        if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"):
            data = path.read_bytes()
            return Incoming(CONSOLE_USER, image=data, photo_ref=str(path), language_code=language_code)
        return Incoming(
            CONSOLE_USER, document=path.read_bytes(), document_name=path.name, language_code=language_code
        )
    return Incoming(CONSOLE_USER, text=text, language_code=language_code)


def run(
    core: Core, stdin: TextIO | None = None, out: TextIO | None = None, language_code: str | None = None
) -> int:
    # the streams are looked up at call time: a default bound at import would keep a replaced one
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin.isatty() and out.isatty()
    if interactive:
        try:
            import readline

            if HISTORY.exists():
                readline.read_history_file(HISTORY)
        except (ImportError, OSError):
            readline = None  # type: ignore[assignment]
        for reply in core.handle(Incoming(CONSOLE_USER, text="/start", language_code=language_code)):
            render(reply, out, [])
        print(
            "(Ctrl-D to quit; type a number to press a button; /loc 21.03 105.85 shares a location)\n",
            file=out,
        )
    buttons: list[Button] = []
    while True:
        try:
            line = input("> ") if interactive else stdin.readline()
        except (EOFError, KeyboardInterrupt):
            break
        if not interactive and line == "":
            break
        if not line.strip():
            continue
        if line.strip() in ("/quit", "/exit"):
            break
        msg = to_incoming(line, buttons, language_code)
        if not interactive:
            print(f"> {line.strip()}", file=out)
        new_buttons: list[Button] = []
        for reply in core.handle(msg):
            render(reply, out, new_buttons)
        if new_buttons:
            buttons = new_buttons
        out.flush()
    if interactive:
        try:
            import readline

            readline.write_history_file(HISTORY)
        except (ImportError, OSError):
            pass
    return 0
