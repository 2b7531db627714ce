"""Prometheus metrics: what an operator watches (updates in, answers out, errors, latency).

With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` must name an empty folder shared
by the workers before this module is imported; ``/metrics`` then adds up every worker's files.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

UPDATES = Counter("ecolabel_updates_total", "Telegram updates received", ["source"])
ANSWERS = Counter("ecolabel_answers_total", "Updates answered (replies sent)", ["kind"])
ERRORS = Counter("ecolabel_errors_total", "Updates whose handling raised an error")
LATENCY = Histogram(
    "ecolabel_core_seconds",
    "Time the conversation core took for one message, by kind (search, scan, button, other)",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def render() -> tuple[bytes, str]:
    """The exposition text and its content type; sums all workers in multi-process mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
