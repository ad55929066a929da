"""Counterpart lists on the web (issue 9, Build 3): reconcile an imported list against our detainees or our own
personnel and read, review and download the result.

Thin entry points over ``services.linkage`` (``reconcile_list``, the same service as ``powbureau reconcile``; it
checks ``linkage.run``: registrars and administrators). The CSV is written by ``io.csv_safe`` (formula-safe)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from ..domain.roles import Actor
from ..services import linkage
from .auth import current_actor
from .pages import render

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]
Against = Annotated[str, Form(max_length=32)]
#: The most result rows the page shows; the CSV holds every row.
SHOWN = 500


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, actor: ActorDep) -> Response:
    """Every imported counterpart list, newest first, each with a form to reconcile it (registrar, admin)."""
    items = linkage.counterpart_lists(request.app.state.bureau.uow, actor)
    return render(request, "lists/lists.html", {"items": items, "against": tuple(linkage.AGAINST)})


@router.post("/lists/{list_id}/reconcile", response_class=HTMLResponse)
def reconcile(request: Request, list_id: str, actor: ActorDep, against: Against = "own_personnel") -> Response:
    """Reconcile the list (``services.linkage.reconcile_report``) and show the counts per status and every row
    with its matched person and score; ambiguous rows join the review queue and link to their pairs."""
    report = linkage.reconcile_report(request.app.state.bureau.uow, actor, list_id, against=against)
    return render(request, "lists/reconciled.html", {"r": report, "shown": SHOWN})


@router.post("/lists/{list_id}/reconcile.csv")
def reconcile_csv(request: Request, list_id: str, actor: ActorDep, against: Against = "own_personnel") -> Response:
    """The reconciliation as CSV (DESIGN.md §5 columns ``row_external_id, status, person_id, person_external_id,
    score, explanation``), every cell formula-safe: the same file as ``powbureau reconcile --out``."""
    with tempfile.TemporaryDirectory(prefix="powbureau-reconcile-") as folder:
        out = Path(folder) / "reconcile.csv"
        linkage.reconcile_list(request.app.state.bureau.uow, actor, list_id, against=against, out=out)
        body = out.read_bytes()
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="reconcile-{list_id}-{against}.csv"'})
