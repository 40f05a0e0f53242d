"""Sensitivity: tornado directions, figures equal to the scenario runs, break-evens solved by bisection
that land on their targets, honest "not reached" / "already breached", cancel, findings and JSON."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from consortium_planner.domain import scenarios as sc
from consortium_planner.domain import sensitivity as s
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import ConsortiumOption
from consortium_planner.domain.tasks import Cancelled, CancelToken
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import pipeline
from consortium_planner.services.compare import option_figures
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.pipeline import NotApplicable
from consortium_planner.services.scenarios import run_scenario
from consortium_planner.services.sensitivity import (
    KEEPS_PRICES,
    MOVES_EVALUATION,
    NEEDS,
    POINT_NEEDS,
    sensitivity,
)

Status = s.BreakEvenStatus


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


def option_named(ws: Workspace, name: str) -> ConsortiumOption:
    return next(o for o in ws.options() if o.name == name)


@pytest.fixture(scope="module")
def spv(demo):
    option = option_named(demo, "Special purpose vehicle")
    base = pipeline.run(demo, option.id, NEEDS)
    return option, base, sensitivity(demo, option.id, base)


@pytest.fixture(scope="module")
def lead(demo):
    option = option_named(demo, "Lead provider with subcontractors")
    base = pipeline.run(demo, option.id, NEEDS)
    return option, base, sensitivity(demo, option.id, base)


def figures_at(ws, option_id, base, adjustments, names=POINT_NEEDS):
    return option_figures(ws, option_id, run_scenario(ws, option_id, adjustments, base=base, names=names)).values


def bar(result: s.Sensitivity, output: str, driver: str) -> s.TornadoBar:
    return next(b for b in result.tornado[output].bars if b.driver == driver)


# --------------------------------------------------------------------------- the tornado


def test_more_volume_means_more_margin_and_npv_and_faster_pay_or_costs_less(spv):
    _option, _base, result = spv
    volume = bar(result, "npv", "volume_pct")
    assert volume.low_setting < 0 < volume.high_setting
    assert volume.high > result.tornado["npv"].base > volume.low  # more volume, more NPV
    margin = bar(result, "year_one_margin", "volume_pct")
    assert margin.high > margin.low  # more volume at the bid's unit prices: more margin
    pay = bar(result, "npv", "pay_uplift_pp")
    assert pay.high < result.tornado["npv"].base < pay.low  # pay rising faster costs NPV
    cost = bar(result, "npv", "cost_overrun_pct")
    assert cost.high < cost.low
    competitors = bar(result, "win_probability", "competitor_price_pct")
    assert competitors.high > competitors.low  # dearer rivals, better chance
    rates = bar(result, "funding_requirement", "payment_delay_days")
    assert rates.high > rates.low  # paid later: more to fund


def test_bars_are_sorted_by_swing_and_cover_every_driver_and_output(spv):
    result = spv[2]
    assert list(result.tornado) == [o.key for o in s.OUTPUTS]
    for tornado in result.tornado.values():
        assert {b.driver for b in tornado.bars} == {d.name for d in sc.DRIVERS}
        swings = [b.swing for b in tornado.bars if b.swing is not None]
        assert swings == sorted(swings, reverse=True)
        assert all(b.swing == abs(b.high - b.low) for b in tornado.bars if b.swing is not None)
    assert result.tornado["npv"].bars[0].swing > 0


@pytest.mark.parametrize("driver", ["volume_pct", "payment_delay_days", "cost_overrun_pct", "competitor_price_pct",
                                    "pay_uplift_pp", "cpi_pp", "ramp_up_months"])
def test_each_tornado_end_equals_the_scenario_with_that_driver_to_the_penny(demo, spv, driver):
    option, base, result = spv
    spec = next(r for r in s.TORNADO_RANGES if r.driver == driver)
    for setting, end in ((spec.low, "low"), (spec.high, "high")):
        full = option_figures(demo, option.id, run_scenario(demo, option.id, spec.adjustments(setting), base=base))
        for o in s.OUTPUTS:
            assert getattr(bar(result, o.key, driver), end) == full.values[o.key], (driver, end, o.key)


def test_only_competitor_prices_move_the_win_probability_of_the_bid_as_priced(demo, spv):
    """The shortcut the analysis takes (no evaluation run for the other drivers) is what the pipeline gives."""
    option, base, result = spv
    assert MOVES_EVALUATION == {"competitor_price_pct"}
    at_base = result.tornado["win_probability"].base
    assert at_base is not None
    for spec in s.TORNADO_RANGES:
        if spec.driver in MOVES_EVALUATION:
            continue
        for setting in (spec.low, spec.high):
            got = figures_at(demo, option.id, base, spec.adjustments(setting), ("evaluation",))["win_probability"]
            assert got == at_base, (spec.driver, setting)


# --------------------------------------------------------------------------- break-evens


def _crossed(target_key, values, covenant):
    target = next(t for t in s.TARGETS if t.key == target_key)
    return s.crossed(target, values, covenant)


@pytest.mark.parametrize("which", ["spv", "lead"])
def test_each_break_even_re_run_at_its_solved_value_lands_on_its_target(demo, which, request):
    """Tolerance: one grid step. The solved value is the first grid point on the wrong side and the one
    before it is on the right side, so the target (NPV = 0, cover = covenant, sources = requirement) lies
    within that step; re-running both through the scenario pipeline shows the sign change."""
    option, base, result = request.getfixturevalue(which)
    solved = [b for b in result.break_evens if b.status is Status.SOLVED]
    assert len(solved) >= 5
    for b in solved:
        search = next(x for x in s.SEARCHES if x.driver == b.driver)
        assert Decimal(b.value) - Decimal(b.last_safe) == search.step
        at = figures_at(demo, option.id, base, sc.Adjustments(**{b.driver: b.driver_value}))
        before = figures_at(demo, option.id, base, sc.Adjustments(**{b.driver: search.driver_value(
            int(Decimal(b.last_safe) / search.step))}))
        assert _crossed(b.target, at, option.min_dscr) is True, b.message
        assert _crossed(b.target, before, option.min_dscr) is False, b.message
        output = next(t.output for t in s.TARGETS if t.key == b.target)
        assert at[output] == b.figure_at_value and before[output] == b.figure_at_last_safe
        if b.target == "npv_zero":
            assert at["npv"] < 0 <= before["npv"]


def test_the_spv_break_evens_are_solved_with_their_figures(spv):
    _option, _base, result = spv
    by = {(b.driver, b.target): b for b in result.break_evens}
    assert len(by) == len(s.SEARCHES) * len(s.TARGETS)
    volume_npv = by[("volume_pct", "npv_zero")]
    assert volume_npv.status is Status.SOLVED and volume_npv.driver_value == -volume_npv.value < 0
    assert volume_npv.message.startswith(f"A volume fall of {volume_npv.value}%")
    days = by[("payment_delay_days", "funding_shortfall")]
    assert isinstance(days.value, int) and isinstance(days.driver_value, int)  # whole days


def test_a_target_never_reached_in_the_range_says_so(demo, lead):
    option, base, result = lead
    b = next(x for x in result.break_evens if x.driver == "payment_delay_days" and x.target == "npv_zero")
    assert b.status is Status.NOT_REACHED and b.value is None
    assert b.message.startswith("Not reached within payment 365 days later")
    assert figures_at(demo, option.id, base, sc.Adjustments(payment_delay_days=365))["npv"] >= 0


def test_already_breached_at_base_and_not_applicable_are_honest(demo):
    ws = demo.copy()
    option = option_named(ws, "Special purpose vehicle")
    ws.put(dataclasses.replace(option, min_dscr=Decimal("50")))  # a covenant the plan does not meet
    base = pipeline.run(ws, option.id, NEEDS)
    result = sensitivity(ws, option.id, base)
    dscr = [b for b in result.break_evens if b.target == "dscr_covenant"]
    assert {b.status for b in dscr} == {Status.BREACHED_AT_BASE}
    assert all(b.message.startswith("Already breached at base: debt service cover is") for b in dscr)
    alone = option_named(demo, "Go alone")  # no loan or overdraft: no cover to test
    lone = sensitivity(demo, alone.id, pipeline.run(demo, alone.id, NEEDS))
    assert {b.status for b in lone.break_evens if b.target == "dscr_covenant"} == {Status.NOT_APPLICABLE}


def test_bisection_halves_the_bracket_rather_than_scanning():
    calls: list[int] = []

    def crossed_from_737(k: int) -> bool:
        calls.append(k)
        return k >= 737

    assert s.bisect_first(crossed_from_737, 0, 1000) == (736, 737)
    assert len(calls) <= 10  # ⌈log2 1000⌉, where a scan would take 737


# --------------------------------------------------------------------------- findings, cancel, the pipeline


def test_a_break_even_close_to_base_is_a_warning_with_its_figure(spv):
    _option, _base, result = spv
    close = [b for b in result.break_evens if b.close]
    assert close and all(Decimal(b.value) <= s.CLOSE[b.driver] for b in close)
    found = s.findings(result)
    assert len(found) == len(close)
    assert all(f.severity is Severity.WARNING and f.message.startswith("Close to break-even: ") for f in found)
    volume = next(b for b in result.break_evens if b.driver == "volume_pct" and b.target == "dscr_covenant")
    assert volume.close  # the demo's SPV: cover falls below the covenant within a 5% volume fall
    assert any(f"volume fall of {volume.value}%" in f.message for f in found)


def test_cancel_stops_the_analysis(demo, spv):
    option, base, _result = spv
    token = CancelToken()
    seen: list[float] = []

    def progress(fraction: float, _message: str) -> None:
        seen.append(fraction)
        if len(seen) == 3:
            token.cancel()

    with pytest.raises(Cancelled):
        sensitivity(demo, option.id, base, cancelled=token, progress=progress)
    assert len(seen) == 3


def test_the_analysis_runs_in_the_pipeline_and_not_on_a_scenario_copy(demo):
    option = option_named(demo, "Go alone")
    results = pipeline.run(demo, option.id, ["sensitivity"])
    assert isinstance(results["sensitivity"], s.Sensitivity)
    copy = sc.apply(demo, option.id, sc.Adjustments(volume_pct=Decimal("-5")))
    assert isinstance(pipeline.run(copy, option.id, ["sensitivity"])["sensitivity"], NotApplicable)


def test_json_keys_are_stable_snake_case(spv):
    data = to_jsonable(spv[2])
    assert set(data) == {"option_id", "covenant", "tornado", "break_evens", "ranges", "runs", "estimated"}
    assert data["estimated"] is False  # the analysis is exact; only the tab shows an estimate, first
    assert list(data["tornado"]) == ["npv", "funding_requirement", "min_dscr", "year_one_margin", "win_probability"]
    first = data["tornado"]["npv"]["bars"][0]
    assert set(first) == {"driver", "label", "low_setting", "high_setting", "low", "high", "swing", "note"}
    b = data["break_evens"][0]
    assert {"driver", "search", "target", "status", "value", "last_safe", "driver_value", "base_figure",
            "figure_at_value", "threshold", "message", "close"} <= set(b)
    assert b["status"] in {x.value for x in Status}


def test_summary_json_has_the_sensitivity_of_every_option(demo):
    from consortium_planner.services.summary import summary

    data = summary(demo)
    for option in data["consortium_options"]:
        sens = option["analyses"]["sensitivity"]
        assert sens["tornado"]["npv"]["base"] == option["analyses"]["returns"]["npv"]
        assert len(sens["break_evens"]) == 9


@pytest.mark.parametrize("which", ["spv", "lead"])
def test_the_drivers_that_keep_the_base_prices_give_the_figures_of_a_full_run(demo, which, request):
    """The shortcut (``KEEPS_PRICES``: the base's prices carried into the point, no cost build-up) gives every
    figure the full scenario pipeline gives, at both tornado ends and at the far end of each search."""
    option, base, _result = request.getfixturevalue(which)
    assert KEEPS_PRICES == {"payment_delay_days", "interest_rate_pp", "competitor_price_pct"}
    settings = [(r.driver, r.adjustments(v)) for r in s.TORNADO_RANGES for v in (r.low, r.high)]
    settings += [(x.driver, x.adjustments(x.steps)) for x in s.SEARCHES]
    checked = 0
    for driver, adjustments in settings:
        if driver not in KEEPS_PRICES:
            continue
        full = figures_at(demo, option.id, base, adjustments)
        kept = option_figures(demo, option.id, run_scenario(demo, option.id, adjustments, base=base,
                                                            names=POINT_NEEDS, keep=("prices",))).values
        assert kept == full, (driver, adjustments)
        checked += 1
    assert checked == 7


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 2000), st.data())
def test_the_search_finds_bisections_crossing_in_at_most_twice_its_points_and_four(width, data):
    """Any output that crosses once (straight, curved, stepped or flat on one side): the same adjacent pair as
    bisection, in at most 2 × ⌈log2 width⌉ + 4 points besides the two ends."""
    first = data.draw(st.integers(1, width))
    shape = data.draw(st.sampled_from(["line", "curve", "step", "flat"]))
    scale = Decimal(data.draw(st.integers(1, 10_000)))

    def gap(k: int) -> Decimal:
        d = Decimal(k - first)
        if shape == "line":
            return scale * d + Decimal("0.5") * scale
        if shape == "curve":
            return d * abs(d) + Decimal("0.5")
        if shape == "step":
            return scale if k >= first else -Decimal(1)
        return d + 1 if k >= first else Decimal(0)

    calls: list[int] = []

    def counted(k: int) -> Decimal:
        calls.append(k)
        return gap(k)

    assert s.search_first(counted, 0, width) == s.bisect_first(lambda k: gap(k) > 0, 0, width) == (first - 1, first)
    assert len(calls) - 2 <= 2 * math.ceil(math.log2(width)) + 4


def test_a_straight_output_is_solved_in_a_few_points():
    calls: list[int] = []

    def npv_falling(k: int) -> Decimal:
        calls.append(k)
        return Decimal(k) * Decimal("731.4") - Decimal("538_946.2")  # crossed from 737

    assert s.search_first(npv_falling, 0, 1000) == (736, 737)
    assert len(calls) <= 4  # the two ends and two guesses, where bisection takes ten


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pay=st.decimals(min_value=-5, max_value=10, places=2), cpi=st.decimals(min_value=-5, max_value=10, places=2),
       ramp=st.integers(-6, 12), which=st.sampled_from(["spv", "lead"]))
def test_the_drivers_that_keep_the_cost_buildup_leave_it_as_it_is(demo, spv, lead, pay, cpi, ramp, which):
    """``KEEPS_BUILDUP``: a snapshot moved by any of these drivers has the build-up of one moved by none of
    them (at the base prices), so a sensitivity point may carry another's."""
    option, base, _result = spv if which == "spv" else lead
    assert sc.KEEPS_BUILDUP == {"pay_uplift_pp", "cpi_pp", "ramp_up_months"}
    moved = sc.Adjustments(pay_uplift_pp=pay, cpi_pp=cpi, ramp_up_months=ramp)
    assume(not moved.is_empty())  # no change: the base's own results, whose build-up prices cost-plus-margin
    reference = run_scenario(demo, option.id, sc.Adjustments(pay_uplift_pp=Decimal("0.01")), base=base,
                             names=("prices",))["prices"].buildup
    assert run_scenario(demo, option.id, moved, base=base, names=("prices",))["prices"].buildup == reference


@pytest.mark.parametrize("which", ["spv", "lead"])
def test_a_point_that_carries_anothers_buildup_gives_the_figures_of_a_full_run(demo, which, request):
    """Each ``KEEPS_BUILDUP`` driver at both tornado ends and the far end of its search, with the build-up
    of a point of another of them carried in, gives every figure the full scenario pipeline gives."""
    option, base, _result = request.getfixturevalue(which)
    carried = run_scenario(demo, option.id, sc.Adjustments(cpi_pp=Decimal("2")), base=base,
                           names=("prices",))["prices"].buildup
    settings_ = [(r.driver, r.adjustments(v)) for r in s.TORNADO_RANGES for v in (r.low, r.high)]
    settings_ += [(x.driver, x.adjustments(x.steps)) for x in s.SEARCHES]
    checked = 0
    for driver, adjustments in settings_:
        if driver not in sc.KEEPS_BUILDUP:
            continue
        full = figures_at(demo, option.id, base, adjustments)
        shared = option_figures(demo, option.id, run_scenario(demo, option.id, adjustments, base=base,
                                                              names=POINT_NEEDS, buildup=carried)).values
        assert shared == full, (driver, adjustments)
        checked += 1
    assert checked == 7


def test_a_buildup_is_carried_only_into_adjustments_that_keep_it(demo, spv):
    option, base, _result = spv
    carried = base["prices"].buildup
    basis = sc.pricing_basis(base["prices"], demo.tenders()[0])
    with pytest.raises(ValueError, match="KEEPS_BUILDUP"):
        sc.apply(demo, option.id, sc.Adjustments(volume_pct=Decimal("-5")), basis=basis, buildup=carried)
    with pytest.raises(ValueError, match="KEEPS_BUILDUP"):
        sc.apply(demo, option.id, sc.Adjustments(cpi_pp=Decimal("1")), buildup=carried)  # no base prices


def test_points_run_the_same_analyses_without_writing_cures(demo, spv):
    """``figures_registry``: the program's analyses, but the capital analysis leaves its funding findings
    without their cures (no point reads a cure); the figures are the program's own."""
    from consortium_planner.services.analyses import figures_registry

    option, base, _result = spv
    registry = figures_registry()
    assert registry.names() == pipeline.REGISTRY.names() and registry is figures_registry()
    adjustments = sc.Adjustments(volume_pct=Decimal("-40"))
    plain = run_scenario(demo, option.id, adjustments, base=base, names=POINT_NEEDS, registry=registry)
    full = run_scenario(demo, option.id, adjustments, base=base, names=POINT_NEEDS)
    assert any(f.cure for f in full["funding"].flags)  # the case this is about: a finding with a cure
    assert not any(f.cure for f in plain["funding"].flags)
    assert [f.code for f in plain["funding"].flags] == [f.code for f in full["funding"].flags]
    assert option_figures(demo, option.id, plain).values == option_figures(demo, option.id, full).values


def test_points_and_scenario_outcomes_leave_out_only_the_pricing_advice(demo, spv):
    """``figures_registry``'s evaluation: the program's, without the best price and the quality needed at cost
    (``compare.option_figures`` reads neither), so a competitor-price point and every stored scenario's
    outcome give the figures of the full analyses, with a fraction of the draws scored."""
    from consortium_planner.services.analyses import figures_registry
    from consortium_planner.services.scenarios import scenario_outcome

    option, base, _result = spv
    adjustments = sc.Adjustments(competitor_price_pct=Decimal("-10"))
    lean = run_scenario(demo, option.id, adjustments, base=base, names=("evaluation",), registry=figures_registry())
    full = run_scenario(demo, option.id, adjustments, base=base, names=("evaluation",))
    assert full["evaluation"].best is not None and full["evaluation"].quality_at_cost is not None
    assert lean["evaluation"].best is None and lean["evaluation"].quality_at_cost is None
    assert dataclasses.replace(lean["evaluation"], best=full["evaluation"].best,
                               quality_at_cost=full["evaluation"].quality_at_cost) == full["evaluation"]
    full_base = pipeline.run(demo, option.id)
    rows = sc.scenario_rows(demo)
    assert len(rows) >= 3
    for row in rows:
        outcome = scenario_outcome(demo, option.id, row, full_base)
        every = option_figures(demo, option.id, run_scenario(demo, option.id, sc.Adjustments.of(row), base=full_base))
        assert (outcome.rows, outcome.notes) == (every.values, every.notes), row.name
