"""Cost build-up of a consortium option: per member and service line, per unit, line by line.

DOMAIN.md §5. For each member delivering a service line (its allocations summed across areas):

- **wage** per role = hourly rate × paid hours per unit × (1 + holiday % + sickness %), where
  paid hours per unit h = contact hours per unit × (1 + travel ratio + training ratio);
- **employer NI** = NI % × max(0, annual gross − secondary threshold), annual gross = rate ×
  annual paid hours × (1 + holiday %). The annual amount is spread over the year's paid hours
  (holiday hours included), i.e. applied to the wage line at the effective rate
  NI ÷ annual gross — so NI per unit = wage per unit × annual NI ÷ annual gross;
- **pension** by scheme, spread the same way: auto-enrolment = the employer % (the profile's rate,
  never below the statutory minimum) of gross earnings between the lower and upper limits of
  qualifying earnings; NHS Pension = (employer % + administration levy %) of gross, or the
  profile's rate where that is higher (employers without central funding); LGPS and other
  defined-benefit schemes = the profile's employer % of gross; none = 0;
- **mileage** = miles per unit × the mileage rate; **non-pay** per unit;
- **member fixed costs** per unit = the profile's fixed costs a year ÷ the member's allocated
  volume of that service line;
- **protected pensions** of TUPE staff, when the option states a pension arrangement for a cohort
  (``partnering.charges``): the extra employer contributions, the LGPS bond premium and the exit
  payment provision a year, as lines of the member's employer pension (÷ its volume per unit).

The consortium's price per service line blends its members (volume-weighted), then adds:

- **shared back office** = the option's shared costs a year ÷ the consortium's total volume
  (economies of scale: the bigger the consortium, the smaller this line);
- **contingency** = contingency % × (direct cost + member fixed + shared);
- **irrecoverable VAT** on the flows between partners, on stated VAT statuses only
  (``partnering.charges.vat_terms``): a fixed amount a year (a vehicle paying members their cost)
  and a fraction q of the price (a lead's sub-contract payments and invoiced fees are shares of it);
  zero, and the price unchanged, where nothing is stated or VAT is recovered;
- the price grosses up for the **management fee** (a share of contract value, to the lead or
  vehicle) and the **margin**: price = cost ÷ (1 − margin % − fee % − q), rounded half-even to the
  penny (the price quoted in the bid), unless the caller fixes the price per unit.
  Then fee = fee % × price and margin = price − cost − fee (rounding of the price lands in margin).

Rounding and reconciliation policy (every table adds up to the penny):

1. Per-unit lines are kept exact (``CostLine.per_unit``, unrounded ``Decimal``).
2. Per-unit presentation (``per_unit_display``): the unit price is the penny price; the fee is
   the fee % of it rounded; cost lines are rounded by the largest-remainder method so they add to
   the rounded unit cost; the margin is what is left. Displayed lines add to the displayed total.
3. Annual figures are computed bottom-up in pence: a member's annual cost = its exact unit cost ×
   volume rounded to the penny, its lines rounded by largest remainder to add up to it; a service
   line's member-cost lines are the sums of its members' displayed lines; the shared back office
   is split across service lines with ``money.allocate`` (volume-weighted) so the parts add to the
   option's shared costs; contingency is the % of the option's cost rounded once and allocated
   across lines the same way; annual price = penny unit price × volume; fee = fee % × annual price
   rounded; margin = annual price − annual cost − fee. Totals are sums of the displayed lines.

A per-unit display line × volume need not equal the annual display line (each is rounded on its
own); the exact values reconcile.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import social_value as _social_value
from .costing_types import (
    CATEGORIES,
    COST_KINDS,
    CostBuildup,
    CostingError,
    CostLine,
    Flag,
    LineKind,
    MemberLineCost,
    MemberTotal,
    RoleCost,
    ServiceLineCost,
    TotalLine,
)
from .costing_types import CATEGORY_BY_KEY as _CATEGORY
from .findings import Severity
from .model import (
    Allocation,
    ConsortiumOption,
    CostProfile,
    Member,
    Organisation,
    PensionScheme,
    Requirement,
    Role,
    SocialValueCommitment,
    Tender,
    key,
    stored_id,
)
from .money import HUNDRED, ZERO, allocate, quantize
from .partnering import charges as _charges
from .rates import RateTable, RateYear, rates_for
from .tasks import checkpoint
from .workspace import Workspace

__all__ = [
    "CATEGORIES",
    "COST_KINDS",
    "CostBuildup",
    "CostLine",
    "CostingError",
    "Flag",
    "LineKind",
    "MemberLineCost",
    "MemberTotal",
    "RoleCost",
    "ServiceLineCost",
    "TotalLine",
    "cost_buildup",
    "reconcile",
    "role_cost",
]

ONE = Decimal(1)


# --------------------------------------------------------------------------- rounding


def reconcile(exact: Sequence[Decimal], target: Decimal) -> list[Decimal]:
    """Round ``exact`` to pennies that add up to ``target`` (a penny amount).

    Largest remainder: every value goes down to the penny, then the pennies still missing go to
    the largest remainders (ties to the earlier line). When ``target`` is Σ exact rounded, every
    part is within a penny of its exact value. Works with negative values.
    """
    if not exact:
        return []
    scaled = [v.scaleb(2) for v in exact]  # × 100, exactly
    floors = [math.floor(v) for v in scaled]  # an int, rounded towards −∞ (Decimal.__floor__)
    left = int(quantize(target).scaleb(2)) - sum(floors)
    if left:  # (none left, the usual case for a total of rounded parts: no remainders to rank)
        n = len(exact)
        rema = [v - f for v, f in zip(scaled, floors, strict=True)]
        # a stable sort keeps equal remainders in line order, reversed or not: ties go to the earlier line
        if left > 0:
            order = sorted(range(n), key=rema.__getitem__, reverse=True)
            for j in range(left):
                floors[order[j % n]] += 1
        else:  # target below Σ floors: take pennies from the smallest remainders
            order = sorted(range(n), key=rema.__getitem__)
            for j in range(-left):
                floors[order[j % n]] -= 1
    return [Decimal(p).scaleb(-2) for p in floors]  # ``from_pence``, without a call each


def _pct(value: Decimal) -> Decimal:
    return value / HUNDRED


# --------------------------------------------------------------------------- roles


def role_cost(role: Role, profile: CostProfile, rates: RateYear) -> tuple[RoleCost, str]:
    """One role's wage, employer NI and pension per unit, exact. Also a note ("" or why)."""
    holiday = _pct(profile.holiday_pct)
    sickness = _pct(profile.sickness_pct)
    rate = role.hourly_rate
    paid_hours = role.hours_per_unit * (ONE + profile.travel_ratio + profile.training_ratio)
    wage = rate * paid_hours * (ONE + holiday + sickness)
    gross = rate * role.annual_paid_hours * (ONE + holiday)
    ni_annual = _pct(rates.employer_ni_pct) * max(ZERO, gross - rates.ni_secondary_threshold)
    scheme = profile.pension_scheme
    note = ""
    if scheme is PensionScheme.AUTO_ENROLMENT:
        pct = profile.pension_rate_pct
        if pct < rates.ae_employer_pct:
            note = (f"employer pension {pct}% is below the auto-enrolment minimum: "
                    f"costed at {rates.ae_employer_pct}%")
            pct = rates.ae_employer_pct
        band = max(ZERO, min(gross, rates.ae_upper_limit) - rates.ae_lower_limit)
        pension_annual = _pct(pct) * band
    elif scheme is PensionScheme.NHS:
        # the rates' employer % + admin levy, or the profile's rate where higher (an employer
        # without central funding pays the full 23.7% + 0.08%)
        pct = max(rates.nhs_employer_pct + rates.nhs_admin_pct, profile.pension_rate_pct)
        pension_annual = _pct(pct) * gross
    elif scheme in (PensionScheme.LGPS, PensionScheme.OTHER_DB):
        pct = profile.pension_rate_pct
        pension_annual = _pct(pct) * gross
    else:
        pct = ZERO
        pension_annual = ZERO
    if gross > 0:
        ni = wage * ni_annual / gross
        pension = wage * pension_annual / gross
    else:
        ni = pension = ZERO
    return (
        RoleCost(
            role_id=role.id,
            name=role.name,
            hourly_rate=rate,
            contact_hours_per_unit=role.hours_per_unit,
            paid_hours_per_unit=paid_hours,
            annual_paid_hours=role.annual_paid_hours,
            annual_gross=gross,
            employer_ni_annual=ni_annual,
            pension_annual=pension_annual,
            pension_scheme=scheme,
            pension_rate_pct=pct,
            wage_per_unit=wage,
            employer_ni_per_unit=ni,
            pension_per_unit=pension,
        ),
        note,
    )


# --------------------------------------------------------------------------- members


@dataclass(slots=True)
class _Raw:
    key: str
    category: str
    label: str
    kind: LineKind
    per_unit: Decimal
    annual: Decimal  # exact


def _present(raws: list[_Raw], unit_target: Decimal, annual_target: Decimal) -> tuple[CostLine, ...]:
    per_unit = reconcile([r.per_unit for r in raws], unit_target)
    annual = reconcile([r.annual for r in raws], annual_target)
    return tuple(
        CostLine(r.key, r.category, r.label, r.kind, r.per_unit, pu, an)
        for r, pu, an in zip(raws, per_unit, annual, strict=True)
    )


ProfileLookup = dict[int, dict[str, CostProfile]]  # organisation id → service line key → its profile


def _profile_for(ws: Workspace, organisation_id: int | None, line_key: str,
                 lookup: ProfileLookup | None = None) -> CostProfile | None:
    """The organisation's cost profile for the service line (the first by id when several match).

    ``lookup`` memoises each organisation's profiles by line for one cost build-up: without it a
    build-up of many member lines sorts and keys the same profiles again for each (issue 22)."""
    if organisation_id is None:
        return None
    lines = lookup.get(organisation_id) if lookup is not None else None
    if lines is None:
        lines = {}
        for p in sorted(ws.cost_profiles(organisation_id), key=lambda p: p.id or 0):
            lines.setdefault(key(p.service_line), p)
        if lookup is not None:
            lookup[organisation_id] = lines
    return lines.get(line_key)


#: (cost profile id, organisation and service line as the flags name them) → what its staff costs per unit were
#: computed from (the profile, rates and roles as the very same objects), the role costs, the staff lines per unit
#: and the flags. They do not depend on the volume: a sensitivity point that moves volume prices every member
#: line at a new one, and takes these as they were.
_STAFF: dict[tuple[int | None, str, str], tuple[
    tuple[Any, ...], tuple[tuple[RoleCost, ...], tuple[tuple[str, str, str, Decimal], ...], tuple[Flag, ...]]]] = {}


def _staff_per_unit(ws: Workspace, profile: CostProfile, rates: RateYear, org_name: str, service_line: str
                    ) -> tuple[tuple[RoleCost, ...], tuple[tuple[str, str, str, Decimal], ...], tuple[Flag, ...]]:
    """The profile's role costs, its staff lines per unit (key, category, label, amount) and the flags they
    raise: worked out again only when the profile, the rates or a role is another object, or a name differs."""
    profile_roles = tuple(ws.roles(profile.id))
    objects = (profile, rates, *profile_roles)
    slot = (profile.id, org_name, service_line)
    hit = _STAFF.get(slot)
    if hit is not None and len(hit[0]) == len(objects) and all(a is b for a, b in zip(hit[0], objects, strict=True)):
        return hit[1]
    flags: list[Flag] = []
    if not profile_roles:
        flags.append(Flag("no_roles", f"{org_name}'s cost profile for {service_line} has no roles: no staff costs."))
    notes: set[str] = set()
    roles: list[RoleCost] = []
    staff: list[tuple[str, str, str, Decimal]] = []
    for role in sorted(profile_roles, key=lambda r: r.id or 0):
        rc, note = role_cost(role, profile, rates)
        if note:
            notes.add(note)
        roles.append(rc)
        rid = role.id if role.id is not None else len(roles)
        for cat, value in (("wage", rc.wage_per_unit), ("employer_ni", rc.employer_ni_per_unit),
                           ("pension", rc.pension_per_unit)):
            staff.append((f"{cat}:{rid}", cat, f"{_CATEGORY[cat][0]}: {role.name}", value))
    for note in sorted(notes):
        flags.append(Flag("pension_below_minimum", f"{org_name}, {service_line}: {note}."))
    out = (tuple(roles), tuple(staff), tuple(flags))
    if ws.scenario is None:  # as ``_LINES``: a scenario's rates (a wage path) would push out the stored ones
        if len(_STAFF) >= _LINES_SIZE:
            _STAFF.clear()
        _STAFF[slot] = (objects, out)
    return out


def _member_line(
    ws: Workspace, member: Member, org_name: str, line_key: str, service_line: str, unit: str,
    volume: Decimal, rates: RateYear, flags: list[Flag], pension: _charges.PensionCharges | None = None,
    lookup: ProfileLookup | None = None,
) -> MemberLineCost:
    profile = _profile_for(ws, member.organisation_id, line_key, lookup)
    raws: list[_Raw] = []
    roles: tuple[RoleCost, ...] = ()
    fixed = ZERO
    if profile is None:
        flags.append(Flag("missing_cost_profile",
                          f"{org_name} has no cost profile for {service_line}: its {volume:,} units are "
                          "costed at £0. Add a cost profile."))
    else:
        roles, staff_lines, staff_flags = _staff_per_unit(ws, profile, rates, org_name, service_line)
        flags.extend(staff_flags)
        raws.extend(_Raw(k, cat, label, LineKind.STAFF, value, value * volume)
                    for k, cat, label, value in staff_lines)
    if pension is not None:  # protected pensions of TUPE staff, when the option states an arrangement
        wage = sum((r.wage_per_unit for r in roles), ZERO)
        costed = sum((r.pension_per_unit for r in roles), ZERO) / wage * HUNDRED if wage > 0 else ZERO
        for k, label, amount in pension.lines(stored_id(member), line_key, costed):
            raws.append(_Raw(k, "pension", label, LineKind.STAFF, amount / volume, amount))
    if profile is not None:
        mileage = profile.mileage_per_unit * rates.mileage_rate
        raws.append(_Raw("mileage", "mileage", "Mileage", LineKind.VARIABLE, mileage, mileage * volume))
        raws.append(_Raw("non_pay", "non_pay", "Non-pay", LineKind.VARIABLE, profile.non_pay_per_unit,
                         profile.non_pay_per_unit * volume))
        fixed = profile.fixed_costs_per_year
        raws.append(_Raw("member_fixed", "member_fixed", "Fixed costs", LineKind.FIXED, fixed / volume, fixed))
    staff = sum((r.per_unit for r in raws if r.kind is LineKind.STAFF), ZERO)
    direct = sum((r.per_unit for r in raws if r.kind in (LineKind.STAFF, LineKind.VARIABLE)), ZERO)
    unit_cost = sum((r.per_unit for r in raws), ZERO)
    unit_display = quantize(unit_cost)
    annual = quantize(sum((r.annual for r in raws), ZERO))
    return MemberLineCost(
        member_id=stored_id(member),
        organisation_id=member.organisation_id,
        organisation_name=org_name,
        service_line=service_line,
        service_line_key=line_key,
        unit=profile.unit if profile else unit,
        volume=volume,
        cost_profile_id=profile.id if profile else None,
        roles=tuple(roles),
        lines=_present(raws, unit_display, annual),
        staff_cost_per_unit=staff,
        direct_cost_per_unit=direct,
        fixed_costs_per_year=fixed,
        unit_cost=unit_cost,
        unit_cost_display=unit_display,
        annual_cost=annual,
    )


#: member × service line → what its cost was computed from (the very objects, and the volume to the digit),
#: the cost and the flags it raised. An edit to one allocation moves one member line's volume: the build-up
#: after it computes that line again and takes the others as they were (most of a build-up's time).
_LINES: dict[tuple[int | None, str], tuple[tuple[Any, ...], tuple[Any, ...], MemberLineCost, tuple[Flag, ...]]] = {}
_LINES_SIZE = 10_000  # about 7 kB each: the generated large workspace's options hold about 4,500 (32 MB)


def _member_line_again(
    ws: Workspace, member: Member, org_name: str, line_key: str, service_line: str, unit: str,
    volume: Decimal, rates: RateYear, flags: list[Flag], pension: _charges.PensionCharges | None = None,
    lookup: ProfileLookup | None = None,
) -> MemberLineCost:
    """``_member_line``, or the same line's cost from an earlier build-up when everything it reads is the
    same: the member, profile, roles and rates as the very same (immutable) objects, the names, and the
    volume to the digit. A line with protected pensions (which read the whole option) is always computed.

    Only lines of the workspace as stored are kept: a scenario's copy (a sensitivity point, a stored
    scenario) moves volumes, and its lines, one per member and service line like the stored ones, would
    push those out. After a sensitivity, the next edit's build-up then computed every line again, not one.
    A scenario's copy still takes a stored line whose volume it leaves as it is."""
    if pension is not None:
        return _member_line(ws, member, org_name, line_key, service_line, unit, volume, rates, flags, pension, lookup)
    profile = _profile_for(ws, member.organisation_id, line_key, lookup)
    roles = tuple(ws.roles(profile.id)) if profile is not None else ()
    objects = (member, profile, rates, *roles)
    texts = (org_name, service_line, unit, volume.as_tuple())
    key = (member.id, line_key)
    hit = _LINES.get(key)
    if hit is not None and hit[1] == texts and len(hit[0]) == len(objects) and \
            all(a is b for a, b in zip(hit[0], objects, strict=True)):
        flags.extend(hit[3])
        return hit[2]
    first = len(flags)
    out = _member_line(ws, member, org_name, line_key, service_line, unit, volume, rates, flags, None, lookup)
    if ws.scenario is None:  # a scenario's line (a sensitivity point's volume) would push out the stored one
        if len(_LINES) >= _LINES_SIZE:
            _LINES.clear()
        _LINES[key] = (objects, texts, out, tuple(flags[first:]))
    return out


# --------------------------------------------------------------------------- the option


def _price(cost: Decimal, margin: Decimal, fee: Decimal, vat_on_price: Decimal = ZERO) -> Decimal:
    keep = ONE - margin - fee - vat_on_price
    if keep <= 0:
        vat = f" and irrecoverable VAT ({vat_on_price * HUNDRED:.2f}% of the price)" if vat_on_price else ""
        raise CostingError(f"margin ({margin * HUNDRED}%), management fee ({fee * HUNDRED}%){vat} "
                           "together take the whole price: lower them below 100%")
    return cost / keep


def cost_buildup(
    ws: Workspace,
    option_id: int,
    rates: RateTable,
    *,
    on: dt.date | None = None,
    unit_prices: Mapping[str, Decimal] | None = None,
) -> CostBuildup:
    """The cost build-up and bid price per unit of every service line of an option.

    ``rates``: the table; the year in force on ``on`` (default the tender's service start) prices
    the build-up. ``unit_prices``: service line (any spelling; matched with ``model.key``) → a
    price per unit chosen by the user instead of cost-plus-margin; the margin line then shows
    what that price earns.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise KeyError(f"no consortium option {option_id}")
    tender = ws.get(Tender, option.tender_id)
    flags: list[Flag] = []

    if on is None:
        on = tender.start_date if tender is not None else None
    if on is None:
        on = rates.last.starts
        flags.append(Flag("no_start_date", f"The tender has no service start date: priced at {rates.last.label} "
                                           "rates.", Severity.INFO))
    lookup = rates_for(rates, on)
    if lookup.extrapolated:
        flags.append(Flag("rates_extrapolated", lookup.message))
    ry = lookup.year

    margin = _pct(option.margin_pct)
    fee = _pct(option.management_fee_pct)
    contingency = _pct(option.contingency_pct)
    chosen = {key(k): v for k, v in (unit_prices or {}).items()}

    # requirements of the tender, by service line
    requirements = ws.requirements(option.tender_id) if option.tender_id is not None else []
    req_by_id = {r.id: r for r in requirements}
    line_name: dict[str, str] = {}
    line_unit: dict[str, str] = {}
    required: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in requirements:
        k = key(r.service_line)
        line_name.setdefault(k, r.service_line)
        line_unit.setdefault(k, r.unit)
        required[k] += r.annual_volume

    members = ws.members(option_id)
    member_by_id = {m.id: m for m in members}
    volume: dict[tuple[str, int | None], Decimal] = defaultdict(lambda: ZERO)  # (line, member id) → units
    for a in sorted(ws.allocations(option_id), key=lambda a: a.id or 0):
        _collect(a, req_by_id, member_by_id, volume, flags)

    org_names = {m.id: _org_name(ws, m) for m in members}
    line_volume: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (k, _mid), v in volume.items():
        line_volume[k] += v
    line_keys = [k for k in line_name if line_volume[k] > 0]
    total_volume = sum((line_volume[k] for k in line_keys), ZERO)
    # the social value commitments' cost (their average a year over the term) is spread like the back office
    social_value = _social_value.annual_cost(ws.by(SocialValueCommitment, "option_id", option_id),
                                             tender.term_years if tender is not None else 1)
    shared_total = option.shared_costs_per_year + social_value
    shared_pu = shared_total / total_volume if total_volume > 0 else ZERO
    if total_volume == 0:
        flags.append(Flag("no_volume", "No volume is allocated to members: nothing to price."))
        if shared_total > 0:
            flags.append(Flag("shared_unrecovered", "Shared costs (back office, social value) are not recovered: "
                                                    "no volume."))
    for k in line_name:
        alloc, req = line_volume[k], required[k]
        if alloc < req:
            flags.append(Flag("under_allocated", f"{line_name[k]}: {alloc:,} of {req:,} units required are "
                                                 "allocated; the price covers the allocated volume only."))
        elif alloc > req:
            flags.append(Flag("over_allocated", f"{line_name[k]}: {alloc:,} units allocated, more than the "
                                                f"{req:,} required.", Severity.INFO))
    unknown = set(chosen) - set(line_keys)
    for k in sorted(unknown):
        flags.append(Flag("unknown_price", f"A price was given for {k!r}, which this option does not deliver.",
                          Severity.INFO))

    # members per service line (member order, then line order); protected pensions when stated
    pension = _charges.pension_charges(ws, option, ry.nhs_employer_pct + ry.nhs_admin_pct)
    member_lines: dict[str, list[MemberLineCost]] = {k: [] for k in line_keys}
    profiles: ProfileLookup = {}
    for k in line_keys:
        for m in members:
            units = volume.get((k, m.id))
            if units:
                checkpoint()
                member_lines[k].append(_member_line_again(ws, m, org_names[m.id], k, line_name[k], line_unit[k],
                                                          units, ry, flags, pension, profiles))
    # irrecoverable VAT on the flows between partners (stated statuses only; usually none)
    vat = _charges.vat_terms(ws, option, {k: [_charges.LineMember(ml.member_id, ml.annual_cost, ml.volume)
                                              for ml in member_lines[k]] for k in line_keys}, fee)

    # shared costs and contingency, split across lines so the parts add up
    shared_parts = allocate(shared_total, [line_volume[k] for k in line_keys]) if line_keys else []
    pre_cont = [sum((m.annual_cost for m in member_lines[k]), ZERO) + s
                for k, s in zip(line_keys, shared_parts, strict=True)]
    cont_total = quantize(contingency * sum(pre_cont, ZERO))
    cont_parts = allocate(cont_total, pre_cont) if line_keys else []

    service_lines = []
    for i, k in enumerate(line_keys):
        service_lines.append(_service_line(
            k, line_name[k], line_unit[k], line_volume[k], required[k], tuple(member_lines[k]), shared_pu,
            shared_parts[i], cont_parts[i], contingency, margin, fee, chosen.get(k), flags, vat.get(k),
            (option_id, k) if ws.scenario is None else None,
        ))

    totals = []
    for cat, label, kind in CATEGORIES:
        totals.append(TotalLine(cat, label, kind, sum((s.line(cat).annual for s in service_lines), ZERO)))
    member_totals = []
    for m in members:
        own = [ml for s in service_lines for ml in s.members if ml.member_id == m.id]
        if own:
            member_totals.append(MemberTotal(stored_id(m), org_names[m.id],
                                             sum((x.annual_cost for x in own), ZERO)))
    staff = sum((s.staff_cost_per_unit * s.volume for s in service_lines), ZERO)
    before_cont = sum(((s.cost_per_unit - s.contingency_per_unit) * s.volume for s in service_lines), ZERO)
    return CostBuildup(
        option_id=option_id,
        tender_id=option.tender_id,
        rates=lookup,
        priced_on=on,
        management_fee_pct=option.management_fee_pct,
        margin_pct=option.margin_pct,
        contingency_pct=option.contingency_pct,
        shared_costs_per_year=shared_total,
        social_value_per_year=social_value,
        total_volume=total_volume,
        shared_per_unit=shared_pu,
        service_lines=tuple(service_lines),
        member_totals=tuple(member_totals),
        totals=tuple(totals),
        annual_cost=sum((s.annual_cost for s in service_lines), ZERO),
        annual_fee=sum((s.annual_fee for s in service_lines), ZERO),
        annual_margin=sum((s.annual_margin for s in service_lines), ZERO),
        annual_price=sum((s.annual_price for s in service_lines), ZERO),
        staff_share=staff / before_cont if before_cont > 0 else ZERO,
        flags=tuple(flags),
    )


def _org_name(ws: Workspace, member: Member) -> str:
    org = ws.get(Organisation, member.organisation_id)
    return org.name if org else f"Member {member.id}"


def _collect(a: Allocation, req_by_id: dict, member_by_id: dict, volume: dict, flags: list[Flag]) -> None:
    req: Requirement | None = req_by_id.get(a.requirement_id)
    if req is None:
        flags.append(Flag("stray_allocation", f"Allocation {a.id} points at a requirement outside this tender: "
                                              "ignored."))
        return
    if a.member_id not in member_by_id:
        flags.append(Flag("stray_allocation", f"Allocation {a.id} points at a member outside this option: "
                                              "ignored."))
        return
    if a.volume <= 0:
        return
    volume[(key(req.service_line), a.member_id)] += a.volume


#: option × service line → its member lines (the very objects, immutable) and their costs by category, summed
#: (per unit × volume, and a year): half a service line's time on the large workspace. An edit to one allocation
#: changes one member line; the other service lines' sums are taken as they were. As ``_LINES``, only the
#: workspace as stored keeps them: a scenario's copy (``kept_as`` None) moves every line's volumes.
_SUMS: dict[tuple[int, str], tuple[tuple[MemberLineCost, ...], dict[str, Decimal], dict[str, Decimal]]] = {}


def _member_sums(members: tuple[MemberLineCost, ...], kept_as: tuple[int, str] | None
                 ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The member lines' cost by category: per unit × volume, and a year (the sums kept for the very same lines
    are the sums: the same additions in the same order)."""
    hit = _SUMS.get(kept_as) if kept_as is not None else None
    if hit is not None and len(hit[0]) == len(members) and all(a is b for a, b in zip(hit[0], members, strict=True)):
        return hit[1], hit[2]
    per_cat: dict[str, Decimal] = defaultdict(lambda: ZERO)
    annual_cat: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for m in members:
        for line in m.lines:
            per_cat[line.category] += line.per_unit * m.volume
            annual_cat[line.category] += line.annual
    sums = dict(per_cat), dict(annual_cat)
    if kept_as is not None:
        if len(_SUMS) >= _LINES_SIZE:
            _SUMS.clear()
        _SUMS[kept_as] = (members, *sums)
    return sums


def _service_line(
    k: str, name: str, unit: str, vol: Decimal, required: Decimal, members: tuple[MemberLineCost, ...],
    shared_pu: Decimal, shared_annual: Decimal, cont_annual: Decimal, contingency: Decimal,
    margin: Decimal, fee: Decimal, chosen_price: Decimal | None, flags: list[Flag],
    vat: _charges.VatTerms | None = None, kept_as: tuple[int, str] | None = None,
) -> ServiceLineCost:
    # blended exact per-unit categories
    summed, annual_sums = _member_sums(members, kept_as)
    annual_cat: dict[str, Decimal] = defaultdict(lambda: ZERO, annual_sums)
    per_cat: dict[str, Decimal] = defaultdict(lambda: ZERO, {cat: v / vol for cat, v in summed.items()})
    staff = per_cat["wage"] + per_cat["employer_ni"] + per_cat["pension"]
    direct = staff + per_cat["mileage"] + per_cat["non_pay"]
    member_fixed = per_cat["member_fixed"]
    before_cont = direct + member_fixed + shared_pu
    cont_pu = contingency * before_cont
    vat_q = vat.on_price if vat is not None else ZERO
    vat_fixed_pu = vat.fixed / vol if vat is not None else ZERO
    price_exact = _price(before_cont + cont_pu + vat_fixed_pu, margin, fee, vat_q)
    fixed_by_user = chosen_price is not None
    price = quantize(chosen_price) if chosen_price is not None else quantize(price_exact)
    vat_pu = vat_fixed_pu + vat_q * price
    cost = before_cont + cont_pu + vat_pu
    fee_pu = fee * price
    margin_pu = price - cost - fee_pu
    if margin_pu < 0:
        flags.append(Flag("price_below_cost", f"{name}: the price per unit £{price:,} is below cost; "
                                              f"margin £{quantize(margin_pu):,} a unit.", Severity.SERIOUS))

    # per-unit presentation: price, fee, cost (reconciled), margin as remainder
    fee_d = quantize(fee_pu)
    cost_d = quantize(cost)
    margin_d = price - cost_d - fee_d
    cost_exact = [per_cat["wage"], per_cat["employer_ni"], per_cat["pension"], per_cat["mileage"],
                  per_cat["non_pay"], member_fixed, shared_pu, cont_pu, vat_pu]
    cost_disp = reconcile(cost_exact, cost_d)

    # annual, bottom-up in pence
    annual_price = quantize(price * vol)
    vat_annual = quantize(vat.fixed + vat_q * annual_price if vat is not None else ZERO)
    cost_annual = [annual_cat["wage"], annual_cat["employer_ni"], annual_cat["pension"], annual_cat["mileage"],
                   annual_cat["non_pay"], annual_cat["member_fixed"], shared_annual, cont_annual, vat_annual]
    annual_cost = sum(cost_annual, ZERO)
    annual_fee = quantize(fee * annual_price)
    annual_margin = annual_price - annual_cost - annual_fee

    per_unit = cost_exact + [fee_pu, margin_pu]
    per_unit_d = cost_disp + [fee_d, margin_d]
    annual = cost_annual + [annual_fee, annual_margin]
    lines = tuple(
        CostLine(cat, cat, label, kind, pu, pud, an)
        for (cat, label, kind), pu, pud, an in zip(CATEGORIES, per_unit, per_unit_d, annual, strict=True)
    )
    return ServiceLineCost(
        key=k,
        service_line=name,
        unit=unit,
        volume=vol,
        required_volume=required,
        members=members,
        lines=lines,
        staff_cost_per_unit=staff,
        direct_cost_per_unit=direct,
        member_fixed_per_unit=member_fixed,
        shared_per_unit=shared_pu,
        contingency_per_unit=cont_pu,
        cost_per_unit=cost,
        price_exact=price_exact,
        price_per_unit=price,
        price_fixed_by_user=fixed_by_user,
        fee_per_unit=fee_pu,
        margin_per_unit=margin_pu,
        staff_share=staff / (before_cont + vat_pu) if before_cont + vat_pu > 0 else ZERO,
        variable_cost_per_unit=direct * (ONE + contingency) + fee_pu + vat_pu,
        fixed_costs_per_year=(member_fixed + shared_pu) * vol * (ONE + contingency),
        should_cost_per_unit=cost + fee_pu,
        annual_cost=annual_cost,
        annual_fee=annual_fee,
        annual_margin=annual_margin,
        annual_price=annual_price,
    )

