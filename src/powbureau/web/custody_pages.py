"""HTML pages for custody: interviews and the interpreter roster, wishes, exchanges, due notifications.

Server-rendered forms over ``services.custody``, ``services.exchanges`` and ``services.notify``; a refusal by a
rule (a wish not verified, an illegal transition) comes back as a message on the same page, changing nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.errors import Busy, PermissionDenied, PowBureauError
from ..domain.exchange import TRANSITIONS
from ..domain.interview import PURPOSES
from ..domain.notifications import HEALTH_BOX
from ..domain.roles import Actor
from ..domain.wish import WISH_KINDS
from ..services import custody, exchanges, notify
from ..services.paging import DEFAULT_LIMIT, MAX_LIMIT, cut
from .auth import current_actor
from .i18n import Msg, N_
from .present import person_named
from .pages import flash, render
from .paging import Offset, nav

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]
VERB_OF = {"proposed": "propose", "draft": "reopen", "agreed": "agree", "closed": "close", "cancelled": "cancel"}


def _uow(request: Request):  # noqa: ANN202
    return request.app.state.bureau.uow


def _back(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _who(request: Request, actor: Actor, person_id: str) -> str:
    """A person as messages name him: his name and short id (``web.present.person_named``)."""
    return person_named(request.app.state.bureau.uow, actor, person_id)


def _try(request: Request, ok: str, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """Run a service call; a rule's refusal becomes an error message (a missing role still gets the 403 page, a
    busy database the 503 page with Retry-After)."""
    try:
        result = fn(*args, **kwargs)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
        return None
    if ok:  # a Msg template whose fields name the result's keys (``{id}``, ``{state}``)
        flash(request, "ok", Msg(ok, **result) if isinstance(result, dict) and "{" in ok else Msg(ok))
    return result


def _or_empty(fn, *args):  # noqa: ANN001, ANN002, ANN202
    try:
        return fn(*args)
    except PermissionDenied:
        return []


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.replace(";", ",").split(",") if x.strip()]


# ----- interviews -----------------------------------------------------------------------------------------------
@router.get("/interviews", response_class=HTMLResponse)
def interviews_page(request: Request, actor: ActorDep, person: Annotated[str, Query(max_length=26)] = "",
                    offset: Offset = 0) -> Response:
    """Interviews (100 a page), the form to record one, the interpreter roster and who waits for an interpreter
    (the first 100; the API pages through all)."""
    uow = _uow(request)
    items = custody.list_interviews(uow, actor, person or None, limit=DEFAULT_LIMIT, offset=offset)
    waiting = custody.waiting(uow, actor, limit=DEFAULT_LIMIT)
    return render(request, "custody/interviews.html", {
        "items": items, "nav": nav(request, items), "roster": custody.roster(uow, actor), "waiting": waiting,
        "waiting_total": waiting.total, "detainees": custody.detainee_choices(uow, actor, limit=MAX_LIMIT),
        "purposes": PURPOSES, "person": person,
        "may_write": actor.can("interview.write"), "may_roster": actor.can("interpreter.manage"),
    })


@router.post("/interviews")
def record_interview(
    request: Request, actor: ActorDep,
    person_id: Annotated[str, Form(max_length=26)], purpose: Annotated[str, Form(max_length=32)],
    language: Annotated[str, Form(max_length=16)], where: Annotated[str, Form(max_length=200)] = "",
    interpreter: Annotated[str, Form(max_length=200)] = "", supplied_by: Annotated[str, Form(max_length=200)] = "",
    present: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Record an interview; a wish or private interview leads on to the wishes page with it selected."""
    r = _try(request, "", custody.record_interview,
             _uow(request), actor, person_id, purpose=purpose, language=language, where=where,
             interpreter=interpreter or None, supplied_by=supplied_by or None, present=_split(present))
    if r:
        flash(request, "ok", Msg("interview with {name} recorded ({purpose}, {language})",
                                 name=_who(request, actor, person_id), purpose=r["purpose"], language=r["language"]))
    if r and r["purpose"] in ("wish", "icrc_private"):
        return _back(f"/wishes?interview={r['id']}")
    return _back("/interviews")


@router.post("/interviews/interpreters")
def add_interpreter(
    request: Request, actor: ActorDep, name: Annotated[str, Form(max_length=200)],
    languages: Annotated[str, Form(max_length=200)], supplied_by: Annotated[str, Form(max_length=200)] = "independent",
) -> Response:
    """Put an interpreter on the roster."""
    _try(request, N_("interpreter {name} is on the roster"), custody.add_interpreter, _uow(request), actor, name,
         _split(languages), supplied_by)
    return _back("/interviews")


# ----- wishes ---------------------------------------------------------------------------------------------------
@router.get("/wishes", response_class=HTMLResponse)
def wishes_page(request: Request, actor: ActorDep, interview: Annotated[str, Query(max_length=26)] = "",
                offset: Offset = 0) -> Response:
    """Every detainee's latest wish (100 a page, those with a wish first); forms to record a wish (in an
    interview) and, for the delegate, verify one."""
    uow = _uow(request)
    overview = custody.wish_overview(uow, actor, limit=DEFAULT_LIMIT, offset=offset)
    ivs = [i for i in _or_empty(custody.list_interviews, uow, actor) if i["purpose"] in ("wish", "icrc_private")]
    unverified = [o for o in overview if o["latest"] and not o["latest"]["verified"]]
    private = [i for i in ivs if i["purpose"] == "icrc_private" and i["conducted_by"] == actor.name]
    return render(request, "custody/wishes.html", {
        "overview": overview, "nav": nav(request, overview), "interviews": ivs, "selected": interview, "kinds": WISH_KINDS,
        "unverified": unverified, "private": private, "may_write": actor.can("wish.write"),
        "may_verify": actor.can("wish.verify"),
    })


@router.post("/wishes")
def record_wish(
    request: Request, actor: ActorDep, interview_id: Annotated[str, Form(max_length=26)],
    kind: Annotated[str, Form(max_length=16)], destination: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Record a wish taken in the chosen interview (the person is the interview's)."""
    uow = _uow(request)
    iv = _try(request, "", custody.wish_interview, uow, actor, interview_id)
    if iv is None:
        return _back("/wishes")
    r = _try(request, "", custody.record_wish, uow, actor, iv["person_id"], kind, interview_id,
             destination=destination or None)
    if r:
        flash(request, "ok", Msg("wish '{kind}' of {name} recorded; it is not verified until an ICRC delegate "
                                 "confirms it in a private interview", kind=kind, name=iv["person_name"]))
        for n in r["notices"]:
            flash(request, "error", n["message"])
    return _back("/wishes")


@router.post("/wishes/verify")
def verify_wish(
    request: Request, actor: ActorDep, wish_id: Annotated[str, Form(max_length=26)],
    interview_id: Annotated[str, Form(max_length=26)],
) -> Response:
    """The delegate verifies a wish in his private interview."""
    r = _try(request, "", custody.verify_wish, _uow(request), actor, wish_id, interview_id)
    if r:
        flash(request, "ok", Msg("wish of {name} verified: {kind}", kind=r["wish"]["kind"],
                                 name=_who(request, actor, r["wish"]["person_id"])))
    return _back("/wishes")


# ----- exchanges ------------------------------------------------------------------------------------------------
@router.get("/exchanges", response_class=HTMLResponse)
def exchanges_page(request: Request, actor: ActorDep, offset: Offset = 0) -> Response:
    """Every exchange (100 a page) and the form to start one."""
    items = cut(exchanges.list_exchanges(_uow(request), actor), limit=DEFAULT_LIMIT, offset=offset)
    return render(request, "custody/exchanges.html", {
        "items": items, "nav": nav(request, items), "may_write": actor.can("exchange.write")})


@router.post("/exchanges")
def create_exchange(request: Request, actor: ActorDep, counterpart: Annotated[str, Form(max_length=200)]) -> Response:
    """Start a draft exchange."""
    r = _try(request, N_("exchange created (draft)"), exchanges.create, _uow(request), actor, counterpart)
    return _back(f"/exchanges/{r['id']}" if r else "/exchanges")


@router.get("/exchanges/{exchange_id}", response_class=HTMLResponse)
def exchange_page(request: Request, exchange_id: str, actor: ActorDep, offset: Offset = 0) -> Response:
    """One exchange: lists, eligibility per person with its explanation (100 detainees a page), transitions,
    execution, reconciliation."""
    uow = _uow(request)
    x = exchanges.show(uow, actor, exchange_id)
    listed = {e["person_id"] for e in x["outgoing"]}
    page = exchanges.eligibility(uow, actor, limit=DEFAULT_LIMIT, offset=offset)
    candidates = [c for c in page if c["person_id"] not in listed]
    verbs = [(VERB_OF[s], s) for s in sorted(TRANSITIONS[x["state"]]) if s in VERB_OF]
    from ..services import arrivals  # unannounced arrivals to register (issue 9)

    return render(request, "custody/exchange.html", {
        "x": x, "candidates": candidates, "nav": nav(request, page), "verbs": verbs, "lists": exchanges.counterpart_lists(uow, actor),
        "may_write": actor.can("exchange.write"), "arrivals": arrivals.unannounced(uow, actor, exchange_id),
        "may_register": actor.can("person.write"),
    })


@router.post("/exchanges/{exchange_id}/outgoing")
def add_outgoing(request: Request, exchange_id: str, actor: ActorDep,
                 person_id: Annotated[str, Form(max_length=26)]) -> Response:
    """List a detainee; refused (with the reasons) unless his latest wish is a verified return."""
    if _try(request, "", exchanges.add_outgoing, _uow(request), actor, exchange_id, person_id) is not None:
        flash(request, "ok", Msg("{name} added to the outgoing list", name=_who(request, actor, person_id)))
    return _back(f"/exchanges/{exchange_id}")


@router.post("/exchanges/{exchange_id}/withdraw")
def withdraw(request: Request, exchange_id: str, actor: ActorDep, person_id: Annotated[str, Form(max_length=26)],
             reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Take a detainee off the outgoing list."""
    if _try(request, "", exchanges.remove_outgoing, _uow(request), actor, exchange_id, person_id, reason) is not None:
        flash(request, "ok", Msg("{name} withdrawn from the outgoing list", name=_who(request, actor, person_id)))
    return _back(f"/exchanges/{exchange_id}")


@router.post("/exchanges/{exchange_id}/incoming")
def add_incoming(request: Request, exchange_id: str, actor: ActorDep,
                 list_id: Annotated[str, Form(max_length=26)]) -> Response:
    """Put every row of a counterpart list on the incoming list, matched where the linkage is sure."""
    _try(request, N_("incoming rows added"), exchanges.add_incoming_from_list, _uow(request), actor, exchange_id, list_id)
    return _back(f"/exchanges/{exchange_id}")


@router.post("/exchanges/{exchange_id}/transition")
def transition(request: Request, exchange_id: str, actor: ActorDep, action: Annotated[str, Form(max_length=16)],
               reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """propose, reopen, agree, close or cancel."""
    _try(request, N_("exchange is now {state}"), exchanges.transition, _uow(request), actor, exchange_id, action,
         reason=reason)
    return _back(f"/exchanges/{exchange_id}")


@router.post("/exchanges/{exchange_id}/execute")
def execute(
    request: Request, exchange_id: str, actor: ActorDep,
    crossed: Annotated[list[str], Form()] = [], arrived: Annotated[list[str], Form()] = [],  # noqa: B006
    unknown: Annotated[str, Form(max_length=2000)] = "", place: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Record who actually crossed; the reconciliation and status changes follow."""
    _try(request, N_("execution recorded: {state}"), exchanges.execute, _uow(request), actor, exchange_id,
         crossed=crossed, arrived=arrived, unknown_arrivals=[(u.strip(), None) for u in unknown.splitlines()
                                                             if u.strip()], place=place.strip() or "crossing point")
    return _back(f"/exchanges/{exchange_id}")


# ----- notifications --------------------------------------------------------------------------------------------
@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, actor: ActorDep, offset: Offset = 0) -> Response:
    """What is due and overdue (capture cards, health reports, death notices, enquiry replies), 100 a page, with
    the export to the CTA and the capture-card form (``web/notify_pages.py``)."""
    items = notify.due(_uow(request), actor, limit=DEFAULT_LIMIT, offset=offset)
    seen: set[str] = set()
    for i in items:  # one capture-card tick-box per person, on his first row: person_ids never repeats
        i["card_box"] = bool(i["person_id"]) and i["person_id"] not in seen
        seen.add(i["person_id"])
    return render(request, "custody/notifications.html", {
        "items": items, "nav": nav(request, items), "due_total": items.total,
        "overdue": items.overdue, "health_box": HEALTH_BOX,
        "may_export": actor.can("notify.export")})
