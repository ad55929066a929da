"""enquiry index: the name keys of counterpart-list rows, so enquiries find rows through an index (issue 11)

Existing counterpart-list rows are indexed by the upgrade with the same keys the import writes.

Revision ID: 0007_enquiry_index
Revises: 0006_enquiries
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0007_enquiry_index'
down_revision = '0006_enquiries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('list_row_keys',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('row_ref', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('key', 'row_ref', name=op.f('pk_list_row_keys'))
    )
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


def downgrade() -> None:
    op.drop_table('list_row_keys')
