"""Tamper-evident audit log: append-only, each entry carries the hash of the previous one.

``append`` runs inside the caller's transaction (so an operation and its audit entry commit together) and
serialises writers through the single ``audit_head`` row; ``verify`` recomputes the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..domain.errors import AuditChainBroken
from .tables import audit_head, audit_log

GENESIS = "0" * 64


def _digest(prev: str, seq: int, at: datetime, actor: str, action: str, target: str, detail: str) -> str:
    stamp = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if at.tzinfo else at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = "\x1e".join([prev, str(seq), stamp, actor, action, target, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(conn: Connection, *, actor: str, action: str, target: str, detail: dict[str, Any] | None = None) -> int:
    """Append one entry (``action`` by ``actor`` on ``target``, JSON ``detail``) and return its sequence number.

    Must be called inside an open transaction on ``conn``; locks ``audit_head`` so concurrent writers chain
    one after another (PostgreSQL row lock; SQLite's database write lock)."""
    at = datetime.now(UTC)
    body = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str)
    # Take the write lock first (an UPDATE), then read the head we now own.
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq))
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    if head is None:
        conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS))
        seq, prev = 0, GENESIS
    else:
        seq, prev = head
    seq += 1
    h = _digest(prev, seq, at, actor, action, target, body)
    conn.execute(
        insert(audit_log).values(
            seq=seq, at=at, actor=actor, action=action, target=target, detail=body, prev_hash=prev, hash=h
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=h))
    return seq


@dataclass(frozen=True)
class AuditReport:
    """Result of a verification: ``entries`` checked and the ``head`` hash."""

    entries: int
    head: str


def verify(conn: Connection) -> AuditReport:
    """Recompute the chain from the genesis hash; raise ``AuditChainBroken`` naming the first bad entry.

    Detects an altered entry (its hash no longer matches its content), a deleted entry (a gap in the sequence
    or a broken link), a truncated tail (the head row points past the last entry), a wiped log (no entry at all:
    every initialised database has some) and a damaged or dropped table."""
    try:
        return _verify(conn)
    except SQLAlchemyError as exc:
        raise AuditChainBroken(
            f"the audit log cannot be read ({exc.orig or exc}); its table was damaged or removed") from None


def _verify(conn: Connection) -> AuditReport:
    prev = GENESIS
    expected_seq = 1
    count = 0
    rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()
    for r in rows:
        if r["seq"] != expected_seq:
            raise AuditChainBroken(f"audit entry {expected_seq} is missing (next entry found is {r['seq']})")
        if r["prev_hash"] != prev:
            raise AuditChainBroken(f"audit entry {r['seq']} does not link to entry {expected_seq - 1}")
        at = r["at"] if r["at"].tzinfo else r["at"].replace(tzinfo=UTC)
        h = _digest(prev, r["seq"], at, r["actor"], r["action"], r["target"], r["detail"])
        if h != r["hash"]:
            raise AuditChainBroken(
                f"audit entry {r['seq']} ({r['action']} by {r['actor']}) was altered: its hash does not match"
            )
        prev = h
        expected_seq += 1
        count += 1
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    if count == 0:
        raise AuditChainBroken(
            "the audit log is empty, but creating a database writes its first entries: entries were removed")
    if head is None or head[0] != count or head[1] != prev:
        raise AuditChainBroken(
            f"the audit log ends at entry {count} but its head records entry {head[0]}: entries were removed"
        )
    return AuditReport(count, prev)
