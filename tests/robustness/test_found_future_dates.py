"""Found by robustness testing: an import with a birth date and a capture date in the future is stored
without a word; a date that has not happened yet is a data error to report as `row N, column C`."""

import os
import sqlite3
import subprocess
import sys


def _run(tmp_path, *args):
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}"}
    return subprocess.run([sys.executable, "-m", "powbureau", *args], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=300)


def _counts(db):
    with sqlite3.connect(db) as c:
        return [c.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("persons", "statements", "list_rows", "audit_log")]


def test_future_birth_date_is_refused_with_row_and_column(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    f = tmp_path / "future.csv"
    f.write_text("external_id,name_full,birth_date\n1,Ivan Petrov,2999-01-01\n", encoding="utf-8")
    before = _counts(tmp_path / "b.db")
    p = _run(tmp_path, "import", str(f), "--kind", "detainees")
    assert "Traceback" not in p.stderr
    assert p.returncode != 0, p.stdout
    assert "row 2" in p.stderr and "birth_date" in p.stderr
    assert _counts(tmp_path / "b.db") == before


def test_future_capture_date_is_refused_with_row_and_column(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    f = tmp_path / "future_capture.csv"
    f.write_text("external_id,name_full,capture_date\n1,Ivan Petrov,2999-06-01\n", encoding="utf-8")
    before = _counts(tmp_path / "b.db")
    p = _run(tmp_path, "import", str(f), "--kind", "detainees")
    assert p.returncode != 0, p.stdout
    assert "row 2" in p.stderr and "capture_date" in p.stderr
    assert _counts(tmp_path / "b.db") == before
