"""Migration 0004_audit_rows on a database written before the chain was keyed: the old SHA-256 chain is
checked and re-hashed under the audit key, the rows already there are sealed (wishes per person), and a
chain that is already broken stops the upgrade instead of being sealed in."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from powbureau.domain.errors import AuditChainBroken
from powbureau.services import registry
from powbureau.store import db
from powbureau.store.covered import TamperDetected
from tests.services.custody_world import ADMIN

T = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def _old_bureau(url: str, *, break_chain: bool = False):
    """A database at revision 0002 with the unkeyed chain and one detainee with a `remain` wish."""
    engine = db.make_engine(url)
    cfg = db.alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    prev = "0" * 64
    with engine.begin() as conn:
        conn.execute(text("insert into persons (id, kind, status, created_at, created_by) values "
                          "('P1', 'detainee', 'interned', :t, 'operator')"), {"t": T})
        conn.execute(text("insert into status_events (person_id, from_status, to_status, at, place, actor, note) "
                          "values ('P1', 'captured', 'interned', :t, 'Camp', 'operator', '')"), {"t": T})
        conn.execute(text("insert into interviews (id, person_id, at, place, purpose, language, conducted_by, "
                          "conducted_role, present, recorded_at) values ('I1', 'P1', :t, 'Camp', 'wish', 'ko', "
                          "'kim', 'interviewer', '[]', :t)"), {"t": T})
        conn.execute(text("insert into wishes (id, person_id, kind, interview_id, taken_at, recorded_at, "
                          "recorded_by, recorded_role) values ('W1', 'P1', 'remain', 'I1', :t, :t, 'kim', "
                          "'interviewer')"), {"t": T})
        for seq, action in ((1, "user.add"), (2, "wish.record")):
            detail = json.dumps({"n": seq})
            payload = "\x1e".join([prev, str(seq), T.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "operator", action, "P1",
                                   detail])
            h = hashlib.sha256(payload.encode()).hexdigest()
            conn.execute(text("insert into audit_log (seq, at, actor, action, target, detail, prev_hash, hash) "
                              "values (:s, :t, 'operator', :a, 'P1', :d, :p, :h)"),
                         {"s": seq, "t": T, "a": action, "d": "{}" if break_chain and seq == 1 else detail,
                          "p": prev, "h": h})
            prev = h
        conn.execute(text("insert into audit_head (id, seq, hash) values (1, 2, :h)"), {"h": prev})
    return engine


def test_old_unkeyed_database_is_rekeyed_and_its_wishes_sealed(db_url):
    from powbureau.services.bootstrap import bootstrap

    _old_bureau(db_url).dispose()
    b = bootstrap(db_url)  # migrates to head
    try:
        rep = registry.verify_audit(b.uow, ADMIN)
        assert rep.entries == 4  # two old entries, re-hashed, plus the two seal entries
        with b.uow.engine.begin() as conn:
            conn.execute(text("delete from wishes where id = 'W1'"))
        with pytest.raises(TamperDetected, match="W1"):
            registry.change_status(b.uow, ADMIN, "P1", "repatriated", place="border")
        with pytest.raises(AuditChainBroken, match="wishes row W1 \\(person P1\\)"):
            registry.verify_audit(b.uow, ADMIN)
    finally:
        b.uow.engine.dispose()


def test_broken_old_chain_stops_the_upgrade(db_url):
    from powbureau.services.bootstrap import bootstrap

    _old_bureau(db_url, break_chain=True).dispose()
    with pytest.raises(AuditChainBroken, match="already broken at entry 1"):
        bootstrap(db_url)
