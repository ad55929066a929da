"""The Users page (issue 9): an administrator lists, adds, resets and disables accounts on the web; the one-time
password appears once, in the body of the answer to the POST and nowhere else; other roles are refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from powbureau.store.tables import audit_log
from powbureau.web.app import SESSION_COOKIE

from .conftest import PASSWORD, csrf_of, sign_in


def _password_in(html: str) -> str:
    m = re.search(r'id="one-time-password"[^>]*>([^<]+)</code>', html)
    assert m, "no one-time password on the page"
    return m.group(1)


@pytest.fixture()
def admin(browser_for, world):
    return browser_for("admin", world.admin_password)


def test_admin_sees_every_account_and_the_nav_entry(admin):
    r = admin.get("/users")
    assert r.status_code == 200
    for name in ("admin", "registrar", "medical", "auditor", "negotiator", "operator"):
        assert f'id="user-{name}"' in r.text
    assert '<a href="/users" aria-current="page">Users</a>' in r.text
    row = re.search(r'id="user-admin".*?</tr>', r.text, re.S).group(0)
    assert "never" not in row  # the admin is signed in now: his last sign-in is recorded
    row = re.search(r'id="user-auditor".*?</tr>', r.text, re.S).group(0)
    assert "never" in row and "enabled" in row
    row = re.search(r'id="user-operator".*?</tr>', r.text, re.S).group(0)
    assert "command line only" in row and "New password" not in row


@pytest.mark.parametrize("role", ["registrar", "auditor", "negotiator", "medical"])
def test_other_roles_are_refused_and_have_no_nav_entry(browser_for, role):
    b = browser_for(role)
    assert 'href="/users"' not in b.get("/").text
    r = b.get("/users")
    assert r.status_code == 403 and "Not allowed" in r.text and "may not manage users" in r.text and "user.manage" not in r.text
    token = csrf_of(b.get("/").text)
    r = b.post("/users", data={"name": "intruder", "role": "admin", "csrf_token": token})
    assert r.status_code == 403
    assert b.post("/users/auditor/password", data={"csrf_token": token}).status_code == 403
    assert b.post("/users/auditor/enabled", data={"enabled": "0", "csrf_token": token}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    r = client.get("/users")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_add_user_shows_the_password_once_and_it_signs_in(admin, app, world):
    token = csrf_of(admin.get("/users").text)
    r = admin.post("/users", data={"name": "kim", "role": "interviewer", "csrf_token": token})
    assert r.status_code == 200
    password = _password_in(r.text)
    assert len(password) >= 10
    assert "Account kim created" in r.text
    assert r.headers["cache-control"] == "no-store"
    assert password not in str(r.url) and password not in r.headers.get("set-cookie", "")
    # never again: not on the next page, not in the session cookie, not in the audit log
    again = admin.get("/users")
    assert password not in again.text
    assert password not in (admin.cookies.get(SESSION_COOKIE) or "")
    with world.bureau.uow.read() as conn:
        details = [d for (d,) in conn.execute(select(audit_log.c.detail).where(audit_log.c.target == "kim"))]
    assert details and all(password not in d for d in details)
    assert re.search(r'id="user-kim".*?interviewer.*?never', again.text, re.S)
    with TestClient(app, follow_redirects=False) as kim:
        assert sign_in(kim, "kim", password).status_code == 303
        assert kim.get("/api/me").json()["role"] == "interviewer"


def test_add_user_refusals_come_back_on_the_form(admin):
    token = csrf_of(admin.get("/users").text)
    r = admin.post("/users", data={"name": "Registrar", "role": "registrar", "csrf_token": token})
    assert r.status_code == 422 and "already exists" in r.text and 'id="one-time-password"' not in r.text
    r = admin.post("/users", data={"name": "x y", "role": "registrar", "csrf_token": token})
    assert r.status_code == 422 and "must be 2-64 letters" in r.text
    r = admin.post("/users", data={"name": "lee", "role": "general", "csrf_token": token})
    assert r.status_code == 422 and "unknown role" in r.text
    assert 'id="user-lee"' not in r.text
    r = admin.post("/users", data={"name": "lee", "role": "registrar"})  # no CSRF token
    assert r.status_code == 403


def test_reset_password_shows_the_new_one_and_ends_old_sessions(admin, browser_for, app):
    auditor = browser_for("auditor")
    assert auditor.get("/audit").status_code == 200
    r = admin.post("/users/auditor/password", data={"csrf_token": csrf_of(admin.get("/users").text)})
    assert r.status_code == 200 and "New password for auditor" in r.text
    password = _password_in(r.text)
    assert password not in admin.get("/users").text
    assert auditor.get("/audit").status_code == 303  # the old session is over: back to sign-in
    with TestClient(app, follow_redirects=False) as c:
        assert sign_in(c, "auditor", PASSWORD).status_code == 401
        assert sign_in(c, "auditor", password).status_code == 303


def test_disable_ends_sessions_and_enable_lets_the_user_back(admin, browser_for, app):
    reg = browser_for("registrar")
    assert reg.get("/search").status_code == 200
    r = admin.post("/users/registrar/enabled", data={"enabled": "0", "csrf_token": csrf_of(admin.get("/users").text)})
    assert r.status_code == 303 and r.headers["location"] == "/users"
    page = admin.get("/users").text
    assert "registrar is disabled" in page
    assert re.search(r'id="user-registrar".*?disabled.*?Enable', page, re.S)
    # the open session of the disabled user stops working at once, on pages and on the API
    assert reg.get("/search").status_code in (303, 403)
    assert reg.get("/api/me").status_code in (401, 403)
    with TestClient(app, follow_redirects=False) as c:
        r = sign_in(c, "registrar")
        assert r.status_code == 401 and "disabled" in r.text
    admin.post("/users/registrar/enabled", data={"enabled": "1", "csrf_token": csrf_of(admin.get("/users").text)})
    assert "registrar is enabled" in admin.get("/users").text
    with TestClient(app, follow_redirects=False) as c:
        assert sign_in(c, "registrar").status_code == 303


def test_admin_cannot_disable_himself_nor_the_operator(admin):
    page = admin.get("/users").text
    row = re.search(r'id="user-admin".*?</tr>', page, re.S).group(0)
    assert "Disable" not in row  # not offered
    token = csrf_of(page)
    admin.post("/users/admin/enabled", data={"enabled": "0", "csrf_token": token})
    assert "you cannot disable your own account" in admin.get("/users").text
    admin.post("/users/operator/enabled", data={"enabled": "0", "csrf_token": token})
    assert "cannot be disabled" in admin.get("/users").text
    r = admin.post("/users/operator/password", data={"csrf_token": token})
    assert r.status_code == 422 and 'id="one-time-password"' not in r.text
    r = admin.post("/users/nobody/password", data={"csrf_token": token})
    assert r.status_code == 422 and "no web user &#39;nobody&#39;" in r.text
