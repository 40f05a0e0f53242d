"""The simulation's drivers: which it samples, their triangular ranges, the draws, and the ranges in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..scenarios import DRIVERS, Adjustments

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20_260_401
#: draws projected at a time: progress is reported and a cancel is seen between chunks (and at the vector model's
#: checkpoints). 1,000 rather than 2,000: a chunk's arrays stay in the processor's cache, and the simulation is
#: faster (demo 266-272 -> 236-248 ms, large 321 -> 291 ms; 500 is slower again), with half the time between checks
CHUNK = 1_000
HISTOGRAM_BINS = 30
MIN_DRAWS = 100
MAX_DRAWS = 1_000_000

#: The drivers the simulation samples (the others change none of the figures it reports).
SAMPLED: tuple[str, ...] = ("volume_pct", "ramp_up_months", "pay_uplift_pp", "cpi_pp", "payment_delay_days",
                            "mobilisation_overrun_months", "termination_after_year", "interest_rate_pp",
                            "cost_overrun_pct")
_INTEGER = frozenset({"ramp_up_months", "payment_delay_days", "mobilisation_overrun_months",
                      "termination_after_year"})
_LABELS = {d.name: (d.label, d.unit) for d in DRIVERS}


@dataclass(frozen=True, slots=True)
class DriverRange:
    """A driver's triangular range: low ≤ mode ≤ high, in the driver's unit (``scenarios.DRIVERS``)."""

    driver: str
    low: Decimal
    mode: Decimal
    high: Decimal
    label: str = ""
    unit: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.driver not in SAMPLED:
            raise ValueError(f"{self.driver!r} is not a driver the simulation samples ({', '.join(SAMPLED)})")
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"{self.label or self.driver}: the range must run low ≤ most likely ≤ high "
                             f"(got {self.low}, {self.mode}, {self.high})")
        if self.driver in ("volume_pct", "cost_overrun_pct") and self.low <= -100:
            raise ValueError(f"{self.label or self.driver}: the low end must be above −100% (got {self.low})")
        if self.driver in ("mobilisation_overrun_months", "termination_after_year") and self.low < 0:
            raise ValueError(f"{self.label or self.driver}: the range cannot go below 0 (got {self.low})")


def _range(driver: str, low: str, mode: str, high: str, note: str) -> DriverRange:
    label, unit = _LABELS[driver]
    return DriverRange(driver, Decimal(low), Decimal(mode), Decimal(high), label, unit, note)


#: The default ranges [U] (DOMAIN §9's shipped scenarios give the downside ends: Severe's volume −20%,
#: pay +3 points, payment +60 days; Downside's mobilisation +2 months). Early termination is an event,
#: not a range: it is not sampled by default (0: the contract runs its term).
DEFAULT_RANGES: tuple[DriverRange, ...] = (
    _range("volume_pct", "-20", "0", "5", "Severe's fall of 20% to a little more than planned"),
    _range("ramp_up_months", "0", "0", "3", "up to three months slower to reach full volume"),
    _range("pay_uplift_pp", "0", "0", "3", "pay rising up to Severe's 3 points a year faster"),
    _range("cpi_pp", "-0.5", "0", "2", "inflation of non-pay a little below to 2 points above plan"),
    _range("payment_delay_days", "0", "0", "60", "the buyer paying up to Severe's 60 days late"),
    _range("mobilisation_overrun_months", "0", "0", "3", "mobilisation up to three months late"),
    _range("termination_after_year", "0", "0", "0", "not sampled: an event, not a range"),
    _range("interest_rate_pp", "0", "0", "2", "interest up to 2 points higher"),
    _range("cost_overrun_pct", "-2", "0", "10", "costs 2% below to 10% above the plan"),
)


# --------------------------------------------------------------------------- sampling


def sample(ranges: Sequence[DriverRange], draws: int, seed: int) -> dict[str, np.ndarray]:
    """``draws`` values of every driver (float arrays; integer drivers rounded), from ``seed``.

    Drivers are drawn in ``SAMPLED`` order whatever the order of ``ranges``; a driver without a range,
    or with low = high, takes that value in every draw (0 without a range).
    """
    rng = np.random.default_rng(seed)
    by = {r.driver: r for r in ranges}
    out: dict[str, np.ndarray] = {}
    for name in SAMPLED:
        r = by.get(name)
        if r is None or r.low == r.high:
            value = float(r.low) if r is not None else 0.0
            out[name] = np.full(draws, value)
            continue
        lo, mo, hi = float(r.low), float(r.mode), float(r.high)
        x = rng.triangular(lo, mo, hi, draws)
        out[name] = np.rint(x) if name in _INTEGER else x
    return out


def draws_of(adjustments: Sequence[Adjustments]) -> dict[str, np.ndarray]:
    """Fixed driver vectors (one draw per ``Adjustments``), for checking the vector model against the
    exact pipeline."""
    return {name: np.array([float(getattr(a, name)) for a in adjustments]) for name in SAMPLED}


# --------------------------------------------------------------------------- the base, as numbers


def ranges_text(ranges: Sequence[DriverRange]) -> str:
    """``"Volume −20% / 0% / +5%; …"`` for the ranges that move (low / most likely / high)."""
    parts = []
    for r in ranges:
        if r.low == r.high:
            continue
        unit = "%" if r.unit == "%" else f" {r.unit}"
        parts.append(f"{r.label or r.driver} {_fmt(r.low)}{unit} / {_fmt(r.mode)}{unit} / {_fmt(r.high)}{unit}")
    return "; ".join(parts) if parts else "no driver moves"


def _fmt(x: Decimal) -> str:
    text = format(x.normalize(), "f")
    return ("+" + text) if x > 0 else text.replace("-", "\u2212")
