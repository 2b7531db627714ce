"""Open Food Facts import benchmark: rows per second and peak memory on synthetic exports.

Writes a gzipped tab-separated export with the real column layout (a few hundred columns,
most empty), where 1 row in 5 carries a mapped label, then imports it into a fresh SQLite
database in a child process so the peak RSS is the importer's own.

    python scripts/bench_off_import.py --rows 100000 500000
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILLER = [f"col_{i}" for i in range(180)]  # the real export has about 200 columns
COLUMNS = ["code", "url", "last_modified_t", "product_name", "brands", "categories_tags", "labels_tags",
           "countries_tags", *FILLER]
LABELS = ["en:organic", "en:eu-organic", "en:fsc", "en:sustainable-seafood-msc", "en:fair-trade"]


def gtin(n: int) -> str:
    payload = f"952{n:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return payload + str((10 - total % 10) % 10)


def write_export(path: Path, rows: int) -> None:
    rnd = random.Random(5)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\t".join(COLUMNS) + "\n")
        for n in range(rows):
            labels = rnd.choice(LABELS) if n % 5 == 0 else "en:no-gluten"
            country = "en:vietnam" if n % 2 == 0 else "en:france"
            values = [gtin(n), f"https://example.org/{n}", "1767225600", f"Sản phẩm mẫu {n}", "Mẫu",
                      "en:teas", labels, country, *([""] * len(FILLER))]
            out.write("\t".join(values) + "\n")


def child(path: str, db: str) -> None:
    from catalog.db import make_engine
    from catalog.off_import import import_off
    from catalog.service import prepare_database

    engine = make_engine(f"sqlite:///{db}")
    prepare_database(engine)
    t0 = time.perf_counter()
    report = import_off(engine, Path(path))
    seconds = time.perf_counter() - t0
    print(json.dumps({"rows": report.rows, "imported": report.imported, "seconds": round(seconds, 1),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 500_000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print("| rows | file MB (gz) | imported | seconds | rows/s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "off.csv.gz"
            write_export(export, rows)
            out = subprocess.run([sys.executable, __file__, "--child", str(export), f"{tmp}/off.db"],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout)
            print(f"| {rows:,} | {export.stat().st_size / 1e6:.1f} | {r['imported']:,} | {r['seconds']} "
                  f"| {rows / r['seconds']:,.0f} | {r['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
