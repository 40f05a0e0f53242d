"""The ``risk_simulation`` analysis: Monte Carlo over the drivers' ranges for one option (DOMAIN §9).

``risk_simulation(i)`` (declared in ``services/analyses.py``) builds the vector model's basis from the
option's exact results (its price schedule and its projection, funding and returns) and runs
``domain.simulation.simulate`` with the default ranges, draws and seed, checking ``i.cancelled`` and
reporting ``i.progress`` between chunks. ``run_simulation`` is the same with a chosen number of
draws and seed (the GUI's Run button).

**Findings** (each quotes the figures):

* the funding requirement above the sources arranged: serious when more likely than 10% of draws
  (``SERIOUS_PCT``), a warning when any draw does;
* the minimum debt service cover below the covenant: the same thresholds;
* a negative NPV: serious when 50% or more of draws (a loss is then at least as likely as not),
  a warning above 10%.

The thresholds are this program's assumptions [U]. The simulation shows how likely each outcome is
under the ranges; the scenarios analysis shows the named what-ifs themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..domain import simulation as _sim
from ..domain.findings import Finding, Severity
from ..domain.money import format_decimal, format_gbp_short
from ..domain.tasks import NEVER, CancelToken, Progress, no_progress
from ..domain.workspace import Workspace
from .pipeline import Inputs, run

__all__ = ["NPV_SERIOUS_PCT", "NPV_WARNING_PCT", "SERIOUS_PCT", "risk_simulation", "run_simulation",
           "simulation_findings"]

SERIOUS_PCT = Decimal("10")  # [U] more likely than this: serious
NPV_SERIOUS_PCT = Decimal("50")  # [U] a loss at least as likely as not
NPV_WARNING_PCT = Decimal("10")  # [U]
HUNDRED = Decimal(100)


def _simulate(ws: Workspace, option_id: int, capital, prices, ranges: Sequence[_sim.DriverRange], draws: int,
              seed: int, progress: Progress, cancelled: CancelToken) -> _sim.SimulationResult:
    basis = _sim.basis(ws, option_id, capital, prices)
    return _sim.simulate(basis, ranges, draws=draws, seed=seed, base_npv=capital.returns.npv,
                         base_requirement=capital.funding.requirement, progress=progress, cancelled=cancelled)


def risk_simulation(i: Inputs) -> _sim.SimulationResult:
    """The analysis: ``DEFAULT_DRAWS`` draws from ``DEFAULT_SEED`` over ``DEFAULT_RANGES`` (on a scenario's copy:
    around that scenario)."""
    return _simulate(i.ws, i.option_id, i.need("capital"), i.need("prices"), _sim.DEFAULT_RANGES,
                     _sim.DEFAULT_DRAWS, _sim.DEFAULT_SEED, i.progress, i.cancelled)


def run_simulation(ws: Workspace, option_id: int, *, draws: int = _sim.DEFAULT_DRAWS, seed: int = _sim.DEFAULT_SEED,
                   ranges: Sequence[_sim.DriverRange] = _sim.DEFAULT_RANGES, progress: Progress = no_progress,
                   cancelled: CancelToken = NEVER) -> _sim.SimulationResult:
    """The simulation of one option with the draws and seed given (raises ``ValueError`` with the reason when
    the option cannot be projected or the draws are out of bounds; ``Cancelled`` when cancelled)."""
    results = run(ws, option_id, ("capital", "prices"), cancelled=cancelled)
    for name in ("prices", "capital"):
        why = results.refusal(name)
        if why is not None:
            raise ValueError(f"the option cannot be simulated: {why.reason}")
    return _simulate(ws, option_id, results["capital"], results["prices"], ranges, draws, seed, progress, cancelled)


def _pct(p: Decimal) -> str:
    return f"{format_decimal(p * HUNDRED, 1)}%"


def simulation_findings(r: _sim.SimulationResult) -> list[Finding]:
    """The findings of a simulation (see the module's docstring), worst first."""
    out: list[Finding] = []
    runs = f"{r.draws:,} simulated futures"
    p = r.p_requirement_above_sources
    if p > 0:
        out.append(Finding(
            "simulation_requirement_above_sources",
            f"In {_pct(p)} of {runs} the funding requirement exceeds the {format_gbp_short(r.total_sources)} "
            f"arranged (P50 requirement {format_gbp_short(r.requirement.p50)}, P90 "
            f"{format_gbp_short(r.requirement.p90)}).",
            Severity.SERIOUS if p * HUNDRED > SERIOUS_PCT else Severity.WARNING,
            figures=(("probability", p), ("requirement_p90", r.requirement.p90), ("sources", r.total_sources)),
            cure=f"Arrange funding of at least the P90 requirement ({format_gbp_short(r.requirement.p90)}).",
            cure_figures=(("requirement_p90", r.requirement.p90),)))
    q = r.p_dscr_below_covenant
    if q is not None and q > 0:
        out.append(Finding(
            "simulation_dscr_below_covenant",
            f"In {_pct(q)} of {runs} the minimum debt service cover falls below the "
            f"{format_decimal(r.dscr_covenant, 2)}× covenant.",
            Severity.SERIOUS if q * HUNDRED > SERIOUS_PCT else Severity.WARNING,
            figures=(("probability", q), ("covenant", r.dscr_covenant))))
    n = r.p_npv_negative
    if n * HUNDRED > NPV_WARNING_PCT:
        out.append(Finding(
            "simulation_negative_npv",
            f"In {_pct(n)} of {runs} the net present value is negative (P10 {format_gbp_short(r.npv.p10)}, "
            f"P50 {format_gbp_short(r.npv.p50)}, P90 {format_gbp_short(r.npv.p90)}).",
            Severity.SERIOUS if n * HUNDRED >= NPV_SERIOUS_PCT else Severity.WARNING,
            figures=(("probability", n), ("npv_p10", r.npv.p10), ("npv_p50", r.npv.p50))))
    return sorted(out, key=lambda f: -f.severity.rank)
