"""Each rule the verdict folds decides its severity and states its cure, with figures (DOMAIN §9).

Hand-worked cases: capacity gaps (test_capacity's workspace), the wage floor and the abnormally-low
guard (test_pricing's), the winning price against cost, and each decision of the verdict over them.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

from test_capacity import ws_with
from test_pricing import RATES
from test_pricing import workspace as priced_workspace

from consortium_planner.domain import bid as _bid
from consortium_planner.domain.capacity import coverage, coverage_findings
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    Competitor,
    ConsortiumOption,
    Requirement,
)
from consortium_planner.domain.pricing import bid_prices
from consortium_planner.domain.verdict import Decision, verdict


def gap_findings(ws):
    return {f.figure("required"): f for f in coverage_findings(coverage(ws, 1)) if f.code == "capacity_gap"}


# --------------------------------------------------------------------------- capacity gaps


def test_a_gap_partners_can_fill_is_serious_and_names_each_partner_with_its_volume():
    # R13 Day care / North, 2,000 hours: no member has any; Carers Together has 1,500 (no growth) and
    # Dayspring CIC 800 + 50% = 1,200, so the two of them fill it: 1,500 + 500
    f = gap_findings(ws_with())[D(2000)]
    assert f.severity is Severity.SERIOUS
    assert f.cure == ("Day care in North: add Carers Together as a partner for 1,500 contact hours a year; "
                      "add Dayspring CIC as a partner for 500 contact hours a year.")
    assert f.cure_figures == (("partner_1_volume", D(1500)), ("partner_2_volume", D(500)))


def test_a_gap_the_members_can_grow_into_is_cured_by_allocating_to_them():
    # R11 Homecare / North allocated 15,000 of 16,000: Alpha can grow to 18,000 there
    ws = ws_with(Allocation(id=31, option_id=1, requirement_id=11, member_id=21, volume=D(15000)))
    f = gap_findings(ws)[D(16000)]
    assert f.severity is Severity.SERIOUS and f.cure_figure("allocate_to_members") == D(1000)
    assert "allocate 1,000 contact hours more to the members" in f.cure


def test_a_gap_nobody_in_the_workspace_can_fill_is_blocking():
    # R13 raised to 3,000 hours: the partners reach 1,500 + 1,200, so 300 hours a year have no provider
    ws = ws_with(Requirement(id=13, tender_id=1, service_line="Day care", area="North", annual_volume=D(3000)))
    f = gap_findings(ws)[D(3000)]
    assert f.severity is Severity.BLOCKING and f.figure("uncovered") == D(300)
    assert f.cure.startswith("Find a partner with 300 contact hours a year of Day care in North")
    assert f.cure_figure("partner_volume_needed") == D(300)
    assert verdict(coverage_findings(coverage(ws, 1))).decision is Decision.DO_NOT_BID
    # without the Day care gap at all, the option's remaining findings do not stop the bid
    covered = ws_with(Capacity(id=9, organisation_id=1, service_line="Day care", area="North",
                               units_per_year=D(2000)),
                      Allocation(id=34, option_id=1, requirement_id=13, member_id=21, volume=D(2000)))
    assert not any(f.code == "capacity_gap" for f in coverage_findings(coverage(covered, 1)))


def test_growth_beyond_the_limit_says_how_much_to_move():
    # Alpha allocated 19,000 in Homecare / North against 15,000 + 20% = 18,000
    ws = ws_with(Allocation(id=31, option_id=1, requirement_id=11, member_id=21, volume=D(19000)))
    f = next(f for f in coverage_findings(coverage(ws, 1)) if f.code == "growth_beyond_limit")
    assert f.severity is Severity.SERIOUS and f.figure("beyond_growth") == D(1000)
    assert f.cure.startswith("Move 1,000 units a year of Alpha Care Mutual's allocation")


# --------------------------------------------------------------------------- pricing guards


def test_pay_below_the_wage_floor_is_blocking_with_the_rise_that_cures_it():
    ps = bid_prices(priced_workspace(rate=D("11.00")), 1, RATES)
    floors = [f for f in ps.flags if f.code == "wage_floor"]
    assert floors and all(f.severity is Severity.BLOCKING for f in floors)
    f = floors[0]
    assert f.figure("hourly_rate") == D("11.00")
    rise = f.figure("national_living_wage") - D("11.00")
    assert f.cure_figure("pay_rise_an_hour") == rise == f.figure("shortfall")
    assert f"£{f.figure('national_living_wage')} an hour" in f.cure
    assert verdict(ps.flags).decision is Decision.DO_NOT_BID


def test_an_abnormally_low_price_is_serious_with_the_price_that_clears_it():
    ps = bid_prices(priced_workspace(), 1, RATES, unit_prices={"Homecare": D("30.00")})
    [f] = [f for f in ps.flags if f.code == "abnormally_low"]
    assert f.severity is Severity.SERIOUS
    assert f.cure_figure("unit_price_at_least") == ps.lines[0].abnormal_floor
    assert f.cure_figure("unit_price_rise") == ps.lines[0].abnormal_floor - D("30.00")
    assert verdict([f]).decision is Decision.BID_WITH_CONDITIONS


# --------------------------------------------------------------------------- winning and covering cost


def evaluated(rival_price, rival_quality=D(80)):
    """test_pricing's option (year-one price £42,950, cost £40,800) against one rival at ``rival_price``,
    rival quality ``rival_quality``, social value 70 like ours; our quality 70 (60/30/10, relative scoring)."""
    ws = priced_workspace()
    ws.put(Competitor(id=1, tender_id=1, name="Rival", annual_price=rival_price, quality_score=rival_quality))
    ws.put(dataclasses.replace(ws.get(ConsortiumOption, 1), quality_score=D(70)))
    return _bid.bid_evaluation(ws, 1, bid_prices(ws, 1, RATES), draws=200)


def test_no_price_that_both_wins_and_covers_cost_is_blocking_with_both_cures():
    ev = evaluated(D("36000"))
    wp, cost = ev.winning_price.price, ev.annual_cost
    assert wp is not None and wp < cost == D("40800.00")
    [f] = [f for f in _bid.findings(ev) if f.code == "no_winning_price_covers_cost"]
    assert f.severity is Severity.BLOCKING
    assert (f.figure("highest_winning_price"), f.figure("annual_cost"), f.figure("cost_above_price")) == (
        wp, cost, cost - wp)
    assert f.cure_figure("cost_cut") == cost - wp
    q = ev.quality_at_cost
    assert q.price == cost and q.attainable and f.cure_figure("quality_needed") == q.quality_score
    assert f.cure == (f"Cut cost by £{cost - wp:,.0f} a year or raise the quality score to {q.quality_score} out of "
                      f"100, which wins at a price that covers cost (£{cost:,.0f}).")
    assert verdict(_bid.findings(ev)).decision is Decision.DO_NOT_BID


def test_a_winning_price_above_cost_is_no_block_and_not_winning_says_the_price_that_would():
    # equal scores otherwise: the highest winning price is the rival's £42,000, above cost, below ours
    ev = evaluated(D("42000"), D(70))
    assert ev.winning_price.price == D("42000.00") > ev.annual_cost
    found = _bid.findings(ev)
    assert not any(f.code == "no_winning_price_covers_cost" for f in found)
    [f] = [f for f in found if f.code == "not_winning"]
    assert f.severity is Severity.WARNING and f.cure_figure("highest_winning_price") == ev.winning_price.price
    assert verdict(found).decision is Decision.BID
