"""Notification deadlines (GC III Art. 70, 120, 122) and never-rule (b): nothing sent to the Power on which a
prisoner depends carries a wish to remain or to go to a third country."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from powbureau.domain.errors import ValidationFailed
from powbureau.domain.interview import Interview
from powbureau.domain.notifications import (
    SERVING_POWER_FIELDS,
    DeadlinePolicy,
    Due,
    NotifiableEvent,
    Sent,
    due_notifications,
    outgoing_message_to_serving_power,
)
from powbureau.domain.roles import Actor
from powbureau.domain.wish import WISH_KINDS, RepatriationWish, record_wish

D = date(2026, 10, 1)


def ev(kind: str, day: int, pid: str = "p1", **kw: object) -> NotifiableEvent:
    return NotifiableEvent(kind, pid, D + timedelta(days=day), "Camp 3", **kw)  # type: ignore[arg-type]


def kinds(dues: list[Due]) -> list[tuple[str, str, date, bool]]:
    return [(d.person_id, d.kind, d.due_on, d.overdue) for d in dues]


def test_capture_card_is_due_within_a_week_of_arrival_and_overdue_after() -> None:
    events = [ev("arrival_at_camp", 0)]
    (due,) = due_notifications(events, [], D + timedelta(days=7))
    assert (due.kind, due.due_on, due.overdue, due.event_ref) == ("capture_card", D + timedelta(days=7), False,
                                                                  "arrival_at_camp:p1:2026-10-01")
    assert "Art. 70" in due.rule
    assert due_notifications(events, [], D + timedelta(days=8))[0].overdue


def test_a_card_is_due_again_after_transfer_and_hospital_admission() -> None:
    events = [ev("arrival_at_camp", 0), ev("transfer", 10), ev("hospital_admission", 20)]
    sent = [Sent("p1", "capture_card", D + timedelta(days=3))]
    assert kinds(due_notifications(events, sent, D + timedelta(days=30))) == [
        ("p1", "capture_card", D + timedelta(days=17), True),
        ("p1", "capture_card", D + timedelta(days=27), True),
    ]
    # one card sent after both events carries the current address: it meets both obligations
    late = sent + [Sent("p1", "capture_card", D + timedelta(days=28))]
    assert due_notifications(events, late, D + timedelta(days=30)) == []


def test_a_card_for_another_person_or_sent_before_the_event_does_not_count() -> None:
    events = [ev("transfer", 10)]
    sent = [Sent("p2", "capture_card", D + timedelta(days=12)), Sent("p1", "capture_card", D + timedelta(days=9))]
    assert len(due_notifications(events, sent, D + timedelta(days=12))) == 1


def test_weekly_health_reports_while_seriously_ill_and_not_after_recovery() -> None:
    events = [ev("seriously_ill", 0), ev("recovered", 20)]
    dues = due_notifications(events, [], D + timedelta(days=40))
    health = [d for d in dues if d.kind == "health_report"]
    assert [d.due_on for d in health] == [D + timedelta(days=7), D + timedelta(days=14)]
    assert health[0].event_ref.endswith("#week1") and "122(6)" in health[0].rule
    # Art. 70: sickness also calls for a capture card
    assert [d.kind for d in dues].count("capture_card") == 1


def test_health_reports_continue_until_today_and_each_sent_report_meets_one_week() -> None:
    events = [ev("seriously_ill", 0)]
    today = D + timedelta(days=16)
    assert [d.due_on for d in due_notifications(events, [], today) if d.kind == "health_report"] == [
        D + timedelta(days=7), D + timedelta(days=14), D + timedelta(days=21)]
    sent = [Sent("p1", "health_report", D + timedelta(days=6)), Sent("p1", "health_report", D + timedelta(days=15))]
    left = [d for d in due_notifications(events, sent, today) if d.kind == "health_report"]
    assert [(d.due_on, d.overdue) for d in left] == [(D + timedelta(days=21), False)]


def test_death_is_notified_within_the_bureau_deadline_and_stops_health_reports() -> None:
    events = [ev("seriously_ill", 0), ev("death", 9)]
    dues = due_notifications(events, [], D + timedelta(days=30))
    assert [(d.kind, d.due_on) for d in dues if d.kind != "capture_card"] == [
        ("health_report", D + timedelta(days=7)), ("death_notice", D + timedelta(days=12))]
    assert "Art. 120" in dues[-1].rule
    slow = due_notifications(events, [], D + timedelta(days=30), DeadlinePolicy(death_days=7))
    assert [d.due_on for d in slow if d.kind == "death_notice"] == [D + timedelta(days=16)]


def test_enquiries_are_answered_one_by_one() -> None:
    events = [ev("enquiry", 0, ref="enq-1"), ev("enquiry", 2, ref="enq-2")]
    sent = [Sent("p1", "enquiry_reply", D + timedelta(days=1), "enq-2")]
    (due,) = due_notifications(events, sent, D + timedelta(days=20))
    assert (due.event_ref, due.due_on, due.overdue) == ("enq-1", D + timedelta(days=14), True)
    assert "122(7)" in due.rule


def test_future_events_are_ignored_and_results_are_sorted() -> None:
    events = [ev("arrival_at_camp", 3, "p2"), ev("arrival_at_camp", 1, "p3"), ev("arrival_at_camp", 50)]
    assert [d.person_id for d in due_notifications(events, [], D + timedelta(days=5))] == ["p3", "p2"]


def test_unknown_event_and_notification_kinds_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="unknown event kind"):
        ev("birthday", 0)
    with pytest.raises(ValidationFailed, match="unknown notification kind"):
        due_notifications([], [Sent("p1", "postcard", D)], D)


# ----- never-rule (b) ---------------------------------------------------------------------------------------
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)
DELEGATE = Actor("delegate.dupont", "icrc_delegate")
FIELDS = {"surname": "백", "name_latin": "Paek Yong-chol", "rank": "Private", "birth_date": date(2001, 3, 4),
          "serving_power": "KP", "camp": "Camp 3", "health_box": "good_health,not_wounded", "unit": None}


def wish(kind: str, day: int, verify: bool) -> RepatriationWish:
    at = T0 + timedelta(days=day)
    iv = Interview(f"x{day}", "p1", at, "Camp 3", "icrc_private", "ko", "Ms Han", "independent", DELEGATE, ())
    w = record_wish(f"w{day}", "p1", kind, iv, DELEGATE, at, destination="KR" if kind == "third_country" else None)
    return w.verify(iv, DELEGATE, at) if verify else w


def message(wishes: list[RepatriationWish], listed: bool = True) -> str:
    return json.dumps(outgoing_message_to_serving_power("p1", "KP", FIELDS, wishes=wishes, listed=listed).as_dict(),
                      ensure_ascii=False, sort_keys=True)


@settings(max_examples=200, deadline=None)
@given(history=st.lists(st.tuples(st.sampled_from(WISH_KINDS), st.booleans()), max_size=6), listed=st.booleans())
def test_a_message_to_the_serving_power_never_reveals_a_wish(history: list[tuple[str, bool]], listed: bool) -> None:
    wishes = [wish(kind, day, verify) for day, (kind, verify) in enumerate(history)]
    text = message(wishes, listed)
    for word in ("remain", "third_country", "undecided", "KR", "x0", "w0", "interview", "verified"):
        assert word not in text
    latest_is_verified_return = bool(history) and history[-1] == ("return", True)
    if not (listed and latest_is_verified_return):
        # a wish to remain, a third country, undecided, unverified: the same message as no wish at all
        assert text == message([], listed=False)
    else:
        assert '"repatriation": "listed"' in text


def test_the_message_carries_the_whitelisted_fields_in_plain_text() -> None:
    data = outgoing_message_to_serving_power("p1", "KP", FIELDS).as_dict()
    assert data["surname"] == "백" and data["birth_date"] == "2001-03-04" and "unit" not in data
    assert data["health_box"] == "good_health,not_wounded"


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"wish": "remain"}, "may not be sent"),
        ({"repatriation_wish": "return"}, "may not be sent"),
        ({"diagnosis": "shrapnel wound"}, "may not be sent"),
        ({"status": "remain"}, "holds a repatriation wish"),
        ({"camp": "third country"}, "holds a repatriation wish"),
        ({"health_box": "sick,shrapnel in left leg"}, "medical details are not sent"),
        ({"rank": ["Private"]}, "must be text"),
    ],
)
def test_anything_outside_the_whitelist_is_refused(fields: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationFailed, match=words):
        outgoing_message_to_serving_power("p1", "KP", fields)


def test_the_whitelist_has_no_wish_or_medical_field() -> None:
    assert not {f for f in SERVING_POWER_FIELDS if "wish" in f or "medic" in f or "diagn" in f}
