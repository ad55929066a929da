"""Tracing cases: the enquiries that are about one person, however many people asked.

A case is a view over revisable judgements, never stored and never merged: two enquiries share a case when their
confirmed candidates are the same target, or persons a reviewer judged the same man (``custody_repo.same_person``).
Its id is the id of its earliest enquiry; a revised judgement re-splits it (DESIGN §2 "Enquiry"; GC III Art. 122(7))."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..domain.errors import NotFound
from ..domain.roles import Actor, require
from ..store.custody_repo import same_person
from ..store.tables import list_rows
from ..store.tables_enquiries import enquiries
from ..store.uow import UnitOfWork
from . import enquiry_match as em
from .enquiry_hooks import confirmed_about


def confirmed_targets(conn: Connection, enquiry_id: str) -> set[str]:
    """The candidates of ``enquiry_id`` whose latest judgement is ``confirmed``."""
    return {t for t, j in em.rejected_targets(conn, enquiry_id).items() if j == "confirmed"}


def _expand(conn: Connection, targets: set[str]) -> set[str]:
    """``targets`` plus the same man under other records: a list row's person, and same-person clusters."""
    pids = {t.removeprefix("person:") for t in targets if t.startswith("person:")}
    for t in targets:
        if t.startswith("row:"):
            list_id, _, line = t[4:].partition("#")
            if line.isdigit():
                pid = conn.execute(select(list_rows.c.person_id).where(list_rows.c.list_id == list_id,
                                                                       list_rows.c.line == int(line))).scalar()
                if pid:
                    pids.add(pid)
    linked = set().union(*same_person(conn, pids).values()) if pids else set()
    return targets | {f"person:{p}" for p in linked}


def case_members(conn: Connection, enquiry_id: str) -> tuple[list[str], set[str]]:
    """(enquiry ids of the case of ``enquiry_id``, earliest received first; the targets they confirmed). An
    enquiry with no confirmed candidate is a case of its own."""
    members, targets = {enquiry_id}, set()
    todo = [enquiry_id]
    while todo:
        new_targets = set()
        for eid in todo:
            new_targets |= confirmed_targets(conn, eid)
        new_targets = _expand(conn, new_targets) - targets
        targets |= new_targets
        todo = sorted(confirmed_about(conn, new_targets) - members) if new_targets else []
        members.update(todo)
    order = {r.id: r.received_at for r in conn.execute(select(enquiries.c.id, enquiries.c.received_at)
                                                        .where(enquiries.c.id.in_(sorted(members))))}
    return sorted(members, key=lambda e: (order.get(e), e)), targets


def tracing_case(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> dict:
    """The tracing case of ``enquiry_id`` (any of its enquiries, or the case id): ``{case_id, enquiries:
    [{id, names, enquirer, relationship, channel, state, outcome, received_at}], targets}``. Raises
    ``NotFound``; ``enquiry.read``."""
    require(actor, "enquiry.read")
    from .enquiries import _summary

    with uow.read() as conn:
        if conn.execute(select(enquiries.c.id).where(enquiries.c.id == enquiry_id)).first() is None:
            raise NotFound(f"no enquiry or tracing case {enquiry_id!r}; list enquiries at /enquiries")
        ids, targets = case_members(conn, enquiry_id)
        rows = {r.id: r for r in conn.execute(select(enquiries).where(enquiries.c.id.in_(ids)))}
        items = [_summary(conn, rows[i]) for i in ids]
    return {"case_id": ids[0], "enquiries": items, "targets": sorted(targets)}
