"""What may be said about consent to someone who may not read wishes: the negotiator, and through him the Power
on which the prisoner depends. Only "eligible" or "not eligible: no verified consent to return", plus reasons that
are not the wish (medical priority); never the wish's kind, its interview or its delegate (GC III Art. 109(3))."""

from __future__ import annotations

from collections.abc import Iterable

from .exchange import CONSENT_RULE, Check, Eligibility
from .messages import Msg

ELIGIBLE = Msg("eligible")
NOT_ELIGIBLE = Msg("not eligible: no verified consent to return")
#: Why a person left an outgoing list after a change of wish, as the negotiator and his notices say it.
WITHDRAWN = Msg("withdrawn: consent no longer verified")
#: Checks whose text never depends on the wish (kept as they are); every other check is folded into "consent".
NON_WISH_CHECKS: frozenset[str] = frozenset({"medical_priority"})


def for_negotiator(e: Eligibility) -> Eligibility:
    """The eligibility ``e`` as someone without ``wish.read`` may see it: one ``consent`` check, passed only when
    ``e.eligible``, whose text is ``ELIGIBLE`` or ``NOT_ELIGIBLE``; then the non-wish checks (medical priority)
    unchanged. Every other check (consent, verification, and any wish-dependent check added later) is dropped,
    so "remain", "undecided", "third country" and an unverified "return" read the same; so do the interview and
    the delegate, which are never named. Never-rule (b): a wish is not disclosed to the serving power."""
    consent = Check("consent", e.eligible, ELIGIBLE if e.eligible else NOT_ELIGIBLE, CONSENT_RULE)
    kept = tuple(c for c in e.checks if c.code in NON_WISH_CHECKS)
    return Eligibility(e.person_id, e.eligible, e.medical_priority, (consent, *kept))


def refusal_message(who: Iterable[str]) -> str:
    """The refusal a negotiator gets when ``who`` (display strings, e.g. "Ri (01H...)") cannot be listed or kept
    on a list: names them and says ``NOT_ELIGIBLE``, never why in terms of the wish."""
    names = ", ".join(who) or Msg("a person on the list")
    return Msg("{names} cannot be listed for handover or kept on the list — {not_eligible} (GC III Art. 109(3), "
               "non-refoulement); nothing was changed. A person is listed only once an ICRC delegate has verified "
               "his consent in a private interview; withdraw whoever is no longer eligible", names=names,
               not_eligible=NOT_ELIGIBLE)


def changed_message(who: Iterable[str]) -> str:
    """The refusal a negotiator gets when an agreed exchange cannot be executed because the consent record of
    ``who`` changed since agreement: what to do, never what changed."""
    names = ", ".join(who) or Msg("a person on the list")
    return Msg("the consent record of {names} changed since the exchange was agreed; nothing was changed. Reopen "
               "the exchange and agree it again (eligibility is re-checked), or withdraw them", names=names)


def notice_message(person: str, exchange_id: str, state: str, counterpart: str | None = None) -> str:
    """The notice left for the negotiator when ``person`` is taken off the outgoing list of ``exchange_id`` (in
    ``state``) after a change of wish: ``WITHDRAWN`` and what to do, never the wish."""
    tell = Msg("Tell {counterpart} that the list changed", counterpart=counterpart) if counterpart \
        else Msg("Tell the counterpart that the list changed")
    return Msg("{person} {withdrawn} — removed from the outgoing list of exchange {exchange} ({state}). {tell}; give "
               "no reason to anyone outside the bureau.", person=person, withdrawn=WITHDRAWN, exchange=exchange_id,
               state=state, tell=tell)
