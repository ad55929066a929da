"""Locks (issue 8, finding 8): a read never waits for a writer (an import holds the write lock for its whole run),
and a write that cannot have the lock within the busy timeout is refused as ``Busy``, nothing written."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, insert, select, text

from powbureau.domain.errors import Busy
from powbureau.services.bootstrap import bootstrap
from powbureau.store.tables import persons


def _person(pid: str) -> dict:
    return {"id": pid, "kind": "detainee", "status": "captured", "external_id": None, "list_id": None,
            "created_at": datetime.now(UTC), "created_by": "operator"}


@pytest.fixture()
def sqlite_bureau(tmp_path, monkeypatch):
    monkeypatch.setenv("POWBUREAU_BUSY_TIMEOUT", "0.2")
    path = tmp_path / "bureau.db"
    b = bootstrap(f"sqlite:///{path}")
    with b.uow.transaction() as conn:
        conn.execute(insert(persons).values(_person("01JREADERSEESTHIS00000000")))
    yield b, path
    b.uow.engine.dispose()


def _hold_write_lock(path) -> sqlite3.Connection:
    """Another process's long write transaction (an import): the write lock taken, an uncommitted row in it."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO persons (id, kind, status, created_at, created_by) "
                  "VALUES ('01JUNCOMMITTEDIMPORTROW00', 'detainee', 'captured', '2026-01-01', 'operator')")
    return other


def test_a_read_works_while_another_connection_holds_the_write_lock(sqlite_bureau):
    b, path = sqlite_bureau
    other = _hold_write_lock(path)
    try:
        with b.uow.read() as conn:  # before the fix: BEGIN IMMEDIATE, "database is locked"
            ids = set(conn.execute(select(persons.c.id)).scalars())
    finally:
        other.rollback()
        other.close()
    assert ids == {"01JREADERSEESTHIS00000000"}  # the committed snapshot, not the import's uncommitted row


def test_a_write_that_cannot_have_the_lock_is_busy_and_writes_nothing(sqlite_bureau):
    b, path = sqlite_bureau
    other = _hold_write_lock(path)
    try:
        with pytest.raises(Busy) as caught, b.uow.transaction() as conn:
            conn.execute(insert(persons).values(_person("01JWRITERWHOMUSTWAIT00000")))
    finally:
        other.rollback()
        other.close()
    assert caught.value.code == "busy" and caught.value.http_status == 503
    assert caught.value.retry_after >= 1
    assert "busy with another long operation" in caught.value.message and "try again in" in caught.value.message
    with b.uow.read() as conn:
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 1


def test_busy_timeout_must_be_a_number(monkeypatch):
    from powbureau.domain.errors import ValidationFailed
    from powbureau.store.db import busy_timeout

    monkeypatch.setenv("POWBUREAU_BUSY_TIMEOUT", "soon")
    with pytest.raises(ValidationFailed, match="POWBUREAU_BUSY_TIMEOUT"):
        busy_timeout()


def test_postgresql_lock_timeout_is_busy(db_url, monkeypatch):
    if db_url.startswith("sqlite"):
        pytest.skip("the PostgreSQL lock_timeout mapping; SQLite is covered above")
    monkeypatch.setenv("POWBUREAU_BUSY_TIMEOUT", "0.2")
    b = bootstrap(db_url)
    holder = create_engine(db_url)
    try:
        with holder.connect() as other:
            other.execute(text("BEGIN"))
            other.execute(text("LOCK TABLE persons IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(Busy), b.uow.transaction() as conn:
                conn.execute(insert(persons).values(_person("01JWRITERWHOMUSTWAIT00000")))
            other.execute(text("ROLLBACK"))
    finally:
        holder.dispose()
        b.uow.engine.dispose()
