"""Loans as lenders offer them in the projection (DOMAIN §12): flat rate, a grant alongside the loan,
arrangement and commitment fees. Hand-worked on the projection tests' one-line option
(``test_projection.workspace``: mobilisation from February 2027, service from April 2027)."""

from __future__ import annotations

from decimal import Decimal as D

from test_projection import MOBILISATION, RATES, workspace

from consortium_planner.domain.model import FundingKind, FundingSource, LoanRepayment
from consortium_planner.domain.projection import capital, funding


def test_a_flat_rate_loan_in_the_projection_charges_interest_on_the_original_amount():
    """£12,000 at 6% flat over 12 months, drawn in month 0: £60 interest and £1,000 capital a month,
    months 1 to 12; £720 of interest in all (12,000 × 6%)."""
    loan = FundingSource(name="Key Fund loan", kind=FundingKind.LOAN, amount=D("12000"), interest_rate_pct=D("6"),
                         term_months=12, repayment=LoanRepayment.FLAT)
    c = capital(workspace(items=[MOBILISATION], sources=[loan], term_years=2), 1, RATES)
    (sched,) = c.funding.loan_schedules
    assert sched.flat and [p.month for p in sched.payments] == list(range(1, 13))
    assert {p.interest for p in sched.payments} == {D("60.00")} and {p.principal for p in sched.payments} == {D("1000.00")}
    months = c.projection.months
    assert [m.interest_paid for m in months[1:13]] == [D("60.00")] * 12
    assert sum(y.interest for y in c.projection.years) == D("720.00")
    # its true rate, beside the flat 6%: about 10.9% a year (the annuity of £12,000 over 12 months at
    # 0.908% a month is £1,060)
    assert D("10.8") < sched.true_rate_pct < D("11.0")
    (line,) = c.funding.sources
    assert line.repayment is LoanRepayment.FLAT and line.interest == D("720.00")


def test_a_grant_alongside_a_loan_comes_in_as_grant_and_only_the_rest_is_lent():
    """Forward Enterprise Fund's 85/15: £100,000 with 15% as grant is a £15,000 grant (income when drawn)
    and an £85,000 loan; the 1.5% arrangement fee is on the £85,000 lent (£1,275)."""
    fef = FundingSource(name="Forward Enterprise Fund", kind=FundingKind.LOAN, amount=D("100000"),
                        interest_rate_pct=D("7.5"), term_months=60, grant_pct=D("15"), arrangement_fee_pct=D("1.5"),
                        drawdown_month=1)
    c = capital(workspace(items=[MOBILISATION], sources=[fef], term_years=5), 1, RATES)
    f, months = c.funding, c.projection.months
    assert (f.grants, f.loans, f.total_sources) == (D("15000.00"), D("85000.00"), D("100000.00"))
    assert months[1].grants_in == D("15000.00") and months[1].loans_in == D("85000.00")
    assert months[1].arrangement_fees_paid == D("1275.00")
    (sched,) = f.loan_schedules
    assert sched.amount == D("85000.00") and sum(p.principal for p in sched.payments) == D("85000.00")
    (line,) = f.sources
    assert line.amount == D("100000.00") and line.grant_part == D("15000.00") and line.arrangement_fee == D("1275.00")
    assert c.projection.years[0].grant_income == D("15000.00")  # mobilisation: months 0 and 1


def test_a_commitment_fee_is_paid_on_a_loan_until_it_is_drawn():
    """£120,000 committed at 1% a year from month 0 and drawn in month 3: £100 in each of months 0, 1, 2."""
    loan = FundingSource(name="Charity Bank loan", kind=FundingKind.LOAN, amount=D("120000"),
                         interest_rate_pct=D("6"), term_months=24, commitment_fee_pct=D("1"), drawdown_month=3,
                         secured=True, security="A charge over the pool cars")
    c = capital(workspace(items=[MOBILISATION], sources=[loan], term_years=2), 1, RATES)
    months = c.projection.months
    assert [m.arrangement_fees_paid for m in months[:4]] == [D("100.00"), D("100.00"), D("100.00"), D("0")]
    (line,) = c.funding.sources
    assert line.commitment_fees == D("300.00") and line.secured and line.security == "A charge over the pool cars"
    assert c.projection.years[0].arrangement_fees == D("200.00")  # mobilisation is months 0 and 1
    assert c.projection.years[1].arrangement_fees == D("100.00")


def test_an_overdrafts_commitment_fee_is_on_its_unused_facility():
    """A £5,000 facility at 1.2% a year on what is unused: £5.00 a month while nothing is drawn, less once
    it is; in month 0 the set-up cost draws £650 at once (after the month's fee on the whole £5,000)."""
    od = FundingSource(name="Overdraft", kind=FundingKind.OVERDRAFT, amount=D("5000"), interest_rate_pct=D("12"),
                       commitment_fee_pct=D("1.2"))
    c = capital(workspace(items=[MOBILISATION], sources=[od]), 1, RATES)
    months = c.projection.months
    assert months[0].arrangement_fees_paid == D("5.00")
    drawn_before = months[0].overdraft_balance
    assert months[1].arrangement_fees_paid == ((D("5000") - drawn_before) * D("0.001")).quantize(D("0.01"))
    (line,) = c.funding.sources
    assert line.commitment_fees == sum((m.arrangement_fees_paid for m in months), D(0))
    assert all(m.closing_balance >= 0 for m in months)


def test_terms_that_only_fit_a_loan_are_flagged_on_other_sources_and_ignored():
    grant = FundingSource(name="Grant", kind=FundingKind.GRANT, amount=D("2000"), grant_pct=D("15"),
                          repayment=LoanRepayment.FLAT)
    c = capital(workspace(items=[MOBILISATION], sources=[grant]), 1, RATES)
    assert c.funding.grants == D("2000") and c.funding.loans == 0
    (flag,) = [x for x in c.projection.flags if x.code == "funding_term_ignored"]
    assert "a part given as grant and a flat rate only apply to a loan" in flag.message


def test_a_plain_loan_is_computed_as_before_the_new_terms():
    """The defaults (amortising, no commitment fee, nothing as grant) leave a loan's schedule as it was."""
    loan = FundingSource(name="Loan", kind=FundingKind.LOAN, amount=D("2000"), interest_rate_pct=D("6"),
                         term_months=12)
    f = funding(workspace(items=[MOBILISATION], sources=[loan], term_years=2), 1, RATES)
    (sched,) = f.loan_schedules
    assert not sched.flat and sched.annuity == D("172.13")  # 2,000 × 0.005 ÷ (1 − 1.005^−12)
    assert f.sources[0].commitment_fees == 0 and f.sources[0].grant_part == 0 and f.grants == 0
