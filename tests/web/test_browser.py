"""End to end in a real browser: Debian's Chromium, driven by Playwright, against the app served by uvicorn
on a free loopback port. Skipped, saying why, when Chromium or Playwright is absent."""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from powbureau.web.app import create_app

from .conftest import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture()
def live_url(world):
    """The app served by uvicorn in a thread on 127.0.0.1 and a free port; stopped after the test."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(world.bureau), host="127.0.0.1", port=port,
                                          log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start within 10 s"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium)")
def test_a_registrar_signs_in_finds_a_hangul_name_and_changes_status(live_url, world):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{live_url}/")
        assert "/login" in page.url
        assert "printed once in the terminal" in page.content()
        page.fill("#user", "registrar")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.fill("#q", "백광혁")
        page.click("form[role=search] button")
        page.click(f"a[href='/persons/{world.paek}'] >> nth=0")
        assert page.locator("h1").inner_text() == "백광혁"
        assert page.locator("section.conflicts").is_visible()
        page.select_option("#to_status", "interned")
        page.fill("#place", "Camp 5")
        page.click("form[action$='/status'] button")
        assert "status changed from registered to interned" in page.locator(".flash.ok").inner_text()
        browser.close()
