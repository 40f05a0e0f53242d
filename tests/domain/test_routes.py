"""The Provider Selection Regime screener (issue 18): each route on a hand case, the considerable-change
test at its edges, what a route means for the bid, and tenders outside the regime."""

from decimal import Decimal as D

import pytest

from consortium_planner.domain.model import Regime, Tender
from consortium_planner.domain.routes import Process, considerable_change, screen


def _psr(**kw) -> Tender:
    values = {"id": 1, "name": "Community MSK", "regime": Regime.PSR, "annual_value": D("1000000"), "term_years": 3,
              "extension_years": 2}
    values.update(kw)
    return Tender(**values)


def test_direct_award_a_when_only_one_provider_is_capable():
    route = screen(_psr(psr_only_capable_provider=True, psr_incumbent="Northfield Trust"), ("Care Co-op",))
    assert route.applies and route.likely is Process.DIRECT_A
    assert not route.price_competition
    assert [f.code for f in route.findings][0] == "psr_direct_award_elsewhere"


def test_direct_award_b_when_patients_choose():
    route = screen(_psr(psr_patient_choice=True))
    assert route.likely is Process.DIRECT_B
    assert route.check(Process.DIRECT_A).available is False
    assert any(f.code == "no_price_competition" for f in route.findings)


def test_direct_award_c_for_a_satisfactory_incumbent_without_a_considerable_change():
    # new lifetime value 5 × £1m = £5m against £4.6m: +£400k (8.7%) is not a considerable change
    route = screen(_psr(psr_incumbent="Care Co-op", psr_incumbent_satisfactory=True,
                        psr_current_lifetime_value=D("4600000")), ("Care Co-op", "Northfield"))
    assert route.likely is Process.DIRECT_C
    assert route.change.increase == D("400000") and not route.change.considerable
    assert route.incumbent_in_bid is True
    assert [f.code for f in route.findings] == ["psr_incumbent_in_bid"]


def test_a_considerable_change_closes_direct_award_c():
    # £5m against £3.9m: +£1.1m and +28% (both tests met)
    route = screen(_psr(psr_incumbent="Care Co-op", psr_incumbent_satisfactory=True,
                        psr_current_lifetime_value=D("3900000")))
    assert not route.check(Process.DIRECT_C).available
    assert "considerable change" in route.check(Process.DIRECT_C).reason
    assert route.likely is Process.MOST_SUITABLE


def test_an_unsatisfactory_incumbent_leaves_the_buyer_most_suitable_provider_or_a_competition():
    route = screen(_psr(psr_incumbent="Care Co-op", psr_incumbent_satisfactory=False))
    open_ = [c.process for c in route.processes if c.available]
    assert open_ == [Process.MOST_SUITABLE, Process.COMPETITIVE]
    assert route.check(Process.COMPETITIVE).price_competition


def test_national_prices_mean_quality_only_even_in_a_competition():
    route = screen(_psr(national_prices=True))
    assert not route.check(Process.COMPETITIVE).price_competition
    assert "quality only" in route.check(Process.COMPETITIVE).meaning


@pytest.mark.parametrize(("current", "new", "considerable"), [
    ("2000000", "2500000", True),     # +£500k and +25%: both at their thresholds
    ("2000000", "2499999.99", False),  # a penny short of £500k
    ("3000000", "3600000", False),    # +£600k but only +20%
    ("100000", "550000", False),      # +450% but only £450k
])
def test_considerable_change_needs_both_the_pounds_and_the_percentage(current, new, considerable):
    assert considerable_change(D(current), D(new)).considerable is considerable


def test_outside_the_regime_the_screener_does_not_apply():
    route = screen(_psr(regime=Regime.PA23, psr_only_capable_provider=True))
    assert not route.applies and route.likely is None and route.findings == ()
