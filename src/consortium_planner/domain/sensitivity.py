"""Sensitivity (DOMAIN §9): a tornado per output and break-even values solved on a grid.

The pure part: the ranges and searches as data, the result types, the integer searches, the wording
and the findings. ``services/sensitivity.py`` runs each point through the scenario pipeline
(``services.scenarios.run_scenario``), so every figure here is the figure that scenario shows.

**Tornado.** Each driver of ``scenarios.DRIVERS`` is set to a low and a high value with every other
driver at base (``TORNADO_RANGES``); for each output of ``OUTPUTS`` a bar runs from the figure at one
end to the figure at the other, and the bars are sorted by swing (|high − low|), largest first. The
ranges are the shipped scenarios' values where DOMAIN §9 gives one (Severe for the bad end, Upside
for the good end of volume and pay), and this program's assumptions [U] otherwise; each range says
which.

**Break-evens.** For each search of ``SEARCHES`` (a volume fall, a faster pay uplift, later
payment) and each target of ``TARGETS`` (the net present value reaches zero, debt service cover
reaches the option's covenant, the sources fall short of the requirement), the driver's value is
solved on a grid of the search's ``step`` (0.1% of volume, 0.01 points of pay uplift, one day):
``search_first`` finds the first grid value at which the target is crossed when the base is on the
safe side and the end of the range is not (guessing from the straight line through its bracket's ends,
halving as ``bisect_first`` does after two poor guesses; ``bisect_first`` is kept as its yardstick).
The answer is that grid value (the first that crosses) and the one before it (the last that does not),
so the true break-even lies between them.
A target not crossed at the end of the range is "not reached within" it; a base already on the wrong
side is "already breached at base". The search finds a crossing inside the bracket; where the figure
moves one way with the driver (the usual case: less volume, less profit) it is the first.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from types import MappingProxyType
from typing import Any

from .findings import Finding, Severity
from .money import ZERO, format_decimal, format_gbp
from .scenarios import DRIVERS, Adjustments

__all__ = [
    "CLOSE",
    "OUTPUTS",
    "OUTPUT_BY_KEY",
    "SEARCHES",
    "TARGETS",
    "TORNADO_RANGES",
    "BreakEven",
    "BreakEvenStatus",
    "DriverRange",
    "Output",
    "Search",
    "Sensitivity",
    "Target",
    "Tornado",
    "TornadoBar",
    "bisect_first",
    "break_even",
    "close_text",
    "crossed",
    "findings",
    "format_output",
    "gap",
    "not_available",
    "number",
    "search_first",
    "search_value_text",
]



@dataclass(frozen=True, slots=True)
class Output:
    """A figure the tornado shows: its key (a ``services.compare`` row), label, how it is shown and
    whether more is better."""

    key: str
    label: str
    kind: str  # "money", "ratio" (×) or "percent"
    higher_is_better: bool = True


OUTPUTS: tuple[Output, ...] = (
    Output("npv", "Net present value", "money"),
    Output("funding_requirement", "Funding requirement", "money", higher_is_better=False),
    Output("min_dscr", "Minimum debt service cover", "ratio"),
    Output("year_one_margin", "Year-one margin", "money"),
    Output("win_probability", "Win probability", "percent"),
)
OUTPUT_BY_KEY: Mapping[str, Output] = MappingProxyType({o.key: o for o in OUTPUTS})


@dataclass(frozen=True, slots=True)
class DriverRange:
    """A driver's low and high value for the tornado (the driver's own unit) and where they come from."""

    driver: str
    low: Decimal | int
    high: Decimal | int
    source: str

    def adjustments(self, value: Decimal | int) -> Adjustments:
        return Adjustments(**{self.driver: value})  # type: ignore[arg-type]


_S, _U = "DOMAIN §9 Severe", "an assumption [U]"
#: Each driver's low and high for the tornado, in ``DRIVERS`` order. Drivers that cannot go below the
#: plan (a mobilisation overrun, early termination) have the base as their low.
TORNADO_RANGES: tuple[DriverRange, ...] = (
    DriverRange("volume_pct", Decimal("-20"), Decimal("10"), f"{_S} (−20%) and Upside (+10%)"),
    DriverRange("ramp_up_months", -1, 3, _U),
    DriverRange("pay_uplift_pp", Decimal("-0.5"), Decimal("3"), f"Upside (−0.5 points) and {_S} (+3 points)"),
    DriverRange("nlw_uplift_pp", Decimal("-0.5"), Decimal("2"), _U),
    DriverRange("cpi_pp", Decimal("-1"), Decimal("2"), _U),
    DriverRange("payment_delay_days", -15, 60, f"{_U} (15 days sooner) and {_S} (60 days later)"),
    DriverRange("mobilisation_overrun_months", 0, 2, "DOMAIN §9 Downside (2 months)"),
    DriverRange("termination_after_year", 0, 3, f"{_S} (ends after year 3)"),
    DriverRange("competitor_price_pct", Decimal("-10"), Decimal("10"), _U),
    DriverRange("interest_rate_pp", Decimal("-1"), Decimal("2"), _U),
    DriverRange("cost_overrun_pct", Decimal("-5"), Decimal("10"), _U),
)


@dataclass(frozen=True, slots=True)
class Search:
    """A break-even search: the driver, moved from the base in ``sign``'s direction on a grid of ``step``
    for at most ``steps`` steps (the search range), and how to say its value."""

    driver: str
    label: str  # "Volume fall"
    sign: int  # −1: the driver falls (volume); +1: it rises
    step: Decimal
    steps: int
    unit: str  # "%", "points a year", "days"
    close: Decimal  # a break-even at or within this (in ``unit``) is close to base: a finding
    integer: bool = False  # a whole-number driver (days): the grid is whole steps, values are int

    def magnitude(self, k: int) -> Decimal | int:
        """The size of the move at grid point ``k`` (``7.3`` for a volume fall of 7.3%)."""
        if self.integer:
            return k * int(self.step)
        return self.step * k if k else ZERO  # the step's places: 12.0 (never 1.2E+1)

    def driver_value(self, k: int) -> Decimal | int:
        m = self.magnitude(k)
        return -m if self.sign < 0 else m

    def adjustments(self, k: int) -> Adjustments:
        return Adjustments(**{self.driver: self.driver_value(k)})  # type: ignore[arg-type]

    @property
    def limit(self) -> Decimal | int:
        return self.magnitude(self.steps)


#: The break-even searches: volume fall up to 50% in 0.1% steps; pay rising up to 10 points a year
#: faster in 0.01-point steps; payment up to 365 days later, a day at a time. ``close`` [U]: a
#: break-even within a 5% volume fall, one point of pay or 30 days is close enough to raise a warning.
SEARCHES: tuple[Search, ...] = (
    Search("volume_pct", "Volume fall", -1, Decimal("0.1"), 500, "%", Decimal("5")),
    Search("pay_uplift_pp", "Pay uplift", 1, Decimal("0.01"), 1000, "points a year", Decimal("1")),
    Search("payment_delay_days", "Payment delay", 1, Decimal(1), 365, "days", Decimal("30"), integer=True),
)
CLOSE: Mapping[str, Decimal] = MappingProxyType({s.driver: s.close for s in SEARCHES})


def close_text() -> str:
    """What "close to the plan" means, from ``SEARCHES``: "within a 5% volume fall, …"."""
    parts = [search_value_text(s, int(s.close) if s.integer else s.close) for s in SEARCHES]
    return "within " + ", ".join(parts[:-1]) + " or " + parts[-1]


@dataclass(frozen=True, slots=True)
class Target:
    """What a break-even solves for: the output read, and what crossing it means."""

    key: str  # "npv_zero", "dscr_covenant", "funding_shortfall"
    label: str
    output: str  # the compare row read: npv, min_dscr, funding_shortfall
    effect: str  # "turns the net present value negative"


TARGETS: tuple[Target, ...] = (
    Target("npv_zero", "NPV = 0", "npv", "turns the net present value negative"),
    Target("dscr_covenant", "Debt service cover = covenant", "min_dscr", "takes debt service cover below the covenant"),
    Target("funding_shortfall", "Sources = requirement", "funding_shortfall",
           "makes the funding requirement exceed the sources"),
)


def gap(target: Target, figures: Mapping[str, Any], covenant: Decimal) -> Decimal | None:
    """How far ``figures`` (compare rows) are past ``target``: above zero is the wrong side; None: cannot tell."""
    v = figures.get(target.output)
    if not isinstance(v, Decimal):
        return None
    if target.key == "npv_zero":
        return -v
    if target.key == "dscr_covenant":
        return covenant - v
    need, sources = figures.get("funding_requirement"), figures.get("funding_sources")
    if target.key == "funding_shortfall" and isinstance(need, Decimal) and isinstance(sources, Decimal):
        return need - sources  # the shortfall is this when above zero; below, the headroom says how far
    return v


def crossed(target: Target, figures: Mapping[str, Any], covenant: Decimal) -> bool | None:
    """Whether ``figures`` (compare rows) are on the wrong side of ``target``; None: cannot tell."""
    g = gap(target, figures, covenant)
    return None if g is None else g > 0


def bisect_first(is_crossed: Callable[[int], bool], lo: int, hi: int) -> tuple[int, int]:
    """``(last, first)``: adjacent grid points with ``is_crossed(first)`` and not ``is_crossed(last)``.

    Requires ``lo < hi``, ``is_crossed(hi)`` and not ``is_crossed(lo)`` (not re-checked). Halves the
    bracket until its ends are one step apart: ⌈log2(hi − lo)⌉ evaluations.
    """
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if is_crossed(mid):
            hi = mid
        else:
            lo = mid
    return lo, hi


def search_first(gap_at: Callable[[int], Decimal | None], lo: int, hi: int) -> tuple[int, int]:
    """``(last, first)`` as ``bisect_first`` gives them, where ``gap_at(k) > 0`` is crossed, in fewer points.

    A guess is where the straight line through the bracket's ends meets zero (most outputs move almost in
    proportion to a driver), rounded up to the grid, then its neighbour towards the line: a near-linear
    output is solved in two or three points where halving a 1,000-step range takes ten. After two guesses
    that leave more than half the bracket (a curved or stepped output), or with a flat side, it halves the
    bracket as ``bisect_first`` does: never more than twice its points and four more.
    Requires ``lo < hi``, ``gap_at(hi) > 0`` and not ``gap_at(lo) > 0``. With one crossing in the bracket
    the answer is bisection's; with several it is one of them, as bisection's is.
    """
    g_lo, g_hi = gap_at(lo), gap_at(hi)

    def at(k: int) -> tuple[bool, Decimal | None]:
        g = gap_at(k)
        return g is not None and g > 0, g

    misses = 0
    while hi - lo > 1:
        width = hi - lo
        if misses >= 2 or g_lo is None or g_hi is None or not g_lo < 0 < g_hi:
            k = (lo + hi) // 2
            is_crossed, g = at(k)
            lo, hi, g_lo, g_hi = (lo, k, g_lo, g) if is_crossed else (k, hi, g, g_hi)
            continue
        shift = (-g_lo * width / (g_hi - g_lo)).to_integral_value(rounding=ROUND_CEILING)
        k = min(max(lo + int(shift), lo + 1), hi - 1)
        is_crossed, g = at(k)
        if is_crossed:
            hi, g_hi = k, g
            if k - 1 > lo:  # the point before: not crossed ends the search
                before, g = at(k - 1)
                lo, hi, g_lo, g_hi = (lo, k - 1, g_lo, g) if before else (k - 1, hi, g, g_hi)
        else:
            lo, g_lo = k, g
            if k + 1 < hi:
                after, g = at(k + 1)
                lo, hi, g_lo, g_hi = (lo, k + 1, g_lo, g) if after else (k + 1, hi, g, g_hi)
        if (hi - lo) * 2 > width:
            misses += 1
    return lo, hi


class BreakEvenStatus(enum.StrEnum):
    SOLVED = "solved"
    NOT_REACHED = "not_reached"
    BREACHED_AT_BASE = "breached_at_base"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class BreakEven:
    """One search × target. ``value``: the first grid value (in ``unit``, as a size: 7.3 for a 7.3% fall)
    at which the target is crossed; ``last_safe``: the one before it; ``figure_at_value`` /
    ``figure_at_last_safe``: the output there; ``threshold``: 0, the covenant or the sources."""

    driver: str
    search: str
    target: str
    target_label: str
    status: BreakEvenStatus
    unit: str
    range_limit: Decimal | int
    value: Decimal | int | None
    last_safe: Decimal | int | None
    driver_value: Decimal | int | None  # ``value`` as the scenario driver has it (a fall is negative)
    base_figure: Decimal | None
    figure_at_value: Decimal | None
    figure_at_last_safe: Decimal | None
    threshold: Decimal | None
    message: str
    close: bool = False  # solved within the search's ``close``: a finding


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """One driver's bar: the figure with the driver at its low and at its high value."""

    driver: str
    label: str
    low_setting: Decimal | int
    high_setting: Decimal | int
    low: Decimal | None
    high: Decimal | None
    swing: Decimal | None  # |high − low|; None when either is missing
    note: str = ""  # why a figure is missing


@dataclass(frozen=True, slots=True)
class Tornado:
    output: str
    label: str
    base: Decimal | None
    bars: tuple[TornadoBar, ...]  # largest swing first; bars without a swing last


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """The ``sensitivity`` analysis of one option."""

    option_id: int
    covenant: Decimal
    tornado: Mapping[str, Tornado]  # by output key (``OUTPUTS``)
    break_evens: tuple[BreakEven, ...]
    ranges: tuple[DriverRange, ...]
    runs: int  # scenario runs computed (each a pipeline run)
    #: the vector model's estimate (``domain.sensitivity_estimate``), shown until the exact analysis replaces it;
    #: never read by the findings, the verdict or a report
    estimated: bool = False


def sort_bars(bars: list[TornadoBar]) -> tuple[TornadoBar, ...]:
    """Largest swing first (ties in ``DRIVERS`` order); bars without a swing last."""
    order = {d.name: i for i, d in enumerate(DRIVERS)}
    return tuple(sorted(bars, key=lambda b: (b.swing is None, -(b.swing or ZERO), order.get(b.driver, 99))))


def format_output(key: str, value: Decimal | None) -> str:
    """A figure as the tables show it: money in pounds, cover as ×, a probability in %."""
    if value is None:
        return "not available"
    kind = OUTPUT_BY_KEY[key].kind if key in OUTPUT_BY_KEY else "money"
    if key == "min_dscr" or kind == "ratio":
        return f"{format_decimal(value, 2)}×"
    if kind == "percent":
        return f"{format_decimal(value, 1)}%"
    return format_gbp(value, pence=False)


def search_value_text(search: Search, value: Decimal | int) -> str:
    """``"a volume fall of 7.3%"``, ``"pay rising 1.25 points a year faster"``, ``"payment 45 days later"``."""
    if search.driver == "volume_pct":
        return f"a volume fall of {format_decimal(Decimal(value), 1)}%"
    if search.driver == "pay_uplift_pp":
        return f"pay rising {format_decimal(Decimal(value), 2)} points a year faster"
    return "payment a day later" if value == 1 else f"payment {value} days later"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def break_even_message(search: Search, target: Target, status: BreakEvenStatus, *, value: Decimal | int | None,
                       base_figure: Decimal | None, figure: Decimal | None, covenant: Decimal, reason: str = "") -> str:
    """The break-even in words, with the figure."""
    effect = target.effect.replace("the covenant", f"the {format_decimal(covenant, 2)}× covenant")
    shown = "funding_shortfall" if target.output == "funding_shortfall" else target.output
    if status is BreakEvenStatus.SOLVED and value is not None:
        if target.key == "funding_shortfall":
            return f"{_cap(search_value_text(search, value))} {effect} (short by {format_output(shown, figure)})."
        return (f"{_cap(search_value_text(search, value))} {effect} ({format_output(shown, figure)} there; "
                f"{format_output(shown, base_figure)} as planned).")
    if status is BreakEvenStatus.NOT_REACHED:
        return (f"Not reached within {search_value_text(search, search.limit)}: "
                f"{_describe(target, figure, covenant)} there.")
    if status is BreakEvenStatus.BREACHED_AT_BASE:
        return f"Already breached at base: {_describe(target, base_figure, covenant)} as planned."
    return f"Not applicable: {reason}."


def _describe(target: Target, figure: Decimal | None, covenant: Decimal) -> str:
    if target.key == "npv_zero":
        return f"the net present value is {format_output('npv', figure)}"
    if target.key == "dscr_covenant":
        return (f"debt service cover is {format_output('min_dscr', figure)} against the "
                f"{format_decimal(covenant, 2)}× covenant")
    return f"the funding shortfall is {format_output('funding_shortfall', figure)}"


def number(value: Any) -> Decimal | None:
    """A compare row's value as a figure: the Decimal, or None (missing, or a text)."""
    return value if isinstance(value, Decimal) else None


def break_even(search: Search, target: Target, status: BreakEvenStatus, covenant: Decimal, base: Mapping[str, Any],
               values_at: Callable[[int], Mapping[str, Any]], *, value: int | None = None, last: int | None = None,
               figure: Decimal | None = None, reason: str = "") -> BreakEven:
    """One break-even as a search ended (the exact analysis's and the estimate's alike): ``base``, the compare rows
    as planned; ``values_at(k)``, the rows at grid step ``k``; ``value`` / ``last``, the first step crossed and
    the one before it (solved); ``figure``, the output there (or at the end of the range, not reached)."""
    base_figure = number(base.get(target.output))
    threshold: Decimal | None = Decimal(0) if target.key != "dscr_covenant" else covenant
    if target.key == "funding_shortfall":
        threshold = number(base.get("funding_sources"))
    mag = search.magnitude(value) if value is not None else None
    message = break_even_message(search, target, status, value=mag, base_figure=base_figure, figure=figure,
                                 covenant=covenant, reason=reason)
    return BreakEven(
        search.driver, search.label, target.key, target.label, status, search.unit, search.limit, mag,
        search.magnitude(last) if last is not None else None,
        search.driver_value(value) if value is not None else None, base_figure,
        figure if status is not BreakEvenStatus.NOT_REACHED else None,
        number(values_at(last).get(target.output)) if last is not None else None, threshold, message,
        status is BreakEvenStatus.SOLVED and mag is not None and Decimal(mag) <= search.close)


def not_available(target: Target, notes: Mapping[str, str]) -> str:
    """Why a break-even does not apply: the output's note as planned, or that it is not available."""
    return notes.get(target.output) or f"the {target.output.replace('_', ' ')} is not available"


def findings(result: Sensitivity) -> list[Finding]:
    """A break-even close to the plan (within the search's ``close``) is a warning, worded with the figure;
    a target already breached at base is the base analyses' own finding, not repeated here. An estimate
    (``estimated``) has none: findings are the exact analysis's alone."""
    if result.estimated:
        raise ValueError("the vector model's estimate of the sensitivity raises no findings: run the analysis")
    out: list[Finding] = []
    for b in result.break_evens:
        if b.status is BreakEvenStatus.SOLVED and b.close and b.value is not None:
            out.append(Finding("sensitivity_close_break_even", "Close to break-even: " + b.message[:1].lower() + b.message[1:], Severity.WARNING,
                               figures=((b.driver, Decimal(b.value)),)))
    return out
