"""Tamper evidence over what the never-rules read (issue 8, finding 5), on SQLite and PostgreSQL: rows are
changed with plain SQL on a separate connection, as someone with access to the database would, never through
the services. ``audit verify`` must name the row; a handover must refuse when the wishes fail their check."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from powbureau.domain.errors import AuditChainBroken
from powbureau.services import exchanges, registry
from powbureau.services.imports import ImportOptions, import_list
from powbureau.store import audit
from powbureau.store.covered import TamperDetected
from tests.services.custody_world import ADMIN, NEGOTIATOR, T0, wish


def _sql(bureau, sql: str, **params) -> list:
    with bureau.uow.engine.begin() as conn:
        res = conn.execute(text(sql), params)
        return res.fetchall() if res.returns_rows else []


def _detainee(bureau, tmp_path, ext: str = "K1") -> str:
    f = tmp_path / f"{ext}.csv"
    f.write_text(f"external_id,name_full,language\n{ext},백광혁,ko\n", encoding="utf-8")
    import_list(bureau.uow, ADMIN, ImportOptions(path=f, kind="detainees"))
    pid = _sql(bureau, "select id from persons where external_id = :e", e=ext)[0][0]
    for st in ("registered", "interned"):
        registry.change_status(bureau.uow, ADMIN, pid, st, place="Camp No. 7")
    return pid


def _problems(bureau) -> str:
    with pytest.raises(AuditChainBroken) as exc:
        registry.verify_audit(bureau.uow, ADMIN)
    return exc.value.message


def test_untouched_bureau_verifies_with_its_rows(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    wish(bureau, pid, "return")
    rep = registry.verify_audit(bureau.uow, ADMIN)
    assert rep.rows >= 5  # imported statements, status events, interviews, the wish and its verification


def test_edited_statement_value_is_named(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    sid = _sql(bureau, "select id from statements where person_id = :p and prop = 'name_full'", p=pid)[0][0]
    _sql(bureau, "update statements set value = 'Kim Other' where id = :s", s=sid)
    msg = _problems(bureau)
    assert f"statements row {sid} (person {pid}) was edited" in msg


def test_edited_original_of_a_single_statement_is_named(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    sid = registry.add_statement(bureau.uow, ADMIN, pid, "rank", "private", source_kind="self_declared",
                                 source_ref="interview")
    _sql(bureau, "update statements set original = 'colonel' where id = :s", s=sid)
    assert f"statements row {sid} (person {pid}) was edited after audit entry" in _problems(bureau)


def test_deleted_later_remain_is_named_and_blocks_repatriation(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    wish(bureau, pid, "return")
    remain = wish(bureau, pid, "remain", at=T0 + timedelta(days=2), verify=False)
    _sql(bureau, "delete from wishes where id = :w", w=remain["id"])
    msg = _problems(bureau)
    assert f"wishes row {remain['id']} (person {pid}), recorded in audit entry" in msg and "was deleted" in msg
    with pytest.raises(TamperDetected) as exc:
        registry.change_status(bureau.uow, ADMIN, pid, "repatriated", place="border")
    assert remain["id"] in exc.value.message and "audit verify" in exc.value.message
    assert _sql(bureau, "select status from persons where id = :p", p=pid)[0][0] == "interned"


def test_forged_verification_is_refused_at_propose(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    w = wish(bureau, pid, "return", verify=False)
    iv = _sql(bureau, "select interview_id from wishes where id = :w", w=w["id"])[0][0]
    x = exchanges.create(bureau.uow, NEGOTIATOR, "RU")
    _sql(bureau, "insert into wish_verifications (wish_id, interview_id, verified_by, verified_role, verified_at, "
         "via_interpreter) values (:w, :i, 'icrc.delegate', 'icrc_delegate', :t, :f)",
         w=w["id"], i=iv, t=T0 + timedelta(hours=2), f=False)
    exchanges.add_outgoing(bureau.uow, NEGOTIATOR, x["id"], pid)  # eligibility trusts the table here
    with pytest.raises(TamperDetected) as exc:
        exchanges.transition(bureau.uow, NEGOTIATOR, x["id"], "propose")
    assert f"wish_verifications row {w['id']} is not accounted for" in exc.value.message
    assert "wish_verifications row" in _problems(bureau)


def test_unaccounted_status_event_is_named(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    _sql(bureau, "insert into status_events (person_id, from_status, to_status, at, place, actor, note) values "
         "(:p, 'interned', 'released', :t, 'x', 'operator', '')", p=pid, t=T0)
    assert f"(person {pid}) is not accounted for by any audit entry" in _problems(bureau)


def test_recomputed_plain_sha256_chain_is_detected(bureau, tmp_path):
    """The attacker alters an entry and recomputes the old unkeyed SHA-256 chain over it and every later entry,
    head included: without the key the chain no longer verifies."""
    _detainee(bureau, tmp_path)
    rows = _sql(bureau, "select seq, at, actor, action, target, detail from audit_log order by seq")
    prev = audit.GENESIS
    for seq, at, actor, action, target, detail in rows:
        if seq == 2:
            actor = "mallory"
        stamp = audit._stamp(at if not isinstance(at, str) else __import__("datetime").datetime.fromisoformat(at))
        h = hashlib.sha256("\x1e".join([prev, str(seq), stamp, actor, action, target, detail]).encode()).hexdigest()
        _sql(bureau, "update audit_log set actor = :a, prev_hash = :p, hash = :h where seq = :s",
             a=actor, p=prev, h=f"tmp{seq}", s=seq)
        _sql(bureau, "update audit_log set hash = :h where seq = :s", h=h, s=seq)
        prev = h
    _sql(bureau, "update audit_head set hash = :h", h=prev)
    assert "audit entry 1 " in _problems(bureau)


def test_rewound_head_is_detected_against_checkpoint(bureau, tmp_path):
    pid = _detainee(bureau, tmp_path)
    w = wish(bureau, pid, "remain", verify=False)
    with bureau.uow.read() as conn:
        cp = audit.checkpoint(conn)
    # the attacker removes the last entries (the remain wish's among them), its rows, and rewinds the head
    last = cp["seq"]
    entry = _sql(bureau, "select seq from audit_log where action = 'wish.record'")[0][0]
    _sql(bureau, "delete from wishes where id = :w", w=w["id"])
    _sql(bureau, "delete from interviews where person_id = :p", p=pid)
    _sql(bureau, "delete from audit_log where seq >= :s", s=entry - 1)
    new_head = _sql(bureau, "select seq, hash from audit_log order by seq desc")[0]
    _sql(bureau, "update audit_head set seq = :s, hash = :h", s=new_head[0], h=new_head[1])
    registry.verify_audit(bureau.uow, ADMIN)  # without the checkpoint a clean cut cannot be seen
    with pytest.raises(AuditChainBroken) as exc:
        registry.verify_audit(bureau.uow, ADMIN, against=cp)
    assert f"entries {new_head[0] + 1}-{last} were removed and the head rewound" in exc.value.message


def test_forged_or_foreign_checkpoint_is_refused(bureau, tmp_path):
    _detainee(bureau, tmp_path)
    with bureau.uow.read() as conn:
        cp = audit.checkpoint(conn)
    forged = {**cp, "seq": cp["seq"] - 1}
    with pytest.raises(AuditChainBroken, match="signature does not verify"):
        registry.verify_audit(bureau.uow, ADMIN, against=forged)
    assert registry.verify_audit(bureau.uow, ADMIN, against=json.loads(json.dumps(cp))).checkpoint == cp["seq"]


def test_entries_removed_from_the_end_leave_their_rows_unaccounted(bureau, tmp_path):
    """Without a checkpoint: removing the last entries but not the rows they cover names those rows."""
    pid = _detainee(bureau, tmp_path)
    w = wish(bureau, pid, "remain", verify=False)
    seq = _sql(bureau, "select seq from audit_log where action = 'wish.record'")[0][0]
    _sql(bureau, "delete from audit_log where seq >= :s", s=seq)
    head = _sql(bureau, "select seq, hash from audit_log order by seq desc")[0]
    _sql(bureau, "update audit_head set seq = :s, hash = :h", s=head[0], h=head[1])
    assert f"wishes row {w['id']} (person {pid}) is not accounted for" in _problems(bureau)


def test_imported_statements_changed_behind_the_bureau_are_found(bureau, tmp_path):
    """Bulk imports are covered by a count and a keyed sum: an edited original, a deleted statement and a
    statement slipped into the list's rows are each found (the list and its audit entry named)."""
    pid = _detainee(bureau, tmp_path)
    sid = _sql(bureau, "select id from statements where person_id = :p and prop = 'language'", p=pid)[0][0]
    _sql(bureau, "update statements set original = 'ru' where id = :s", s=sid)
    assert "and their keyed digest differs (a row was edited)" in _problems(bureau)
    _sql(bureau, "update statements set original = 'ko' where id = :s", s=sid)
    registry.verify_audit(bureau.uow, ADMIN)
    _sql(bureau, "delete from statements where id = :s", s=sid)
    msg = _problems(bureau)
    assert "rows of list:" in msg and "2 recorded, 1 found" in msg
    assert f"statements row {sid} (person {pid}) (language of row 2) was deleted" in msg
