"""Photo decoding in worker processes, with one limit per bot process on what decodes at once.

Decoding a phone photo is seconds of CPU in Pillow, NumPy and zxing-cpp. In threads it shares
one interpreter with the answers to text messages and, on a busy machine, slows them; in a
``ProcessPoolExecutor`` it runs on the other cores. One pool and one ``DecodeBudget`` serve the
whole process (every ``PooledScanner``, however many cores the services were built for): at
most ``processes`` decodes at once and at most ``pixel_budget`` decoded pixels in memory, so a
burst of large photos waits its turn instead of exhausting memory. Each ``serve`` worker and the
console have their own pool. Child processes are spawned (never forked from a process that
has threads) on the first photo, and a child that dies is replaced.
"""

from __future__ import annotations

import atexit
import io
import logging
import multiprocessing
import os
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import lru_cache

from PIL import Image

from catalog.scanner import MAX_BYTES, MAX_PIXELS, Scanner, ScanProblem, ScanResult

log = logging.getLogger(__name__)
PIXEL_BUDGET = 80_000_000  # decoded pixels in memory at once (two of the largest photos allowed)


class DecodeBudget:
    """Admits a decode while fewer than ``slots`` run and its pixels fit in what is left of
    ``pixels``; otherwise the caller waits. A photo larger than the whole budget waits until
    nothing else is decoding, then goes alone."""

    def __init__(self, slots: int, pixels: int) -> None:
        self.slots, self.pixels = slots, pixels
        self.running, self.in_use = 0, 0
        self.peak_running, self.peak_pixels = 0, 0
        self._cond = threading.Condition()

    @contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        cost = min(pixels, self.pixels)
        with self._cond:
            self._cond.wait_for(lambda: self.running < self.slots and self.in_use + cost <= self.pixels)
            self.running += 1
            self.in_use += cost
            self.peak_running = max(self.peak_running, self.running)
            self.peak_pixels = max(self.peak_pixels, self.in_use)
        try:
            yield
        finally:
            with self._cond:
                self.running -= 1
                self.in_use -= cost
                self._cond.notify_all()


def pixels_of(data: bytes) -> int:
    """Width x height from the image header (nothing is decoded); 0 when it is not an image,
    which the scanner then says quickly."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as img:
                return int(img.width) * int(img.height)
    except Exception:
        return 0


@lru_cache(maxsize=8)
def _scanner(budget_seconds: float, max_bytes: int, max_pixels: int) -> Scanner:
    return Scanner(budget_seconds=budget_seconds, max_bytes=max_bytes, max_pixels=max_pixels)


def _scan_in_child(data: bytes, budget_seconds: float, max_bytes: int, max_pixels: int) -> ScanResult:
    """Runs in a pool process: one Scanner per configuration, kept for the next photo."""
    return _scanner(budget_seconds, max_bytes, max_pixels).scan(data)


def _follow_parent(parent: int) -> None:
    """In each pool process: exit when the bot process that started it is gone (killed, or a
    server worker that ends without running exit handlers), never lingering as an orphan."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


class _Pool:
    """The process-wide executor and budget, made on first use and remade if a child dies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self.processes = 0
        self.budget: DecodeBudget | None = None

    def configure(self, processes: int, pixel_budget: int) -> DecodeBudget:
        """The first configuration wins: one limit for the whole process."""
        with self._lock:
            if self.budget is None:
                self.processes = max(1, processes)
                self.budget = DecodeBudget(self.processes, pixel_budget)
            return self.budget

    def executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=max(1, self.processes),
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_follow_parent,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def broken(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


POOL = _Pool()
atexit.register(POOL.shutdown)


class PooledScanner:
    """The Scanner's interface (``scan``, ``max_bytes``), decoding in the process pool.

    ``processes=0`` decodes in the calling thread, under the same budget.
    """

    def __init__(
        self,
        processes: int,
        budget_seconds: float = 3.0,
        max_bytes: int = MAX_BYTES,
        max_pixels: int = MAX_PIXELS,
        pixel_budget: int = PIXEL_BUDGET,
    ) -> None:
        self.in_process = processes <= 0
        self.budget = POOL.configure(processes or 1, pixel_budget)
        self.budget_seconds = budget_seconds
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    def scan(self, data: bytes) -> ScanResult:
        """Decode ``data`` in a pool process once the budget admits it (the caller's thread waits)."""
        if len(data) > self.max_bytes:  # refused without a process or any budget
            return ScanResult(problem=ScanProblem.TOO_LARGE)
        with self.budget.hold(pixels_of(data)):
            if self.in_process:
                return _scan_in_child(data, self.budget_seconds, self.max_bytes, self.max_pixels)
            executor = POOL.executor()
            try:
                config = (self.budget_seconds, self.max_bytes, self.max_pixels)
                return executor.submit(_scan_in_child, data, *config).result()
            except BrokenProcessPool:
                log.error("a photo decoding process died; the pool is started again")
                POOL.broken(executor)
                return ScanResult(problem=ScanProblem.NOT_IMAGE)
