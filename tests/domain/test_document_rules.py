"""Documents and their judgements in the pure domain: whose claims count, the headline rule, prisoner numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from powbureau.domain.countries import country_name, issued_by
from powbureau.domain.documents import (
    Document,
    DocumentJudgement,
    carried_line,
    current,
    document_ref,
    statement_status,
)
from powbureau.domain.errors import ValidationFailed
from powbureau.domain.prisoner_number import check_prefix, format_number, looks_like_number
from powbureau.domain.resolve import resolve
from powbureau.domain.statement import Statement

T0 = datetime(2026, 10, 1, tzinfo=UTC)
BEARER, HOLDER = "01BEARER", "01HOLDER"
DOC = Document("01DOC", BEARER, "military_id", "RU", "АК 4417290",
               (("name_full", "Монгуш Айдыс Сергеевич"), ("birth_date", "1999-07-14")), "reg", T0)


def j(kind: str, minutes: int = 0, holder: str | None = None) -> DocumentJudgement:
    return DocumentJudgement("01DOC", kind, "reg", T0 + timedelta(minutes=minutes), "photo does not fit", holder)


def st(prop, value, kind="self_declared", ref="interview:1", person=BEARER, at=T0):
    return Statement(person, prop, value, kind, ref, "reg", at)


OWN = [st("name_full", "백광혁"), st("birth_date", "2001-03")]
FROM_DOC = [st("name_full", "Монгуш Айдыс Сергеевич", "document", document_ref("01DOC"), at=T0 + timedelta(1)),
            st("birth_date", "1999-07-14", "document", document_ref("01DOC"), at=T0 + timedelta(1))]


def statuses(judgement, person=BEARER):
    return {statement_status(person, "document", document_ref("01DOC"), {"01DOC": (BEARER, judgement)}),
            statement_status(person, "self_declared", "interview:1", {"01DOC": (BEARER, judgement)})}


def test_each_judgement_decides_whose_claims_count():
    assert statuses(None) == {"unsettled", "plain"}
    assert statuses(j("unknown")) == {"unsettled", "plain"}
    assert statuses(j("bearer")) == {"settled", "plain"}
    assert statuses(j("forged")) == {"excluded", "plain"}
    assert statuses(j("other_person", holder=HOLDER)) == {"excluded", "plain"}
    # for the holder the same statements are settled: the document describes him
    assert statuses(j("other_person", holder=HOLDER), person=HOLDER) == {"settled", "plain"}
    # a legacy reference (no document record) stays unsettled
    assert statement_status(BEARER, "document", "document:RU military ID", {}) == "unsettled"


def test_the_latest_judgement_counts_and_reverses_the_earlier():
    history = [j("other_person", 0, HOLDER), j("bearer", 5)]
    assert current(history).judgement == "bearer"
    assert statuses(current(history)) == {"settled", "plain"}
    # the former holder is no longer described by it
    assert statuses(current(history), person=HOLDER) == {"excluded", "plain"}
    assert current([*history, j("other_person", 9, HOLDER)]).holder_id == HOLDER
    assert current([]) is None


def test_judgement_needs_a_known_kind_and_a_reason():
    with pytest.raises(ValidationFailed, match="unknown judgement"):
        j("mine")
    with pytest.raises(ValidationFailed, match="needs --reason"):
        DocumentJudgement("01DOC", "forged", "reg", T0, "  ")


def test_document_needs_known_type_custody_claims():
    with pytest.raises(ValidationFailed, match="unknown document type"):
        Document("d", BEARER, "ration_card", "RU", "1", (("name_full", "X"),), "reg", T0)
    with pytest.raises(ValidationFailed, match="Art. 18"):
        Document("d", BEARER, "passport", "RU", "1", (("name_full", "X"),), "reg", T0, custody="confiscated")
    with pytest.raises(ValidationFailed, match="cannot claim"):
        Document("d", BEARER, "passport", "RU", "1", (("wish", "return"),), "reg", T0)


def test_carried_line_names_the_issuer_the_holder_and_the_judgement():
    assert carried_line(DOC, j("other_person", holder=HOLDER)) == (
        "carried the Russian military ID of Монгуш Айдыс Сергеевич (judged: issued to another person)")
    assert "not yet judged" in carried_line(DOC, None)
    assert DOC.title() == "Russian military ID АК 4417290"


def test_headline_is_his_own_statement_while_an_unjudged_document_disagrees():
    v = resolve(OWN + FROM_DOC)
    assert v.value("name_full") == "백광혁" and v.value("birth_date") == "2001-03"
    assert v.disputed("name_full") and v.disputed("birth_date")  # the badge stays until someone decides
    # judged the bearer's: the document's reading counts first (e.g. the exact birth date)
    v = resolve(OWN + FROM_DOC, settled_ids=[s.id for s in FROM_DOC])
    assert v.value("name_full") == "Монгуш Айдыс Сергеевич" and v.value("birth_date") == "1999-07-14"
    # a non-identity property keeps the documented priority: document before self-declared
    rank = [st("rank", "private"), st("rank", "sergeant", "document", document_ref("01DOC"))]
    assert resolve(rank).value("rank") == "sergeant"


def test_two_nationalities_are_not_a_conflict():
    v = resolve([st("nationality", "KP"), st("nationality", "KR", "third_party", "ROK constitution")])
    assert not v.conflicts and len(v.properties["nationality"].all) == 2


def test_countries_by_name_and_prisoner_numbers():
    assert country_name("KP") == "Democratic People's Republic of Korea" and country_name("kr") == "Republic of Korea"
    assert country_name("ZZ") == "ZZ" and issued_by("RU") == "Russian"
    assert format_number("ua", 2026, 17) == "UA-2026-000017"
    assert looks_like_number(" ua-2026-000017 ") == "UA-2026-000017" and looks_like_number("백광혁") is None
    with pytest.raises(ValidationFailed, match="POWBUREAU_PRISONER_PREFIX"):
        check_prefix("U A")
    with pytest.raises(ValidationFailed):
        format_number("UA", 2026, 0)
