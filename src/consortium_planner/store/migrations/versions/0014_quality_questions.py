"""quality questions: a tender's quality marks split into questions, and each option's expected scores (issue 18)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 02:50:00.000000

New tables: ``quality_question`` (a tender's sub-criteria of quality: weight within quality, the scale, an
optional minimum score) and ``quality_answer`` (the score an option expects on each, and how it earns it).
No figure written before changes.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    types = consortium_planner.store.types
    op.create_table('quality_question',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('weight_pct', types.DecimalText(length=40), nullable=True),
    sa.Column('max_score', types.DecimalText(length=40), nullable=True),
    sa.Column('minimum_score', types.DecimalText(length=40), nullable=True),
    sa.ForeignKeyConstraint(['tender_id'], ['tender.id'], name=op.f('fk_quality_question_tender_id_tender'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_question')),
    sa.UniqueConstraint('tender_id', 'name', name=op.f('uq_quality_question_tender_id_name')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('quality_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_question_tender_id'), ['tender_id'], unique=False)
    op.create_table('quality_answer',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('expected_score', types.DecimalText(length=40), nullable=True),
    sa.Column('plan', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['consortium_option.id'],
                            name=op.f('fk_quality_answer_option_id_consortium_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['quality_question.id'],
                            name=op.f('fk_quality_answer_question_id_quality_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_answer')),
    sa.UniqueConstraint('option_id', 'question_id', name=op.f('uq_quality_answer_option_id_question_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('quality_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_answer_option_id'), ['option_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_answer_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quality_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_answer_question_id'))
        batch_op.drop_index(batch_op.f('ix_quality_answer_option_id'))
    op.drop_table('quality_answer')
    with op.batch_alter_table('quality_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_question_tender_id'))
    op.drop_table('quality_question')
