"""Selects that choose a person read "Name (…short id)" (issue 9): the interview form, the wish forms and the
delegate's verification form; the raw 26-character id is only the option's value, and the select is marked wide."""

from __future__ import annotations

import re

from powbureau.domain.roles import Actor
from powbureau.services import custody
from powbureau.services.users import add_user

from .conftest import OPERATOR, PASSWORD

DELEGATE = Actor("delegate", "icrc_delegate")


def _options(html: str, select_id: str) -> list[tuple[str, str]]:
    m = re.search(rf'<select id="{select_id}"[^>]*class="wide"[^>]*>(.*?)</select>', html, re.S)
    assert m, f"no wide select #{select_id}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', m.group(1))


def test_interview_form_names_detainees_with_short_ids(browser_for, world):
    opts = dict(_options(browser_for("registrar").get("/interviews").text, "person_id"))
    assert opts[world.paek].startswith(f"백광혁 (…{world.paek[-6:]}) — ko")
    assert opts[world.ivanov].startswith(f"Иванов Пётр Сергеевич (…{world.ivanov[-6:]})")
    assert not any(pid in text for pid, text in opts.items())  # the full id is never the visible text


def test_wish_and_verification_forms_name_the_person(app, world):
    from fastapi.testclient import TestClient

    from .conftest import sign_in

    add_user(world.bureau.uow, OPERATOR, "delegate", "icrc_delegate", PASSWORD)
    private = custody.record_interview(world.bureau.uow, DELEGATE, world.paek, purpose="icrc_private",
                                       language="ko", where="Camp 3", interpreter="Lee Soo-jin")
    custody.record_wish(world.bureau.uow, DELEGATE, world.paek, "return", private["id"])
    with TestClient(app, follow_redirects=False) as b:
        assert sign_in(b, "delegate").status_code == 303
        html = b.get("/wishes").text
    short = f"백광혁 (…{world.paek[-6:]}) — "
    recorded = dict(_options(html, "interview_id"))
    assert recorded[private["id"]].startswith(short)
    wishes = _options(html, "wish_id")
    assert len(wishes) == 1 and wishes[0][1].startswith(short + "return")
    verify = dict(_options(html, "v-interview"))
    assert verify[private["id"]].startswith(short)
    assert world.paek not in "".join(t for _, t in wishes)
