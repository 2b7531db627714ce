"""Scanner benchmark: the shared photos and the stress suite, previous chain beside the current one.

Photo layout (as in ../shared/barcode-photos): one folder per symbology and batch
(``ean13-1``, ``qrcode-1``...) with the expected value in N.txt beside each image; a folder
whose name starts with ``falsepositives`` holds photos with no code.

Scoring, per photo: *read* when every expected code was returned; *misread* when any
returned code is not an expected one (a wrong code beside the right one counts: the
shopper may tap it); *nothing* when nothing was returned. The unsure flag's catch rate is
the share of misread photos whose wrong codes were all marked unsure.

Times are CPU time of the scanning thread (what one core spends per photo), so that a
machine shared with other jobs does not inflate them; on an idle machine wall time is the
same. The previous chain is the scanner module as it was before evidence-based certainty,
loaded from git history so that both chains run on the same photos in the same run.
"""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from catalog import gtin as gtins
from catalog.scanner import Scanner

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")
PREVIOUS_CHAIN = "35aab2665e5673b9e6ce657a48231d77e8966118"  # last commit with the pass-number chain


@dataclass(frozen=True, slots=True)
class Read:
    key: str
    certain: bool
    source: str  # "decoder/view" of the first read, or just the decoder


Chain = Callable[[bytes], list[Read]]


@dataclass
class Tally:
    images: int = 0
    correct: int = 0
    misread: int = 0
    caught: int = 0  # misread photos whose wrong codes were all marked unsure
    right_unsure: int = 0  # read photos where a right code was marked unsure
    nothing: int = 0
    wrong_by_source: Counter[str] = field(default_factory=Counter)
    millis: list[float] = field(default_factory=list)


def default_folder() -> Path | None:
    here = Path(__file__).resolve().parent.parent.parent / "shared" / "barcode-photos"
    return here if here.is_dir() else None


def _expected_key(symbology: str, expected: str) -> str:
    """Compare product codes as GTINs (so UPC-A/UPC-E spellings agree), QR text as text."""
    expected = expected.strip("\r\n") if symbology == "qr" else expected.strip()
    try:
        if symbology == "upce" and len(expected) == 8:
            return gtins.upc_e_to_gtin13(expected)
        if expected.isdigit() and symbology != "qr":
            return gtins.normalise(expected)
    except ValueError:
        pass
    return expected.replace("\r\n", "\n").strip()


def expected_for(symbology: str, expected_file: Path) -> str:
    kind = "qr" if symbology == "qrcode" else symbology
    return _expected_key(kind, expected_file.read_text(encoding="utf-8"))


def photos(folder: Path) -> Iterator[tuple[str, Path, Path | None]]:
    """(set name, image, expected-value file or None for a no-code photo), in a stable order."""
    for batch in sorted(p for p in folder.iterdir() if p.is_dir()):
        symbology = batch.name.rsplit("-", 1)[0]
        for image in sorted(batch.iterdir()):
            if image.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            expected_file = image.with_suffix(".txt")
            if symbology.startswith("falsepositives"):
                yield symbology, image, None
            elif expected_file.exists():
                yield symbology, image, expected_file


def photo_cases(folder: Path) -> list[tuple[str, bytes, tuple[str, ...]]]:
    return [
        (name, image.read_bytes(), (expected_for(name, want),) if want else ())
        for name, image, want in photos(folder)
    ]


def _key(code: object) -> str:
    gtin = getattr(code, "gtin", None)
    return gtin or str(code.raw).replace("\r\n", "\n").strip()  # type: ignore[attr-defined]


def current_chain(use_zbar: bool = True) -> Chain:
    scanner = Scanner(use_zbar=use_zbar)

    def run(data: bytes) -> list[Read]:
        return [
            Read(_key(c), c.certain, c.sources[0] if c.sources else c.decoder)
            for c in scanner.scan(data).codes
        ]

    return run


def previous_chain(use_zbar: bool = True, revision: str = PREVIOUS_CHAIN) -> Chain:
    """The scanner module at ``revision`` (needs the git history), imported under another name."""
    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(
        ["git", "-C", str(root), "show", f"{revision}:catalog/scanner.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "previous_scanner.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("previous_scanner", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["previous_scanner"] = module
    spec.loader.exec_module(module)
    scanner = module.Scanner(use_zbar=use_zbar)

    def run(data: bytes) -> list[Read]:
        return [Read(_key(c), c.certain, c.decoder) for c in scanner.scan(data).codes]

    return run


def run_chain(
    chain: Chain, cases: Iterable[tuple[str, bytes, tuple[str, ...]]], repeat: int = 1
) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for group, data, expected in cases:
        best, reads = float("inf"), []
        for _ in range(repeat):
            t0 = time.thread_time()
            reads = chain(data)
            best = min(best, (time.thread_time() - t0) * 1000)
        tally = tallies[group]
        tally.images += 1
        tally.millis.append(best)
        wrong = [r for r in reads if r.key not in expected]
        keys = {r.key for r in reads}
        if wrong:
            tally.misread += 1
            tally.caught += all(not r.certain for r in wrong)
            tally.wrong_by_source.update(r.source for r in wrong)
        elif expected and all(k in keys for k in expected):
            tally.correct += 1
            tally.right_unsure += any(not r.certain for r in reads)
        elif not reads:
            tally.nothing += 1
    return dict(tallies)


def run_benchmark(folder: Path, repeat: int = 1, use_zbar: bool = True) -> dict[str, Tally]:
    """The current chain on a photo folder (kept for scripts that want one table)."""
    return run_chain(current_chain(use_zbar), photo_cases(folder), repeat)


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def _times(ms: list[float]) -> tuple[float, float]:
    if not ms:
        return 0.0, 0.0
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _total(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total.images += t.images
        total.correct += t.correct
        total.misread += t.misread
        total.caught += t.caught
        total.right_unsure += t.right_unsure
        total.nothing += t.nothing
        total.wrong_by_source.update(t.wrong_by_source)
        total.millis.extend(t.millis)
    return total


def _row(name: str, chain: str, t: Tally, no_code: bool) -> str:
    med, p95 = _times(t.millis)
    if no_code:
        found = f"{t.misread} (false positives)"
        return f"| {name} | {chain} | {t.images} | - | {found} | - | - | {med:.1f} | {p95:.1f} |"
    catch = f"{t.caught}/{t.misread}" if t.misread else "-"
    return (
        f"| {name} | {chain} | {t.images} | {t.correct} ({_pct(t.correct, t.images)}) "
        f"| {t.misread} ({_pct(t.misread, t.images)}) | {catch} | {t.right_unsure} | {med:.1f} | {p95:.1f} |"
    )


def format_comparison(results: dict[str, dict[str, Tally]], no_code: Callable[[str], bool]) -> str:
    """One table: each set with every chain's row beside the others, then the totals."""
    lines = [
        "| set | chain | photos | read correctly | misreads | caught by unsure | right but unsure "
        "| median CPU ms | p95 CPU ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    sets = list(dict.fromkeys(name for tallies in results.values() for name in tallies))
    for name in sets:
        for chain, tallies in results.items():
            if name in tallies:
                lines.append(_row(name, chain, tallies[name], no_code(name)))
    for chain, tallies in results.items():
        total = _total(t for n, t in tallies.items() if not no_code(n))
        lines.append(_row("**all with codes**", chain, total, False))
        empty = _total(t for n, t in tallies.items() if no_code(n))
        if empty.images:
            lines.append(_row("**all without codes**", chain, empty, True))
    return "\n".join(lines)


def format_sources(results: dict[str, dict[str, Tally]]) -> str:
    """Misreads by the decoder and pass that first returned the wrong code."""
    lines = ["| chain | wrong codes by first source |", "|---|---|"]
    for chain, tallies in results.items():
        counts = _total(tallies.values()).wrong_by_source
        listed = ", ".join(f"{source}: {n}" for source, n in counts.most_common()) or "none"
        lines.append(f"| {chain} | {listed} |")
    return "\n".join(lines)


def no_code_set(name: str) -> bool:
    return name.startswith(("falsepositives", "no-code"))


def format_report(tallies: dict[str, Tally]) -> str:
    return format_comparison({"current": tallies}, no_code_set)
