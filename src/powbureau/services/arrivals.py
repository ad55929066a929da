"""Unannounced arrivals of an executed exchange: who crossed to us without being on the incoming list.

Each one is registered as our own personnel (a new record, provenance "arrived unannounced in exchange …") or
linked to the record we already hold, and returned through the life cycle (GC III Art. 118-119); the exchange's
reconciliation then names him. One transaction, audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select

from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.execution import identify_arrival
from ..domain.lifecycle import StatusEvent, check_transition
from ..domain.roles import Actor, require
from ..store import audit, covered, custody_repo as crepo, repositories as repo
from ..store.tables import status_events
from ..store.uow import UnitOfWork
from . import registration, registry
from .custody import names_of

#: The most records a page offers to link one arrival to.
CANDIDATES = 5


def exchange_label(counterpart: str, exchange_id: str) -> str:
    """How a statement's provenance names an exchange: ``exchange with RU (…7Q2K9M)``."""
    return f"exchange with {counterpart} (…{exchange_id[-6:]})"


def _who(conn, person_id: str) -> str:  # noqa: ANN001
    """``name (…short id)`` of ``person_id`` for a message."""
    return f"{names_of(conn, [person_id]).get(person_id) or 'person'} (…{person_id[-6:]})"


def unannounced(uow: UnitOfWork, actor: Actor, exchange_id: str) -> list[dict]:
    """The unannounced arrivals of executed exchange ``exchange_id`` (``exchange.read``), in the record's order:
    ``index``, ``description``, ``person_id`` and ``name`` once identified, and for a reader who may register
    persons (``person.write``) up to five ``candidates`` (own personnel the search finds by the description:
    ``person_id``, ``name``, ``status``). Empty before execution. Raises ``NotFound``."""
    require(actor, "exchange.read")
    with uow.read() as conn:
        ex = crepo.load_exchange(conn, exchange_id)
        if ex is None:
            raise NotFound(f"no exchange {exchange_id!r}; `powbureau exchange list` shows the exchanges")
        arrivals = list(ex.execution.unknown_arrivals) if ex.execution else []
        nm = names_of(conn, [a.person_id for a in arrivals if a.person_id])
    out = []
    for i, a in enumerate(arrivals):
        item = {"index": i, "description": a.description, "person_id": a.person_id,
                "name": nm.get(a.person_id) if a.person_id else None, "candidates": []}
        if not a.person_id and actor.can("person.write"):
            try:
                hits = registry.search(uow, actor, a.description, kind="own_personnel", limit=CANDIDATES)
            except ValidationFailed:  # a description with no searchable name
                hits = []
            item["candidates"] = [{"person_id": h.person_id, "name": h.name, "status": h.status} for h in hits]
        out.append(item)
    return out


def register_arrival(uow: UnitOfWork, actor: Actor, exchange_id: str, index: int, *,
                     values: Mapping[str, str] | None = None, person_id: str | None = None) -> dict:
    """Identify unannounced arrival ``index`` (0-based) of executed exchange ``exchange_id``: link him to our own
    personnel ``person_id``, or register him from ``values`` ({property: text} over
    ``registration.PROPERTIES``, checked as an import row) with provenance "arrived unannounced in exchange
    with …" (``observation``). Either way he moves to ``returned`` at the crossing point, audited, and the
    exchange's reconciliation names him. Needs ``person.write`` and ``exchange.read`` (registrars, admins).

    Returns ``{person_id, created}``. Raises ``NotFound``, ``ValidationFailed`` (exchange not executed; not own
    personnel), ``registration.RegistrationRefused``, ``NotOnList``, ``Conflict`` (already identified),
    ``IllegalTransition`` (his status does not allow a return), ``TamperDetected``."""
    require(actor, "person.write")
    require(actor, "exchange.read")
    now = datetime.now(UTC)
    with uow.transaction() as conn:
        ex = crepo.load_exchange(conn, exchange_id)
        if ex is None:
            raise NotFound(f"no exchange {exchange_id!r}; `powbureau exchange list` shows the exchanges")
        if ex.execution is None or ex.reconciliation is None:
            raise ValidationFailed(f"exchange {exchange_id} is {ex.state}, not executed: record its execution "
                                   "first, with the unannounced arrivals")
        where = exchange_label(ex.counterpart, ex.id)
        known = ex.execution.unknown_arrivals
        if 0 <= index < len(known) and known[index].person_id:
            done = known[index].person_id
            raise Conflict(f"unannounced arrival number {index + 1} ({known[index].description}) is already "
                           f"registered as {_who(conn, done)}; open his page to add what he says")
        # refuses an unknown or already identified arrival before anything is written
        record, rc = identify_arrival(ex.execution, ex.reconciliation, index, person_id or "-", actor.name)
        description = ex.execution.unknown_arrivals[index].description
        created = person_id is None
        if created:
            checked = registration.check_values("own_personnel", dict(values or {}))
            pid, stmts = registration.insert_person(conn, actor, "own_personnel", checked, source_kind="observation",
                                                    source_ref=f"arrived unannounced in {where}", at=now)
            audit.append(conn, actor=actor.name, action="person.register", target=pid,
                         detail={"kind": "own_personnel", "exchange": ex.id, "arrival": description,
                                 "properties": sorted({s.prop for s in stmts})},
                         covers=[("statements", s.id) for s in stmts])
            record, rc = identify_arrival(ex.execution, ex.reconciliation, index, pid, actor.name)
        else:
            pid = person_id
            twice = [i for i, a in enumerate(known) if a.person_id == pid]
            if twice:  # one man crosses once: a second arrival is someone else
                raise Conflict(f"{_who(conn, pid)} is already linked to unannounced arrival number {twice[0] + 1} "
                               f"({known[twice[0]].description}); register this arrival as a new record instead")
            p = repo.get_person(conn, pid)
            if p is None or p["kind"] != "own_personnel":
                raise ValidationFailed(f"{_who(conn, pid)} is not one of our own personnel; link an arrival to an "
                                       "own-personnel record, or register him as a new one")
            record, rc = identify_arrival(ex.execution, ex.reconciliation, index, pid, actor.name)
        p = repo.get_person(conn, pid)
        if p["status"] != "returned":
            covered.check_status(conn, pid)  # move on from the recorded status, never a forged one
            rule = check_transition("own_personnel", p["status"], "returned")
            place = conn.execute(select(status_events.c.place).where(
                status_events.c.note == f"exchange {ex.id}").limit(1)).scalar() or "crossing point"
            eid = repo.add_status_event(conn, StatusEvent(pid, p["status"], "returned", now, place, actor.name,
                                                          f"exchange {ex.id}: arrived unannounced"))
            audit.append(conn, actor=actor.name, action="status.change", target=pid,
                         detail={"from": p["status"], "to": "returned", "place": place, "rule": rule,
                                 "exchange": ex.id}, covers=[("status_events", eid)])
        ex.execution, ex.reconciliation = record, rc
        crepo.update_execution(conn, ex)
        audit.append(conn, actor=actor.name, action="exchange.register_arrival", target=ex.id,
                     detail={"arrival": index + 1, "description": description, "person": pid, "created": created})
        from .enquiry_hooks import after_persons_changed  # an enquiry may seek him (GC III Art. 122(7))

        after_persons_changed(conn, actor.name, [pid], f"exchange {ex.id}: arrived unannounced")
    return {"person_id": pid, "created": created}

