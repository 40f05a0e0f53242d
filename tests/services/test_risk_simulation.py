"""The risk_simulation analysis: the vector model agrees with the exact pipeline; seeds, cancel, findings, JSON.

**The agreement test.** For fixed driver vectors (the shipped scenarios, each driver alone, and draws
from the default ranges) the vector model's NPV, funding requirement and minimum debt service cover
are compared with ``run_scenario`` (the exact Decimal pipeline on an adjusted copy) on all three demo
options, and on every option of the large synthetic workspace for fewer cases. Tolerances, per figure:

* NPV and requirement within £1 where tax does not depend on how the delivery cost splits between
  members (a vehicle, an LLP, a single member). What is left is float rounding against the exact
  pipeline's penny rounding of each line, month and split: measured at most £0.10 on the demo, £0.28
  on the large workspace.
* Where each member is taxed on its own profit at its own rate (charities pay none): 0.05% of the
  option's funding requirement as planned (£512 for the demo's lead provider). When volume moves,
  each member's fixed and variable costs move apart; the vector model splits the cost between
  members by each member's mix of pay, fixed and variable cost, which the exact pipeline re-derives
  from the whole cost build-up, and the difference is the tax on that shift. Measured at most £113
  on the demo (Severe's NPV, 0.06% of it) and £3,313 on the large workspace (0.04% of that option's
  requirement).
* minimum debt service cover within 0.01 (the ratio is rounded to two places either side, so a
  figure a hair from a rounding boundary may round the other way); both have none or both have one.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from consortium_planner.domain import scenarios as sc
from consortium_planner.domain import simulation as sim
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.tasks import Cancelled, CancelToken
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import pipeline
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.scenarios import run_scenario
from consortium_planner.services.simulation import run_simulation, simulation_findings

ONE_TAXPAYER = Decimal("1")
# the exact pipeline rounds every line of every month to the penny and the vector model does not: on an
# option of tens of millions (the large workspace's, NPV −£26m) that drift passes £1, so the allowance is
# £1 or one part in ten million of the figures' size, whichever is larger (measured: £1.06 on £26.4m)
PENNY_DRIFT = Decimal("1e-7")
MEMBERS_TAXED_APART = Decimal("0.0005")  # of the option's funding requirement as planned


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def base_results(demo):
    return {o.id: pipeline.run(demo, o.id, ("capital", "prices", "funding", "returns", "evaluation"))
            for o in demo.options()}


def _cases() -> dict[str, sc.Adjustments]:
    out = {name: adj for name, adj, _note in sc.SHIPPED}
    d = Decimal
    out.update({
        "volume −15%": sc.Adjustments(volume_pct=d("-15")), "pay +2": sc.Adjustments(pay_uplift_pp=d("2")),
        "CPI +1.5": sc.Adjustments(cpi_pp=d("1.5")), "paid 45 days late": sc.Adjustments(payment_delay_days=45),
        "ramp-up +2": sc.Adjustments(ramp_up_months=2), "mobilisation +3": sc.Adjustments(mobilisation_overrun_months=3),
        "ends after year 2": sc.Adjustments(termination_after_year=2),
        "interest +2": sc.Adjustments(interest_rate_pp=d("2")), "costs +8%": sc.Adjustments(cost_overrun_pct=d("8")),
    })
    values = sim.sample(sim.DEFAULT_RANGES, 4, 7)
    for k in range(4):
        out[f"draw {k}"] = sc.Adjustments(**{
            name: (int(v[k]) if name in ("ramp_up_months", "payment_delay_days", "mobilisation_overrun_months",
                                         "termination_after_year") else Decimal(repr(round(float(v[k]), 6))))
            for name, v in values.items()})
    return out


def _tolerance(b: sim.Basis, base) -> Decimal:
    if b.vehicle or b.llp or len(b.rates) == 1:
        size = abs(base["returns"].npv) + base["funding"].requirement
        return max(ONE_TAXPAYER, size * PENNY_DRIFT)
    return max(ONE_TAXPAYER, base["funding"].requirement * MEMBERS_TAXED_APART)


def _agree(ws: Workspace, option_id: int, base, cases: dict[str, sc.Adjustments]) -> int:
    """Assert the agreement for every case; the number of cases whose exact NPV moved from the base's."""
    b = sim.basis(ws, option_id, base["capital"], base["prices"])
    figures = sim.project(b, sim.draws_of(list(cases.values())))
    tolerance = _tolerance(b, base)
    moved = 0
    for k, (name, adjustments) in enumerate(cases.items()):
        exact = run_scenario(ws, option_id, adjustments, base=base)
        npv, funding = exact["returns"].npv, exact["funding"]
        assert abs(Decimal(repr(float(figures.npv[k]))) - npv) <= tolerance, (option_id, name, "npv")
        assert abs(Decimal(repr(float(figures.requirement[k]))) - funding.requirement) <= tolerance, \
            (option_id, name, "requirement")
        vector_dscr = float(figures.min_dscr[k])
        if funding.lowest_dscr is None:
            assert vector_dscr != vector_dscr, (option_id, name, "dscr")  # NaN: no debt service
        else:
            assert abs(Decimal(repr(vector_dscr)) - funding.lowest_dscr) <= Decimal("0.01"), (option_id, name, "dscr")
        moved += npv != base["returns"].npv
    return moved


@pytest.mark.parametrize("which", [0, 1, 2])
def test_the_vector_model_agrees_with_the_exact_pipeline(demo, base_results, which):
    option = demo.options()[which]
    cases = _cases()
    moved = _agree(demo, option.id, base_results[option.id], cases)
    assert moved >= len(cases) - 3  # the drivers really move the figures (Base and interest leave the NPV)


def test_the_vector_model_agrees_on_every_option_of_the_large_workspace():
    from consortium_planner.services.generate import build_large

    large = Workspace(build_large())
    every = _cases()
    cases = {name: every[name] for name in ("Downside", "Severe", "Upside", "draw 0")}
    cases["interest +2, ends after year 2"] = sc.Adjustments(interest_rate_pp=Decimal(2), termination_after_year=2)
    structures = set()
    for option in large.options():
        base = pipeline.run(large, option.id, ("capital", "prices", "funding", "returns", "evaluation"))
        if base.refusal("capital") is not None:
            continue
        structures.add(option.structure)
        assert _agree(large, option.id, base, cases) >= len(cases) - 1
    assert len(structures) >= 5  # vehicles, an LLP, lead providers, consortia, an alliance


def test_the_analysis_runs_the_defaults_and_reproduces_by_seed(demo, base_results):
    option = demo.options()[2]
    got = pipeline.run(demo, option.id, ["risk_simulation"], results=pipeline.Results.of(
        option.id, dict(base_results[option.id])))["risk_simulation"]
    assert isinstance(got, sim.SimulationResult)
    assert got.draws == sim.DEFAULT_DRAWS >= 10_000 and got.seed == sim.DEFAULT_SEED
    assert got.ranges == sim.DEFAULT_RANGES
    assert got.base_npv == base_results[option.id]["returns"].npv
    assert run_simulation(demo, option.id) == got  # the same seed, the same figures
    other = run_simulation(demo, option.id, seed=sim.DEFAULT_SEED + 1)
    assert other.npv != got.npv


def test_cancel_stops_the_analysis(demo):
    option = demo.options()[1]
    token = CancelToken()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("Draws 2,001"):
            token.cancel()

    with pytest.raises(Cancelled):
        run_simulation(demo, option.id, progress=progress, cancelled=token)


def test_bad_draws_are_refused_with_the_reason(demo):
    with pytest.raises(ValueError, match="number of draws must be between 100"):
        run_simulation(demo, demo.options()[0].id, draws=5)


def test_findings_grade_by_probability_and_quote_the_figures(demo):
    result = run_simulation(demo, demo.options()[2].id, draws=1_000, seed=3)
    serious = dataclasses.replace(result, p_requirement_above_sources=Decimal("0.25"),
                                  p_dscr_below_covenant=Decimal("0.05"), p_npv_negative=Decimal("0.6"))
    found = {f.code: f for f in simulation_findings(serious)}
    assert found["simulation_requirement_above_sources"].severity is Severity.SERIOUS
    assert "25.0%" in found["simulation_requirement_above_sources"].message
    assert found["simulation_dscr_below_covenant"].severity is Severity.WARNING
    assert found["simulation_negative_npv"].severity is Severity.SERIOUS
    assert found["simulation_requirement_above_sources"].figure("requirement_p90") == result.requirement.p90
    calm = dataclasses.replace(result, p_requirement_above_sources=Decimal(0), p_dscr_below_covenant=Decimal(0),
                               p_npv_negative=Decimal("0.05"))
    assert simulation_findings(calm) == []
    worst_first = simulation_findings(serious)
    assert [f.severity.rank for f in worst_first] == sorted((f.severity.rank for f in worst_first), reverse=True)


def test_summary_json_keys_are_stable_and_money_is_decimal_text(demo):
    result = run_simulation(demo, demo.options()[2].id, draws=500, seed=9)
    data = to_jsonable(result)
    for key in ("draws", "seed", "ranges", "total_sources", "dscr_covenant", "p_requirement_above_sources",
                "p_dscr_below_covenant", "p_npv_negative", "npv", "requirement", "npv_histogram",
                "requirement_histogram", "base_npv", "base_requirement"):
        assert key in data, key
    assert set(data["npv"]) == {"p10", "p50", "p90"}
    assert data["seed"] == 9 and data["draws"] == 500
    assert isinstance(data["npv"]["p50"], str) and Decimal(data["npv"]["p50"]) == result.npv.p50
    assert data["ranges"][0]["driver"] == "volume_pct" and data["ranges"][0]["low"] == "-20"
    assert sum(data["npv_histogram"]["counts"]) == 500


@pytest.mark.parametrize("variant", ["flat, part grant, commitment fee", "fees on loan and overdraft",
                                     "no term", "outlives the projection"])
def test_loan_terms_agree_with_the_exact_pipeline(demo, variant):
    """Every kind of loan the projection knows (finance.loan_schedule), on the demo's SPV: cover to the hundredth."""
    from consortium_planner.domain.model import FundingKind, FundingSource, LoanRepayment

    ws = demo.copy()
    spv = next(o for o in ws.options() if o.name == "Special purpose vehicle")
    d = Decimal
    for s in ws.by(FundingSource, "option_id", spv.id):
        if s.kind is FundingKind.LOAN:
            change = {
                "flat, part grant, commitment fee": dict(repayment=LoanRepayment.FLAT, grant_pct=d(20),
                                                         commitment_fee_pct=d("0.75")),
                "fees on loan and overdraft": dict(commitment_fee_pct=d(1), grant_pct=d(10), arrangement_fee_pct=d(2)),
                "no term": dict(term_months=0, capital_holiday_months=0),
                "outlives the projection": dict(term_months=240, drawdown_month=5),
            }[variant]
            ws.put(dataclasses.replace(s, **change))
        elif s.kind is FundingKind.OVERDRAFT and variant == "fees on loan and overdraft":
            ws.put(dataclasses.replace(s, commitment_fee_pct=d("0.5")))
    base = pipeline.run(ws, spv.id, ("capital", "prices", "funding", "returns", "evaluation"))
    every = _cases()
    cases = {name: every[name] for name in ("Base", "Downside", "Severe", "interest +2", "mobilisation +3")}
    _agree(ws, spv.id, base, cases)
