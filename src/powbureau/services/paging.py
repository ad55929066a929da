"""Pages of long lists: LIMIT/OFFSET pushed into the SQL that builds a list, and the total beside the page.

A list service given ``limit`` returns a ``Page`` (a list that also knows ``total``), so a registry of 200,000
detainees is never loaded whole to show a hundred of them; without ``limit`` it returns every item as before."""

from __future__ import annotations

from ..domain.messages import Msg
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Select, case, exists, func, select

from ..domain.errors import ValidationFailed
from ..store.tables_custody import wishes

MAX_LIMIT = 1000  # items in one page at most (API and pages)
DEFAULT_LIMIT = 100
MAX_OFFSET = 10**9  # beyond any registry; also keeps the number inside the database's 64-bit integers


class Page(list):
    """One page of a list: the items, plus ``total`` (items in the whole list), ``offset`` and ``limit``."""

    def __init__(self, items: Iterable = (), *, total: int, offset: int = 0, limit: int | None = None) -> None:
        super().__init__(items)
        self.total = total
        self.offset = offset
        self.limit = limit

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None when this is the last."""
        end = self.offset + len(self)
        return end if end < self.total else None


def check(limit: int | None, offset: int) -> None:
    """Refuse a page outside 1..``MAX_LIMIT`` items or a negative offset with ``ValidationFailed``."""
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(Msg("limit={limit} is out of range; ask for 1 to {MAX_LIMIT} items and page with offset", limit=limit, MAX_LIMIT=MAX_LIMIT))
    if offset < 0:
        raise ValidationFailed(Msg("offset={offset} is negative; start at 0", offset=offset))
    if offset > MAX_OFFSET:
        raise ValidationFailed(Msg("offset={offset} is past any list the bureau holds; give at most {MAX_OFFSET}", offset=offset, MAX_OFFSET=MAX_OFFSET))


def rows(conn: Connection, q: Select, *, limit: int | None, offset: int = 0,
         order: Sequence = ()) -> tuple[list, int | None]:
    """The rows of ``q`` and, when ``limit`` is given, only the page ``offset``..``offset+limit`` in ``order``
    (the database sorts and cuts) with the total count of ``q``; without ``limit``: every row and None."""
    check(limit, offset)
    if limit is None:
        return list(conn.execute(q)), None
    total = conn.execute(select(func.count()).select_from(q.order_by(None).subquery())).scalar_one()
    return list(conn.execute(q.order_by(*order).limit(limit).offset(offset))), total


def wish_first(person_id_col) -> list:  # noqa: ANN001
    """A stable page order for detainee lists: persons with a recorded wish first, then by id (registration
    order: ids are ULIDs)."""
    has = exists(select(wishes.c.id).where(wishes.c.person_id == person_id_col))
    return [case((has, 0), else_=1), person_id_col]


def page(items: Iterable, total: int | None, *, limit: int | None, offset: int = 0) -> list:
    """``items`` as a ``Page`` when a ``limit`` was given (``total`` from ``rows``), else as a plain list."""
    if limit is None or total is None:
        return list(items)
    return Page(items, total=total, offset=offset, limit=limit)


def cut(items: Sequence, *, limit: int | None, offset: int = 0) -> list:
    """A page of a list already in memory (short lists only: exchanges, notices, the roster)."""
    check(limit, offset)
    if limit is None:
        return list(items)
    return Page(items[offset:offset + limit], total=len(items), offset=offset, limit=limit)
