"""The Open Food Facts importer on a small export the test writes (tab-separated, gzipped)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.core import Incoming
from catalog.db import session
from catalog.models import Certification, Product
from catalog.off_import import OFF_SOURCE, import_off
from catalog.service import CatalogService
from tests.conftest import make_core
from tests.texts import says

COLUMNS = [
    "code",
    "url",
    "last_modified_t",
    "product_name",
    "product_name_en",
    "brands",
    "categories_tags",
    "labels_tags",
    "countries_tags",
    "ingredients_text",
]


def row(
    code: str,
    name: str,
    labels: str,
    countries: str = "en:vietnam",
    cats: str = "en:teas",
    brand: str = "Sample Tea Co",
) -> str:
    return "\t".join(
        [
            code,
            f"https://example.org/{code}",
            "1767225600",
            name,
            name,
            brand,
            cats,
            labels,
            countries,
            'contains "quotes" and ; separators',
        ]
    )


def write_export(path: Path, rows: list[str], gz: bool = True) -> Path:
    text = "\t".join(COLUMNS) + "\n" + "\n".join(rows) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def export(tmp_path: Path, engine: Engine) -> Path:
    with session(engine) as db:
        department_gtin = db.exec(select(Product.gtin).where(Product.gtin.is_not(None))).first()  # type: ignore[union-attr]
    return write_export(
        tmp_path / "off.csv.gz",
        [
            row("9529999999993", "Trà xanh mẫu OFF", "en:organic,en:eu-organic,en:vn-bio-149"),
            row("9529999999986", "Cá ngừ mẫu OFF", "en:sustainable-seafood-msc", cats="en:fishes"),
            row("9529999999979", "Bánh không nhãn", "en:no-gluten"),
            row("12345", "Mã hỏng", "en:organic"),
            row("9529999999962", "Hàng nước ngoài", "en:organic", countries="en:france"),
            row(department_gtin, "Tên khác từ OFF", "en:organic"),
        ],
    )


def test_imports_only_mapped_labels_from_the_country(engine: Engine, export: Path) -> None:
    report = import_off(engine, export, country="vietnam")
    assert (
        report.rows,
        report.imported,
        report.skipped_no_label,
        report.skipped_bad_code,
        report.skipped_filtered,
        report.kept_department,
    ) == (6, 2, 1, 1, 1, 1)
    with session(engine) as db:
        tea = db.exec(select(Product).where(Product.gtin == "9529999999993")).one()
        certs = db.exec(select(Certification).where(Certification.product_id == tea.id)).all()
        fish = db.exec(select(Product).where(Product.gtin == "9529999999986")).one()
    assert tea.category == "tea" and fish.category == "seafood"
    assert {c.label_code for c in certs} == {"ORGANIC_OTHER", "EU_ORGANIC"}
    assert next(c for c in certs if c.label_code == "EU_ORGANIC").certifier == "VN-BIO-149"
    assert all(c.source == OFF_SOURCE and c.valid_until is None for c in certs)


def test_department_data_is_never_overwritten(engine: Engine, export: Path) -> None:
    with session(engine) as db:
        before = db.exec(select(Product).where(Product.gtin.is_not(None))).first()  # type: ignore[union-attr]
    import_off(engine, export)
    with session(engine) as db:
        after = db.get(Product, before.id)
    assert after.name_vi == before.name_vi


def test_reimport_changes_nothing_and_prefix_filter(engine: Engine, export: Path, tmp_path: Path) -> None:
    import_off(engine, export, country="vietnam")
    again = import_off(engine, export, country="vietnam")
    assert again.imported == 2
    plain_file = write_export(
        tmp_path / "plain.csv", [row("8935049500933", "Hàng 893", "en:fair-trade")], gz=False
    )
    assert import_off(engine, plain_file, prefix="893").imported == 1
    assert import_off(engine, plain_file, prefix="952").skipped_filtered == 1


def test_card_shows_the_source_and_licence(engine: Engine, catalog: CatalogService, export: Path) -> None:
    import_off(engine, export, country="vietnam")
    catalog.reload()
    core = make_core(engine, catalog)
    [card] = core.handle(Incoming(5, text="9529999999993"))
    assert says(card.text, "card.source_off")  # declared, not verified; © Open Food Facts, ODbL


def test_not_an_export_is_refused(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ValueError, match="Open Food Facts"):
        import_off(engine, bad)


def test_cli_import_off(db_url: str, export: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["import-off", str(export), "--country", "vietnam"])
    assert result.exit_code == 0 and "imported 2" in result.stdout
    missing = CliRunner().invoke(app, ["import-off", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
