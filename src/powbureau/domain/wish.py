"""Repatriation wishes and their verification.

A wish may change until handover; only one confirmed in a private interview with a neutral delegate and an
independent interpreter counts as verified (GC III Art. 109(3), Art. 126, ICRC practice)."""

from __future__ import annotations

import hashlib
from .messages import Msg
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .errors import IllegalTransition, ValidationFailed, VerificationRefused
from .interview import Interview, as_utc, normalise_language
from .roles import Actor

WISH_KINDS: tuple[str, ...] = ("return", "remain", "third_country", "undecided")

#: Interview purposes in which a wish may be taken (never in a registration or medical interview).
WISH_PURPOSES: frozenset[str] = frozenset({"wish", "icrc_private"})

#: The only role whose confirmation verifies a wish (a neutral delegate).
VERIFYING_ROLE = "icrc_delegate"

#: How far in the future (by the bureau's own clock) a stated interview time may lie: clocks of laptops in the
#: field drift; anything beyond this is refused, never stored (a future-dated wish must not outrank later ones).
CLOCK_SKEW = timedelta(minutes=5)


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
            raise ValidationFailed(Msg("unknown wish {kind!r}; choose one of: {choices}", kind=self.kind,
                                       choices=", ".join(WISH_KINDS)))
        if self.destination and self.kind != "third_country":
            raise ValidationFailed(Msg("wish {wish}: a destination is only given for a third_country wish", wish=self.id))
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
        interview_recorded_at: datetime | None = None,
        confirmed_in_interview: Collection[str] = (),
    ) -> RepatriationWish:
        """This wish, verified in ``interview`` by ``by`` at ``at`` (UTC-aware). Returns a new value.

        Rules (GC III Art. 109(3), Art. 126, ICRC practice), each refused with ``VerificationRefused``:
        ``by.role`` is ``icrc_delegate`` and ``by`` conducted the interview; the interview is ``icrc_private``,
        with the same person, held no earlier than the wish was taken, and without witnesses (present: only the
        delegate and the interpreter). Language: with an interpreter, he must be ``independent``; without one,
        the interview language must be one of ``person_languages`` (what the person speaks, from his statements)
        AND one of ``delegate_languages`` (what the delegate speaks) — the delegate then needs no interpreter.
        A later wish (any kind, even another ``return``) is unverified until verified itself.

        Against a wish slipped in behind the delegate's back: unless the wish was taken in this very interview,
        the private interview must have been recorded by the bureau (``interview_recorded_at``) after the wish
        was; and one private interview confirms one wish only (``confirmed_in_interview``: the kinds of wishes
        it already verified or in which they were taken), never a contradicting one."""
        if by.role != VERIFYING_ROLE:
            raise VerificationRefused(Msg(
                "{name} ({role}) may not verify a wish; only an {verifier} can, in a private interview",
                name=by.name, role=by.role, verifier=VERIFYING_ROLE))
        if interview.purpose != "icrc_private":
            raise VerificationRefused(Msg(
                "interview {interview} is a {purpose!r} interview; a wish is verified only in an 'icrc_private' "
                "interview held by the delegate", interview=interview.id, purpose=interview.purpose))
        if interview.person_id != self.person_id:
            raise VerificationRefused(Msg("interview {interview} is with person {other}, not with {person}",
                                          interview=interview.id, other=interview.person_id, person=self.person_id))
        if interview.conducted_by.name != by.name or interview.conducted_by.role != VERIFYING_ROLE:
            raise VerificationRefused(Msg(
                "interview {interview} was conducted by {name} ({role}); only the delegate who held the private "
                "interview verifies", interview=interview.id, name=interview.conducted_by.name,
                role=interview.conducted_by.role))
        if interview.when < self.taken_at:
            raise VerificationRefused(Msg(
                "interview {interview} ({when}) is earlier than wish {wish} ({taken}); a wish is confirmed after "
                "it was expressed", interview=interview.id, when=interview.when.isoformat(), wish=self.id,
                taken=self.taken_at.isoformat()))
        if (interview_recorded_at is not None and interview.id != self.interview_id
                and as_utc(interview_recorded_at, "interview recorded_at") < self.recorded_at):
            raise VerificationRefused(Msg(
                "private interview {interview} was recorded before wish {wish} was; a delegate confirms a wish in a "
                "private interview held after it was expressed — hold a new one", interview=interview.id,
                wish=self.id))
        other = sorted({k for k in confirmed_in_interview if k != self.kind})
        if other:
            raise VerificationRefused(Msg(
                "private interview {interview} already holds a wish of another kind; one private interview confirms "
                "one wish — hold a new private interview to confirm a change of mind", interview=interview.id))
        if not interview.is_without_witnesses:
            raise VerificationRefused(Msg(
                "interview {interview} had witnesses ({present}); a private interview has only the delegate and "
                "the interpreter (GC III Art. 126)", interview=interview.id, present=", ".join(interview.present)))
        if interview.interpreter is not None:
            if not interview.has_independent_interpreter:
                raise VerificationRefused(Msg(
                    "interview {interview}: interpreter {interpreter} was supplied by {supplier}, an interested "
                    "party; repeat it with an independent one", interview=interview.id,
                    interpreter=interview.interpreter, supplier=interview.interpreter_supplied_by))
        else:
            spoken = {normalise_language(x) for x in person_languages}
            delegate = {normalise_language(x) for x in delegate_languages}
            if interview.language not in spoken or interview.language not in delegate:
                raise VerificationRefused(Msg(
                    "interview {interview} was held in {language!r} without an interpreter; that is allowed only "
                    "when it is the person's own language and the delegate speaks it — otherwise use an "
                    "independent interpreter", interview=interview.id, language=interview.language))
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
        raise IllegalTransition(Msg(
            "person {person} has already been handed over; a repatriation wish can no longer change",
            person=person_id))
    if interview.person_id != person_id:
        raise ValidationFailed(Msg("interview {interview} is with person {other}, not with {person}",
                                   interview=interview.id, other=interview.person_id, person=person_id))
    if interview.purpose not in WISH_PURPOSES:
        raise ValidationFailed(Msg(
            "interview {interview} is a {purpose!r} interview; take a wish in a 'wish' or 'icrc_private' interview",
            interview=interview.id, purpose=interview.purpose))
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


def _order(wish: RepatriationWish) -> tuple[datetime, str]:
    """Wishes are ordered by the bureau's own recording time (server clock), then id (ULIDs grow with time).

    The interview's stated time (``taken_at``) is a claim by whoever typed it: it is kept and shown, but it never
    decides which wish is the latest, so a future- or back-dated interview cannot outrank a wish recorded later."""
    return (wish.recorded_at, wish.id)


def _dedupe(wishes: Iterable[RepatriationWish]) -> dict[str, RepatriationWish]:
    chosen: dict[str, RepatriationWish] = {}
    for wish in wishes:
        old = chosen.get(wish.id)
        if old is None or (wish.verified and not old.verified):
            chosen[wish.id] = wish
    return chosen


def latest_wish(wishes: Iterable[RepatriationWish]) -> RepatriationWish | None:
    """The wish recorded last by the bureau (by ``recorded_at``, then id), or None.

    ``wishes`` are every wish of ONE human being: those of his record and of every record accepted as the same
    person (consent belongs to the person, not to a record). When the same wish id appears twice (before and
    after verification), the verified version is kept."""
    return max(_dedupe(wishes).values(), key=_order, default=None)


#: Handover status -> the kinds of verified wish that allow it (GC III Art. 109(3), 118; non-refoulement).
CONSENTING_KINDS: dict[str, frozenset[str]] = {
    "repatriated": frozenset({"return"}),
    "transferred_to_power": frozenset({"return", "third_country"}),
    "released": frozenset({"return", "third_country", "remain"}),
}


def consent_refusal(wishes: Iterable[RepatriationWish], kinds: Collection[str] = ("return",)) -> str | None:
    """Why the person may NOT be handed over on a wish of one of ``kinds`` (one line for bureau staff), or None
    when he may.

    ``wishes`` cover every record accepted as the same person (see ``latest_wish``). He may be handed over only
    when (1) the wish recorded last, over all his records, is of one of ``kinds`` and verified by a delegate,
    and (2) no record of his has, as its own latest wish, a wish of another kind: a wish to remain written on a
    linked duplicate blocks until it is superseded on that record too (non-refoulement; GC III Art. 109(3))."""
    chosen = _dedupe(wishes)
    latest = max(chosen.values(), key=_order, default=None)
    if latest is None:
        return Msg("no repatriation wish recorded")
    if latest.kind not in kinds:
        return Msg("latest wish '{kind}' (recorded {at} UTC) is not a wish to {wanted}", kind=latest.kind,
                   at=f"{latest.recorded_at:%Y-%m-%d %H:%M}", wanted=_kinds(kinds))
    if not latest.verified:
        return Msg("latest wish '{kind}' (interview {interview}) is not verified by an ICRC delegate",
                   kind=latest.kind, interview=latest.interview_id)
    per_record: dict[str, RepatriationWish] = {}
    for w in chosen.values():
        if w.person_id not in per_record or _order(w) > _order(per_record[w.person_id]):
            per_record[w.person_id] = w
    for rid, w in sorted(per_record.items()):
        if w.kind not in kinds:
            return Msg("record {record}, accepted as the same person, still holds a wish '{kind}' as its latest "
                       "(recorded {at} UTC); record the person's current wish there too", record=rid, kind=w.kind,
                       at=f"{w.recorded_at:%Y-%m-%d %H:%M}")
    return None


def _kinds(kinds: Collection[str]) -> str:
    return sorted(kinds)[0] if len(kinds) == 1 else " or ".join(sorted(kinds))


def is_verified_return(wishes: Iterable[RepatriationWish]) -> bool:
    """True only when the person may be handed back on a verified wish to return (see ``consent_refusal``):
    a later wish of any kind, on any of his records, voids an earlier verification (non-refoulement;
    GC III Art. 109(3))."""
    return consent_refusal(wishes, ("return",)) is None


def consent_basis(wishes: Iterable[RepatriationWish]) -> str:
    """A fingerprint of everything consent was decided on: each wish (record, id, kind) and its verification.

    An exchange stores it when it is agreed and refuses to execute when it changed since (a new wish, a new
    verification, or a record newly accepted as the same person that carries wishes)."""
    parts = sorted(
        f"{w.person_id}|{w.id}|{w.kind}|{w.verification.interview_id if w.verification else '-'}"
        for w in _dedupe(wishes).values()
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def explain_wish(wishes: Iterable[RepatriationWish]) -> str:
    """One line for bureau staff (never for the serving power or a negotiator) on the latest wish and its
    verification."""
    wishes = list(wishes)
    latest = latest_wish(wishes)
    if latest is None:
        return Msg("no repatriation wish recorded")
    refusal = consent_refusal(wishes)
    if latest.verification is None:
        return Msg("latest wish '{kind}' (interview {interview}) is not verified by an ICRC delegate",
                   kind=latest.kind, interview=latest.interview_id)
    v = latest.verification
    channel = Msg("an independent interpreter") if v.via_interpreter else Msg("the person's own language")
    text = Msg("latest wish '{kind}' verified by {name} in private interview {interview} through {channel}",
               kind=latest.kind, name=v.verified_by.name, interview=v.interview_id, channel=channel)
    if latest.kind == "return" and refusal:
        text = Msg("{explanation}; but {refusal}", explanation=text, refusal=refusal)
    return text
