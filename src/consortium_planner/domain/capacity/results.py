"""Capacity: the units and thresholds, the statuses, and the result types of coverage, workforce and
the partner finder.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from ..model import MemberRole, OrgKind

PCT = Decimal("0.01")  # percentage points, two places
ZERO_PCT = Decimal("0.00")
VOLUME = Decimal("0.01")
FTE_PLACES = Decimal("0.01")
HOURS_PLACES = Decimal("0.0001")
ONE = Decimal(1)

THIN_HEADROOM_PCT = Decimal("10")  # covered, but capacity now is less than 110% of the requirement
DEPENDENCY_GREEN_PCT = Decimal("25")  # DOMAIN §2 [U]
DEPENDENCY_AMBER_PCT = Decimal("50")
DEFAULT_PRODUCTIVE_HOURS = Decimal("1600")  # DOMAIN §5 [U]
DEFAULT_STAFF_TURNOVER_PCT = Decimal("25")  # DOMAIN §5 [U]
DEFAULT_TRAVEL_RATIO = Decimal("0.20")  # DOMAIN §5
DEFAULT_TRAINING_RATIO = Decimal("0.03")

Key = tuple[str, str]  # (key(service_line), key(area))

VALUE_BY_VOLUME = "volume share of the tender's annual value"
VALUE_GIVEN = "values given by the caller"


class CoverageStatus(enum.StrEnum):
    COVERED = "covered"  # allocated ≥ required, with headroom, within current capacity
    THIN = "thin"  # allocated ≥ required, but little headroom or it relies on growth
    GAP = "gap"  # allocated < required


class Rag(enum.StrEnum):
    """Contract dependency rating (DOMAIN §2): ≤25% green, ≤50% amber, else red."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_GIVEN = "not given"  # latest turnover missing: never read as zero
    NO_TURNOVER = "no turnover"  # latest turnover given as zero


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RequirementCoverage:
    requirement_id: int
    lot_id: int | None
    service_line: str
    area: str
    unit: str
    required: Decimal
    allocated: Decimal  # sum of the option's allocations to this requirement
    shortfall: Decimal  # max(0, required − allocated)
    over_allocation: Decimal  # max(0, allocated − required)
    coverage_pct: Decimal | None  # allocated ÷ required; None when nothing is required
    capacity: Decimal  # members' units a year available now for this service line & area
    capacity_with_growth: Decimal  # Σ units × (1 + max growth)
    headroom_pct: Decimal | None  # (capacity now − required) ÷ required
    beyond_current_capacity: Decimal  # allocated volume members can deliver only by growing
    beyond_capacity_with_growth: Decimal  # allocated volume no member can deliver even with growth
    status: CoverageStatus
    reasons: tuple[str, ...]  # why thin or a gap, in words
    allocations: tuple[tuple[int, Decimal], ...]  # (member_id, volume)
    providers: tuple[int, ...]  # member ids with a capacity row for this service line & area
    annual_value: Decimal  # the share of the tender's annual value placed on this requirement


@dataclass(frozen=True, slots=True)
class MemberCapacityLine:
    """One member's position on one service line & area it is allocated on."""

    service_line: str
    area: str
    allocated: Decimal
    capacity: Decimal  # 0 when the member has no capacity row here
    capacity_with_growth: Decimal
    has_capacity_row: bool
    max_growth_pct: Decimal
    utilisation_pct: Decimal | None  # allocated ÷ capacity now
    growth_needed_pct: Decimal | None  # max(0, allocated − capacity) ÷ capacity; None if capacity 0
    exceeds_growth_limit: bool  # allocated > capacity with growth
    lead_time_months: int | None
    mobilisation_ok: bool | None  # mobilisation months ≥ lead time; None without a capacity row


@dataclass(frozen=True, slots=True)
class MemberCoverage:
    member_id: int
    organisation_id: int | None
    name: str
    role: MemberRole
    allocated: Decimal
    capacity: Decimal  # capacity now on the tender's service lines & areas
    capacity_with_growth: Decimal
    utilisation_pct: Decimal | None
    max_growth_needed_pct: Decimal | None  # the largest growth any line needs
    growth_exceeds_limit: bool  # some line is allocated beyond capacity with growth
    unsupported_volume: Decimal  # allocated where the member has no capacity row at all
    lead_time_months: int | None  # longest lead time of the lines it is allocated on
    mobilisation_months: int
    mobilisation_ok: bool | None  # None when nothing is allocated or no lead time is known
    contract_value: Decimal  # its share of the annual contract value (money)
    latest_turnover: Decimal | None
    turnover_year_end: dt.date | None
    dependency_pct: Decimal | None  # contract_value ÷ latest turnover
    dependency: Rag
    lines: tuple[MemberCapacityLine, ...]


@dataclass(frozen=True, slots=True)
class GapCure:
    """What would close one requirement's gap (``coverage``'s rule for its finding's severity and cure).

    ``members_can_take``: of the shortfall, what the option's members could still take on within their
    capacity including growth (requirements sharing a service line & area share it, in id order);
    ``partners``: organisations outside the option (the partner finder's candidates, largest first) and
    the volume each would take of the rest; ``uncovered``: what nobody in the workspace can deliver.
    """

    requirement_id: int
    shortfall: Decimal
    members_can_take: Decimal
    partners: tuple[tuple[str, Decimal], ...]
    uncovered: Decimal


@dataclass(frozen=True, slots=True)
class CoverageResult:
    option_id: int
    tender_id: int
    mobilisation_months: int
    requirements: tuple[RequirementCoverage, ...]
    members: tuple[MemberCoverage, ...]
    total_required: Decimal
    total_allocated: Decimal
    total_covered: Decimal  # Σ min(allocated, required): over-allocation does not fill gaps
    coverage_pct: Decimal | None  # total allocated ÷ total required
    covered_pct: Decimal | None  # total covered ÷ total required
    total_shortfall: Decimal
    total_over_allocation: Decimal
    n_covered: int
    n_thin: int
    n_gap: int
    annual_value: Decimal
    value_basis: str  # how requirements were valued for contract dependency
    warnings: tuple[str, ...]
    gap_cures: tuple[GapCure, ...] = ()  # one per requirement with a gap, in requirement order

    def gap_cure(self, requirement_id: int) -> GapCure | None:
        return next((g for g in self.gap_cures if g.requirement_id == requirement_id), None)

    def requirement(self, requirement_id: int) -> RequirementCoverage | None:
        return next((r for r in self.requirements if r.requirement_id == requirement_id), None)

    def member(self, member_id: int) -> MemberCoverage | None:
        return next((m for m in self.members if m.member_id == member_id), None)


@dataclass(frozen=True, slots=True)
class WorkforceLine:
    """FTE for one member on one service line (all areas it is allocated in)."""

    member_id: int
    service_line: str
    areas: tuple[str, ...]
    allocated_units: Decimal
    paid_hours_per_unit: Decimal  # h, four places
    fte: Decimal
    tupe_fte: Decimal
    recruitment_fte: Decimal  # max(0, FTE − TUPE FTE) + FTE × staff turnover
    cost_profile_id: int | None
    flags: tuple[str, ...]  # e.g. "no cost profile"
    lead_time_months: int | None
    mobilisation_ok: bool | None


@dataclass(frozen=True, slots=True)
class MemberWorkforce:
    member_id: int
    organisation_id: int | None
    name: str
    fte: Decimal
    tupe_fte: Decimal
    recruitment_fte: Decimal
    lead_time_months: int | None
    mobilisation_months: int
    mobilisation_ok: bool | None
    lines: tuple[WorkforceLine, ...]


@dataclass(frozen=True, slots=True)
class TupeAssignment:
    cohort_id: int
    cohort_name: str
    member_id: int
    service_line: str
    fte: Decimal


@dataclass(frozen=True, slots=True)
class TupeUnassigned:
    cohort_id: int
    cohort_name: str
    fte: Decimal
    reason: str


@dataclass(frozen=True, slots=True)
class WorkforceResult:
    option_id: int
    tender_id: int
    productive_hours_per_fte: Decimal
    staff_turnover_pct: Decimal
    mobilisation_months: int
    members: tuple[MemberWorkforce, ...]
    lines: tuple[WorkforceLine, ...]
    tupe_assignments: tuple[TupeAssignment, ...]
    tupe_unassigned: tuple[TupeUnassigned, ...]
    total_fte: Decimal
    total_tupe_fte: Decimal
    total_recruitment_fte: Decimal
    warnings: tuple[str, ...]

    def member(self, member_id: int) -> MemberWorkforce | None:
        return next((m for m in self.members if m.member_id == member_id), None)


@dataclass(frozen=True, slots=True)
class CapacityGap:
    requirement_id: int
    service_line: str
    area: str
    unit: str
    required: Decimal
    member_capacity: Decimal  # the part of the members' capacity this requirement can draw on
    gap: Decimal


@dataclass(frozen=True, slots=True)
class PartnerHelp:
    requirement_id: int
    service_line: str
    area: str
    gap: Decimal
    covers: Decimal  # min(gap, its capacity incl. growth)
    capacity: Decimal
    capacity_with_growth: Decimal
    lead_time_months: int


@dataclass(frozen=True, slots=True)
class PartnerCandidate:
    organisation_id: int
    name: str
    kind: OrgKind
    home_area: str
    covers: Decimal  # volume of the option's gaps it would fill
    total_gap: Decimal
    covers_pct: Decimal | None  # covers ÷ total gap
    requirements_helped: int
    local_requirements: int  # gaps it helps in its own home area
    lead_time_months: int  # longest lead time among the gaps it helps
    mobilisation_ok: bool
    helps: tuple[PartnerHelp, ...]
