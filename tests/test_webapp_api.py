"""The scanning page's API: same answers as the chat cards, Telegram sign-in, limits, snapshot."""

from __future__ import annotations

import json
import time

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from bot import render
from bot.i18n import Messages
from bot.replies import plain
from catalog.db import session
from catalog.models import Product, Report, UsageEvent
from catalog.verdict import Status, verdict
from tests.webapp_fixtures import OTHER_BOT_TOKEN, init_data, make_api, metres

VALID = "9521000000018"  # PGS, valid until 2027-11-19
EXPIRED = "9521037000203"  # VietGAP, ended 2026-10-04
UNKNOWN = "9520000000011"  # demo prefix, check digit right, not in the catalog


@pytest.fixture
def api(engine, catalog):  # type: ignore[no-untyped-def]
    return make_api(engine, catalog)


@pytest.fixture
def client(api) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(api[0])


def tg(user_id: int = 4242, **kw: object) -> dict[str, str]:
    return {"Authorization": "tma " + init_data(user_id=user_id, **kw)}  # type: ignore[arg-type]


def test_lookup_answers_with_the_verdict_first(client: TestClient) -> None:
    body = client.get("/lookup", params={"code": VALID}, headers=tg()).json()
    assert body["found"] is True
    assert body["verdict"]["status"] == "certified"
    assert body["verdict"]["text"].startswith("✅ ")
    assert "11/2027" in body["verdict"]["text"] and "MAU-PGS-2024-0001" in body["verdict"]["text"]
    assert body["card"]["name"].startswith("Rau muống hữu cơ")
    assert body["card"]["labels"][0]["certificate_no"] == "MAU-PGS-2024-0001"


def test_expired_certificate_is_shown_expired(client: TestClient) -> None:
    body = client.get("/lookup", params={"code": EXPIRED, "lang": "en"}).json()
    assert body["verdict"]["status"] == "expired"
    assert body["verdict"]["text"].startswith("❌") and "expired 10/2026" in body["verdict"]["text"]


def test_page_and_chat_card_agree_on_every_sample_product(engine, catalog) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(make_api(engine, catalog, user_rate=(10_000, 1_000))[0])
    with session(engine) as db:
        products = list(db.exec(select(Product.id, Product.gtin)))
    t = Messages("vi")
    for card in catalog.cards([pid for pid, gtin in products if gtin]):
        answer = client.get("/lookup", params={"code": card.product.gtin}, headers=tg())
        assert answer.status_code == 200, (card.product.gtin, answer.text)
        body = answer.json()
        chat = plain(render.card_text(t, card))
        assert body["verdict"]["text"] == plain(render.verdict_line(t, verdict(card)))
        assert (body["verdict"]["status"] in ("certified", "expiring")) == card.any_valid, card.product.gtin
        for label in body["card"]["labels"]:  # each label's validity, or the verdict saying it
            assert label["name"] in chat
            assert label["validity_text"] in chat or body["verdict"]["text"] in chat


def test_unknown_code_can_be_reported_from_telegram_only(client: TestClient, engine) -> None:  # type: ignore[no-untyped-def]
    anon = client.get("/lookup", params={"code": UNKNOWN}).json()
    assert anon["found"] is False and anon["verdict"]["status"] == "not_found"
    assert anon["can_report"] is False and "952" in anon["note"]
    assert client.post("/report", json={"code": UNKNOWN}).status_code == 401
    inside = client.get("/lookup", params={"code": UNKNOWN}, headers=tg()).json()
    assert inside["can_report"] is True
    answer = client.post("/report", json={"code": UNKNOWN}, headers=tg())
    assert answer.status_code == 200
    with session(engine) as db:
        report = db.get(Report, answer.json()["id"])
    assert report is not None and (report.kind, report.gtin, report.user_id) == ("missing", UNKNOWN, 4242)


def test_reports_from_the_page_keep_the_language_and_the_daily_limit(client: TestClient, engine) -> None:  # type: ignore[no-untyped-def]
    from catalog.reports import MAX_REPORTS_PER_DAY

    sent = [
        client.post("/report", json={"code": UNKNOWN}, headers=tg(4343, language_code="en"))
        for _ in range(MAX_REPORTS_PER_DAY + 1)
    ]
    assert [a.status_code for a in sent] == [200] * MAX_REPORTS_PER_DAY + [429]
    with session(engine) as db:
        report = db.get(Report, sent[0].json()["id"])
    assert report is not None and report.locale == "en"  # the reporter is told in English
    assert report.reporter_name == "Lan"  # as the signed launch data names them


def test_bad_check_digit_is_refused_not_guessed(client: TestClient) -> None:
    answer = client.get("/lookup", params={"code": VALID[:-1] + "9"})
    assert answer.status_code == 422 and answer.json()["error"] == "bad_check"


def test_gs1_digital_link_and_upc_e(client: TestClient) -> None:
    link = client.get("/lookup", params={"code": f"https://id.gs1.org/01/0{VALID}", "format": "qr"}).json()
    assert link["found"] is True and link["code"] == VALID
    other = client.get("/lookup", params={"code": "https://example.com/promo", "format": "qr"}).json()
    assert other["found"] is False and "example.com" in other["note"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "tma " + init_data().replace("4242", "4243")},
        {"Authorization": "tma " + init_data(auth_date=int(time.time()) - 2 * 24 * 3600)},
        {"Authorization": "tma " + init_data(token=OTHER_BOT_TOKEN)},
        {"Authorization": "Bearer " + init_data()},
        {"Authorization": "tma "},
    ],
    ids=["tampered", "expired", "other-bot", "wrong-scheme", "empty"],
)
def test_bad_launch_data_gets_401(client: TestClient, headers: dict[str, str]) -> None:
    answer = client.get("/lookup", params={"code": VALID}, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"


def test_lookups_are_counted_as_live(client: TestClient, api, engine) -> None:  # type: ignore[no-untyped-def]
    client.get("/lookup", params={"code": VALID}, headers=tg(user_id=99))
    client.get("/lookup", params={"code": UNKNOWN})
    api[1].flush()
    with session(engine) as db:
        rows = list(db.exec(select(UsageEvent).where(UsageEvent.kind == "live").order_by(UsageEvent.id)))  # type: ignore[arg-type]
    assert [(r.user_id, r.found, r.gtin) for r in rows] == [(99, True, None), (0, False, UNKNOWN)]


def test_anonymous_callers_have_the_stricter_limit(engine, catalog) -> None:  # type: ignore[no-untyped-def]
    api, _ = make_api(engine, catalog, user_rate=(20, 0.001), anonymous_rate=(3, 0.001))
    client = TestClient(api)
    codes = [client.get("/lookup", params={"code": VALID}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert client.get("/lookup", params={"code": VALID}).headers["Retry-After"]
    assert all(
        client.get("/lookup", params={"code": VALID}, headers=tg()).status_code == 200 for _ in range(5)
    )


def test_stored_language_wins_inside_telegram(client: TestClient, engine) -> None:  # type: ignore[no-untyped-def]
    from catalog.shoppers import ShopperStore

    ShopperStore(engine).set_locale(5, "en")
    body = client.get("/lookup", params={"code": VALID}, headers=tg(user_id=5, language_code="vi")).json()
    assert "valid until" in body["verdict"]["text"]


def test_search(client: TestClient) -> None:
    body = client.get("/search", params={"q": "rau muong huu co"}).json()
    assert body["results"] and body["results"][0]["gtin"] == VALID
    assert client.get("/search", params={"q": "x"}).status_code == 422


def test_snapshot_holds_every_barcode_and_revalidates(client: TestClient, engine) -> None:  # type: ignore[no-untyped-def]
    first = client.get("/snapshot")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    doc = json.loads(first.content)
    lines = {line.split("|")[0]: line for line in doc["items"].split("\n")}
    with session(engine) as db:
        gtins = {g for g in db.exec(select(Product.gtin)) if g}
    assert set(lines) == gtins
    codes = [code for code, _, _ in doc["labels"]]
    assert lines[EXPIRED] == f"{EXPIRED}|{codes.index('VIETGAP')},MAU-VIETGAP-2024-0020,,20261004"
    again = client.get("/snapshot", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content


def test_openapi_documents_the_shared_schema(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/lookup", "/search", "/snapshot", "/report"} <= set(doc["paths"])
    card = doc["components"]["schemas"]["CardOut"]
    assert {"verdict", "labels", "gtin"} <= set(card["properties"])
    statuses = doc["components"]["schemas"]["Status"]["enum"]
    assert set(statuses) == {s.value for s in Status}


def test_where_to_buy_is_nearest_first_when_the_shopper_shares_a_location(client: TestClient) -> None:
    anywhere = client.get("/lookup", params={"code": VALID}).json()["stores"]
    near = client.get("/lookup", params={"code": VALID, "lat": 21.0285, "lon": 105.8542}).json()["stores"]
    assert len(near) >= 2 and all(s["distance"] is None for s in anywhere)
    distances = [metres(s["distance"]) for s in near]
    assert distances == sorted(distances)
    outside = client.get("/lookup", params={"code": VALID, "lat": 48.85, "lon": 2.35}).json()["stores"]
    assert all(s["distance"] is None for s in outside)  # a location outside Hà Nội is not used
    assert client.get("/lookup", params={"code": VALID, "lat": 91, "lon": 0}).status_code == 422
