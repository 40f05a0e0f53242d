"""Risk by simulation (DOMAIN §9): Monte Carlo over the scenario drivers' ranges.

Each draw is a set of driver values (``domain.scenarios`` drivers), sampled from a triangular
distribution (low, mode, high) per driver with a seeded ``numpy.random.Generator``; every draw is
projected by a **vector model** of the option (numpy float64, one array element per draw) and the
results are reported as ``Decimal``: the probabilities that the funding requirement exceeds the
sources, that the minimum debt service cover falls below the covenant and that the NPV is
negative; P10/P50/P90 of the NPV and of the funding requirement (peak funding need + buffer +
contingency, as ``FundingResult.requirement``); and a histogram of each.

**The vector model** is the monthly projection of ``domain.projection`` redone in arrays. It starts
from the exact base (the option as stored, through the Decimal pipeline: its price schedule, cost
build-up, capital items and funding sources) and applies each driver as ``scenarios.apply`` and the
projection do:

* volume × (1 + v): the year's price (the bid's unit prices × volume), payroll and variable non-pay
  scale; members' fixed costs and the shared back office do not.
* ramp-up: months k < R of the service run at (k + 1) ÷ (R + 1) of the volume (income, payroll and
  variable non-pay; fixed costs in full).
* pay uplift: payroll of contract year y × (1 + pay + Δ)^(y−1) instead of (1 + pay)^(y−1).
* CPI: fixed and variable non-pay and insurance × (1 + CPI + Δ)^(y−1).
* payment delay: the receipt lag becomes 1 + ⌈(terms + days) ÷ 30⌉ months.
* mobilisation overrun m: the service and every item and drawdown due from service start move m
  months later; m more months of mobilisation cost at the plan's average a month.
* termination after year N: N contract years, equipment written off when the service ends.
* interest rate +pp: every loan's and overdraft's rate (never below 0), so loan service, overdraft
  interest, the tax after financing and the debt service cover move; the requirement and the NPV
  are before funding and do not.
* cost overrun x: payroll, non-pay, fixed costs and each mobilisation and capital item × (1 + x).
* competitors' prices and the National Living Wage path move only the win probability and the
  wage-floor test, neither of which is reported here: they are not sampled.

Tax follows the projection: per taxable person (the vehicle, each LLP member, or each member on its
own profit), losses carried forward, paid ``tax_lag_months`` after each period.

**What the vector model does not reproduce exactly** (the tests measure the agreement with
``services.scenarios.run_scenario`` on the demo's options, see ``docs/simulation.md``):

* rounding: the exact pipeline rounds each line, month and split to the penny; the vector model
  works in floats and rounds only the reported figures, so figures differ by pence (a few pounds
  over a 100-month projection at most);
* members' shares of the delivery cost in a year (for tax on each member's own profit) are the
  base's: a driver that changes the mix of pay and non-pay between members (pay uplift, CPI, volume
  against fixed costs) moves each member's taxable profit slightly differently in the exact
  pipeline; the consortium's totals are the same;
* a mobilisation overrun also moves the service start date, and with it the financial year whose
  reference rates price the first contract year in the exact pipeline; the vector model keeps the
  base's costs for each contract year;
* volume moves each member's staff and variable costs in proportion (FTE follow volume); a cost
  build-up in which staffing does not scale linearly would differ.

Integer drivers (months, days, years) are drawn from their triangle and rounded to the nearest
whole number. Draws run in chunks (``CHUNK``) so a caller can report progress and cancel between
them; the result is the same whatever the chunk size (one generator draws all the values first).
"""

from __future__ import annotations

from .basis import Basis, basis
from .ranges import (
    CHUNK,
    DEFAULT_DRAWS,
    DEFAULT_RANGES,
    DEFAULT_SEED,
    HISTOGRAM_BINS,
    MAX_DRAWS,
    MIN_DRAWS,
    SAMPLED,
    DriverRange,
    draws_of,
    ranges_text,
    sample,
)
from .results import Histogram, Percentiles, SimulationResult, simulate
from .vector import VectorFigures, project

__all__ = [
    "CHUNK",
    "DEFAULT_DRAWS",
    "DEFAULT_RANGES",
    "DEFAULT_SEED",
    "HISTOGRAM_BINS",
    "MAX_DRAWS",
    "MIN_DRAWS",
    "SAMPLED",
    "Basis",
    "DriverRange",
    "Histogram",
    "Percentiles",
    "SimulationResult",
    "VectorFigures",
    "basis",
    "draws_of",
    "project",
    "ranges_text",
    "sample",
    "simulate",
]
