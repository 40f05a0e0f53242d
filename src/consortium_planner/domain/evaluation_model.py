"""The evaluation as the buyer sets it (Procurement Act 2023 s23, DOMAIN §11; issue 18): how firmly the
weights are known, and the pass/fail criteria that disqualify whatever a bid scores.

**Importance.** A buyer may give weights, only rank the criteria, or describe their importance in words.
With a ranking, every weighting w ≥ 0 with Σw = 100 in which a criterion ranked higher has at least the
weight of one ranked lower (equal ranks, equal weights) is possible. Those weightings form a polytope
whose corners are: the criteria of the top k rank groups sharing 100 equally, for k = 1 … the number of
groups (quality > price > social value: 100/0/0, 50/50/0, 33⅓/33⅓/33⅓). Described importance allows any
weighting: the corners are each criterion alone. Every bid's total is linear in the weights (each
method's price points are the price weight × a share fixed by the prices), so our total's range over all
the weightings is the range over the corners, exactly. Our margin over the best rival is the minimum of
linear functions, so its worst case is at a corner too: the bid wins under every weighting the buyer may
use exactly when it wins at every corner.

**Pass/fail criteria.** Each criterion of the tender is met, not met or not yet known for an option; one
not met disqualifies the bid (blocking), one not known is a warning until it is answered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .bid_rounds import BidRounds
from .findings import Finding, Severity
from .model import Gate, GateAnswer, GateResponse, Importance, PriceMethod, Tender
from .money import HUNDRED, format_decimal
from .pricing import NO_QUALITY_SCORE, Competitor, EvaluationError, ScoringRules, evaluate
from .quality_questions import QualityBreakdown

CRITERIA = ("quality", "price", "social value")


@dataclass(frozen=True, slots=True)
class Weighting:
    quality: Decimal
    price: Decimal
    social_value: Decimal

    @property
    def weights(self) -> tuple[Decimal, Decimal, Decimal]:
        return self.quality, self.price, self.social_value

    @property
    def label(self) -> str:
        return "/".join(format_decimal(w, 1 if w != w.to_integral_value() else 0) for w in self.weights)


def _ranks(tender: Tender) -> tuple[int, int, int]:
    return tender.quality_rank, tender.price_rank, tender.social_value_rank


def corner_weightings(importance: Importance, ranks: Sequence[int] = (1, 2, 3)) -> tuple[Weighting, ...]:
    """The corners of the weightings the buyer may use (quality, price, social value); ``WEIGHTS`` has none
    (the weights given are the buyer's)."""
    if importance is Importance.WEIGHTS:
        return ()
    if importance is Importance.DESCRIBED:
        return (Weighting(HUNDRED, Decimal(0), Decimal(0)), Weighting(Decimal(0), HUNDRED, Decimal(0)),
                Weighting(Decimal(0), Decimal(0), HUNDRED))
    out = []
    for top in sorted(set(ranks)):
        chosen = [r <= top for r in ranks]
        share = HUNDRED / sum(chosen)
        w = [share if c else Decimal(0) for c in chosen]
        out.append(Weighting(w[0], w[1], w[2]))
    return tuple(out)


def consistent(weighting: Weighting, ranks: Sequence[int]) -> bool:
    """The weighting follows the ranking: ranked higher, at least the weight; ranked equal, equal weight."""
    pairs = list(zip(ranks, weighting.weights, strict=True))
    return all((ra < rb and wa >= wb) or (ra == rb and wa == wb) or ra > rb for ra, wa in pairs for rb, wb in pairs)


@dataclass(frozen=True, slots=True)
class CornerResult:
    weighting: Weighting
    our_total: Decimal | None  # None: our bid fails (ceiling, minimum quality)
    rank: int | None
    wins: bool
    leader: str | None  # the best rival
    leader_total: Decimal | None
    margin: Decimal | None  # our total − the best rival's (positive: ahead)


@dataclass(frozen=True, slots=True)
class GateStatus:
    gate: str
    asks: str
    answer: GateAnswer
    evidence: str


@dataclass(frozen=True, slots=True)
class EvaluationModel:
    tender: str
    importance: Importance
    ranks: tuple[int, int, int]
    entered: Weighting
    entered_consistent: bool  # the weights used for the bid's scores follow the ranking
    corners: tuple[CornerResult, ...]  # empty with weights, or when the bid is not scored
    our_range: tuple[Decimal, Decimal] | None  # our total's lowest and highest over every allowed weighting
    worst: CornerResult | None  # the corner with the lowest margin (the weighting that hurts us most)
    per_point: bool  # price per quality point: totals are quality scores and the lowest price per point wins
    quality_threshold_pct: Decimal | None
    gates: tuple[GateStatus, ...]
    not_scored: str  # why the corners are missing although the importance is not weights ("" otherwise)
    questions: QualityBreakdown | None = None  # the quality marks by question (None: the tender has none)
    rounds: BidRounds | None = None  # the competitive flexible procedure's rounds (None: the tender has none)

    @property
    def wins_at(self) -> int:
        return sum(1 for c in self.corners if c.wins)

    @property
    def gates_not_met(self) -> tuple[GateStatus, ...]:
        return tuple(g for g in self.gates if g.answer is GateAnswer.NOT_MET)

    @property
    def gates_unknown(self) -> tuple[GateStatus, ...]:
        return tuple(g for g in self.gates if g.answer is GateAnswer.UNKNOWN)

    @property
    def findings(self) -> tuple[Finding, ...]:
        out: list[Finding] = []
        for g in self.gates_not_met:
            out.append(Finding(
                "gate_not_met", f"The option does not meet the pass/fail criterion ‘{g.gate}’: the buyer disqualifies "
                                "the bid whatever it scores.", Severity.BLOCKING,
                cure=(f"Meet it before the deadline: {g.evidence}." if g.evidence
                      else f"Meet ‘{g.gate}’ before the deadline (a partner who holds it, or the evidence it asks for), "
                           "or do not bid.")))
        if self.gates_unknown:
            names = ", ".join(f"‘{g.gate}’" for g in self.gates_unknown)
            n = len(self.gates_unknown)
            out.append(Finding(
                "gate_unknown", f"Not yet known whether the option meets {n} pass/fail criteri{'a' if n > 1 else 'on'} "
                                f"({names}); one not met disqualifies the bid.", Severity.WARNING,
                figures=(("gates_unknown", Decimal(n)),),
                cure="Answer each criterion on the option's Evaluation tab, with the evidence or the plan to meet it."))
        if self.corners and self.worst is not None and not self.worst.wins:
            n, k = len(self.corners), self.wins_at
            w = self.worst
            behind = (f"{format_decimal(-w.margin, 2)} points behind {w.leader}" if w.margin is not None and w.leader
                      else "it fails")
            how = "ranked" if self.importance is Importance.RANKED else "described in words"
            message = (f"The buyer's importance is {how}: the bid wins at {k} of the {n} corner weightings it allows. "
                       f"At quality/price/social value {w.weighting.label} it ranks "
                       f"{w.rank if w.rank is not None else '—'} ({behind}).")
            severity = Severity.WARNING if self.importance is Importance.RANKED or k == 0 else Severity.INFO
            out.append(Finding("weighting_risk", message, severity,
                               figures=(("corners_won", Decimal(k)), ("corners", Decimal(n))),
                               cure="Ask the buyer for weights at clarification, or strengthen the criterion the "
                                    "worst weighting favours."))
        if self.importance is Importance.RANKED and not self.entered_consistent:
            out.append(Finding(
                "weights_against_ranking", f"The weights used for the bid's scores ({self.entered.label}) do not "
                                           "follow the buyer's ranking of the criteria.", Severity.WARNING,
                cure="Set the tender's weights in the ranking's order (a criterion ranked higher has at least the "
                     "weight of one ranked lower)."))
        if self.questions is not None:
            out += self.questions.findings
        if self.rounds is not None:
            out += self.rounds.findings
        return tuple(out)


def gate_statuses(gates: Sequence[Gate], responses: Sequence[GateResponse]) -> tuple[GateStatus, ...]:
    """Each of the tender's criteria with the option's answer (not yet known when it has none)."""
    by_gate = {r.gate_id: r for r in responses}
    out = []
    for g in sorted(gates, key=lambda x: x.id or 0):
        r = by_gate.get(g.id)
        out.append(GateStatus(g.name, g.asks, r.answer if r is not None else GateAnswer.UNKNOWN,
                              r.evidence if r is not None else ""))
    return tuple(out)


def evaluation_model(tender: Tender, our_bid: Competitor | None, competitors: Sequence[Competitor],
                     gates: Sequence[GateStatus] = (), *, not_scored: str = "",
                     questions: QualityBreakdown | None = None, rounds: BidRounds | None = None) -> EvaluationModel:
    """Our bid scored at every corner weighting the buyer's statement of importance allows, with the
    tender's pass/fail criteria as the option answers them."""
    ranks = _ranks(tender)
    entered = Weighting(tender.quality_weight, tender.price_weight, tender.social_value_weight)
    base = ScoringRules.from_tender(tender)
    corners: list[CornerResult] = []
    weightings = corner_weightings(tender.importance, ranks)
    why = ""
    if weightings and (our_bid is None or not competitors):
        why = not_scored or ("no competitors are assumed" if our_bid is not None else "the bid is not priced in full")
    elif weightings:
        assert our_bid is not None
        try:
            for w in weightings:
                rules = dataclasses.replace(base, quality_weight=w.quality, price_weight=w.price,
                                            social_value_weight=w.social_value)
                ev = evaluate(our_bid, competitors, rules)
                leader = ev.bid(ev.leader) if ev.leader else None
                if ev.per_point:  # the lowest price per point wins: the margin is in £ a point, so none here
                    margin = None
                else:
                    margin = ev.gap
                total = ev.ours.total
                if total is None and ev.ours.failure == NO_QUALITY_SCORE:  # all weight on price: a score of 0
                    total = Decimal(0)
                corners.append(CornerResult(w, total, ev.rank, ev.wins, ev.leader,
                                            leader.total if leader is not None else None, margin))
        except EvaluationError as exc:
            corners, why = [], str(exc)
    totals = [c.our_total for c in corners if c.our_total is not None]
    our_range = (min(totals), max(totals)) if totals else None
    worst = None
    if corners:
        losing = [c for c in corners if not c.wins]
        pool = losing or corners
        worst = min(pool, key=lambda c: (c.margin if c.margin is not None else Decimal("-Infinity")))
    return EvaluationModel(tender.name, tender.importance, ranks, entered, consistent(entered, ranks), tuple(corners),
                           our_range, worst, base.method is PriceMethod.PQP, tender.quality_threshold_pct, tuple(gates),
                           why, questions, rounds)
