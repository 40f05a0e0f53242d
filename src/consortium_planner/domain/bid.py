"""Our bid against the competitors the bid team assumes: score, rank, the highest price that
still wins, the quality needed, win probability and the price that maximises expected
contribution (DOMAIN.md §3). Built from an option's price schedule (year one, annual basis) and
the tender's competitor assumptions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity
from .model import Competitor as CompetitorAssumption
from .model import ConsortiumOption, Tender
from .money import quantize
from .pricing import (
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


def competitors_of(ws: Workspace, tender_id: int | None) -> list[Competitor]:
    rows = sorted(ws.by(CompetitorAssumption, "tender_id", tender_id), key=lambda c: c.id or 0)
    out: list[Competitor] = []
    for c in rows:
        if c.annual_price > 0:
            out.append(Competitor(c.name, c.annual_price, c.quality_score, c.quality_max,
                                  c.social_value_score, c.social_value_max))
    return out


def bid_evaluation(ws: Workspace, option_id: int, schedule: PriceSchedule, *, draws: int = DEFAULT_DRAWS,
                   seed: int = DEFAULT_SEED) -> BidEvaluation:
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
        best = best_price(year_one.annual_cost, ours, rivals, tender, draws=draws, seed=seed)
    except EvaluationError as exc:
        messages.append(str(exc))
        return empty(ours, year_one.annual_cost)
    return BidEvaluation(option_id, option.tender_id, ours, year_one.annual_cost, tuple(rivals), ev, wp, qn, win,
                         best, draws, seed, tuple(messages))


def findings(ev: BidEvaluation) -> list[Finding]:
    """Why parts of the win analysis could not run, and a bid that does not win at its price."""
    out = [Finding("evaluation_incomplete", m[0].upper() + m[1:] + ("" if m.endswith(".") else "."), Severity.WARNING)
           for m in ev.messages]
    if ev.evaluation is not None and not ev.evaluation.wins:
        out.append(Finding("not_winning", f"At the year-one price the bid ranks {ev.evaluation.rank} of "
                           f"{len(ev.evaluation.bids)}; {ev.evaluation.leader} leads on the assumptions made.",
                           Severity.WARNING, figures=(("rank", Decimal(ev.evaluation.rank or 0)),)))
    return out


# --------------------------------------------------------------------------- the score curve

SCORE_STEPS = 121  # prices at which the score curve is drawn


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """The totals of every bid when ours is at ``price`` (None: the bid fails)."""

    price: Decimal
    ours: Decimal | None
    rivals: tuple[Decimal | None, ...]


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
        out.append(ScorePoint(quantize(price), ev.ours.total, tuple(b.total for b in ev.bids[1:])))
    return tuple(out)
