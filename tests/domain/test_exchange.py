"""Exchanges: never-rule (a) (only verified returns are listed), medical priority outside the one-for-one
balance, states, execution records and reconciliation; ends with a hypothesis state machine."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from powbureau.domain.errors import (
    Conflict,
    IllegalTransition,
    NotOnList,
    PermissionDenied,
    RefoulementRefused,
    ValidationFailed,
    VerificationRefused,
)
from powbureau.domain.exchange import (
    Exchange,
    ExecutionRecord,
    MedicalDecision,
    Substitution,
    UnknownArrival,
    assess,
)
from powbureau.domain.interview import Interview
from powbureau.domain.roles import Actor
from powbureau.domain.wish import RepatriationWish, is_verified_return, record_wish

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=timezone.utc)
DELEGATE = Actor("delegate.dupont", "icrc_delegate")
INTERVIEWER = Actor("sgt.bondar", "interviewer")
DOCTOR = Actor("dr.lee", "medical")
NEGOTIATOR = Actor("col.marchenko", "negotiator")
WISH_WORDS = ("remain", "third_country", "undecided")


def wishes_of(pid: str, kind: str, *, verify: bool, at: datetime = T0) -> list[RepatriationWish]:
    taken = Interview(f"w-{pid}-{at:%j%H%M%S}", pid, at, "Camp 3", "wish", "ko", "Mr Kim", "Military Intelligence",
                      INTERVIEWER)
    w = record_wish(f"{pid}-{at.timestamp()}", pid, kind, taken, INTERVIEWER, at)
    if not verify:
        return [w]
    private = Interview(f"x-{pid}-{at:%j%H%M%S}", pid, at + timedelta(hours=1), "Camp 3", "icrc_private", "ko",
                        "Ms Han", "independent", DELEGATE, ("Ms Han",))
    return [w.verify(private, DELEGATE, private.when)]


def seriously_wounded(pid: str, yes: bool = True) -> MedicalDecision:
    return MedicalDecision(pid, yes, DOCTOR, T0, "Art. 110(1)(1)")


def record(crossed: Iterable[str] = (), arrived: Iterable[str] = (), **kw: object) -> ExecutionRecord:
    return ExecutionRecord(NEGOTIATOR, T0 + timedelta(days=30), frozenset(crossed), frozenset(arrived), **kw)  # type: ignore[arg-type]


@pytest.fixture()
def case() -> dict[str, list[RepatriationWish]]:
    """The motivating case: p1 wants to go home (verified), p2 wants to stay (verified), p3 unverified return."""
    return {
        "p1": wishes_of("p1", "return", verify=True),
        "p2": wishes_of("p2", "remain", verify=True),
        "p3": wishes_of("p3", "return", verify=False),
    }


def test_verified_return_is_listed_with_an_explanation(case: dict[str, list[RepatriationWish]]) -> None:
    ex = Exchange("E1", "State C")
    verdict = ex.add_outgoing("p1", case["p1"])
    assert verdict.eligible and verdict.counts_in_balance
    assert "[ok] the latest wish is to return" in verdict.explain()
    assert [e.person_id for e in ex.outgoing] == ["p1"]


@pytest.mark.parametrize("pid, words", [("p2", "no consent to return"), ("p3", "not verified")])
def test_anyone_else_is_refused_and_the_list_is_unchanged(
    case: dict[str, list[RepatriationWish]], pid: str, words: str
) -> None:
    ex = Exchange("E1", "State C")
    with pytest.raises(RefoulementRefused, match=words) as info:
        ex.add_outgoing(pid, case[pid])
    assert info.value.details.eligible is False  # type: ignore[union-attr]
    assert ex.outgoing == ()
    with pytest.raises(RefoulementRefused, match="no repatriation wish recorded"):
        ex.add_outgoing("p9", [])


def test_seriously_wounded_are_flagged_and_not_counted_one_for_one(case: dict[str, list[RepatriationWish]]) -> None:
    ex = Exchange("E1", "State C")
    ex.add_outgoing("p1", case["p1"], seriously_wounded("p1"))
    ex.add_outgoing("p4", wishes_of("p4", "return", verify=True))
    ex.add_incoming("row-7", "L1", person_id="o7")
    ex.add_incoming("row-8", "L1", medical_priority=True)
    bal = ex.balance()
    assert (bal.outgoing_counted, bal.incoming_counted, bal.outgoing_medical, bal.incoming_medical) == (1, 1, 1, 1)
    assert bal.difference == 0
    assert ex.outgoing[0].medical_priority and not ex.outgoing[0].eligibility.counts_in_balance


def test_a_seriously_wounded_man_who_wants_to_stay_is_still_refused(case: dict[str, list[RepatriationWish]]) -> None:
    with pytest.raises(RefoulementRefused):
        Exchange("E1", "C").add_outgoing("p2", case["p2"], seriously_wounded("p2"))


@pytest.mark.parametrize("role", ["registrar", "negotiator", "icrc_delegate", "admin"])
def test_only_a_medical_user_decides_medical_priority(role: str) -> None:
    with pytest.raises(PermissionDenied, match="a medical user records that decision"):
        MedicalDecision("p1", True, Actor("x", role), T0)


def test_decisions_of_another_person_are_refused(case: dict[str, list[RepatriationWish]]) -> None:
    with pytest.raises(ValidationFailed):
        assess("p1", case["p1"], seriously_wounded("p2"))


def test_wishes_of_a_record_accepted_as_the_same_person_count(case: dict[str, list[RepatriationWish]]) -> None:
    """Consent belongs to the person: the store passes the wishes of every linked record; a wish other than
    return that is the latest on any of them makes him ineligible (issue 8, finding 2)."""
    assert assess("p1", case["p1"]).eligible
    linked = assess("p1", case["p1"] + case["p2"])
    assert not linked.eligible and linked.basis != assess("p1", case["p1"]).basis


def test_lists_are_frozen_after_agreement(case: dict[str, list[RepatriationWish]]) -> None:
    ex = Exchange("E1", "C")
    ex.add_outgoing("p1", case["p1"])
    with pytest.raises(Conflict):
        ex.add_outgoing("p1", case["p1"])
    ex.propose(case)
    ex.agree(case)
    p4 = wishes_of("p4", "return", verify=True)
    with pytest.raises(IllegalTransition, match="is agreed; cannot add p4"):
        ex.add_outgoing("p4", p4)
    with pytest.raises(IllegalTransition):
        ex.add_incoming("row-1", "L1")


@pytest.mark.parametrize(
    "path, target",
    [((), "agree"), ((), "close"), (("propose",), "close"), (("propose", "agree"), "propose"),
     (("propose", "agree", "cancel"), "propose"), (("cancel",), "reopen")],
)
def test_illegal_state_moves_are_refused(path: tuple[str, ...], target: str) -> None:
    ex = Exchange("E1", "C")
    for step in path:
        ex.cancel("talks broke down") if step == "cancel" else getattr(ex, step)({})
    before = ex.state
    with pytest.raises(IllegalTransition):
        {"agree": lambda: ex.agree({}), "close": ex.close, "reopen": ex.reopen,
         "propose": lambda: ex.propose({})}[target]()
    assert ex.state == before


def test_a_change_of_wish_removes_him_and_tells_the_negotiator(case: dict[str, list[RepatriationWish]]) -> None:
    ex = Exchange("E1", "State C")
    ex.add_outgoing("p1", case["p1"])
    ex.propose(case)
    ex.agree(case)
    assert ex.on_wish_changed("p1", case["p1"]) is None  # still a verified return
    changed = case["p1"] + wishes_of("p1", "remain", verify=False, at=T0 + timedelta(days=5))
    notice = ex.on_wish_changed("p1", changed)
    assert notice is not None and notice.person_id == "p1" and notice.state == "agreed"
    assert "State C" in notice.message and not any(w in notice.message for w in WISH_WORDS)
    assert not ex.is_listed("p1")
    assert ex.withdrawals[-1].person_id == "p1"
    assert ex.on_wish_changed("p2", case["p2"]) is None  # not listed: nothing to do


def test_agreement_rechecks_everyone_and_refuses_without_changing_anything(
    case: dict[str, list[RepatriationWish]],
) -> None:
    ex = Exchange("E1", "C")
    ex.add_outgoing("p1", case["p1"])
    ex.propose(case)
    unannounced = dict(case, p1=case["p1"] + wishes_of("p1", "undecided", verify=False, at=T0 + timedelta(days=3)))
    with pytest.raises(RefoulementRefused, match="p1 no longer have a verified wish"):
        ex.agree(unannounced)
    assert ex.state == "proposed" and ex.is_listed("p1")


def test_recheck_keeps_the_medical_flag_unless_decisions_are_given(case: dict[str, list[RepatriationWish]]) -> None:
    ex = Exchange("E1", "C")
    ex.add_outgoing("p1", case["p1"], seriously_wounded("p1"))
    ex.propose(case)
    assert ex.outgoing[0].medical_priority
    ex.agree(case, {"p1": seriously_wounded("p1", yes=False)})
    assert not ex.outgoing[0].medical_priority and ex.balance().outgoing_counted == 1


def agreed_exchange(case: dict[str, list[RepatriationWish]]) -> Exchange:
    ex = Exchange("E1", "State C")
    ex.add_outgoing("p1", case["p1"])
    ex.add_outgoing("p4", wishes_of("p4", "return", verify=True))
    ex.add_incoming("row-1", "L1", person_id="o1")
    ex.add_incoming("row-2", "L1")
    ex.add_incoming("row-3", "L1", person_id="o3")
    ex.add_incoming("row-4", "L1", person_id="o4")
    assert ex.incoming[1].match_status == "not yet matched"
    ex.match_incoming("row-2", "o2")
    assert ex.incoming[1].match_status == "matched"
    with pytest.raises(NotOnList):
        ex.match_incoming("row-99", "o5")
    everyone = dict(case, p4=wishes_of("p4", "return", verify=True))
    ex.propose(everyone)
    ex.agree(everyone)
    return ex


def test_execution_is_reconciled_and_implies_status_changes(case: dict[str, list[RepatriationWish]]) -> None:
    ex = agreed_exchange(case)
    result = ex.execute(
        record({"p1"}, {"row-1", "row-2"}, substitutions=(Substitution("row-3", "o9", "Sgt Ivanenko"),),
               unknown_arrivals=(UnknownArrival("unnamed private, no papers"),)),
        dict(case, p4=wishes_of("p4", "return", verify=True)),
    )
    assert ex.state == "executed" and ex.reconciliation == result
    assert result.counts() == {"crossed": 3, "no_show": 2, "substituted": 1, "unknown_arrival": 1}
    outcome = {(line.side, line.person_id, line.row_id): line.outcome for line in result.lines}
    assert outcome[("outgoing", "p4", None)] == "no_show"
    assert outcome[("incoming", "o9", "row-3")] == "substituted"
    assert outcome[("incoming", "o4", "row-4")] == "no_show"
    assert result.status_changes == (("repatriated", "p1"), ("returned", "o1"), ("returned", "o2"),
                                     ("returned", "o9"))


@pytest.mark.parametrize(
    "bad, words",
    [
        (dict(crossed={"p1", "p2"}), "names p2 as handed over"),
        (dict(arrived={"row-99"}), "row-99, not on its incoming list"),
        (dict(arrived={"row-1"}, substitutions=(Substitution("row-1"),)), "both as arrived and substituted"),
    ],
)
def test_an_execution_record_naming_someone_not_on_the_list_changes_nothing(
    case: dict[str, list[RepatriationWish]], bad: dict[str, object], words: str
) -> None:
    ex = agreed_exchange(case)
    with pytest.raises(NotOnList, match=words):
        ex.execute(record(**bad), dict(case, p4=wishes_of("p4", "return", verify=True)))  # type: ignore[arg-type]
    assert ex.state == "agreed" and ex.execution is None and ex.reconciliation is None


def test_after_execution_a_no_show_may_change_his_mind_but_not_one_who_crossed(
    case: dict[str, list[RepatriationWish]],
) -> None:
    ex = agreed_exchange(case)
    p4 = wishes_of("p4", "return", verify=True)
    ex.execute(record({"p1"}), dict(case, p4=p4))
    later = T0 + timedelta(days=40)
    with pytest.raises(IllegalTransition, match="handed over"):
        ex.on_wish_changed("p1", case["p1"] + wishes_of("p1", "remain", verify=False, at=later))
    notice = ex.on_wish_changed("p4", p4 + wishes_of("p4", "remain", verify=False, at=later))
    assert notice is not None and not ex.is_listed("p4") and ex.is_listed("p1")
    ex.close()
    assert ex.on_wish_changed("p1", []) is None


def test_the_counterpart_view_never_carries_a_wish(case: dict[str, list[RepatriationWish]]) -> None:
    ex = agreed_exchange(case)
    text = json.dumps(ex.view_for_counterpart())
    assert "p1" in text and "row-2" in text
    assert not any(word in text for word in WISH_WORDS + ("return", "verified", "consent"))


def test_a_stored_exchange_is_restored_as_saved(case: dict[str, list[RepatriationWish]]) -> None:
    ex = agreed_exchange(case)
    back = Exchange.restore(ex.id, ex.counterpart, ex.state, ex.outgoing, ex.incoming, withdrawals=ex.withdrawals)
    assert (back.state, back.outgoing, back.incoming, back.balance()) == (ex.state, ex.outgoing, ex.incoming,
                                                                          ex.balance())
    with pytest.raises(ValidationFailed, match="unknown exchange state"):
        Exchange.restore("E9", "C", "signed")


# ----- the state machine ------------------------------------------------------------------------------------
PEOPLE = ("p0", "p1")
INTERVIEWS = ("wish_interested", "wish_independent", "private_independent", "private_interested",
              "private_witnessed", "private_own_language")
ROLES = ("icrc_delegate", "interviewer", "registrar", "medical", "negotiator", "admin")
# weighted so that verified returns, listings and agreements happen often enough to matter
KINDS = st.sampled_from(("return", "return", "remain", "third_country", "undecided"))
PRIVATE = st.sampled_from(INTERVIEWS[2:] + ("private_independent", "private_own_language") * 2)
ROLE = st.sampled_from(ROLES + ("icrc_delegate",) * 4)


class ExchangeMachine(RuleBasedStateMachine):
    """Random wishes, verifications, listings, wish changes and state moves over two exchanges. Invariant: no
    one whose latest wish is not a verified return is on an outgoing list at agreed or executed."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = T0
        self.wishes: dict[str, list[RepatriationWish]] = {p: [] for p in PEOPLE}
        self.medical: dict[str, MedicalDecision] = {}
        self.handed_over: set[str] = set()
        self.exchanges = [Exchange("A", "State C"), Exchange("B", "State D")]
        self.n = 0

    def tick(self) -> datetime:
        self.clock += timedelta(hours=1)
        self.n += 1
        return self.clock

    def interview(self, pid: str, kind: str, actor: Actor) -> Interview:
        at = self.tick()
        purpose = "wish" if kind.startswith("wish") else "icrc_private"
        interpreter, supplier, present = "Ms Han", "independent", ("Ms Han",)
        if kind.endswith("interested"):
            interpreter, supplier, present = "Mr Kim", "Military Intelligence", ("Mr Kim",)
        if kind == "private_witnessed":
            present = ("Ms Han", "Captain Petrenko")
        if kind == "private_own_language":
            interpreter, supplier, present = None, None, ()
        return Interview(f"iv{self.n}", pid, at, "Camp 3", purpose, "ko", interpreter, supplier, actor, present)

    def notify_all(self, pid: str) -> None:
        for ex in self.exchanges:
            notice = ex.on_wish_changed(pid, self.wishes[pid])
            if notice is not None:
                assert not ex.is_listed(pid) and notice.person_id == pid

    @rule(pid=st.sampled_from(PEOPLE), kind=KINDS, where=st.sampled_from(INTERVIEWS))
    def record(self, pid: str, kind: str, where: str) -> None:
        taken = self.interview(pid, where, DELEGATE if where.startswith("private") else INTERVIEWER)
        try:
            w = record_wish(f"w{self.n}", pid, kind, taken, taken.conducted_by, taken.when,
                            handed_over=pid in self.handed_over)
        except IllegalTransition:
            assert pid in self.handed_over
            return
        self.wishes[pid].append(w)
        self.notify_all(pid)

    @rule(pid=st.sampled_from(PEOPLE), kind=st.sampled_from(("remain", "third_country", "undecided", "return")))
    def change_mind(self, pid: str, kind: str) -> None:
        if any(ex.is_listed(pid) for ex in self.exchanges):
            self.record(pid, kind, "wish_independent")

    @rule(pid=st.sampled_from(PEOPLE))
    def record_and_verify_return(self, pid: str) -> None:
        self.record(pid, "return", "wish_interested")
        self.verify(pid, "private_independent", "icrc_delegate")

    @rule(pid=st.sampled_from(PEOPLE), where=PRIVATE, role=ROLE)
    def verify(self, pid: str, where: str, role: str) -> None:
        if not self.wishes[pid]:
            return
        actor = DELEGATE if role == "icrc_delegate" else Actor(f"{role}.user", role)
        private = self.interview(pid, where, actor)
        latest = max(self.wishes[pid], key=lambda w: (w.taken_at, w.recorded_at, w.id))
        should = role == "icrc_delegate" and where in ("private_independent", "private_own_language")
        try:
            done = latest.verify(private, actor, private.when, person_languages=["ko"], delegate_languages=["ko"])
        except VerificationRefused:
            assert not should
            return
        assert should
        self.wishes[pid] = [w for w in self.wishes[pid] if w.id != latest.id] + [done]
        self.notify_all(pid)

    @rule(pid=st.sampled_from(PEOPLE), flag=st.booleans())
    def decide_medical(self, pid: str, flag: bool) -> None:
        self.medical[pid] = MedicalDecision(pid, flag, DOCTOR, self.tick())

    @rule(i=st.integers(0, 1), pid=st.sampled_from(PEOPLE))
    def add(self, i: int, pid: str) -> None:
        ex = self.exchanges[i]
        before = ex.outgoing
        try:
            ex.add_outgoing(pid, self.wishes[pid], self.medical.get(pid))
        except RefoulementRefused:
            assert not is_verified_return(self.wishes[pid])
        except (IllegalTransition, Conflict):
            assert ex.state not in ("draft", "proposed") or pid in {e.person_id for e in before}
        else:
            assert is_verified_return(self.wishes[pid]) and ex.state in ("draft", "proposed")
            return
        assert ex.outgoing == before

    @rule(i=st.integers(0, 1), pid=st.sampled_from(PEOPLE))
    def withdraw(self, i: int, pid: str) -> None:
        try:
            self.exchanges[i].remove_outgoing(pid, "negotiator's choice")
        except (NotOnList, IllegalTransition):
            pass

    @rule(i=st.integers(0, 1))
    def replace_finished_exchange(self, i: int) -> None:
        if self.exchanges[i].state in ("closed", "cancelled"):
            self.exchanges[i] = Exchange(f"{self.exchanges[i].id}{self.n}", "State C")

    @rule(i=st.integers(0, 1), move=st.sampled_from(("propose", "reopen", "agree", "execute", "close", "cancel")
                                                     + ("forward",) * 6),
          mask=st.integers(0, 3))
    def transition(self, i: int, move: str, mask: int) -> None:
        ex = self.exchanges[i]
        if move == "forward":
            move = {"draft": "propose", "proposed": "agree", "agreed": "execute"}.get(ex.state, "close")
        state, listed = ex.state, ex.outgoing
        try:
            if move == "execute":
                crossed = {p for k, p in enumerate(PEOPLE) if mask >> k & 1 and ex.is_listed(p)}
                ex.execute(ExecutionRecord(NEGOTIATOR, self.tick(), frozenset(crossed)), self.wishes, self.medical)
                self.handed_over |= crossed
            elif move in ("propose", "agree"):
                getattr(ex, move)(self.wishes, self.medical)
            elif move == "cancel":
                ex.cancel("talks broke down")
            else:
                getattr(ex, move)()
        except (IllegalTransition, RefoulementRefused):
            assert (ex.state, ex.outgoing) == (state, listed)  # a refusal changes nothing

    @invariant()
    def only_verified_returns_are_listed_at_agreed_or_executed(self) -> None:
        for ex in self.exchanges:
            if ex.state in ("agreed", "executed"):
                for entry in ex.outgoing:
                    assert is_verified_return(self.wishes[entry.person_id]), (ex.id, ex.state, entry.person_id)

    @invariant()
    def the_medically_flagged_are_never_counted(self) -> None:
        for ex in self.exchanges:
            bal = ex.balance()
            assert bal.outgoing_medical == sum(e.medical_priority for e in ex.outgoing)
            assert bal.outgoing_counted + bal.outgoing_medical == len(ex.outgoing)

    @precondition(lambda self: any(ex.outgoing for ex in self.exchanges))
    @invariant()
    def nothing_sent_out_names_a_wish(self) -> None:
        for ex in self.exchanges:
            text = json.dumps(ex.view_for_counterpart())
            assert not any(word in text for word in WISH_WORDS)


ExchangeMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=50, deadline=None)
TestExchangeMachine = ExchangeMachine.TestCase

