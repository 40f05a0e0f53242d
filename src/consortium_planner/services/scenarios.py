"""Scenarios run: the pipeline on an option's adjusted copy, and every stored scenario for an option.

``run_scenario(ws, option_id, adjustments)`` is "the same analyses on an adjusted snapshot":
``domain.scenarios.apply`` makes the copy (the bid's prices fixed at the base's) and
``pipeline.run`` computes ``compare.KEY_ANALYSES`` on it. No adjustment at all runs them on the
workspace itself (the property tests show the two agree to the penny).

The ``scenarios`` analysis (declared in ``services/analyses.py``) is every stored scenario for one
option: by scenario name, the adjustments in words and the figures of ``compare.ROWS`` (the same
function, on the same kind of results, as the Compare page), so ``summary --json``, the Compare
page under a scenario and the workbook's Scenarios sheet show the same numbers. Its findings say
where a scenario breaks what the option needs: funding short, a negative NPV, debt service cover
below the covenant, cash below zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..domain import scenarios as _scenarios
from ..domain.costing import CostBuildup
from ..domain.findings import Finding, Severity
from ..domain.model import ConsortiumOption, Scenario, Tender
from ..domain.money import format_decimal, format_gbp
from ..domain.tasks import NEVER, CancelToken
from ..domain.workspace import Workspace
from .compare import KEY_ANALYSES, option_figures
from .pipeline import REGISTRY, Inputs, NotApplicable, Registry, Results, run

__all__ = ["ScenarioOutcome", "run_scenario", "scenario_findings", "scenario_outcome", "scenario_outcomes"]


def run_scenario(ws: Workspace, option_id: int, adjustments: _scenarios.Adjustments, *, name: str = "",
                 names: Iterable[str] = KEY_ANALYSES, base: Results | None = None,
                 keep: Iterable[str] = (), cancelled: CancelToken = NEVER, registry: Registry = REGISTRY,
                 buildup: CostBuildup | None = None) -> Results:
    """``names`` (and what they need) on ``option_id`` adjusted by ``adjustments``; ``ws`` is not changed.

    ``base``: results of the option as stored, when the caller has them (reused for an empty scenario;
    their prices fix the scenario's without pricing the base again). ``keep``: names of ``base``'s results
    that the caller knows these adjustments leave as they are (``sensitivity.KEEPS_PRICES``): carried into
    the scenario's results instead of computed again. ``registry``: the analyses to run them from
    (``analyses.figures_registry()`` for a sensitivity point). ``buildup``: the option's cost build-up at
    the base prices on a snapshot moved only by drivers that leave it as it is (``domain.scenarios.KEEPS_BUILDUP``),
    when the caller has one from another such scenario.
    """
    if adjustments.is_empty():
        seed = Results.of(option_id, dict(base), registry) if base is not None else None
        return run(ws, option_id, names, cancelled=cancelled, results=seed, registry=registry)
    basis = None
    if base is not None and (prices := base.ok("prices")) is not None:
        option = ws.get(ConsortiumOption, option_id)
        basis = _scenarios.pricing_basis(prices, ws.get(Tender, option.tender_id) if option else None)
    snapshot = _scenarios.apply(ws, option_id, adjustments, name=name, basis=basis,
                                buildup=buildup if basis is not None else None)
    kept = None
    if base is not None and keep:
        kept = Results.of(option_id, {k: base[k] for k in keep if k in base}, registry)
    return run(snapshot, option_id, names, cancelled=cancelled, results=kept, registry=registry)


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """One scenario's result for one option: the adjustments in words, each row's value (``compare.ROWS``)
    and why a value is missing."""

    adjustments: str
    rows: Mapping[str, Any]
    notes: Mapping[str, str]
    dscr_covenant: Decimal  # the option's minimum debt service cover, for the findings


def scenario_outcome(ws: Workspace, option_id: int, scenario: Scenario, base: Results | None = None, *,
                     cancelled: CancelToken = NEVER) -> ScenarioOutcome:
    """One stored scenario's outcome for one option (what the ``scenarios`` analysis gives for it), run from
    ``analyses.figures_registry()``: it is read only through ``compare.option_figures``."""
    from .analyses import figures_registry  # here: analyses imports this module

    adjustments = _scenarios.Adjustments.of(scenario)
    results = run_scenario(ws, option_id, adjustments, name=scenario.name, base=base, cancelled=cancelled,
                           registry=figures_registry())
    figures = option_figures(ws, option_id, results)
    option = ws.get(ConsortiumOption, option_id)
    covenant = option.min_dscr if option is not None else Decimal("1.25")
    return ScenarioOutcome(adjustments.describe(), figures.values, figures.notes, covenant)


def scenario_outcomes(i: Inputs) -> Mapping[str, ScenarioOutcome] | NotApplicable:
    """The ``scenarios`` analysis: every stored scenario for the option, by name, in the order made."""
    if i.ws.scenario is not None:
        return NotApplicable("scenarios", "this is a scenario's copy of the option: scenarios apply to the option "
                                          "as stored")
    base = Results.of(i.option_id, {n: i.need(n) for n in KEY_ANALYSES})
    out: dict[str, ScenarioOutcome] = {}
    rows = _scenarios.scenario_rows(i.ws)
    for k, s in enumerate(rows):
        i.cancelled.check()
        i.progress(k / max(1, len(rows)), f"Scenario {s.name}")
        out[s.name] = scenario_outcome(i.ws, i.option_id, s, base, cancelled=i.cancelled)
    return MappingProxyType(out)


def scenario_findings(outcomes: Mapping[str, ScenarioOutcome]) -> list[Finding]:
    """Where a scenario that moves something breaks what the option needs (warnings: the plan itself
    stands; the base's own findings come from the analyses themselves)."""
    out: list[Finding] = []
    for name, o in outcomes.items():
        if o.adjustments == _scenarios.Adjustments().describe():
            continue
        r = o.rows
        under = f"Under the {name} scenario ({o.adjustments})"
        short = r.get("funding_shortfall")
        if isinstance(short, Decimal) and short > 0:
            out.append(Finding("scenario_shortfall", f"{under} the funding falls short by {format_gbp(short)}.",
                               Severity.WARNING, figures=(("shortfall", short),)))
        npv = r.get("npv")
        if isinstance(npv, Decimal) and npv < 0:
            out.append(Finding("scenario_negative_npv", f"{under} the net present value is {format_gbp(npv)}.",
                               Severity.WARNING, figures=(("npv", npv),)))
        cover = r.get("min_dscr")
        if isinstance(cover, Decimal) and cover < o.dscr_covenant:
            out.append(Finding("scenario_dscr_below_covenant",
                               f"{under} debt service cover falls to {format_decimal(cover, 2)}×, below the "
                               f"{format_decimal(o.dscr_covenant, 2)}× "
                               "the lenders look for.", Severity.WARNING, figures=(("min_dscr", cover),)))
        cash = r.get("lowest_cash")
        if isinstance(cash, Decimal) and cash < 0:
            out.append(Finding("scenario_cash_below_zero", f"{under} cash falls to {format_gbp(cash)} even with "
                               "the funding drawn.", Severity.WARNING, figures=(("lowest_cash", cash),)))
    return out
