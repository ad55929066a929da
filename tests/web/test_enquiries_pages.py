"""Enquiry pages (issue 11), through the browser's forms: a Ukrainian mother's enquiry taken on the web finds her son
on a counterpart list imported a week later with nobody asking, is confirmed, answered, and its reply letter is a
Ukrainian PDF; an enquiry in Hangul about 백광혁 from the Republic of Korea is answered with his whereabouts and
never his wish, in a Korean PDF; roles; the tracing case of two enquiries about one man."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from powbureau.domain.enquiry import audience_of
from powbureau.domain.roles import Actor
from powbureau.services import custody, enquiries as enq_service
from powbureau.services.imports import ImportOptions, import_list

from .conftest import PASSWORD, csrf_of

REGISTRAR = Actor("registrar", "registrar")
WISH_WORDS = ("wish", "remain", "return", "third country", "undecided", "stay", "잔류", "송환", "귀환", "희망",
              "verified", "залиш", "оста", "повернен", "возвращ")


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF as pdftotext (poppler) extracts it."""
    assert data.startswith(b"%PDF-")
    f = tmp_path / "reply.pdf"
    f.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(f), "-"], check=True, capture_output=True,
                          text=True).stdout


def _post(c, url: str, page: str, data: dict):
    return c.post(url, data={"csrf_token": csrf_of(c.get(page).text), **data})


def test_a_mothers_enquiry_in_ukrainian_finds_her_son_on_a_list_imported_a_week_later(world, browser_for, tmp_path,
                                                                                       monkeypatch):
    c = browser_for("registrar")
    week_ago = datetime.now(UTC) - timedelta(days=7)

    class _Then(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return week_ago

    monkeypatch.setattr(enq_service, "datetime", _Then)  # the mother called the hotline a week ago
    r = _post(c, "/enquiries/new", "/enquiries/new", {
        "enquirer_name": "Шевченко Олена", "enquirer_relationship": "мати", "enquirer_contact": "+380 44 000 00 00",
        "enquirer_language": "uk", "channel": "hotline", "consent": "yes", "names": "Шевченко Андрій Петрович",
        "birth_date": "1998-04", "unit": "93 бригада", "last_seen_place": "Бахмут", "last_seen_date": "2023-05",
        "side": "own"})
    assert r.status_code == 303, r.text
    eid = r.headers["location"].rsplit("/", 1)[1]
    monkeypatch.undo()
    page = c.get(f"/enquiries/{eid}").text
    assert "No candidate yet" in page and "Шевченко Олена" in page
    due = (week_ago + timedelta(days=14)).date().isoformat()
    listing = c.get("/enquiries?state=open").text
    assert "Шевченко Андрій Петрович" in listing and due in listing and week_ago.date().isoformat() in listing

    # a week later the other side's list arrives; nobody touches the enquiry
    f = tmp_path / "their-list.csv"
    f.write_text("external_id,name_full,birth_date,unit\nRU-17,\"SHEVCHENKO, Andrii Petrovych\",1998-04-12,"
                 "93 brigade\nRU-18,\"BONDARENKO, Taras\",1990-01-02,\n", encoding="utf-8")
    out = import_list(world.bureau.uow, REGISTRAR, ImportOptions(path=f, kind="counterpart_list",
                                                                 label="their list, week 2"))
    page = c.get(f"/enquiries/{eid}").text
    assert "possible hit" in page and "SHEVCHENKO, Andrii Petrovych" in page and "their list, week 2" in page
    assert re.search(r"score [01]\.\d\d", page) and "name matcher" in page  # per-field explanation
    assert eid in c.get("/enquiries?state=possible_hit").text
    assert eid not in c.get("/enquiries?state=open").text

    target = f"row:{out['list_id']}#2"
    r = _post(c, f"/enquiries/{eid}/judge", f"/enquiries/{eid}", {"target": target, "judgement": "rejected",
                                                                  "reason": "mother: wrong unit"})
    assert r.status_code == 303
    assert "open" in c.get(f"/enquiries/{eid}").text  # revisable: rejected, then confirmed
    _post(c, f"/enquiries/{eid}/judge", f"/enquiries/{eid}", {"target": target, "judgement": "confirmed",
                                                             "reason": "name, month of birth, unit"})
    page = c.get(f"/enquiries/{eid}").text
    assert "перебуває під вартою" in page  # the preview, in the mother's language
    assert c.get(f"/enquiries/{eid}/reply.pdf").status_code == 409  # no letter before the answer
    r = _post(c, f"/enquiries/{eid}/answer", f"/enquiries/{eid}", {})
    assert r.status_code == 303
    page = c.get(f"/enquiries/{eid}").text
    assert "answered (found)" in page and "Reply letter (PDF)" in page

    r = c.get(f"/enquiries/{eid}/reply.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path)
    assert "Відповідь на ваш запит" in text and "Шановна (шановний) Шевченко Олена" in text
    assert "перебуває під вартою" in text and "their list, week 2" in text and "протилежна сторона" in text
    data = c.get(f"/api/enquiries/{eid}/reply").json()
    assert data["language"] == "uk" and data["outcome"] == "found"
    assert data["letter"]["paragraphs"][-1].startswith("SHEVCHENKO, Andrii Petrovych перебуває під вартою")


def test_rok_enquiry_in_hangul_about_paek_is_answered_with_whereabouts_and_never_his_wish(world, browser_for,
                                                                                         tmp_path, monkeypatch):
    """The Republic of Korea asks, through its National Red Cross, about 백광혁, a soldier of the DPRK we hold.

    ROK is not the Power on which he depends (the DPRK is), so it has no claim to the Art. 122(4) particulars
    that go to that Power through the Protecting Power and the Central Tracing Agency (Art. 122(3), 123); nor is it
    his family. Its enquiry arrives as a National Society's tracing request, the channel through which the Movement
    forwards the questions of relatives, and ``audience_of("national_society")`` is ``family``: it is told his fate
    and whereabouts (held by us, in which camp), the identity needed to recognise him and his capture card's health
    box (Art. 122(7): every enquiry is answered), subject to his own choice about informing his family, and never
    his wish about repatriation — a wish to go south, told to anyone, could reach the DPRK and endanger him and his
    relatives (never-rule b; Art. 123 lets the Agency pass on only what the Convention's lists carry)."""
    assert audience_of("national_society") == "family"
    monkeypatch.setenv("POWBUREAU_KEY_DIR", str(tmp_path / "keys"))
    uow = world.bureau.uow
    from powbureau.services import registry

    registry.change_status(uow, Actor("operator", "admin"), world.paek, "interned", place="Camp No. 3")
    delegate = Actor("icrc_delegate", "icrc_delegate")
    iv = custody.record_interview(uow, delegate, world.paek, purpose="icrc_private", language="ko",
                                  interpreter="Lee Soo-jin", where="Camp No. 3")
    custody.record_wish(uow, delegate, world.paek, "remain", iv["id"])
    assert custody.wishes_of(uow, Actor("operator", "admin"), world.paek)["latest"]["kind"] == "remain"

    c = browser_for("registrar")
    r = _post(c, "/enquiries/new", "/enquiries/new", {
        "enquirer_name": "대한적십자사", "enquirer_relationship": "대한민국 적십자사 (National Society)",
        "enquirer_language": "ko", "channel": "national_society", "names": "백광혁", "birth_date": "1999",
        "side": "enemy"})
    assert r.status_code == 303, r.text
    eid = r.headers["location"].rsplit("/", 1)[1]
    page = c.get(f"/enquiries/{eid}").text
    assert "백광혁" in page and f"/persons/{world.paek}" in page
    _post(c, f"/enquiries/{eid}/judge", f"/enquiries/{eid}", {"target": f"person:{world.paek}",
                                                             "judgement": "confirmed", "reason": "Hangul name, year"})
    page = c.get(f"/enquiries/{eid}").text
    assert "수용되어" in page and "Camp No. 3" in page
    _post(c, f"/enquiries/{eid}/answer", f"/enquiries/{eid}", {})
    r = c.get(f"/enquiries/{eid}/reply.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content, tmp_path)
    assert "문의에 대한 회신" in text and "수용되어" in text and "Camp No. 3" in text and "백광혁" in text
    assert "억류국" in text
    data = c.get(f"/api/enquiries/{eid}/reply").text
    for sent in (text.lower(), data.lower()):
        assert not [w for w in WISH_WORDS if w in sent], sent


def test_roles_on_the_enquiry_pages(world, browser_for):
    r = browser_for("registrar")
    e = enq_service.register_enquiry(world.bureau.uow, REGISTRAR, {"channel": "letter", "names": ["Иванов Пётр"]})
    neg = browser_for("negotiator")
    assert neg.get("/enquiries").status_code == 403
    assert neg.get(f"/enquiries/{e['id']}").status_code == 403
    assert "/enquiries" not in neg.get("/").text.split("<main")[0]  # no nav entry for a role that may not read
    aud = browser_for("auditor")
    page = aud.get(f"/enquiries/{e['id']}").text
    assert "Иванов Пётр" in page and 'action="/enquiries/' + e["id"] + '/answer"' not in page
    assert "Confirm: this is the person sought" not in page
    assert aud.get("/enquiries/new").status_code == 403
    assert 'href="/enquiries"' in r.get("/").text.split("<main")[0]
    bad = _post(r, "/enquiries/new", "/enquiries/new", {"channel": "pigeon", "names": "X"})
    assert bad.status_code == 422 and "channel" in bad.text


def test_two_enquiries_about_one_man_form_one_tracing_case(world, browser_for):
    uow = world.bureau.uow
    c = browser_for("registrar")
    ids = []
    for who, lang in (("대한적십자사", "ko"), ("Пак Ён Хи (sister)", "ru")):
        e = enq_service.register_enquiry(uow, REGISTRAR, {"channel": "national_society", "names": ["백광혁"],
                                                          "enquirer_name": who, "enquirer_language": lang})
        enq_service.judge_candidate(uow, REGISTRAR, e["id"], f"person:{world.paek}", "confirmed", "Hangul name")
        ids.append(e["id"])
    page = c.get(f"/enquiries/{ids[1]}").text
    assert "1 other enquiries are about the same person" in page and "대한적십자사" in page
    case = c.get(f"/enquiries/cases/{ids[0]}").text
    assert "대한적십자사" in case and "Пак Ён Хи (sister)" in case
    r = _post(c, f"/enquiries/{ids[0]}/answer", f"/enquiries/{ids[0]}", {})
    assert r.status_code == 303
    page = c.get(f"/enquiries/{ids[0]}").text
    assert "the same person is sought by Пак Ён Хи (sister)" in page  # the reviewer hears of the other enquiry
    # a revised judgement takes the second enquiry out of the case again
    enq_service.judge_candidate(uow, REGISTRAR, ids[1], f"person:{world.paek}", "rejected", "sister: not him")
    assert "Пак Ён Хи" not in c.get(f"/enquiries/cases/{ids[0]}").text


@pytest.mark.parametrize("path", ["/enquiries", "/enquiries/new"])
def test_enquiry_pages_speak_ukrainian_by_default(world, browser_for, path):
    c = browser_for("registrar")
    page = c.get(path, headers={"accept-language": "uk"}).text
    assert "Запити" in page


def test_a_hotline_file_is_imported_on_the_web_all_or_nothing(world, browser_for):
    c = browser_for("registrar")
    head = "reference,channel,enquirer_name,enquirer_relationship,enquirer_language,consent,name_full,birth_date\n"
    bad = head + "H-1,hotline,Олена,мати,uk,так,Шевченко Андрій,1998-04\nH-2,pigeon,Ірина,дружина,uk,ні,Коваленко Ігор,1975\n"
    token = csrf_of(c.get("/enquiries/new").text)
    r = c.post("/enquiries/import", data={"csrf_token": token},
               files={"file": ("hotline.csv", bad.encode(), "text/csv")})
    assert r.status_code == 303 and r.headers["location"] == "/enquiries/new#bulk"
    assert "row 3, column channel" in c.get("/enquiries/new").text
    assert "No enquiry in this state." in c.get("/enquiries").text
    good = bad.replace("pigeon", "letter")
    r = c.post("/enquiries/import", data={"csrf_token": token},
               files={"file": ("hotline.csv", good.encode(), "text/csv")})
    assert r.status_code == 303 and r.headers["location"] == "/enquiries"
    listing = c.get("/enquiries").text
    assert "enquiries imported: 2" in listing and "Коваленко Ігор" in listing and "Шевченко Андрій" in listing
    neg = browser_for("negotiator")
    r = neg.post("/enquiries/import", data={"csrf_token": csrf_of(neg.get("/").text)},
                 files={"file": ("hotline.csv", good.encode(), "text/csv")})
    assert r.status_code == 403


def test_the_api_answer_names_the_other_enquiries_of_the_case(world, client):
    uow = world.bureau.uow
    ids = []
    for who in ("대한적십자사", "Пак Ён Хи"):
        e = enq_service.register_enquiry(uow, REGISTRAR, {"channel": "national_society", "names": ["백광혁"],
                                                          "enquirer_name": who})
        enq_service.judge_candidate(uow, REGISTRAR, e["id"], f"person:{world.paek}", "confirmed", "Hangul name")
        ids.append(e["id"])
    r = client.post(f"/api/enquiries/{ids[1]}/answer", auth=("registrar", PASSWORD))
    assert r.status_code == 201 and [x["id"] for x in r.json()["same_person"]] == [ids[0]]
    case = client.get(f"/api/enquiries/{ids[1]}/case", auth=("auditor", PASSWORD)).json()
    assert case["case_id"] == ids[0] and [x["id"] for x in case["enquiries"]] == ids
    assert client.get(f"/api/enquiries/{ids[0]}/reply", auth=("registrar", PASSWORD)).status_code == 409


def test_the_list_page_shows_a_page_of_the_state_and_the_true_total(world, browser_for):
    uow = world.bureau.uow
    c = browser_for("registrar")
    made = [enq_service.register_enquiry(uow, REGISTRAR, {"channel": "hotline", "names": [f"Шукаємо {i:03d}"],
                                                          "enquirer_language": "uk"}) for i in range(103)]
    enq_service.answer_enquiry(uow, REGISTRAR, made[0]["id"])
    page = c.get("/enquiries?state=open").text
    assert "of 102" in page and page.count("Шукаємо ") == 100
    assert "Шукаємо 000" not in page and "Шукаємо 102" in page  # newest first; the answered one left out
    second = c.get("/enquiries?state=open&offset=100").text
    assert "Шукаємо 001" in second and second.count("Шукаємо ") == 2
    answered = c.get("/enquiries?state=answered").text
    assert "Шукаємо 000" in answered and answered.count("Шукаємо ") == 1
