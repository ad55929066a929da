"""Issue 5 through the command line, on the demo bureau: the wish to remain refused for every role that tries, the
verified returnee listed and exchanged, notifications exported, signed and verified, capture cards printed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}", "COLUMNS": "200"}
    env.pop("POWBUREAU_KEY_DIR", None)

    def run(*args, ok=True):
        p = subprocess.run([sys.executable, "-m", "powbureau", *args], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=300)
        assert "Traceback" not in p.stderr, p.stderr
        if ok:
            assert p.returncode == 0, p.stderr
        return p

    run.tmp = tmp_path
    return run


def test_motivating_case_through_the_cli(cli):
    demo = json.loads(cli("demo", "--json").stdout)
    paek, ri, x = demo["motivating_case"]["paek"], demo["motivating_case"]["ri"], demo["exchange"]

    for who in ("negotiator", "operator"):  # the roles that may write exchanges: refused by the rule
        p = cli("--as", who, "exchange", "add", x, ri, ok=False)
        assert p.returncode == 1 and p.stderr.startswith("error: ") and "cannot be listed for handover" in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1
    p = cli("--as", "delegate", "exchange", "add", x, ri, ok=False)  # a role that may not: refused by the role
    assert p.returncode == 1 and "may not exchange.write" in p.stderr

    p = cli("--as", "negotiator", "interview", "wish", ri, "return", "--interview", demo["interviews"]["ri"][0],
            ok=False)
    assert p.returncode == 1 and "may not wish.write" in p.stderr  # a wish recorded by the wrong role

    eligibility = json.loads(cli("--as", "negotiator", "exchange", "eligibility", ri, paek, "--json").stdout)
    assert {e["person_id"]: e["eligible"] for e in eligibility} == {ri: False, paek: True}

    cli("--as", "negotiator", "exchange", "add", x, paek)
    cli("--as", "negotiator", "exchange", "propose", x)
    p = cli("--as", "negotiator", "exchange", "close", x, ok=False)
    assert p.returncode == 1 and "cannot go from proposed to closed" in p.stderr
    cli("--as", "negotiator", "exchange", "agree", x)
    p = cli("--as", "negotiator", "exchange", "execute", x, "--crossed", ri, ok=False)
    assert p.returncode == 1 and "not on its outgoing list" in p.stderr  # nothing changed
    rows = demo["counterpart_rows"]
    done = json.loads(cli("--as", "negotiator", "exchange", "execute", x, "--crossed", paek, "--arrived", rows[0],
                          "--arrived", rows[1], "--place", "Checkpoint 4", "--json").stdout)
    assert done["state"] == "executed" and done["reconciliation"]["counts"]["crossed"] == 3
    assert json.loads(cli("show", paek, "--json").stdout)["status"] == "repatriated"
    assert json.loads(cli("show", ri, "--json").stdout)["status"] == "interned"

    waiting = json.loads(cli("interview", "waiting", "--json").stdout)
    assert waiting and all(w["languages"] == ["tyv"] for w in waiting)  # Korean is covered by an ICRC interpreter

    out = json.loads(cli("notify", "export", "--out", "out", "--json").stdout)
    assert (cli.tmp / "keys").is_dir()  # the key lives next to the database, not in the repository
    for path in (out["json"], out["csv"]):
        assert "signature OK" in cli("notify", "verify", path).stdout
        assert "remain" not in (cli.tmp / path).read_text(encoding="utf-8")
    with open(cli.tmp / out["csv"], "a", encoding="utf-8") as fh:
        fh.write("x\r\n")
    p = cli("notify", "verify", out["csv"], ok=False)
    assert p.returncode == 1 and "changed after it was signed" in p.stderr

    due = json.loads(cli("notify", "due", "--json").stdout)
    assert not [d for d in due if d["person_id"]]  # what was exported was recorded as sent: it left the due list
    made = json.loads(cli("cards", "export", "--out", "cards", "--person", paek, "--person", ri, "--json").stdout)
    assert made["cards"] == 2 and made["export_id"] is None  # printed, not sent
    sent = json.loads(cli("cards", "export", "--out", "cards", "--person", ri, "--record-sent", "--json").stdout)
    assert sent["cards"] == 1 and sent["export_id"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(cli.tmp / made["pdf"]), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert all(n in text for n in ("백", "광혁", "Paek", "Kwang-hyok", "리", "성철", "Song-chol"))
