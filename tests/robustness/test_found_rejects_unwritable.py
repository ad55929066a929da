"""Found by robustness testing: `import --skip-invalid --rejects PATH` where PATH cannot be written (a folder,
or a file in a missing folder) COMMITS the valid rows, then crashes with a traceback
(IsADirectoryError / FileNotFoundError) and exit 1: a half-done operation — the rows are in the database, the
rejects are lost, and a re-run is refused as "already imported".
  powbureau import sk2.csv --kind detainees --skip-invalid --rejects /tmp      -> traceback, persons 0 -> 1
Expected: a one-line error naming the rejects path, and the database exactly as before."""

import sqlite3

import pytest


@pytest.mark.parametrize("where", ["directory", "missing_folder"])
def test_unwritable_rejects_file_writes_nothing(tmp_path, where, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    f = tmp_path / "l.csv"
    f.write_text("external_id,name_full,birth_date\nB1,Ivan Petrov,1990-02-30\nB2,Kim Su,1990\n", encoding="utf-8")
    rejects = tmp_path if where == "directory" else tmp_path / "no" / "such" / "r.csv"
    db = tmp_path / "b.db"

    def counts():
        with sqlite3.connect(db) as c:
            return [c.execute(f"select count(*) from {t}").fetchone()[0]
                    for t in ("persons", "statements", "list_rows", "audit_log")]

    before = counts()
    p = run("import", str(f), "--kind", "detainees", "--skip-invalid", "--rejects", str(rejects))
    assert "Traceback" not in p.stderr, p.stderr[-500:]
    assert p.returncode != 0
    assert p.stderr.startswith("error: ")
    assert counts() == before, "valid rows were committed although the command failed"
