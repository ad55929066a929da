"""Unit of work: one database transaction per use case, with the audit entry written inside it.

A service does ``with uow.transaction() as conn:``; leaving the block commits, an exception rolls everything
back, so nothing is ever half-written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine


class UnitOfWork:
    """Wraps an ``Engine``; ``transaction()`` yields a ``Connection`` inside BEGIN … COMMIT/ROLLBACK."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: commit on success, roll back on any exception (which propagates)."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (still a transaction, for a consistent view)."""
        with self.engine.connect() as conn:
            yield conn
