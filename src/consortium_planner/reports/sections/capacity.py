"""Capacity presented: the coverage heat map (service line × area, every lot taken together), the
members' capacity, the workforce and the least-cost split; the case's "Service and capacity plan".

The one builder of the heat map: the GUI's Coverage tab, the investment case and the option
workbook's Coverage sheet all show ``coverage_heatmap(grid)``, so their cells agree one for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ...domain import capacity as _capacity
from ...domain import optimise as _optimise
from ...domain.capacity import THIN_HEADROOM_PCT, CoverageCell, CoverageGrid, CoverageStatus
from ...domain.money import ZERO, format_decimal
from ..document import (
    MISSING,
    Block,
    Chart,
    ChartKind,
    Column,
    Heading,
    Kind,
    Lazily,
    Paragraph,
    ReferenceLine,
    Series,
    Status,
    Table,
    cell,
    format_value,
)
from .context import CaseContext, yes_no

__all__ = ["COVERAGE_STATUS", "DEPENDENCY_STATUS", "HEATMAP_COLUMNS", "STATUS_WORDS", "build_capacity",
           "cell_accessible", "cell_detail", "cell_note", "coverage_grid_of", "coverage_heatmap", "fmt_pct",
           "fmt_volume", "split_columns"]

COVERAGE_STATUS = {CoverageStatus.COVERED: Status.GREEN, CoverageStatus.THIN: Status.AMBER,
                   CoverageStatus.GAP: Status.RED}
#: A member's contract dependency rating (DOMAIN §2) as a colour; not given / no turnover have none.
DEPENDENCY_STATUS = {_capacity.Rag.GREEN: Status.GREEN, _capacity.Rag.AMBER: Status.AMBER,
                     _capacity.Rag.RED: Status.RED}
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


def cell_detail(grid_cell: CoverageCell) -> str:
    """The shortfall; with none, what makes the cell thin (or its headroom)."""
    if grid_cell.status is None:
        return ""
    if grid_cell.shortfall > 0:
        return f"{fmt_volume(grid_cell.shortfall)} short"
    if grid_cell.beyond_growth > 0:
        return f"{fmt_volume(grid_cell.beyond_growth)} beyond growth"
    if grid_cell.by_growth > 0:
        return f"{fmt_volume(grid_cell.by_growth)} by growth"
    if grid_cell.over_allocation > 0:
        return f"{fmt_volume(grid_cell.over_allocation)} over"
    if grid_cell.headroom_pct is None:
        return "0 short"
    return f"0 short · {fmt_pct(grid_cell.headroom_pct)} spare"


def cell_note(grid_cell: CoverageCell) -> str:
    """Everything about one cell, line by line."""
    where = f"{grid_cell.service_line} — {grid_cell.area}"
    if grid_cell.status is None:
        return f"{where}\nNot required by the tender."
    unit = f" {grid_cell.unit}s a year" if grid_cell.unit else " a year"
    lines = [
        f"{where}: {STATUS_WORDS[grid_cell.status].lower()}",
        f"Required: {fmt_volume(grid_cell.required)}{unit}",
        f"Allocated: {fmt_volume(grid_cell.allocated)} ({fmt_pct(grid_cell.coverage_pct)} of required)",
        f"Shortfall: {fmt_volume(grid_cell.shortfall)}",
    ]
    if grid_cell.over_allocation > 0:
        lines.append(f"Allocated beyond what is required: {fmt_volume(grid_cell.over_allocation)}")
    lines.append(f"Members' capacity: {fmt_volume(grid_cell.capacity)} now, "
                 f"{fmt_volume(grid_cell.capacity_with_growth)} with growth; "
                 f"headroom {fmt_pct(grid_cell.headroom_pct)}")
    if grid_cell.reasons:
        lines.append("Why: " + "; ".join(grid_cell.reasons))
    if grid_cell.deliverers:
        lines.append("Delivered by: " + "; ".join(f"{n} {fmt_volume(v)}" for n, v in grid_cell.deliverers))
    if len(grid_cell.requirement_ids) > 1:
        lines.append(f"({len(grid_cell.requirement_ids)} requirements, e.g. in different lots, share this cell)")
    return "\n".join(lines)


def cell_accessible(grid_cell: CoverageCell) -> str:
    if grid_cell.status is None:
        return f"{grid_cell.service_line}, {grid_cell.area}: not required"
    return (f"{grid_cell.service_line}, {grid_cell.area}: {STATUS_WORDS[grid_cell.status]}, "
            f"{fmt_pct(grid_cell.coverage_pct)} covered, {fmt_volume(grid_cell.shortfall)} short")


def coverage_grid_of(results: Mapping[str, Any], coverage: _capacity.CoverageResult) -> CoverageGrid | None:
    """The ``coverage_grid`` analysis's result; computed from ``coverage`` by the same domain function
    when the caller's results do not include it; None when it was refused."""
    if "coverage_grid" not in results:
        return _capacity.coverage_grid(coverage)
    grid = results["coverage_grid"]
    return grid if isinstance(grid, CoverageGrid) else None


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
            notes=Lazily(cell_note, row),  # made when a tooltip asks
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


# --------------------------------------------------------------------------- the case's section

HEATMAP_COLUMNS = 9  # areas per heat map table before it is split
PARTNERS_SHOWN = 8


def build_capacity(ctx: CaseContext) -> list[Block] | None:
    coverage: _capacity.CoverageResult | None = ctx.result("coverage")
    workforce: _capacity.WorkforceResult | None = ctx.result("workforce")
    if coverage is None and workforce is None:
        return None
    blocks: list[Block] = []
    if coverage is not None:
        blocks.append(Paragraph(
            f"The tender asks for {format_decimal(coverage.total_required, 0)} units a year across "
            f"{len(coverage.requirements)} requirements (service line × area). The members are allocated "
            f"{format_decimal(coverage.total_allocated, 0)}, covering "
            f"{format_value(coverage.covered_pct, Kind.PERCENT)} of it: {coverage.n_covered} requirements covered "
            f"with headroom, {coverage.n_thin} thin (little headroom or relying on growth) and {coverage.n_gap} with "
            f"a gap. Mobilisation allows {coverage.mobilisation_months} months."))
        grid = coverage_grid_of(ctx.results, coverage)
        if grid is not None and grid.rows:
            blocks.append(Heading("Coverage by service line and area"))
            blocks.extend(split_columns(coverage_heatmap(grid), HEATMAP_COLUMNS))
        blocks.extend(_utilisation(coverage))
    partners: list[_capacity.PartnerCandidate] | None = ctx.result("partners")
    if partners:
        rows = [(cell(p.name), cell(p.kind.label), cell(p.home_area), cell(p.covers), cell(p.covers_pct),
                 cell(Decimal(p.lead_time_months)), cell(yes_no(p.mobilisation_ok)))
                for p in partners[:PARTNERS_SHOWN]]
        blocks.append(Heading("Partners who could fill the gaps"))
        blocks.append(Table("partners", (
            Column("Organisation"), Column("Kind"), Column("Home area"), Column("Volume it covers", Kind.NUMBER, 0),
            Column("Share of gaps", Kind.PERCENT), Column("Lead time (months)", Kind.NUMBER, 0),
            Column("Ready in time")), tuple(rows)))
    if workforce is not None:
        blocks.extend(_workforce(ctx, workforce))
    proposal: _optimise.Proposal | None = ctx.result("optimiser")
    if proposal is not None and coverage is not None and proposal.member_totals:
        blocks.extend(_optimiser(coverage, proposal))
    return blocks


def _mobilisation(ready: bool | None) -> tuple[str, Status | None]:
    """A member's readiness in time for service start, as text and colour."""
    if ready is None:
        return MISSING, None
    return ("ready", Status.GREEN) if ready else ("late", Status.AMBER)


def _months(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _utilisation(coverage: _capacity.CoverageResult) -> list[Block]:
    members = [m for m in coverage.members if m.allocated > 0 or m.capacity > 0]
    if not members:
        return []
    out: list[Block] = [Heading("Members' capacity")]
    charted = [m for m in members if m.utilisation_pct is not None]
    if charted:
        out.append(Chart("utilisation", ChartKind.BAR, "Allocated volume as % of each member's capacity now",
                         tuple(m.name for m in charted),
                         (Series("Utilisation", tuple(m.utilisation_pct for m in charted)),),
                         "Member", "Utilisation of capacity now (%)", y_kind=Kind.PERCENT, horizontal=True,
                         references=(ReferenceLine("Capacity now", Decimal(100)),)))
    rows = []
    for m in members:
        ready, ready_status = _mobilisation(m.mobilisation_ok)
        rows.append((cell(m.name), cell(m.role.label), cell(m.allocated), cell(m.capacity), cell(m.utilisation_pct),
                     cell(m.max_growth_needed_pct, Status.RED if m.growth_exceeds_limit else None),
                     cell(_months(m.lead_time_months)), cell(ready, ready_status)))
    out.append(Table("member_capacity", (
        Column("Member"), Column("Role"), Column("Allocated", Kind.NUMBER, 0), Column("Capacity now", Kind.NUMBER, 0),
        Column("Utilisation", Kind.PERCENT), Column("Growth needed", Kind.PERCENT),
        Column("Lead time (months)", Kind.NUMBER, 0), Column("Mobilisation")), tuple(rows),
        note=f"Volumes are units a year in each requirement's own unit. Mobilisation: {coverage.mobilisation_months} "
             "months; a member is late when its longest lead time to grow is longer."))
    return out


def recruitment_parts(workforce: _capacity.WorkforceResult) -> tuple[Decimal, Decimal]:
    """(new posts after TUPE, replacements for staff turnover) in the first year's recruitment: the two
    parts of ``total_recruitment_fte`` (DOMAIN §5: max(0, FTE − TUPE) + FTE × turnover)."""
    new_posts = sum((max(ZERO, ln.fte - ln.tupe_fte) for ln in workforce.lines), ZERO)
    return new_posts, workforce.total_recruitment_fte - new_posts


def _workforce(ctx: CaseContext, workforce: _capacity.WorkforceResult) -> list[Block]:
    out: list[Block] = [Heading("Workforce")]
    new_posts, turnover = recruitment_parts(workforce)
    unassigned = sum((u.fte for u in workforce.tupe_unassigned), ZERO)
    out.append(Paragraph(
        f"Delivering the allocated volume takes {format_decimal(workforce.total_fte)} FTE at "
        f"{format_decimal(workforce.productive_hours_per_fte, 0)} productive hours per FTE a year. "
        f"{format_decimal(workforce.total_tupe_fte)} FTE transfer under TUPE, leaving "
        f"{format_decimal(new_posts)} FTE of new posts to fill; with "
        f"{format_decimal(workforce.staff_turnover_pct, 0)}% staff turnover a year, another "
        f"{format_decimal(turnover)} FTE leave and are replaced in the first year, so "
        f"{format_decimal(workforce.total_recruitment_fte)} FTE must be recruited in year one."
        + (f" {format_decimal(unassigned)} FTE in TUPE cohorts are not assigned to any member: the staff who "
           "would transfer to no one are not counted above." if unassigned else "")))
    rows = []
    for m in workforce.members:
        ready, ready_status = _mobilisation(m.mobilisation_ok)
        rows.append((cell(m.name), cell(m.fte), cell(m.tupe_fte), cell(m.recruitment_fte),
                     cell(_months(m.lead_time_months)), cell(ready, ready_status)))
    rows.append((cell("Total"), cell(workforce.total_fte), cell(workforce.total_tupe_fte),
                 cell(workforce.total_recruitment_fte), cell(None), cell("")))
    out.append(Table("workforce", (
        Column("Member"), Column("FTE", Kind.NUMBER), Column("TUPE FTE", Kind.NUMBER),
        Column("Recruitment FTE", Kind.NUMBER), Column("Lead time (months)", Kind.NUMBER, 0),
        Column("Mobilisation")), tuple(rows), total_rows=1))
    charted = [m for m in workforce.members if m.fte > 0]
    if charted:
        out.append(Chart("workforce_chart", ChartKind.STACKED, "Staff by member: transferring and recruited",
                         tuple(m.name for m in charted), (
                             Series("TUPE transfer", tuple(min(m.tupe_fte, m.fte) for m in charted)),
                             Series("Other staff", tuple(max(ZERO, m.fte - m.tupe_fte) for m in charted)),
                         ), "Member", "Staff (FTE)", y_kind=Kind.NUMBER, horizontal=True))
    if workforce.tupe_assignments or workforce.tupe_unassigned:
        rows = [(cell(a.cohort_name), cell(ctx.member_name(a.member_id)), cell(a.service_line), cell(a.fte))
                for a in workforce.tupe_assignments]
        rows += [(cell(u.cohort_name), cell("not assigned", Status.AMBER), cell(u.reason), cell(u.fte))
                 for u in workforce.tupe_unassigned]
        out.append(Table("tupe", (Column("TUPE cohort"), Column("Transfers to"), Column("Service line"),
                                  Column("FTE", Kind.NUMBER)), tuple(rows), title="TUPE transfers"))
    return out


def _optimiser(coverage: _capacity.CoverageResult, proposal: _optimise.Proposal) -> list[Block]:
    now = {m.member_id: m.allocated for m in coverage.members}
    rows = [(cell(mt.name), cell(now.get(mt.member_id, ZERO)), cell(mt.volume), cell(mt.share_pct))
            for mt in proposal.member_totals]
    rows.append((cell("Total"), cell(coverage.total_allocated), cell(proposal.total_volume), cell(None)))
    return [
        Heading("Least-cost split"),
        Paragraph(f"A linear programme finds the split of the volume among these members that costs least, "
                  f"within each member's capacity and growth: {proposal.message} It prices each member's units at "
                  "its direct cost (pay and non-pay), before fixed and shared costs, fee and margin, so its total is "
                  "not the bid's cost."),
        Table("optimiser", (Column("Member"), Column("Allocated now", Kind.NUMBER, 0),
                            Column("Least-cost proposal", Kind.NUMBER, 0),
                            Column("Share of requirement", Kind.PERCENT)), tuple(rows), total_rows=1),
    ]
