"""Status life cycle of a person; only legal transitions are allowed.

Detainees: captured → registered → interned ⇄ hospitalised / transferring → repatriated, released,
transferred_to_power, escaped, deceased; status_in_doubt while a tribunal decides (GC III Art. 5). A registered
prisoner may also be handed over before he is interned (an exchange soon after capture, the direct repatriation of
the seriously wounded, Art. 109-110): every handover status stays gated by his verified consent (``require_consent``)."""

from __future__ import annotations

from .messages import Msg
from dataclasses import dataclass
from datetime import datetime

from .errors import IllegalTransition, ValidationFailed

#: status -> (statuses it may move to, the GC III articles that govern the move)
DETAINEE_TRANSITIONS: dict[str, frozenset[str]] = {
    "captured": frozenset({"registered", "status_in_doubt", "hospitalised", "escaped", "deceased"}),
    "status_in_doubt": frozenset({"registered", "released", "hospitalised", "deceased"}),
    "registered": frozenset({"interned", "hospitalised", "transferring", "status_in_doubt", "escaped", "deceased",
                              "repatriated", "released", "transferred_to_power"}),
    "interned": frozenset(
        {"hospitalised", "transferring", "repatriated", "released", "transferred_to_power", "escaped", "deceased"}
    ),
    "hospitalised": frozenset({"interned", "transferring", "repatriated", "escaped", "deceased"}),
    "transferring": frozenset({"interned", "hospitalised", "escaped", "deceased"}),
    "escaped": frozenset({"interned", "hospitalised", "deceased"}),  # recaptured: GC III Art. 91-92
    "repatriated": frozenset(),
    "released": frozenset(),
    "transferred_to_power": frozenset(),
    "deceased": frozenset(),
}

OWN_PERSONNEL_TRANSITIONS: dict[str, frozenset[str]] = {
    "missing": frozenset({"held_by_adverse_power", "returned", "deceased"}),
    "held_by_adverse_power": frozenset({"returned", "deceased", "missing"}),
    "returned": frozenset(),
    "deceased": frozenset(),
}

#: A third party (e.g. the man a carried document was issued to) is known only through others: his fate is what
#: his family may ask about (GC III Art. 122(7)); he is held by nobody we know of.
THIRD_PARTY_TRANSITIONS: dict[str, frozenset[str]] = {
    "whereabouts_unknown": frozenset({"deceased"}),
    "deceased": frozenset(),
}

INITIAL_STATUS = {"detainee": "captured", "own_personnel": "missing", "third_party": "whereabouts_unknown"}

RULES = {
    "status_in_doubt": "GC III Art. 5 (status determined by a competent tribunal)",
    "registered": "GC III Art. 17, 122 (registration and information bureau)",
    "interned": "GC III Art. 21-22 (internment)",
    "transferring": "GC III Art. 46-48 (transfer of prisoners)",
    "hospitalised": "GC III Art. 30 (medical attention)",
    "escaped": "GC III Art. 91-92 (escape and recapture)",
    "deceased": "GC III Art. 120 (death)",
    "repatriated": "GC III Art. 109-110, 118 (repatriation)",
    "released": "GC III Art. 118-119 (release)",
    "transferred_to_power": "GC III Art. 12 (transfer to another Power)",
}


def transitions_for(kind: str) -> dict[str, frozenset[str]]:
    """The transition table of a person ``kind`` ("detainee", "own_personnel" or "third_party")."""
    if kind == "detainee":
        return DETAINEE_TRANSITIONS
    if kind == "own_personnel":
        return OWN_PERSONNEL_TRANSITIONS
    if kind == "third_party":
        return THIRD_PARTY_TRANSITIONS
    raise ValidationFailed(Msg("unknown person kind {kind!r}", kind=kind))


@dataclass(frozen=True)
class StatusEvent:
    """A status change: ``person_id`` moved ``from_status`` → ``to_status`` at ``at`` (UTC), ``place``, by ``actor``."""

    person_id: str
    from_status: str | None
    to_status: str
    at: datetime
    place: str
    actor: str
    note: str = ""


def check_transition(kind: str, current: str, target: str) -> str:
    """Return the rule text for moving ``current`` → ``target``; raise ``IllegalTransition`` if not allowed.

    Raises ``ValidationFailed`` when ``target`` is not a status of this kind at all."""
    table = transitions_for(kind)
    if target not in table:
        raise ValidationFailed(Msg("unknown status {status!r}; known: {known}", status=target, known=", ".join(table)))
    allowed = table.get(current, frozenset())
    if target not in allowed:
        options = ", ".join(sorted(allowed)) or Msg("none (final status)")
        raise IllegalTransition(Msg("a {kind} cannot go from {current} to {target}; allowed from {current}: {options}",
                                    kind=kind, current=current, target=target, options=options))
    return RULES.get(target, "")


#: Statuses that put a detainee out of our custody and into another Power's hands (or out of the bureau's
#: protection): every one goes through the consent gate, whatever door asks for it (status change, exchange
#: execution, CLI, API). GC III Art. 12 (transfer), 109-110 and 118 (repatriation, release); non-refoulement.
HANDOVER_STATUSES: frozenset[str] = frozenset({"repatriated", "released", "transferred_to_power"})


def require_consent(person_id: str, target: str, wishes) -> None:  # noqa: ANN001
    """Refuse to record a detainee in a handover status (``HANDOVER_STATUSES``) unless his wishes allow it.

    Non-refoulement (GC III Art. 109(3), ICRC practice): no one is handed over against his will, whether through
    an exchange or a plain status change. ``repatriated`` needs a verified ``return``; ``transferred_to_power``
    a verified ``return`` or ``third_country``; ``released`` any verified wish but ``undecided`` (see
    ``wish.CONSENTING_KINDS``). ``wishes`` are the ``RepatriationWish`` values of every record accepted as the
    same person. Raises ``RefoulementRefused`` naming the reason; other targets pass."""
    from .errors import RefoulementRefused
    from .wish import CONSENTING_KINDS, consent_refusal

    if target not in HANDOVER_STATUSES:
        return
    refusal = consent_refusal(wishes, CONSENTING_KINDS[target])
    if refusal:
        raise RefoulementRefused(Msg(
            "person {person} cannot be recorded as {target}: {refusal}; a detainee leaves our custody only on a "
            "verified wish (non-refoulement, GC III Art. 109(3))", person=person_id, target=target, refusal=refusal))
