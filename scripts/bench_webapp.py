"""Benchmark the scanning page in Debian's Chromium with a fake camera.

For each clip (a catalog product's barcode, slightly moving and blurred, as in the browser
test) it measures the time from the first camera frame the page hands to the decoder (every
frame of the clip shows the code) to the verdict on screen, and reports the median and p95.
It also reports what the page transfers with and without the decoder, and the size of the
offline snapshot for the sample catalog and for a synthetic catalog of 30,000 products.

    python scripts/bench_webapp.py [--clips 10]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from catalog.db import make_engine, session  # noqa: E402
from catalog.gtin import check_digit  # noqa: E402
from catalog.models import Certification, Product  # noqa: E402
from catalog.service import CatalogService, prepare_database  # noqa: E402
from tests.fake_camera import barcode_clip  # noqa: E402
from tests.webapp_browser import (  # noqa: E402
    VERDICT_SHOWN,
    PageServer,
    browser,
    services_for,
    wait_until,
    why_not_runnable,
)
from webapp.snapshot import build  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def sample_gtins(engine, count: int, seed: int = 7) -> list[str]:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        gtins = sorted(g for g in db.exec(select(Product.gtin)) if g)
    random.Random(seed).shuffle(gtins)
    return [g for g in gtins if len(g) == 13][:count]


def run_clip(server: PageServer, work: Path, gtin: str, seed: int) -> dict[str, float]:
    clip = barcode_clip(work / f"clip-{seed}.y4m", gtin, seed=seed, blur=0.9 + 0.1 * (seed % 4))
    sizes: dict[str, int] = {}
    with browser(work / f"profile-{seed}", clip, service_workers="block") as ctx:
        page = ctx.new_page()

        def finished(request) -> None:  # type: ignore[no-untyped-def]
            s = request.sizes()
            sizes[request.url] = s["responseBodySize"] + s["responseHeadersSize"]

        page.on("requestfinished", finished)
        page.goto(f"{server.origin}/app/")
        page.wait_for_selector(VERDICT_SHOWN, timeout=60_000)
        bench = wait_until(page, "window.__ecoBench.verdictShown && window.__ecoBench")
        wait_until(page, "window.__ecoBench.snapshotReady > 0")
        time.sleep(0.3)
    assert isinstance(bench, dict)
    decoder = sum(v for u, v in sizes.items() if "/decoder-" in u or u.endswith(".wasm"))
    api = sum(v for u, v in sizes.items() if "/api/v1/" in u)
    page_only = sum(sizes.values()) - decoder - api
    return {
        "frame_to_verdict": bench["verdictShown"] - bench["firstFrame"],
        "read_to_verdict": bench["verdictShown"] - bench["agreedFrom"],
        "open_to_verdict": bench["verdictShown"],
        "decoder_ready": bench["decoderReady"],
        "frames": bench["frames"],
        "page_bytes": page_only,
        "decoder_bytes": decoder,
    }


def synthetic_snapshot(work: Path, products: int = 30_000) -> tuple[int, int]:
    """Snapshot size (raw, gzip) for a synthetic catalog of ``products`` barcodes."""
    engine = make_engine(f"sqlite:///{work / 'big.db'}")
    prepare_database(engine)
    rng = random.Random(3)
    labels = sorted(s.code for s in CatalogService(engine).labels())
    with session(engine) as db:
        for i in range(products):
            body = f"952{i:09d}"
            gtin = body + str(check_digit(body))
            db.add(
                Product(id=i + 1, key=gtin, gtin=gtin, name_vi=f"Sản phẩm {i}", category="rice", sample=True)
            )
        db.flush()
        start = date(2024, 1, 1)
        for i in range(products):
            for _ in range(1 + (i % 7 == 0)):
                begin = start + timedelta(days=rng.randrange(900))
                label = rng.choice(labels)
                db.add(
                    Certification(
                        product_id=i + 1,
                        label_code=label,
                        certificate_no=f"{label[:4]}-{begin.year}-{rng.randrange(10**5):05d}",
                        valid_from=begin,
                        valid_until=begin + timedelta(days=3 * 365),
                    )
                )
        db.commit()
    snap = build(CatalogService(engine))
    engine.dispose()
    return len(snap.body), len(gzip.compress(snap.body, 6))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", type=int, default=10)
    args = parser.parse_args()
    reason = why_not_runnable()
    if reason:
        sys.exit(f"cannot run: {reason}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big_raw, big_gz = synthetic_snapshot(work)
        db = work / "bench.db"
        from bot.services import seed_if_empty

        engine = make_engine(f"sqlite:///{db}")
        prepare_database(engine)
        seed_if_empty(engine)
        gtins = sample_gtins(engine, args.clips)
        engine.dispose()
        services = services_for(f"sqlite:///{db}")
        server = PageServer(services).start()
        runs = []
        try:
            for i, gtin in enumerate(gtins):
                runs.append(run_clip(server, work, gtin, seed=i + 1))
                print(
                    f"clip {i + 1:2d} {gtin}: frame->verdict {runs[-1]['frame_to_verdict']:.0f} ms",
                    flush=True,
                )
                shutil.rmtree(work / f"profile-{i + 1}", ignore_errors=True)
            sample = build(services.catalog)
        finally:
            server.stop()
            services.close()
    frame = [r["frame_to_verdict"] for r in runs]
    read = [r["read_to_verdict"] for r in runs]
    opened = [r["open_to_verdict"] for r in runs]
    print()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end")
    print(f"clips: {len(runs)}, decoder: zxing-wasm in Chromium {shutil.which('chromium')}")
    print(
        f"first frame with the code -> verdict on screen: median {statistics.median(frame):.0f} ms, "
        f"p95 {p95(frame):.0f} ms"
    )
    print(
        "  of which first agreeing read -> verdict (2nd read, lookup, render): "
        f"median {statistics.median(read):.0f} ms"
    )
    print(
        f"page opened -> verdict (camera, decoder load, read): median {statistics.median(opened):.0f} ms, "
        f"p95 {p95(opened):.0f} ms"
    )
    print(
        f"decoder ready after page open: median {statistics.median(r['decoder_ready'] for r in runs):.0f} ms"
    )
    page_kb = statistics.median(r["page_bytes"] for r in runs) / 1024
    dec_kb = statistics.median(r["decoder_bytes"] for r in runs) / 1024
    print(
        f"transferred: page without decoder {page_kb:.1f} KB, decoder (JS + wasm) {dec_kb:.1f} KB, "
        f"total {page_kb + dec_kb:.1f} KB"
    )
    print(
        f"snapshot, sample catalog ({sample.products} codes): {len(sample.body) / 1024:.1f} KB raw, "
        f"{len(gzip.compress(sample.body, 6)) / 1024:.1f} KB gzip"
    )
    print(f"snapshot, 30,000 synthetic products: {big_raw / 1024:.0f} KB raw, {big_gz / 1024:.0f} KB gzip")


if __name__ == "__main__":
    main()
