"""Our bid against the competitors the bid team assumes: score, rank, the highest price that
still wins, the quality needed, win probability and the price that maximises expected
contribution (DOMAIN.md §3). Built from an option's price schedule (year one, annual basis) and
the tender's competitor assumptions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from .findings import Finding, Severity
from .model import Competitor as CompetitorAssumption
from .model import ConsortiumOption, Tender
from .money import format_decimal, format_gbp, quantize
from .pricing import (
    QUALITY_BELOW_MINIMUM,
    BestPrice,
    Competitor,
    Evaluation,
    EvaluationError,
    PriceSchedule,
    QualityNeeded,
    WinningPrice,
    WinProbability,
    best_price,
    evaluate,
    highest_winning_price,
    quality_needed,
    win_probability,
)
from .workspace import Workspace

DEFAULT_SEED = 2026
DEFAULT_DRAWS = 10_000


@dataclass(frozen=True, slots=True)
class BidEvaluation:
    option_id: int
    tender_id: int | None
    our_bid: Competitor | None  # year-one annual price with the option's expected scores
    annual_cost: Decimal | None  # year-one annual cost (the basis for contribution)
    competitors: tuple[Competitor, ...]
    evaluation: Evaluation | None
    winning_price: WinningPrice | None
    quality_needed: QualityNeeded | None
    win: WinProbability | None
    best: BestPrice | None
    draws: int
    seed: int
    messages: tuple[str, ...]  # why parts could not be computed
    quality_at_cost: QualityNeeded | None = None  # the quality that would win at a price equal to year-one cost
    quality_threshold_pct: Decimal | None = None  # the tender's minimum quality score (% of the maximum)


def competitors_of(ws: Workspace, tender_id: int | None) -> list[Competitor]:
    rows = sorted(ws.by(CompetitorAssumption, "tender_id", tender_id), key=lambda c: c.id or 0)
    out: list[Competitor] = []
    for c in rows:
        if c.annual_price > 0:
            out.append(Competitor(c.name, c.annual_price, c.quality_score, c.quality_max,
                                  c.social_value_score, c.social_value_max))
    return out


def bid_evaluation(ws: Workspace, option_id: int, schedule: PriceSchedule, *, draws: int = DEFAULT_DRAWS,
                   seed: int = DEFAULT_SEED, pricing_advice: bool = True) -> BidEvaluation:
    """Our bid scored against the competitors: the evaluation, the highest winning price, the quality needed
    and the win probability; with ``pricing_advice`` also the best price (a grid of prices, each scored on
    every draw: the slowest part) and the quality needed at cost. Without it those two are None: for a
    caller that reads neither (a scenario's or a sensitivity point's figures, ``services.compare``)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"consortium option {option_id} does not exist")
    tender = ws.get(Tender, option.tender_id)
    messages: list[str] = []
    rivals = competitors_of(ws, option.tender_id)
    year_one = schedule.years[0] if schedule.years else None

    def empty(our: Competitor | None = None, cost: Decimal | None = None) -> BidEvaluation:
        return BidEvaluation(option_id, option.tender_id, our, cost, tuple(rivals), None, None, None, None, None,
                             draws, seed, tuple(messages))

    if tender is None:
        messages.append("the option has no tender")
        return empty()
    if year_one is None or year_one.annual_price <= 0:
        messages.append("the option has no priced volume yet: allocate volume to members with cost profiles")
        return empty()
    required = sum((sl.required_volume for sl in schedule.buildup.service_lines), Decimal(0))
    priced = sum((min(sl.volume, sl.required_volume) for sl in schedule.buildup.service_lines), Decimal(0))
    if required > 0 and priced < required:
        share = (priced / required * 100).quantize(Decimal("0.1"))
        messages.append(f"the option covers {share}% of the required volume: a bid must cover all of it, so it is "
                        "not scored against competitors")
        return empty()
    try:
        ours = Competitor(option.name, year_one.annual_price, option.quality_score, option.quality_max,
                          option.social_value_score, option.social_value_max)
    except EvaluationError as exc:
        messages.append(str(exc))
        return empty()
    if not rivals:
        messages.append("no competitors are assumed for this tender: add them on the tender's Competitors tab")
        return empty(ours, year_one.annual_cost)
    try:
        ev = evaluate(ours, rivals, tender)
        wp = highest_winning_price(ours, rivals, tender)
        qn = quality_needed(ours, rivals, tender)
        win = win_probability(ours, rivals, tender, draws=draws, seed=seed)
    except EvaluationError as exc:
        messages.append(str(exc))
        return empty(ours, year_one.annual_cost)
    scored = BidEvaluation(option_id, option.tender_id, ours, year_one.annual_cost, tuple(rivals), ev, wp, qn, win,
                           None, draws, seed, tuple(messages), None, tender.quality_threshold_pct)
    return with_pricing_advice(ws, scored) if pricing_advice else scored


def with_pricing_advice(ws: Workspace, ev: BidEvaluation) -> BidEvaluation:
    """``ev``, worked out without the pricing advice, with it (what ``bid_evaluation(..., pricing_advice=True)``
    returns): the best price over a grid of prices, then the quality needed at cost. An evaluation that could
    not be scored is returned as it is; advice that cannot be worked out empties it, with the reason. The win analyses read the bid alone
    (``services.analyses``: ``lots`` needs the win probability, not the advice)."""
    ours, cost = ev.our_bid, ev.annual_cost
    if ev.evaluation is None or ours is None or cost is None:
        return ev
    tender = ws.get(Tender, ev.tender_id)
    if tender is None:  # pragma: no cover - an evaluation was scored, so its tender is there
        return ev
    rivals = list(ev.competitors)
    try:
        best = best_price(cost, ours, rivals, tender, draws=ev.draws, seed=ev.seed)
        at_cost = quality_needed(dataclasses.replace(ours, price=cost), rivals, tender) if cost > 0 else None
    except EvaluationError as exc:
        return BidEvaluation(ev.option_id, ev.tender_id, ours, cost, ev.competitors, None, None, None, None, None,
                             ev.draws, ev.seed, (*ev.messages, str(exc)))
    return dataclasses.replace(ev, best=best, quality_at_cost=at_cost)


def findings(ev: BidEvaluation) -> list[Finding]:
    """Why parts of the win analysis could not run; no price that both wins and covers cost (blocking: the
    bid either loses or loses money, with the cost cut or quality that would change it); a bid that does not
    win at its own price though a price covering cost would (a warning, with that price)."""
    out = [Finding("evaluation_incomplete", m[0].upper() + m[1:] + ("" if m.endswith(".") else "."), Severity.WARNING)
           for m in ev.messages]
    blocked = _below_quality_minimum(ev) or _no_winning_price_covers_cost(ev)
    if blocked is not None:
        out.append(blocked)
    if ev.evaluation is not None and not ev.evaluation.wins:
        wp = ev.winning_price
        cure = ""
        cure_figures: tuple[tuple[str, Decimal], ...] = ()
        if blocked is None and wp is not None and wp.price is not None:
            cure = f"Price at or below {format_gbp(wp.price, pence=False)} a year to win on the assumptions made"
            if ev.annual_cost is not None:
                cure += f" (year-one cost {format_gbp(ev.annual_cost, pence=False)})"
            cure, cure_figures = cure + ".", (("highest_winning_price", wp.price),)
        out.append(Finding("not_winning", f"At the year-one price the bid ranks {ev.evaluation.rank} of "
                           f"{len(ev.evaluation.bids)}; {ev.evaluation.leader} leads on the assumptions made.",
                           Severity.WARNING, figures=(("rank", Decimal(ev.evaluation.rank or 0)),),
                           cure=cure, cure_figures=cure_figures))
    return out


def _below_quality_minimum(ev: BidEvaluation) -> Finding | None:
    """Blocking when our expected quality score is below the tender's minimum: the buyer disqualifies the bid
    whatever its price. The cure is the minimum itself (or more, when more is needed to win)."""
    if ev.evaluation is None or ev.our_bid is None or ev.evaluation.ours.failure != QUALITY_BELOW_MINIMUM:
        return None
    ours, minimum = ev.our_bid, ev.quality_threshold_pct or Decimal(0)
    floor = (minimum * ours.quality_max / 100).quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    needed = ev.quality_needed.quality_score if ev.quality_needed is not None else None
    target = max(floor, needed) if needed is not None else floor
    message = (f"The expected quality score of {format_decimal(ours.quality_score)} out of "
               f"{format_decimal(ours.quality_max, 0)} is below the tender's minimum of {format_decimal(minimum, 0)}%: "
               "the buyer disqualifies the bid whatever its price.")
    cure = (f"Raise the quality score to at least {format_decimal(target)} out of {format_decimal(ours.quality_max, 0)}"
            + (" (the minimum)" if target == floor else ", which wins at our price") + ".")
    return Finding("below_quality_minimum", message, Severity.BLOCKING,
                   figures=(("quality_score", ours.quality_score), ("quality_minimum", floor)),
                   cure=cure, cure_figures=(("quality_needed", target),))


def _no_winning_price_covers_cost(ev: BidEvaluation) -> Finding | None:
    """Blocking when the highest price that still wins is below year one's cost, or no price wins at all.

    The cure: cut the cost to the highest winning price, or raise the quality score to what wins at a
    price equal to the cost (``quality_needed`` at that price), when that score can be reached.
    """
    wp, cost = ev.winning_price, ev.annual_cost
    if ev.evaluation is None or wp is None or cost is None or wp.any_price:
        return None
    if not wp.cannot_win and (wp.price is None or wp.price >= cost):
        return None
    q = ev.quality_at_cost
    quality = (f"raise the quality score to {format_decimal(q.quality_score)} out of "
               f"{format_decimal(q.quality_max, 0)}, which wins at a price that covers cost "
               f"({format_gbp(cost, pence=False)})" if q is not None and q.quality_score is not None and q.attainable
               else "")
    q_figures = (("quality_needed", q.quality_score),) if quality and q is not None and q.quality_score is not None \
        else ()
    if wp.cannot_win or wp.price is None:
        message = ("Against the competitors assumed, no price wins with the quality and social value scores expected, "
                   f"so no price both wins and covers the year-one cost of {format_gbp(cost, pence=False)}.")
        cure = (quality[0].upper() + quality[1:] + ".") if quality else ""
        return Finding("no_winning_price_covers_cost", message, Severity.BLOCKING, figures=(("annual_cost", cost),),
                       cure=cure, cure_figures=q_figures)
    cut = cost - wp.price
    message = (f"The highest winning price is {format_gbp(wp.price, pence=False)}; the year-one cost is "
               f"{format_gbp(cost, pence=False)}: no price both wins and covers cost"
               + (f" ({wp.binding} overtakes us a penny above it)." if wp.binding else "."))
    cure = f"Cut cost by {format_gbp(cut, pence=False)} a year" + (f" or {quality}" if quality else "") + "."
    return Finding("no_winning_price_covers_cost", message, Severity.BLOCKING,
                   figures=(("highest_winning_price", wp.price), ("annual_cost", cost), ("cost_above_price", cut)),
                   cure=cure, cure_figures=(("cost_cut", cut),) + q_figures)


# --------------------------------------------------------------------------- the score curve

SCORE_STEPS = 121  # prices at which the score curve is drawn


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """The totals of every bid when ours is at ``price`` (None: the bid fails). Under price per quality
    point (``per_point``) the figures are each bid's price per quality point, the lowest winning."""

    price: Decimal
    ours: Decimal | None
    rivals: tuple[Decimal | None, ...]
    per_point: bool = False


def score_curve(evaluation: BidEvaluation, tender: Tender | None, steps: int = SCORE_STEPS) -> tuple[ScorePoint, ...]:
    """Every bid's total at a range of our prices (``pricing.evaluate``), for the score chart.

    The range covers our price, the competitors', the highest winning price and the win
    probability grid, with a margin either side.
    """
    ours = evaluation.our_bid
    if tender is None or ours is None or evaluation.evaluation is None or not evaluation.competitors:
        return ()
    marks = [ours.price, *(c.price for c in evaluation.competitors)]
    if evaluation.winning_price is not None and evaluation.winning_price.price is not None:
        marks.append(evaluation.winning_price.price)
    if evaluation.best is not None and evaluation.best.grid:
        marks += [evaluation.best.grid[0].price, evaluation.best.grid[-1].price]
    lo, hi = min(marks) * Decimal("0.97"), max(marks) * Decimal("1.02")
    n = max(steps, 2)
    grid = {quantize(lo + (hi - lo) * i / (n - 1)) for i in range(n)} | set(marks)
    out = []
    for price in sorted(p for p in grid if p > 0):
        try:
            ev = evaluate(dataclasses.replace(ours, price=quantize(price)), evaluation.competitors, tender)
        except EvaluationError:
            return ()
        if ev.per_point:
            out.append(ScorePoint(quantize(price), ev.ours.price_per_point,
                                  tuple(b.price_per_point for b in ev.bids[1:]), per_point=True))
        else:
            out.append(ScorePoint(quantize(price), ev.ours.total, tuple(b.total for b in ev.bids[1:])))
    return tuple(out)
