"""Found by robustness testing: an --out path that cannot be written ends in a raw traceback, and for
`reconcile` after the database was already changed (candidate_pairs 0 -> 2, one more audit entry):
  powbureau reconcile LIST --against detainees --out /no/such/dir/x.csv   -> FileNotFoundError traceback
  powbureau notify export --out <a path under a regular file>             -> traceback
  powbureau cards export --out <an existing regular file>                 -> FileExistsError traceback
Expected: a one-line `error: …` naming the path, non-zero exit, and the database exactly as before."""

import json
import sqlite3

import pytest

TABLES = ("persons", "statements", "list_rows", "audit_log", "candidate_pairs")


@pytest.fixture
def cli(tmp_path, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    det = tmp_path / "det.csv"
    det.write_text("external_id,name_full,birth_date\nD1,Ivan Petrov,1990\nD2,Ivan Petrov,1990\n"
                   "D3,Kim Jong Su,1985\n", encoding="utf-8")
    assert run("import", str(det), "--kind", "detainees").returncode == 0
    run.tmp = tmp_path
    run.db = tmp_path / "b.db"
    return run


def _counts(db):
    with sqlite3.connect(db) as c:
        return [c.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES]


def _assert_clean_failure(p, before, db):
    assert "Traceback" not in p.stderr, p.stderr[-500:]
    assert p.returncode != 0
    assert p.stderr.startswith("error: ")
    assert _counts(db) == before


def test_reconcile_out_unwritable(cli):
    cp = cli.tmp / "cp.csv"
    cp.write_text("external_id,name_full,birth_date\nC1,Ivan Petrov,1990\nC2,Kim Jong Su,1985\n", encoding="utf-8")
    p = cli("import", str(cp), "--kind", "counterpart_list", "--json")
    list_id = json.loads(p.stdout)["list_id"]
    before = _counts(cli.db)
    p = cli("reconcile", list_id, "--against", "detainees", "--out", str(cli.tmp / "no" / "such" / "x.csv"))
    _assert_clean_failure(p, before, cli.db)


def test_notify_export_out_unwritable(cli):
    blocker = cli.tmp / "afile"
    blocker.write_text("x")
    before = _counts(cli.db)
    p = cli("notify", "export", "--out", str(blocker / "sub"))
    _assert_clean_failure(p, before, cli.db)


def test_cards_export_out_is_a_file(cli):
    blocker = cli.tmp / "afile"
    blocker.write_text("x")
    before = _counts(cli.db)
    p = cli("cards", "export", "--out", str(blocker))
    _assert_clean_failure(p, before, cli.db)
