"""Repatriation wishes: recording, verification by a neutral delegate, and which wish counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from powbureau.domain.errors import IllegalTransition, ValidationFailed, VerificationRefused
from powbureau.domain.interview import Interview
from powbureau.domain.roles import Actor
from powbureau.domain.wish import (
    RepatriationWish,
    consent_refusal,
    explain_wish,
    is_verified_return,
    latest_wish,
    record_wish,
)

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)
DELEGATE = Actor("delegate.dupont", "icrc_delegate")
INTERVIEWER = Actor("sgt.bondar", "interviewer")


def iv(iid: str, purpose: str, *, person: str = "p1", at: datetime = T0, by: Actor = INTERVIEWER,
       interpreter: str | None = "Ms Han", supplied: str | None = "independent", language: str = "ko",
       present: tuple[str, ...] = ()) -> Interview:
    return Interview(iid, person, at, "Camp 3", purpose, language, interpreter, supplied if interpreter else None,
                     by, present)


WISH_IV = iv("w1", "wish", interpreter="Mr Kim", supplied="Military Intelligence")
PRIVATE = iv("x1", "icrc_private", at=T0 + timedelta(days=2), by=DELEGATE, present=("Ms Han",))


def wish(kind: str = "return", interview: Interview = WISH_IV, wid: str = "wish1", **kw: object) -> RepatriationWish:
    return record_wish(wid, interview.person_id, kind, interview, INTERVIEWER, interview.when + timedelta(hours=1),
                       **kw)  # type: ignore[arg-type]


def verified(w: RepatriationWish, interview: Interview = PRIVATE) -> RepatriationWish:
    return w.verify(interview, DELEGATE, interview.when)


def test_record_wish_points_to_its_interview_and_is_unverified() -> None:
    w = wish("third_country", destination="KR")
    assert (w.interview_id, w.taken_at, w.kind, w.destination) == ("w1", T0, "third_country", "KR")
    assert not w.verified


@pytest.mark.parametrize("purpose", ["registration", "medical"])
def test_a_wish_is_not_taken_at_registration_or_by_medical_staff(purpose: str) -> None:
    with pytest.raises(ValidationFailed, match="take a wish in a 'wish' or 'icrc_private' interview"):
        wish(interview=iv("r1", purpose))


def test_a_wish_taken_in_another_persons_interview_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="is with person p2"):
        record_wish("w", "p1", "return", iv("o", "wish", person="p2"), INTERVIEWER, T0)


def test_unknown_wish_and_misplaced_destination_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="unknown wish"):
        wish("defect")
    with pytest.raises(ValidationFailed, match="only given for a third_country"):
        wish("remain", destination="KR")


def test_a_wish_cannot_change_after_handover() -> None:
    with pytest.raises(IllegalTransition, match="already been handed over"):
        wish("remain", handed_over=True)


def test_delegate_verifies_in_private_with_an_independent_interpreter() -> None:
    v = verified(wish())
    assert v.verified and v.verification is not None
    assert v.verification.via_interpreter and v.verification.interview_id == "x1"
    assert is_verified_return([v])
    assert "verified by delegate.dupont" in explain_wish([v])


def test_delegate_who_speaks_the_persons_own_language_needs_no_interpreter() -> None:
    own = iv("x2", "icrc_private", at=T0 + timedelta(days=2), by=DELEGATE, interpreter=None)
    v = wish().verify(own, DELEGATE, own.when, person_languages=["ko"], delegate_languages=["ko", "fr"])
    assert v.verification is not None and not v.verification.via_interpreter
    with pytest.raises(VerificationRefused, match="own language and the delegate speaks it"):
        wish().verify(own, DELEGATE, own.when, person_languages=["ko"], delegate_languages=["fr"])
    with pytest.raises(VerificationRefused, match="own language"):
        wish().verify(own, DELEGATE, own.when, person_languages=["ru"], delegate_languages=["ko"])


@pytest.mark.parametrize(
    "interview, by, words",
    [
        (PRIVATE, Actor("sgt.bondar", "interviewer"), "only an icrc_delegate"),
        (PRIVATE, Actor("dr.lee", "medical"), "only an icrc_delegate"),
        (iv("y", "wish", by=DELEGATE), DELEGATE, "verified only in an 'icrc_private'"),
        (iv("y", "icrc_private", by=DELEGATE, at=T0 + timedelta(days=2), supplied="Military Intelligence"),
         DELEGATE, "interested party"),
        (iv("y", "icrc_private", by=DELEGATE, at=T0 + timedelta(days=2), present=("Ms Han", "Captain Petrenko")),
         DELEGATE, "had witnesses"),
        (iv("y", "icrc_private", by=DELEGATE, person="p2", at=T0 + timedelta(days=2)), DELEGATE, "not with p1"),
        (iv("y", "icrc_private", by=DELEGATE, at=T0 - timedelta(days=1)), DELEGATE, "earlier than wish"),
        (iv("y", "icrc_private", by=Actor("delegate.other", "icrc_delegate"), at=T0 + timedelta(days=2)),
         DELEGATE, "only the delegate who held the private interview"),
    ],
)
def test_verification_is_refused_unless_every_rule_holds(interview: Interview, by: Actor, words: str) -> None:
    w = wish()
    with pytest.raises(VerificationRefused, match=words):
        w.verify(interview, by, T0 + timedelta(days=3))
    assert not w.verified  # nothing changed


def test_latest_wish_is_the_one_expressed_last_not_the_one_typed_last() -> None:
    early = wish("remain", wid="a")
    later_iv = iv("w2", "wish", at=T0 + timedelta(days=1))
    later = record_wish("b", "p1", "return", later_iv, INTERVIEWER, T0 + timedelta(hours=2))  # typed before "a"
    assert latest_wish([later, early]) == later
    assert latest_wish([]) is None


def test_latest_wish_prefers_the_verified_copy_of_the_same_wish() -> None:
    w = wish()
    assert latest_wish([verified(w), w]).verified  # type: ignore[union-attr]
    assert latest_wish([w, verified(w)]).verified  # type: ignore[union-attr]


def test_a_wish_to_remain_on_a_linked_record_blocks_a_later_return_elsewhere() -> None:
    """Wishes of records accepted as the same person are judged together (issue 8, finding 2): the other
    record's own latest wish to remain blocks until it is superseded there too."""
    other = record_wish("z", "p2", "remain", iv("o", "wish", person="p2"), INTERVIEWER, T0)
    later = verified(record_wish("y", "p1", "return", iv("w9", "wish", at=T0 + timedelta(days=1)), INTERVIEWER,
                                 T0 + timedelta(days=1)))
    assert latest_wish([other, later]) is later
    assert not is_verified_return([other, later])
    assert "p2" in consent_refusal([other, later])
    assert is_verified_return([later])


def test_a_later_wish_voids_an_earlier_verification() -> None:
    v = verified(wish())
    changed = record_wish("c", "p1", "remain", iv("w3", "wish", at=T0 + timedelta(days=4)), INTERVIEWER,
                          T0 + timedelta(days=4))
    again = record_wish("d", "p1", "return", iv("w4", "wish", at=T0 + timedelta(days=5)), INTERVIEWER,
                        T0 + timedelta(days=5))
    assert is_verified_return([v])
    assert not is_verified_return([v, changed])
    assert not is_verified_return([v, changed, again])  # a new return must be verified again
    assert "not verified" in explain_wish([v, changed, again])


def test_only_a_verified_return_counts() -> None:
    assert not is_verified_return([])
    assert not is_verified_return([wish()])
    assert not is_verified_return([verified(wish("remain"))])
    assert not is_verified_return([verified(wish("undecided"))])
    assert explain_wish([]) == "no repatriation wish recorded"
