"""Found by robustness testing: `user add kim` and `user add Kim` both succeed, giving two accounts (possibly
with different roles) whose names differ only by case — in the audit log and on screen they read as the same
person. User names should be unique case-insensitively: the second `user add` refused with a clear reason."""

import sqlite3


def test_user_names_differing_only_by_case_are_refused(tmp_path, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    assert run("user", "add", "kim", "--role", "registrar").returncode == 0
    with sqlite3.connect(tmp_path / "b.db") as c:
        before = c.execute("select count(*) from users").fetchone()[0]
    p = run("user", "add", "Kim", "--role", "admin")
    assert "Traceback" not in p.stderr
    assert p.returncode != 0, p.stdout
    assert p.stderr.startswith("error: ")
    with sqlite3.connect(tmp_path / "b.db") as c:
        assert c.execute("select count(*) from users").fetchone()[0] == before
