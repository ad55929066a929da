"""user_preferences: the language each web user reads the pages in (issue 13)

Revision ID: 0008_user_preferences
Revises: 0007_notification_exports
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_user_preferences'
down_revision = '0007_notification_exports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_preferences',
    sa.Column('user_name', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_name'], ['users.name'], name=op.f('fk_user_preferences_user_name_users')),
    sa.PrimaryKeyConstraint('user_name', name=op.f('pk_user_preferences'))
    )


def downgrade() -> None:
    op.drop_table('user_preferences')
