"""What an audit entry is about, in words: the person, list, exchange or enquiry behind a target id.

The audit log stores raw targets (a person's id, a list's id, ``left~right`` for a review pair, a user name); the
audit page shows them as a name and a short id with a link (STYLE: messages name people by name and short id)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from ..store.tables import lists, persons
from ..store.tables_custody import exchanges
from ..store.tables_enquiries import enquiries
from .custody import names_of


def short_id(target: str) -> str:
    """The last six characters of an id, as staff quote it (``…K7Q2ZB``)."""
    return f"…{target[-6:]}"


def describe_targets(conn: Connection, targets: Iterable[str]) -> dict[str, dict]:
    """``target`` → ``{"kind": "person"|"list"|"exchange"|"enquiry"|"pair", "name", "short", "href"}`` for every
    target that names a stored object (a pair gives ``"parts"``: the two persons' descriptions); other targets
    (user names, file names) are left out and shown as they are. Reads only; ids are looked up 500 at a time."""
    wanted = {t for t in targets if t}
    pair_parts = {t: t.split("~", 1) for t in wanted if "~" in t}
    ids = sorted(wanted | {p for parts in pair_parts.values() for p in parts})
    out: dict[str, dict] = {}
    person_ids: list[str] = []
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        person_ids += [r for (r,) in conn.execute(select(persons.c.id).where(persons.c.id.in_(chunk)))]
        for lid, lab, filename in conn.execute(select(lists.c.id, lists.c.label, lists.c.filename)
                                               .where(lists.c.id.in_(chunk))):
            out[lid] = {"kind": "list", "name": f"{lab} ({filename})", "short": short_id(lid), "href": None}
        for xid, counterpart in conn.execute(select(exchanges.c.id, exchanges.c.counterpart)
                                             .where(exchanges.c.id.in_(chunk))):
            out[xid] = {"kind": "exchange", "name": counterpart, "short": short_id(xid), "href": f"/exchanges/{xid}"}
        for (eid,) in conn.execute(select(enquiries.c.id).where(enquiries.c.id.in_(chunk))):
            out[eid] = {"kind": "enquiry", "name": None, "short": short_id(eid), "href": f"/enquiries/{eid}"}
    for pid, name in names_of(conn, person_ids).items():
        out[pid] = {"kind": "person", "name": name, "short": short_id(pid), "href": f"/persons/{pid}"}
    for t, parts in pair_parts.items():
        if all(p in out and out[p]["kind"] == "person" for p in parts):
            out[t] = {"kind": "pair", "parts": [out[p] for p in parts], "name": None, "short": None, "href": None}
    return {t: out[t] for t in wanted if t in out}
