"""Documents on the web: the REST API under /api and the person page's forms (add for registrars, judge).

Thin entry points over ``services.documents``; the services check the role. Country names, not codes, on forms
(``domain.countries``); the person page section is ``templates/_documents.html``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from ..domain import documents as dd
from ..domain.countries import COUNTRY_NAMES, country_name
from ..domain.errors import Busy, PermissionDenied, PowBureauError, ValidationFailed
from ..domain.roles import Actor
from ..services import documents
from .api import ERRORS
from .auth import current_actor
from .i18n import Msg
from .pages import flash

api = APIRouter(prefix="/api", tags=["documents"], responses=ERRORS)
router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]
MAX_SCAN = documents.MAX_SCAN_BYTES


def template_globals() -> dict:
    """What the person page's document section needs: country names sorted by name, types, custody, judgements."""
    return {"country_name": country_name, "country_props": ("serving_power", "nationality"),
            "doc_countries": sorted(COUNTRY_NAMES.items(), key=lambda kv: kv[1]), "doc_types": dd.DOCUMENT_TYPES,
            "doc_custody": dd.CUSTODY, "doc_judgements": dd.JUDGEMENTS}


class DocumentIn(BaseModel):
    """A document found on the person: claims as written on it (names in their own script)."""

    type: str = Field(..., max_length=32, examples=["military_id"])
    issuing_state: str = Field(..., max_length=2, examples=["RU"])
    number: str = Field(..., max_length=100)
    claims: dict[str, str] = Field(..., examples=[{"name_full": "Монгуш Айдыс Сергеевич", "birth_date": "1999-07-14"}])
    issued_on: str | None = Field(None, max_length=10)
    found_place: str = Field("", max_length=200)
    found_on: str | None = Field(None, max_length=10)
    custody: str = Field("with_prisoner", max_length=32)
    custody_note: str = Field("", max_length=500)


class JudgementIn(BaseModel):
    """A judgement: ``bearer``, ``other_person``, ``forged`` or ``unknown``, and why."""

    judgement: str = Field(..., max_length=16, examples=["other_person"])
    reason: str = Field(..., max_length=500)


@api.get("/persons/{person_id}/documents")
def list_documents(request: Request, person_id: str, actor: ActorDep) -> dict:
    """Documents found on the person and documents carried by others but judged issued to him."""
    return documents.list_documents(request.app.state.bureau.uow, actor, person_id)


@api.post("/persons/{person_id}/documents", status_code=201)
def add_document(request: Request, person_id: str, body: DocumentIn, actor: ActorDep) -> dict:
    """Record a document found on the person (registrar, admin)."""
    return documents.add_document(
        request.app.state.bureau.uow, actor, person_id, doc_type=body.type, issuing_state=body.issuing_state,
        number=body.number, claims=list(body.claims.items()), issued_on=body.issued_on, found_place=body.found_place,
        found_on=body.found_on, custody=body.custody, custody_note=body.custody_note)


@api.post("/documents/{document_id}/judgements", status_code=201)
def judge(request: Request, document_id: str, body: JudgementIn, actor: ActorDep) -> dict:
    """Judge whose the document is; the latest judgement counts (registrar, admin)."""
    return documents.judge_document(request.app.state.bureau.uow, actor, document_id, body.judgement, body.reason)


@api.get("/documents/{document_id}/scan")
def scan(request: Request, document_id: str, actor: ActorDep) -> Response:
    """The document's scan (admin, registrar, ICRC delegate, auditor); every read is audited."""
    media, data, sha = documents.get_scan(request.app.state.bureau.uow, actor, document_id)
    return Response(data, media_type=media, headers={"ETag": f'"{sha}"', "Content-Disposition": "inline"})


def _back(request: Request, person_id: str, fn, ok: str, *args, **kwargs) -> Response:  # noqa: ANN001, ANN002, ANN003
    try:
        fn(*args, **kwargs)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
    else:
        flash(request, "ok", ok)  # a Msg
    return RedirectResponse(f"/persons/{person_id}#documents", status_code=303)


@router.post("/persons/{person_id}/documents")
async def add_form(
    request: Request, person_id: str, actor: ActorDep,
    doc_type: Annotated[str, Form(max_length=32)], issuing_state: Annotated[str, Form(max_length=2)],
    number: Annotated[str, Form(max_length=100)], name_full: Annotated[str, Form(max_length=500)],
    birth_date: Annotated[str, Form(max_length=10)] = "", birth_place: Annotated[str, Form(max_length=500)] = "",
    unit: Annotated[str, Form(max_length=500)] = "", service_number: Annotated[str, Form(max_length=500)] = "",
    issued_on: Annotated[str, Form(max_length=10)] = "", found_place: Annotated[str, Form(max_length=200)] = "",
    found_on: Annotated[str, Form(max_length=10)] = "", custody: Annotated[str, Form(max_length=32)] = "with_prisoner",
    custody_note: Annotated[str, Form(max_length=500)] = "", scan: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The person page's "Add a document" form (registrar, admin)."""
    data = None
    if scan is not None and scan.filename:
        data = await scan.read(MAX_SCAN + 1)
        if len(data) > MAX_SCAN:
            flash(request, "error", ValidationFailed(Msg("the scan is larger than 10 MiB")).message)
            return RedirectResponse(f"/persons/{person_id}#documents", status_code=303)
    claims = [("name_full", name_full), ("birth_date", birth_date), ("birth_place", birth_place), ("unit", unit),
              ("service_number", service_number)]
    return _back(request, person_id, documents.add_document, Msg("document recorded; judge whose it is below"),
                 request.app.state.bureau.uow, actor, person_id, doc_type=doc_type, issuing_state=issuing_state,
                 number=number, claims=[(p, v) for p, v in claims if v.strip()], issued_on=issued_on or None,
                 found_place=found_place, found_on=found_on or None, custody=custody, custody_note=custody_note,
                 scan=data, scan_name=scan.filename if data else None)


@router.post("/documents/{document_id}/judge")
def judge_form(
    request: Request, document_id: str, actor: ActorDep, person_id: Annotated[str, Form(max_length=26)],
    judgement: Annotated[str, Form(max_length=16)], reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The person page's judge form (registrar, admin)."""
    return _back(request, person_id, documents.judge_document, Msg("judgement recorded: {judgement}", judgement=Msg(dd.JUDGEMENTS[judgement])
                                                                                   if judgement in dd.JUDGEMENTS else judgement),
                 request.app.state.bureau.uow, actor, document_id, judgement, reason)
