"""Registry duties on the web (issue 9, Build 3): register a person, add a statement, retract one with a reason.

Thin entry points over ``services.registration`` and ``services.registry``, which check the role (registrars and
administrators register and record; medical details only by medical staff). The form names of /persons/new are a
contract the browser tests code against: see ``FIELDS``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..domain.countries import COUNTRY_NAMES
from ..domain.errors import ValidationFailed
from ..domain.roles import RESTRICTED_PROPERTIES, Actor
from ..services import registration, registry
from .api import ERRORS
from .auth import current_actor
from .i18n import N_, gettext, language_of, use_locale
from .pages import flash, render
from .present import person_named

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]

#: form field of /persons/new → the property it records (``services.registration.PROPERTIES``).
FIELDS: dict[str, str] = {
    "surname": "surname", "given_names": "given_name", "name_original": "name_full", "birth_date": "birth_date",
    "serving_power": "serving_power", "service_number": "service_number", "rank": "rank", "unit": "unit",
    "place_of_birth": "birth_place", "captured_on": "capture_date", "captured_at": "capture_place",
    "language": "language",
}
FIELD_OF = {prop: name for name, prop in FIELDS.items()}
Text = Annotated[str, Form(max_length=600)]


def template_globals() -> dict:
    """What the person page's statement forms need: the properties the reader may record and whether he may
    retract a statement of a property."""
    return {"statement_props": registration.statement_choices, "may_retract": registration.may_retract}


def _t(request: Request, message: str, **values: str) -> str:
    """``message`` in the language of the page that will show it, with ``values`` filled in."""
    with use_locale(language_of(request)):
        return gettext(message) % values


def _name(request: Request, actor: Actor, person_id: str) -> str:
    """A person as messages name him: his name and short id (``web.present.person_named``)."""
    return person_named(request.app.state.bureau.uow, actor, person_id)


def _form(request: Request, actor: Actor, values: dict[str, str], *, kind: str = "detainee",
          source_kind: str = "self_declared", problems: dict[str, str] | None = None, status: int = 200) -> Response:
    choices = registration.registration_choices(actor)
    return render(request, "registry/new_person.html", {
        "choices": choices, "v": values, "kind": kind, "source_kind": source_kind, "problems": problems or {},
        "countries": sorted(COUNTRY_NAMES.items(), key=lambda kv: kv[1])}, status=status)


@router.get("/persons/new", response_class=HTMLResponse)
def new_person(request: Request, actor: ActorDep) -> Response:
    """The registration form (registrar, admin): kind, names (Latin and his own script), birth date (partial dates
    allowed), serving power, service number, rank, unit, place of birth, capture day and place, language."""
    return _form(request, actor, {})


@router.post("/persons", response_class=HTMLResponse)
def register(
    request: Request, actor: ActorDep, kind: Annotated[str, Form(max_length=32)] = "",
    surname: Text = "", given_names: Text = "", name_original: Text = "", birth_date: Text = "",
    serving_power: Text = "", service_number: Text = "", rank: Text = "", unit: Text = "", place_of_birth: Text = "",
    captured_on: Text = "", captured_at: Text = "", language: Text = "",
    source_kind: Annotated[str, Form(max_length=32)] = "self_declared",
) -> Response:
    """Register the person (``services.registration.register_person``, provenance "registered on the web by
    <user>") and go to his page (303). Wrong values re-show the form (422) with what was typed and each wrong
    field named."""
    form = {"surname": surname, "given_names": given_names, "name_original": name_original,
            "birth_date": birth_date, "serving_power": serving_power, "service_number": service_number,
            "rank": rank, "unit": unit, "place_of_birth": place_of_birth, "captured_on": captured_on,
            "captured_at": captured_at, "language": language}
    uow = request.app.state.bureau.uow
    try:
        pid = registration.register_person(
            uow, actor, kind, {FIELDS[k]: v for k, v in form.items()}, source_kind=source_kind,
            source_ref=f"registered on the web by {actor.name}")
    except registration.RegistrationRefused as exc:
        problems = {FIELD_OF.get(p.property, p.property): p.message for p in exc.problems}
        return _form(request, actor, form, kind=kind, source_kind=source_kind, problems=problems, status=422)
    who = _name(request, actor, pid)
    if kind == "detainee":
        text = _t(request, N_("%(who)s is registered as a detainee (captured). Next: record his registration "
                           "interview, then change his status to registered to give him a prisoner number."), who=who)
    else:
        text = _t(request, N_("%(who)s is registered as one of our own personnel (missing). Next: reconcile the "
                           "counterpart's lists against own personnel to find him on them."), who=who)
    flash(request, "ok", text)
    return RedirectResponse(f"/persons/{pid}", status_code=303)


@router.post("/persons/{person_id}/statements")
def add_statement(
    request: Request, person_id: str, actor: ActorDep, prop: Annotated[str, Form(alias="property", max_length=40)],
    value: Annotated[str, Form(max_length=500)], note: Annotated[str, Form(max_length=150)] = "",
    source_kind: Annotated[str, Form(max_length=32)] = "observation",
) -> Response:
    """Record one statement about him (``services.registry.add_statement``: registrar and admin; medical
    properties only by medical staff), with the provenance "added on the web by <user>" and the note."""
    ref = (f"added on the web by {actor.name}" + (f": {note.strip()}" if note.strip() else ""))[:200]
    uow = request.app.state.bureau.uow
    try:
        registry.add_statement(uow, actor, person_id, prop, value, source_kind=source_kind, source_ref=ref)
    except ValidationFailed as exc:
        from .pages import person_page

        flash(request, "error", _t(request, N_("Nothing was recorded for %(who)s: %(reason)s. Correct the value and "
                                               "send it again."), who=_name(request, actor, person_id),
                                   reason=exc.message))
        # his page again (422), the form filled in as sent
        request.state.statement_draft = {"property": prop, "value": value, "note": note, "source_kind": source_kind}
        page = person_page(request, person_id, actor)
        page.status_code = 422
        return page
    else:
        flash(request, "ok", _t(request, N_("Recorded for %(who)s: %(property)s = %(value)s. A wrong statement is "
                                         "never edited: retract it with a reason and add the right one."),
                                who=_name(request, actor, person_id), property=prop.replace("_", " "),
                                # a flash lives in the readable session cookie: never a medical detail in it
                                value="…" if prop in RESTRICTED_PROPERTIES else value.strip()))
    return RedirectResponse(f"/persons/{person_id}#h-statements", status_code=303)


@router.post("/persons/{person_id}/statements/{statement_id}/retract")
def retract(request: Request, person_id: str, statement_id: str, actor: ActorDep,
            reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Retract one of his statements with a required reason (``services.registry.retract_statement``); it stays
    on his page struck through, with who, when and why."""
    uow = request.app.state.bureau.uow
    who = _name(request, actor, person_id)
    try:
        prop = registry.retract_statement(uow, actor, statement_id, reason.strip(), person_id=person_id)
    except ValidationFailed as exc:
        flash(request, "error", _t(request, N_("Nothing was retracted for %(who)s: %(reason)s."), who=who,
                                   reason=exc.message))
    else:
        flash(request, "ok", _t(request, N_("Retracted for %(who)s, with your reason: %(reason)s. It stays on his "
                                         "page struck through; add the right value if you know it."), who=who,
                                reason="…" if prop in RESTRICTED_PROPERTIES else reason.strip()))
    return RedirectResponse(f"/persons/{person_id}#h-statements", status_code=303)


# ----- the same duties in the REST API ----------------------------------------------------------------------------
api = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


class PersonIn(BaseModel):
    """A person to register: ``kind`` and his values by property (``services.registration.PROPERTIES``; partial
    birth dates ``YYYY`` or ``YYYY-MM`` allowed), and how we know them."""

    kind: Literal["detainee", "own_personnel"]
    values: dict[str, Annotated[str, Field(max_length=500)]] = Field(
        ..., examples=[{"surname": "Paek", "given_name": "Kwang Hyok", "name_full": "백광혁", "birth_date": "1999"}])
    source_kind: str = Field("self_declared", max_length=32)


class PersonCreated(BaseModel):
    """The new person's id."""

    id: str


class RetractIn(BaseModel):
    """Why the statement is withdrawn (kept in the record)."""

    reason: str = Field(..., min_length=1, max_length=500)


@api.post("/persons", response_model=PersonCreated, status_code=201)
def api_register(request: Request, body: PersonIn, actor: ActorDep) -> PersonCreated:
    """Register one person (registrar, admin); wrong values are error ``validation_failed`` whose ``details``
    name each property and what is wrong."""
    pid = registration.register_person(request.app.state.bureau.uow, actor, body.kind, body.values,
                                       source_kind=body.source_kind,
                                       source_ref=f"registered through the API by {actor.name}")
    return PersonCreated(id=pid)


@api.post("/persons/{person_id}/statements/{statement_id}/retract")
def api_retract(request: Request, person_id: str, statement_id: str, body: RetractIn, actor: ActorDep) -> dict:
    """Retract one of his statements with a reason (registrar, admin; medical ones by medical staff); returns the
    statement with its ``retraction`` (who, when, why)."""
    uow = request.app.state.bureau.uow
    registry.retract_statement(uow, actor, statement_id, body.reason.strip(), person_id=person_id)
    view = registry.show(uow, actor, person_id)
    return next(s for s in view.statements if s["id"] == statement_id)
