"""The ecolabel-bot command line as a person or a script uses it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.i18n import Messages
from bot.replies import plain
from tests import imaging as im
from tests.conftest import ROOT
from tests.texts import pattern, says

runner = CliRunner()


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return db_url


def test_lookup_json_gives_scores_and_validity(env: str) -> None:
    result = runner.invoke(app, ["lookup", "gao st25", "--json", "--limit", "3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert 1 <= len(rows) <= 3
    assert rows[0]["name_vi"].startswith("Gạo ST25") and 0 < rows[0]["score"] <= 100
    assert rows[0]["labels"][0]["validity"] in ("valid", "expiring", "expired", "unknown", "not_yet")


def test_lookup_by_barcode_digits(env: str) -> None:
    gtin = next(line.split(",")[0] for line in (ROOT / "data/ecolabel.csv").read_text().splitlines()[1:])
    result = runner.invoke(app, ["lookup", gtin, "--json"])
    assert json.loads(result.stdout)[0]["gtin"] == gtin


def test_import_of_a_bad_file_exits_2_and_changes_nothing(env: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe garbage \x00\x01")
    before = runner.invoke(app, ["export"]).stdout
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()  # in Vietnamese unless CLI_LANG=en
    assert pattern("data_errors.cli_error", text=True).fullmatch(line) and str(bad) in line
    assert runner.invoke(app, ["export"]).stdout == before


def test_import_row_errors_list_lines(env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = (ROOT / "data/ecolabel.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",VIETGAP,", ",NOPE,").replace(",VN_ORGANIC,", ",NOPE,")
    lines[5] = lines[5].replace(lines[5].split(",")[0], lines[5].split(",")[0][:-1] + "0", 1)
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for lang in ("vi", "en"):  # Vietnamese unless CLI_LANG=en
        monkeypatch.setenv("CLI_LANG", lang)
        result = runner.invoke(app, ["import", str(broken), "--dry-run"])
        assert result.exit_code == 2
        t = Messages(lang)
        head, check_digit, label = result.stderr.splitlines()
        assert head == t("data_errors.cli_error", problem=t("data_errors.cli_rows", file=broken, count=2))
        assert says(check_digit, "data_errors.at", lang, line=6, column="gtin")
        assert says(label, "data_errors.at", lang, line=6, column="label")
        assert says(label, "data_errors.unknown_label", lang, value="NOPE")


def test_dry_run_and_reimport(env: str) -> None:
    result = runner.invoke(app, ["import", str(ROOT / "data/ecolabel.csv"), "--dry-run"])
    assert result.exit_code == 0 and "would change: products +0 ~0" in result.stdout


def test_export_json(env: str) -> None:
    result = runner.invoke(app, ["export", "--format", "json"])
    assert len(json.loads(result.stdout)) >= 300
    assert runner.invoke(app, ["export", "--format", "xml"]).exit_code == 2


def test_console_reads_piped_lines(env: str) -> None:
    result = runner.invoke(app, ["console"], input="sua tuoi huu co\n1\n/lang en\ngao st25 hat ngoc\n")
    assert result.exit_code == 0
    out = result.stdout
    assert "> sua tuoi huu co" in out and "[1] 1. ✅ Sữa" in out
    assert says(out, "verdict.certified") and "· MAU-" in out
    assert says(out, "verdict.certified", "en")


def test_scan_command(env: str, tmp_path: Path) -> None:
    image = tmp_path / "code.png"
    image.write_bytes(im.encode(im.on_canvas(im.linear("9521000000018")), "PNG"))
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"nope")
    result = runner.invoke(app, ["scan", str(image), str(junk), "--json"])
    first, second = json.loads(result.stdout)
    assert first["codes"][0]["gtin"] == "9521000000018" and first["codes"][0]["product"]
    assert second["problem"] == "not_image"


@pytest.mark.parametrize("token", [None, "not-a-token", "123:short"])
def test_run_without_a_valid_token_is_one_clear_line(
    env: str, monkeypatch: pytest.MonkeyPatch, token: str | None
) -> None:
    if token:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: TELEGRAM_BOT_TOKEN") and result.stderr.count("\n") == 1
    if token:
        assert token not in result.stderr


def test_bad_configuration_is_one_line(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "12,abc")
    result = runner.invoke(app, ["db", "init"])
    assert result.exit_code == 2 and "ADMIN_IDS" in result.stderr


def test_console_location_out_of_range_says_so_and_keeps_nothing(env: str) -> None:
    result = runner.invoke(app, ["console"], input="/loc 999 999\n/loc 91 10\n/stores\n")
    assert result.exit_code == 0, (result.output, result.stderr, result.exception)
    said = plain(Messages("vi")("stores.bad_location"))
    assert result.stdout.count(said) == 2
    assert plain(Messages("vi")("errors.unsupported")) not in result.stdout
    assert says(result.stdout, "stores.ask") and not says(result.stdout, "stores.nearest")  # none kept


def test_console_starts_without_schema_log_lines(
    env: str, empty_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_url)  # the schema is made at start
    alembic = logging.getLogger("alembic")
    level = alembic.level
    try:
        with caplog.at_level(logging.INFO):
            result = runner.invoke(app, ["console"], input="/start\n")
    finally:
        alembic.setLevel(level)
    assert result.exit_code == 0, result.output
    assert plain(Messages("vi")("start.welcome")) in result.stdout
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("alembic")]
