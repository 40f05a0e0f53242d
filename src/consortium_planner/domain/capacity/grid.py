"""The coverage grid: one service line × area with every lot taken together (the one aggregation
across lots, which every heat map shows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..model import key
from ..money import HUNDRED, ZERO
from .results import CoverageResult, CoverageStatus, RequirementCoverage

_WORST_FIRST = {CoverageStatus.GAP: 0, CoverageStatus.THIN: 1, CoverageStatus.COVERED: 2}


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """One service line × area of the tender, every lot it appears in taken together.

    Volumes are sums over the requirements (lots) that share the cell; the status is the worst of
    theirs; headroom and growth describe the service line and area as a whole.
    """

    service_line: str
    area: str
    unit: str
    status: CoverageStatus | None  # None: the tender requires nothing here
    required: Decimal = ZERO
    allocated: Decimal = ZERO
    shortfall: Decimal = ZERO
    over_allocation: Decimal = ZERO
    coverage_pct: Decimal | None = None
    capacity: Decimal = ZERO
    capacity_with_growth: Decimal = ZERO
    reasons: tuple[str, ...] = ()
    requirement_ids: tuple[int, ...] = ()
    deliverers: tuple[tuple[str, Decimal], ...] = ()  # (member name, volume)
    headroom_pct: Decimal | None = None  # members' capacity now beyond what is required
    by_growth: Decimal = ZERO  # allocated volume members reach only by growing
    beyond_growth: Decimal = ZERO  # allocated volume beyond members' capacity even with growth


@dataclass(frozen=True, slots=True)
class CoverageGrid:
    """Service lines (rows, with their unit when they have one) × areas (columns), in the order the
    tender lists its requirements."""

    rows: tuple[tuple[str, str], ...]  # (service line, unit or "")
    columns: tuple[str, ...]  # areas
    cells: tuple[tuple[CoverageCell, ...], ...]


def _grid_cell(reqs: list[RequirementCoverage], names: Mapping[int, str]) -> CoverageCell:
    first = reqs[0]
    if len(reqs) == 1:
        required, allocated, pct = first.required, first.allocated, first.coverage_pct
        shortfall, over = first.shortfall, first.over_allocation
        status = first.status
        reasons = first.reasons
    else:  # one service line & area in several lots: sums, and the worst status
        required = sum((r.required for r in reqs), ZERO)
        allocated = sum((r.allocated for r in reqs), ZERO)
        shortfall = sum((r.shortfall for r in reqs), ZERO)
        over = sum((r.over_allocation for r in reqs), ZERO)
        pct = (allocated * HUNDRED / required).quantize(Decimal("0.01")) if required else None
        status = min((r.status for r in reqs), key=_WORST_FIRST.__getitem__)
        reasons = tuple(dict.fromkeys(x for r in reqs for x in r.reasons))
    by_member: dict[int, Decimal] = defaultdict(Decimal)
    for r in reqs:
        for mid, v in r.allocations:
            by_member[mid] += v
    deliverers = tuple((names.get(mid, f"Member {mid}"), v) for mid, v in by_member.items() if v)
    return CoverageCell(first.service_line, first.area, first.unit, status, required, allocated, shortfall, over, pct,
                        first.capacity, first.capacity_with_growth, reasons, tuple(r.requirement_id for r in reqs),
                        deliverers, first.headroom_pct, first.beyond_current_capacity, first.beyond_capacity_with_growth)


def coverage_grid(result: CoverageResult) -> CoverageGrid:
    """The coverage of every service line × area (the heat map every surface shows)."""
    names = {m.member_id: m.name for m in result.members}
    line_names: dict[str, str] = {}
    area_names: dict[str, str] = {}
    units: dict[str, set[str]] = defaultdict(set)
    grouped: dict[tuple[str, str], list[RequirementCoverage]] = defaultdict(list)
    for r in result.requirements:
        lk, ak = key(r.service_line), key(r.area)
        line_names.setdefault(lk, r.service_line)
        area_names.setdefault(ak, r.area)
        if r.unit.strip():
            units[lk].add(r.unit.strip())
        grouped[(lk, ak)].append(r)
    cells = []
    for lk, line in line_names.items():
        row = []
        for ak, area in area_names.items():
            reqs = grouped.get((lk, ak))
            row.append(_grid_cell(reqs, names) if reqs else CoverageCell(line, area, "", None))
        cells.append(tuple(row))
    rows = tuple((line, next(iter(units[lk])) if len(units[lk]) == 1 else "") for lk, line in line_names.items())
    return CoverageGrid(rows, tuple(area_names.values()), tuple(cells))
