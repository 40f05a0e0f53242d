"""The simulation's results: probabilities, percentiles and histograms of the draws' figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..money import ZERO, quantize
from .basis import Basis
from .ranges import (
    CHUNK,
    DEFAULT_DRAWS,
    DEFAULT_RANGES,
    DEFAULT_SEED,
    HISTOGRAM_BINS,
    MAX_DRAWS,
    MIN_DRAWS,
    DriverRange,
    sample,
)
from .vector import project


@dataclass(frozen=True, slots=True)
class Percentiles:
    p10: Decimal
    p50: Decimal
    p90: Decimal


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts of draws between consecutive edges (``len(edges) == len(counts) + 1``), money to the penny."""

    edges: tuple[Decimal, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    option_id: int
    draws: int
    seed: int
    ranges: tuple[DriverRange, ...]
    total_sources: Decimal
    dscr_covenant: Decimal
    has_debt_service: bool
    p_requirement_above_sources: Decimal  # fractions in [0, 1], four places
    p_dscr_below_covenant: Decimal | None  # None: no debt service in any draw
    p_npv_negative: Decimal
    npv: Percentiles
    requirement: Percentiles
    npv_mean: Decimal
    requirement_mean: Decimal
    npv_histogram: Histogram
    requirement_histogram: Histogram
    base_npv: Decimal  # the exact pipeline's figures for the option as stored
    base_requirement: Decimal
    method: str


def _money(x: float) -> Decimal:
    return quantize(Decimal(repr(float(x))))


def _prob(hits: int, n: int) -> Decimal:
    return (Decimal(hits) / Decimal(n)).quantize(Decimal("0.0001"))


def _histogram(x: np.ndarray, bins: int = HISTOGRAM_BINS) -> Histogram:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 0.01:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return Histogram(tuple(_money(e) for e in edges), tuple(int(c) for c in counts))


def _percentiles(x: np.ndarray) -> Percentiles:
    p10, p50, p90 = np.percentile(x, [10, 50, 90])
    return Percentiles(_money(p10), _money(p50), _money(p90))


def simulate(b: Basis, ranges: Sequence[DriverRange] = DEFAULT_RANGES, *, draws: int = DEFAULT_DRAWS,
             seed: int = DEFAULT_SEED, base_npv: Decimal = ZERO, base_requirement: Decimal = ZERO,
             chunk: int = CHUNK, progress: Callable[[float, str], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> SimulationResult:
    """``draws`` draws of the drivers from ``seed``, each projected by the vector model, summarised.

    ``progress(fraction, message)`` is called between chunks; when ``cancelled()`` turns true the
    simulation stops there and raises ``tasks.Cancelled``.
    """
    from ..tasks import Cancelled

    if not MIN_DRAWS <= draws <= MAX_DRAWS:
        raise ValueError(f"the number of draws must be between {MIN_DRAWS:,} and {MAX_DRAWS:,} (got {draws:,})")
    values = sample(ranges, draws, seed)
    npv, req, dscr = np.empty(draws), np.empty(draws), np.empty(draws)
    for start in range(0, draws, max(1, chunk)):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(start / draws, f"Draws {start + 1:,}–{min(draws, start + chunk):,} of {draws:,}")
        stop = min(draws, start + chunk)
        figs = project(b, {k: v[start:stop] for k, v in values.items()})
        npv[start:stop], req[start:stop], dscr[start:stop] = figs.npv, figs.requirement, figs.min_dscr
    if progress is not None:
        progress(1.0, "")
    covenant = float(b.min_dscr)
    sources = float(b.total_sources)
    tested = ~np.isnan(dscr)
    return SimulationResult(
        option_id=b.option_id, draws=draws, seed=seed, ranges=tuple(ranges), total_sources=b.total_sources,
        dscr_covenant=b.min_dscr, has_debt_service=bool(tested.any()),
        p_requirement_above_sources=_prob(int((req > sources + 0.005).sum()), draws),
        p_dscr_below_covenant=_prob(int((dscr[tested] < covenant - 1e-9).sum()), draws) if tested.any() else None,
        p_npv_negative=_prob(int((npv < 0).sum()), draws),
        npv=_percentiles(npv), requirement=_percentiles(req),
        npv_mean=_money(float(npv.mean())), requirement_mean=_money(float(req.mean())),
        npv_histogram=_histogram(npv), requirement_histogram=_histogram(req),
        base_npv=base_npv, base_requirement=base_requirement,
        method=(f"{draws:,} draws (seed {seed}) from triangular ranges of the drivers, each projected month by "
                "month by the vector model of the option's projection (domain/simulation.py)."),
    )
