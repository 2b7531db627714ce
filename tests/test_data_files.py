"""The bundled data files are complete, consistent and clearly sample data."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n import Messages
from bot.replies import plain
from catalog import gtin, reference
from catalog import rows as catalog_rows
from catalog.reference import check_data_files
from catalog.rows import STORE_KINDS, CatalogRow, DataValidationError, RetailerRow
from catalog.stores import in_hanoi
from tests.conftest import ROOT

DATA = ROOT / "data"


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_label_used_by_the_catalog_exists() -> None:
    codes = {r["code"] for r in rows("labels.csv")}
    assert len(codes) >= 20
    assert {r["label"] for r in rows("ecolabel.csv")} <= codes


def test_labels_have_names_and_meanings_in_both_languages() -> None:
    for r in rows("labels.csv"):
        for name in ("name", "issuer", "meaning", "source"):
            for field in (f"{name}_vi", f"{name}_en"):
                assert r[field].strip(), (r["code"], field)
        assert 1 <= int(r["strength"]) <= 5, r["code"]
        assert bool(r["verify_vi"]) == bool(r["verify_en"]) and bool(r["looks_vi"]) == bool(r["looks_en"])


def test_vietgap_and_oeko_tex_say_they_are_not_organic() -> None:
    labels = {r["code"]: r for r in rows("labels.csv")}
    assert "không phải là hữu cơ" in labels["VIETGAP"]["not_vi"]
    assert "Not organic" in labels["OEKO_TEX"]["not_en"]


def test_sample_catalog_never_uses_a_real_barcode() -> None:
    for r in rows("ecolabel.csv"):
        assert r["sample"] == "yes"
        assert r["certificate_no"] == "" or r["certificate_no"].startswith("MAU-")
        if r["gtin"]:
            assert r["gtin"].startswith("952") and gtin.is_valid(r["gtin"])


def test_categories_cover_what_hanoi_shoppers_buy() -> None:
    used = {r["category"] for r in rows("ecolabel.csv")}
    assert used <= {r["code"] for r in rows("categories.csv")}
    assert len(used) >= 15


def test_stores_are_inside_hanoi_and_complete() -> None:
    stores = rows("retailers.csv")
    assert len(stores) >= 40
    for r in stores:
        assert in_hanoi(float(r["lat"]), float(r["lon"])), r["code"]
        assert all(v.strip() for v in r.values()), r["code"]
        assert r["ward"].startswith(("phường ", "xã "))
    kinds = {r["kind"] for r in stores}
    assert {"supermarket", "trade_centre", "market", "organic_shop"} <= kinds
    assert len({r["district"] for r in stores}) >= 15


def test_store_links_point_at_known_stores_and_products() -> None:
    stores = {r["code"] for r in rows("retailers.csv")}
    gtins = {r["gtin"] for r in rows("ecolabel.csv")}
    links = rows("retailer_products.csv")
    assert links and all(link["retailer"] in stores and link["gtin"] in gtins for link in links)


def test_tips_are_many_and_bilingual() -> None:
    tips = rows("tips.csv")
    assert len(tips) >= 30
    for t in tips:
        assert t["text_vi"].strip() and t["text_en"].strip()
    assert any(t["topic"] == "law" and t["source"] for t in tips)


@pytest.mark.parametrize(
    "name", ["ecolabel.csv", "labels.csv", "categories.csv", "retailers.csv", "tips.csv"]
)
def test_files_are_nfc_utf8(name: str) -> None:
    import unicodedata

    text = Path(DATA / name).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)


def _data_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """The bundled data folder with one edit in one file."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_bundled_data_files_pass_the_start_up_check() -> None:
    check_data_files(DATA)


def test_files_found_good_are_not_checked_again_until_one_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = _data_copy(tmp_path, "tips.csv", "\n1,market,", "\n1,market,")
    check_data_files(folder)
    monkeypatch.setattr(reference, "_checked", set())  # as in a new process
    read: list[Path] = []
    load = catalog_rows.load
    monkeypatch.setattr(catalog_rows, "load", lambda path, *a, **k: read.append(path) or load(path, *a, **k))
    check_data_files(folder)
    assert read == []
    tips = folder / "tips.csv"
    text = tips.read_text(encoding="utf-8")
    tips.write_text(text.replace("\n1,market,", "\n1,markets,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError):
        check_data_files(folder)
    assert folder / "tips.csv" in read


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "column", "code"),
    [
        ("retailers.csv", ",supermarket,", ",hypermarket,", 2, "kind", "not_one_of"),
        ("retailers.csv", "21.02378", "north", 2, "lat", "not_number"),
        ("tips.csv", "\n1,market,", "\n1,markets,", 2, "topic", "not_one_of"),
        ("labels.csv", "VN_GREEN,eco-label,5,", "VN_GREEN,eco-label,9,", 2, "strength", "out_of_range"),
        ("off_labels.csv", "en:organic,ORGANIC_OTHER", "en:organic,ORGANIC", 2, "label", "unknown_label"),
        ("off_categories.csv", "en:milks,milk", "en:milks,milky", 2, "category", "unknown_category"),
        ("retailer_products.csv", "ST01,9521222000445", "ST01,9521222000446", 2, "gtin", "gtin_check_digit"),
    ],
)
def test_a_bad_data_file_is_refused_with_file_line_and_column(
    tmp_path: Path, name: str, old: str, new: str, line: int, column: str, code: str
) -> None:
    folder = _data_copy(tmp_path, name, old, new)
    with pytest.raises(DataValidationError) as caught:
        check_data_files(folder)
    [error] = caught.value.errors
    assert (error.line, error.column, error.code) == (line, column, code)
    assert caught.value.file == str(folder / name)


@pytest.mark.parametrize("lang", ["vi", "en", None])
def test_start_up_stops_with_one_line_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str | None
) -> None:
    """In the officer's language: CLI_LANG, Vietnamese when it is not set."""
    folder = _data_copy(tmp_path, "retailers.csv", ",supermarket,", ",hypermarket,")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("ECOLABEL_DATA_DIR", str(folder))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    if lang:
        monkeypatch.setenv("CLI_LANG", lang)
    else:
        monkeypatch.delenv("CLI_LANG", raising=False)
    monkeypatch.setattr(sys, "argv", ["ecolabel-bot", "lookup", "gao"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    t = Messages(lang or "vi")
    problem = t("data_errors.not_one_of", value="hypermarket", valid=", ".join(STORE_KINDS))
    at = t.raw("data_errors.at", line=2, column="kind", problem=problem)
    expected = t.raw("data_errors.in_file", file=str(folder / "retailers.csv"), problem=at)
    assert capsys.readouterr().err == plain(t.raw("data_errors.cli_error", problem=expected)) + "\n"
    assert not (tmp_path / "x.db").exists()  # refused before touching the database


@pytest.mark.parametrize(
    ("value", "expected"), [("yes", True), ("Có", True), ("x", True), ("", False), ("không", False)]
)
def test_yes_no_cells_read_the_same_in_every_file(value: str, expected: bool) -> None:
    store = dict.fromkeys(RetailerRow.model_fields, "") | {
        "code": "S",
        "name": "S",
        "kind": "market",
        "lat": "21",
        "lon": "105",
        "bag_policy": "byo",
        "sample": value,
    }
    assert RetailerRow.model_validate(store).sample is expected
    assert (
        CatalogRow.model_validate(
            {"name_vi": "x", "category": "rice", "label": "PGS", "source": "s", "sample": value}
        ).sample
        is expected
    )
