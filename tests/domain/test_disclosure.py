"""domain.disclosure and the interview role rules: what someone who may not read wishes learns of consent
(issue 8, findings 6 and 9)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from powbureau.domain import disclosure
from powbureau.domain.errors import PermissionDenied
from powbureau.domain.exchange import MedicalDecision, assess
from powbureau.domain.interview import Interview, check_conductor, may_read
from powbureau.domain.roles import ROLES, Actor, may_see_wishes
from powbureau.domain.wish import WISH_KINDS, record_wish

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DELEGATE = Actor("icrc.delegate", "icrc_delegate")
INTERVIEWER = Actor("kim", "interviewer")


def _wishes(kind: str, verified: bool):  # noqa: ANN202
    iv = Interview("iv-1", "p1", T0, "Camp 3", "wish", "ko", "Pak", "military intelligence", INTERVIEWER)
    w = record_wish("w-1", "p1", kind, iv, INTERVIEWER, T0, destination="SE" if kind == "third_country" else None)
    if verified:
        pv = Interview("iv-2", "p1", T0 + timedelta(hours=1), "ICRC room", "icrc_private", "ko", "Lee", "independent",
                       DELEGATE)
        w = w.verify(pv, DELEGATE, T0 + timedelta(hours=1))
    return [w]


@pytest.mark.parametrize("verified", [True, False])
@pytest.mark.parametrize("kind", WISH_KINDS)
def test_for_negotiator_says_eligible_or_not_and_never_the_wish(kind, verified):
    medical = MedicalDecision("p1", True, Actor("medic", "medical"), T0, "Art. 110(1)(1)")
    safe = disclosure.for_negotiator(assess("p1", _wishes(kind, verified), medical))
    eligible = kind == "return" and verified
    assert safe.eligible is eligible and safe.medical_priority  # a non-wish reason stays
    assert [c.code for c in safe.checks] == ["consent", "medical_priority"]
    assert safe.checks[0].text == (disclosure.ELIGIBLE if eligible else disclosure.NOT_ELIGIBLE)
    text = " ".join(f"{c.text} {c.rule}" for c in safe.checks).replace("consent to return", "")
    assert not re.search(r"return|remain|third|undecided|iv-|icrc\.delegate|kim", text, re.IGNORECASE), text


def test_every_refusal_reads_the_same_whatever_the_wish():
    texts = {tuple(disclosure.for_negotiator(assess("p1", _wishes(k, v))).checks)
             for k in WISH_KINDS for v in (True, False) if (k, v) != ("return", True)}
    assert len(texts) == 1
    assert "remain" not in disclosure.notice_message("p1", "x1", "agreed", "KP")


def test_who_may_see_wishes_and_wish_interviews():
    assert {r for r in ROLES if may_see_wishes(Actor("u", r))} == {
        "admin", "registrar", "interviewer", "icrc_delegate", "auditor"}
    medic = Actor("medic", "medical")
    for purpose in ("wish", "icrc_private"):
        with pytest.raises(PermissionDenied, match="never by medical staff"):
            check_conductor(purpose, medic)
        assert not may_read(medic, purpose) and may_read(Actor("a", "auditor"), purpose)
    check_conductor("medical", medic)
    assert may_read(medic, "medical") and not may_read(Actor("n", "negotiator"), "registration")
