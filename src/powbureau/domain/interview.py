"""Interviews and the interpreter roster.

An interview records when, where, why, in which language and through which interpreter a person spoke; an
interpreter supplied by an interested party is not an independent channel (ICRC practice, GC III Art. 126)."""

from __future__ import annotations

from .messages import Msg
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .errors import PermissionDenied, ValidationFailed
from .roles import Actor

PURPOSES: tuple[str, ...] = ("registration", "medical", "wish", "icrc_private")

#: ``interpreter_supplied_by`` value for an interpreter no interested party supplied (ICRC's own, or neutral).
INDEPENDENT = "independent"


def normalise_language(code: str) -> str:
    """A language tag as stored: stripped, lower case, ``_`` → ``-`` (``"ko"``, ``"ru"``, ``"tyv"``).

    Raises ``ValidationFailed`` for an empty tag. Tags are ISO 639 codes or BCP 47 tags; any tag is accepted."""
    tag = (code or "").strip().lower().replace("_", "-")
    if not tag:
        raise ValidationFailed(Msg("language is empty; give an ISO 639 code such as 'ko' or 'ru'"))
    return tag


def as_utc(when: datetime, what: str = "time") -> datetime:
    """``when`` converted to UTC; raises ``ValidationFailed`` for a naive datetime (no time zone)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationFailed(Msg("{what} {value} has no time zone; give it in UTC (e.g. ...T10:00:00+00:00)", what=what, value=when.isoformat()))
    try:
        return when.astimezone(timezone.utc)
    except OverflowError:
        raise ValidationFailed(Msg("{what} {value} lies outside the calendar once converted to UTC; give a real date", what=what, value=when.isoformat())) from None


@dataclass(frozen=True)
class Interview:
    """One interview with one person.

    ``when`` is a timezone-aware datetime (stored in UTC); ``purpose`` one of PURPOSES; ``language`` the language
    the person spoke (ISO 639); ``interpreter`` the interpreter's name or None; ``interpreter_supplied_by`` is
    ``"independent"`` or the name of the interested party that supplied him (required with an interpreter, None
    without one); ``conducted_by`` the user who led it; ``present`` everyone else in the room (names).
    Raises ``ValidationFailed`` for an unknown purpose, a naive ``when``, or an interpreter without his supplier."""

    id: str
    person_id: str
    when: datetime
    where: str
    purpose: str
    language: str
    interpreter: str | None
    interpreter_supplied_by: str | None
    conducted_by: Actor
    present: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id or not self.person_id:
            raise ValidationFailed(Msg("an interview needs an id and a person_id"))
        if self.purpose not in PURPOSES:
            raise ValidationFailed(
                Msg("unknown interview purpose {purpose!r}; choose one of: {items}", purpose=self.purpose, items=', '.join(PURPOSES))
            )
        object.__setattr__(self, "when", as_utc(self.when, "interview time"))
        object.__setattr__(self, "language", normalise_language(self.language))
        object.__setattr__(self, "present", tuple(self.present))
        interpreter = (self.interpreter or "").strip() or None
        supplied = (self.interpreter_supplied_by or "").strip() or None
        if interpreter and not supplied:
            raise ValidationFailed(
                Msg("interview {id}: say who supplied interpreter {interpreter!r} ({INDEPENDENT!r} or the name of the party that supplied him)", id=self.id, interpreter=interpreter, INDEPENDENT=INDEPENDENT)
            )
        if supplied and not interpreter:
            raise ValidationFailed(Msg("interview {id}: interpreter_supplied_by is set but no interpreter is named", id=self.id))
        object.__setattr__(self, "interpreter", interpreter)
        object.__setattr__(self, "interpreter_supplied_by", supplied)

    @property
    def has_independent_interpreter(self) -> bool:
        """True when an interpreter was used and no interested party supplied him."""
        return self.interpreter is not None and self.interpreter_supplied_by == INDEPENDENT

    @property
    def interpreter_is_interested(self) -> bool:
        """True when the interpreter was supplied by an interested party (not an independent channel)."""
        return self.interpreter is not None and self.interpreter_supplied_by != INDEPENDENT

    @property
    def is_without_witnesses(self) -> bool:
        """True when nobody but the interviewer and the interpreter was present (GC III Art. 126: interviews
        "without witnesses"). Names are compared case-insensitively."""
        allowed = {self.conducted_by.name.casefold()}
        if self.interpreter:
            allowed.add(self.interpreter.casefold())
        return all(name.strip().casefold() in allowed for name in self.present if name.strip())


@dataclass(frozen=True)
class Interpreter:
    """An interpreter the bureau can call: ``name``, ``languages`` (ISO 639 tags) and ``supplied_by``
    (``"independent"`` or the interested party that provides him)."""

    name: str
    languages: frozenset[str]
    supplied_by: str = INDEPENDENT

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationFailed(Msg("an interpreter needs a name"))
        object.__setattr__(self, "languages", frozenset(normalise_language(x) for x in self.languages))

    @property
    def independent(self) -> bool:
        """True when no interested party supplies this interpreter."""
        return self.supplied_by == INDEPENDENT


@dataclass(frozen=True)
class InterpreterRoster:
    """The interpreters available, looked up by language. Immutable: ``with_interpreter`` returns a new roster."""

    interpreters: tuple[Interpreter, ...] = field(default=())

    def with_interpreter(self, interpreter: Interpreter) -> InterpreterRoster:
        """A roster with ``interpreter`` added (replacing one of the same name)."""
        kept = tuple(i for i in self.interpreters if i.name != interpreter.name)
        return InterpreterRoster(kept + (interpreter,))

    def for_language(self, language: str, *, independent_only: bool = False) -> tuple[Interpreter, ...]:
        """The interpreters who speak ``language``, independent ones first, then by name."""
        tag = normalise_language(language)
        found = [i for i in self.interpreters if tag in i.languages and (i.independent or not independent_only)]
        return tuple(sorted(found, key=lambda i: (not i.independent, i.name)))

    def covers(self, language: str, *, independent_only: bool = True) -> bool:
        """True when at least one (by default: independent) interpreter speaks ``language``."""
        return bool(self.for_language(language, independent_only=independent_only))

    def languages(self, *, independent_only: bool = False) -> frozenset[str]:
        """Every language the roster covers."""
        return frozenset(
            lang for i in self.interpreters if i.independent or not independent_only for lang in i.languages
        )


@dataclass(frozen=True)
class Waiting:
    """A person who waits for an interpreter: ``person_id`` and the ``languages`` he speaks (none covered)."""

    person_id: str
    languages: tuple[str, ...]


def waiting_for_interpreter(
    detainee_languages: Mapping[str, str | Collection[str]],
    roster: InterpreterRoster,
    *,
    staff_languages: Iterable[str] = (),
    independent_only: bool = True,
) -> list[Waiting]:
    """Who waits for an interpreter: every person none of whose languages the staff speak or the roster covers.

    ``detainee_languages`` maps person_id → a language tag or a collection of tags (the languages he speaks);
    ``staff_languages`` are spoken by the bureau's own staff (no interpreter needed). By default only
    independent interpreters count: an interpreter supplied by an interested party is not an independent
    channel, so the person still waits. A person with no known language waits with ``languages=()``.
    Returns the list sorted by first language, then person_id."""
    staff = {normalise_language(x) for x in staff_languages}
    covered = roster.languages(independent_only=independent_only) | staff
    waiting: list[Waiting] = []
    for person_id, spoken in detainee_languages.items():
        tags = (spoken,) if isinstance(spoken, str) else tuple(spoken)
        langs = tuple(sorted({normalise_language(t) for t in tags if t and t.strip()}))
        if not any(lang in covered for lang in langs):
            waiting.append(Waiting(person_id, langs))
    return sorted(waiting, key=lambda w: (w.languages[:1], w.person_id))


#: The only role that holds a private interview (a neutral delegate; GC III Art. 126).
PRIVATE_INTERVIEW_ROLE = "icrc_delegate"


#: Purposes of the interviews in which a wish is taken or verified: only roles with ``wish_interview.write`` hold
#: them and only roles with ``wish_interview.read`` see them (never the medical role).
CONSENT_PURPOSES: frozenset[str] = frozenset({"wish", "icrc_private"})

#: What a refusal to show one interview says, whether it does not exist or may not be seen (no existence oracle).
HIDDEN = "no interview {id!r}, or not one you may see; `powbureau interview list` shows the interviews you may see"


def may_read(actor: Actor | None, purpose: str) -> bool:
    """True when ``actor`` may see an interview of ``purpose``: ``interview.read``, and ``wish_interview.read``
    for a wish or icrc_private interview (the medical role never sees one; GC III Art. 126 private interviews)."""
    if actor is None or not actor.can("interview.read"):
        return False
    return purpose not in CONSENT_PURPOSES or actor.can("wish_interview.read")


def check_conductor(purpose: str, actor: Actor) -> None:
    """Refuse with ``PermissionDenied`` when ``actor`` may not lead an interview of ``purpose``: a wish or
    icrc_private interview needs ``wish_interview.write`` (not the medical role), and only an ICRC delegate holds
    an ``icrc_private`` interview (GC III Art. 126)."""
    if purpose in CONSENT_PURPOSES and not actor.can("wish_interview.write"):
        raise PermissionDenied(Msg("{name} ({role}) may not hold a {purpose} interview; wishes are taken by interviewers, registrars and ICRC delegates, never by medical staff", name=actor.name, role=actor.role, purpose=purpose))
    if purpose == "icrc_private" and actor.role != PRIVATE_INTERVIEW_ROLE:
        raise PermissionDenied(Msg("{name} ({role}) may not hold an icrc_private interview; only an ICRC delegate does (GC III Art. 126)", name=actor.name, role=actor.role))


#: How far ahead of the bureau's clock a stated interview time may lie (laptops in the field drift).
CLOCK_SKEW = timedelta(minutes=5)

#: The only role that may put an interpreter on the roster as independent: independence is the neutral
#: delegate's judgement, never the detaining side's own (ICRC practice, GC III Art. 126).
INDEPENDENCE_ROLE = "icrc_delegate"


def check_stated_time(when: datetime, now: datetime, what: str = "interview time") -> datetime:
    """``when`` in UTC, refused with ``ValidationFailed`` when it lies more than ``CLOCK_SKEW`` after ``now``
    (the bureau's own clock). A past time is a retrospective record and is allowed: wishes are ordered by the
    time the bureau recorded them, so it can never outrank a wish recorded later (see ``wish.latest_wish``)."""
    when = as_utc(when, what)
    if when - as_utc(now, "now") > CLOCK_SKEW:
        minutes = int((when - now).total_seconds() // 60)
        raise ValidationFailed(
            Msg("{what} {value} is {minutes} minutes ahead of the bureau's clock (tolerance {value2} minutes); give the time the interview really took place", what=what, value=when.isoformat(), minutes=minutes, value2=int(CLOCK_SKEW.total_seconds() // 60)))
    return when


def check_roster_entry(actor: Actor, supplied_by: str) -> None:
    """Refuse with ``PermissionDenied`` when ``actor`` marks an interpreter ``independent`` without being an ICRC
    delegate: the roster decides independence, and only the neutral delegate may vouch for it."""
    if supplied_by == INDEPENDENT and actor.role != INDEPENDENCE_ROLE:
        raise PermissionDenied(
            Msg("{name} ({role}) may not mark an interpreter independent; only an ICRC delegate can. Put him on the roster with the party that supplies him (e.g. --supplied-by 'detaining power')", name=actor.name, role=actor.role))


def interpreter_supplier(named: str, claimed: str | None, roster_matches: Iterable[Interpreter]) -> str:
    """Who supplied the interpreter ``named`` in an interview, as the ROSTER says; an interview cannot override it.

    ``roster_matches`` are the roster entries whose name matches ``named`` once normalised (case, spaces,
    script). If any of them is supplied by an interested party, that party is the answer (the cautious reading
    of a name shared by several entries). If one is independent, ``independent``. If he is not on the roster,
    ``claimed`` is kept unless it says ``independent``: only the roster (kept by the delegate) vouches for that.
    Raises ``ValidationFailed`` when the claim contradicts the roster or is missing."""
    matches = list(roster_matches)
    claim = (claimed or "").strip() or None
    interested = [m for m in matches if not m.independent]
    if interested:
        party = interested[0].supplied_by
        if claim == INDEPENDENT:
            raise ValidationFailed(
                Msg("interpreter {named!r} is on the roster as supplied by {party}, an interested party; an interview cannot declare him independent (only the ICRC delegate's roster can)", named=named, party=party))
        return party
    if matches:
        if claim not in (None, INDEPENDENT):
            return claim  # the interview names a supplier: the cautious reading wins
        return INDEPENDENT
    if claim == INDEPENDENT:
        raise ValidationFailed(
            Msg("interpreter {named!r} is not on the roster as independent; an ICRC delegate must put him on the roster as independent first, or give the party that supplied him", named=named))
    if claim is None:
        raise ValidationFailed(
            Msg("interpreter {named!r} is not on the roster; say who supplied him (the party's name)", named=named))
    return claim
