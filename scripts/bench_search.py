"""Search benchmark on synthetic catalogs: index build time, query latency, peak memory.

Each size runs in its own process so peak memory (max RSS) is clean:

    python scripts/bench_search.py                 # 10k, 100k, 1M
    python scripts/bench_search.py --sizes 10000   # one size
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.search import SearchDoc, SearchIndex  # noqa: E402
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
    queries = QUERIES + [typo(fold(q), rnd) for q in QUERIES]
    for q in queries[:20]:
        index.search(q)  # warm the word-expansion cache like a running bot
    times = []
    for q in queries:
        t = time.perf_counter()
        index.search(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "products": n,
        "vocabulary": index.vocabulary_size,
        "build_s": round(build, 2),
        "queries": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
        "max_ms": round(times[-1], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def startup() -> dict[str, object]:
    """Start-up with the bundled catalog: database creation, import, index build."""
    import tempfile

    from bot.config import Settings
    from bot.services import build_services

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        build_services(Settings(database_url=f"sqlite:///{tmp}/a.db", _env_file=None), scanner=False)  # type: ignore[call-arg]
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        build_services(Settings(database_url=f"sqlite:///{tmp}/a.db", _env_file=None), scanner=False)  # type: ignore[call-arg]
        again = time.perf_counter() - t0
    return {"first_start_s": round(first, 2), "warm_start_s": round(again, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--startup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    if args.startup:
        print(json.dumps(startup()))
        return
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    print("| products | vocabulary | index build s | p50 ms | p95 ms | max ms | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout)
        print(
            f"| {r['products']:,} | {r['vocabulary']:,} | {r['build_s']} | {r['p50_ms']} | {r['p95_ms']} "
            f"| {r['max_ms']} | {r['peak_rss_mb']} |"
        )
    out = subprocess.run([sys.executable, __file__, "--startup"], capture_output=True, text=True, check=True)
    print("start-up with the bundled catalog:", out.stdout.strip())


if __name__ == "__main__":
    main()
