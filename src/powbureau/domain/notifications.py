"""What the bureau must notify, by when, and what may be said to the Power on which a prisoner depends.

Deadlines follow GC III Art. 70 (capture card), 120 (deaths), 122(6) (weekly health reports) and 122(7)
(enquiries); anything outgoing is built from a whitelist that cannot carry a wish (never-rule b)."""

from __future__ import annotations

from .messages import Msg, N_
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date, timedelta

from .errors import ValidationFailed
from .wish import RepatriationWish, is_verified_return

EVENT_KINDS: tuple[str, ...] = (
    "arrival_at_camp", "transfer", "hospital_admission", "seriously_ill", "recovered", "death", "enquiry",
)
NOTIFICATION_KINDS: tuple[str, ...] = ("capture_card", "health_report", "death_notice", "enquiry_reply")

RULES: dict[str, str] = {
    "capture_card": N_("GC III Art. 70: capture card within one week of arrival at a camp, transfer, hospital or sickness"),
    "health_report": N_("GC III Art. 122(6): health of the seriously ill or wounded, every week"),
    "death_notice": N_("GC III Art. 120, 122(5): deaths as rapidly as possible (bureau deadline: policy.death_days)"),
    "enquiry_reply": N_("GC III Art. 122(7): reply to every enquiry (bureau deadline: policy.enquiry_days)"),
}

#: Events after which a capture card is due again (Art. 70: arrival "even if a transit camp", transfer to
#: hospital or another camp, sickness).
CARD_EVENTS: frozenset[str] = frozenset({"arrival_at_camp", "transfer", "hospital_admission", "seriously_ill"})


@dataclass(frozen=True)
class DeadlinePolicy:
    """Deadlines in days. ``card_days`` and ``health_interval_days`` are the treaty's week (Art. 70, 122(6)).
    The treaty sets no number for deaths ("as rapidly as possible", Art. 120) nor enquiries (Art. 122(7)); the
    bureau's defaults are 3 days for a death — sooner than the week allowed for a capture card, because
    "as rapidly as possible" is the stricter standard — and 14 days to answer an enquiry."""

    card_days: int = 7
    health_interval_days: int = 7
    death_days: int = 3
    enquiry_days: int = 14


@dataclass(frozen=True)
class NotifiableEvent:
    """Something that happened to ``person_id`` on ``at`` (a date) at ``place``: ``kind`` in EVENT_KINDS.
    ``ref`` is the event's id in the store; without one, ``event_ref`` is built from kind, person and date."""

    kind: str
    person_id: str
    at: date
    place: str = ""
    ref: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValidationFailed(Msg("unknown event kind {kind!r}; choose one of: {items}", kind=self.kind, items=', '.join(EVENT_KINDS)))

    @property
    def event_ref(self) -> str:
        """A stable reference to this event (``ref`` or ``kind:person_id:YYYY-MM-DD``)."""
        return self.ref or f"{self.kind}:{self.person_id}:{self.at.isoformat()}"


@dataclass(frozen=True)
class Sent:
    """A notification already sent: ``kind`` in NOTIFICATION_KINDS, for ``person_id``, on ``sent_on``;
    ``event_ref`` when it answers one obligation (a weekly report: ``<event_ref>#week<N>``)."""

    person_id: str
    kind: str
    sent_on: date
    event_ref: str | None = None


@dataclass(frozen=True)
class Due:
    """A notification still owed: ``kind`` for ``person_id``, arising from ``event_ref``, due on ``due_on``;
    ``overdue`` when today is later than ``due_on``; ``rule`` cites the article."""

    person_id: str
    kind: str
    event_ref: str
    due_on: date
    overdue: bool
    rule: str
    enquiry_id: str | None = None


#: The notification each event kind calls for (``recovered`` calls for none; a ``seriously_ill`` event also opens
#: the weekly health reports, whose refs are ``<event_ref>#week<N>``). The store uses it to read only the events
#: whose obligation has no matching ``Sent``; the rule itself stays in ``due_notifications``.
NOTIFICATION_OF: dict[str, str] = {
    **{k: "capture_card" for k in CARD_EVENTS}, "death": "death_notice", "enquiry": "enquiry_reply",
}


class _Obligation(NamedTuple):  # a tuple: the due list builds tens of thousands of them
    person_id: str
    kind: str
    event_ref: str
    opens_on: date
    due_on: date


def _obligations(events: Iterable[NotifiableEvent], today: date, policy: DeadlinePolicy) -> list[_Obligation]:
    found: list[_Obligation] = []
    by_person: dict[str, list[NotifiableEvent]] = {}
    for e in events:
        by_person.setdefault(e.person_id, []).append(e)
    order = {k: i for i, k in enumerate(EVENT_KINDS)}
    card, death, enquiry = (timedelta(deadline_days(k, policy)) for k in ("capture_card", "death_notice",
                                                                          "enquiry_reply"))
    for pid, evs in by_person.items():
        if len(evs) > 1:
            evs.sort(key=lambda e: (e.at, order[e.kind]))
        ill_since: NotifiableEvent | None = None
        for e in evs:
            if e.at > today:
                continue
            if e.kind in CARD_EVENTS:
                found.append(_Obligation(pid, "capture_card", e.event_ref, e.at, e.at + card))
            if e.kind == "death":
                found.append(_Obligation(pid, "death_notice", e.event_ref, e.at, e.at + death))
            if e.kind == "enquiry":
                found.append(_Obligation(pid, "enquiry_reply", e.event_ref, e.at, e.at + enquiry))
            if e.kind == "seriously_ill" and ill_since is None:
                ill_since = e
            elif e.kind in ("recovered", "death") and ill_since is not None:
                found += _weekly(ill_since, e.at, today, policy)
                ill_since = None
        if ill_since is not None:
            found += _weekly(ill_since, None, today, policy)
    return found


def _weekly(start: NotifiableEvent, end: date | None, today: date, policy: DeadlinePolicy) -> list[_Obligation]:
    """Weekly reports from ``start`` while seriously ill: week N due start + N·interval, for every week that has
    begun by today and ends before recovery or death (``end``)."""
    step = timedelta(policy.health_interval_days)
    out: list[_Obligation] = []
    week = 1
    while True:
        due = start.at + step * week
        opens = due - step + timedelta(1)
        if opens > today or (end is not None and due >= end):
            return out
        out.append(_Obligation(start.person_id, "health_report", f"{start.event_ref}#week{week}", opens, due))
        week += 1


def deadline_days(kind: str, policy: DeadlinePolicy = DeadlinePolicy()) -> int:
    """Days from the event to the deadline of a one-off notification ``kind`` (capture_card: Art. 70's week;
    death_notice: ``policy.death_days``; enquiry_reply: ``policy.enquiry_days``). Raises ``KeyError`` for a
    weekly health report (its deadlines are ``_weekly``'s)."""
    return {"capture_card": policy.card_days, "death_notice": policy.death_days,
            "enquiry_reply": policy.enquiry_days}[kind]


def count_one_off(groups: Iterable[tuple[str, date, int]], today: date,
                  policy: DeadlinePolicy = DeadlinePolicy()) -> tuple[int, int]:
    """(overdue, due not yet late) of one-off obligations known only by their counts: ``groups`` of (notification
    kind, day of the event, how many events) whose obligation no sent record meets, of persons with no weekly duty
    and no loose sent record, so that each event is one obligation of its own (``due_notifications`` gives the
    same). Events after ``today`` are not counted."""
    overdue = due = 0
    for kind, day, n in groups:
        if day > today:
            continue
        if today > day + timedelta(deadline_days(kind, policy)):
            overdue += n
        else:
            due += n
    return overdue, due


def earliest_groups(groups: Iterable[tuple[str, date, int]], today: date, first: int,
                    policy: DeadlinePolicy = DeadlinePolicy()) -> list[tuple[str, date]]:
    """The (kind, day) groups that hold the ``first`` earliest-due obligations of ``count_one_off``'s groups: every
    group due no later than the day by which ``first`` obligations fall due (ties included)."""
    dated = sorted((day + timedelta(deadline_days(kind, policy)), kind, day, n)
                   for kind, day, n in groups if day <= today)
    out, seen, limit = [], 0, None
    for due_on, kind, day, n in dated:
        if limit is not None and due_on > limit:
            break
        out.append((kind, day))
        seen += n
        if seen >= first and limit is None:
            limit = due_on
    return out


def due_notifications(
    events: Iterable[NotifiableEvent],
    sent: Iterable[Sent],
    today: date,
    policy: DeadlinePolicy = DeadlinePolicy(),
) -> list[Due]:
    """Everything still owed on ``today``, sorted by due date, person and kind.

    An obligation is met by a ``Sent`` naming its ``event_ref``; otherwise by a notification of the same kind
    for the same person sent on or after the day it arose: one capture card meets every earlier card obligation
    (it carries the current address), while each health report, death notice and enquiry reply meets one
    obligation, the earliest open. Events after ``today`` are ignored."""
    obligations = _obligations(events, today, policy)
    met: set[int] = set()
    by_ref = {(o.person_id, o.kind, o.event_ref): i for i, o in enumerate(obligations)}
    loose: list[Sent] = []
    for s in sent:
        if s.kind not in NOTIFICATION_KINDS:
            choose = ", ".join(NOTIFICATION_KINDS)
            raise ValidationFailed(Msg("unknown notification kind {kind!r}; choose one of: {choose}", kind=s.kind, choose=choose))
        key = (s.person_id, s.kind, s.event_ref)
        if s.event_ref is not None and key in by_ref:
            met.add(by_ref[key])
        else:
            loose.append(s)
    by_person_kind: dict[tuple[str, str], list[int]] = {}
    if loose:
        for i, o in enumerate(obligations):
            by_person_kind.setdefault((o.person_id, o.kind), []).append(i)
    for s in sorted(loose, key=lambda x: x.sent_on):
        candidates = [
            i for i in by_person_kind.get((s.person_id, s.kind), ())
            if i not in met and obligations[i].opens_on <= s.sent_on
        ]
        candidates.sort(key=lambda i: obligations[i].due_on)
        met.update(candidates if s.kind == "capture_card" else candidates[:1])
    dues = [
        Due(o.person_id, o.kind, o.event_ref, o.due_on, today > o.due_on, RULES[o.kind])
        for i, o in enumerate(obligations)
        if i not in met
    ]
    return sorted(dues, key=lambda d: (d.due_on, d.person_id, d.kind, d.event_ref))


@dataclass(frozen=True)
class OpenEnquiry:
    """An enquiry not yet answered (state open or possible_hit): ``enquiry_id``, ``since`` — the day it was
    received, or reopened after its last answer — and ``about`` (the names the enquirer gave, for display)."""

    enquiry_id: str
    since: date
    about: str = ""


def enquiry_reply_dues(
    open_enquiries: Iterable[OpenEnquiry], today: date, policy: DeadlinePolicy = DeadlinePolicy(),
) -> list[Due]:
    """A reply is owed for every enquiry not yet answered, ``policy.enquiry_days`` (14) after ``since``: GC III
    Art. 122(7) obliges the bureau to reply to every enquiry and sets no number of days; 14 is the bureau's
    deadline, the same as for a custody ``enquiry`` event. ``person_id`` is empty (the enquiry may not yet name a
    person of the registry), ``event_ref`` is ``enquiry:<id>``; enquiries received after ``today`` are ignored.
    Sorted like ``due_notifications``."""
    out = []
    for e in open_enquiries:
        if e.since > today:
            continue
        due = e.since + timedelta(policy.enquiry_days)
        out.append(Due("", "enquiry_reply", f"enquiry:{e.enquiry_id}", due, today > due, RULES["enquiry_reply"],
                       e.enquiry_id))
    return sorted(out, key=lambda d: (d.due_on, d.person_id, d.kind, d.event_ref))


# ----- never-rule (b): what may be sent to the Power on which the person depends -------------------------------

#: The only fields that may leave the bureau about a person (GC III Art. 17, 70, 122(4)-(6), Annex IV B).
SERVING_POWER_FIELDS: frozenset[str] = frozenset({
    "surname", "given_name", "patronymic", "name_full", "name_latin", "father_given_name", "mother_maiden_name",
    "birth_date", "birth_place", "rank", "unit", "service_number", "serving_power", "next_of_kin",
    "correspondence_address", "capture_date", "capture_place", "camp", "prisoner_number", "status", "status_date",
    "health_box", "death_date", "death_place",
})


#: The capture card's health box (GC III Annex IV B, item 11): the only health data that leaves the bureau.
HEALTH_BOX: tuple[str, ...] = (
    "good_health", "not_wounded", "recovered", "convalescent", "sick", "slightly_wounded", "seriously_wounded",
)

_WISH_WORDS = frozenset({"remain", "third_country", "third country"})


def check_health_box(marks: Iterable[str]) -> frozenset[str]:
    """The health box marks as a set; raises ``ValidationFailed`` for anything that is not an Annex IV B item 11
    word (no diagnosis, no treatment: medical details stay with medical roles)."""
    found = frozenset(m.strip() for m in marks if m.strip())
    bad = sorted(found - set(HEALTH_BOX))
    if bad:
        raise ValidationFailed(
            Msg("health box accepts only {items}; got {items2} — medical details are not sent", items=', '.join(HEALTH_BOX), items2=', '.join(bad))
        )
    return found


@dataclass(frozen=True)
class ServingPowerMessage:
    """One person's data as sent to the Power on which he depends (directly, through a Protecting Power, or
    through the CTA, which forwards it — GC III Art. 122(3), 123). ``fields`` are whitelisted text values;
    ``listed_for_repatriation`` is True only for a verified return on an outgoing list."""

    person_id: str
    serving_power: str
    fields: tuple[tuple[str, str], ...]
    listed_for_repatriation: bool

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON/CSV export; ``repatriation`` appears only as ``"listed"`` and only when listed."""
        data: dict[str, object] = {"person_id": self.person_id, "serving_power": self.serving_power}
        data.update(dict(self.fields))
        if self.listed_for_repatriation:
            data["repatriation"] = "listed"
        return data


def outgoing_message_to_serving_power(
    person_id: str,
    serving_power: str,
    fields: Mapping[str, object],
    *,
    wishes: Iterable[RepatriationWish] = (),
    listed: bool = False,
) -> ServingPowerMessage:
    """Build what may be sent about ``person_id`` to ``serving_power`` (also used for CTA exports).

    ``fields`` maps property → value; values are str, int, date or None (None is dropped). A property outside
    SERVING_POWER_FIELDS — a wish, a medical detail, an interview — is refused with ``ValidationFailed``, so a
    caller cannot leak one by mistake. ``listed`` (the person is on an exchange's outgoing list) is disclosed
    only when his latest wish is a verified return; a wish to remain, to go to a third country, an undecided or
    unverified wish all give the same message as no wish at all (never-rule b)."""
    extra = sorted(set(fields) - SERVING_POWER_FIELDS)
    if extra:
        raise ValidationFailed(
            f"{', '.join(extra)} may not be sent to the Power on which {person_id} depends; allowed: "
            + ", ".join(sorted(SERVING_POWER_FIELDS))
        )
    clean: list[tuple[str, str]] = []
    for key in sorted(fields):
        value = fields[key]
        if value is None:
            continue
        if not isinstance(value, (str, int, date)) or isinstance(value, bool):
            kind = type(value).__name__
            raise ValidationFailed(Msg("field {key} of {person_id} must be text, a number or a date, not {kind}", key=key, person_id=person_id, kind=kind))
        text = value.isoformat() if isinstance(value, date) else str(value)
        if text.strip().casefold() in _WISH_WORDS:
            raise ValidationFailed(Msg("field {key} of {person_id} holds a repatriation wish; wishes are never sent", key=key, person_id=person_id))
        if key == "health_box":
            text = ",".join(m for m in HEALTH_BOX if m in check_health_box(text.split(",")))
        clean.append((key, text))
    return ServingPowerMessage(person_id, serving_power, tuple(clean), listed and is_verified_return(wishes))
