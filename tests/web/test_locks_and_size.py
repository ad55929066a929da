"""Locks and size over HTTP (issue 8, finding 8): while an import holds the write lock, reads answer and writes
get 503 with Retry-After (never 500); every list is paged with its total; an oversized body gets 413 unread."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from powbureau.services import custody, exchanges
from powbureau.services.bootstrap import bootstrap
from powbureau.web.app import create_app

from .conftest import OPERATOR, PASSWORD, add_person, csrf_of, sign_in

REG = ("registrar", PASSWORD)


@pytest.fixture()
def busy_client(world, monkeypatch):
    """A client over the world's database with a 0.2 s busy timeout, and a function that takes the write lock
    from another connection (as a running import does) and returns that connection."""
    monkeypatch.setenv("POWBUREAU_BUSY_TIMEOUT", "0.2")
    bureau = bootstrap(world.bureau.url)
    path = world.bureau.url.removeprefix("sqlite:///")
    held = []

    def lock() -> None:
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        held.append(other)

    with TestClient(create_app(bureau), follow_redirects=False) as c:
        yield c, lock
    for other in held:
        other.rollback()
        other.close()
    bureau.uow.engine.dispose()


def test_during_a_long_write_reads_answer_and_writes_get_503_with_retry_after(busy_client, world):
    client, lock = busy_client
    lock()
    r = client.get(f"/api/persons/{world.paek}", auth=REG)
    assert r.status_code == 200 and r.json()["id"] == world.paek
    assert client.get("/api/wishes", auth=REG).status_code == 200
    r = client.post(f"/api/persons/{world.paek}/statements", auth=REG, json={
        "property": "rank", "value": "private", "source_kind": "self_declared", "source_ref": "interview 2"})
    assert r.status_code == 503, r.text
    assert int(r.headers["Retry-After"]) >= 1
    err = r.json()["error"]
    assert err["code"] == "busy"
    assert "busy with another long operation" in err["message"] and "try again in" in err["message"]


def test_a_form_post_during_a_long_write_gets_the_503_page(busy_client, world):
    client, lock = busy_client
    assert sign_in(client, "registrar").status_code == 303
    token = csrf_of(client.get(f"/persons/{world.paek}").text)
    lock()
    r = client.post(f"/persons/{world.paek}/status", data={"to_status": "interned", "place": "Camp 3",
                                                           "csrf_token": token})
    assert r.status_code == 503 and "Retry-After" in r.headers
    assert "try again in" in r.text


def test_api_lists_are_paged_with_total_and_next(client, world):
    third = add_person(world.bureau, "detainee", [("name_full", "Kim Chol", "self_declared", "interview 3")])
    r = client.get("/api/wishes", params={"limit": 2}, auth=REG)
    assert r.status_code == 200 and len(r.json()) == 2
    assert r.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in r.headers["Link"] and "offset=2" in r.headers["Link"]
    r2 = client.get("/api/wishes", params={"limit": 2, "offset": 2}, auth=REG)
    assert len(r2.json()) == 1 and "Link" not in r2.headers
    seen = {x["person_id"] for x in r.json() + r2.json()}
    assert seen == {world.paek, world.ivanov, third}
    r = client.get("/api/eligibility", params={"limit": 1}, auth=("negotiator", PASSWORD))
    assert r.status_code == 200 and len(r.json()) == 1 and r.headers["X-Total-Count"] == "3"
    r = client.get("/api/wishes", auth=REG)  # the default page holds them all here
    assert len(r.json()) == 3 and r.headers["X-Total-Count"] == "3"


@pytest.mark.parametrize("query", [{"limit": 1001}, {"limit": 0}, {"offset": -1}])
def test_api_page_size_is_bounded(client, query):
    r = client.get("/api/wishes", params=query, auth=REG)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_failed"


def test_services_cut_the_page_in_the_database(world):
    add_person(world.bureau, "detainee", [("name_full", "Kim Chol", "self_declared", "interview 3")])
    page = custody.wish_overview(world.bureau.uow, OPERATOR, limit=2, offset=0)
    assert len(page) == 2 and page.total == 3 and page.next_offset == 2
    rest = custody.wish_overview(world.bureau.uow, OPERATOR, limit=2, offset=2)
    assert len(rest) == 1 and rest.next_offset is None
    assert {x["person_id"] for x in page + rest} == {x["person_id"] for x in custody.wish_overview(
        world.bureau.uow, OPERATOR)}
    elig = exchanges.eligibility(world.bureau.uow, OPERATOR, limit=1, offset=1)
    assert len(elig) == 1 and elig.total == 3


def test_a_body_over_the_limit_is_refused_with_413(client, world):
    huge = {"person_id": world.paek, "purpose": "wish", "language": "ko", "where": "x" * (2 * 1024 * 1024)}
    r = client.post("/api/interviews", auth=REG, json=huge)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large" and "POWBUREAU_MAX_BODY" in r.json()["error"]["message"]


def test_a_streamed_body_without_length_is_counted_and_refused(client, world):
    def chunks():  # chunked transfer: no Content-Length to check up front
        yield b'{"person_id": "' + world.paek.encode() + b'", "where": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    r = client.post("/api/interviews", auth=REG, content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text and r.json()["error"]["code"] == "body_too_large"


def test_the_limit_is_configurable(world, monkeypatch):
    monkeypatch.setenv("POWBUREAU_MAX_BODY", "200")
    with TestClient(create_app(world.bureau)) as c:
        r = c.post(f"/api/persons/{world.paek}/statements", auth=REG, json={
            "property": "rank", "value": "p" * 300, "source_kind": "self_declared", "source_ref": "interview 2"})
        assert r.status_code == 413
        r = c.post("/login", data={"user": "registrar", "password": "x" * 300})
        assert r.status_code == 413 and "POWBUREAU_MAX_BODY" in r.text
