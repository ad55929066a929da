"""Repatriation wishes and their verification.

A wish may change until handover; only one confirmed in a private interview with a neutral delegate and an
independent interpreter counts as verified (GC III Art. 109(3), Art. 126, ICRC practice)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .errors import IllegalTransition, ValidationFailed, VerificationRefused
from .interview import Interview, as_utc, normalise_language
from .roles import Actor

WISH_KINDS: tuple[str, ...] = ("return", "remain", "third_country", "undecided")

#: Interview purposes in which a wish may be taken (never in a registration or medical interview).
WISH_PURPOSES: frozenset[str] = frozenset({"wish", "icrc_private"})

#: The only role whose confirmation verifies a wish (a neutral delegate).
VERIFYING_ROLE = "icrc_delegate"


@dataclass(frozen=True)
class Verification:
    """How a wish was verified: the private ``interview_id``, the delegate, when, and whether an independent
    interpreter was used (``via_interpreter``) or the delegate spoke the person's own language."""

    interview_id: str
    verified_by: Actor
    verified_at: datetime
    via_interpreter: bool


@dataclass(frozen=True)
class RepatriationWish:
    """One wish a person expressed: ``kind`` in WISH_KINDS, taken in interview ``interview_id`` at ``taken_at``
    (the interview time, UTC), entered at ``recorded_at`` by ``recorded_by``. ``destination`` names the third
    country (ISO 3166 alpha-2) when ``kind == "third_country"``. ``verification`` is None until verified.

    Build it with ``record_wish``; verify it with ``verify``. Never send ``kind`` to the Power on which the
    person depends (see ``notifications.outgoing_message_to_serving_power``)."""

    id: str
    person_id: str
    kind: str
    interview_id: str
    taken_at: datetime
    recorded_at: datetime
    recorded_by: Actor
    destination: str | None = None
    verification: Verification | None = None

    def __post_init__(self) -> None:
        if self.kind not in WISH_KINDS:
            raise ValidationFailed(f"unknown wish {self.kind!r}; choose one of: {', '.join(WISH_KINDS)}")
        if self.destination and self.kind != "third_country":
            raise ValidationFailed(f"wish {self.id}: a destination is only given for a third_country wish")
        object.__setattr__(self, "taken_at", as_utc(self.taken_at, "wish taken_at"))
        object.__setattr__(self, "recorded_at", as_utc(self.recorded_at, "wish recorded_at"))

    @property
    def verified(self) -> bool:
        """True when a delegate verified this wish (see ``verify``)."""
        return self.verification is not None

    def verify(
        self,
        interview: Interview,
        by: Actor,
        at: datetime,
        *,
        person_languages: Collection[str] = (),
        delegate_languages: Collection[str] = (),
    ) -> RepatriationWish:
        """This wish, verified in ``interview`` by ``by`` at ``at`` (UTC-aware). Returns a new value.

        Rules (GC III Art. 109(3), Art. 126, ICRC practice), each refused with ``VerificationRefused``:
        ``by.role`` is ``icrc_delegate`` and ``by`` conducted the interview; the interview is ``icrc_private``,
        with the same person, held no earlier than the wish was taken, and without witnesses (present: only the
        delegate and the interpreter). Language: with an interpreter, he must be ``independent``; without one,
        the interview language must be one of ``person_languages`` (what the person speaks, from his statements)
        AND one of ``delegate_languages`` (what the delegate speaks) — the delegate then needs no interpreter.
        A later wish (any kind, even another ``return``) is unverified until verified itself."""
        if by.role != VERIFYING_ROLE:
            raise VerificationRefused(
                f"{by.name} ({by.role}) may not verify a wish; only an {VERIFYING_ROLE} can, in a private interview"
            )
        if interview.purpose != "icrc_private":
            raise VerificationRefused(
                f"interview {interview.id} is a {interview.purpose!r} interview; a wish is verified only in an "
                "'icrc_private' interview held by the delegate"
            )
        if interview.person_id != self.person_id:
            raise VerificationRefused(
                f"interview {interview.id} is with person {interview.person_id}, not with {self.person_id}"
            )
        if interview.conducted_by.name != by.name or interview.conducted_by.role != VERIFYING_ROLE:
            raise VerificationRefused(
                f"interview {interview.id} was conducted by {interview.conducted_by.name} "
                f"({interview.conducted_by.role}); only the delegate who held the private interview verifies"
            )
        if interview.when < self.taken_at:
            raise VerificationRefused(
                f"interview {interview.id} ({interview.when.isoformat()}) is earlier than wish {self.id} "
                f"({self.taken_at.isoformat()}); a wish is confirmed after it was expressed"
            )
        if not interview.is_without_witnesses:
            raise VerificationRefused(
                f"interview {interview.id} had witnesses ({', '.join(interview.present)}); a private interview "
                "has only the delegate and the interpreter (GC III Art. 126)"
            )
        if interview.interpreter is not None:
            if not interview.has_independent_interpreter:
                raise VerificationRefused(
                    f"interview {interview.id}: interpreter {interview.interpreter} was supplied by "
                    f"{interview.interpreter_supplied_by}, an interested party; repeat it with an independent one"
                )
        else:
            spoken = {normalise_language(x) for x in person_languages}
            delegate = {normalise_language(x) for x in delegate_languages}
            if interview.language not in spoken or interview.language not in delegate:
                raise VerificationRefused(
                    f"interview {interview.id} was held in {interview.language!r} without an interpreter; that is "
                    "allowed only when it is the person's own language and the delegate speaks it — "
                    "otherwise use an independent interpreter"
                )
        via_interpreter = interview.interpreter is not None
        verification = Verification(interview.id, by, as_utc(at, "verification time"), via_interpreter)
        return replace(self, verification=verification)


def record_wish(
    wish_id: str,
    person_id: str,
    kind: str,
    interview: Interview,
    recorded_by: Actor,
    recorded_at: datetime,
    *,
    destination: str | None = None,
    handed_over: bool = False,
) -> RepatriationWish:
    """A new, unverified wish taken in ``interview``.

    Refuses with ``ValidationFailed`` when the interview is with another person or is not a ``wish`` or
    ``icrc_private`` interview (wishes are not taken at registration or by medical staff), and with
    ``IllegalTransition`` when ``handed_over`` is True: a wish may change only until handover."""
    if handed_over:
        raise IllegalTransition(
            f"person {person_id} has already been handed over; a repatriation wish can no longer change"
        )
    if interview.person_id != person_id:
        raise ValidationFailed(f"interview {interview.id} is with person {interview.person_id}, not with {person_id}")
    if interview.purpose not in WISH_PURPOSES:
        raise ValidationFailed(
            f"interview {interview.id} is a {interview.purpose!r} interview; take a wish in a 'wish' or "
            "'icrc_private' interview"
        )
    return RepatriationWish(
        id=wish_id,
        person_id=person_id,
        kind=kind,
        interview_id=interview.id,
        taken_at=interview.when,
        recorded_at=recorded_at,
        recorded_by=recorded_by,
        destination=destination,
    )


def _order(wish: RepatriationWish) -> tuple[datetime, datetime, str]:
    return (wish.taken_at, wish.recorded_at, wish.id)


def latest_wish(wishes: Iterable[RepatriationWish]) -> RepatriationWish | None:
    """The wish the person expressed last (by ``taken_at``, then ``recorded_at``, then id), or None.

    When the same wish id appears twice (before and after verification), the verified version is kept.
    Raises ``ValidationFailed`` when the wishes belong to more than one person."""
    chosen: dict[str, RepatriationWish] = {}
    people: set[str] = set()
    for wish in wishes:
        people.add(wish.person_id)
        old = chosen.get(wish.id)
        if old is None or (wish.verified and not old.verified):
            chosen[wish.id] = wish
    if len(people) > 1:
        raise ValidationFailed(f"wishes of several persons were mixed: {', '.join(sorted(people))}")
    return max(chosen.values(), key=_order, default=None)


def is_verified_return(wishes: Iterable[RepatriationWish]) -> bool:
    """True only when the LATEST wish is ``return`` and it is verified; a later wish of any kind voids an earlier
    verification (non-refoulement; GC III Art. 109(3))."""
    latest = latest_wish(wishes)
    return latest is not None and latest.kind == "return" and latest.verified


def explain_wish(wishes: Iterable[RepatriationWish]) -> str:
    """One line for bureau staff (never for the serving power) on the latest wish and its verification."""
    latest = latest_wish(wishes)
    if latest is None:
        return "no repatriation wish recorded"
    if latest.verification is None:
        return f"latest wish '{latest.kind}' (interview {latest.interview_id}) is not verified by an ICRC delegate"
    v = latest.verification
    channel = "an independent interpreter" if v.via_interpreter else "the person's own language"
    return (
        f"latest wish '{latest.kind}' verified by {v.verified_by.name} in private interview {v.interview_id} "
        f"through {channel}"
    )
