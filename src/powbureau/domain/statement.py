"""Statements: one fact about a person with its provenance; append-only.

A correction retracts and adds, it never overwrites (followthemoney/nomenklatura). A statement's id is a
hash of its content, so re-recording the same fact from the same source is idempotent."""

from __future__ import annotations

from .messages import Msg
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from .errors import ValidationFailed

SOURCE_KINDS: tuple[str, ...] = (
    "self_declared",
    "document",
    "counterpart_list",
    "observation",
    "third_party",
    "icrc_confirmed",
)

#: Documented source priority for the resolved view: lower index wins (DESIGN §2 "Resolved view").
#: A value confirmed by the ICRC outranks an identity document, which outranks what the person says,
#: which outranks our observation, a third party and finally the other side's list.
SOURCE_PRIORITY: tuple[str, ...] = (
    "icrc_confirmed",
    "document",
    "self_declared",
    "observation",
    "third_party",
    "counterpart_list",
)

NAME_PROPERTIES: frozenset[str] = frozenset(
    {"name_full", "surname", "given_name", "patronymic", "father_given_name", "mother_maiden_name", "alias"}
)

PROPERTIES: frozenset[str] = frozenset(
    {
        "name_full", "surname", "given_name", "patronymic", "alias", "birth_date", "birth_place",
        "service_number", "service_branch", "rank", "unit", "serving_power", "nationality",
        "father_given_name", "mother_maiden_name", "language", "next_of_kin", "capture_date",
        "capture_place", "notes", "gender", "age", "age_recorded_on", "age_system",
        "medical_condition", "medical_note", "wound", "diagnosis", "treatment", "seriously_ill",
    }
)

MAX_VALUE_LENGTH = 500


@dataclass(frozen=True)
class Statement:
    """One fact: ``person_id``'s ``prop`` is ``value`` according to ``source_kind``/``source_ref``.

    ``original`` keeps the value exactly as the source wrote it; ``script`` is set for names ("hangul",
    "cyrillic", "latin", ...). ``recorded_at`` is a timezone-aware UTC datetime. ``alias`` marks a name the
    person is also known by. Raises ``ValidationFailed`` for an unknown property or source kind, an empty
    value or a value longer than 500 characters."""

    person_id: str
    prop: str
    value: str
    source_kind: str
    source_ref: str
    recorded_by: str
    recorded_at: datetime
    original: str | None = None
    script: str | None = None
    alias: bool = False
    interview_id: str | None = None
    id: str = field(default="")

    def __post_init__(self) -> None:
        if self.prop not in PROPERTIES:
            raise ValidationFailed(Msg("unknown property {prop!r}; known: {items}", prop=self.prop, items=', '.join(sorted(PROPERTIES))))
        if self.source_kind not in SOURCE_KINDS:
            raise ValidationFailed(
                Msg("unknown source kind {source_kind!r}; choose one of: {items}", source_kind=self.source_kind, items=', '.join(SOURCE_KINDS))
            )
        if not self.value or not self.value.strip():
            raise ValidationFailed(Msg("empty value for {prop}", prop=self.prop))
        if len(self.value) > MAX_VALUE_LENGTH:
            raise ValidationFailed(
                Msg("{prop} is {count} characters long; the limit is {MAX_VALUE_LENGTH}", prop=self.prop, count=len(self.value), MAX_VALUE_LENGTH=MAX_VALUE_LENGTH)
            )
        if not self.id:
            object.__setattr__(self, "id", statement_id(self))


def statement_id(s: Statement) -> str:
    """Content hash (sha256, 32 hex chars) of who/what/source; the same fact from the same source has one id."""
    return statement_id_of(s.person_id, s.prop, s.value, s.source_kind, s.source_ref, s.alias)


def statement_id_of(person_id: str, prop: str, value: str, source_kind: str, source_ref: str, alias: bool) -> str:
    """The id ``statement_id`` gives a statement with these fields (for bulk paths that build no object)."""
    key = "\x1f".join([person_id, prop, value, source_kind, source_ref, "1" if alias else "0"])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Retraction:
    """Withdraws statement ``statement_id`` with a ``reason``, by ``retracted_by`` at ``retracted_at``."""

    statement_id: str
    reason: str
    retracted_by: str
    retracted_at: datetime

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValidationFailed(Msg("a retraction needs a reason"))
