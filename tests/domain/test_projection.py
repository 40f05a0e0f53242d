"""Monthly projection, funding requirement, loan schedules, debt service cover and returns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import (
    Allocation,
    CapitalItem,
    CapitalKind,
    ConsortiumOption,
    CostProfile,
    FundingKind,
    FundingSource,
    LegalForm,
    LoanRepayment,
    Member,
    Organisation,
    PensionScheme,
    Requirement,
    Role,
    Structure,
    Tender,
)
from consortium_planner.domain.projection import (
    annuity_payment,
    capital,
    funding,
    internal_rate_of_return,
    loan_schedule,
    net_present_value,
    non_pay_lag_months,
    payback_month,
    projection,
    receipt_lag_months,
    returns,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.rates import load_reference_rates

RATES = load_reference_rates()
PENNY = D("0.01")


def workspace(*, terms=30, mobilisation=2, term_years=1, ramp=0, margin=D("20"), non_pay_days=30, items=(),
              sources=(), structure=Structure.GO_ALONE, charity=False, role_rate=None, extension_years=0,
              pay=D("0"), cpi=D("0"), bond_pct=D("0"), insurance=D("0"), discount=D("0"), **option_fields):
    """The hand-worked option: 1,200 units a year of £10 non-pay each (no staff), priced at a 20% margin:
    £12.50 a unit, £15,000 a year, £1,250 a month against £1,000 of cost. Service from 1 April 2027."""
    rows = [
        Organisation(id=1, name="Alpha", legal_form=LegalForm.CIO if charity else LegalForm.CIC_SHARES,
                     registered_charity=charity),
        CostProfile(id=1, organisation_id=1, service_line="Homecare", travel_ratio=D("0"), training_ratio=D("0"),
                    holiday_pct=D("0"), sickness_pct=D("0"), pension_scheme=PensionScheme.NONE,
                    mileage_per_unit=D("0"), non_pay_per_unit=D("10"), fixed_costs_per_year=D("0")),
        Tender(id=1, name="Tender", start_date=dt.date(2027, 4, 1), term_years=term_years,
               extension_years=extension_years, annual_value=D("15000"), payment_terms_days=terms,
               mobilisation_months=mobilisation, pay_indexation_pct=pay, cpi_indexation_pct=cpi, bond_pct=bond_pct),
        Requirement(id=1, tender_id=1, service_line="Homecare", area="North", annual_volume=D("1200")),
        ConsortiumOption(id=1, tender_id=1, name="Option", structure=structure, lead_organisation_id=1,
                         margin_pct=margin, ramp_up_months=ramp, non_pay_payment_days=non_pay_days,
                         insurance_per_year=insurance, discount_rate_pct=discount, **option_fields),
        Member(id=1, option_id=1, organisation_id=1, participation_pct=D("100"), profit_share_pct=D("100")),
        Allocation(id=1, option_id=1, requirement_id=1, member_id=1, volume=D("1200")),
    ]
    if role_rate is not None:
        rows.append(Role(id=1, cost_profile_id=1, name="Worker", hourly_rate=role_rate, annual_paid_hours=D("1560")))
    for i, item in enumerate(items, start=1):
        rows.append(dataclasses.replace(item, id=i, option_id=1))
    for i, src in enumerate(sources, start=1):
        rows.append(dataclasses.replace(src, id=i, option_id=1))
    return Workspace(rows)


MOBILISATION = CapitalItem(name="Set-up", kind=CapitalKind.MOBILISATION, amount=D("600"), month=0)


# =========================================================================== a hand-worked case


def test_hand_worked_projection():
    c = capital(workspace(items=[MOBILISATION]), 1, RATES)
    p, f, r = c.projection, c.funding, c.returns
    assert p.mobilisation_start == dt.date(2027, 2, 1) and p.service_start == dt.date(2027, 4, 1)
    assert p.receipt_lag_months == 2 and p.non_pay_lag_months == 1
    # 2 months of mobilisation, 12 of service, then run-off to the tax paid 9 months after year 1
    assert len(p.months) == 23 and p.projection_end == dt.date(2028, 12, 31)
    m = p.months
    assert [x.income for x in m[2:14]] == [D("1250.00")] * 12
    assert [x.month for x in m if x.receipts] == list(range(4, 16))
    assert [x.month for x in m if x.non_pay_paid] == list(range(3, 15))
    assert m[0].mobilisation_paid == D("600")
    # P&L: a loss of £600 in mobilisation is carried forward against year one's £3,000
    mob, year1, runoff = p.years
    assert (mob.label, year1.label, runoff.label) == ("Mobilisation", "Year 1", "Run-off")
    assert mob.ebitda == D("-600") and mob.tax == 0
    assert (year1.income, year1.non_pay, year1.ebitda, year1.profit_before_tax) == (
        D("15000.00"), D("12000.00"), D("3000.00"), D("3000.00"))
    assert year1.tax == D("600.00") and year1.profit_after_tax == D("2400.00")
    assert m[22].tax_paid == D("600.00") and m[22].operating_tax_paid == D("600.00")
    expected = [D(-600), D(0), D(0), D(-1000)] + [D(250)] * 11 + [D(1250)] + [D(0)] * 6 + [D(-600)]
    assert [x.cash_before_funding for x in m] == expected
    assert m[-1].cumulative_before_funding == D("1800.00") == p.closing_balance
    # funding: the cumulative bottoms out at −£1,600 in month 3; no payroll, so no buffer; 10% contingency
    assert (f.peak_deficit, f.peak_deficit_month, f.buffer, f.contingency, f.requirement) == (
        D("1600"), 3, D("0"), D("160.00"), D("1760.00"))
    assert f.shortfall == D("1760.00") and not f.covered
    assert f.lowest_balance == D("-1600") and f.lowest_balance_month == 3
    # returns at 0%: NPV is the plain sum; payback when the cumulative is back above zero
    assert r.npv == D("1800.00") and r.total_cash_flow == D("1800.00")
    assert r.payback_month == 10 and r.payback_date == dt.date(2027, 12, 1) and r.payback_service_months == 9
    assert r.break_even_volume_pct == D("20.00")  # fixed £600 ÷ contribution £3,000
    assert r.break_even_price_pct == D("84.00")  # £12,600 of costs ÷ £15,000
    (member,) = p.members
    assert [y.profit_before_tax for y in member.years] == [D("-600"), D("3000.00"), D("0")]
    assert member.tax == D("600.00") and member.tax_rate_pct == D("25")


def test_ramp_up_runs_linearly_to_full_volume():
    p = projection(workspace(ramp=3), 1, RATES)
    service = [x for x in p.months if x.phase == "service"]
    assert [x.volume_pct for x in service[:5]] == [D(25), D(50), D(75), D(100), D(100)]
    assert [x.income for x in service[:4]] == [D("312.50"), D("625.00"), D("937.50"), D("1250.00")]
    assert sum(x.income for x in p.months) == D("15000") - D("1250") * (D("0.75") + D("0.5") + D("0.25"))


@pytest.mark.parametrize(("days", "first"), [(0, 1), (30, 2), (60, 3), (31, 3), (1, 2)])
def test_first_receipt_month_under_each_payment_term(days, first):
    assert receipt_lag_months(days) == first
    p = projection(workspace(terms=days), 1, RATES)
    first_service = next(x.month for x in p.months if x.phase == "service")
    first_receipt = next(x.month for x in p.months if x.receipts)
    assert first_receipt - first_service == first  # invoice in arrears (1 month) + ⌈days ÷ 30⌉
    assert sum(x.receipts for x in p.months) == sum(x.income for x in p.months)


def test_payroll_is_paid_in_the_month_and_non_pay_after_its_terms():
    assert [non_pay_lag_months(d) for d in (0, 14, 30, 45, 60)] == [0, 1, 1, 2, 2]
    p = projection(workspace(role_rate=D("12.71"), non_pay_days=60), 1, RATES)
    assert any(x.payroll for x in p.months)
    assert all(x.payroll_paid == x.payroll for x in p.months)
    non_pay = [x.non_pay for x in p.months]
    assert [x.non_pay_paid for x in p.months] == [D(0), D(0)] + non_pay[:-2]


def test_extensions_are_optional_and_indexed():
    ws = workspace(term_years=2, extension_years=1, pay=D("3"), cpi=D("2"), role_rate=D("13"))
    base = projection(ws, 1, RATES)
    longer = projection(ws, 1, RATES, include_extensions=True)
    assert [y.label for y in base.years] == ["Mobilisation", "Year 1", "Year 2", "Run-off"]
    assert [y.label for y in longer.years][-2:] == ["Year 3 (extension)", "Run-off"]
    y1, y2 = base.years[1], base.years[2]
    assert y2.income > y1.income and y2.payroll > y1.payroll and y2.non_pay > y1.non_pay


def test_bond_and_insurance():
    ws = workspace(term_years=2, bond_pct=D("10"), insurance=D("1200"))
    p = projection(ws, 1, RATES)
    assert p.bond_amount == D("1500.00")  # 10% of the £15,000 annual value
    service = [x for x in p.months if x.phase == "service"]
    assert [x.bond_paid for x in service if x.bond_paid] == [D("22.50"), D("22.50")]  # 1.5% a year, in advance
    assert sum(x.bond for x in service) == D("45.00") and service[0].bond == D("1.88")
    assert all(x.insurance == D("100.00") == x.insurance_paid for x in service)


def test_capex_is_depreciated_from_service_start_and_written_off_at_the_end():
    van = CapitalItem(name="Van", kind=CapitalKind.CAPEX, amount=D("2400"), month=0, useful_life_months=24)
    p = projection(workspace(items=[van]), 1, RATES)
    assert p.months[0].capex_paid == D("2400") and p.months[0].depreciation == 0
    service = [x for x in p.months if x.phase == "service"]
    assert [x.depreciation for x in service[:11]] == [D("100.00")] * 11
    assert service[11].depreciation == D("1300.00")  # the rest written off in the last month of service
    assert any(f.code == "asset_written_off" for f in p.flags)
    assert sum(y.depreciation for y in p.years) == D("2400")


# =========================================================================== tax


def test_a_charity_pays_no_tax_and_a_vehicle_pays_the_option_rate():
    charity = projection(workspace(charity=True), 1, RATES)
    assert charity.total_tax == 0 and charity.members[0].tax_rate_pct == 0
    vehicle = projection(workspace(charity=True, structure=Structure.SPV, tax_rate_pct=D("19")), 1, RATES)
    assert vehicle.years[1].tax == D("570.00")  # 19% of £3,000
    llp = projection(workspace(structure=Structure.LLP), 1, RATES)
    assert any(f.code == "tax_transparent" for f in llp.flags) and llp.years[1].tax == D("750.00")


def test_members_profits_add_up_to_the_consortiums():
    from consortium_planner.services.demo import build_demo_entities, load_demo_source

    ws = Workspace(build_demo_entities(load_demo_source()))
    for option in ws.options():
        p = projection(ws, option.id, RATES)
        for i, y in enumerate(p.years):
            work = sum(m.years[i].work_value for m in p.members)
            assert work == y.income
            if option.structure is Structure.SPV:
                shared = sum(m.years[i].profit_after_tax for m in p.members)
                assert shared + y.retained_by_vehicle == y.profit_after_tax
            else:
                assert sum(m.years[i].profit_before_tax for m in p.members) == y.profit_before_tax
                assert sum(m.years[i].tax for m in p.members) == y.tax


# =========================================================================== funding


def test_loan_schedule_follows_the_annuity_formula():
    s = loan_schedule(D("250000"), D("7.01"), 60, 6, drawdown_month=2, arrangement_fee_pct=D("1.5"))
    assert s.arrangement_fee == D("3750.00")
    assert len(s.payments) == 60 and s.payments[0].month == 3 and s.payments[-1].month == 62
    r = 0.0701 / 12
    holiday = s.payments[:6]
    assert all(p.principal == 0 and p.interest == D("1460.42") for p in holiday)
    annuity = 250000 * r / (1 - (1 + r) ** -54)
    assert abs(float(s.annuity) - annuity) < 0.005
    assert float(annuity_payment(D("250000"), D("0.0701") / 12, 54)) == pytest.approx(annuity, abs=1e-6)
    for p in s.payments[6:-1]:
        assert p.payment == s.annuity
        assert p.interest == (p.opening * D("0.0701") / 12).quantize(PENNY)
    assert abs(s.payments[-1].payment - s.annuity) < D("1")  # the last payment clears the rounding
    assert sum(p.principal for p in s.payments) == D("250000") and s.payments[-1].closing == 0
    assert s.balloon == 0
    assert s.total_interest == sum(p.interest for p in s.payments)


def test_loan_at_zero_interest_and_one_cut_short():
    flat = loan_schedule(D("1200"), D("0"), 12)
    assert {p.payment for p in flat.payments} == {D("100.00")}
    cut = loan_schedule(D("1200"), D("0"), 12, drawdown_month=0, last_month=6)
    assert cut.balloon == D("600.00") and cut.payments[-1].principal == D("700.00")
    bullet = loan_schedule(D("1000"), D("12"), 3, 6)
    assert [p.principal for p in bullet.payments] == [D(0), D(0), D("1000")]
    assert [p.interest for p in bullet.payments] == [D("10.00")] * 3


def test_funding_shortfall_and_sources():
    equity = FundingSource(name="Reserves", kind=FundingKind.MEMBER_EQUITY, amount=D("1000"), member_id=1)
    f = funding(workspace(items=[MOBILISATION], sources=[equity]), 1, RATES)
    assert f.requirement == D("1760.00") and f.total_sources == D("1000") and f.shortfall == D("760.00")
    assert not f.covered and any(x.code == "funding_shortfall" for x in f.flags)
    assert f.sources[0].member_name == "Alpha" and f.equity == D("1000")
    assert f.lowest_balance == D("-600")  # £1,000 in against a deficit of £1,600 at worst
    enough = FundingSource(name="Reserves", kind=FundingKind.MEMBER_EQUITY, amount=D("2000"))
    f2 = funding(workspace(items=[MOBILISATION], sources=[enough]), 1, RATES)
    assert f2.shortfall == 0 and f2.covered and f2.lowest_balance == D("400")


def test_late_funding_leaves_cash_negative():
    late = FundingSource(name="Grant", kind=FundingKind.GRANT, amount=D("5000"), drawdown_month=6)
    f = funding(workspace(items=[MOBILISATION], sources=[late]), 1, RATES)
    assert f.shortfall == 0 and not f.covered and f.lowest_balance == D("-1600")
    assert any(x.code == "cash_negative" for x in f.flags)


def test_an_overdraft_is_drawn_when_needed_and_repaid():
    od = FundingSource(name="Overdraft", kind=FundingKind.OVERDRAFT, amount=D("5000"), interest_rate_pct=D("12"),
                       arrangement_fee_pct=D("1"))
    c = capital(workspace(items=[MOBILISATION], sources=[od]), 1, RATES)
    m = c.projection.months
    assert m[0].arrangement_fees_paid == D("50.00") and m[0].overdraft_drawn == D("650.00")
    assert m[1].interest_paid == D("6.50")  # 1% a month on £650
    assert all(x.closing_balance >= 0 for x in m)
    assert m[-1].overdraft_balance == 0
    assert c.funding.sources[0].peak_drawn == max(x.overdraft_balance for x in m)
    assert c.projection.years[0].interest > 0 and c.projection.years[0].arrangement_fees == D("50.00")


def test_debt_service_cover_against_the_minimum():
    loan = FundingSource(name="Loan", kind=FundingKind.LOAN, amount=D("2000"), interest_rate_pct=D("6"),
                         term_months=12, drawdown_month=0)
    ws = workspace(items=[MOBILISATION], sources=[loan], term_years=2, min_dscr=D("5"))
    c = capital(ws, 1, RATES)
    f = c.funding
    rows = {d.period: d for d in f.dscr}
    assert not rows[0].tested and rows[1].tested
    for d in f.dscr:
        assert d.cfads == d.ebitda - d.tax_paid - d.capex - d.working_capital_increase + d.funded_by_requirement
        assert d.debt_service == d.interest + d.principal
        if d.debt_service:
            assert d.dscr == (d.cfads / d.debt_service).quantize(PENNY)
            assert d.below_minimum == (d.tested and d.dscr < D("5"))
    year1 = rows[1]
    assert year1.debt_service > 0 and year1.dscr is not None
    assert f.lowest_dscr == min(d.dscr for d in f.dscr if d.tested and d.dscr is not None)
    assert f.dscr_ok is False and any(x.code == "dscr_below_minimum" for x in f.flags)
    relaxed = funding(workspace(items=[MOBILISATION], sources=[loan], term_years=2, min_dscr=D("0.5")), 1, RATES)
    assert relaxed.dscr_ok is (relaxed.lowest_dscr >= D("0.5"))
    (sched,) = f.loan_schedules
    assert sum(p.principal for p in sched.payments) == D("2000")
    assert sum(x.loan_repaid for x in c.projection.months) == D("2000")


# =========================================================================== returns


def _float_npv(flows, rate_pct):
    d = rate_pct / 100
    return sum(float(cf) / (1 + d) ** (t / 12) for t, cf in enumerate(flows))


def test_npv_and_irr_against_an_independent_computation():
    from consortium_planner.services.demo import build_demo_entities, load_demo_source

    ws = Workspace(build_demo_entities(load_demo_source()))
    for option in ws.options():
        c = capital(ws, option.id, RATES)
        flows = [x.cash_before_funding for x in c.projection.months]
        r = c.returns
        assert float(r.npv) == pytest.approx(_float_npv(flows, float(r.discount_rate_pct)), abs=0.01)
        assert float(net_present_value(flows, D("7"))) == pytest.approx(_float_npv(flows, 7.0), rel=1e-9)
        assert r.irr_pct is not None
        scale = sum(abs(float(x)) for x in flows)
        assert abs(_float_npv(flows, float(r.irr_pct))) < 1e-6 * scale
        exact = internal_rate_of_return(flows, r.discount_rate_pct / 100)
        assert abs(_float_npv(flows, float(exact.rate) * 100)) < 1e-6
        # NPV falls as the rate rises through the IRR (a conventional project)
        assert _float_npv(flows, float(r.irr_pct) - 1) > 0 > _float_npv(flows, float(r.irr_pct) + 1)


def test_irr_of_a_simple_annuity():
    flows = [D(-1000)] + [D(0)] * 11 + [D(1100)]
    irr = internal_rate_of_return(flows)
    assert float(irr.rate) == pytest.approx(0.1, abs=1e-12) and not irr.multiple
    assert net_present_value(flows, D("10")).quantize(D("0.000001")) == 0


def test_no_irr_when_the_flows_never_change_sign():
    assert internal_rate_of_return([D(5), D(0), D(3)]).rate is None
    assert "never change sign" in internal_rate_of_return([D(-1), D(-2)]).note
    assert internal_rate_of_return([D(0)] * 4).rate is None
    # a loss-making option paid with no lag beyond the invoice: every month is a payment
    r = returns(workspace(items=[MOBILISATION], margin=D("-20"), terms=0), 1, RATES)
    assert r.irr_pct is None and "never change sign" in r.irr_note and r.payback_month is None
    assert any(f.code == "no_irr" for f in r.flags)
    assert r.npv < 0


def test_several_sign_changes_report_the_rate_nearest_the_guess():
    # −100, +230, −132: NPV zero at 10% and 20% a year (compounded over 12 months)
    flows = [D(-100)] + [D(0)] * 11 + [D(230)] + [D(0)] * 11 + [D(-132)]
    irr = internal_rate_of_return(flows, D("0.12"))
    assert irr.multiple and float(irr.rate) == pytest.approx(0.1, abs=1e-9)
    assert float(irr.others[0]) == pytest.approx(0.2, abs=1e-9)


def test_payback_plain_and_discounted():
    assert payback_month([D(-10), D(5), D(5), D(1)]) == 2
    assert payback_month([D(0), D(3)]) == 0
    assert payback_month([D(-10), D(5)]) is None
    r = returns(workspace(items=[MOBILISATION], discount=D("10")), 1, RATES)
    assert r.payback_month == 10 and r.discounted_payback_month >= r.payback_month


# =========================================================================== the books balance


PENNIES = st.integers(min_value=0, max_value=5_000_000).map(lambda p: D(p) / 100)


@st.composite
def scenarios(draw):
    items, sources = [], []
    for i in range(draw(st.integers(0, 3))):
        items.append(CapitalItem(name=f"Item {i}", kind=draw(st.sampled_from(list(CapitalKind))),
                                 amount=draw(PENNIES), month=draw(st.integers(0, 20)),
                                 useful_life_months=draw(st.integers(0, 48))))
    for i in range(draw(st.integers(0, 4))):
        sources.append(FundingSource(
            name=f"Source {i}", kind=draw(st.sampled_from(list(FundingKind))), amount=draw(PENNIES),
            interest_rate_pct=D(draw(st.integers(0, 2000))) / 100, term_months=draw(st.integers(0, 48)),
            capital_holiday_months=draw(st.integers(0, 12)), arrangement_fee_pct=D(draw(st.integers(0, 300))) / 100,
            drawdown_month=draw(st.integers(0, 24)), repayment=draw(st.sampled_from(list(LoanRepayment))),
            commitment_fee_pct=D(draw(st.integers(0, 200))) / 100, grant_pct=D(draw(st.sampled_from([0, 15, 33])))))
    return dict(
        terms=draw(st.sampled_from([0, 14, 30, 45, 60, 90])), mobilisation=draw(st.integers(0, 6)),
        term_years=draw(st.integers(1, 3)), ramp=draw(st.integers(0, 8)),
        margin=D(draw(st.integers(-10, 25))), non_pay_days=draw(st.sampled_from([0, 30, 60])), items=items,
        sources=sources, structure=draw(st.sampled_from(list(Structure))), charity=draw(st.booleans()),
        role_rate=draw(st.sampled_from([None, D("12.71"), D("15.40")])),
        pay=D(draw(st.integers(0, 6))), cpi=D(draw(st.integers(0, 4))), bond_pct=D(draw(st.integers(0, 10))),
        insurance=draw(PENNIES),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_opening_plus_receipts_less_payments_is_closing_to_the_penny(scenario):
    c = capital(workspace(**scenario), 1, RATES)
    p = c.projection
    opening = D(0)
    for m in p.months:
        assert m.opening_balance == opening
        assert m.opening_balance + m.total_receipts - m.total_payments == m.closing_balance
        assert m.total_receipts == m.receipts + m.equity_in + m.grants_in + m.loans_in + m.overdraft_drawn
        assert m.total_payments == (m.payroll_paid + m.non_pay_paid + m.bond_paid + m.insurance_paid
                                    + m.mobilisation_paid + m.capex_paid + m.tax_paid + m.interest_paid
                                    + m.arrangement_fees_paid + m.loan_repaid + m.overdraft_repaid)
        for value in (m.closing_balance, m.total_receipts, m.total_payments, m.cash_before_funding, m.income):
            assert value == value.quantize(PENNY)
        opening = m.closing_balance
    months = p.months
    # everything earned is received, everything incurred is paid, every tax charged is paid
    assert sum(m.receipts for m in months) == sum(m.income for m in months) == p.total_income
    assert sum(m.non_pay_paid for m in months) == sum(m.non_pay for m in months)
    assert sum(m.tax_paid for m in months) == p.total_tax
    assert sum(m.bond_paid for m in months) == sum(m.bond for m in months)
    assert sum(m.loan_repaid for m in months) == sum(s.repaid for s in c.funding.sources if s.kind is FundingKind.LOAN)
    assert sum(y.profit_before_tax for y in p.years) == p.total_profit_before_tax
    # the P&L and the cash agree over the whole projection
    depreciation = sum(m.depreciation for m in months)
    capex = sum(m.capex_paid for m in months)
    equity = sum(m.equity_in for m in months)
    owed = sum(m.overdraft_drawn - m.overdraft_repaid + m.loans_in - m.loan_repaid for m in months)
    assert depreciation == capex
    assert p.closing_balance == p.total_profit_after_tax + equity + owed
    assert c.funding.requirement >= c.funding.peak_deficit >= 0
    assert c.funding.shortfall == max(D(0), c.funding.requirement - c.funding.total_sources)
