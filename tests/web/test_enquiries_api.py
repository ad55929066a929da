"""/api/enquiries: a registrar takes an enquiry in Hangul about 백광혁, confirms the hit and answers it; the
answer names his whereabouts and no wish; a negotiator may not read enquiries (issue 11)."""

from __future__ import annotations

from .test_api import basic


def test_enquiry_api_round_trip_and_roles(client, world):
    body = {"channel": "national_society", "names": ["백광혁"], "enquirer_language": "ko", "side": "enemy",
            "enquirer_relationship": "Republic of Korea National Red Cross"}
    assert client.post("/api/enquiries", json=body, auth=basic("negotiator")).status_code == 403
    r = client.post("/api/enquiries", json=body, auth=basic("registrar"))
    assert r.status_code == 201, r.text
    e = r.json()
    target = f"person:{world.paek}"
    assert target in [c["target"] for c in e["candidates"]]
    assert client.get(f"/api/enquiries/{e['id']}", auth=basic("negotiator")).status_code == 403
    r = client.post(f"/api/enquiries/{e['id']}/judgements", auth=basic("registrar"),
                    json={"target": target, "judgement": "confirmed", "reason": "Hangul name"})
    assert r.status_code == 201, r.text
    r = client.post(f"/api/enquiries/{e['id']}/answer", auth=basic("registrar"))
    assert r.status_code == 201 and r.json()["outcome"] == "found"
    assert "wish" not in r.text.lower() and "remain" not in r.text.lower()
    assert [x["id"] for x in client.get("/api/enquiries", auth=basic("auditor")).json()] == [e["id"]]
    bad = client.post("/api/enquiries", json={**body, "channel": "pigeon"}, auth=basic("registrar"))
    assert bad.status_code == 422 and "channel" in bad.json()["error"]["message"]
