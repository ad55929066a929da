"""Life cycle transitions, the role matrix and the resolved view with conflicts."""

from datetime import UTC, datetime, timedelta

import pytest

from powbureau.domain.errors import IllegalTransition, PermissionDenied, ValidationFailed
from powbureau.domain.lifecycle import check_transition
from powbureau.domain.resolve import resolve
from powbureau.domain.roles import ROLES, Actor, may_see_property, require
from powbureau.domain.statement import Retraction, Statement

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def st(prop, value, kind="self_declared", ref="int:1", at=T0, pid="P1"):
    return Statement(pid, prop, value, kind, ref, "reg1", at)


def test_legal_transitions_follow_gc3_life_cycle():
    assert "Art. 46-48" in check_transition("detainee", "interned", "transferring")
    assert "Art. 120" in check_transition("detainee", "hospitalised", "deceased")
    assert "Art. 5" in check_transition("detainee", "captured", "status_in_doubt")


@pytest.mark.parametrize("src,dst", [("captured", "repatriated"), ("deceased", "interned"),
                                     ("repatriated", "interned"), ("transferring", "repatriated")])
def test_illegal_transitions_are_refused_with_the_allowed_ones(src, dst):
    with pytest.raises(IllegalTransition) as e:
        check_transition("detainee", src, dst)
    assert src in e.value.message and dst in e.value.message and "allowed" in e.value.message


def test_unknown_status_is_a_validation_error():
    with pytest.raises(ValidationFailed, match="unknown status"):
        check_transition("detainee", "interned", "on_holiday")


def test_own_personnel_have_their_own_cycle():
    check_transition("own_personnel", "missing", "held_by_adverse_power")
    with pytest.raises(IllegalTransition):
        check_transition("own_personnel", "returned", "missing")


def test_medical_read_only_for_medical_role():
    for role in ROLES:
        assert may_see_property(Actor("u", role), "diagnosis") == (role == "medical")
        assert may_see_property(Actor("u", role), "surname")


def test_require_names_actor_and_action():
    with pytest.raises(PermissionDenied, match=r"bob \(auditor\) may not list.import"):
        require(Actor("bob", "auditor"), "list.import")
    with pytest.raises(PermissionDenied, match="anonymous"):
        require(None, "person.read")
    assert require(Actor("a", "icrc_delegate"), "wish.verify").role == "icrc_delegate"
    with pytest.raises(PermissionDenied):
        require(Actor("n", "negotiator"), "wish.verify")


def test_unjudged_document_name_never_headlines_and_conflict_is_flagged():
    # issue 10: a document's name may be another man's; until judged the bearer's, his own statement leads
    ss = [st("name_full", "백광혁"), st("name_full", "Монгуш Айдыс", "document", "doc:RU-ID", T0 + timedelta(1))]
    v = resolve(ss)
    assert v.value("name_full") == "백광혁"
    assert resolve(ss, settled_ids=[ss[1].id]).value("name_full") == "Монгуш Айдыс"
    assert len(v.conflicts) == 1 and v.conflicts[0].kind == "identity"
    assert "document" in v.conflicts[0].describe() and "self_declared" in v.conflicts[0].describe()
    # both statements are kept in the view, none overwritten
    assert len(v.properties["name_full"].all) == 2


def test_injected_comparator_silences_cross_script_agreement():
    ss = [st("name_full", "김정은"), st("name_full", "Kim Jong Un", "document", "doc:1")]
    assert resolve(ss).conflicts
    assert not resolve(ss, same_value=lambda p, a, b: True).conflicts


def test_retraction_removes_statement_from_view_and_conflict():
    a, b = st("birth_date", "2001"), st("birth_date", "1999-07-14", "document", "doc:1")
    assert resolve([a, b]).conflicts
    v = resolve([a, b], [b.id])
    assert v.value("birth_date") == "2001" and not v.conflicts
    with pytest.raises(ValidationFailed):
        Retraction(b.id, "  ", "reg1", T0)


def test_most_recent_wins_within_same_source_kind():
    v = resolve([st("rank", "private"), st("rank", "corporal", at=T0 + timedelta(days=3))])
    assert v.value("rank") == "corporal"


def test_medical_statements_hidden_and_counted_for_non_medical():
    ss = [st("surname", "Kim"), st("diagnosis", "shrapnel wound, left leg", "observation")]
    assert resolve(ss, actor=Actor("r", "registrar")).hidden == 1
    assert "diagnosis" not in resolve(ss, actor=Actor("r", "registrar")).properties
    assert resolve(ss, actor=Actor("m", "medical")).value("diagnosis")


def test_statement_validation_and_content_id():
    a, b = st("surname", "Kim"), st("surname", "Kim")
    assert a.id == b.id and len(a.id) == 32
    assert st("surname", "Kim", ref="int:2").id != a.id
    with pytest.raises(ValidationFailed, match="unknown property"):
        st("favourite_colour", "red")
    with pytest.raises(ValidationFailed, match="limit is 500"):
        st("notes", "x" * 501)
    with pytest.raises(ValidationFailed, match="source kind"):
        st("surname", "Kim", kind="rumour")
