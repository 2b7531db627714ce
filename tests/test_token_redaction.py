"""The bot token never appears in anything the program prints, however Telegram refuses it."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from aiohttp import web

from bot import redact
from tests import telegram_fakes as tg
from tests.conftest import ROOT

SECRET = tg.TOKEN.split(":", 1)[1]
TIMEOUT = 90


def leaks(output: str) -> list[str]:
    return [form for form in (SECRET, quote(tg.TOKEN, safe=""), quote(SECRET, safe="")) if form in output]


async def fake_api(mode: str) -> tuple[web.AppRunner, int]:
    """A Bot API that refuses in one of the ways a real or self-hosted one does."""

    async def answer(request: web.Request) -> web.Response:
        method = request.match_info["path"].rsplit("/", 1)[-1]
        if mode == "401":
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if mode == "html404":  # a wrong self-hosted API address: some web server's own page
            return web.Response(text="<html><h1>404</h1></html>", status=404, content_type="text/html")
        if method == "getMe":
            return web.json_response({"ok": True, "result": tg.BOT_USER})
        if method == "setWebhook":
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: bad webhook: HTTPS url must be provided",
                },
                status=400,
            )
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.fixture
async def api(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, str]]:
    mode = request.param
    if mode == "down":
        yield mode, "http://127.0.0.1:9/bot"  # nothing listens on the discard port
        return
    runner, port = await fake_api(mode)
    yield mode, f"http://127.0.0.1:{port}/bot"
    await runner.cleanup()


async def cli(base: str, tmp_path, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "TELEGRAM_BOT_TOKEN": tg.TOKEN,
        "TELEGRAM_API_BASE_URL": base,
        "TELEGRAM_FILE_BASE_URL": base.replace("/bot", "/file/bot"),
        "WEBHOOK_SECRET": "s3cret-token",
        "LOG_LEVEL": "DEBUG",  # the noisiest setting: every request URL is logged
        "PYTHONPATH": str(ROOT),  # the child runs in an empty folder (no .env is read)
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli import main; main()",
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    return proc.returncode or 0, out.decode("utf-8", "replace")


CASES = [
    ("401", ["run"]),
    ("html404", ["run"]),
    ("down", ["run"]),
    ("401", ["webhook", "--url", "https://bot.example.org", "--listen", "127.0.0.1", "--port", "0"]),
    ("refuse-hook", ["webhook", "--url", "https://bot.example.org", "--listen", "127.0.0.1", "--port", "0"]),
    ("html404", ["serve", "--listen", "127.0.0.1", "--port", "0"]),
    ("refuse-hook", ["serve", "--url", "https://bot.example.org", "--listen", "127.0.0.1", "--port", "0"]),
]


@pytest.mark.parametrize(("api", "args"), CASES, indirect=["api"], ids=[f"{m}-{a[0]}" for m, a in CASES])
async def test_a_refused_start_is_one_redacted_line_and_exit_2(api, args: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    mode, base = api
    code, output = await cli(base, tmp_path, *args)
    assert not leaks(output), output
    assert code == 2, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("error: "), output
    if mode != "refuse-hook":  # refused before anything started: that one line is all
        assert "Traceback" not in output, output


def test_logged_tracebacks_and_messages_are_redacted() -> None:
    redact.install(tg.TOKEN)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError(f"The token `{tg.TOKEN}` was rejected by the server.")
        except RuntimeError:
            logger.exception("POST %s failed", f"https://api.telegram.org/bot{quote(tg.TOKEN)}/getMe")
        logger.error("stack", stack_info=True)
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "Traceback" in written and "<token>" in written
    assert not leaks(written)


def test_an_unexpected_crash_prints_a_redacted_traceback(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": tg.TOKEN,
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.db"),
    }
    script = (
        "import bot.cli as c\n"
        "@c.app.command('boom')\n"
        "def boom():\n"
        "    token = c.settings().telegram_bot_token.get_secret_value()\n"
        "    raise RuntimeError('rejected ' + token)\n"
        "c.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "boom"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "RuntimeError: rejected <token>" in done.stderr
    assert not leaks(done.stdout + done.stderr)
