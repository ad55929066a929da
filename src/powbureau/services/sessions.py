"""Web sessions: sign in, resume, sign out; the cookie carries a random id whose SHA-256 is the stored key.

A session ends on sign-out, on a password change or when the user is disabled (``services.users``), after an
idle period and at an absolute lifetime (``domain.sessions``; OWASP Session Management Cheat Sheet)."""

from __future__ import annotations

from ..domain.messages import Msg
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Connection

from ..domain.errors import AccountDisabled, Busy, NotAuthenticated
from ..domain.roles import Actor
from ..domain.sessions import SessionPolicy, SigninLimits, needs_touch, session_ended
from ..store import audit, sessions_repo
from ..store.uow import UnitOfWork
from .users import authenticate


def token_hash(token: str) -> str:
    """The stored key of a session: SHA-256 hex of its random id (the id itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(
    uow: UnitOfWork, name: str, password: str, *, client: str, now: datetime, limits: SigninLimits,
    policy: SessionPolicy,
) -> tuple[Actor, str]:
    """Check the password (``users.authenticate``: rate limit, same work for unknown names) and start a
    session lasting at most ``policy.lifetime``; returns the actor and the session id for the cookie (about 256
    random bits). The session and its audit entry ``session.start`` commit with the attempt's bookkeeping.

    Raises what ``authenticate`` raises: ``TooManyAttempts``, ``NotAuthenticated``, ``AccountDisabled``."""
    token = secrets.token_urlsafe(32)

    def start(conn: Connection, actor: Actor) -> None:
        sessions_repo.insert_session(conn, id_hash=token_hash(token), user=actor.name, now=now,
                                     expires=now + policy.lifetime, client=client)
        audit.append(conn, actor=actor.name, action="session.start", target=actor.name, detail={"client": client})

    actor = authenticate(uow, name, password, client=client, now=now, limits=limits, on_success=start)
    return actor, token


def resume(uow: UnitOfWork, token: str, *, now: datetime, policy: SessionPolicy) -> Actor:
    """The actor of the live session ``token`` at ``now`` (no password work). Writes ``last seen`` back at most
    once per ``policy.touch_every``. Raises ``NotAuthenticated`` saying why the session ended (unknown, signed
    out, password changed, idle, lifetime) or ``AccountDisabled``."""
    h = token_hash(token)
    with uow.read() as conn:
        record = sessions_repo.session_by_hash(conn, h)
    if record is None:
        raise NotAuthenticated(Msg("your session is not known to the bureau (signed out or expired); sign in again"))
    why = session_ended(record, now, policy)
    if why is not None:
        if not record.user_active or record.revoked_reason == "user_disabled":
            raise AccountDisabled(why)
        raise NotAuthenticated(why)
    if needs_touch(record, now, policy):
        try:  # bookkeeping only: a long import holding the write lock must not lock signed-in readers out
            with uow.transaction() as conn:
                sessions_repo.touch(conn, h, now)
        except Busy:
            pass
    return Actor(record.user, record.role)


def sign_out(uow: UnitOfWork, token: str, *, now: datetime) -> bool:
    """End the session ``token`` (audited as ``session.end``); True when an open session was ended."""
    h = token_hash(token)
    with uow.transaction() as conn:
        record = sessions_repo.session_by_hash(conn, h)
        ended = sessions_repo.revoke(conn, h, now, "signed_out") if record else 0
        if ended and record is not None:
            audit.append(conn, actor=record.user, action="session.end", target=record.user,
                         detail={"reason": "signed_out"})
    return bool(ended)
