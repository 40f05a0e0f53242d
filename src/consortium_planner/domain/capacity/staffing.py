"""Workforce: FTE by member and service line, recruitment, and TUPE cohorts assigned to members; and
its findings.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..findings import Finding, Severity
from ..model import CostProfile, Role, stored_id
from ..money import HUNDRED, ZERO, allocate, format_decimal
from ..workspace import Workspace
from .context import _context, _key, paid_hours_per_unit
from .results import (
    DEFAULT_PRODUCTIVE_HOURS,
    DEFAULT_STAFF_TURNOVER_PCT,
    DEFAULT_TRAINING_RATIO,
    DEFAULT_TRAVEL_RATIO,
    FTE_PLACES,
    HOURS_PLACES,
    ONE,
    MemberWorkforce,
    TupeAssignment,
    TupeUnassigned,
    WorkforceLine,
    WorkforceResult,
)


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
    for cohort in sorted(ws.tupe_cohorts(ctx.tender.id), key=lambda c: c.id or 0):
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
            unassigned.append(TupeUnassigned(stored_id(cohort), cohort.name, cohort.fte,
                                             f"no member is allocated {where or 'any volume'}"))
            continue
        order = sorted(weights)
        parts = allocate(cohort.fte, [weights[lk] for lk in order])
        for lk, part in zip(order, parts, strict=True):
            tupe[lk] += part
            assignments.append(TupeAssignment(stored_id(cohort), cohort.name, lk[0],
                                              display.get(lk[1], cohort.service_line), part))

    # lines
    by_member: dict[int, list[WorkforceLine]] = defaultdict(list)
    for m in ctx.members:
        mid = stored_id(m)
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
                roles = ws.roles(profile.id)
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
        mid = stored_id(m)
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
        option_id=option_id, tender_id=stored_id(ctx.tender),
        productive_hours_per_fte=productive_hours_per_fte, staff_turnover_pct=staff_turnover_pct,
        mobilisation_months=mob, members=tuple(members), lines=tuple(all_lines),
        tupe_assignments=tuple(assignments), tupe_unassigned=tuple(unassigned),
        total_fte=sum((ln.fte for ln in all_lines), ZERO),
        total_tupe_fte=sum((ln.tupe_fte for ln in all_lines), ZERO),
        total_recruitment_fte=sum((ln.recruitment_fte for ln in all_lines), ZERO),
        warnings=tuple(warnings),
    )


def workforce_findings(result: WorkforceResult) -> list[Finding]:
    out = [Finding("workforce_warning", w, Severity.WARNING) for w in result.warnings]
    out.extend(Finding("tupe_unassigned", f"TUPE cohort {u.cohort_name} ({format_decimal(u.fte)} FTE) is not assigned: "
                       f"{u.reason}", Severity.WARNING, figures=(("fte", u.fte),)) for u in result.tupe_unassigned)
    return out
