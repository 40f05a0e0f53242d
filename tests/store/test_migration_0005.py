"""Revision 0005: the risk register, social outcomes and lenders' loan terms.

A workspace written at 0003 with a loan opens with that loan unchanged: amortising, no commitment fee,
no part as grant, unsecured (so its schedule is the one computed before); risks and outcomes can be
stored at once.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import create_engine

from consortium_planner.domain.model import (
    FundingSource,
    LoanRepayment,
    Risk,
    RiskSource,
    RiskStatus,
    SocialOutcome,
)
from consortium_planner.store.workspace_file import Store, alembic_config


def _old_file_with_a_loan(path):
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
        conn.exec_driver_sql("INSERT INTO tender (id, name, buyer, buyer_type, regime, reserved_for_mutuals, "
                             "term_years, notes, price_method) VALUES (1, 'T', '', 'county', 'pa23', 0, 5, '', "
                             "'relative')")
        conn.exec_driver_sql("INSERT INTO consortium_option (id, tender_id, name, structure, liability, notes) "
                             "VALUES (2, 1, 'O', 'spv', 'ring_fenced', '')")
        conn.exec_driver_sql("INSERT INTO funding_source (id, option_id, name, kind, amount, interest_rate_pct, "
                             "term_months, capital_holiday_months, arrangement_fee_pct, drawdown_month) VALUES "
                             "(3, 2, 'Loan', 'loan', 25000000, '7.01', 60, 6, '1.5', 2)")
    engine.dispose()


def test_a_loan_written_before_0005_opens_as_the_same_amortising_unsecured_loan(tmp_path):
    p = tmp_path / "old.cplan"
    _old_file_with_a_loan(p)
    with Store.open(p) as s:
        ws = s.load()
    loan = ws.get(FundingSource, 3)
    assert loan.amount == Decimal("250000.00") and loan.interest_rate_pct == Decimal("7.01")
    assert loan.repayment is LoanRepayment.AMORTISING
    assert loan.commitment_fee_pct == 0 and loan.grant_pct == 0
    assert loan.secured is False and loan.security == ""


def test_risks_and_outcomes_are_stored_after_the_upgrade(tmp_path):
    p = tmp_path / "old.cplan"
    _old_file_with_a_loan(p)
    with Store.open(p) as s:
        risk = s.insert(Risk(option_id=2, area="Funding", description="Lender withdraws", likelihood=2, impact=5,
                             owner="Finance director", residual_likelihood=1))
        s.insert(SocialOutcome(option_id=2, measure="People supported at home", unit="people a year",
                               baseline=Decimal("0"), target=Decimal("250")))
        ws = s.load()
    stored = ws.get(Risk, risk.id)
    assert stored.status is RiskStatus.OPEN and stored.source is RiskSource.USER
    assert (stored.likelihood, stored.impact, stored.residual_likelihood, stored.residual_impact) == (2, 5, 1, None)
    assert [o.target for o in ws.all(SocialOutcome)] == [Decimal("250")]
