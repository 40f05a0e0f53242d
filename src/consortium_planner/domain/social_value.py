"""The social value ledger of a consortium option (PPN 002, DOMAIN §11; issue 18).

Each commitment is a measure (local jobs in FTE-years, apprenticeships, volunteering hours, local spend,
carbon…) with a quantity a year over a span of contract years, a **proxy value** a unit that the user enters
from the buyer's model or another source (an assumption: none is shipped as a fact) and what it costs to
deliver (a cost a unit and a fixed cost a year). Over the contract term (extensions left out):

* social value = Σ quantity × proxy value for each year the commitment runs; its share of the contract's
  value (the tender's estimated annual value × the term);
* cost = Σ quantity × cost a unit + fixed cost, each year it runs. Its average a year is part of the option's
  **shared costs** in the cost build-up, spread over every unit like the shared back office, so it reaches
  the price, the projection and every figure built on them (``costing.build_up``);
* a commitment with no method statement scores nothing (it still costs what it costs when delivered).

**Score.** Buyers commonly give the highest social value full marks and others pro rata, so the ledger's
score is the maximum × our counted value a year ÷ the highest of ours and the rivals' assumed values a year
(the competitors' "social value committed a year"); with no rival's value estimated there is no score to
derive. The win analysis keeps using the option's entered social value score (one figure for every
analysis): a warning says when the ledger gives another, and the Social value tab sets it in one undoable step.

**One more point.** Below the top, one more point needs the top's value ÷ the maximum more proxy £ a year; the
cheapest commitment to grow (cost a unit ÷ proxy value a unit) says what that costs a year, and the highest
winning price with one more point, against the same rivals, says what it earns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from .findings import Finding, Severity
from .model import SocialValueCommitment, SocialValueTheme
from .money import HUNDRED, ZERO, format_decimal, format_gbp, quantize

if TYPE_CHECKING:  # pricing builds on the cost build-up, which reads ``annual_cost`` from here
    from .pricing import Competitor, ScoringRules

SCORE_PLACES = Decimal("0.1")
SCORE_TOLERANCE = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    commitment_id: int
    theme: SocialValueTheme
    measure: str
    unit: str
    quantity_a_year: Decimal
    first_year: int
    last_year: int  # within the term
    years: int  # contract years it runs within the term (0: it starts after the term)
    proxy_value: Decimal
    proxy_source: str
    cost_per_unit: Decimal
    value_a_year: Decimal  # quantity × proxy, to the penny
    value: Decimal  # over the term
    cost_a_year: Decimal  # quantity × cost a unit + fixed, to the penny
    cost: Decimal  # over the term
    answered: bool

    @property
    def counted(self) -> Decimal:
        return self.value if self.answered else ZERO


@dataclass(frozen=True, slots=True)
class OneMorePoint:
    extra_value_a_year: Decimal  # proxy £ a year for one more point, to the penny
    via: str  # the commitment whose growth is cheapest
    cost_a_year: Decimal  # what delivering that extra costs a year
    price_gain: Decimal | None  # the rise in the highest winning price a year (None: not priced)


@dataclass(frozen=True, slots=True)
class SocialValueLedger:
    option_id: int
    term_years: int
    rows: tuple[CommitmentRow, ...]
    value: Decimal  # over the term
    cost: Decimal  # over the term
    counted_a_year: Decimal  # answered commitments' value, average a year
    cost_a_year: Decimal  # average a year: what the cost build-up carries
    contract_value: Decimal | None  # the tender's annual value × the term
    share_of_contract_pct: Decimal | None  # value ÷ contract value, percentage points (2 places)
    sv_max: Decimal
    entered_score: Decimal
    derived_score: Decimal | None  # None: no rival's value estimated (or nothing to compare)
    top_rival: tuple[str, Decimal] | None  # the rival with the highest assumed value a year
    one_more_point: OneMorePoint | None

    @property
    def differs(self) -> bool:
        return self.derived_score is not None and abs(self.derived_score - self.entered_score) > SCORE_TOLERANCE

    @property
    def unanswered(self) -> tuple[CommitmentRow, ...]:
        return tuple(r for r in self.rows if not r.answered and r.value > 0)

    @property
    def findings(self) -> tuple[Finding, ...]:
        out: list[Finding] = []
        if self.unanswered:
            lost = sum((r.value for r in self.unanswered), ZERO)
            names = ", ".join(f"‘{r.measure}’" for r in self.unanswered)
            out.append(Finding(
                "social_value_unanswered",
                f"{len(self.unanswered)} social value commitment{'s have' if len(self.unanswered) > 1 else ' has'} no "
                f"method statement ({names}): {format_gbp(lost, pence=False)} of proxy value scores nothing.",
                Severity.WARNING, figures=(("value_not_scored", lost),),
                cure="Write the method statement for each commitment, or drop it (its cost is still in the price)."))
        if self.differs:
            assert self.derived_score is not None
            out.append(Finding(
                "social_value_score_not_from_ledger",
                f"The social value score entered on the option ({format_decimal(self.entered_score, 1)}) is not what "
                f"its ledger gives against the rivals' assumed commitments ({format_decimal(self.derived_score, 1)}); "
                "the win analysis uses the score entered.", Severity.WARNING,
                figures=(("entered", self.entered_score), ("from_ledger", self.derived_score)),
                cure="Use the ledger's score (Social value tab), or revise the commitments or the rivals' values."))
        missing = [r for r in self.rows if r.quantity_a_year > 0 and r.proxy_value <= 0]
        if missing:
            out.append(Finding(
                "social_value_no_proxy", f"{len(missing)} commitment{'s have' if len(missing) > 1 else ' has'} no proxy "
                "value: its social value counts as nothing.", Severity.INFO,
                cure="Enter the proxy value a unit from the buyer's model, with its source."))
        p = self.one_more_point
        if p is not None and p.price_gain is not None:
            worth = p.price_gain > p.cost_a_year
            earns = (f"raises the highest winning price by {format_gbp(p.price_gain, pence=False)} a year"
                     if p.price_gain > 0 else "does not raise the highest winning price (the ceiling or the rivals' "
                                              "prices cap it)")
            out.append(Finding(
                "social_value_point",
                f"One more social value point needs {format_gbp(p.extra_value_a_year, pence=False)} more proxy value a "
                f"year (cheapest through ‘{p.via}’: {format_gbp(p.cost_a_year, pence=False)} a year to deliver) and "
                f"{earns}: {'worth more than it costs' if worth else 'it costs more than it earns'}.", Severity.INFO,
                figures=(("cost_a_year", p.cost_a_year), ("price_gain", p.price_gain))))
        return tuple(out)


def _rows(commitments: Sequence[SocialValueCommitment], term_years: int) -> list[CommitmentRow]:
    out = []
    for c in sorted(commitments, key=lambda x: x.id or 0):
        last = min(c.to_year if c.to_year is not None else term_years, term_years)
        years = max(0, last - c.from_year + 1)
        value_a_year = quantize(c.quantity_a_year * c.proxy_value)
        cost_a_year = quantize(c.quantity_a_year * c.cost_per_unit + c.cost_a_year)
        out.append(CommitmentRow(c.id or 0, c.theme, c.measure, c.unit, c.quantity_a_year, c.from_year, last, years,
                                 c.proxy_value, c.proxy_source, c.cost_per_unit, value_a_year, value_a_year * years, cost_a_year,
                                 cost_a_year * years, c.answered))
    return out


def annual_cost(commitments: Sequence[SocialValueCommitment], term_years: int) -> Decimal:
    """The commitments' cost over the term ÷ the term's years, to the penny: what the cost build-up carries."""
    if term_years <= 0:
        return ZERO
    return quantize(sum((r.cost for r in _rows(commitments, term_years)), ZERO) / term_years)


def ledger(option_id: int, commitments: Sequence[SocialValueCommitment], term_years: int,
           annual_value: Decimal, sv_max: Decimal, entered_score: Decimal, rivals: Sequence[tuple[str, Decimal]],
           our_bid: Competitor | None = None, competitors: Sequence[Competitor] = (),
           rules: ScoringRules | None = None) -> SocialValueLedger | None:
    """The option's ledger, its score against ``rivals`` (name, assumed value a year) and what one more point
    costs and earns (with ``our_bid``, ``competitors`` and ``rules`` from the win analysis). None: no
    commitments."""
    if not commitments:
        return None
    term = max(term_years, 1)
    rows = _rows(commitments, term)
    value = sum((r.value for r in rows), ZERO)
    cost = sum((r.cost for r in rows), ZERO)
    counted_a_year = quantize(sum((r.counted for r in rows), ZERO) / term)
    contract_value = annual_value * term if annual_value > 0 else None
    share = (value / contract_value * HUNDRED).quantize(Decimal("0.01")) if contract_value else None
    top_rival = max(rivals, key=lambda r: r[1]) if rivals else None
    derived = None
    top = max(counted_a_year, top_rival[1]) if top_rival is not None else ZERO
    if top_rival is not None and top > 0:
        derived = (sv_max * counted_a_year / top).quantize(SCORE_PLACES)
    point = None
    if derived is not None and counted_a_year < top:
        extra = quantize(top / sv_max)
        growable = [r for r in rows if r.answered and r.proxy_value > 0]
        if growable:
            cheapest = min(growable, key=lambda r: (r.cost_per_unit / r.proxy_value, r.commitment_id))
            cost_extra = quantize(extra * cheapest.cost_per_unit / cheapest.proxy_value)
            gain = None
            if our_bid is not None and competitors and rules is not None:
                from .pricing import EvaluationError, highest_winning_price

                try:
                    base = highest_winning_price(our_bid, competitors, rules)
                    more = highest_winning_price(replace(our_bid, social_value_score=our_bid.social_value_score + 1),
                                                 competitors, rules)
                    if base.price is not None and more.price is not None:
                        gain = more.price - base.price
                except EvaluationError:
                    gain = None
            point = OneMorePoint(extra, cheapest.measure, cost_extra, gain)
    return SocialValueLedger(option_id, term, tuple(rows), value, cost, counted_a_year, annual_cost(commitments, term),
                             contract_value, share, sv_max, entered_score, derived, top_rival, point)

