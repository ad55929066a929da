"""Pagination of the API's and pages' lists: ``limit`` (default 100, at most 1000) and ``offset`` query
parameters; an API list stays a JSON array and carries its total in ``X-Total-Count`` and the next page in
a ``Link: <…>; rel="next"`` header (RFC 8288), so clients written for the plain arrays keep working."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from ..services.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, cut

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"items per page (at most {MAX_LIMIT})")]
#: At most 10**12: a bigger offset would overflow the database's 64-bit integer (and no list is that long).
MAX_OFFSET = 10**12
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET,
                              description="items to skip (the next page starts at offset + limit)")]
TOTAL_HEADER = "X-Total-Count"


def next_url(request: Request, offset: int) -> str:
    """The URL of this request with ``offset`` replaced (the next page)."""
    return str(request.url.include_query_params(offset=offset))


def send(request: Request, response: Response, items: list, *, limit: int = DEFAULT_LIMIT,
         offset: int = 0) -> list:
    """The page to return: ``items`` itself when a service already cut it (a ``Page``), else cut here; sets the
    total and next-page headers on ``response``."""
    page = items if isinstance(items, Page) else cut(items, limit=limit, offset=offset)
    assert isinstance(page, Page)
    response.headers[TOTAL_HEADER] = str(page.total)
    if page.next_offset is not None:
        response.headers["Link"] = f'<{next_url(request, page.next_offset)}>; rel="next"'
    return list(page)


def nav(request: Request, page: list) -> dict | None:
    """Links for a page's "previous / next" bar: shown range, total and the two URLs (None when not a Page)."""
    if not isinstance(page, Page):
        return None
    prev = None
    if page.offset > 0:
        prev = next_url(request, max(0, page.offset - (page.limit or DEFAULT_LIMIT)))
    return {"first": page.offset + 1 if page else 0, "last": page.offset + len(page), "total": page.total,
            "prev": prev, "next": next_url(request, page.next_offset) if page.next_offset is not None else None}
