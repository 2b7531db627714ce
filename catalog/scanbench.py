"""Scanner benchmark over folders of photos with the expected value in N.txt beside each image.

Layout (as in ../shared/barcode-photos): one folder per symbology and batch
(``ean13-1``, ``qrcode-1``...); a folder whose name starts with ``falsepositives``
holds photos with no code, where any read is a false positive.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from catalog import gtin as gtins
from catalog.scanner import Code, Scanner

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")


@dataclass
class Tally:
    images: int = 0
    correct: int = 0
    misread: int = 0
    nothing: int = 0
    false_positive: int = 0
    millis: list[float] = field(default_factory=list)


def default_folder() -> Path | None:
    here = Path(__file__).resolve().parent.parent.parent / "shared" / "barcode-photos"
    return here if here.is_dir() else None


def _expected_key(symbology: str, expected: str) -> str:
    """Compare product codes as GTINs (so UPC-A/UPC-E spellings agree), QR text as text."""
    expected = expected.strip()
    try:
        if symbology == "upce" and len(expected) == 8:
            return gtins.upc_e_to_gtin13(expected)
        if expected.isdigit():
            return gtins.normalise(expected)
    except ValueError:
        pass
    return expected.replace("\r\n", "\n")


def _code_key(code: Code) -> str:
    return code.gtin or code.raw.replace("\r\n", "\n").strip()


def run_benchmark(folder: Path, repeat: int = 1, use_zbar: bool = True) -> dict[str, Tally]:
    scanner = Scanner(use_zbar=use_zbar)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for batch in sorted(p for p in folder.iterdir() if p.is_dir()):
        symbology = batch.name.rsplit("-", 1)[0]
        for image in sorted(batch.iterdir()):
            if image.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            data = image.read_bytes()
            expected_file = image.with_suffix(".txt")
            fp_batch = symbology.startswith("falsepositives")
            if not fp_batch and not expected_file.exists():
                continue
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                result = scanner.scan(data)
                best = min(best, (time.perf_counter() - t0) * 1000)
            tally = tallies[symbology]
            tally.images += 1
            tally.millis.append(best)
            keys = [_code_key(c) for c in result.codes]
            if fp_batch:
                tally.false_positive += bool(keys)
                continue
            want = _expected_key(
                symbology if symbology != "qrcode" else "qr", expected_file.read_text(encoding="utf-8")
            )
            if want in keys:
                tally.correct += 1
            elif keys:
                tally.misread += 1
            else:
                tally.nothing += 1
    return dict(tallies)


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def format_report(tallies: dict[str, Tally]) -> str:
    lines = [
        "| set | images | read correctly | misreads | nothing found | false positives | median ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    total = Tally()
    for name, t in tallies.items():
        ms = sorted(t.millis)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else 0.0
        med = statistics.median(ms) if ms else 0.0
        if name.startswith("falsepositives"):
            lines.append(f"| {name} | {t.images} | - | - | - | {t.false_positive} | {med:.1f} | {p95:.1f} |")
        else:
            lines.append(
                f"| {name} | {t.images} | {t.correct} ({_pct(t.correct, t.images)}) | {t.misread} "
                f"| {t.nothing} | - | {med:.1f} | {p95:.1f} |"
            )
        if not name.startswith("falsepositives"):
            total.images += t.images
            total.correct += t.correct
            total.misread += t.misread
            total.nothing += t.nothing
            total.millis.extend(t.millis)
        total.false_positive += t.false_positive
    ms = sorted(total.millis)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else 0.0
    lines.append(
        f"| **all codes** | {total.images} | {total.correct} ({_pct(total.correct, total.images)}) "
        f"| {total.misread} ({_pct(total.misread, total.images)}) | {total.nothing} "
        f"| {total.false_positive} | {statistics.median(ms) if ms else 0:.1f} | {p95:.1f} |"
    )
    return "\n".join(lines)
