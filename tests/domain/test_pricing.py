"""Bid price schedule, guards, scoring methods, winning price and Monte Carlo win probability."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    CostProfile,
    Member,
    Organisation,
    PensionScheme,
    PriceMethod,
    Requirement,
    Role,
    Tender,
)
from consortium_planner.domain.pricing import (
    Competitor,
    EvaluationError,
    ScoringRules,
    Uncertainty,
    abnormal_floor,
    best_price,
    bid_prices,
    break_even_volume,
    evaluate,
    highest_winning_price,
    is_abnormally_low,
    price_points,
    quality_needed,
    relative_max_winning_price,
    score_budget,
    score_from_mean,
    score_linear_lowest,
    score_linear_range,
    score_relative,
    win_probability,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.rates import load_reference_rates

RATES = load_reference_rates()
PENNY = D("0.01")


def workspace(*, rate=D("20"), start=dt.date(2025, 4, 1), extension_years=2, ceiling=D("120000"),
              annual_value=D("100000"), paid_hours=D("100")):
    """The hand-worked option of test_costing: £20 role, no NI or pension; 1,000 units a year;
    price £42.95 a unit, cost £40.80, staff share 0.5; pay uplift 3%, CPI 2%."""
    return Workspace([
        Organisation(id=1, name="Alpha"),
        CostProfile(id=1, organisation_id=1, service_line="Homecare", travel_ratio=D("0"), training_ratio=D("0"),
                    holiday_pct=D("0"), sickness_pct=D("0"), pension_scheme=PensionScheme.NONE,
                    mileage_per_unit=D("10"), non_pay_per_unit=D("0.50"), fixed_costs_per_year=D("10000")),
        Role(id=1, cost_profile_id=1, name="Worker", hourly_rate=rate, annual_paid_hours=paid_hours),
        Tender(id=1, name="Tender", start_date=start, term_years=3, extension_years=extension_years,
               annual_value=annual_value, budget_ceiling=ceiling, pay_indexation_pct=D("3"),
               cpi_indexation_pct=D("2")),
        Requirement(id=1, tender_id=1, service_line="Homecare", area="North", annual_volume=D("1000")),
        ConsortiumOption(id=1, tender_id=1, name="Option", management_fee_pct=D("2"),
                         shared_costs_per_year=D("5000"), margin_pct=D("3"), contingency_pct=D("2")),
        Member(id=1, option_id=1, organisation_id=1),
        Allocation(id=1, option_id=1, requirement_id=1, member_id=1, volume=D("1000")),
    ])


# =========================================================================== schedule


def test_schedule_indexes_price_by_cost_index():
    ps = bid_prices(workspace(), 1, RATES)
    assert [y.number for y in ps.years] == [1, 2, 3] and not any(y.is_extension for y in ps.years)
    y1, y2, y3 = ps.years
    assert y1.annual_price == ps.buildup.annual_price == D("42950.00")
    assert y1.annual_cost == ps.buildup.annual_cost == D("40800.00")
    # cost index = 0.5 × 3% + 0.5 × 2% = 2.5%
    assert ps.lines[0].index_pct == D("2.5")
    # year 2: 42.95 × 1.025 = 44.02375 → £44.02 × 1,000 = £44,020
    assert y2.lines[0].unit_price == D("44.02") and y2.annual_price == D("44020.00")
    # cost: 40,800 × (0.5 × 1.03 + 0.5 × 1.02) = 41,820; fee 2% × 44,020 = 880.40; margin the rest
    assert (y2.annual_cost, y2.annual_fee, y2.annual_margin) == (D("41820.00"), D("880.40"), D("1319.60"))
    # year 3: 42.95 × 1.025² = 45.12434375 → £45.12
    assert y3.lines[0].unit_price == D("45.12")
    assert ps.term_price == ps.total_price == D("42950.00") + D("44020.00") + D("45120.00")
    for y in ps.years:
        assert y.annual_cost + y.annual_fee + y.annual_margin == y.annual_price
        assert sum(x.annual_price for x in y.lines) == y.annual_price
    assert (y1.starts, y1.ends, y2.starts) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1))


def test_schedule_extensions_and_budget():
    ps = bid_prices(workspace(), 1, RATES, include_extensions=True)
    assert [y.is_extension for y in ps.years] == [False, False, False, True, True]
    assert ps.total_price > ps.term_price == sum(y.annual_price for y in ps.years[:3])
    y1 = ps.years[0]
    assert (y1.budget, y1.headroom, y1.over_budget, y1.over_ceiling) == (D("100000"), D("57050.00"), False, False)
    tight = bid_prices(workspace(annual_value=D("42000"), ceiling=D("43000")), 1, RATES)
    assert tight.years[0].over_budget and not tight.years[0].over_ceiling
    assert tight.years[2].over_ceiling  # £45,120 > £43,000
    codes = [f.code for f in tight.flags]
    # the ceiling is fixed in cash and the buyer evaluates year one: later years above it are warnings
    assert "over_budget" in codes and "over_ceiling" not in codes and "ceiling_affordability" in codes
    no_budget = bid_prices(workspace(annual_value=D("0"), ceiling=None), 1, RATES)
    assert no_budget.years[0].budget is None and no_budget.years[0].headroom is None


def test_break_even_volume():
    # fixed 15,300 ÷ (42.95 − 26.359) = 15,300 ÷ 16.591 = 922.19 → 923 units
    ps = bid_prices(workspace(), 1, RATES)
    assert ps.lines[0].break_even_volume == 923
    assert ps.break_even_pct.quantize(PENNY) == D("92.22")
    assert break_even_volume(D("100"), D("10"), D("10")) is None
    assert break_even_volume(D("0"), D("10"), D("5")) == 0
    assert break_even_volume(D("100"), D("10"), D("6")) == 25


def test_wage_floor_each_contract_year():
    # £12.21 is the 2025/26 NLW: fine in year 1; year 2 (2026/27): 12.21 × 1.03 = 12.5763 < 12.71
    ps = bid_prices(workspace(rate=D("12.21")), 1, RATES)
    assert [(b.year, b.hourly_rate, b.floor, b.shortfall) for b in ps.wage_floor_breaches] == [
        (2, D("12.58"), D("12.71"), D("0.13"))]
    assert ps.wage_floor_breaches[0].rate_year == "2026/27"
    assert any(f.code == "wage_floor" and "Worker" in f.message for f in ps.flags)
    # year 3 (2027/28) lies beyond the rates known: checked against 2026/27, flagged
    assert ps.years[2].rates_extrapolated and ps.years[2].national_living_wage == D("12.71")
    assert any(f.code == "rates_extrapolated" for f in ps.flags)
    assert not bid_prices(workspace(rate=D("13")), 1, RATES).wage_floor_breaches


def test_wage_floor_when_a_contract_year_spans_april():
    # a year from 1 October 2025 sees the April 2026 NLW (£12.71) before its own uplift
    ps = bid_prices(workspace(rate=D("12.50"), start=dt.date(2025, 10, 1), extension_years=0), 1, RATES)
    first = ps.wage_floor_breaches[0]
    assert (first.year, first.floor, first.floor_from) == (1, D("12.71"), dt.date(2026, 4, 1))
    assert ps.years[0].rate_year == "2025/26" and ps.years[0].national_living_wage == D("12.71")


def test_abnormally_low_guard():
    assert is_abnormally_low(D("84.99"), D("100")) and not is_abnormally_low(D("85"), D("100"))
    assert not is_abnormally_low(D("75"), D("100"), threshold_pct=D("30"))
    assert abnormal_floor(D("100"), D("15")) == D("85")
    # a price fixed at £30: should-cost = 40.80 + 2% × 30 = 41.40; floor 41.40 × 0.85 = 35.19
    low = bid_prices(workspace(), 1, RATES, unit_prices={"Homecare": D("30")})
    assert low.lines[0].abnormal_floor == D("35.19") and low.lines[0].abnormally_low
    assert any(f.code == "abnormally_low" for f in low.flags)
    lenient = bid_prices(workspace(), 1, RATES, unit_prices={"Homecare": D("30")}, abnormal_threshold_pct=D("30"))
    assert not lenient.lines[0].abnormally_low
    # against the buyer's should-cost, e.g. the Homecare Association minimum price
    hca = bid_prices(workspace(), 1, RATES, unit_prices={"homecare": D("27")}, should_costs={"HOMECARE": D("32.14")})
    assert hca.lines[0].should_cost_per_unit == D("32.14") and hca.lines[0].abnormally_low
    assert not bid_prices(workspace(), 1, RATES).lines[0].abnormally_low


# =========================================================================== scoring methods

W = D("30")


def test_relative_method():
    assert score_relative(D("100"), D("80"), W) == D("24")  # 30 × 80 / 100
    assert score_relative(D("80"), D("80"), W) == W
    assert score_relative(D("160"), D("80"), W) == D("15")


def test_linear_from_lowest():
    assert score_linear_lowest(D("100"), D("80"), W) == D("22.5")  # 30 × (1 − 20/80)
    assert score_linear_lowest(D("160"), D("80"), W) == 0  # double the lowest scores nothing
    assert score_linear_lowest(D("170"), D("80"), W) == 0


def test_linear_range():
    assert score_linear_range(D("100"), D("80"), D("120"), W) == D("15")  # 30 × 20 / 40
    assert score_linear_range(D("80"), D("80"), D("120"), W) == W
    assert score_linear_range(D("120"), D("80"), D("120"), W) == 0
    assert score_linear_range(D("90"), D("90"), D("90"), W) == W


def test_from_mean():
    # prices 80, 100, 120: mean 100
    assert score_from_mean(D("80"), D("100"), W) == W  # 1 + 0.2 clamped to 1
    assert score_from_mean(D("100"), D("100"), W) == W
    assert score_from_mean(D("120"), D("100"), W) == D("24")  # 30 × (1 − 0.2)
    assert score_from_mean(D("250"), D("100"), W) == 0


def test_budget_with_ceiling():
    assert score_budget(D("90"), D("100"), W, D("110")) == W
    assert score_budget(D("105"), D("100"), W, D("110")) == D("28.5")  # 30 × (1 − 5/100)
    assert score_budget(D("110"), D("100"), W, D("110")) == D("27")
    assert score_budget(D("110.01"), D("100"), W, D("110")) is None  # fail
    assert score_budget(D("150"), D("100"), W, None, k=D("2")) == 0


def test_scoring_refuses_nonsense():
    with pytest.raises(EvaluationError):
        score_relative(D("0"), D("80"), W)
    with pytest.raises(EvaluationError):
        score_budget(D("10"), D("0"), W)
    with pytest.raises(EvaluationError):
        Competitor("x", D("0"), D("50"))
    with pytest.raises(EvaluationError):
        Competitor("x", D("10"), D("101"))
    with pytest.raises(EvaluationError):
        price_points(D("10"), [D("10")], ScoringRules(D(60), W, D(10), PriceMethod.BUDGET))


RULES = ScoringRules(D("60"), W, D("10"), PriceMethod.RELATIVE)
US = Competitor("Us", D("100"), D("70"), D("100"), D("8"), D("10"))
A = Competitor("A", D("80"), D("60"), D("100"), D("5"), D("10"))
B = Competitor("B", D("120"), D("80"), D("100"), D("9"), D("10"))


def test_evaluate_hand_figures():
    ev = evaluate(US, [A, B], RULES)
    # us: 60 × 70/100 = 42 + 10 × 8/10 = 8 + 30 × 80/100 = 24 → 74
    # A: 36 + 5 + 30 = 71; B: 48 + 9 + 30 × 80/120 = 20 → 77
    assert [(b.name, b.total, b.rank) for b in ev.bids] == [("Us", 74, 2), ("A", 71, 3), ("B", 77, 1)]
    assert (ev.rank, ev.wins, ev.leader, ev.gap) == (2, False, "B", D("-3"))
    assert ev.ours.quality_points == 42 and ev.ours.price_points == 24


def test_evaluate_from_tender_and_budget_fail():
    tender = Tender(id=1, name="T", annual_value=D("100"), budget_ceiling=D("110"), price_method=PriceMethod.BUDGET)
    ev = evaluate(dataclasses.replace(US, price=D("111")), [A, B], tender)
    assert ev.ours.failed and ev.rank is None and not ev.wins
    # A at 80 and B at 120 (above the ceiling: fails)
    assert ev.bid("B").failed and ev.bid("A").price_points == W
    assert ev.leader == "A" and ev.gap is None


def test_ties_share_a_rank_and_count_as_wins():
    twin = dataclasses.replace(US, name="Twin")
    ev = evaluate(US, [twin], RULES)
    assert ev.rank == 1 and ev.bid("Twin").rank == 1 and ev.wins and ev.gap == 0


# =========================================================================== winning price


def test_domain_formula_relative():
    # D = 53 − 41 = 12 < 30: Pmax = 100 × 30 / (30 − 12) = 166.67 (exactly 166.666…)
    assert relative_max_winning_price(D("53"), D("41"), D("100"), W).quantize(PENNY) == D("166.67")
    assert relative_max_winning_price(D("71"), D("41"), D("100"), W) is None  # D = 30 ≥ Wp


def _wins(bid, price, competitors, rules):
    return evaluate(dataclasses.replace(bid, price=price), competitors, rules).wins


def test_highest_winning_price_relative_single_rival():
    us = Competitor("Us", D("1"), D("80"), D("100"), D("5"), D("10"))  # 48 + 5 = 53 non-price points
    rival = Competitor("Rival", D("100"), D("60"), D("100"), D("5"), D("10"))  # 36 + 5 = 41
    wp = highest_winning_price(us, [rival], RULES)
    assert wp.non_price_gap == 12 and wp.cheapest == "Rival"
    assert wp.exact.quantize(D("0.000001")) == D("166.666667")
    assert wp.price == D("166.66")  # rounded down: at 166.67 we would lose
    assert _wins(us, wp.price, [rival], RULES) and not _wins(us, wp.price + PENNY, [rival], RULES)
    assert wp.binding == "Rival"


def test_highest_winning_price_exact_penny_ties():
    # D = 10: Pmax = 100 × 30 / 20 = 150.00 exactly; at 150 we tie, a penny above we lose
    us = Competitor("Us", D("1"), D("50"), D("60"))  # 50 quality points
    rival = Competitor("Rival", D("100"), D("40"), D("60"))  # 40 quality points
    rules = ScoringRules(D("60"), W, D("0"))
    wp = highest_winning_price(us, [rival], rules)
    assert wp.price == D("150.00")
    ev = evaluate(dataclasses.replace(us, price=D("150")), [rival], rules)
    assert ev.wins and ev.gap == 0
    assert not _wins(us, D("150.01"), [rival], rules)


def test_highest_winning_price_relative_binds_on_a_dearer_rival():
    # against A alone: 80 × 30 / (30 − 9) = 114.29; B (57 points + 20 at Pmin 80) binds earlier:
    # we beat B while 30 × 80 / P ≥ 57 − 50 + 20 = 27 → P ≤ 88.89
    wp = highest_winning_price(US, [A, B], RULES)
    assert wp.price == D("88.88") and wp.binding == "B"
    assert _wins(US, D("88.88"), [A, B], RULES) and not _wins(US, D("88.89"), [A, B], RULES)


def test_any_price_and_cannot_win():
    best = Competitor("Us", D("1"), D("100"), D("100"), D("10"), D("10"))
    weak = Competitor("Weak", D("50"), D("0"), D("100"))
    wp = highest_winning_price(best, [weak], RULES)  # D = 70 ≥ 30
    assert wp.any_price and wp.price is None
    worst = Competitor("Us", D("1"), D("0"), D("100"))
    strong = Competitor("Strong", D("1000"), D("100"), D("100"), D("10"), D("10"))
    wp2 = highest_winning_price(worst, [strong], RULES)
    assert wp2.cannot_win and wp2.price is None


@pytest.mark.parametrize("method", list(PriceMethod))
def test_highest_winning_price_by_bisection_every_method(method):
    # under the budget method B (120) fails the 115 ceiling; we then win up to the ceiling
    rules = ScoringRules(D("60"), W, D("10"), method, budget=D("100"), ceiling=D("115"))
    wp = highest_winning_price(US, [A, B], rules)
    assert wp.price is not None
    assert _wins(US, wp.price, [A, B], rules)
    assert not _wins(US, wp.price + PENNY, [A, B], rules)


def test_budget_method_wins_up_to_the_ceiling():
    rules = ScoringRules(D("60"), W, D("10"), PriceMethod.BUDGET, budget=D("100"), ceiling=D("105"))
    strong = Competitor("Us", D("1"), D("100"), D("100"), D("10"), D("10"))
    wp = highest_winning_price(strong, [A], rules)
    assert wp.price == D("105.00") and not _wins(strong, D("105.01"), [A], rules)


bids = st.builds(
    Competitor,
    name=st.sampled_from(["C1", "C2", "C3", "C4"]),
    price=st.decimals(min_value=D("50"), max_value=D("150"), places=2),
    quality_score=st.decimals(min_value=0, max_value=100, places=1),
    quality_max=st.just(D("100")),
    social_value_score=st.decimals(min_value=0, max_value=10, places=1),
    sv_max=st.just(D("10")),
)
methods = st.sampled_from(list(PriceMethod))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bids, st.lists(bids, min_size=1, max_size=4), methods, st.booleans())
def test_highest_winning_price_rescored(us, rivals, method, with_ceiling):
    rules = ScoringRules(D("60"), W, D("10"), method, budget=D("100"), ceiling=D("120") if with_ceiling else None)
    wp = highest_winning_price(us, rivals, rules)
    if wp.cannot_win:
        assert not _wins(us, PENNY, rivals, rules)
    elif wp.any_price:
        assert _wins(us, D("1000000"), rivals, rules)
    else:
        assert _wins(us, wp.price, rivals, rules)
        assert not _wins(us, wp.price + PENNY, rivals, rules)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2), min_size=1, max_size=8),
       methods, st.decimals(min_value=0, max_value=100, places=2))
def test_scores_stay_within_zero_and_weight(prices, method, weight):
    rules = ScoringRules(D("50"), weight, D("10"), method, budget=D("500"), ceiling=D("800"))
    for p in prices:
        if method is PriceMethod.PQP:  # awards no price points: price ÷ quality score ranks the bids
            with pytest.raises(EvaluationError):
                price_points(p, prices, rules)
            continue
        pts = price_points(p, prices, rules)
        assert pts is None or D(0) <= pts <= weight
        if pts is None:
            assert method is PriceMethod.BUDGET and p > 800


# --------------------------------------------------------------------------- price per quality point

PQP = ScoringRules(D("60"), W, D("10"), PriceMethod.PQP)


def test_price_per_quality_point_by_hand():
    # quality score = 60 × q/100 + 10 × sv/10; the price weight plays no part
    # Us: 42 + 8 = 50, £100 → £2.00 a point; A: 36 + 5 = 41, £80 → £1.9512…; B: 48 + 9 = 57, £120 → £2.1052…
    ev = evaluate(US, [A, B], PQP)
    assert ev.per_point and ev.leader == "A" and not ev.wins
    assert [(b.name, b.total, b.price_per_point, b.rank) for b in ev.bids] == [
        ("Us", D("50"), D("2"), 2), ("A", D("41"), D("80") / D("41"), 1), ("B", D("57"), D("120") / D("57"), 3)]
    assert all(b.price_points is None for b in ev.bids)
    assert ev.gap == D("80") / D("41") - D("2")  # negative: behind A by 4.9p a point
    # the relative method ranks the same bids differently: A's price points do not rescue it there
    assert evaluate(US, [A, B], RULES).leader == "B"


def test_price_per_quality_point_failures_and_ties():
    capped = dataclasses.replace(PQP, ceiling=D("90"))
    ev = evaluate(US, [A, B], capped)  # we and B are above the £90 ceiling
    assert ev.ours.total is None and ev.ours.rank is None and ev.bid("B").rank is None and ev.bid("A").rank == 1
    nothing = Competitor("Nothing", D("10"), D("0"), D("100"), D("0"), D("10"))  # no quality points: not evaluated
    assert evaluate(US, [nothing], PQP).bid("Nothing").price_per_point is None and evaluate(US, [nothing], PQP).wins
    twin = dataclasses.replace(US, name="Twin")
    assert evaluate(US, [twin], PQP).wins and evaluate(US, [twin], PQP).bid("Twin").rank == 1


def test_price_per_quality_point_winning_price_and_quality_needed():
    # Q_us × A's £ a point = 50 × 80/41 = £97.5609…: £97.56 wins, £97.57 loses to A
    wp = highest_winning_price(US, [A, B], PQP)
    assert abs(wp.exact - D("4000") / D("41")) < D("1e-20") and wp.price == D("97.56") and wp.binding == "A"
    assert _wins(US, D("97.56"), [A, B], PQP) and not _wins(US, D("97.57"), [A, B], PQP)
    # at £100 we need a quality score of 100 ÷ (80/41) = 51.25: 43.25 quality points = 72.083… marks → 72.09
    qn = quality_needed(US, [A, B], PQP)
    assert (qn.quality_score, qn.target_total, qn.attainable) == (D("72.09"), D("51.25"), True)
    assert evaluate(dataclasses.replace(US, quality_score=D("72.09")), [A, B], PQP).wins
    assert not evaluate(dataclasses.replace(US, quality_score=D("72.08")), [A, B], PQP).wins
    # under a ceiling below the bound we win up to the ceiling
    assert highest_winning_price(US, [A, B], dataclasses.replace(PQP, ceiling=D("90"))).price == D("90.00")


def test_price_per_quality_point_monte_carlo_counts_the_lowest_rate():
    fixed = Uncertainty(D("0"), D("0"), D("0"))
    assert win_probability(dataclasses.replace(US, price=D("97.56")), [A, B], PQP, uncertainty=fixed,
                           draws=20, seed=0).probability == 1
    assert win_probability(dataclasses.replace(US, price=D("97.57")), [A, B], PQP, uncertainty=fixed,
                           draws=20, seed=0).probability == 0
    spread = win_probability(dataclasses.replace(US, price=D("97.56")), [A, B], PQP, seed=4)
    assert D("0.2") < spread.probability < D("0.8")


# --------------------------------------------------------------------------- a minimum quality score

def test_a_bid_below_the_minimum_quality_fails_and_sets_no_price():
    rules = dataclasses.replace(RULES, quality_threshold=D("65"))
    ev = evaluate(US, [A, B], rules)  # A's 60 of 100 is below 65%: it fails, and its £80 is not the lowest
    a = ev.bid("A")
    assert a.total is None and a.rank is None and a.failure == "quality below the minimum score"
    # lowest valid price £100 (ours): us 42 + 8 + 30 = 80; B 48 + 9 + 30 × 100/120 = 82
    assert ev.ours.total == D("80") and ev.bid("B").total == D("82") and ev.leader == "B" and not ev.wins
    # without the minimum A's £80 sets the lowest price: us 74, A 71, B 77
    assert evaluate(US, [A, B], RULES).ours.total == D("74")
    # at exactly the minimum a bid passes
    assert evaluate(US, [A], dataclasses.replace(RULES, quality_threshold=D("60"))).bid("A").failure is None
    # our own bid below it fails whatever the price, and cannot win
    high = dataclasses.replace(RULES, quality_threshold=D("75"))
    assert evaluate(dataclasses.replace(US, price=D("1")), [A, B], high).ours.failure == "quality below the minimum score"
    assert highest_winning_price(US, [A, B], high).cannot_win
    # … even when every rival fails the minimum too (none is left to beat)
    assert highest_winning_price(US, [A], high).cannot_win and highest_winning_price(US, [], high).cannot_win


def test_minimum_quality_in_the_winning_price_and_quality_needed():
    rules = dataclasses.replace(RULES, quality_threshold=D("65"))
    # only B counts: below £120 we are the lowest price and win while 80 ≥ 57 + 30 × P/120, so P ≤ £92
    wp = highest_winning_price(US, [A, B], rules)
    assert wp.price == D("92.00") and wp.binding == "B"
    assert _wins(US, D("92.00"), [A, B], rules) and not _wins(US, D("92.01"), [A, B], rules)
    # at £100: B totals 82, we have 8 + 30: 44 quality points = 73.33… marks → 73.34, above the 65 minimum
    assert quality_needed(US, [A, B], rules).quality_score == D("73.34")
    # the minimum is the floor: against a weak field (42 + 0 + 15 = 57 against our 8 + 30) 19 quality points
    # = 31.67 marks would win, but under an 80% minimum that score is disqualified
    weak = Competitor("Weak", D("200"), D("70"), D("100"), D("0"), D("10"))
    assert quality_needed(US, [weak], RULES).quality_score == D("31.67")
    floor = quality_needed(US, [weak], dataclasses.replace(RULES, quality_threshold=D("80")))
    assert floor.quality_score == D("80.00") and floor.attainable


@pytest.mark.parametrize("method", list(PriceMethod))
@pytest.mark.parametrize("price", [D("70"), D("92"), D("100")])
def test_monte_carlo_without_spread_applies_the_minimum_quality(method, price):
    rules = ScoringRules(D("60"), W, D("10"), method, budget=D("100"), ceiling=D("115"), quality_threshold=D("65"))
    fixed = Uncertainty(D("0"), D("0"), D("0"))
    bid = dataclasses.replace(US, price=price)
    field = [A, B, Competitor("C", D("95"), D("65"), D("100"), D("6"), D("10"))]  # A fails, C is at the minimum
    p = win_probability(bid, field, rules, uncertainty=fixed, draws=50, seed=0).probability
    assert p == (1 if evaluate(bid, field, rules).wins else 0)


def test_quality_needed():
    # at £100 the best rival (B) totals 77; we have 8 (social value) + 24 (price) = 32:
    # need 45 quality points = 45 × 100/60 = 75 marks
    qn = quality_needed(US, [A, B], RULES)
    assert (qn.quality_score, qn.attainable, qn.target_total) == (D("75.00"), True, D("77"))
    assert evaluate(dataclasses.replace(US, quality_score=D("75")), [A, B], RULES).wins
    assert not evaluate(dataclasses.replace(US, quality_score=D("74.99")), [A, B], RULES).wins
    far = quality_needed(dataclasses.replace(US, price=D("400")), [A, B], RULES)
    assert not far.attainable and far.quality_score > 100
    # a rival at £200 with no quality totals 30 × 100/200 = 15 < our 8 + 30: no quality needed
    weak = Competitor("Weak", D("200"), D("0"), D("100"), D("0"), D("10"))
    assert quality_needed(US, [weak], RULES).quality_score == 0
    # cheaper bids lower rivals' price points too (relative method): at £10 B totals 57 + 2.5
    low = quality_needed(dataclasses.replace(US, price=D("10")), [A, B], RULES)
    assert low.target_total == D("59.5") and low.quality_score == D("35.84")  # (59.5 − 38) × 100/60


# =========================================================================== Monte Carlo

FIELD = [A, B, Competitor("C", D("95"), D("65"), D("100"), D("6"), D("10"))]


def test_monte_carlo_is_seedable():
    one = win_probability(US, FIELD, RULES, seed=7)
    two = win_probability(US, FIELD, RULES, seed=7)
    assert one == two and one.draws == 10_000
    other = win_probability(US, FIELD, RULES, seed=8)
    assert abs(other.probability - one.probability) < 6 * one.standard_error + D("0.01")


def test_monte_carlo_bounds_and_decimals():
    r = win_probability(US, FIELD, RULES, seed=1)
    assert D(0) <= r.probability <= D(1)
    assert type(r.probability) is D and r.probability == r.probability.quantize(D("0.0001"))
    assert type(r.standard_error) is D
    assert win_probability(dataclasses.replace(US, price=D("1")), FIELD, RULES, seed=1).probability == 1
    assert win_probability(dataclasses.replace(US, price=D("100000")), FIELD, RULES, seed=1).probability == 0
    assert win_probability(US, [], RULES, seed=1).probability == 1


def test_monte_carlo_never_rises_with_price():
    probs = [win_probability(dataclasses.replace(US, price=D(p)), FIELD, RULES, seed=3).probability
             for p in range(60, 140, 5)]
    assert probs == sorted(probs, reverse=True)


@pytest.mark.parametrize("method", list(PriceMethod))
@pytest.mark.parametrize("price", [D("70"), D("88.88"), D("100"), D("125")])
def test_monte_carlo_without_spread_matches_exact_scoring(method, price):
    rules = ScoringRules(D("60"), W, D("10"), method, budget=D("100"), ceiling=D("115"))
    fixed = Uncertainty(D("0"), D("0"), D("0"))
    bid = dataclasses.replace(US, price=price)
    p = win_probability(bid, FIELD, rules, uncertainty=fixed, draws=50, seed=0).probability
    assert p == (1 if evaluate(bid, FIELD, rules).wins else 0)


def test_monte_carlo_own_quality_spread_and_ceiling():
    rules = ScoringRules(D("60"), W, D("10"), PriceMethod.BUDGET, budget=D("100"), ceiling=D("110"))
    assert win_probability(dataclasses.replace(US, price=D("111")), FIELD, rules, seed=2).probability == 0
    r = win_probability(US, FIELD, rules, uncertainty=Uncertainty(own_quality_spread_pct=D("20")), seed=2)
    assert D(0) < r.probability < D(1)
    with pytest.raises(EvaluationError):
        Uncertainty(price_spread_pct=D("100"))
    with pytest.raises(EvaluationError):
        win_probability(US, FIELD, RULES, draws=0)


def test_best_price_maximises_expected_contribution():
    cost = D("70")
    grid = [D(p) for p in range(70, 131, 2)]
    bp = best_price(cost, US, FIELD, RULES, prices=grid, seed=11)
    assert [pt.price for pt in bp.grid] == grid
    for pt in bp.grid:  # P(win) × (price − cost), the probability shown to 4 places
        assert type(pt.expected_contribution) is D and pt.expected_contribution == pt.expected_contribution.quantize(PENNY)
        assert abs(pt.expected_contribution - pt.probability * (pt.price - cost)) <= D("0.00005") * (pt.price - cost) + D("0.005")
    assert bp.expected_contribution == max(pt.expected_contribution for pt in bp.grid)
    assert cost < bp.price < D("130") and D(0) < bp.probability < D(1)
    again = best_price(cost, US, FIELD, RULES, prices=grid, seed=11)
    assert again == bp
    auto = best_price(cost, US, FIELD, RULES, seed=11, steps=41)
    assert auto.grid[0].price == cost and len(auto.grid) == 41
    assert auto.grid[-1].price >= max(c.price for c in FIELD)


@settings(max_examples=25, deadline=None)
@given(st.decimals(min_value=D("40"), max_value=D("200"), places=2), methods, st.integers(0, 2**32 - 1))
def test_monte_carlo_probability_bounds_property(price, method, seed):
    assume(method is not PriceMethod.BUDGET or price <= 115)
    rules = ScoringRules(D("60"), W, D("10"), method, budget=D("100"), ceiling=D("115"))
    r = win_probability(dataclasses.replace(US, price=price), FIELD, rules, draws=500, seed=seed)
    assert D(0) <= r.probability <= D(1) and r.wins <= r.draws


def test_a_bid_above_the_ceiling_fails_under_every_method():
    for method in PriceMethod:
        rules = ScoringRules(D(60), D(30), D(10), method, budget=D(4_000_000),
                             ceiling=D(4_150_000))
        ours = Competitor("Us", D("4190408.00"), D(90))
        rival = Competitor("Rival", D("3780000.00"), D(60))
        ev = evaluate(ours, [rival], rules)
        assert ev.ours.total is None and not ev.wins, method
        # with better quality we win up to the ceiling, never above it
        wp = highest_winning_price(ours, [rival], rules)
        assert wp.price is not None and wp.price <= D("4150000.00"), method
        assert wp.price.as_tuple().exponent == -2  # to the penny
