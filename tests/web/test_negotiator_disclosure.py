"""Issue 8, finding 6: a negotiator never learns a wish, through any door. Detainees whose latest wishes are each of
return / remain / third_country / undecided, verified or not; every body the negotiator gets from the API, the pages,
the exports and the CLI (``--as negotiator``) is searched for the wish kinds, the wish and interview ids and the
names of who took or verified them. He learns "eligible" or "not eligible: no verified consent to return"."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from powbureau.domain.roles import Actor
from powbureau.services import cards, custody, exchanges, notify, registry

from .conftest import PASSWORD, add_person

OPERATOR = Actor("operator", "admin")
INTERVIEWER = Actor("kim.interviewer", "interviewer")
DELEGATE = Actor("icrc.delegate", "icrc_delegate")
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
#: The one phrase in which "return" may reach a negotiator: the rule itself, the same for everyone not eligible.
ALLOWED = "consent to return"
WISH_WORDS = re.compile(r"\b(return|remain|third[ _-]?country|undecided)\b", re.IGNORECASE)
NOT_ELIGIBLE = "not eligible: no verified consent to return"


@dataclass
class Case:
    """The persons by latest wish, the exchange, and every id or name that would betray a wish."""

    people: dict[str, str]  # label -> person id
    exchange: str
    secrets: list[str]


def take_wish(bureau, pid: str, kind: str, *, verify: bool, at: datetime = T0, **kw) -> list[str]:
    """A wish interview, the wish and (``verify``) the delegate's private interview; returns the ids made."""
    iv = custody.record_interview(bureau.uow, INTERVIEWER, pid, purpose="wish", language="ko", where="Camp 3",
                                  when=at, interpreter="Pak Chol", supplied_by="military intelligence")
    w = custody.record_wish(bureau.uow, INTERVIEWER, pid, kind, iv["id"], **kw)["wish"]
    ids = [iv["id"], w["id"]]
    if verify:
        pv = custody.record_interview(bureau.uow, DELEGATE, pid, purpose="icrc_private", language="ko",
                                      where="ICRC room", when=at + timedelta(hours=1), interpreter="Lee Soo-jin",
                                      supplied_by="independent")
        custody.verify_wish(bureau.uow, DELEGATE, w["id"], pv["id"])
        ids.append(pv["id"])
    return ids


@pytest.fixture()
def case(world) -> Case:
    """Eight detainees (one per latest wish, verified or not), an exchange the negotiator built: the verified
    returnee listed, one listed then withdrawn by a later wish to remain (a notice), the others refused."""
    b = world.bureau
    plan = {
        "return_verified": ("return", True), "return_unverified": ("return", False),
        "remain_verified": ("remain", True), "remain_unverified": ("remain", False),
        "third_verified": ("third_country", True), "third_unverified": ("third_country", False),
        "undecided_verified": ("undecided", True), "undecided_unverified": ("undecided", False),
        "withdrawn": ("return", True),
    }
    people, secrets = {}, ["kim.interviewer", "icrc.delegate", "Pak Chol", "Lee Soo-jin", "military intelligence"]
    for n, (label, (kind, verify)) in enumerate(plan.items()):
        pid = add_person(b, "detainee", [("name_full", f"Detainee Number {n}", "self_declared", "interview 1"),
                                         ("language", "ko", "observation", "interview 1"),
                                         ("serving_power", "KP", "self_declared", "interview 1")])
        for status in ("registered", "interned"):
            registry.change_status(b.uow, OPERATOR, pid, status, place="Camp 3", note="arrival")
        people[label] = pid
        secrets += take_wish(b, pid, kind, verify=verify, destination="SE" if kind == "third_country" else None)
    neg = Actor("negotiator", "negotiator")
    x = exchanges.create(b.uow, neg, "KP")["id"]
    exchanges.add_outgoing(b.uow, neg, x, people["return_verified"])
    exchanges.add_outgoing(b.uow, neg, x, people["withdrawn"])
    secrets += take_wish(b, people["withdrawn"], "remain", verify=False, at=T0 + timedelta(days=2))
    return Case(people, x, secrets)


def assert_discloses_no_wish(body: str, case: Case, where: str) -> None:
    """No wish kind (outside the rule's own words), no wish or interview id, no interviewer or delegate."""
    text = body.replace(ALLOWED, "").replace(ALLOWED.capitalize(), "")
    m = WISH_WORDS.search(text)
    assert m is None, f"{where} discloses a wish: ...{text[max(0, m.start() - 120):m.end() + 60]}..."
    low = body.casefold()
    for secret in case.secrets:
        assert secret.casefold() not in low, f"{where} names {secret!r}"


@pytest.fixture()
def neg_api(client, world):
    """``call(method, url, **kw)`` as the negotiator (HTTP Basic)."""
    def call(method: str, url: str, **kw):  # noqa: ANN202
        return client.request(method, url, auth=("negotiator", PASSWORD), **kw)
    return call


def test_the_api_tells_a_negotiator_eligibility_never_the_wish(neg_api, case, world):
    p, x = case.people, case.exchange
    bodies = {}
    for url in ["/api/wishes", f"/api/persons/{p['remain_verified']}/wishes", "/api/interviews",
                f"/api/interviews?person_id={p['remain_verified']}"]:
        r = neg_api("GET", url)
        assert r.status_code == 403, (url, r.text)  # not his to read
        bodies[url] = r.text
    for url in ["/api/exchanges", f"/api/exchanges/{x}", f"/api/exchanges/{x}/counterpart-view", "/api/eligibility",
                "/api/notices", *(f"/api/persons/{pid}" for pid in p.values()),
                "/api/eligibility?" + "&".join(f"person_id={pid}" for pid in p.values())]:
        r = neg_api("GET", url)
        assert r.status_code == 200, (url, r.text)
        bodies[url] = r.text
    for label in ("return_unverified", "remain_verified", "remain_unverified", "third_verified", "third_unverified",
                  "undecided_verified", "undecided_unverified", "withdrawn"):
        r = neg_api("POST", f"/api/exchanges/{x}/outgoing", json={"person_id": p[label]})
        assert r.status_code == 409 and r.json()["error"]["code"] == "refoulement_refused", r.text
        assert NOT_ELIGIBLE in r.json()["error"]["message"]
        bodies[f"refusal {label}"] = r.text
    r = neg_api("POST", f"/api/exchanges/{x}/transitions", json={"action": "propose"})
    bodies["propose"] = r.text
    for where, body in bodies.items():
        assert_discloses_no_wish(body, case, where)

    # He still learns what he needs: who is eligible, who left his list, and nothing that tells the others apart.
    rows = {e["person_id"]: e for e in neg_api("GET", "/api/eligibility").json()}
    assert rows[p["return_verified"]]["eligible"] and rows[p["return_verified"]]["checks"][0]["text"] == "eligible"
    refused = [{k: v for k, v in rows[pid].items() if k not in ("person_id", "name")}
               for label, pid in p.items() if label not in ("return_verified", "withdrawn")]
    assert all(r == refused[0] for r in refused) and refused[0]["checks"][0]["text"] == NOT_ELIGIBLE
    [notice] = neg_api("GET", "/api/notices").json()
    assert notice["person_id"] == p["withdrawn"] and "withdrawn: consent no longer verified" in notice["message"]
    shown = neg_api("GET", f"/api/exchanges/{x}").json()
    assert [e["person_id"] for e in shown["outgoing"]] == [p["return_verified"]]
    assert shown["withdrawals"][0]["reason"] == "withdrawn: consent no longer verified"


def test_staff_who_may_read_wishes_still_see_them(client, case):
    r = client.get("/api/wishes", auth=("auditor", PASSWORD))
    assert r.status_code == 200 and "remain" in r.text
    rows = {e["person_id"]: e for e in client.get("/api/eligibility", auth=("registrar", PASSWORD)).json()}
    assert "'remain'" in rows[case.people["remain_verified"]]["checks"][0]["text"]


def test_the_pages_tell_a_negotiator_eligibility_never_the_wish(browser_for, case):
    neg = browser_for("negotiator")
    p, x = case.people, case.exchange
    bodies = {}
    r = neg.get("/wishes")
    assert r.status_code == 403
    bodies["/wishes"] = r.text
    for url in ["/exchanges", f"/exchanges/{x}", *(f"/persons/{pid}" for pid in p.values())]:
        r = neg.get(url)
        assert r.status_code == 200, (url, r.text)
        bodies[url] = r.text
    assert NOT_ELIGIBLE in bodies[f"/exchanges/{x}"] and "consent no longer verified" in bodies[f"/exchanges/{x}"]
    for label in ("remain_verified", "third_unverified", "undecided_verified", "return_unverified"):
        page = neg.get(f"/exchanges/{x}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = neg.post(f"/exchanges/{x}/outgoing", data={"person_id": p[label], "csrf_token": token})
        assert r.status_code == 303
        flashed = neg.get(f"/exchanges/{x}").text  # the refusal comes back as a message on the page
        assert NOT_ELIGIBLE in flashed
        bodies[f"refused {label}"] = flashed
    for where, body in bodies.items():
        assert_discloses_no_wish(body, case, where)


def test_what_leaves_for_the_serving_power_carries_no_wish(client, case, world, tmp_path):
    """The counterpart view, the notifications (JSON, CSV) and the capture cards (PDF, text by pdftotext)."""
    b = world.bureau
    sent = client.get(f"/api/exchanges/{case.exchange}/counterpart-view", auth=("negotiator", PASSWORD))
    assert_discloses_no_wish(sent.text, case, "counterpart view")
    for doors in (lambda: notify.export(b.uow, Actor("negotiator", "negotiator"), tmp_path / "n"),
                  lambda: cards.export_cards(b.uow, Actor("negotiator", "negotiator"), tmp_path / "c")):
        with pytest.raises(Exception, match="may not notify.export"):
            doors()  # the negotiator cannot make them himself
    registrar = Actor("registrar", "registrar")
    out = notify.export(b.uow, registrar, tmp_path / "notifications")
    for path in (out["json"], out["csv"]):
        body = open(path, encoding="utf-8").read()
        assert case.people["remain_verified"] in body
        assert_discloses_no_wish(body, case, path)
    pdf = cards.export_cards(b.uow, registrar, tmp_path / "cards", list(case.people.values()))["pdf"]
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert case.people["remain_verified"] in text  # his card is there, and says nothing of his wish
    assert_discloses_no_wish(text, case, "capture cards PDF")


def test_the_cli_as_a_negotiator_tells_eligibility_never_the_wish(case, world, tmp_path):
    env = {**os.environ, "POWBUREAU_DB": world.bureau.uow.engine.url.render_as_string(hide_password=False),
           "COLUMNS": "200"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "powbureau", "--as", "negotiator", *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=300)

    p, x = case.people, case.exchange
    runs = {
        "show": cli("exchange", "show", x), "show --json": cli("exchange", "show", x, "--json"),
        "eligibility": cli("exchange", "eligibility"), "eligibility --json": cli("exchange", "eligibility", "--json"),
        "notices": cli("exchange", "notices"), "notices --json": cli("exchange", "notices", "--json"),
        "wishes": cli("interview", "wishes", p["remain_verified"]),
        "add remain": cli("exchange", "add", x, p["remain_verified"]),
        "add third": cli("exchange", "add", x, p["third_verified"], "--json"),
    }
    assert runs["wishes"].returncode == 1 and "may not wish.read" in runs["wishes"].stderr
    assert runs["add remain"].returncode == 1 and NOT_ELIGIBLE in runs["add remain"].stderr
    rows = {e["person_id"]: e for e in json.loads(runs["eligibility --json"].stdout)}
    assert rows[p["return_verified"]]["eligible"] and not rows[p["undecided_unverified"]]["eligible"]
    for what, run in runs.items():
        assert_discloses_no_wish(run.stdout + run.stderr, case, f"powbureau --as negotiator {what}")
