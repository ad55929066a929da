"""Reading and writing interviews, wishes, medical decisions and exchanges: rows ↔ domain objects.

Plain functions over a ``Connection`` (the caller owns the transaction). The ``Exchange`` aggregate is rebuilt
from its rows by ``load_exchange`` and its changes written back by the ``save_*`` functions; no rule lives here."""

from __future__ import annotations

from ..domain.messages import from_data, to_data

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, or_, select, update

from ..domain.exchange import (
    Check, Eligibility, Exchange, ExecutionRecord, IncomingEntry, MedicalDecision, OutgoingEntry, Reconciliation,
    ReconciliationLine, Substitution, UnknownArrival, Withdrawal,
)
from ..domain.interview import Interview
from ..domain.roles import Actor
from ..domain.wish import RepatriationWish, Verification
from .tables import judgements
from .tables_custody import (
    exchange_events, exchange_executions, exchange_members, exchange_withdrawals, exchanges, interviews,
    medical_decisions, wish_verifications, wishes,
)

OPEN_STATES = ("draft", "proposed", "agreed", "executed")


def utc(dt: datetime) -> datetime:
    """``dt`` with UTC attached when the database returned it naive (SQLite)."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# ----- interviews and wishes ----------------------------------------------------------------------------------
def interview_row(i: Interview, recorded_at: datetime) -> dict:
    """The ``interviews`` row of a domain ``Interview``."""
    return {
        "id": i.id, "person_id": i.person_id, "at": i.when, "place": i.where, "purpose": i.purpose,
        "language": i.language, "interpreter": i.interpreter, "interpreter_supplied_by": i.interpreter_supplied_by,
        "conducted_by": i.conducted_by.name, "conducted_role": i.conducted_by.role,
        "present": json.dumps(list(i.present), ensure_ascii=False), "recorded_at": recorded_at,
    }


def to_interview(r) -> Interview:  # noqa: ANN001
    """A domain ``Interview`` from an ``interviews`` row mapping."""
    return Interview(
        id=r["id"], person_id=r["person_id"], when=utc(r["at"]), where=r["place"], purpose=r["purpose"],
        language=r["language"], interpreter=r["interpreter"], interpreter_supplied_by=r["interpreter_supplied_by"],
        conducted_by=Actor(r["conducted_by"], r["conducted_role"]), present=tuple(json.loads(r["present"])),
    )


def get_interview(conn: Connection, interview_id: str) -> Interview | None:
    """The interview ``interview_id`` or None."""
    r = conn.execute(select(interviews).where(interviews.c.id == interview_id)).mappings().first()
    return to_interview(r) if r else None


def interview_recorded_at(conn: Connection, interview_id: str) -> datetime | None:
    """When the bureau recorded interview ``interview_id`` (its own clock), or None."""
    at = conn.execute(select(interviews.c.recorded_at).where(interviews.c.id == interview_id)).scalar()
    return utc(at) if at is not None else None


def wishes_taken_in(conn: Connection, interview_id: str) -> list[tuple[str, str]]:
    """(wish id, kind) of every wish recorded as taken in ``interview_id``."""
    return [tuple(r) for r in conn.execute(select(wishes.c.id, wishes.c.kind).where(
        wishes.c.interview_id == interview_id))]


def interviews_of(conn: Connection, person_id: str | None = None, *, limit: int | None = None,
                  offset: int = 0, exclude_purposes: Iterable[str] = ()) -> list[Interview]:
    """Interviews of ``person_id`` (every person when None), newest first, without those of
    ``exclude_purposes`` (what the reader may not see); only ``limit`` of them from ``offset`` when a limit is
    given."""
    q = select(interviews).order_by(interviews.c.at.desc(), interviews.c.id.desc())
    if person_id:
        q = q.where(interviews.c.person_id == person_id)
    if exclude_purposes:
        q = q.where(interviews.c.purpose.not_in(list(exclude_purposes)))
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return [to_interview(r) for r in conn.execute(q).mappings()]


def count_interviews(conn: Connection, person_id: str | None = None, *, exclude_purposes: Iterable[str] = ()) -> int:
    """How many interviews ``person_id`` had (every person's when None), not counting ``exclude_purposes``."""
    q = select(func.count()).select_from(interviews)
    if person_id:
        q = q.where(interviews.c.person_id == person_id)
    if exclude_purposes:
        q = q.where(interviews.c.purpose.not_in(list(exclude_purposes)))
    return conn.execute(q).scalar_one()


def wish_row(w: RepatriationWish) -> dict:
    """The ``wishes`` row of an unverified domain wish (its verification goes to ``wish_verifications``)."""
    return {
        "id": w.id, "person_id": w.person_id, "kind": w.kind, "destination": w.destination,
        "interview_id": w.interview_id, "taken_at": w.taken_at, "recorded_at": w.recorded_at,
        "recorded_by": w.recorded_by.name, "recorded_role": w.recorded_by.role,
    }


def verification_row(wish_id: str, v: Verification) -> dict:
    """The ``wish_verifications`` row of a verification."""
    return {
        "wish_id": wish_id, "interview_id": v.interview_id, "verified_by": v.verified_by.name,
        "verified_role": v.verified_by.role, "verified_at": v.verified_at, "via_interpreter": v.via_interpreter,
    }


def same_person(conn: Connection, person_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each id's cluster over accepted same-person links (latest judgement of the pair = ``match``),
    transitively, the id itself included; the members of each cluster are keys too. A later ``no_match`` or
    ``unsure`` on a pair re-splits it: the merge is a view over revisable judgements, never a destructive merge.

    Reads only the judgements touching the clusters, frontier by frontier (every judgement of a pair touches both
    its ends, so the latest judgement of each pair met is exact), never the whole table."""
    ids = list(dict.fromkeys(person_ids))
    latest: dict[tuple[str, str], tuple[int, str]] = {}  # pair -> (judgement id, judgement) of its latest row
    adj: dict[str, set[str]] = defaultdict(set)
    seen = set(ids)
    frontier = sorted(seen)
    while frontier:
        pairs = set()
        for k in range(0, len(frontier), 500):
            chunk = frontier[k : k + 500]
            for jid, left, right, judgement in conn.execute(
                    select(judgements.c.id, judgements.c.left_id, judgements.c.right_id, judgements.c.judgement)
                    .where(or_(judgements.c.left_id.in_(chunk), judgements.c.right_id.in_(chunk)))):
                pair = (left, right) if left <= right else (right, left)
                if pair not in latest or jid > latest[pair][0]:
                    latest[pair] = (jid, judgement)
                pairs.add(pair)
        reached = set()
        for a, b in pairs:
            if latest[(a, b)][1] == "match":
                adj[a].add(b)
                adj[b].add(a)
                reached.update((a, b))
        frontier = sorted(reached - seen)
        seen.update(frontier)
    out: dict[str, frozenset[str]] = {}
    for pid in ids:
        if pid in out:
            continue
        members, todo = {pid}, [pid]
        while todo:
            for n in adj[todo.pop()] - members:
                members.add(n)
                todo.append(n)
        cluster = frozenset(members)
        for member in cluster:
            out[member] = cluster
    return out


def _own_wishes(conn: Connection, ids: list[str]) -> dict[str, list[RepatriationWish]]:
    out: dict[str, list[RepatriationWish]] = {i: [] for i in ids}
    for k in range(0, len(ids), 500):
        q = (
            select(wishes, wish_verifications.c.interview_id.label("v_interview"), wish_verifications.c.verified_by,
                   wish_verifications.c.verified_role, wish_verifications.c.verified_at,
                   wish_verifications.c.via_interpreter)
            .outerjoin(wish_verifications, wish_verifications.c.wish_id == wishes.c.id)
            .where(wishes.c.person_id.in_(ids[k : k + 500]))
        )
        for r in conn.execute(q).mappings():
            v = None
            if r["verified_by"] is not None:
                v = Verification(r["v_interview"], Actor(r["verified_by"], r["verified_role"]),
                                 utc(r["verified_at"]), bool(r["via_interpreter"]))
            out[r["person_id"]].append(RepatriationWish(
                id=r["id"], person_id=r["person_id"], kind=r["kind"], interview_id=r["interview_id"],
                taken_at=utc(r["taken_at"]), recorded_at=utc(r["recorded_at"]),
                recorded_by=Actor(r["recorded_by"], r["recorded_role"]), destination=r["destination"],
                verification=v,
            ))
    return out


def wishes_by_person(conn: Connection, person_ids: Iterable[str], *, linked: bool = True
                     ) -> dict[str, list[RepatriationWish]]:
    """Every wish of each person with its verification (if any), keyed by person id (all ids present).

    With ``linked`` (the default, and what every consent decision uses) a person's wishes include those of every
    record accepted as the same person (``same_person``): consent belongs to the person, not to a record, so a
    wish to remain on a linked duplicate blocks a handover of the other record. ``linked=False`` gives only the
    record's own wishes (for showing what was said on which record)."""
    ids = list(dict.fromkeys(person_ids))
    if not linked:
        return _own_wishes(conn, ids)
    clusters = same_person(conn, ids)
    every = sorted({m for pid in ids for m in clusters[pid]})
    own = _own_wishes(conn, every)
    return {pid: [w for m in sorted(clusters[pid]) for w in own[m]] for pid in ids}


def all_wish_person_ids(conn: Connection) -> list[str]:
    """Ids of every person with at least one recorded wish."""
    return list(conn.execute(select(wishes.c.person_id).distinct()).scalars())


def latest_medical(conn: Connection, person_ids: Iterable[str]) -> dict[str, dict]:
    """The latest medical decision row (mapping) of each person that has one."""
    ids = list(dict.fromkeys(person_ids))
    out: dict[str, dict] = {}
    for k in range(0, len(ids), 500):
        q = select(medical_decisions).where(medical_decisions.c.person_id.in_(ids[k : k + 500]))
        for r in conn.execute(q.order_by(medical_decisions.c.id)).mappings():
            out[r["person_id"]] = dict(r)
    return out


def to_medical(r: dict) -> MedicalDecision:
    """A domain ``MedicalDecision`` from a ``medical_decisions`` row."""
    return MedicalDecision(r["person_id"], bool(r["seriously_sick_or_wounded"]), Actor(r["decided_by"], "medical"),
                           utc(r["decided_at"]), r["category"])


# ----- exchanges ----------------------------------------------------------------------------------------------
def eligibility_json(e: Eligibility) -> str:
    """An eligibility as JSON (for the member row)."""
    return json.dumps({"eligible": e.eligible, "medical_priority": e.medical_priority, "basis": e.basis,
                       "checks": [[c.code, c.passed, c.text, c.rule, to_data(c.text)] for c in e.checks]},
                      ensure_ascii=False)  # the 5th item keeps the sentence translatable (domain.messages)


def eligibility_from_json(person_id: str, text: str) -> Eligibility:
    """The stored eligibility of a member row."""
    d = json.loads(text or "{}")
    checks = tuple(Check(c[0], c[1], from_data(c[4]) if len(c) > 4 else c[2], c[3]) for c in d.get("checks", ()))
    return Eligibility(person_id, bool(d.get("eligible")), bool(d.get("medical_priority")), checks,
                       str(d.get("basis") or ""))


def _record_json(rec: ExecutionRecord) -> str:
    return json.dumps({
        "recorded_role": rec.recorded_by.role, "crossed_outgoing": sorted(rec.crossed_outgoing), "arrived_incoming": sorted(rec.arrived_incoming),
        "substitutions": [[s.planned_row_id, s.arrived_person_id, s.description] for s in rec.substitutions],
        "unknown_arrivals": [[u.description, u.person_id] for u in rec.unknown_arrivals],
    }, ensure_ascii=False)


def _reconciliation_json(rc: Reconciliation) -> str:
    return json.dumps({"lines": [[x.side, x.outcome, x.person_id, x.row_id, x.note] for x in rc.lines],
                       "status_changes": [list(c) for c in rc.status_changes]}, ensure_ascii=False)


def active_members(conn: Connection, exchange_id: str) -> list[dict]:
    """Member rows of ``exchange_id`` that were not withdrawn, in the order added."""
    q = (
        select(exchange_members)
        .outerjoin(exchange_withdrawals, exchange_withdrawals.c.member_id == exchange_members.c.id)
        .where(exchange_members.c.exchange_id == exchange_id, exchange_withdrawals.c.member_id.is_(None))
        .order_by(exchange_members.c.id)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def load_exchange(conn: Connection, exchange_id: str) -> Exchange | None:
    """Rebuild the ``Exchange`` aggregate from its rows, or None when there is no such exchange."""
    row = conn.execute(select(exchanges).where(exchanges.c.id == exchange_id)).mappings().first()
    if row is None:
        return None
    ex = Exchange(row["id"], row["counterpart"], state=row["state"])
    ex.cancel_reason = row["cancel_reason"]
    for m in active_members(conn, exchange_id):
        if m["side"] == "outgoing":
            ex._outgoing[m["person_id"]] = OutgoingEntry(m["person_id"],
                                                         eligibility_from_json(m["person_id"], m["eligibility"]))
        else:
            ex._incoming[m["row_id"]] = IncomingEntry(m["row_id"], m["list_id"], m["person_id"],
                                                      bool(m["medical_priority"]))
    q = (
        select(exchange_members.c.person_id, exchange_withdrawals.c.state, exchange_withdrawals.c.reason)
        .join(exchange_withdrawals, exchange_withdrawals.c.member_id == exchange_members.c.id)
        .where(exchange_members.c.exchange_id == exchange_id, exchange_members.c.side == "outgoing")
        .order_by(exchange_withdrawals.c.withdrawn_at)
    )
    ex.withdrawals = [Withdrawal(p, s, r) for p, s, r in conn.execute(q)]
    exe = conn.execute(select(exchange_executions).where(exchange_executions.c.exchange_id == exchange_id)).mappings().first()
    if exe is not None:
        rec = json.loads(exe["record"])
        ex.execution = ExecutionRecord(
            Actor(exe["recorded_by"], rec.get("recorded_role", "negotiator")), utc(exe["recorded_at"]), frozenset(rec["crossed_outgoing"]),
            frozenset(rec["arrived_incoming"]), tuple(Substitution(*s) for s in rec["substitutions"]),
            tuple(UnknownArrival(*u) for u in rec["unknown_arrivals"]),
        )
        rc = json.loads(exe["reconciliation"])
        ex.reconciliation = Reconciliation(exchange_id, tuple(ReconciliationLine(*x) for x in rc["lines"]),
                                           tuple(tuple(c) for c in rc["status_changes"]))
    return ex


def insert_exchange(conn: Connection, ex: Exchange, actor: Actor, at: datetime) -> None:
    """Store a new exchange and its first state event."""
    conn.execute(insert(exchanges).values(id=ex.id, counterpart=ex.counterpart, state=ex.state, cancel_reason=None,
                                          created_by=actor.name, created_at=at))
    add_state_event(conn, ex.id, None, ex.state, actor, at, "created")


def add_state_event(conn: Connection, exchange_id: str, old: str | None, new: str, actor: Actor, at: datetime,
                    note: str = "") -> None:
    """Record a state change of an exchange and set its current state."""
    conn.execute(insert(exchange_events).values(exchange_id=exchange_id, from_state=old, to_state=new,
                                                actor=actor.name, at=at, note=note[:500]))
    conn.execute(update(exchanges).where(exchanges.c.id == exchange_id).values(state=new))


def add_member(conn: Connection, exchange_id: str, actor: Actor, at: datetime, *, outgoing: OutgoingEntry | None = None,
               incoming: IncomingEntry | None = None, note: str = "") -> None:
    """Store one new list member (outgoing detainee or incoming list row)."""
    if outgoing is not None:
        values = {"side": "outgoing", "person_id": outgoing.person_id, "row_id": None, "list_id": None,
                  "medical_priority": outgoing.medical_priority, "eligibility": eligibility_json(outgoing.eligibility)}
    else:
        assert incoming is not None
        values = {"side": "incoming", "person_id": incoming.person_id, "row_id": incoming.row_id,
                  "list_id": incoming.list_id, "medical_priority": incoming.medical_priority, "eligibility": "{}"}
    conn.execute(insert(exchange_members).values(exchange_id=exchange_id, added_by=actor.name, added_at=at,
                                                 match_note=note[:500], **values))


def _member_id(conn: Connection, exchange_id: str, *, person_id: str | None = None, row_id: str | None = None) -> int:
    for m in active_members(conn, exchange_id):
        if (person_id and m["side"] == "outgoing" and m["person_id"] == person_id) or (
            row_id and m["side"] == "incoming" and m["row_id"] == row_id
        ):
            return m["id"]
    raise LookupError(f"{person_id or row_id} is not an active member of {exchange_id}")


def withdraw_member(conn: Connection, exchange_id: str, w: Withdrawal, actor: Actor, at: datetime) -> None:
    """Store the withdrawal of an outgoing person (the member row stays, marked withdrawn)."""
    mid = _member_id(conn, exchange_id, person_id=w.person_id)
    conn.execute(insert(exchange_withdrawals).values(member_id=mid, state=w.state, reason=w.reason[:500],
                                                     withdrawn_by=actor.name, withdrawn_at=at))


def set_incoming_match(conn: Connection, exchange_id: str, row_id: str, person_id: str, note: str) -> None:
    """Record the person an incoming row was matched to."""
    mid = _member_id(conn, exchange_id, row_id=row_id)
    conn.execute(update(exchange_members).where(exchange_members.c.id == mid)
                 .values(person_id=person_id, match_note=note[:500]))


def save_eligibilities(conn: Connection, ex: Exchange) -> None:
    """Write the fresh eligibility of every outgoing person (after a re-check)."""
    for m in active_members(conn, ex.id):
        if m["side"] == "outgoing" and ex.is_listed(m["person_id"]):
            entry = next(e for e in ex.outgoing if e.person_id == m["person_id"])
            conn.execute(update(exchange_members).where(exchange_members.c.id == m["id"]).values(
                eligibility=eligibility_json(entry.eligibility), medical_priority=entry.medical_priority))


def save_execution(conn: Connection, ex: Exchange) -> None:
    """Store the execution record and reconciliation of an executed exchange."""
    assert ex.execution is not None and ex.reconciliation is not None
    conn.execute(insert(exchange_executions).values(
        exchange_id=ex.id, recorded_by=ex.execution.recorded_by.name, recorded_at=ex.execution.recorded_at,
        record=_record_json(ex.execution), reconciliation=_reconciliation_json(ex.reconciliation)))


def update_execution(conn: Connection, ex: Exchange) -> None:
    """Write back the execution record and reconciliation of an executed exchange after an unannounced arrival
    was identified (``domain.execution.identify_arrival``)."""
    assert ex.execution is not None and ex.reconciliation is not None
    conn.execute(update(exchange_executions).where(exchange_executions.c.exchange_id == ex.id).values(
        record=_record_json(ex.execution), reconciliation=_reconciliation_json(ex.reconciliation)))


def set_cancel_reason(conn: Connection, exchange_id: str, reason: str) -> None:
    """Keep why an exchange was cancelled."""
    conn.execute(update(exchanges).where(exchanges.c.id == exchange_id).values(cancel_reason=reason[:500]))


def open_exchanges_listing(conn: Connection, person_id: str) -> list[str]:
    """Ids of open exchanges (draft to executed) on whose outgoing list ``person_id`` is."""
    q = (
        select(exchange_members.c.exchange_id)
        .join(exchanges, exchanges.c.id == exchange_members.c.exchange_id)
        .outerjoin(exchange_withdrawals, exchange_withdrawals.c.member_id == exchange_members.c.id)
        .where(exchange_members.c.side == "outgoing", exchange_members.c.person_id == person_id,
               exchange_withdrawals.c.member_id.is_(None), exchanges.c.state.in_(OPEN_STATES))
    )
    return sorted(set(conn.execute(q).scalars()))


def listed_outgoing(conn: Connection, states: Iterable[str]) -> dict[str, list[str]]:
    """person_id → exchange ids where the person is on the outgoing list of an exchange in ``states``."""
    q = (
        select(exchange_members.c.person_id, exchange_members.c.exchange_id)
        .join(exchanges, exchanges.c.id == exchange_members.c.exchange_id)
        .outerjoin(exchange_withdrawals, exchange_withdrawals.c.member_id == exchange_members.c.id)
        .where(exchange_members.c.side == "outgoing", exchange_withdrawals.c.member_id.is_(None),
               exchanges.c.state.in_(list(states)))
    )
    out: dict[str, list[str]] = defaultdict(list)
    for pid, xid in conn.execute(q):
        out[pid].append(xid)
    return dict(out)
