"""Propose how a consortium option's members split the tender's volume at least cost.

A linear programme solved by HiGHS (``scipy.optimize.linprog(method="highs")``):

- variables: annual volume x[r, m] for each requirement r and each member m with a capacity row
  for r's service line & area (matched with ``model.key``);
- objective: minimise Σ unit cost[m, service line] × x[r, m]; unit costs come from
  ``unit_cost_estimate`` (or a replacement passed as ``unit_cost=``). With ``local_first`` a
  member whose home area is the requirement's area has its cost reduced by
  ``local_discount_pct`` *in the objective only* (a soft preference: local members win ties and
  near-ties, never at more than that premium). Reported costs are always the undiscounted ones;
- each requirement's volume is covered exactly;
- per member × service line & area: Σ x ≤ whole units of capacity × (1 + max growth), rounded
  down, so the whole-unit proposal never exceeds what the member can reach;
- optional rules: a member's minimum and maximum share of the tender's total required volume,
  and the lead's minimum share.

When no plan meets every constraint, a relaxation is solved: a slack per requirement (volume left
uncovered) and per minimum-share rule, penalised far above any unit cost (uncovered volume most
heavily), so the answer covers as much as possible and says what is short and why.

The solution is rounded to whole units per requirement (largest remainder, never past a member's
capacity) so each requirement's parts add up exactly to its volume (or to what can be covered).
Floats live only inside this module's solver step; every result is Decimal.
"""

from __future__ import annotations

import enum
import operator
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy is imported when the optimiser runs: it costs ~1 s at start-up otherwise
    from scipy import sparse

from .capacity.context import _Cap, _Context, _context, _key, _pct, paid_hours_per_unit
from .capacity.cover import _plain
from .capacity.results import PCT, Key
from .findings import Finding, Severity
from .model import CostProfile, Member, MemberRole, Organisation, Requirement, Role, key, stored_id
from .money import HUNDRED, PENNY, ZERO, format_gbp, quantize
from .tasks import Cancelled
from .workspace import Workspace

__all__ = [
    "DEFAULT_UNIT_COST",
    "MemberTotal",
    "OptimiseRules",
    "OptimiseStatus",
    "Proposal",
    "ProposalLine",
    "RuleShortfall",
    "Shortfall",
    "UnitCostEstimate",
    "optimise",
    "unit_cost_estimate",
]

ONE = Decimal(1)
DEFAULT_UNIT_COST = Decimal("100.00")  # deliberately high: members without a cost profile come last
_EPS = 1e-6
_PENALTY_UNCOVERED = 1e5  # per unit, on costs scaled to at most 1 per unit
_PENALTY_SHARE = 1e3


class OptimiseStatus(enum.StrEnum):
    OPTIMAL = "optimal"  # every requirement covered, every rule met, at least cost
    INFEASIBLE = "infeasible"  # best partial plan; see shortfalls and rule_shortfalls
    EMPTY = "no requirements"  # the tender requires no volume
    FAILED = "solver failed"


@dataclass(frozen=True, slots=True)
class UnitCostEstimate:
    """A simple direct cost per unit for one member on one service line.

    From the member's cost profile: Σ roles' hourly rate × hours per unit × (1 + travel ratio +
    training ratio) × (1 + holiday % + sickness %) + non-pay per unit. No employer NI, pension,
    mileage, overhead or margin: the pricing module may supply a fuller estimate instead.
    """

    member_id: int
    organisation_id: int | None
    service_line: str
    cost_per_unit: Decimal  # money, to the penny
    from_profile: bool
    cost_profile_id: int | None
    paid_hours_per_unit: Decimal | None
    note: str  # empty, or why the figure is a default


def unit_cost_estimate(
    ws: Workspace, member: Member, service_line: str, *, default: Decimal = DEFAULT_UNIT_COST
) -> UnitCostEstimate:
    """The member's direct cost per unit of ``service_line`` (see ``UnitCostEstimate``)."""
    want = key(service_line)
    profile: CostProfile | None = None
    if member.organisation_id is not None:
        for p in sorted(ws.cost_profiles(member.organisation_id), key=lambda p: p.id or 0):
            if key(p.service_line) == want:
                profile = p
                break
    return _estimate(ws, member, service_line, profile, default)


def _estimate(
    ws: Workspace, member: Member, service_line: str, profile: CostProfile | None, default: Decimal
) -> UnitCostEstimate:
    if profile is None:
        return UnitCostEstimate(stored_id(member), member.organisation_id, service_line, quantize(default),
                                False, None, None,
                                f"no cost profile: default {format_gbp(default)} a unit used")
    roles = ws.roles(profile.id)
    factor = ONE + profile.travel_ratio + profile.training_ratio
    on_cost = ONE + (profile.holiday_pct + profile.sickness_pct) / HUNDRED
    pay = sum((r.hourly_rate * r.hours_per_unit for r in roles), ZERO) * factor * on_cost
    hours = paid_hours_per_unit(roles, profile.travel_ratio, profile.training_ratio)
    note = "" if roles else "cost profile has no roles: non-pay only"
    return UnitCostEstimate(stored_id(member), member.organisation_id, service_line,
                            quantize(pay + profile.non_pay_per_unit), True, profile.id, hours, note)


def _estimator(default: Decimal) -> Callable[[Workspace, Member, str], UnitCostEstimate]:
    """``unit_cost_estimate`` for one call of the optimiser: each organisation's cost profiles are
    indexed by service line once (the first by id wins, as there), not sorted again per service line."""
    profiles: dict[int, dict[str, CostProfile]] = {}

    def estimate(ws: Workspace, member: Member, service_line: str) -> UnitCostEstimate:
        org = member.organisation_id
        by_line = None
        if org is not None:
            by_line = profiles.get(org)
            if by_line is None:
                by_line = profiles[org] = {}
                for p in sorted(ws.cost_profiles(org), key=lambda p: p.id or 0):
                    by_line.setdefault(_key(p.service_line), p)
        profile = by_line.get(_key(service_line)) if by_line else None
        return _estimate(ws, member, service_line, profile, default)

    return estimate


@dataclass(frozen=True)
class OptimiseRules:
    """Constraints and preferences. Shares are percentage points of the tender's total volume."""

    min_share_pct: Mapping[int, Decimal] = field(default_factory=dict)  # member id → %
    max_share_pct: Mapping[int, Decimal] = field(default_factory=dict)  # member id → %
    lead_min_share_pct: Decimal | None = None
    local_first: bool = False
    local_discount_pct: Decimal = Decimal("5")
    default_unit_cost: Decimal = DEFAULT_UNIT_COST


@dataclass(frozen=True, slots=True)
class ProposalLine:
    requirement_id: int
    member_id: int
    volume: Decimal  # whole units
    unit_cost: Decimal
    cost: Decimal  # volume × unit cost, to the penny
    local: bool  # the member's home area is the requirement's area


@dataclass(frozen=True, slots=True)
class Shortfall:
    requirement_id: int
    service_line: str
    area: str
    required: Decimal
    proposed: Decimal
    uncovered: Decimal
    capacity_with_growth: Decimal  # members' whole-unit capacity for this service line & area
    reason: str


@dataclass(frozen=True, slots=True)
class RuleShortfall:
    member_id: int
    rule: str  # "minimum share" (lead's minimum share folds into it)
    target_volume: Decimal
    achieved_volume: Decimal
    shortfall: Decimal


@dataclass(frozen=True, slots=True)
class MemberTotal:
    member_id: int
    name: str
    volume: Decimal
    share_pct: Decimal | None  # of the tender's total required volume
    cost: Decimal


@dataclass(frozen=True, slots=True)
class Proposal:
    option_id: int
    status: OptimiseStatus
    lines: tuple[ProposalLine, ...]
    member_totals: tuple[MemberTotal, ...]
    total_required: Decimal
    total_volume: Decimal
    total_cost: Decimal
    shortfalls: tuple[Shortfall, ...]
    rule_shortfalls: tuple[RuleShortfall, ...]
    unit_costs: tuple[UnitCostEstimate, ...]  # the estimates used, one per member × service line
    solve_seconds: float  # time inside HiGHS
    total_seconds: float  # the whole call
    message: str
    warnings: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return self.status in (OptimiseStatus.OPTIMAL, OptimiseStatus.EMPTY)

    def volumes(self) -> dict[tuple[int, int], Decimal]:
        """(requirement id, member id) → proposed volume."""
        return {(ln.requirement_id, ln.member_id): ln.volume for ln in self.lines}


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


@dataclass(slots=True)
class _Var:
    requirement_id: int
    member_id: int
    key: Key
    cost: Decimal
    local: bool


_NO_CAPACITY = "No member has capacity for this service line and area."
# a requirement some member can deliver: where its shortfall, if any, goes among the known ones (how many
# known shortfalls come before it), the requirement and its id, its service line & area's whole-unit
# capacity, and the reason it falls short if that capacity is less than the need (else None)
_Group = tuple[int, Requirement, int, Decimal, str | None]


@dataclass(slots=True)
class _Model:
    """What the optimiser derives from the option's rows before it solves: the variables, the unit costs,
    the members' whole-unit capacities and the shortfalls no plan can change (no member can deliver).

    Kept per option and reused while the workspace hands back the very same rows (checked by identity,
    as the capacity indexes are): members, their organisations, capacities and cost profiles, the roles
    of the profiles used, the tender's requirements. An allocation edit touches none of them. Read-only
    once made; only the default unit cost estimate is cached (another's inputs are unknown).
    """

    # inputs, compared by identity
    members: list[Member]
    organisations: list[Organisation | None]
    caps: list[dict[Key, _Cap]]
    requirements: list[Requirement]
    cost_profiles: list[list[CostProfile] | None]  # per member, as the workspace handed them back
    roles: list[tuple[int | None, list[Role]]]  # per estimate made from a profile
    default: str  # the default unit cost, as text (Decimal("100") and Decimal("100.00") differ in notes)
    # what was made of them
    estimates: dict[tuple[int, str], UnitCostEstimate]
    variables: list[_Var]
    caps_int: dict[tuple[int, Key], Decimal]
    total_required: Decimal
    warnings: list[str]
    # requirements with volume, in order: the shortfalls already known (nobody can deliver), and the
    # others (``_Group``), which each say where among the known ones their own shortfall would go
    known: list[Shortfall]
    placed: list[_Group]
    known_uncovered: Decimal  # the known shortfalls' volume
    groups: list[tuple[Decimal, float, list[int]]]  # each requirement's volume and its variables, for rounding
    slot_of: list[int]  # see ``_capacity_slots``
    capacity: list[Decimal]
    lp: tuple[object, _LP] | None = None  # the last LP built, and the rules it was built for
    # the lines of the plans made with this model, by variable, and their shortfalls, by requirement: taken
    # again when a later plan has the same figures to the digit (a line's other fields are its variable's).
    # A solve after an edit the model does not read (an allocation: the optimiser proposes its own) finds
    # the same plan, and making hundreds of frozen rows again was a third of the optimiser's own time
    lines: dict[int, ProposalLine] = field(default_factory=dict)
    shortfalls: dict[int, Shortfall] = field(default_factory=dict)


# option id → up to ``_MODEL_VERSIONS`` models, newest last: several, so a what-if copy of the workspace
# (an analysis's scenario) does not push out the model of the workspace itself
_MODEL_CACHE: dict[int, list[_Model]] = {}
_MODEL_CACHE_SIZE = 64
_MODEL_VERSIONS = 4


def _same(a: Sequence[object], b: Sequence[object]) -> bool:
    """The same rows: the very same objects, in the same order."""
    return a is b or (len(a) == len(b) and all(map(operator.is_, a, b)))


def _model(
    ws: Workspace,
    ctx: _Context,
    default: Decimal,
    unit_cost: Callable[[Workspace, Member, str], UnitCostEstimate] | None,
) -> _Model:
    option_id = stored_id(ctx.option)
    members = ctx.members
    organisations = [ws.get(Organisation, m.organisation_id) for m in members]
    caps = [ctx.caps[stored_id(m)] for m in members]
    cost_profiles = [ws.cost_profiles(m.organisation_id) if m.organisation_id is not None else None
                     for m in members]
    prior: dict[tuple[int, str], UnitCostEstimate] = {}  # unit costs still good from the last model
    prior_known: dict[int, Shortfall] = {}  # and its known shortfalls, by requirement
    versions = _MODEL_CACHE.get(option_id, []) if unit_cost is None else []
    for hit in reversed(versions):
        if (hit.default == str(default)
                and _same(hit.members, members) and _same(hit.organisations, organisations)
                and _same(hit.caps, caps)
                and all(a is b or (a is not None and b is not None and _same(a, b))
                        for a, b in zip(hit.cost_profiles, cost_profiles, strict=True))
                and all(_same(rows, ws.roles(pid)) for pid, rows in hit.roles)):
            if _same(hit.requirements, ctx.requirements):
                return hit
            if not prior:  # only the requirements changed: the newest such model's unit costs
                prior = hit.estimates
                prior_known = {sf.requirement_id: sf for sf in hit.known}
    estimate = unit_cost or _estimator(default)
    estimates: dict[tuple[int, str], UnitCostEstimate] = {}
    variables: list[_Var] = []
    caps_int: dict[tuple[int, Key], Decimal] = {}
    # the members who can deliver each service line & area the tender requires (whole units of capacity
    # with growth), in member order: one pass over members' capacities, not members × requirements
    req_keys = ctx.reqs_by_key
    providers: dict[Key, list[tuple[Member, int, bool]]] = {}
    for m, org, mcaps in zip(members, organisations, caps, strict=True):
        mid = stored_id(m)
        home = _key(org.home_area) if org else ""
        if len(mcaps) <= len(req_keys):
            pairs = [(k, c) for k, c in mcaps.items() if k in req_keys]
        else:
            pairs = [(k, mcaps[k]) for k in req_keys if k in mcaps]
        for k, c in pairs:
            units = caps_int[(mid, k)] = _floor(c.grown)
            if units > 0:
                providers.setdefault(k, []).append((m, mid, bool(home) and home == k[1]))
    cap_by_key: dict[Key, Decimal] = {}
    for (_mid, cap_key), units in caps_int.items():
        cap_by_key[cap_key] = cap_by_key.get(cap_key, ZERO) + units
    known: list[Shortfall] = []
    placed: list[_Group] = []
    groups: list[tuple[Decimal, float, list[int]]] = []
    known_uncovered = ZERO
    short_of: dict[Key, str | None] = {}
    req_key = ctx.req_key
    for r in ctx.requirements:
        volume = r.annual_volume
        if volume <= ZERO:
            continue  # nothing to cover, so never short
        rid = stored_id(r)
        k = req_key[rid]
        found = providers.get(k)
        if not found:  # whoever holds a row here has no whole unit of it: cap ≤ 0
            cap = cap_by_key.get(k, ZERO)
            was = prior_known.get(rid)
            if (was is not None and was.required is volume and was.service_line is r.service_line
                    and was.area is r.area and (was.capacity_with_growth is cap or (
                        was.capacity_with_growth == cap and str(was.capacity_with_growth) == str(cap)))):
                known.append(was)  # the same figures from the same row: the same (immutable) shortfall
                known_uncovered += was.uncovered
                continue
            uncovered = volume - ZERO
            known.append(Shortfall(rid, r.service_line, r.area, volume, ZERO, uncovered, cap, _NO_CAPACITY))
            known_uncovered += uncovered
            continue
        first = len(variables)
        for m, mid, local in found:
            ek = (mid, k[0])
            est = estimates.get(ek)
            if est is None:
                est = prior.get(ek)
                if est is None or est.service_line != r.service_line:  # it names the line as first met
                    est = estimate(ws, m, r.service_line)
                estimates[ek] = est
            variables.append(_Var(rid, mid, k, est.cost_per_unit, local))
        cap = cap_by_key.get(k, ZERO)
        if k not in short_of:
            need = sum((q.annual_volume for q in ctx.reqs_by_key[k]), ZERO)
            short_of[k] = (f"Members can reach at most {_plain(cap)} a year here, including growth: "
                           f"{_plain(need - cap)} short." if cap < need else None)
        placed.append((len(known), r, rid, cap, short_of[k]))
        groups.append((volume, float(volume), list(range(first, len(variables)))))
    warnings = [f"{ctx.names[est.member_id]}, {est.service_line}: {est.note}."
                for est in estimates.values() if est.note]
    roles = [(est.cost_profile_id, ws.roles(est.cost_profile_id)) for est in estimates.values() if est.from_profile]
    model = _Model(members, organisations, caps, ctx.requirements, cost_profiles, roles, str(default),
                   estimates, variables, caps_int,
                   sum((r.annual_volume for r in ctx.requirements), ZERO), warnings, known, placed,
                   known_uncovered, groups, *_capacity_slots(variables, caps_int))
    if unit_cost is None:
        if len(_MODEL_CACHE) >= _MODEL_CACHE_SIZE:
            _MODEL_CACHE.clear()
        _MODEL_CACHE[option_id] = [*versions[-(_MODEL_VERSIONS - 1):], model]
    return model


def optimise(
    ws: Workspace,
    option_id: int,
    rules: OptimiseRules | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    unit_cost: Callable[[Workspace, Member, str], UnitCostEstimate] | None = None,
) -> Proposal:
    """Least-cost split of the tender's volume among the option's members (see module doc).

    ``progress(fraction, message)`` is called at each stage; ``cancelled()`` is checked between
    stages and raises ``Cancelled`` (HiGHS itself is not interrupted mid-solve).
    """
    started = time.perf_counter()
    rules = rules or OptimiseRules()

    def stage(fraction: float, message: str) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(message)
        if progress is not None:
            progress(fraction, message)

    stage(0.0, "Reading the option")
    ctx = _context(ws, option_id, allocations=False)  # it proposes its own
    warnings = list(ctx.warnings)
    for name, pcts in (("minimum", rules.min_share_pct), ("maximum", rules.max_share_pct)):
        for mid, p in pcts.items():
            if not ZERO <= p <= HUNDRED:
                raise ValueError(f"A {name} share must be between 0% and 100% (member {mid}: {p}%).")
    if not ZERO <= rules.local_discount_pct < HUNDRED:
        raise ValueError("The local-first discount must be at least 0% and under 100%.")

    stage(0.1, "Estimating unit costs")
    model = _model(ws, ctx, rules.default_unit_cost, unit_cost)
    estimates, variables, caps_int = model.estimates, model.variables, model.caps_int
    total_required = model.total_required
    warnings.extend(model.warnings)

    # share rules (percentage of total required volume)
    min_pct: dict[int, Decimal] = {}
    max_pct: dict[int, Decimal] = {}
    for src, dst in ((rules.min_share_pct, min_pct), (rules.max_share_pct, max_pct)):
        for mid, p in src.items():
            if mid in ctx.member_by_id:
                dst[mid] = p
            else:
                warnings.append(f"A share rule names member {mid}, who is not in this option; ignored.")
    if rules.lead_min_share_pct is not None:
        lead = _lead(ctx)
        if lead is None:
            warnings.append("The option has no lead member, so the lead's minimum share is ignored.")
        else:
            min_pct[lead] = max(min_pct.get(lead, ZERO), rules.lead_min_share_pct)
    min_pct = {m: p for m, p in min_pct.items() if p > 0}

    stage(0.25, "Building the model")
    n = len(variables)
    solve_seconds = 0.0
    x = np.zeros(n)
    req_slack: dict[int, float] = {}
    share_slack: dict[int, float] = {}
    status_failed: str | None = None
    relaxed = False
    if n:
        from scipy.optimize import linprog

        lp_rules = (sorted(min_pct.items()), sorted(max_pct.items()), rules.local_first, rules.local_discount_pct)
        if model.lp is not None and model.lp[0] == lp_rules:
            lp = model.lp[1]  # the same rows and rules: the same LP (linprog copies what it is given)
        else:
            lp = _build(ctx, variables, caps_int, min_pct, max_pct, total_required, rules)
            model.lp = (lp_rules, lp)
        stage(0.4, "Solving")
        t = time.perf_counter()
        res = linprog(lp.c, A_ub=lp.a_ub, b_ub=lp.b_ub, A_eq=lp.a_eq, b_eq=lp.b_eq, bounds=lp.bounds,
                      method="highs")
        solve_seconds += time.perf_counter() - t
        if res.status == 0:
            x = res.x
        elif res.status == 2:
            relaxed = True
            stage(0.6, "No plan covers everything: finding the nearest one")
            relaxed_c, relaxed_a_eq, relaxed_a_ub, relaxed_bounds = lp.relaxed()
            t = time.perf_counter()
            res2 = linprog(relaxed_c, A_ub=relaxed_a_ub, b_ub=lp.b_ub, A_eq=relaxed_a_eq, b_eq=lp.b_eq,
                           bounds=relaxed_bounds, method="highs")
            solve_seconds += time.perf_counter() - t
            if res2.status == 0:
                x = res2.x[:n]
                slack = res2.x[n:]
                n_eq = len(lp.eq_requirements)
                req_slack = dict(zip(lp.eq_requirements, slack[:n_eq].tolist(), strict=True))
                share_slack = dict(zip(lp.min_members, slack[n_eq:].tolist(), strict=True))
            else:
                status_failed = str(res2.message)
        else:
            status_failed = str(res.message)
    elif total_required > 0 and ctx.requirements:
        relaxed = True
    if status_failed is not None:
        return _failed(ctx, option_id, total_required, estimates, solve_seconds, started, status_failed, warnings)

    stage(0.85, "Rounding to whole units")
    volumes = _round_groups(model.groups, variables, x, model.slot_of, model.capacity)

    # lines, totals (each member's, then theirs: Decimal sums are exact, so the order does not matter)
    lines: list[ProposalLine] = []
    by_member_vol: dict[int, Decimal] = {}
    by_member_cost: dict[int, Decimal] = {}
    proposed: dict[int, Decimal] = {}
    made = model.lines
    for j, vol in enumerate(volumes):
        if not vol > ZERO:
            continue
        ln = made.get(j)
        if ln is None or vol.compare_total(ln.volume):  # not the same volume, written the same way
            v = variables[j]
            ln = made[j] = ProposalLine(v.requirement_id, v.member_id, vol, v.cost,
                                        (vol * v.cost).quantize(PENNY, ROUND_HALF_EVEN), v.local)  # money.quantize
        lines.append(ln)
        mid, rid, cost = ln.member_id, ln.requirement_id, ln.cost
        by_member_vol[mid] = by_member_vol.get(mid, ZERO) + vol
        by_member_cost[mid] = by_member_cost.get(mid, ZERO) + cost
        proposed[rid] = proposed.get(rid, ZERO) + vol
    total_cost = sum(by_member_cost.values(), ZERO)
    total_volume = sum(by_member_vol.values(), ZERO)

    # shortfalls, explained (those where nobody can deliver were made with the model), in requirement order
    known = model.known
    shortfalls: list[Shortfall] = []
    done = 0  # how many known shortfalls are in ``shortfalls`` so far
    uncovered_total = model.known_uncovered
    for at, r, rid, cap, short in model.placed:
        got = proposed.get(rid, ZERO)
        uncovered = r.annual_volume - got
        if uncovered <= ZERO:
            continue
        if short is not None:
            reason = short
        elif relaxed and req_slack.get(rid, 0.0) > _EPS:
            reason = "Members have the capacity, but the share rules stop it being used."
        else:
            reason = "Rounding to whole units left this part uncovered."
        shortfalls += known[done:at]
        done = at
        sf = model.shortfalls.get(rid)
        if sf is None or got.compare_total(sf.proposed) or sf.reason != reason:  # r and cap are the model's
            sf = model.shortfalls[rid] = Shortfall(rid, r.service_line, r.area, r.annual_volume, got, uncovered,
                                                   cap, reason)
        shortfalls.append(sf)
        uncovered_total += uncovered
    shortfalls += known[done:]

    rule_shortfalls: list[RuleShortfall] = []
    for mid, p in sorted(min_pct.items()):
        if share_slack.get(mid, 0.0) > _EPS:
            target = (total_required * p / HUNDRED).quantize(PCT)
            achieved = by_member_vol.get(mid, ZERO)
            rule_shortfalls.append(RuleShortfall(mid, "minimum share", target, achieved,
                                                 max(ZERO, target - achieved)))

    member_totals = tuple(
        MemberTotal(mid, ctx.names[mid], by_member_vol.get(mid, ZERO),
                    _pct(by_member_vol.get(mid, ZERO), total_required), by_member_cost.get(mid, ZERO))
        for mid in (stored_id(m) for m in ctx.members)
    )
    if total_required <= 0:
        status = OptimiseStatus.EMPTY
        message = "The tender requires no volume."
    elif shortfalls or rule_shortfalls:
        status = OptimiseStatus.INFEASIBLE
        parts = []
        if shortfalls:
            parts.append(f"{len(shortfalls)} requirement(s) cannot be fully covered "
                         f"({_plain(uncovered_total)} units short)")
        if rule_shortfalls:
            parts.append(f"{len(rule_shortfalls)} minimum share rule(s) cannot be met")
        message = "; ".join(parts) + f". Best plan costs {format_gbp(total_cost)} a year."
    else:
        status = OptimiseStatus.OPTIMAL
        message = f"All {len(ctx.requirements)} requirements covered for {format_gbp(total_cost)} a year."
    stage(1.0, "Done")
    return Proposal(
        option_id=option_id, status=status, lines=tuple(lines), member_totals=member_totals,
        total_required=total_required, total_volume=total_volume, total_cost=total_cost,
        shortfalls=tuple(shortfalls), rule_shortfalls=tuple(rule_shortfalls),
        unit_costs=tuple(estimates.values()), solve_seconds=solve_seconds,
        total_seconds=time.perf_counter() - started, message=message, warnings=tuple(warnings),
    )


def _lead(ctx: _Context) -> int | None:
    lead_org = ctx.option.lead_organisation_id
    for m in ctx.members:
        if lead_org is not None and m.organisation_id == lead_org:
            return m.id
    for m in ctx.members:
        if m.role is MemberRole.LEAD:
            return m.id
    return None


@dataclass(slots=True)
class _LP:
    c: np.ndarray
    a_eq: sparse.csr_array
    b_eq: np.ndarray
    a_ub: sparse.csr_array | None
    b_ub: np.ndarray | None
    bounds: np.ndarray
    eq_requirements: list[int]
    min_members: list[int]
    min_rows: list[int]
    min_targets: list[float]  # the minimum shares' volumes, the bounds of their slacks
    _relaxed: tuple[np.ndarray, sparse.csr_array, sparse.csr_array | None, np.ndarray] | None = None

    def relaxed(self) -> tuple[np.ndarray, sparse.csr_array, sparse.csr_array | None, np.ndarray]:
        """The relaxation's objective, equality and inequality matrices and bounds: the variables, then a
        slack per requirement (volume left uncovered), then one per minimum share (volume short of it).
        Built straight as CSR arrays (no block stacking): the LP's own rows with the slack appended."""
        if self._relaxed is None:
            self._relaxed = self._relax()
        return self._relaxed

    def _relax(self) -> tuple[np.ndarray, sparse.csr_array, sparse.csr_array | None, np.ndarray]:
        n_eq, n = self.a_eq.shape
        n_min = len(self.min_members)
        width = n + n_eq + n_min
        c = np.concatenate([self.c, np.full(n_eq, _PENALTY_UNCOVERED), np.full(n_min, _PENALTY_SHARE)])
        a_eq = _frozen_sparse(_append_to_rows(self.a_eq, np.arange(n_eq), n + np.arange(n_eq), 1.0, width))
        a_ub = None
        if self.a_ub is not None:
            a_ub = _append_to_rows(self.a_ub, np.asarray(self.min_rows, dtype=np.int64),
                                   n + n_eq + np.arange(n_min), -1.0, width)
        bounds = np.vstack([
            self.bounds,
            np.column_stack([np.zeros(n_eq), self.b_eq]),
            np.column_stack([np.zeros(n_min), self.min_targets]),
        ])
        return _frozen(c), a_eq, _frozen_sparse(a_ub), _frozen(bounds)


def _frozen(a: np.ndarray) -> np.ndarray:
    """``a`` made read-only: an LP is reused while its rows are unchanged, so nothing may write to it
    (``linprog`` copies what it is given; this makes sure)."""
    a.flags.writeable = False
    return a


def _frozen_sparse(a: sparse.csr_array | None) -> sparse.csr_array | None:
    if a is not None:
        for part in (a.data, a.indices, a.indptr):
            _frozen(part)
    return a


def _append_to_rows(
    a: sparse.csr_array, rows: np.ndarray, cols: np.ndarray, value: float, width: int
) -> sparse.csr_array:
    """``a`` widened to ``width`` columns, with ``value`` at (rows[i], cols[i]): each row at most once, and
    every new column to the right of ``a``'s, so it goes at the end of its row (indices stay sorted)."""
    from scipy import sparse

    n_rows = a.shape[0]
    extra = np.zeros(n_rows, dtype=np.int64)
    extra[rows] = 1
    indptr = a.indptr.astype(np.int64) + np.concatenate([[0], np.cumsum(extra)])
    nnz = int(indptr[-1])
    at = indptr[rows + 1] - 1  # the last place in each of those rows
    keep = np.ones(nnz, dtype=bool)
    keep[at] = False
    indices = np.empty(nnz, dtype=np.int64)
    data = np.empty(nnz)
    indices[keep] = a.indices
    data[keep] = a.data
    indices[at] = cols
    data[at] = value
    return sparse.csr_array((data, indices, indptr), shape=(n_rows, width))


def _build(
    ctx: _Context,
    variables: list[_Var],
    caps_int: dict[tuple[int, Key], Decimal],
    min_pct: dict[int, Decimal],
    max_pct: dict[int, Decimal],
    total_required: Decimal,
    rules: OptimiseRules,
) -> _LP:
    """The LP as CSR arrays built from their parts (row pointers, column indices), in one pass over the
    variables; every figure is converted from Decimal to float once."""
    from scipy import sparse

    n = len(variables)
    as_float: dict[Decimal, float] = {}  # few distinct unit costs: one conversion each
    costs = np.array([as_float.get(v.cost) or as_float.setdefault(v.cost, float(v.cost)) for v in variables])
    if rules.local_first and rules.local_discount_pct > 0:
        factor = 1.0 - float(rules.local_discount_pct) / 100.0
        costs = np.where([v.local for v in variables], costs * factor, costs)
    scale = float(costs.max()) if n and costs.max() > 0 else 1.0
    c = costs / scale

    # equality: each requirement covered exactly; the variables come grouped by requirement
    eq_index: dict[int, int] = {}
    eq_rows = np.array([eq_index.setdefault(v.requirement_id, len(eq_index)) for v in variables], dtype=np.int64)
    eq_requirements = list(eq_index)
    n_eq = len(eq_requirements)
    eq_indptr = np.concatenate([[0], np.cumsum(np.bincount(eq_rows, minlength=n_eq))])
    a_eq = _frozen_sparse(sparse.csr_array((np.ones(n), np.argsort(eq_rows, kind="stable"), eq_indptr),
                                           shape=(n_eq, n)))
    req_by_id = ctx.req_by_id
    b_eq = np.array([float(req_by_id[rid].annual_volume) for rid in eq_requirements])

    # bounds: capacity with growth in whole units, and no more than the requirement
    ub = np.array([float(min(caps_int[(v.member_id, v.key)], req_by_id[v.requirement_id].annual_volume))
                   for v in variables])
    bounds = np.column_stack([np.zeros(n), ub])

    # inequalities, row by row (each row's columns in increasing order)
    ub_cols: list[int] = []
    ub_vals: list[float] = []
    ub_indptr: list[int] = [0]
    b_ub: list[float] = []

    def row(js: list[int], value: float, bound: float) -> int:
        ub_cols.extend(js)
        ub_vals.extend([value] * len(js))
        ub_indptr.append(len(ub_cols))
        b_ub.append(bound)
        return len(b_ub) - 1

    by_cap: dict[tuple[int, Key], list[int]] = defaultdict(list)
    by_member: dict[int, list[int]] = defaultdict(list)
    for j, v in enumerate(variables):
        by_cap[(v.member_id, v.key)].append(j)
        by_member[v.member_id].append(j)
    for ck, js in by_cap.items():  # a service line & area in several lots shares the capacity
        if len(js) > 1:
            row(js, 1.0, float(caps_int[ck]))
    total = float(total_required)
    for mid, p in sorted(max_pct.items()):
        row(by_member.get(mid, []), 1.0, total * float(p) / 100.0)
    min_members = sorted(min_pct)
    min_rows = [row(by_member.get(mid, []), -1.0, -total * float(min_pct[mid]) / 100.0) for mid in min_members]
    n_ub = len(b_ub)
    a_ub = (sparse.csr_array((np.array(ub_vals), np.array(ub_cols, dtype=np.int64), np.array(ub_indptr)),
                             shape=(n_ub, n)) if n_ub else None)
    b_ub_arr = _frozen(np.array(b_ub)) if n_ub else None
    min_targets = [total * float(min_pct[m]) / 100.0 for m in min_members]
    return _LP(_frozen(c), a_eq, _frozen(b_eq), _frozen_sparse(a_ub), b_ub_arr, _frozen(bounds),
               eq_requirements, min_members, min_rows, min_targets)


def _round(
    ctx: _Context, variables: list[_Var], x: np.ndarray, caps_int: dict[tuple[int, Key], Decimal]
) -> list[Decimal]:
    """Whole units per requirement: floors, then the remainder to the largest fractions.

    Each requirement's parts add to its volume (or, when it cannot be covered, to its covered
    volume rounded to whole units); no member × service line & area passes its whole-unit capacity.
    """
    by_req: dict[int, list[int]] = defaultdict(list)
    for j, v in enumerate(variables):
        by_req[v.requirement_id].append(j)
    volumes = [ctx.req_by_id[rid].annual_volume for rid in by_req]
    groups = [(vol, float(vol), js) for vol, js in zip(volumes, by_req.values(), strict=True)]
    return _round_groups(groups, variables, x, *_capacity_slots(variables, caps_int))


def _capacity_slots(
    variables: list[_Var], caps_int: dict[tuple[int, Key], Decimal]
) -> tuple[list[int], list[Decimal]]:
    """Each variable's member × service line & area as a number, and those capacities by number: the
    rounding counts down what is left of each in a list rather than a dict keyed by nested tuples."""
    index: dict[tuple[int, Key], int] = {}
    slot_of = [index.setdefault((v.member_id, v.key), len(index)) for v in variables]
    return slot_of, [caps_int[ck] for ck in index]


def _round_groups(
    groups: Iterable[tuple[Decimal, float, list[int]]],
    variables: list[_Var],
    x: np.ndarray,
    slot_of: list[int],
    capacity: list[Decimal],
) -> list[Decimal]:
    """``_round`` given each requirement's volume (and as a float) and its variables' indexes, in
    requirement order, and the capacities by ``_capacity_slots``."""
    room = list(capacity)
    out = [ZERO] * len(variables)
    xa = np.asarray(x, dtype=float)
    xs_arr = np.where(xa > 0.0, xa, 0.0)  # max(0.0, value): NaN and -0.0 become 0.0
    xs = xs_arr.tolist()
    whole_units = np.floor(xs_arr + _EPS).astype(np.int64).tolist()
    for required, required_f, js in groups:
        if len(js) == 1:  # the usual case, as below without the lists (sum([f], ZERO) is ZERO + f)
            j = js[0]
            covered = xs[j]
            target = required if covered >= required_f - _EPS else min(required, Decimal(round(covered)))
            units = whole_units[j]
            s = slot_of[j]
            f = max(ZERO, min(Decimal(units), room[s])) if units > 0 else ZERO
            left = target - (ZERO + f)
            if left < 0:
                take = min(f, -left)
                f -= take
                left += take
            out[j] = f
            room[s] -= f
        else:
            covered = sum([xs[j] for j in js])
            if covered >= required_f - _EPS:
                target = required
            else:
                target = min(required, Decimal(round(covered)))
            floors = []
            for j in js:
                units = whole_units[j]
                if units <= 0:  # most of an LP's variables are zero: no Decimal work for them
                    floors.append(ZERO)
                    continue
                f = min(Decimal(units), room[slot_of[j]])
                floors.append(max(ZERO, f))
            for i, j in enumerate(js):
                out[j] = floors[i]
            left = target - sum(floors, ZERO)
            if left < 0:  # floors overshoot a partial target: take back from the smallest fractions
                for j in sorted(js, key=lambda j: (float(x[j]) - np.floor(float(x[j]) + _EPS), out[j])):
                    take = min(out[j], -left)
                    out[j] -= take
                    left += take
                    if left >= 0:
                        break
            for j in js:
                room[slot_of[j]] -= out[j]
        if not left:  # the usual case: nothing left to place
            continue
        whole = _floor(left)
        frac = left - whole
        if whole <= 0 and frac <= 0:
            continue
        order = sorted(js, key=lambda j: (-(xs[j] - float(out[j])), -xs[j], variables[j].member_id))
        while whole > 0:
            given = False
            for j in order:
                if whole <= 0:
                    break
                s = slot_of[j]
                if room[s] >= 1:
                    out[j] += 1
                    room[s] -= 1
                    whole -= 1
                    given = True
            if not given:
                break  # no room anywhere: the remainder is reported as uncovered
        if frac > 0:  # a requirement volume with a fraction: the part with most room takes it
            j = max(js, key=lambda j: room[slot_of[j]])
            s = slot_of[j]
            if room[s] >= frac:
                out[j] += frac
                room[s] -= frac
    return out


def _failed(
    ctx: _Context,
    option_id: int,
    total_required: Decimal,
    estimates: dict[tuple[int, str], UnitCostEstimate],
    solve_seconds: float,
    started: float,
    message: str,
    warnings: list[str],
) -> Proposal:
    return Proposal(
        option_id=option_id, status=OptimiseStatus.FAILED, lines=(), member_totals=(),
        total_required=total_required, total_volume=ZERO, total_cost=ZERO, shortfalls=(), rule_shortfalls=(),
        unit_costs=tuple(estimates.values()), solve_seconds=solve_seconds,
        total_seconds=time.perf_counter() - started, message=f"The solver failed: {message}",
        warnings=tuple(warnings),
    )


def findings(proposal: Proposal) -> list[Finding]:
    out = [Finding("optimiser_warning", w, Severity.WARNING) for w in proposal.warnings]
    if not proposal.feasible:
        out.append(Finding("optimiser_infeasible", proposal.message, Severity.WARNING))
    return out
