"""Re-matching by itself (issue 11): a registration, a document added or judged, and an executed exchange match
the open enquiries again, and reopen an answered enquiry about the man they concern; every step is audited."""

from __future__ import annotations

import pytest
from custody_world import ADMIN, NEGOTIATOR, add_person, build, counterpart_list, wish
from sqlalchemy import select

from powbureau.services import documents, exchanges, registry
from powbureau.services import enquiries as enq
from powbureau.store.tables import audit_log


@pytest.fixture
def world(bureau):
    return build(bureau)


def _actions(bureau, target: str) -> list[str]:
    with bureau.uow.read() as conn:
        return list(conn.execute(select(audit_log.c.action).where(audit_log.c.target == target)
                                 .order_by(audit_log.c.seq)).scalars())


def test_a_registration_brings_a_possible_hit_without_anyone_asking(world):
    uow = world.bureau.uow
    e = enq.register_enquiry(uow, ADMIN, {"channel": "cta", "names": ["Ким Ён Су"], "birth_date": "2001",
                                         "side": "enemy"})
    pid = add_person(world.bureau, "detainee", [("name_full", "김영수", "self_declared"),
                                               ("birth_date", "2001-03-02", "self_declared")])
    assert enq.show_enquiry(uow, ADMIN, e["id"])["state"] == "open"  # written behind the services: nothing yet
    registry.change_status(uow, ADMIN, pid, "registered", place="Camp No. 7")
    view = enq.show_enquiry(uow, ADMIN, e["id"])
    assert view["state"] == "possible_hit"
    assert view["candidates"][0]["target"] == f"person:{pid}"
    assert "status registered" in view["history"][-1]["note"]
    assert _actions(world.bureau, e["id"])[-1] == "enquiry.state"


def test_a_document_and_its_judgement_bring_the_man_it_names(world):
    uow = world.bureau.uow
    e = enq.register_enquiry(uow, ADMIN, {"channel": "hotline", "names": ["Ооржак Чечен Борисович"],
                                         "birth_date": "2000-02-11", "enquirer_relationship": "мать",
                                         "enquirer_language": "ru"})
    assert e["state"] == "open" and e["candidates"] == []
    doc = documents.add_document(uow, ADMIN, world.ri, doc_type="military_id", issuing_state="RU",
                                 number="АК 5512003", claims=[("name_full", "Ооржак Чечен Борисович"),
                                                              ("birth_date", "2000-02-11")])
    view = enq.show_enquiry(uow, ADMIN, e["id"])
    assert f"person:{world.ri}" in [c["target"] for c in view["candidates"]]  # the bearer carries the name
    assert view["state"] == "possible_hit" and "document military_id added" in view["history"][-1]["note"]
    documents.judge_document(uow, ADMIN, doc["id"], "other_person", "photo is not him")
    view = enq.show_enquiry(uow, ADMIN, e["id"])
    holders = [c for c in view["candidates"] if c["target"] != f"person:{world.ri}"]
    assert holders and holders[0]["proposed"], view["candidates"]  # the named holder, a person of his own
    assert view["state"] == "possible_hit"


def test_an_executed_exchange_reopens_the_answered_enquiry_about_a_man_who_came_home(world, tmp_path):
    uow = world.bureau.uow
    e = enq.register_enquiry(uow, ADMIN, {"channel": "hotline", "names": ["Шевченко Тарас"], "side": "own",
                                         "birth_date": "1990-05-02", "enquirer_name": "Шевченко Ганна",
                                         "enquirer_relationship": "мати", "enquirer_language": "uk"})
    target = f"person:{world.own1}"
    assert target in [c["target"] for c in e["candidates"]]
    enq.judge_candidate(uow, ADMIN, e["id"], target, "confirmed", "service number given by his mother")
    first = enq.answer_enquiry(uow, ADMIN, e["id"])
    assert first["answer"]["fate"] == "held_by_adverse_power" and "під вартою" in first["letter"]

    wish(world.bureau, world.paek, "return")
    lid = counterpart_list(world.bureau, tmp_path, [("RU-1", "Shevchenko Taras", "1990-05-02", "UA123456")])
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    exchanges.add_incoming_from_list(uow, NEGOTIATOR, x["id"], lid)
    exchanges.transition(uow, NEGOTIATOR, x["id"], "propose")
    exchanges.transition(uow, NEGOTIATOR, x["id"], "agree")
    assert enq.show_enquiry(uow, ADMIN, e["id"])["state"] == "answered"
    exchanges.execute(uow, NEGOTIATOR, x["id"], crossed=[world.paek], arrived=["RU-1"], place="Checkpoint 4")
    assert registry.show(uow, ADMIN, world.own1).status == "returned"

    view = enq.show_enquiry(uow, ADMIN, e["id"])
    assert view["state"] == "possible_hit"
    reopen = [h for h in view["history"] if h["note"].startswith("reopened")]
    assert reopen and f"exchange {x['id']} executed" in reopen[-1]["note"]
    assert "enquiry.reopen" in _actions(world.bureau, e["id"])
    again = enq.answer_enquiry(uow, ADMIN, e["id"])
    assert again["answer"]["fate"] == "returned" and again["letter"] == "Шевченко Тарас: повернувся додому."
    assert registry.verify_audit(uow, ADMIN)  # the chain holds every step


def test_nothing_is_rematched_for_a_person_no_enquiry_is_about(world):
    uow = world.bureau.uow
    e = enq.register_enquiry(uow, ADMIN, {"channel": "letter", "names": ["Бондаренко Олег"]})
    from powbureau.services.enquiry_hooks import after_persons_changed

    with uow.transaction() as conn:
        out = after_persons_changed(conn, "operator", [world.ivanov], "test")
    assert out == {"rematched": 0, "reopened": []}
    assert len(enq.show_enquiry(uow, ADMIN, e["id"])["history"]) == 1
