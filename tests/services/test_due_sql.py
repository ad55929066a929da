"""The due list read through the store's filter (only persons with an unmet obligation) equals the domain rule
run over every event and every sent record, on a generated registry with arrivals, transfers, hospital stays,
serious illness (weekly reports), recoveries, deaths, enquiries, and sends that meet obligations by their event,
loosely, late, or for the wrong kind."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from powbureau.domain import notifications as rules
from powbureau.domain.person import new_id
from powbureau.domain.roles import Actor
from powbureau.services import notify
from powbureau.store import notify_repo as nrepo, repositories as repo
from powbureau.store.tables import persons, status_events
from powbureau.store.tables_custody import custody_events, notifications_sent

REGISTRAR = Actor("registrar", "registrar")
START = date(2026, 9, 1)


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, tzinfo=UTC)


def _generate(bureau, n: int = 400, seed: int = 7) -> None:
    rng = random.Random(seed)
    people, status_rows, custody_rows = [], [], []
    for i in range(n):
        pid = new_id()
        kind = "detainee" if rng.random() < 0.9 else "own_personnel"
        people.append({"id": pid, "kind": kind, "status": "captured", "external_id": f"G-{i}", "list_id": None,
                       "created_at": _at(START), "created_by": "operator"})
        day = START + timedelta(days=rng.randrange(0, 60))
        prev = "captured"
        for step in ("interned", "transferring", "interned", "hospitalised", "interned", "deceased"):
            if rng.random() < (0.85 if step == "interned" and prev == "captured" else 0.3):
                status_rows.append({"person_id": pid, "from_status": prev, "to_status": step, "at": _at(day),
                                    "place": "Camp 1", "actor": "operator", "note": ""})
                prev = step
                day += timedelta(days=rng.randrange(1, 20))
                if step == "deceased":
                    break
        if rng.random() < 0.25:  # seriously ill: weekly reports until recovery or death (Art. 122(6))
            ill = START + timedelta(days=rng.randrange(0, 70))
            custody_rows.append({"person_id": pid, "kind": "seriously_ill", "occurred_on": ill})
            end = rng.random()
            if end < 0.4:
                custody_rows.append({"person_id": pid, "kind": "recovered",
                                     "occurred_on": ill + timedelta(days=rng.randrange(3, 40))})
            elif end < 0.6:
                custody_rows.append({"person_id": pid, "kind": "death",
                                     "occurred_on": ill + timedelta(days=rng.randrange(3, 40))})
        if rng.random() < 0.1:
            custody_rows.append({"person_id": pid, "kind": "enquiry",
                                 "occurred_on": START + timedelta(days=rng.randrange(0, 90))})
        if rng.random() < 0.05:  # an event dated after the day the list is read for
            custody_rows.append({"person_id": pid, "kind": "arrival_at_camp", "occurred_on": START + timedelta(200)})
    for r in custody_rows:
        r.update(place="Camp 2", recorded_by="operator", recorded_at=_at(START))
    with bureau.uow.transaction() as conn:
        repo.insert_many(conn, persons, people)
        repo.insert_many(conn, status_events, status_rows)
        repo.insert_many(conn, custody_events, custody_rows)
    today = START + timedelta(days=75)
    with bureau.uow.read() as conn:
        every = rules.due_notifications(nrepo.notifiable_events(conn), [], today)
    sent = []
    for d in every:  # meet some obligations exactly, some loosely, late, or with the wrong kind
        x = rng.random()
        on = d.due_on + timedelta(days=rng.randrange(-6, 10))
        if x < 0.35:
            sent.append({"person_id": d.person_id, "kind": d.kind, "event_ref": d.event_ref, "sent_on": on})
        elif x < 0.45:
            sent.append({"person_id": d.person_id, "kind": d.kind, "event_ref": None, "sent_on": on})
        elif x < 0.5:
            wrong = "death_notice" if d.kind != "death_notice" else "capture_card"
            sent.append({"person_id": d.person_id, "kind": wrong, "event_ref": d.event_ref, "sent_on": on})
    with bureau.uow.transaction() as conn:
        repo.insert_many(conn, notifications_sent, [{**s, "export_file": "generated", "sent_by": "operator",
                                                     "sent_at": _at(START)} for s in sent])


def test_store_filtered_due_list_equals_the_rule_over_every_event(bureau):
    _generate(bureau)
    kinds_seen = set()
    for offset in (10, 40, 75, 120):
        today = START + timedelta(days=offset)
        with bureau.uow.read() as conn:
            old = rules.due_notifications(nrepo.notifiable_events(conn), nrepo.sent_records(conn), today)
            new = notify._dues(conn, today)
            overdue, due_n, head = notify._summary(conn, today, 5)
            head50 = notify._summary(conn, today, 50)[2]
            candidates = set(conn.execute(nrepo.candidate_persons(conn)).scalars())
            everyone = set(conn.execute(persons.select().with_only_columns(persons.c.id)).scalars())
        assert new == old, today
        assert (overdue, due_n) == (sum(d.overdue for d in old), sum(not d.overdue for d in old)), today
        assert head == old[:5] and head50 == old[:50], today
        kinds_seen |= {d.kind for d in old}
        assert len(candidates) < len(everyone)  # the store did filter
    assert kinds_seen == {"capture_card", "health_report", "death_notice", "enquiry_reply"}
    today = START + timedelta(days=75)
    with bureau.uow.read() as conn:
        old = rules.due_notifications(nrepo.notifiable_events(conn), nrepo.sent_records(conn), today)
    listed = notify.due(bureau.uow, REGISTRAR, today)  # the service's named view of the same list
    assert [(i["person_id"], i["kind"], i["event_ref"], i["due_on"], i["overdue"]) for i in listed] == [
        (d.person_id, d.kind, d.event_ref, d.due_on.isoformat(), d.overdue) for d in old]
    summary = notify.due_summary(bureau.uow, REGISTRAR, today)
    assert summary["overdue"] == sum(d.overdue for d in old) and summary["due"] + summary["overdue"] == len(old)
