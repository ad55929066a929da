"""Execution of an exchange: what actually crossed, reconciled against the planned lists.

The negotiator records who was handed over and who arrived; ``reconcile`` says crossed / no_show / substituted /
unknown_arrival per person and the status changes that follow (repatriated, returned; GC III Art. 118-119)."""

from __future__ import annotations

from .messages import Msg
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .errors import NotOnList
from .interview import as_utc
from .roles import Actor

if TYPE_CHECKING:
    from .exchange import IncomingEntry

OUTCOMES: tuple[str, ...] = ("crossed", "no_show", "substituted", "unknown_arrival")


@dataclass(frozen=True)
class Substitution:
    """The counterpart sent someone else in place of incoming row ``planned_row_id``: our ``arrived_person_id``
    if identified, else None, with a ``description`` (name as given at the crossing)."""

    planned_row_id: str
    arrived_person_id: str | None = None
    description: str = ""


@dataclass(frozen=True)
class UnknownArrival:
    """Someone who crossed to us without being on the incoming list: ``description``, and ``person_id`` once
    identified as our own personnel."""

    description: str
    person_id: str | None = None


@dataclass(frozen=True)
class ExecutionRecord:
    """What the negotiator saw at the crossing: detainees handed over (``crossed_outgoing``: person ids),
    incoming rows that arrived (``arrived_incoming``: row ids), substitutions and unknown arrivals."""

    recorded_by: Actor
    recorded_at: datetime
    crossed_outgoing: frozenset[str] = frozenset()
    arrived_incoming: frozenset[str] = frozenset()
    substitutions: tuple[Substitution, ...] = ()
    unknown_arrivals: tuple[UnknownArrival, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "recorded_at", as_utc(self.recorded_at, "execution record time"))
        object.__setattr__(self, "crossed_outgoing", frozenset(self.crossed_outgoing))
        object.__setattr__(self, "arrived_incoming", frozenset(self.arrived_incoming))
        object.__setattr__(self, "substitutions", tuple(self.substitutions))
        object.__setattr__(self, "unknown_arrivals", tuple(self.unknown_arrivals))


@dataclass(frozen=True)
class ReconciliationLine:
    """One planned or actual crossing: ``side`` (outgoing|incoming), ``outcome`` (one of OUTCOMES), the person
    and/or list row, and a note saying what to do."""

    side: str
    outcome: str
    person_id: str | None
    row_id: str | None
    note: str


@dataclass(frozen=True)
class Reconciliation:
    """Planned vs actual for one exchange; ``status_changes`` are ``(status, person_id)`` pairs the registry
    should apply: ``("repatriated", detainee)`` and ``("returned", own personnel)`` (see ``lifecycle``)."""

    exchange_id: str
    lines: tuple[ReconciliationLine, ...]
    status_changes: tuple[tuple[str, str], ...]

    def counts(self) -> dict[str, int]:
        """Number of lines per outcome (every outcome present, zero included)."""
        return {o: sum(1 for line in self.lines if line.outcome == o) for o in OUTCOMES}


def reconcile(
    exchange_id: str, record: ExecutionRecord, outgoing: Sequence[str], incoming: Sequence[IncomingEntry]
) -> Reconciliation:
    """Compare the planned lists with ``record``. Raises ``NotOnList`` (nothing changes) when the record names a
    detainee not on the outgoing list, or a row not on the incoming list (use ``unknown_arrivals`` for those),
    or a substituted row that also arrived."""
    planned_out = set(outgoing)
    rows = {e.row_id: e for e in incoming}
    stray = sorted(record.crossed_outgoing - planned_out)
    if stray:
        raise NotOnList(
            Msg("execution record of exchange {exchange_id} names {items} as handed over, but they are not on its outgoing list; nobody is handed over without being listed — correct the record", exchange_id=exchange_id, items=', '.join(stray))
        )
    stray = sorted(record.arrived_incoming - rows.keys())
    substituted = [s.planned_row_id for s in record.substitutions]
    stray += sorted(set(substituted) - rows.keys())
    if stray:
        raise NotOnList(
            Msg("execution record of exchange {exchange_id} names rows {items}, not on its incoming list; record people who arrived unannounced as unknown arrivals", exchange_id=exchange_id, items=', '.join(stray))
        )
    both = sorted(set(substituted) & record.arrived_incoming) + sorted(
        {r for r in substituted if substituted.count(r) > 1}
    )
    if both:
        raise NotOnList(Msg("rows {items} are recorded both as arrived and substituted, or substituted twice", items=', '.join(both)))
    lines: list[ReconciliationLine] = []
    changes: list[tuple[str, str]] = []
    for pid in outgoing:
        if pid in record.crossed_outgoing:
            lines.append(ReconciliationLine("outgoing", "crossed", pid, None, "handed over"))
            changes.append(("repatriated", pid))
        else:
            lines.append(ReconciliationLine("outgoing", "no_show", pid, None, "listed but not handed over"))
    subs = {s.planned_row_id: s for s in record.substitutions}
    for row_id, entry in rows.items():
        if row_id in record.arrived_incoming:
            note = "arrived" if entry.matched else "arrived; row not yet matched — match it to record his return"
            lines.append(ReconciliationLine("incoming", "crossed", entry.person_id, row_id, note))
            if entry.person_id:
                changes.append(("returned", entry.person_id))
        elif row_id in subs:
            sub = subs[row_id]
            who = sub.arrived_person_id or "an unidentified person"
            note = f"{who} arrived instead ({sub.description})" if sub.description else f"{who} arrived instead"
            lines.append(ReconciliationLine("incoming", "substituted", sub.arrived_person_id, row_id, note))
            if sub.arrived_person_id:
                changes.append(("returned", sub.arrived_person_id))
        else:
            note = "listed but did not arrive"
            lines.append(ReconciliationLine("incoming", "no_show", entry.person_id, row_id, note))
    for arrival in record.unknown_arrivals:
        note = f"arrived unannounced: {arrival.description}; identify and register him"
        lines.append(ReconciliationLine("incoming", "unknown_arrival", arrival.person_id, None, note))
        if arrival.person_id:
            changes.append(("returned", arrival.person_id))
    return Reconciliation(exchange_id, tuple(lines), tuple(changes))


def identify_arrival(record: ExecutionRecord, rc: Reconciliation, index: int, person_id: str,
                     registered_by: str) -> tuple[ExecutionRecord, Reconciliation]:
    """The record and reconciliation once unknown arrival number ``index`` (0-based, in the record's order) is
    identified as our own personnel ``person_id``: the arrival names him, its reconciliation line too (with who
    registered him), and his return joins the status changes (GC III Art. 119). Raises ``NotOnList`` for an
    index that names no unknown arrival, ``Conflict`` when that arrival was already identified."""
    from dataclasses import replace

    from .errors import Conflict

    arrivals = list(record.unknown_arrivals)
    if not 0 <= index < len(arrivals):
        raise NotOnList(f"exchange {rc.exchange_id} has no unannounced arrival number {index + 1}; "
                        f"it recorded {len(arrivals)}")
    if arrivals[index].person_id:
        raise Conflict(f"unannounced arrival number {index + 1} ({arrivals[index].description}) is already "
                       f"registered as person {arrivals[index].person_id}")
    arrivals[index] = UnknownArrival(arrivals[index].description, person_id)
    lines, seen = [], -1
    for line in rc.lines:
        if line.outcome == "unknown_arrival":
            seen += 1
            if seen == index:
                line = replace(line, person_id=person_id, note=f"arrived unannounced: "
                               f"{arrivals[index].description}; registered by {registered_by}")
        lines.append(line)
    return (replace(record, unknown_arrivals=tuple(arrivals)),
            Reconciliation(rc.exchange_id, tuple(lines), (*rc.status_changes, ("returned", person_id))))
