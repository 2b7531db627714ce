"""`ecolabel-bot serve --workers N` behind the fake Bot API: throughput and latency per worker
count and database, and the behaviour at Telegram's send ceiling, in one run.

    nice -n 10 .venv/bin/python scripts/bench_serve.py [--updates 300] [--workers 1 2 4]
        [--burst 1200] [--postgres URL]

1. Throughput, send limit off (TELEGRAM_OVERALL_RATE=0): for each worker count on PostgreSQL,
   then one worker on SQLite, a fresh database, UPDATES webhook updates (searches) after a
   warm-up, from CONCURRENCY shoppers who each send the next only once the last is answered;
   latency is from the POST to the answer reaching the fake API. CPU seconds of the workers,
   of PostgreSQL and of this process (fake API and sender) are read from /proc, to show where
   the 2 cores go.
2. Send ceiling, limit on (TELEGRAM_OVERALL_RATE=30, as in production): BURST shoppers write at
   once; the queue (updates recorded, not yet answered) is sampled, and the wait of the last
   shopper, the send rate and the shoppers answered twice are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n import LOCALES  # noqa: E402
from catalog.models import PendingUpdate  # noqa: E402
from tests import telegram_fakes as tg  # noqa: E402
from tests.fake_bot_api import FakeBotApi  # noqa: E402
from tests.serve_procs import ServeProcess, Telegram, until, worker_env  # noqa: E402

QUERIES = ["gao st25 hat ngoc", "sua tuoi huu co", "tra sen", "nuoc rua chen", "ca phe", "mat ong"]
TICK = os.sysconf("SC_CLK_TCK")
UPDATES = PendingUpdate.__table__  # type: ignore[attr-defined]


def cpu_of(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes that is still running."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return used


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process started in between counts from zero."""
    return sum(at - before.get(pid, 0.0) for pid, at in after.items())


def processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            found.append((int(entry.name), int(tail.split()[1]), head.split("(", 1)[1]))
    return found


def tree(root: int) -> list[int]:
    procs = processes()
    pids, grew = {root}, True
    while grew:
        more = {pid for pid, parent, _ in procs if parent in pids} - pids
        grew, pids = bool(more), pids | more
    return sorted(pids)


def backends(url: str) -> list[int]:
    """Process ids of the PostgreSQL backends serving this database (the workers' pools)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            mine = text(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return list(conn.execute(mine).scalars())
    finally:
        engine.dispose()


def own_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


@dataclass
class Run:
    database: str
    workers: int
    per_second: float
    p50: float
    p95: float
    cpu: dict[str, float]  # CPU seconds per 100 updates: workers, postgres, harness


def answered(fake: FakeBotApi) -> dict[int, list[float]]:
    """Per chat, the times its answers reached the fake API."""
    got: dict[int, list[float]] = {}
    for at, method, params in fake.call_times:
        if method == "sendMessage":
            got.setdefault(int(params["chat_id"]), []).append(at)
    return got


async def started(fake: FakeBotApi, url: str, workers: int, log: Path, **env: str) -> ServeProcess:
    """A serve process with every worker up (each publishes the command lists once) and warm."""
    proc = ServeProcess(worker_env(fake, url, **env), log, workers=workers).start()
    async with aiohttp.ClientSession() as http:
        await proc.ready(http, timeout=300)
        publishes = (len(LOCALES) + 1) * workers
        await until(lambda: len(fake.state.sent("setMyCommands")) >= publishes, 300, "every worker")
        sender = Telegram(http, timeout=120)
        warm = [tg.text(q, user_id=9_000_000 + i) for i, q in enumerate(QUERIES * workers * 2)]
        await asyncio.gather(*(sender.deliver(u, proc) for u in warm))
        await until(lambda: len(answered(fake)) >= len(warm), 300, "the warm-up answers")
    return proc


async def deliver_all(updates: list[dict], proc: ServeProcess, concurrency: int) -> dict[int, float]:
    """POST every update (``concurrency`` POSTs in flight), not waiting for answers: a burst.
    Returns when each was posted, by chat."""
    posted: dict[int, float] = {}
    slots = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        sender = Telegram(http, timeout=300)

        async def one(update: dict) -> None:
            async with slots:
                posted[int(update["message"]["chat"]["id"])] = time.perf_counter()
                await sender.deliver(update, proc)

        await asyncio.gather(*(one(u) for u in updates))
    return posted


async def closed_loop(
    fake: FakeBotApi, updates: list[dict], proc: ServeProcess, shoppers: int
) -> dict[int, float]:
    """``shoppers`` at a time, each sending its next update only once the last one is answered
    (the webhook's 200 comes before the answer, so without this the queue grows without bound).
    Returns when each was posted, by chat."""
    posted: dict[int, float] = {}
    todo = iter(updates)
    answered_chats = Answered(fake)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=shoppers)) as http:
        sender = Telegram(http, timeout=300)

        async def shopper() -> None:
            for update in todo:
                chat = int(update["message"]["chat"]["id"])
                posted[chat] = time.perf_counter()
                await sender.deliver(update, proc)
                async with fake.new_call:
                    await asyncio.wait_for(fake.new_call.wait_for(lambda c=chat: c in answered_chats), 300)

        await asyncio.gather(*(shopper() for _ in range(shoppers)))
    return posted


class Answered:
    """Chats answered so far, read incrementally from the fake API's log of calls."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake, self.seen, self.chats = fake, 0, set[int]()

    def __contains__(self, chat: int) -> bool:
        calls = self.fake.call_times
        self.chats.update(int(p["chat_id"]) for _, m, p in calls[self.seen :] if m == "sendMessage")
        self.seen = len(calls)
        return chat in self.chats


async def throughput(
    url: str, database: str, workers: int, updates: int, concurrency: int, logs: Path
) -> Run:
    fake = FakeBotApi()
    await fake.start()
    proc = await started(fake, url, workers, logs / f"{database}-{workers}.log", TELEGRAM_OVERALL_RATE="0")
    try:
        batch = [tg.text(QUERIES[i % len(QUERIES)], user_id=5_000_000 + i) for i in range(updates)]
        pids = tree(proc.proc.pid)  # type: ignore[union-attr]
        pg_pids = backends(url) if database == "PostgreSQL" else []
        workers_before, pg_before, own_before = cpu_of(pids), cpu_of(pg_pids), own_cpu()
        begin = time.perf_counter()
        posted = await closed_loop(fake, batch, proc, concurrency)
        elapsed = time.perf_counter() - begin
        pg_after = cpu_of([*pg_pids, *backends(url)]) if database == "PostgreSQL" else {}
        used = {
            "workers": spent(workers_before, cpu_of(pids)),
            "postgres": spent(pg_before, pg_after),
            "harness": own_cpu() - own_before,
        }
    finally:
        proc.stop()
        await fake.stop()
    got = answered(fake)
    waits = sorted((got[c][0] - posted[c]) * 1000 for c in posted)
    per_100 = {k: v * 100 / updates for k, v in used.items()}
    return Run(
        database,
        workers,
        updates / elapsed,
        statistics.median(waits),
        waits[int(len(waits) * 0.95) - 1],
        per_100,
    )


async def ceiling(url: str, workers: int, burst: int, logs: Path) -> dict[str, float]:
    """BURST shoppers at once with Telegram's limit on: queue, waits, send rate, repeats."""
    fake = FakeBotApi()
    await fake.start()
    proc = await started(fake, url, workers, logs / f"ceiling-{workers}.log", TELEGRAM_OVERALL_RATE="30")
    engine = create_engine(url)
    queue: list[tuple[float, int]] = []
    try:
        batch = [tg.text(QUERIES[i % len(QUERIES)], user_id=6_000_000 + i) for i in range(burst)]
        begin = time.perf_counter()
        sending = asyncio.create_task(deliver_all(batch, proc, 64))
        done = lambda: sum(c >= 6_000_000 for c in answered(fake)) >= burst  # noqa: E731
        while not done():
            with engine.connect() as conn:
                waiting = conn.execute(select(func.count()).where(UPDATES.c.answered_at.is_(None))).scalar()
            queue.append((time.perf_counter() - begin, int(waiting or 0)))
            if time.perf_counter() - begin > burst / 10 + 120:
                raise TimeoutError("the burst was not answered in time")
            await asyncio.sleep(0.5)
        posted = await sending
        await asyncio.sleep(2)  # answers sent twice would show up now
    finally:
        proc.stop()
        engine.dispose()
        await fake.stop()
    got = {c: times for c, times in answered(fake).items() if c in posted}
    firsts = sorted(times[0] for times in got.values())
    waits = sorted(got[c][0] - posted[c] for c in posted)
    all_posted = max(posted.values()) - begin
    peak_at, peak = max(queue, key=lambda q: q[1])
    return {
        "workers": workers,
        "posted_in": all_posted,
        "peak_queue": peak,
        "peak_at": peak_at,
        "rate": (len(firsts) - 1) / (firsts[-1] - firsts[0]),
        "p50": statistics.median(waits),
        "last": waits[-1],
        "twice": sum(len(times) > 1 for times in got.values()),
    }


def fresh_postgres(admin_url: str) -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(admin_url: str, name: str) -> None:
    with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def on_postgres(admin_url: str, job):  # type: ignore[no-untyped-def]
    name, url = fresh_postgres(admin_url)
    try:
        return asyncio.run(job(url))
    finally:
        drop_postgres(admin_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument(
        "--burst", type=int, default=1200, help="shoppers at once at the send ceiling (0: skip)"
    )
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    load_before = os.getloadavg()
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        runs = [
            on_postgres(
                args.postgres,
                lambda url, n=n: throughput(url, "PostgreSQL", n, args.updates, args.concurrency, logs),
            )
            for n in args.workers
        ]
        runs.append(
            asyncio.run(
                throughput(f"sqlite:///{tmp}/bench.db", "SQLite", 1, args.updates, args.concurrency, logs)
            )
        )
        bursts = [
            on_postgres(args.postgres, lambda url, n=n: ceiling(url, n, args.burst, logs))
            for n in ((1, 2) if args.burst else ())
        ]
    load_after = os.getloadavg()
    print(f"started {started_at}; load average before {fmt_load(load_before)}, after {fmt_load(load_after)}")
    print(f"{os.cpu_count()} CPUs\n")
    print(f"{args.updates} updates, {args.concurrency} shoppers waiting for answers, no send limit")
    print(
        row(
            "database",
            "workers",
            "updates/s",
            "vs PostgreSQL 1 worker",
            "p50 ms",
            "p95 ms",
            CPU_HEADER,
            "cores",
        )
    )
    print(row(*["---"] * 8))
    one = next(
        (r.per_second for r in runs if r.database == "PostgreSQL" and r.workers == 1), runs[0].per_second
    )
    for r in runs:
        cpu = f"{r.cpu['workers']:.2f} / {r.cpu['postgres']:.2f} / {r.cpu['harness']:.2f}"
        ratio = f"{r.per_second / one:.2f}"
        cores = f"{sum(r.cpu.values()) / 100 * r.per_second:.2f}"  # CPU seconds per second of the run
        print(
            row(
                r.database,
                r.workers,
                f"{r.per_second:.1f}",
                ratio,
                f"{r.p50:.0f}",
                f"{r.p95:.0f}",
                cpu,
                cores,
            )
        )
    if bursts:
        print(
            f"\n{args.burst} shoppers at once, TELEGRAM_OVERALL_RATE=30 (each of N workers 30/N), PostgreSQL"
        )
        print(row(*BURST_HEADER))
        print(row(*["---"] * len(BURST_HEADER)))
        for b in bursts:
            cells = [b["posted_in"], b["peak_queue"], b["peak_at"], b["rate"], b["p50"], b["last"]]
            print(row(b["workers"], *[f"{c:.1f}" if isinstance(c, float) else c for c in cells], b["twice"]))


CPU_HEADER = "CPU s per 100 updates: workers / PostgreSQL / fake API + sender"
BURST_HEADER = [
    "workers",
    "all posted after s",
    "peak queue",
    "at s",
    "sends/s",
    "wait p50 s",
    "last shopper waited s",
    "answered twice",
]


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def fmt_load(load: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    main()
