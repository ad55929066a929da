"""Custody services on SQLite and PostgreSQL: interviews, the roster, wishes and their verification, medical
decisions — each refusal changes nothing, and a later wish withdraws the person from an open exchange."""

from __future__ import annotations

from datetime import timedelta

import pytest
from custody_world import ADMIN, ALL, DELEGATE, INTERVIEWER, MEDIC, NEGOTIATOR, REGISTRAR, T0, build, count, wish

from powbureau.domain.errors import (
    Conflict, IllegalTransition, NotFound, PermissionDenied, ValidationFailed, VerificationRefused,
)
from powbureau.services import custody, exchanges, notify, registry
from powbureau.store.tables import audit_log
from powbureau.store.tables_custody import interviews, medical_decisions, wish_verifications, wishes


@pytest.fixture
def world(bureau):
    return build(bureau)


def _interview(world, person, actor=INTERVIEWER, purpose="wish", **kw):
    kw.setdefault("when", T0)
    return custody.record_interview(world.bureau.uow, actor, person, purpose=purpose, language="ko", where="Camp 7",
                                    **kw)


def test_interview_keeps_language_interpreter_and_who_supplied_him(world):
    custody.add_interpreter(world.bureau.uow, ADMIN, "Pak Chol", ["ko", "ru"], "military intelligence")
    iv = _interview(world, world.paek, interpreter="Pak Chol", present=["Pak Chol", "camp officer"])
    assert iv["interpreter_supplied_by"] == "military intelligence"  # taken from the roster
    assert not iv["independent_interpreter"] and not iv["without_witnesses"]
    listed = custody.list_interviews(world.bureau.uow, REGISTRAR, world.paek)
    assert [i["id"] for i in listed] == [iv["id"]] and listed[0]["language"] == "ko"
    assert listed[0]["person_name"] == "백광혁"


@pytest.mark.parametrize("bad, error", [
    (dict(purpose="icrc_private"), PermissionDenied),  # only a delegate holds a private interview
    (dict(interpreter="Somebody"), ValidationFailed),  # interpreter not on the roster, supplier not given
    (dict(purpose="chat"), ValidationFailed),
    (dict(where=" "), ValidationFailed),
])
def test_bad_interview_is_refused_and_nothing_is_written(world, bad, error):
    kw = dict(purpose="wish", where="Camp 7")
    kw.update(bad)
    with pytest.raises(error):
        custody.record_interview(world.bureau.uow, INTERVIEWER, world.paek, language="ko", when=T0, **kw)
    with pytest.raises(NotFound):
        _interview(world, "01NOSUCHPERSON0000000000000")
    with pytest.raises(PermissionDenied):
        _interview(world, world.paek, actor=NEGOTIATOR)
    assert count(world.bureau, interviews) == 0


def test_who_waits_for_a_korean_interpreter(world):
    uow = world.bureau.uow
    waiting = {w["person_id"]: w["languages"] for w in custody.waiting(uow, REGISTRAR)}
    assert waiting == {world.paek: ["ko"], world.ri: ["ko"]}  # staff speak Russian: Ivanov does not wait
    custody.add_interpreter(uow, ADMIN, "Pak Chol", ["ko"], "military intelligence")
    assert len(custody.waiting(uow, REGISTRAR)) == 2  # an interested party's interpreter does not count
    custody.add_interpreter(uow, DELEGATE, "Lee Soo-jin", ["ko"], "independent")
    assert custody.waiting(uow, REGISTRAR) == []
    custody.add_interpreter(uow, ADMIN, "Lee Soo-jin", [], active=False)
    assert len(custody.waiting(uow, REGISTRAR)) == 2
    assert [i["name"] for i in custody.roster(uow, REGISTRAR)] == ["Pak Chol"]
    with pytest.raises(PermissionDenied):
        custody.add_interpreter(uow, INTERVIEWER, "X", ["ko"])


def test_wish_by_the_wrong_role_or_in_the_wrong_interview_changes_nothing(world):
    uow = world.bureau.uow
    iv = _interview(world, world.paek)
    for role in ("admin", "negotiator", "medical", "auditor"):
        with pytest.raises(PermissionDenied):
            custody.record_wish(uow, ALL[role], world.paek, "return", iv["id"])
    reg = _interview(world, world.paek, purpose="registration")
    with pytest.raises(ValidationFailed, match="registration"):
        custody.record_wish(uow, INTERVIEWER, world.paek, "return", reg["id"])
    with pytest.raises(ValidationFailed, match="not with"):
        custody.record_wish(uow, INTERVIEWER, world.ri, "return", iv["id"])
    with pytest.raises(ValidationFailed, match="unknown wish"):
        custody.record_wish(uow, INTERVIEWER, world.paek, "stay", iv["id"])
    with pytest.raises(NotFound):
        custody.record_wish(uow, INTERVIEWER, world.paek, "return", "01NOSUCHINTERVIEW000000000")
    assert count(world.bureau, wishes) == 0


def test_only_the_delegate_verifies_in_private_with_an_independent_interpreter(world):
    uow = world.bureau.uow
    custody.add_interpreter(uow, DELEGATE, "Lee Soo-jin", ["ko"], "independent")  # the roster vouches for him
    w = wish(world.bureau, world.paek, "return", verify=False)
    assert custody.wishes_of(uow, REGISTRAR, world.paek)["verified_return"] is False
    later = T0 + timedelta(hours=2)
    interested = custody.record_interview(uow, DELEGATE, world.paek, purpose="icrc_private", language="ko",
                                          where="ICRC room", when=later, interpreter="Pak Chol",
                                          supplied_by="military intelligence")
    with pytest.raises(PermissionDenied):
        custody.verify_wish(uow, INTERVIEWER, w["id"], interested["id"])
    with pytest.raises(VerificationRefused, match="interested party"):
        custody.verify_wish(uow, DELEGATE, w["id"], interested["id"])
    witnessed = custody.record_interview(uow, DELEGATE, world.paek, purpose="icrc_private", language="ko",
                                         where="ICRC room", when=later, interpreter="Lee Soo-jin",
                                         supplied_by="independent", present=["camp commander"])
    with pytest.raises(VerificationRefused, match="witnesses"):
        custody.verify_wish(uow, DELEGATE, w["id"], witnessed["id"])
    assert count(world.bureau, wish_verifications) == 0
    good = custody.record_interview(uow, DELEGATE, world.paek, purpose="icrc_private", language="ko",
                                    where="ICRC room", when=later, interpreter="Lee Soo-jin", supplied_by="independent")
    v = custody.verify_wish(uow, DELEGATE, w["id"], good["id"])["wish"]
    assert v["verified"] and v["verified_by"] == DELEGATE.name and v["via_interpreter"]
    with pytest.raises(Conflict):
        custody.verify_wish(uow, DELEGATE, w["id"], good["id"])
    view = custody.wishes_of(uow, REGISTRAR, world.paek)
    assert view["verified_return"] and "independent interpreter" in view["explanation"]
    with pytest.raises(PermissionDenied):  # the negotiator learns eligibility, never the wish (issue 8, finding 6)
        custody.wishes_of(uow, NEGOTIATOR, world.paek)


def test_later_wish_withdraws_him_from_open_exchange_and_tells_the_negotiator(world):
    uow = world.bureau.uow
    wish(world.bureau, world.paek, "return")
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    exchanges.transition(uow, NEGOTIATOR, x["id"], "propose")
    exchanges.transition(uow, NEGOTIATOR, x["id"], "agree")
    r = wish(world.bureau, world.paek, "remain", at=T0 + timedelta(days=2), verify=False)
    assert r["kind"] == "remain"
    shown = exchanges.show(uow, NEGOTIATOR, x["id"])
    assert shown["outgoing"] == [] and shown["state"] == "agreed"
    assert [w["person_id"] for w in shown["withdrawals"]] == [world.paek]
    [notice] = custody.notices(uow, NEGOTIATOR)
    assert notice["person_id"] == world.paek and notice["exchange_id"] == x["id"]
    assert "remain" not in notice["message"]  # the negotiator is told he left the list, not what he wants
    # a new verified return does not silently put him back: listing is a deliberate act again
    wish(world.bureau, world.paek, "return", at=T0 + timedelta(days=3))
    assert exchanges.show(uow, NEGOTIATOR, x["id"])["outgoing"] == []


def test_no_wish_change_after_handover(world):
    uow = world.bureau.uow
    wish(world.bureau, world.paek, "return")
    registry.change_status(uow, ADMIN, world.paek, "repatriated", place="crossing point")
    iv = _interview(world, world.paek, when=T0 + timedelta(days=5))
    with pytest.raises(IllegalTransition, match="handed over"):
        custody.record_wish(uow, INTERVIEWER, world.paek, "remain", iv["id"])


def test_medical_decisions_only_by_and_for_medical_roles(world):
    uow = world.bureau.uow
    for role in ("admin", "registrar", "negotiator", "icrc_delegate"):
        with pytest.raises(PermissionDenied):
            custody.record_medical_decision(uow, ALL[role], world.paek, seriously_sick_or_wounded=True)
        with pytest.raises(PermissionDenied):
            custody.medical_of(uow, ALL[role], world.paek)
    with pytest.raises(ValidationFailed, match="health box"):
        custody.record_medical_decision(uow, MEDIC, world.paek, seriously_sick_or_wounded=True,
                                        health_box=["shrapnel wound, left femur"])
    assert count(world.bureau, medical_decisions) == 0
    before = count(world.bureau, audit_log)
    custody.record_medical_decision(uow, MEDIC, world.paek, seriously_sick_or_wounded=True, category="Art. 110(1)(1)",
                                    health_box=["seriously_wounded"], on=T0.date())
    [d] = custody.medical_of(uow, MEDIC, world.paek)
    assert d["health_box"] == ["seriously_wounded"] and count(world.bureau, audit_log) == before + 2  # read audited
    dues = notify.due(uow, REGISTRAR, today=T0.date() + timedelta(days=15))
    reports = [x for x in dues if x["person_id"] == world.paek and x["kind"] == "health_report"]
    assert [r["overdue"] for r in reports] == [True, True, False]  # weekly from Nov 1: Art. 122(6)
