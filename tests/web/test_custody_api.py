"""The custody API and pages over HTTP (TestClient): the wish taken through an interpreter, verified by the delegate,
the person listed; the refusals (not verified, wrong role) with their status codes; medical data for medical roles
only; what leaves for the counterpart carries no wish."""

from __future__ import annotations

import pytest

from powbureau.domain.roles import Actor
from powbureau.services.users import add_user

from .conftest import PASSWORD

OPERATOR = Actor("operator", "admin")


@pytest.fixture()
def api(client, world):
    add_user(world.bureau.uow, OPERATOR, "interviewer", "interviewer", PASSWORD)
    add_user(world.bureau.uow, OPERATOR, "delegate", "icrc_delegate", PASSWORD)

    def call(method: str, url: str, user: str, **kw):  # noqa: ANN202
        return client.request(method, url, auth=(user, PASSWORD), **kw)

    return call


def test_wish_verified_then_listed_and_refusals_over_the_api(api, world):
    x = api("POST", "/api/exchanges", "negotiator", json={"counterpart": "KP"})
    assert x.status_code == 201
    xid = x.json()["id"]
    r = api("POST", f"/api/exchanges/{xid}/outgoing", "negotiator", json={"person_id": world.paek})
    assert r.status_code == 409 and r.json()["error"]["code"] == "refoulement_refused"
    assert r.json()["error"]["details"][0]["checks"][0]["code"] == "consent"
    r = api("POST", f"/api/exchanges/{xid}/outgoing", "registrar", json={"person_id": world.paek})
    assert r.status_code == 403

    iv = api("POST", "/api/interviews", "interviewer", json={
        "person_id": world.paek, "purpose": "wish", "language": "ko", "where": "Camp 3",
        "when": "2026-11-01T09:00:00+00:00", "interpreter": "Pak Chol", "interpreter_supplied_by": "military intelligence"})
    assert iv.status_code == 201, iv.text
    r = api("POST", "/api/wishes", "negotiator", json={"person_id": world.paek, "kind": "return",
                                                       "interview_id": iv.json()["id"]})
    assert r.status_code == 403  # a wish recorded by the wrong role
    w = api("POST", "/api/wishes", "interviewer", json={"person_id": world.paek, "kind": "return",
                                                        "interview_id": iv.json()["id"]})
    assert w.status_code == 201 and w.json()["wish"]["verified"] is False
    pv = api("POST", "/api/interviews", "delegate", json={
        "person_id": world.paek, "purpose": "icrc_private", "language": "ko", "where": "ICRC room",
        "when": "2026-11-02T09:00:00+00:00", "interpreter": "Lee Soo-jin", "interpreter_supplied_by": "independent"})
    r = api("POST", f"/api/wishes/{w.json()['wish']['id']}/verify", "interviewer",
            json={"interview_id": pv.json()["id"]})
    assert r.status_code == 403
    r = api("POST", f"/api/wishes/{w.json()['wish']['id']}/verify", "delegate", json={"interview_id": iv.json()["id"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "verification_refused"
    r = api("POST", f"/api/wishes/{w.json()['wish']['id']}/verify", "delegate", json={"interview_id": pv.json()["id"]})
    assert r.status_code == 200 and r.json()["wish"]["verified"] is True

    r = api("POST", f"/api/exchanges/{xid}/outgoing", "negotiator", json={"person_id": world.paek})
    assert r.status_code == 200 and r.json()["outgoing"][0]["eligible"]
    r = api("POST", f"/api/exchanges/{xid}/transitions", "negotiator", json={"action": "agree"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    sent = api("GET", f"/api/exchanges/{xid}/counterpart-view", "negotiator").json()
    assert sent["outgoing"] == [{"person_id": world.paek, "medical_priority": False}] and "wish" not in str(sent)
    assert api("GET", f"/api/persons/{world.paek}/wishes", "auditor").json()["verified_return"] is True
    assert api("GET", "/api/interpreters/waiting", "registrar").status_code == 200


def test_medical_data_only_for_medical_roles_and_notifications_for_notifiers(api, world):
    r = api("POST", "/api/medical-decisions", "registrar", json={"person_id": world.paek,
                                                                 "seriously_sick_or_wounded": True})
    assert r.status_code == 403
    r = api("POST", "/api/medical-decisions", "medical", json={"person_id": world.paek,
                                                               "seriously_sick_or_wounded": True,
                                                               "health_box": ["seriously_wounded"]})
    assert r.status_code == 201
    assert api("GET", f"/api/persons/{world.paek}/medical-decisions", "medical").status_code == 200
    assert api("GET", f"/api/persons/{world.paek}/medical-decisions", "negotiator").status_code == 403
    due = api("GET", "/api/notifications/due", "registrar")
    assert due.status_code == 200 and {d["kind"] for d in due.json()} >= {"capture_card"}
    assert api("GET", "/api/notifications/due", "negotiator").status_code == 403


def test_custody_pages_render_for_their_roles(browser_for, world):
    reg = browser_for("registrar")
    for path, text in (("/interviews", "Record an interview"), ("/wishes", "Latest wish of each detainee"),
                       ("/exchanges", "No exchanges yet"), ("/notifications", "Notifications due")):
        r = reg.get(path)
        assert r.status_code == 200 and text in r.text, path
    med = browser_for("medical")
    assert med.get("/exchanges").status_code == 403 and med.get("/wishes").status_code == 403
