"""Capacity presented: the coverage heat map (service line × area, every lot taken together).

The one builder of the heat map: the GUI's Coverage tab, the investment case and the option
workbook's Coverage sheet all show ``coverage_heatmap(grid)``, so their cells agree one for one.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ...domain.capacity import THIN_HEADROOM_PCT, CoverageCell, CoverageGrid, CoverageStatus
from ...domain.money import format_decimal
from ..document import Chart, ChartKind, Kind, Series, Status

__all__ = ["COVERAGE_STATUS", "STATUS_WORDS", "cell_accessible", "cell_detail", "cell_note", "coverage_heatmap",
           "fmt_pct", "fmt_volume", "split_columns"]

COVERAGE_STATUS = {CoverageStatus.COVERED: Status.GREEN, CoverageStatus.THIN: Status.AMBER,
                   CoverageStatus.GAP: Status.RED}
STATUS_WORDS = {CoverageStatus.COVERED: "Covered", CoverageStatus.THIN: "Thin", CoverageStatus.GAP: "Gap"}
HEATMAP_NOTE = ("Green: covered with headroom. Amber: thin (capacity headroom under "
                f"{format_decimal(THIN_HEADROOM_PCT, 0)}% or relying on members growing). Red: a gap. "
                "Blank: not required.")


def fmt_volume(value: Decimal | None, missing: str = "–") -> str:
    """Whole volumes without decimals (27,200); fractional ones to two places."""
    if value is None:
        return missing
    return format_decimal(value, 0 if value == value.to_integral_value() else 2)


def fmt_pct(value: Decimal | None, missing: str = "–") -> str:
    """Percentage points as computed (29.41%); whole ones without decimals (100%)."""
    if value is None:
        return missing
    return format_decimal(value, 0 if value == value.to_integral_value() else 2) + "%"


def cell_detail(cell: CoverageCell) -> str:
    """The shortfall; with none, what makes the cell thin (or its headroom)."""
    if cell.status is None:
        return ""
    if cell.shortfall > 0:
        return f"{fmt_volume(cell.shortfall)} short"
    if cell.beyond_growth > 0:
        return f"{fmt_volume(cell.beyond_growth)} beyond growth"
    if cell.by_growth > 0:
        return f"{fmt_volume(cell.by_growth)} by growth"
    if cell.over_allocation > 0:
        return f"{fmt_volume(cell.over_allocation)} over"
    if cell.headroom_pct is None:
        return "0 short"
    return f"0 short · {fmt_pct(cell.headroom_pct)} spare"


def cell_note(cell: CoverageCell) -> str:
    """Everything about one cell, line by line."""
    where = f"{cell.service_line} — {cell.area}"
    if cell.status is None:
        return f"{where}\nNot required by the tender."
    unit = f" {cell.unit}s a year" if cell.unit else " a year"
    lines = [
        f"{where}: {STATUS_WORDS[cell.status].lower()}",
        f"Required: {fmt_volume(cell.required)}{unit}",
        f"Allocated: {fmt_volume(cell.allocated)} ({fmt_pct(cell.coverage_pct)} of required)",
        f"Shortfall: {fmt_volume(cell.shortfall)}",
    ]
    if cell.over_allocation > 0:
        lines.append(f"Allocated beyond what is required: {fmt_volume(cell.over_allocation)}")
    lines.append(f"Members' capacity: {fmt_volume(cell.capacity)} now, "
                 f"{fmt_volume(cell.capacity_with_growth)} with growth; headroom {fmt_pct(cell.headroom_pct)}")
    if cell.reasons:
        lines.append("Why: " + "; ".join(cell.reasons))
    if cell.deliverers:
        lines.append("Delivered by: " + "; ".join(f"{n} {fmt_volume(v)}" for n, v in cell.deliverers))
    if len(cell.requirement_ids) > 1:
        lines.append(f"({len(cell.requirement_ids)} requirements, e.g. in different lots, share this cell)")
    return "\n".join(lines)


def cell_accessible(cell: CoverageCell) -> str:
    if cell.status is None:
        return f"{cell.service_line}, {cell.area}: not required"
    return (f"{cell.service_line}, {cell.area}: {STATUS_WORDS[cell.status]}, {fmt_pct(cell.coverage_pct)} "
            f"covered, {fmt_volume(cell.shortfall)} short")


def coverage_heatmap(grid: CoverageGrid) -> Chart:
    """Allocated volume as a share of the requirement, per service line (rows) and area (columns),
    coloured by the worst status of the lots that share the cell."""
    series = []
    for (line, unit), row in zip(grid.rows, grid.cells, strict=True):
        series.append(Series(
            line,
            tuple(c.coverage_pct if c.status is not None else None for c in row),
            tuple(COVERAGE_STATUS[c.status] if c.status is not None else None for c in row),
            details=tuple(cell_detail(c) for c in row),
            notes=tuple(cell_note(c) for c in row),
            note=f"{unit}s a year" if unit else "",
        ))
    return Chart("coverage_heatmap", ChartKind.HEATMAP, "Allocated volume as % of the requirement", grid.columns,
                 tuple(series), "Area", "Service line", y_kind=Kind.PERCENT, places=0, note=HEATMAP_NOTE)


def split_columns(chart: Chart, per_chart: int) -> list[Chart]:
    """A heat map too wide for a page, as several charts of at most ``per_chart`` columns each."""
    n = len(chart.categories)
    if n <= per_chart:
        return [chart]
    out = []
    for i, start in enumerate(range(0, n, per_chart)):
        cols = slice(start, start + per_chart)
        series = tuple(replace(s, values=s.values[cols], statuses=s.statuses[cols], details=s.details[cols],
                               notes=s.notes[cols]) for s in chart.series)
        series = tuple(s for s in series if any(v is not None or st is not None
                                               for v, st in zip(s.values, s.statuses, strict=False)))
        out.append(replace(chart, key=chart.key if i == 0 else f"{chart.key}_{i + 1}",
                           title=f"{chart.title} (areas {start + 1}–{min(n, start + per_chart)} of {n})",
                           categories=chart.categories[cols], series=series))
    return out
