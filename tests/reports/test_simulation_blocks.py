"""The risk simulation's document blocks carry the simulation's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.document import Chart, Section, Status, Table
from consortium_planner.reports.sections.simulation import simulation_blocks
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.simulation import run_simulation


@pytest.fixture(scope="module")
def result():
    ws = Workspace(build_demo_entities(load_demo_source()))
    option = next(o for o in ws.options() if o.name == "Special purpose vehicle")
    return run_simulation(ws, option.id, draws=2_000, seed=4)


def test_the_blocks_carry_the_probabilities_percentiles_and_histograms(result):
    section = Section("simulation", "Risk by simulation", simulation_blocks(result))
    probs = section.table("simulation_probabilities")
    assert isinstance(probs, Table)
    assert probs.rows[0][1].value == result.p_requirement_above_sources * 100
    assert probs.rows[2][1].value == result.p_npv_negative * 100
    assert result.p_dscr_below_covenant is not None and probs.rows[1][1].value == result.p_dscr_below_covenant * 100
    # coloured by the findings: the demo's SPV falls short in most draws (serious: red)
    assert result.p_requirement_above_sources > Decimal("0.1") and probs.rows[0][1].status is Status.RED
    assert probs.texts()[0][1] == f"{result.p_requirement_above_sources * 100:.1f}%"
    pct = section.table("simulation_percentiles")
    assert pct is not None
    assert [c.value for c in pct.rows[0][1:]] == [result.npv.p10, result.npv.p50, result.npv.p90, result.base_npv]
    assert [c.value for c in pct.rows[1][1:4]] == [result.requirement.p10, result.requirement.p50,
                                                   result.requirement.p90]
    for key, h in (("simulation_npv_histogram", result.npv_histogram),
                   ("simulation_requirement_histogram", result.requirement_histogram)):
        chart = section.chart(key)
        assert isinstance(chart, Chart)
        assert chart.series[0].values == tuple(Decimal(c) for c in h.counts)
        assert len(chart.categories) == len(h.counts) and sum(chart.series[0].values) == result.draws
    ranges = section.table("simulation_ranges")
    assert ranges is not None and ranges.rows[0][0].value == "Volume" and ranges.rows[0][1].value == Decimal(-20)
    assert f"seed {result.seed}" in section.text()


def test_an_option_without_debt_service_says_so(result):
    import dataclasses

    calm = dataclasses.replace(result, p_dscr_below_covenant=None, p_requirement_above_sources=Decimal(0))
    probs = Section("s", "S", simulation_blocks(calm)).table("simulation_probabilities")
    assert probs is not None
    assert probs.texts()[1][1] == "no debt service" and probs.rows[1][1].status is Status.GREY
    assert probs.rows[0][1].status is Status.GREEN
