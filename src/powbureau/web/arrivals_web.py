"""Unannounced arrivals of an executed exchange on the web (issue 9, Build 3): register each as our own personnel
or link him to the record we hold, from the exchange page.

Thin entry points over ``services.arrivals`` (registrars and administrators: ``person.write``); the forms are in
``templates/custody/_arrivals.html``. Arrivals are numbered from 1 in the URL, in the execution record's order."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ..domain.errors import Busy, PermissionDenied, PowBureauError
from ..domain.roles import Actor
from ..services import arrivals, registration
from .auth import current_actor
from .i18n import N_
from .pages import flash
from .registry_web import FIELDS, Text, _name, _t

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]


def _done(request: Request, actor: Actor, exchange_id: str, fn, **kwargs) -> Response:  # noqa: ANN001
    """Run ``fn`` (a ``services.arrivals`` call); say what happened and what to do next, or why nothing did."""
    try:
        r = fn(request.app.state.bureau.uow, actor, exchange_id, **kwargs)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        reason = "; ".join(f"{p.property.replace('_', ' ')}: {p.message}" for p in exc.problems) \
            if isinstance(exc, registration.RegistrationRefused) else exc.message
        flash(request, "error", _t(request, N_("Nothing was registered: %(reason)s. Correct it and try again."),
                                   reason=reason))
    else:
        who = _name(request, actor, r["person_id"])
        if r["created"]:
            text = N_("%(who)s, who arrived unannounced, is registered as our own personnel and returned. Next: "
                      "interview him to confirm who he is, and record what he says on his page.")
        else:
            text = N_("%(who)s, who arrived unannounced, is linked to his record and returned. Next: check his page "
                      "and record what he says about his captivity.")
        flash(request, "ok", _t(request, text, who=who))
    return RedirectResponse(f"/exchanges/{exchange_id}#h-arrivals", status_code=303)


@router.post("/exchanges/{exchange_id}/arrivals/{number}/register")
def register(
    request: Request, exchange_id: str, number: int, actor: ActorDep, surname: Text = "", given_names: Text = "",
    name_original: Text = "", birth_date: Text = "", service_number: Text = "", rank: Text = "", unit: Text = "",
) -> Response:
    """Register arrival ``number`` as a new own-personnel record (provenance "arrived unannounced in exchange
    with …") and record his return."""
    form = {"surname": surname, "given_names": given_names, "name_original": name_original,
            "birth_date": birth_date, "service_number": service_number, "rank": rank, "unit": unit}
    return _done(request, actor, exchange_id, arrivals.register_arrival, index=number - 1,
                 values={FIELDS[k]: v for k, v in form.items()})


@router.post("/exchanges/{exchange_id}/arrivals/{number}/link")
def link(request: Request, exchange_id: str, number: int, actor: ActorDep,
         person_id: Annotated[str, Form(max_length=26)]) -> Response:
    """Link arrival ``number`` to the own-personnel record ``person_id`` we already hold and record his return."""
    return _done(request, actor, exchange_id, arrivals.register_arrival, index=number - 1, person_id=person_id)

