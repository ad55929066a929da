"""Found by robustness testing: `powbureau status PERSON repatriated` moves a detainee whose latest wish is a
*verified 'remain'* to `repatriated` (exit 0). The exchange path refuses to list him (non-refoulement,
DESIGN §2), but the plain status command is a back door around that rule: it must be refused with a clear
reason, and the database must be unchanged."""

import json
import sqlite3


def test_status_repatriated_is_refused_for_a_verified_remain(tmp_path, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    assert run("demo").returncode == 0
    db = tmp_path / "b.db"
    with sqlite3.connect(db) as c:
        ids = [r[0] for r in c.execute("select id from persons where kind='detainee' and status='interned'")]
    target = None
    for pid in ids:
        w = json.loads(run("interview", "wishes", pid, "--json").stdout)
        latest = w.get("latest") or {}
        if latest.get("kind") == "remain" and latest.get("verified"):
            target = pid
            break
    assert target, "the demo bureau has no interned detainee with a verified wish to remain"
    with sqlite3.connect(db) as c:
        before = [c.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("persons", "statements", "status_events", "audit_log")]
    p = run("status", target, "repatriated", "--place", "border crossing")
    assert "Traceback" not in p.stderr
    assert p.returncode != 0, f"a detainee who verifiably wishes to remain was repatriated: {p.stdout}"
    assert p.stderr.startswith("error: ")
    with sqlite3.connect(db) as c:
        after = [c.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("persons", "statements", "status_events", "audit_log")]
        status = c.execute("select status from persons where id=?", (target,)).fetchone()[0]
    assert status == "interned" and after == before
