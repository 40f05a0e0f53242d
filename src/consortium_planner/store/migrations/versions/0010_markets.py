"""markets: income by market segment, the option chosen for each bid, the chance of winning (issue 17)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 16:20:00.000000

A new table ``market_segment`` (an organisation's existing income, or a new market an option plans);
options gain ``chosen`` (rows before this revision: not chosen) and tenders ``win_probability_pct``
(not estimated). Nothing written before changes its figures.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0010'
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    money = consortium_planner.store.types.Pence
    dec = consortium_planner.store.types.DecimalText
    op.create_table('market_segment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', consortium_planner.store.types.ChoiceText(length=40), nullable=False),
    sa.Column('buyer', sa.String(length=500), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('customers_at_start', dec(length=40), nullable=True),
    sa.Column('new_per_month', dec(length=40), nullable=True),
    sa.Column('churn_pct', dec(length=40), nullable=True),
    sa.Column('hours_per_week', dec(length=40), nullable=True),
    sa.Column('rate', money(), nullable=True),
    sa.Column('rate_indexation_pct', dec(length=40), nullable=True),
    sa.Column('bad_debt_pct', dec(length=40), nullable=True),
    sa.Column('cost_per_hour', money(), nullable=True),
    sa.Column('cost_indexation_pct', dec(length=40), nullable=True),
    sa.Column('acquisition_cost', money(), nullable=True),
    sa.Column('annual_income', money(), nullable=True),
    sa.Column('annual_cost', money(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_market_segment_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['option_id'], ['consortium_option.id'],
                            name=op.f('fk_market_segment_option_id_consortium_option'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_segment')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('market_segment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_segment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_segment_option_id'), ['option_id'], unique=False)
    op.add_column('consortium_option', sa.Column('chosen', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('tender', sa.Column('win_probability_pct', dec(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_column('win_probability_pct')
    with op.batch_alter_table('consortium_option', schema=None) as batch_op:
        batch_op.drop_column('chosen')
    with op.batch_alter_table('market_segment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_segment_option_id'))
        batch_op.drop_index(batch_op.f('ix_market_segment_organisation_id'))
    op.drop_table('market_segment')
