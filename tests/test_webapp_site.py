"""The page and its API on the bot's ASGI application: texts, caching, CSP, mounting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.config import Settings
from bot.i18n import message_texts
from bot.services import Services, build_services
from handlers.asgi import create_app, production_routes
from tests.webapp_fixtures import BOT_TOKEN, init_data
from webapp import site
from webapp.app import LazyApi

VALID = "9521000000018"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built page as build.mjs lays it out (the real build needs npm)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app-ABC123.js").write_text("console.log('page');" * 200)
    (tmp_path / "index.html").write_text(
        '<html><script id="page-texts" type="application/json">__PAGE_TEXTS__</script>'
        '<script type="module" src="assets/app-ABC123.js"></script></html>'
    )
    return tmp_path


@pytest.fixture
def services(db_url: str) -> Services:
    built = build_services(
        Settings(database_url=db_url, telegram_bot_token=BOT_TOKEN, _env_file=None),  # type: ignore[call-arg]
        seed=False,
        scanner=False,
    )
    yield built
    built.close()


@pytest.fixture
def client(services: Services, dist: Path) -> TestClient:
    settings = Settings(database_url="sqlite://", _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings, services, telegram=False, extra_routes=site.routes(LazyApi(), dist=dist))
    with TestClient(app) as c:
        yield c


def test_page_carries_both_languages_and_a_strict_csp(client: TestClient) -> None:
    page = client.get("/app/")
    assert page.status_code == 200
    texts = json.loads(re.search(r'type="application/json">(.*?)</script>', page.text, re.S).group(1))
    assert texts["vi"]["webapp.next"] == message_texts("vi")["webapp.next"]
    assert texts["en"]["verdict.expired"] == message_texts("en")["verdict.expired"]
    csp = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    sources = {s for value in csp.values() for s in value.split()}
    hosts = {s for s in sources if "." in s}
    assert hosts == {"https://telegram.org", "https://web.telegram.org"}
    assert csp["default-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert "https://telegram.org" in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]
    assert page.headers["Cache-Control"] == "no-cache"
    again = client.get("/app/", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


def test_hashed_assets_are_cached_for_good_and_compressed(client: TestClient) -> None:
    asset = client.get("/app/assets/app-ABC123.js", headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert asset.headers["Content-Encoding"] == "gzip"
    assert "Content-Security-Policy" in asset.headers
    assert client.get("/app/assets/../index.html").status_code == 404


def test_api_is_mounted_on_the_bot_server(client: TestClient, services: Services) -> None:
    answer = client.get(
        "/api/v1/lookup", params={"code": VALID}, headers={"Authorization": "tma " + init_data()}
    )
    assert answer.status_code == 200 and answer.json()["verdict"]["status"] == "certified"
    assert (
        client.get("/api/v1/lookup", params={"code": VALID}, headers={"Authorization": "tma x"}).status_code
        == 401
    )
    snap = client.get("/api/v1/snapshot", headers={"Accept-Encoding": "gzip"})
    assert snap.headers["Content-Encoding"] == "gzip"
    assert client.get("/api/v1/openapi.json").json()["info"]["title"]


def test_unbuilt_page_says_so(services: Services, tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings, services, telegram=False, extra_routes=site.routes(LazyApi(), dist=tmp_path))
    with TestClient(app) as c:
        page = c.get("/app/")
        assert page.status_code == 503 and "npm" in page.text
        assert c.get("/api/v1/search", params={"q": "rau muong"}).status_code == 200


def test_production_server_serves_the_page_and_api() -> None:
    paths = {getattr(r, "path", "") for r in production_routes()}
    assert {"/app/", "/api/v1"} <= paths
