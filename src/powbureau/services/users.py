"""Users and sign-in: create, disable and enable accounts, hash passwords with argon2, authenticate with a
rate limit and the same work for unknown names.

The first ``init`` creates the local operator (role admin) and an initial web admin whose password is printed
once; there is never a fixed default password."""

from __future__ import annotations

from ..domain.messages import Msg

import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import Connection, func, insert, select, update

from ..domain.errors import AccountDisabled, Busy, Conflict, NotAuthenticated, TooManyAttempts, ValidationFailed
from ..domain.roles import Actor, check_role, require
from ..domain.sessions import SigninLimits, retry_after, wait_phrase
from ..store import audit, sessions_repo
from ..store.tables import users
from ..store.uow import UnitOfWork

_hasher = PasswordHasher()
OPERATOR = "operator"
NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
#: A password hash that can never verify: the local operator signs in only through the CLI.
NO_PASSWORD = "!"
_DUMMY: str | None = None
_DUMMY_LOCK = threading.Lock()


def new_password() -> str:
    """A random password of about 100 bits, easy to type (URL-safe characters)."""
    return secrets.token_urlsafe(12)


def add_user(uow: UnitOfWork, actor: Actor, name: str, role: str, password: str | None = None) -> str:
    """Create user ``name`` with ``role``; returns the password (generated when not given).

    Raises ``ValidationFailed`` for a bad name, role or a password under 10 characters, ``Conflict`` if the
    name exists, ``PermissionDenied`` unless ``actor`` may ``user.manage``."""
    require(actor, "user.manage")
    if not NAME_RE.match(name):
        raise ValidationFailed(Msg("user name {name!r} must be 2-64 letters, digits or . _ @ -", name=name))
    check_role(role)
    password = password or new_password()
    if len(password) < 10:
        raise ValidationFailed(Msg("a password needs at least 10 characters"))
    with uow.transaction() as conn:
        same = conn.execute(select(users.c.name).where(func.lower(users.c.name) == name.lower())).first()
        if same:
            raise Conflict(Msg("user {value!r} already exists (names are compared ignoring case); choose another name", value=same[0]))
        conn.execute(
            insert(users).values(
                name=name, role=role, password_hash=_hasher.hash(password), created_at=datetime.now(UTC), active=True
            )
        )
        audit.append(conn, actor=actor.name, action="user.add", target=name, detail={"role": role})
    return password


def ensure_operator(uow: UnitOfWork) -> str | None:
    """Create the local operator and, on an empty database, an initial web ``admin`` account.

    Returns the admin's one-time password when it was just created (to be printed once), else None."""
    with uow.transaction() as conn:
        count = conn.execute(select(func.count()).select_from(users)).scalar_one()
        if conn.execute(select(users.c.name).where(users.c.name == OPERATOR)).first():
            return None
        now = datetime.now(UTC)
        conn.execute(
            insert(users).values(name=OPERATOR, role="admin", password_hash=NO_PASSWORD, created_at=now, active=True)
        )
        audit.append(conn, actor=OPERATOR, action="user.add", target=OPERATOR, detail={"role": "admin"})
        if count:
            return None
        password = new_password()
        conn.execute(
            insert(users).values(
                name="admin", role="admin", password_hash=_hasher.hash(password), created_at=now, active=True
            )
        )
        audit.append(conn, actor=OPERATOR, action="user.add", target="admin", detail={"role": "admin"})
        return password


def actor_named(uow: UnitOfWork, name: str) -> Actor:
    """The active user ``name`` as an ``Actor``; raises ``NotAuthenticated`` if there is none."""
    with uow.read() as conn:
        row = conn.execute(select(users.c.role, users.c.active).where(users.c.name == name)).first()
    if row is None or not row.active:
        raise NotAuthenticated(Msg("no active user {name!r}; run `powbureau init` or `powbureau user add`", name=name))
    return Actor(name, row.role)


def _dummy_hash() -> str:
    """An argon2 hash of a random password, made once, for the same work on names that cannot sign in."""
    global _DUMMY
    with _DUMMY_LOCK:
        if _DUMMY is None:
            _DUMMY = _hasher.hash(secrets.token_urlsafe(24))
        return _DUMMY


def _password_ok(stored: str | None, password: str) -> bool:
    """Verify ``password`` against ``stored``; a missing or unusable hash is checked against a dummy hash so
    the answer takes as long for an unknown name as for a known one (no user enumeration by timing)."""
    usable = stored is not None and stored != NO_PASSWORD
    try:
        ok = _hasher.verify(stored if usable else _dummy_hash(), password)
    except Exception:  # noqa: BLE001 - any argon2 failure (mismatch, corrupt hash) is a failed sign-in
        return False
    return bool(ok) and usable


def _refusal(limits: SigninLimits, by_user: list[datetime], by_client: list[datetime], now: datetime) -> None:
    wait_user = retry_after(by_user, limits.per_user, limits.window, now)
    wait_client = retry_after(by_client, limits.per_address, limits.window, now)
    wait = max(wait_user, wait_client)
    if not wait:
        return
    who = Msg("for this user name") if wait_user >= wait_client else Msg("from your address")
    at = (now + timedelta(seconds=wait)).strftime("%H:%M UTC")
    minutes = round(limits.window.total_seconds() / 60)
    raise TooManyAttempts(
        Msg("too many failed sign-ins {who} in the last {minutes} minutes; try again {wait} (after {at}), or ask an "
            "administrator to set a new password (Users page, or `powbureau user password NAME`)", who=who,
            minutes=minutes, wait=wait_phrase(wait), at=at),
        retry_after=wait,
    )


def check_signin_allowed(uow: UnitOfWork, name: str, *, client: str, now: datetime,
                         limits: SigninLimits = SigninLimits()) -> None:
    """Raise ``TooManyAttempts`` when ``limits`` refuse a sign-in as ``name`` from ``client`` at ``now``; counts
    nothing. A cheap read the web runs before queueing for password work, so refused attempts return at once;
    ``authenticate`` checks again, authoritatively."""
    with uow.read() as conn:
        by_user, by_client = sessions_repo.failure_times(conn, user_key=name.strip().lower()[:64], client=client,
                                                         since=now - limits.window)
    _refusal(limits, by_user, by_client, now)


def authenticate(
    uow: UnitOfWork,
    name: str,
    password: str,
    *,
    client: str = "local",
    now: datetime | None = None,
    limits: SigninLimits = SigninLimits(),
    on_success: Callable[[Connection, Actor], None] | None = None,
) -> Actor:
    """Check ``password`` for ``name`` (coming from ``client``, an address) and return the ``Actor``.

    Raises ``TooManyAttempts`` (with ``retry_after`` seconds) when ``limits`` are reached for the name or the
    address, before any password work; ``NotAuthenticated`` with one message whether the name or the password is
    wrong (an unknown name costs the same argon2 work); ``AccountDisabled`` only after the right password of a
    disabled user. Every attempt is counted before the password is checked (so parallel guesses count too) and
    forgotten on success. ``on_success(conn, actor)`` runs inside the transaction that closes a good attempt
    (``services.sessions`` starts a session there). Source: OWASP Authentication Cheat Sheet."""
    now = now or datetime.now(UTC)
    key = name.strip().lower()[:64]
    counted = True
    try:
        with uow.transaction() as conn:
            by_user, by_client = sessions_repo.failure_times(conn, user_key=key, client=client,
                                                             since=now - limits.window)
            _refusal(limits, by_user, by_client, now)
            sessions_repo.add_attempt(conn, user_key=key, client=client, now=now)
            row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    except Busy:  # a long import holds the write lock: check the limits read-only, count a failure afterwards
        counted = False
        with uow.read() as conn:
            by_user, by_client = sessions_repo.failure_times(conn, user_key=key, client=client,
                                                             since=now - limits.window)
            _refusal(limits, by_user, by_client, now)
            row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    ok = _password_ok(row["password_hash"] if row else None, password)
    if not ok or row is None:
        if not counted:  # may itself answer Busy (503): a failure is never left uncounted silently
            with uow.transaction() as conn:
                sessions_repo.add_attempt(conn, user_key=key, client=client, now=now)
        raise NotAuthenticated(Msg("wrong user name or password"))
    if not counted and on_success is None and row["active"]:
        return Actor(name, row["role"])  # nothing to clear or start: stay off the write lock
    if not row["active"]:
        with uow.transaction() as conn:
            sessions_repo.clear_attempts(conn, user_key=key, before=now - limits.window)
        raise AccountDisabled(Msg("the account {name!r} is disabled; ask an administrator to enable it "
                                  "(Users page, or `powbureau user enable {name}`)", name=name))
    actor = Actor(name, row["role"])
    with uow.transaction() as conn:
        sessions_repo.clear_attempts(conn, user_key=key, before=now - limits.window)
        if _hasher.check_needs_rehash(row["password_hash"]):
            conn.execute(update(users).where(users.c.name == name).values(password_hash=_hasher.hash(password)))
        if on_success is not None:
            on_success(conn, actor)
    return actor


def actor_and_stamp(uow: UnitOfWork, name: str) -> tuple[Actor, str] | None:
    """The user ``name`` as an ``Actor`` with a stamp of the current password hash (it changes whenever the
    password does), or None for no such user. Raises ``AccountDisabled`` for a disabled user. Lets a cache of
    verified HTTP Basic credentials notice a password change without argon2 work."""
    with uow.read() as conn:
        row = conn.execute(select(users.c.role, users.c.active, users.c.password_hash)
                           .where(users.c.name == name)).first()
    if row is None:
        return None
    if not row.active:
        raise AccountDisabled(Msg("the account {name!r} is disabled; ask an administrator to enable it", name=name))
    return Actor(name, row.role), hashlib.sha256(row.password_hash.encode()).hexdigest()[:32]


def reset_password(uow: UnitOfWork, actor: Actor, name: str, password: str | None = None) -> str:
    """Give user ``name`` a new password (generated when not given) and return it.

    Raises ``NotFound`` for an unknown user or the operator (who has no password), ``ValidationFailed`` for a
    password under 10 characters, ``PermissionDenied`` unless ``actor`` may ``user.manage``."""
    from ..domain.errors import NotFound

    require(actor, "user.manage")
    password = password or new_password()
    if len(password) < 10:
        raise ValidationFailed(Msg("a password needs at least 10 characters"))
    with uow.transaction() as conn:
        if name == OPERATOR or not conn.execute(select(users.c.name).where(users.c.name == name)).first():
            raise NotFound(Msg("no web user {name!r}; create one on the Users page or with "
                               "`powbureau user add {name} --role ROLE`", name=name))
        conn.execute(update(users).where(users.c.name == name).values(password_hash=_hasher.hash(password)))
        ended = sessions_repo.revoke_all(conn, name, datetime.now(UTC), "password_changed")
        audit.append(conn, actor=actor.name, action="user.password", target=name, detail={"sessions_ended": ended})
    return password


def set_enabled(uow: UnitOfWork, actor: Actor, name: str, enabled: bool) -> dict:
    """Disable (``enabled=False``) or enable user ``name``; returns ``{"name", "active", "changed",
    "sessions_ended"}``. Disabling ends every session of the user at once, refuses further sign-ins (web form
    and HTTP Basic) and is audited (``user.disable`` / ``user.enable``); doing it twice changes nothing.

    Raises ``PermissionDenied`` unless ``actor`` may ``user.manage``, ``NotFound`` for an unknown user,
    ``ValidationFailed`` for the local operator or for disabling oneself (either would lock the bureau out)."""
    from ..domain.errors import NotFound

    require(actor, "user.manage")
    if name == OPERATOR:
        raise ValidationFailed(Msg("the local account {OPERATOR!r} cannot be disabled: the command line acts as it; whoever can run the CLI can open the database anyway", OPERATOR=OPERATOR))
    if not enabled and name == actor.name:
        raise ValidationFailed(Msg("you cannot disable your own account; ask another administrator"))
    with uow.transaction() as conn:
        row = conn.execute(select(users.c.active).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(Msg("no user {name!r}; create one on the Users page or with "
                               "`powbureau user add {name} --role ROLE`", name=name))
        changed = bool(row.active) != enabled
        ended = 0
        if changed:
            conn.execute(update(users).where(users.c.name == name).values(active=enabled))
        if not enabled:
            ended = sessions_repo.revoke_all(conn, name, datetime.now(UTC), "user_disabled")
        if changed or ended:
            audit.append(conn, actor=actor.name, action="user.enable" if enabled else "user.disable", target=name,
                         detail={"sessions_ended": ended})
    return {"name": name, "active": enabled, "changed": changed, "sessions_ended": ended}


def list_users(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Every account, by name: ``{"name", "role", "active", "created_at", "last_sign_in", "operator"}``, where
    ``last_sign_in`` is the start of the user's latest web session (None if he never signed in on the web) and
    ``operator`` marks the local command-line account. Raises ``PermissionDenied`` unless ``actor`` may
    ``user.manage``."""
    from ..store.tables import sessions

    require(actor, "user.manage")
    last = (select(sessions.c.user_name, func.max(sessions.c.created_at).label("last_sign_in"))
            .group_by(sessions.c.user_name).subquery())
    with uow.read() as conn:
        rows = conn.execute(
            select(users.c.name, users.c.role, users.c.active, users.c.created_at, last.c.last_sign_in)
            .outerjoin(last, last.c.user_name == users.c.name).order_by(users.c.name)
        ).mappings().all()
    return [{**r, "active": bool(r["active"]), "operator": r["name"] == OPERATOR} for r in rows]
