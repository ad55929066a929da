"""The Users page: administrators list accounts, add one, set a new password, disable and enable (``user.manage``).

A generated password is shown once, on the page that answers the POST: never in a URL, a redirect, a flash
message (flashes live in the signed, readable session cookie) or a log; the page is sent ``Cache-Control: no-store``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.errors import Busy, PermissionDenied, PowBureauError
from ..domain.roles import ROLES, Actor, require
from ..services import users
from .auth import current_actor
from .i18n import gettext, language_of, use_locale
from .pages import flash, render

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]


def _page(request: Request, actor: Actor, **extra: object) -> Response:
    """The list with the add form; ``extra`` adds a one-time ``secret`` block or a form ``error``."""
    ctx = {"accounts": users.list_users(request.app.state.bureau.uow, actor), "roles": ROLES,
           "secret": None, "error": None, "form": {"name": "", "role": "registrar"}}
    ctx.update(extra)
    return render(request, "users.html", ctx, status=422 if extra.get("error") else 200)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, actor: ActorDep) -> Response:
    """Every account with its role, state and last web sign-in, and the form to add one (administrators only)."""
    return _page(request, actor)


@router.post("/users", response_class=HTMLResponse)
def add_user(request: Request, actor: ActorDep, name: Annotated[str, Form(max_length=64)] = "",
             role: Annotated[str, Form(max_length=32)] = "") -> Response:
    """Create the account (``services.users.add_user``) and show its generated password once on this page; a bad
    name or role, or a name in use, re-renders the form with the reason (422)."""
    require(actor, "user.manage")
    name = name.strip()
    try:
        password = users.add_user(request.app.state.bureau.uow, actor, name, role)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        return _page(request, actor, error=exc.message, form={"name": name, "role": role})
    return _page(request, actor, secret={"name": name, "password": password, "new": True})


@router.post("/users/{name}/password", response_class=HTMLResponse)
def reset_password(request: Request, name: str, actor: ActorDep) -> Response:
    """Give ``name`` a new generated password (his sessions end) and show it once on this page."""
    require(actor, "user.manage")
    try:
        password = users.reset_password(request.app.state.bureau.uow, actor, name)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        return _page(request, actor, error=exc.message)
    return _page(request, actor, secret={"name": name, "password": password, "new": False})


@router.post("/users/{name}/enabled")
def set_enabled(request: Request, name: str, actor: ActorDep,
                enabled: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Disable (``enabled=0``) or enable (``enabled=1``) ``name``; disabling ends his sessions at once. The outcome
    comes back as a message on the Users page (no secret in it)."""
    require(actor, "user.manage")
    on = enabled == "1"
    try:
        users.set_enabled(request.app.state.bureau.uow, actor, name, on)
    except (PermissionDenied, Busy):
        raise
    except PowBureauError as exc:
        flash(request, "error", exc.message)
    else:
        with use_locale(language_of(request)):
            text = (gettext("%(name)s is enabled and may sign in again") if on else
                    gettext("%(name)s is disabled: the account's sessions have ended and it cannot sign in"))
        flash(request, "ok", text % {"name": name})
    return RedirectResponse("/users", status_code=303)
