"""Issue 10 at the service level (SQLite and PostgreSQL): documents, judgements and their reversal, third-party
holders found by search in both scripts, what each role sees, prisoner numbers, and the demo's 백광혁."""

from __future__ import annotations

import pytest

from powbureau.domain.errors import NotFound, PermissionDenied, ValidationFailed
from powbureau.domain.roles import ROLES, Actor
from powbureau.services import cards, documents, registry
from powbureau.services.demo import seed_demo
from powbureau.store import documents_repo as drepo
from tests.web.conftest import add_person

OPERATOR = Actor("operator", "admin")
REGISTRAR = Actor("registrar", "registrar")
CLAIMS = [("name_full", "Монгуш Айдыс Сергеевич"), ("birth_date", "1999-07-14"),
          ("birth_place", "Кызыл, Республика Тыва"), ("service_number", "АК-4417290")]


@pytest.fixture
def paek(bureau):
    pid = add_person(bureau, "detainee", [
        ("name_full", "백광혁", "self_declared", "interview:1"), ("birth_date", "2001-03", "self_declared", "i:1"),
        ("serving_power", "KP", "self_declared", "interview:1")])
    registry.change_status(bureau.uow, OPERATOR, pid, "registered", place="Camp 1")
    return pid


def add(bureau, pid, actor=REGISTRAR):
    return documents.add_document(bureau.uow, actor, pid, doc_type="military_id", issuing_state="RU",
                                  number="АК 4417290", claims=CLAIMS, found_place="Camp 1", custody="with_prisoner")


def show(bureau, pid, actor=OPERATOR):
    return registry.show(bureau.uow, actor, pid)


def test_unjudged_document_is_a_conflict_under_his_own_name(bureau, paek):
    d = add(bureau, paek)
    v = show(bureau, paek)
    assert v.extra["headline"] == {"name": "백광혁", "disputed": True}
    assert v.resolved["birth_date"] == "2001-03"
    assert any(c.startswith("name_full:") for c in v.conflicts)
    assert v.extra["documents"][0]["judgement"] is None and v.extra["carried"] == []
    assert d["issuing_state_name"] == "Russian Federation"


def test_other_person_creates_a_linked_third_party_found_in_both_scripts(bureau, paek):
    d = add(bureau, paek)
    j = documents.judge_document(bureau.uow, REGISTRAR, d["id"], "other_person", "photo and language do not fit")
    holder = j["holder_id"]
    v = show(bureau, paek)
    assert v.extra["headline"] == {"name": "백광혁", "disputed": False}
    assert v.extra["carried"] == [
        "carried the Russian military ID of Монгуш Айдыс Сергеевич (judged: issued to another person)"]
    assert "АК-4417290" not in v.resolved.values() and not v.conflicts
    h = show(bureau, holder)
    assert h.kind == "third_party" and h.resolved["name_full"] == "Монгуш Айдыс Сергеевич"
    assert h.resolved["birth_date"] == "1999-07-14"
    assert h.extra["issued_to_him"][0]["bearer_id"] == paek
    for q in ("Mongush", "Монгуш", "Mongush Aidys"):
        hits = registry.search(bureau.uow, OPERATOR, q)
        assert hits and hits[0].person_id == holder, q
        assert paek not in [x.person_id for x in hits], q  # the bearer is not found under the other man's name
    # judging other_person again links the same holder, no second person
    again = documents.judge_document(bureau.uow, REGISTRAR, d["id"], "other_person", "confirmed by the ICRC")
    assert again["holder_id"] == holder
    assert len(registry.search(bureau.uow, OPERATOR, "Монгуш Айдыс")) == 1


def test_search_over_many_carriers_drops_only_those_found_through_another_mans_document(bureau, paek):
    """Four men carry a copy of the same ID: Ri's is judged another man's, Kim's forged, Pak's and Paek's are not
    judged. The one search reads all four carriers at once and drops exactly Ri and Kim (and finds the holder)."""
    others = {name: add_person(bureau, "detainee", [("name_full", name, "self_declared", "interview:2")])
              for name in ("리성철", "김철수", "박영호")}
    docs = {pid: add(bureau, pid) for pid in (paek, *others.values())}
    ri, kim, pak = others["리성철"], others["김철수"], others["박영호"]
    holder = documents.judge_document(bureau.uow, REGISTRAR, docs[ri]["id"], "other_person", "photo")["holder_id"]
    documents.judge_document(bureau.uow, REGISTRAR, docs[kim]["id"], "forged", "wrong font")
    found = {h.person_id for h in registry.search(bureau.uow, OPERATOR, "Mongush Aidys", limit=100)}
    assert {paek, pak, holder} <= found and not found & {ri, kim}, found


def test_reversal_to_bearer_puts_the_claims_back_and_forged_takes_them_away(bureau, paek):
    d = add(bureau, paek)
    documents.judge_document(bureau.uow, REGISTRAR, d["id"], "other_person", "photo does not fit")
    documents.judge_document(bureau.uow, REGISTRAR, d["id"], "bearer", "he admitted the ID is his")
    v = show(bureau, paek)
    assert v.resolved["name_full"] == "Монгуш Айдыс Сергеевич"  # settled: the document's reading leads
    assert v.extra["carried"] == [] and v.extra["documents"][0]["judgement"] == "bearer"
    assert [x["judgement"] for x in v.extra["documents"][0]["judgements"]] == ["other_person", "bearer"]
    documents.judge_document(bureau.uow, REGISTRAR, d["id"], "forged", "printed on plain paper")
    v = show(bureau, paek)
    assert v.resolved["name_full"] == "백광혁" and v.resolved["birth_date"] == "2001-03"
    assert "forged" in v.extra["carried"][0]
    documents.judge_document(bureau.uow, REGISTRAR, d["id"], "unknown", "the expert withdrew his report")
    v = show(bureau, paek)
    assert v.extra["headline"] == {"name": "백광혁", "disputed": True} and v.extra["carried"] == []


def test_what_each_role_sees_and_may_do(bureau, paek):
    d = add(bureau, paek)
    documents.judge_document(bureau.uow, REGISTRAR, d["id"], "other_person", "photo does not fit")
    for role in ROLES:
        actor = Actor(f"t.{role}", role)
        v = show(bureau, paek, actor)  # every role reads the person and his documents, headlined by his own name
        assert v.extra["headline"]["name"] == "백광혁" and v.extra["carried"], role
        may_write = role in ("admin", "registrar")
        if not may_write:
            with pytest.raises(PermissionDenied):
                add(bureau, paek, actor)
            with pytest.raises(PermissionDenied):
                documents.judge_document(bureau.uow, actor, d["id"], "bearer", "x")
    with pytest.raises(PermissionDenied):
        documents.get_scan(bureau.uow, Actor("n", "negotiator"), d["id"])


def test_refusals_say_what_is_wrong(bureau, paek):
    with pytest.raises(ValidationFailed, match="ISO 3166"):
        documents.add_document(bureau.uow, REGISTRAR, paek, doc_type="passport", issuing_state="Russia",
                               number="1", claims=CLAIMS)
    with pytest.raises(ValidationFailed, match="issued_on"):
        documents.add_document(bureau.uow, REGISTRAR, paek, doc_type="passport", issuing_state="RU",
                               number="1", claims=CLAIMS, issued_on="2019-13")
    with pytest.raises(NotFound):
        documents.judge_document(bureau.uow, REGISTRAR, "nope", "bearer", "x")
    with pytest.raises(ValidationFailed, match="reason"):
        documents.judge_document(bureau.uow, REGISTRAR, add(bureau, paek)["id"], "bearer", " ")
    with pytest.raises(ValidationFailed, match="not accepted"):
        documents.add_document(bureau.uow, REGISTRAR, paek, doc_type="passport", issuing_state="RU",
                               number="1", claims=CLAIMS, scan=b"MZ\x90 not an image")


def test_scan_is_stored_once_by_its_hash_and_read_back_audited(bureau, paek):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    a = documents.add_document(bureau.uow, REGISTRAR, paek, doc_type="passport", issuing_state="RU", number="1",
                               claims=CLAIMS, scan=png, scan_name="id.png")
    b = documents.add_document(bureau.uow, REGISTRAR, paek, doc_type="passport", issuing_state="RU", number="2",
                               claims=CLAIMS, scan=png)
    assert a["scan_sha256"] == b["scan_sha256"] == __import__("hashlib").sha256(png).hexdigest()
    media, data, _ = documents.get_scan(bureau.uow, Actor("a", "auditor"), a["id"])
    assert media == "image/png" and data == png


def test_prisoner_numbers_are_given_at_registration_never_reused_and_searchable(bureau, monkeypatch):
    monkeypatch.setenv("POWBUREAU_PRISONER_PREFIX", "UA")
    ids = [add_person(bureau, "detainee", [("name_full", n, "self_declared", "i")]) for n in ("김철", "리성")]
    for pid in ids:
        registry.change_status(bureau.uow, OPERATOR, pid, "registered", place="Camp 1")
    nums = [show(bureau, pid).extra["prisoner_number"] for pid in ids]
    assert nums[0].startswith("UA-") and nums[0].endswith("-000001") and nums[1].endswith("-000002")
    # a second registration (after status in doubt) keeps his number
    registry.change_status(bureau.uow, OPERATOR, ids[0], "status_in_doubt", place="Camp 1")
    registry.change_status(bureau.uow, OPERATOR, ids[0], "registered", place="Camp 1")
    assert show(bureau, ids[0]).extra["prisoner_number"] == nums[0]
    hits = registry.search(bureau.uow, OPERATOR, nums[1].lower())
    assert [h.person_id for h in hits] == [ids[1]] and hits[0].prisoner_number == nums[1]
    with bureau.uow.transaction() as conn:
        assert drepo.next_sequence(conn, "UA") == 3  # the counter only goes up


def test_demo_paek_done_when(bureau, tmp_path, monkeypatch):
    monkeypatch.setenv("POWBUREAU_KEY_DIR", str(tmp_path / "keys"))
    demo = seed_demo(bureau.uow, OPERATOR)
    paek, mongush = demo["motivating_case"]["paek"], demo["motivating_case"]["mongush"]
    v = show(bureau, paek)
    assert v.extra["headline"]["name"] == "백광혁"
    assert ("carried the Russian military ID of Монгуш Айдыс Сергеевич (judged: issued to another person)"
            in v.extra["carried"])
    assert v.extra["countries"]["nationality"] == ["Democratic People's Republic of Korea", "Republic of Korea"]
    for q in ("Mongush", "Монгуш"):
        assert mongush in [h.person_id for h in registry.search(bureau.uow, OPERATOR, q)]
    card = cards.capture_cards(bureau.uow, OPERATOR, [paek])[0]
    assert (card.surname.original, card.given_names.original) == ("백", "광혁")
    assert card.birth_date == "2001-03" and card.prisoner_number == v.extra["prisoner_number"]
    assert card.serving_power == "Democratic People's Republic of Korea" and card.service_number == ""
