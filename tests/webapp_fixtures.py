"""Helpers for the scanning page's tests: signed Mini App launch data and the API app."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from sqlalchemy.engine import Engine

from catalog.reports import ReportBook
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.stores import StoreDirectory
from catalog.usage import UsageLog
from tests.conftest import TODAY
from webapp import initdata
from webapp.api import ApiConfig, create_api

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
OTHER_BOT_TOKEN = "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


def init_data(
    user_id: int = 4242,
    token: str = BOT_TOKEN,
    auth_date: int | None = None,
    language_code: str = "vi",
) -> str:
    """initData as a Telegram client would send it, signed with ``token``."""
    user = json.dumps(
        {"id": user_id, "first_name": "Lan", "language_code": language_code}, separators=(",", ":")
    )
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": user,
        "auth_date": str(auth_date if auth_date is not None else int(time.time())),
    }
    fields["hash"] = initdata.sign(fields, token)
    return urlencode(fields)


def make_api(engine: Engine, catalog: CatalogService, **config: object):  # type: ignore[no-untyped-def]
    usage = UsageLog(engine, lambda: TODAY)
    api = create_api(
        catalog,
        StoreDirectory(engine),
        usage,
        ReportBook(engine),
        ShopperStore(engine),
        ApiConfig(BOT_TOKEN, **config),  # type: ignore[arg-type]
    )
    return api, usage


def metres(distance: str) -> float:
    """'430 m' or '1,8 km' (as the cards write it) in metres."""
    number, unit = distance.split()
    return float(number.replace(",", ".")) * (1000 if unit == "km" else 1)
