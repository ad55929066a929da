"""Issue 8, finding 9: the medical role neither holds nor reads wish or icrc_private interviews, and nobody learns
from an error that an interview id exists (the same answer as for an id that does not)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from powbureau.domain.roles import Actor
from powbureau.services import custody
from powbureau.services.users import add_user

from .conftest import PASSWORD, csrf_of

OPERATOR = Actor("operator", "admin")
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture()
def interviews(world) -> dict[str, str]:
    """One interview of each purpose with Paek: purpose -> id."""
    add_user(world.bureau.uow, OPERATOR, "delegate", "icrc_delegate", PASSWORD)
    out = {}
    for purpose, actor in (("registration", Actor("registrar", "registrar")), ("medical", Actor("medical", "medical")),
                           ("wish", Actor("registrar", "registrar")), ("icrc_private", Actor("delegate", "icrc_delegate"))):
        iv = custody.record_interview(world.bureau.uow, actor, world.paek, purpose=purpose, language="ko",
                                      where="Camp 3", when=T0, interpreter="Lee Soo-jin", supplied_by="independent")
        out[purpose] = iv["id"]
    return out


def test_the_medical_role_neither_holds_nor_reads_wish_interviews(client, browser_for, world, interviews):
    def post(purpose: str):  # noqa: ANN202
        return client.post("/api/interviews", auth=("medical", PASSWORD), json={
            "person_id": world.paek, "purpose": purpose, "language": "ko", "where": "Hospital 2"})

    for purpose in ("wish", "icrc_private"):
        r = post(purpose)
        assert r.status_code == 403 and "may not hold a" in r.json()["error"]["message"], r.text
    assert post("medical").status_code == 201  # his own interviews he holds
    seen = client.get("/api/interviews", auth=("medical", PASSWORD)).json()
    purposes = {i["purpose"] for i in seen}
    assert purposes == {"registration", "medical"}
    assert interviews["wish"] not in str(seen) and interviews["icrc_private"] not in str(seen)
    page = browser_for("medical").get("/interviews")
    assert page.status_code == 200 and interviews["medical"] in page.text
    assert interviews["wish"] not in page.text and interviews["icrc_private"] not in page.text
    # staff who take wishes still see them all
    staff = {i["purpose"] for i in client.get("/api/interviews", auth=("registrar", PASSWORD)).json()}
    assert staff >= {"registration", "medical", "wish", "icrc_private"}


@pytest.mark.parametrize("user", ["auditor", "medical", "negotiator"])
def test_asking_for_an_interview_one_may_not_use_answers_as_for_none(browser_for, interviews, user):
    """Recording a wish through the page: an existing interview and a made-up id get the same answer."""
    b = browser_for(user)
    answers = []
    for interview_id in (interviews["wish"], "01NOSUCHINTERVIEW000000000"):
        token = csrf_of(b.get("/").text)
        r = b.post("/wishes", data={"interview_id": interview_id, "kind": "return", "csrf_token": token})
        answers.append((r.status_code, r.text.replace(interview_id, "ID"), r.headers.get("location")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 403


def test_an_interview_hidden_from_the_asker_is_not_found_with_the_words_of_a_missing_one(world, interviews):
    uow = world.bureau.uow
    registrar = Actor("registrar", "registrar")
    assert custody.wish_interview(uow, registrar, interviews["wish"])["purpose"] == "wish"
    from powbureau.domain.errors import NotFound

    with pytest.raises(NotFound) as missing:
        custody.wish_interview(uow, registrar, "01NOSUCHINTERVIEW000000000")
    assert "or not one you may see" in missing.value.message
