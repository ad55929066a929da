"""enquiries: enquiries about a person's fate, their states, candidates, judgements and answers (issue 11)

Revision ID: 0006_enquiries
Revises: 0005_documents
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_enquiries'
down_revision = '0005_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enquiries',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=500), nullable=False),
    sa.Column('enquirer', sa.Text(), nullable=False),
    sa.Column('sought', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('source_ref', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiries'))
    )
    op.create_table('enquiry_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('enquiry_id', sa.String(length=26), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'], name=op.f('fk_enquiry_events_enquiry_id_enquiries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_events'))
    )
    op.create_index(op.f('ix_enquiry_events_enquiry_id'), 'enquiry_events', ['enquiry_id'], unique=False)
    op.create_table('enquiry_keys',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('enquiry_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'], name=op.f('fk_enquiry_keys_enquiry_id_enquiries')),
    sa.PrimaryKeyConstraint('key', 'enquiry_id', name=op.f('pk_enquiry_keys'))
    )
    op.create_table('enquiry_candidates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('enquiry_id', sa.String(length=26), nullable=False),
    sa.Column('target', sa.String(length=80), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('proposed', sa.Boolean(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'],
                            name=op.f('fk_enquiry_candidates_enquiry_id_enquiries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_candidates')),
    sa.UniqueConstraint('enquiry_id', 'target', name='uq_enquiry_candidates_enquiry_id')
    )
    op.create_index(op.f('ix_enquiry_candidates_enquiry_id'), 'enquiry_candidates', ['enquiry_id'], unique=False)
    op.create_table('enquiry_judgements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('enquiry_id', sa.String(length=26), nullable=False),
    sa.Column('target', sa.String(length=80), nullable=False),
    sa.Column('judgement', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'],
                            name=op.f('fk_enquiry_judgements_enquiry_id_enquiries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_judgements'))
    )
    op.create_index(op.f('ix_enquiry_judgements_enquiry_id'), 'enquiry_judgements', ['enquiry_id'], unique=False)
    op.create_table('enquiry_answers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('enquiry_id', sa.String(length=26), nullable=False),
    sa.Column('target', sa.String(length=80), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('letter', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'], name=op.f('fk_enquiry_answers_enquiry_id_enquiries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_answers'))
    )
    op.create_index(op.f('ix_enquiry_answers_enquiry_id'), 'enquiry_answers', ['enquiry_id'], unique=False)


def downgrade() -> None:
    for table in ('enquiry_answers', 'enquiry_judgements', 'enquiry_candidates', 'enquiry_keys', 'enquiry_events',
                  'enquiries'):
        op.drop_table(table)
