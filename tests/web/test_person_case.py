"""Issue 9, items 2 and 4: the person page is the whole case, each part only for the roles that may see it; names
are grouped; provenance reads as a person would say it; the capture card downloads as a PDF."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from powbureau.domain.provenance import day
from powbureau.domain.roles import Actor
from powbureau.services import custody, registry
from powbureau.services.users import add_user

from .conftest import OPERATOR, PASSWORD, add_person

INTERVIEWER = Actor("ivy", "interviewer")
MEDIC = Actor("medical", "medical")
DIAGNOSIS = "shrapnel wound, left femur"


@pytest.fixture()
def case(world):
    """Paek with a registration interview through an independent interpreter (a statement taken in it), a wish
    to remain taken in a wish interview, a diagnosis and a health-box mark, an exchange, and the interviewer."""
    uow = world.bureau.uow
    reg = custody.record_interview(uow, OPERATOR, world.paek, purpose="registration", language="ko",
                                   where="Camp 3", interpreter="Lee Soo-jin")
    registry.add_statement(uow, OPERATOR, world.paek, "unit", "7th Rifle Company", source_kind="self_declared",
                           source_ref="interview", interview_id=reg["id"])
    wiv = custody.record_interview(uow, INTERVIEWER, world.paek, purpose="wish", language="ko", where="Camp 3",
                                   interpreter="Lee Soo-jin")
    custody.record_wish(uow, INTERVIEWER, world.paek, "remain", wiv["id"])
    registry.add_statement(uow, MEDIC, world.paek, "diagnosis", DIAGNOSIS, source_kind="observation",
                           source_ref="camp infirmary")
    custody.record_medical_decision(uow, MEDIC, world.paek, seriously_sick_or_wounded=False,
                                    health_box=["slightly_wounded"])
    return reg


def page(browser_for, world, user: str) -> str:
    r = browser_for(user).get(f"/persons/{world.paek}")
    assert r.status_code == 200, r.text
    return r.text


def test_negotiator_sees_eligibility_never_the_wish_nor_medical_details(browser_for, world, case):
    html = page(browser_for, world, "negotiator")
    assert "not eligible: no verified consent to return" in html
    assert "remain" not in html.lower() and 'id="h-wishes"' not in html and 'id="h-interviews"' not in html
    assert DIAGNOSIS not in html and 'id="h-health"' not in html
    assert 'id="h-exchanges"' in html and 'id="h-audit"' not in html and "capture-card.pdf" not in html


def test_registrar_sees_interviews_wishes_notifications_and_card_but_no_medical_detail(browser_for, world, case):
    html = page(browser_for, world, "registrar")
    assert 'id="h-interviews"' in html and 'id="h-wishes"' in html and "remain" in html
    assert re.search(r"Lee Soo-jin</td>\s*<td>independent", html)  # interpreter and who supplied him
    assert DIAGNOSIS not in html and 'id="h-health"' not in html and "slightly wounded" not in html
    assert 'id="h-notifications"' in html and f'href="/persons/{world.paek}/capture-card.pdf"' in html
    assert 'id="h-audit"' not in html


def test_medic_sees_the_health_box_and_no_wish_interview(browser_for, world, case):
    html = page(browser_for, world, "medical")
    assert 'id="h-health"' in html and "slightly wounded" in html and DIAGNOSIS in html
    assert 'id="h-interviews"' in html and "registration" in html
    assert "remain" not in html.lower() and ">wish<" not in html and 'id="h-wishes"' not in html
    assert "capture-card.pdf" not in html


def test_interviewer_sees_the_wish_and_its_interview(browser_for, world, case):
    add_user(world.bureau.uow, OPERATOR, "ivy", "interviewer", PASSWORD)
    html = page(browser_for, world, "ivy")
    assert 'id="h-wishes"' in html and "remain" in html and ">wish<" in html
    assert DIAGNOSIS not in html


def test_auditor_sees_his_audit_trail(browser_for, world, case):
    html = page(browser_for, world, "auditor")
    trail = html[html.index('id="h-audit"'):]
    assert "status.change" in trail and "wish.record" in trail and "interview.record" in trail
    assert DIAGNOSIS not in html


def test_aliases_are_grouped_each_name_once_with_its_sources(browser_for, world):
    facts = [("name_full", "Kim Chol", "self_declared", "interview 1")]
    facts += [("alias", "Kim Chul", "counterpart_list", f"list K-{n}") for n in range(10)]
    facts += [("alias", "KIM  chol", "counterpart_list", f"list K-{n}") for n in range(10)]
    pid = add_person(world.bureau, "detainee", facts)
    html = browser_for("registrar").get(f"/persons/{pid}").text
    names = html[html.index('id="h-names"'):html.index("</section>", html.index('id="h-names"'))]
    assert names.count('class="name-group"') == 2  # Kim Chol (and KIM  chol), Kim Chul
    assert "(11 statements)" in names and "(10 statements)" in names and "list K-9" in names
    rows = html[html.index('id="h-statements"'):]
    assert rows.count("<th scope=\"row\">alias") == 2  # one row per alias, not twenty repeated rows


def test_provenance_reads_as_a_sentence(browser_for, world, case, tmp_path):
    from powbureau.services.imports import ImportOptions, import_list

    csv = tmp_path / "australia_ww2_pows.csv"
    csv.write_text("external_id,surname,given_name,birth_date\nA-1,Abbott,Frank,1920\nA-2,Ainger,Frank,1921\n")
    kim = Actor("kim", "registrar")  # a signed-in web user, not the CLI operator
    out = import_list(world.bureau.uow, kim, ImportOptions(csv, "detainees", label="Australian POW list"))
    ainger = registry.search(world.bureau.uow, kim, "Ainger")[0].person_id
    html = browser_for("registrar").get(f"/persons/{ainger}").text
    today = day(datetime.now(UTC))
    assert re.search(rf"Australian POW list \(australia_ww2_pows.csv\), row \d+, imported by kim on {today}", html)
    assert f"list:{out['list_id']}" not in html
    html = page(browser_for, world, "registrar")
    assert f"registration interview of {today} through interpreter Lee Soo-jin (independent)" in html


def test_restricted_interview_is_not_described_to_a_role_that_may_not_read_it(browser_for, world):
    wiv = custody.record_interview(world.bureau.uow, INTERVIEWER, world.paek, purpose="wish", language="ko",
                                   where="Camp 3", interpreter="Pak Chol")
    registry.add_statement(world.bureau.uow, OPERATOR, world.paek, "rank", "private", source_kind="self_declared",
                           source_ref="interview", interview_id=wiv["id"])
    med = page(browser_for, world, "medical")
    assert "an interview (restricted)" in med and "wish interview of" not in med
    assert "wish interview of" in page(browser_for, world, "registrar")


@pytest.mark.parametrize("user,status", [("registrar", 200), ("auditor", 200), ("negotiator", 403),
                                         ("medical", 403)])
def test_capture_card_downloads_as_pdf_for_roles_allowed(browser_for, world, user, status):
    r = browser_for(user).get(f"/persons/{world.paek}/capture-card.pdf")
    assert r.status_code == status
    if status == 200:
        assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
        assert "attachment" in r.headers["content-disposition"]


def test_notifications_due_for_him_alone_match_the_bureau_list(browser_for, world):
    from powbureau.services import notify

    registry.change_status(world.bureau.uow, OPERATOR, world.paek, "interned", place="Camp 3")
    registry.change_status(world.bureau.uow, OPERATOR, world.ivanov, "registered", place="Camp 4")
    registry.change_status(world.bureau.uow, OPERATOR, world.ivanov, "interned", place="Camp 4")
    everyone = notify.due(world.bureau.uow, OPERATOR)
    mine = notify.due(world.bureau.uow, OPERATOR, person_id=world.paek)
    assert mine and mine == [d for d in everyone if d["person_id"] == world.paek] and len(everyone) > len(mine)
    html = page(browser_for, world, "registrar")
    section = html[html.index('id="h-notifications"'):]
    assert mine[0]["due_on"] in section and "Nothing is due for him" not in section
