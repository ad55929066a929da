"""Enquiry pages: the list with its states, the intake form (one, or a hotline file), one enquiry with its
candidates, judgements, answer preview and reply letter, and the tracing case (GC III Art. 122(7), 123).

Thin entry points over ``services.enquiries``, ``services.enquiry_replies`` and ``services.tracing``; the services
check the role, ``domain.enquiry.disclose`` decides what the answer tells whom."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.enquiry import CHANNELS, SIDES, STATES, audience_of
from ..domain.messages import Msg
from ..domain.errors import Busy, PermissionDenied, PowBureauError, ValidationFailed
from ..domain.notifications import DeadlinePolicy
from ..domain.roles import Actor
from ..services import enquiries, enquiry_replies, tracing
from . import uploads
from .auth import current_actor
from .i18n import N_
from .limits import max_upload
from .pages import flash, render
from .paging import nav

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]
PAGE = 100
FIELDS = ("channel", "reference", "enquirer_name", "enquirer_relationship", "enquirer_contact", "enquirer_language",
          "names", "birth_date", "birth_place", "father_given_name", "unit", "service_number", "last_seen_place",
          "last_seen_date", "side")
REPLY_LANGUAGES = ("uk", "ru", "ko", "en")

# The codes the enquiry pages show through ``_(label(code))``, listed so that ``pybabel extract`` finds them.
VOCABULARY: tuple[str, ...] = (
    N_("open"), N_("possible hit"), N_("answered"), N_("found"), N_("not yet found"), N_("withheld"),
    N_("hotline"), N_("letter"), N_("cta"), N_("national society"), N_("own"), N_("enemy"),
    N_("confirmed"), N_("rejected"), N_("agree"), N_("close"), N_("disagree"), N_("missing"), N_("name"),
    N_("family"), N_("power"), N_("last seen place"), N_("last seen date"), N_("held by"), N_("place"), N_("fate"), N_("health"), N_("outcome"),
)


def _due(received_at: str) -> str:
    """The reply deadline of an enquiry received at ``received_at`` (ISO): the bureau's policy (14 days)."""
    return (datetime.fromisoformat(received_at) + timedelta(DeadlinePolicy().enquiry_days)).date().isoformat()


@router.get("/enquiries", response_class=HTMLResponse)
def list_page(request: Request, actor: ActorDep, state: Annotated[str, Query(max_length=16)] = "",
              offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """Enquiries newest first, 100 a page; ``state`` filters (open, possible_hit, answered, closed)."""
    if state and state not in STATES:
        raise ValidationFailed(Msg("state {value!r} is not one of {allowed}", value=state, allowed=", ".join(STATES)))
    page = enquiries.list_enquiries(request.app.state.bureau.uow, actor, state=state or None, limit=PAGE,
                                    offset=offset)
    for r in page:
        r["due"] = _due(r["received_at"]) if r["state"] in ("open", "possible_hit") else ""
    return render(request, "enquiries/list.html", {"items": page, "state": state, "states": STATES,
                                                    "nav": nav(request, page),
                                                    "may_write": actor.can("enquiry.write")})


def _form(request: Request, values: dict, error: str | None = None, status: int = 200) -> Response:
    return render(request, "enquiries/new.html", {"v": values, "error": error, "channels": CHANNELS,
                                                   "sides": SIDES, "reply_languages": REPLY_LANGUAGES}, status=status)


@router.get("/enquiries/new", response_class=HTMLResponse)
def new_page(request: Request, actor: ActorDep) -> Response:
    """The intake form (registrar, admin): who asks, and about whom."""
    if not actor.can("enquiry.write"):
        raise PermissionDenied(Msg("{user} ({role}) may not take enquiries; ask a registrar", user=actor.name,
                                   role=actor.role))
    return _form(request, {"enquirer_language": "uk", "channel": "hotline"})


@router.post("/enquiries/new")
async def new_submit(request: Request, actor: ActorDep) -> Response:
    """Take one enquiry (``services.enquiries.register_enquiry``) and show it with its first candidates."""
    form = await request.form()
    # no cut here: the domain refuses an over-long field by name (a cut would drop a name silently)
    values = {k: str(form.get(k) or "")[:6000] for k in FIELDS}
    values["consent"] = form.get("consent") == "yes"
    body = {**values, "names": [n for n in values["names"].splitlines() if n.strip()][:10]}
    try:
        view = enquiries.register_enquiry(request.app.state.bureau.uow, actor, body)
    except ValidationFailed as exc:
        return _form(request, values, exc.message, status=422)
    hits = sum(1 for c in view["candidates"] if c["proposed"])
    flash(request, "ok", Msg("enquiry …{short} recorded; possible hits: {count}", short=view["id"][-6:], count=hits))
    return RedirectResponse(f"/enquiries/{view['id']}", status_code=303)


@router.post("/enquiries/import")
async def import_submit(request: Request, actor: ActorDep,
                        file: Annotated[UploadFile | None, File()] = None) -> Response:
    """A hotline's CSV/XLSX/JSON of enquiries, all or nothing (``services.enquiries.import_enquiries``)."""
    if not actor.can("enquiry.write"):
        raise PermissionDenied(Msg("{user} ({role}) may not take enquiries; ask a registrar", user=actor.name,
                                   role=actor.role))
    folder = None
    try:
        _, path = await uploads.stage(file, actor.name, max_upload())
        folder = path.parent
        out = enquiries.import_enquiries(request.app.state.bureau.uow, actor, path)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
        return RedirectResponse("/enquiries/new#bulk", status_code=303)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    flash(request, "ok", Msg("enquiries imported: {count}; with a possible hit: {hits}", count=out["imported"],
                             hits=out["possible_hits"]))
    return RedirectResponse("/enquiries", status_code=303)


def _candidates(view: dict, labels: dict[str, str]) -> list[dict]:
    out = []
    for c in view["candidates"]:
        name = next((e["candidate"] for e in c["explanation"] if e["field"] == "name"), "")
        t = c["target"]
        if t.startswith("person:"):
            link, where = f"/persons/{t[7:]}", ""
        else:
            list_id, _, line = t[4:].partition("#")
            link, where = None, f"{labels.get(list_id, list_id)}, row {line}"
        out.append({**c, "name": name, "link": link, "where": where})
    return out


@router.get("/enquiries/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, actor: ActorDep) -> Response:
    """A tracing case: every enquiry about the same person (``services.tracing``)."""
    c = tracing.tracing_case(request.app.state.bureau.uow, actor, case_id)
    return render(request, "enquiries/case.html", {"case": c})


@router.get("/enquiries/{enquiry_id}", response_class=HTMLResponse)
def show_page(request: Request, enquiry_id: str, actor: ActorDep) -> Response:
    """One enquiry: who asks, about whom, history, ranked candidates with their explanation, the judgement
    forms, the answer as the disclosure rule lets it out, the reply letter and the tracing case."""
    uow = request.app.state.bureau.uow
    view = enquiries.show_enquiry(uow, actor, enquiry_id)
    preview = enquiry_replies.preview_answer(uow, actor, enquiry_id)
    case = tracing.tracing_case(uow, actor, enquiry_id)
    return render(request, "enquiries/show.html", {
        "e": view, "candidates": _candidates(view, enquiries.list_labels(uow)), "preview": preview,
        "audience": audience_of(view["channel"]), "case": case,
        "others": [x for x in case["enquiries"] if x["id"] != enquiry_id],
        "due": _due(view["received_at"]) if view["state"] in ("open", "possible_hit") else "",
        "may_judge": actor.can("enquiry.judge"), "may_answer": actor.can("enquiry.answer"),
        "may_match": actor.can("enquiry.write"), "answerable": view["state"] in ("open", "possible_hit"),
    })


def _back(request: Request, enquiry_id: str, fn, ok, *args) -> Response:  # noqa: ANN001, ANN002
    try:
        out = fn(*args)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
    else:
        flash(request, "ok", ok(out) if callable(ok) else ok)
    return RedirectResponse(f"/enquiries/{enquiry_id}", status_code=303)


@router.post("/enquiries/{enquiry_id}/judge")
def judge_form(request: Request, enquiry_id: str, actor: ActorDep, target: Annotated[str, Form(max_length=80)],
               judgement: Annotated[str, Form(max_length=16)],
               reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Confirm or reject a candidate, with a reason (a revisable judgement; the latest counts)."""
    return _back(request, enquiry_id, enquiries.judge_candidate, Msg("{target}: {judgement} recorded (revisable)", target=target, judgement=judgement),
                 request.app.state.bureau.uow, actor, enquiry_id, target, judgement, reason)


@router.post("/enquiries/{enquiry_id}/match")
def match_form(request: Request, enquiry_id: str, actor: ActorDep) -> Response:
    """Match the enquiry again now."""
    return _back(request, enquiry_id, enquiries.match_enquiry, Msg("matched again"),
                 request.app.state.bureau.uow, actor, enquiry_id)


@router.post("/enquiries/{enquiry_id}/answer")
def answer_form(request: Request, enquiry_id: str, actor: ActorDep) -> Response:
    """Answer the enquiry; the message names the other enquiries of its tracing case, to answer them too."""
    uow = request.app.state.bureau.uow

    def ok(out: dict) -> Msg:
        others = [x for x in tracing.tracing_case(uow, actor, enquiry_id)["enquiries"] if x["id"] != enquiry_id]
        if not others:
            return Msg("answered ({outcome}); the reply letter is ready", outcome=out["outcome"])
        return Msg("answered ({outcome}); the reply letter is ready; the same person is sought by {others}",
                   outcome=out["outcome"], others=", ".join(
                       f"{x['enquirer'] or x['channel']} (…{x['id'][-6:]}, {x['state'].replace('_', ' ')})"
                       for x in others))
    return _back(request, enquiry_id, enquiries.answer_enquiry, ok, uow, actor, enquiry_id)


@router.get("/enquiries/{enquiry_id}/reply.pdf")
def reply_pdf(request: Request, enquiry_id: str, actor: ActorDep) -> Response:
    """The reply letter as PDF, in the enquirer's language."""
    pdf = enquiry_replies.reply_pdf(request.app.state.bureau.uow, actor, enquiry_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="reply-{enquiry_id}.pdf"'})
