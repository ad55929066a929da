"""Issue 9, Build 3: after an exchange is executed, the persons who crossed to us unannounced are registered as our
own personnel (or linked to the record we hold) from the exchange page, and returned; the page no longer says
"Nobody listed yet" nor offers "Add to outgoing list" once the exchange is executed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from powbureau.domain.roles import Actor
from powbureau.services import exchanges, registry
from powbureau.store.tables import audit_log

from .conftest import OPERATOR, add_person, csrf_of
from .test_negotiator_disclosure import take_wish

NEGOTIATOR = Actor("negotiator", "negotiator")


@dataclass
class Executed:
    exchange: str
    bondarenko: str  # our own personnel, missing, who will turn out to be arrival 2


@pytest.fixture()
def executed(world) -> Executed:
    """Paek (verified return) handed over to RU; two men arrived unannounced; Ivanov (no wish) never listed."""
    b = world.bureau
    registry.change_status(b.uow, OPERATOR, world.paek, "interned", place="Camp 3")
    take_wish(b, world.paek, "return", verify=True)
    bondarenko = add_person(b, "own_personnel", [("name_full", "Bondarenko Mykola", "third_party", "unit roll"),
                                                 ("birth_date", "1991", "third_party", "unit roll")])
    x = exchanges.create(b.uow, NEGOTIATOR, "RU")["id"]
    exchanges.add_outgoing(b.uow, NEGOTIATOR, x, world.paek)
    exchanges.transition(b.uow, NEGOTIATOR, x, "propose")
    exchanges.transition(b.uow, NEGOTIATOR, x, "agree")
    exchanges.execute(b.uow, NEGOTIATOR, x, crossed=[world.paek], place="Checkpoint 4",
                      unknown_arrivals=[("Sergeant Tkachenko, no papers", None), ("Bondarenko Mykola", None)])
    return Executed(x, bondarenko)


def test_a_registrar_registers_an_unannounced_arrival_as_own_personnel(browser_for, world, executed):
    b = browser_for("registrar")
    page = b.get(f"/exchanges/{executed.exchange}")
    assert page.status_code == 200
    assert 'id="h-arrivals"' in page.text and "Sergeant Tkachenko, no papers" in page.text
    action = f"/exchanges/{executed.exchange}/arrivals/1/register"
    assert f'action="{action}"' in page.text
    r = b.post(action, data={"surname": "Tkachenko", "given_names": "Andrii", "name_original": "Ткаченко Андрій",
                             "rank": "sergeant", "birth_date": "1990", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    x = exchanges.show(world.bureau.uow, OPERATOR, executed.exchange)
    line = [ln for ln in x["reconciliation"]["lines"] if ln["outcome"] == "unknown_arrival"][0]
    pid = line["person_id"]
    assert pid and "registered by registrar" in line["note"]
    v = registry.show(world.bureau.uow, OPERATOR, pid)
    assert (v.kind, v.status) == ("own_personnel", "returned")
    assert v.history[-1]["place"] == "Checkpoint 4" and v.history[-1]["actor"] == "registrar"
    assert {s["source_ref"] for s in v.statements} == {
        f"arrived unannounced in exchange with RU (…{executed.exchange[-6:]})"}
    assert v.resolved["name_full"] == "Ткаченко Андрій" and v.resolved["birth_date"] == "1990"
    assert ["returned", pid] in x["reconciliation"]["status_changes"]
    page = b.get(f"/exchanges/{executed.exchange}").text
    assert f"Ткаченко Андрій (…{pid[-6:]}), who arrived unannounced, is registered as our own personnel" in page
    assert f'href="/persons/{pid}"' in page and f'action="{action}"' not in page  # done: no second button
    with world.bureau.uow.read() as conn:
        acts = [e["action"] for e in conn.execute(audit_log.select().where(
            audit_log.c.actor == "registrar")).mappings()]
    assert {"person.register", "status.change", "exchange.register_arrival"} <= set(acts)
    assert registry.verify_audit(world.bureau.uow, OPERATOR).entries > 0
    r = b.post(action, data={"surname": "Again", "csrf_token": csrf_of(page)})
    assert f"is already registered as Ткаченко Андрій (…{pid[-6:]})" in b.get(f"/exchanges/{executed.exchange}").text


def test_an_arrival_is_linked_to_the_record_we_hold(browser_for, world, executed):
    b = browser_for("registrar")
    page = b.get(f"/exchanges/{executed.exchange}").text
    link = f"/exchanges/{executed.exchange}/arrivals/2/link"
    assert f'action="{link}"' in page and f'value="{executed.bondarenko}"' in page  # found by the search
    assert b.post(link, data={"person_id": world.paek, "csrf_token": csrf_of(page)}).status_code == 303
    assert f"백광혁 (…{world.paek[-6:]}) is not one of our own personnel" in b.get(f"/exchanges/{executed.exchange}").text
    assert b.post(link, data={"person_id": executed.bondarenko, "csrf_token": csrf_of(page)}).status_code == 303
    v = registry.show(world.bureau.uow, OPERATOR, executed.bondarenko)
    assert v.status == "returned" and "arrived unannounced" in v.history[-1]["note"]
    assert len(v.statements) == 2  # linked, not registered again
    page = b.get(f"/exchanges/{executed.exchange}").text
    assert f"Bondarenko Mykola (…{executed.bondarenko[-6:]}), who arrived unannounced, is linked" in page


def test_wrong_values_register_nobody_and_say_why(browser_for, world, executed):
    b = browser_for("registrar")
    page = b.get(f"/exchanges/{executed.exchange}").text
    r = b.post(f"/exchanges/{executed.exchange}/arrivals/1/register",
               data={"surname": "Tkachenko", "birth_date": "1990-14", "csrf_token": csrf_of(page)})
    assert r.status_code == 303
    page = b.get(f"/exchanges/{executed.exchange}").text
    assert "Nothing was registered: birth date:" in page and "month 14 does not exist" in page
    r = b.post(f"/exchanges/{executed.exchange}/arrivals/9/register",
               data={"surname": "X", "csrf_token": csrf_of(page)})
    assert "has no unannounced arrival number 9" in b.get(f"/exchanges/{executed.exchange}").text
    x = exchanges.show(world.bureau.uow, OPERATOR, executed.exchange)
    assert all(not ln["person_id"] for ln in x["reconciliation"]["lines"] if ln["outcome"] == "unknown_arrival")


@pytest.mark.parametrize("role", ["negotiator", "auditor"])
def test_roles_that_may_not_register_see_no_form_and_are_refused(browser_for, world, executed, role):
    b = browser_for(role)
    page = b.get(f"/exchanges/{executed.exchange}").text
    assert "Sergeant Tkachenko, no papers" in page and "/arrivals/1/register" not in page
    for path, data in (("register", {"surname": "Tkachenko"}), ("link", {"person_id": executed.bondarenko})):
        r = b.post(f"/exchanges/{executed.exchange}/arrivals/1/{path}", data={**data, "csrf_token": csrf_of(page)})
        assert r.status_code == 403
    assert registry.show(world.bureau.uow, OPERATOR, executed.bondarenko).status == "missing"


def test_the_executed_exchange_page_neither_says_nobody_listed_nor_offers_listing(browser_for, world, executed):
    for role in ("negotiator", "registrar"):
        page = browser_for(role).get(f"/exchanges/{executed.exchange}").text
        assert "Nobody listed yet" not in page and "Add to outgoing list" not in page
        assert "/outgoing" not in page and 'id="h-cand"' not in page
        assert f'href="/persons/{world.paek}"' in page  # who was handed over stays named


def test_a_draft_offers_listing_only_to_the_eligible(browser_for, world):
    b = world.bureau
    registry.change_status(b.uow, OPERATOR, world.paek, "interned", place="Camp 3")
    take_wish(b, world.paek, "return", verify=True)
    x = exchanges.create(b.uow, NEGOTIATOR, "RU")["id"]
    page = browser_for("negotiator").get(f"/exchanges/{x}").text
    assert "Nobody listed yet" in page
    assert page.count("Add to outgoing list") == 1  # Paek only; Ivanov has no verified consent to return
    row = page[page.index(f'data-person="{world.ivanov}"'):]
    assert "cannot be listed" in row[:row.index("</tr>")]


@pytest.mark.parametrize("lang, heading", [("uk", "Прибули без попередження (2)"), ("ru", "Прибыли без предупреждения (2)"),
                                           ("ko", "예고 없이 도착 (2)")])
def test_the_arrivals_speak_the_users_language(browser_for, world, executed, lang, heading):
    b = browser_for("registrar")
    b.cookies.set("powbureau_lang", lang)
    page = b.get(f"/exchanges/{executed.exchange}")
    assert page.status_code == 200 and heading in page.text
