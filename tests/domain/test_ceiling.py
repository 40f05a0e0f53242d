"""The budget ceiling as the buyer applies it (DOMAIN §3): on the price it evaluates; later years against
the ceiling indexed as the contract indexes prices, or, where it is fixed in cash, an affordability warning."""

import dataclasses
from decimal import Decimal as D

from test_pricing import RATES, workspace

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import CeilingIndexation, PriceBasis, Tender
from consortium_planner.domain.pricing import bid_prices

# The hand-worked option of test_pricing: years £42,950, £44,020, £45,120 (term of 3 years), then
# extensions £46,250 and £47,410.
YEARS = (D("42950.00"), D("44020.00"), D("45120.00"))


def schedule(ceiling, basis=PriceBasis.YEAR_ONE, indexation=CeilingIndexation.FIXED, extensions=False):
    ws = workspace(ceiling=ceiling, annual_value=D("40000"))
    ws.put(dataclasses.replace(ws.get(Tender, 1), price_evaluated=basis, ceiling_indexation=indexation))
    return bid_prices(ws, 1, RATES, include_extensions=extensions)


def by_code(ps, code):
    return [f for f in ps.flags if f.code == code]


def test_schedule_years_are_the_hand_worked_ones():
    assert tuple(y.annual_price for y in schedule(D("50000")).years) == YEARS


def test_year_one_above_the_ceiling_is_blocking_with_the_cut_that_cures_it():
    ps = schedule(D("42000"))
    assert ps.evaluated_price == D("42950.00") and ps.evaluated_ceiling == D("42000") and ps.over_evaluated_ceiling
    [f] = by_code(ps, "over_ceiling")
    assert f.severity is Severity.BLOCKING
    assert f.figure("above_ceiling") == D("950.00") and f.cure_figure("price_cut") == D("950.00")
    assert "£950" in f.cure and "£42,000" in f.cure
    assert ps.years[0].ceiling_breach is Severity.BLOCKING
    # later years above a ceiling fixed in cash: affordability warnings, not a failed bid
    later = by_code(ps, "ceiling_affordability")
    assert [f.figure("annual_price") for f in later] == [D("44020.00"), D("45120.00")]
    assert all(f.severity is Severity.WARNING for f in later) and "not a failed bid" in later[0].message
    assert [y.ceiling_breach for y in ps.years[1:]] == [Severity.WARNING, Severity.WARNING]


def test_year_one_within_a_fixed_ceiling_later_years_above_it_are_warnings_only():
    ps = schedule(D("43500"))
    assert not ps.over_evaluated_ceiling and not by_code(ps, "over_ceiling")
    assert [y.ceiling_breach for y in ps.years] == [None, Severity.WARNING, Severity.WARNING]
    assert all(f.severity is Severity.WARNING for f in by_code(ps, "ceiling_affordability"))


def test_an_indexed_ceiling_rises_with_the_price_so_later_years_stay_within():
    ps = schedule(D("43500"), indexation=CeilingIndexation.INDEXED)
    # year n's ceiling = ceiling × price_n ÷ price_1: £43,500 × 44,020 ÷ 42,950 = £44,583.70
    assert ps.years[1].ceiling == D("44583.70") and ps.years[2].ceiling == D("45697.79")
    assert not any(y.over_ceiling for y in ps.years) and not by_code(ps, "ceiling_affordability")
    assert ps.ceiling_indexed and not ps.over_evaluated_ceiling


def test_the_average_annual_price_is_tested_on_the_average_ceiling():
    # average of the term (£44,030) against a fixed £44,000: blocking, though year one is within it
    ps = schedule(D("44000"), basis=PriceBasis.AVERAGE_ANNUAL)
    assert ps.evaluated_price == D("44030.00") and ps.evaluated_ceiling == D("44000")
    [f] = by_code(ps, "over_ceiling")
    assert f.severity is Severity.BLOCKING and "average annual price" in f.message
    assert ps.years[0].ceiling_breach is None
    assert [f.figure("annual_price") for f in by_code(ps, "ceiling_affordability")] == [D("44020.00"), D("45120.00")]
    assert not schedule(D("44030"), basis=PriceBasis.AVERAGE_ANNUAL).over_evaluated_ceiling


def test_the_whole_term_price_is_tested_on_the_term_of_ceilings():
    ps = schedule(D("44000"), basis=PriceBasis.WHOLE_TERM)
    assert ps.evaluated_price == sum(YEARS) == D("132090.00") and ps.evaluated_ceiling == D("132000")
    [f] = by_code(ps, "over_ceiling")
    assert f.cure_figure("price_cut") == D("90.00") and "about £30 a year" in f.cure
    # extensions are not part of the evaluated term
    assert schedule(D("44000"), basis=PriceBasis.WHOLE_TERM, extensions=True).evaluated_price == D("132090.00")
