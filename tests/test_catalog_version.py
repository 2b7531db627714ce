"""A running bot answers from the catalog as it is now, whichever process changed it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from bot.config import Settings
from bot.services import Services, build_services
from catalog import gtin as gtins
from catalog.cards import Validity
from catalog.db import make_engine, session
from catalog.models import Certification, Product
from catalog.rows import COLUMNS
from catalog.service import CatalogService
from catalog.version import current
from handlers.app import build_application
from tests import telegram_fakes as tg
from tests.conftest import ROOT, TODAY
from tests.fake_bot_api import FakeBotApi
from tests.texts import says

RICE = "9521222000445"
ROW = ROOT / "data" / "ecolabel.csv"


def rice_row(**changes: str) -> dict[str, str]:
    import csv

    with open(ROW, encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["gtin"] == RICE)
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, COLUMNS)
        out.writeheader()
        out.writerows(rows)
    return path


def cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(Settings(database_url=db_url, _env_file=None), seed=False, scanner=False)  # type: ignore[call-arg]
    yield built
    built.close()


async def test_a_certificate_changed_by_the_cli_shows_on_the_next_message(
    server: FakeBotApi, services: Services, db_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        telegram_bot_token=tg.TOKEN,
        telegram_api_base_url=server.base_url,  # type: ignore[call-arg]
        telegram_file_base_url=server.file_url,
        _env_file=None,
    )
    app = build_application(settings, services=services)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
    try:
        await server.push(tg.text(RICE))
        [before] = await server.wait_for("sendMessage", 1)
        assert says(before["text"], "card.valid", date="30/01/2028")

        new_gtin = "952123450099" + str(gtins.check_digit("952123450099"))
        newcomer = rice_row(
            gtin=new_gtin,
            name_vi="Trà vối Mộc Khê túi lọc",
            name_en="Moc Khe voi tea bags",
            certificate_no="MAU-VNORGANIC-2026-0999",
        )
        expired = rice_row(valid_from="2019-01-30", valid_until="2021-01-30")
        done = cli(db_url, "import", str(write_csv(tmp_path / "change.csv", [expired, newcomer])))
        assert done.returncode == 0, done.stderr

        await server.push(tg.text(RICE))
        sent = await server.wait_for("sendMessage", 2)
        assert says(sent[1]["text"], "card.expired", date="30/01/2021")
        assert not says(sent[1]["text"], "card.valid")

        await server.push(tg.text("tra voi moc khe"))
        sent = await server.wait_for("sendMessage", 3)
        assert "Trà vối Mộc Khê" in sent[2]["text"]
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()


def test_every_catalog_write_bumps_the_version_and_readers_reload(db_url: str, tmp_path: Path) -> None:
    reader = CatalogService(make_engine(db_url), today=lambda: TODAY)
    writer = make_engine(db_url)  # another process, as far as the reader can tell
    start = reader.version
    assert start == current(writer)
    assert not reader.refresh()

    expired = rice_row(valid_from="2019-01-30", valid_until="2021-01-30")
    done = cli(db_url, "import", str(write_csv(tmp_path / "a.csv", [expired])))
    assert done.returncode == 0, done.stderr
    assert current(writer) == start + 1
    assert reader.refresh() and reader.version == start + 1
    card = reader.by_gtin(RICE)
    assert card is not None and card.certs[0].validity is Validity.EXPIRED

    dry = cli(db_url, "import", "--dry-run", str(tmp_path / "a.csv"))
    assert dry.returncode == 0 and current(writer) == start + 1  # nothing written, nothing bumped


def test_unknown_expiry_is_never_counted_as_valid(catalog: CatalogService, engine) -> None:  # type: ignore[no-untyped-def]
    with session(engine) as db:
        pid = db.exec(select(Product.id).where(Product.gtin == RICE)).one()
        for cert in db.exec(select(Certification).where(Certification.product_id == pid)):
            cert.valid_until = None
            db.add(cert)
        from catalog.version import bump

        bump(db)
        db.commit()
    catalog.refresh()
    card = catalog.by_gtin(RICE)
    assert card is not None and card.certs[0].validity is Validity.UNKNOWN
    assert not card.any_valid
    from bot.i18n import Messages
    from bot.render import card_text

    text = card_text(Messages("vi"), card)
    assert says(text, "card.unknown") and says(text, "card.none_confirmed")
    assert card.id not in [c.id for c in catalog.in_category(card.product.category, limit=50)]
    assert date(2026, 11, 25) == TODAY
