"""Issue 9, Build 3: register a person on the web, add a statement and retract one on his page, by the roles the
services allow (registrars and administrators; medical details only by medical staff)."""

from __future__ import annotations

import re

import pytest

from powbureau.domain.roles import Actor
from powbureau.services import registry
from powbureau.store.tables import audit_log

from .conftest import OPERATOR, csrf_of

FORM = {
    "kind": "detainee", "surname": "Paek", "given_names": "Kwang Hyok", "name_original": "백광혁",
    "birth_date": "1999-07", "serving_power": "kp", "service_number": "  ", "rank": "private",
    "unit": "7th Rifle Company", "place_of_birth": "Hyesan", "captured_on": "2026-11-20",
    "captured_at": "near Kupiansk", "language": "ko", "register": "1",
}


def persons_count(world) -> int:
    from sqlalchemy import func, select

    from powbureau.store.tables import persons

    with world.bureau.uow.read() as conn:
        return conn.execute(select(func.count()).select_from(persons)).scalar_one()


def post_form(b, data: dict):
    token = csrf_of(b.get("/persons/new").text)
    return b.post("/persons", data={**data, "csrf_token": token})


def test_a_registrar_registers_a_detainee_and_lands_on_his_page(browser_for, world):
    b = browser_for("registrar")
    form = b.get("/persons/new")
    assert form.status_code == 200
    for name in ("kind", "surname", "given_names", "name_original", "birth_date", "serving_power", "service_number",
                 "rank", "unit", "place_of_birth", "captured_on", "captured_at", "language"):
        assert f'name="{name}"' in form.text, name
    assert 'name="register"' in form.text and 'href="/persons/new"' in form.text  # and the bar links to it
    r = post_form(b, FORM)
    assert r.status_code == 303
    pid = r.headers["location"].rsplit("/", 1)[1]
    v = registry.show(world.bureau.uow, OPERATOR, pid)
    assert (v.kind, v.status) == ("detainee", "captured")
    facts = {s["property"]: s for s in v.statements}
    assert facts["name_full"]["value"] == "백광혁" and facts["name_full"]["script"] == "Hang"
    assert facts["birth_date"]["value"] == "1999-07"  # partial date kept at its precision
    assert facts["serving_power"]["value"] == "KP" and facts["birth_place"]["value"] == "Hyesan"
    assert facts["capture_date"]["value"] == "2026-11-20" and facts["capture_place"]["value"] == "near Kupiansk"
    assert "service_number" not in facts  # blank fields record nothing
    assert {s["source_ref"] for s in v.statements} == {"registered on the web by registrar"}
    assert {s["source_kind"] for s in v.statements} == {"self_declared"}
    page = b.get(f"/persons/{pid}").text
    assert f"백광혁 (…{pid[-6:]}) is registered as a detainee" in page and "prisoner number" in page
    assert "registered on the web by registrar" in page
    # found by search in another script, audited with the statements covered
    assert [h.person_id for h in registry.search(world.bureau.uow, OPERATOR, "Paek Kwang Hyok")].count(pid) == 1
    with world.bureau.uow.read() as conn:
        entry = conn.execute(audit_log.select().where(audit_log.c.target == pid)).mappings().one()
    assert entry["actor"] == "registrar" and entry["action"] == "person.register"
    assert registry.verify_audit(world.bureau.uow, Actor("a", "auditor")).entries > 1  # chain and rows intact


def test_own_personnel_with_a_year_only_birth_date(browser_for, world):
    b = browser_for("registrar")
    r = post_form(b, {"kind": "own_personnel", "surname": "Шевченко", "given_names": "Тарас", "birth_date": "1994"})
    assert r.status_code == 303
    v = registry.show(world.bureau.uow, OPERATOR, r.headers["location"].rsplit("/", 1)[1])
    assert (v.kind, v.status, v.resolved["birth_date"]) == ("own_personnel", "missing", "1994")
    assert "reconcile" in b.get(r.headers["location"]).text


def test_wrong_values_reshow_the_form_with_what_was_typed_and_the_field_named(browser_for, world):
    b = browser_for("registrar")
    bad = {**FORM, "birth_date": "1999-13", "serving_power": "UK", "surname": "Paek"}
    r = post_form(b, bad)
    assert r.status_code == 422
    assert re.search(r'id="f-birth_date"[^>]*value="1999-13"[^>]*aria-invalid="true"', r.text)
    assert re.search(r'id="f-serving_power"[^>]*value="UK"[^>]*aria-invalid="true"', r.text)
    assert "month 13 does not exist" in r.text and "use GB" in r.text
    assert 'value="백광혁"' in r.text and 'value="near Kupiansk"' in r.text  # the rest is kept
    assert '<a href="#f-birth_date">Birth date</a>' in r.text
    r = post_form(b, {"kind": "detainee", "given_names": "Kwang Hyok"})
    assert r.status_code == 422 and re.search(r'id="f-surname"[^>]*aria-invalid="true"', r.text)
    assert persons_count(world) == 2  # nothing was registered by either attempt


@pytest.mark.parametrize("role", ["medical", "auditor", "negotiator"])
def test_other_roles_may_not_register(browser_for, world, role):
    b = browser_for(role)
    assert b.get("/persons/new").status_code == 403
    token = csrf_of(b.get(f"/persons/{world.paek}").text)
    r = b.post("/persons", data={**FORM, "surname": "Intruder", "csrf_token": token})
    assert r.status_code == 403 and "may not register or change persons" in r.text
    assert persons_count(world) == 2
    assert 'href="/persons/new"' not in b.get("/").text


def person_page(b, world) -> str:
    r = b.get(f"/persons/{world.paek}")
    assert r.status_code == 200
    return r.text


def test_a_registrar_adds_a_statement_then_retracts_it_with_a_reason(browser_for, world):
    b = browser_for("registrar")
    html = person_page(b, world)
    assert f'action="/persons/{world.paek}/statements"' in html and 'value="diagnosis"' not in html
    r = b.post(f"/persons/{world.paek}/statements", data={
        "property": "rank", "value": "junior sergeant", "source_kind": "self_declared",
        "note": "registration interview", "csrf_token": csrf_of(html)})
    assert r.status_code == 303
    v = registry.show(world.bureau.uow, OPERATOR, world.paek)
    st = next(s for s in v.statements if s["property"] == "rank")
    assert st["value"] == "junior sergeant" and st["recorded_by"] == "registrar"
    assert st["source_ref"] == "added on the web by registrar: registration interview"
    html = b.get(f"/persons/{world.paek}").text
    assert f"Recorded for 백광혁 (…{world.paek[-6:]}): rank = junior sergeant" in html
    action = f"/persons/{world.paek}/statements/{st['id']}/retract"
    assert f'action="{action}"' in html
    assert b.post(action, data={"reason": "  ", "csrf_token": csrf_of(html)}).status_code == 303
    assert "a retraction needs a reason" in b.get(f"/persons/{world.paek}").text
    assert not next(s for s in registry.show(world.bureau.uow, OPERATOR, world.paek).statements
                    if s["id"] == st["id"])["retracted"]
    r = b.post(action, data={"reason": "he is a private; the list was wrong", "csrf_token": csrf_of(html)})
    assert r.status_code == 303
    html = b.get(f"/persons/{world.paek}").text
    assert "Retracted for 백광혁" in html and "with your reason: he is a private; the list was wrong" in html
    assert "<del>junior sergeant</del>" in html
    assert re.search(r"retracted by registrar on [^<]+?: he is a private; the list was wrong", html)
    assert f'action="{action}"' not in html  # retracted once: no second button
    # the JSON API still records statements, and shows the retraction too
    api = b.get(f"/api/persons/{world.paek}").json()
    gone = next(s for s in api["statements"] if s["id"] == st["id"])
    assert gone["retracted"] and gone["retraction"]["by"] == "registrar"
    assert gone["retraction"]["reason"] == "he is a private; the list was wrong"


def test_a_wrong_value_is_refused_naming_the_person(browser_for, world):
    b = browser_for("registrar")
    html = person_page(b, world)
    r = b.post(f"/persons/{world.paek}/statements", data={
        "property": "birth_date", "value": "2999", "note": "his own words", "csrf_token": csrf_of(html)})
    assert r.status_code == 422  # his page again, the form as sent
    html = r.text
    assert f"Nothing was recorded for 백광혁 (…{world.paek[-6:]})" in html and "in the future" in html
    assert '<option value="birth_date" selected>' in html and re.search(r'id="st-value"[^>]*value="2999"', html)
    assert 'value="his own words"' in html
    assert all(s["value"] != "2999" for s in registry.show(world.bureau.uow, OPERATOR, world.paek).statements)


def test_a_statement_of_another_person_cannot_be_retracted_through_this_page(browser_for, world):
    b = browser_for("registrar")
    html = person_page(b, world)
    other = registry.show(world.bureau.uow, OPERATOR, world.ivanov).statements[0]["id"]
    r = b.post(f"/persons/{world.paek}/statements/{other}/retract", data={"reason": "x", "csrf_token": csrf_of(html)})
    assert r.status_code == 404
    assert not any(s["retracted"] for s in registry.show(world.bureau.uow, OPERATOR, world.ivanov).statements)


@pytest.mark.parametrize("role", ["auditor", "negotiator"])
def test_readers_get_no_forms_and_their_posts_are_refused(browser_for, world, role):
    b = browser_for(role)
    html = person_page(b, world)
    assert "/retract" not in html and f'action="/persons/{world.paek}/statements"' not in html
    sid = registry.show(world.bureau.uow, OPERATOR, world.paek).statements[0]["id"]
    r = b.post(f"/persons/{world.paek}/statements/{sid}/retract", data={"reason": "x", "csrf_token": csrf_of(html)})
    assert r.status_code == 403
    r = b.post(f"/persons/{world.paek}/statements", data={"property": "rank", "value": "x",
                                                          "csrf_token": csrf_of(html)})
    assert r.status_code == 403
    assert not any(s["retracted"] or s["value"] == "x"
                   for s in registry.show(world.bureau.uow, OPERATOR, world.paek).statements)


def test_medical_staff_record_and_retract_only_medical_details_which_others_never_see(browser_for, world):
    medic = browser_for("medical")
    html = person_page(medic, world)
    assert 'value="diagnosis"' in html and 'value="rank"' not in html
    assert "/retract" not in html  # his page's statements are not medical: nothing for him to retract
    medic.post(f"/persons/{world.paek}/statements", data={
        "property": "diagnosis", "value": "fractured wrist", "source_kind": "observation", "csrf_token": csrf_of(html)})
    html = person_page(medic, world)
    sid = next(s["id"] for s in registry.show(world.bureau.uow, Actor("medical", "medical"), world.paek).statements
               if s["property"] == "diagnosis")
    assert "fractured wrist" in html and f"/statements/{sid}/retract" in html
    reg = browser_for("registrar")
    reg_html = person_page(reg, world)
    assert "fractured wrist" not in reg_html and f"/statements/{sid}/retract" not in reg_html
    r = reg.post(f"/persons/{world.paek}/statements/{sid}/retract", data={"reason": "x",
                                                                          "csrf_token": csrf_of(reg_html)})
    assert r.status_code == 403
    r = medic.post(f"/persons/{world.paek}/statements/{sid}/retract", data={"reason": "healed; wrong patient",
                                                                            "csrf_token": csrf_of(html)})
    assert r.status_code == 303
    html = person_page(medic, world)
    assert "<del>fractured wrist</del>" in html and "wrong patient" in html
    assert "wrong patient" not in person_page(reg, world)


def test_cli_show_gives_who_when_and_why_of_a_retraction(world, tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from powbureau.cli import app

    uow = world.bureau.uow
    sid = registry.add_statement(uow, OPERATOR, world.paek, "rank", "colonel", source_kind="third_party",
                                 source_ref="rumour")
    registry.retract_statement(uow, Actor("kim", "registrar"), sid, "rank insignia say private")
    monkeypatch.setenv("POWBUREAU_DB", str(uow.engine.url))
    from powbureau.cli._common import console

    monkeypatch.setattr(console, "width", 250)  # the console is made once per process, before COLUMNS could apply
    runner = CliRunner()
    out = runner.invoke(app, ["show", world.paek])
    assert out.exit_code == 0, out.output
    assert "retracted by kim on" in out.output and "rank insignia say private" in out.output
    out = runner.invoke(app, ["show", world.paek, "--json"])
    st = next(s for s in json.loads(out.output)["statements"] if s["id"] == sid)
    assert st["retracted"] and st["retraction"]["by"] == "kim"
    assert st["retraction"]["reason"] == "rank insignia say private" and st["retraction"]["at"][:4] >= "2026"


@pytest.mark.parametrize("lang, heading, done", [
    ("uk", "Зареєструвати особу", "зареєстровано як затриманого"),
    ("ru", "Зарегистрировать лицо", "зарегистрирован как задержанный"),
    ("ko", "인원 등록", "억류자(포획됨)로 등록했습니다"),
])
def test_the_form_and_its_message_speak_the_users_language(browser_for, world, lang, heading, done):
    b = browser_for("registrar")
    b.cookies.set("powbureau_lang", lang)
    form = b.get("/persons/new")
    assert form.status_code == 200 and f"<h1>{heading}</h1>" in form.text
    r = b.post("/persons", data={"kind": "detainee", "surname": "Ким", "birth_date": "1999-13",
                                 "csrf_token": csrf_of(form.text)})
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text
    r = b.post("/persons", data={"kind": "detainee", "surname": "Ким", "csrf_token": csrf_of(form.text)})
    page = b.get(r.headers["location"]).text
    assert done in page and f"Ким (…{r.headers['location'][-6:]})" in page
    assert b.get(f"/persons/{world.paek}").status_code == 200 and b.get("/lists").status_code == 200


def test_the_api_registers_and_retracts_for_the_same_roles(browser_for, world):
    reg = browser_for("registrar")
    token = reg.get("/api/me").json()["csrf_token"]
    h = {"X-CSRF-Token": token}
    r = reg.post("/api/persons", headers=h, json={"kind": "own_personnel",
                                                 "values": {"surname": "Мельник", "birth_date": "1993-02"}})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    v = registry.show(world.bureau.uow, OPERATOR, pid)
    assert v.kind == "own_personnel" and v.resolved["birth_date"] == "1993-02"
    r = reg.post("/api/persons", headers=h, json={"kind": "detainee", "values": {"surname": "X", "birth_date": "1993-13"}})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["property"] == "birth_date"
    sid = v.statements[0]["id"]
    r = reg.post(f"/api/persons/{pid}/statements/{sid}/retract", headers=h, json={"reason": "typed in error"})
    assert r.status_code == 200 and r.json()["retraction"]["reason"] == "typed in error"
    neg = browser_for("negotiator")
    nh = {"X-CSRF-Token": neg.get("/api/me").json()["csrf_token"]}
    assert neg.post("/api/persons", headers=nh, json={"kind": "detainee", "values": {"surname": "Y"}}).status_code == 403
    sid2 = v.statements[1]["id"] if len(v.statements) > 1 else sid
    r = neg.post(f"/api/persons/{pid}/statements/{sid2}/retract", headers=nh, json={"reason": "no"})
    assert r.status_code == 403
    assert persons_count(world) == 3
