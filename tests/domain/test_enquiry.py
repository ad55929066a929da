"""The enquiry rules in the domain: intake validation, the state machine, and what an answer may disclose to whom
(GC III Art. 17, 122, 123; never a wish; medical details only as the capture card's health box)."""

from __future__ import annotations

import pytest

from powbureau.domain.enquiry import PersonFacts, disclose, letter_text, new_enquiry, next_state
from powbureau.domain.errors import IllegalTransition, ValidationFailed

FACTS = PersonFacts(
    values={"name_full": "백광혁", "birth_date": "2001-03", "birth_place": "Hamhung", "father_given_name": "철수",
            "mother_maiden_name": "김영희", "service_number": "KP-1", "wish": "remain", "notes": "wants to stay",
            "diagnosis": "PTSD", "medical_note": "shrapnel", "next_of_kin": "Hamhung, street 1"},
    status="interned", held_by="the Detaining Power", place="Camp No. 1",
    health_box=frozenset({"slightly_wounded", "sick"}), declined=frozenset({"birth_place", "birth_date"}))


def test_family_gets_fate_whereabouts_health_box_and_never_a_wish_or_a_diagnosis():
    a = disclose("hotline", FACTS)
    sent = a.sent()
    assert sent["outcome"] == "found" and sent["place"] == "Camp No. 1" and sent["fate"] == "interned"
    assert sent["health"] == ["sick", "slightly_wounded"]
    text = repr(sent)
    for never in ("remain", "wants to stay", "PTSD", "shrapnel", "KP-1"):
        assert never not in text
    assert "Hamhung" not in text  # he declined his birth place (beyond Art. 17's four items)
    assert sent["identity"]["birth_date"] == "2001-03"  # one of Art. 17's four items: declining it does not hide it
    assert {"wish", "diagnosis", "birth_place"} <= set(a.withheld)


def test_the_power_gets_art_122_items_and_only_the_seriously_wounded_mark():
    a = disclose("serving_power", FACTS).sent()
    assert a["audience"] == "power"
    assert a["identity"]["service_number"] == "KP-1" and a["identity"]["mother_maiden_name"] == "김영희"
    assert a["health"] == []  # slightly wounded and sick are not Art. 122(6) items
    assert "remain" not in repr(a) and "PTSD" not in repr(a)
    serious = PersonFacts({"name_full": "X"}, "hospitalised", health_box=frozenset({"seriously_wounded"}))
    assert disclose("cta", serious).sent()["health"] == ["seriously_wounded"]


def test_his_choice_not_to_inform_his_family_is_kept():
    quiet = PersonFacts({"name_full": "X"}, "interned", place="Camp", inform_family=False)
    a = disclose("letter", quiet).sent()
    assert a["outcome"] == "withheld" and a["place"] == "" and a["identity"] == {}
    assert disclose("serving_power", quiet).sent()["place"] == "Camp"  # Art. 122 still binds the bureau


def test_outcomes_and_letters():
    assert disclose("hotline", None).outcome == "not_yet_found"
    dead = disclose("hotline", PersonFacts({"name_full": "Андрій"}, "deceased"))
    assert dead.outcome == "deceased" and "помер" in letter_text(dead, "uk")
    assert "held by" in letter_text(disclose("hotline", FACTS), "xx")  # unknown language: English


def test_states():
    assert next_state("open", "possible_hit") == "possible_hit"
    assert next_state("answered", "possible_hit") == "possible_hit"  # reopened by new information
    assert next_state("closed", "open") == "open"
    with pytest.raises(IllegalTransition, match="allowed from open"):
        next_state("open", "closed")


@pytest.mark.parametrize("values,field", [
    ({"channel": "pigeon", "names": ["A"]}, "channel"),
    ({"channel": "hotline", "names": []}, "names"),
    ({"channel": "hotline", "names": ["A"], "birth_date": "1999-13"}, "birth_date"),
    ({"channel": "hotline", "names": ["A"], "consent": "maybe"}, "consent"),
    ({"channel": "hotline", "names": ["A"], "side": "theirs"}, "side"),
    ({"channel": "hotline", "names": ["A"], "enquirer_language": "ukr"}, "enquirer_language"),
])
def test_intake_names_the_wrong_field(values, field):
    with pytest.raises(ValidationFailed, match=f"^{field}:"):
        new_enquiry(values)


def test_intake_keeps_names_and_partial_dates():
    e = new_enquiry({"channel": "cta", "names": "Шевченко Андрій; Shevchenko Andrii", "birth_date": "1998-04",
                     "consent": "так"})
    assert e.sought.names == ("Шевченко Андрій", "Shevchenko Andrii")
    assert e.sought.birth_date.iso() == "1998-04" and e.enquirer.consent
