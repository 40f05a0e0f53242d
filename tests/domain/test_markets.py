"""Markets beyond the tender (issue 17): a segment's months by hand, concentration measures on hand
figures, and the analyses on a workspace (the markets stay apart from the tender's projection)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.markets import (
    Source,
    Window,
    concentration,
    months_between,
    profile,
    segment_months,
    segment_result,
)
from consortium_planner.domain.model import MarketSegment, SegmentKind, Tender


def test_a_segments_months_are_kept_for_the_same_row_and_worked_out_for_another():
    """Issue 22: the months are kept while the segment is the very same row; an edited row (a new object,
    even with the same id and values) is worked out again, and gives what a fresh computation gives."""
    from dataclasses import replace

    from consortium_planner.domain import markets

    seg = MarketSegment(id=7, organisation_id=1, name="Day services", customers_at_start=D(4), new_per_month=D(1),
                        churn_pct=D(5), hours_per_week=D(3), rate=D("25.00"), cost_per_hour=D("18.00"))
    first = segment_months(seg, 2, 30)
    assert segment_months(seg, 2, 30) is first
    assert segment_months(seg, 3, 30) == markets._segment_months(seg, 3, 30)
    dearer = replace(seg, rate=D("26.00"))
    again = segment_months(dearer, 2, 30)
    assert again == markets._segment_months(dearer, 2, 30) and again != first
    same_values = replace(seg)
    assert segment_months(same_values, 2, 30) is not first and segment_months(same_values, 2, 30) == first


def test_a_segment_month_by_month_by_hand():
    seg = MarketSegment(id=1, organisation_id=1, name="Self-funders", customers_at_start=D(10), new_per_month=D(2),
                        churn_pct=D(10), hours_per_week=D(6), rate=D("30.00"), rate_indexation_pct=D(10),
                        bad_debt_pct=D(5), cost_per_hour=D("20.00"), cost_indexation_pct=D(0),
                        acquisition_cost=D("100.00"), annual_income=D("1200.00"), annual_cost=D("600.00"))
    months = segment_months(seg, 1, 14)
    assert months[0].revenue == 0 and months[0].customers == 0  # before it starts
    first = months[1]
    # customers: 10 × 0.9 + 2 = 11; hours: 11 × 6 × 52 / 12 = 286
    assert first.customers == D(11)
    assert first.hours == D(286)
    # revenue: 286 × £30 × 0.95 + £1,200 / 12 = 8,151 + 100
    assert first.revenue == D("8251.00")
    # cost: 286 × £20 + £600 / 12; cost to win: 2 × £100
    assert first.delivery_cost == D("5770.00")
    assert first.acquisition_cost == D("200.00")
    assert first.contribution == D("2281.00")
    second = months[2]
    assert second.customers == D("11.9")  # 11 × 0.9 + 2
    # the 13th month of the segment (window month 13) is its year 2: the rate rises 10%, the cost does not
    m13 = months[13]
    c = D(10)
    for _ in range(13):
        c = c * D("0.9") + 2
    assert m13.customers == c
    hours = c * 6 * D(52) / D(12)
    assert m13.revenue == (hours * D("33.00") * D("0.95") + D("1320.00") / 12).quantize(D("0.01"))
    assert m13.delivery_cost == (hours * D("20.00") + D(50)).quantize(D("0.01"))


def test_months_between_counts_a_part_month_as_the_next():
    assert months_between(dt.date(2027, 1, 1), dt.date(2027, 1, 1)) == 0
    assert months_between(dt.date(2027, 1, 1), dt.date(2027, 4, 1)) == 3
    assert months_between(dt.date(2027, 1, 1), dt.date(2027, 4, 15)) == 4
    assert months_between(dt.date(2027, 4, 1), dt.date(2027, 1, 1)) == -3


def _src(name, amount, buyer=None, kind="council_contract", public=True, trading=True):
    return Source(name, kind, buyer or name, D(amount), public, trading)


def test_concentration_measures_on_hand_figures():
    # shares 0.5, 0.3, 0.2 (two sources with one buyer make one buyer's share)
    p = profile([_src("Homecare", 400, "Council"), _src("Reablement", 100, "Council"),
                 _src("Self-funders", 300, kind="self_funders", public=False),
                 _src("Lottery", 200, kind="grants", public=False, trading=False)])
    assert p.total == D(1000)
    largest = p.measure("largest")
    assert largest.value == D(50) and largest.rating == "amber"  # > 30%, not > 50%
    assert p.measure("hhi").value == D("0.38")  # 0.25 + 0.09 + 0.04
    assert p.measure("hhi").rating == "amber"
    assert p.measure("trading").value == D(80) and p.measure("trading").rating == "green"
    assert p.measure("public").value == D(50) and p.measure("public").rating == "green"
    assert dict(p.by_kind) == {"council_contract": D(50), "self_funders": D(30), "grants": D(20)}
    one = profile([_src("Council", 900), _src("Grant", 100, kind="grants", public=False, trading=False)])
    assert one.measure("largest").rating == "red"
    assert one.measure("public").rating == "amber"  # 90% is not above 90%
    grants = profile([_src("Grant", 600, kind="grants", public=False, trading=False), _src("Council", 400)])
    assert grants.measure("trading").value == D(40) and grants.measure("trading").rating == "red"


def test_no_income_is_not_measured_rather_than_called_fine():
    p = profile([])
    assert all(m.value is None and m.rating == "" for m in p.measures)


def _window():
    return Window(dt.date(2027, 1, 1), (0,) * 3 + (1,) * 12 + (2,) * 12, {0: "Mobilisation", 1: "Year 1", 2: "Year 2"},
                  3)


def test_concentration_before_and_after_with_the_cure():
    w = _window()
    council = MarketSegment(id=1, organisation_id=1, name="Homecare", kind=SegmentKind.COUNCIL, buyer="Council",
                            annual_income=D("600000"), rate_indexation_pct=D(0))
    grant = MarketSegment(id=2, organisation_id=1, name="Grant", kind=SegmentKind.GRANTS, buyer="Lottery",
                          annual_income=D("400000"), rate_indexation_pct=D(0))
    tender = Tender(id=1, name="Wellbeing", buyer="Other council")
    result = concentration(1, tender, [(1, "Mutual", D("1000000"), D("1000000")), (2, "Co-op", D("50000"), None)],
                           [segment_result(council, w), segment_result(grant, w)], [])
    mutual = result.members[0]
    assert mutual.before.total == D("1000000.00")
    assert mutual.before.measure("largest").value == D(60)
    assert mutual.after.total == D("2000000.00")
    assert mutual.after.measure("largest").value == D(50)  # the tender's buyer
    assert mutual.after.measure("hhi").value == D("0.38")  # 0.5² + 0.3² + 0.2²
    # the co-op's income today is not entered: not measured, left out of the consortium's, said so
    coop = result.members[1]
    assert all(m.value is None for m in coop.after.measures)
    assert result.unmeasured == ("Co-op",)
    assert any(f.code == "income_not_entered" for f in result.findings)
    assert result.consortium.after.total == D("2000000.00")
    # amber (50% is not above 50%) → a warning whose cure brings the largest buyer to 30%
    f = next(f for f in result.findings if f.code == "concentration" and f.message.startswith("Mutual"))
    assert f.severity is Severity.WARNING
    need = f.cure_figure("other_income_needed")
    assert need == D("1333333.33")  # 1,000,000 ÷ (2,000,000 + x) = 30%
    assert D(1000000) / (D(2000000) + need) == pytest.approx(D("0.3"), abs=D("0.000001"))
