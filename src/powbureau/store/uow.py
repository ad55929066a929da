"""Unit of work: one database transaction per use case, with the audit entry written inside it.

A service does ``with uow.transaction() as conn:``; leaving the block commits, an exception rolls everything
back, so nothing is ever half-written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from ..domain.errors import Conflict, ValidationFailed


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


class UnitOfWork:
    """Wraps an ``Engine``; ``transaction()`` yields a ``Connection`` inside BEGIN … COMMIT/ROLLBACK."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: commit on success, roll back on any exception (which propagates).

        A value the database refuses (too long for its column, a broken constraint) is rolled back and raised as
        ``ValidationFailed`` / ``Conflict`` so no driver error reaches a user."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except DataError as exc:
            raise ValidationFailed(f"a value does not fit the database: {_first_line(exc)}; shorten or correct it") \
                from None
        except IntegrityError as exc:
            raise Conflict(f"the change conflicts with what is stored: {_first_line(exc)}; nothing was written") \
                from None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection (still a transaction, for a consistent view)."""
        with self.engine.connect() as conn:
            yield conn
