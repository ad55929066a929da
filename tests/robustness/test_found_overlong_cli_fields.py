"""Found by robustness testing: CLI text options longer than their columns are stored as-is on SQLite (which
ignores VARCHAR lengths) and would fail with a raw DataError on PostgreSQL:
  powbureau status ID hospitalised --place "$(python3 -c 'print("P"*5000)')"  -> exit 0, 5000 chars in a VARCHAR(200)
  powbureau status ID interned --place H --note <5000 chars>                   -> exit 0, VARCHAR(500)
  powbureau exchange create <5000 chars>                                      -> exit 0, VARCHAR(200)
The API limits the same fields (place max 200); the CLI/services should refuse with a one-line reason naming
the field and its limit, and write nothing."""

import sqlite3

import pytest

LONG = "P" * 5000


def _counts(db):
    with sqlite3.connect(db) as c:
        return [c.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("persons", "statements", "status_events", "exchanges", "audit_log")]


@pytest.mark.parametrize("case", ["place", "note", "counterpart"])
def test_overlong_cli_text_is_refused(tmp_path, case, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    f = tmp_path / "d.csv"
    f.write_text("external_id,name_full\nD1,Ivan Petrov\n", encoding="utf-8")
    assert run("import", str(f), "--kind", "detainees").returncode == 0
    db = tmp_path / "b.db"
    with sqlite3.connect(db) as c:
        pid = c.execute("select id from persons").fetchone()[0]
    before = _counts(db)
    if case == "place":
        p = run("status", pid, "registered", "--place", LONG)
    elif case == "note":
        p = run("status", pid, "registered", "--place", "Camp 1", "--note", LONG)
    else:
        p = run("exchange", "create", LONG)
    assert "Traceback" not in p.stderr
    assert p.returncode != 0, f"{case}: 5000 characters accepted"
    assert p.stderr.startswith("error: ")
    assert _counts(db) == before
