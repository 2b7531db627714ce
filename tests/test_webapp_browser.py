"""The scanning page in a real browser: Chromium's fake camera plays a clip of a catalog
product's barcode (slightly moving and blurred) and the page must show its verdict."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from sqlmodel import select

from catalog.db import session
from catalog.models import UsageEvent
from catalog.shoppers import ShopperStore
from tests.fake_camera import barcode_clip, empty_clip
from tests.imaging import linear, on_canvas
from tests.texts import pattern
from tests.webapp_browser import (
    VERDICT_SHOWN,
    PageServer,
    browser,
    services_for,
    wait_until,
    why_not_runnable,
)
from tests.webapp_fixtures import BOT_TOKEN, init_data, metres

reason = why_not_runnable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

VALID = "9521000000018"  # PGS, valid until 11/2027
EXPIRED = "9521037000203"  # VietGAP, ended 10/2026
UNKNOWN = "9520000000011"  # demo prefix, right check digit, not in the catalog
WAIT_MS = 45_000  # the machine may be busy; a read normally takes about two seconds


@pytest.fixture
def services(db_url: str):  # type: ignore[no-untyped-def]
    built = services_for(db_url, BOT_TOKEN)
    yield built
    built.close()


@pytest.fixture
def server(services) -> PageServer:  # type: ignore[no-untyped-def]
    srv = PageServer(services).start()
    yield srv
    srv.stop()


def test_scanned_product_shows_its_verdict_and_nothing_comes_from_elsewhere(
    server: PageServer, tmp_path: Path
) -> None:
    clip = barcode_clip(tmp_path / "valid.y4m", VALID)
    with browser(tmp_path / "profile", clip) as ctx:
        page = ctx.new_page()
        hosts: set[str] = set()
        page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
        page.goto(f"{server.origin}/app/")
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        verdict = page.locator("#verdict")
        assert verdict.get_attribute("data-status") == "certified"
        text = verdict.inner_text()
        assert text.startswith("✅") and "PGS" in text and "11/2027" in text and "MAU-PGS-2024-0001" in text
        assert page.evaluate("window.__ecoBench.decoder") in ("zxing-wasm", "native")
        page.click("#details-box summary")
        assert "Rau muống hữu cơ" in page.inner_text("#details")
        page.click("#where")
        assert page.locator("#stores").is_visible()
        assert hosts == {urlsplit(server.origin).netloc}  # no CDN, no third party


def test_a_gs1_digital_link_qr_code_and_stores_nearest_first(server: PageServer, tmp_path: Path) -> None:
    clip = barcode_clip(tmp_path / "qr.y4m", "", seed=7, qr_text=f"https://id.gs1.org/01/0{VALID}")
    with browser(tmp_path / "profile", clip, locale="en-US") as ctx:
        ctx.grant_permissions(["camera", "geolocation"])
        ctx.set_geolocation({"latitude": 21.0285, "longitude": 105.8542})  # Hoàn Kiếm
        page = ctx.new_page()
        page.goto(f"{server.origin}/app/")
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        assert "valid until 11/2027" in page.locator("#verdict").inner_text()
        page.click("#where")
        assert page.locator("#stores .store").count() >= 2
        page.click("#stores button")
        shown = "[...document.querySelectorAll('#stores .store strong')].map((e) => e.textContent)"
        wait_until(page, f"(({shown}).length >= 2) && ({shown}).every((t) => / k?m$/.test(t))")
        names = page.locator("#stores .store strong").all_inner_texts()
        distances = [metres(name.split(" · ")[-1]) for name in names]
        assert distances == sorted(distances)


def test_a_clip_without_a_code_shows_nothing(server: PageServer, tmp_path: Path) -> None:
    clip = empty_clip(tmp_path / "empty.y4m")
    with browser(tmp_path / "profile", clip) as ctx:
        page = ctx.new_page()
        page.goto(f"{server.origin}/app/")
        wait_until(page, "window.__ecoBench.frames >= 15")
        assert page.locator("#result").is_hidden()
        assert page.locator("#verdict").inner_text() == ""


def test_typed_digits_a_typed_name_and_a_chosen_photo(server: PageServer, tmp_path: Path) -> None:
    clip = empty_clip(tmp_path / "empty.y4m")
    photo = tmp_path / "pack.png"
    on_canvas(linear(VALID), size=(900, 700)).save(photo)
    with browser(tmp_path / "profile", clip, locale="en-US") as ctx:
        page = ctx.new_page()
        page.goto(f"{server.origin}/app/")
        wait_until(page, "window.__ecoBench.frames >= 3")
        page.click("#manual-toggle")
        page.fill("#manual-input", EXPIRED[:-1] + "0")  # one digit wrong
        page.press("#manual-input", "Enter")
        page.wait_for_selector("#verdict[data-status='error']", timeout=WAIT_MS)
        assert "check digit" in page.locator("#verdict").inner_text()
        page.click("#next")
        page.click("#manual-toggle")
        page.fill("#manual-input", EXPIRED)
        page.press("#manual-input", "Enter")
        page.wait_for_selector("#verdict[data-status='expired']", timeout=WAIT_MS)
        page.click("#next")
        page.click("#manual-toggle")
        page.fill("#manual-input", "rau muong huu co")
        page.press("#manual-input", "Enter")
        page.wait_for_selector("#details .result", timeout=WAIT_MS)
        page.locator("#details .result").first.click()
        page.wait_for_selector("#verdict[data-status='certified']", timeout=WAIT_MS)
        page.click("#next")
        page.set_input_files("#photo-input", str(photo))
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        assert page.locator("#verdict").get_attribute("data-status") == "certified"
        assert "valid until 11/2027" in page.locator("#verdict").inner_text()


def test_an_expired_certificate_shows_expired(server: PageServer, tmp_path: Path) -> None:
    clip = barcode_clip(tmp_path / "expired.y4m", EXPIRED, seed=3)
    with browser(tmp_path / "profile", clip, locale="en-US") as ctx:
        page = ctx.new_page()
        page.goto(f"{server.origin}/app/")
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        assert page.locator("#verdict").get_attribute("data-status") == "expired"
        text = page.locator("#verdict").inner_text()
        assert text.startswith("❌") and "expired 10/2026" in text


def test_offline_answers_from_the_snapshot_when_the_api_is_stopped(
    server: PageServer, tmp_path: Path
) -> None:
    clip = barcode_clip(tmp_path / "expired.y4m", EXPIRED, seed=4)
    with browser(tmp_path / "profile", clip) as ctx:
        page = ctx.new_page()
        page.goto(f"{server.origin}/app/")
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        wait_until(page, "window.__ecoBench.snapshotReady > 0")
        online = page.locator("#verdict").inner_text()
        server.stop()  # the market hall: no signal
        page.click("#next")
        page.wait_for_selector("#details .offline", timeout=WAIT_MS)
        assert page.locator("#verdict").get_attribute("data-status") == "expired"
        assert page.locator("#verdict").inner_text() == online  # same words as the server's
        assert pattern("webapp.offline", text=True).search(page.inner_text("#details"))


def test_the_page_opens_and_answers_with_no_signal_at_all(server: PageServer, tmp_path: Path) -> None:
    clip = barcode_clip(tmp_path / "valid.y4m", VALID, seed=6)
    with browser(tmp_path / "profile", clip, locale="en-US") as ctx:
        page = ctx.new_page()
        page.goto(f"{server.origin}/app/")
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        wait_until(page, "window.__ecoBench.snapshotReady > 0 && window.__ecoBench.shellKept > 0")
        server.stop()  # the shopper walks into the hall, closes and reopens the page
        page.reload()
        page.wait_for_selector("#details .offline", timeout=WAIT_MS)
        assert page.locator("#verdict").get_attribute("data-status") == "certified"
        assert "valid until 11/2027" in page.locator("#verdict").inner_text()
        assert "Offline · data of" in page.inner_text("#details")


def test_inside_telegram_the_signed_user_language_and_theme_are_used(
    server: PageServer,
    services,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ShopperStore(services.engine).set_locale(4242, "en")
    data = init_data(user_id=4242, language_code="vi")
    fake_sdk = (
        "window.Telegram={WebApp:{initData:" + json.dumps(data) + ","
        "initDataUnsafe:{user:{id:4242,language_code:'vi'}},"
        "themeParams:{bg_color:'#102030',text_color:'#fafafa',button_color:'#ff8800'},"
        "ready(){},expand(){},onEvent(){},"
        "HapticFeedback:{notificationOccurred(k){window.__haptic=k}}}};"
    )
    clip = barcode_clip(tmp_path / "valid.y4m", VALID, seed=5)
    with browser(tmp_path / "profile", clip) as ctx:
        page = ctx.new_page()
        page.route(
            "https://telegram.org/js/telegram-web-app.js",
            lambda route: route.fulfill(body=fake_sdk, content_type="text/javascript"),
        )
        page.goto(f"{server.origin}/app/#tgWebAppData={quote(data)}&tgWebAppVersion=8.0")
        page.wait_for_selector(VERDICT_SHOWN, timeout=WAIT_MS)
        assert "valid until 11/2027" in page.locator("#verdict").inner_text()  # stored language: en
        assert page.evaluate("window.__haptic") == "success"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(16, 32, 48)"
    services.core.usage.flush()
    with session(services.engine) as db:
        rows = list(db.exec(select(UsageEvent).where(UsageEvent.kind == "live")))
    assert any(r.user_id == 4242 and r.found for r in rows)


def test_from_the_keyboard_button_a_report_goes_back_to_the_chat(server: PageServer, tmp_path: Path) -> None:
    # Telegram opens a keyboard-button Mini App without signed data; sendData is its way back.
    fake_sdk = (
        "window.Telegram={WebApp:{initData:'',initDataUnsafe:{},themeParams:{},"
        "ready(){},expand(){},onEvent(){},HapticFeedback:{notificationOccurred(){}},"
        "sendData(d){window.__sent=d}}};"
    )
    with browser(tmp_path / "profile", empty_clip(tmp_path / "empty.y4m")) as ctx:
        page = ctx.new_page()
        page.route(
            "https://telegram.org/js/telegram-web-app.js",
            lambda route: route.fulfill(body=fake_sdk, content_type="text/javascript"),
        )
        page.goto(f"{server.origin}/app/?lang=en#tgWebAppVersion=8.0&tgWebAppPlatform=android")
        wait_until(page, "window.__ecoBench.frames >= 1")
        page.click("#manual-toggle")
        page.fill("#manual-input", UNKNOWN)
        page.press("#manual-input", "Enter")
        page.wait_for_selector("#verdict[data-status='not_found']", timeout=WAIT_MS)
        assert page.locator("#verdict").inner_text() == "❔ Not in the catalog"
        page.click("#report")
        assert json.loads(wait_until(page, "window.__sent")) == {"report": UNKNOWN}
