"""Render the README's pictures: the scanning page at phone size and the chat answer.

The page is the real page in Debian's Chromium, with the fake camera playing a clip of a
sample product's barcode. The chat answer is the bot's real reply (the core's HTML and
buttons) drawn in a Telegram-like bubble, since Telegram itself cannot run here.

    python scripts/screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.incoming import Incoming  # noqa: E402
from bot.services import seed_if_empty  # noqa: E402
from catalog.db import make_engine  # noqa: E402
from catalog.service import prepare_database  # noqa: E402
from tests.fake_camera import barcode_clip  # noqa: E402
from tests.webapp_browser import (  # noqa: E402
    VERDICT_SHOWN,
    PageServer,
    browser,
    services_for,
    wait_until,
    why_not_runnable,
)

GTIN = "9521000000018"
CHAT_CSS = """
body { margin: 0; background: #8fb98b; font: 15px/1.35 system-ui, sans-serif; }
.top { background: #fff; padding: 12px 16px; font-weight: 600; border-bottom: 1px solid #ddd; }
.chat { padding: 12px 10px; display: flex; flex-direction: column; gap: 8px; }
.me { align-self: flex-end; background: #e1fec6; padding: 7px 11px; border-radius: 12px; }
.bot { align-self: flex-start; background: #fff; padding: 8px 11px; border-radius: 12px;
  max-width: 88%; white-space: pre-wrap; }
.buttons { display: grid; grid-template-columns: 1fr 1fr; gap: 4px; max-width: 88%; }
.buttons div { background: rgba(0,0,0,.22); color: #fff; text-align: center; padding: 8px;
  border-radius: 8px; font-size: 14px; }
.buttons div.wide { grid-column: span 2; }
code { font-family: ui-monospace, monospace; color: #1a5fa0; }
"""


def chat_html(question: str, text: str, rows: list[list[str]]) -> str:
    buttons = "".join(
        f'<div class="{"wide" if len(row) == 1 else ""}">{html.escape(b)}</div>' for row in rows for b in row
    )
    return (
        f"<!doctype html><meta charset=utf-8><style>{CHAT_CSS}</style>"
        f'<div class="top">ecolabel-bot</div><div class="chat">'
        f'<div class="me">{html.escape(question)}</div><div class="bot">{text}</div>'
        f'<div class="buttons">{buttons}</div></div>'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    reason = why_not_runnable()
    if reason:
        sys.exit(f"cannot run: {reason}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        engine = make_engine(f"sqlite:///{work / 'shots.db'}")
        prepare_database(engine)
        seed_if_empty(engine)
        engine.dispose()
        services = services_for(f"sqlite:///{work / 'shots.db'}")
        server = PageServer(services).start()
        try:
            clip = barcode_clip(work / "clip.y4m", GTIN, blur=0.8)
            with browser(work / "profile", clip) as ctx:
                page = ctx.new_page()
                page.goto(f"{server.origin}/app/")
                page.wait_for_selector(VERDICT_SHOWN, timeout=60_000)
                wait_until(page, "window.__ecoBench.snapshotReady > 0")
                page.screenshot(path=str(args.out / "webapp.png"))
                [reply] = services.core.handle(Incoming(user_id=1, text=GTIN, language_code="vi"))
                rows = [[b.text for b in row] for row in reply.buttons]
                chat = ctx.new_page()
                chat.set_content(chat_html(GTIN, reply.text, rows))
                chat.screenshot(path=str(args.out / "chat.png"), full_page=False)
        finally:
            server.stop()
            services.close()
    for name in ("webapp.png", "chat.png"):  # 256 colours: a third of the size, same look
        path = args.out / name
        Image.open(path).convert("RGB").quantize(256, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"wrote {args.out / 'webapp.png'} and {args.out / 'chat.png'}")


if __name__ == "__main__":
    main()
