"""documents: documents found on persons, their judgements and scans; prisoner numbers (issue 10)

Revision ID: 0005_documents
Revises: 0003_sessions
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_documents'
down_revision = '0004_audit_rows'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_scans',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_document_scans'))
    )
    op.create_table('documents',
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('person_id', sa.String(length=26), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('issuing_state', sa.String(length=2), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.String(length=10), nullable=True),
    sa.Column('claims', sa.Text(), nullable=False),
    sa.Column('found_place', sa.String(length=200), nullable=False),
    sa.Column('found_on', sa.String(length=10), nullable=True),
    sa.Column('custody', sa.String(length=32), nullable=False),
    sa.Column('custody_note', sa.String(length=500), nullable=False),
    sa.Column('scan_sha256', sa.String(length=64), nullable=True),
    sa.Column('scan_name', sa.String(length=200), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_documents_person_id_persons')),
    sa.ForeignKeyConstraint(['scan_sha256'], ['document_scans.sha256'],
                            name=op.f('fk_documents_scan_sha256_document_scans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_person_id'), ['person_id'], unique=False)

    op.create_table('document_judgements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=26), nullable=False),
    sa.Column('judgement', sa.String(length=16), nullable=False),
    sa.Column('holder_id', sa.String(length=26), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                            name=op.f('fk_document_judgements_document_id_documents')),
    sa.ForeignKeyConstraint(['holder_id'], ['persons.id'], name=op.f('fk_document_judgements_holder_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_judgements'))
    )
    with op.batch_alter_table('document_judgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_judgements_document_id'), ['document_id'], unique=False)

    op.create_table('prisoner_numbers',
    sa.Column('person_id', sa.String(length=26), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_prisoner_numbers_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_prisoner_numbers')),
    sa.UniqueConstraint('number', name=op.f('uq_prisoner_numbers_number'))
    )
    op.create_table('prisoner_number_counters',
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_prisoner_number_counters'))
    )


def downgrade() -> None:
    op.drop_table('prisoner_number_counters')
    op.drop_table('prisoner_numbers')
    with op.batch_alter_table('document_judgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_judgements_document_id'))
    op.drop_table('document_judgements')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_person_id'))
    op.drop_table('documents')
    op.drop_table('document_scans')
