"""The ASGI server, run by uvicorn on 127.0.0.1 against the fake Bot API: webhook, health, metrics."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import uvicorn
from sqlalchemy import text
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.config import Settings
from bot.i18n import Messages
from bot.services import Services, build_services
from handlers.asgi import SECRET_HEADER, create_app, services_of
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi

SECRET = "s3cret-token_1"


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(Settings(database_url=db_url, _env_file=None), seed=False)  # type: ignore[call-arg]
    yield built
    built.close()


def settings_for(server: FakeBotApi, **extra: Any) -> Settings:
    return Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        webhook_secret=SECRET,
        _env_file=None,
        **extra,
    )


@asynccontextmanager
async def running(app: Starlette, port: int) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn in this event loop; yields the base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    while not srv.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        await task


async def test_webhook_answers_only_requests_with_the_secret(
    server: FakeBotApi, services: Services, unused_tcp_port: int
) -> None:
    app = create_app(settings_for(server), services, rate_limit=False)
    async with running(app, unused_tcp_port) as base, aiohttp.ClientSession() as http:
        assert server.state.sent("setMyCommands")  # the bot's post-init ran
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with http.post(f"{base}/telegram", json=tg.text("/help"), headers=headers) as bad:
                assert bad.status == 403
        async with http.post(f"{base}/telegram", data=b"{not json", headers={SECRET_HEADER: SECRET}) as bad:
            assert bad.status == 400
        async with http.post(
            f"{base}/telegram", data=b"x" * (2 << 20), headers={SECRET_HEADER: SECRET}
        ) as big:
            assert big.status == 413
        await asyncio.sleep(0.2)
        assert not server.state.sent("sendMessage")

        async with http.post(
            f"{base}/telegram", json=tg.text("/help"), headers={SECRET_HEADER: SECRET}
        ) as ok:
            assert ok.status == 200
        [msg] = await server.wait_for("sendMessage", 1)
        assert msg["text"] == Messages("vi")("help.text")

        async with http.post(
            f"{base}/telegram", json=tg.text("gao st25 hat ngoc"), headers={SECRET_HEADER: SECRET}
        ) as ok:
            assert ok.status == 200
        sent = await server.wait_for("sendMessage", 2)
        assert "Gạo ST25" in sent[1]["text"]

        async with http.get(f"{base}/metrics") as resp:
            assert resp.status == 200
            body = await resp.text()
        assert 'ecolabel_updates_total{source="webhook"}' in body
        assert "ecolabel_core_seconds_bucket" in body
        assert 'ecolabel_answers_total{kind="search"}' in body


async def test_healthz_says_whether_the_database_answers_and_is_current(
    db_url: str, tmp_path, unused_tcp_port: int
) -> None:
    settings = Settings(database_url=db_url, _env_file=None)  # type: ignore[call-arg]
    built = build_services(settings, seed=False, scanner=False)
    try:
        app = create_app(settings, built, telegram=False)
        async with running(app, unused_tcp_port) as base, aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 200
                assert (await resp.json())["ok"] is True
            with built.engine.begin() as conn:  # a newer release migrated the database
                conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 503
                assert "newer than this code" in (await resp.json())["schema"]
            if built.engine.dialect.name == "sqlite":
                (tmp_path / "test.db").unlink()  # the database goes away under the worker
                (tmp_path / "test.db").mkdir()
                built.engine.dispose()
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.status == 503
                    assert "unreachable" in (await resp.json())["database"]
    finally:
        built.close()


async def test_other_parts_mount_their_routes_and_reach_the_services(
    services: Services, unused_tcp_port: int
) -> None:
    async def count(request: Request) -> JSONResponse:
        return JSONResponse({"products": services_of(request).catalog.product_count()})

    settings = Settings(database_url="sqlite://", _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings, services, telegram=False, extra_routes=[Route("/api/v1/count", count)])
    async with running(app, unused_tcp_port) as base, aiohttp.ClientSession() as http:
        async with http.get(f"{base}/api/v1/count") as resp:
            assert (await resp.json())["products"] == services.catalog.product_count() > 0
        async with http.post(f"{base}/telegram", json=tg.text("/help")) as resp:
            assert resp.status in (404, 405)  # no bot, no webhook route


def test_the_webhook_needs_a_secret() -> None:
    settings = Settings(telegram_bot_token=tg.TOKEN, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        create_app(settings)


async def test_updates_are_recorded_answered_once_and_replayed_after_a_crash(
    server: FakeBotApi, services: Services, unused_tcp_port: int
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlmodel import func, select

    from catalog.db import session
    from catalog.inbox import Inbox
    from catalog.models import PendingUpdate, UsageEvent

    inbox = Inbox(services.engine)
    orphan = tg.text("gao st25 hat ngoc", user_id=777)  # recorded by a worker killed mid-answer
    inbox.record(orphan["update_id"], json.dumps(orphan))
    with services.engine.begin() as conn:
        conn.execute(
            PendingUpdate.__table__.update().values(claimed_at=datetime.now(UTC) - timedelta(minutes=5))  # type: ignore[attr-defined]
        )
    app = create_app(settings_for(server), services, rate_limit=False)
    async with running(app, unused_tcp_port) as base, aiohttp.ClientSession() as http:
        [replayed] = await server.wait_for("sendMessage", 1)
        assert int(replayed["chat_id"]) == 777 and "Gạo ST25" in replayed["text"]
        fresh = tg.text("/help", user_id=778)
        for _ in range(2):  # Telegram retries when it did not see our 200
            async with http.post(f"{base}/telegram", json=fresh, headers={SECRET_HEADER: SECRET}) as ok:
                assert ok.status == 200
        await server.wait_for("sendMessage", 2)
        assert await app.state.durable.replay_once() == 0
        async with http.post(f"{base}/telegram", json=orphan, headers={SECRET_HEADER: SECRET}) as ok:
            assert ok.status == 200  # resent after it was answered: not answered again
        await asyncio.sleep(0.3)
        assert len(server.state.sent("sendMessage")) == 2  # each answered once
    assert inbox.unanswered() == 0
    with session(services.engine) as db:
        counted = db.exec(select(func.count()).select_from(UsageEvent).where(UsageEvent.user_id == 777)).one()
    assert counted == 1  # the usage count is written before the update counts as answered


async def test_the_webhook_server_strips_old_usage_records_of_the_user_id(
    server: FakeBotApi, services: Services, unused_tcp_port: int
) -> None:
    """``serve`` schedules the same jobs as polling, the usage retention among them."""
    from datetime import timedelta

    from catalog.db import session
    from catalog.models import UsageEvent

    today = services.catalog.today()
    old = today - services.core.shopper_pages.usage_retention - timedelta(days=1)
    with session(services.engine) as db:
        db.add(UsageEvent(day=old, user_id=4_400_000_001, kind="name", found=True))
        db.add(UsageEvent(day=today, user_id=4_400_000_002, kind="name", found=True))
        db.commit()
    app = create_app(settings_for(server), services, rate_limit=False)
    async with running(app, unused_tcp_port):
        jobs = app.state.telegram.job_queue
        assert {"daily-tips", "usage-flush"} <= {job.name for job in jobs.jobs()}
        [upkeep] = jobs.get_jobs_by_name("privacy-upkeep")
        await upkeep.run(app.state.telegram)
    with session(services.engine) as db:
        users = dict(db.exec(select(UsageEvent.day, UsageEvent.user_id)).all())
    assert users == {old: None, today: 4_400_000_002}


async def test_a_worker_starts_when_telegram_fails_its_first_calls(
    services: Services, unused_tcp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker restarted after a crash while Telegram is slow comes up instead of failing its
    start-up (which makes uvicorn stop every worker of the server)."""
    from handlers import asgi
    from tests.serve_procs import until

    monkeypatch.setattr(asgi, "START_RETRIES", (0.01, 0.01, 0.01))
    state = tg.BotApiState()
    state.failures["getMe"] = 2  # connection reset twice, then an answer
    settings = Settings(telegram_bot_token=tg.TOKEN, webhook_secret=SECRET, _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings, services, request=tg.RecordingRequest(state), rate_limit=False)
    async with running(app, unused_tcp_port) as base, aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/telegram", json=tg.text("/help"), headers={SECRET_HEADER: SECRET}
        ) as ok:
            assert ok.status == 200
        await until(lambda: state.sent("sendMessage"), what="the answer")
    assert state.failures["getMe"] == 0
