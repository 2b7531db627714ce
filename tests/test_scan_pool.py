"""Photos decoded in worker processes under one budget per bot process (catalog.scanpool)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.i18n import Messages
from catalog import scanpool
from catalog.db import session
from catalog.models import Product
from catalog.scanner import ScanProblem
from tests import imaging as im
from tests.conftest import ROOT

VI = Messages("vi")


def gtins(engine: Engine, n: int) -> list[str]:
    with session(engine) as db:
        stmt = select(Product.gtin).where(Product.gtin.is_not(None)).order_by(Product.id).limit(n)  # type: ignore[union-attr]
        return [g for g in db.exec(stmt) if g]


def pid_of_decoder(data: bytes, budget_seconds: float, max_bytes: int, max_pixels: int) -> int:
    return os.getpid()


def test_photos_are_decoded_in_other_processes_within_one_budget(engine: Engine) -> None:
    codes = gtins(engine, 6)
    photos = [im.encode(im.on_canvas(im.linear(code)), "PNG") for code in codes]
    pixels = scanpool.pixels_of(photos[0])
    assert pixels > 0
    budget = scanpool.DecodeBudget(slots=2, pixels=pixels * 2)
    scanner = scanpool.PooledScanner(2)
    scanner.budget = budget  # a budget of this test's own, sized to the photos
    with ThreadPoolExecutor(6) as threads:
        results = list(threads.map(scanner.scan, photos))
    assert [r.codes[0].gtin for r in results] == codes
    assert budget.peak_running == 2  # two at once (two processes), never more
    assert budget.peak_pixels <= pixels * 2
    child = scanpool.POOL.executor().submit(pid_of_decoder, b"", 1.0, 1, 1).result()
    assert child != os.getpid()  # decoded beside the bot, not in it


def test_a_photo_larger_than_the_budget_waits_and_goes_alone() -> None:
    budget = scanpool.DecodeBudget(slots=2, pixels=1000)
    with budget.hold(5000):
        assert budget.in_use == 1000  # the whole budget: nothing else decodes meanwhile
    assert budget.in_use == 0 and budget.running == 0


def test_not_an_image_costs_no_budget_and_is_said() -> None:
    scanner = scanpool.PooledScanner(2)
    assert scanpool.pixels_of(b"not a photo") == 0
    assert scanner.scan(b"not a photo").problem is ScanProblem.NOT_IMAGE


def test_an_officers_file_over_telegrams_limit_is_not_called_a_photo(engine, catalog) -> None:  # type: ignore[no-untyped-def]
    from bot.incoming import Incoming
    from tests.conftest import make_core

    core = make_core(engine, catalog, admin_ids=frozenset({8_100_900}))
    size = 30 * 1024 * 1024  # within MAX_UPLOAD_BYTES (50 MB), over what Telegram hands a bot
    [reply] = core.handle(Incoming(8_100_900, document_size=size, document_name="catalog.csv"))
    assert reply.text == VI("errors.too_big_to_download", size="30.0", limit=20)


def running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


def test_decoding_processes_end_with_a_killed_bot_process() -> None:
    script = (
        "import time\n"
        "from catalog.scanpool import POOL, PooledScanner\n"
        "PooledScanner(2).scan(b'not a photo')\n"
        "print(*POOL.executor()._processes, flush=True)\n"
        "time.sleep(120)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", script]
    bot = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert bot.stdout is not None
        children = [int(pid) for pid in bot.stdout.readline().split()]
        assert children and all(running(pid) for pid in children)
    finally:
        bot.kill()  # kill -9: no exit handler runs
        bot.wait()
    deadline = time.monotonic() + 15
    while any(running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(running(pid) for pid in children)
