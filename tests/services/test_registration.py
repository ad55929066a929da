"""Register a person by hand, retract a statement with who/when/why, identify an unannounced arrival of an
executed exchange: on SQLite and PostgreSQL, one transaction each, audited, refusals changing nothing."""

from __future__ import annotations

import pytest
from custody_world import ADMIN, NEGOTIATOR, REGISTRAR, build, wish
from sqlalchemy import func, select

from powbureau.domain.errors import Conflict, NotFound, NotOnList, PermissionDenied, ValidationFailed
from powbureau.domain.roles import Actor
from powbureau.services import arrivals, exchanges, registration, registry
from powbureau.store.tables import persons


def count(bureau) -> int:
    with bureau.uow.read() as conn:
        return conn.execute(select(func.count()).select_from(persons)).scalar_one()


@pytest.fixture
def world(bureau):
    return build(bureau)


def test_register_person_checks_as_an_import_and_audits(world):
    b = world.bureau
    pid = registration.register_person(b.uow, REGISTRAR, "detainee", {
        "name_full": "리성호", "surname": "Ri", "given_name": "Song Ho", "birth_date": "2002-04",
        "serving_power": "kp", "capture_place": "Kursk region"})
    v = registry.show(b.uow, ADMIN, pid)
    assert (v.kind, v.status, v.resolved["birth_date"], v.resolved["serving_power"]) == (
        "detainee", "captured", "2002-04", "KP")
    assert {s["source_ref"] for s in v.statements} == {f"registered by {REGISTRAR.name}"}
    assert pid in [h.person_id for h in registry.search(b.uow, ADMIN, "Ли Сон Хо")]
    assert registry.verify_audit(b.uow, ADMIN).entries > 0
    before = count(b)
    with pytest.raises(registration.RegistrationRefused) as err:
        registration.register_person(b.uow, REGISTRAR, "detainee", {"surname": "X", "birth_date": "2050",
                                                                    "serving_power": "XX"})
    assert [p.property for p in err.value.problems] == ["birth_date", "serving_power"]
    with pytest.raises(ValidationFailed, match="not a registration property: nationality"):
        registration.register_person(b.uow, REGISTRAR, "detainee", {"surname": "X", "nationality": "UA"})
    with pytest.raises(registration.RegistrationRefused):
        registration.register_person(b.uow, REGISTRAR, "third_party", {"surname": "X"})
    with pytest.raises(PermissionDenied):
        registration.register_person(b.uow, NEGOTIATOR, "detainee", {"surname": "X"})
    assert count(b) == before


def test_a_retraction_carries_who_when_and_why(world):
    b = world.bureau
    sid = registry.show(b.uow, ADMIN, world.ivanov).statements[0]["id"]
    with pytest.raises(NotFound):
        registry.retract_statement(b.uow, REGISTRAR, sid, "wrong man", person_id=world.paek)
    registry.retract_statement(b.uow, REGISTRAR, sid, "wrong man", person_id=world.ivanov)
    st = next(s for s in registry.show(b.uow, ADMIN, world.ivanov).statements if s["id"] == sid)
    assert st["retracted"] and st["retraction"]["by"] == REGISTRAR.name and st["retraction"]["reason"] == "wrong man"
    with pytest.raises(ValidationFailed, match="already retracted"):
        registry.retract_statement(b.uow, REGISTRAR, sid, "again")


def test_an_unannounced_arrival_is_registered_or_linked_once(world):
    b = world.bureau
    wish(b, world.paek, "return")
    x = exchanges.create(b.uow, NEGOTIATOR, "RU")["id"]
    exchanges.add_outgoing(b.uow, NEGOTIATOR, x, world.paek)
    with pytest.raises(ValidationFailed, match="not executed"):
        arrivals.register_arrival(b.uow, REGISTRAR, x, 0, values={"surname": "X"})
    exchanges.transition(b.uow, NEGOTIATOR, x, "propose")
    exchanges.transition(b.uow, NEGOTIATOR, x, "agree")
    exchanges.execute(b.uow, NEGOTIATOR, x, crossed=[world.paek], place="Gate 2",
                      unknown_arrivals=[("a corporal, no papers", None), ("Шевченко Тарас", None)])
    with pytest.raises(PermissionDenied):
        arrivals.register_arrival(b.uow, NEGOTIATOR, x, 0, values={"surname": "X"})
    with pytest.raises(NotOnList):
        arrivals.register_arrival(b.uow, REGISTRAR, x, 2, values={"surname": "X"})
    listed = arrivals.unannounced(b.uow, REGISTRAR, x)
    assert [a["candidates"][0]["person_id"] for a in listed if a["candidates"]] == [world.own1]
    made = arrivals.register_arrival(b.uow, REGISTRAR, x, 0, values={"surname": "Melnyk", "rank": "corporal"})
    assert made["created"]
    new = registry.show(b.uow, ADMIN, made["person_id"])
    assert (new.kind, new.status, new.history[-1]["place"]) == ("own_personnel", "returned", "Gate 2")
    linked = arrivals.register_arrival(b.uow, REGISTRAR, x, 1, person_id=world.own1)
    assert linked == {"person_id": world.own1, "created": False}
    assert registry.show(b.uow, ADMIN, world.own1).status == "returned"
    with pytest.raises(Conflict, match="already registered as Melnyk"):
        arrivals.register_arrival(b.uow, REGISTRAR, x, 0, values={"surname": "Melnyk"})
    shown = exchanges.show(b.uow, ADMIN, x)["reconciliation"]
    assert [ln["person_id"] for ln in shown["lines"] if ln["outcome"] == "unknown_arrival"] == [
        made["person_id"], world.own1]
    assert registry.verify_audit(b.uow, Actor("a", "auditor")).entries > 0
