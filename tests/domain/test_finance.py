"""Generic finance arithmetic (domain/finance.py): annuities, loan schedules, NPV, IRR, payback.

Figures are checked against independent float computations, not against the module itself.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium_planner.domain import finance, projection
from consortium_planner.domain.finance import (
    annuity_payment,
    internal_rate_of_return,
    loan_schedule,
    monthly_discount_factor,
    net_present_value,
    payback_month,
)


def _float_npv(flows, annual_rate):
    return sum(float(cf) / (1 + annual_rate) ** (t / 12) for t, cf in enumerate(flows))


def test_the_projection_keeps_offering_the_finance_functions():
    for name in finance.__all__:
        if name != "monthly_discount_factor":
            assert getattr(projection, name) is getattr(finance, name)


def test_annuity_at_zero_interest_is_the_principal_spread_evenly_and_needs_a_month():
    assert annuity_payment(D("1200"), D("0"), 12) == D("100")
    with pytest.raises(ValueError):
        annuity_payment(D("1200"), D("0.01"), 0)


@given(principal=st.integers(1, 10**7), rate_bp=st.integers(1, 3000), months=st.integers(1, 360))
def test_annuity_repays_the_principal_at_its_present_value(principal, rate_bp, months):
    r = rate_bp / 10000 / 12
    payment = float(annuity_payment(D(principal), D(rate_bp) / 10000 / 12, months))
    assert sum(payment / (1 + r) ** k for k in range(1, months + 1)) == pytest.approx(principal, rel=1e-9)


@settings(max_examples=60)
@given(amount=st.integers(1, 10**6), rate_bp=st.integers(0, 2000), term=st.integers(1, 120),
       holiday=st.integers(0, 24), drawdown=st.integers(0, 12))
def test_a_loan_is_repaid_to_the_penny_within_its_term(amount, rate_bp, term, holiday, drawdown):
    rate_pct = D(rate_bp) / 100
    s = loan_schedule(D(amount), rate_pct, term, holiday, drawdown_month=drawdown)
    # paid monthly from the month after drawdown, never beyond the term (a rounded-up annuity may
    # clear a small loan early)
    assert [p.month for p in s.payments] == list(range(drawdown + 1, drawdown + len(s.payments) + 1))
    assert 0 < len(s.payments) <= term
    assert sum(p.principal for p in s.payments) == D(amount) and s.payments[-1].closing == 0
    for before, after in zip(s.payments, s.payments[1:], strict=False):
        assert after.opening == before.closing
    for p in s.payments:
        assert p.interest == (p.opening * (rate_pct / 100 / 12)).quantize(D("0.01"))
        assert p.payment == p.interest + p.principal
    assert all(p.principal == 0 for p in s.payments[:min(holiday, term - 1)])
    assert s.balloon == 0


def test_monthly_discount_factor_compounds_to_the_annual_rate():
    v = monthly_discount_factor(D("0.07"))
    assert float(v) ** 12 * 1.07 == pytest.approx(1.0, abs=1e-15)
    with pytest.raises(ValueError):
        net_present_value([D(1)], D("-100"))


@settings(max_examples=60)
@given(outlay=st.integers(1000, 10**6), inflows=st.lists(st.integers(0, 10**5), min_size=1, max_size=60))
def test_irr_zeroes_the_npv_of_a_conventional_project(outlay, inflows):
    flows = [D(-outlay)] + [D(x) for x in inflows]
    irr = internal_rate_of_return(flows)
    if sum(inflows) == 0:
        assert irr.rate is None and "never change sign" in irr.note
        return
    if irr.rate is None:  # far outside −99% … 10,000% a year
        assert "no rate" in irr.note
        return
    rate = float(irr.rate)
    scale = sum(abs(float(cf)) / (1 + rate) ** (t / 12) for t, cf in enumerate(flows))
    assert abs(_float_npv(flows, rate)) < 1e-9 * scale
    assert not irr.multiple  # one sign change, one rate
    # NPV is positive below the rate and negative above it
    below = max(rate - 0.01, (rate - 1) / 2)  # stay above −100%
    assert _float_npv(flows, below) > 0 > _float_npv(flows, rate + 0.01)


def test_every_rate_reported_for_flows_that_change_sign_twice_zeroes_the_npv():
    flows = [D(-100)] + [D(0)] * 11 + [D(230)] + [D(0)] * 11 + [D(-132)]
    irr = internal_rate_of_return(flows, D("0.25"))
    assert irr.multiple and float(irr.rate) == pytest.approx(0.2, abs=1e-9)  # nearest the guess
    for rate in (irr.rate, *irr.others):
        assert abs(_float_npv(flows, float(rate))) < 1e-9


def test_no_irr_when_no_rate_in_the_range_makes_the_npv_zero():
    irr = internal_rate_of_return([D(-1), D(10**9)])
    assert irr.rate is None and "no rate between" in irr.note and irr.others == ()


@settings(max_examples=80)
@given(outlays=st.lists(st.integers(1, 10**6), min_size=1, max_size=12),
       gap=st.integers(0, 6),
       inflows=st.lists(st.integers(0, 10**5), min_size=1, max_size=120),
       flip=st.booleans())
def test_flows_that_change_sign_once_get_the_rate_the_full_scan_finds(outlays, gap, inflows, flip):
    """Halving the grid (one sign change: one rate, by Descartes' rule) finds the very bracket, and so the
    very rate, that scanning all 27 grid rates does: exactly, digit for digit."""
    flows = [D(-x) for x in outlays] + [D(0)] * gap + [D(x) for x in inflows]
    if flip:
        flows = [-cf for cf in flows]
    if not any(cf > 0 for cf in flows) or not any(cf < 0 for cf in flows):
        return
    assert finance._sign_changes(flows) == 1
    points = [(r, monthly_discount_factor(r)) for r in finance._IRR_GRID]
    assert internal_rate_of_return(flows) == finance._scan(flows, points, D("0.1"))


def _exact_scan(flows, guess=D("0.1")):
    """The scan with the exact NPV at every grid rate (as the program did before reading signs from floats)."""
    points = [(r, monthly_discount_factor(r)) for r in finance._IRR_GRID]
    values = [finance._horner(flows, v) for _r, v in points]
    roots = []
    for i in range(len(points)):
        if values[i] == 0:
            roots.append(points[i][0])
        elif i + 1 < len(points) and values[i] * values[i + 1] < 0:
            roots.append(finance._bisect(flows, points[i + 1][1], values[i + 1], points[i][1], values[i]))
    if not roots:
        return None, ()
    best = min(roots, key=lambda r: (abs(r - guess), r))
    return best, tuple(r for r in roots if r != best)


@settings(max_examples=120)
@given(st.lists(st.integers(-10**7, 10**7), min_size=2, max_size=150))
def test_the_scan_reading_signs_from_floats_finds_the_exact_scans_rates(cents):
    """Signs read from floats only where the float's error cannot reach them: the same brackets and rates as
    exact values at all 27 grid rates, digit for digit."""
    flows = [D(c) / 100 for c in cents]
    if finance._sign_changes(flows) < 2:
        return
    points = [(r, monthly_discount_factor(r)) for r in finance._IRR_GRID]
    irr = finance._scan(flows, points, D("0.1"))
    assert (irr.rate, irr.others) == _exact_scan(flows)


def test_an_npv_of_exactly_zero_at_a_grid_rate_is_left_to_the_exact_value():
    # NPV at 0% is −100 + 300 − 200 = 0 exactly: no float can say its sign, so the exact value finds the root
    flows = [D(-100)] + [D(0)] * 11 + [D(300)] + [D(0)] * 11 + [D(-200)]
    signs = finance._float_signs(flows, [(D(0), monthly_discount_factor(D(0)))])
    assert signs == [None]
    irr = internal_rate_of_return(flows, D("0.01"))
    assert irr.rate == D(0) and irr.multiple and (irr.rate, irr.others) == _exact_scan(flows, D("0.01"))


def test_flows_that_change_sign_more_than_once_are_scanned():
    flows = [D(-100)] + [D(0)] * 11 + [D(230)] + [D(0)] * 11 + [D(-132)]
    assert finance._sign_changes(flows) == 2
    assert finance._sign_changes([D(0), D(-1), D(0), D(-2), D(3), D(0), D(4)]) == 1


def test_the_irr_narrows_its_bracket_in_a_few_npv_evaluations(monkeypatch):
    """Regula falsi with the Illinois rule: a bracket of a grid step narrowed to 1e−20 in a couple of dozen
    evaluations of the NPV (halving alone took about seventy), to the same rate as halving."""
    flows = [D(-250_000)] + [D(x) for x in (4_100, 5_300, 6_000, 7_250, 7_900) * 12]
    points = [(r, monthly_discount_factor(r)) for r in finance._IRR_GRID]
    values = [net_present_value(flows, r * 100) for r, _v in points]
    i = next(k for k in range(len(points) - 1) if values[k] * values[k + 1] < 0)
    calls = []
    horner = finance._horner
    monkeypatch.setattr(finance, "_horner", lambda f, v: calls.append(v) or horner(f, v))
    rate = finance._bisect(flows, points[i + 1][1], values[i + 1], points[i][1], values[i])
    assert len(calls) <= 24
    lo, hi = points[i + 1][1], points[i][1]
    for _ in range(80):  # plain halving, as a yardstick
        mid = (lo + hi) / 2
        if (horner(flows, mid) < 0) == (values[i + 1] < 0):
            lo = mid
        else:
            hi = mid
    assert abs(rate - (((lo + hi) / 2) ** -12 - 1)) < D("1e-17")


def test_payback_is_the_first_month_back_at_zero():
    assert payback_month([D(-10), D(4), D(6), D(-20), D(30)]) == 2
    assert payback_month([D(5), D(-3)]) == 0  # never negative
    assert payback_month([]) == 0


# --------------------------------------------------------------------------- flat-rate loans (DOMAIN §12)


def test_a_flat_rate_loan_pays_the_hand_worked_schedule():
    """£100,000 at 4.2% flat over 60 months (Key Fund's example). By hand: interest is on the original
    amount for the whole term, £100,000 × 4.2% ÷ 12 = £350.00 a month, £21,000 in all; the capital is
    £100,000 ÷ 60 = £1,666.67 for 40 months and £1,666.66 for 20 (the pence add back to £100,000); so
    the payment is £2,016.67 then £2,016.66, as L × (1 + f × n/12) ÷ n = £100,000 × 1.21 ÷ 60 =
    £2,016.666… says."""
    assert finance.flat_rate_payment(D(100000), D("4.2"), 60) * 60 == D(121000)
    s = loan_schedule(D(100000), D("4.2"), 60, flat=True)
    assert s.flat and len(s.payments) == 60
    assert {p.interest for p in s.payments} == {D("350.00")}
    assert [p.principal for p in s.payments] == [D("1666.67")] * 40 + [D("1666.66")] * 20
    assert [p.payment for p in s.payments] == [D("2016.67")] * 40 + [D("2016.66")] * 20
    assert s.annuity == D("2016.67")
    assert s.total_interest == D("21000.00") and s.payments[-1].closing == 0 and s.balloon == 0


def test_the_true_rate_of_4_2_percent_flat_over_five_years_is_7_8_nominal_and_8_1_effective():
    s = loan_schedule(D(100000), D("4.2"), 60, flat=True)
    assert round(s.true_rate_pct, 1) == D("7.8") and round(s.true_effective_rate_pct, 1) == D("8.1")
    # it is the rate whose annuity over the 60 months equals the flat payment (to the penny)
    annuity = annuity_payment(D(100000), s.true_rate_pct / 1200, 60)
    assert abs(annuity - finance.flat_rate_payment(D(100000), D("4.2"), 60)) < D("0.01")
    # and the effective rate is the nominal one compounded monthly
    r = float(s.true_rate_pct) / 1200
    assert float(s.true_effective_rate_pct) == pytest.approx(((1 + r) ** 12 - 1) * 100, abs=1e-3)


def test_a_flat_rate_loan_with_a_capital_holiday_pays_interest_on_the_whole_amount_throughout():
    s = loan_schedule(D(48000), D("6"), 36, 12, drawdown_month=2, flat=True)
    assert [p.month for p in s.payments] == list(range(3, 39))
    assert {p.interest for p in s.payments} == {D("240.00")}  # 48,000 × 6% ÷ 12, holiday or not
    assert [p.principal for p in s.payments] == [D(0)] * 12 + [D("2000.00")] * 24
    assert s.total_interest == D("8640.00")  # 48,000 × 6% × 3 years


def test_an_amortising_loans_true_rate_is_its_own_and_fees_raise_the_cost():
    s = loan_schedule(D(250000), D("7.9"), 72, arrangement_fee_pct=D("3"))
    assert abs(s.true_rate_pct - D("7.9")) < D("0.01")
    r = 0.079 / 12
    assert float(s.true_effective_rate_pct) == pytest.approx(((1 + r) ** 12 - 1) * 100, abs=0.01)
    assert s.effective_rate_with_fees_pct > s.true_effective_rate_pct + D("0.5")


def test_a_loan_cut_short_by_the_projection_keeps_the_true_rate_of_its_whole_term():
    whole = loan_schedule(D(100000), D("4.2"), 60, flat=True)
    cut = loan_schedule(D(100000), D("4.2"), 60, flat=True, last_month=24)
    assert cut.balloon > 0 and cut.true_rate_pct == whole.true_rate_pct


def test_a_commitment_fee_is_a_twelfth_of_the_yearly_rate_on_the_undrawn_sum():
    assert finance.monthly_commitment_fee(D(100000), D("1.2")) == D("100.00")
    assert finance.monthly_commitment_fee(D(0), D("1.2")) == 0


@settings(max_examples=60)
@given(amount=st.integers(1, 10**6), rate_bp=st.integers(0, 2000), term=st.integers(1, 120),
       holiday=st.integers(0, 24), pence=st.booleans())
def test_a_flat_loan_is_repaid_to_the_penny_with_interest_on_the_original_amount(amount, rate_bp, term, holiday,
                                                                                pence):
    rate_pct = D(rate_bp) / 100
    if pence:  # fewer pence than months: some months repay no capital, yet the interest runs to the end
        amount = D(amount % 100 + 1) / 100
    s = loan_schedule(D(amount), rate_pct, term, holiday, flat=True)
    assert len(s.payments) == term and sum(p.principal for p in s.payments) == D(amount)
    monthly = (D(amount) * rate_pct / 1200).quantize(D("0.01"))
    assert all(p.interest == monthly for p in s.payments) and s.total_interest == monthly * term
    assert s.payments[-1].closing == 0


def test_a_loan_schedule_is_worked_out_once_per_exact_set_of_arguments():
    """The schedules are kept by their arguments exactly as given: the same loan asked again is the same
    (immutable) schedule; a rate written with another exponent, or any other argument, is worked out afresh."""

    finance._SCHEDULES.clear()
    first = finance.loan_schedule(D("250000"), D("6.5"), 60, 6, drawdown_month=2, arrangement_fee_pct=D("1"))
    again = finance.loan_schedule(D("250000"), D("6.5"), 60, 6, drawdown_month=2, arrangement_fee_pct=D("1"))
    assert again is first
    other = finance.loan_schedule(D("250000"), D("6.50"), 60, 6, drawdown_month=2, arrangement_fee_pct=D("1"))
    assert other is not first and str(other.interest_rate_pct) == "6.50" and other.payments == first.payments
    assert finance.loan_schedule(D("250000"), D("6.5"), 60, 6, drawdown_month=3,
                                 arrangement_fee_pct=D("1")).payments[0].month == 4
    assert finance._loan_schedule(D("250000"), D("6.5"), 60, 6, drawdown_month=2, arrangement_fee_pct=D("1")) == first


def test_a_monthly_discount_factor_is_the_twelfth_root_whether_worked_out_or_kept():
    finance._FACTORS.clear()
    first = finance.monthly_discount_factor(D("0.035"))
    assert finance.monthly_discount_factor(D("0.035")) == first == (D(1) + D("0.035")) ** (-D(1) / D(12))
    assert abs(first ** 12 * D("1.035") - 1) < D("1e-25")
    assert finance.monthly_discount_factor(D("0.05")) != first
