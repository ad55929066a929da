"""The web application: wiring, middleware, and the one place that turns errors into responses.

``create_app(bureau)`` mounts the HTML pages, the REST API under /api and the static files; every
``PowBureauError`` becomes JSON ``{"error": {"code", "message"}}`` on /api and an error page elsewhere."""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ..domain.errors import Busy, PowBureauError, TooManyAttempts
from ..services.bootstrap import Bureau, bootstrap
from . import api, docs, home_pages, i18n, pages
from .auth import (
    BasicCache,
    csrf_protect,
    csrf_token,
    hash_workers,
    is_api,
    load_secret,
    session_key,
    session_policy,
    signin_limits,
)
from .limits import BodyLimit, max_upload
from .nav import bar as nav_bar
from .audit_labels import ACTION_LABELS
from .present import event_label, label, lang_of

HERE = Path(__file__).parent
log = logging.getLogger("powbureau.web")
SESSION_COOKIE = "powbureau_session"
SESSION_MAX_AGE = 8 * 3600  # seconds: one working day
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated", 403: "permission_denied",
              413: "body_too_large", 429: "too_many_attempts"}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # /docs and /redoc set their own policy (web/docs.py): one inline start-up script, nothing from elsewhere.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
}


def templates() -> Jinja2Templates:
    """The Jinja2 environment of the pages (autoescaped HTML, UTF-8)."""
    t = Jinja2Templates(directory=str(HERE / "templates"))
    t.env.globals["lang_of"] = lang_of
    t.env.globals["label"] = label
    t.env.globals["event_label"] = event_label
    t.env.globals["action_labels"] = ACTION_LABELS  # audit action code → words (the audit log, a person's trail)
    t.env.globals["csrf_token"] = csrf_token
    t.env.globals["nav_bar"] = nav_bar
    i18n.install(t.env)
    return t


def _wants_json(request: Request) -> bool:
    return is_api(request.url.path) or request.url.path == "/openapi.json"


def error_response(request: Request, status: int, code: str, message: str, details: object = None) -> Response:
    """One rendering of every error: JSON on /api, a page elsewhere; 401 on a page redirects to /login."""
    if _wants_json(request):
        with i18n.use_locale(i18n.api_language_of(request)):
            message = i18n.tr(message)
        body: dict = {"error": {"code": code, "message": message}}
        if details is not None:
            body["error"]["details"] = details
        headers = {"WWW-Authenticate": 'Basic realm="POW Bureau", charset="UTF-8"'} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        nxt = f"?next={quote(target, safe='/')}" if request.method == "GET" and target != "/" else ""
        return RedirectResponse(f"/login{nxt}", status_code=303)
    with i18n.use_locale(i18n.language_of(request)):
        return request.app.state.templates.TemplateResponse(
            request, "error.html", {"status": status, "code": code, "message": i18n.tr(message),
                                    "actor": getattr(request.state, "actor", None)},
            status_code=status,
        )


async def _bureau_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PowBureauError)
    response = error_response(request, exc.http_status, exc.code, exc.message, exc.details)
    if isinstance(exc, (Busy, TooManyAttempts)):  # RFC 9110 §10.2.3: when to send the same request again
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body",)) or "request"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    msg = "; ".join(parts) or "invalid request"
    return error_response(request, 422, "validation_failed",
                          i18n.Msg("{problems} (see /docs for the expected shape)", problems=msg))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else i18n.Msg("request refused")
    if exc.status_code == 404 and message == "Not Found":
        message = i18n.Msg("nothing at {path}; the API is listed at /docs", path=request.url.path)
    return error_response(request, exc.status_code, code, message)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal_error", i18n.Msg(
        "the bureau hit an unexpected error; nothing was written by this request; the server log has the details"))


def _announce(password: str) -> None:
    sys.stderr.write(
        "Initial web account created: user 'admin', password "
        f"'{password}'. It is shown only now: note it and sign in at /login.\n"
    )


def create_app(bureau: Bureau | None = None, *, secret: str | None = None) -> FastAPI:
    """Build the FastAPI app over ``bureau`` (None: ``bootstrap()`` from ``POWBUREAU_DB``, creating the first
    accounts and printing the initial admin password once). ``secret`` overrides the session master secret
    (default ``auth.load_secret()``: ``POWBUREAU_SECRET`` or a 0600 file outside the repository).

    Set ``POWBUREAU_COOKIE_SECURE=1`` behind HTTPS to mark the session cookie Secure; sessions and sign-in
    limits read ``POWBUREAU_IDLE_MINUTES``, ``POWBUREAU_SIGNIN_PER_USER``, ``POWBUREAU_SIGNIN_PER_ADDRESS`` and
    ``POWBUREAU_HASH_WORKERS`` (see ``web.auth``)."""
    if bureau is None:
        from ..services.users import ensure_operator

        bureau = bootstrap()
        password = ensure_operator(bureau.uow)
        if password:
            _announce(password)
    app = FastAPI(
        title="POW Bureau",
        summary="National information bureau for prisoners of war (GC III Art. 122)",
        description=(
            "REST API of the bureau. Authenticate with HTTP Basic (`curl -u NAME:PASSWORD`) or with the "
            "browser's session cookie; a write made with the session cookie must carry the session's CSRF "
            "token in the `X-CSRF-Token` header (GET /api/me returns it). Errors are "
            '`{"error": {"code": ..., "message": ...}}` with the HTTP status of the error; the `code` is stable, the '
            "`message` is in the request's Accept-Language (uk, ko, ru, en), else English."
        ),
        version="0.1.0",
        dependencies=[Depends(csrf_protect)],
        docs_url=None,
        redoc_url=None,  # served offline by web/docs.py
    )
    app.state.bureau = bureau
    app.state.templates = templates()
    app.state.basic_cache = BasicCache()
    app.state.clock = lambda: datetime.now(UTC)  # tests replace it to move time without sleeping
    app.state.session_policy = session_policy()
    app.state.signin_limits = signin_limits()
    app.state.hash_workers = hash_workers()
    master = secret or load_secret()
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_key(master, bureau.url),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=os.environ.get("POWBUREAU_COOKIE_SECURE") == "1",
    )

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        path = request.url.path
        for k, v in SECURITY_HEADERS.items():
            if k == "Content-Security-Policy" and path in ("/docs", "/redoc"):
                continue
            response.headers.setdefault(k, v)
        if not path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # outermost of ours: an oversized body is refused before anything reads it; a list upload may be larger
    app.add_middleware(BodyLimit, larger={"/imports": max_upload(), "/enquiries/import": max_upload()})
    app.add_exception_handler(PowBureauError, _bureau_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    app.include_router(api.router)
    app.include_router(home_pages.router)
    from . import registry_web  # register a person, add and retract statements (issue 9); /persons/new before
    # pages' /persons/{person_id}

    app.include_router(registry_web.api)
    app.include_router(registry_web.router)
    app.state.templates.env.globals.update(registry_web.template_globals())
    app.include_router(pages.router)
    from . import custody_api, custody_pages, review_pages  # custody (issue 5) and the review queue (issue 4)

    app.include_router(custody_api.router)
    app.include_router(custody_pages.router)
    from . import arrivals_web  # unannounced arrivals of an executed exchange (issue 9)

    app.include_router(arrivals_web.router)
    app.include_router(review_pages.api)
    app.include_router(review_pages.router)
    from . import documents_web  # documents found on a person and their judgements (issue 10)

    app.include_router(documents_web.api)
    app.include_router(documents_web.router)
    app.state.templates.env.globals.update(documents_web.template_globals())
    from . import enquiries_api  # enquiries and their answers (issue 11)

    from . import enquiries_pages

    app.include_router(enquiries_api.api)
    app.include_router(enquiries_pages.router)
    from . import imports_web  # a list imported on the web (issue 9, Build 3)

    app.include_router(imports_web.router)
    from . import lists_web  # reconcile a counterpart list on the web (issue 9, Build 3)

    app.include_router(lists_web.router)
    from . import notify_pages  # the CTA export, the sent log, capture cards for many (issue 9, Build 3)

    app.include_router(notify_pages.router)
    from . import users_pages  # accounts managed on the web by administrators (issue 9)

    app.include_router(users_pages.router)
    docs.mount(app)  # before /static: its assets live under /static/api-docs
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    return app


__all__ = ["create_app", "error_response"]
