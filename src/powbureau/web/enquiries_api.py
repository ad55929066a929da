"""Enquiries on the REST API: intake, list, show, match, judge a candidate, answer (GC III Art. 122(7), 123).

Thin entry points over ``services.enquiries``; the services check the role and ``domain.enquiry.disclose``
decides what an answer tells whom."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ..domain.roles import Actor
from ..services import enquiries, enquiry_replies, tracing
from .api import ERRORS
from .auth import current_actor

api = APIRouter(prefix="/api", tags=["enquiries"], responses=ERRORS)
ActorDep = Annotated[Actor, Depends(current_actor)]


class EnquiryIn(BaseModel):
    """One enquiry: who asks and about whom (names in any script; dates YYYY-MM-DD, YYYY-MM or YYYY)."""

    channel: str = Field(..., max_length=32, examples=["hotline"])
    names: list[str] = Field(..., min_length=1, max_length=10, examples=[["Шевченко Андрій Петрович"]])
    enquirer_name: str = Field("", max_length=500)
    enquirer_relationship: str = Field("", max_length=500, examples=["мати"])
    enquirer_contact: str = Field("", max_length=500)
    enquirer_language: str = Field("en", max_length=2, examples=["uk"])
    consent: bool = False
    birth_date: str | None = Field(None, max_length=10)
    birth_place: str = Field("", max_length=500)
    father_given_name: str = Field("", max_length=500)
    unit: str = Field("", max_length=500)
    service_number: str = Field("", max_length=500)
    last_seen_place: str = Field("", max_length=500)
    last_seen_date: str | None = Field(None, max_length=10)
    side: str | None = Field(None, max_length=8, examples=["own"])
    reference: str = Field("", max_length=500)


class CandidateJudgementIn(BaseModel):
    """``confirmed`` or ``rejected`` for a candidate (``person:…`` or ``row:…``), and why."""

    target: str = Field(..., max_length=80)
    judgement: str = Field(..., max_length=16, examples=["confirmed"])
    reason: str = Field(..., max_length=500)


@api.post("/enquiries", status_code=201)
def add(request: Request, body: EnquiryIn, actor: ActorDep) -> dict:
    """Take one enquiry and match it at once (registrar, admin)."""
    return enquiries.register_enquiry(request.app.state.bureau.uow, actor, body.model_dump())


@api.get("/enquiries")
def list_(request: Request, actor: ActorDep, state: str | None = Query(None, max_length=16)) -> list[dict]:
    """Enquiries, newest first; ``state`` filters."""
    return enquiries.list_enquiries(request.app.state.bureau.uow, actor, state=state)


@api.get("/enquiries/{enquiry_id}")
def show(request: Request, enquiry_id: str, actor: ActorDep) -> dict:
    """One enquiry with its candidates, their explanation, history and answers."""
    return enquiries.show_enquiry(request.app.state.bureau.uow, actor, enquiry_id)


@api.post("/enquiries/{enquiry_id}/match")
def match(request: Request, enquiry_id: str, actor: ActorDep) -> dict:
    """Match the enquiry again now."""
    return enquiries.match_enquiry(request.app.state.bureau.uow, actor, enquiry_id)


@api.post("/enquiries/{enquiry_id}/judgements", status_code=201)
def judge(request: Request, enquiry_id: str, body: CandidateJudgementIn, actor: ActorDep) -> dict:
    """Confirm or reject a candidate; the latest judgement counts."""
    return enquiries.judge_candidate(request.app.state.bureau.uow, actor, enquiry_id, body.target, body.judgement,
                                     body.reason)


@api.post("/enquiries/{enquiry_id}/answer", status_code=201)
def answer(request: Request, enquiry_id: str, actor: ActorDep) -> dict:
    """Answer from the confirmed candidate: only what the enquirer's channel may be told; never a wish.
    ``same_person`` lists the other enquiries of its tracing case, to answer them too."""
    uow = request.app.state.bureau.uow
    out = enquiries.answer_enquiry(uow, actor, enquiry_id)
    case = tracing.tracing_case(uow, actor, enquiry_id)
    return {**out, "same_person": [x for x in case["enquiries"] if x["id"] != enquiry_id]}


@api.get("/enquiries/{enquiry_id}/reply")
def reply(request: Request, enquiry_id: str, actor: ActorDep) -> dict:
    """The latest reply as structured data: the answer as sent and the letter in the enquirer's language (409
    until the enquiry is answered)."""
    return enquiry_replies.reply(request.app.state.bureau.uow, actor, enquiry_id)


@api.get("/enquiries/{enquiry_id}/case")
def case(request: Request, enquiry_id: str, actor: ActorDep) -> dict:
    """The tracing case of the enquiry: every enquiry about the same person, earliest first."""
    return tracing.tracing_case(request.app.state.bureau.uow, actor, enquiry_id)
