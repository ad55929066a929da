"""notification exports: what was sent to the CTA, kept for re-download; indexes for the due list (issue 9)

Revision ID: 0007_notification_exports
Revises: 0006_enquiries
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_notification_exports'
down_revision = '0006_enquiries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification_exports',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('signing_key', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_exports'))
    )
    op.create_index(op.f('ix_notification_exports_created_at'), 'notification_exports', ['created_at'], unique=False)
    op.create_index('ix_notifications_sent_export_file', 'notifications_sent', ['export_file'], unique=False)
    op.create_index('ix_status_events_to_status', 'status_events', ['to_status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_status_events_to_status', table_name='status_events')
    op.drop_index('ix_notifications_sent_export_file', table_name='notifications_sent')
    op.drop_index(op.f('ix_notification_exports_created_at'), table_name='notification_exports')
    op.drop_table('notification_exports')
