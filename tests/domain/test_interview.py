"""Interviews (language, interpreter and who supplied him) and the interpreter roster."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from powbureau.domain.errors import ValidationFailed
from powbureau.domain.interview import (
    Interpreter,
    InterpreterRoster,
    Interview,
    Waiting,
    waiting_for_interpreter,
)
from powbureau.domain.roles import Actor

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)
DELEGATE = Actor("delegate.dupont", "icrc_delegate")


def interview(**kw: object) -> Interview:
    base: dict[str, object] = dict(
        id="iv1", person_id="p1", when=T0, where="Camp 3", purpose="icrc_private", language="ko",
        interpreter="Ms Han", interpreter_supplied_by="independent", conducted_by=DELEGATE, present=("Ms Han",),
    )
    base.update(kw)
    return Interview(**base)  # type: ignore[arg-type]


def test_interview_keeps_language_interpreter_and_supplier() -> None:
    iv = interview(language=" KO ", when=T0.astimezone(timezone(timedelta(hours=3))))
    assert iv.language == "ko"
    assert iv.when == T0 and iv.when.tzinfo == timezone.utc
    assert iv.has_independent_interpreter and not iv.interpreter_is_interested
    assert iv.is_without_witnesses


def test_interpreter_supplied_by_an_interested_party_is_not_independent() -> None:
    iv = interview(purpose="wish", interpreter="Mr Kim", interpreter_supplied_by="Military Intelligence")
    assert iv.interpreter_is_interested
    assert not iv.has_independent_interpreter


def test_witnesses_other_than_interpreter_make_it_not_private() -> None:
    assert not interview(present=("Ms Han", "Captain Petrenko")).is_without_witnesses
    assert interview(present=("ms han ", "delegate.dupont")).is_without_witnesses


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"purpose": "chat"}, "unknown interview purpose"),
        ({"when": datetime(2026, 10, 5, 9, 0)}, "no time zone"),
        ({"interpreter_supplied_by": None}, "say who supplied"),
        ({"interpreter": None}, "no interpreter is named"),
        ({"language": "  "}, "language is empty"),
        ({"person_id": ""}, "person_id"),
    ],
)
def test_bad_interviews_are_refused_with_a_reason(kw: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationFailed, match=words):
        interview(**kw)


def test_interview_without_interpreter_has_no_supplier() -> None:
    iv = interview(interpreter=None, interpreter_supplied_by=None, present=())
    assert iv.interpreter is None and iv.interpreter_supplied_by is None
    assert not iv.has_independent_interpreter and not iv.interpreter_is_interested


ROSTER = InterpreterRoster(
    (
        Interpreter("Mr Kim", frozenset({"ko"}), supplied_by="Military Intelligence"),
        Interpreter("Ms Orlova", frozenset({"ru", "uk"})),
        Interpreter("Ms Han", frozenset({"KO", "en"})),
    )
)


def test_roster_lists_independent_interpreters_first() -> None:
    assert [i.name for i in ROSTER.for_language("ko")] == ["Ms Han", "Mr Kim"]
    assert [i.name for i in ROSTER.for_language("ko", independent_only=True)] == ["Ms Han"]
    assert ROSTER.for_language("tyv") == ()


def test_roster_replaces_an_interpreter_of_the_same_name() -> None:
    roster = ROSTER.with_interpreter(Interpreter("Ms Han", frozenset({"ja"})))
    assert not roster.covers("ko")  # Mr Kim is not independent
    assert roster.covers("ko", independent_only=False)
    assert roster.covers("ja")


def test_korean_speakers_wait_while_only_an_interested_interpreter_speaks_korean() -> None:
    roster = InterpreterRoster((Interpreter("Mr Kim", frozenset({"ko"}), "Military Intelligence"),
                                Interpreter("Ms Orlova", frozenset({"ru"}))))
    people = {"p2": "ko", "p1": "ko", "p3": ["ru", "tyv"], "p4": "uk", "p5": ()}
    waiting = waiting_for_interpreter(people, roster, staff_languages=["uk"])
    assert waiting == [Waiting("p5", ()), Waiting("p1", ("ko",)), Waiting("p2", ("ko",))]
    assert [w.person_id for w in waiting_for_interpreter(people, roster, independent_only=False)] == ["p5", "p4"]


def test_nobody_waits_once_an_independent_korean_interpreter_is_on_the_roster() -> None:
    assert waiting_for_interpreter({"p1": "ko", "p2": "ru"}, ROSTER) == []
