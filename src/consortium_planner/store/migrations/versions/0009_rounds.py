"""rounds: workshop rounds frozen with their decisions and figures (issue 19, ``services/rounds.py``)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:45:00.000000

A new table pair; nothing written before this revision changes.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decision_round',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('frozen_at', sa.String(length=500), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_decision_round_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_round')),
    sa.UniqueConstraint('tender_id', 'name', name=op.f('uq_decision_round_tender_id_name')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('decision_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_round_tender_id'), ['tender_id'], unique=False)

    op.create_table('round_figure',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('option_name', sa.String(length=500), nullable=False),
    sa.Column('figure', sa.String(length=500), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['decision_round.id'], name=op.f('fk_round_figure_round_id_decision_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_figure')),
    sa.UniqueConstraint('round_id', 'option_name', 'figure', name=op.f('uq_round_figure_round_id_option_name_figure')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_figure_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('round_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_figure_round_id'))
    op.drop_table('round_figure')
    with op.batch_alter_table('decision_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_round_tender_id'))
    op.drop_table('decision_round')
