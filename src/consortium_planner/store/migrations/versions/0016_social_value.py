"""social value ledger: an option's commitments and rivals' assumed social value (issue 18)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 03:05:00.000000

New table ``social_value_commitment`` (an option's measures: quantity a year over contract years, the proxy
value a unit the user enters, the cost to deliver, whether the method statement is written). Competitors
gain the social value the bid team assumes they commit a year (none). No figure written before changes; the
cost of commitments entered from now on is part of the option's shared costs.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    types = consortium_planner.store.types
    op.add_column('competitor', sa.Column('social_value_a_year', types.Pence(), nullable=True))
    op.create_table('social_value_commitment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('theme', types.ChoiceText(length=40), nullable=False),
    sa.Column('measure', sa.String(length=500), nullable=False),
    sa.Column('unit', sa.String(length=500), nullable=False),
    sa.Column('quantity_a_year', types.DecimalText(length=40), nullable=True),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.Column('proxy_value', types.Pence(), nullable=True),
    sa.Column('proxy_source', sa.String(length=500), nullable=False),
    sa.Column('cost_per_unit', types.Pence(), nullable=True),
    sa.Column('cost_a_year', types.Pence(), nullable=True),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['consortium_option.id'],
                            name=op.f('fk_social_value_commitment_option_id_consortium_option'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_value_commitment')),
    sa.UniqueConstraint('option_id', 'measure', name=op.f('uq_social_value_commitment_option_id_measure')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('social_value_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_value_commitment_option_id'), ['option_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('social_value_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_value_commitment_option_id'))
    op.drop_table('social_value_commitment')
    with op.batch_alter_table('competitor', schema=None) as batch_op:
        batch_op.drop_column('social_value_a_year')
