"""Who is asking: the session secret, the one dependency that yields the signed-in Actor, and CSRF checks.

A browser signs in once and carries a signed, HttpOnly, SameSite=Lax cookie holding a random session id that the
server can revoke; a script sends HTTP Basic credentials to /api. Role checks are made by the services."""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import hashlib
import hmac
import os
import secrets
import sys
import time
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import Request

from ..domain.errors import NotAuthenticated, PermissionDenied
from ..domain.messages import Msg
from ..domain.roles import Actor
from ..domain.sessions import SessionPolicy, SigninLimits
from ..services import sessions
from ..services.users import actor_and_stamp, authenticate, check_signin_allowed

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SECRET_ENV = "POWBUREAU_SECRET"
SECRET_FILE_ENV = "POWBUREAU_SECRET_FILE"
MIN_SECRET = 32
IDLE_ENV = "POWBUREAU_IDLE_MINUTES"
#: The key in the signed cookie holding the random session id (the server keeps only its SHA-256).
SESSION_KEY = "sid"
T = TypeVar("T")


class CsrfRejected(PermissionDenied):
    """A form or session-authenticated API write whose CSRF token is missing or wrong (OWASP CSRF guidance)."""

    code = "csrf_failed"


def secret_path() -> Path:
    """Where the generated session secret lives: ``POWBUREAU_SECRET_FILE`` or
    ``$XDG_CONFIG_HOME/powbureau/secret`` (default ``~/.config/powbureau/secret``): outside any repository."""
    if os.environ.get(SECRET_FILE_ENV):
        return Path(os.environ[SECRET_FILE_ENV]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "powbureau" / "secret"


def load_secret() -> str:
    """The master secret: ``POWBUREAU_SECRET`` (at least 32 characters) or the secret file, created on first
    start with 64 random hex characters and mode 0600 (its folder 0700). A file readable by others is
    narrowed to 0600. Raises ``ValueError`` for a too-short ``POWBUREAU_SECRET``."""
    env = os.environ.get(SECRET_ENV)
    if env:
        if len(env) < MIN_SECRET:
            raise ValueError(f"{SECRET_ENV} must be at least {MIN_SECRET} characters; use e.g. `openssl rand -hex 32`")
        return env
    path = secret_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        value = path.read_text(encoding="ascii").strip()
        if len(value) < MIN_SECRET:
            raise ValueError(f"the session secret in {path} is too short; delete the file to have a new one made")
        return value
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    print(f"powbureau: session secret created in {path} (mode 0600)", file=sys.stderr)
    return value


def session_key(master: str, database_url: str) -> str:
    """The key that signs session cookies: HMAC-SHA256 of the database URL under ``master``, so a cookie from
    one bureau's database is worthless against another served with the same secret."""
    return hmac.new(master.encode(), b"powbureau-session\x1f" + database_url.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use (32 random bytes, URL-safe)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def is_api(path: str) -> bool:
    """True for paths of the REST API (``/api`` and below)."""
    return path == "/api" or path.startswith("/api/")


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise NotAuthenticated(Msg("malformed HTTP Basic credentials: send base64 of 'user:password'")) from None
    if not sep:
        raise NotAuthenticated(Msg("malformed HTTP Basic credentials: send base64 of 'user:password'"))
    return user, password


class BasicCache:
    """Remembers recently verified HTTP Basic credentials for ``ttl`` seconds, so a script's run of API calls
    pays for one argon2 verification (about 0.25 s) instead of one per call. Only an HMAC of the credentials
    under a per-process random key is kept, with a stamp of the password hash they matched; failures are never
    cached. The user is re-read on every request, so a disabled user or a changed password (new stamp) stops
    the cached credentials at once."""

    def __init__(self, ttl: float = 60.0, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._key = secrets.token_bytes(32)
        self._seen: dict[bytes, tuple[float, str]] = {}

    def _digest(self, user: str, password: str) -> bytes:
        return hmac.new(self._key, f"{user}\x00{password}".encode(), hashlib.sha256).digest()

    def stamp(self, user: str, password: str) -> str | None:
        """The password-hash stamp these credentials verified against less than ``ttl`` seconds ago, or None."""
        seen = self._seen.get(self._digest(user, password))
        return seen[1] if seen is not None and seen[0] > time.monotonic() else None

    def remember(self, user: str, password: str, stamp: str) -> None:
        """Record a successful verification against the password hash ``stamp`` (the oldest entry goes when
        the cache is full)."""
        if len(self._seen) >= self.size:
            self._seen.pop(next(iter(self._seen)))
        self._seen[self._digest(user, password)] = (time.monotonic() + self.ttl, stamp)


def _settings_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def session_policy() -> SessionPolicy:
    """The session policy: idle timeout ``POWBUREAU_IDLE_MINUTES`` (default 30), lifetime 8 hours."""
    return SessionPolicy(idle=timedelta(minutes=_settings_int(IDLE_ENV, 30)), lifetime=timedelta(hours=8))


def signin_limits() -> SigninLimits:
    """Failed sign-ins allowed in 15 minutes: ``POWBUREAU_SIGNIN_PER_USER`` (default 5) per user name and
    ``POWBUREAU_SIGNIN_PER_ADDRESS`` (default 20) per client address."""
    return SigninLimits(per_user=_settings_int("POWBUREAU_SIGNIN_PER_USER", 5),
                        per_address=_settings_int("POWBUREAU_SIGNIN_PER_ADDRESS", 20))


def hash_workers() -> int:
    """How many argon2 checks may run at once: ``POWBUREAU_HASH_WORKERS`` or min(4, CPUs - 1), at least 1. Each
    check holds a CPU for about 0.3 s; the bound keeps CPUs and threads free for signed-in users."""
    return _settings_int("POWBUREAU_HASH_WORKERS", max(1, min(4, (os.cpu_count() or 2) - 1)))


_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


async def run_password_work(request: Request, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run ``fn(uow, name, password, ...)`` (a sign-in that verifies an argon2 hash) in a worker thread, at most
    ``hash_workers()`` at a time. A name or address over its sign-in limit is refused first, without queueing
    (``TooManyAttempts``). Waiting happens on the event loop and holds no thread, so a flood of wrong passwords
    queues here while requests of signed-in sessions (which do no argon2 work) go on."""
    state = request.app.state
    await anyio.to_thread.run_sync(functools.partial(
        check_signin_allowed, state.bureau.uow, str(args[1]), client=client_address(request), now=now_of(request),
        limits=state.signin_limits))
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(request.app.state.hash_workers)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=limiter)


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, run uvicorn with ``--proxy-headers`` and
    ``--forwarded-allow-ips`` so this is the real client, not the proxy)."""
    return (request.client.host if request.client else "") or "unknown"


def now_of(request: Request) -> datetime:
    """The app's clock (tests replace ``app.state.clock``)."""
    return request.app.state.clock()


async def current_actor(request: Request) -> Actor:
    """THE dependency of every protected route: the signed-in ``Actor``.

    Order: the session cookie's id, looked up in the ``sessions`` table on each request (so sign-out, a
    password change, disabling the user, idle timeout and the 8-hour lifetime take effect at once; no argon2
    work), then HTTP Basic on /api paths (rate-limited, argon2 bounded by ``run_password_work``, verified
    credentials cached per process). Raises ``NotAuthenticated`` (401 on the API, a redirect to /login on
    pages), ``AccountDisabled`` or ``TooManyAttempts`` (429 with Retry-After)."""
    state = request.app.state
    uow = state.bureau.uow
    token = request.session.get(SESSION_KEY)
    if token:
        try:
            actor = await anyio.to_thread.run_sync(
                functools.partial(sessions.resume, uow, token, now=now_of(request), policy=state.session_policy))
        except NotAuthenticated:
            request.session.clear()
            raise
        request.state.actor = actor
        request.state.auth = "session"
        return actor
    creds = _basic_credentials(request) if is_api(request.url.path) else None
    if creds:
        cache: BasicCache = state.basic_cache
        remembered = cache.stamp(*creds)
        known = await anyio.to_thread.run_sync(actor_and_stamp, uow, creds[0]) if remembered else None
        if known is not None and known[1] == remembered:
            actor = known[0]
        else:
            actor = await run_password_work(request, authenticate, uow, *creds, client=client_address(request),
                                            now=now_of(request), limits=state.signin_limits)
            fresh = await anyio.to_thread.run_sync(actor_and_stamp, uow, creds[0])
            if fresh is not None:
                cache.remember(*creds, fresh[1])
        request.state.actor = actor
        request.state.auth = "basic"
        return actor
    raise NotAuthenticated(Msg("sign in first: open /login in a browser, or send HTTP Basic credentials to /api"))


async def optional_actor(request: Request) -> Actor | None:
    """The session's actor or None (for pages anyone may open, such as /login)."""
    try:
        return await current_actor(request) if request.session.get(SESSION_KEY) else None
    except NotAuthenticated:
        return None


async def csrf_protect(request: Request) -> None:
    """THE CSRF check, run before every route: an unsafe request carried by a session cookie (or any HTML form
    POST, sign-in included) must echo the session's token in the ``csrf_token`` form field or the
    ``X-CSRF-Token`` header. API requests without a session (HTTP Basic, anonymous) are exempt: the API
    takes only ``application/json`` bodies, which another site cannot send without a CORS preflight that
    this app never grants. Raises ``CsrfRejected`` (403)."""
    if request.method in SAFE_METHODS:
        return
    if is_api(request.url.path) and not request.session.get(SESSION_KEY):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected).encode(), sent.encode()):
        raise CsrfRejected(Msg("the form's security token is missing or out of date; reload the page and submit it again"))


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (another host, ``//host``, a scheme) becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
