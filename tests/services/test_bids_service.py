"""The bid pipeline as a service: the demo's two chosen bids, their figures from the analyses, JSON."""

from decimal import Decimal

import pytest

from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import analyses
from consortium_planner.services.bids import chosen_option_ids, pipeline, pipeline_json
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.summary import summary


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


def test_pipeline_totals_equal_the_sum_of_the_chosen_options_figures(demo):
    ids = chosen_option_ids(demo)
    assert len(ids) == 2
    capitals = [analyses.capital(demo, i) for i in ids]
    result = pipeline(demo)
    assert result.win_all == sum((c.projection.total_ebitda for c in capitals), Decimal(0))
    assert result.funding.total_requirement == sum((c.funding.requirement for c in capitals), Decimal(0))
    assert result.funding.sum_of_peaks == sum((c.funding.peak_deficit for c in capitals), Decimal(0))
    # added by calendar month the deficits cannot peak higher than the sum of the peaks
    assert max(c.funding.peak_deficit for c in capitals) <= result.funding.combined_peak <= result.funding.sum_of_peaks
    by_hand = sum((t.win_probability_pct * c.projection.total_ebitda / 100).quantize(Decimal("0.01"))
                  for t, c in zip(result.tenders, capitals, strict=True))
    assert result.expected_value == by_hand


def test_demo_pipeline_finds_eastmere_homecare_promised_twice(demo):
    result = pipeline(demo)
    red = [c for c in result.capacity_overlaps if c.severity.red]
    assert [(c.organisation, c.area) for c in red] == [("Eastmere Homecare Co-operative", "Eastmere")]
    assert red[0].total == Decimal(14400 + 2400)
    assert {m.organisation for m in result.money_overlaps} >= {"Westmarch Community Health CIC"}


def test_summary_json_has_a_top_level_pipeline(demo):
    data = summary(demo, option="Special purpose vehicle")
    assert data["pipeline"] == pipeline_json(demo)
    assert data["pipeline"]["expected_value"] == str(pipeline(demo).expected_value)
    assert [t["option"] for t in data["pipeline"]["tenders"]] == ["Special purpose vehicle",
                                                                  "Eastmere home first partnership"]


def test_each_chosen_bid_carries_its_own_verdict_and_a_do_not_bid_is_red(demo):
    result = pipeline(demo)
    for t in result.tenders:
        own = analyses.verdict(demo, t.option_id)
        assert t.verdict == own.decision.value and t.verdict_headline == own.headline
    do_not_bid = [t for t in result.tenders if t.verdict == "do_not_bid"]
    flagged = [f for f in result.findings if f.code == "chosen_option_do_not_bid"]
    assert len(flagged) == len(do_not_bid) > 0
    assert all(f.severity.red for f in flagged)
    assert result.findings[0].severity.rank >= flagged[0].severity.rank  # worst first
