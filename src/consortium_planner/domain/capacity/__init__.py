"""Capacity of one consortium option against its tender: coverage, workforce and partner gaps.

Pure functions over a ``Workspace`` snapshot. Requirements, capacities, cost profiles and TUPE
cohorts are matched on ``(key(service_line), key(area))`` (see ``model.key``), through dicts built
once per call, so a large option (800 requirements, 1,600 allocations) takes a few milliseconds.

Conventions of every result here:

- volumes are ``Decimal`` in the requirement's unit; sums of stored volumes are exact, derived
  volumes (capacity with growth) are quantized to 0.01;
- money is ``Decimal`` quantized to the penny (``money.quantize``);
- percentages are percentage points (``Decimal("25")`` is 25%) quantized to 0.01, i.e. four
  decimal places as a fraction; ``None`` where the denominator is zero or missing;
- FTE figures are quantized to 0.01 and totals are sums of the rounded lines, so tables add up.

Requirements of one tender that share a service line and area (the same service in two lots)
share the members' capacity for that service line and area: capacity, headroom and growth figures
of such requirements describe the service line and area as a whole.

Modules (every public name is importable from the package itself): ``results`` (units,
thresholds, statuses and result types), ``context`` (the small rules and the indexes built once
per call), ``cover`` (``coverage`` and its findings), ``staffing`` (``workforce``, TUPE and their
findings), ``partners`` (``capacity_gaps``, ``find_partners``), ``grid`` (``coverage_grid``).
"""

from __future__ import annotations

from .context import capacity_with_growth, dependency_rating, paid_hours_per_unit
from .cover import coverage, coverage_findings
from .grid import CoverageCell, CoverageGrid, coverage_grid
from .partners import capacity_gaps, find_partners
from .results import (
    DEFAULT_PRODUCTIVE_HOURS,
    DEFAULT_STAFF_TURNOVER_PCT,
    DEFAULT_TRAINING_RATIO,
    DEFAULT_TRAVEL_RATIO,
    DEPENDENCY_AMBER_PCT,
    DEPENDENCY_GREEN_PCT,
    THIN_HEADROOM_PCT,
    CapacityGap,
    CoverageResult,
    CoverageStatus,
    MemberCapacityLine,
    MemberCoverage,
    MemberWorkforce,
    PartnerCandidate,
    PartnerHelp,
    Rag,
    RequirementCoverage,
    TupeAssignment,
    TupeUnassigned,
    WorkforceLine,
    WorkforceResult,
)
from .staffing import workforce, workforce_findings

__all__ = [
    "DEFAULT_PRODUCTIVE_HOURS",
    "DEFAULT_STAFF_TURNOVER_PCT",
    "DEFAULT_TRAINING_RATIO",
    "DEFAULT_TRAVEL_RATIO",
    "DEPENDENCY_AMBER_PCT",
    "DEPENDENCY_GREEN_PCT",
    "THIN_HEADROOM_PCT",
    "CapacityGap",
    "CoverageCell",
    "CoverageGrid",
    "CoverageResult",
    "CoverageStatus",
    "MemberCapacityLine",
    "MemberCoverage",
    "MemberWorkforce",
    "PartnerCandidate",
    "PartnerHelp",
    "Rag",
    "RequirementCoverage",
    "TupeAssignment",
    "TupeUnassigned",
    "WorkforceLine",
    "WorkforceResult",
    "capacity_gaps",
    "capacity_with_growth",
    "coverage",
    "coverage_findings",
    "coverage_grid",
    "dependency_rating",
    "find_partners",
    "paid_hours_per_unit",
    "workforce",
    "workforce_findings",
]
