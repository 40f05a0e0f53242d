"""The sensitivity **estimated** by the vector model, shown while the exact scenario runs are computed.

The ``sensitivity`` analysis is exact: every tornado end and every step of a break-even search is a scenario
run of the Decimal pipeline, 40 to 80 of them an option (a third of a second on the demo, about a second on
the generated large workspace). The vector model of the simulation (``domain.simulation.project``: the
monthly projection redone in numpy floats, one array element a draw) projects all those points at once in
a few milliseconds. ``estimate`` uses it for what it models and says so: a ``Sensitivity`` with
``estimated=True`` and ``runs=0``, which the Sensitivity tab shows, marked as an estimate, until the exact
analysis replaces it. Nothing else reads an estimate: the findings, the verdict, the investment case and the
workbook take the exact analysis only (DESIGN: vectorised what-if work in floats, clearly separated from
the ledger figures).

**What it estimates.** The outputs the vector model projects (``ESTIMATED_OUTPUTS``: the net present value,
the funding requirement and the minimum debt service cover) for the drivers it models (``simulation.SAMPLED``).
Each figure is the exact base plus the vector model's move from its own base (``exact + (vector(point) −
vector(base))``), so the rounding the vector model does not reproduce cancels at the plan. Competitors'
prices move none of these outputs (the bid keeps its prices), so their bars are the base at both ends. The
National Living Wage path is not modelled: its bars have no figures until the exact runs come. The year-one
margin and the win probability are not estimated at all.

**Break-evens.** Every search (``SEARCHES``) is scanned on a coarse grid of at most ``COARSE`` points in one
projection, then each bracket in which a target is first crossed is scanned whole, step by step, in a second:
the first crossing on the grid, as the exact search finds it where the output moves one way with the driver.
A break-even the exact runs put a step or two away is the estimate's usual error (``docs/sensitivity.md``
gives the agreement measured on the demo and the large workspace).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import numpy as np

from . import sensitivity as _s
from .money import quantize
from .scenarios import DRIVERS
from .simulation import SAMPLED, Basis, VectorFigures, project

__all__ = ["COARSE", "ESTIMATED_OUTPUTS", "NOT_MODELLED", "estimate"]

#: The outputs the vector model projects, as ``services.compare`` rows.
ESTIMATED_OUTPUTS: tuple[str, ...] = ("npv", "funding_requirement", "min_dscr")
#: Why a bar or an output has no estimate (the tab shows it until the exact figures come).
NOT_MODELLED = "not estimated: the exact figure follows"
#: The coarse grid of a break-even search: at most this many points, the base and the end included.
COARSE = 33
#: Drivers that leave every estimated output as at base (they move only the win probability).
_UNMOVING = frozenset({"competitor_price_pct"})
_CENT = Decimal("0.01")


class _Draws:
    """Driver values for a batch of points, the first being the plan."""

    def __init__(self) -> None:
        self.columns: dict[str, list[float]] = {name: [0.0] for name in SAMPLED}
        self.n = 1

    def add(self, driver: str, value: Decimal | int) -> int:
        for name, values in self.columns.items():
            values.append(float(value) if name == driver else 0.0)
        self.n += 1
        return self.n - 1

    def project(self, b: Basis) -> VectorFigures:
        return project(b, {name: np.array(values) for name, values in self.columns.items()})


class _Figures:
    """A projected batch as compare rows, anchored on the exact base."""

    def __init__(self, f: VectorFigures, base: Mapping[str, Any]) -> None:
        self.f, self.base = f, base

    def _moved(self, key: str, vector: np.ndarray, i: int, places: Decimal) -> Decimal | None:
        exact = self.base.get(key)
        if not isinstance(exact, Decimal) or np.isnan(vector[i]) or np.isnan(vector[0]):
            return None
        return (exact + Decimal(repr(float(vector[i] - vector[0])))).quantize(places)

    def at(self, i: int) -> dict[str, Any]:
        need = self._moved("funding_requirement", self.f.requirement, i, _CENT)
        sources = self.base.get("funding_sources")
        out: dict[str, Any] = {"npv": self._moved("npv", self.f.npv, i, _CENT), "funding_requirement": need,
                               "min_dscr": self._moved("min_dscr", self.f.min_dscr, i, _CENT),
                               "funding_sources": sources}
        if isinstance(need, Decimal) and isinstance(sources, Decimal):
            out["funding_shortfall"] = quantize(max(need - sources, Decimal(0)))
        return out



def _tornado(figures: _Figures, ends: Mapping[str, tuple[int, int]], base: Mapping[str, Any],
             base_notes: Mapping[str, str]) -> dict[str, _s.Tornado]:
    out: dict[str, _s.Tornado] = {}
    labels = {d.name: d.label for d in DRIVERS}
    for key in ESTIMATED_OUTPUTS:
        spec = _s.OUTPUT_BY_KEY[key]
        at_base = _s.number(base.get(key))
        bars = []
        for r in _s.TORNADO_RANGES:
            if at_base is None:  # not available for this option (no debt to cover, say): as the exact analysis
                lo = hi = None
                note = base_notes.get(key, "")
            elif r.driver in _UNMOVING:
                lo = hi = at_base
                note = ""
            elif r.driver in ends:
                i, j = ends[r.driver]
                lo, hi = _s.number(figures.at(i).get(key)), _s.number(figures.at(j).get(key))
                note = ""
            else:
                lo = hi = None
                note = NOT_MODELLED
            bars.append(_s.TornadoBar(r.driver, labels[r.driver], r.low, r.high, lo, hi,
                                      abs(hi - lo) if lo is not None and hi is not None else None, note))
        out[key] = _s.Tornado(key, spec.label, at_base, _s.sort_bars(bars))
    return out


def _break_even(search: _s.Search, target: _s.Target, covenant: Decimal, base: Mapping[str, Any],
                base_notes: Mapping[str, str], values_at: Any, first: int | None) -> _s.BreakEven:
    """One break-even from the scan (``first``: the first grid step crossed, None when the end is not)."""
    at_base = _s.crossed(target, base, covenant)
    if at_base is None:
        return _s.break_even(search, target, _s.BreakEvenStatus.NOT_APPLICABLE, covenant, base, values_at,
                             reason=_s.not_available(target, base_notes))
    if at_base:
        return _s.break_even(search, target, _s.BreakEvenStatus.BREACHED_AT_BASE, covenant, base, values_at)
    if first is None:
        return _s.break_even(search, target, _s.BreakEvenStatus.NOT_REACHED, covenant, base, values_at,
                             figure=_s.number(values_at(search.steps).get(target.output)))
    return _s.break_even(search, target, _s.BreakEvenStatus.SOLVED, covenant, base, values_at, value=first,
                         last=first - 1, figure=_s.number(values_at(first).get(target.output)))


def _coarse(steps: int) -> list[int]:
    """At most ``COARSE`` grid steps from 0 to ``steps``, both included, evenly spread."""
    return sorted({round(steps * k / (COARSE - 1)) for k in range(COARSE)})


def estimate(b: Basis, option_id: int, covenant: Decimal, base: Mapping[str, Any],
             base_notes: Mapping[str, str]) -> _s.Sensitivity:
    """The estimated tornado and break-evens (see the module's docstring).

    ``b``: the vector model's basis of the option as stored; ``base`` / ``base_notes``: its exact figures as
    ``services.compare.option_figures`` gives them (the estimate is anchored on them)."""
    first = _Draws()
    ends: dict[str, tuple[int, int]] = {}
    for r in _s.TORNADO_RANGES:
        if r.driver in SAMPLED and r.driver not in _UNMOVING:
            ends[r.driver] = (first.add(r.driver, r.low), first.add(r.driver, r.high))
    grid: dict[tuple[str, int], int] = {}
    for s in _s.SEARCHES:
        for k in _coarse(s.steps):
            grid[(s.driver, k)] = 0 if k == 0 else first.add(s.driver, s.driver_value(k))
    figures = _Figures(first.project(b), base)
    where: dict[tuple[str, int], tuple[_Figures, int]] = {key: (figures, i) for key, i in grid.items()}
    memo: dict[tuple[str, int], dict[str, Any]] = {}

    def values(driver: str, k: int) -> dict[str, Any]:
        """The compare rows at step ``k`` of ``driver``'s search, made from the projection when first asked for."""
        out = memo.get((driver, k))
        if out is None:
            batch, index = where[(driver, k)]
            out = memo[(driver, k)] = dict(base) if k == 0 else batch.at(index)
        return out

    def is_crossed(t: _s.Target, driver: str, k: int) -> bool:
        return _s.crossed(t, values(driver, k), covenant) is True

    # the brackets: for each search and target, the coarse steps either side of the first crossing
    brackets: dict[tuple[str, str], tuple[int, int] | None] = {}
    for s in _s.SEARCHES:
        ks = _coarse(s.steps)
        for t in _s.TARGETS:
            if _s.crossed(t, base, covenant) is not False or not is_crossed(t, s.driver, s.steps):
                brackets[(s.driver, t.key)] = None  # as at base, or not reached within the range (as exactly)
                continue
            hit = next(j for j, k in enumerate(ks) if is_crossed(t, s.driver, k))
            brackets[(s.driver, t.key)] = (ks[hit - 1], ks[hit])
    second = _Draws()
    fine: dict[tuple[str, int], int] = {}
    for s in _s.SEARCHES:
        for t in _s.TARGETS:
            bracket = brackets[(s.driver, t.key)]
            if bracket is None:
                continue
            for k in range(bracket[0] + 1, bracket[1]):
                if (s.driver, k) not in where and (s.driver, k) not in fine:
                    fine[(s.driver, k)] = second.add(s.driver, s.driver_value(k))
    if fine:
        batch = _Figures(second.project(b), base)
        where.update({key: (batch, i) for key, i in fine.items()})
    break_evens = []
    for s in _s.SEARCHES:
        for t in _s.TARGETS:
            bracket = brackets[(s.driver, t.key)]
            found = None
            if bracket is not None:
                found = next(k for k in range(bracket[0] + 1, bracket[1] + 1) if is_crossed(t, s.driver, k))
            break_evens.append(_break_even(s, t, covenant, base, base_notes,
                                           lambda k, d=s.driver: values(d, k), found))
    return _s.Sensitivity(option_id, covenant, MappingProxyType(_tornado(figures, ends, base, base_notes)), tuple(break_evens),
                          _s.TORNADO_RANGES, 0, estimated=True)
