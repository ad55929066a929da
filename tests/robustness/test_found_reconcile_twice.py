"""Found by robustness testing: reconciling the same counterpart list a second time (e.g. to write the report
again with --out, or after new detainees were registered) crashes with a raw traceback:
  powbureau reconcile LIST --against detainees     (twice)
  -> sqlite3.IntegrityError: UNIQUE constraint failed: candidate_pairs.left_id, candidate_pairs.right_id
Reconcile must be repeatable (or refuse with a one-line reason), never a traceback."""

import json
import sqlite3


def test_reconcile_can_run_twice_on_a_list_with_ambiguous_rows(tmp_path, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    det = tmp_path / "det.csv"
    det.write_text("external_id,name_full,birth_date\nD1,Ivan Petrov,1990\nD2,Ivan Petrov,1990\n"
                   "D3,Kim Jong Su,1985\n", encoding="utf-8")
    cp = tmp_path / "cp.csv"
    cp.write_text("external_id,name_full,birth_date\nC1,Ivan Petrov,1990\nC2,Kim Jong Su,1985\n",
                  encoding="utf-8")
    assert run("import", str(det), "--kind", "detainees").returncode == 0
    p = run("import", str(cp), "--kind", "counterpart_list", "--json")
    assert p.returncode == 0, p.stderr
    list_id = json.loads(p.stdout)["list_id"]
    first = run("reconcile", list_id, "--against", "detainees", "--json")
    assert first.returncode == 0, first.stderr
    assert "ambiguous" in first.stdout
    second = run("reconcile", list_id, "--against", "detainees", "--out", str(tmp_path / "again.csv"), "--json")
    assert "Traceback" not in second.stderr, second.stderr[-800:]
    assert second.returncode == 0, second.stderr[-800:]
    assert (tmp_path / "again.csv").exists()
    with sqlite3.connect(tmp_path / "b.db") as c:
        assert c.execute("select count(*) from persons").fetchone()[0] == 3
