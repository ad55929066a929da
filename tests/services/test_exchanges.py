"""Exchange services on SQLite and PostgreSQL: listing only verified returns (for every role), incoming rows from a
counterpart list, the state machine, execution with reconciliation and status updates, and bad input that changes
nothing; ends with a hypothesis state machine over random sequences of service calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fresh import fresh_bureau
from custody_world import ADMIN, ALL, MEDIC, NEGOTIATOR, REGISTRAR, T0, add_person, build, counterpart_list, wish
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from powbureau.domain.errors import (
    Conflict, IllegalTransition, NotFound, NotOnList, PermissionDenied, PowBureauError, RefoulementRefused,
    ValidationFailed,
)
from powbureau.domain.wish import is_verified_return
from powbureau.services import custody, exchanges, registry
from powbureau.store import custody_repo


@pytest.fixture
def world(bureau):
    return build(bureau)


def _agreed(world, tmp_path):
    uow = world.bureau.uow
    wish(world.bureau, world.paek, "return")
    lid = counterpart_list(world.bureau, tmp_path, [("RU-1", "Shevchenko Taras", "1990-05-02", "UA123456"),
                                                   ("RU-2", "Kovalenko Oleh", "1985-01-20", "UA654321"),
                                                   ("RU-3", "Nobody Known", "1970", "")])
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    exchanges.add_incoming_from_list(uow, NEGOTIATOR, x["id"], lid)
    exchanges.transition(uow, NEGOTIATOR, x["id"], "propose")
    return exchanges.transition(uow, NEGOTIATOR, x["id"], "agree")


def test_nobody_without_a_verified_return_can_be_listed_by_any_role(world):
    uow = world.bureau.uow
    wish(world.bureau, world.ri, "remain")  # verified wish to remain
    wish(world.bureau, world.ivanov, "return", verify=False)  # return, not verified
    x = exchanges.create(uow, ADMIN, "RU")
    for role, actor in ALL.items():
        for person in (world.ri, world.ivanov):
            expected = RefoulementRefused if actor.can("exchange.write") else PermissionDenied
            with pytest.raises(expected):
                exchanges.add_outgoing(uow, actor, x["id"], person)
    assert exchanges.show(uow, ADMIN, x["id"])["outgoing"] == []
    with pytest.raises(RefoulementRefused) as err:
        exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.ri)
    assert err.value.details[0]["checks"][0]["code"] == "consent"  # explained, JSON-ready for the API
    verdicts = {e["person_id"]: e for e in exchanges.eligibility(uow, ADMIN)}
    assert not verdicts[world.ri]["eligible"] and not verdicts[world.ivanov]["eligible"]
    assert "not verified" in verdicts[world.ivanov]["checks"][1]["text"]  # staff who may read wishes see why
    verdicts = {e["person_id"]: e for e in exchanges.eligibility(uow, NEGOTIATOR)}  # the negotiator does not
    assert verdicts[world.ri]["checks"][0]["text"] == verdicts[world.ivanov]["checks"][0]["text"] == \
        "not eligible: no verified consent to return"


def test_listing_checks_person_state_and_duplicates(world):
    uow = world.bureau.uow
    wish(world.bureau, world.paek, "return")
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    with pytest.raises(NotFound):
        exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], "01NOSUCHPERSON00000000000")
    with pytest.raises(ValidationFailed, match="not a detainee"):
        exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.own1)
    shown = exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    assert [e["name"] for e in shown["outgoing"]] == ["백광혁"] and shown["outgoing"][0]["eligible"]
    with pytest.raises(Conflict):
        exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    with pytest.raises(NotFound):
        exchanges.show(uow, NEGOTIATOR, "01NOSUCHEXCHANGE000000000")
    with pytest.raises(ValidationFailed):
        exchanges.create(uow, NEGOTIATOR, "  ")


def test_incoming_rows_are_matched_by_linkage_or_left_not_yet_matched(world, tmp_path):
    x = _agreed(world, tmp_path)
    rows = {e["row_id"]: e for e in x["incoming"]}
    assert rows["RU-1"]["person_id"] == world.own1 and rows["RU-2"]["person_id"] == world.own2
    assert rows["RU-3"]["matched"] is False and "not yet matched" in rows["RU-3"]["match_note"]
    assert x["state"] == "agreed" and x["balance"]["outgoing_counted"] == 1 and x["balance"]["incoming_counted"] == 3


def test_incoming_refusals_change_nothing(world, tmp_path):
    uow = world.bureau.uow
    lid = counterpart_list(world.bureau, tmp_path, [("RU-1", "Shevchenko Taras", "1990-05-02", "UA123456")])
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    with pytest.raises(NotOnList):
        exchanges.add_incoming_from_list(uow, NEGOTIATOR, x["id"], lid, ["RU-1", "RU-99"])
    with pytest.raises(NotFound):
        exchanges.add_incoming_from_list(uow, NEGOTIATOR, x["id"], "01NOSUCHLIST0000000000000")
    assert exchanges.show(uow, NEGOTIATOR, x["id"])["incoming"] == []
    exchanges.add_incoming_from_list(uow, NEGOTIATOR, x["id"], lid)
    with pytest.raises(Conflict):
        exchanges.add_incoming_from_list(uow, NEGOTIATOR, x["id"], lid)
    with pytest.raises(ValidationFailed, match="own personnel"):
        exchanges.match_incoming(uow, NEGOTIATOR, x["id"], "RU-1", world.paek)


def test_illegal_transitions_are_refused_and_change_nothing(world):
    uow = world.bureau.uow
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    for verb in ("agree", "close", "reopen"):
        with pytest.raises(IllegalTransition):
            exchanges.transition(uow, NEGOTIATOR, x["id"], verb)
    with pytest.raises(IllegalTransition):
        exchanges.execute(uow, NEGOTIATOR, x["id"], crossed=[world.paek])
    with pytest.raises(ValidationFailed):
        exchanges.transition(uow, NEGOTIATOR, x["id"], "explode")
    with pytest.raises(ValidationFailed, match="why"):
        exchanges.transition(uow, NEGOTIATOR, x["id"], "cancel")
    shown = exchanges.show(uow, NEGOTIATOR, x["id"])
    assert shown["state"] == "draft" and len(shown["history"]) == 1
    with pytest.raises(PermissionDenied):
        exchanges.transition(uow, REGISTRAR, x["id"], "propose")


def test_execution_naming_someone_not_on_the_list_changes_nothing(world, tmp_path):
    x = _agreed(world, tmp_path)
    uow = world.bureau.uow
    with pytest.raises(NotOnList):
        exchanges.execute(uow, NEGOTIATOR, x["id"], crossed=[world.paek, world.ri])
    with pytest.raises(NotOnList):
        exchanges.execute(uow, NEGOTIATOR, x["id"], crossed=[world.paek], arrived=["RU-77"])
    assert exchanges.show(uow, NEGOTIATOR, x["id"])["state"] == "agreed"
    assert registry.show(uow, ADMIN, world.paek).status == "interned"


def test_execution_reconciles_planned_vs_actual_and_updates_statuses(world, tmp_path):
    x = _agreed(world, tmp_path)
    uow = world.bureau.uow
    done = exchanges.execute(uow, NEGOTIATOR, x["id"], crossed=[world.paek], arrived=["RU-1"],
                             substitutions=[("RU-3", None, "a man giving the name Petrenko")],
                             unknown_arrivals=[("unannounced sergeant, no papers", None)], place="Checkpoint 4")
    assert done["state"] == "executed"
    assert done["reconciliation"]["counts"] == {"crossed": 2, "no_show": 1, "substituted": 1, "unknown_arrival": 1}
    assert registry.show(uow, ADMIN, world.paek).status == "repatriated"
    assert registry.show(uow, ADMIN, world.own1).status == "returned"
    assert registry.show(uow, ADMIN, world.own2).status == "held_by_adverse_power"  # no-show
    assert registry.show(uow, ADMIN, world.paek).history[-1]["place"] == "Checkpoint 4"
    assert exchanges.transition(uow, NEGOTIATOR, x["id"], "close")["state"] == "closed"
    with pytest.raises(IllegalTransition):
        exchanges.transition(uow, NEGOTIATOR, x["id"], "cancel", reason="too late")


def test_a_registered_prisoner_not_yet_interned_is_exchanged_when_he_verified_his_return(world, tmp_path):
    """Found by a new user: the page listed a registered (not interned) man as eligible, the exchange was agreed,
    and execution was refused (registered -> repatriated was not a legal move). A handover before internment is
    lawful (Art. 109-110); it stays gated by his verified consent only."""
    uow = world.bureau.uow
    fresh = add_person(world.bureau, "detainee", [("name_full", "정성민", "self_declared"),
                                                  ("serving_power", "KP", "self_declared")], ("registered",))
    other = add_person(world.bureau, "detainee", [("name_full", "한은철", "self_declared"),
                                                  ("serving_power", "KP", "self_declared")], ("registered",))
    wish(world.bureau, fresh, "return")
    wish(world.bureau, other, "return", verify=False)
    with pytest.raises(RefoulementRefused):
        registry.change_status(uow, ADMIN, other, "repatriated", place="Checkpoint 4")
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], fresh)
    with pytest.raises(RefoulementRefused):
        exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], other)
    exchanges.transition(uow, NEGOTIATOR, x["id"], "propose")
    exchanges.transition(uow, NEGOTIATOR, x["id"], "agree")
    assert exchanges.execute(uow, NEGOTIATOR, x["id"], crossed=[fresh], place="Checkpoint 4")["state"] == "executed"
    assert registry.show(uow, ADMIN, fresh).status == "repatriated"
    assert registry.show(uow, ADMIN, other).status == "registered"


def test_seriously_wounded_are_flagged_and_not_counted_one_for_one(world):
    uow = world.bureau.uow
    wish(world.bureau, world.ivanov, "return")
    custody.record_medical_decision(uow, MEDIC, world.ivanov, seriously_sick_or_wounded=True, category="Art. 110(1)(1)")
    x = exchanges.create(uow, NEGOTIATOR, "RU")
    shown = exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.ivanov)
    assert shown["outgoing"][0]["medical_priority"] and not shown["outgoing"][0]["counts_in_balance"]
    assert shown["balance"]["outgoing_counted"] == 0 and shown["balance"]["outgoing_medical"] == 1
    sent = exchanges.for_counterpart(uow, NEGOTIATOR, x["id"])
    assert sent["outgoing"] == [{"person_id": world.ivanov, "medical_priority": True}]
    assert "Art. 110(1)(1)" not in str(shown)  # the category is medical detail, not for exchange staff


def test_counterpart_view_never_carries_a_wish(world):
    uow = world.bureau.uow
    wish(world.bureau, world.paek, "return")
    wish(world.bureau, world.ri, "remain")
    x = exchanges.create(uow, NEGOTIATOR, "KP")
    exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    exchanges.remove_outgoing(uow, NEGOTIATOR, x["id"], world.paek, "asked to wait")
    text = str(exchanges.for_counterpart(uow, NEGOTIATOR, x["id"])).lower()
    assert "remain" not in text and "asked to wait" not in text and "wish" not in text


# ----- never-rule (a) over random sequences of service calls (SQLite) ------------------------------------------
class ServiceMachine(RuleBasedStateMachine):
    """Random wishes, verifications, listings and transitions through the services; after every step nobody on an
    agreed or executed outgoing list lacks a verified return (checked against the database)."""

    @initialize()
    def setup(self):
        import tempfile

        self.dir = tempfile.TemporaryDirectory()
        self.bureau = fresh_bureau(self.dir.name)  # a copy of the migrated template
        self.people = [add_person(self.bureau, "detainee", [("name_full", n, "self_declared"),
                                                            ("language", "ko", "observation")], ("registered",
                                                                                                 "interned"))
                       for n in ("백광혁", "리성철")]
        self.x = exchanges.create(self.bureau.uow, NEGOTIATOR, "RU")["id"]
        self.clock = T0

    def teardown(self):
        self.bureau.uow.engine.dispose()
        self.dir.cleanup()

    def _tick(self):
        self.clock += timedelta(hours=3)
        return self.clock

    def _express(self, i, kind, verify):
        try:
            wish(self.bureau, self.people[i], kind, at=self._tick(), verify=verify,
                 destination="KR" if kind == "third_country" else None)
        except IllegalTransition:
            pass  # already handed over

    @rule(i=st.integers(0, 1))
    def verified_return(self, i):
        self._express(i, "return", True)

    @rule(i=st.integers(0, 1), kind=st.sampled_from(["return", "remain", "third_country", "undecided"]),
          verify=st.booleans())
    def change_of_mind(self, i, kind, verify):
        self._express(i, kind, verify and kind != "return")

    @rule(i=st.integers(0, 1))
    def add(self, i):
        try:
            exchanges.add_outgoing(self.bureau.uow, NEGOTIATOR, self.x, self.people[i])
        except PowBureauError:
            pass

    @rule(verb=st.sampled_from(["propose", "agree", "reopen"]))
    def move(self, verb):
        try:
            exchanges.transition(self.bureau.uow, NEGOTIATOR, self.x, verb)
        except PowBureauError:
            pass

    @rule(data=st.data())
    def execute(self, data):
        crossed = data.draw(st.lists(st.sampled_from(self.people), unique=True))
        try:
            exchanges.execute(self.bureau.uow, NEGOTIATOR, self.x, crossed=crossed)
        except PowBureauError:
            pass

    @invariant()
    def only_verified_returns_are_listed(self):
        if not hasattr(self, "bureau"):
            return
        with self.bureau.uow.read() as conn:
            ex = custody_repo.load_exchange(conn, self.x)
            ws = custody_repo.wishes_by_person(conn, [e.person_id for e in ex.outgoing])
        if ex.state in ("draft", "proposed", "agreed", "executed"):
            assert all(is_verified_return(ws[e.person_id]) for e in ex.outgoing), ex.state


ServiceMachine.TestCase.settings = settings(max_examples=20, stateful_step_count=12, deadline=None,
                                            suppress_health_check=list(HealthCheck))
test_service_state_machine = ServiceMachine.TestCase
