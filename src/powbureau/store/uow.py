"""Unit of work: one database transaction per use case, with the audit entry written inside it.

A service does ``with uow.transaction() as conn:``; leaving the block commits, an exception rolls everything
back, so nothing is ever half-written. ``uow.read()`` reads from a snapshot without taking the write lock; a
lock that cannot be had within the busy timeout becomes ``Busy`` (HTTP 503 with Retry-After), never a 500."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from ..domain.errors import Busy, Conflict, ValidationFailed
from .db import READ_ONLY, busy_timeout

#: Words of the driver errors that mean "another transaction holds the lock": SQLite's SQLITE_BUSY/SQLITE_LOCKED
#: and PostgreSQL's lock_timeout (55P03 lock_not_available) and deadlock (40P01) refusals.
BUSY_MARKS = ("database is locked", "database is busy", "database table is locked", "lock timeout",
              "could not obtain lock", "deadlock detected")
BUSY_SQLSTATES = ("55P03", "40P01")


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


def is_busy(exc: BaseException) -> bool:
    """Whether a driver error says the database is locked by another transaction (SQLite or PostgreSQL)."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES or getattr(orig, "pgcode", None) in BUSY_SQLSTATES:
        return True
    text = str(orig).lower()
    return any(m in text for m in BUSY_MARKS)


class UnitOfWork:
    """Wraps an ``Engine``; ``transaction()`` yields a ``Connection`` inside BEGIN … COMMIT/ROLLBACK."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def busy(self) -> Busy:
        """The error for a lock not obtained in time, saying how long to wait (the busy timeout, at least 1 s)."""
        wait = max(1, math.ceil(busy_timeout()))
        return Busy(f"the database is busy with another long operation (e.g. an import); nothing was written; "
                    f"try again in {wait} s", retry_after=wait)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: commit on success, roll back on any exception (which propagates).

        A value the database refuses (too long for its column, a broken constraint) is rolled back and raised as
        ``ValidationFailed`` / ``Conflict`` so no driver error reaches a user; a write lock held by another
        transaction past the busy timeout (``store.db.busy_timeout``) is raised as ``Busy``."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except DataError as exc:
            raise ValidationFailed(f"a value does not fit the database: {_first_line(exc)}; shorten or correct it") \
                from None
        except IntegrityError as exc:
            raise Conflict(f"the change conflicts with what is stored: {_first_line(exc)}; nothing was written") \
                from None
        except OperationalError as exc:
            if is_busy(exc):
                raise self.busy() from None
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction over a consistent snapshot; on SQLite (WAL) it takes no lock, so it works while
        an import holds the write lock. Only reads belong here: a write needs ``transaction()``."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{READ_ONLY: True})
                yield conn
        except OperationalError as exc:
            if is_busy(exc):
                raise self.busy() from None
            raise
