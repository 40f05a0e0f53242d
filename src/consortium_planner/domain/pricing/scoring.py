"""Price evaluation: the scoring methods of DOMAIN.md §3 as pure functions on ``Decimal``, and
our bid scored among the competitors' (``evaluate``).

Five methods turn a price into price points added to the quality and social value points; the
sixth, price per quality point (PQP, central government), awards no price points: each bid's price
is divided by its quality score (quality + social value points) and the lowest price per point wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import PriceMethod, Tender
from ..money import ZERO

ONE = Decimal(1)
HUNDRED_PCT = Decimal(100)
SCORE_TOLERANCE = Decimal("1e-18")  # totals closer than this are a tie (Decimal division noise)


class EvaluationError(ValueError):
    """Bids or rules that cannot be scored."""


@dataclass(frozen=True, slots=True)
class Competitor:
    """A bid: ours or a competitor's. Scores are marks out of the maxima (``quality_max`` > 0)."""

    name: str
    price: Decimal
    quality_score: Decimal
    quality_max: Decimal = Decimal(100)
    social_value_score: Decimal = ZERO
    sv_max: Decimal = Decimal(100)

    def __post_init__(self) -> None:
        if not self.price > 0:
            raise EvaluationError(f"{self.name}: the price must be above zero (got {self.price})")
        for what, score, top in (("quality", self.quality_score, self.quality_max),
                                 ("social value", self.social_value_score, self.sv_max)):
            if top < 0:
                raise EvaluationError(f"{self.name}: the {what} maximum must not be negative")
            if score < 0 or (top > 0 and score > top):
                raise EvaluationError(f"{self.name}: {what} score {score} is outside 0 to {top}")


Bid = Competitor  # our own bid has the same shape


@dataclass(frozen=True, slots=True)
class ScoringRules:
    """Weights (points, usually adding to 100) and the price method. ``budget`` for the budget method."""

    quality_weight: Decimal
    price_weight: Decimal
    social_value_weight: Decimal
    method: PriceMethod = PriceMethod.RELATIVE
    budget: Decimal | None = None
    ceiling: Decimal | None = None
    k: Decimal = ONE
    quality_threshold: Decimal | None = None  # % of the quality maximum below which a bid is disqualified

    @classmethod
    def from_tender(cls, tender: Tender, *, k: Decimal = ONE) -> ScoringRules:
        return cls(tender.quality_weight, tender.price_weight, tender.social_value_weight, tender.price_method,
                   tender.annual_value if tender.annual_value > 0 else None, tender.budget_ceiling, k,
                   tender.quality_threshold_pct)


PRICE_ABOVE_CEILING = "price above the ceiling"
QUALITY_BELOW_MINIMUM = "quality below the minimum score"
NO_QUALITY_SCORE = "no quality score to divide the price by"


def below_quality_threshold(bid: Competitor, rules: ScoringRules) -> bool:
    """The bid's quality score is below the tender's minimum (a share of the maximum): it is disqualified."""
    t = rules.quality_threshold
    return t is not None and bid.quality_max > 0 and bid.quality_score * HUNDRED_PCT < t * bid.quality_max


def failure(bid: Competitor, rules: ScoringRules) -> str | None:
    """Why the bid fails whatever the others bid (None: it is scored)."""
    if rules.ceiling is not None and bid.price > rules.ceiling:
        return PRICE_ABOVE_CEILING
    if below_quality_threshold(bid, rules):
        return QUALITY_BELOW_MINIMUM
    return None


def _rules(x: Tender | ScoringRules) -> ScoringRules:
    return x if isinstance(x, ScoringRules) else ScoringRules.from_tender(x)


def _clamp(value: Decimal, weight: Decimal) -> Decimal:
    return min(max(value, ZERO), weight)


def _positive(value: Decimal, what: str) -> None:
    if not value > 0:
        raise EvaluationError(f"{what} must be above zero (got {value})")


def score_relative(price: Decimal, lowest: Decimal, weight: Decimal) -> Decimal:
    """PS = Wp × Pmin / P."""
    _positive(price, "price")
    _positive(lowest, "lowest price")
    return _clamp(weight * lowest / price, weight)


def score_linear_lowest(price: Decimal, lowest: Decimal, weight: Decimal) -> Decimal:
    """PS = Wp × max(0, 1 − (P − Pmin) / Pmin)."""
    _positive(lowest, "lowest price")
    return _clamp(weight * (ONE - (price - lowest) / lowest), weight)


def score_linear_range(price: Decimal, lowest: Decimal, highest: Decimal, weight: Decimal) -> Decimal:
    """PS = Wp × (Pmax − P) / (Pmax − Pmin); every bid scores Wp when all prices are equal."""
    if highest == lowest:
        return weight
    if highest < lowest:
        raise EvaluationError("the highest price is below the lowest")
    return _clamp(weight * (highest - price) / (highest - lowest), weight)


def score_from_mean(price: Decimal, mean: Decimal, weight: Decimal) -> Decimal:
    """PS = Wp × clamp(1 − (P − Pavg) / Pavg, 0, 1)."""
    _positive(mean, "mean price")
    return _clamp(weight * (ONE - (price - mean) / mean), weight)


def score_budget(price: Decimal, budget: Decimal, weight: Decimal, ceiling: Decimal | None = None,
                 k: Decimal = ONE) -> Decimal | None:
    """PS = Wp × clamp(1 − k (P − B) / B, 0, 1); None (a fail) when P is above the ceiling."""
    _positive(budget, "budget")
    if ceiling is not None and price > ceiling:
        return None
    return _clamp(weight * (ONE - k * (price - budget) / budget), weight)


def price_per_quality_point(price: Decimal, quality_points: Decimal) -> Decimal | None:
    """PQP = price ÷ total quality score (quality + social value points); None when there are no
    quality points to divide by (the bid cannot be evaluated)."""
    _positive(price, "price")
    if quality_points <= 0:
        return None
    return price / quality_points


def price_points(price: Decimal, prices: Sequence[Decimal], rules: Tender | ScoringRules) -> Decimal | None:
    """Price points of ``price`` among ``prices`` (every bid's price, this one included).

    None when the bid fails (budget method, above the ceiling). Bids that fail do not count
    towards the lowest, highest or mean price. Price per quality point awards no price points
    (an ``EvaluationError``): see ``price_per_quality_point``.
    """
    r = _rules(rules)
    w = r.price_weight
    m = r.method
    if m is PriceMethod.PQP:
        raise EvaluationError("price per quality point awards no price points: the price is divided by the "
                              "quality score")
    if m is PriceMethod.BUDGET:
        if r.budget is None:
            raise EvaluationError("the budget method needs the tender's estimated annual value")
        return score_budget(price, r.budget, w, r.ceiling, r.k)
    valid = list(prices)
    if not valid:
        raise EvaluationError("no prices to compare with")
    if m is PriceMethod.RELATIVE:
        return score_relative(price, min(valid), w)
    if m is PriceMethod.LINEAR_LOWEST:
        return score_linear_lowest(price, min(valid), w)
    if m is PriceMethod.LINEAR_RANGE:
        return score_linear_range(price, min(valid), max(valid), w)
    if m is PriceMethod.FROM_MEAN:
        return score_from_mean(price, sum(valid, ZERO) / len(valid), w)
    raise EvaluationError(f"unknown price method {m!r}")  # pragma: no cover


def _ratio(score: Decimal, top: Decimal, weight: Decimal) -> Decimal:
    return weight * score / top if top > 0 else ZERO


def _non_price(bid: Competitor, r: ScoringRules) -> Decimal:
    return _ratio(bid.quality_score, bid.quality_max, r.quality_weight) + _ratio(
        bid.social_value_score, bid.sv_max, r.social_value_weight)


@dataclass(frozen=True, slots=True)
class BidScore:
    name: str
    price: Decimal
    is_ours: bool
    quality_points: Decimal  # exact
    social_value_points: Decimal
    price_points: Decimal | None  # None: failed (price above the ceiling), or price per quality point
    total: Decimal | None  # points; price per quality point: the quality score (quality + social value)
    rank: int | None  # 1 is best; tied bids share a rank; None when failed
    price_per_point: Decimal | None = None  # price per quality point only: price ÷ total (lowest wins)
    failure: str | None = None  # why the bid failed (``PRICE_ABOVE_CEILING``, ``QUALITY_BELOW_MINIMUM``, …)

    @property
    def failed(self) -> bool:
        return self.total is None


@dataclass(frozen=True, slots=True)
class Evaluation:
    method: PriceMethod
    bids: tuple[BidScore, ...]  # ours first, then the competitors in the order given
    ours: BidScore
    rank: int | None
    wins: bool  # rank 1, ties included
    leader: str | None  # the best competitor
    # our total − the best competitor's (positive: ahead); None if one side fails. Price per quality
    # point: the best competitor's price per point − ours, in £ (positive: ahead)
    gap: Decimal | None

    @property
    def per_point(self) -> bool:
        """Price per quality point: bids are ranked by price ÷ quality score, lowest first."""
        return self.method is PriceMethod.PQP

    def bid(self, name: str) -> BidScore:
        for b in self.bids:
            if b.name == name:
                return b
        raise KeyError(name)


def evaluate(our_bid: Competitor, competitors: Sequence[Competitor], tender: Tender | ScoringRules) -> Evaluation:
    """Score every bid: Total = Wq × q/qmax + Wsv × sv/svmax + price points (DOMAIN.md §3); under
    price per quality point, rank by price ÷ (Wq × q/qmax + Wsv × sv/svmax), lowest first."""
    r = _rules(tender)
    bids = [our_bid, *competitors]
    if r.method is PriceMethod.PQP:
        return _evaluate_per_point(bids, r)
    if r.method is PriceMethod.BUDGET and r.budget is None:
        raise EvaluationError("the budget method needs the tender's estimated annual value")
    # A bid above the budget ceiling fails whatever the scoring method (it is unaffordable), and so does
    # one below the minimum quality score; neither counts towards the lowest, highest or mean price.
    failures = [failure(b, r) for b in bids]
    valid_prices = [b.price for b, why in zip(bids, failures, strict=True) if why is None]
    scored = []
    for i, (b, why) in enumerate(zip(bids, failures, strict=True)):
        pp = price_points(b.price, valid_prices, r) if valid_prices and why is None else None
        q = _ratio(b.quality_score, b.quality_max, r.quality_weight)
        sv = _ratio(b.social_value_score, b.sv_max, r.social_value_weight)
        scored.append((b, i == 0, q, sv, pp, None if pp is None else q + sv + pp, why))
    totals = [t for *_, t, _why in scored if t is not None]
    out = []
    for b, ours, q, sv, pp, t, why in scored:
        rank = None if t is None else 1 + sum(1 for o in totals if o > t + SCORE_TOLERANCE)
        out.append(BidScore(b.name, b.price, ours, q, sv, pp, t, rank, failure=why))
    mine = out[0]
    others = [(b, b.total) for b in out[1:] if b.total is not None]  # the bids that did not fail
    best = max(others, key=lambda bt: bt[1]) if others else None
    leader = best[0] if best is not None else None
    gap = (mine.total - best[1]) if (best is not None and mine.total is not None) else None
    return Evaluation(r.method, tuple(out), mine, mine.rank, mine.rank == 1,
                      leader.name if leader else None, gap)


def _evaluate_per_point(bids: list[Competitor], r: ScoringRules) -> Evaluation:
    """Price per quality point: a bid above the ceiling, or with no quality points, fails; the lowest
    price per point ranks first (ties share a rank)."""
    scored = []
    for b in bids:
        q = _ratio(b.quality_score, b.quality_max, r.quality_weight)
        sv = _ratio(b.social_value_score, b.sv_max, r.social_value_weight)
        why = failure(b, r)
        per_point = None if why is not None else price_per_quality_point(b.price, q + sv)
        if why is None and per_point is None:
            why = NO_QUALITY_SCORE
        scored.append((b, q, sv, per_point, why))
    valid = [pp for *_, pp, _why in scored if pp is not None]
    out = []
    for i, (b, q, sv, pp, why) in enumerate(scored):
        rank = None if pp is None else 1 + sum(1 for o in valid if o < pp - SCORE_TOLERANCE * max(ONE, pp))
        out.append(BidScore(b.name, b.price, i == 0, q, sv, None, None if pp is None else q + sv, rank, pp,
                            failure=why))
    mine = out[0]
    others = [b for b in out[1:] if b.price_per_point is not None]
    best = min(others, key=lambda b: b.price_per_point or ZERO) if others else None
    gap = (best.price_per_point - mine.price_per_point
           if best is not None and best.price_per_point is not None and mine.price_per_point is not None else None)
    return Evaluation(r.method, tuple(out), mine, mine.rank, mine.rank == 1, best.name if best else None, gap)
