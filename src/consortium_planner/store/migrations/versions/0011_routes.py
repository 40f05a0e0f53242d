"""routes: the facts the Provider Selection Regime screener reads, and national prices (issue 18)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:40:00.000000

Tenders gain whether prices are set nationally and the PSR facts (only one capable provider, patient
choice, the incumbent and whether it performs satisfactorily, the current contract's lifetime value).
Rows written before: none of them stated, so no tender's figures change.
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0011'
down_revision = "0010"
branch_labels = None
depends_on = None

_FLAGS = ("national_prices", "psr_only_capable_provider", "psr_patient_choice", "psr_incumbent_satisfactory")


def upgrade() -> None:
    for name in _FLAGS:
        op.add_column('tender', sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('tender', sa.Column('psr_incumbent', sa.String(length=500), nullable=False, server_default=''))
    op.add_column('tender', sa.Column('psr_current_lifetime_value', consortium_planner.store.types.Pence(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tender', schema=None) as batch_op:
        batch_op.drop_column('psr_current_lifetime_value')
        batch_op.drop_column('psr_incumbent')
        for name in reversed(_FLAGS):
            batch_op.drop_column(name)
