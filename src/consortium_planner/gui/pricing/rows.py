"""The Pricing tab's tables as document ``Table``s (no Qt here: they could feed the PDF and the workbook).

The cost build-up of a service line (or of the whole option a year) and its waterfall steps, the
bids' scores, the prices by contract year, the unit prices with break-even and the abnormally-low
test, and the reference rates. Every figure is the domain's; a cell's status is its colour, its
note the tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ...domain.costing import CATEGORIES, CostBuildup, LineKind, ServiceLineCost
from ...domain.findings import Severity
from ...domain.money import format_decimal, format_gbp, round_to_total
from ...domain.pricing import Evaluation, PriceSchedule
from ...domain.rates import RateItem, RateTable
from ...reports.document import Cell, Column, Kind, Status, Table
from ...reports.sections.pricing import year_status

__all__ = ["BUILDUP_COLUMNS", "LINE_COLUMNS", "RATE_COLUMNS", "SCORE_COLUMNS", "YEAR_COLUMNS", "WaterfallStep",
           "buildup_steps", "line_table", "rate_value_text", "rates_table", "score_table", "service_line_table",
           "totals_steps", "totals_table", "year_table"]

# short names for the waterfall's categories (the table shows the domain's full labels)
SHORT = {
    "wage": "Wages",
    "employer_ni": "Employer NI",
    "pension": "Pension",
    "mileage": "Mileage",
    "non_pay": "Non-pay",
    "member_fixed": "Fixed costs",
    "shared": "Back office",
    "contingency": "Contingency",
    "management_fee": "Fee",
    "margin": "Margin",
}


# --------------------------------------------------------------------------- cost build-up


@dataclass(frozen=True, slots=True)
class WaterfallStep:
    key: str
    label: str
    kind: LineKind | None  # None: the price bar
    value: Decimal  # the amount shown (per unit, or a year for the option's totals)


def buildup_steps(s: ServiceLineCost) -> list[WaterfallStep]:
    """A service line's cost lines per unit, as the waterfall draws them to its price."""
    kinds = {cat: kind for cat, _label, kind in CATEGORIES}
    return [WaterfallStep(line.key, SHORT.get(line.key, line.label), kinds.get(line.key, line.kind),
                          line.per_unit_display) for line in s.lines]


def totals_steps(b: CostBuildup) -> list[WaterfallStep]:
    """The option's cost lines a year, every service line together."""
    return [WaterfallStep(t.key, SHORT.get(t.key, t.label), t.kind, t.annual) for t in b.totals]


def _member_note(s: ServiceLineCost, category: str) -> str:
    parts = []
    for m in s.members:
        if any(line.category == category for line in m.lines):
            amount = sum((line.annual for line in m.lines if line.category == category), Decimal(0))
            parts.append(f"{m.organisation_name}: {format_gbp(amount)} a year ({format_decimal(m.volume, 0)} "
                         f"{s.unit}s)")
    return "\n".join(parts)


BUILDUP_COLUMNS = (Column("Line"), Column("Per unit", Kind.PRICE), Column("A year", Kind.MONEY))


def service_line_table(s: ServiceLineCost) -> Table:
    """A service line's lines per unit and a year, which add up to its price (the last row)."""
    columns = (BUILDUP_COLUMNS[0],
               Column("Per unit", Kind.PRICE, note=f"£ per {s.unit}, to the penny: the lines add to the price"),
               Column("A year", Kind.MONEY, note="£ a year: the lines add to the annual price"))
    shown = round_to_total([line.annual for line in s.lines], s.annual_price)  # whole pounds that add up
    rows = [(Cell(line.label, note=_member_note(s, line.key)),
             Cell(line.per_unit_display, italic=line.kind is LineKind.MARGIN),
             Cell(line.annual, italic=line.kind is LineKind.MARGIN, text=format_gbp(pounds, pence=False),
                  note=f"{format_gbp(line.annual)} a year"))
            for line, pounds in zip(s.lines, shown, strict=True)]
    rows.append((Cell("Price"), Cell(s.price_per_unit), Cell(s.annual_price)))
    return Table("cost_buildup", columns, tuple(rows), title=f"{s.service_line}: cost build-up per {s.unit}",
                 total_rows=1)


def totals_table(b: CostBuildup) -> Table:
    """The option's cost lines a year, every service line together, adding up to the annual price."""
    columns = (BUILDUP_COLUMNS[0], BUILDUP_COLUMNS[1],
               Column("A year", Kind.MONEY, note="£ a year: the lines add to the annual price"))
    shown = round_to_total([t.annual for t in b.totals], b.annual_price)  # whole pounds that add up
    rows = [(Cell(t.label), Cell(None, note="Units differ between service lines"),
             Cell(t.annual, italic=t.kind is LineKind.MARGIN, text=format_gbp(pounds, pence=False),
                  note=f"{format_gbp(t.annual)} a year"))
            for t, pounds in zip(b.totals, shown, strict=True)]
    rows.append((Cell("Price"), Cell(None), Cell(b.annual_price)))
    return Table("cost_buildup_totals", columns, tuple(rows), title="All service lines: cost build-up a year",
                 total_rows=1)


# --------------------------------------------------------------------------- scores

SCORE_COLUMNS = (Column("Bid"), Column("Annual price", Kind.MONEY), Column("Quality", Kind.NUMBER),
                 Column("Social value", Kind.NUMBER), Column("Price points", Kind.NUMBER),
                 Column("Total", Kind.NUMBER), Column("Rank", Kind.NUMBER, 0))


def _points(value: Decimal | None, **kw) -> Cell:
    return Cell(value, text=None if value is not None else "fails", **kw)


PER_POINT_COLUMNS = (Column("Bid"), Column("Annual price", Kind.MONEY), Column("Quality", Kind.NUMBER),
                     Column("Social value", Kind.NUMBER), Column("Quality score", Kind.NUMBER),
                     Column("£ a quality point", Kind.MONEY, note="Annual price ÷ quality score: the lowest wins"),
                     Column("Rank", Kind.NUMBER, 0))


def score_table(e: Evaluation) -> Table:
    """Each bid's points (ours first), the leader in green and a bid that fails in red; under price per
    quality point, each bid's quality score and its price divided by it."""
    if e.per_point:
        return _per_point_table(e)
    rows = []
    for b in e.bids:
        status = Status.RED if b.failed else Status.GREEN if b.rank == 1 else None
        name = f"{b.name} (our bid)" if b.is_ours else b.name
        rows.append((Cell(name, status, bold=b.is_ours), Cell(b.price, status, bold=b.is_ours),
                     _points(b.quality_points, status=status), _points(b.social_value_points, status=status),
                     _points(b.price_points, status=status), _points(b.total, status=status, bold=True),
                     Cell(None if b.rank is None else Decimal(b.rank), status,
                          text="fails" if b.rank is None else None)))
    ours = tuple(i for i, b in enumerate(e.bids) if b.is_ours)
    return Table("scores", SCORE_COLUMNS, tuple(rows), title="Scores", highlight_rows=ours)


def _per_point_table(e: Evaluation) -> Table:
    rows = []
    for b in e.bids:
        status = Status.RED if b.failed else Status.GREEN if b.rank == 1 else None
        name = f"{b.name} (our bid)" if b.is_ours else b.name
        rows.append((Cell(name, status, bold=b.is_ours), Cell(b.price, status, bold=b.is_ours),
                     Cell(b.quality_points, status), Cell(b.social_value_points, status),
                     Cell(b.quality_points + b.social_value_points, status),
                     Cell(b.price_per_point, status, bold=True, text=None if b.price_per_point is not None else "fails"),
                     Cell(None if b.rank is None else Decimal(b.rank), status,
                          text="fails" if b.rank is None else None)))
    ours = tuple(i for i, b in enumerate(e.bids) if b.is_ours)
    return Table("scores", PER_POINT_COLUMNS, tuple(rows), title="Price per quality point", highlight_rows=ours)


# --------------------------------------------------------------------------- contract years and unit prices

YEAR_COLUMNS = (
    Column("Year", note="Contract year; hover for its dates and rates. Extension years are shaded."),
    Column("Price", Kind.MONEY, note="Annual price: Σ unit price × volume"),
    Column("Cost", Kind.MONEY, note="Delivery cost, indexed along its own mix"),
    Column("Fee", Kind.MONEY, note="Management fee"),
    Column("Margin", Kind.MONEY, note="Price − cost − fee"),
    Column("Budget", Kind.MONEY, note="The tender's estimated annual value (not indexed)"),
    Column("Headroom", Kind.MONEY, note="Budget − price (negative: over budget)"),
    Column("Ceiling", note="Against the annual budget ceiling"),
)


def year_table(s: PriceSchedule) -> Table:
    """Prices by contract year, term then extensions (highlighted)."""
    rows = []
    for y in s.years:
        name = f"{y.number} ext." if y.is_extension else str(y.number)
        note = (f"Year {y.number}{' (extension)' if y.is_extension else ''}: "
                f"{y.starts:%d/%m/%Y} to {y.ends:%d/%m/%Y}" if y.starts and y.ends else "") + (
            f"\nRates of {y.rate_year}" + (" (beyond the last known: extrapolated)" if y.rates_extrapolated
                                           else "") + f"; wage floor {format_gbp(y.national_living_wage)} an hour")
        status = year_status(y)  # the colour the case gives the year: its ceiling breach's severity, or grey
        if y.ceiling_breach is Severity.BLOCKING:
            ceiling = Cell("✗ over", status, note=f"Above the ceiling {format_gbp(y.ceiling)}: the bid would fail")
        elif y.ceiling_breach is not None:
            ceiling = Cell("! over", status, note=f"Above the ceiling {format_gbp(y.ceiling)}, which is fixed in cash: "
                                                  "a question of affordability for the buyer, not a failed bid")
        elif y.ceiling is None:
            ceiling = Cell("none set")
        else:
            ceiling = Cell("✓ within", Status.GREEN, note=f"Ceiling {format_gbp(y.ceiling)}")
        rows.append((
            Cell(name, note=note, italic=y.is_extension),
            Cell(y.annual_price), Cell(y.annual_cost), Cell(y.annual_fee), Cell(y.annual_margin), Cell(y.budget),
            Cell(y.headroom, status if y.headroom is not None and y.headroom < 0 else None,
                 note="Over the estimated annual value" if y.over_budget else ""),
            ceiling,
        ))
    extensions = tuple(i for i, y in enumerate(s.years) if y.is_extension)
    return Table("prices_by_year", YEAR_COLUMNS, tuple(rows), title="Prices by contract year",
                 highlight_rows=extensions)


LINE_COLUMNS = (
    Column("Service line"),
    Column("Volume", Kind.NUMBER, 0, note="Units a year"),
    Column("Unit price", Kind.PRICE, note="Year one's price per unit"),
    Column("Index a year", Kind.PERCENT, note="Cost index a year: staff share × pay uplift + the rest × CPI"),
    Column("Break-even", Kind.NUMBER, 0, note="Volume at which the price covers the fixed costs (whole units)"),
    Column("Should-cost", Kind.PRICE, note="Full cost per unit with the fee, without margin"),
    Column("Low below", Kind.PRICE, note="Abnormally-low floor: should-cost × (1 − threshold)"),
    Column("Too low?", note="Is the price below the abnormally-low floor?"),
)


def line_table(s: PriceSchedule) -> Table:
    """Year one's unit prices with their indexation, break-even volume and the abnormally-low test."""
    rows = []
    for t in s.lines:
        low = Cell("✗ yes", Status.RED, bold=True) if t.abnormally_low else Cell("✓ no", Status.GREEN)
        rows.append((
            Cell(t.service_line, note=f"{t.service_line} (unit: {t.unit})"),
            Cell(t.volume),
            Cell(t.unit_price),
            Cell(t.index_pct, note=f"Staff share {format_decimal(t.staff_share * 100, 1)}%"),
            Cell(t.break_even_volume, text=None if t.break_even_volume is not None else "never",
                 note=f"Fixed costs {format_gbp(t.fixed_costs_per_year)} a year ÷ (price − variable cost "
                      f"{format_gbp(t.variable_cost_per_unit)} a unit)"),
            Cell(t.should_cost_per_unit, note="Full cost with fee, no margin"),
            Cell(t.abnormal_floor),
            low,
        ))
    return Table("unit_prices", LINE_COLUMNS, tuple(rows), title="Unit prices, break-even and the abnormally-low test")


# --------------------------------------------------------------------------- reference rates


def rate_value_text(item: RateItem) -> str:
    if item.value is None:
        return "not given"
    if item.unit == "%":
        return f"{format_decimal(item.value, 2)}%"
    if item.unit == "£/year":
        return f"{format_gbp(item.value, pence=False)} a year"
    if item.unit == "£/hour":
        return f"{format_gbp(item.value)} an hour"
    if item.unit == "£/mile":
        return f"{format_gbp(item.value)} a mile"
    return format_decimal(item.value, 2)


_MARKS = {"V": "checked", "K": "widely used", "U": "assumption"}
RATE_COLUMNS = (Column("Year"), Column("Rate"), Column("Value", Kind.NUMBER), Column("Source"), Column("Effective"))


def rates_table(rates: RateTable, in_force: str | None) -> Table:
    """Every reference rate by year, with its source; the year in force highlighted, overrides in bold."""
    rows, shaded = [], []
    for y in rates.years:
        for item in y.items():
            if y.label == in_force:
                shaded.append(len(rows))
            p = item.provenance
            mark = _MARKS.get(p.status, "") if p else ""
            source = (p.source if p else "") or "—"
            extra = [x for x in (mark, "carried forward" if p and p.carried_forward else "",
                                 "overridden in this workspace" if p and p.overridden else "") if x]
            text = source + (f" [{', '.join(extra)}]" if extra else "")
            rows.append((Cell(y.label), Cell(item.label),
                         Cell(item.value, text=rate_value_text(item), bold=bool(p and p.overridden)),
                         Cell(text, note=text), Cell(f"{p.effective:%d/%m/%Y}" if p and p.effective else "")))
    return Table("reference_rates", RATE_COLUMNS, tuple(rows), title="Reference rates", highlight_rows=tuple(shaded))
