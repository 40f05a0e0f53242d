"""Bidding rounds of a competitive flexible procedure (Procurement Act 2023 s20, DOMAIN §11; issue 18).

A buyer may score initial tenders, negotiate or refine its requirements, and ask for revised offers, the last
often a **best and final offer**. The tender's rounds keep each bid as scored in each round: ours from the
buyer's feedback, rivals' as the bid team estimates them. Each round is scored again under the tender's rules
(``pricing.evaluate``), so the scores by round, our rank, the leader and our margin are comparable, with the
change from the round before. For the **next offer**: the highest price at which our last round's quality
and social value still win against the rivals' last-round bids (``pricing.highest_winning_price``: exact,
to the penny), set against the option's year-one cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity
from .model import BidRound, RoundScore, Tender
from .money import format_decimal, format_gbp
from .pricing import Competitor, EvaluationError, ScoringRules, WinningPrice, evaluate, highest_winning_price
from .pricing.scoring import Evaluation


@dataclass(frozen=True, slots=True)
class RoundResult:
    name: str
    number: int
    held: dt.date | None
    best_and_final: bool
    evaluation: Evaluation | None  # None: the round cannot be scored (``problem`` says why)
    problem: str
    our_price: Decimal | None
    rank_change: int | None  # + : moved up (rank 3 → 2 is +1); None for the first scored round
    margin_change: Decimal | None  # change in our margin over the best rival, points

    @property
    def rank(self) -> int | None:
        return self.evaluation.rank if self.evaluation is not None else None

    @property
    def margin(self) -> Decimal | None:
        return self.evaluation.gap if self.evaluation is not None else None


@dataclass(frozen=True, slots=True)
class BidRounds:
    rounds: tuple[RoundResult, ...]
    next_offer: WinningPrice | None  # against the last scored round's rivals
    last: RoundResult | None  # the last round that could be scored
    year_one_cost: Decimal | None

    @property
    def findings(self) -> tuple[Finding, ...]:
        out: list[Finding] = []
        last = self.last
        for r in self.rounds:
            if r.evaluation is None:
                out.append(Finding("round_not_scored", f"The bidding round ‘{r.name}’ cannot be scored: {r.problem}.",
                                   Severity.WARNING, cure="Enter our bid and the rivals' for the round on the "
                                                          "tender's Bidding rounds tab."))
        if last is not None and last.evaluation is not None and not last.evaluation.wins:
            ev = last.evaluation
            behind = (f", {format_decimal(-ev.gap, 2)} points behind {ev.leader}" if ev.gap is not None
                      and not ev.per_point and ev.leader else (f" behind {ev.leader}" if ev.leader else ""))
            out.append(Finding(
                "behind_after_round",
                f"After ‘{last.name}’ the bid ranks {ev.rank if ev.rank is not None else '—'}{behind}.",
                Severity.WARNING, figures=(("rank", Decimal(ev.rank or 0)),),
                cure="Use the next offer: the evaluation model gives the annual price that wins it against these rivals."))
        offer = self.next_offer
        if offer is not None and self.year_one_cost is not None and last is not None:
            if offer.cannot_win:
                out.append(Finding(
                    "next_offer_cannot_win", f"Against the rivals' bids in ‘{last.name}’, no price wins the next offer "
                                             "with our quality and social value as scored.", Severity.WARNING,
                    cure="Raise quality or social value in the next offer."))
            elif offer.price is not None and offer.price < self.year_one_cost:
                out.append(Finding(
                    "next_offer_below_cost",
                    f"To win the next offer against the rivals' bids in ‘{last.name}’ the annual price must be at most "
                    f"{format_gbp(offer.price, pence=False)}, below the option's year-one cost of "
                    f"{format_gbp(self.year_one_cost, pence=False)}.", Severity.WARNING,
                    figures=(("winning_price", offer.price), ("year_one_cost", self.year_one_cost)),
                    cure="Raise quality or social value in the next offer, or cut cost."))
        return tuple(out)


def _bid(s: RoundScore) -> Competitor:
    return Competitor(s.bidder, s.annual_price, s.quality_score, s.quality_max, s.social_value_score,
                      s.social_value_max)


def bid_rounds(tender: Tender, rounds: Sequence[BidRound], scores: Sequence[RoundScore],
               year_one_cost: Decimal | None) -> BidRounds | None:
    """The tender's rounds scored under its rules, in order; None when it has no rounds."""
    if not rounds:
        return None
    rules = ScoringRules.from_tender(tender)
    by_round: dict[int | None, list[RoundScore]] = {}
    for s in sorted(scores, key=lambda x: x.id or 0):
        by_round.setdefault(s.round_id, []).append(s)
    out: list[RoundResult] = []
    previous: RoundResult | None = None
    last_bids: tuple[Competitor, list[Competitor]] | None = None
    for r in sorted(rounds, key=lambda x: (x.number, x.held or dt.date.min, x.id or 0)):
        rows = by_round.get(r.id, [])
        ours = [s for s in rows if s.ours]
        rivals = [s for s in rows if not s.ours]
        ev: Evaluation | None = None
        problem = ""
        if len(ours) != 1:
            problem = "our bid is not recorded" if not ours else "more than one bid is marked as ours"
        elif not rivals:
            problem = "no rival's bid is recorded"
        else:
            try:
                ev = evaluate(_bid(ours[0]), [_bid(s) for s in rivals], rules)
            except EvaluationError as exc:
                problem = str(exc)
        rank_change = margin_change = None
        if ev is not None and previous is not None and previous.evaluation is not None:
            if ev.rank is not None and previous.rank is not None:
                rank_change = previous.rank - ev.rank
            if ev.gap is not None and previous.margin is not None:
                margin_change = ev.gap - previous.margin
        result = RoundResult(r.name, r.number, r.held, r.best_and_final, ev, problem,
                             ours[0].annual_price if len(ours) == 1 else None, rank_change, margin_change)
        out.append(result)
        if ev is not None:
            previous = result
            last_bids = (_bid(ours[0]), [_bid(s) for s in rivals])
    offer = None
    if last_bids is not None:
        try:
            offer = highest_winning_price(last_bids[0], last_bids[1], rules)
        except EvaluationError:
            offer = None
    return BidRounds(tuple(out), offer, previous, year_one_cost)
