"""Throughput of `ecolabel-bot serve --workers N` behind the fake Bot API (no send limit).

Each run starts the real server on a fresh database, posts UPDATES webhook updates (product
searches from different shoppers) with CONCURRENCY requests in flight, and measures, per
update, the time from the POST to the bot's sendMessage reaching the fake API.

    python scripts/bench_serve.py [--updates 300] [--workers 1 2 4] [--postgres URL] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import telegram_fakes as tg  # noqa: E402
from tests.fake_bot_api import FakeBotApi  # noqa: E402

QUERIES = ["gao st25 hat ngoc", "sua tuoi huu co", "tra sen", "nuoc rua chen", "ca phe", "mat ong"]
SECRET = "bench_secret"


async def one_run(database_url: str, workers: int, updates: int, concurrency: int, port: int) -> dict:
    fake = FakeBotApi()
    await fake.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": tg.TOKEN,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.file_url,
        "WEBHOOK_SECRET": SECRET,
        "TELEGRAM_OVERALL_RATE": "0",
        "LOG_LEVEL": "WARNING",
    }
    cli = [sys.executable, "-m", "bot", "serve", "--workers", str(workers), "--listen", "127.0.0.1"]
    proc = subprocess.Popen([*cli, "--port", str(port)], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):  # every worker up: health answered by several in a row
                try:
                    async with http.get(f"{url}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
            await asyncio.sleep(5 * workers)  # let the other workers finish starting
            base = 5_000_000
            posted: dict[int, float] = {}
            slots = asyncio.Semaphore(concurrency)

            async def post(i: int) -> None:
                update = tg.text(QUERIES[i % len(QUERIES)], user_id=base + i)
                update["update_id"] = base + i
                async with slots:
                    posted[base + i] = time.perf_counter()
                    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                    async with http.post(f"{url}/telegram", json=update, headers=headers) as r:
                        assert r.status == 200, r.status

            started = time.perf_counter()
            await asyncio.gather(*(post(i) for i in range(updates)))
            await fake.wait_for("sendMessage", updates, timeout=600)
            elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(60)
        await fake.stop()
    done = {}
    for at, method, params in fake.call_times:
        if method == "sendMessage":
            done.setdefault(int(params["chat_id"]), at)
    waits = sorted(done[k] - posted[k] for k in posted if k in done)
    return {
        "workers": workers,
        "per_second": updates / elapsed,
        "p50": statistics.median(waits) * 1000,
        "p95": waits[int(len(waits) * 0.95) - 1] * 1000,
    }


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(admin_url: str, name: str) -> None:
    with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sqlite", action="store_true", help="also one worker on SQLite")
    parser.add_argument("--port", type=int, default=18555)
    args = parser.parse_args()
    rows = []
    for n in args.workers:
        name, url = fresh_postgres(args.postgres)
        try:
            result = asyncio.run(one_run(url, n, args.updates, args.concurrency, args.port))
            rows.append(("PostgreSQL", result))
        finally:
            drop_postgres(args.postgres, name)
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            rows.append(("SQLite", asyncio.run(one_run(url, 1, args.updates, args.concurrency, args.port))))
    print(f"{args.updates} updates, {args.concurrency} in flight, send limit off, {os.cpu_count()} CPUs")
    print("| database | workers | updates/s | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    for db, r in rows:
        print(f"| {db} | {r['workers']} | {r['per_second']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} |")


if __name__ == "__main__":
    main()
