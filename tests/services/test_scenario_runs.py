"""Running scenarios: the same pipeline on an adjusted copy; the bid as priced; directions; the analysis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium_planner.domain import scenarios as sc
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import ConsortiumOption, Scenario, Tender
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import pipeline
from consortium_planner.services.compare import option_figures
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.pipeline import REGISTRY, NotApplicable
from consortium_planner.services.scenarios import run_scenario
from consortium_planner.services.session import WorkspaceSession

EVERY_BUT_SCENARIOS = tuple(n for n in REGISTRY.names() if n not in ("scenarios", "sensitivity"))


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def base_results(demo):
    return {o.id: pipeline.run(demo, o.id) for o in demo.options()}


def spv(ws: Workspace) -> ConsortiumOption:
    return next(o for o in ws.options() if o.name == "Special purpose vehicle")


def _figures(tree, path=""):
    """Every leaf of a JSON tree by path, except the one flag a scenario sets on purpose."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k in ("price_fixed_by_user", "solve_seconds", "total_seconds"):
                continue  # the scenario fixes the prices at the base's (that is the point); timings vary
            yield from _figures(v, f"{path}.{k}")
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from _figures(v, f"{path}[{i}]")
    else:
        yield path, tree


@pytest.mark.parametrize("which", [0, 1, 2])
def test_an_empty_scenario_equals_the_base_to_the_penny_on_every_analysis_figure(demo, base_results, which):
    option = demo.options()[which]
    copy = sc.apply(demo, option.id, sc.Adjustments(), name="Nothing")
    got = pipeline.run(copy, option.id, EVERY_BUT_SCENARIOS)
    base = base_results[option.id]
    for name in EVERY_BUT_SCENARIOS:
        if not REGISTRY[name].public:
            continue
        got_figures, base_figures = dict(_figures(to_jsonable(got[name]))), dict(_figures(to_jsonable(base[name])))
        if name == "verdict":  # the base's verdict also counts the scenarios' warnings, which a copy has none of
            got_figures.pop(".warnings"), base_figures.pop(".warnings")
        assert got_figures == base_figures, name
    assert got["prices"].buildup.service_lines[0].price_fixed_by_user  # fixed at the base bid's
    # and the scenarios analysis itself does not run on a scenario's copy
    assert isinstance(pipeline.run(copy, option.id, ["scenarios"])["scenarios"], NotApplicable)


def test_running_scenarios_never_changes_the_stored_workspace(tmp_path):
    from consortium_planner.services.demo import write_demo

    path = write_demo(tmp_path / "demo.cplan")
    session = WorkspaceSession.open(path)
    try:
        before = sorted(session.ws.entities(), key=lambda e: (type(e).__name__, e.id))
        for o in session.ws.options():
            results = pipeline.run(session.ws, o.id, ["scenarios"])
            assert set(results["scenarios"]) == {"Base", "Downside", "Severe", "Upside"}
        assert sorted(session.ws.entities(), key=lambda e: (type(e).__name__, e.id)) == before
        assert sorted(session.store.load().entities(), key=lambda e: (type(e).__name__, e.id)) == before
    finally:
        session.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.decimals(min_value=-80, max_value=150, places=0), step=st.decimals(min_value=1, max_value=50, places=0))
def test_more_volume_never_gives_less_income(demo, base_results, low, step):
    option = spv(demo)
    base = base_results[option.id]

    def income(v: Decimal) -> Decimal:
        r = run_scenario(demo, option.id, sc.Adjustments(volume_pct=v), names=("projection",), base=base)
        return r["projection"].total_income

    assert income(low) <= income(low + step)


def test_the_bid_stays_as_priced_while_costs_move(demo, base_results):
    option = spv(demo)
    base = base_results[option.id]
    r = run_scenario(demo, option.id, sc.Adjustments(pay_uplift_pp=Decimal(2), cpi_pp=Decimal(1)), base=base)
    for y, b in zip(r["prices"].years, base["prices"].years, strict=True):
        assert [ly.unit_price for ly in y.lines] == [ly.unit_price for ly in b.lines]  # the price as bid
        assert y.annual_price == b.annual_price
        assert (y.annual_cost > b.annual_cost) if y.number > 1 else (y.annual_cost == b.annual_cost)
    assert r["returns"].npv < base["returns"].npv
    # the evaluation is of the bid as published: unchanged by pay, or by volume alone
    assert r["evaluation"].win == base["evaluation"].win
    v = run_scenario(demo, option.id, sc.Adjustments(volume_pct=Decimal(-20)), base=base)
    assert v["evaluation"].evaluation == base["evaluation"].evaluation
    assert v["prices"].years[0].annual_price < base["prices"].years[0].annual_price
    # cheaper competitors lower the chance of winning
    c = run_scenario(demo, option.id, sc.Adjustments(competitor_price_pct=Decimal(-10)), base=base)
    assert c["evaluation"].win.probability < base["evaluation"].win.probability


def test_timing_drivers_move_the_projection(demo, base_results):
    option = spv(demo)
    base = base_results[option.id]
    bp = base["projection"]
    late = run_scenario(demo, option.id, sc.Adjustments(mobilisation_overrun_months=3), base=base)
    p = late["projection"]
    assert p.mobilisation_start == bp.mobilisation_start and p.mobilisation_months == bp.mobilisation_months + 3
    assert [y.label for y in p.years if y.period >= 1] == [y.label for y in bp.years if y.period >= 1]
    assert p.years[0].mobilisation > bp.years[0].mobilisation  # mobilisation goes on
    assert late["funding"].requirement > base["funding"].requirement
    paid_late = run_scenario(demo, option.id, sc.Adjustments(payment_delay_days=60), base=base)
    assert paid_late["projection"].receipt_lag_months == bp.receipt_lag_months + 2
    assert paid_late["funding"].requirement > base["funding"].requirement
    ended = run_scenario(demo, option.id, sc.Adjustments(termination_after_year=2), base=base)
    assert sum(1 for y in ended["prices"].years) == 2
    assert ended["projection"].total_income < bp.total_income
    dearer = run_scenario(demo, option.id, sc.Adjustments(interest_rate_pp=Decimal(3)), base=base)
    assert sum(y.interest for y in dearer["projection"].years) > sum(y.interest for y in bp.years)


def test_a_national_living_wage_path_above_the_pay_uplift_breaks_the_wage_floor(demo, base_results):
    option = spv(demo)
    base = base_results[option.id]
    assert not base["prices"].wage_floor_breaches
    r = run_scenario(demo, option.id, sc.Adjustments(nlw_uplift_pp=Decimal(6)), base=base)
    assert r["prices"].wage_floor_breaches
    assert any(f.code == "wage_floor" and f.severity is Severity.BLOCKING for f in r["prices"].flags)


def test_the_scenarios_analysis_has_every_stored_scenario_with_the_compare_figures(demo, base_results):
    option = spv(demo)
    got = pipeline.run(demo, option.id, ["scenarios"])["scenarios"]
    assert list(got) == [s.name for s in sc.scenario_rows(demo)] == ["Base", "Downside", "Severe", "Upside"]
    base_figures = option_figures(demo, option.id, base_results[option.id])
    assert dict(got["Base"].rows) == dict(base_figures.values) and got["Base"].adjustments == "no change"
    down = sc.Adjustments.of(next(s for s in demo.all(Scenario) if s.name == "Downside"))
    expected = option_figures(demo, option.id, run_scenario(demo, option.id, down, name="Downside"))
    assert dict(got["Downside"].rows) == dict(expected.values)
    assert got["Downside"].rows["npv"] < got["Base"].rows["npv"] < got["Upside"].rows["npv"]
    findings = pipeline.run(demo, option.id, ["scenarios"]).findings(["scenarios"])
    assert findings and all(f.severity is Severity.WARNING and f.code.startswith("scenario_") for f in findings)
    assert all("Base" not in f.message for f in findings)
    json = to_jsonable(got)
    assert json["Severe"]["adjustments"].startswith("volume \u221220%") and "npv" in json["Severe"]["rows"]


def test_a_scenario_edit_is_a_change_the_scenarios_analysis_reads(demo):
    assert "scenario" in REGISTRY.reads(["scenarios"])
    assert "scenario" not in REGISTRY.reads(["capital"])
    assert {"tender", "competitor", "funding_source", "capital_item"} <= REGISTRY.reads(["scenarios"])
    assert Tender  # the tender's fields are what several drivers move


def test_summary_json_lists_the_scenarios_and_each_options_results_under_them(demo):
    from consortium_planner.services.summary import summary

    data = summary(demo)
    assert [s["name"] for s in data["scenarios"]] == ["Base", "Downside", "Severe", "Upside"]
    assert data["scenarios"][1]["volume_pct"] == "-10" and data["scenarios"][2]["termination_after_year"] == 3
    for option in data["consortium_options"]:
        by_name = option["analyses"]["scenarios"]
        assert list(by_name) == ["Base", "Downside", "Severe", "Upside"]
        assert by_name["Base"]["rows"]["npv"] == option["analyses"]["returns"]["npv"]
        assert by_name["Base"]["rows"]["funding_requirement"] == option["analyses"]["funding"]["requirement"]
