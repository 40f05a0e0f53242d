"""The ``sensitivity`` analysis: a tornado per output and break-evens solved by bisection, for one option.

Every point is a scenario run — ``services.scenarios.run_scenario(ws, option_id, Adjustments(one
driver), base=base, names=…)`` — read through ``services.compare.option_figures``, the same function
the Scenarios table and the Compare page read, so a tornado end or a break-even equals the scenario
with that one driver to the penny. Only the analyses the outputs come from are run (``POINT_NEEDS``:
prices, funding, returns); the evaluation (win probability) is run only for the drivers that can move
it (``MOVES_EVALUATION``: the bid keeps its base prices under a scenario, so only competitors' prices
change how the buyer scores it; ``tests/services/test_sensitivity.py`` checks every other driver leaves
it as at base). The drivers that move neither the bid's prices nor its costs (``KEEPS_PRICES``: when the
buyer pays, the interest rate, competitors' prices) reuse the base's prices instead of building the cost
up again, the slowest part of a point (the same test module checks the figures are the same). The drivers
that move nothing the cost build-up reads (``domain.scenarios.KEEPS_BUILDUP``: pay uplift, CPI, ramp-up) share
one build-up: the first such point's is carried into the others (the same module checks the figures). Points are
cached by their adjustments, so a tornado end inside a break-even's search narrows its first bracket and
the three targets of one search share the points they have in common. Points run in
``analyses.figures_registry()``: the same analyses, but no cure is written into a point's funding findings
(nothing reads them there). A search guesses each next point
from the output's values at the bracket's ends (``domain.sensitivity.search_first``).

``domain/sensitivity.py`` has the ranges, the searches, the result types and the wording.

``estimate_sensitivity`` is the vector model's estimate of the same (``domain.sensitivity_estimate``), which the
Sensitivity tab shows, marked as such, while the exact points are computed; it is not an analysis of the
registry, so no finding, verdict or report reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..domain import sensitivity as _s
from ..domain import simulation as _sim
from ..domain.costing import CostBuildup
from ..domain.model import ConsortiumOption
from ..domain.scenarios import DRIVERS, KEEPS_BUILDUP, Adjustments
from ..domain.sensitivity_estimate import estimate
from ..domain.tasks import NEVER, CancelToken, Progress, no_progress
from ..domain.workspace import Workspace
from .compare import option_figures
from .pipeline import Inputs, NotApplicable, Results
from .scenarios import run_scenario

__all__ = ["KEEPS_PRICES", "MOVES_EVALUATION", "NEEDS", "POINT_NEEDS", "estimate_sensitivity", "sensitivity",
           "sensitivity_analysis"]

#: What one point runs (and what they need): the outputs' analyses.
POINT_NEEDS: tuple[str, ...] = ("prices", "funding", "returns")
#: The drivers that can move the evaluation of the bid as priced (see the module's docstring).
MOVES_EVALUATION = frozenset({"competitor_price_pct"})
#: The drivers that leave the bid's prices and costs as at base (see the module's docstring).
KEEPS_PRICES = frozenset({"payment_delay_days", "interest_rate_pp", "competitor_price_pct"})
#: The base results the analysis starts from (declared as its needs).
NEEDS: tuple[str, ...] = ("prices", "evaluation", "capital", "funding", "returns")
#: What ``estimate_sensitivity`` reads: the estimate is anchored on the exact net present value, funding
#: requirement, sources and debt service cover, none of which is the evaluation's (on the demo the evaluation's
#: pricing advice is 3 ms of the Sensitivity tab's first figures).
ESTIMATE_NEEDS: tuple[str, ...] = ("prices", "capital", "funding", "returns")
_DRIVER = {d.name: d for d in DRIVERS}


class _Points:
    """The outputs at each set of adjustments, computed once each through the scenario pipeline."""

    def __init__(self, ws: Workspace, option_id: int, base: Results, cancelled: CancelToken) -> None:
        self.ws, self.option_id, self.base, self.cancelled = ws, option_id, base, cancelled
        figures = option_figures(ws, option_id, base)
        self.base_values: Mapping[str, Any] = figures.values
        self.base_notes: Mapping[str, str] = figures.notes
        self.cache: dict[Adjustments, tuple[Mapping[str, Any], Mapping[str, str]]] = {
            Adjustments(): (self.base_values, self.base_notes)}
        self.runs = 0
        #: the cost build-up of the first point moved only by ``KEEPS_BUILDUP`` drivers, for the others
        self.shared_buildup: CostBuildup | None = None
        from .analyses import figures_registry  # here: analyses imports this module

        self.registry = figures_registry()

    def __call__(self, adjustments: Adjustments) -> tuple[Mapping[str, Any], Mapping[str, str]]:
        hit = self.cache.get(adjustments)
        if hit is not None:
            return hit
        self.cancelled.check()
        moved = {d.name for d, _v in adjustments.changes()}
        names = POINT_NEEDS + (("evaluation",) if moved & MOVES_EVALUATION else ())
        keep = ("prices",) if moved <= KEEPS_PRICES else ()
        shares = moved <= KEEPS_BUILDUP
        results = run_scenario(self.ws, self.option_id, adjustments, base=self.base, names=names, keep=keep,
                               cancelled=self.cancelled, registry=self.registry,
                               buildup=self.shared_buildup if shares else None)
        self.runs += 1
        if shares and self.shared_buildup is None and (prices := results.ok("prices")) is not None:
            self.shared_buildup = prices.buildup
        figures = option_figures(self.ws, self.option_id, results)
        values, notes = dict(figures.values), dict(figures.notes)
        if "evaluation" not in names:  # the bid as priced, against the same competitors: as at base
            values["win_probability"] = self.base_values.get("win_probability")
            if "win_probability" in self.base_notes:
                notes["win_probability"] = self.base_notes["win_probability"]
            else:
                notes.pop("win_probability", None)
        self.cache[adjustments] = (values, notes)
        return values, notes



def _tornado(points: _Points, progress: Progress, share: float) -> dict[str, _s.Tornado]:
    ends: list[tuple[_s.DriverRange, tuple[Mapping[str, Any], Mapping[str, str]],
                     tuple[Mapping[str, Any], Mapping[str, str]]]] = []
    for k, r in enumerate(_s.TORNADO_RANGES):
        progress(share * k / len(_s.TORNADO_RANGES), f"Tornado: {_DRIVER[r.driver].label}")
        ends.append((r, points(r.adjustments(r.low)), points(r.adjustments(r.high))))
    out: dict[str, _s.Tornado] = {}
    for o in _s.OUTPUTS:
        bars = []
        for r, (low, low_notes), (high, high_notes) in ends:
            lo, hi = _s.number(low.get(o.key)), _s.number(high.get(o.key))
            note = "; ".join(dict.fromkeys(n for n in (low_notes.get(o.key), high_notes.get(o.key)) if n))
            bars.append(_s.TornadoBar(r.driver, _DRIVER[r.driver].label, r.low, r.high, lo, hi,
                                      abs(hi - lo) if lo is not None and hi is not None else None, note))
        out[o.key] = _s.Tornado(o.key, o.label, _s.number(points.base_values.get(o.key)), _s.sort_bars(bars))
    return out


def _bracket(points: _Points, search: _s.Search, is_crossed: Any) -> tuple[int, int]:
    """The first bracket: 0 and the end of the range, narrowed by grid points already computed."""
    known: list[int] = []
    for adj in points.cache:
        moved = adj.changes()
        if len(moved) != 1 or moved[0][0].name != search.driver:
            continue
        size = abs(Decimal(moved[0][1])) / search.step
        if (search.sign < 0) == (moved[0][1] < 0) and size == size.to_integral_value() and 0 < size < search.steps:
            known.append(int(size))
    lo, hi = 0, search.steps
    for k in sorted(known):
        if is_crossed(k):
            return lo, k
        lo = k
    return lo, hi


def _break_even(points: _Points, search: _s.Search, target: _s.Target, covenant: Decimal) -> _s.BreakEven:
    def values_at(k: int) -> Mapping[str, Any]:
        return points(search.adjustments(k))[0]

    def is_crossed(k: int) -> bool:
        return _s.crossed(target, values_at(k), covenant) is True

    def result(status: _s.BreakEvenStatus, *, value: int | None = None, last: int | None = None,
               figure: Decimal | None = None, reason: str = "") -> _s.BreakEven:
        return _s.break_even(search, target, status, covenant, base, values_at, value=value, last=last,
                             figure=figure, reason=reason)

    base = points.base_values
    at_base = _s.crossed(target, base, covenant)
    if at_base is None:
        return result(_s.BreakEvenStatus.NOT_APPLICABLE, reason=_s.not_available(target, points.base_notes))
    if at_base:
        return result(_s.BreakEvenStatus.BREACHED_AT_BASE)
    end = values_at(search.steps)
    if _s.crossed(target, end, covenant) is not True:
        return result(_s.BreakEvenStatus.NOT_REACHED, figure=_s.number(end.get(target.output)))
    lo, hi = _bracket(points, search, is_crossed)
    last, first = _s.search_first(lambda k: _s.gap(target, values_at(k), covenant), lo, hi)
    return result(_s.BreakEvenStatus.SOLVED, value=first, last=last,
                  figure=_s.number(values_at(first).get(target.output)))


def sensitivity(ws: Workspace, option_id: int, base: Results, *, cancelled: CancelToken = NEVER,
                progress: Progress = no_progress) -> _s.Sensitivity:
    """The option's tornado and break-evens (see the module's docstring); ``base``: its results as stored
    (at least ``NEEDS``)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    points = _Points(ws, option_id, base, cancelled)
    tornado = _tornado(points, progress, 0.3)
    pairs = [(s, t) for s in _s.SEARCHES for t in _s.TARGETS]
    break_evens = []
    for k, (s, t) in enumerate(pairs):
        progress(0.3 + 0.7 * k / len(pairs), f"Break-even: {s.label.lower()}, {t.label}")
        break_evens.append(_break_even(points, s, t, option.min_dscr))
    progress(1.0, "")
    return _s.Sensitivity(option_id, option.min_dscr, MappingProxyType(tornado), tuple(break_evens),
                          _s.TORNADO_RANGES, points.runs)


def estimate_sensitivity(ws: Workspace, option_id: int, base: Results) -> _s.Sensitivity | None:
    """The vector model's estimate of the option's tornado and break-evens (``estimated=True``), from ``base``:
    its results as stored (at least ``ESTIMATE_NEEDS``). None when the option cannot be projected (the exact analysis
    says why) or on a scenario's copy (the analysis applies to the option as stored)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None or ws.scenario is not None:
        return None
    capital, prices = base.ok("capital"), base.ok("prices")
    if capital is None or prices is None:
        return None
    try:
        b = _sim.basis(ws, option_id, capital, prices)
    except ValueError:
        return None
    figures = option_figures(ws, option_id, base)
    return estimate(b, option_id, option.min_dscr, figures.values, figures.notes)


def sensitivity_analysis(i: Inputs) -> _s.Sensitivity | NotApplicable:
    """The ``sensitivity`` analysis (declared in ``services/analyses.py``)."""
    if i.ws.scenario is not None:
        return NotApplicable("sensitivity", "this is a scenario's copy of the option: sensitivity applies to the "
                                            "option as stored")
    base = Results.of(i.option_id, {n: i.need(n) for n in NEEDS})
    return sensitivity(i.ws, i.option_id, base, cancelled=i.cancelled, progress=i.progress)
