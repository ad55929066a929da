"""Found by robustness testing of `powbureau audit verify`:
  * deleting every row of audit_log and audit_head on a populated database -> "audit log intact: 0 entries",
    exit 0 (init itself writes entries, so an empty chain next to persons is proof of tampering);
  * dropping the audit_log table -> a raw SQLAlchemy traceback instead of a one-line error."""

import os
import sqlite3
import subprocess
import sys


def _env(tmp_path):
    return {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}"}


def _run(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "powbureau", *args], capture_output=True, text=True,
                          env=_env(tmp_path), cwd=tmp_path, timeout=300)


def _populated(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    f = tmp_path / "l.csv"
    f.write_text("external_id,name_full\nA1,Ivan Petrov\nA2,Kim Jong Su\n", encoding="utf-8")
    assert _run(tmp_path, "import", str(f), "--kind", "detainees").returncode == 0
    assert _run(tmp_path, "audit", "verify").returncode == 0
    return tmp_path / "b.db"


def test_wiped_audit_log_does_not_verify(tmp_path):
    db = _populated(tmp_path)
    with sqlite3.connect(db) as c:
        c.execute("delete from audit_log")
        c.execute("delete from audit_head")
    p = _run(tmp_path, "audit", "verify")
    assert p.returncode != 0, f"a wiped audit log verified: {p.stdout}"


def test_missing_audit_table_gives_one_line_error(tmp_path):
    db = _populated(tmp_path)
    with sqlite3.connect(db) as c:
        c.execute("drop table audit_log")
    p = _run(tmp_path, "audit", "verify")
    assert p.returncode != 0
    assert "Traceback" not in p.stderr, p.stderr[-600:]
    assert p.stderr.startswith("error: ")
