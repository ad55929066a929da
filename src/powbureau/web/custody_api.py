"""REST API for custody: interviews, interpreters, wishes, medical decisions, exchanges and due notifications.

Every route depends on ``auth.current_actor``; the services check the role and enforce the never-rules, so the
API cannot list a person who has not verified a wish to return, whoever calls it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from ..domain.roles import Actor
from ..services import custody, exchanges, notify
from .api import ERRORS
from .auth import current_actor
from .paging import Limit, Offset, send

router = APIRouter(prefix="/api", tags=["custody"], responses=ERRORS)
ActorDep = Annotated[Actor, Depends(current_actor)]


def _uow(request: Request):  # noqa: ANN202
    return request.app.state.bureau.uow


class InterviewIn(BaseModel):
    """An interview: ``purpose`` registration|medical|wish|icrc_private; ``when`` ISO with zone (default now)."""

    person_id: str
    purpose: str
    language: str = Field(..., max_length=16)
    where: str = Field(..., max_length=200)
    when: datetime | None = None
    interpreter: str | None = Field(None, max_length=200)
    interpreter_supplied_by: str | None = Field(None, max_length=200, description="'independent' or the party")
    present: list[str] = []


class InterpreterIn(BaseModel):
    """A roster entry; ``supplied_by`` is 'independent' or the interested party that provides him."""

    name: str = Field(..., max_length=200)
    languages: list[str]
    supplied_by: str = "independent"
    active: bool = True


class WishIn(BaseModel):
    """A repatriation wish: ``kind`` return|remain|third_country|undecided, taken in ``interview_id``."""

    person_id: str
    kind: str
    interview_id: str
    destination: str | None = Field(None, max_length=8)


class VerifyIn(BaseModel):
    """The delegate's icrc_private interview in which the wish was confirmed."""

    interview_id: str


class MedicalIn(BaseModel):
    """A medical decision (GC III Art. 110) and the capture card's health box marks."""

    person_id: str
    seriously_sick_or_wounded: bool
    category: str = ""
    health_box: list[str] = []


class ExchangeIn(BaseModel):
    """A new exchange with ``counterpart`` (the Power holding our own personnel)."""

    counterpart: str = Field(..., max_length=200)


class PersonIn(BaseModel):
    """A person to list."""

    person_id: str


class WithdrawIn(BaseModel):
    """Why a person is withdrawn from the outgoing list."""

    reason: str = Field(..., max_length=500)


class IncomingIn(BaseModel):
    """Rows of counterpart list ``list_id`` (all when ``rows`` is None) and rows flagged seriously sick."""

    list_id: str
    rows: list[str] | None = None
    medical_priority: list[str] = []


class TransitionIn(BaseModel):
    """``action``: propose, reopen, agree, close or cancel (``reason`` required to cancel)."""

    action: str
    reason: str = ""


class SubstitutionIn(BaseModel):
    """Someone else came in place of ``row_id``."""

    row_id: str
    person_id: str | None = None
    description: str = ""


class ExecutionIn(BaseModel):
    """Who actually crossed: detainee ids, incoming row ids, substitutions and unknown arrivals."""

    crossed: list[str] = []
    arrived: list[str] = []
    substitutions: list[SubstitutionIn] = []
    unknown_arrivals: list[str] = []
    place: str = "crossing point"


@router.get("/interviews", summary="Interviews, newest first")
def list_interviews(request: Request, response: Response, actor: ActorDep, person_id: str | None = None,
                    limit: Limit = 100, offset: Offset = 0) -> list[dict]:
    items = custody.list_interviews(_uow(request), actor, person_id, limit=limit, offset=offset)
    return send(request, response, items)


@router.post("/interviews", status_code=201, summary="Record an interview")
def record_interview(request: Request, actor: ActorDep, body: InterviewIn) -> dict:
    return custody.record_interview(
        _uow(request), actor, body.person_id, purpose=body.purpose, language=body.language, where=body.where,
        when=body.when, interpreter=body.interpreter, supplied_by=body.interpreter_supplied_by, present=body.present)


@router.get("/interpreters", summary="The interpreter roster")
def roster(request: Request, response: Response, actor: ActorDep, limit: Limit = 100,
           offset: Offset = 0) -> list[dict]:
    return send(request, response, custody.roster(_uow(request), actor), limit=limit, offset=offset)


@router.post("/interpreters", status_code=201, summary="Add, update or retire an interpreter")
def add_interpreter(request: Request, actor: ActorDep, body: InterpreterIn) -> dict:
    return custody.add_interpreter(_uow(request), actor, body.name, body.languages, body.supplied_by,
                                   active=body.active)


@router.get("/interpreters/waiting", summary="Detainees waiting for an independent interpreter")
def waiting(request: Request, response: Response, actor: ActorDep, limit: Limit = 100,
            offset: Offset = 0) -> list[dict]:
    return send(request, response, custody.waiting(_uow(request), actor, limit=limit, offset=offset))


@router.get("/wishes", summary="Every detainee's latest wish (bureau staff only)")
def wish_overview(request: Request, response: Response, actor: ActorDep, limit: Limit = 100,
                  offset: Offset = 0) -> list[dict]:
    return send(request, response, custody.wish_overview(_uow(request), actor, limit=limit, offset=offset))


@router.get("/persons/{person_id}/wishes", summary="A person's wishes and their verification")
def wishes_of(request: Request, actor: ActorDep, person_id: str) -> dict:
    return custody.wishes_of(_uow(request), actor, person_id)


@router.post("/wishes", status_code=201, summary="Record a repatriation wish")
def record_wish(request: Request, actor: ActorDep, body: WishIn) -> dict:
    return custody.record_wish(_uow(request), actor, body.person_id, body.kind, body.interview_id,
                               destination=body.destination)


@router.post("/wishes/{wish_id}/verify", summary="Verify a wish (ICRC delegate, private interview)")
def verify_wish(request: Request, actor: ActorDep, wish_id: str, body: VerifyIn) -> dict:
    return custody.verify_wish(_uow(request), actor, wish_id, body.interview_id)


@router.post("/medical-decisions", status_code=201, summary="Record a medical decision (medical roles)")
def medical_decision(request: Request, actor: ActorDep, body: MedicalIn) -> dict:
    return custody.record_medical_decision(_uow(request), actor, body.person_id,
                                           seriously_sick_or_wounded=body.seriously_sick_or_wounded,
                                           category=body.category, health_box=body.health_box)


@router.get("/persons/{person_id}/medical-decisions", summary="Medical decisions (medical roles; audited)")
def medical_of(request: Request, response: Response, actor: ActorDep, person_id: str, limit: Limit = 100,
               offset: Offset = 0) -> list[dict]:
    return send(request, response, custody.medical_of(_uow(request), actor, person_id), limit=limit, offset=offset)


@router.get("/exchanges", summary="Every exchange")
def list_exchanges(request: Request, response: Response, actor: ActorDep, limit: Limit = 100,
                   offset: Offset = 0) -> list[dict]:
    return send(request, response, exchanges.list_exchanges(_uow(request), actor), limit=limit, offset=offset)


@router.post("/exchanges", status_code=201, summary="Create a draft exchange")
def create_exchange(request: Request, actor: ActorDep, body: ExchangeIn) -> dict:
    return exchanges.create(_uow(request), actor, body.counterpart)


@router.get("/exchanges/{exchange_id}", summary="An exchange with eligibility, balance and reconciliation")
def show_exchange(request: Request, actor: ActorDep, exchange_id: str) -> dict:
    return exchanges.show(_uow(request), actor, exchange_id)


@router.get("/exchanges/{exchange_id}/counterpart-view", summary="What may be sent to the counterpart")
def counterpart_view(request: Request, actor: ActorDep, exchange_id: str) -> dict:
    return exchanges.for_counterpart(_uow(request), actor, exchange_id)


@router.get("/eligibility", summary="Eligibility of detainees for an outgoing list, explained")
def eligibility(request: Request, response: Response, actor: ActorDep,
                person_id: Annotated[list[str] | None, Query()] = None, limit: Limit = 100,
                offset: Offset = 0) -> list[dict]:
    items = exchanges.eligibility(_uow(request), actor, person_id, limit=limit, offset=offset)
    return send(request, response, items)


@router.post("/exchanges/{exchange_id}/outgoing", summary="List a detainee (only a verified return)")
def add_outgoing(request: Request, actor: ActorDep, exchange_id: str, body: PersonIn) -> dict:
    return exchanges.add_outgoing(_uow(request), actor, exchange_id, body.person_id)


@router.post("/exchanges/{exchange_id}/outgoing/{person_id}/withdraw", summary="Withdraw a detainee")
def withdraw(request: Request, actor: ActorDep, exchange_id: str, person_id: str, body: WithdrawIn) -> dict:
    return exchanges.remove_outgoing(_uow(request), actor, exchange_id, person_id, body.reason)


@router.post("/exchanges/{exchange_id}/incoming", summary="Add rows of a counterpart list")
def add_incoming(request: Request, actor: ActorDep, exchange_id: str, body: IncomingIn) -> dict:
    return exchanges.add_incoming_from_list(_uow(request), actor, exchange_id, body.list_id, body.rows,
                                            medical_priority=body.medical_priority)


@router.post("/exchanges/{exchange_id}/incoming/{row_id}/match", summary="Match an incoming row to own personnel")
def match_incoming(request: Request, actor: ActorDep, exchange_id: str, row_id: str, body: PersonIn) -> dict:
    return exchanges.match_incoming(_uow(request), actor, exchange_id, row_id, body.person_id)


@router.post("/exchanges/{exchange_id}/transitions", summary="propose, reopen, agree, close or cancel")
def transition(request: Request, actor: ActorDep, exchange_id: str, body: TransitionIn) -> dict:
    return exchanges.transition(_uow(request), actor, exchange_id, body.action, reason=body.reason)


@router.post("/exchanges/{exchange_id}/execution", summary="Record who crossed; reconcile; update statuses")
def execute(request: Request, actor: ActorDep, exchange_id: str, body: ExecutionIn) -> dict:
    return exchanges.execute(
        _uow(request), actor, exchange_id, crossed=body.crossed, arrived=body.arrived,
        substitutions=[(s.row_id, s.person_id, s.description) for s in body.substitutions],
        unknown_arrivals=[(u, None) for u in body.unknown_arrivals], place=body.place)


@router.get("/notices", summary="Notices for negotiators (withdrawals after a change of wish)")
def notices(request: Request, response: Response, actor: ActorDep, limit: Limit = 100,
            offset: Offset = 0) -> list[dict]:
    return send(request, response, custody.notices(_uow(request), actor, limit=limit, offset=offset))


@router.get("/notifications/due", summary="Notifications due and overdue (GC III Art. 70, 120, 122)")
def due(request: Request, response: Response, actor: ActorDep, today: date | None = None, limit: Limit = 100,
        offset: Offset = 0) -> list[dict]:
    return send(request, response, notify.due(_uow(request), actor, today, limit=limit, offset=offset))
