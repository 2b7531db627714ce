"""The scanning page's API, ``/api/v1``: HTTP in, catalog call, JSON out.

FastAPI is used for the request checking and the OpenAPI document it writes from the
same models the answers are built with (``webapp.schema``). Requests opened from
Telegram carry the Mini App's ``initData`` (``Authorization: tma <initData>``) and are
checked as Telegram specifies; requests without it are anonymous (a link opened in a
plain browser) and share a stricter, per-address rate limit.
"""

import zlib
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from bot.guard import FloodGuard
from bot.i18n import Messages, pick_locale
from bot.replies import plain
from bot.reports import reporter_fields
from catalog import gtin as gtins
from catalog.reports import ReportBook
from catalog.scanner import classify_text
from catalog.service import CatalogService
from catalog.shoppers import ShopperStore
from catalog.stores import StoreDirectory, in_hanoi
from catalog.usage import UsageLog
from catalog.verdict import Status, Verdict, verdict
from webapp import initdata
from webapp.schema import (
    LookupOut,
    MeOut,
    Problem,
    ReportIn,
    ReportOut,
    SearchOut,
    card_out,
    store_out,
    verdict_out,
)
from webapp.snapshot import SnapshotCache

ANONYMOUS = 0  # the user id anonymous lookups are counted under
USAGE_KIND = "live"
SEARCH_LIMIT = 10
STORES_SHOWN = 5
FORMATS = ("ean13", "ean8", "upca", "upce", "qr")


@dataclass(frozen=True, slots=True)
class ApiConfig:
    bot_token: str | None  # None: no Telegram, every request is anonymous
    init_max_age: float = 24 * 3600
    user_rate: tuple[float, float] = (30, 2.0)  # bucket size, refill per second
    anonymous_rate: tuple[float, float] = (10, 0.2)


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int  # ANONYMOUS outside Telegram
    locale: str
    name: str = ""  # as Telegram vouches for it (a report shows it to officers)
    username: str = ""

    @property
    def anonymous(self) -> bool:
        return self.user_id == ANONYMOUS


class ApiError(Exception):
    def __init__(self, status: int, error: str, text: str = "", headers: dict[str, str] | None = None):
        super().__init__(error)
        self.status, self.error, self.text, self.headers = status, error, text, headers or {}


def create_api(
    catalog: CatalogService,
    stores: StoreDirectory,
    usage: UsageLog,
    reports: ReportBook,
    shoppers: ShopperStore,
    config: ApiConfig,
) -> FastAPI:
    """The ``/api/v1`` application, to be mounted on the bot's web server."""
    api = FastAPI(
        title="ecolabel-bot scanning API",
        version="1",
        description="Product cards for the live-scanning page; the same card data as the chat.",
        docs_url=None,  # the interactive docs would load scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    snapshots = SnapshotCache(catalog)
    user_guard = FloodGuard(*config.user_rate)
    anon_guard = FloodGuard(*config.anonymous_rate)

    @api.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        body = Problem(error=exc.error, text=exc.text).model_dump()
        return JSONResponse(
            body, status_code=exc.status, headers={"Cache-Control": "no-store", **exc.headers}
        )

    def caller(
        request: Request,
        authorization: Annotated[str | None, Header(description="tma <Telegram.WebApp.initData>")] = None,
        lang: Annotated[
            str | None, Query(pattern="^(vi|en)$", description="page language outside Telegram")
        ] = None,
    ) -> Caller:
        if authorization:
            scheme, _, data = authorization.partition(" ")
            if scheme.lower() != "tma" or config.bot_token is None:
                raise ApiError(401, "unauthorized")
            try:
                user = initdata.validate(data.strip(), config.bot_token, config.init_max_age)
            except initdata.InitDataError as exc:
                raise ApiError(401, "unauthorized", str(exc)) from None
            shopper = shoppers.get(user.id)
            locale = pick_locale(shopper.locale if shopper else None, user.language_code)
            who = Caller(user.id, locale, user.name, user.username)
            allowed, _ = user_guard.check(user.id)
        else:
            accept = request.headers.get("accept-language", "")
            who = Caller(ANONYMOUS, lang or pick_locale(None, accept.split(",")[0].strip() or None))
            address = request.client.host if request.client else "?"
            allowed, _ = anon_guard.check(zlib.crc32(address.encode()))
        if not allowed:
            text = plain(Messages(who.locale)("webapp.rate_limited"))
            raise ApiError(429, "rate_limited", text, {"Retry-After": "5"})
        return who

    Who = Annotated[Caller, Depends(caller)]
    problems = {401: {"model": Problem}, 429: {"model": Problem}}

    @api.get("/me", response_model=MeOut, responses=problems)
    def me(who: Who) -> MeOut:
        """The page's language: the shopper's stored choice inside Telegram."""
        return MeOut(locale=who.locale, telegram=not who.anonymous)

    @api.get("/lookup", response_model=LookupOut, responses={**problems, 422: {"model": Problem}})
    def lookup(
        who: Who,
        response: Response,
        code: Annotated[str, Query(min_length=1, max_length=512, description="digits, or a QR code's text")],
        format: Annotated[str | None, Query(pattern="^(ean13|ean8|upca|upce|qr)$")] = None,
        lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
        lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    ) -> LookupOut:
        """One scanned or typed code: the verdict first, then the card and where to buy it."""
        t = Messages(who.locale)
        response.headers["Cache-Control"] = "private, no-cache"
        catalog.refresh()  # another process may have changed the catalog
        digits, note = _gtin_of(t, code.strip(), format)
        if digits is None:  # a QR code that holds no product number
            usage.record(who.user_id, USAGE_KIND, False, t.locale)
            return LookupOut(
                code=code.strip()[:512], found=False, verdict=verdict_out(t, verdict(None)), note=note
            )
        try:
            barcode = gtins.describe(digits)
        except ValueError:
            raise ApiError(422, "bad_check", plain(t("webapp.bad_check", code=digits))) from None
        card = catalog.by_gtin(barcode.gtin)
        usage.record(
            who.user_id,
            USAGE_KIND,
            card is not None,
            t.locale,
            product_id=card.id if card else None,
            gtin=barcode.gtin,
        )
        if card is None:
            note = plain(t(f"prefix.{barcode.kind.value}", usage=barcode.prefix_usage))
            return LookupOut(
                code=barcode.gtin,
                found=False,
                verdict=verdict_out(t, Verdict(Status.NOT_FOUND)),
                note=note,
                can_report=not who.anonymous,
            )
        near = (lat, lon) if lat is not None and lon is not None and in_hanoi(lat, lon) else None
        hits = stores.carrying(card.id, near=near, limit=STORES_SHOWN)
        return LookupOut(
            code=barcode.gtin,
            found=True,
            verdict=verdict_out(t, verdict(card)),
            card=card_out(t, card),
            stores=[store_out(t, h) for h in hits],
        )

    @api.get("/search", response_model=SearchOut, responses=problems)
    def search(
        who: Who,
        response: Response,
        q: Annotated[str, Query(min_length=2, max_length=200, description="product name, brand or category")],
    ) -> SearchOut:
        """Search by name, as the chat does; the best matches with their verdicts."""
        t = Messages(who.locale)
        response.headers["Cache-Control"] = "private, no-cache"
        query = " ".join(q.split())
        catalog.refresh()
        hits = catalog.search(query, limit=SEARCH_LIMIT)
        cards = catalog.cards([h.product_id for h in hits])
        usage.record(
            who.user_id, USAGE_KIND, bool(cards), t.locale, product_id=cards[0].id if cards else None
        )
        return SearchOut(query=query, results=[card_out(t, c) for c in cards])

    @api.get(
        "/snapshot",
        responses={
            200: {"content": {"application/json": {}}, "description": "the compact offline table"},
            304: {"description": "the page's copy is current"},
        },
    )
    def snapshot(if_none_match: Annotated[str | None, Header()] = None) -> Response:
        """Every barcode with its certificates, for answering offline (see webapp/snapshot.py)."""
        snap = snapshots.get()
        headers = {"ETag": snap.etag, "Cache-Control": "no-cache"}
        if if_none_match and snap.etag in [v.strip() for v in if_none_match.split(",")]:
            return Response(status_code=304, headers=headers)
        return Response(snap.body, media_type="application/json", headers=headers)

    @api.post("/report", response_model=ReportOut, responses=problems)
    def report(who: Who, body: ReportIn) -> ReportOut:
        """Report a scanned product missing from the catalog (from inside Telegram only)."""
        t = Messages(who.locale)
        if who.anonymous:
            raise ApiError(401, "telegram_only", plain(t("webapp.report_in_telegram")))
        try:
            gtin = gtins.normalise(body.code)
        except ValueError:
            raise ApiError(422, "bad_check", plain(t("webapp.bad_check", code=body.code))) from None
        # counted and opened in one transaction, as in the chat; the notice comes in the page's language
        about = reporter_fields(who.name, who.username, who.locale)
        opened = reports.open_limited("missing", who.user_id, who.user_id, gtin=gtin, **about)
        if opened is None:
            raise ApiError(429, "too_many_reports", plain(t("report.too_many")))
        assert opened.id is not None
        return ReportOut(id=opened.id, text=plain(t("webapp.reported", id=opened.id)))

    return api


def _gtin_of(t: Messages, code: str, fmt: str | None) -> tuple[str | None, str]:
    """The product number in a scanned or typed code, or None and what the code holds."""
    if fmt == "qr" or not code.replace(" ", "").replace("-", "").isdigit():
        found = classify_text(code)
        if found.gtin:
            return found.gtin, ""
        if found.domain:
            return None, plain(t("scan.qr_url", domain=found.domain))
        return None, plain(t("scan.qr_text", text=code[:300]))
    digits = code.replace(" ", "").replace("-", "")
    if fmt == "upce" and len(digits) == 8:
        try:
            return gtins.upc_e_to_gtin13(digits), ""
        except ValueError:
            pass
    return digits, ""
