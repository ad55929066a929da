"""``powbureau enquiry import | list | show | match | judge | answer`` as a user runs them (DESIGN §5): a hotline
file with an error is refused with its row and column; the good file's enquiry finds a man on a counterpart list
imported later and is answered in Ukrainian."""

from __future__ import annotations

import json


def test_enquiry_commands(powbureau_cli, tmp_path):
    run = powbureau_cli
    bad = tmp_path / "hotline.csv"
    bad.write_text("reference,enquirer_relationship,enquirer_language,name_full,birth_date\n"
                   "H-1,мати,uk,Шевченко Андрій,1998-04\nH-2,дружина,uk,Коваленко Ігор,1975-13\n", encoding="utf-8")
    p = run("enquiry", "import", bad, "--channel", "hotline", "--json")
    assert p.returncode == 1 and "row 3, column birth_date" in p.stderr
    bad.write_text(bad.read_text(encoding="utf-8").replace("1975-13", "1975"), encoding="utf-8")
    p = run("enquiry", "import", bad, "--channel", "hotline", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["imported"] == 2

    lst = tmp_path / "theirs.csv"
    lst.write_text("external_id,name_full,birth_date\nR-1,\"SHEVCHENKO, Andrii\",1998-04-02\n", encoding="utf-8")
    assert run("import", lst, "--kind", "counterpart_list", "--json").returncode == 0

    rows = json.loads(run("enquiry", "list", "--state", "possible_hit", "--json").stdout)
    assert [r["reference"] for r in rows] == ["H-1"]
    eid = rows[0]["id"]
    shown = json.loads(run("enquiry", "match", eid, "--json").stdout)
    target = shown["candidates"][0]["target"]
    assert target.startswith("row:")
    assert run("enquiry", "judge", eid, target, "confirmed", "--reason", "name and birth month").returncode == 0
    out = json.loads(run("enquiry", "answer", eid, "--json").stdout)
    assert out["outcome"] == "found" and "під вартою" in out["letter"]
    assert "answered" in run("enquiry", "show", eid).stdout
