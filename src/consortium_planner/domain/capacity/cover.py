"""Coverage of the tender's requirements by the option's allocations and its members' capacity, and
its findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from ..findings import Finding, Severity
from ..model import Requirement, stored_id
from ..money import ZERO, format_decimal, quantize
from ..workspace import Workspace
from .context import (
    _Context,
    _context,
    _key,
    _latest_turnover,
    _pct,
    _requirement_values,
    _vol,
    dependency_rating,
)
from .partners import partner_candidates
from .results import (
    THIN_HEADROOM_PCT,
    CoverageResult,
    CoverageStatus,
    GapCure,
    Key,
    MemberCapacityLine,
    MemberCoverage,
    RequirementCoverage,
)


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
        mid = stored_id(m)
        m_now = m_grown = ZERO
        for k, have in ctx.caps[mid].items():
            if k in tender_keys:
                key_now[k] += have.units
                key_grown[k] += have.grown
                key_providers[k].append(mid)
                m_now += have.units
                m_grown += have.grown
        member_now[mid] = m_now
        member_grown[mid] = m_grown
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
    keep = ws.scenario is None
    for r in ctx.requirements:
        rid = stored_id(r)
        k = ctx.req_key[rid]
        per = ctx.alloc.get(rid, {})
        allocs = tuple(sorted(per.items()))
        now, grown = key_now.get(k, ZERO), key_grown.get(k, ZERO)
        providers = tuple(key_providers.get(k, ()))
        req_k = required_by_key[k]
        b_now, b_grown = beyond_now.get(k, ZERO), beyond_grown.get(k, ZERO)
        value = values[rid]
        # everything the row reads but the requirement itself, its figures to the digit ("10" is not "10.0")
        reads = (str(now), str(grown), providers, str(req_k), str(b_now), str(b_grown), str(value),
                 tuple((mid, str(v)) for mid, v in allocs))
        hit = _ROWS.get((option_id, rid))
        if hit is not None and hit[0] is r and hit[1] == reads:
            row = hit[2]
        else:
            row = _requirement_row(r, rid, allocs, now, grown, providers, req_k, b_now, b_grown, value)
            if keep:  # a scenario's rows (a sensitivity point's volumes) would push out the stored ones
                if len(_ROWS) >= _ROWS_SIZE:
                    _ROWS.clear()
                _ROWS[(option_id, rid)] = (r, reads, row)
        counts[row.status] += 1
        tot_req += row.required
        tot_alloc += row.allocated
        tot_cov += min(row.allocated, row.required)
        tot_short += row.shortfall
        tot_over += row.over_allocation
        req_rows.append(row)

    # members
    value_share: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for rid, per in ctx.alloc.items():
        denominator = max(ctx.req_by_id[rid].annual_volume, sum(per.values(), ZERO))
        if denominator > 0 and values[rid]:
            for mid, v in per.items():
                value_share[mid] += values[rid] * v / denominator
    member_rows: list[MemberCoverage] = []
    for m in ctx.members:
        mid = stored_id(m)
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

    gap_cures = _gap_cures(ws, ctx, req_rows, key_grown) if counts[CoverageStatus.GAP] else ()
    return CoverageResult(
        option_id=option_id, tender_id=stored_id(ctx.tender), mobilisation_months=mob,
        requirements=tuple(req_rows), members=tuple(member_rows), total_required=tot_req,
        total_allocated=tot_alloc, total_covered=tot_cov, coverage_pct=_pct(tot_alloc, tot_req),
        covered_pct=_pct(tot_cov, tot_req), total_shortfall=tot_short, total_over_allocation=tot_over,
        n_covered=counts[CoverageStatus.COVERED], n_thin=counts[CoverageStatus.THIN],
        n_gap=counts[CoverageStatus.GAP], annual_value=quantize(tender.annual_value), value_basis=basis,
        warnings=tuple(warnings), gap_cures=gap_cures,
    )


#: Requirement rows of earlier coverages, by option and requirement: the requirement (the very same immutable
#: object), what else the row reads, and the row. An edit changes one allocation, and so the rows of one service
#: line and area; the other rows are taken as they were (on the large workspace, 800 rows of about 14 µs each were
#: most of the coverage's 11 ms). Only the workspace as stored keeps rows, as ``costing._LINES`` keeps member lines.
_ROWS: dict[tuple[int, int], tuple[Requirement, tuple[object, ...], RequirementCoverage]] = {}
_ROWS_SIZE = 50_000  # the large workspace's ten options hold 8,000


def _requirement_row(r: Requirement, rid: int, allocs: tuple[tuple[int, Decimal], ...], now: Decimal,
                     grown: Decimal, providers: tuple[int, ...], req_k: Decimal, b_now: Decimal, b_grown: Decimal,
                     value: Decimal) -> RequirementCoverage:
    """One requirement's coverage: ``allocs`` its allocations by member; ``now``, ``grown`` and ``providers`` its
    service line and area's capacity now and with growth and the members that have it; ``req_k`` the volume the
    tender requires there; ``b_now`` and ``b_grown`` the volume allocated there beyond members' capacity now and
    with growth; ``value`` the requirement's annual value."""
    allocated = sum((v for _mid, v in allocs), ZERO)
    required = r.annual_volume
    headroom = _pct(now - req_k, req_k)
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
    shortfall = max(ZERO, required - allocated)
    over = max(ZERO, allocated - required)
    return RequirementCoverage(  # positional, in field order
        rid, r.lot_id, r.service_line, r.area, r.unit, required, allocated, shortfall, over,
        _pct(allocated, required), now, _vol(grown), headroom, _vol(b_now), _vol(b_grown), status,
        tuple(reasons), allocs, providers, value,
    )


def _gap_cures(ws: Workspace, ctx: _Context, rows: list[RequirementCoverage],
               key_grown: Mapping[Key, Decimal]) -> tuple[GapCure, ...]:
    """For each gap: what the members could still take on, then the partner finder's candidates for the rest."""
    spare: dict[Key, Decimal] = {}
    for r in rows:
        k = ctx.req_key[r.requirement_id]
        spare[k] = spare.get(k, key_grown.get(k, ZERO)) - r.allocated
    helps: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for candidate in partner_candidates(ws, ctx):
        for h in candidate.helps:
            helps[h.requirement_id].append((candidate.name, h.covers))
    out = []
    for r in rows:
        if r.status is not CoverageStatus.GAP:
            continue
        k = ctx.req_key[r.requirement_id]
        take = _vol(max(ZERO, min(spare.get(k, ZERO), r.shortfall)))
        spare[k] = spare.get(k, ZERO) - take
        rest = r.shortfall - take
        partners = []
        for name, covers in sorted(helps.get(r.requirement_id, ()), key=lambda x: (-x[1], x[0].casefold())):
            if rest <= 0:
                break
            use = min(covers, rest)
            partners.append((name, use))
            rest -= use
        out.append(GapCure(r.requirement_id, r.shortfall, take, tuple(partners), max(ZERO, rest)))
    return tuple(out)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _units(volume: Decimal, unit: str) -> str:
    return f"{format_decimal(volume, 0)} {unit}{'' if volume == 1 else 's'}"


def _gap_finding(r: RequirementCoverage, cure: GapCure | None) -> Finding:
    """A requirement not fully allocated. Blocking when no member or organisation in the workspace can deliver
    part of it; otherwise serious, cured by allocating to members who can grow to it and by the partners
    the partner finder names, each with its volume."""
    message = (f"{r.service_line}, {r.area}: {_units(r.shortfall, r.unit)} a year not allocated"
               + (f" ({'; '.join(r.reasons)})" if r.reasons else "") + ".")
    figures: tuple[tuple[str, Decimal], ...] = (("shortfall", r.shortfall), ("required", r.required))
    if cure is None:
        return Finding("capacity_gap", message, Severity.SERIOUS, figures=figures)
    steps, cure_figures = [], []
    if cure.members_can_take > 0:
        steps.append(f"allocate {_units(cure.members_can_take, r.unit)} more to the members, within their capacity "
                     "including growth")
        cure_figures.append(("allocate_to_members", cure.members_can_take))
    for i, (name, volume) in enumerate(cure.partners, 1):
        steps.append(f"add {name} as a partner for {_units(volume, r.unit)} a year")
        cure_figures.append((f"partner_{i}_volume", volume))
    where = f"{r.service_line} in {r.area}"
    if cure.uncovered > 0:
        figures += (("uncovered", cure.uncovered),)
        message += (f" No member or other organisation in the workspace can deliver {_units(cure.uncovered, r.unit)} "
                    "a year of it.")
        text = (f"Find a partner with {_units(cure.uncovered, r.unit)} a year of {where} that no organisation in the "
                "workspace has" + ("; and " + "; ".join(steps) if steps else "") + ".")
        return Finding("capacity_gap", message, Severity.BLOCKING, figures=figures, cure=text,
                       cure_figures=(("partner_volume_needed", cure.uncovered), *cure_figures))
    text = f"{where}: " + "; ".join(steps) + "."
    return Finding("capacity_gap", message, Severity.SERIOUS, figures=figures, cure=text[0].upper() + text[1:],
                   cure_figures=tuple(cure_figures))


#: the most service lines and areas a finding names (the Capacity tab lists every one)
NAMED_LINES = 5


def _where(over: list[tuple[MemberCapacityLine, Decimal]]) -> str:
    """The service lines and areas a member is allocated beyond its growth limit, and by how much: every one,
    or the largest ``NAMED_LINES`` and how many more. A finding is read in the verdict above the tabs and on the
    investment case's first page: on the large workspace one member's 190 lines filled the banner at
    1280×720."""
    shown = over if len(over) <= NAMED_LINES else sorted(over, key=lambda lv: -lv[1])[:NAMED_LINES]
    text = "; ".join(f"{line.service_line}, {line.area}: {format_decimal(v, 0)}" for line, v in shown)
    rest = len(over) - len(shown)
    if rest:
        text += f"; and {rest} more service line{'s' if rest != 1 else ''} and area{'s' if rest != 1 else ''}"
    return text


def coverage_findings(result: CoverageResult) -> list[Finding]:
    """Gaps (serious when members or partners could fill them, with the allocation or partner that would;
    blocking when nobody in the workspace can), thin cover, members beyond their growth, late mobilisation
    and the analysis's own warnings, largest gap first."""
    out: list[Finding] = []
    gaps = sorted((r for r in result.requirements if r.status is CoverageStatus.GAP), key=lambda r: -r.shortfall)
    for r in gaps:
        out.append(_gap_finding(r, result.gap_cure(r.requirement_id)))
    if result.n_thin:
        out.append(Finding("capacity_thin", f"{result.n_thin} of {len(result.requirements)} requirements are thin: "
                           "covered, but with little headroom or relying on members growing.", Severity.WARNING,
                           figures=(("thin", Decimal(result.n_thin)),)))
    for m in result.members:
        if m.growth_exceeds_limit:
            over = [(line, line.allocated - line.capacity_with_growth) for line in m.lines if line.exceeds_growth_limit]
            excess = sum((v for _, v in over), ZERO)
            where = _where(over)
            out.append(Finding("growth_beyond_limit", f"{m.name} is allocated {format_decimal(excess, 0)} units a year "
                               f"more than it can reach even with its maximum growth ({where}).", Severity.SERIOUS,
                               figures=(("beyond_growth", excess),),
                               cure=f"Move {format_decimal(excess, 0)} units a year of {m.name}'s allocation ({where}) "
                                    "to members or partners with room (Optimise allocation finds the split), or "
                                    "raise its growth limit if it can really grow that far.",
                               cure_figures=(("move_units", excess),)))
        if m.mobilisation_ok is False:
            out.append(Finding("mobilisation_late", f"{m.name} needs {m.lead_time_months} months to grow capacity; "
                               f"mobilisation allows {m.mobilisation_months}.", Severity.WARNING, "Mobilisation",
                               figures=(("lead_time_months", Decimal(m.lead_time_months or 0)),
                                        ("mobilisation_months", Decimal(m.mobilisation_months)))))
    out.extend(Finding("coverage_warning", w, Severity.WARNING) for w in result.warnings)
    return out
