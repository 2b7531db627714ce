"""A real `ecolabel-bot serve` process stopped in the middle of every kind of conversation step,
normally (SIGTERM) or with kill -9, and started again: each step carries on where it was.

Runs on the test database (SQLite, or PostgreSQL in the PostgreSQL pass)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import create_engine, func, select

from bot import actions
from bot.i18n import Messages
from bot.replies import plain
from catalog.models import PendingUpdate, Product, Report
from catalog.tips import TipBook
from tests import telegram_fakes as tg
from tests.fake_bot_api import FakeBotApi
from tests.serve_procs import (
    ServeProcess,
    Telegram,
    button,
    catalog_upload,
    last_message,
    said,
    sent_to,
    until,
    worker_env,
)

ADMIN = 9001
PAGES, REPORTER, LOCATED, READER = 7_500_000_001, 7_500_000_002, 7_500_000_003, 7_500_000_004
t = Messages("vi")
UPDATES = PendingUpdate.__table__  # type: ignore[attr-defined]


@pytest.mark.parametrize("stop", ["sigterm", "kill -9"])
async def test_every_step_survives_a_restart(
    stop: str, server: FakeBotApi, db_url: str, tmp_path: Path
) -> None:
    env = worker_env(server, db_url, ADMIN_IDS=str(ADMIN))
    engine = create_engine(db_url)
    worker = ServeProcess(env, tmp_path / "first.log").start()
    again = ServeProcess(env, tmp_path / "second.log", port=worker.port)
    try:
        async with aiohttp.ClientSession() as http:
            await worker.ready(http)
            telegram = Telegram(http)

            await telegram.deliver(tg.text("sua", user_id=PAGES), worker)
            [listing] = await until(lambda: sent_to(server, PAGES), what="the result list")
            await telegram.deliver(tg.text("gao st25 hat ngoc", user_id=REPORTER), worker)
            [card] = await until(lambda: sent_to(server, REPORTER), what="the card")
            press = tg.callback(
                button(card, actions.ReportLabel), REPORTER, message=last_message(server, REPORTER)
            )
            await telegram.deliver(press, worker)
            await until(lambda: plain(t("report.ask_reason")) in said(server, REPORTER), what="the question")
            await telegram.deliver(catalog_upload(server, ADMIN), worker)
            [summary] = await until(lambda: sent_to(server, ADMIN), what="the upload summary")
            await telegram.deliver(tg.location(21.0330, 105.7940, user_id=LOCATED), worker)
            [nearest] = await until(lambda: sent_to(server, LOCATED, "sendVenue"), what="the nearest store")
            await telegram.deliver(tg.text("/tips", user_id=READER), worker)
            [first_tip] = await until(lambda: sent_to(server, READER), what="the first tip")
            next_tip = button(first_tip, actions.NextTip)
            tap = tg.callback(next_tip, READER, message=last_message(server, READER))
            await telegram.deliver(tap, worker)
            await until(lambda: sent_to(server, READER, "editMessageText"), what="the second tip")

            def all_answered() -> bool:
                with engine.connect() as conn:
                    return (
                        conn.execute(select(func.count()).where(UPDATES.c.answered_at.is_(None))).scalar()
                        == 0
                    )

            await until(all_answered, what="every update marked answered")
            if stop == "kill -9":
                worker.kill()
            else:
                stopped = await asyncio.to_thread(worker.stop)
                assert stopped in (0, -15)  # uvicorn re-raises the SIGTERM it handled
            await again.start().ready(http)

            more = tg.callback(
                button(listing, actions.MoreResults), PAGES, message=last_message(server, PAGES)
            )
            await telegram.deliver(more, again)
            [page] = await until(lambda: sent_to(server, PAGES, "editMessageText"), what="the next page")
            assert plain(t("errors.button_expired")) not in plain(page["text"])
            assert page["reply_markup"] != listing["reply_markup"]

            await telegram.deliver(tg.text("logo trên túi khác hẳn", user_id=REPORTER), again)
            with engine.connect() as conn:
                filed = await until(
                    lambda: conn.execute(
                        select(Report.id, Report.text).where(Report.user_id == REPORTER)
                    ).all(),
                    what="the report",
                )
            assert [text for _, text in filed] == ["logo trên túi khác hẳn"]
            thanks = plain(t("report.thanks", id=filed[0][0]))
            await until(lambda: thanks in said(server, REPORTER), what="the thanks")

            confirm = tg.callback(
                button(summary, actions.ConfirmImport), ADMIN, message=last_message(server, ADMIN)
            )
            await telegram.deliver(confirm, again)
            await until(
                lambda: any(s.startswith("✅ Đã nhập new.csv") for s in said(server, ADMIN)), what="import"
            )
            with engine.connect() as conn:
                assert conn.execute(select(Product.name_vi).where(Product.gtin == "9529999999993")).all()

            await telegram.deliver(tg.text("/stores", user_id=LOCATED), again)
            venues = await until(lambda: sent_to(server, LOCATED, "sendVenue")[1:], what="the stores")
            assert venues[0]["title"] == nearest["title"]  # the shared location was kept
            assert plain(t("stores.ask")) not in said(server, LOCATED)[-1]

            await telegram.deliver(tg.text("/tips", user_id=READER), again)
            third = plain(t("tips.header", n=3, total=len(TipBook())))
            await until(lambda: said(server, READER)[-1].startswith(third), what="the third tip")
    finally:
        await asyncio.to_thread(worker.stop)  # the fake API in this loop answers while they stop
        await asyncio.to_thread(again.stop)
        engine.dispose()
    assert "Traceback" not in worker.tail() + again.tail()
    assert len(sent_to(server, PAGES, "editMessageText")) == 1  # nothing answered twice after the restart
