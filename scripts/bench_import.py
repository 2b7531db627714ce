"""Catalog import benchmark: wall time, CPU time and peak memory of a large catalog CSV.

Generates a synthetic SAMPLE catalog (fictional names, GS1 demo prefix 952 GTINs with
correct check digits, ``sample=yes``; about one product in four has a second label), then,
each in its own child process so the peak RSS is that step's own (``os.wait4``):

- ``cli new``: ``ecolabel-bot import FILE`` into an empty database;
- ``cli again``: the same command with one row in ten changed (the diff path);
- ``upload check``: an officer's upload of the changed file checked by the admin desk
  (validated, summarised, kept for confirmation; nothing written to the catalog). The
  figures are the upload's own: wall and CPU time of the call, and the peak RSS while it
  ran (Linux ``clear_refs`` resets the mark after the bot is built); the RSS of the bot
  with its search index before the upload is given beside it.

    python scripts/bench_import.py --rows 100000
    python scripts/bench_import.py --rows 100000 --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL a fresh database is created for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "gtin", "name_vi", "name_en", "brand", "producer", "category", "label", "label_detail",
    "certificate_no", "certifier", "valid_from", "valid_until", "source", "source_date", "sample",
]
SOURCE = "Dữ liệu mẫu của ecolabel-bot (không phải chứng nhận thật)"


def gtin(n: int) -> str:
    payload = f"952{n:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return payload + str((10 - total % 10) % 10)


def write_catalog(path: Path, rows: int, changed_every: int = 0) -> None:
    """``rows`` certification rows built from the bundled sample's names; with
    ``changed_every`` every n-th row gets a later expiry date (a re-import with changes)."""
    with (ROOT / "data" / "ecolabel.csv").open(encoding="utf-8") as f:
        sample = list(csv.DictReader(f))
    rnd = random.Random(7)
    out_rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        n = 0
        while out_rows < rows:
            base = rnd.choice(sample)
            labels = [base["label"]]
            if n % 4 == 0:
                other = rnd.choice(sample)["label"]
                if other != base["label"]:
                    labels.append(other)
            for label in labels:
                if out_rows >= rows:
                    break
                until = "2028-06-30" if changed_every and out_rows % changed_every == 0 else "2027-12-31"
                out.writerow([
                    gtin(n), f"{base['name_vi']} mẫu số {n}", f"{base['name_en']} sample {n}",
                    f"{base['brand']} {n % 500}", base["producer"], base["category"], label, "",
                    f"MAU-{label}-{n:07d}", base["certifier"], "2025-01-01", until, SOURCE,
                    "2026-10-01", "yes",
                ])
                out_rows += 1
            n += 1


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int, str]:
    """Run a command; wall seconds, CPU seconds, peak RSS MB, exit code, last output line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    last = next((line for line in reversed(output.splitlines()) if line.strip()), "")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, last


UPLOAD_CHILD = """
import sys, time
from pathlib import Path
from bot.i18n import Messages
from bot.services import build_services
from bot.config import Settings

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

services = build_services(Settings(admin_ids="1"), seed=False, scanner=False)
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # peak RSS from here on: the upload's own, on top of the running bot
wall, cpu = time.perf_counter(), time.process_time()
data = Path(sys.argv[1]).read_bytes()
replies = services.core.admin.upload(1, Messages("en"), "catalog.csv", data)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(f"UPLOAD {wall:.1f} {cpu:.1f} {status('VmHWM'):.0f} {before:.0f} {replies[0].text.splitlines()[0]}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--database", default="", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--skip-again", action="store_true", help="leave out the 'cli again' step")
    args = parser.parse_args()
    print(f"# {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()}")
    print("| database | rows | file MB | step | wall s | CPU s | peak RSS MB | result |")
    print("|---|---|---|---|---|---|---|---|")
    cli = [sys.executable, "-m", "bot.cli"] if not (ROOT / ".venv/bin/ecolabel-bot").exists() else [
        str(ROOT / ".venv/bin/ecolabel-bot")
    ]
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            new, changed = Path(tmp) / "catalog.csv", Path(tmp) / "changed.csv"
            write_catalog(new, rows)
            write_catalog(changed, rows, changed_every=10)
            url, cleanup = _database(args.database, Path(tmp), rows)
            env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "ADMIN_IDS": "1"}
            steps = [
                ("cli new", [*cli, "import", str(new)]),
                ("cli again", [*cli, "import", str(changed)]),
                ("upload check", [sys.executable, "-c", UPLOAD_CHILD, str(changed)]),
            ]
            try:
                for name, command in steps:
                    if name == "cli again" and args.skip_again:
                        continue
                    wall, cpu, rss, code, last = run_child(command, env)
                    kind = "postgresql" if args.database else "sqlite"
                    size = new.stat().st_size / 1e6
                    result = last[:70] if code == 0 else f"exit {code}: {last[:60]}"
                    if code == 0 and last.startswith("UPLOAD "):  # the upload's own figures
                        _, w, c, peak, before, text = last.split(" ", 5)
                        wall, cpu, rss = float(w), float(c), float(peak)
                        result = f"{text[:40]} (the bot held {before} MB before)"
                    print(f"| {kind} | {rows:,} | {size:.1f} | {name} | {wall:.1f} | {cpu:.1f} | "
                          f"{rss:.0f} | {result} |", flush=True)
            finally:
                cleanup()
    print(f"# load average after: {os.getloadavg()}")


def _database(server: str, tmp: Path, rows: int) -> tuple[str, callable]:  # type: ignore[valid-type]
    if not server:
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_import_{os.getpid()}_{rows}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


if __name__ == "__main__":
    main()
