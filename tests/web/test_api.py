"""The REST API under /api: auth (session or HTTP Basic), JSON errors, search, show, writes, audit, OpenAPI."""

from __future__ import annotations

from powbureau.domain.roles import Actor
from powbureau.services import registry

from .conftest import PASSWORD

MEDICAL = Actor("medical", "medical")


def basic(user: str, password: str = PASSWORD) -> tuple[str, str]:
    return (user, password)


def test_anonymous_api_is_401_with_json_error_and_basic_challenge(client):
    r = client.get("/api/me")
    assert r.status_code == 401
    assert r.json() == {"error": {"code": "not_authenticated", "message": r.json()["error"]["message"]}}
    assert "sign in" in r.json()["error"]["message"]
    assert r.headers["www-authenticate"].startswith("Basic")


def test_basic_auth_wrong_password_is_401(client):
    r = client.get("/api/me", auth=basic("registrar", "nope nope nope"))
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"


def test_me_with_basic_auth(client):
    body = client.get("/api/me", auth=basic("auditor")).json()
    assert body["name"] == "auditor" and body["role"] == "auditor" and body["auth"] == "basic"
    assert "audit.read" in body["actions"] and "status.change" not in body["actions"]
    assert body["csrf_token"] is None


def test_search_returns_hangul_name_as_utf8_json(client, world):
    r = client.get("/api/persons", params={"q": "백광혁"}, auth=basic("registrar"))
    assert r.status_code == 200
    hits = r.json()
    assert hits[0]["person_id"] == world.paek
    assert "백광혁" in r.content.decode("utf-8")
    assert {"name", "birth_date", "kind", "status", "score"} <= hits[0].keys()


def test_empty_search_is_422_validation_failed(client):
    r = client.get("/api/persons", params={"q": "  "}, auth=basic("registrar"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_failed"


def test_missing_query_parameter_is_422_in_the_same_shape(client):
    r = client.get("/api/persons", auth=basic("registrar"))
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_failed" and "q" in err["message"]


def test_person_json_has_statements_with_provenance_history_and_conflicts(client, world):
    p = client.get(f"/api/persons/{world.paek}", auth=basic("registrar")).json()
    assert p["id"] == world.paek and p["status"] == "registered"
    refs = {(s["property"], s["value"], s["source_kind"], s["source_ref"]) for s in p["statements"]}
    assert ("surname", "Kuular", "document", "military ID 4471") in refs
    assert any(c.startswith("surname:") for c in p["conflicts"])
    assert p["history"][0]["from"] == "captured" and p["history"][0]["to"] == "registered"


def test_unknown_person_is_404_error_json(client):
    r = client.get("/api/persons/nobody", auth=basic("registrar"))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_unknown_api_route_is_404_error_json(client):
    r = client.get("/api/nothing-here", auth=basic("registrar"))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_status_change_by_registrar_and_refusals(client, world):
    url = f"/api/persons/{world.paek}/status"
    r = client.post(url, json={"to_status": "interned", "place": "Camp 5"}, auth=basic("registrar"))
    assert r.status_code == 201
    assert r.json()["from"] == "registered" and r.json()["to"] == "interned"
    r = client.post(url, json={"to_status": "registered", "place": "Camp 5"}, auth=basic("registrar"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    r = client.post(url, json={"to_status": "hospitalised", "place": "Camp 5"}, auth=basic("negotiator"))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"
    assert "negotiator" in r.json()["error"]["message"]


def test_form_encoded_body_is_not_accepted_by_the_json_api(client, world):
    r = client.post(f"/api/persons/{world.paek}/status", data={"to_status": "interned", "place": "X"},
                    auth=basic("registrar"))
    assert r.status_code == 422


def test_session_write_to_api_needs_csrf_header(browser_for, world):
    b = browser_for("registrar")
    url = f"/api/persons/{world.paek}/statements"
    body = {"property": "rank", "value": "private", "source_kind": "self_declared", "source_ref": "interview 2"}
    r = b.post(url, json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    token = b.get("/api/me").json()["csrf_token"]
    r = b.post(url, json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 201
    assert any(s["value"] == "private" for s in b.get(f"/api/persons/{world.paek}").json()["statements"])


def test_add_statement_validation_error_is_422(client, world):
    r = client.post(f"/api/persons/{world.paek}/statements", auth=basic("registrar"),
                    json={"property": "shoe_size", "value": "44", "source_kind": "observation", "source_ref": "x"})
    assert r.status_code == 422
    assert "unknown property" in r.json()["error"]["message"]


def test_registrar_may_not_write_a_medical_statement(client, world):
    r = client.post(f"/api/persons/{world.paek}/statements", auth=basic("registrar"),
                    json={"property": "diagnosis", "value": "x", "source_kind": "observation", "source_ref": "y"})
    assert r.status_code == 403


def test_medical_statement_invisible_to_registrar_visible_to_medical_in_api(client, world):
    sid = registry.add_statement(world.bureau.uow, MEDICAL, world.paek, "diagnosis", "malaria",
                                 source_kind="observation", source_ref="camp infirmary 3")
    as_registrar = client.get(f"/api/persons/{world.paek}", auth=basic("registrar")).json()
    assert sid not in {s["id"] for s in as_registrar["statements"]}
    assert "diagnosis" not in as_registrar["resolved"]
    assert as_registrar["hidden"] == 1
    as_medical = client.get(f"/api/persons/{world.paek}", auth=basic("medical")).json()
    assert sid in {s["id"] for s in as_medical["statements"]}
    assert as_medical["resolved"]["diagnosis"] == "malaria"
    assert as_medical["hidden"] == 0


def test_audit_verify_for_auditor_forbidden_for_registrar(client):
    r = client.get("/api/audit/verify", auth=basic("auditor"))
    assert r.status_code == 200
    assert r.json()["ok"] is True and r.json()["entries"] > 0
    r = client.get("/api/audit/verify", auth=basic("registrar"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"


def test_openapi_and_docs_are_served(client):
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for p in ("/api/persons", "/api/persons/{person_id}", "/api/persons/{person_id}/status",
              "/api/persons/{person_id}/statements", "/api/audit/verify", "/api/me"):
        assert p in paths
    assert "/login" not in paths  # pages are not part of the API
    assert client.get("/docs").status_code == 200


def test_search_kind_filter_is_validated(client):
    r = client.get("/api/persons", params={"q": "Paek", "kind": "enemy"}, auth=basic("registrar"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_failed"
    r = client.get("/api/persons", params={"q": "백광혁", "kind": "own_personnel"}, auth=basic("registrar"))
    assert r.status_code == 200 and r.json() == []


def test_unexpected_failure_is_500_error_json_without_traceback(app, monkeypatch):
    from fastapi.testclient import TestClient

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(registry, "search", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/persons", params={"q": "Paek"}, auth=basic("registrar"))
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in r.text and "Traceback" not in r.text


def test_non_ascii_csrf_header_is_403_not_a_crash(browser_for, world):
    b = browser_for("registrar")
    r = b.post(f"/api/persons/{world.paek}/status", json={"to_status": "interned", "place": "X"},
               headers={"X-CSRF-Token": "토큰".encode()})
    assert r.status_code == 403
