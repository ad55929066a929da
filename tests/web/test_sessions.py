"""Server-side sessions and the sign-in rate limit (issue 8, finding 7): a copied cookie is dead after sign-out, a
password change or disabling the user; idle and lifetime expiry on an injected clock; 429 with Retry-After after
too many failures per user name and per address; disabled users refused on HTTP Basic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from powbureau.domain.errors import PermissionDenied
from powbureau.domain.roles import Actor
from powbureau.domain.sessions import SigninLimits
from powbureau.services import users
from powbureau.store.tables import audit_log, sessions, signin_failures
from powbureau.web.app import SESSION_COOKIE

from .conftest import OPERATOR, PASSWORD, csrf_of, sign_in


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture()
def clock(app) -> Clock:
    c = Clock()
    app.state.clock = c
    return c


def replay(app, cookie: str) -> TestClient:
    """A second browser carrying a copy of ``cookie`` (what a thief or a shared computer keeps)."""
    c = TestClient(app, follow_redirects=False)
    c.cookies.set(SESSION_COOKIE, cookie)
    return c


def test_copied_cookie_is_dead_after_sign_out(app, browser_for):
    b = browser_for("registrar")
    stolen = b.cookies.get(SESSION_COOKIE)
    assert replay(app, stolen).get("/api/me").status_code == 200
    r = b.post("/logout", data={"csrf_token": csrf_of(b.get("/").text)})
    assert r.status_code == 303
    with replay(app, stolen) as c:
        r = c.get("/api/me")
        assert r.status_code == 401
        assert "you signed out" in r.json()["error"]["message"]
        assert c.get("/").status_code == 303  # a page sends it to /login


def test_cookie_is_dead_after_password_change(app, browser_for, world):
    b = browser_for("auditor")
    other = browser_for("auditor")  # a second browser of the same user: every session ends
    users.reset_password(world.bureau.uow, OPERATOR, "auditor", "a new password 123")
    for c in (b, other):
        r = c.get("/api/me")
        assert r.status_code == 401
        assert "password was changed" in r.json()["error"]["message"]
    assert sign_in(TestClient(app, follow_redirects=False), "auditor", "a new password 123").status_code == 303


def test_cookie_is_dead_after_disable_and_the_user_is_told_why(app, browser_for, world):
    b = browser_for("medical")
    r = users.set_enabled(world.bureau.uow, OPERATOR, "medical", False)
    assert r == {"name": "medical", "active": False, "changed": True, "sessions_ended": 1}
    r = b.get("/api/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "account_disabled"
    assert "disabled" in r.json()["error"]["message"]
    with TestClient(app, follow_redirects=False) as c:
        page = sign_in(c, "medical")
        assert page.status_code == 401
        assert "is disabled; ask an administrator" in page.text
    users.set_enabled(world.bureau.uow, OPERATOR, "medical", True)
    assert sign_in(TestClient(app, follow_redirects=False), "medical").status_code == 303


def test_disabled_user_is_refused_on_basic_auth_even_when_cached(client, world):
    assert client.get("/api/me", auth=("negotiator", PASSWORD)).status_code == 200  # now in the Basic cache
    users.set_enabled(world.bureau.uow, OPERATOR, "negotiator", False)
    r = client.get("/api/me", auth=("negotiator", PASSWORD))
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "account_disabled"


def test_cached_basic_credentials_stop_at_once_after_a_password_change(client, world):
    assert client.get("/api/me", auth=("registrar", PASSWORD)).status_code == 200
    users.reset_password(world.bureau.uow, OPERATOR, "registrar", "another password 1")
    assert client.get("/api/me", auth=("registrar", PASSWORD)).status_code == 401
    assert client.get("/api/me", auth=("registrar", "another password 1")).status_code == 200


def test_idle_session_expires_and_activity_keeps_it_alive(app, browser_for, clock):
    b = browser_for("registrar")
    for _ in range(4):  # 4 x 20 min of steady use: never idle for 30 min
        clock.advance(minutes=20)
        assert b.get("/api/me").status_code == 200
    clock.advance(minutes=31)
    r = b.get("/api/me")
    assert r.status_code == 401
    assert "30 minutes without activity" in r.json()["error"]["message"]


def test_session_ends_at_its_absolute_lifetime_however_busy(app, browser_for, clock):
    b = browser_for("registrar")
    for _ in range(8 * 4 - 1):
        clock.advance(minutes=15)
        assert b.get("/api/me").status_code == 200
    clock.advance(minutes=15)
    r = b.get("/api/me")
    assert r.status_code == 401
    assert "8-hour limit" in r.json()["error"]["message"]


def test_idle_minutes_come_from_the_environment(world, monkeypatch):
    from powbureau.web.app import create_app

    monkeypatch.setenv("POWBUREAU_IDLE_MINUTES", "5")
    app = create_app(world.bureau)
    assert app.state.session_policy.idle == timedelta(minutes=5)
    monkeypatch.setenv("POWBUREAU_IDLE_MINUTES", "soon")
    with pytest.raises(ValueError, match="POWBUREAU_IDLE_MINUTES"):
        create_app(world.bureau)


def test_the_session_table_keeps_only_a_hash_of_the_cookie_id(app, browser_for, world):
    b = browser_for("registrar")
    cookie = b.cookies.get(SESSION_COOKIE)
    with world.bureau.uow.read() as conn:
        rows = conn.execute(sessions.select()).mappings().all()
    assert len(rows) == 1 and rows[0]["user_name"] == "registrar" and len(rows[0]["id_hash"]) == 64
    assert rows[0]["id_hash"] not in cookie


def test_web_sign_in_is_refused_with_429_after_five_failures_for_a_user(app, client, clock):
    for _ in range(5):
        assert sign_in(client, "registrar", "wrong password!").status_code == 401
    r = sign_in(client, "registrar", PASSWORD)  # even the right password waits
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert "too many failed sign-ins for this user name" in r.text and "try again in 15 minutes" in r.text
    assert sign_in(client, "auditor", PASSWORD).status_code == 303  # other users are not locked out
    clock.advance(minutes=15, seconds=1)
    assert sign_in(TestClient(app, follow_redirects=False), "registrar", PASSWORD).status_code == 303


def test_api_basic_gets_429_with_retry_after_after_failures_for_a_user(client, app):
    app.state.signin_limits = SigninLimits(per_user=3, per_address=50)
    for _ in range(3):
        assert client.get("/api/me", auth=("auditor", "wrong password!")).status_code == 401
    r = client.get("/api/me", auth=("auditor", PASSWORD))
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "too_many_attempts"
    assert r.headers["retry-after"] == str(r.json()["error"]["details"]["retry_after"])
    assert "try again in" in r.json()["error"]["message"]


def test_sign_in_is_refused_with_429_after_failures_from_one_address(app, client):
    app.state.signin_limits = SigninLimits(per_user=5, per_address=6)
    for name in ("a1", "a2", "a3", "registrar", "auditor", "nobody"):  # spread over names, one address
        assert sign_in(client, name, "wrong password!").status_code == 401
    r = sign_in(client, "medical", PASSWORD)
    assert r.status_code == 429
    assert "from your address" in r.text
    assert client.get("/api/me", auth=("medical", PASSWORD)).status_code == 429


def test_failures_are_counted_in_the_database_so_a_restart_does_not_forget(app, client, world):
    from powbureau.web.app import create_app

    app.state.signin_limits = SigninLimits(per_user=2, per_address=50)
    for _ in range(2):
        sign_in(client, "registrar", "wrong password!")
    with world.bureau.uow.read() as conn:
        assert len(conn.execute(signin_failures.select()).all()) == 2
    restarted = create_app(world.bureau)
    restarted.state.signin_limits = SigninLimits(per_user=2, per_address=50)
    with TestClient(restarted, follow_redirects=False) as c:
        assert sign_in(c, "registrar").status_code == 429


def test_a_good_sign_in_forgets_that_users_failures(app, client):
    app.state.signin_limits = SigninLimits(per_user=3, per_address=50)
    for _ in range(2):
        sign_in(client, "registrar", "wrong password!")
    assert sign_in(client, "registrar").status_code == 303
    with TestClient(app, follow_redirects=False) as c:
        for _ in range(2):
            assert sign_in(c, "registrar", "wrong password!").status_code == 401
        assert sign_in(c, "registrar").status_code == 303


def test_disable_and_enable_are_audited_and_admin_only(world):
    uow = world.bureau.uow
    with pytest.raises(PermissionDenied):
        users.set_enabled(uow, Actor("registrar", "registrar"), "auditor", False)
    users.set_enabled(uow, OPERATOR, "auditor", False)
    users.set_enabled(uow, OPERATOR, "auditor", True)
    with uow.read() as conn:
        actions = [r.action for r in conn.execute(audit_log.select().where(audit_log.c.target == "auditor"))]
    assert actions[-2:] == ["user.disable", "user.enable"]


def test_the_operator_and_oneself_cannot_be_disabled(world):
    from powbureau.domain.errors import NotFound, ValidationFailed

    with pytest.raises(ValidationFailed, match="cannot be disabled"):
        users.set_enabled(world.bureau.uow, OPERATOR, "operator", False)
    with pytest.raises(ValidationFailed, match="your own account"):
        users.set_enabled(world.bureau.uow, Actor("admin", "admin"), "admin", False)
    with pytest.raises(NotFound, match="user add ghost"):
        users.set_enabled(world.bureau.uow, OPERATOR, "ghost", False)
