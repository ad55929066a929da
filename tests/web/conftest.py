"""Fixtures of the web tests: a bureau on a temporary SQLite database, users of each role, a few persons,
and a TestClient over ``create_app``. Persons are inserted directly into the store tables (the import
service is tested elsewhere); their statuses move through ``services.registry.change_status``."""

from __future__ import annotations

from dataclasses import dataclass
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from powbureau.domain.person import new_id
from powbureau.domain.roles import Actor
from powbureau.domain.statement import NAME_PROPERTIES, Statement
from powbureau.services import registry
from powbureau.services.bootstrap import bootstrap
from powbureau.services.users import add_user, ensure_operator
from powbureau.store import audit, repositories as repo
from powbureau.store.tables import persons, statements
from powbureau.web.app import create_app

OPERATOR = Actor("operator", "admin")
PASSWORD = "correct horse battery"  # test-only password for the generated test users
ROLES = ("registrar", "medical", "auditor", "negotiator")


@pytest.fixture(autouse=True)
def english_pages(monkeypatch):
    """Every TestClient of the web tests asks for English (``Accept-Language: en``), as the assertions on page
    text are in English; a test that wants another language passes its own header or the switcher's cookie.
    Without the header the pages would be in Ukrainian, the bureau's default (web/i18n.py)."""
    original = TestClient.__init__

    def init(self, *args, headers=None, **kwargs):
        original(self, *args, headers={"accept-language": "en", **(headers or {})}, **kwargs)

    monkeypatch.setattr(TestClient, "__init__", init)


@dataclass
class World:
    """The bureau, the initial admin's one-time password, and the ids of the seeded persons."""

    bureau: object
    admin_password: str
    paek: str  # a Korean detainee, names in Hangul and Latin, a document name that conflicts
    ivanov: str  # a Russian detainee in Cyrillic


def add_person(bureau, kind: str, facts: list[tuple[str, str, str, str]], *, external_id: str | None = None) -> str:
    """Insert one person with statements ``(property, value, source_kind, source_ref)``; returns the id."""
    from powbureau import names

    pid = new_id()
    now = datetime.now(UTC)
    stmts = [
        Statement(
            person_id=pid, prop=prop, value=value, source_kind=sk, source_ref=ref, recorded_by="operator",
            recorded_at=now, original=value, script=names.detect_script(value) if prop in NAME_PROPERTIES else None,
        )
        for prop, value, sk, ref in facts
    ]
    with bureau.uow.transaction() as conn:
        conn.execute(
            persons.insert().values(
                id=pid, kind=kind, status="captured" if kind == "detainee" else "missing",
                external_id=external_id, list_id=None, created_at=now, created_by="operator",
            )
        )
        repo.insert_many(conn, statements, [repo.statement_row(s) for s in stmts])
        registry.index_names(conn, stmts)
        audit.append(conn, actor="operator", action="person.add", target=pid,  # rows covered by the audit chain
                     covers=[("statements", s.id) for s in stmts])
    return pid


def build_world(url: str) -> World:
    """Create the bureau at ``url``: users admin/registrar/medical/auditor/negotiator and two persons."""
    bureau = bootstrap(url)
    admin_password = ensure_operator(bureau.uow)
    assert admin_password
    for role in ROLES:
        add_user(bureau.uow, OPERATOR, role, role, PASSWORD)
    paek = add_person(bureau, "detainee", [
        ("name_full", "백광혁", "self_declared", "interview 1"),
        ("name_full", "Paek Kwang Hyok", "counterpart_list", "list K-7"),
        ("birth_date", "1999", "self_declared", "interview 1"),
        ("surname", "Kuular", "document", "military ID 4471"),
        ("surname", "백", "self_declared", "interview 1"),
        ("language", "ko", "observation", "interview 1"),
    ], external_id="K7-001")
    ivanov = add_person(bureau, "detainee", [
        ("name_full", "Иванов Пётр Сергеевич", "document", "passport 45 01"),
        ("birth_date", "1990-05-02", "document", "passport 45 01"),
    ])
    registry.change_status(bureau.uow, OPERATOR, paek, "registered", place="Camp 3", note="arrival")
    from powbureau.services import custody

    custody.add_interpreter(bureau.uow, Actor("icrc_delegate", "icrc_delegate"), "Lee Soo-jin", ["ko"], "independent")
    custody.add_interpreter(bureau.uow, OPERATOR, "Pak Chol", ["ko", "ru"], "military intelligence")
    return World(bureau, admin_password, paek, ivanov)


@pytest.fixture(scope="session")
def template_world(tmp_path_factory) -> tuple[Path, World]:
    """Built once per test session (argon2 hashing is deliberately slow); each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "bureau.db"
    w = build_world(f"sqlite:///{path}")
    w.bureau.uow.engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path, w


@pytest.fixture()
def world(tmp_path, monkeypatch, template_world) -> World:
    """A fresh copy of the template bureau on ``tmp_path/bureau.db``; the session secret file goes to
    ``tmp_path`` too."""
    monkeypatch.delenv("POWBUREAU_SECRET", raising=False)
    monkeypatch.setenv("POWBUREAU_SECRET_FILE", str(tmp_path / "config" / "secret"))
    src, w = template_world
    for suffix in ("", "-wal"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", tmp_path / f"bureau.db{suffix}")
    bureau = bootstrap(f"sqlite:///{tmp_path / 'bureau.db'}")
    yield World(bureau, w.admin_password, w.paek, w.ivanov)
    bureau.uow.engine.dispose()


@pytest.fixture()
def app(world):
    """The FastAPI app over the world's bureau."""
    return create_app(world.bureau)


@pytest.fixture()
def client(app) -> TestClient:
    """An anonymous browser."""
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    """The CSRF token in the first hidden ``csrf_token`` field of a page."""
    import re

    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def sign_in(client: TestClient, user: str, password: str = PASSWORD):
    """Sign ``client`` in through the login form; returns the POST response."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"user": user, "password": password, "csrf_token": token, "next": "/"})


@pytest.fixture()
def browser_for(app):
    """Factory: a TestClient signed in as ``user`` through the form (password ``PASSWORD``)."""
    clients = []

    def make(user: str, password: str = PASSWORD) -> TestClient:
        c = TestClient(app, follow_redirects=False)
        c.__enter__()
        clients.append(c)
        r = sign_in(c, user, password)
        assert r.status_code == 303, r.text
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
