"""The JSON shape of a product card, built from the same card and texts as the chat card.

Every text here comes out of the functions that write the chat card (``bot.render``),
with the markup taken off, so the page and the chat cannot say different things.
"""

from __future__ import annotations

from datetime import date as Date

from pydantic import BaseModel, Field

from bot import render
from bot.i18n import Messages
from bot.places import distance
from bot.replies import plain
from catalog.cards import ProductCard, Validity
from catalog.stores import StoreHit
from catalog.verdict import Status, Verdict, verdict


class VerdictOut(BaseModel):
    """The one-line answer shown first."""

    status: Status
    text: str = Field(description="the verdict line, e.g. '✅ Hữu cơ EU · còn hạn đến 06/2027 · VN-BIO-149'")
    label: str | None = Field(None, description="code of the label the verdict rests on")
    certificate_no: str | None = None
    date: Date | None = Field(None, description="end of validity (start for not_yet)")


class LabelOut(BaseModel):
    code: str
    name: str
    detail: str = ""
    certificate_no: str = ""
    certifier: str = ""
    valid_from: Date | None = None
    valid_until: Date | None = None
    validity: Validity
    validity_text: str
    meaning: str = ""


class CardOut(BaseModel):
    """A product as the chat card shows it."""

    id: int
    gtin: str | None
    name: str
    brand: str = ""
    producer: str = ""
    category: str = ""
    verdict: VerdictOut
    labels: list[LabelOut]
    sample: bool = False


class StoreOut(BaseModel):
    name: str
    kind: str
    address: str
    hours: str = ""
    bags: str = ""
    distance: str | None = Field(None, description="'430 m', '1,8 km'; only when a location was given")
    lat: float
    lon: float
    sample: bool = False


class LookupOut(BaseModel):
    """The answer to one scanned or typed code."""

    code: str = Field(description="the code as looked up: GTIN-13/GTIN-8, or the QR text")
    found: bool
    verdict: VerdictOut
    card: CardOut | None = None
    stores: list[StoreOut] = []
    note: str = Field("", description="what the code's prefix means, or what a QR code holds")
    can_report: bool = Field(False, description="a missing product can be reported from this page")


class SearchOut(BaseModel):
    query: str
    results: list[CardOut]


class ReportIn(BaseModel):
    code: str = Field(pattern=r"^[0-9]{8,14}$")


class ReportOut(BaseModel):
    id: int
    text: str


class MeOut(BaseModel):
    """Who the page is talking for: the language to show and whether Telegram vouched."""

    locale: str
    telegram: bool


class Problem(BaseModel):
    """An error answer: a short machine reason and a sentence for the shopper."""

    error: str
    text: str = ""


def verdict_out(t: Messages, v: Verdict) -> VerdictOut:
    return VerdictOut(
        status=v.status,
        text=plain(render.verdict_line(t, v)),
        label=v.cert.label.code if v.cert else None,
        certificate_no=(v.cert.certificate_no or None) if v.cert else None,
        date=v.date,
    )


def card_out(t: Messages, card: ProductCard) -> CardOut:
    p = card.product
    return CardOut(
        id=card.id,
        gtin=p.gtin,
        name=render.product_name(p, t.locale),
        brand=p.brand,
        producer=p.producer,
        category=p.category,
        verdict=verdict_out(t, verdict(card)),
        labels=[
            LabelOut(
                code=c.label.code,
                name=render.local(c.label, "name", t.locale),
                detail=c.detail,
                certificate_no=c.certificate_no,
                certifier=c.certifier,
                valid_from=c.valid_from,
                valid_until=c.valid_until,
                validity=c.validity,
                validity_text=plain(render.validity_line(t, c)),
                meaning=render.local(c.label, "meaning", t.locale),
            )
            for c in card.certs
        ],
        sample=p.sample,
    )


def store_out(t: Messages, hit: StoreHit) -> StoreOut:
    r = hit.retailer
    return StoreOut(
        name=r.name,
        kind=plain(t(f"store_kinds.{r.kind}")) if t.has(f"store_kinds.{r.kind}") else r.kind,
        address=f"{r.address}, {r.ward}".strip(", "),
        hours=r.hours,
        bags=plain(t(f"bag_policies.{r.bag_policy}")) if t.has(f"bag_policies.{r.bag_policy}") else "",
        distance=plain(distance(t, hit.distance_m)) if hit.distance_m is not None else None,
        lat=r.lat,
        lon=r.lon,
        sample=r.sample,
    )
