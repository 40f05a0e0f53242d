"""the price the buyer evaluates and how the budget ceiling moves in later years

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tenders written before this revision get what the program assumed until now: the year-one
    # annual price is evaluated, and the ceiling is a fixed amount of cash every year. The columns are
    # added with a server default so SQLite adds them in place (ALTER TABLE ... ADD COLUMN): a batch
    # copy of the tender table would cascade-delete its children when the old table is dropped.
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_evaluated', consortium_planner.store.types.ChoiceText(length=40),
                                      nullable=False, server_default='year_one'))
        batch_op.add_column(sa.Column('ceiling_indexation', consortium_planner.store.types.ChoiceText(length=40),
                                      nullable=False, server_default='fixed'))


def downgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_column('ceiling_indexation')
        batch_op.drop_column('price_evaluated')
