"""The home page in Chromium, as two roles see it: the nav bar and the to-do panels differ by role; screenshots at
1300x900 go to the test's tmp dir (and to test-artifacts/browser/ for checking by eye)."""

from __future__ import annotations

import pytest

from .conftest import shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["registrar", "negotiator"])
def test_home_page_per_role(served, sign_in, tmp_path, role):
    base, _, _ = served
    page = sign_in(role)
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(f"{base}/")
    nav = page.locator("nav[aria-label=Main] a")
    labels = [nav.nth(i).inner_text() for i in range(nav.count())]
    assert labels[:2] == ["Home", "Registry"] and "API docs" in labels
    assert ("Wishes" in labels) == (role == "registrar")
    assert ("Notifications" in labels) == (role == "registrar")
    assert page.locator("svg.chart").count() == (3 if role == "registrar" else 2)
    assert page.locator("#count-exchanges").is_visible()
    out = tmp_path / f"home-{role}.png"
    page.screenshot(path=str(out))
    assert out.stat().st_size > 10_000
    shot(page, f"home-{role}")
    # the search box on the home page leads to the registry, with the true total
    page.fill("#q", "Paek")
    page.click("form[role=search] button")
    page.wait_for_url("**/search?q=Paek*")
    assert "found for" in page.inner_text("caption")
