"""Per-user flood guard: token buckets, so one user cannot queue thousands of requests."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class FloodGuard:
    """``check(user)`` allows while the user has tokens; the first refusal asks for a warning."""

    def __init__(
        self,
        capacity: float,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 50_000,
    ) -> None:
        self.capacity = capacity
        self.per_second = per_second
        self.clock = clock
        self.max_users = max_users
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()
        self._lock = threading.Lock()  # the core runs in several worker threads

    def check(self, user_id: int, cost: float = 1.0) -> tuple[bool, bool]:
        """(allowed, warn): ``warn`` is True only for the first refusal of a burst."""
        with self._lock:
            return self._check(user_id, cost)

    def _check(self, user_id: int, cost: float) -> tuple[bool, bool]:
        now = self.clock()
        bucket = self._buckets.pop(user_id, None) or _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.per_second)
        bucket.stamp = now
        self._buckets[user_id] = bucket
        if len(self._buckets) > self.max_users:
            self._buckets.popitem(last=False)
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            bucket.warned = False
            return True, False
        warn = not bucket.warned
        bucket.warned = True
        return False, warn
