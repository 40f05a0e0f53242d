"""lots: a cap on the lots one supplier may win, and each option's decision per lot (issue 18)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 02:40:00.000000

Tenders gain an optional cap on the lots awarded to one supplier (none). New table ``lot_bid``: whether
an option bids for a lot (choose for me, bid, do not bid), the bid team's chance of winning it and why.
No figure written before changes.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    types = consortium_planner.store.types
    op.add_column('tender', sa.Column('max_lots_per_supplier', sa.Integer(), nullable=True))
    op.create_table('lot_bid',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('decision', types.ChoiceText(length=40), nullable=False),
    sa.Column('win_probability_pct', types.DecimalText(length=40), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['consortium_option.id'],
                            name=op.f('fk_lot_bid_option_id_consortium_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_lot_bid_lot_id_lot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_bid')),
    sa.UniqueConstraint('option_id', 'lot_id', name=op.f('uq_lot_bid_option_id_lot_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('lot_bid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_bid_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_bid_lot_id'), ['lot_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lot_bid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_bid_lot_id'))
        batch_op.drop_index(batch_op.f('ix_lot_bid_option_id'))
    op.drop_table('lot_bid')
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_column('max_lots_per_supplier')
