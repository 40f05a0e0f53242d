"""The bid pipeline (domain.bids): capacity and money promised twice, totals, expected value."""

import datetime as dt
from decimal import Decimal

from consortium_planner.domain.bids import OptionFigures, bid_pipeline, periods_overlap
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    Member,
    Organisation,
    Requirement,
    Tender,
)
from consortium_planner.domain.workspace import Workspace

D = Decimal


VOLUMES = (D(3000), D(1500))
P1, P2 = D(40), D(60)


def _two_bids(second_start=dt.date(2027, 10, 1), *, volumes=VOLUMES, p1=P1, p2: Decimal | None = P2,
              chosen2=True) -> Workspace:
    """Org 1 (capacity 4,000 homecare hours in Eastmere, growth 25% → 5,000) promised to two tenders."""
    rows = [
        Organisation(id=1, name="Eastmere Co-op"),
        Organisation(id=2, name="Other"),
        Capacity(id=1, organisation_id=1, service_line="Homecare", area="Eastmere", units_per_year=D(4000),
                 max_growth_pct=D(25)),
        Tender(id=1, name="County", start_date=dt.date(2027, 4, 1), term_years=5, mobilisation_months=4,
               deadline=dt.date(2026, 8, 14), win_probability_pct=p1),
        Tender(id=2, name="Borough", start_date=second_start, term_years=3, win_probability_pct=p2),
        Requirement(id=1, tender_id=1, service_line="Homecare", area="Eastmere", annual_volume=D(5000)),
        # the same service line and area, written differently: matched by model.key
        Requirement(id=2, tender_id=2, service_line="  homecare ", area="EASTMERE", annual_volume=D(2000)),
        ConsortiumOption(id=1, tender_id=1, name="SPV", chosen=True),
        ConsortiumOption(id=2, tender_id=1, name="Go alone"),
        ConsortiumOption(id=3, tender_id=2, name="Lead", chosen=chosen2),
        Member(id=1, option_id=1, organisation_id=1, capital_contribution=D(12500), guarantee=D(100000)),
        Member(id=2, option_id=1, organisation_id=2),
        Member(id=3, option_id=3, organisation_id=1, capital_contribution=D(5000)),
        Allocation(id=1, option_id=1, requirement_id=1, member_id=1, volume=volumes[0]),
        Allocation(id=2, option_id=1, requirement_id=1, member_id=2, volume=D(2000)),
        Allocation(id=3, option_id=3, requirement_id=2, member_id=3, volume=volumes[1]),
        FundingSource(id=1, option_id=3, name="Co-op equity", kind=FundingKind.MEMBER_EQUITY, amount=D(20000),
                      member_id=3),
    ]
    return Workspace(rows)


FIGURES = {
    1: OptionFigures(1, D("871794.91"), D("1161841.59"), D("800000.00"),
                     ((dt.date(2026, 12, 1), D("-500000")), (dt.date(2027, 1, 1), D("-300000")),
                      (dt.date(2027, 2, 1), D("400000")))),
    3: OptionFigures(3, D("120000.50"), D("90000.25"), D("70000.00"),
                     ((dt.date(2027, 1, 1), D("-70000")), (dt.date(2027, 2, 1), D("10000")))),
}


def test_capacity_promised_to_two_overlapping_bids_is_found_red_beyond_growth():
    result = bid_pipeline(_two_bids(), FIGURES)
    (overlap,) = result.capacity_overlaps
    assert overlap.organisation == "Eastmere Co-op" and overlap.total == D(4500)
    assert {p.option for p in overlap.promises} == {"SPV", "Lead"}
    assert overlap.capacity == D(4000) and overlap.capacity_with_growth == D("5000.00")
    assert overlap.severity is Severity.WARNING  # beyond capacity now, within growth
    red = bid_pipeline(_two_bids(volumes=(D(3500), D(2000))), FIGURES)
    assert red.capacity_overlaps[0].severity is Severity.SERIOUS and red.capacity_overlaps[0].total == D(5500)
    assert red.findings[0].code == "capacity_promised_twice" and red.findings[0].severity.red


def test_no_capacity_overlap_when_service_periods_do_not_overlap():
    # the county's service ends 31/03/2032; the borough's starts the next day
    result = bid_pipeline(_two_bids(second_start=dt.date(2032, 4, 1)), FIGURES)
    assert result.capacity_overlaps == ()
    assert not any(f.code == "capacity_promised_twice" for f in result.findings)
    assert periods_overlap((dt.date(2027, 4, 1), dt.date(2032, 3, 31)), (dt.date(2032, 3, 31), None))
    assert not periods_overlap((dt.date(2027, 4, 1), dt.date(2032, 3, 31)),
                               (dt.date(2032, 4, 1), dt.date(2035, 3, 31)))


def test_no_overlap_when_the_second_bid_is_not_chosen():
    result = bid_pipeline(_two_bids(chosen2=False), FIGURES)
    assert result.capacity_overlaps == () and result.money_overlaps == ()
    assert any(f.code == "no_option_chosen" for f in result.findings)


def test_capital_guarantee_and_equity_promised_twice():
    result = bid_pipeline(_two_bids(), FIGURES)
    (money,) = result.money_overlaps
    assert money.capital == D(17500) and money.guarantee == D(100000) and money.equity == D(20000)
    # cash at stake per bid is the larger of capital and equity: 12,500 + 100,000; max(5,000, 20,000)
    assert money.total == D(132500)


def test_pipeline_totals_equal_the_sum_of_the_chosen_options():
    result = bid_pipeline(_two_bids(), FIGURES)
    assert result.win_all == D("871794.91") + D("120000.50")
    assert result.funding.total_requirement == D("1161841.59") + D("90000.25")
    assert result.funding.sum_of_peaks == D("870000.00")
    # by calendar month: Dec −500k, Jan −300k −70k (cumulative −870k), Feb +410k
    assert result.funding.combined_peak == D("870000.00")
    assert result.funding.combined_peak_month == dt.date(2027, 1, 1)
    assert [t.option for t in result.tenders] == ["SPV", "Lead"]


def test_expected_value_by_hand_with_win_all_and_win_none():
    result = bid_pipeline(_two_bids(), FIGURES)
    # 40% × 871,794.91 = 348,717.964 → 348,717.96; 60% × 120,000.50 = 72,000.30
    assert [t.expected_value for t in result.tenders] == [D("348717.96"), D("72000.30")]
    assert result.expected_value == D("420718.26")
    assert result.win_none == D("0.00")
    not_estimated = bid_pipeline(_two_bids(p2=None), FIGURES)
    assert not_estimated.expected_value == D("348717.96")
    assert not_estimated.not_estimated == ("Borough",)
    assert any(f.code == "chance_not_estimated" for f in not_estimated.findings)


def test_two_options_chosen_for_one_tender_is_serious_and_counts_neither():
    ws = _two_bids()
    ws.put(ConsortiumOption(id=2, tender_id=1, name="Go alone", chosen=True))
    result = bid_pipeline(ws, FIGURES)
    assert result.findings[0].code == "several_options_chosen" and result.findings[0].severity is Severity.SERIOUS
    assert result.tenders[0].option_id is None and result.win_all == D("120000.50")


def test_figures_that_could_not_be_computed_are_left_out_and_said():
    result = bid_pipeline(_two_bids(), {1: FIGURES[1], 3: "the prices were refused"})
    assert result.win_all == D("871794.91") and result.tenders[1].problem == "the prices were refused"
    assert any(f.code == "bid_figures_missing" for f in result.findings)


def test_timeline_rows():
    result = bid_pipeline(_two_bids(), FIGURES)
    row = result.timeline[0]
    assert (row.deadline, row.mobilisation_start, row.service_start, row.service_end) == (
        dt.date(2026, 8, 14), dt.date(2026, 12, 1), dt.date(2027, 4, 1), dt.date(2032, 3, 31))


def test_memberships_list_each_organisation_in_each_chosen_bid():
    result = bid_pipeline(_two_bids(), FIGURES)
    by_org = {m.organisation: [(b.tender, b.option) for b in m.bids] for m in result.memberships}
    assert by_org == {"Eastmere Co-op": [("County", "SPV"), ("Borough", "Lead")], "Other": [("County", "SPV")]}
    assert result.memberships[0].organisation == "Eastmere Co-op"  # in most bids first
