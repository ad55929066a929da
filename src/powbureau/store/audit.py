"""Tamper-evident audit log: append-only, each entry carries the keyed hash (HMAC-SHA256) of the previous one.

``append`` runs inside the caller's transaction (so an operation and its audit entry commit together), records
the content hash of the covered rows the operation wrote (``covered.py``) and serialises writers through the
single ``audit_head`` row; ``verify`` recomputes the chain and re-checks the live rows; ``checkpoint`` signs
the head so that a rewound or forked chain is found later (``verify(against=…)``)."""

from __future__ import annotations

from ..domain.messages import Msg
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..domain.errors import AuditChainBroken
from . import covered
from .auditkey import AuditKey, database_identity, load_key
from .tables import audit_head, audit_log

GENESIS = "0" * 64
CHECKPOINT_VERSION = 1


def _stamp(at: datetime) -> str:
    return (at.astimezone(UTC) if at.tzinfo else at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(key: AuditKey, prev: str, seq: int, at: datetime, actor: str, action: str, target: str,
            detail: str) -> str:
    payload = "\x1e".join([prev, str(seq), _stamp(at), actor, action, target, detail])
    return key.mac(payload.encode("utf-8")).hex()


def key_of(conn: Connection, key_id: str | None = None) -> AuditKey:
    """The audit key of the database ``conn`` is connected to: the one whose id its ``audit_head`` records
    (``key_id`` when the caller already read it), a new one for a database not keyed yet (``auditkey.load_key``).
    Raises ``AuditChainBroken`` when that key cannot be loaded."""
    if key_id is None:
        row = conn.execute(select(audit_head.c.key_id).where(audit_head.c.id == 1)).first()
        key_id = row[0] if row else None
    try:
        return load_key(key_id, database=database_identity(conn.engine.url))
    except (OSError, ValueError) as exc:
        raise AuditChainBroken(str(exc)) from None


def _wrong_key(key: AuditKey, sealed_with: str) -> AuditChainBroken:
    return AuditChainBroken(
        f"this database's audit chain is keyed with audit key {sealed_with}, but the key found ({key.where}) is "
        f"{key.key_id}: restore the right key file or set POWBUREAU_AUDIT_KEY_FILE to it; nothing was written")


def append(conn: Connection, *, actor: str, action: str, target: str, detail: dict[str, Any] | None = None,
           covers: Iterable[tuple[str, Any]] = (), bulk: Iterable[dict] = ()) -> int:
    """Append one entry (``action`` by ``actor`` on ``target``, JSON ``detail``) and return its sequence number.

    ``covers``: ``(table, key)`` of each covered row the operation inserted (``covered.TABLES``); their content
    hashes go into the entry as ``detail["covered"]``. ``bulk``: ``covered.Batch.seal()`` digests of bulk writes.
    Must be called inside an open transaction on ``conn``; locks ``audit_head`` so concurrent writers chain
    one after another (PostgreSQL row lock; SQLite's database write lock). Raises ``AuditChainBroken`` when
    the key at hand is not the one the chain was started with."""
    at = datetime.now(UTC)
    detail = dict(detail or {})
    rows = covered.entries(conn, covers)
    if rows:
        detail["covered"] = rows
    bulks = list(bulk)
    if bulks:
        detail["covered_bulk"] = bulks
    body = json.dumps(detail, sort_keys=True, ensure_ascii=False, default=str)
    # Take the write lock first (an UPDATE), then read the head we now own.
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq))
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash, audit_head.c.key_id)
                        .where(audit_head.c.id == 1)).first()
    key = key_of(conn, head[2] if head else None)
    if head is None:
        conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS, key_id=key.key_id))
        seq, prev = 0, GENESIS
    else:
        seq, prev, sealed_with = head
        if sealed_with and sealed_with != key.key_id:
            raise _wrong_key(key, sealed_with)
    seq += 1
    h = _digest(key, prev, seq, at, actor, action, target, body)
    conn.execute(
        insert(audit_log).values(
            seq=seq, at=at, actor=actor, action=action, target=target, detail=body, prev_hash=prev, hash=h
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=h, key_id=key.key_id))
    return seq


@dataclass(frozen=True)
class AuditReport:
    """Result of a verification: ``entries`` checked, the ``head`` hash, ``rows`` covered rows re-checked and
    the ``checkpoint`` sequence number verified against (or None)."""

    entries: int
    head: str
    rows: int = 0
    checkpoint: int | None = None
    problems: list[str] = field(default_factory=list)


def verify(conn: Connection, *, against: Mapping[str, Any] | None = None) -> AuditReport:
    """Recompute the keyed chain from the genesis hash, then re-check every covered row; raise
    ``AuditChainBroken`` naming the first bad entry, or every edited, deleted or unaccounted row (table, id,
    person). ``against``: a checkpoint (``checkpoint()``); a head behind it or a different entry at its
    sequence number (a rewound or forked chain) is reported too.

    Detects an altered entry (even with the plain hashes recomputed: the chain is keyed), a deleted entry (a gap
    or a broken link), a truncated tail (the head row points past the last entry), a wiped log and a damaged
    or dropped table."""
    try:
        return _verify(conn, against)
    except SQLAlchemyError as exc:
        raise AuditChainBroken(
            Msg("the audit log cannot be read ({value}); its table was damaged or removed", value=exc.orig or exc)) from None


def _verify(conn: Connection, against: Mapping[str, Any] | None) -> AuditReport:
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash, audit_head.c.key_id)
                        .where(audit_head.c.id == 1)).first()
    key = key_of(conn, head[2] if head else None)
    if against is not None:
        _check_signature(conn, key, against)
    if head is not None and head[2] and head[2] != key.key_id:
        raise _wrong_key(key, head[2])
    prev = GENESIS
    expected_seq = 1
    count = 0
    at_checkpoint = None
    exp = covered.Expected()
    rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()
    for r in rows:
        if r["seq"] != expected_seq:
            raise AuditChainBroken(Msg("audit entry {expected_seq} is missing (next entry found is {seq})", expected_seq=expected_seq, seq=r['seq']))
        if r["prev_hash"] != prev:
            raise AuditChainBroken(Msg("audit entry {seq} does not link to entry {value}", seq=r['seq'], value=expected_seq - 1))
        h = _digest(key, prev, r["seq"], r["at"], r["actor"], r["action"], r["target"], r["detail"])
        if not hmac.compare_digest(h, r["hash"]):
            raise AuditChainBroken(
                Msg("audit entry {seq} ({action} by {actor}) was altered: its keyed hash does not match", seq=r['seq'], action=r['action'], actor=r['actor'])
            )
        exp.take(r["seq"], json.loads(r["detail"]))
        if against is not None and r["seq"] == against["seq"]:
            at_checkpoint = h
        prev = h
        expected_seq += 1
        count += 1
    if count == 0:
        raise AuditChainBroken(
            Msg("the audit log is empty, but creating a database writes its first entries: entries were removed"))
    if head is None or head[0] != count or head[1] != prev:
        raise AuditChainBroken(
            Msg("the audit log ends at entry {count} but its head records entry {value}: entries were removed", count=count, value=head[0] if head else 'none')
        )
    problems = covered.verify_rows(conn, exp, key) + covered.status_problems(conn)
    if against is not None:
        if count < against["seq"]:
            problems.insert(0, f"the audit log ends at entry {count}, but the checkpoint of {against['at']} was "
                            f"taken at entry {against['seq']}: entries {count + 1}-{against['seq']} were removed "
                            "and the head rewound")
        elif at_checkpoint != against["hash"]:
            problems.insert(0, f"audit entry {against['seq']} differs from the checkpoint of {against['at']}: the "
                            "chain was rewritten (forked) after the checkpoint")
    if problems:
        shown = "; ".join(problems[: covered.MAX_NAMED])
        more = f"; … and {len(problems) - covered.MAX_NAMED} more" if len(problems) > covered.MAX_NAMED else ""
        raise AuditChainBroken(Msg("the audit chain of {count} entries is intact but does not match the data: {shown}{more}. Restore from a backup and find out who wrote to the database file", count=count, shown=shown, more=more),
                               details=problems)
    n_rows = len(exp.rows) + sum(b["count"] for b, _ in exp.bulks.values())
    return AuditReport(count, prev, n_rows, against["seq"] if against is not None else None)


def expected_for(conn: Connection, targets: list[str], actions: Iterable[str]) -> covered.Expected:
    """The covered rows that the audit entries about ``targets`` (with one of ``actions``) record, each entry
    checked on its own against its keyed hash. Raises ``TamperDetected`` for an altered entry."""
    key = key_of(conn)
    exp = covered.Expected()
    for i in range(0, len(targets), 500):
        q = (select(audit_log).where(audit_log.c.target.in_(targets[i : i + 500]),
                                     audit_log.c.action.in_(list(actions))).order_by(audit_log.c.seq))
        for r in conn.execute(q).mappings():
            h = _digest(key, r["prev_hash"], r["seq"], r["at"], r["actor"], r["action"], r["target"], r["detail"])
            if not hmac.compare_digest(h, r["hash"]):
                raise covered.TamperDetected(
                    f"refused: audit entry {r['seq']} about person {r['target']} was altered (its keyed hash does not "
                    "match); run `powbureau audit verify` and restore the database from a backup")
            exp.take(r["seq"], json.loads(r["detail"]))
    return exp


# ----- checkpoints ----------------------------------------------------------------------------------------------
def _signature(key: AuditKey, cp: Mapping[str, Any]) -> str:
    payload = "\x1e".join(["powbureau-checkpoint", str(cp["version"]), cp["database"], str(cp["seq"]), cp["hash"],
                           cp["at"], cp["key_id"]])
    return key.mac(payload.encode("utf-8")).hex()


def _database_tag(conn: Connection) -> str:
    import hashlib

    return hashlib.sha256(database_identity(conn.engine.url).encode()).hexdigest()[:16]


def checkpoint(conn: Connection) -> dict:
    """Verify the whole log, then return the signed head ``{version, database, seq, hash, at, key_id,
    signature}`` to keep apart from the database (another machine, paper). Raises ``AuditChainBroken`` when
    the log does not verify: a broken chain is never signed."""
    rep = verify(conn)
    key = key_of(conn)
    cp = {"version": CHECKPOINT_VERSION, "database": _database_tag(conn), "seq": rep.entries, "hash": rep.head,
          "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "key_id": key.key_id}
    cp["signature"] = _signature(key, cp)
    return cp


def _check_signature(conn: Connection, key: AuditKey, cp: Mapping[str, Any]) -> None:
    need = ("version", "database", "seq", "hash", "at", "key_id", "signature")
    missing = [k for k in need if k not in cp]
    if missing:
        raise AuditChainBroken(Msg("the checkpoint lacks {items}; use a file written by `powbureau audit checkpoint`", items=', '.join(missing)))
    if cp["key_id"] != key.key_id or not hmac.compare_digest(str(cp["signature"]), _signature(key, cp)):
        raise AuditChainBroken(Msg("the checkpoint's signature does not verify under this database's audit key ({where}): it was altered, or it belongs to another key", where=key.where))
    if cp["database"] != _database_tag(conn):
        raise AuditChainBroken(Msg("the checkpoint was taken of another database; pass the checkpoint of this one"))
