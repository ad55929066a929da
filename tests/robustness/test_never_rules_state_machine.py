"""Issue 8: a stateful property test that drives the bureau through every door a handover can come through and checks
non-refoulement against the test's OWN model of the rules, never against the code under test.

Doors: interviews stated in the far future, the near future and the past; wishes of every kind, in any order; the
delegate's verification through interpreters named in any spelling or script and whatever the interview claims
about them; roster changes by every role; same-person links and un-links between duplicate records; every status
by every role; exchanges listed, proposed, agreed, reopened and executed.

The model (plain Python in this file) knows: the order in which the bureau recorded wishes; which interpreter the
roster holds as independent (only a delegate's entry counts, any interested entry with a similar name spoils it);
which records are linked. Whenever a detainee reaches ``repatriated`` or ``transferred_to_power``, the model must
agree that the latest wish over all his linked records is a verified return (or third country) and no linked record
still holds another wish. Reverting any of the fixes of findings 1-4 makes this fail (checked by hand when written:
ordering by stated time, unlinked wishes, interview-declared independence, ungated ``transferred_to_power``)."""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from custody_world import add_person  # noqa: E402

from powbureau.domain.errors import PowBureauError  # noqa: E402
from powbureau.domain.roles import ROLES, Actor  # noqa: E402
from powbureau.services import custody, exchanges, linkage, registry  # noqa: E402
from fresh import fresh_bureau  # noqa: E402
from powbureau.store.tables import candidate_pairs  # noqa: E402

ACTORS = {role: Actor(f"u.{role}", role) for role in ROLES}
DELEGATE, INTERVIEWER, NEGOTIATOR = ACTORS["icrc_delegate"], ACTORS["interviewer"], ACTORS["negotiator"]
ADMIN = ACTORS["admin"]
#: spellings of two interpreters: Lee (independent when the delegate says so) and Pak (an interested party's)
SPELLINGS = {"Lee Min": "lee", "lee  min ": "lee", "Pak Chol": "pak", "PAK CHOL": "pak", "Пак Чол": "pak",
             "Nobody Known": "nobody"}
OFFSETS = [timedelta(days=-400), timedelta(days=-1), timedelta(0), timedelta(minutes=3), timedelta(days=2),
           timedelta(days=3650)]
HANDOVER = {"repatriated": {"return"}, "transferred_to_power": {"return", "third_country"}}


class _Fixed:
    """Stands in for hypothesis' ``data`` when a compound rule calls a rule that draws: returns ``value``."""

    def __init__(self, value):
        self.value = value

    def draw(self, _strategy):
        return self.value


class NeverRules(RuleBasedStateMachine):
    """Random calls through the services; the model in this class is the oracle."""

    @initialize()
    def setup(self):
        self.dir = tempfile.TemporaryDirectory()
        self.bureau = fresh_bureau(self.dir.name)  # a copy of the migrated template
        uow = self.bureau.uow
        mk = [("name_full", "백광혁", "self_declared"), ("language", "ko", "observation")]
        self.people = [add_person(self.bureau, "detainee", mk, ("registered", "interned")) for _ in range(3)]
        a, b, c = self.people
        with uow.transaction() as conn:  # candidate pairs a~b and b~c: links make clusters, transitively
            self.pairs = [conn.execute(candidate_pairs.insert().values(
                left_id=x, right_id=y, score=0.9, explanation="{}", run_id="t", created_at=datetime.now(UTC)))
                .inserted_primary_key[0] for x, y in ((a, b), (b, c))]
        self.pair_ends = {self.pairs[0]: (a, b), self.pairs[1]: (b, c)}
        custody.add_interpreter(uow, DELEGATE, "Lee Min", ["ko"], "independent")
        custody.add_interpreter(uow, ADMIN, "Pak Chol", ["ko"], "state security")
        # --- the model ---
        self.roster = {"lee": "independent", "pak": "state security"}
        self.links: set[int] = set()
        self.interviews: dict[str, tuple[str, str, str | None]] = {}  # id -> person, purpose, model interpreter
        self.wishes: dict[str, dict] = {}  # id -> person, kind, seq, verified
        self.seq = 0
        self.x = exchanges.create(uow, NEGOTIATOR, "KP")["id"]

    def teardown(self):
        self.bureau.uow.engine.dispose()
        self.dir.cleanup()

    # ----- the model's view of consent ------------------------------------------------------------------------
    def cluster(self, pid: str) -> set[str]:
        seen, todo = {pid}, [pid]
        while todo:
            p = todo.pop()
            for pair in self.links:
                x, y = self.pair_ends[pair]
                for n in ((y,) if p == x else (x,) if p == y else ()):
                    if n not in seen:
                        seen.add(n)
                        todo.append(n)
        return seen

    def allowed(self, pid: str, kinds: set[str]) -> bool:
        ws = [w for w in self.wishes.values() if w["person"] in self.cluster(pid)]
        if not ws:
            return False
        latest = max(ws, key=lambda w: w["seq"])
        if latest["kind"] not in kinds or not latest["verified"]:
            return False
        for rec in self.cluster(pid):
            own = [w for w in ws if w["person"] == rec]
            if own and max(own, key=lambda w: w["seq"])["kind"] not in kinds:
                return False
        return True

    def status(self, pid: str) -> str:
        return registry.show(self.bureau.uow, ADMIN, pid).status

    def check_handovers(self, before: dict[str, str]) -> None:
        for pid in self.people:
            now = self.status(pid)
            if now != before[pid]:
                event(f"status -> {now}")
            if now != before[pid] and now in HANDOVER:
                assert self.allowed(pid, HANDOVER[now]), f"{pid} handed over ({now}) without the model's consent"

    # ----- doors ---------------------------------------------------------------------------------------------
    @rule(who=st.integers(0, 2), private=st.booleans(), offset=st.sampled_from(OFFSETS),
          spelling=st.sampled_from([None, *SPELLINGS]), claim=st.sampled_from([None, "independent", "state security"]))
    def interview(self, who, private, offset, spelling, claim):
        pid = self.people[who]
        when = datetime.now(UTC) + offset
        try:
            iv = custody.record_interview(
                self.bureau.uow, DELEGATE if private else INTERVIEWER, pid,
                purpose="icrc_private" if private else "wish", language="ko", where="Camp", when=when,
                interpreter=spelling, supplied_by=claim, present=[spelling] if spelling else [])
        except PowBureauError as exc:
            event(f"interview refused: {type(exc).__name__}")
            return
        assert offset <= timedelta(minutes=5), "an interview stated far in the future was accepted"
        self.interviews[iv["id"]] = (pid, iv["purpose"], SPELLINGS.get(spelling) if spelling else None)
        self.last_interview = iv["id"]
        if iv["independent_interpreter"]:
            assert self.roster.get(SPELLINGS[spelling]) == "independent", "an interview overrode the roster"

    @rule(data=st.data(), kind=st.sampled_from(["return", "remain", "third_country", "undecided"]))
    def record_wish(self, data, kind):
        if not self.interviews:
            return
        iid = data.draw(st.sampled_from(sorted(self.interviews)))
        pid, purpose, _ = self.interviews[iid]
        actor = DELEGATE if purpose == "icrc_private" else INTERVIEWER
        before = {p: self.status(p) for p in self.people}
        try:
            w = custody.record_wish(self.bureau.uow, actor, pid, kind, iid,
                                    destination="KR" if kind == "third_country" else None)["wish"]
        except PowBureauError:
            return
        self.seq += 1
        self.wishes[w["id"]] = {"person": pid, "kind": kind, "seq": self.seq, "verified": False}
        self.last_wish = w["id"]
        self.check_handovers(before)

    @rule(who=st.sampled_from([0, 0, 1, 2]), kind=st.sampled_from(["return", "remain"]),
          offset=st.sampled_from([timedelta(days=-400), timedelta(hours=-1)]),
          spelling=st.sampled_from(["Lee Min", "lee  min ", "Lee Min", "Pak Chol", "Пак Чол"]),
          claim=st.sampled_from([None, None, "independent"]), verify=st.booleans())
    def say_and_verify(self, who, kind, offset, spelling, claim, verify):
        """The common path in one step (so that handovers are reached often): a wish interview stated at
        ``offset``, the wish, and the delegate's private interview through ``spelling`` to verify it."""
        n = len(self.interviews)
        self.interview(who, False, offset, "Lee Min", None)
        if len(self.interviews) == n:
            return
        n = len(self.wishes)
        self.record_wish(_Fixed(self.last_interview), kind)
        if not verify or len(self.wishes) == n:
            return
        n = len(self.interviews)
        self.interview(who, True, timedelta(0), spelling, claim)
        if len(self.interviews) > n:
            self._verify(self.last_wish, self.last_interview)

    @rule(data=st.data())
    def verify(self, data):
        if not self.wishes or not self.interviews:
            return
        self._verify(data.draw(st.sampled_from(sorted(self.wishes))), data.draw(st.sampled_from(sorted(self.interviews))))

    def _verify(self, wid: str, iid: str) -> None:
        try:
            custody.verify_wish(self.bureau.uow, DELEGATE, wid, iid)
        except PowBureauError:
            return
        pid, purpose, interp = self.interviews[iid]
        assert purpose == "icrc_private" and pid == self.wishes[wid]["person"]
        assert interp is None or self.roster.get(interp) == "independent", "verified through an interested party"
        self.wishes[wid]["verified"] = True
        event("wish verified")

    @rule(role=st.sampled_from(ROLES), spelling=st.sampled_from(["Lee Min", "Pak Chol", "pak chol", "Пак Чол"]),
          supplier=st.sampled_from(["independent", "state security"]))
    def roster_change(self, role, spelling, supplier):
        try:
            custody.add_interpreter(self.bureau.uow, ACTORS[role], spelling, ["ko"], supplier)
        except PowBureauError:
            return
        assert supplier != "independent" or role == "icrc_delegate", f"{role} marked an interpreter independent"
        self.roster[SPELLINGS[spelling] if spelling in SPELLINGS else "pak"] = supplier

    @rule(pair=st.integers(0, 1), judgement=st.sampled_from(["match", "no_match"]))
    def judge(self, pair, judgement):
        pid = self.pairs[pair]
        before = {p: self.status(p) for p in self.people}
        linkage.judge(self.bureau.uow, ADMIN, pid, judgement, "")
        (self.links.add if judgement == "match" else self.links.discard)(pid)
        self.check_handovers(before)

    @rule(who=st.sampled_from([0, 0, 1, 2]), role=st.sampled_from(["admin", "registrar", "negotiator"]),
          status=st.sampled_from(["repatriated", "repatriated", "transferred_to_power", "released",
                                 "hospitalised"]))
    def change_status(self, who, role, status):
        before = {p: self.status(p) for p in self.people}
        try:
            registry.change_status(self.bureau.uow, ACTORS[role], self.people[who], status, place="border")
        except PowBureauError as exc:
            event(f"status refused: {type(exc).__name__}")
            return
        self.check_handovers(before)

    @rule(who=st.just(0), offset=st.sampled_from([timedelta(days=-400), timedelta(hours=-1)]),
          kind=st.sampled_from(["remain", "undecided"]), status=st.sampled_from(["repatriated", "transferred_to_power"]))
    def change_of_mind_then_handover(self, who, offset, kind, status):
        """A change of mind entered from an interview stated at ``offset`` (often back-dated), then an attempt to
        hand him over at once: the door that ordering by stated time left open."""
        self.say_and_verify(who, kind, offset, "Lee Min", None, False)
        self.change_status(who, "registrar", status)

    @rule(who=st.sampled_from([0, 0, 1, 2]))
    def verified_return(self, who):
        """The happy path, often: a wish to return taken an hour ago, verified now through the independent
        interpreter (the state from which every side door above is tried)."""
        self.say_and_verify(who, "return", timedelta(hours=-1), "Lee Min", None, True)

    @rule(data=st.data(), status=st.sampled_from(["repatriated", "transferred_to_power"]))
    def try_handover(self, data, status):
        """Aim at the interesting cases: a person on whose record (or a linked one) a verified wish exists."""
        # (not person 0: he is kept in custody for the change-of-mind door above)
        hopeful = sorted({w["person"] for w in self.wishes.values() if w["verified"]} - {self.people[0]})
        if not hopeful:
            return
        pid = data.draw(st.sampled_from(hopeful))
        self.change_status(self.people.index(pid), "registrar", status)

    @rule(who=st.integers(0, 2), verb=st.sampled_from(["add", "propose", "agree", "reopen", "execute"]))
    def exchange(self, who, verb):
        uow = self.bureau.uow
        before = {p: self.status(p) for p in self.people}
        try:
            if verb == "add":
                exchanges.add_outgoing(uow, NEGOTIATOR, self.x, self.people[who])
            elif verb == "execute":
                listed = [e["person_id"] for e in exchanges.show(uow, ADMIN, self.x)["outgoing"]]
                exchanges.execute(uow, NEGOTIATOR, self.x, crossed=listed)
            else:
                exchanges.transition(uow, NEGOTIATOR, self.x, verb)
        except PowBureauError:
            return
        if verb == "execute":
            self.x = exchanges.create(uow, NEGOTIATOR, "KP")["id"]
        self.check_handovers(before)


NeverRules.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None,
                                        suppress_health_check=list(HealthCheck))
test_never_rules_hold_through_every_door = NeverRules.TestCase
