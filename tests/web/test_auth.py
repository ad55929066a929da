"""Sign-in, sign-out, sessions, CSRF and the session secret of the web app."""

from __future__ import annotations

import base64
import stat

from fastapi.testclient import TestClient

from powbureau.web.app import SESSION_COOKIE, create_app
from powbureau.web.auth import load_secret, safe_next

from .conftest import PASSWORD, csrf_of, sign_in


def test_login_page_tells_a_first_time_user_how_to_sign_in(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert '<html lang="en">' in r.text
    assert "printed once in the terminal" in r.text
    assert "powbureau user add NAME --role ROLE" in r.text
    assert 'name="csrf_token"' in r.text


def test_good_sign_in_sets_httponly_lax_cookie_and_opens_registry(client):
    r = sign_in(client, "registrar")
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    page = client.get("/")
    assert page.status_code == 200
    assert "Signed in as <strong>registrar</strong>" in page.text


def test_initial_admin_password_signs_in(client, world):
    r = sign_in(client, "admin", world.admin_password)
    assert r.status_code == 303
    assert client.get("/api/me").json()["role"] == "admin"


def test_bad_password_is_refused_without_a_session(client):
    r = sign_in(client, "registrar", "not the password")
    assert r.status_code == 401
    assert "wrong user name or password" in r.text
    assert client.get("/").status_code == 303  # still anonymous


def test_operator_can_never_sign_in_on_the_web(client):
    r = sign_in(client, "operator", "")
    assert r.status_code == 401
    r = sign_in(client, "operator", "anything at all")
    assert r.status_code == 401
    assert "command line" in r.text


def test_login_without_csrf_token_is_403(client):
    client.get("/login")
    r = client.post("/login", data={"user": "registrar", "password": PASSWORD})
    assert r.status_code == 403
    assert "security token" in r.text
    assert client.get("/").status_code == 303


def test_form_post_with_wrong_csrf_token_is_403_and_changes_nothing(browser_for, world):
    b = browser_for("registrar")
    r = b.post(f"/persons/{world.paek}/status", data={"to_status": "interned", "place": "Camp 3",
                                                       "csrf_token": "forged"})
    assert r.status_code == 403
    assert b.get(f"/api/persons/{world.paek}").json()["status"] == "registered"


def test_anonymous_page_redirects_to_login_with_next(client, world):
    r = client.get(f"/persons/{world.paek}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next=/persons/{world.paek}"


def test_sign_in_returns_to_next_but_never_off_site(client, world):
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"user": "registrar", "password": PASSWORD, "csrf_token": token,
                                    "next": f"/persons/{world.paek}"})
    assert r.headers["location"] == f"/persons/{world.paek}"
    assert safe_next("//evil.example/x") == "/"
    assert safe_next("https://evil.example/") == "/"
    assert safe_next("/persons/1?x=2") == "/persons/1?x=2"


def test_sign_out_ends_the_session(browser_for):
    b = browser_for("auditor")
    token = csrf_of(b.get("/").text)
    r = b.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert b.get("/").status_code == 303
    assert b.get("/api/me").status_code == 401


def test_tampered_session_cookie_is_anonymous(app, browser_for):
    b = browser_for("registrar")
    value = b.cookies.get(SESSION_COOKIE)
    forged = base64.b64encode(b'{"user": "admin"}').decode() + value[value.index("."):]
    with TestClient(app, follow_redirects=False) as c:
        c.cookies.set(SESSION_COOKIE, forged)
        assert c.get("/api/me").status_code == 401


def test_cookie_from_another_database_is_worthless(world, browser_for, tmp_path):
    from powbureau.services.bootstrap import bootstrap
    from powbureau.services.users import ensure_operator

    b = browser_for("registrar")
    other = bootstrap(f"sqlite:///{tmp_path / 'other.db'}")
    ensure_operator(other.uow)
    with TestClient(create_app(other), follow_redirects=False) as c:
        c.cookies.set(SESSION_COOKIE, b.cookies.get(SESSION_COOKIE))
        assert c.get("/api/me").status_code == 401


def test_secret_file_is_created_once_with_mode_0600(tmp_path, monkeypatch):
    path = tmp_path / "cfg" / "secret"
    monkeypatch.delenv("POWBUREAU_SECRET", raising=False)
    monkeypatch.setenv("POWBUREAU_SECRET_FILE", str(path))
    first = load_secret()
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    assert load_secret() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv("POWBUREAU_SECRET", "x" * 40)
    assert load_secret() == "x" * 40


def test_security_headers_on_pages(client):
    r = client.get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"


def test_basic_cache_remembers_only_verified_credentials():
    from powbureau.web.auth import BasicCache

    c = BasicCache(ttl=60)
    assert c.stamp("registrar", PASSWORD) is None
    c.remember("registrar", PASSWORD, "stamp-1")
    assert c.stamp("registrar", PASSWORD) == "stamp-1"
    assert c.stamp("registrar", PASSWORD + "x") is None
    assert c.stamp("auditor", PASSWORD) is None
    expired = BasicCache(ttl=-1)
    expired.remember("registrar", PASSWORD, "stamp-1")
    assert expired.stamp("registrar", PASSWORD) is None


def test_wrong_basic_password_after_a_right_one_is_still_refused(client):
    assert client.get("/api/me", auth=("registrar", PASSWORD)).status_code == 200
    assert client.get("/api/me", auth=("registrar", PASSWORD)).status_code == 200  # from the cache
    assert client.get("/api/me", auth=("registrar", "wrong password!")).status_code == 401
    assert client.get("/api/me", auth=("auditor", "wrong password!")).status_code == 401


def test_create_app_without_bureau_wires_from_env_and_prints_admin_password_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POWBUREAU_DB", f"sqlite:///{tmp_path / 'fresh.db'}")
    monkeypatch.setenv("POWBUREAU_SECRET", "s" * 48)
    create_app()
    err = capsys.readouterr().err
    assert "user 'admin', password '" in err
    password = err.split("password '", 1)[1].split("'", 1)[0]
    app = create_app()  # a second start prints nothing new
    assert "password" not in capsys.readouterr().err
    with TestClient(app, follow_redirects=False) as c:
        assert sign_in(c, "admin", password).status_code == 303
