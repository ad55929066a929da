"""Found by robustness testing (issue 8, finding 5): changes made with sqlite3 to the file went unnoticed by
`powbureau audit verify`: an edited statement value, a deleted `remain` wish, the last entries deleted and the
head rewound, an entry altered with the unkeyed SHA-256 chain recomputed. Each must now be named."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime


def _demo(run) -> sqlite3.Connection:
    assert run("init").returncode == 0
    assert run("demo").returncode == 0
    ok = run("audit", "verify", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rows"] > 50
    return sqlite3.connect(run.db)


def _fails_naming(run, *needles, against=None) -> str:
    args = ["audit", "verify", "--json"] + (["--against", str(against)] if against else [])
    p = run(*args)
    assert p.returncode != 0, f"tampering went unnoticed: {p.stdout}"
    assert "Traceback" not in p.stderr and p.stderr.startswith("error: ")
    out = json.loads(p.stdout)
    assert out["ok"] is False
    for n in needles:
        assert n in p.stderr, (n, p.stderr)
    return p.stderr


def test_update_of_a_statement_value_is_named(powbureau_cli):
    c = _demo(powbureau_cli)
    sid, pid = c.execute("select id, person_id from statements where prop = 'name_full' limit 1").fetchone()
    with c:
        c.execute("update statements set value = 'Someone Else' where id = ?", (sid,))
    _fails_naming(powbureau_cli, f"statements row {sid} (person {pid}) was edited")


def test_delete_of_a_remain_wish_is_named(powbureau_cli):
    c = _demo(powbureau_cli)
    wid, pid = c.execute("select id, person_id from wishes where kind = 'remain' limit 1").fetchone()
    with c:
        c.execute("delete from wish_verifications where wish_id = ?", (wid,))
        c.execute("delete from wishes where id = ?", (wid,))
    _fails_naming(powbureau_cli, f"wishes row {wid} (person {pid}), recorded in audit entry")
    p = powbureau_cli("status", pid, "repatriated", "--place", "border")
    assert p.returncode != 0 and "fail their hash check" in p.stderr, p.stderr


def test_deleted_last_entries_and_rewound_head_are_found_against_checkpoint(powbureau_cli, tmp_path):
    c = _demo(powbureau_cli)
    cp = tmp_path / "head.json"
    p = powbureau_cli("audit", "checkpoint", "--out", cp, "--json")
    assert p.returncode == 0, p.stderr
    seq = json.loads(cp.read_text())["seq"]
    with c:
        c.execute("delete from audit_log where seq > ?", (seq - 3,))
        c.execute("update audit_head set seq = ?, hash = (select hash from audit_log where seq = ?)",
                  (seq - 3, seq - 3))
    _fails_naming(powbureau_cli, f"entries {seq - 2}-{seq} were removed and the head rewound", against=cp)


def test_altered_entry_with_recomputed_plain_sha256_chain_is_found(powbureau_cli):
    c = _demo(powbureau_cli)
    prev = "0" * 64
    rows = c.execute("select seq, at, actor, action, target, detail from audit_log order by seq").fetchall()
    with c:
        for seq, at, actor, action, target, detail in rows:
            if seq == 3:
                actor = "mallory"
            stamp = datetime.fromisoformat(at).replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            h = hashlib.sha256("\x1e".join([prev, str(seq), stamp, actor, action, target, detail]).encode()).hexdigest()
            c.execute("update audit_log set actor = ?, prev_hash = ?, hash = ? where seq = ?", (actor, prev, h, seq))
            prev = h
        c.execute("update audit_head set hash = ?", (prev,))
    _fails_naming(powbureau_cli, "audit entry 1 ", "keyed hash does not match")


def test_checkpoint_and_verify_against_on_an_intact_log(powbureau_cli, tmp_path):
    _demo(powbureau_cli)
    cp = tmp_path / "head.json"
    assert powbureau_cli("audit", "checkpoint", "--out", cp).returncode == 0
    assert oct(cp.stat().st_mode)  # written
    p = powbureau_cli("audit", "verify", "--against", cp, "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["checkpoint"] == json.loads(cp.read_text())["seq"]
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    p = powbureau_cli("audit", "verify", "--against", bad)
    assert p.returncode != 0 and p.stderr.startswith("error: ") and "not a checkpoint" in p.stderr
