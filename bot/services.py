"""Building the long-lived services once: engine, catalog index, stores, tips, scanner, core."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot.admin import AdminDesk
from bot.config import Settings
from bot.core import Core
from bot.guard import FloodGuard
from bot.links import DeepLinks
from bot.nearby import Nearby
from bot.places import Places
from bot.products import Products
from bot.reports import ShopperReports
from bot.search import Search
from bot.shopper import ShopperPages
from bot.tips import Tips
from catalog import migrate
from catalog.apply import apply_catalog
from catalog.db import make_engine, session
from catalog.history import ShopperLists
from catalog.models import Product, Retailer
from catalog.reference import categories, check_data_files, data_dir, known_label_codes
from catalog.reports import ReportBook
from catalog.scanner import PhotoScanner
from catalog.scanpool import POOL, PooledScanner
from catalog.service import CatalogService, prepare_database
from catalog.shoppers import ShopperStore
from catalog.state import StateStore
from catalog.stores import StoreDirectory, sync_stores
from catalog.subscriptions import Subscriptions
from catalog.tips import TipBook
from catalog.usage import UsageLog
from catalog.validate import read_catalog_file

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    """Everything a transport needs; built once at start-up, closed at shutdown."""

    settings: Settings
    engine: Engine
    catalog: CatalogService
    stores: StoreDirectory
    core: Core

    def close(self) -> None:
        self.core.usage.flush()
        self.engine.dispose()
        POOL.shutdown()  # the photo decoding processes (started again if a scan comes later)


def seed_if_empty(engine: Engine) -> None:
    """Load the bundled sample catalog and partner stores into an empty database."""
    with session(engine) as db:
        products = db.exec(select(func.count()).select_from(Product)).one()
        stores = db.exec(select(func.count()).select_from(Retailer)).one()
    if not products:
        path = data_dir() / "ecolabel.csv"
        parsed = read_catalog_file(path, known_label_codes(engine), categories())
        apply_catalog(engine, parsed)
        log.info("loaded the bundled sample catalog (%d products)", len(parsed.products))
    if not stores:
        sync_stores(engine)


def build_core(
    engine: Engine,
    catalog: CatalogService,
    settings: Settings,
    *,
    scanner: PhotoScanner | None = None,
    guard: FloodGuard | None = None,
    photo_guard: FloodGuard | None = None,
    stores: StoreDirectory | None = None,
) -> Core:
    """The composition root: every collaborator of the core, the features included, built once."""
    reports = ReportBook(engine)
    shoppers = ShopperStore(engine)
    state = StateStore(engine)
    usage = UsageLog(engine, catalog.today)
    stores = stores or StoreDirectory(engine)
    tips = TipBook()
    subscriptions = Subscriptions(engine)
    lists = ShopperLists(engine)
    links = DeepLinks(settings.bot_username.removeprefix("@"))
    location_ttl = timedelta(minutes=settings.location_minutes)
    nearby = Nearby(catalog, stores, shoppers, location_ttl)
    products = Products(catalog, tips, usage, scanner, lists=lists, nearby=nearby, links=links)
    return Core(
        catalog=catalog,
        shoppers=shoppers,
        usage=usage,
        stores=stores,
        tips=tips,
        reports=reports,
        subscriptions=subscriptions,
        admin=AdminDesk(
            engine, catalog, reports, shoppers, settings.admin_ids, state, settings.max_upload_bytes, usage
        ),
        state=state,
        links=links,
        guard=guard or FloodGuard(capacity=20, per_second=2),
        photo_guard=photo_guard or FloodGuard(capacity=4, per_second=0.2),
        scanner=scanner,
        max_image_bytes=settings.max_photo_bytes,
        download_limit=settings.telegram_download_bytes,
        nearby=nearby,
        products=products,
        search=Search(catalog, usage, products, state),
        places=Places(stores, shoppers, catalog, nearby),
        tip_replies=Tips(tips, usage, subscriptions, shoppers),
        shopper_pages=ShopperPages(
            engine, catalog, lists, location_ttl, timedelta(days=settings.usage_retention_days)
        ),
        shopper_reports=ShopperReports(reports, catalog, state),
    )


def build_services(
    settings: Settings, seed: bool = True, scanner: bool = True, read_only: bool = False
) -> Services:
    """Everything, ready. A process that may write first prepares the database under the
    start-up lock (schema of an empty database, reference data, the sample catalog when
    ``seed``); ``read_only`` only checks the schema and writes nothing. Either raises
    migrate.SchemaError with one line naming the command to run."""
    check_data_files()  # a bad edit to a data file stops start-up here, never a reply later
    engine = make_engine(settings.database_url)
    if read_only:
        migrate.check(engine)
    else:
        prepare_database(engine, (lambda: seed_if_empty(engine)) if seed else None)
    catalog = CatalogService(engine)
    stores = StoreDirectory(engine)
    core = build_core(
        engine,
        catalog,
        settings,
        scanner=PooledScanner(
            settings.scan_processes,
            budget_seconds=settings.scan_seconds,
            max_bytes=settings.max_photo_bytes,
            pixel_budget=settings.scan_pixel_budget,
        )
        if scanner
        else None,
        stores=stores,
    )
    return Services(settings, engine, catalog, stores, core)
