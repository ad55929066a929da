"""The home page (what the signed-in role must do now, with charts) and the audit page.

Thin: ``services.home`` decides what each role may see and counts it in SQL; this module renders it, with the
charts drawn as inline SVG by ``web.charts``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.roles import Actor
from ..services import home as home_service
from .auth import current_actor
from .charts import stacked_bars
from .i18n import language_of, use_locale
from .pages import render

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, actor: ActorDep) -> Response:
    """The home page; an old search link (``/?q=…``) goes on to the registry search."""
    if request.url.query:
        return RedirectResponse(f"/search?{request.url.query}", status_code=303)
    h = home_service.home(request.app.state.bureau.uow, actor)
    with use_locale(language_of(request)):
        charts = [(c, stacked_bars(c, f"chart-{i}")) for i, c in enumerate(h.charts)]
    return render(request, "home.html", {"h": h, "charts": charts})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, actor: ActorDep) -> Response:
    """The audit log for auditors and administrators: the chain verified and the latest entries."""
    from .audit_labels import ACTION_LABELS

    view = home_service.audit_overview(request.app.state.bureau.uow, actor)
    return render(request, "audit.html", {**view, "action_labels": ACTION_LABELS})
