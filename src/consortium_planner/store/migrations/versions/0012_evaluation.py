"""evaluation: how the buyer states importance, a minimum quality score, pass/fail criteria (issue 18)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 23:50:00.000000

Tenders gain how the criteria's importance is stated (rows before this revision: weights, as they
were), the ranks used when it is a ranking (quality 1, price 2, social value 3) and an optional
minimum quality score (none). New tables: ``gate`` (a tender's pass/fail criteria) and
``gate_response`` (whether an option meets each). No figure written before changes.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0012'
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    types = consortium_planner.store.types
    op.add_column('tender', sa.Column('importance', types.ChoiceText(length=40), nullable=False,
                                      server_default='weights'))
    for name, rank in (("quality_rank", "1"), ("price_rank", "2"), ("social_value_rank", "3")):
        op.add_column('tender', sa.Column(name, sa.Integer(), nullable=True, server_default=rank))
    op.add_column('tender', sa.Column('quality_threshold_pct', types.DecimalText(length=40), nullable=True))
    op.create_table('gate',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('asks', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_gate_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate')),
    sa.UniqueConstraint('tender_id', 'name', name=op.f('uq_gate_tender_id_name')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('gate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_tender_id'), ['tender_id'], unique=False)
    op.create_table('gate_response',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('gate_id', sa.Integer(), nullable=False),
    sa.Column('answer', types.ChoiceText(length=40), nullable=False),
    sa.Column('evidence', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['consortium_option.id'],
                            name=op.f('fk_gate_response_option_id_consortium_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gate_id'], ['gate.id'], name=op.f('fk_gate_response_gate_id_gate'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_response')),
    sa.UniqueConstraint('option_id', 'gate_id', name=op.f('uq_gate_response_option_id_gate_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('gate_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_response_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_response_gate_id'), ['gate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gate_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_response_gate_id'))
        batch_op.drop_index(batch_op.f('ix_gate_response_option_id'))
    op.drop_table('gate_response')
    with op.batch_alter_table('gate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_tender_id'))
    op.drop_table('gate')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        for name in ('quality_threshold_pct', 'social_value_rank', 'price_rank', 'quality_rank', 'importance'):
            batch_op.drop_column(name)
