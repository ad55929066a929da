"""Person: one human being the bureau knows of, identified by an opaque id, never by a name.

``kind`` is ``detainee`` (held by the detaining power, i.e. us), ``own_personnel`` (ours, missing or held by
the other side) or ``third_party`` (known to us only through others, e.g. the man a document carried by a
prisoner was issued to). Everything else about a person is a statement (see ``statement.py``)."""

from __future__ import annotations

from .messages import Msg
from dataclasses import dataclass
from datetime import datetime

from ulid import ULID

from .errors import ValidationFailed

PERSON_KINDS: tuple[str, ...] = ("detainee", "own_personnel", "third_party")


def new_id() -> str:
    """A new opaque, time-sortable identifier (ULID, 26 characters)."""
    return str(ULID())


@dataclass(frozen=True)
class Person:
    """``id`` (ULID), ``kind`` (see PERSON_KINDS), ``created_at`` (UTC), ``created_by`` (user name).

    ``external_id`` is the person's id in the list he was first imported from, if any.
    Raises ``ValidationFailed`` for an unknown kind."""

    id: str
    kind: str
    created_at: datetime
    created_by: str
    external_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in PERSON_KINDS:
            raise ValidationFailed(Msg("unknown person kind {kind!r}; choose one of: {items}", kind=self.kind, items=', '.join(PERSON_KINDS)))
