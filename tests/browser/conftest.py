"""Browser fixtures: the demo bureau served by uvicorn on a free port, and Debian's Chromium driven by Playwright.

``playwright install`` cannot download here, so Chromium is launched from /usr/bin/chromium; the tests are skipped,
saying why, when it is missing. Screenshots go to ``test-artifacts/browser/`` (gitignored)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_demo(tmp: Path):
    """Seed the demo bureau (``seed_demo``) on a SQLite database in ``tmp`` and serve it on 127.0.0.1:<free port>;
    a generator yielding ``(base_url, bureau, summary)`` (the summary holds the demo users' one-time passwords)
    and stopping the server when closed. Skips, saying why, without Chromium or Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    import uvicorn

    from powbureau.domain.roles import Actor
    from powbureau.services.bootstrap import bootstrap
    from powbureau.services.demo import seed_demo
    from powbureau.services.users import ensure_operator
    from powbureau.web.app import create_app

    bureau = bootstrap(f"sqlite:///{tmp / 'bureau.db'}")
    ensure_operator(bureau.uow)
    summary = seed_demo(bureau.uow, Actor("operator", "admin"))
    app = create_app(bureau, secret="browser-test-secret-" + "x" * 32)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start within 20 s"
    yield f"http://127.0.0.1:{port}", bureau, summary
    server.should_exit = True
    thread.join(timeout=10)
    bureau.uow.engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo bureau on a temp SQLite database, served on 127.0.0.1:<free port> (``serve_demo``).
    Yields ``(base_url, bureau, summary)``; the summary holds the demo users' one-time passwords."""
    yield from serve_demo(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium (Debian's binary) through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def sign_in(served, chromium):
    """Factory: a new page signed in as a demo user (its password from the demo summary)."""
    base, _, summary = served
    contexts = []

    def make(user: str):  # noqa: ANN202
        ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=user]", user)
        page.fill("input[name=password]", summary["users"][user]["password"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page, name: str) -> Path:  # noqa: ANN001
    """Save a full-page screenshot ``test-artifacts/browser/<name>.png``; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
