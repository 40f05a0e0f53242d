"""Lots: which of a tender's lots an option should bid for (Procurement Act 2023 s18, DOMAIN §11; issue 18).

A tender in lots may cap the lots one supplier is awarded. Each lot earns its share of the option's
contribution if won; its **expected contribution** is the chance of winning it × that contribution over the
contract term (extensions left out). The **best set** of lots maximises the expected contribution subject to:

* the cap: at most ``cap`` lots, so every lot in the set can be won together;
* capacity: for each service line and area, the volume of the lots in the set is within what the option's
  members can deliver with growth (lots that share a service line and area share the members' capacity);
* capital: the lots' shares of the option's funding requirement are within its funding sources (tested
  only when the option has funding sources).

It is a 0-1 integer programme, solved by HiGHS (``scipy.optimize.milp``) with no optimality gap, on whole
units and pence, so the optimum is exact; the chosen set is checked again in Decimal. Services outside every
lot are part of any bid: they use capacity and capital first. The same programme with the user's decisions
fixed (bid: in; do not bid: out; choose for me: free) gives the **planned set**; when it earns less than the
best set, or breaks a limit, a finding says so.

**How a lot's figures are apportioned.** The option prices each service line across all its areas, so a
line's margin and price in each contract year are split between lots by the lot's share of the line's
required volume (``money.allocate``: the lots add up to the option's figures to the penny). A lot's capital
need is the option's funding requirement split by year-one price. Both are stated approximations: a lot
with a different cost mix than its line's average earns more or less than its share.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .capacity.results import CoverageResult
from .findings import Finding, Severity
from .model import ConsortiumOption, LotBid, LotDecision, Tender, key
from .money import HUNDRED, ZERO, allocate, format_decimal, format_gbp, quantize
from .pricing.schedule import PriceSchedule
from .projection.financing import FundingResult
from .workspace import Workspace

Key = tuple[str, str]  # (key(service_line), key(area))
OUTSIDE_LOTS = "Services outside the lots"


@dataclass(frozen=True, slots=True)
class LotInput:
    """One lot as the choice sees it."""

    lot_id: int
    name: str
    decision: LotDecision
    chance: Decimal | None  # fraction 0..1; None: no chance known (the expected contribution assumes a win)
    chance_basis: str  # "the bid team's estimate for the lot", "the option's modelled chance", …
    contribution: Decimal  # over the contract term if won, to the penny
    year_one_price: Decimal
    capital_need: Decimal  # its share of the funding requirement, to the penny
    needs: Mapping[Key, Decimal]  # volume a year per service line & area

    @property
    def expected(self) -> Decimal:
        return quantize(self.contribution * (self.chance if self.chance is not None else Decimal(1)))


@dataclass(frozen=True, slots=True)
class LotProblem:
    lots: tuple[LotInput, ...]
    capacity: Mapping[Key, Decimal]  # what the members can deliver a year, with growth
    labels: Mapping[Key, str]  # "Homecare in Eastmere"
    capital: Decimal | None  # funding sources; None: not tested (no sources entered)
    cap: int | None  # most lots one supplier may win; None: no cap
    outside: LotInput | None = None  # services in no lot: part of every bid


@dataclass(frozen=True, slots=True)
class LotRow:
    lot_id: int
    name: str
    decision: LotDecision
    chance: Decimal | None
    chance_basis: str
    contribution: Decimal
    expected: Decimal
    year_one_price: Decimal
    capital_need: Decimal
    in_best: bool
    in_plan: bool
    reason: str  # why it is in or out of the best set


@dataclass(frozen=True, slots=True)
class LotChoice:
    option_id: int
    cap: int | None
    capital: Decimal | None  # funding sources tested against; None: not tested
    capital_left: Decimal | None  # after services outside the lots
    rows: tuple[LotRow, ...]
    outside: LotInput | None
    best_expected: Decimal  # Σ expected of the best set
    plan_expected: Decimal  # Σ expected of the planned set
    plan_feasible: bool  # the lots marked "bid" fit the cap, capacity and capital together
    plan_breaches: tuple[str, ...]  # what the lots marked "bid" break, in words
    solver: str  # "HiGHS" or "no lot to choose"
    findings: tuple[Finding, ...]

    @property
    def best(self) -> tuple[LotRow, ...]:
        return tuple(r for r in self.rows if r.in_best)

    @property
    def plan(self) -> tuple[LotRow, ...]:
        return tuple(r for r in self.rows if r.in_plan)


# --------------------------------------------------------------------------- apportioning


def apportion(values_by_line: Mapping[str, Decimal], line_volumes: Mapping[str, Mapping[int | None, Decimal]]
              ) -> dict[int | None, Decimal]:
    """Split each line's amount between lots by their share of the line's volume, to the penny (a line with
    no volume in any lot keeps nothing)."""
    out: dict[int | None, Decimal] = {}
    for line, amount in values_by_line.items():
        shares = line_volumes.get(line, {})
        lots = sorted(shares, key=lambda x: (x is None, x or 0))
        weights = [shares[lot] for lot in lots]
        if not lots or sum(weights, ZERO) <= 0:
            continue
        for lot, part in zip(lots, allocate(amount, weights), strict=True):
            out[lot] = out.get(lot, ZERO) + part
    return out


# --------------------------------------------------------------------------- the programme


def _remaining(problem: LotProblem) -> tuple[dict[Key, Decimal], Decimal | None]:
    """Capacity and capital left once the services outside the lots have theirs."""
    capacity = dict(problem.capacity)
    capital = problem.capital
    if problem.outside is not None:
        for k, v in problem.outside.needs.items():
            capacity[k] = capacity.get(k, ZERO) - v
        if capital is not None:
            capital -= problem.outside.capital_need
    return capacity, capital


def breaches(problem: LotProblem, chosen: Iterable[int], *, limit: int | None = None) -> tuple[str, ...]:
    """What a set of lots breaks (the cap, a service line and area's capacity, the capital), in words; with
    ``limit``, the first ``limit`` and then how many more."""
    ids = set(chosen)
    lots = [lot for lot in problem.lots if lot.lot_id in ids]
    capacity, capital = _remaining(problem)
    out: list[str] = []
    if problem.cap is not None and len(lots) > problem.cap:
        out.append(f"{len(lots)} lots, where a supplier may win at most {problem.cap}")
    need: dict[Key, Decimal] = {}
    for lot in lots:
        for k, v in lot.needs.items():
            need[k] = need.get(k, ZERO) + v
    over = sorted(k for k, v in need.items() if v > capacity.get(k, ZERO))
    capital_total = sum((lot.capital_need for lot in lots), ZERO)
    short_of_capital = capital is not None and capital_total > capital
    shown = len(over) if limit is None else max(0, limit - len(out))
    for k in over[:shown]:
        have = max(capacity.get(k, ZERO), ZERO)
        out.append(f"{problem.labels.get(k, ' in '.join(k))}: {format_decimal(need[k], 0)} a year needed, "
                   f"{format_decimal(have, 0)} available with growth")
    if short_of_capital and (limit is None or len(out) < limit):
        assert capital is not None
        out.append(f"capital: {format_gbp(capital_total, pence=False)} needed, "
                   f"{format_gbp(max(capital, ZERO), pence=False)} of funding")
        short_of_capital = False
    more = len(over) - min(shown, len(over)) + (1 if short_of_capital else 0)
    if more:
        out.append(f"and {more} more")
    return tuple(out)


def _units(v: Decimal) -> int:
    """Whole units up (a need) — capacities are compared in whole units, as they are entered."""
    return int(v.to_integral_value(rounding="ROUND_CEILING"))


def _floor(v: Decimal) -> int:
    return int(v.to_integral_value(rounding="ROUND_FLOOR"))


def solve(problem: LotProblem, fixed: Mapping[int, bool] | None = None) -> tuple[int, ...] | None:
    """The lots that maximise Σ expected contribution within the cap, capacity and capital (``fixed``: lots
    forced in or out). None when the forced lots alone break a limit. Lots that earn nothing are never chosen
    unless forced."""
    fixed = fixed or {}
    forced = {lot_id for lot_id, v in fixed.items() if v}
    if breaches(problem, forced, limit=0):
        return None
    # a lot that breaks a limit on its own can never be in a set: only the rest are variables
    candidates = [lot for lot in problem.lots if lot.lot_id in forced or (
        fixed.get(lot.lot_id, True) and lot.expected > 0 and not breaches(problem, (lot.lot_id,), limit=0))]
    if not candidates:
        return ()
    if not any(lot.lot_id not in forced for lot in candidates):
        return tuple(sorted(forced))
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    capacity, capital = _remaining(problem)
    n = len(candidates)
    objective = -np.array([float(int(lot.expected * 100)) for lot in candidates])
    rows: list[list[float]] = []
    upper: list[float] = []
    if problem.cap is not None and n > problem.cap:
        rows.append([1.0] * n)
        upper.append(float(problem.cap))
    keys = sorted({k for lot in candidates for k in lot.needs})
    for k in keys:
        needs = [lot.needs[k] for lot in candidates if k in lot.needs]
        if len(needs) < 2 or sum(needs, ZERO) <= capacity.get(k, ZERO):
            continue  # one lot alone fits (checked above), or every candidate together does: it never binds
        rows.append([float(_units(lot.needs.get(k, ZERO))) for lot in candidates])
        upper.append(float(_floor(capacity.get(k, ZERO))))
    if capital is not None and sum((lot.capital_need for lot in candidates), ZERO) > capital:
        rows.append([float(int(lot.capital_need * 100)) for lot in candidates])
        upper.append(float(_floor(capital * 100)))
    lower_bounds = [1.0 if lot.lot_id in forced else 0.0 for lot in candidates]
    constraints = [LinearConstraint(np.array(rows), -np.inf, np.array(upper))] if rows else []
    result = milp(objective, integrality=np.ones(n), bounds=Bounds(lower_bounds, [1.0] * n),
                  constraints=constraints, options={"mip_rel_gap": 0.0, "presolve": True})
    if result.x is None:  # infeasible: the forced lots were checked above, so this is the solver's word
        return None
    chosen = tuple(sorted(lot.lot_id for lot, x in zip(candidates, result.x, strict=True) if x > 0.5))
    if breaches(problem, chosen, limit=0):  # checked again in Decimal: never report a set that breaks a limit
        raise ArithmeticError(f"the lot programme returned a set that breaks a limit: {breaches(problem, chosen)}")
    return chosen


def brute_force(problem: LotProblem) -> Decimal:
    """The best expected contribution by trying every set (for tests and small cases)."""
    best = ZERO
    lots = list(problem.lots)
    for r in range(len(lots) + 1):
        for combo in itertools.combinations(lots, r):
            if not breaches(problem, (lot.lot_id for lot in combo), limit=0):
                best = max(best, sum((lot.expected for lot in combo), ZERO))
    return best


# --------------------------------------------------------------------------- the choice with reasons


def _pct(chance: Decimal | None) -> str:
    return "not known" if chance is None else f"{format_decimal(chance * HUNDRED, 0)}%"


def _reason(problem: LotProblem, lot: LotInput, best: Sequence[int]) -> str:
    if lot.lot_id in best:
        basis = f"chance {_pct(lot.chance)} × {format_gbp(lot.contribution, pence=False)}"
        return f"In: expected contribution {format_gbp(lot.expected, pence=False)} ({basis})"
    if lot.contribution <= 0:
        return f"Out: it loses money (contribution {format_gbp(lot.contribution, pence=False)} over the term)"
    if lot.chance is not None and lot.chance <= 0:
        return "Out: no chance of winning it"
    alone = breaches(problem, (lot.lot_id,), limit=2)
    if alone:
        return "Out: the consortium cannot take it on even alone (" + "; ".join(alone) + ")"
    added = breaches(problem, (*best, lot.lot_id), limit=2)
    return ("Out: the lots in the best set earn more, and with it the set would break a limit ("
            + "; ".join(added) + ")" if added else "Out: it adds nothing to the best set")


def lot_choice(option_id: int, problem: LotProblem) -> LotChoice:
    """The best set of lots, the planned set from the decisions, a reason per lot, and findings."""
    best = solve(problem) or ()
    fixed = {lot.lot_id: lot.decision is LotDecision.BID for lot in problem.lots
             if lot.decision is not LotDecision.CHOOSE}
    planned = solve(problem, fixed) if fixed else best  # nothing decided: the plan is the best set
    forced_in = tuple(lot.lot_id for lot in problem.lots if lot.decision is LotDecision.BID)
    plan_breaches = breaches(problem, forced_in)
    plan_feasible = planned is not None
    plan = planned if planned is not None else forced_in
    by_id = {lot.lot_id: lot for lot in problem.lots}
    best_expected = sum((by_id[i].expected for i in best), ZERO)
    plan_expected = sum((by_id[i].expected for i in plan), ZERO)
    rows = tuple(LotRow(lot.lot_id, lot.name, lot.decision, lot.chance, lot.chance_basis, lot.contribution,
                        lot.expected, lot.year_one_price, lot.capital_need, lot.lot_id in best, lot.lot_id in plan,
                        _reason(problem, lot, best)) for lot in problem.lots)
    findings: list[Finding] = []
    if plan_breaches:
        findings.append(Finding(
            "lots_plan_breaks_limit",
            "The lots marked to bid could not all be delivered if won: " + "; ".join(plan_breaches) + ".",
            Severity.WARNING, area="Lots",
            cure="Mark fewer lots to bid, or let the best set choose (Choose for me)."))
    for row in rows:
        if row.in_plan and row.decision is LotDecision.BID and row.contribution < 0:
            findings.append(Finding(
                "lot_loses_money", f"{row.name} is marked to bid but loses {format_gbp(-row.contribution, pence=False)} "
                "over the term at the option's prices.", Severity.WARNING, area="Lots",
                figures=(("contribution", row.contribution),),
                cure="Raise its prices, lower its costs, or do not bid for it."))
    if plan_feasible and plan_expected < best_expected:
        gap = best_expected - plan_expected
        names = ", ".join(r.name for r in rows if r.in_best) or "none"
        findings.append(Finding(
            "lots_plan_below_best",
            f"The lots decided earn {format_gbp(gap, pence=False)} less expected contribution than the best set "
            f"({names}).", Severity.INFO, area="Lots", figures=(("shortfall", gap),),
            cure="Review the lots marked bid or do not bid."))
    if any(lot.chance is None for lot in problem.lots):
        findings.append(Finding(
            "lot_chance_unknown", "No chance of winning is known for some lots: their expected contribution "
            "assumes a win.", Severity.INFO, area="Lots",
            cure="Enter the bid team's chance per lot, or competitors so the option's chance is modelled."))
    _, capital_left = _remaining(problem)
    return LotChoice(option_id, problem.cap, problem.capital, capital_left, rows, problem.outside, best_expected,
                     plan_expected, not plan_breaches, plan_breaches, "HiGHS" if problem.lots else "no lot to choose",
                     tuple(findings))


# --------------------------------------------------------------------------- from a workspace


def lot_problem(ws: Workspace, option_id: int, coverage: CoverageResult, schedule: PriceSchedule,
                chance: Decimal | None, funding: FundingResult | None) -> LotProblem | None:
    """The lot choice's inputs for one option: None when its tender is not divided into lots.

    ``chance`` is the option's modelled chance of winning (a fraction), used for lots with no estimate of
    their own; the tender's estimate comes next.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"consortium option {option_id} does not exist")
    tender = ws.get(Tender, option.tender_id)
    lots = sorted(ws.lots(option.tender_id), key=lambda lot: lot.id or 0)
    if tender is None or not lots:
        return None
    decisions = {d.lot_id: d for d in ws.by(LotBid, "option_id", option_id)}
    requirements = ws.requirements(tender.id)
    lot_ids = {lot.id for lot in lots}
    volumes: dict[str, dict[int | None, Decimal]] = {}
    needs: dict[int | None, dict[Key, Decimal]] = {}
    keys: dict[str, str] = {}

    def k_of(text: str) -> str:
        found = keys.get(text)
        if found is None:
            found = keys[text] = key(text)
        return found

    for r in requirements:
        lot_id = r.lot_id if r.lot_id in lot_ids else None
        line = k_of(r.service_line)
        volumes.setdefault(line, {})
        volumes[line][lot_id] = volumes[line].get(lot_id, ZERO) + r.annual_volume
        k = (line, k_of(r.area))
        needs.setdefault(lot_id, {})
        needs[lot_id][k] = needs[lot_id].get(k, ZERO) + r.annual_volume
    margin: dict[str, Decimal] = {}
    for year in schedule.years:
        if year.is_extension:
            continue
        for ly in year.lines:
            margin[ly.key] = margin.get(ly.key, ZERO) + ly.annual_margin
    year_one = {ly.key: ly.annual_price for ly in schedule.years[0].lines} if schedule.years else {}
    contribution = apportion(margin, volumes)
    price = apportion(year_one, volumes)
    parts = sorted(price, key=lambda x: (x is None, x or 0))
    requirement = funding.requirement if funding is not None else ZERO
    capital_split = dict(zip(parts, allocate(requirement, [price[p] for p in parts]), strict=True)) \
        if parts and sum(price.values(), ZERO) > 0 else {}
    capacity: dict[Key, Decimal] = {}
    labels: dict[Key, str] = {}
    for rc in coverage.requirements:
        k = (k_of(rc.service_line), k_of(rc.area))
        capacity[k] = max(capacity.get(k, ZERO), rc.capacity_with_growth)
        labels[k] = f"{rc.service_line} in {rc.area}"

    def chance_of(lot_id: int | None) -> tuple[Decimal | None, str]:
        d = decisions.get(lot_id) if lot_id is not None else None
        if d is not None and d.win_probability_pct is not None:
            return d.win_probability_pct / HUNDRED, "the bid team's estimate for the lot"
        if chance is not None:
            return chance, "the option's modelled chance"
        if tender.win_probability_pct is not None:
            return tender.win_probability_pct / HUNDRED, "the bid team's estimate for the tender"
        return None, "not known: a win is assumed"

    def lot_input(lot_id: int | None, name: str) -> LotInput:
        d = decisions.get(lot_id) if lot_id is not None else None
        p, basis = chance_of(lot_id)
        return LotInput(lot_id if lot_id is not None else 0, name,
                        d.decision if d is not None else (LotDecision.CHOOSE if lot_id is not None else LotDecision.BID),
                        p, basis, contribution.get(lot_id, ZERO), price.get(lot_id, ZERO),
                        capital_split.get(lot_id, ZERO), needs.get(lot_id, {}))

    outside = lot_input(None, OUTSIDE_LOTS) if None in needs else None
    sources = funding.total_sources if funding is not None and funding.sources else None
    return LotProblem(tuple(lot_input(lot.id, lot.name) for lot in lots), capacity, labels, sources,
                      tender.max_lots_per_supplier, outside)
