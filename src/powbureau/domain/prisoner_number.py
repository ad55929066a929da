"""Prisoner numbers: the human-readable number the bureau gives each detainee at registration.

``PREFIX-YEAR-NNNNNN`` (e.g. ``UA-2026-000017``): the prefix names the bureau, the year is the year of
registration, the sequence never restarts and a number is never reused. It is item 12 of the capture card
(GC III Annex IV B, Art. 70); the person's internal id stays internal."""

from __future__ import annotations

import re

from .errors import ValidationFailed

DEFAULT_PREFIX = "PW"
PREFIX_RE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
NUMBER_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]{0,7})-(\d{4})-(\d{6,})\s*$")


def check_prefix(prefix: str) -> str:
    """``prefix`` upper-cased when it is 1-8 letters or digits starting with a letter; raises
    ``ValidationFailed`` naming the setting (``POWBUREAU_PRISONER_PREFIX``) otherwise."""
    p = prefix.strip().upper()
    if not PREFIX_RE.match(p):
        raise ValidationFailed(
            f"prisoner number prefix {prefix!r} is not 1-8 letters or digits starting with a letter; "
            "set POWBUREAU_PRISONER_PREFIX to e.g. UA")
    return p


def format_number(prefix: str, year: int, seq: int) -> str:
    """``format_number("UA", 2026, 17)`` → ``UA-2026-000017``. Raises ``ValidationFailed`` for a bad prefix or a
    sequence below 1."""
    if seq < 1:
        raise ValidationFailed(f"prisoner number sequence must start at 1, got {seq}")
    return f"{check_prefix(prefix)}-{year:04d}-{seq:06d}"


def looks_like_number(text: str) -> str | None:
    """The normalised number when ``text`` is written like a prisoner number (any case, outer spaces), else None."""
    m = NUMBER_RE.match(text)
    return f"{m.group(1).upper()}-{m.group(2)}-{m.group(3)}" if m else None
