"""bidding rounds: the rounds of a competitive flexible procedure and the bids as scored in each (issue 18)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 03:00:00.000000

New tables: ``bid_round`` (a tender's rounds, in order, the last often a best and final offer) and
``round_score`` (each bid as scored in a round: ours from the buyer's feedback, rivals' as estimated).
No figure written before changes.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    types = consortium_planner.store.types
    op.create_table('bid_round',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('held', sa.Date(), nullable=True),
    sa.Column('best_and_final', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_bid_round_tender_id_tender'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_round')),
    sa.UniqueConstraint('tender_id', 'name', name=op.f('uq_bid_round_tender_id_name')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('bid_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_round_tender_id'), ['tender_id'], unique=False)
    op.create_table('round_score',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('bidder', sa.String(length=500), nullable=False),
    sa.Column('ours', sa.Boolean(), nullable=False),
    sa.Column('annual_price', types.Pence(), nullable=True),
    sa.Column('quality_score', types.DecimalText(length=40), nullable=True),
    sa.Column('quality_max', types.DecimalText(length=40), nullable=True),
    sa.Column('social_value_score', types.DecimalText(length=40), nullable=True),
    sa.Column('social_value_max', types.DecimalText(length=40), nullable=True),
    sa.Column('feedback', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['bid_round.id'], name=op.f('fk_round_score_round_id_bid_round'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_score')),
    sa.UniqueConstraint('round_id', 'bidder', name=op.f('uq_round_score_round_id_bidder')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_score_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('round_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_score_round_id'))
    op.drop_table('round_score')
    with op.batch_alter_table('bid_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_round_tender_id'))
    op.drop_table('bid_round')
