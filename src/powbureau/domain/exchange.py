"""Exchanges with a counterpart: lists, eligibility, state, execution and reconciliation.

Only a person whose latest wish is a verified ``return`` is listed (non-refoulement, GC III Art. 109(3)); the
seriously sick and wounded are flagged and never counted one-for-one (Art. 109-110)."""

from __future__ import annotations

from .messages import Msg
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .errors import (
    Conflict, ConsentChanged, IllegalTransition, NotOnList, PermissionDenied, RefoulementRefused, ValidationFailed,
)
from .interview import as_utc
from .roles import Actor
from .wish import RepatriationWish, consent_basis, consent_refusal, explain_wish, is_verified_return, latest_wish
from .execution import (  # noqa: F401  (re-exported: part of this module's public API)
    OUTCOMES, ExecutionRecord, Reconciliation, ReconciliationLine, Substitution, UnknownArrival, reconcile,
)

__all__ = [
    "EXCHANGE_STATES", "TRANSITIONS", "MedicalDecision", "Check", "Eligibility", "assess", "OutgoingEntry",
    "IncomingEntry", "Balance", "NegotiatorNotice", "Withdrawal", "Exchange", "ExecutionRecord", "Substitution",
    "UnknownArrival", "ReconciliationLine", "Reconciliation", "reconcile", "OUTCOMES",
]

EXCHANGE_STATES: tuple[str, ...] = ("draft", "proposed", "agreed", "executed", "closed", "cancelled")

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"proposed", "cancelled"}),
    "proposed": frozenset({"draft", "agreed", "cancelled"}),  # back to draft = amend the proposal
    "agreed": frozenset({"executed", "proposed", "cancelled"}),  # back to proposed = agree again
    "executed": frozenset({"closed"}),
    "closed": frozenset(),
    "cancelled": frozenset(),
}

#: States in which persons may be added to the lists (after agreement only withdrawals).
EDITABLE: frozenset[str] = frozenset({"draft", "proposed"})

MEDICAL_ROLE = "medical"
WishesByPerson = Mapping[str, Sequence[RepatriationWish]]  # person_id -> all his wishes
Decisions = Mapping[str, "MedicalDecision"] | None  # person_id -> latest medical decision; None = keep flags
MEDICAL_RULE = "GC III Art. 109-110 (seriously sick and wounded: repatriated regardless of number or rank)"
CONSENT_RULE = "GC III Art. 109(3); non-refoulement (no repatriation against the person's will)"
VERIFY_RULE = "GC III Art. 126; ICRC practice (private interview, independent interpreter)"


@dataclass(frozen=True)
class MedicalDecision:
    """A medical user's decision that a person is (or is no longer) seriously sick or wounded in the sense of
    GC III Art. 110. ``category`` names the Art. 110 case (e.g. ``"Art. 110(1)(1)"``), never a diagnosis.
    Raises ``PermissionDenied`` when ``decided_by`` is not a ``medical`` user (a never-rule of the domain)."""

    person_id: str
    seriously_sick_or_wounded: bool
    decided_by: Actor
    decided_at: datetime
    category: str = ""

    def __post_init__(self) -> None:
        if self.decided_by.role != MEDICAL_ROLE:
            raise PermissionDenied(Msg(
                "{name} ({role}) may not decide that a person is seriously sick or wounded; a medical user records "
                "that decision (GC III Art. 110)", name=self.decided_by.name, role=self.decided_by.role))
        object.__setattr__(self, "decided_at", as_utc(self.decided_at, "medical decision time"))


@dataclass(frozen=True)
class Check:
    """One line of an eligibility explanation: ``code``, ``passed``, plain-language ``text`` and its ``rule``."""

    code: str
    passed: bool
    text: str
    rule: str


@dataclass(frozen=True)
class Eligibility:
    """Whether ``person_id`` may be on an outgoing list, with one Check per rule. Internal to the bureau: it
    names the wish and is never sent to the counterpart or to the Power on which the person depends."""

    person_id: str
    eligible: bool
    medical_priority: bool
    checks: tuple[Check, ...]
    basis: str = ""  # wish.consent_basis of the wishes this was decided on ("" for old stored verdicts)

    @property
    def counts_in_balance(self) -> bool:
        """False for the seriously sick and wounded: they are never traded one-for-one (Art. 109-110)."""
        return not self.medical_priority

    def explain(self) -> str:
        """The checks as lines ``[ok] text (rule)`` / ``[NO] text (rule)``."""
        return "\n".join(f"[{'ok' if c.passed else 'NO'}] {c.text} ({c.rule})" for c in self.checks)


def assess(
    person_id: str, wishes: Iterable[RepatriationWish], medical_decision: MedicalDecision | None = None
) -> Eligibility:
    """The eligibility of ``person_id`` for an outgoing list, explained.

    ``wishes`` are every wish of the person: those of ``person_id`` and of every record accepted as the same
    person (consent belongs to the person, not to a record). Eligible only when ``wish.consent_refusal`` finds
    nothing: the latest wish (by the bureau's recording time) is a verified ``return`` and no linked record still
    holds another wish (non-refoulement). ``medical_decision`` (from a medical user) flags medical priority; it
    never makes a person eligible against his will (Art. 109(3)). The result carries ``basis``, the fingerprint
    of the wishes it was decided on. Raises ``ValidationFailed`` for a medical decision of another person."""
    wishes = tuple(wishes)
    if medical_decision is not None and medical_decision.person_id != person_id:
        raise ValidationFailed(Msg("medical decision for {person_id} was given for {person_id2}", person_id=medical_decision.person_id, person_id2=person_id))
    latest = latest_wish(wishes)
    refusal = consent_refusal(wishes)
    consent = latest is not None and latest.kind == "return"
    verified = refusal is None  # implies consent
    medical = bool(
        medical_decision
        and medical_decision.seriously_sick_or_wounded
        and medical_decision.decided_by.role == MEDICAL_ROLE
    )
    checks = (
        Check(
            "consent",
            consent,
            Msg("the latest wish is to return") if consent
            else Msg("no consent to return: {explanation}", explanation=explain_wish(wishes)),
            CONSENT_RULE,
        ),
        Check(
            "verified",
            verified,
            explain_wish(wishes) if verified else Msg("no verified consent to return: {refusal}", refusal=refusal),
            VERIFY_RULE,
        ),
        Check(
            "medical_priority",
            True,
            Msg("seriously sick or wounded (medical decision): priority, not counted one-for-one")
            if medical
            else Msg("no medical priority recorded: counted in the one-for-one balance"),
            MEDICAL_RULE,
        ),
    )
    return Eligibility(person_id, consent and verified, medical, checks, consent_basis(wishes))


@dataclass(frozen=True)
class OutgoingEntry:
    """A detainee on the outgoing list, with his eligibility when last checked."""

    person_id: str
    eligibility: Eligibility

    @property
    def medical_priority(self) -> bool:
        """True for the seriously sick and wounded (not counted one-for-one)."""
        return self.eligibility.medical_priority


@dataclass(frozen=True)
class IncomingEntry:
    """A row of the counterpart's list: ``row_id`` (its external id) in ``list_id``; ``person_id`` is our own
    personnel it matched, or None while "not yet matched"; ``medical_priority`` as the counterpart flags it."""

    row_id: str
    list_id: str
    person_id: str | None = None
    medical_priority: bool = False

    @property
    def matched(self) -> bool:
        """False while the row is not yet matched to one of our own personnel."""
        return self.person_id is not None

    @property
    def match_status(self) -> str:
        """``"matched"`` or ``"not yet matched"``, as shown to the negotiator."""
        return "matched" if self.matched else "not yet matched"


@dataclass(frozen=True)
class Balance:
    """The one-for-one balance: counted persons on each side; the seriously sick and wounded apart."""

    outgoing_counted: int
    incoming_counted: int
    outgoing_medical: int
    incoming_medical: int

    @property
    def difference(self) -> int:
        """Counted outgoing minus counted incoming (0 = one-for-one)."""
        return self.outgoing_counted - self.incoming_counted


@dataclass(frozen=True)
class NegotiatorNotice:
    """Tells the negotiator that a person left the outgoing list and why, without naming the wish (the
    negotiator talks to the counterpart; the wish is not theirs to know)."""

    exchange_id: str
    person_id: str
    state: str
    message: str


@dataclass(frozen=True)
class Withdrawal:
    """A person taken off the outgoing list: who, in which state, why."""

    person_id: str
    state: str
    reason: str


class Exchange:
    """An exchange agreement with ``counterpart`` (the Power holding our own personnel).

    Verbs refuse with ``IllegalTransition`` (wrong state), ``RefoulementRefused`` (not a verified return),
    ``Conflict`` (already listed), ``NotOnList`` (unknown person or row); a refused verb changes nothing."""

    def __init__(self, exchange_id: str, counterpart: str, *, state: str = "draft") -> None:
        if state not in EXCHANGE_STATES:
            raise ValidationFailed(Msg("unknown exchange state {state!r}", state=state))
        self.id = exchange_id
        self.counterpart = counterpart
        self.state = state
        self._outgoing: dict[str, OutgoingEntry] = {}
        self._incoming: dict[str, IncomingEntry] = {}
        self.withdrawals: list[Withdrawal] = []
        self.execution: ExecutionRecord | None = None
        self.reconciliation: Reconciliation | None = None
        self.cancel_reason: str | None = None

    @classmethod
    def restore(
        cls,
        exchange_id: str,
        counterpart: str,
        state: str,
        outgoing: Iterable[OutgoingEntry] = (),
        incoming: Iterable[IncomingEntry] = (),
        *,
        withdrawals: Iterable[Withdrawal] = (),
        execution: ExecutionRecord | None = None,
        reconciliation: Reconciliation | None = None,
        cancel_reason: str | None = None,
    ) -> Exchange:
        """Rebuild a stored exchange as it was saved (for repositories; no checks are re-run — the service
        re-checks with ``recheck`` or the next state move)."""
        ex = cls(exchange_id, counterpart, state=state)
        ex._outgoing = {e.person_id: e for e in outgoing}
        ex._incoming = {e.row_id: e for e in incoming}
        ex.withdrawals = list(withdrawals)
        ex.execution, ex.reconciliation, ex.cancel_reason = execution, reconciliation, cancel_reason
        return ex

    # ----- lists -------------------------------------------------------------------------------------------
    @property
    def outgoing(self) -> tuple[OutgoingEntry, ...]:
        """The outgoing list in the order persons were added."""
        return tuple(self._outgoing.values())

    @property
    def incoming(self) -> tuple[IncomingEntry, ...]:
        """The incoming list (rows of the counterpart's list) in the order added."""
        return tuple(self._incoming.values())

    def is_listed(self, person_id: str) -> bool:
        """True when ``person_id`` is on the outgoing list."""
        return person_id in self._outgoing

    def _require_state(self, allowed: Iterable[str], doing: str) -> None:
        if self.state not in allowed:
            raise IllegalTransition(Msg("exchange {exchange} is {state}; cannot {doing} (allowed in: {allowed})",
                                        exchange=self.id, state=self.state, doing=doing,
                                        allowed=", ".join(sorted(allowed))))

    def add_outgoing(
        self,
        person_id: str,
        wishes: Iterable[RepatriationWish],
        medical_decision: MedicalDecision | None = None,
    ) -> Eligibility:
        """List detainee ``person_id``; returns his eligibility. Only in draft or proposed.

        Refuses with ``RefoulementRefused`` unless his latest wish is a verified return (GC III Art. 109(3)),
        ``Conflict`` if he is already listed, ``IllegalTransition`` after agreement."""
        self._require_state(EDITABLE, Msg("add {person} to the outgoing list", person=person_id))
        if person_id in self._outgoing:
            raise Conflict(Msg("{person} is already on the outgoing list of exchange {exchange}", person=person_id,
                               exchange=self.id))
        verdict = assess(person_id, wishes, medical_decision)
        if not verdict.eligible:
            failed = [c.text for c in verdict.checks if not c.passed]
            raise RefoulementRefused(
                Msg("{person} cannot be listed for handover in exchange {exchange}: {reasons}", person=person_id,
                    exchange=self.id, reasons=failed[0] if len(failed) == 1 else "; ".join(failed)),
                details=verdict,
            )
        self._outgoing[person_id] = OutgoingEntry(person_id, verdict)
        return verdict

    def remove_outgoing(self, person_id: str, reason: str) -> Withdrawal:
        """Take ``person_id`` off the outgoing list (draft, proposed or agreed). Raises ``NotOnList``."""
        self._require_state({"draft", "proposed", "agreed"}, Msg("withdraw {person}", person=person_id))
        if person_id not in self._outgoing:
            raise NotOnList(Msg("{person} is not on the outgoing list of exchange {exchange}", person=person_id,
                                exchange=self.id))
        del self._outgoing[person_id]
        withdrawal = Withdrawal(person_id, self.state, reason)
        self.withdrawals.append(withdrawal)
        return withdrawal

    def add_incoming(
        self, row_id: str, list_id: str, *, person_id: str | None = None, medical_priority: bool = False
    ) -> IncomingEntry:
        """Put row ``row_id`` of the counterpart's list ``list_id`` on the incoming list, matched to our
        ``person_id`` or "not yet matched" (None). Only in draft or proposed; ``Conflict`` if already there."""
        self._require_state(EDITABLE, f"add row {row_id} to the incoming list")
        if row_id in self._incoming:
            raise Conflict(Msg("row {row_id} is already on the incoming list of exchange {id}", row_id=row_id, id=self.id))
        entry = IncomingEntry(row_id, list_id, person_id, medical_priority)
        self._incoming[row_id] = entry
        return entry

    def match_incoming(self, row_id: str, person_id: str) -> IncomingEntry:
        """Record that incoming row ``row_id`` is our ``person_id`` (before execution). Raises ``NotOnList``."""
        self._require_state({"draft", "proposed", "agreed"}, f"match row {row_id}")
        if row_id not in self._incoming:
            raise NotOnList(Msg("row {row_id} is not on the incoming list of exchange {id}", row_id=row_id, id=self.id))
        old = self._incoming[row_id]
        self._incoming[row_id] = IncomingEntry(old.row_id, old.list_id, person_id, old.medical_priority)
        return self._incoming[row_id]

    def balance(self) -> Balance:
        """Counted persons per side; the seriously sick and wounded are counted apart (Art. 109-110)."""
        out_med = sum(1 for e in self._outgoing.values() if e.medical_priority)
        in_med = sum(1 for e in self._incoming.values() if e.medical_priority)
        return Balance(len(self._outgoing) - out_med, len(self._incoming) - in_med, out_med, in_med)

    # ----- never-rule (a) -----------------------------------------------------------------------------------
    def recheck(self, wishes_by_person: WishesByPerson, medical_decisions: Decisions = None) -> list[Eligibility]:
        """Re-assess everyone on the outgoing list; returns the fresh verdicts (changes nothing).

        ``medical_decisions`` None keeps each person's current medical flag."""
        verdicts = []
        for pid, entry in self._outgoing.items():
            verdict = assess(pid, wishes_by_person.get(pid, ()), (medical_decisions or {}).get(pid))
            if medical_decisions is None:  # keep the medical check made when he was listed
                old = entry.eligibility
                verdict = Eligibility(pid, verdict.eligible, old.medical_priority, verdict.checks[:2] + old.checks[2:],
                                      verdict.basis)
            verdicts.append(verdict)
        return verdicts

    def _recheck_or_refuse(
        self, wishes_by_person: WishesByPerson, medical_decisions: Decisions, target: str
    ) -> list[Eligibility]:
        verdicts = self.recheck(wishes_by_person, medical_decisions)
        failing = [v for v in verdicts if not v.eligible]
        if failing:
            names = ", ".join(v.person_id for v in failing)
            raise RefoulementRefused(
                Msg("exchange {id} cannot become {target}: {names} no longer have a verified wish to return; withdraw them first", id=self.id, target=target, names=names),
                details=failing,
            )
        return verdicts

    def _store(self, verdicts: list[Eligibility]) -> None:
        for verdict in verdicts:
            self._outgoing[verdict.person_id] = OutgoingEntry(verdict.person_id, verdict)

    def on_wish_changed(self, person_id: str, wishes: Sequence[RepatriationWish]) -> NegotiatorNotice | None:
        """Call after every change to a person's wishes. When he is listed and his latest wish is no longer a
        verified return, he is removed (draft/proposed/agreed, or executed if he did not cross) and a notice for
        the negotiator is returned; otherwise None. Never-rule (a), GC III Art. 109(3).

        Raises ``IllegalTransition`` when he already crossed in this exchange (a wish cannot change after
        handover). Closed and cancelled exchanges are history: None."""
        if person_id not in self._outgoing or self.state in ("closed", "cancelled"):
            return None
        if is_verified_return(wishes):
            return None
        if self.state == "executed":
            if self.execution is not None and person_id in self.execution.crossed_outgoing:
                raise IllegalTransition(
                    Msg("{person_id} was handed over in exchange {id}; a wish after handover changes nothing", person_id=person_id, id=self.id)
                )
        from .disclosure import WITHDRAWN, notice_message  # the notice never names the wish (never-rule b)

        del self._outgoing[person_id]
        self.withdrawals.append(Withdrawal(person_id, self.state, WITHDRAWN))
        return NegotiatorNotice(
            self.id, person_id, self.state, notice_message(person_id, self.id, self.state, self.counterpart)
        )

    # ----- states --------------------------------------------------------------------------------------------
    def _move(self, target: str) -> None:
        if target not in TRANSITIONS[self.state]:
            allowed = ", ".join(sorted(TRANSITIONS[self.state])) or "none"
            raise IllegalTransition(Msg("exchange {id} cannot go from {state} to {target} (allowed: {allowed})", id=self.id, state=self.state, target=target, allowed=allowed))
        self.state = target

    def propose(self, wishes_by_person: WishesByPerson, medical_decisions: Decisions = None) -> None:
        """draft → proposed, after re-checking everyone (``RefoulementRefused`` names who fails)."""
        self._require_state({"draft"}, "propose")
        verdicts = self._recheck_or_refuse(wishes_by_person, medical_decisions, "proposed")
        self._move("proposed")
        self._store(verdicts)

    def reopen(self) -> None:
        """proposed → draft, to amend the proposal; agreed → proposed, to agree again after a change (e.g. a
        consent record that changed since agreement)."""
        self._move("proposed" if self.state == "agreed" else "draft")

    def agree(self, wishes_by_person: WishesByPerson, medical_decisions: Decisions = None) -> None:
        """proposed → agreed, after re-checking everyone (``RefoulementRefused`` names who fails)."""
        self._require_state({"proposed"}, "agree")
        verdicts = self._recheck_or_refuse(wishes_by_person, medical_decisions, "agreed")
        self._move("agreed")
        self._store(verdicts)

    def execute(
        self, record: ExecutionRecord, wishes_by_person: WishesByPerson, medical_decisions: Decisions = None
    ) -> Reconciliation:
        """agreed → executed with the negotiator's ``record`` of who actually crossed; returns the reconciliation
        (planned vs actual, and the status changes it implies). Re-checks everyone first.

        Refuses, changing nothing: ``IllegalTransition`` unless agreed; ``RefoulementRefused`` if anyone listed is
        no longer a verified return; ``NotOnList`` if the record names a person or row not on the lists."""
        self._require_state({"agreed"}, "record the execution")
        verdicts = self._recheck_or_refuse(wishes_by_person, medical_decisions, "executed")
        changed = [v for v in verdicts
                   if self._outgoing[v.person_id].eligibility.basis
                   and v.basis != self._outgoing[v.person_id].eligibility.basis]
        if changed:
            names = ", ".join(v.person_id for v in changed)
            raise ConsentChanged(
                Msg("exchange {id} cannot be executed: the consent record of {names} changed since the exchange was agreed (a new wish, verification or same-person link); reopen it (`reopen`) and agree again, or withdraw them", id=self.id, names=names),
                details=changed,
            )
        result = reconcile(self.id, record, tuple(self._outgoing), self.incoming)
        self._move("executed")
        self._store(verdicts)
        self.execution = record
        self.reconciliation = result
        return result

    def close(self) -> None:
        """executed → closed."""
        self._move("closed")

    def cancel(self, reason: str) -> None:
        """draft/proposed/agreed → cancelled; ``reason`` is kept in ``cancel_reason``."""
        self._move("cancelled")
        self.cancel_reason = reason

    # ----- what leaves the bureau ----------------------------------------------------------------------------
    def view_for_counterpart(self) -> dict[str, object]:
        """What the counterpart (or a Protecting Power) may see: ids, medical-priority flags and the balance.

        Never a wish, an eligibility explanation or a withdrawal reason (never-rule b)."""
        bal = self.balance()
        return {
            "exchange_id": self.id,
            "counterpart": self.counterpart,
            "state": self.state,
            "outgoing": [{"person_id": e.person_id, "medical_priority": e.medical_priority} for e in self.outgoing],
            "incoming": [
                {"row_id": e.row_id, "list_id": e.list_id, "medical_priority": e.medical_priority}
                for e in self.incoming
            ],
            "balance": {
                "outgoing_counted": bal.outgoing_counted,
                "incoming_counted": bal.incoming_counted,
                "outgoing_medical_priority": bal.outgoing_medical,
                "incoming_medical_priority": bal.incoming_medical,
            },
        }
