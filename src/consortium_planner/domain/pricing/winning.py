"""The highest price that still wins (closed forms for the relative method and price per quality
point, bisection in pennies on the exact scoring otherwise) and the quality score needed to win at a price.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..model import PriceMethod, Tender
from ..money import PENNY, ZERO
from .scoring import (
    PRICE_ABOVE_CEILING,
    SCORE_TOLERANCE,
    Competitor,
    Evaluation,
    ScoringRules,
    _non_price,
    _ratio,
    _rules,
    below_quality_threshold,
    evaluate,
)


@dataclass(frozen=True, slots=True)
class WinningPrice:
    """The highest price at which our bid still wins (or ties), quality and social value as given."""

    method: PriceMethod
    price: Decimal | None  # to the penny, rounded down; None if any price wins or none does
    any_price: bool  # we win whatever we charge
    cannot_win: bool  # not even at a penny
    exact: Decimal | None  # relative: the unrounded bound Pc × Wp / (Wp − D); per point: Q_us × min PQP_j
    binding: str | None  # the competitor who overtakes us a penny above ``price``
    non_price_gap: Decimal | None  # D: our quality + social value points − the cheapest competitor's
    cheapest: str | None


def relative_max_winning_price(our_non_price: Decimal, their_non_price: Decimal, their_price: Decimal,
                               price_weight: Decimal) -> Decimal | None:
    """Against a cheaper competitor, relative method: D = ours − theirs non-price points; if
    D ≥ Wp we win at any price (None), else Pmax = Pc × Wp / (Wp − D). Exact, unrounded."""
    d = our_non_price - their_non_price
    if d >= price_weight:
        return None
    return their_price * price_weight / (price_weight - d)


def _floor_penny(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_FLOOR)


def highest_winning_price(our_bid: Competitor, competitors: Sequence[Competitor],
                          tender: Tender | ScoringRules) -> WinningPrice:
    """The highest penny price at which ``our_bid`` (its price ignored) wins or ties.

    Winning is monotone in our price for every method (a higher price never helps us), so the
    answer is found by bisection on the exact scoring function; the relative method starts from
    the closed form and checks it by re-scoring.
    """
    r = _rules(tender)
    # a rival below the minimum quality score fails whatever we charge: it never binds
    competitors = [c for c in competitors if not below_quality_threshold(c, r)]
    ours_np = _non_price(our_bid, r)
    cheapest = min(competitors, key=lambda c: c.price) if competitors else None
    d = ours_np - _non_price(cheapest, r) if cheapest else None

    def wins(pence: int) -> bool:
        price = Decimal(pence) / 100
        return evaluate(dataclasses.replace(our_bid, price=price), competitors, r).wins

    def binding(pence: int) -> str | None:
        ev = evaluate(dataclasses.replace(our_bid, price=Decimal(pence) / 100), competitors, r)
        return ev.leader

    def result(pence: int | None, *, any_price=False, cannot=False, exact=None) -> WinningPrice:
        return WinningPrice(r.method, None if pence is None else (Decimal(pence) / 100).quantize(PENNY), any_price,
                            cannot, exact,
                            binding(pence + 1) if pence is not None else None, d,
                            cheapest.name if cheapest else None)

    cap: int | None = None  # highest price allowed (the budget ceiling, under every method)
    if r.ceiling is not None:
        cap = int(_floor_penny(r.ceiling) * 100)
    if below_quality_threshold(our_bid, r):  # disqualified whatever the price
        return result(None, cannot=True)
    if not competitors:
        if cap is not None:
            return result(cap) if cap >= 1 else result(None, cannot=True)
        return result(None, any_price=True)
    if not wins(1):
        return result(None, cannot=True)

    if r.method is PriceMethod.PQP:
        return _per_point_winning_price(our_bid, competitors, r, ours_np, cap, wins, result)

    exact = None
    if (r.method is PriceMethod.RELATIVE and cheapest is not None and cap is None
            and wins(int(cheapest.price * 100))):
        # above the cheapest price Pc, Pmin = Pc and each rival j's score is fixed: we beat j while
        # Wp × Pc / P ≥ N_j − N_us + Wp × Pc / P_j. For j the cheapest this is Pc × Wp / (Wp − D).
        bounds = []
        pc, wp = cheapest.price, r.price_weight
        for c in competitors:
            need = _non_price(c, r) - ours_np + wp * pc / c.price
            if need > 0:
                bounds.append(pc * wp / need)
        if not bounds:
            return result(None, any_price=True)
        exact = min(bounds)
        p = int(_floor_penny(exact) * 100)
        # guard against Decimal division noise: step to the true boundary
        while p > 1 and not wins(p):
            p -= 1
        while wins(p + 1):
            p += 1
        return result(p, exact=exact)

    lo = 1
    if cap is not None:
        if wins(cap):
            return result(cap)
        hi = cap
    else:
        top = max([c.price for c in competitors] + ([r.budget] if r.budget else []))
        hi = int(_floor_penny(top * 2) * 100) + 1
        limit = hi * 10**6
        while wins(hi):
            if hi > limit:
                return result(None, any_price=True)
            lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if wins(mid):
            lo = mid
        else:
            hi = mid
    return result(lo)


@dataclass(frozen=True, slots=True)
class QualityNeeded:
    price: Decimal
    quality_score: Decimal | None  # the lowest score (rounded up to 0.01) that wins or ties; None if none
    exact: Decimal | None  # unrounded
    quality_max: Decimal
    attainable: bool  # quality_score ≤ quality_max
    target_total: Decimal | None  # the best competitor's total at this price (per point: the quality score to reach)


def quality_needed(our_bid: Competitor, competitors: Sequence[Competitor],
                   tender: Tender | ScoringRules) -> QualityNeeded:
    """The quality score ``our_bid`` needs to win (or tie) at its price, social value as given; never
    below the tender's minimum quality score."""
    r = _rules(tender)
    # the rivals' totals and our price points do not depend on our quality: score us at the maximum so
    # that a quality below the minimum does not hide them
    ev = evaluate(dataclasses.replace(our_bid, quality_score=our_bid.quality_max), competitors, r)
    if r.method is PriceMethod.PQP:
        return _at_least_minimum(_per_point_quality_needed(our_bid, ev, r), r)
    mine = ev.ours
    best = max((b.total for b in ev.bids[1:] if b.total is not None), default=None)
    if mine.price_points is None:
        return QualityNeeded(our_bid.price, None, None, our_bid.quality_max, False, best)
    if best is None:
        return _at_least_minimum(QualityNeeded(our_bid.price, ZERO, ZERO, our_bid.quality_max, True, None), r)
    short = best - mine.social_value_points - mine.price_points
    if short <= SCORE_TOLERANCE:
        return _at_least_minimum(QualityNeeded(our_bid.price, ZERO, ZERO, our_bid.quality_max, True, best), r)
    if r.quality_weight <= 0 or our_bid.quality_max <= 0:
        return QualityNeeded(our_bid.price, None, None, our_bid.quality_max, False, best)
    exact = short * our_bid.quality_max / r.quality_weight
    needed = exact.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return _at_least_minimum(QualityNeeded(our_bid.price, needed, exact, our_bid.quality_max,
                                           needed <= our_bid.quality_max, best), r)


def _at_least_minimum(q: QualityNeeded, r: ScoringRules) -> QualityNeeded:
    """A score below the tender's minimum quality is disqualified, so at least the minimum is needed."""
    if r.quality_threshold is None or q.quality_score is None:
        return q
    floor = (r.quality_threshold * q.quality_max / 100).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    if q.quality_score >= floor:
        return q
    return dataclasses.replace(q, quality_score=floor, exact=r.quality_threshold * q.quality_max / 100,
                               attainable=floor <= q.quality_max)


def _per_point_winning_price(our_bid: Competitor, competitors: Sequence[Competitor], r: ScoringRules,
                             ours_np: Decimal, cap: int | None, wins: Callable[[int], bool],
                             result: Callable[..., WinningPrice]) -> WinningPrice:
    """Price per quality point: we win while P ÷ Q_us ≤ each rival's P_j ÷ Q_j, so the bound is
    Q_us × min PQP_j over the rivals that do not fail (under the ceiling, some quality points);
    checked by re-scoring a penny either side. Called once ``wins(1)`` holds."""
    rates = [c.price / q for c in competitors
             if (r.ceiling is None or c.price <= r.ceiling) and (q := _non_price(c, r)) > 0]
    if not rates:
        return result(cap) if cap is not None else result(None, any_price=True)
    exact = ours_np * min(rates)
    p = int(_floor_penny(exact) * 100)
    if cap is not None and p >= cap:
        return result(cap, exact=exact) if wins(cap) else result(None, cannot=True)
    while p > 1 and not wins(p):  # Decimal division noise: step to the true boundary
        p -= 1
    while (cap is None or p < cap) and wins(p + 1):
        p += 1
    return result(p, exact=exact)


def _per_point_quality_needed(our_bid: Competitor, ev: Evaluation, r: ScoringRules) -> QualityNeeded:
    """Price per quality point: at price P we need a quality score Q ≥ P ÷ (the best rival's PQP);
    the quality marks needed are what Q asks beyond our social value points."""
    rates = [b.price_per_point for b in ev.bids[1:] if b.price_per_point is not None]
    top = our_bid.quality_max
    if ev.ours.failure == PRICE_ABOVE_CEILING:
        return QualityNeeded(our_bid.price, None, None, top, False, None)
    if not rates:
        return QualityNeeded(our_bid.price, ZERO, ZERO, top, True, None)
    target = our_bid.price / min(rates)
    short = target - _ratio(our_bid.social_value_score, our_bid.sv_max, r.social_value_weight)
    if short <= SCORE_TOLERANCE:
        return QualityNeeded(our_bid.price, ZERO, ZERO, top, True, target)
    if r.quality_weight <= 0 or top <= 0:
        return QualityNeeded(our_bid.price, None, None, top, False, target)
    exact = short * top / r.quality_weight
    needed = exact.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return QualityNeeded(our_bid.price, needed, exact, top, needed <= top, target)
