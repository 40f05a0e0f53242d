"""Financial standing: for each failed test, a guarantee, a performance bond and "what it would
take" (the smallest extra amount of one line item, and the organisations that would close the gap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import Metric, Organisation, Tender, stored_id
from ..money import HUNDRED, ZERO, format_decimal, format_gbp, quantize
from ..workspace import Workspace
from .items import LineItems, combine, item_label, with_extra
from .metrics import MetricResult
from .tested import TestedEntity, _Context, _latest, _Party
from .thresholds import LEVERS, PASSING, Direction, StandingParams, Status

_MAX_PENCE = 10**17  # search ceiling for "what it would take" (a thousand trillion pounds)
_TOP = 1 << (_MAX_PENCE.bit_length() - 1)  # the doubling's last amount: the greatest power of two within it


@dataclass(frozen=True, slots=True)
class GuarantorCandidate:
    organisation_id: int
    member_id: int | None
    name: str
    net_assets: Decimal | None
    covers_amount: bool | None  # its net assets are at least the guarantee amount
    cures: bool  # adding its accounts to the tested entity passes this test


@dataclass(frozen=True, slots=True)
class GuaranteeOption:
    amount: Decimal
    pct_of_annual_value: Decimal
    candidates: tuple[GuarantorCandidate, ...]  # option members not yet relied upon, strongest first
    cure_with: tuple[int, ...]  # organisation ids whose guarantees together cure it; () if none do
    source: str
    explanation: str


@dataclass(frozen=True, slots=True)
class BondOption:
    bond_pct: Decimal
    amount: Decimal
    premium_pct: Decimal
    annual_cost: Decimal
    term_years: int
    term_cost: Decimal
    source: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Closer:
    organisation_id: int
    name: str
    contributes: Decimal | None  # its own amount of the line item
    result: MetricResult  # the test re-run with its accounts added


@dataclass(frozen=True, slots=True)
class WhatItWouldTake:
    entity_name: str
    metric: Metric
    line_item: str  # LineItems field, or "net_assets" (added to total assets)
    line_item_label: str
    current: Decimal | None
    extra: Decimal | None  # smallest extra (to the penny) that passes (GREEN or AMBER); None: not possible
    extra_to_green: Decimal | None
    possible: bool
    explanation: str
    closers: tuple[Closer, ...]  # organisations outside the option that would pass it if added, best first


@dataclass(frozen=True, slots=True)
class Fail:
    entity_name: str
    result: MetricResult
    guarantee: GuaranteeOption
    bond: BondOption
    what_it_would_take: WhatItWouldTake

    @property
    def metric(self) -> Metric:
        return self.result.metric


def _smallest_extra(ok: Callable[[Decimal], bool], start: int = 0) -> Decimal | None:
    """The least amount in whole pence, ``start`` pence or more, for which ``ok`` holds (``ok`` monotone), or
    None when it does not hold at the search's ceiling (``_TOP``): the amounts ``start`` and more are searched
    by doubling, then halving, as from nothing; ``start`` is a lower bound the caller knows (the amount to pass
    when looking for the amount to reach green)."""
    if not start and ok(ZERO):
        return ZERO
    if start and ok(Decimal(start).scaleb(-2)):
        return quantize(Decimal(start).scaleb(-2))
    lo, hi = start, min(max(1, 2 * start), _TOP)
    while not ok(Decimal(hi).scaleb(-2)):
        if hi >= _TOP:
            return None
        lo, hi = hi, min(2 * hi, _TOP)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(Decimal(mid).scaleb(-2)):
            hi = mid
        else:
            lo = mid
    return quantize(Decimal(hi).scaleb(-2))


def _headroom(r: MetricResult) -> Decimal:
    if r.value is None or r.threshold is None:
        return ZERO
    return r.threshold - r.value if r.direction is Direction.AT_MOST else r.value - r.threshold


@dataclass(frozen=True, slots=True)
class _Joined:
    """A party that could join a tested group: its latest accounts, and the group's with them."""

    party: _Party
    accounts: LineItems
    together: LineItems


def _joined(ws: Workspace, parts: Sequence[LineItems], org: Organisation) -> tuple[LineItems, LineItems]:
    cand = _latest(ws, org)
    return cand, combine([*parts, cand])


def _what_it_would_take(entity: TestedEntity, ctx: _Context, result: MetricResult,
                        outsiders: Sequence[_Joined]) -> WhatItWouldTake:
    metric = result.metric
    lever = LEVERS[metric]
    items = entity.line_items
    current = items.value(lever)
    label = item_label(lever)
    extra = to_green = None
    if current is not None:
        extra = _smallest_extra(lambda x: ctx.status(metric, with_extra(items, lever, x)) in PASSING)
        # green passes, so the amount to reach green is at least the amount to pass, and there is none without it
        to_green = None if extra is None else _smallest_extra(
            lambda x: ctx.status(metric, with_extra(items, lever, x)) is Status.GREEN, int(extra.scaleb(2)))
    closers = []
    for j in outsiders:
        if ctx.status(metric, j.together) in PASSING:
            org = j.party.org
            closers.append(Closer(stored_id(org), org.name, j.accounts.value(lever), ctx.test(metric, j.together)))
    closers.sort(key=lambda c: (c.result.status is not Status.GREEN, -_headroom(c.result), c.name.casefold()))
    names = [c.name for c in closers[:3]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1] if names else ""
    joiners = f" Adding {listed} would close the gap." if closers else ""
    if extra is None:
        if not entity.organisation_ids:
            why = "there are no accounts to add to; a member or another organisation must guarantee it"
        elif current is None:
            why = f"{label} is not given"
        else:
            why = f"no amount of extra {label} alone passes it"
        text = f"{entity.name} cannot pass the {result.label} test by adding to one line item: {why}.{joiners}"
    else:
        green = "" if to_green is None or to_green == extra else f" ({format_gbp(to_green)} to reach green)"
        text = (f"{entity.name} would pass the {result.label} test with {format_gbp(extra)} more {label}"
                f"{green}.{joiners}")
    return WhatItWouldTake(entity.name, metric, lever, label, current, extra, to_green, extra is not None, text,
                           tuple(closers))


def _guarantee(entity: TestedEntity, ctx: _Context, result: MetricResult, parts: Sequence[LineItems],
               candidates: Sequence[_Joined], params: StandingParams) -> GuaranteeOption:
    base = entity.annual_value if entity.annual_value is not None else ZERO
    amount = quantize(base * params.guarantee_pct / HUNDRED)
    ranked = []
    for j in candidates:
        p, cand = j.party, j.accounts
        na = cand.net_assets
        cures = ctx.status(result.metric, j.together) in PASSING
        ranked.append((GuarantorCandidate(stored_id(p.org), p.member.id if p.member else None, p.org.name, na,
                                          None if na is None else na >= amount, cures), cand))
    ranked.sort(key=lambda gc: (gc[0].net_assets is None, -(gc[0].net_assets or ZERO), gc[0].name.casefold()))
    cure_with: tuple[int, ...] = ()
    acc = list(parts)
    for i, (_gc, cand) in enumerate(ranked):
        acc.append(cand)
        if ctx.status(result.metric, combine(acc)) in PASSING:
            cure_with = tuple(g.organisation_id for g, _ in ranked[: i + 1])
            break
    ordered = tuple(gc for gc, _ in ranked)
    if not ordered:
        text = (f"A guarantee of {format_gbp(amount)} would have to come from outside the option: every member "
                "is already relied upon.")
    elif len(cure_with) == 1:
        who = next(g.name for g in ordered if g.organisation_id == cure_with[0])
        strongest = " (the strongest balance sheet)" if ordered[0].organisation_id == cure_with[0] else ""
        text = (f"A guarantee of {format_gbp(amount)} from {who}{strongest} would bring its accounts into the "
                f"test and cure the {result.label} fail.")
    elif cure_with:
        names = [g.name for g in ordered if g.organisation_id in cure_with]
        text = (f"Guarantees of {format_gbp(amount)} from {', '.join(names[:-1])} and {names[-1]} (strongest balance "
                f"sheets first) would together bring their accounts into the test and cure the {result.label} fail.")
    else:
        text = (f"A guarantee of {format_gbp(amount)} from {ordered[0].name} (the strongest balance sheet) would "
                f"not cure the {result.label} fail: even with every other member's accounts added it still fails.")
    return GuaranteeOption(amount, params.guarantee_pct, ordered, cure_with, "[U]", text)


def _bond(entity: TestedEntity, tender: Tender, params: StandingParams) -> BondOption:
    pct = tender.bond_pct if tender.bond_pct > 0 else params.bond_pct
    source = "tender" if tender.bond_pct > 0 else "[V]"
    base = entity.annual_value if entity.annual_value is not None else ZERO
    amount = quantize(base * pct / HUNDRED)
    annual = quantize(amount * params.bond_premium_pct / HUNDRED)
    term_cost = quantize(annual * tender.term_years)
    text = (f"A performance bond of {format_gbp(amount)} ({format_decimal(pct)}% of {format_gbp(base)} a year) "
            f"would cost about {format_gbp(annual)} a year ({format_decimal(params.bond_premium_pct)}% of the bond "
            f"[U]), {format_gbp(term_cost)} over the {tender.term_years}-year term.")
    return BondOption(pct, amount, params.bond_premium_pct, annual, tender.term_years, term_cost, source, text)
