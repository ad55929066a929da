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
