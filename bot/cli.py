"""The ``ecolabel-bot`` command line (Typer)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from bot import redact
from bot.config import Settings

if TYPE_CHECKING:
    from bot.i18n import Messages
    from bot.services import Services

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # rich tracebacks would print local variables (the token)
    add_completion=False,
    help="Eco-label and organic product lookup for shoppers in Hà Nội.",
)
db_app = typer.Typer(no_args_is_help=True, help="Database set-up.")
app.add_typer(db_app, name="db")

BAD_INPUT = 2


def build(loaded: Settings, seed: bool = True, scanner: bool = True, read_only: bool = False) -> Services:
    """The services, or one line on stderr and exit 2 when the database cannot be used as it is."""
    from bot.services import build_services
    from catalog.migrate import SchemaError

    try:
        return build_services(loaded, seed=seed, scanner=scanner, read_only=read_only)
    except SchemaError as exc:
        raise fail(str(exc)) from None


def prepare(loaded: Settings) -> None:
    """Before a long-running server starts: schema and reference data ready, or one line and exit 2."""
    from bot.services import seed_if_empty
    from catalog.db import make_engine
    from catalog.migrate import SchemaError
    from catalog.service import prepare_database

    engine = make_engine(loaded.database_url)
    try:
        prepare_database(engine, lambda: seed_if_empty(engine))
    except SchemaError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()


def fail(message: str) -> typer.Exit:
    """Print one clear (redacted) line and return the exit for bad input or configuration."""
    typer.echo(f"error: {redact.redact(message)}", err=True)
    return typer.Exit(BAD_INPUT)


def officer_messages() -> Messages:
    """Texts for an officer at the terminal, in ``CLI_LANG`` (vi unless set to en)."""
    from bot.i18n import DEFAULT_LOCALE, Messages

    try:
        return Messages(Settings().cli_lang)
    except ValidationError:  # the configuration error itself is reported elsewhere
        return Messages(DEFAULT_LOCALE)


def telegram_settings() -> Settings:
    """Settings for a command that talks to Telegram: the token is checked for shape and
    then with the Bot API itself, so a refusal is one line and exit 2, never a traceback."""
    import asyncio

    from handlers.preflight import StartupError, check_bot

    loaded = settings()
    try:
        loaded.token()
    except ValueError as exc:
        raise fail(str(exc)) from None
    try:
        asyncio.run(check_bot(loaded))
    except StartupError as exc:
        raise fail(str(exc)) from None
    return loaded


def started(what: str, exc: Exception) -> typer.Exit:
    """A failure while the bot starts (after the pre-flight check): one redacted line."""
    return fail(f"{what} stopped: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def settings() -> Settings:
    try:
        loaded = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"configuration: {'.'.join(map(str, first['loc'])).upper()}: {first['msg']}") from None
    if loaded.telegram_bot_token is not None and loaded.telegram_bot_token.get_secret_value().strip():
        redact.install(loaded.telegram_bot_token.get_secret_value().strip())
    logging.basicConfig(
        level=loaded.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return loaded


@db_app.command("init")
def db_init(
    seed: Annotated[bool, typer.Option(help="Load the bundled sample catalog when empty.")] = True,
) -> None:
    """Create or upgrade the schema, load the label schemes (and the sample catalog when empty)."""
    loaded = settings()
    _upgrade(loaded)
    services = build(loaded, seed=seed, scanner=False)
    typer.echo(
        f"database ready: {services.catalog.product_count()} products, "
        f"{len(services.catalog.labels())} label schemes, {len(services.stores)} stores"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema to this version of the code (safe to run twice)."""
    _upgrade(settings())


@db_app.command("revision")
def db_revision(message: str) -> None:
    """For developers: write a new migration for the model changes (compared on a scratch SQLite)."""
    import tempfile

    from alembic import command

    from catalog import migrate
    from catalog.db import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/scratch.db")
        with engine.connect() as conn:
            cfg = migrate._config(conn)
            command.upgrade(cfg, "head")
            number = f"{int(migrate.head()) + 1:04d}" if migrate.head().isdigit() else None
            script = command.revision(cfg, message=message, autogenerate=True, rev_id=number)
        engine.dispose()
    path = getattr(script, "path", "")
    typer.echo(f"wrote {path}: check it, then run the migration tests")


def _upgrade(loaded: Settings) -> None:
    from catalog import migrate
    from catalog.db import make_engine

    engine = make_engine(loaded.database_url)
    try:
        before, after = migrate.upgrade(engine)
    except migrate.SchemaError as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    if before != after:
        typer.echo(f"database schema upgraded: {before or 'empty'} -> {after}")
    else:
        typer.echo(f"database schema is current ({after})")


@app.command()
def console(lang: Annotated[str | None, typer.Option(help="vi or en (default: vi)")] = None) -> None:
    """Chat with the bot in the terminal (or pipe messages in, one per line)."""
    from bot import console as chat

    loaded = settings()
    logging.getLogger("alembic").setLevel(logging.WARNING)  # schema checks are not chat
    services = build(loaded)
    try:
        code = chat.run(services.core, language_code=lang)
    finally:
        services.close()
    raise typer.Exit(code)


@app.command()
def lookup(
    query: str,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
) -> None:
    """Search the catalog by name, brand, category or barcode digits."""
    from catalog import gtin as gtins

    services = build(settings(), scanner=False, read_only=True)
    catalog = services.catalog
    digits = gtins.looks_like_barcode(query)
    if digits:
        try:
            card = catalog.by_gtin(gtins.normalise(digits))
        except ValueError as exc:
            raise fail(str(exc)) from None
        pairs = [(card, 100.0)] if card else []
    else:
        hits = catalog.search(query, limit=limit)
        cards = {c.id: c for c in catalog.cards([h.product_id for h in hits])}
        pairs = [(cards[h.product_id], h.score) for h in hits if h.product_id in cards]
    rows = [
        {
            "gtin": c.product.gtin,
            "name_vi": c.product.name_vi,
            "name_en": c.product.name_en,
            "brand": c.product.brand,
            "category": c.product.category,
            "score": score,
            "sample": c.product.sample,
            "labels": [
                {
                    "label": v.label.code,
                    "certificate_no": v.certificate_no,
                    "certifier": v.certifier,
                    "valid_until": v.valid_until.isoformat() if v.valid_until else None,
                    "validity": v.validity.value,
                }
                for v in c.certs
            ],
        }
        for c, score in pairs
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no match")
        raise typer.Exit(1)
    for r in rows:
        labels = ", ".join(f"{lab['label']} ({lab['validity']})" for lab in r["labels"])
        typer.echo(f"{r['score']:5.1f}  {r['gtin'] or '-':13}  {r['name_vi']}  [{labels}]")


@app.command("import")
def import_(
    file: Path,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Remove products not in the file.")] = False,
) -> None:
    """Validate a catalog CSV and write it in one transaction (all or nothing)."""
    from bot.data_errors import terminal_lines
    from catalog.datafile import DataFileError, path_opener
    from catalog.db import make_engine
    from catalog.importing import check_file, import_file
    from catalog.migrate import SchemaError
    from catalog.reference import categories, check_data_files, known_label_codes
    from catalog.rows import DataValidationError
    from catalog.service import prepare_database

    loaded = settings()
    check_data_files()
    engine = make_engine(loaded.database_url)  # no search index: an import only needs the tables
    try:
        prepare_database(engine)
    except SchemaError as exc:
        raise fail(str(exc)) from None
    run = check_file if dry_run else import_file
    try:
        result = run(
            engine,
            path_opener(file, loaded.max_upload_bytes),
            known_label_codes(engine),
            categories(),
            replace=replace,
            progress=True,
        )
    except (DataFileError, DataValidationError) as exc:
        for line in terminal_lines(officer_messages(), exc, str(file)):
            typer.echo(line, err=True)
        raise typer.Exit(BAD_INPUT) from None
    report, changes = result.report, result.changes
    if changes:
        typer.echo(f"columns that {'would ' if dry_run else ''}change: {', '.join(changes.columns)}")
        for c in changes.first[:10]:
            typer.echo(f"  line {c.line}, {c.column}: {c.old!s} -> {c.new!s}")
        if changes.total > 10:
            typer.echo(f"  … and {changes.total - 10} more")
    verb = "would change" if dry_run else "imported"
    typer.echo(
        f"{verb}: products +{report.products_added} ~{report.products_changed} "
        f"={report.products_unchanged} -{report.products_removed}; certifications "
        f"+{report.certs_added} ~{report.certs_changed} ={report.certs_unchanged} -{report.certs_removed}"
    )
    if result.formula_cells:
        cells = ", ".join(f"line {line} {column}" for line, column in result.formula_cells.first[:5])
        typer.echo(
            f"note: {len(result.formula_cells)} cell(s) begin with = + - @ ({cells}); stored as text, "
            "exported with a leading '",
            err=True,
        )


@app.command("import-off")
def import_off(
    file: Path,
    country: Annotated[
        str | None, typer.Option(help="Only products sold in this country, e.g. vietnam.")
    ] = None,
    prefix: Annotated[
        str | None, typer.Option(help="Only GTINs starting with this GS1 prefix, e.g. 893.")
    ] = None,
) -> None:
    """Import products with mapped labels from an Open Food Facts CSV export (gzipped or not)."""
    import csv
    import zlib

    from catalog.off_import import import_off as run_import

    services = build(settings(), seed=False, scanner=False)
    if not file.is_file():
        raise fail(f"{file}: no such file")
    try:
        report = run_import(services.engine, file, country=country, prefix=prefix, progress=True)
    except (ValueError, OSError, EOFError, csv.Error, zlib.error) as exc:  # nothing was written
        raise fail(f"{file}: {exc}") from None
    typer.echo(
        f"rows read {report.rows}, imported {report.imported}, without a mapped label "
        f"{report.skipped_no_label}, bad or missing code/name {report.skipped_bad_code}, "
        f"filtered out {report.skipped_filtered}, kept department data {report.kept_department}, "
        f"repeated GTINs {report.duplicates}, rows with bad fields {report.row_errors}, "
        f"names that look like spreadsheet formulas {report.formula_cells}"
    )
    for problem in report.errors:
        typer.echo(f"  {problem}", err=True)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
) -> None:
    """Write the catalog in the import schema (CSV) or as JSON."""
    from catalog.export import export_csv, export_json

    if fmt not in ("csv", "json"):
        raise fail("--format must be csv or json")
    services = build(settings(), scanner=False, read_only=True)
    text = export_csv(services.engine) if fmt == "csv" else export_json(services.engine) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def scan(images: list[Path], as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Read the barcodes and QR codes in image files and look them up in the catalog."""
    from catalog.scanner import Scanner

    services = build(settings(), scanner=False, read_only=True)
    scanner = Scanner(budget_seconds=services.settings.scan_seconds)
    results = []
    for path in images:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise fail(f"{path}: {exc.strerror}") from None
        result = scanner.scan(data)
        codes = []
        for code in result.codes:
            card = services.catalog.by_gtin(code.gtin) if code.gtin else None
            codes.append(
                {
                    "symbology": code.symbology,
                    "raw": code.raw,
                    "gtin": code.gtin,
                    "domain": code.domain,
                    "certain": code.certain,
                    "product": card.product.name_vi if card else None,
                }
            )
        results.append(
            {
                "image": str(path),
                "problem": result.problem,
                "ms": round(result.seconds * 1000, 1),
                "codes": codes,
                "advice": [str(a) for a in result.advice],
            }
        )
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for r in results:
        if r["problem"]:
            typer.echo(f"{r['image']}: {r['problem']}")
        elif not r["codes"]:
            typer.echo(f"{r['image']}: no code found ({r['ms']} ms; {', '.join(r['advice'])})")
        for c in r["codes"]:
            where = c["product"] or (f"link to {c['domain']}" if c["domain"] else "not in the catalog")
            sure = "" if c["certain"] else " (unsure)"
            typer.echo(f"{r['image']}: {c['symbology']} {c['raw']}{sure} -> {where}")


@app.command("bench-scan")
def bench_scan(
    folder: Annotated[Path | None, typer.Argument(help="Default: ../shared/barcode-photos")] = None,
    repeat: Annotated[int, typer.Option(min=1, max=20)] = 1,
    no_zbar: Annotated[bool, typer.Option("--no-zbar", help="zxing-cpp alone.")] = False,
    stress: Annotated[bool, typer.Option(help="Also run the stress suite (its own table).")] = True,
    previous: Annotated[bool, typer.Option(help="Run the previous chain beside the current one.")] = True,
) -> None:
    """Measure the scanner on photos with expected values (N.txt) and on the stress suite."""
    from catalog import scanbench, scanstress

    folder = folder or scanbench.default_folder()
    if folder is not None and not folder.is_dir():
        raise fail(f"{folder} is not a folder")
    chains = {"current": scanbench.current_chain(not no_zbar)}
    if previous:
        try:
            chains = {"previous": scanbench.previous_chain(not no_zbar), **chains}
        except (OSError, subprocess.CalledProcessError) as exc:
            typer.echo(f"previous chain not available ({exc}); measuring the current one only", err=True)
    suites: list[tuple[str, list[tuple[str, bytes, tuple[str, ...]]]]] = []
    if folder is not None:
        suites.append((f"Photos in {folder.name}", scanbench.photo_cases(folder)))
    if stress:
        cases = scanstress.cases(folder)
        suites.append(("Stress suite", [(c.group, c.data, c.expected) for c in cases]))
    if not suites:
        raise fail("no photo folder (pass one, or put ../shared/barcode-photos beside the project)")
    for title, cases in suites:
        results = {name: scanbench.run_chain(chain, cases, repeat) for name, chain in chains.items()}
        typer.echo(f"\n{title}\n")
        typer.echo(scanbench.format_comparison(results, scanbench.no_code_set))
        typer.echo("")
        typer.echo(scanbench.format_sources(results))


@app.command()
def stats(
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: 30 days ago)")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today)")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="One row per figure, for a spreadsheet.")] = False,
    chart: Annotated[
        Path | None, typer.Option(help="Write a chart (lookups per day, hit rate) as PNG.")
    ] = None,
) -> None:
    """Usage figures for the six-monthly report."""
    from bot.admin import figures as admin_figures
    from bot.i18n import Messages
    from bot.replies import plain
    from catalog import stats as figures

    services = build(settings(), scanner=False, read_only=True)
    try:
        first, last = figures.period(services.catalog.today(), start, end)
    except ValueError:
        raise fail("--from and --to take dates as YYYY-MM-DD") from None
    result = figures.compute(services.engine, first, last)
    t = Messages("vi")
    if as_csv:
        sys.stdout.write(figures.to_csv(result))
    else:
        typer.echo(plain(admin_figures.stats_text(t, result, services.catalog.labels())))
    if chart:
        chart.write_bytes(admin_figures.chart(t, result))
        typer.echo(f"chart written to {chart}", err=True)


@app.command()
def run(
    drop_webhook: Annotated[
        bool, typer.Option("--drop-webhook", help="Remove the registered webhook and poll instead.")
    ] = False,
) -> None:
    """Run the Telegram bot with long polling (one process per database)."""
    import asyncio
    from urllib.parse import urlsplit

    from telegram.error import TelegramError

    from catalog.db import make_engine
    from handlers.app import run_polling
    from handlers.pollguard import PollingLock
    from handlers.webhook import registered_webhook

    loaded = telegram_settings()
    try:
        hook = asyncio.run(registered_webhook(loaded))
    except TelegramError as exc:
        raise started("the bot", exc) from None
    if hook and not drop_webhook:
        raise fail(
            f"a webhook is registered ({urlsplit(hook).netloc or hook}) and polling would remove it: "
            "stop here and use `ecolabel-bot serve`, or pass --drop-webhook"
        )
    engine = make_engine(loaded.database_url)
    lock = PollingLock(engine)
    if not lock.acquire():
        engine.dispose()
        raise fail(
            "another `ecolabel-bot run` is already polling with this database: stop it first "
            "(`ecolabel-bot serve --workers N` runs several workers)"
        )
    try:
        prepare(loaded)
        run_polling(loaded)
    except TelegramError as exc:
        raise started("the bot", exc) from None
    finally:
        lock.release()
        engine.dispose()


@app.command()
def webhook(
    url: Annotated[str | None, typer.Option(help="Public HTTPS URL (or WEBHOOK_URL).")] = None,
    listen: Annotated[str | None, typer.Option(help="Listen address (or WEBHOOK_LISTEN).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (or WEBHOOK_PORT).")] = None,
) -> None:
    """Run the Telegram bot behind a webhook: `serve` with one worker, the URL required.

    Kept for the scripts that call it; like `serve` it records each update before handling
    it, so a restart answers what was left."""
    if not (url or settings().webhook_url):
        raise fail("webhook needs a public URL (--url or WEBHOOK_URL)")
    serve(workers=1, url=url, listen=listen, port=port)


@app.command()
def serve(
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes behind one port.")] = 1,
    url: Annotated[
        str | None, typer.Option(help="Public HTTPS base URL to register as the webhook (or WEBHOOK_URL).")
    ] = None,
    listen: Annotated[str | None, typer.Option(help="Listen address (or WEBHOOK_LISTEN).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (or WEBHOOK_PORT).")] = None,
) -> None:
    """Run the HTTP server: Telegram webhook (/telegram), /healthz and /metrics, N workers."""
    import asyncio
    import os
    import tempfile

    import uvicorn
    from telegram.error import TelegramError

    from handlers.webhook import register_webhook

    loaded = settings()
    if loaded.webhook_secret is None:
        raise fail("serve needs WEBHOOK_SECRET (1-256 characters A-Z, a-z, 0-9, _ and -)")
    loaded = telegram_settings()
    prepare(loaded)
    url = url or loaded.webhook_url
    if url:
        try:
            asyncio.run(register_webhook(loaded, url))
        except TelegramError as exc:
            raise started("registering the webhook", exc) from None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ecolabel-metrics-")
    if workers > 1 and loaded.telegram_overall_rate:
        # Telegram's limit is the bot's, but each worker has its own limiter: each gets its share
        os.environ["TELEGRAM_OVERALL_RATE"] = f"{loaded.telegram_overall_rate / workers:g}"
    uvicorn.run(
        "handlers.asgi:serve_app",
        factory=True,
        host=listen or loaded.webhook_listen,
        port=port or loaded.webhook_port,
        workers=workers,
        log_level=loaded.log_level.lower(),
        access_log=False,
        timeout_graceful_shutdown=20,
    )


def main() -> None:
    """The console script. A bad data file stops it with one line; an unexpected crash prints a
    redacted traceback, never locals."""
    from bot.data_errors import terminal_line
    from catalog.datafile import DataFileError
    from catalog.rows import DataValidationError

    try:
        app()
    except (DataFileError, DataValidationError) as exc:  # a bad data file: refuse to start
        typer.echo(terminal_line(officer_messages(), exc), err=True)
        sys.exit(BAD_INPUT)
    except Exception as exc:
        sys.stderr.write(redact.redact_exception(exc))
        sys.stderr.write(f"error: unexpected {type(exc).__name__}; the traceback is above\n")
        sys.exit(1)
