"""Issue 11 "Done when", at the service level (SQLite and PostgreSQL): a Ukrainian mother's enquiry finds her son
on a counterpart list imported later without anyone asking; an enquiry in Hangul about 백광혁 is answered with his
whereabouts and never his wish; a hotline file is imported all or nothing with row/column errors; roles."""

from __future__ import annotations

import json

import pytest

from powbureau.domain.errors import DuplicateImport, IllegalTransition, PermissionDenied, ValidationFailed
from powbureau.domain.roles import Actor
from powbureau.services import enquiries as enq
from powbureau.services.demo import seed_demo
from powbureau.services.imports import ImportOptions, import_list

OPERATOR = Actor("operator", "admin")
WISH_WORDS = ("wish", "remain", "return", "third_country", "third country", "undecided", "stay", "잔류", "송환",
              "귀환", "희망", "verified")

MOTHER = {"channel": "hotline", "enquirer_name": "Шевченко Олена", "enquirer_relationship": "мати",
          "enquirer_contact": "+380 44 000 00 00", "enquirer_language": "uk", "consent": "так",
          "names": ["Шевченко Андрій Петрович"], "birth_date": "1998-04", "side": "own",
          "last_seen_place": "Бахмут", "last_seen_date": "2023-05"}


def test_a_mothers_enquiry_finds_her_son_on_a_counterpart_list_imported_later(bureau, tmp_path):
    uow = bureau.uow
    first = enq.register_enquiry(uow, OPERATOR, MOTHER)
    other = enq.register_enquiry(uow, OPERATOR, {**MOTHER, "names": ["Коваленко Ігор"], "birth_date": "1975"})
    assert first["state"] == "open" and first["candidates"] == []

    f = tmp_path / "counterpart.csv"
    f.write_text("external_id,name_full,birth_date,unit\nRU-17,\"SHEVCHENKO, Andrii Petrovych\",1998-04-12,"
                 "93 brigade\nRU-18,\"BONDARENKO, Taras\",1990-01-02,\n", encoding="utf-8")
    out = import_list(uow, OPERATOR, ImportOptions(path=f, kind="counterpart_list", label="their list, week 2"))
    assert out["enquiries_rematched"] >= 1

    view = enq.show_enquiry(uow, OPERATOR, first["id"])  # nobody asked for a match
    assert view["state"] == "possible_hit"
    top = view["candidates"][0]
    assert top["target"] == f"row:{out['list_id']}#2" and top["proposed"]
    fields = {e["field"]: e["level"] for e in top["explanation"]}
    assert fields["name"] == "agree" and fields["birth_date"] == "agree"
    assert "list import" in view["history"][-1]["note"]
    assert enq.show_enquiry(uow, OPERATOR, other["id"])["state"] == "open"

    # the reviewer confirms; the answer tells the mother, in Ukrainian, that the other side holds him
    enq.judge_candidate(uow, OPERATOR, first["id"], top["target"], "confirmed", "name, month of birth, unit")
    ans = enq.answer_enquiry(uow, OPERATOR, first["id"])
    assert ans["outcome"] == "found" and "their list, week 2" in ans["answer"]["held_by"]
    assert "перебуває під вартою" in ans["letter"]
    with pytest.raises(IllegalTransition):
        enq.answer_enquiry(uow, OPERATOR, first["id"])


def test_rejecting_the_only_hit_sends_the_enquiry_back_to_open(bureau, tmp_path):
    uow = bureau.uow
    f = tmp_path / "c.csv"
    f.write_text("external_id,name_full,birth_date\nX1,Шевченко Андрій,1998-04-01\n", encoding="utf-8")
    import_list(uow, OPERATOR, ImportOptions(path=f, kind="counterpart_list"))
    e = enq.register_enquiry(uow, OPERATOR, MOTHER)
    assert e["state"] == "possible_hit"
    target = e["candidates"][0]["target"]
    after = enq.judge_candidate(uow, OPERATOR, e["id"], target, "rejected", "mother: he has a scar; this man not")
    assert after["state"] == "open" and after["candidates"][0]["judgement"] == "rejected"
    # judgements are revisable: the latest counts
    again = enq.judge_candidate(uow, OPERATOR, e["id"], target, "confirmed", "photo recognised after all")
    assert again["state"] == "possible_hit" and again["candidates"][0]["judgement"] == "confirmed"


@pytest.mark.parametrize("who,wish", [("paek", "return"), ("ri", "remain")])
def test_an_enquiry_in_hangul_is_answered_with_whereabouts_and_never_the_wish(bureau, tmp_path, monkeypatch, who,
                                                                                wish):
    monkeypatch.setenv("POWBUREAU_KEY_DIR", str(tmp_path / "keys"))
    uow = bureau.uow
    demo = seed_demo(uow, OPERATOR)
    pid = demo["motivating_case"][who]
    from powbureau.services import custody

    assert custody.wishes_of(uow, OPERATOR, pid)["latest"]["kind"] == wish  # the wish is on record
    name = {"paek": "백광혁", "ri": None}[who]
    if name is None:
        from powbureau.services.registry import show

        name = show(uow, OPERATOR, pid).resolved["name_full"]
    e = enq.register_enquiry(uow, OPERATOR, {
        "channel": "national_society", "enquirer_name": "대한적십자사 (Republic of Korea)",
        "enquirer_relationship": "National Society of the Republic of Korea", "enquirer_language": "ko",
        "names": [name], "side": "enemy"})
    target = f"person:{pid}"
    assert target in [c["target"] for c in e["candidates"]]
    enq.judge_candidate(uow, OPERATOR, e["id"], target, "confirmed", "name in Hangul and birth year")
    ans = enq.answer_enquiry(uow, OPERATOR, e["id"])
    assert ans["outcome"] == "found"
    assert ans["answer"]["place"] == "Camp No. 1 (demo)" and ans["answer"]["held_by"]
    assert ans["answer"]["identity"]["name_full"] == name
    assert "수용되어" in ans["letter"]
    stored = enq.show_enquiry(uow, OPERATOR, e["id"])["answers"][-1]
    sent = (json.dumps(ans, ensure_ascii=False) + json.dumps(stored, ensure_ascii=False)).lower()
    assert not [w for w in WISH_WORDS if w in sent], sent


def test_hotline_file_is_all_or_nothing_with_row_and_column(bureau, tmp_path):
    uow = bureau.uow
    bad = tmp_path / "hotline.csv"
    bad.write_text("reference,channel,enquirer_name,enquirer_relationship,enquirer_language,consent,name_full,"
                   "birth_date\nH-1,hotline,Олена,мати,uk,так,Шевченко Андрій,1998-04\n"
                   "H-2,pigeon,Ірина,дружина,uk,ні,Коваленко Ігор,1975\n"
                   "H-3,hotline,Марія,мати,uk,maybe,Бондар Олег,1999-13\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        enq.import_enquiries(uow, OPERATOR, bad)
    msg = str(exc.value)
    assert "row 3, column channel" in msg and "row 4, column birth_date" in msg
    assert enq.list_enquiries(uow, OPERATOR) == []
    good = tmp_path / "hotline-ok.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("pigeon", "letter").replace("maybe", "ні")
                    .replace("1999-13", "1999-12"), encoding="utf-8")
    out = enq.import_enquiries(uow, OPERATOR, good)
    assert out["imported"] == 3
    rows = enq.list_enquiries(uow, OPERATOR)
    assert {r["reference"] for r in rows} == {"H-1", "H-2", "H-3"} and {r["state"] for r in rows} == {"open"}
    with pytest.raises(DuplicateImport):
        enq.import_enquiries(uow, OPERATOR, good)


def test_roles(bureau):
    uow = bureau.uow
    e = enq.register_enquiry(uow, OPERATOR, MOTHER)
    for role in ("negotiator", "interviewer", "medical"):
        with pytest.raises(PermissionDenied):
            enq.register_enquiry(uow, Actor("x", role), MOTHER)
        with pytest.raises(PermissionDenied):
            enq.show_enquiry(uow, Actor("x", role), e["id"])
    for role in ("auditor", "icrc_delegate"):
        assert enq.show_enquiry(uow, Actor("x", role), e["id"])["id"] == e["id"]
        with pytest.raises(PermissionDenied):
            enq.answer_enquiry(uow, Actor("x", role), e["id"])
    assert enq.answer_enquiry(uow, Actor("r", "registrar"), e["id"])["outcome"] == "not_yet_found"


def test_audit_chain_covers_enquiries(bureau):
    uow = bureau.uow
    e = enq.register_enquiry(uow, OPERATOR, MOTHER)
    enq.answer_enquiry(uow, OPERATOR, e["id"])
    from powbureau.services.registry import verify_audit

    assert verify_audit(uow, OPERATOR)


def test_the_list_is_paged_and_filtered_by_the_latest_state_in_the_database(bureau):
    uow = bureau.uow
    made = [enq.register_enquiry(uow, OPERATOR, {**MOTHER, "reference": f"R-{i}", "names": [f"Особа {i}"]})
            for i in range(5)]
    enq.answer_enquiry(uow, OPERATOR, made[1]["id"])  # open -> answered: its latest event decides
    enq.answer_enquiry(uow, OPERATOR, made[3]["id"])
    first = enq.list_enquiries(uow, OPERATOR, limit=2)
    assert first.total == 5 and len(first) == 2 and first.next_offset == 2
    whole = [r["id"] for r in enq.list_enquiries(uow, OPERATOR)]
    rest = enq.list_enquiries(uow, OPERATOR, limit=2, offset=2) + enq.list_enquiries(uow, OPERATOR, limit=2,
                                                                                         offset=4)
    assert [r["id"] for r in first + rest] == whole and len(set(whole)) == 5
    answered = enq.list_enquiries(uow, OPERATOR, state="answered", limit=1)
    assert answered.total == 2 and answered[0]["state"] == "answered" and answered[0]["outcome"] == "not_yet_found"
    opened = enq.list_enquiries(uow, OPERATOR, state="open", limit=10, offset=1)
    assert opened.total == 3 and len(opened) == 2 and {r["state"] for r in opened} == {"open"}
    assert {r["reference"] for r in enq.list_enquiries(uow, OPERATOR, state="open")} == {"R-0", "R-2", "R-4"}
    with pytest.raises(ValidationFailed):
        enq.list_enquiries(uow, OPERATOR, limit=10**9)
