"""audit rows: keyed (HMAC) chain, audit key id in the head, index on entry targets, seal of existing rows

Revision ID: 0004_audit_rows
Revises: 0002
Create Date: 2026-12-01 10:00:00

An existing database's unkeyed SHA-256 chain is checked, then re-hashed under the audit key (kept outside the
database, see store/auditkey.py); a broken chain stops the upgrade with a message instead of being laundered.
Covered rows already present are sealed: one ``audit.seal`` entry per person with wishes (so the per-person
check before a handover knows them), one entry for the other tables (a keyed digest per table).
"""
import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0004_audit_rows'
down_revision = '0003_sessions'
branch_labels = None
depends_on = None


def _plain_digest(prev, seq, at, actor, action, target, detail):
    stamp = (at.astimezone(UTC) if at.tzinfo else at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = "\x1e".join([prev, str(seq), stamp, actor, action, target, detail])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.add_column('audit_head', sa.Column('key_id', sa.String(length=16), nullable=True))
    op.create_index('ix_audit_log_target', 'audit_log', ['target'], unique=False)
    _rekey_and_seal(op.get_bind())


def _rekey_and_seal(conn) -> None:
    from powbureau.domain.errors import AuditChainBroken
    from powbureau.store import audit, covered
    from powbureau.store.tables import audit_head, audit_log

    rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.seq)).mappings().all()
    if not rows:
        return
    key = audit.key_of(conn)
    prev_old, prev_new = audit.GENESIS, audit.GENESIS
    for n, r in enumerate(rows, start=1):
        at = r["at"]
        if r["seq"] != n or r["prev_hash"] != prev_old or _plain_digest(
                prev_old, r["seq"], at, r["actor"], r["action"], r["target"], r["detail"]) != r["hash"]:
            raise AuditChainBroken(
                f"powbureau: the audit log is already broken at entry {n} (checked with the old unkeyed hash); "
                "the upgrade to a keyed chain stops here so that tampering is not sealed in. Restore a backup, "
                "or investigate with `sqlite3`/`psql` before upgrading")
        new = audit._digest(key, prev_new, r["seq"], at, r["actor"], r["action"], r["target"], r["detail"])
        # hash is UNIQUE: stage through a temporary value that cannot collide with a hex digest
        conn.execute(sa.update(audit_log).where(audit_log.c.seq == r["seq"])
                     .values(prev_hash=prev_new, hash=f"rekey-{r['seq']}"))
        conn.execute(sa.update(audit_log).where(audit_log.c.seq == r["seq"]).values(hash=new))
        prev_old, prev_new = r["hash"], new
    conn.execute(sa.update(audit_head).where(audit_head.c.id == 1).values(hash=prev_new, key_id=key.key_id))
    # seal the covered rows already present
    from powbureau.store.tables_custody import wishes

    pids = sorted(set(conn.execute(sa.select(wishes.c.person_id)).scalars()))
    for pid in pids:
        wids = conn.execute(sa.select(wishes.c.id).where(wishes.c.person_id == pid)).scalars().all()
        ver = covered.TABLES["wish_verifications"].table
        vids = conn.execute(sa.select(ver.c.wish_id).where(ver.c.wish_id.in_(wids))).scalars().all()
        audit.append(conn, actor="operator", action="audit.seal", target=pid, detail={"upgrade": "0004_audit_rows"},
                     covers=[("wishes", w) for w in wids] + [("wish_verifications", v) for v in vids])
    bulks = []
    for name, spec in covered.TABLES.items():
        if name in ("wishes", "wish_verifications") or not sa.inspect(conn).has_table(name):
            continue  # tables of later migrations (0006 enquiries) do not exist yet
        b = covered.Batch(key, name, "*")
        for row in conn.execute(sa.select(spec.table)).mappings():
            b.add(row)
        if b.count:
            bulks.append(b.seal())
    audit.append(conn, actor="operator", action="audit.seal", target="registry",
                 detail={"upgrade": "0004_audit_rows", "at": datetime.now(UTC).isoformat(),
                         "note": "rows present before the audit chain was keyed"}, bulk=bulks)


def downgrade() -> None:
    op.drop_index('ix_audit_log_target', table_name='audit_log')
    with op.batch_alter_table('audit_head') as batch:
        batch.drop_column('key_id')
