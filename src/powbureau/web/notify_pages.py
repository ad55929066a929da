"""HTML pages for what goes to the CTA: the signed export, the sent log with its downloads, capture cards for
several persons at once.

Thin handlers over ``services.notify`` and ``services.cards`` (GC III Art. 70, 120, 122): the export and a card
batch recorded as sent leave the due list; a refusal (nothing due, no person chosen) comes back as a message."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.errors import Busy, PermissionDenied, PowBureauError
from ..domain.roles import Actor
from ..services import cards, notify
from ..services.paging import DEFAULT_LIMIT
from .auth import current_actor
from .i18n import gettext, language_of, ngettext, use_locale
from .pages import flash, render
from .paging import Offset, nav

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]


def _uow(request: Request):  # noqa: ANN202
    return request.app.state.bureau.uow


def _attachment(filename: str, media_type: str, content: bytes) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})


@router.post("/notifications/export")
def export(request: Request, actor: ActorDep) -> Response:
    """Export everything due to the CTA, signed, and record it as sent; then show the sent log."""
    try:
        r = notify.export_to_cta(_uow(request), actor)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
        return RedirectResponse("/notifications", status_code=303)
    with use_locale(language_of(request)):
        text = ngettext("%(n)d notification exported, signed and recorded as sent: %(file)s",
                        "%(n)d notifications exported, signed and recorded as sent: %(file)s",
                        r["count"]) % {"n": r["count"], "file": r["filename"]}
    flash(request, "ok", text)
    return RedirectResponse("/notifications/sent", status_code=303)


@router.get("/notifications/sent", response_class=HTMLResponse)
def sent_log(request: Request, actor: ActorDep, offset: Offset = 0) -> Response:
    """The sent log: each export or batch of capture cards sent to the CTA, who made it, when, about whom."""
    items = notify.sent_log(_uow(request), actor, limit=DEFAULT_LIMIT, offset=offset)
    return render(request, "custody/sent.html", {"items": items, "nav": nav(request, items)})


@router.get("/notifications/exports/{export_id}")
def download(request: Request, export_id: str, actor: ActorDep) -> Response:
    """An export exactly as it was sent: the signed ZIP (JSON, CSV, signatures, public key) or the cards' PDF."""
    filename, media_type, content = notify.export_download(_uow(request), actor, export_id)
    return _attachment(filename, media_type, content)


@router.post("/cards")
def cards_pdf(request: Request, actor: ActorDep,
              person_ids: Annotated[list[str], Form(max_length=26)] = [],  # noqa: B006
              record_sent: Annotated[str, Form(max_length=8)] = "") -> Response:
    """The capture cards of the chosen persons as one PDF. Only when "record as sent to the CTA" is ticked are
    they kept in the sent log and their capture-card duty met."""
    try:
        r = cards.cards_for_cta(_uow(request), actor, person_ids[:1000], record_sent=bool(record_sent))
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
        return RedirectResponse("/notifications", status_code=303)
    if r["export_id"]:
        with use_locale(language_of(request)):
            flash(request, "ok", gettext("Capture cards recorded as sent to the CTA; they are in the sent log."))
    return _attachment(r["filename"], "application/pdf", r["pdf"])
