"""Load benchmark: simulated users chatting with the real bot through a local fake Bot API.

The bot runs as its own process (``ecolabel-bot run``) and polls tests/fake_bot_api.py over
HTTP on 127.0.0.1 exactly as it polls Telegram; the fake API and the simulated users run in
this process.
Each simulated user sends a message, waits for the answer, then sends the next
(text searches; some users send barcode photos). Reports updates per second and
reply latency (from the update being queued to the bot's sendMessage arriving).

    python scripts/bench_bot.py --users 200 --messages 10 --photo-users 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import imaging as im  # noqa: E402
from tests import telegram_fakes as tg  # noqa: E402
from tests.fake_bot_api import FakeBotApi  # noqa: E402

QUERIES = [
    "sua tuoi huu co",
    "gao st25",
    "nuoc mam",
    "bong den led",
    "tra xanh thai nguyen",
    "ca phe arabica",
    "nuoc giat bo hon",
    "tui phan huy",
    "dau an",
    "tu lanh inverter",
    "organic rice",
    "mat ong rung",
]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TimedApi(FakeBotApi):
    """Resolves a waiting user's future when the bot's first sendMessage to them arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[float]] = {}

    async def _method(self, request):  # type: ignore[no-untyped-def]
        response = await super()._method(request)
        if request.match_info["method"] == "sendMessage" and self.call_times:
            chat = int(self.call_times[-1][2].get("chat_id", 0))
            future = self.waiting.pop(chat, None)
            if future and not future.done():
                future.set_result(time.perf_counter())
        return response


async def user(
    api: TimedApi, user_id: int, messages: int, photo: bytes | None, latencies: list[float]
) -> None:
    rnd = random.Random(user_id)
    for n in range(messages):
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        api.waiting[user_id] = future
        if photo is not None and n < 3:
            file_id = f"p{user_id}-{n}"
            api.state.add_file(file_id, photo)
            update = tg.photo(file_id, len(photo), user_id=user_id)
        else:
            update = tg.text(rnd.choice(QUERIES), user_id=user_id)
        sent = time.perf_counter()
        await api.push(update)
        latencies.append((await asyncio.wait_for(future, 30)) - sent)


async def run(users: int, messages: int, photo_users: int, overall_rate: float) -> None:
    api = TimedApi()
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TELEGRAM_BOT_TOKEN=tg.TOKEN,
            TELEGRAM_API_BASE_URL=api.base_url,
            TELEGRAM_FILE_BASE_URL=api.file_url,
            TELEGRAM_OVERALL_RATE=str(overall_rate),
            DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            LOG_LEVEL="WARNING",
        )
        prefix = os.environ.get("BENCH_BOT_PREFIX", "").split()
        bot = await asyncio.create_subprocess_exec(
            sys.executable, *prefix, "-m", "bot", "run", env=env, cwd=tmp
        )
        await api.wait_for("setMyCommands", 1, timeout=60)
        await asyncio.sleep(1.0)  # the first getUpdates is open
        photo = im.encode(im.rotate(im.on_canvas(im.linear("9521000000018")), 7), "JPEG", quality=80)
        text_lat: list[float] = []
        photo_lat: list[float] = []
        cpu0 = cpu_seconds(bot.pid)
        t0 = time.perf_counter()
        await asyncio.gather(
            *(
                user(
                    api,
                    10_000 + i,
                    messages,
                    photo if i < photo_users else None,
                    photo_lat if i < photo_users else text_lat,
                )
                for i in range(users)
            )
        )
        elapsed = time.perf_counter() - t0
        bot_cpu = cpu_seconds(bot.pid) - cpu0
        bot.send_signal(signal.SIGINT)
        await bot.wait()
    await api.stop()
    total = len(text_lat) + len(photo_lat)

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0

    limit = f"{overall_rate:g}/s" if overall_rate else "off"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"overall rate limit {limit}"
    )
    print(
        f"users {users} (photo users {photo_users}), {total} updates in {elapsed:.1f} s: "
        f"{total / elapsed:.0f} updates/s"
    )
    print(
        f"bot process CPU during the run: {bot_cpu:.1f} s = {bot_cpu / elapsed:.2f} cores, "
        f"{bot_cpu / total * 1000:.1f} ms per update"
    )
    print(
        f"text replies: n={len(text_lat)} p50 {statistics.median(text_lat) * 1000:.0f} ms, "
        f"p95 {pct(text_lat, 0.95):.0f} ms"
    )
    if photo_lat:
        print(
            f"replies to photo users: n={len(photo_lat)} p50 {statistics.median(photo_lat) * 1000:.0f} ms, "
            f"p95 {pct(photo_lat, 0.95):.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--photo-users", type=int, default=0)
    parser.add_argument(
        "--overall-rate", type=float, default=0.0, help="AIORateLimiter overall rate; 0 = off"
    )
    args = parser.parse_args()
    asyncio.run(run(args.users, args.messages, args.photo_users, args.overall_rate))


if __name__ == "__main__":
    main()
