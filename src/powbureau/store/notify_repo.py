"""Reading what the due list needs, and keeping what was sent to the CTA.

The store only narrows the rows: notifiable events whose obligation has no matching sent record, the persons with
an open weekly duty, open enquiries. The rule that turns them into deadlines stays in ``domain.notifications``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Connection, String, case, cast, exists, func, literal, select, union
from sqlalchemy.sql import Select

from ..domain import notifications as rules
from .custody_repo import utc
from .tables import persons, status_events
from .tables_custody import custody_events, notification_exports, notifications_sent
from .tables_enquiries import enquiries, enquiry_events

#: Status changes that are notifiable events (GC III Art. 70: arrival at a camp, transfer, hospital; Art. 120).
STATUS_KIND = {"hospitalised": "hospital_admission", "deceased": "death"}
NOTIFIABLE_STATUSES = ("interned", "hospitalised", "deceased")
OPEN_ENQUIRY_STATES = ("open", "possible_hit")
_CHUNK = 500


def _status_ref():  # noqa: ANN202
    return literal("status:") + cast(status_events.c.id, String)


def _event_ref():  # noqa: ANN202
    return literal("event:") + cast(custody_events.c.id, String)


def _unsent(person_col, kind_col, ref_col):  # noqa: ANN001, ANN202
    """NOT EXISTS a sent record naming this obligation (person, kind, event_ref)."""
    return ~exists().where(notifications_sent.c.person_id == person_col, notifications_sent.c.kind == kind_col,
                           notifications_sent.c.event_ref == ref_col)


def _status_kind():  # noqa: ANN202
    return case((status_events.c.to_status == "deceased", "death_notice"), else_="capture_card")


def _custody_kind():  # noqa: ANN202
    return case(*[(custody_events.c.kind == k, v) for k, v in rules.NOTIFICATION_OF.items()], else_="")


def candidate_persons(conn: Connection) -> Select:
    """SQL for the ids of persons who may owe a notification: a detainee's notifiable status change or a custody
    event whose obligation (``domain.notifications.NOTIFICATION_OF``) no sent record names by its event_ref, and
    everyone ever seriously ill (weekly reports, GC III Art. 122(6)). A superset of the persons with something due:
    every other person's obligations are each met by a sent record naming it."""
    s1 = (select(status_events.c.person_id).join(persons, persons.c.id == status_events.c.person_id)
          .where(status_events.c.to_status.in_(NOTIFIABLE_STATUSES), persons.c.kind == "detainee",
                 _unsent(status_events.c.person_id, _status_kind(), _status_ref())))
    s2 = (select(custody_events.c.person_id)
          .where(custody_events.c.kind.in_(list(rules.NOTIFICATION_OF)),
                 _unsent(custody_events.c.person_id, _custody_kind(), _event_ref())))
    s3 = select(custody_events.c.person_id).where(custody_events.c.kind == "seriously_ill")
    return union(s1, s2, s3)


def _events_query(person_ids: Iterable[str] | None) -> tuple[Select, Select]:
    se = (select(status_events.c.id, status_events.c.person_id, status_events.c.from_status,
                 status_events.c.to_status, status_events.c.at, status_events.c.place)
          .join(persons, persons.c.id == status_events.c.person_id)
          .where(persons.c.kind == "detainee", status_events.c.to_status.in_(NOTIFIABLE_STATUSES))
          .order_by(status_events.c.id))
    ce = select(custody_events).order_by(custody_events.c.id)
    if person_ids is not None:
        ids = list(person_ids)
        se, ce = se.where(status_events.c.person_id.in_(ids)), ce.where(custody_events.c.person_id.in_(ids))
    return se, ce


def _to_events(conn: Connection, se: Select, ce: Select) -> list[rules.NotifiableEvent]:
    out: list[rules.NotifiableEvent] = []
    for r in conn.execute(se).mappings():
        kind = STATUS_KIND.get(r["to_status"])
        if r["to_status"] == "interned":
            kind = "transfer" if r["from_status"] == "transferring" else "arrival_at_camp"
        out.append(rules.NotifiableEvent(kind, r["person_id"], utc(r["at"]).date(), r["place"], f"status:{r['id']}"))
    for r in conn.execute(ce).mappings():
        out.append(rules.NotifiableEvent(r["kind"], r["person_id"], r["occurred_on"], r["place"], f"event:{r['id']}"))
    return out


def notifiable_events(conn: Connection, person_ids: Iterable[str] | None = None) -> list[rules.NotifiableEvent]:
    """Events that create notification duties, of every person or only ``person_ids``: a detainee's arrival in a
    camp (interned), transfer (interned after transferring), hospital admission and death, and every recorded
    custody event (seriously ill, recovered, enquiry, …)."""
    if person_ids is None:
        return _to_events(conn, *_events_query(None))
    ids = sorted(set(person_ids))
    out: list[rules.NotifiableEvent] = []
    for k in range(0, len(ids), _CHUNK):
        out += _to_events(conn, *_events_query(ids[k:k + _CHUNK]))
    return out


def sent_records(conn: Connection, person_ids: Iterable[str] | None = None) -> list[rules.Sent]:
    """Sent notifications as domain ``Sent``, of every person or only ``person_ids``."""
    q = select(notifications_sent.c.person_id, notifications_sent.c.kind, notifications_sent.c.sent_on,
               notifications_sent.c.event_ref)
    if person_ids is None:
        return [rules.Sent(*r) for r in conn.execute(q)]
    ids = sorted(set(person_ids))
    out: list[rules.Sent] = []
    for k in range(0, len(ids), _CHUNK):
        out += [rules.Sent(*r) for r in conn.execute(q.where(notifications_sent.c.person_id.in_(ids[k:k + _CHUNK])))]
    return out


def open_enquiries(conn: Connection) -> list[rules.OpenEnquiry]:
    """Enquiries whose latest state is open or possible_hit, each with the day it was received, or the day it was
    reopened after its last answer (the first state event after the last ``answered``/``closed`` one)."""
    latest = (select(enquiry_events.c.enquiry_id, func.max(enquiry_events.c.id).label("last"))
              .group_by(enquiry_events.c.enquiry_id).subquery())
    done = (select(enquiry_events.c.enquiry_id, func.max(enquiry_events.c.id).label("done"))
            .where(enquiry_events.c.state.in_(("answered", "closed"))).group_by(enquiry_events.c.enquiry_id)
            .subquery())
    after = enquiry_events.alias("after")
    reopened = (select(func.min(after.c.at)).where(after.c.enquiry_id == enquiries.c.id, after.c.id > done.c.done)
                .scalar_subquery())
    q = (select(enquiries.c.id, enquiries.c.received_at, enquiries.c.sought, done.c.done, reopened.label("reopened"))
         .join(latest, latest.c.enquiry_id == enquiries.c.id)
         .join(enquiry_events, enquiry_events.c.id == latest.c.last)
         .outerjoin(done, done.c.enquiry_id == enquiries.c.id)
         .where(enquiry_events.c.state.in_(OPEN_ENQUIRY_STATES)))
    out = []
    for r in conn.execute(q).mappings():
        since = utc(r["reopened"] if r["done"] is not None and r["reopened"] is not None else r["received_at"])
        names = json.loads(r["sought"]).get("names") or []
        out.append(rules.OpenEnquiry(r["id"], since.date(), " / ".join(names[:2])))
    return out


# ----- what was sent --------------------------------------------------------------------------------------------
def insert_export(conn: Connection, row: dict) -> None:
    """Keep one export as sent (``notification_exports`` row with its bytes)."""
    conn.execute(notification_exports.insert().values(**row))


def get_export(conn: Connection, export_id: str) -> dict | None:
    """The export ``export_id`` with its bytes, or None."""
    r = conn.execute(select(notification_exports).where(notification_exports.c.id == export_id)).mappings().first()
    return dict(r) if r else None


def exports_page(conn: Connection, *, limit: int, offset: int = 0) -> tuple[list[dict], int]:
    """Exports newest first (without their bytes), ``limit`` from ``offset``, and how many there are in all; each
    with ``persons``: the ids of the persons its notifications were about."""
    cols = [c for c in notification_exports.c if c.name != "content"]
    rows = [dict(r) for r in conn.execute(select(*cols).order_by(notification_exports.c.created_at.desc(),
                                                                 notification_exports.c.id.desc())
                                          .limit(limit).offset(offset)).mappings()]
    total = conn.execute(select(func.count()).select_from(notification_exports)).scalar_one()
    by_export: dict[str, list[str]] = {r["id"]: [] for r in rows}
    if by_export:
        q = (select(notifications_sent.c.export_file, notifications_sent.c.person_id).distinct()
             .where(notifications_sent.c.export_file.in_(list(by_export)))
             .order_by(notifications_sent.c.export_file, notifications_sent.c.person_id))
        for export_id, pid in conn.execute(q):
            by_export[export_id].append(pid)
    for r in rows:
        r["persons"] = by_export[r["id"]]
        r["created_at"] = utc(r["created_at"])
    return rows, total


def record_sent(conn: Connection, rows: Iterable[dict], *, export_id: str, sent_on: date, sent_by: str,
                sent_at: datetime) -> int:
    """Record notifications as sent in ``export_id``: ``rows`` of {person_id, kind, event_ref}; returns how many."""
    values = [{**r, "export_file": export_id, "sent_on": sent_on, "sent_by": sent_by, "sent_at": sent_at}
              for r in rows]
    if values:
        conn.execute(notifications_sent.insert(), values)
    return len(values)


