"""Schema migrations and start-up, on SQLite and PostgreSQL: the models and the revisions agree,
data survives an upgrade, an older database is refused in one line, several processes starting
together on an empty database all come up, and read-only commands write nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Settings
from bot.services import build_services
from catalog import migrate
from catalog.db import make_engine
from tests import pgtools as pg
from tests.conftest import ROOT

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with pg.fresh_database() as made:
        yield made


def to_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        command.upgrade(migrate._config(conn), revision)
        conn.commit()
    engine.dispose()


def test_the_revisions_build_exactly_the_models(url: str) -> None:
    """A model changed without a revision fails here: add one (see README, Deployment)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    engine.dispose()
    assert diff == []


def test_there_is_one_head() -> None:
    scripts = ScriptDirectory.from_config(migrate._config())
    assert len(scripts.get_heads()) == 1, "two revisions share a parent: rebase yours onto the other"


_ZERO = {
    str: "",
    int: 0,
    float: 0.0,
    bool: False,
    date: date(2026, 1, 1),
    datetime: datetime(2026, 1, 1, tzinfo=UTC),
}


def _insert(conn: Connection, table: str, **values: object) -> None:
    """Insert a row as the old schema wants it: columns not given get a neutral value."""
    row = dict(values)
    for column in inspect(conn).get_columns(table):
        name = column["name"]
        if name in row or column["nullable"] or name == "id":
            continue
        row[name] = _ZERO[column["type"].python_type]
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def _fill_baseline(url: str) -> None:
    """Rows in the main kinds of table, written as the baseline schema had them."""
    engine = make_engine(url)
    with engine.begin() as conn:
        _insert(conn, "labelscheme", code="VN_ECO", kind="eco-label", name_vi="Nhãn Xanh", name_en="Green")
        _insert(
            conn,
            "product",
            id=1,
            key="9520000000017",
            gtin="9520000000017",
            name_vi="Nước rửa chén",
            category="cleaning",
            sample=True,
        )
        _insert(conn, "certification", product_id=1, label_code="VN_ECO", certificate_no="C-1")
        _insert(conn, "shopper", user_id=42, locale="en")
        _insert(conn, "lookup", day=date(2026, 11, 20), user_id=42, kind="name", found=True, product_id=1)
        _insert(conn, "subscription", user_id=42, chat_id=42, hour=7, locale="vi", next_tip=3)
    engine.dispose()


def test_upgrade_from_the_baseline_keeps_the_data(url: str) -> None:
    to_revision(url, migrate.BASELINE)
    _fill_baseline(url)
    engine = make_engine(url)
    if migrate.head() != migrate.BASELINE:
        with pytest.raises(migrate.SchemaError, match="ecolabel-bot db upgrade"):
            migrate.check(engine)
    before, after = migrate.upgrade(engine)
    assert (before, after) == (migrate.BASELINE, migrate.head())
    migrate.check(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name_vi FROM product WHERE id = 1")).scalar() == "Nước rửa chén"
        assert conn.execute(text("SELECT certificate_no FROM certification")).scalar() == "C-1"
        assert conn.execute(text("SELECT locale FROM shopper WHERE user_id = 42")).scalar() == "en"
        assert conn.execute(text("SELECT count(*) FROM usageevent")).scalar() == 1
        assert conn.execute(text("SELECT next_tip FROM subscription")).scalar() == 3
    with engine.begin() as conn:  # Telegram ids past 32 bits fit after the upgrade
        _insert(conn, "shopper", user_id=7_000_000_001, locale="vi")
        _insert(conn, "usageevent", day=date(2026, 11, 21), user_id=7_000_000_001, kind="name", found=False)
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())  # twice is harmless
    engine.dispose()


def test_usage_rows_survive_the_rename_to_usage_event_and_back(url: str) -> None:
    """0006: lookups and tips keep every value they had; the unused label_code is gone."""
    to_revision(url, "0005")
    engine = make_engine(url)
    with engine.begin() as conn:
        _insert(conn, "product", id=1, key="9520000000017", name_vi="Nước rửa chén", category="cleaning")
        _insert(
            conn,
            "lookup",
            day=date(2026, 11, 20),
            user_id=7_000_000_001,
            kind="name",
            found=True,
            product_id=1,
            locale="en",
        )
        _insert(conn, "lookup", day=date(2026, 11, 21), user_id=42, kind="tip", found=True)
        _insert(conn, "lookup", day=date(2026, 11, 21), kind="barcode", found=False, gtin="9520000000024")
    columns = "day, user_id, kind, found, product_id, gtin, locale"
    with engine.connect() as conn:
        before = conn.execute(text(f"SELECT {columns} FROM lookup ORDER BY id")).all()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert "usageevent" in tables and "lookup" not in tables
        assert "label_code" not in {c["name"] for c in inspect(conn).get_columns("usageevent")}
        assert conn.execute(text(f"SELECT {columns} FROM usageevent ORDER BY id")).all() == before
    with engine.begin() as conn:  # new rows get the next id
        _insert(conn, "usageevent", day=date(2026, 11, 22), kind="inline", found=False)
        assert conn.execute(text("SELECT max(id) FROM usageevent")).scalar() == 4
    with engine.connect() as conn:
        command.downgrade(migrate._config(conn), "0005")
        conn.commit()
    with engine.connect() as conn:
        assert conn.execute(text(f"SELECT {columns} FROM lookup ORDER BY id")).all()[:3] == before
    engine.dispose()


def test_a_database_from_before_migrations_is_refused_then_upgraded(url: str, monkeypatch) -> None:
    to_revision(url, migrate.BASELINE)
    _fill_baseline(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))  # as create_all left it
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    result = runner.invoke(app, ["console"], input="gao st25\n")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "older than this code" in line and "ecolabel-bot db upgrade" in line

    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert migrate.head() in result.stdout
    result = runner.invoke(app, ["lookup", "nuoc rua chen", "--json"])
    assert result.exit_code == 0 and "Nước rửa chén" in result.stdout


def test_a_newer_database_is_refused(url: str) -> None:
    to_revision(url, migrate.head())
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(migrate.SchemaError, match="newer than this code"):
        build_services(Settings(database_url=url, _env_file=None), scanner=False)  # type: ignore[call-arg]
    engine.dispose()


STARTER = """
import sys
from bot.config import Settings
from bot.services import build_services
s = build_services(Settings(database_url=sys.argv[1], _env_file=None), scanner=False)
print(s.catalog.product_count(), len(s.catalog.labels()), len(s.stores))
s.close()
"""


def test_workers_starting_together_on_an_empty_database_all_come_up(url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
    counts = {out.strip() for out, _ in outputs}
    assert len(counts) == 1  # every worker sees the same, complete catalog
    products, labels, stores = map(int, counts.pop().split())
    assert products >= 300 and labels > 5 and stores > 5


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only_commands_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    before = _digest(path)
    for args in (["export"], ["lookup", "gao st25"], ["stats", "--csv"], ["export", "--format", "json"]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.output)
    assert _digest(path) == before
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_read_only_commands_on_an_empty_database_say_what_to_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: the database is empty: run `ecolabel-bot db init`"
    engine = make_engine(f"sqlite:///{tmp_path / 'none.db'}")
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_the_revision_files_name_the_head_alembic_names() -> None:
    assert migrate.file_head() == migrate.head()


def test_a_start_on_a_current_database_needs_no_alembic(url: str) -> None:
    """The usual start-up (schema already current) skips Alembic: it is not even imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = STARTER + "print('alembic' in sys.modules)\n"
    first, again = (
        subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, env=env)
        for _ in "12"
    )
    assert first.returncode == 0 and again.returncode == 0, (first.stderr + again.stderr)[-2000:]
    assert first.stdout.split()[-1] == "True"  # an empty database is built by the revisions
    assert again.stdout.split()[-1] == "False"
    assert first.stdout.split()[:3] == again.stdout.split()[:3]
