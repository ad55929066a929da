"""Sign-in sessions and the sign-in rate limit: the pure rules, no clock and no storage.

A session ends when its holder signs out, an administrator disables the user or changes the password, after an
idle period, or at an absolute lifetime (OWASP Session Management and Authentication Cheat Sheets)."""

from __future__ import annotations

from .messages import Msg

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: ``idle`` without a request, ``lifetime`` from sign-in whatever happens, and
    how often ``last seen`` is written back (``touch_every``, so a busy page does not write on every request)."""

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=8)
    touch_every: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class SigninLimits:
    """Failed sign-ins allowed within ``window`` per user name and per client address before sign-in is
    refused until the oldest failure leaves the window (OWASP Authentication Cheat Sheet: account lockout
    and throttling)."""

    per_user: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class SessionRecord:
    """A stored session as the rules see it (times timezone-aware, UTC)."""

    user: str
    role: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None
    user_active: bool


def session_ended(s: SessionRecord, now: datetime, policy: SessionPolicy) -> str | None:
    """Why the session ``s`` no longer admits its holder at ``now``, as a sentence for the user, or None while
    it is alive. Checks, in order: revoked (signed out, password changed, user disabled), user disabled since,
    absolute lifetime, idle timeout."""
    if s.revoked_at is not None:
        why = {
            "signed_out": Msg("you signed out"),
            "password_changed": Msg("your password was changed"),
            "user_disabled": Msg("your account was disabled"),
        }.get(s.revoked_reason or "", Msg("it was ended"))
        return Msg("your session has ended because {why}; sign in again", why=why)
    if not s.user_active:
        return Msg("your account is disabled; ask an administrator to enable it")
    if now >= s.expires_at:
        hours = round((s.expires_at - s.created_at).total_seconds() / 3600, 1)
        return Msg("your session reached its {hours}-hour limit; sign in again", hours=f"{hours:g}")
    if now - s.last_seen_at >= policy.idle:
        minutes = round(policy.idle.total_seconds() / 60)
        return Msg("your session ended after {minutes} minutes without activity; sign in again", minutes=minutes)
    return None


def needs_touch(s: SessionRecord, now: datetime, policy: SessionPolicy) -> bool:
    """True when ``last seen`` should be written back at ``now`` (it is older than ``policy.touch_every``)."""
    return now - s.last_seen_at >= policy.touch_every


def retry_after(failures: Iterable[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until one more attempt is allowed given the times of recent ``failures`` (0 when allowed now).

    Sliding window: with ``limit`` or more failures inside ``window``, the wait lasts until enough of the
    oldest ones leave it. Always at least 1 second when refused."""
    recent = sorted(t for t in failures if now - t < window)
    if len(recent) < limit:
        return 0
    oldest_to_leave = recent[len(recent) - limit]
    return max(1, math.ceil((oldest_to_leave + window - now).total_seconds()))


def wait_phrase(seconds: int) -> str:
    """``seconds`` as a phrase for a person: "in 40 seconds", "in 12 minutes"."""
    if seconds < 90:
        return Msg("in {seconds} seconds", seconds=seconds)
    return Msg("in {minutes} minutes", minutes=math.ceil(seconds / 60))
