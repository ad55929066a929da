"""Who is asking: the session secret, the one dependency that yields the signed-in Actor, and CSRF checks.

A browser signs in once and carries a signed, HttpOnly, SameSite=Lax session cookie; a script sends HTTP Basic
credentials to /api. Role checks are not made here: the services call ``domain.roles.require`` themselves."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import sys
import time
from pathlib import Path

from fastapi import Request

from ..domain.errors import NotAuthenticated, PermissionDenied
from ..domain.roles import Actor
from ..services.users import actor_named, authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SECRET_ENV = "POWBUREAU_SECRET"
SECRET_FILE_ENV = "POWBUREAU_SECRET_FILE"
MIN_SECRET = 32


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
        raise NotAuthenticated("malformed HTTP Basic credentials: send base64 of 'user:password'") from None
    if not sep:
        raise NotAuthenticated("malformed HTTP Basic credentials: send base64 of 'user:password'")
    return user, password


class BasicCache:
    """Remembers recently verified HTTP Basic credentials for ``ttl`` seconds, so a script's run of API calls
    pays for one argon2 verification (about 0.25 s) instead of one per call. Only an HMAC of the credentials
    under a per-process random key is kept; failures are never cached; the user is still re-read (active,
    role) on every request. A changed password stops the old one at the latest ``ttl`` seconds later."""

    def __init__(self, ttl: float = 60.0, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._key = secrets.token_bytes(32)
        self._seen: dict[bytes, float] = {}

    def _digest(self, user: str, password: str) -> bytes:
        return hmac.new(self._key, f"{user}\x00{password}".encode(), hashlib.sha256).digest()

    def hit(self, user: str, password: str) -> bool:
        """True when these credentials were verified less than ``ttl`` seconds ago."""
        until = self._seen.get(self._digest(user, password))
        return until is not None and until > time.monotonic()

    def remember(self, user: str, password: str) -> None:
        """Record a successful verification (the oldest entry goes when the cache is full)."""
        if len(self._seen) >= self.size:
            self._seen.pop(next(iter(self._seen)))
        self._seen[self._digest(user, password)] = time.monotonic() + self.ttl


def current_actor(request: Request) -> Actor:
    """THE dependency of every protected route: the signed-in ``Actor``.

    Order: the session cookie (re-read from the users table on each request, so a deactivated user or a
    changed role takes effect at once), then HTTP Basic on /api paths. Raises ``NotAuthenticated`` (401 on
    the API, a redirect to /login on pages)."""
    uow = request.app.state.bureau.uow
    name = request.session.get("user")
    if name:
        try:
            actor = actor_named(uow, name)
        except NotAuthenticated:
            request.session.clear()
            raise NotAuthenticated("your account is no longer active; sign in again") from None
        request.state.actor = actor
        request.state.auth = "session"
        return actor
    creds = _basic_credentials(request) if is_api(request.url.path) else None
    if creds:
        cache: BasicCache = request.app.state.basic_cache
        if cache.hit(*creds):
            actor = actor_named(uow, creds[0])
        else:
            actor = authenticate(uow, *creds)
            cache.remember(*creds)
        request.state.actor = actor
        request.state.auth = "basic"
        return actor
    raise NotAuthenticated("sign in first: open /login in a browser, or send HTTP Basic credentials to /api")


def optional_actor(request: Request) -> Actor | None:
    """The session's actor or None (for pages anyone may open, such as /login)."""
    try:
        return current_actor(request) if request.session.get("user") else None
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
    if is_api(request.url.path) and not request.session.get("user"):
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
        raise CsrfRejected(
            "the form's security token is missing or out of date; reload the page and submit it again"
        )


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (another host, ``//host``, a scheme) becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
