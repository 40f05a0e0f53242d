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
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity
from .model import (
    Capacity,
    ConsortiumOption,
    CostProfile,
    Member,
    MemberRole,
    Organisation,
    OrgKind,
    Requirement,
    Role,
    Tender,
    key,
)
from .money import HUNDRED, ZERO, allocate, format_decimal, quantize
from .workspace import Workspace

__all__ = [
    "DEFAULT_PRODUCTIVE_HOURS",
    "DEFAULT_STAFF_TURNOVER_PCT",
    "DEFAULT_TRAINING_RATIO",
    "DEFAULT_TRAVEL_RATIO",
    "DEPENDENCY_AMBER_PCT",
    "DEPENDENCY_GREEN_PCT",
    "THIN_HEADROOM_PCT",
    "CapacityGap",
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
    "dependency_rating",
    "find_partners",
    "paid_hours_per_unit",
    "workforce",
]

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

# ``model.key`` memoised: the same few hundred service-line and area names recur thousands of times.
_key = functools.lru_cache(maxsize=8192)(key)

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


# --------------------------------------------------------------------------- helpers


def _pct(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    if not denominator:
        return None
    if not numerator:
        return ZERO_PCT
    return (numerator * HUNDRED / denominator).quantize(PCT)


def _vol(value: Decimal) -> Decimal:
    return value.quantize(VOLUME)


def capacity_with_growth(units: Decimal, max_growth_pct: Decimal) -> Decimal:
    """Units a year the organisation could reach: units × (1 + max growth ÷ 100), exact."""
    return units * (ONE + max_growth_pct / HUNDRED)


def dependency_rating(dependency_pct: Decimal | None, turnover: Decimal | None) -> Rag:
    """DOMAIN §2 contract dependency: ≤25% green, ≤50% amber, else red."""
    if turnover is None:
        return Rag.NOT_GIVEN
    if turnover == 0:
        return Rag.NO_TURNOVER
    assert dependency_pct is not None
    if dependency_pct <= DEPENDENCY_GREEN_PCT:
        return Rag.GREEN
    if dependency_pct <= DEPENDENCY_AMBER_PCT:
        return Rag.AMBER
    return Rag.RED


def paid_hours_per_unit(
    roles: list[Role], travel_ratio: Decimal, training_ratio: Decimal
) -> Decimal:
    """h = Σ roles' hours per unit × (1 + travel ratio + training ratio) (DOMAIN §5)."""
    return sum((r.hours_per_unit for r in roles), ZERO) * (ONE + travel_ratio + training_ratio)


@dataclass(slots=True)
class _Cap:
    """A member's capacity for one service line & area (rows that key-match are combined)."""

    service_line: str
    area: str
    units: Decimal
    grown: Decimal  # exact
    lead_time: int
    growth_pct: Decimal
    grown_q: Decimal = ZERO  # grown, quantized for results
    rows: int = 1


# organisation id → (its capacity rows, their index). Rows are immutable, so an index is reused
# while the workspace hands back the very same row objects (checked by identity; the cache holds
# them, so an identity cannot be reused by another object). Treat the cached dicts as read-only.
_CAP_CACHE: dict[int, tuple[list[Capacity], dict[Key, _Cap]]] = {}
_CAP_CACHE_SIZE = 2048


def _capacity_index(ws: Workspace, organisation_id: int | None) -> dict[Key, _Cap]:
    if organisation_id is None:
        return {}
    rows = ws.capacities(organisation_id)
    hit = _CAP_CACHE.get(organisation_id)
    if hit is not None and len(hit[0]) == len(rows) and all(a is b for a, b in zip(hit[0], rows, strict=True)):
        return hit[1]
    out = _build_capacity_index(rows)
    if len(_CAP_CACHE) >= _CAP_CACHE_SIZE:
        _CAP_CACHE.clear()
    _CAP_CACHE[organisation_id] = (rows, out)
    return out


def _build_capacity_index(rows: list[Capacity]) -> dict[Key, _Cap]:
    out: dict[Key, _Cap] = {}
    combined = False
    for c in sorted(rows, key=lambda c: c.id or 0):
        k = (_key(c.service_line), _key(c.area))
        grown = capacity_with_growth(c.units_per_year, c.max_growth_pct)
        have = out.get(k)
        if have is None:
            out[k] = _Cap(c.service_line, c.area, c.units_per_year, grown, c.lead_time_months,
                          c.max_growth_pct, grown.quantize(VOLUME))
        else:
            combined = True
            have.units += c.units_per_year
            have.grown += grown
            have.grown_q = have.grown.quantize(VOLUME)
            have.lead_time = max(have.lead_time, c.lead_time_months)
            have.rows += 1
    if combined:
        for have in out.values():
            if have.rows > 1:
                have.growth_pct = (((have.grown / have.units - ONE) * HUNDRED).quantize(PCT)
                                   if have.units else ZERO)
    return out


@dataclass(slots=True)
class _Context:
    option: ConsortiumOption
    tender: Tender
    members: list[Member]
    member_by_id: dict[int, Member]
    names: dict[int, str]  # member id → organisation name
    requirements: list[Requirement]
    req_by_id: dict[int, Requirement]
    req_key: dict[int, Key]
    reqs_by_key: dict[Key, list[Requirement]]
    caps: dict[int, dict[Key, _Cap]]  # member id → key → capacity
    alloc: dict[int, dict[int, Decimal]]  # requirement id → member id → volume
    warnings: list[str]


def _context(ws: Workspace, option_id: int) -> _Context:
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"There is no consortium option {option_id}.")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"Consortium option ‘{option.name}’ has no tender.")
    warnings: list[str] = []
    members = ws.members(option_id)
    member_by_id = {m.id: m for m in members if m.id is not None}
    names: dict[int, str] = {}
    caps: dict[int, dict[Key, _Cap]] = {}
    for m in members:
        assert m.id is not None
        org = ws.get(Organisation, m.organisation_id)
        names[m.id] = org.name if org else f"Member {m.id}"
        caps[m.id] = _capacity_index(ws, m.organisation_id)
    requirements = ws.requirements(tender.id) if tender.id is not None else []
    req_by_id = {r.id: r for r in requirements if r.id is not None}
    req_key: dict[int, Key] = {}
    reqs_by_key: dict[Key, list[Requirement]] = defaultdict(list)
    for r in requirements:
        k = (_key(r.service_line), _key(r.area))
        req_key[r.id] = k  # type: ignore[index]
        reqs_by_key[k].append(r)
    alloc: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for a in sorted(ws.allocations(option_id), key=lambda a: a.id or 0):
        if a.requirement_id not in req_by_id:
            warnings.append(f"Allocation {a.id} is to a requirement outside this tender; ignored.")
            continue
        if a.member_id not in member_by_id:
            warnings.append(f"Allocation {a.id} is to an organisation that is not a member; ignored.")
            continue
        per = alloc[a.requirement_id]  # type: ignore[index]
        per[a.member_id] = per.get(a.member_id, ZERO) + a.volume  # type: ignore[index]
    return _Context(option, tender, members, member_by_id, names, requirements, req_by_id, req_key,
                    dict(reqs_by_key), caps, dict(alloc), warnings)


def _latest_turnover(ws: Workspace, organisation_id: int | None) -> tuple[Decimal | None, dt.date | None]:
    if organisation_id is None:
        return None, None
    years = ws.financial_years(organisation_id)
    if not years:
        return None, None
    latest = years[-1]
    return latest.turnover, latest.year_end


def _requirement_values(
    ctx: _Context, requirement_values: Mapping[int, Decimal] | None
) -> tuple[dict[int, Decimal], str]:
    """Annual value placed on each requirement.

    Default: the tender's annual value split in proportion to required volume, to the penny, with
    the parts adding back to the annual value exactly (``money.allocate``). Volume is the only
    basis every workspace has; it is crude where units differ (hours against beds), so a caller
    with priced values (the pricing module) may pass ``requirement_values`` instead.
    """
    if requirement_values is not None:
        return {rid: quantize(requirement_values.get(rid, ZERO)) for rid in ctx.req_by_id}, VALUE_GIVEN
    ids = [r.id for r in ctx.requirements]
    parts = allocate(ctx.tender.annual_value, [r.annual_volume for r in ctx.requirements])
    return dict(zip(ids, parts, strict=True)), VALUE_BY_VOLUME  # type: ignore[arg-type]


# --------------------------------------------------------------------------- coverage


def coverage(
    ws: Workspace, option_id: int, *, requirement_values: Mapping[int, Decimal] | None = None
) -> CoverageResult:
    """Coverage of the tender's requirements by the option's allocations and members' capacity.

    A requirement is a *gap* when allocated < required; *thin* when covered but capacity now is
    below required + 10% (``THIN_HEADROOM_PCT``), or part of the allocation relies on a member
    growing, or is beyond what a member can reach even with growth (or is given to a member with
    no capacity row there); otherwise *covered*.

    Contract dependency per member = its share of the annual contract value ÷ its latest turnover
    (the most recent financial year; its turnover missing → "not given", zero → "no turnover").
    Its share of value = Σ over requirements of value_r × its volume ÷ max(required_r, allocated_r):
    over-allocation is scaled back, since the buyer pays for the required volume only.
    """
    ctx = _context(ws, option_id)
    tender = ctx.tender
    mob = tender.mobilisation_months
    values, basis = _requirement_values(ctx, requirement_values)
    warnings = list(ctx.warnings)
    if requirement_values is None and len({_key(r.unit) for r in ctx.requirements}) > 1:
        warnings.append("Requirements are in different units; valuing them by volume share is rough.")

    # allocated volume per member × key
    alloc_mk: dict[int, dict[Key, Decimal]] = defaultdict(dict)
    for rid, per in ctx.alloc.items():
        k = ctx.req_key[rid]
        for mid, v in per.items():
            mk = alloc_mk[mid]
            mk[k] = mk.get(k, ZERO) + v

    # per key: capacity now / with growth, volume beyond members' current capacity / growth
    key_now: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    key_grown: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    key_providers: dict[Key, list[int]] = defaultdict(list)
    member_now: dict[int, Decimal] = {}  # capacity on any of the tender's service lines & areas
    member_grown: dict[int, Decimal] = {}
    tender_keys = ctx.reqs_by_key
    for m in ctx.members:  # members in id order, so providers are too
        mid = m.id
        m_now = m_grown = ZERO
        for k, c in ctx.caps[mid].items():  # type: ignore[index]
            if k in tender_keys:
                key_now[k] += c.units
                key_grown[k] += c.grown
                key_providers[k].append(mid)  # type: ignore[arg-type]
                m_now += c.units
                m_grown += c.grown
        member_now[mid] = m_now  # type: ignore[index]
        member_grown[mid] = m_grown  # type: ignore[index]
    beyond_now: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    beyond_grown: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for mid, per_key in alloc_mk.items():
        caps = ctx.caps[mid]
        for k, v in per_key.items():
            c = caps.get(k)
            units, grown = (c.units, c.grown) if c else (ZERO, ZERO)
            if v > units:
                beyond_now[k] += v - units
            if v > grown:
                beyond_grown[k] += v - grown
    required_by_key = {k: sum((r.annual_volume for r in rs), ZERO) for k, rs in ctx.reqs_by_key.items()}

    req_rows: list[RequirementCoverage] = []
    tot_req = tot_alloc = tot_cov = tot_short = tot_over = ZERO
    counts = {s: 0 for s in CoverageStatus}
    for r in ctx.requirements:
        rid: int = r.id  # type: ignore[assignment]
        k = ctx.req_key[rid]
        per = ctx.alloc.get(rid, {})
        allocated = sum(per.values(), ZERO)
        required = r.annual_volume
        now, grown = key_now.get(k, ZERO), key_grown.get(k, ZERO)
        providers = tuple(key_providers.get(k, ()))
        req_k = required_by_key[k]
        headroom = _pct(now - req_k, req_k)
        b_now, b_grown = beyond_now.get(k, ZERO), beyond_grown.get(k, ZERO)
        reasons: list[str] = []
        if allocated < required:
            status = CoverageStatus.GAP
            reasons.append(f"{_plain(required - allocated)} a year not allocated")
            if not providers:
                reasons.append("no member has capacity for this service line and area")
            elif grown < req_k:
                reasons.append("members' capacity including growth is short by "
                               f"{_plain(_vol(req_k - grown))}")
        else:
            status = CoverageStatus.COVERED
            if headroom is None or headroom < THIN_HEADROOM_PCT:
                if required > 0:
                    reasons.append(f"capacity headroom under {_plain(THIN_HEADROOM_PCT)}%")
            if b_grown > 0:
                reasons.append(f"{_plain(_vol(b_grown))} allocated beyond members' capacity even with growth")
            elif b_now > 0:
                reasons.append(f"{_plain(_vol(b_now))} relies on members growing")
            if reasons:
                status = CoverageStatus.THIN
        counts[status] += 1
        shortfall = max(ZERO, required - allocated)
        over = max(ZERO, allocated - required)
        tot_req += required
        tot_alloc += allocated
        tot_cov += min(allocated, required)
        tot_short += shortfall
        tot_over += over
        req_rows.append(RequirementCoverage(  # positional, in field order: this loop runs per requirement
            rid, r.lot_id, r.service_line, r.area, r.unit, required, allocated, shortfall, over,
            _pct(allocated, required), now, _vol(grown), headroom, _vol(b_now), _vol(b_grown), status,
            tuple(reasons), tuple(sorted(per.items())), providers, values[rid],
        ))

    # members
    value_share: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for rid, per in ctx.alloc.items():
        denominator = max(ctx.req_by_id[rid].annual_volume, sum(per.values(), ZERO))
        if denominator > 0 and values[rid]:
            for mid, v in per.items():
                value_share[mid] += values[rid] * v / denominator
    member_rows: list[MemberCoverage] = []
    for m in ctx.members:
        mid: int = m.id  # type: ignore[assignment]
        caps = ctx.caps[mid]
        m_alloc_k = alloc_mk.get(mid, {})
        lines: list[MemberCapacityLine] = []
        m_alloc = unsupported = ZERO
        m_now, m_grown = member_now[mid], member_grown[mid]
        max_growth_needed: Decimal | None = None
        exceeds = False
        lead: int | None = None
        for k in sorted(m_alloc_k):
            a = m_alloc_k[k]
            c = caps.get(k)
            first = ctx.reqs_by_key[k][0]
            m_alloc += a
            if c is None:
                lines.append(MemberCapacityLine(first.service_line, first.area, a, ZERO, ZERO, False, ZERO,
                                                None, None, a > 0, None, None))
                unsupported += a
                exceeds = exceeds or a > 0
                continue
            units = c.units
            growth_needed = _pct(max(ZERO, a - units), units)
            over_limit = a > c.grown
            lines.append(MemberCapacityLine(first.service_line, first.area, a, units, c.grown_q, True,
                                            c.growth_pct, _pct(a, units), growth_needed, over_limit,
                                            c.lead_time, mob >= c.lead_time))
            if not a:
                continue
            exceeds = exceeds or over_limit
            if growth_needed is not None:
                max_growth_needed = growth_needed if max_growth_needed is None else max(
                    max_growth_needed, growth_needed)
            lead = c.lead_time if lead is None else max(lead, c.lead_time)
        turnover, year_end = _latest_turnover(ws, m.organisation_id)
        share = quantize(value_share.get(mid, ZERO))
        dep = _pct(share, turnover) if turnover else None
        member_rows.append(MemberCoverage(
            member_id=mid, organisation_id=m.organisation_id, name=ctx.names[mid], role=m.role,
            allocated=m_alloc, capacity=m_now, capacity_with_growth=_vol(m_grown),
            utilisation_pct=_pct(m_alloc, m_now), max_growth_needed_pct=max_growth_needed,
            growth_exceeds_limit=exceeds, unsupported_volume=unsupported, lead_time_months=lead,
            mobilisation_months=mob, mobilisation_ok=None if lead is None else mob >= lead,
            contract_value=share, latest_turnover=turnover, turnover_year_end=year_end,
            dependency_pct=dep, dependency=dependency_rating(dep, turnover), lines=tuple(lines),
        ))

    return CoverageResult(
        option_id=option_id, tender_id=ctx.tender.id, mobilisation_months=mob,  # type: ignore[arg-type]
        requirements=tuple(req_rows), members=tuple(member_rows), total_required=tot_req,
        total_allocated=tot_alloc, total_covered=tot_cov, coverage_pct=_pct(tot_alloc, tot_req),
        covered_pct=_pct(tot_cov, tot_req), total_shortfall=tot_short, total_over_allocation=tot_over,
        n_covered=counts[CoverageStatus.COVERED], n_thin=counts[CoverageStatus.THIN],
        n_gap=counts[CoverageStatus.GAP], annual_value=quantize(tender.annual_value), value_basis=basis,
        warnings=tuple(warnings),
    )


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# --------------------------------------------------------------------------- workforce


def workforce(
    ws: Workspace,
    option_id: int,
    *,
    productive_hours_per_fte: Decimal = DEFAULT_PRODUCTIVE_HOURS,
    staff_turnover_pct: Decimal = DEFAULT_STAFF_TURNOVER_PCT,
) -> WorkforceResult:
    """FTE, TUPE transfers and recruitment per member and service line (DOMAIN §5).

    FTE = allocated annual units × h ÷ productive hours per FTE, where h comes from the member's
    cost profile for the service line (Σ roles' hours per unit × (1 + travel + training)); with no
    profile h = 1 + 0.20 + 0.03 and the line is flagged "no cost profile"; a profile without roles
    is read as one role of one hour per unit and flagged.

    TUPE: each of the tender's cohorts goes to the members delivering its service line (and its
    area, when the cohort names one; a cohort naming no service line matches all of them), split
    in proportion to their allocated volume. Cohorts nobody delivers are listed as unassigned.
    Recruitment = max(0, FTE − TUPE FTE) + FTE × staff turnover, per line.
    """
    if productive_hours_per_fte <= 0:
        raise ValueError("Productive hours per FTE must be more than zero.")
    ctx = _context(ws, option_id)
    mob = ctx.tender.mobilisation_months
    turnover = staff_turnover_pct / HUNDRED
    warnings = list(ctx.warnings)

    # allocated units per member × service-line key, with the areas and lead times involved
    units: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    areas: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    leads: dict[tuple[int, str], int | None] = {}
    display: dict[str, str] = {}
    for rid, per in ctx.alloc.items():
        r = ctx.req_by_id[rid]
        k = ctx.req_key[rid]
        display.setdefault(k[0], r.service_line)
        for mid, v in per.items():
            if v <= 0:
                continue
            lk = (mid, k[0])
            units[lk] += v
            areas[lk].setdefault(k[1], r.area)
            c = ctx.caps[mid].get(k)
            prev = leads.get(lk)
            if c is not None:
                leads[lk] = c.lead_time if prev is None else max(prev, c.lead_time)
            else:
                leads.setdefault(lk, None)

    # TUPE split pro rata to allocated volume
    tupe: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    assignments: list[TupeAssignment] = []
    unassigned: list[TupeUnassigned] = []
    for cohort in sorted(ws.tupe_cohorts(ctx.tender.id), key=lambda c: c.id or 0):  # type: ignore[arg-type]
        sl, ar = _key(cohort.service_line), _key(cohort.area)
        weights: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
        for rid, per in ctx.alloc.items():
            rk = ctx.req_key[rid]
            if (sl and rk[0] != sl) or (ar and rk[1] != ar):
                continue
            for mid, v in per.items():
                if v > 0:
                    weights[(mid, rk[0])] += v
        if not weights:
            where = " in ".join(x for x in (cohort.service_line.strip(), cohort.area.strip()) if x)
            unassigned.append(TupeUnassigned(cohort.id, cohort.name, cohort.fte,  # type: ignore[arg-type]
                                             f"no member is allocated {where or 'any volume'}"))
            continue
        order = sorted(weights)
        parts = allocate(cohort.fte, [weights[lk] for lk in order])
        for lk, part in zip(order, parts, strict=True):
            tupe[lk] += part
            assignments.append(TupeAssignment(cohort.id, cohort.name, lk[0],  # type: ignore[arg-type]
                                              display.get(lk[1], cohort.service_line), part))

    # lines
    by_member: dict[int, list[WorkforceLine]] = defaultdict(list)
    for m in ctx.members:
        mid: int = m.id  # type: ignore[assignment]
        profiles: dict[str, CostProfile] = {}
        if m.organisation_id is not None:
            for p in sorted(ws.cost_profiles(m.organisation_id), key=lambda p: p.id or 0):
                profiles.setdefault(_key(p.service_line), p)
        for lk in sorted(k for k in units if k[0] == mid):
            profile = profiles.get(lk[1])
            flags: list[str] = []
            if profile is None:
                h = ONE + DEFAULT_TRAVEL_RATIO + DEFAULT_TRAINING_RATIO
                flags.append("no cost profile")
                profile_id = None
            else:
                roles = ws.roles(profile.id)  # type: ignore[arg-type]
                profile_id = profile.id
                if not roles or sum((r.hours_per_unit for r in roles), ZERO) == 0:
                    flags.append("cost profile has no role hours; one hour per unit assumed")
                    roles = [Role(name="assumed", hours_per_unit=ONE)]
                h = paid_hours_per_unit(roles, profile.travel_ratio, profile.training_ratio)
            fte_exact = units[lk] * h / productive_hours_per_fte
            fte = fte_exact.quantize(FTE_PLACES)
            t = tupe.get(lk, ZERO)
            recruit = (max(ZERO, fte - t) + fte * turnover).quantize(FTE_PLACES)
            lead = leads.get(lk)
            if lead is None:
                flags.append("no capacity row, so no lead time")
            by_member[mid].append(WorkforceLine(
                member_id=mid, service_line=display[lk[1]], areas=tuple(areas[lk].values()),
                allocated_units=units[lk], paid_hours_per_unit=h.quantize(HOURS_PLACES), fte=fte,
                tupe_fte=t, recruitment_fte=recruit, cost_profile_id=profile_id, flags=tuple(flags),
                lead_time_months=lead, mobilisation_ok=None if lead is None else mob >= lead,
            ))

    members: list[MemberWorkforce] = []
    all_lines: list[WorkforceLine] = []
    for m in ctx.members:
        mid = m.id  # type: ignore[assignment]
        lines = by_member.get(mid, [])
        all_lines.extend(lines)
        known = [ln.lead_time_months for ln in lines if ln.lead_time_months is not None]
        lead = max(known) if known else None
        members.append(MemberWorkforce(
            member_id=mid, organisation_id=m.organisation_id, name=ctx.names[mid],
            fte=sum((ln.fte for ln in lines), ZERO), tupe_fte=sum((ln.tupe_fte for ln in lines), ZERO),
            recruitment_fte=sum((ln.recruitment_fte for ln in lines), ZERO), lead_time_months=lead,
            mobilisation_months=mob, mobilisation_ok=None if lead is None else mob >= lead,
            lines=tuple(lines),
        ))
    if unassigned:
        warnings.append(f"{len(unassigned)} TUPE cohort(s) match no member's allocation.")
    return WorkforceResult(
        option_id=option_id, tender_id=ctx.tender.id,  # type: ignore[arg-type]
        productive_hours_per_fte=productive_hours_per_fte, staff_turnover_pct=staff_turnover_pct,
        mobilisation_months=mob, members=tuple(members), lines=tuple(all_lines),
        tupe_assignments=tuple(assignments), tupe_unassigned=tuple(unassigned),
        total_fte=sum((ln.fte for ln in all_lines), ZERO),
        total_tupe_fte=sum((ln.tupe_fte for ln in all_lines), ZERO),
        total_recruitment_fte=sum((ln.recruitment_fte for ln in all_lines), ZERO),
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- gaps and partners


def _gaps(ctx: _Context, include_member_growth: bool) -> list[CapacityGap]:
    """Per requirement: required − the members' capacity it can draw on.

    Requirements sharing a service line & area draw on the shared capacity in id order.
    """
    out: list[CapacityGap] = []
    for k, reqs in ctx.reqs_by_key.items():
        left = ZERO
        for m in ctx.members:
            c = ctx.caps[m.id].get(k)  # type: ignore[index]
            if c is not None:
                left += c.grown if include_member_growth else c.units
        for r in reqs:
            use = min(left, r.annual_volume)
            left -= use
            out.append(CapacityGap(r.id, r.service_line, r.area, r.unit, r.annual_volume,  # type: ignore[arg-type]
                                   _vol(use), _vol(r.annual_volume - use)))
    out.sort(key=lambda g: g.requirement_id)
    return out


def capacity_gaps(ws: Workspace, option_id: int, *, include_member_growth: bool = True) -> tuple[CapacityGap, ...]:
    """What the members could not deliver even using all their capacity (with growth by default).

    Independent of the current allocations: these are the gaps only new partners can fill.
    """
    return tuple(_gaps(_context(ws, option_id), include_member_growth))


def find_partners(
    ws: Workspace, option_id: int, *, include_member_growth: bool = True
) -> list[PartnerCandidate]:
    """Organisations outside the option ranked by how much of its capacity gaps they would fill.

    Gap per requirement = required − members' capacity (including their growth unless
    ``include_member_growth`` is false). A candidate fills Σ min(gap, its capacity including
    growth) over the gaps (requirements sharing a service line & area share its capacity).
    Ranked by volume filled, then requirements helped, then name; organisations that fill
    nothing are left out.
    """
    ctx = _context(ws, option_id)
    gaps = [g for g in _gaps(ctx, include_member_growth) if g.gap > 0]
    total_gap = sum((g.gap for g in gaps), ZERO)
    gaps_by_key: dict[Key, list[CapacityGap]] = defaultdict(list)
    for g in gaps:
        gaps_by_key[ctx.req_key[g.requirement_id]].append(g)
    member_orgs = {m.organisation_id for m in ctx.members}
    mob = ctx.tender.mobilisation_months
    out: list[PartnerCandidate] = []
    if not gaps:
        return out
    for org in ws.iter(Organisation):
        if org.id in member_orgs:
            continue
        caps = _capacity_index(ws, org.id)
        home = _key(org.home_area)
        helps: list[PartnerHelp] = []
        for k, c in caps.items():
            gs = gaps_by_key.get(k)
            if not gs:
                continue
            left = c.grown
            for g in gs:
                covers = _vol(min(left, g.gap))
                left -= min(left, g.gap)
                if covers > 0:
                    helps.append(PartnerHelp(g.requirement_id, g.service_line, g.area, g.gap, covers,
                                             c.units, _vol(c.grown), c.lead_time))
        if not helps:
            continue
        helps.sort(key=lambda h: (-h.covers, h.requirement_id))
        covers = sum((h.covers for h in helps), ZERO)
        lead = max(h.lead_time_months for h in helps)
        out.append(PartnerCandidate(
            organisation_id=org.id, name=org.name, kind=org.kind, home_area=org.home_area,  # type: ignore[arg-type]
            covers=covers, total_gap=total_gap, covers_pct=_pct(covers, total_gap),
            requirements_helped=len(helps),
            local_requirements=sum(1 for h in helps if home and _key(h.area) == home),
            lead_time_months=lead, mobilisation_ok=mob >= lead, helps=tuple(helps),
        ))
    out.sort(key=lambda p: (-p.covers, -p.requirements_helped, p.name.casefold(), p.organisation_id))
    return out


# --------------------------------------------------------------------------- findings


def coverage_findings(result: CoverageResult) -> list[Finding]:
    """Gaps (serious: the buyer's volume is not delivered), thin cover, members beyond their growth,
    late mobilisation and the analysis's own warnings, largest gap first."""
    out: list[Finding] = []
    gaps = sorted((r for r in result.requirements if r.status is CoverageStatus.GAP), key=lambda r: -r.shortfall)
    for r in gaps:
        out.append(Finding("capacity_gap", f"{r.service_line}, {r.area}: {format_decimal(r.shortfall, 0)} {r.unit}s a year not "
                           "allocated" + (f" ({'; '.join(r.reasons)})" if r.reasons else "") + ".", Severity.SERIOUS,
                           figures=(("shortfall", r.shortfall), ("required", r.required))))
    if result.n_thin:
        out.append(Finding("capacity_thin", f"{result.n_thin} of {len(result.requirements)} requirements are thin: "
                           "covered, but with little headroom or relying on members growing.", Severity.WARNING,
                           figures=(("thin", Decimal(result.n_thin)),)))
    for m in result.members:
        if m.growth_exceeds_limit:
            out.append(Finding("growth_beyond_limit", f"{m.name} is allocated more than it can reach even with its "
                               "maximum growth.", Severity.SERIOUS))
        if m.mobilisation_ok is False:
            out.append(Finding("mobilisation_late", f"{m.name} needs {m.lead_time_months} months to grow capacity; "
                               f"mobilisation allows {m.mobilisation_months}.", Severity.WARNING, "Mobilisation",
                               figures=(("lead_time_months", Decimal(m.lead_time_months or 0)),
                                        ("mobilisation_months", Decimal(m.mobilisation_months)))))
    out.extend(Finding("coverage_warning", w, Severity.WARNING) for w in result.warnings)
    return out


def workforce_findings(result: WorkforceResult) -> list[Finding]:
    out = [Finding("workforce_warning", w, Severity.WARNING) for w in result.warnings]
    out.extend(Finding("tupe_unassigned", f"TUPE cohort {u.cohort_name} ({format_decimal(u.fte)} FTE) is not assigned: "
                       f"{u.reason}", Severity.WARNING, figures=(("fte", u.fte),)) for u in result.tupe_unassigned)
    return out


# --------------------------------------------------------------------------- the coverage grid

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
