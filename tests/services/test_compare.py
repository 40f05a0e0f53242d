"""The comparison: figures equal each option's own analyses; best values by direction; baselines; the CLI."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from consortium_planner.domain.money import quantize
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import analyses
from consortium_planner.services.compare import (
    ROW_BY_KEY,
    ROWS,
    Comparison,
    Direction,
    OptionFigures,
    best_of,
    compare,
    comparison_json,
    differences,
)
from consortium_planner.services.demo import build_demo_entities, load_demo_source, write_demo
from consortium_planner.services.pipeline import run


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def base(demo):
    return compare(demo, demo.tenders()[0].id)


def test_every_row_has_a_stable_snake_case_key_and_a_direction():
    keys = [r.key for r in ROWS]
    assert len(keys) == len(set(keys)) and all(k == k.lower() and " " not in k for k in keys)
    assert {r.direction for r in ROWS} == set(Direction)
    assert ROW_BY_KEY["npv"].direction is Direction.HIGHER and ROW_BY_KEY["funding_requirement"].direction is \
        Direction.LOWER and ROW_BY_KEY["fte"].direction is Direction.NONE


def test_compare_figures_equal_each_options_own_analyses(demo, base):
    assert [o.name for o in base.options] == [o.name for o in demo.options(base.tender_id)]
    for o in base.options:
        v = o.values
        cov, wf, st = analyses.coverage(demo, o.option_id), analyses.workforce(demo, o.option_id), \
            analyses.standing(demo, o.option_id)
        pr, fu, rt, pj = analyses.prices(demo, o.option_id), analyses.funding(demo, o.option_id), \
            analyses.returns(demo, o.option_id), analyses.projection(demo, o.option_id)
        assert v["coverage_pct"] == cov.covered_pct and v["gaps"] == cov.n_gap and v["thin_cells"] == cov.n_thin
        assert v["fte"] == wf.total_fte and v["recruitment_fte"] == wf.total_recruitment_fte
        assert v["standing_risk"] == st.risk.label and v["failed_tests"] == st.fail_count
        assert v["reserved_eligibility"] == st.reserved.verdict.label
        assert v["year_one_price"] == pr.years[0].annual_price and v["contract_price"] == pr.term_price
        assert dict(v["unit_costs"]) == {s.service_line: quantize(s.cost_per_unit) for s in pr.buildup.service_lines}
        assert v["ceiling_headroom"] == min(y.ceiling - y.annual_price for y in pr.years)
        assert v["funding_requirement"] == fu.requirement and v["funding_shortfall"] == fu.shortfall
        assert v["funding_sources"] == fu.total_sources and v["lowest_cash"] == fu.lowest_balance
        assert v["min_dscr"] == fu.lowest_dscr
        assert v["npv"] == rt.npv and v["irr_pct"] == rt.irr_pct and v["payback_month"] == rt.payback_month
        assert v["total_income"] == pj.total_income
        assert dict(v["member_profits"]) == {m.organisation_name: m.profit_after_tax for m in pj.members}
        assert o.cumulative_cash == tuple(m.cumulative_before_funding for m in pj.months)
        ev = analyses.evaluation(demo, o.option_id)
        if ev.evaluation is None:
            assert v["score"] is None and o.notes["score"]
        else:
            assert v["score"] == ev.evaluation.ours.total and v["rank"] == ev.evaluation.rank
            assert v["win_probability"] == ev.win.probability * 100


def test_economies_of_scale_show_in_the_unit_costs(base):
    alone = next(o for o in base.options if o.name == "Go alone")
    together = next(o for o in base.options if o.name == "Special purpose vehicle")
    shared = set(alone.values["unit_costs"]) & set(together.values["unit_costs"])
    assert shared and len(together.values["unit_costs"]) > len(alone.values["unit_costs"])


def test_the_best_value_is_marked_by_the_rows_own_direction():
    higher, lower, none = ROW_BY_KEY["npv"], ROW_BY_KEY["funding_requirement"], ROW_BY_KEY["fte"]
    values = {1: Decimal(5), 2: Decimal(9), 3: Decimal(9), 4: None}
    assert best_of(higher, values) == (2, 3) and best_of(lower, values) == (1,) and best_of(none, values) == ()
    assert best_of(higher, {1: Decimal(5)}) == ()  # nothing to compare with
    risk = ROW_BY_KEY["standing_risk"]
    assert best_of(risk, {1: "High", 2: "Low", 3: "Medium"}) == (2,)
    reserved = ROW_BY_KEY["reserved_eligibility"]
    assert best_of(reserved, {1: "Not eligible", 2: "Check before bidding"}) == (2,)


def test_differences_from_a_baseline(base):
    alone = base.options[0]
    diffs = differences(base, alone.option_id)
    assert all(v in (None, 0, Decimal(0)) or isinstance(v, dict) for v in diffs[alone.option_id].values())
    for o in base.options[1:]:
        assert diffs[o.option_id]["npv"] == o.values["npv"] - alone.values["npv"]
        assert diffs[o.option_id]["gaps"] == o.values["gaps"] - alone.values["gaps"]
        assert "structure" not in diffs[o.option_id]
        lines = diffs[o.option_id]["unit_costs"]
        for name, d in lines.items():
            mine, theirs = o.values["unit_costs"].get(name), alone.values["unit_costs"].get(name)
            assert d == (None if mine is None or theirs is None else mine - theirs)


def test_under_a_scenario_each_option_shows_what_its_scenarios_analysis_says(demo):
    under = compare(demo, demo.tenders()[0].id, "downside")
    assert under.scenario == "Downside" and under.adjustments.startswith("volume \u221210%")
    for o in under.options:
        outcome = run(demo, o.option_id, ["scenarios"])["scenarios"]["Downside"]
        assert dict(o.values) == dict(outcome.rows)
    with pytest.raises(ValueError, match="no scenario named 'Nope'.*Base, Downside, Severe, Upside"):
        compare(demo, demo.tenders()[0].id, "Nope")


def test_the_cli_prints_the_comparison(tmp_path, capsys):
    from consortium_planner.cli import main

    path = write_demo(tmp_path / "demo.cplan")
    # the demo holds two tenders (the second for the bid pipeline): name the one to compare
    assert main(["compare", str(path), "--tender", "Westmarch Integrated Community Wellbeing Service",
                 "--scenario", "Severe", "--baseline", "Go alone", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    from consortium_planner.store.workspace_file import Store

    with Store.open(path) as store:
        ws = store.load()
    comparison = compare(ws, ws.tenders()[0].id, "Severe")
    alone = next(o.option_id for o in comparison.options if o.name == "Go alone")
    assert printed == comparison_json(comparison, alone)
    assert [o["name"] for o in printed["options"]] == ["Go alone", "Lead provider with subcontractors",
                                                       "Special purpose vehicle"]
    assert printed["options"][1]["differences"]["npv"] == format(
        comparison.options[1].values["npv"] - comparison.options[0].values["npv"], "f")
    assert set(printed["options"][0]["rows"]) == {r.key for r in ROWS}
    assert main(["compare", str(path), "--tender", "No such tender"]) == 1
    assert "no tender named" in capsys.readouterr().err
    assert main(["compare", str(path), "--scenario", "Nope"]) == 1


def test_a_comparison_is_a_plain_value(base):
    assert isinstance(base, Comparison) and isinstance(base.options[0], OptionFigures)
    assert base.best["npv"] and isinstance(base.best["unit_costs"], dict)
    assert len(base.months) == len(base.options[0].cumulative_cash)
