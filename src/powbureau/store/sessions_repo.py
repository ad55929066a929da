"""Rows of sign-in sessions and counted sign-in failures; every function runs on the caller's connection.

Times go in and come out timezone-aware UTC (SQLite hands back naive datetimes; they are read as UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from ..domain.sessions import SessionRecord
from .tables import sessions, signin_failures, users


def utc(dt: datetime) -> datetime:
    """``dt`` as an aware UTC datetime (a naive value from SQLite is UTC already)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def insert_session(conn: Connection, *, id_hash: str, user: str, now: datetime, expires: datetime,
                   client: str) -> None:
    """Store a new session (``id_hash``: SHA-256 hex of the cookie's session id)."""
    conn.execute(insert(sessions).values(id_hash=id_hash, user_name=user, created_at=now, last_seen_at=now,
                                         expires_at=expires, revoked_at=None, revoked_reason=None,
                                         client=client[:64]))


def session_by_hash(conn: Connection, id_hash: str) -> SessionRecord | None:
    """The session stored under ``id_hash`` with its user's role and ``active`` flag, or None."""
    row = conn.execute(
        select(sessions, users.c.active, users.c.role)
        .join(users, users.c.name == sessions.c.user_name)
        .where(sessions.c.id_hash == id_hash)
    ).mappings().first()
    if row is None:
        return None
    return SessionRecord(
        user=row["user_name"], role=row["role"], created_at=utc(row["created_at"]), last_seen_at=utc(row["last_seen_at"]),
        expires_at=utc(row["expires_at"]), revoked_at=utc(row["revoked_at"]) if row["revoked_at"] else None,
        revoked_reason=row["revoked_reason"], user_active=bool(row["active"]),
    )


def touch(conn: Connection, id_hash: str, now: datetime) -> None:
    """Record activity on the session at ``now``."""
    conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=now))


def revoke(conn: Connection, id_hash: str, now: datetime, reason: str) -> int:
    """End one session (if still open); returns how many rows changed (0 or 1)."""
    return conn.execute(
        update(sessions).where(sessions.c.id_hash == id_hash, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    ).rowcount


def revoke_all(conn: Connection, user: str, now: datetime, reason: str) -> int:
    """End every open session of ``user``; returns how many were ended."""
    return conn.execute(
        update(sessions).where(sessions.c.user_name == user, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    ).rowcount


def failure_times(conn: Connection, *, user_key: str, client: str, since: datetime) -> tuple[list[datetime],
                                                                                             list[datetime]]:
    """Times of failed (or in-flight) sign-ins since ``since``: (for ``user_key``, from ``client``)."""
    by_user = conn.execute(select(signin_failures.c.at).where(signin_failures.c.user_key == user_key,
                                                              signin_failures.c.at >= since)).scalars()
    u = [utc(t) for t in by_user]
    by_client = conn.execute(select(signin_failures.c.at).where(signin_failures.c.client == client,
                                                                signin_failures.c.at >= since)).scalars()
    return u, [utc(t) for t in by_client]


def add_attempt(conn: Connection, *, user_key: str, client: str, now: datetime) -> None:
    """Count one sign-in attempt (kept as a failure unless ``clear_attempts`` removes it)."""
    conn.execute(insert(signin_failures).values(user_key=user_key[:64], client=client[:64], at=now))


def clear_attempts(conn: Connection, *, user_key: str, before: datetime) -> None:
    """After a successful sign-in: forget that user's failures, and everyone's older than ``before``."""
    conn.execute(delete(signin_failures).where(signin_failures.c.user_key == user_key))
    conn.execute(delete(signin_failures).where(signin_failures.c.at < before))


def open_sessions(conn: Connection, user: str) -> int:
    """How many sessions of ``user`` are not revoked (expired ones included)."""
    return conn.execute(select(func.count()).select_from(sessions).where(
        sessions.c.user_name == user, sessions.c.revoked_at.is_(None))).scalar_one()
