"""Pensions by cohort and vehicle: the LGPS bond, its premium and the exit payment against hand
calculations; what a stated arrangement adds to the cost build-up and the projection; NHS Pension
eligibility; the deemed-employer switch; and nothing charged when nothing is stated."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

from consortium_planner.domain.costing import cost_buildup
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import (
    ExitProvision,
    ProtectedScheme,
    QualifyingContract,
    Structure,
    Tender,
)
from consortium_planner.domain.partnering import pension_analysis
from consortium_planner.domain.pricing import bid_prices
from consortium_planner.domain.projection import capital
from partnering_support import OPTION, RATES, A, B, put, workspace

LGPS = {"scheme": ProtectedScheme.LGPS_ADMITTED, "employer_rate_pct": D("20")}


def result(ws):
    return pension_analysis.pensions(ws, OPTION, bid_prices(ws, OPTION, RATES))


def test_lgps_bond_premium_and_exit_range_by_hand():
    """10 FTE at £25,000 split 6 : 4 by allocated volume between A and B; each already pays 5%.

    B: pay 4 × 25,000 = £100,000; extra contributions (20% − 5%) × 100,000 = £15,000; bond 12 ÷ 12 × 20% ×
    100,000 = £20,000, premium 1.5% = £300; liability 3 × 100,000 = £300,000, exit 0%–15% = £0–£45,000,
    central £22,500, provided for over 5 years: £4,500 a year. A is 1.5 times B.
    """
    r = result(workspace(arrangement=LGPS))
    [c] = r.cohorts
    a, b = sorted(c.shares, key=lambda s: s.member_id)
    assert (a.member_id, a.fte, a.pay) == (A, D("6.0"), D("150000.00"))
    assert (b.member_id, b.fte, b.pay, b.costed_rate_pct) == (B, D("4.0"), D("100000.00"), D("5"))
    assert (b.extra_contributions, b.bond, b.bond_premium) == (D("15000.00"), D("20000.00"), D("300.00"))
    assert (b.exit_low, b.exit_central, b.exit_high, b.exit_provision_a_year) == (
        D("0.00"), D("22500.00"), D("45000.00"), D("4500.00"))
    assert (a.extra_contributions, a.bond, a.bond_premium, a.exit_high) == (
        D("22500.00"), D("30000.00"), D("450.00"), D("67500.00"))
    assert (c.pay, c.bond, c.exit_low, c.exit_central, c.exit_high) == (
        D("250000.00"), D("50000.00"), D("0.00"), D("56250.00"), D("112500.00"))
    assert c.annual_cost == D("37500.00") + D("750.00") + D("11250.00")
    assert c.admission_employers == 2 and c.admission_costs == D("15000.00")
    assert c.stated and r.annual_cost_in_price == c.annual_cost and r.annual_cost_not_in_price == 0
    exit_risk = next(f for f in pension_analysis.findings(r) if f.code == "lgps_exit_risk")
    assert exit_risk.figure("exit_high") == D("112500.00") and "£112,500.00" in exit_risk.message


def test_a_stated_arrangement_flows_into_the_build_up_and_the_projection():
    plain, stated = workspace(), workspace(arrangement=LGPS)
    before, after = cost_buildup(plain, OPTION, RATES), cost_buildup(stated, OPTION, RATES)
    b0 = next(m for m in before.member_lines if m.member_id == B)
    b1 = next(m for m in after.member_lines if m.member_id == B)
    assert b1.annual_cost - b0.annual_cost == D("19800.00")  # 15,000 + 300 + 4,500
    lines = {x.key: x.annual for x in b1.lines if x.category == "pension"}
    assert lines["pension_tupe"] == D("15000.00") and lines["pension_bond"] == D("300.00")
    assert lines["pension_exit"] == D("4500.00")
    assert after.annual_price > before.annual_price
    total = {t.key: t.annual for t in after.totals}
    assert total["pension"] - {t.key: t.annual for t in before.totals}["pension"] == D("49500.00")
    cap0, cap1 = capital(plain, OPTION, RATES), capital(stated, OPTION, RATES)
    assert cap1.projection.months[0].mobilisation - cap0.projection.months[0].mobilisation == D("15000.00")
    assert any(f.code == "pension_admission" for f in cap1.projection.flags)


def test_nothing_stated_nothing_charged_but_the_indicative_cost_is_a_finding():
    ws = workspace()
    base = cost_buildup(ws, OPTION, RATES)
    assert all(not x.key.startswith("pension_") for m in base.member_lines for x in m.lines)
    r = result(ws)
    [c] = r.cohorts
    assert not c.stated and c.scheme is ProtectedScheme.LGPS_ADMITTED  # indicative, from the cohort's LGPS
    assert r.annual_cost_in_price == 0 and r.annual_cost_not_in_price == c.annual_cost > 0
    f = next(f for f in pension_analysis.findings(r) if f.code == "pension_not_arranged")
    assert f.severity is Severity.WARNING and f.figure("annual_cost") == c.annual_cost


def test_not_arranged_is_serious_when_it_would_take_the_price_over_the_ceiling():
    ws = workspace()
    price = bid_prices(ws, OPTION, RATES).years[0].annual_price
    tight = put(ws, dataclasses.replace(ws.get(Tender, 1), budget_ceiling=price + D("100")))
    f = next(f for f in pension_analysis.findings(result(tight)) if f.code == "pension_not_arranged")
    assert f.severity is Severity.SERIOUS and "over the ceiling" in f.message


def test_deemed_employer_pays_the_rate_but_no_bond_or_exit():
    r = result(workspace(arrangement={**LGPS, "deemed_employer": True}))
    [c] = r.cohorts
    assert c.extra_contributions == D("37500.00")
    assert (c.bond, c.bond_premium, c.exit_high, c.admission_costs) == (0, 0, 0, 0)
    codes = {f.code: f.severity for f in pension_analysis.findings(r)}
    assert "lgps_exit_risk" not in codes and codes["deemed_employer_not_law"] is Severity.INFO


def test_exit_provision_and_the_high_estimate_against_the_margin():
    low = result(workspace(arrangement={**LGPS, "exit_provision": ExitProvision.NONE}))
    assert low.cohorts[0].exit_provision_a_year == 0 and low.cohorts[0].exit_high == D("112500.00")
    high = result(workspace(arrangement={**LGPS, "exit_high_pct": D("90"), "liability_multiple": D("10")}))
    f = next(f for f in pension_analysis.findings(high) if f.code == "lgps_exit_risk")
    assert high.cohorts[0].exit_high > high.term_margin and f.severity is Severity.SERIOUS


def test_nhs_pension_needs_a_qualifying_contract_and_more_than_half_the_time():
    nhs = {"scheme": ProtectedScheme.NHS_PENSION}
    none = result(workspace(arrangement=nhs))
    assert none.cohorts[0].nhs_eligible is False and "not a qualifying contract" in none.cohorts[0].nhs_reason
    assert any(f.code == "nhs_pension_unavailable" and f.severity is Severity.SERIOUS
               for f in pension_analysis.findings(none))
    qualifying = {"nhs_qualifying_contract": QualifyingContract.NHS_STANDARD}
    # lead provider: B is a sub-contractor, so its staff's access is to check
    sub = result(workspace(arrangement=nhs, tender=qualifying))
    assert sub.cohorts[0].nhs_eligible is None
    # an alliance: every provider is party to the contract
    ok = result(workspace(arrangement=nhs, tender=qualifying, structure=Structure.ALLIANCE))
    assert ok.cohorts[0].nhs_eligible is True
    half = result(workspace(arrangement={**nhs, "time_on_contract_pct": D("50")}, tender=qualifying,
                            structure=Structure.ALLIANCE))
    assert half.cohorts[0].nhs_eligible is False and "more than 50%" in half.cohorts[0].nhs_reason
    # the NHS default rate is the reference rates' employer rate and levy
    y = RATES.get("2025/26")
    assert ok.cohorts[0].employer_rate_pct == y.nhs_employer_pct + y.nhs_admin_pct


def test_a_vehicle_that_employs_the_staff_is_one_admitted_employer():
    r = result(workspace(structure=Structure.SPV, arrangement=LGPS, profile={"vehicle_employs_staff": True}))
    [c] = r.cohorts
    assert c.employers == "the vehicle" and c.admission_employers == 1 and c.admission_costs == D("7500.00")
    assert r.vehicle_employs_staff


def test_no_protected_scheme_for_lgps_staff_is_serious():
    r = result(workspace(arrangement={"scheme": ProtectedScheme.NONE}))
    assert r.cohorts[0].annual_cost == 0
    assert any(f.code == "pension_unprotected" and f.severity is Severity.SERIOUS
               for f in pension_analysis.findings(r))
