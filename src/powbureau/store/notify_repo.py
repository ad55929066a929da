"""Reading what the due list needs, and keeping what was sent to the CTA.

The store only narrows the rows: notifiable events whose obligation has no matching sent record, the persons with
an open weekly duty, open enquiries. The rule that turns them into deadlines stays in ``domain.notifications``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Connection, Date, String, case, cast, exists, func, literal, or_, select, union
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
_MANY = 4000  # more candidates than this: read their rows in one statement rather than by chunks of ids


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


# ----- the home page's counts: one-off obligations counted in SQL, the rest through the domain rule ------------
def _day(conn: Connection, col):  # noqa: ANN001, ANN202
    """SQL for the UTC calendar day of the timestamp ``col``."""
    if conn.dialect.name == "sqlite":
        return func.date(col, type_=Date)
    return func.date(func.timezone("UTC", col), type_=Date)


def _loose_send(conn: Connection, person_col, today: date):  # noqa: ANN001, ANN202
    """EXISTS a sent record of the person that does not name, by kind and event_ref, an obligation of one of his
    own events up to ``today``: the domain would treat it as a loose send (meeting another obligation)."""
    ns, se, ce, p = notifications_sent.alias(), status_events.alias(), custody_events.alias(), persons.alias()
    status_match = exists(select(se.c.id).join(p, p.c.id == se.c.person_id).where(
        se.c.person_id == ns.c.person_id, literal("status:") + cast(se.c.id, String) == ns.c.event_ref,
        se.c.to_status.in_(NOTIFIABLE_STATUSES), p.c.kind == "detainee", _day(conn, se.c.at) <= today,
        case((se.c.to_status == "deceased", "death_notice"), else_="capture_card") == ns.c.kind))
    custody_match = exists(select(ce.c.id).where(
        ce.c.person_id == ns.c.person_id, literal("event:") + cast(ce.c.id, String) == ns.c.event_ref,
        ce.c.occurred_on <= today,
        case(*[(ce.c.kind == k, v) for k, v in rules.NOTIFICATION_OF.items()], else_="") == ns.c.kind))
    return exists(select(ns.c.id).where(ns.c.person_id == person_col,
                                        or_(ns.c.event_ref.is_(None), ~or_(status_match, custody_match))))


def _weekly_duty(person_col):  # noqa: ANN001, ANN202
    ce = custody_events.alias()
    return exists(select(ce.c.id).where(ce.c.person_id == person_col, ce.c.kind == "seriously_ill"))


def _unsent_rows(conn: Connection) -> tuple[Select, Select]:
    """Unsent one-off obligations: (notification kind, event day, person, ref, event kind, id, place), from status
    changes and from custody events."""
    st = (select(_status_kind().label("nkind"), _day(conn, status_events.c.at).label("day"),
                 status_events.c.person_id, _status_ref().label("ref"), status_events.c.from_status,
                 status_events.c.to_status, status_events.c.place)
          .join(persons, persons.c.id == status_events.c.person_id)
          .where(status_events.c.to_status.in_(NOTIFIABLE_STATUSES), persons.c.kind == "detainee",
                 _unsent(status_events.c.person_id, _status_kind(), _status_ref())))
    cu = (select(_custody_kind().label("nkind"), custody_events.c.occurred_on.label("day"),
                 custody_events.c.person_id, _event_ref().label("ref"), custody_events.c.kind,
                 custody_events.c.kind, custody_events.c.place)
          .where(custody_events.c.kind.in_(list(rules.NOTIFICATION_OF)),
                 _unsent(custody_events.c.person_id, _custody_kind(), _event_ref())))
    return st, cu


def _as_date(value) -> date:  # noqa: ANN001
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def one_off_groups(conn: Connection, today: date) -> tuple[list[tuple[str, date, int]], bool]:
    """(notification kind, event day, how many) of the unsent one-off obligations of persons with neither a weekly
    duty nor a loose sent record (``domain.notifications.count_one_off`` counts them), and whether any unsent
    obligation belongs to a person who has one (then ``complex_inputs`` must look for him). One pass each over
    status changes and custody events."""
    out: dict[tuple[str, date], int] = {}
    other = False
    for q, person in zip(_unsent_rows(conn), (status_events.c.person_id, custody_events.c.person_id), strict=True):
        flag = case((or_(_weekly_duty(person), _loose_send(conn, person, today)), 1), else_=0)
        sub = q.add_columns(flag.label("other")).subquery()
        rows = conn.execute(select(sub.c.nkind, sub.c.day, sub.c.other, func.count())
                            .group_by(sub.c.nkind, sub.c.day, sub.c.other))
        for kind, day, flagged, n in rows:
            if flagged:
                other = True
                continue
            key = (kind, _as_date(day))
            out[key] = out.get(key, 0) + n
    return [(k, d, n) for (k, d), n in out.items()], other


def one_off_events(conn: Connection, groups: Iterable[tuple[str, date]], today: date,
                   first: int) -> list[rules.NotifiableEvent]:
    """The events behind the first ``first`` obligations (by person, then ref) of each (kind, day) group of
    ``one_off_groups``."""
    out: list[rules.NotifiableEvent] = []
    for kind, day in groups:
        for q, person in zip(_unsent_rows(conn), (status_events.c.person_id, custody_events.c.person_id),
                             strict=True):
            sub = q.where(~_weekly_duty(person), ~_loose_send(conn, person, today)).subquery()
            rows = conn.execute(select(sub).where(sub.c.nkind == kind, sub.c.day == day)
                                .order_by(sub.c.person_id, sub.c.ref).limit(first))
            for nkind, d, pid, ref, a, b, place in rows:
                if ref.startswith("status:"):
                    ev = STATUS_KIND.get(b) or ("transfer" if a == "transferring" else "arrival_at_camp")
                else:
                    ev = a
                out.append(rules.NotifiableEvent(ev, pid, _as_date(d), place, ref))
    return out


def complex_inputs(conn: Connection, today: date, *, any_loose: bool = True,
                   ) -> tuple[list[rules.NotifiableEvent], list[rules.Sent]]:
    """(events, sent records) of the persons ``one_off_groups`` leaves out: everyone with a weekly duty and, when
    ``any_loose`` (``one_off_groups`` saw one), those with an unsent obligation and a loose sent record."""
    ids: set[str] = set(conn.execute(select(custody_events.c.person_id).where(custody_events.c.kind == "seriously_ill")
                                     .distinct()).scalars())
    for q, person in zip(_unsent_rows(conn), (status_events.c.person_id, custody_events.c.person_id), strict=True):
        if not any_loose:
            break
        sub = q.where(_loose_send(conn, person, today)).subquery()
        ids |= set(conn.execute(select(sub.c.person_id).distinct()).scalars())
    return notifiable_events(conn, ids), sent_records(conn, ids)


def _events_query(person_ids: Iterable[str] | None) -> tuple[Select, Select]:
    se = (select(status_events.c.id, status_events.c.person_id, status_events.c.from_status,
                 status_events.c.to_status, status_events.c.at, status_events.c.place, persons.c.kind)
          .join(persons, persons.c.id == status_events.c.person_id).order_by(status_events.c.id))
    ce = (select(custody_events.c.id, custody_events.c.person_id, custody_events.c.kind, custody_events.c.occurred_on,
                 custody_events.c.place).order_by(custody_events.c.id))
    if person_ids is not None:  # by person (their index); statuses not notifiable and non-detainees skipped below
        ids = list(person_ids)
        return se.where(status_events.c.person_id.in_(ids)), ce.where(custody_events.c.person_id.in_(ids))
    return se.where(status_events.c.to_status.in_(NOTIFIABLE_STATUSES), persons.c.kind == "detainee"), ce


def _to_events(conn: Connection, se: Select, ce: Select) -> list[rules.NotifiableEvent]:
    out: list[rules.NotifiableEvent] = []
    for sid, pid, from_status, to_status, at, place, person_kind in conn.execute(se):
        if to_status not in NOTIFIABLE_STATUSES or person_kind != "detainee":
            continue
        kind = STATUS_KIND.get(to_status)
        if to_status == "interned":
            kind = "transfer" if from_status == "transferring" else "arrival_at_camp"
        out.append(rules.NotifiableEvent(kind, pid, utc(at).date(), place, f"status:{sid}"))
    for eid, pid, kind, on, place in conn.execute(ce):
        out.append(rules.NotifiableEvent(kind, pid, on, place, f"event:{eid}"))
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


def due_inputs(conn: Connection) -> tuple[list[rules.NotifiableEvent], list[rules.Sent]]:
    """(events, sent records) of the persons who may owe a notification (``candidate_persons``) and of nobody
    else: what ``domain.notifications.due_notifications`` needs for the bureau's due list. Few persons are read by
    id; many, in one statement each over the candidate query."""
    ids = list(conn.execute(candidate_persons(conn)).scalars())
    if len(ids) <= _MANY:
        return notifiable_events(conn, ids), sent_records(conn, ids)
    sub = select(candidate_persons(conn).subquery().c.person_id)
    se, ce = _events_query(None)
    events = _to_events(conn, se.where(status_events.c.person_id.in_(sub)),
                        ce.where(custody_events.c.person_id.in_(sub)))
    q = select(notifications_sent.c.person_id, notifications_sent.c.kind, notifications_sent.c.sent_on,
               notifications_sent.c.event_ref).where(notifications_sent.c.person_id.in_(sub))
    return events, [rules.Sent(*r) for r in conn.execute(q)]


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


