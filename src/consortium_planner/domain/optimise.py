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
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy is imported when the optimiser runs: it costs ~1 s at start-up otherwise
    from scipy import sparse

from .capacity.context import _Context, _context, _pct, paid_hours_per_unit
from .capacity.cover import _plain
from .capacity.results import PCT, Key
from .findings import Finding, Severity
from .model import CostProfile, Member, MemberRole, Organisation, key, stored_id
from .money import HUNDRED, ZERO, format_gbp, quantize
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
    ctx = _context(ws, option_id)
    warnings = list(ctx.warnings)
    for name, pcts in (("minimum", rules.min_share_pct), ("maximum", rules.max_share_pct)):
        for mid, p in pcts.items():
            if not ZERO <= p <= HUNDRED:
                raise ValueError(f"A {name} share must be between 0% and 100% (member {mid}: {p}%).")
    if not ZERO <= rules.local_discount_pct < HUNDRED:
        raise ValueError("The local-first discount must be at least 0% and under 100%.")

    stage(0.1, "Estimating unit costs")
    estimate = unit_cost or (lambda w, m, sl: unit_cost_estimate(w, m, sl, default=rules.default_unit_cost))
    home = {}
    for m in ctx.members:
        org = ws.get(Organisation, m.organisation_id)
        home[m.id] = key(org.home_area) if org else ""
    estimates: dict[tuple[int, str], UnitCostEstimate] = {}
    variables: list[_Var] = []
    caps_int: dict[tuple[int, Key], Decimal] = {}
    no_provider: set[int] = set()
    total_required = sum((r.annual_volume for r in ctx.requirements), ZERO)
    for r in ctx.requirements:
        if r.annual_volume <= 0:
            continue
        rid = stored_id(r)
        k = ctx.req_key[rid]
        found = False
        for m in ctx.members:
            mid = stored_id(m)
            c = ctx.caps[mid].get(k)
            if c is None:
                continue
            ck = (mid, k)
            if ck not in caps_int:
                caps_int[ck] = _floor(c.grown)
            if caps_int[ck] <= 0:
                continue
            ek = (mid, k[0])
            if ek not in estimates:
                estimates[ek] = estimate(ws, m, r.service_line)
            local = bool(home[mid]) and home[mid] == k[1]
            variables.append(_Var(rid, mid, k, estimates[ek].cost_per_unit, local))
            found = True
        if not found:
            no_provider.add(rid)
    for est in estimates.values():
        if est.note:
            warnings.append(f"{ctx.names[est.member_id]}, {est.service_line}: {est.note}.")

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

        lp = _build(ctx, variables, caps_int, min_pct, max_pct, total_required, rules)
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
            t = time.perf_counter()
            res2 = linprog(lp.relaxed_c, A_ub=lp.relaxed_a_ub, b_ub=lp.b_ub, A_eq=lp.relaxed_a_eq, b_eq=lp.b_eq,
                           bounds=lp.relaxed_bounds, method="highs")
            solve_seconds += time.perf_counter() - t
            if res2.status == 0:
                x = res2.x[:n]
                slack = res2.x[n:]
                for i, rid in enumerate(lp.eq_requirements):
                    req_slack[rid] = float(slack[i])
                for j, mid in enumerate(lp.min_members):
                    share_slack[mid] = float(slack[len(lp.eq_requirements) + j])
            else:
                status_failed = str(res2.message)
        else:
            status_failed = str(res.message)
    elif total_required > 0 and ctx.requirements:
        relaxed = True
    if status_failed is not None:
        return _failed(ctx, option_id, total_required, estimates, solve_seconds, started, status_failed, warnings)

    stage(0.85, "Rounding to whole units")
    volumes = _round(ctx, variables, x, caps_int)

    # lines, totals
    lines: list[ProposalLine] = []
    by_member_vol: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_member_cost: dict[int, Decimal] = defaultdict(lambda: ZERO)
    proposed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for j, v in enumerate(variables):
        vol = volumes[j]
        if vol <= 0:
            continue
        cost = quantize(vol * v.cost)
        lines.append(ProposalLine(v.requirement_id, v.member_id, vol, v.cost, cost, v.local))
        by_member_vol[v.member_id] += vol
        by_member_cost[v.member_id] += cost
        proposed[v.requirement_id] += vol
    total_cost = sum((ln.cost for ln in lines), ZERO)
    total_volume = sum((ln.volume for ln in lines), ZERO)

    # shortfalls, explained
    shortfalls: list[Shortfall] = []
    cap_by_key: dict[Key, Decimal] = defaultdict(lambda: ZERO)  # whole-unit capacity per service line & area
    for (_mid, cap_key), units in caps_int.items():
        cap_by_key[cap_key] += units
    for r in ctx.requirements:
        rid = stored_id(r)
        uncovered = r.annual_volume - proposed.get(rid, ZERO)
        if uncovered <= 0:
            continue
        k = ctx.req_key[rid]
        cap = cap_by_key[k]
        need = sum((q.annual_volume for q in ctx.reqs_by_key[k]), ZERO)
        if rid in no_provider and cap <= 0:
            reason = "No member has capacity for this service line and area."
        elif cap < need:
            reason = (f"Members can reach at most {_plain(cap)} a year here, including growth: "
                      f"{_plain(need - cap)} short.")
        elif relaxed and req_slack.get(rid, 0.0) > _EPS:
            reason = "Members have the capacity, but the share rules stop it being used."
        else:
            reason = "Rounding to whole units left this part uncovered."
        shortfalls.append(Shortfall(rid, r.service_line, r.area, r.annual_volume,
                                    proposed.get(rid, ZERO), uncovered, cap, reason))

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
            short = sum((s.uncovered for s in shortfalls), ZERO)
            parts.append(f"{len(shortfalls)} requirement(s) cannot be fully covered ({_plain(short)} units short)")
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
    relaxed_c: np.ndarray
    relaxed_a_eq: sparse.csr_array
    relaxed_a_ub: sparse.csr_array | None
    relaxed_bounds: np.ndarray


def _build(
    ctx: _Context,
    variables: list[_Var],
    caps_int: dict[tuple[int, Key], Decimal],
    min_pct: dict[int, Decimal],
    max_pct: dict[int, Decimal],
    total_required: Decimal,
    rules: OptimiseRules,
) -> _LP:
    from scipy import sparse

    n = len(variables)
    costs = np.array([float(v.cost) for v in variables])
    if rules.local_first and rules.local_discount_pct > 0:
        factor = 1.0 - float(rules.local_discount_pct) / 100.0
        costs = np.where([v.local for v in variables], costs * factor, costs)
    scale = float(costs.max()) if n and costs.max() > 0 else 1.0
    c = costs / scale

    # equality: each requirement covered exactly
    eq_index: dict[int, int] = {}
    rows, cols = [], []
    for j, v in enumerate(variables):
        i = eq_index.setdefault(v.requirement_id, len(eq_index))
        rows.append(i)
        cols.append(j)
    eq_requirements = list(eq_index)
    n_eq = len(eq_requirements)
    a_eq = sparse.csr_array((np.ones(n), (rows, cols)), shape=(n_eq, n))
    b_eq = np.array([float(ctx.req_by_id[rid].annual_volume) for rid in eq_requirements])

    # bounds: capacity with growth in whole units, and no more than the requirement
    ub = np.array([float(min(caps_int[(v.member_id, v.key)], ctx.req_by_id[v.requirement_id].annual_volume))
                   for v in variables])
    bounds = np.column_stack([np.zeros(n), ub])

    # inequalities
    ub_rows: list[int] = []
    ub_cols: list[int] = []
    ub_vals: list[float] = []
    b_ub: list[float] = []
    by_cap: dict[tuple[int, Key], list[int]] = defaultdict(list)
    by_member: dict[int, list[int]] = defaultdict(list)
    for j, v in enumerate(variables):
        by_cap[(v.member_id, v.key)].append(j)
        by_member[v.member_id].append(j)
    for ck, js in by_cap.items():  # a service line & area in several lots shares the capacity
        if len(js) > 1:
            row = len(b_ub)
            ub_rows += [row] * len(js)
            ub_cols += js
            ub_vals += [1.0] * len(js)
            b_ub.append(float(caps_int[ck]))
    total = float(total_required)
    for mid, p in sorted(max_pct.items()):
        js = by_member.get(mid, [])
        row = len(b_ub)
        ub_rows += [row] * len(js)
        ub_cols += js
        ub_vals += [1.0] * len(js)
        b_ub.append(total * float(p) / 100.0)
    min_members = sorted(min_pct)
    min_rows: list[int] = []
    for mid in min_members:
        js = by_member.get(mid, [])
        row = len(b_ub)
        min_rows.append(row)
        ub_rows += [row] * len(js)
        ub_cols += js
        ub_vals += [-1.0] * len(js)
        b_ub.append(-total * float(min_pct[mid]) / 100.0)
    n_ub = len(b_ub)
    a_ub = sparse.csr_array((ub_vals, (ub_rows, ub_cols)), shape=(n_ub, n)) if n_ub else None
    b_ub_arr = np.array(b_ub) if n_ub else None

    # relaxation: slack per requirement (uncovered volume), per minimum share
    n_min = len(min_members)
    relaxed_c = np.concatenate([c, np.full(n_eq, _PENALTY_UNCOVERED), np.full(n_min, _PENALTY_SHARE)])
    relaxed_a_eq = sparse.hstack([a_eq, sparse.eye_array(n_eq), sparse.csr_array((n_eq, n_min))],
                                 format="csr")
    relaxed_a_ub = None
    if n_ub:
        s = sparse.csr_array((-np.ones(n_min), (min_rows, np.arange(n_min))), shape=(n_ub, n_min))
        relaxed_a_ub = sparse.hstack([a_ub, sparse.csr_array((n_ub, n_eq)), s], format="csr")
    relaxed_bounds = np.vstack([
        bounds,
        np.column_stack([np.zeros(n_eq), b_eq]),
        np.column_stack([np.zeros(n_min), [total * float(min_pct[m]) / 100.0 for m in min_members]]),
    ])
    return _LP(c, a_eq, b_eq, a_ub, b_ub_arr, bounds, eq_requirements, min_members, relaxed_c, relaxed_a_eq,
               relaxed_a_ub, relaxed_bounds)


def _round(
    ctx: _Context, variables: list[_Var], x: np.ndarray, caps_int: dict[tuple[int, Key], Decimal]
) -> list[Decimal]:
    """Whole units per requirement: floors, then the remainder to the largest fractions.

    Each requirement's parts add to its volume (or, when it cannot be covered, to its covered
    volume rounded to whole units); no member × service line & area passes its whole-unit capacity.
    """
    room = dict(caps_int)
    out = [ZERO] * len(variables)
    by_req: dict[int, list[int]] = defaultdict(list)
    for j, v in enumerate(variables):
        by_req[v.requirement_id].append(j)
    xs = [max(0.0, val) for val in np.asarray(x, dtype=float).tolist()]
    whole_units = np.floor(np.asarray(xs) + _EPS).astype(np.int64).tolist()
    for rid, js in by_req.items():
        required = ctx.req_by_id[rid].annual_volume
        values = [xs[j] for j in js]
        covered = sum(values)
        if covered >= float(required) - _EPS:
            target = required
        else:
            target = min(required, Decimal(round(covered)))
        floors = []
        for j in js:
            units = whole_units[j]
            if units <= 0:  # most of an LP's variables are zero: no Decimal work for them
                floors.append(ZERO)
                continue
            v = variables[j]
            f = min(Decimal(units), room[(v.member_id, v.key)])
            floors.append(max(ZERO, f))
        for j, f in zip(js, floors, strict=True):
            out[j] = f
        left = target - sum(floors, ZERO)
        if left < 0:  # floors overshoot a partial target: take back from the smallest fractions
            for j in sorted(js, key=lambda j: (float(x[j]) - np.floor(float(x[j]) + _EPS), out[j])):
                take = min(out[j], -left)
                out[j] -= take
                left += take
                if left >= 0:
                    break
        for j in js:
            v = variables[j]
            room[(v.member_id, v.key)] -= out[j]
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
                v = variables[j]
                if room[(v.member_id, v.key)] >= 1:
                    out[j] += 1
                    room[(v.member_id, v.key)] -= 1
                    whole -= 1
                    given = True
            if not given:
                break  # no room anywhere: the remainder is reported as uncovered
        if frac > 0:  # a requirement volume with a fraction: the part with most room takes it
            j = max(js, key=lambda j: room[(variables[j].member_id, variables[j].key)])
            v = variables[j]
            if room[(v.member_id, v.key)] >= frac:
                out[j] += frac
                room[(v.member_id, v.key)] -= frac
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
