"""scenarios: named what-ifs, with Base, Downside, Severe and Upside shipped (DOMAIN §9)

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000

Creates the ``scenario`` table and puts the shipped scenarios in it, for a new workspace and for
an existing one alike (every workspace is made by running the migrations). The rows are written
out here, as they were when this revision was made, so later changes to the program's defaults
never rewrite a workspace's history; ``tests/store`` checks they equal ``domain.scenarios.SHIPPED``.
Ids are left to the database (no sequence to move on PostgreSQL).
"""

import sqlalchemy as sa
from alembic import op

import consortium_planner.store.types  # noqa: F401  (custom column types)

revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None

#: name, volume %, ramp-up months, pay pp, NLW pp, CPI pp, payment days, mobilisation months,
#: ends after year, competitors' prices %, interest pp, cost overrun %, notes
SHIPPED = (
    ("Base", "0", 0, "0", "0", "0", 0, 0, 0, "0", "0", "0", "The option as planned."),
    ("Downside", "-10", 0, "1.5", "0", "0", 30, 2, 0, "0", "0", "0",
     "DOMAIN §9 default [U]: volume −10%, pay +1.5 points a year, paid 30 days later, mobilisation 2 months late."),
    ("Severe", "-20", 0, "3", "0", "0", 60, 0, 3, "0", "0", "0",
     "DOMAIN §9 default [U]: volume −20%, pay +3 points a year, paid 60 days later, terminated after year 3."),
    ("Upside", "10", 0, "-0.5", "0", "0", 0, 0, 0, "0", "0", "0",
     "An assumption [U]: volume +10%, pay 0.5 points a year below plan."),
)
COLUMNS = ("name", "volume_pct", "ramp_up_months", "pay_uplift_pp", "nlw_uplift_pp", "cpi_pp", "payment_delay_days",
           "mobilisation_overrun_months", "termination_after_year", "competitor_price_pct", "interest_rate_pp",
           "cost_overrun_pct", "notes")


def upgrade() -> None:
    scenario = op.create_table('scenario',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('volume_pct', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('ramp_up_months', sa.Integer(), nullable=True),
    sa.Column('pay_uplift_pp', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('nlw_uplift_pp', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('cpi_pp', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('payment_delay_days', sa.Integer(), nullable=True),
    sa.Column('mobilisation_overrun_months', sa.Integer(), nullable=True),
    sa.Column('termination_after_year', sa.Integer(), nullable=True),
    sa.Column('competitor_price_pct', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('interest_rate_pp', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('cost_overrun_pct', consortium_planner.store.types.DecimalText(length=40), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario')),
    sa.UniqueConstraint('name', name=op.f('uq_scenario_name')),
    sqlite_autoincrement=True
    )
    op.bulk_insert(scenario, [dict(zip(COLUMNS, row, strict=True)) for row in SHIPPED])


def downgrade() -> None:
    op.drop_table('scenario')
