"""`ecolabel-bot webhook` is `serve` with one worker: the webhook registered with its secret,
each update recorded before it is handled, /healthz and /metrics beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, func, select

from catalog.models import PendingUpdate
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi
from tests.serve_procs import SECRET, ServeProcess, Telegram, sent_to, until, worker_env

SHOPPER = 7_600_000_001
UPDATES = PendingUpdate.__table__  # type: ignore[attr-defined]


class WebhookProcess(ServeProcess):
    def start(self) -> WebhookProcess:
        cmd = [sys.executable, "-m", "bot", "webhook", "--url", "https://bot.example.org"]
        cmd += ["--listen", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.log.parent, stdout=out, stderr=out)
        return self


async def test_the_webhook_command_runs_the_recording_server(
    server: FakeBotApi, db_url: str, tmp_path: Path
) -> None:
    worker = WebhookProcess(worker_env(server, db_url), tmp_path / "webhook.log").start()
    try:
        async with aiohttp.ClientSession() as http:
            await worker.ready(http)  # /healthz: the project's server, not the library's
            [hook] = [p for m, p in server.state.calls if m == "setWebhook"]
            assert hook["url"] == "https://bot.example.org/telegram" and hook["secret_token"] == SECRET
            await Telegram(http).deliver(tg.text("gao st25", user_id=SHOPPER), worker)
            await until(lambda: sent_to(server, SHOPPER), what="the answer")
        engine = create_engine(db_url)
        answered = select(func.count()).where(UPDATES.c.answered_at.is_not(None))
        with engine.connect() as conn:  # recorded before it was handled, then marked answered
            assert await until(lambda: conn.execute(answered).scalar_one(), what="the update recorded")
        engine.dispose()
    finally:
        worker.stop()
