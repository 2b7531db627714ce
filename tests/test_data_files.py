"""The bundled data files are complete, consistent and clearly sample data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from catalog import gtin
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
