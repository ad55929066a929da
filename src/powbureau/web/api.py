"""The REST API under /api: search, show, record statements, change status, verify the audit log, who am I.

Every route depends on ``auth.current_actor`` (session cookie or HTTP Basic); the services check the role.
Errors are ``{"error": {"code", "message"}}`` with the error's HTTP status (rendered in ``app.error_response``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from ..domain.roles import PERMISSIONS, Actor
from ..services import registry
from .auth import CSRF_HEADER, csrf_token, current_actor


class ErrorBody(BaseModel):
    """What went wrong: a stable ``code`` and a ``message`` saying what, where and what to do."""

    code: str
    message: str


class ErrorOut(BaseModel):
    """Shape of every error response."""

    error: ErrorBody


ERRORS = {s: {"model": ErrorOut} for s in (401, 403, 404, 409, 422)}
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)
ActorDep = Annotated[Actor, Depends(current_actor)]


class MeOut(BaseModel):
    """The signed-in user, the actions the role allows, and the CSRF token for session-authenticated writes."""

    name: str
    role: str
    actions: list[str]
    auth: str
    csrf_token: str | None = Field(None, description=f"send as {CSRF_HEADER} on writes made with the cookie")


class HitOut(BaseModel):
    """One search result; ``score`` is relevance in 0..1."""

    person_id: str
    kind: str
    status: str
    name: str
    birth_date: str | None
    external_id: str | None
    score: float
    matched: str
    prisoner_number: str | None = None


class StatementOut(BaseModel):
    """One statement with its provenance; ``retracted`` ones stay listed."""

    id: str
    property: str
    value: str
    original: str | None
    script: str | None
    alias: bool
    source_kind: str
    source_ref: str
    recorded_by: str
    recorded_at: str
    retracted: bool
    retraction: dict | None = Field(None, description="who retracted it, when and why: {reason, by, at}")
    interview_id: str | None


class EventOut(BaseModel):
    """One status change (GC III Art. 122: every change of a prisoner's situation is recorded)."""

    model_config = {"populate_by_name": True}
    from_: str | None = Field(None, alias="from")
    to: str
    at: str
    place: str
    actor: str
    note: str


class PersonOut(BaseModel):
    """The person as this actor may see him: ``resolved`` best values, every statement, ``conflicts``,
    ``history``; ``hidden`` counts statements withheld from this role (medical)."""

    id: str
    kind: str
    status: str
    external_id: str | None
    resolved: dict[str, str]
    statements: list[StatementOut]
    conflicts: list[str]
    history: list[EventOut]
    hidden: int
    extra: dict = Field(default_factory=dict, description="prisoner_number, headline {name, disputed}, documents, "
                        "issued_to_him, carried (lines), countries (names of serving_power and nationality)")


class StatusIn(BaseModel):
    """A status change: the new status, where it happened, an optional note."""

    to_status: str = Field(..., max_length=32, examples=["registered"])
    place: str = Field(..., max_length=200, examples=["Camp 3"])
    note: str = Field("", max_length=500)


class StatementIn(BaseModel):
    """A new statement; ``property`` and ``source_kind`` use DESIGN.md's vocabulary."""

    property: str = Field(..., max_length=40, examples=["rank"])
    value: str = Field(..., max_length=500, examples=["private"])
    source_kind: str = Field(..., max_length=32, examples=["self_declared"])
    source_ref: str = Field(..., max_length=200, examples=["interview 2026-11-30"])
    interview_id: str | None = Field(None, max_length=26)


class StatementCreated(BaseModel):
    """The id of the recorded statement (a content hash: recording the same fact twice gives the same id)."""

    id: str
    person_id: str


class AuditOut(BaseModel):
    """An intact audit chain: how many entries were checked and the head hash."""

    ok: bool
    entries: int
    head: str


def _uow(request: Request):  # noqa: ANN202
    return request.app.state.bureau.uow


@router.get("/me", response_model=MeOut)
def me(request: Request, actor: ActorDep) -> MeOut:
    """Who is signed in and what the role allows."""
    auth = getattr(request.state, "auth", "session")
    return MeOut(
        name=actor.name, role=actor.role, actions=sorted(a for a in PERMISSIONS if actor.can(a)), auth=auth,
        csrf_token=csrf_token(request) if auth == "session" else None,
    )


@router.get("/persons", response_model=list[HitOut])
def search_persons(
    request: Request,
    response: Response,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=200, description="a name in any script (Hangul, Cyrillic, Latin)")],
    kind: Annotated[Literal["detainee", "own_personnel", "third_party"] | None, Query(description="restrict to one kind")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, description="persons to skip (the next page starts at offset + limit)")] = 0,
) -> list[HitOut]:
    """Cross-script search of the registry, best match first; the number of persons found is in
    ``X-Total-Count`` and the next page in ``Link: <…>; rel="next"``."""
    from .paging import send

    hits = registry.search(_uow(request), actor, q, kind=kind, limit=limit, offset=offset)
    return [HitOut(**h.__dict__) for h in send(request, response, hits)]


@router.get("/persons/{person_id}", response_model=PersonOut, response_model_by_alias=True)
def get_person(request: Request, person_id: str, actor: ActorDep) -> dict:
    """The resolved view of one person with every statement, its provenance, conflicts and status history."""
    return registry.show(_uow(request), actor, person_id).as_dict()


@router.post("/persons/{person_id}/status", response_model=EventOut, response_model_by_alias=True, status_code=201)
def post_status(request: Request, person_id: str, body: StatusIn, actor: ActorDep) -> dict:
    """Move the person to a new status if the life cycle allows it (registrar, admin)."""
    e = registry.change_status(_uow(request), actor, person_id, body.to_status, place=body.place, note=body.note)
    return {"from": e.from_status, "to": e.to_status, "at": e.at.isoformat(), "place": e.place, "actor": e.actor,
            "note": e.note}


@router.post("/persons/{person_id}/statements", response_model=StatementCreated, status_code=201)
def post_statement(request: Request, person_id: str, body: StatementIn, actor: ActorDep) -> StatementCreated:
    """Record a statement (registrar, admin; medical properties only by the medical role)."""
    sid = registry.add_statement(
        _uow(request), actor, person_id, body.property, body.value, source_kind=body.source_kind,
        source_ref=body.source_ref, interview_id=body.interview_id,
    )
    return StatementCreated(id=sid, person_id=person_id)


@router.get("/audit/verify", response_model=AuditOut)
def audit_verify(request: Request, actor: ActorDep) -> AuditOut:
    """Recompute the audit hash chain (admin, auditor); a broken chain is error ``audit_chain_broken``."""
    report = registry.verify_audit(_uow(request), actor)
    return AuditOut(ok=True, entries=report.entries, head=report.head)
