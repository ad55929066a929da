"""enquiry index: the name keys of counterpart-list rows, so enquiries find rows through an index (issue 11)

Existing counterpart-list rows are indexed by the upgrade with the same keys the import writes, and a partial index
on statements' service numbers finds a person by his number, and the persons' and enquiries' name keys gain the consonant keys (``registry.consonant_key``) that ``registry.search_keys`` now adds.

Revision ID: 0009_enquiry_index
Revises: 0008_user_preferences
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0009_enquiry_index'
down_revision = '0008_user_preferences'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('list_row_keys',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('row_ref', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('key', 'row_ref', name=op.f('pk_list_row_keys'))
    )
    op.create_index('ix_statements_service_number', 'statements', ['value'], unique=False,
                    sqlite_where=sa.text("prop = 'service_number'"),
                    postgresql_where=sa.text("prop = 'service_number'"))
    from powbureau.services.enquiry_match import row_keys

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT r.list_id, r.line, r.data FROM list_rows r JOIN lists l ON l.id = r.list_id "
                                "WHERE l.kind = 'counterpart_list'"))
    batch: list[dict] = []
    for list_id, line, data in rows:
        batch += [{"key": k, "row_ref": f"{list_id}#{line}"} for k in row_keys(json.loads(data))]
        if len(batch) >= 5000:
            conn.execute(sa.text("INSERT INTO list_row_keys (key, row_ref) VALUES (:key, :row_ref)"), batch)
            batch = []
    if batch:
        conn.execute(sa.text("INSERT INTO list_row_keys (key, row_ref) VALUES (:key, :row_ref)"), batch)


    _consonant_keys(conn, "name_keys", "person_id")
    _consonant_keys(conn, "enquiry_keys", "enquiry_id")


def _consonant_keys(conn, table: str, ref: str) -> None:  # noqa: ANN001
    """Add the consonant key of every plain key in ``table``, one page of owners at a time."""
    from powbureau.services.registry import consonant_key

    after = ""
    while True:
        owners = conn.execute(sa.text(f"SELECT DISTINCT {ref} FROM {table} WHERE {ref} > :after ORDER BY {ref} "
                                      "LIMIT 5000"), {"after": after}).scalars().all()
        if not owners:
            return
        rows = conn.execute(sa.text(f"SELECT key, {ref} FROM {table} WHERE {ref} >= :lo AND {ref} <= :hi"),
                            {"lo": owners[0], "hi": owners[-1]}).all()
        new = {(c, owner) for key, owner in rows if (c := consonant_key(key))} - set(rows)
        if new:
            conn.execute(sa.text(f"INSERT INTO {table} (key, {ref}) VALUES (:key, :ref)"),
                         [{"key": k, "ref": o} for k, o in sorted(new)])
        after = owners[-1]


def downgrade() -> None:
    op.drop_index('ix_statements_service_number', table_name='statements')
    op.drop_table('list_row_keys')
    op.execute("DELETE FROM name_keys WHERE key LIKE 'V:%'")
    op.execute("DELETE FROM enquiry_keys WHERE key LIKE 'V:%'")
