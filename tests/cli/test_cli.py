"""The CLI contract of DESIGN §5, driven as a user drives it: exit codes, one-line errors, --json output."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

AUS_MAP = "dva_id=external_id,name=name_full,date_of_birth=birth_date,place_of_birth=birth_place"


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}", "COLUMNS": "200"}

    def run(*args, ok=True):
        p = subprocess.run([sys.executable, "-m", "powbureau", *args], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=300)
        assert "Traceback" not in p.stderr, p.stderr
        if ok:
            assert p.returncode == 0, p.stderr
        return p

    run.db = tmp_path / "b.db"
    run.tmp = tmp_path
    return run


def test_init_prints_admin_password_once(cli):
    first = cli("init")
    assert "password" in first.stderr and "admin" in first.stderr
    assert "password" not in cli("init").stderr


def test_bad_input_gives_one_line_error_and_non_zero_exit(cli):
    cli("init")
    p = cli("import", "missing.csv", "--kind", "detainees", ok=False)
    assert p.returncode != 0 and p.stderr.startswith("error: ") and "no such file" in p.stderr.lower()
    (cli.tmp / "x.csv").write_text("external_id,favourite\n1,red\n")
    p = cli("import", "x.csv", "--kind", "detainees", ok=False)
    assert p.returncode != 0 and "favourite" in p.stderr
    assert "--map 'favourite=ignore'" in p.stderr  # the CLI keeps its own advice (the web page words its menu)
    p = cli("import", "x.csv", "--kind", "prisoners", ok=False)
    assert p.returncode != 0 and "detainees" in p.stderr
    p = cli("--as", "nobody", "search", "Kim", ok=False)
    assert p.returncode != 0 and "nobody" in p.stderr
    p = cli("show", "01NOSUCHPERSON", ok=False)
    assert p.returncode != 0 and "no person" in p.stderr


def test_role_is_checked_for_cli_users(cli):
    cli("init")
    cli("user", "add", "aud", "--role", "auditor")
    (cli.tmp / "a.csv").write_text("external_id,name_full\n1,Kim Chol\n")
    p = cli("--as", "aud", "import", "a.csv", "--kind", "detainees", ok=False)
    assert p.returncode != 0 and "may not list.import" in p.stderr


def test_done_when_of_the_foundation_issue(cli, shared_data):
    src = shared_data / "pow_australia_ww2" / "australia_ww2_pows.csv"
    cli("init")
    out = json.loads(cli("import", str(src), "--kind", "own_personnel", "--map", AUS_MAP, "--json").stdout)
    assert out["imported"] == 5000 and out["rejected"] == 0 and out["list_id"]
    hits = json.loads(cli("search", "ABBOT", "--json").stdout)
    assert hits and hits[0]["name"].startswith("ABBOTT")
    shown = json.loads(cli("show", hits[0]["person_id"], "--json").stdout)
    assert any(s["source_ref"].startswith(f"list:{out['list_id']}") for s in shown["statements"])
    assert cli("audit", "verify").returncode == 0
    con = sqlite3.connect(cli.db)
    con.execute("UPDATE audit_log SET detail = replace(detail, '5000', '4999') WHERE action = 'list.import'")
    con.commit()
    con.close()
    p = cli("audit", "verify", ok=False)
    assert p.returncode != 0 and "altered" in p.stderr


def test_document_add_and_judge_with_json_and_search_finds_the_holder(cli):
    cli("init")
    out = cli("import", str(_paek_csv(cli.tmp)), "--kind", "detainees", "--json")
    pid = json.loads(cli("search", "백광혁", "--json").stdout)[0]["person_id"]
    assert json.loads(out.stdout)["imported"] == 1
    doc = json.loads(cli("document", "add", pid, "--type", "military_id", "--issuer", "RU", "--number", "АК 4417290",
                         "--name", "Монгуш Айдыс Сергеевич", "--birth-date", "1999-07-14", "--json").stdout)
    assert doc["judgement"] is None and doc["issuing_state_name"] == "Russian Federation"
    bad = cli("document", "judge", doc["id"], "mine", "--reason", "x", ok=False)
    assert bad.returncode != 0 and bad.stderr.startswith("error: ") and "unknown judgement" in bad.stderr
    j = json.loads(cli("document", "judge", doc["id"], "other_person", "--reason", "photo does not fit",
                       "--json").stdout)
    assert j["line"] == "carried the Russian military ID of Монгуш Айдыс Сергеевич (judged: issued to another person)"
    for q in ("Mongush", "Монгуш"):
        hits = json.loads(cli("search", q, "--json").stdout)
        assert [h["person_id"] for h in hits] == [j["holder_id"]] and hits[0]["kind"] == "third_party"
    shown = json.loads(cli("show", pid, "--json").stdout)
    assert shown["resolved"]["name_full"] == "백광혁" and shown["extra"]["carried"] == [j["line"]]


def _paek_csv(tmp):
    path = tmp / "paek.csv"
    path.write_text("name_full,birth_date,serving_power\n백광혁,2001-03,KP\n", encoding="utf-8")
    return path
