"""Search benchmark on synthetic catalogs: index build time, query latency, peak memory.

Each size runs in its own process so peak memory (max RSS) is clean:

    python scripts/bench_search.py                 # quality, then 10k, 100k, 1M
    python scripts/bench_search.py --sizes 10000   # quality and one size
    python scripts/bench_search.py --sizes         # quality only

Quality: top-1 / top-5 on the hand-written sets and the share of negative queries that
still get products shown, for this search and two SQLite FTS5 baselines on the same
bundled catalog, in the same run. Latency is wall time and CPU time of the process
(CPU time is the fairer figure when other jobs share the machine).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.search import SearchDoc, SearchIndex  # noqa: E402
from catalog.searcheval import Product, product_of, read_cases, read_negatives, score_cases, shown_share  # noqa: E402
from catalog.text import fold  # noqa: E402

QUERIES = [
    line.split("\t")[0]
    for line in (ROOT / "tests/search_quality.tsv").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
SYLLABLES = [
    "an",
    "bao",
    "binh",
    "cam",
    "chau",
    "dai",
    "dong",
    "gia",
    "hai",
    "hoa",
    "hong",
    "hung",
    "khang",
    "lam",
    "linh",
    "long",
    "minh",
    "nam",
    "ngoc",
    "phat",
    "phong",
    "phuc",
    "quang",
    "son",
    "tam",
    "thanh",
    "thien",
    "tien",
    "trung",
    "tuan",
    "van",
    "viet",
    "xuan",
    "yen",
]


def synthetic_docs(n: int, seed: int = 7) -> list[SearchDoc]:
    """Names recombined from the sample catalog's words plus invented brands, like a big real catalog."""
    rnd = random.Random(seed)
    with open(ROOT / "data/ecolabel.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    templates = [
        (r["name_vi"].replace(r["brand"], "{b}"), r["name_en"].replace(r["brand"], "{b}"), r["category"])
        for r in rows
    ]
    sizes = ["100g", "250g", "500g", "1kg", "2kg", "5kg", "250ml", "500ml", "1L", "2L", "hộp 10", "gói 20"]
    brands = [
        " ".join(rnd.choice(SYLLABLES).title() for _ in range(rnd.randint(1, 3))) for _ in range(n // 20 + 50)
    ]
    # invented variant words (flavours, models, places) so the vocabulary grows with the catalog
    variants = [
        "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))) for _ in range(n // 10 + 100)
    ]
    docs = []
    for i in range(n):
        vi, en, cat = rnd.choice(templates)
        brand = rnd.choice(brands)
        size = f"{rnd.choice(variants)} {rnd.choice(sizes)}"
        docs.append(
            SearchDoc(
                i,
                f"{vi.format(b=brand)} {size}",
                f"{en.format(b=brand)} {size}",
                brand,
                f"Công ty {brand}",
                cat,
                "",
            )
        )
    return docs


def typo(query: str, rnd: random.Random) -> str:
    words = query.split()
    i = rnd.randrange(len(words))
    w = words[i]
    if len(w) > 3:
        j = rnd.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def measure(n: int) -> dict[str, object]:
    docs = synthetic_docs(n)
    t0 = time.perf_counter()
    index = SearchIndex(docs)
    build = time.perf_counter() - t0
    rnd = random.Random(1)
    hard = [c.query for path in SETS.values() for c in read_cases(ROOT / path)]
    queries = QUERIES + [typo(fold(q), rnd) for q in QUERIES] + hard
    for q in queries[:20]:
        index.search(q, limit=50)  # warm the word-expansion cache like a running bot
    times, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        index.search(q, limit=50)  # as the bot asks: up to 50 for the result list
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()
    cpu.sort()
    return {
        "products": n,
        "vocabulary": index.vocabulary_size,
        "build_s": round(build, 2),
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
        "max_ms": round(times[-1], 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(cpu[int(0.95 * len(cpu)) - 1], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


# What `ecolabel-bot console` does before it reads the first message, in a process of its own,
# with each step of build_services timed (wall and CPU seconds).
STARTER = """
import json, sys, time
def clocks():
    return time.perf_counter(), time.process_time()
start = clocks()
import bot.console  # every module the console imports
from bot import services
from bot.config import Settings
steps = {"imports": [a - b for a, b in zip(clocks(), start)]}
def timed(name, fn):
    def run(*args, **kwargs):
        before = clocks()
        try:
            return fn(*args, **kwargs)
        finally:
            steps[name] = [a - b for a, b in zip(clocks(), before)]
    return run
services.check_data_files = timed("data files check", services.check_data_files)
services.prepare_database = timed("schema, reference data, sample catalog", services.prepare_database)
services.CatalogService = timed("search index", services.CatalogService)
services.build_core = timed("core", services.build_core)
before = clocks()
built = services.build_services(Settings(database_url=sys.argv[1], _env_file=None), scanner=False)
steps["build_services"] = [a - b for a, b in zip(clocks(), before)]
steps["process"] = [a - b for a, b in zip(clocks(), start)]
built.close()
print(json.dumps({k: [round(x, 3) for x in v] for k, v in steps.items()}))
"""


def startup(runs: int = 3) -> dict[str, object]:
    """Start-up with the bundled catalog, each in a new process: a new database, then existing.

    ``BENCH_CODE`` may name another checkout, to measure its code the same way."""
    import tempfile

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/a.db"
        code = os.environ.get("BENCH_CODE", str(ROOT))
        env = {**os.environ, "PYTHONPATH": code, "XDG_CACHE_HOME": f"{tmp}/cache"}  # the first run is cold
        for n in range(runs + 1):
            done = subprocess.run(
                [sys.executable, "-c", STARTER, url], capture_output=True, text=True, check=True, env=env
            )
            out["new database" if n == 0 else f"existing database, run {n}"] = json.loads(done.stdout)
    return out


# -- quality: the hand-written sets, with two SQLite FTS5 baselines on the same queries ------
SETS = {
    "hard (tuning part)": "tests/search_hard.tsv",
    "hard (held-out part)": "tests/search_hard_heldout.tsv",
    "146-query set": "tests/search_quality.tsv",
    "fresh A": "tests/search_fresh_a.tsv",
    "fresh C": "tests/search_fresh_c.tsv",
    "fresh D": "tests/search_fresh_d.tsv",
    "fresh E": "tests/search_fresh_e.tsv",
    "fresh B (held out)": "tests/search_fresh_b_heldout.tsv",
}
NEGATIVES = {
    "negatives (tuning part)": "tests/search_negative.tsv",
    "negatives (held-out part)": "tests/search_negative_heldout.tsv",
    "negatives, fresh A": "tests/search_fresh_a_negative.tsv",
    "negatives, fresh C": "tests/search_fresh_c_negative.tsv",
    "negatives, fresh D": "tests/search_fresh_d_negative.tsv",
    "negatives, fresh E": "tests/search_fresh_e_negative.tsv",
    "negatives, fresh B (held out)": "tests/search_fresh_b_heldout_negative.tsv",
}


class Fts5:
    """A baseline: the same product texts in an SQLite FTS5 table, ranked by bm25."""

    def __init__(self, docs: list[SearchDoc], tokenizer: str, folded: bool) -> None:
        self.folded = folded
        self.trigram = tokenizer == "trigram"
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE p USING fts5(name_vi, name_en, brand, kind, labels, "
            f"tokenize='{tokenizer}')"
        )
        prep = fold if folded else (lambda s: s)
        self.db.executemany(
            "INSERT INTO p(rowid, name_vi, name_en, brand, kind, labels) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (d.product_id, prep(d.name_vi), prep(d.name_en), prep(d.brand), prep(d.category_words),
                 prep(d.label_words))
                for d in docs
            ],
        )  # fmt: skip

    def search(self, query: str, limit: int = 5) -> list[int]:
        text = fold(query) if self.folded else query
        if self.trigram:  # any of the query's letter trigrams, best bm25 first
            grams = {w[i : i + 3] for w in text.split() for i in range(max(len(w) - 2, 1))}
            terms = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams if len(g) == 3)
        else:  # every word of the query, as FTS5 reads a plain query
            words = [w for w in "".join(c if c.isalnum() else " " for c in text).split()]
            terms = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        if not terms:
            return []
        rows = self.db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY rank LIMIT ?", (terms, limit))
        return [r[0] for r in rows]


def quality() -> dict[str, object]:
    """Quality figures for this search and both baselines, on every set, in one run."""
    import tempfile

    from bot.config import Settings
    from bot.services import build_services

    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(
            Settings(database_url=f"sqlite:///{tmp}/q.db", _env_file=None), scanner=False
        )  # type: ignore[call-arg]
        catalog = services.catalog
        docs = catalog.search_docs()
        products = {c.id: product_of(c.product) for c in catalog.cards([d.product_id for d in docs])}
        engines: dict[str, Callable[[str], list[int]]] = {
            "ecolabel-bot": lambda q: [h.product_id for h in catalog.search(q, limit=5)],
            "FTS5 unicode61 remove_diacritics 2": Fts5(docs, "unicode61 remove_diacritics 2", False).search,
            "FTS5 trigram (folded text)": Fts5(docs, "trigram", True).search,
        }
        out: dict[str, object] = {}
        for engine, find in engines.items():

            def shown(q: str, find=find) -> list[Product]:
                return [products[i] for i in find(q) if i in products]

            row: dict[str, str] = {}
            for label, path in SETS.items():
                s = score_cases(read_cases(ROOT / path), shown)
                row[label] = f"{100 * s.rate(s.top1):.1f}% / {100 * s.rate(s.top5):.1f}% ({s.cases})"
            for label, path in NEGATIVES.items():
                queries = read_negatives(ROOT / path)
                n, _ = shown_share(queries, shown)
                row[label] = f"{100 * n / len(queries):.1f}% ({n} of {len(queries)})"
            out[engine] = row
        cards = sum(catalog.lookup(c.query).confident for c in read_cases(ROOT / SETS["hard (tuning part)"]))
        out["confident cards, hard tuning part"] = cards
        negatives = [q for path in NEGATIVES.values() for q in read_negatives(ROOT / path)]
        out["confident cards, negatives"] = sum(catalog.lookup(q).confident for q in negatives)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--startup", action="store_true", help="start-up figures only")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    if args.startup:
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print_startup()
        return
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("\nquality (top-1 / top-5; negatives: share still shown a list or card)")
    for engine, row in quality().items():
        print(f"- {engine}: {row}")
    if not args.sizes:
        return
    print(
        "\n| products | vocabulary | index build s | p50 ms | p95 ms | max ms "
        "| CPU p50 ms | CPU p95 ms | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout)
        print(
            f"| {r['products']:,} | {r['vocabulary']:,} | {r['build_s']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['max_ms']} | {r['cpu_p50_ms']} | {r['cpu_p95_ms']} | {r['peak_rss_mb']} |"
        )
    print_startup()


def print_startup() -> None:
    print("\nstart-up with the bundled catalog, each a new process (seconds, wall / CPU):")
    for run, steps in startup().items():
        print(f"- {run}: " + ", ".join(f"{k} {w:.3f} / {c:.3f}" for k, (w, c) in steps.items()))


if __name__ == "__main__":
    main()
