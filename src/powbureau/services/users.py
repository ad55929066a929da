"""Users and sign-in: create accounts, hash passwords with argon2, authenticate.

The first ``init`` creates the local operator (role admin) and an initial web admin whose password is printed
once; there is never a fixed default password."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import func, insert, select, update

from ..domain.errors import Conflict, NotAuthenticated, ValidationFailed
from ..domain.roles import Actor, check_role, require
from ..store import audit
from ..store.tables import users
from ..store.uow import UnitOfWork

_hasher = PasswordHasher()
OPERATOR = "operator"
NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
#: A password hash that can never verify: the local operator signs in only through the CLI.
NO_PASSWORD = "!"


def new_password() -> str:
    """A random password of about 100 bits, easy to type (URL-safe characters)."""
    return secrets.token_urlsafe(12)


def add_user(uow: UnitOfWork, actor: Actor, name: str, role: str, password: str | None = None) -> str:
    """Create user ``name`` with ``role``; returns the password (generated when not given).

    Raises ``ValidationFailed`` for a bad name, role or a password under 10 characters, ``Conflict`` if the
    name exists, ``PermissionDenied`` unless ``actor`` may ``user.manage``."""
    require(actor, "user.manage")
    if not NAME_RE.match(name):
        raise ValidationFailed(f"user name {name!r} must be 2-64 letters, digits or . _ @ -")
    check_role(role)
    password = password or new_password()
    if len(password) < 10:
        raise ValidationFailed("a password needs at least 10 characters")
    with uow.transaction() as conn:
        same = conn.execute(select(users.c.name).where(func.lower(users.c.name) == name.lower())).first()
        if same:
            raise Conflict(f"user {same[0]!r} already exists (names are compared ignoring case); choose another name")
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
        raise NotAuthenticated(f"no active user {name!r}; run `powbureau init` or `powbureau user add`")
    return Actor(name, row.role)


def authenticate(uow: UnitOfWork, name: str, password: str) -> Actor:
    """Check ``password`` for ``name``; returns the ``Actor`` or raises ``NotAuthenticated`` (same message
    whether the user or the password is wrong)."""
    with uow.read() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    bad = NotAuthenticated("wrong user name or password")
    if row is None or not row["active"] or row["password_hash"] == NO_PASSWORD:
        raise bad
    try:
        _hasher.verify(row["password_hash"], password)
    except (VerifyMismatchError, Exception) as exc:  # any argon2 failure is a failed sign-in
        raise bad from exc
    if _hasher.check_needs_rehash(row["password_hash"]):
        with uow.transaction() as conn:
            conn.execute(update(users).where(users.c.name == name).values(password_hash=_hasher.hash(password)))
    return Actor(name, row["role"])


def reset_password(uow: UnitOfWork, actor: Actor, name: str, password: str | None = None) -> str:
    """Give user ``name`` a new password (generated when not given) and return it.

    Raises ``NotFound`` for an unknown user or the operator (who has no password), ``ValidationFailed`` for a
    password under 10 characters, ``PermissionDenied`` unless ``actor`` may ``user.manage``."""
    from ..domain.errors import NotFound

    require(actor, "user.manage")
    password = password or new_password()
    if len(password) < 10:
        raise ValidationFailed("a password needs at least 10 characters")
    with uow.transaction() as conn:
        if name == OPERATOR or not conn.execute(select(users.c.name).where(users.c.name == name)).first():
            raise NotFound(f"no web user {name!r}; create one with `powbureau user add {name} --role ROLE`")
        conn.execute(update(users).where(users.c.name == name).values(password_hash=_hasher.hash(password)))
        audit.append(conn, actor=actor.name, action="user.password", target=name)
    return password
