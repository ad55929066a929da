"""Issue 5 "Done when", at the service level on the demo bureau (SQLite and PostgreSQL): the soldier who wants to go
home is verified, listed and exchanged; the one who wants to stay cannot be listed by any role; the capture cards
of both print with Hangul and Latin names; the notification export verifies and never mentions a wish."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from powbureau.domain.errors import PermissionDenied, RefoulementRefused
from powbureau.domain.roles import ROLES, Actor
from powbureau.services import cards, custody, exchanges, notify, registry
from powbureau.services.demo import seed_demo

OPERATOR = Actor("operator", "admin")


def test_demo_walks_through_the_motivating_case(bureau, tmp_path, monkeypatch):
    monkeypatch.setenv("POWBUREAU_KEY_DIR", str(tmp_path / "keys"))
    uow = bureau.uow
    demo = seed_demo(uow, OPERATOR)
    paek, ri = demo["motivating_case"]["paek"], demo["motivating_case"]["ri"]
    assert {u: v["role"] for u, v in demo["users"].items()}["delegate"] == "icrc_delegate"
    assert all(len(v["password"]) >= 10 for v in demo["users"].values())
    negotiator, delegate = Actor("negotiator", "negotiator"), Actor("delegate", "icrc_delegate")

    # Paek said "return" through the intelligence service's interpreter; the delegate confirmed it in private.
    ivs = {i["id"]: i for i in custody.list_interviews(uow, delegate, paek)}
    first, private = (ivs[i] for i in demo["interviews"]["paek"])
    assert first["purpose"] == "wish" and not first["independent_interpreter"]
    assert private["purpose"] == "icrc_private" and private["independent_interpreter"]
    assert private["conducted_by"] == "delegate" and private["without_witnesses"]
    paek_wishes = custody.wishes_of(uow, delegate, paek)
    assert paek_wishes["verified_return"] and paek_wishes["latest"]["verified_in"] == private["id"]
    assert custody.wishes_of(uow, delegate, ri)["latest"]["kind"] == "remain"

    # Ri cannot be listed, by any role.
    x = demo["exchange"]
    for role in ROLES:
        actor = Actor(f"demo.{role}", role)
        with pytest.raises(RefoulementRefused if actor.can("exchange.write") else PermissionDenied):
            exchanges.add_outgoing(uow, actor, x, ri)

    # Paek is listed, the exchange agreed and executed; both sides' statuses follow.
    exchanges.add_outgoing(uow, negotiator, x, paek)
    exchanges.transition(uow, negotiator, x, "propose")
    exchanges.transition(uow, negotiator, x, "agree")
    done = exchanges.execute(uow, negotiator, x, crossed=[paek], arrived=demo["counterpart_rows"], place="Checkpoint")
    assert done["state"] == "executed" and done["reconciliation"]["counts"]["crossed"] == 3
    assert [e["person_id"] for e in done["outgoing"]] == [paek]
    assert registry.show(uow, OPERATOR, paek).status == "repatriated"
    assert registry.show(uow, OPERATOR, ri).status == "interned"
    own = [e["person_id"] for e in done["incoming"]]
    assert all(registry.show(uow, OPERATOR, pid).status == "returned" for pid in own)

    # Capture cards of both, with Hangul and Latin names.
    out = cards.export_cards(uow, OPERATOR, tmp_path / "cards", [paek, ri])
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", out["pdf"], "-"], capture_output=True, text=True, check=True).stdout
        for name in ("백", "광혁", "Paek", "Kwang-hyok", "리", "성철", "Ri", "Song-chol"):
            assert name in text, name

    # The notification export verifies and never says that Ri wants to remain.
    r = notify.export(uow, OPERATOR, tmp_path / "notify")
    for path in (r["json"], r["csv"]):
        assert notify.verify(path, url=bureau.url)["verified"]
        text = Path(path).read_text(encoding="utf-8").lower()
        assert "remain" not in text and "wish" not in text
        assert ri.lower() in text and paek.lower() in text  # both are notified, neither wish is told
