"""Found by robustness testing (issue 8, finding 7): there was no way to disable a user; a session cookie lived
on for 8 hours whatever happened. Now `powbureau user disable NAME` ends every session at once, refuses
sign-in, is audited and is for administrators only; `user enable NAME` restores the account."""

from __future__ import annotations

import re
import sqlite3

from fastapi.testclient import TestClient

from powbureau.domain.roles import Actor
from powbureau.services import users
from powbureau.services.bootstrap import bootstrap
from powbureau.web.app import create_app

PASSWORD = "correct horse battery"  # test-only


def sign_in(client: TestClient, user: str, password: str = PASSWORD):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    return client.post("/login", data={"user": user, "password": password, "csrf_token": token, "next": "/"})


def test_cli_disable_ends_sessions_refuses_sign_in_and_is_admin_only(tmp_path, powbureau_cli, monkeypatch):
    run = powbureau_cli
    assert run("init").returncode == 0
    assert run("user", "add", "kim", "--role", "registrar").returncode == 0
    assert run("user", "add", "lee", "--role", "registrar").returncode == 0
    p = run("--as", "lee", "user", "disable", "kim")
    assert p.returncode != 0 and p.stderr.startswith("error: ") and "user.manage" in p.stderr
    bureau = bootstrap(run.env["POWBUREAU_DB"])
    users.reset_password(bureau.uow, Actor("operator", "admin"), "kim", PASSWORD)
    monkeypatch.setenv("POWBUREAU_SECRET", "s" * 48)
    with TestClient(create_app(bureau), follow_redirects=False, headers={"Accept-Language": "en"}) as web:
        assert sign_in(web, "kim").status_code == 303
        p = run("user", "disable", "kim", "--json")
        assert p.returncode == 0, p.stderr
        assert '"sessions_ended": 1' in p.stdout
        assert web.get("/api/me").status_code == 401
        page = sign_in(web, "kim")
        assert page.status_code == 401 and "disabled" in page.text
        assert run("user", "enable", "kim").returncode == 0
        assert sign_in(web, "kim").status_code == 303
    bureau.uow.engine.dispose()
    with sqlite3.connect(run.db) as c:
        actions = [a for (a,) in c.execute("select action from audit_log where target = 'kim' order by seq")]
    assert "user.disable" in actions and "user.enable" in actions
