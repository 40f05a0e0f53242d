"""audit: the audit trail, one row a change (issue 19, ``store/audit.py``)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00.000000

Rows written before this revision have no history: the trail starts when the workspace is upgraded.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('operation', sa.String(length=500), nullable=False),
    sa.Column('entity', sa.String(length=80), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=80), nullable=False),
    sa.Column('old', sa.Text(), nullable=False),
    sa.Column('new', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_record_id'), ['record_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_record_id'))
    op.drop_table('audit_entry')
