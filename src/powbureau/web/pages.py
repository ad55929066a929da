"""The HTML pages: sign-in and sign-out, the registry with cross-script search, a person with every statement.

Server-rendered Jinja2; every POST form carries the session's CSRF token (checked once, in ``auth.csrf_protect``)
and every page but /login depends on ``auth.current_actor``. What a role may see is decided by the services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.errors import IllegalTransition, NotAuthenticated, TooManyAttempts, ValidationFailed
from ..domain.lifecycle import transitions_for
from ..domain.person import PERSON_KINDS
from ..domain.roles import Actor
from ..services import cards, case, preferences, registry, sessions
from ..services.users import OPERATOR
from .i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES, PROFILE_LANG, SESSION_LANG, Msg, language_of, tr, use_locale
from .auth import (
    SESSION_KEY,
    client_address,
    csrf_token,
    current_actor,
    now_of,
    optional_actor,
    run_password_work,
    safe_next,
)

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]


def render(request: Request, name: str, context: dict, status: int = 200) -> Response:
    """Render template ``name`` with ``context`` plus the actor and pending flash messages."""
    ctx = {"actor": getattr(request.state, "actor", None), "flashes": request.session.pop("flash", [])}
    ctx.update(context)
    with use_locale(language_of(request)):
        return request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)


def flash(request: Request, kind: str, text: str) -> None:
    """Queue a message (``kind`` "ok" or "error") for the next page this session renders, translated now into
    the reader's language (``i18n.tr``: pass a ``Msg`` or an error's ``message``, never a bare English literal)."""
    with use_locale(language_of(request)):
        shown = tr(text)
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": shown}]


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:  # noqa: A002
    """The language switcher: remember ``code`` in a cookie and go back to ``next`` (a local path)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)
        if request.session.get(SESSION_KEY):  # signed in: for this session it beats his profile setting
            request.session[SESSION_LANG] = code
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002
    """The sign-in page; it explains how a first-time user gets an account."""
    if await optional_actor(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    csrf_token(request)
    return render(request, "login.html", {"next": safe_next(next), "user": "", "error": None})


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    user: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    """Check the password and start a fresh server-side session (``services.sessions.sign_in``: rate limit per
    user name and address, argon2 in a bounded worker pool). A refusal re-renders the form with the reason:
    401 wrong password or disabled account, 429 with Retry-After after too many failures."""
    user = user.strip()
    state = request.app.state
    try:
        if not user or not password:
            raise NotAuthenticated(Msg("give your user name and your password"))
        actor, token = await run_password_work(
            request, sessions.sign_in, state.bureau.uow, user, password, client=client_address(request),
            now=now_of(request), limits=state.signin_limits, policy=state.session_policy)
    except TooManyAttempts as exc:
        page = render(request, "login.html", {"next": safe_next(next), "user": user, "error": exc.message},
                      status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except NotAuthenticated as exc:
        hint = exc.message
        if user == OPERATOR:
            hint = Msg("{reason}; the local account {operator!r} works only on the command line", reason=hint,
                       operator=OPERATOR)
        return render(request, "login.html", {"next": safe_next(next), "user": user, "error": hint}, status=401)
    request.session.clear()  # a new session: no fixation, a new CSRF token
    request.session[SESSION_KEY] = token
    chosen = preferences.language(state.bureau.uow, actor)  # his profile setting beats Accept-Language
    if chosen:
        request.session[PROFILE_LANG] = chosen
    csrf_token(request)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session on the server (``services.sessions.sign_out``; a copy of the cookie is worthless after)
    and in the browser (CSRF-checked like every form), then return to the sign-in page."""
    token = request.session.get(SESSION_KEY)
    if token:
        sessions.sign_out(request.app.state.bureau.uow, token, now=now_of(request))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def registry_page(
    request: Request,
    actor: ActorDep,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The registry: a search box (any script) and one page of results (50) with the true total."""
    from .paging import nav

    hits, error = None, None
    if q.strip() or kind:
        try:
            registry.check_kind(kind or None)
            if q.strip():
                hits = registry.search(request.app.state.bureau.uow, actor, q, kind=kind or None, offset=offset)
        except ValidationFailed as exc:
            error = exc.message
    return render(request, "registry.html", {"q": q, "kind": kind, "kinds": PERSON_KINDS, "hits": hits,
                                             "error": error, "nav": nav(request, hits) if hits else None})


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, person_id: str, actor: ActorDep) -> Response:
    """One person's whole case (``services.case.person_case``): identity with names grouped and readable
    provenance, documents, custody and status history, and each further part only for roles that may see it."""
    c = case.person_case(request.app.state.bureau.uow, actor, person_id)
    view = c["person"]
    next_statuses = sorted(transitions_for(view.kind).get(view.status, ()))
    names = [g.value for g in c["names"]]
    title = view.resolved.get("name_full") or " ".join(
        v for v in (view.resolved.get("surname"), view.resolved.get("given_name")) if v
    ) or (names[0] if names else view.id)
    return render(request, "person.html", {
        "p": view, "c": c, "title": title, "next_statuses": next_statuses,
        "may_change_status": actor.can("status.change"),
        "conflict_props": {x.split(":", 1)[0] for x in view.conflicts},
    })


@router.get("/persons/{person_id}/capture-card.pdf")
def capture_card(request: Request, person_id: str, actor: ActorDep) -> Response:
    """His capture card (GC III Art. 70, Annex IV B) as a PDF download (``services.cards.card_pdf``)."""
    pdf = cards.card_pdf(request.app.state.bureau.uow, actor, person_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="capture-card-{person_id}.pdf"'})


@router.post("/persons/{person_id}/status")
def change_status(
    request: Request,
    person_id: str,
    actor: ActorDep,
    to_status: Annotated[str, Form(max_length=32)],
    place: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Change the person's status through ``services.registry.change_status`` (registrar or admin).

    A refused transition or missing place comes back as a message on the person page; a role that may not
    change status gets the 403 page from the error handler."""
    try:
        e = registry.change_status(request.app.state.bureau.uow, actor, person_id, to_status, place=place,
                                   note=note)
    except (IllegalTransition, ValidationFailed) as exc:
        flash(request, "error", exc.message)
    else:
        view = registry.show(request.app.state.bureau.uow, actor, person_id)
        name = view.resolved.get("name_full") or view.resolved.get("surname") or Msg("this person")
        flash(request, "ok", Msg("{name} (…{short}): status changed from {from_status} to {to_status} at {place}; "
                                 "see what is now due under Notifications", name=name, short=person_id[-6:],
                                 from_status=e.from_status, to_status=e.to_status, place=e.place))
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, actor: ActorDep) -> Response:
    """The signed-in user's own settings: the language of his pages (``services.preferences``)."""
    return render(request, "profile.html", {"chosen": preferences.language(request.app.state.bureau.uow, actor)})


@router.post("/profile")
def save_profile(request: Request, actor: ActorDep, language: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Store the language the user picked (empty: follow the browser again); it applies at once, in this session
    too, and at each later sign-in, wherever he signs in from."""
    try:
        chosen = preferences.set_language(request.app.state.bureau.uow, actor, language)
    except ValidationFailed as exc:
        flash(request, "error", exc.message)
        return RedirectResponse("/profile", status_code=303)
    request.session.pop(SESSION_LANG, None)
    if chosen:
        request.session[PROFILE_LANG] = chosen
    else:
        request.session.pop(PROFILE_LANG, None)
    flash(request, "ok", Msg("your settings are saved"))
    return RedirectResponse("/profile", status_code=303)
