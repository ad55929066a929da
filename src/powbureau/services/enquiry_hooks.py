"""Re-matching enquiries by themselves when the registry learns something new about a person.

A registration, a document added or judged, an executed exchange or a status change calls ``after_persons_changed``
inside its own transaction: the open enquiries whose name keys the person shares are matched again (a new possible
hit enters the queue), and an answered enquiry about that very man is reopened, so that the family hears of it
(GC III Art. 122(7): the bureau answers every enquiry, and keeps answering). Only ``enquiry_match``'s public
functions are called; every state change is audited there."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from ..store.tables import name_keys
from ..store.tables_enquiries import enquiry_judgements, enquiry_keys
from . import enquiry_match as em

CHUNK = 500


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def person_keys(conn: Connection, person_ids: Iterable[str]) -> set[str]:
    """The name-index keys (``name_keys``) of ``person_ids``: the keys an enquiry about them would share."""
    keys: set[str] = set()
    for part in _chunks(sorted(set(person_ids))):
        keys.update(conn.execute(select(name_keys.c.key).where(name_keys.c.person_id.in_(part))).scalars())
    return keys


def enquiries_by_keys(conn: Connection, keys: Iterable[str]) -> set[str]:
    """Ids of the enquiries indexed under any of ``keys`` (``enquiry_keys``)."""
    ids: set[str] = set()
    for part in _chunks(sorted(set(keys))):
        ids.update(conn.execute(select(enquiry_keys.c.enquiry_id).where(enquiry_keys.c.key.in_(part))).scalars())
    return ids


def confirmed_about(conn: Connection, targets: Iterable[str]) -> set[str]:
    """Ids of the enquiries whose latest judgement of one of ``targets`` (``person:<id>`` / ``row:…``) is
    ``confirmed``: the enquiries that are about that man."""
    latest: dict[tuple[str, str], str] = {}
    for part in _chunks(sorted(set(targets))):
        for eid, t, j in conn.execute(select(enquiry_judgements.c.enquiry_id, enquiry_judgements.c.target,
                                             enquiry_judgements.c.judgement)
                                      .where(enquiry_judgements.c.target.in_(part))
                                      .order_by(enquiry_judgements.c.id)):
            latest[(eid, t)] = j
    return {eid for (eid, _), j in latest.items() if j == "confirmed"}


def after_persons_changed(conn: Connection, actor: str, person_ids: Iterable[str], why: str) -> dict:
    """Re-match the enquiries that new information about ``person_ids`` could answer, in the caller's
    transaction; ``why`` says what happened ("registration of …", "document added", "exchange … executed").

    1. An answered or closed enquiry confirmed about one of these persons (or a record judged the same man,
       ``custody_repo.same_person``) is reopened as ``possible_hit`` so a reviewer answers it again.
    2. Every open, possible-hit or not-yet-found enquiry sharing a name key with them is matched again
       (``enquiry_match.rematch``), which moves it to ``possible_hit`` when a new proposed candidate appears.
    Returns ``{"rematched": n, "reopened": [enquiry ids]}``. GC III Art. 122(7)."""
    from ..store.custody_repo import same_person

    pids = sorted(set(person_ids))
    if not pids:
        return {"rematched": 0, "reopened": []}
    anyone = conn.execute(select(enquiry_judgements.c.id).where(enquiry_judgements.c.judgement == "confirmed")
                          .limit(1)).first()
    linked = set().union(*same_person(conn, pids).values()) if anyone else set(pids)
    reopened: list[str] = []
    for eid in sorted(confirmed_about(conn, [f"person:{p}" for p in linked])):
        state, _ = em.state_of(conn, eid)
        if state in ("answered", "closed"):
            em.add_event(conn, eid, "possible_hit", actor, f"reopened: new information about the person ({why})",
                         action="enquiry.reopen")
            reopened.append(eid)
    n = 0
    for eid in sorted(enquiries_by_keys(conn, person_keys(conn, linked)) | set(reopened)):
        state, outcome = em.state_of(conn, eid)
        if state in em.REMATCH_STATES or (state == "answered" and outcome == "not_yet_found"):
            em.rematch(conn, eid, actor, f"re-matched after {why}")
            n += 1
    return {"rematched": n, "reopened": reopened}
