"""Review pages and API: the queue of uncertain pairs and one pair side by side, for a human judgement.

One field per line with agreement marked, names in their own script and in Latin; a judgement is a revisable
edge recorded by ``services.linkage.judge`` (who, when, why) — nothing is merged or deleted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..domain.errors import ValidationFailed
from ..domain.roles import Actor
from ..services import linkage
from .api import ERRORS
from .auth import current_actor
from .i18n import Msg
from .pages import flash, render
from .paging import Limit, Offset, next_url

#: A review pair's number as the database can hold it (a bigger one would overflow SQLite's 64-bit integer).
PairId = Annotated[int, Path(ge=1, le=2**63 - 1)]
router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["review"], responses=ERRORS)
ActorDep = Annotated[Actor, Depends(current_actor)]
FIELD_ORDER = ("name_full", "alias", "surname", "given_name", "patronymic", "birth_date", "service_number", "rank",
               "unit", "father_given_name", "birth_place", "serving_power", "external_id")


def _rows(item: dict) -> list[dict]:
    """One line per field: both sides' values and, where the model compared it, the agreement and weight."""
    ev = {e["field"]: e for e in item["evidence"]}
    ev_for = {"name_full": ev.get("name"), "birth_date": ev.get("birth"), "service_number": ev.get("service_number"),
              "rank": ev.get("rank"), "unit": ev.get("unit"), "father_given_name": ev.get("father_given_name"),
              "birth_place": ev.get("birth_place")}
    left, right = item["left"]["fields"], item["right"]["fields"]
    out = []
    for prop in FIELD_ORDER:
        if prop not in left and prop not in right:
            continue
        e = ev_for.get(prop)
        weight = e["weight"] if e else None
        mark = "agree" if weight is not None and weight > 0 else "disagree" if weight is not None and weight < 0 \
            else "neutral"
        out.append({"prop": prop, "left": left.get(prop, []), "right": right.get(prop, []),
                    "level": e["level"] if e else "", "weight": weight, "mark": mark, "text": e["text"] if e else ""})
    return out


@router.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, actor: ActorDep, all: bool = False) -> Response:  # noqa: A002
    """The review queue, best score first."""
    items = linkage.review_queue(request.app.state.bureau.uow, actor, include_judged=all)
    return render(request, "review/queue.html", {"items": items, "all": all})


@router.get("/review/{pair_id}", response_class=HTMLResponse)
def pair_page(request: Request, pair_id: PairId, actor: ActorDep) -> Response:
    """One pair side by side with its evidence and judgement history."""
    item = linkage.review_item(request.app.state.bureau.uow, actor, pair_id)
    return render(request, "review/pair.html", {"item": item, "rows": _rows(item),
                                                 "may_decide": actor.can("review.decide")})


@router.post("/review/{pair_id}")
def decide(request: Request, pair_id: PairId, actor: ActorDep,
           judgement: Annotated[str, Form(max_length=16)], reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Record a judgement (match / no_match / unsure) and go back to the queue."""
    try:
        linkage.judge(request.app.state.bureau.uow, actor, pair_id, judgement, reason)
    except ValidationFailed as exc:
        flash(request, "error", exc.message)
        return RedirectResponse(f"/review/{pair_id}", status_code=303)
    flash(request, "ok", Msg("pair {pair}: {judgement} recorded (revisable)", pair=pair_id, judgement=judgement))
    return RedirectResponse("/review", status_code=303)


class JudgementIn(BaseModel):
    """A judgement on a queue pair: ``match``, ``no_match`` or ``unsure``, with a reason."""

    judgement: str = Field(..., max_length=16)
    reason: str = Field("", max_length=500)


@api.get("/review", summary="Pairs waiting for a human judgement")
def api_queue(request: Request, response: Response, actor: ActorDep, all: bool = False,  # noqa: A002
              limit: Limit = 100, offset: Offset = 0) -> list[dict]:
    # The queue is built best-first and cut by the service, so only whether a next page exists is known.
    items = linkage.review_queue(request.app.state.bureau.uow, actor, include_judged=all, limit=offset + limit + 1)
    if len(items) > offset + limit:
        response.headers["Link"] = f'<{next_url(request, offset + limit)}>; rel="next"'
    return [i.__dict__ for i in items[offset:offset + limit]]


@api.get("/review/{pair_id}", summary="One pair side by side with its per-field evidence")
def api_pair(request: Request, actor: ActorDep, pair_id: PairId) -> dict:
    return linkage.review_item(request.app.state.bureau.uow, actor, pair_id)


@api.post("/review/{pair_id}", summary="Judge a pair (a revisable edge, never a merge)")
def api_decide(request: Request, actor: ActorDep, pair_id: PairId, body: JudgementIn) -> dict:
    return linkage.judge(request.app.state.bureau.uow, actor, pair_id, body.judgement, body.reason).__dict__
