"""The Users page in Chromium (issue 9): an administrator, with the UI in Ukrainian, adds an account and reads its
one-time password off the page; the new user signs in with it. The page is screenshot at 1300x900 and checked with
axe-core (no serious or critical violation)."""

from __future__ import annotations

import pytest

from powbureau.domain.roles import Actor
from powbureau.services.users import add_user

from .conftest import shot
from .walk_support import VIEWPORT, axe_script, blocking_violations, tr

pytestmark = pytest.mark.browser


def test_admin_adds_a_user_who_signs_in_with_the_shown_password(served, chromium):
    base, bureau, _ = served
    boss_password = add_user(bureau.uow, Actor("operator", "admin"), "boss", "admin")
    ctx = chromium.new_context(viewport=VIEWPORT, locale="uk-UA")
    try:
        page = ctx.new_page()
        page.goto(f"{base}/lang/uk?next=/login")
        page.fill("input[name=user]", "boss")
        page.fill("input[name=password]", boss_password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.click("nav.main a[href='/users']")
        page.wait_for_url(f"{base}/users")
        assert page.locator("h1").inner_text() == tr("uk", "Users")
        page.fill("#new-name", "kim")
        page.select_option("#new-role", "interviewer")
        page.click("form[action='/users'] button[type=submit]")
        password = page.locator("#one-time-password").inner_text()
        assert len(password) >= 10 and password not in page.url
        assert page.locator("#user-kim").count() == 1
        shot(page, "uk-users-added-admin")
        found = blocking_violations(page, axe_script())
        assert not found, found
        page.goto(f"{base}/users")
        assert page.locator("#one-time-password").count() == 0
        page.goto(f"{base}/audit")  # the account just added, in words, with the code beside it
        row = page.locator("main table tbody tr").first
        assert tr("uk", "user added") in row.inner_text() and "user.add" in row.inner_text()
        shot(page, "uk-audit-admin")
        found = blocking_violations(page, axe_script())
        assert not found, found
    finally:
        ctx.close()
    ctx = chromium.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        page = ctx.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=user]", "kim")
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        assert "/users" not in page.locator("nav.main").inner_html()
    finally:
        ctx.close()
