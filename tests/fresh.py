"""Fresh databases for the tests without paying for migrations and argon2 in every test.

Migrating an empty database costs about half a second, and hashing the initial admin's password (argon2, slow on
purpose) as much again. Each test process (each pytest-xdist worker) builds a template once and hands every test a
copy: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. A copy is the database a fresh
``bootstrap`` (+ ``ensure_operator``) would have made, its audit chain included: the chain's key file stays in the
session's ``XDG_CONFIG_HOME`` (tests/conftest.py), where the copies find it by its id (store/auditkey.py).

On PostgreSQL each worker works in its own databases ``powbureau_test_<worker>`` and ``powbureau_tmpl_<worker>``
(worker ``gw0``, ``gw1``... under pytest-xdist, ``main`` without it), created through the database that
``POWBUREAU_TEST_PG`` names (scripts/pg.sh creates it)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from powbureau.services.bootstrap import bootstrap
from powbureau.services.users import ensure_operator
from powbureau.store.db import empty_schema

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEST_DB, TEMPLATE_DB = f"powbureau_test_{WORKER}", f"powbureau_tmpl_{WORKER}"

_sqlite_templates: dict[bool, Path] = {}
_pg_templates: set[str] = set()  # databases made by this process


def _build(url: str, operator: bool) -> None:
    b = bootstrap(url)
    if operator:
        ensure_operator(b.uow)
    b.uow.engine.dispose()  # SQLite: closing the last connection checkpoints the WAL into the file


def sqlite_copy(dest: Path, *, operator: bool) -> str:
    """Copy this process's migrated SQLite template (with the operator and the initial ``admin`` when
    ``operator``) to ``dest``; returns its URL. The template is built on first use, under the current
    ``XDG_CONFIG_HOME`` (call it first from a session fixture, or where the session's one is in force)."""
    if operator not in _sqlite_templates:
        folder = Path(tempfile.mkdtemp(prefix="powbureau-template-"))
        atexit.register(shutil.rmtree, folder, True)
        _build(f"sqlite:///{folder / 'bureau.db'}", operator)
        _sqlite_templates[operator] = folder / "bureau.db"
    src = _sqlite_templates[operator]
    for suffix in ("", "-wal"):
        if Path(f"{src}{suffix}").exists():
            shutil.copyfile(f"{src}{suffix}", f"{dest}{suffix}")
    return f"sqlite:///{dest}"


def fresh_bureau(folder: str | Path):
    """A migrated ``Bureau`` (no users) on a copy of the SQLite template in ``folder`` (for the state machines,
    which make one per example)."""
    return bootstrap(sqlite_copy(Path(folder) / "b.db", operator=False))


def pg_url(base: str, database: str) -> str:
    """``base`` (a PostgreSQL URL) with its database replaced by ``database``."""
    return make_url(base).set(database=database).render_as_string(hide_password=False)


def pg_recreate(base: str, database: str, template: str | None = None) -> str:
    """Drop ``database`` (ending its connections) and create it anew, empty or as a copy of ``template``, through
    the database of ``base``; returns the new database's URL."""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else "")))
    finally:
        admin.dispose()
    return pg_url(base, database)


def pg_empty(base: str) -> str:
    """This worker's test database, empty (unmigrated): created on first use, its public schema dropped and made
    anew afterwards; returns its URL."""
    if TEST_DB not in _pg_templates:
        _pg_templates.add(TEST_DB)
        return pg_recreate(base, TEST_DB)
    return empty_schema(pg_url(base, TEST_DB))


def pg_copy(base: str, *, operator: bool) -> str:
    """This worker's test database made anew as a copy of its migrated template (with the operator and the
    initial ``admin`` when ``operator``); returns its URL. The template is built on first use."""
    template = TEMPLATE_DB + ("_op" if operator else "")
    if template not in _pg_templates:
        _build(pg_recreate(base, template), operator)
        _pg_templates.add(template)
    return pg_recreate(base, TEST_DB, template)
