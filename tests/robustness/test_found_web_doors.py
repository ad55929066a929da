"""Found by attacking the web doors added in Build 3 (registration, statements, retraction, unannounced arrivals).

Each test failed on the code before its fix."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from web.conftest import (  # noqa: E402, F401  (the web tests' fixtures, reused)
    OPERATOR, app, browser_for, client, csrf_of, english_pages, template_world, world,
)
from web.test_arrivals_web import executed  # noqa: E402, F401

from powbureau.services import exchanges, registry  # noqa: E402
from powbureau.store.tables import persons, retractions, statements  # noqa: E402


def _count(bureau, table) -> int:
    with bureau.uow.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_nul_byte_in_a_statement_note_is_refused_not_stored(browser_for, world):
    """POST /persons/{id}/statements put the note, NUL byte and all, into the statement's provenance (a 500 on
    PostgreSQL, a damaged record on SQLite); the value itself was already checked."""
    b = browser_for("registrar")
    page = b.get(f"/persons/{world.ivanov}")
    before = _count(world.bureau, statements)
    r = b.post(f"/persons/{world.ivanov}/statements", data={
        "property": "rank", "value": "sergeant", "note": "line\x00K-7", "source_kind": "observation",
        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    assert "control characters" in r.text
    assert _count(world.bureau, statements) == before
    assert registry.verify_audit(world.bureau.uow, OPERATOR).problems == []


def test_a_nul_byte_in_a_retraction_reason_is_refused_not_stored(browser_for, world):
    """POST /persons/{id}/statements/{sid}/retract stored a reason holding a NUL byte."""
    b = browser_for("registrar")
    sid = registry.show(world.bureau.uow, OPERATOR, world.ivanov).statements[0]["id"]
    page = b.get(f"/persons/{world.ivanov}")
    r = b.post(f"/persons/{world.ivanov}/statements/{sid}/retract",
               data={"reason": "wrong\x00list", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    assert "Nothing was retracted" in b.get(f"/persons/{world.ivanov}").text
    assert _count(world.bureau, retractions) == 0
    api = b.post(f"/api/persons/{world.ivanov}/statements/{sid}/retract", json={"reason": "x\x00"},
                 headers={"X-CSRF-Token": b.get("/api/me").json()["csrf_token"]})
    assert api.status_code == 422 and _count(world.bureau, retractions) == 0


def test_one_record_is_not_linked_to_two_unannounced_arrivals(browser_for, world, executed):
    """/exchanges/{id}/arrivals/{n}/link let the same own-personnel record be linked to arrival 1 and to arrival 2
    of one exchange: one man cannot cross twice, and the reconciliation then named him for both."""
    b = browser_for("registrar")
    x = executed.exchange
    tok = csrf_of(b.get(f"/exchanges/{x}").text)
    assert b.post(f"/exchanges/{x}/arrivals/2/link",
                  data={"person_id": executed.bondarenko, "csrf_token": tok}).status_code == 303
    b.post(f"/exchanges/{x}/arrivals/1/link", data={"person_id": executed.bondarenko, "csrf_token": tok})
    assert "is already linked to unannounced arrival number 2" in b.get(f"/exchanges/{x}").text
    lines = exchanges.show(world.bureau.uow, OPERATOR, x)["reconciliation"]["lines"]
    assert [ln["person_id"] for ln in lines if ln["outcome"] == "unknown_arrival"].count(executed.bondarenko) == 1


def test_registering_a_man_by_hand_rematches_the_enquiry_that_seeks_him(browser_for, world):
    """POST /persons registered a man without re-matching the open enquiries (``enquiry_hooks`` says a
    registration does): a mother's enquiry about him stayed "open", nobody proposed him (GC III Art. 122(7))."""
    from powbureau.domain.roles import Actor
    from powbureau.services import enquiries
    from powbureau.services.enquiry_match import state_of

    e = enquiries.register_enquiry(world.bureau.uow, Actor("registrar", "registrar"),
                                   {"channel": "letter", "names": ["Ткаченко Андрій"], "birth_date": "1990"})
    with world.bureau.uow.read() as conn:
        assert state_of(conn, e["id"])[0] == "open"
    b = browser_for("registrar")
    r = b.post("/persons", data={"kind": "detainee", "surname": "Ткаченко", "given_names": "Андрій",
                                 "name_original": "Ткаченко Андрій", "birth_date": "1990",
                                 "csrf_token": csrf_of(b.get("/persons/new").text)})
    assert r.status_code == 303
    with world.bureau.uow.read() as conn:
        assert state_of(conn, e["id"])[0] == "possible_hit"
    assert registry.verify_audit(world.bureau.uow, OPERATOR).problems == []


@pytest.mark.parametrize("field,value", [
    ("surname", "Kim\x1b[2J\x1b[31m"),          # a terminal escape: `powbureau show` would replay it
    ("given_names", "Andrii\u202eusrever"),     # a right-to-left override: the names after it read backwards
    ("captured_at", "Hill 203\u2066"),
])
def test_registration_refuses_control_and_bidi_characters(browser_for, world, field, value):
    """POST /persons refused only the NUL byte: an escape sequence or a bidi override was stored in a name, while
    adding the same value as a statement is refused."""
    b = browser_for("registrar")
    before = _count(world.bureau, persons)
    r = b.post("/persons", data={"kind": "detainee", "surname": "Kim", field: value,
                                 "csrf_token": csrf_of(b.get("/persons/new").text)})
    assert r.status_code == 422 and "control characters" in r.text
    assert _count(world.bureau, persons) == before


def test_a_statement_with_a_bidi_override_is_refused(browser_for, world):
    b = browser_for("registrar")
    page = b.get(f"/persons/{world.ivanov}")
    before = _count(world.bureau, statements)
    r = b.post(f"/persons/{world.ivanov}/statements", data={
        "property": "alias", "value": "Petro\u202eokNI", "source_kind": "observation",
        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 422 and _count(world.bureau, statements) == before


@pytest.mark.parametrize("extra", [
    {"enquirer_name": "Ma\x00ria"}, {"names": "Ива\x00нов"}, {"enquirer_contact": "+380\x1b[31m"},
    {"names": "Ivan\u202evonaV"}, {"birth_date": "2999"}, {"last_seen_date": "2999-01-01"},
])
def test_an_enquiry_with_a_nul_byte_or_a_future_date_is_refused(browser_for, world, extra):
    """POST /enquiries/new took an enquirer's name or a sought name holding a NUL byte (a 500 on PostgreSQL),
    an escape sequence or a bidi override, and a birth date or last-seen date in 2999."""
    from powbureau.store.tables_enquiries import enquiries

    c = browser_for("registrar")
    before = _count(world.bureau, enquiries)
    r = c.post("/enquiries/new", data={"enquirer_name": "Maria", "enquirer_language": "uk", "channel": "letter",
                                       "names": "Иванов Пётр", **extra,
                                       "csrf_token": csrf_of(c.get("/enquiries/new").text)})
    assert r.status_code == 422
    assert "control characters" in r.text or "in the future" in r.text
    assert _count(world.bureau, enquiries) == before


def test_a_judgement_reason_with_a_nul_byte_is_refused(browser_for, world):
    """POST /enquiries/{id}/judge stored a reason holding a NUL byte (a 500 on PostgreSQL)."""
    from powbureau.domain.roles import Actor
    from powbureau.services import enquiries
    from powbureau.store.tables_enquiries import enquiry_judgements

    e = enquiries.register_enquiry(world.bureau.uow, Actor("registrar", "registrar"),
                                   {"channel": "letter", "names": ["Иванов Пётр Сергеевич"], "birth_date": "1990"})
    target = f"person:{world.ivanov}"
    assert target in {c["target"] for c in e["candidates"]}
    c = browser_for("registrar")
    c.post(f"/enquiries/{e['id']}/judge", data={"target": target, "judgement": "confirmed", "reason": "same\x00man",
                                                "csrf_token": csrf_of(c.get(f"/enquiries/{e['id']}").text)})
    assert _count(world.bureau, enquiry_judgements) == 0


def test_an_over_long_enquiry_field_is_refused_not_cut(browser_for, world):
    """POST /enquiries/new cut every field to 500 characters before the check: a 600-character name (or a second
    name after a long first one) was silently shortened or dropped and the enquiry stored."""
    from powbureau.store.tables_enquiries import enquiries

    c = browser_for("registrar")
    for names in ("N" * 600, "Иванов Пётр Сергеевич " * 22 + "\nKim Chol Su"):
        r = c.post("/enquiries/new", data={"channel": "letter", "names": names,
                                           "csrf_token": csrf_of(c.get("/enquiries/new").text)})
        assert r.status_code in (303, 422)
        if r.status_code == 303:  # kept: then every name as written
            view = c.get(f"/api/enquiries/{r.headers['location'].rsplit('/', 1)[1]}").json()
            assert "Kim Chol Su" in str(view), "the second name was dropped"
        else:
            assert "longer than" in r.text
    assert _count(world.bureau, enquiries) <= 1


def test_a_huge_offset_on_the_sent_log_is_a_named_error_not_a_500(browser_for, world):
    """GET /notifications/sent?offset=99999999999999999999 reached SQLite as an integer too large (OverflowError,
    500); every paged list shares ``web.paging.Offset``."""
    b = browser_for("registrar")
    r = b.get("/notifications/sent?offset=99999999999999999999")
    assert r.status_code == 422
    assert b.get("/notifications/sent?offset=0").status_code == 200


@pytest.mark.parametrize("method,url", [("get", "/review/99999999999999999999"),
                                        ("get", "/api/review/99999999999999999999"),
                                        ("post", "/review/99999999999999999999")])
def test_a_huge_review_pair_number_is_a_named_error_not_a_500(browser_for, world, method, url):
    """The reconcile page links its ambiguous rows to /review/{pair}; a pair number beyond 64 bits reached SQLite
    (OverflowError, 500)."""
    b = browser_for("registrar")
    data = {"data": {"judgement": "match", "reason": "x", "csrf_token": csrf_of(b.get("/persons/new").text)}} \
        if method == "post" else {}
    assert getattr(b, method)(url, **data).status_code == 422


def test_an_unannounced_arrival_registered_rematches_the_enquiry_that_seeks_him(browser_for, world, executed):
    """/exchanges/{id}/arrivals/{n}/register made a new own-personnel record and returned him without re-matching
    the enquiries: his mother's enquiry stayed "open" although he had just crossed to us."""
    from powbureau.domain.roles import Actor
    from powbureau.services import enquiries
    from powbureau.services.enquiry_match import state_of

    e = enquiries.register_enquiry(world.bureau.uow, Actor("registrar", "registrar"),
                                   {"channel": "hotline", "names": ["Ткаченко Андрій"], "side": "own"})
    b = browser_for("registrar")
    x = executed.exchange
    r = b.post(f"/exchanges/{x}/arrivals/1/register", data={
        "surname": "Tkachenko", "given_names": "Andrii", "name_original": "Ткаченко Андрій",
        "csrf_token": csrf_of(b.get(f"/exchanges/{x}").text)})
    assert r.status_code == 303
    with world.bureau.uow.read() as conn:
        assert state_of(conn, e["id"])[0] == "possible_hit"
    assert registry.verify_audit(world.bureau.uow, OPERATOR).problems == []


def test_a_medical_statement_is_not_echoed_into_the_readable_session_cookie(browser_for, world):
    """POST /persons/{id}/statements flashed "Recorded for …: diagnosis = <value>"; flashes live in the session
    cookie, which is signed but readable (base64 JSON, sent over plain HTTP unless POWBUREAU_COOKIE_SECURE=1), so
    the diagnosis left the server in a cookie. Medical details only for medical roles (GC III Art. 30-31)."""
    import base64

    m = browser_for("medical")
    r = m.post(f"/persons/{world.ivanov}/statements", data={
        "property": "diagnosis", "value": "open femur fracture", "source_kind": "observation",
        "csrf_token": csrf_of(m.get(f"/persons/{world.ivanov}").text)})
    assert r.status_code == 303
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie")
    payload = cookie.split("=", 1)[1].split(".", 1)[0]
    text = base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")
    assert "Recorded for" in text  # the flash is there, and says what was recorded
    assert "femur" not in text
    assert "open femur fracture" in m.get(f"/persons/{world.ivanov}").text  # on his page, for the medical reader


def test_a_medical_retraction_reason_is_not_echoed_into_the_session_cookie(browser_for, world):
    """The retraction's flash repeated its reason, and a medical statement's reason carries the medical detail
    ("not a fracture: a bruise") into the readable session cookie."""
    import base64

    from powbureau.domain.roles import Actor

    sid = registry.add_statement(world.bureau.uow, Actor("medical", "medical"), world.ivanov, "diagnosis",
                                 "fracture", source_kind="observation", source_ref="exam")
    m = browser_for("medical")
    r = m.post(f"/persons/{world.ivanov}/statements/{sid}/retract", data={
        "reason": "not a fracture: a deep bruise", "csrf_token": csrf_of(m.get(f"/persons/{world.ivanov}").text)})
    assert r.status_code == 303
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie")
    payload = cookie.split("=", 1)[1].split(".", 1)[0]
    text = base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")
    assert "Retracted for" in text and "bruise" not in text
    assert _count(world.bureau, retractions) == 1
