"""Bid price by contract year, pricing guards, and price evaluation (DOMAIN.md §3 and §5).

**Price schedule** (``bid_prices``): the cost build-up's penny price per unit for year 1, then per
contract year (the term, and optionally the extensions) indexed by the cost index
``staff share × pay uplift + (1 − staff share) × CPI`` (staff share from the build-up). Each
year's unit price is rounded to the penny and the annual price is unit price × volume; the cost
grows along its own mix (staff costs by the pay uplift, the rest by CPI); the fee is the fee % of
the annual price rounded; the margin is what is left, so every year reconciles to the penny.
Years are compared with the tender's estimated annual value (the budget, not indexed) and its
annual budget ceiling. Later years are indexed, not re-costed at that year's statutory rates.

**Guards**: a role paid below the National Living Wage in force at the start of a contract year
(its rate indexed by the pay uplift; rates beyond the last known year use that year's, flagged);
a price per unit more than a threshold (default 15%, an editable assumption) below should-cost.

**Evaluation**: the five scoring methods of DOMAIN.md §3 as pure functions on ``Decimal``;
``evaluate`` scores our bid among competitors; ``highest_winning_price`` (closed form for the
relative method, bisection in pennies on the exact scoring otherwise); ``quality_needed``;
``win_probability`` and ``best_price`` by Monte Carlo (numpy floats inside, results reported as
``Decimal``: probabilities to 4 places, money to the penny).

Prices passed to the evaluation functions must share one basis (e.g. the annual price of year
one); the budget method compares them with the tender's estimated annual value and ceiling.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import numpy as np

from .costing import CostBuildup, Flag, cost_buildup
from .findings import Severity
from .model import PriceMethod, Tender, add_months, key
from .money import HUNDRED, PENNY, ZERO, quantize
from .rates import RateTable, rates_for
from .workspace import Workspace

__all__ = [
    "DEFAULT_ABNORMAL_THRESHOLD_PCT",
    "DEFAULT_DRAWS",
    "BestPrice",
    "Bid",
    "BidScore",
    "Competitor",
    "ContractYear",
    "Evaluation",
    "EvaluationError",
    "LineTerms",
    "LineYear",
    "PricePoint",
    "PriceSchedule",
    "QualityNeeded",
    "ScoringRules",
    "Uncertainty",
    "WageFloorBreach",
    "WinProbability",
    "WinningPrice",
    "abnormal_floor",
    "best_price",
    "bid_prices",
    "break_even_volume",
    "evaluate",
    "highest_winning_price",
    "is_abnormally_low",
    "price_points",
    "quality_needed",
    "relative_max_winning_price",
    "score_budget",
    "score_from_mean",
    "score_linear_lowest",
    "score_linear_range",
    "score_relative",
    "win_probability",
]

ONE = Decimal(1)
DEFAULT_ABNORMAL_THRESHOLD_PCT = Decimal("15")  # [U] DOMAIN.md §3
DEFAULT_DRAWS = 10_000
PROBABILITY_PLACES = Decimal("0.0001")
SCORE_TOLERANCE = Decimal("1e-18")  # totals closer than this are a tie (Decimal division noise)


# =========================================================================== price schedule


@dataclass(frozen=True, slots=True)
class LineYear:
    """One service line in one contract year."""

    key: str
    service_line: str
    unit_price: Decimal  # to the penny
    volume: Decimal
    annual_price: Decimal  # unit price × volume, to the penny
    annual_cost: Decimal  # delivery cost, indexed along its own mix
    annual_fee: Decimal
    annual_margin: Decimal  # price − cost − fee


@dataclass(frozen=True, slots=True)
class ContractYear:
    number: int  # 1-based
    starts: dt.date | None
    ends: dt.date | None
    is_extension: bool
    rate_year: str  # the financial year in force at the start of the contract year
    rates_extrapolated: bool  # some of the year lies beyond the last rates known
    national_living_wage: Decimal  # the highest in force during the year (the wage floor)
    lines: tuple[LineYear, ...]
    annual_price: Decimal  # Σ lines
    annual_cost: Decimal
    annual_fee: Decimal
    annual_margin: Decimal
    budget: Decimal | None  # tender's estimated annual value; None when not given
    headroom: Decimal | None  # budget − annual price (negative: over budget)
    over_budget: bool
    ceiling: Decimal | None
    over_ceiling: bool


@dataclass(frozen=True, slots=True)
class LineTerms:
    """Per service line: indexation, break-even and the abnormally-low test (year one)."""

    key: str
    service_line: str
    unit: str
    volume: Decimal
    unit_price: Decimal  # year one, to the penny
    staff_share: Decimal  # exact fraction 0..1
    index_pct: Decimal  # cost index a year, percentage points, exact
    variable_cost_per_unit: Decimal  # exact
    fixed_costs_per_year: Decimal  # exact
    break_even_volume: Decimal | None  # whole units (rounded up); None: price ≤ variable cost
    should_cost_per_unit: Decimal  # the build-up's full cost (or the caller's figure)
    abnormal_floor: Decimal  # should-cost × (1 − threshold), to the penny
    abnormally_low: bool


@dataclass(frozen=True, slots=True)
class WageFloorBreach:
    year: int
    rate_year: str
    member_id: int
    organisation_name: str
    service_line: str
    role_id: int | None
    role_name: str
    hourly_rate: Decimal  # indexed to that year, to the penny
    floor: Decimal  # National Living Wage in force
    floor_from: dt.date  # when that floor applies within the contract year
    shortfall: Decimal  # floor − rate, to the penny


@dataclass(frozen=True, slots=True)
class PriceSchedule:
    option_id: int
    tender_id: int | None
    buildup: CostBuildup
    include_extensions: bool
    abnormal_threshold_pct: Decimal
    years: tuple[ContractYear, ...]
    lines: tuple[LineTerms, ...]
    term_price: Decimal  # Σ years of the term (no extensions)
    total_price: Decimal  # Σ all years shown
    total_cost: Decimal
    total_fee: Decimal
    total_margin: Decimal
    break_even_pct: Decimal | None  # % of planned volume (same mix) covering fixed costs, exact
    wage_floor_breaches: tuple[WageFloorBreach, ...]
    flags: tuple[Flag, ...]  # the build-up's and the schedule's


def break_even_volume(fixed_costs: Decimal, price: Decimal, variable_cost: Decimal) -> Decimal | None:
    """fixed ÷ (price − variable cost per unit), rounded up to a whole unit; None if no margin."""
    contribution = price - variable_cost
    if contribution <= 0:
        return None
    return (fixed_costs / contribution).to_integral_value(rounding=ROUND_CEILING)


def abnormal_floor(should_cost: Decimal, threshold_pct: Decimal = DEFAULT_ABNORMAL_THRESHOLD_PCT) -> Decimal:
    """The price below which a bid is abnormally low: should-cost × (1 − threshold %)."""
    return should_cost * (ONE - threshold_pct / HUNDRED)


def is_abnormally_low(price: Decimal, should_cost: Decimal,
                      threshold_pct: Decimal = DEFAULT_ABNORMAL_THRESHOLD_PCT) -> bool:
    """True when ``price`` is more than ``threshold_pct`` % below ``should_cost``."""
    return price < abnormal_floor(should_cost, threshold_pct)


def bid_prices(
    ws: Workspace,
    option_id: int,
    rates: RateTable,
    include_extensions: bool = False,
    *,
    unit_prices: Mapping[str, Decimal] | None = None,
    should_costs: Mapping[str, Decimal] | None = None,
    abnormal_threshold_pct: Decimal = DEFAULT_ABNORMAL_THRESHOLD_PCT,
    on: dt.date | None = None,
) -> PriceSchedule:
    """The bid price per service line and in total for every contract year, with its guards.

    ``unit_prices`` fixes year-one prices per unit (see ``cost_buildup``); ``should_costs`` gives
    the should-cost per unit to test against (service line → £; default the build-up's full cost,
    fee included, margin excluded).
    """
    b = cost_buildup(ws, option_id, rates, on=on, unit_prices=unit_prices)
    tender = ws.get(Tender, b.tender_id)
    pay = tender.pay_indexation_pct / HUNDRED if tender else ZERO
    cpi = tender.cpi_indexation_pct / HUNDRED if tender else ZERO
    term = tender.term_years if tender else 1
    ext = tender.extension_years if (tender and include_extensions) else 0
    budget = tender.annual_value if tender and tender.annual_value > 0 else None
    ceiling = tender.budget_ceiling if tender else None
    fee = b.management_fee_pct / HUNDRED
    flags = list(b.flags)
    start = tender.start_date if tender and tender.start_date else b.priced_on
    should = {key(k): v for k, v in (should_costs or {}).items()}

    years: list[ContractYear] = []
    breaches: list[WageFloorBreach] = []
    beyond: list[tuple[int, dt.date]] = []
    for n in range(1, term + ext + 1):
        y_start = add_months(start, 12 * (n - 1))
        y_end = add_months(start, 12 * n) - dt.timedelta(days=1)
        lookup = rates_for(rates, y_start)
        # the wage floor: the highest National Living Wage in force at any time in the year
        # (a contract year that spans 1 April sees the new rate before its own pay uplift)
        floor_lookup = lookup
        april = dt.date(y_start.year if y_start.month < 4 else y_start.year + 1, 4, 1)
        if y_start < april <= y_end:
            later = rates_for(rates, april)
            if later.year.national_living_wage > lookup.year.national_living_wage or later.extrapolated:
                floor_lookup = later
        if floor_lookup.extrapolated:
            beyond.append((n, y_start))
        nlw = max(lookup.year.national_living_wage, floor_lookup.year.national_living_wage)
        g_pay = (ONE + pay) ** (n - 1)
        g_cpi = (ONE + cpi) ** (n - 1)
        lines = []
        for s in b.service_lines:
            index = s.staff_share * pay + (ONE - s.staff_share) * cpi
            unit_price = quantize(s.price_per_unit * (ONE + index) ** (n - 1))
            annual_price = quantize(unit_price * s.volume)
            annual_cost = quantize(s.annual_cost * (s.staff_share * g_pay + (ONE - s.staff_share) * g_cpi))
            annual_fee = quantize(fee * annual_price)
            lines.append(LineYear(s.key, s.service_line, unit_price, s.volume, annual_price, annual_cost,
                                  annual_fee, annual_price - annual_cost - annual_fee))
            for m in s.members:
                for r in m.roles:
                    rate = r.hourly_rate * g_pay
                    if rate < nlw:
                        breaches.append(WageFloorBreach(
                            n, floor_lookup.year.label, m.member_id, m.organisation_name, s.service_line, r.role_id,
                            r.name, quantize(rate), nlw, max(y_start, floor_lookup.year.starts),
                            quantize(nlw - rate)))
        price = sum((x.annual_price for x in lines), ZERO)
        headroom = budget - price if budget is not None else None
        years.append(ContractYear(
            number=n, starts=y_start, ends=y_end, is_extension=n > term, rate_year=lookup.year.label,
            rates_extrapolated=lookup.extrapolated, national_living_wage=nlw, lines=tuple(lines),
            annual_price=price,
            annual_cost=sum((x.annual_cost for x in lines), ZERO),
            annual_fee=sum((x.annual_fee for x in lines), ZERO),
            annual_margin=sum((x.annual_margin for x in lines), ZERO),
            budget=budget, headroom=headroom, over_budget=headroom is not None and headroom < 0,
            ceiling=ceiling, over_ceiling=ceiling is not None and price > ceiling,
        ))
    if beyond:
        first_n, first_day = beyond[0]
        which = (f"Contract year {first_n}" if len(beyond) == 1
                 else f"Contract years {first_n}–{beyond[-1][0]}")
        flags.append(Flag("rates_extrapolated",
                          f"{which} (from {first_day:%d/%m/%Y}) run beyond the last rates known "
                          f"({rates.last.label}): the wage floor is checked against {rates.last.label} rates."))

    terms = []
    fixed_total = contribution_total = ZERO
    for s in b.service_lines:
        sc = should.get(s.key, s.should_cost_per_unit)
        floor = abnormal_floor(sc, abnormal_threshold_pct)
        low = s.price_per_unit < floor
        if low:
            flags.append(Flag("abnormally_low",
                              f"{s.service_line}: £{s.price_per_unit:,} a unit is more than "
                              f"{abnormal_threshold_pct}% below should-cost £{quantize(sc):,}; the buyer may "
                              "reject it as abnormally low.", Severity.SERIOUS))
        fixed_total += s.fixed_costs_per_year
        contribution_total += (s.price_per_unit - s.variable_cost_per_unit) * s.volume
        terms.append(LineTerms(
            key=s.key, service_line=s.service_line, unit=s.unit, volume=s.volume, unit_price=s.price_per_unit,
            staff_share=s.staff_share, index_pct=(s.staff_share * pay + (ONE - s.staff_share) * cpi) * HUNDRED,
            variable_cost_per_unit=s.variable_cost_per_unit, fixed_costs_per_year=s.fixed_costs_per_year,
            break_even_volume=break_even_volume(s.fixed_costs_per_year, s.price_per_unit, s.variable_cost_per_unit),
            should_cost_per_unit=sc, abnormal_floor=quantize(floor), abnormally_low=low,
        ))

    for br in _first_breaches(breaches):
        flags.append(Flag("wage_floor",
                          f"{br.organisation_name}, {br.service_line}: {br.role_name} at £{br.hourly_rate} an hour "
                          f"in contract year {br.year} is below the National Living Wage of £{br.floor} in force "
                          f"from {br.floor_from:%d/%m/%Y} ({br.rate_year}).", Severity.BLOCKING))
    for y in years:
        if y.over_ceiling:
            flags.append(Flag("over_ceiling", f"Year {y.number}: price £{y.annual_price:,} is above the budget "
                                              f"ceiling £{y.ceiling:,}: the bid would fail.",
                              Severity.BLOCKING if y.number == 1 else Severity.SERIOUS))
        elif y.over_budget:
            flags.append(Flag("over_budget", f"Year {y.number}: price £{y.annual_price:,} is above the estimated "
                                             f"annual value £{y.budget:,}.", Severity.INFO))

    term_years = [y for y in years if not y.is_extension]
    return PriceSchedule(
        option_id=option_id,
        tender_id=b.tender_id,
        buildup=b,
        include_extensions=include_extensions,
        abnormal_threshold_pct=abnormal_threshold_pct,
        years=tuple(years),
        lines=tuple(terms),
        term_price=sum((y.annual_price for y in term_years), ZERO),
        total_price=sum((y.annual_price for y in years), ZERO),
        total_cost=sum((y.annual_cost for y in years), ZERO),
        total_fee=sum((y.annual_fee for y in years), ZERO),
        total_margin=sum((y.annual_margin for y in years), ZERO),
        break_even_pct=(fixed_total / contribution_total * HUNDRED) if contribution_total > 0 else None,
        wage_floor_breaches=tuple(breaches),
        flags=tuple(flags),
    )


def _first_breaches(breaches: list[WageFloorBreach]) -> list[WageFloorBreach]:
    """One breach per member, service line and role: the first year it happens."""
    seen: set[tuple] = set()
    out = []
    for br in breaches:
        k = (br.member_id, br.service_line, br.role_id, br.role_name)
        if k not in seen:
            seen.add(k)
            out.append(br)
    return out


# =========================================================================== scoring


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

    @classmethod
    def from_tender(cls, tender: Tender, *, k: Decimal = ONE) -> ScoringRules:
        return cls(tender.quality_weight, tender.price_weight, tender.social_value_weight, tender.price_method,
                   tender.annual_value if tender.annual_value > 0 else None, tender.budget_ceiling, k)


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


def price_points(price: Decimal, prices: Sequence[Decimal], rules: Tender | ScoringRules) -> Decimal | None:
    """Price points of ``price`` among ``prices`` (every bid's price, this one included).

    None when the bid fails (budget method, above the ceiling). Bids that fail do not count
    towards the lowest, highest or mean price.
    """
    r = _rules(rules)
    w = r.price_weight
    m = r.method
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
    price_points: Decimal | None  # None: failed (price above the ceiling)
    total: Decimal | None
    rank: int | None  # 1 is best; tied bids share a rank; None when failed

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
    gap: Decimal | None  # our total − the best competitor's (positive: ahead); None if one side fails

    def bid(self, name: str) -> BidScore:
        for b in self.bids:
            if b.name == name:
                return b
        raise KeyError(name)


def evaluate(our_bid: Competitor, competitors: Sequence[Competitor], tender: Tender | ScoringRules) -> Evaluation:
    """Score every bid: Total = Wq × q/qmax + Wsv × sv/svmax + price points (DOMAIN.md §3)."""
    r = _rules(tender)
    bids = [our_bid, *competitors]
    if r.method is PriceMethod.BUDGET and r.budget is None:
        raise EvaluationError("the budget method needs the tender's estimated annual value")
    # A bid above the budget ceiling fails whatever the scoring method: it is unaffordable.
    valid_prices = [b.price for b in bids if r.ceiling is None or b.price <= r.ceiling]
    scored = []
    for i, b in enumerate(bids):
        over = r.ceiling is not None and b.price > r.ceiling
        pp = price_points(b.price, valid_prices, r) if valid_prices and not over else None
        q = _ratio(b.quality_score, b.quality_max, r.quality_weight)
        sv = _ratio(b.social_value_score, b.sv_max, r.social_value_weight)
        scored.append((b, i == 0, q, sv, pp, None if pp is None else q + sv + pp))
    totals = [t for *_, t in scored if t is not None]
    out = []
    for b, ours, q, sv, pp, t in scored:
        rank = None if t is None else 1 + sum(1 for o in totals if o > t + SCORE_TOLERANCE)
        out.append(BidScore(b.name, b.price, ours, q, sv, pp, t, rank))
    mine = out[0]
    others = [b for b in out[1:] if b.total is not None]
    leader = max(others, key=lambda b: b.total) if others else None  # type: ignore[arg-type, return-value]
    gap = (mine.total - leader.total) if (leader is not None and mine.total is not None) else None  # type: ignore[operator]
    return Evaluation(r.method, tuple(out), mine, mine.rank, mine.rank == 1,
                      leader.name if leader else None, gap)


# --------------------------------------------------------------------------- winning price


@dataclass(frozen=True, slots=True)
class WinningPrice:
    """The highest price at which our bid still wins (or ties), quality and social value as given."""

    method: PriceMethod
    price: Decimal | None  # to the penny, rounded down; None if any price wins or none does
    any_price: bool  # we win whatever we charge
    cannot_win: bool  # not even at a penny
    exact: Decimal | None  # relative method: the unrounded bound Pc × Wp / (Wp − D)
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
    if not competitors:
        if cap is not None:
            return result(cap) if cap >= 1 else result(None, cannot=True)
        return result(None, any_price=True)
    if not wins(1):
        return result(None, cannot=True)

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
    target_total: Decimal | None  # the best competitor's total at this price


def quality_needed(our_bid: Competitor, competitors: Sequence[Competitor],
                   tender: Tender | ScoringRules) -> QualityNeeded:
    """The quality score ``our_bid`` needs to win (or tie) at its price, social value as given."""
    r = _rules(tender)
    ev = evaluate(our_bid, competitors, r)
    mine = ev.ours
    best = max((b.total for b in ev.bids[1:] if b.total is not None), default=None)
    if mine.price_points is None:
        return QualityNeeded(our_bid.price, None, None, our_bid.quality_max, False, best)
    if best is None:
        return QualityNeeded(our_bid.price, ZERO, ZERO, our_bid.quality_max, True, None)
    short = best - mine.social_value_points - mine.price_points
    if short <= SCORE_TOLERANCE:
        return QualityNeeded(our_bid.price, ZERO, ZERO, our_bid.quality_max, True, best)
    if r.quality_weight <= 0 or our_bid.quality_max <= 0:
        return QualityNeeded(our_bid.price, None, None, our_bid.quality_max, False, best)
    exact = short * our_bid.quality_max / r.quality_weight
    needed = exact.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
    return QualityNeeded(our_bid.price, needed, exact, our_bid.quality_max, needed <= our_bid.quality_max, best)


# =========================================================================== Monte Carlo


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """Half-widths of the triangular distributions around each competitor's given figures.

    Prices: ± % of the price (below 100). Quality and social value: ± % of the maximum, kept
    within 0 and the maximum. Our own quality may vary too (default: fixed).
    """

    price_spread_pct: Decimal = Decimal("10")
    quality_spread_pct: Decimal = Decimal("10")
    social_value_spread_pct: Decimal = Decimal("10")
    own_quality_spread_pct: Decimal = ZERO

    def __post_init__(self) -> None:
        if not ZERO <= self.price_spread_pct < HUNDRED:
            raise EvaluationError("the price spread must be at least 0% and below 100%")
        for v in (self.quality_spread_pct, self.social_value_spread_pct, self.own_quality_spread_pct):
            if not ZERO <= v <= HUNDRED:
                raise EvaluationError("score spreads must lie between 0% and 100%")


@dataclass(frozen=True, slots=True)
class WinProbability:
    price: Decimal
    probability: Decimal  # 4 places
    standard_error: Decimal  # 4 places
    wins: int
    draws: int
    seed: int | None


@dataclass(frozen=True, slots=True)
class PricePoint:
    price: Decimal
    probability: Decimal  # 4 places
    expected_contribution: Decimal  # P(win) × (price − cost), to the penny


@dataclass(frozen=True, slots=True)
class BestPrice:
    price: Decimal
    probability: Decimal
    expected_contribution: Decimal
    cost: Decimal
    grid: tuple[PricePoint, ...]
    draws: int
    seed: int | None


def _triangular(u: np.ndarray, left: np.ndarray, mode: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Inverse CDF of triangular(left, mode, right) at uniforms ``u``; width 0 gives ``left``."""
    width = right - left
    safe = np.where(width > 0, width, 1.0)
    fc = np.where(width > 0, (mode - left) / safe, 0.0)
    low = left + np.sqrt(u * width * (mode - left))
    high = right - np.sqrt((1.0 - u) * width * (right - mode))
    return np.where(u < fc, low, high)


@dataclass(slots=True)
class _Draws:
    prices: np.ndarray  # (draws, n)
    non_price: np.ndarray  # (draws, n)
    own_non_price: np.ndarray  # (draws,)


def _draw(our_bid: Competitor, competitors: Sequence[Competitor], r: ScoringRules, u: Uncertainty, draws: int,
          rng: np.random.Generator) -> _Draws:
    n = len(competitors)
    f = float
    price_mode = np.array([f(c.price) for c in competitors], dtype=float)
    q_mode = np.array([f(c.quality_score) for c in competitors], dtype=float)
    q_max = np.array([f(c.quality_max) for c in competitors], dtype=float)
    sv_mode = np.array([f(c.social_value_score) for c in competitors], dtype=float)
    sv_max = np.array([f(c.sv_max) for c in competitors], dtype=float)
    ps, qs, ss = f(u.price_spread_pct) / 100, f(u.quality_spread_pct) / 100, f(u.social_value_spread_pct) / 100
    # uniforms drawn in a fixed order whatever the spreads, so a seed always means the same draws
    u_price = rng.random((draws, n))
    u_q = rng.random((draws, n))
    u_sv = rng.random((draws, n))
    u_own = rng.random(draws)
    prices = _triangular(u_price, price_mode * (1 - ps), price_mode, price_mode * (1 + ps))
    q = _triangular(u_q, np.maximum(0.0, q_mode - qs * q_max), q_mode, np.minimum(q_max, q_mode + qs * q_max))
    sv = _triangular(u_sv, np.maximum(0.0, sv_mode - ss * sv_max), sv_mode, np.minimum(sv_max, sv_mode + ss * sv_max))
    wq, wsv = f(r.quality_weight), f(r.social_value_weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        q_pts = np.where(q_max > 0, wq * q / np.where(q_max > 0, q_max, 1.0), 0.0)
        sv_pts = np.where(sv_max > 0, wsv * sv / np.where(sv_max > 0, sv_max, 1.0), 0.0)
    own_sv = f(_ratio(our_bid.social_value_score, our_bid.sv_max, r.social_value_weight))
    oq, oqmax = f(our_bid.quality_score), f(our_bid.quality_max)
    os_ = f(u.own_quality_spread_pct) / 100
    own_q = _triangular(u_own, np.full(draws, max(0.0, oq - os_ * oqmax)), np.full(draws, oq),
                        np.full(draws, min(oqmax, oq + os_ * oqmax)))
    own_q_pts = wq * own_q / oqmax if oqmax > 0 else np.zeros(draws)
    return _Draws(prices, q_pts + sv_pts, own_q_pts + own_sv)


def _np_price_points(r: ScoringRules, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``price_points`` over rows of bids (column 0 ours): (points, valid)."""
    w = float(r.price_weight)
    m = r.method
    if m is PriceMethod.BUDGET:
        if r.budget is None:
            raise EvaluationError("the budget method needs the tender's estimated annual value")
        b = float(r.budget)
        valid = prices <= float(r.ceiling) if r.ceiling is not None else np.ones(prices.shape, dtype=bool)
        pts = w * np.clip(1.0 - float(r.k) * (prices - b) / b, 0.0, 1.0)
        return pts, valid
    # a bid above the ceiling fails under every method; the others are scored among themselves
    valid = prices <= float(r.ceiling) if r.ceiling is not None else np.ones(prices.shape, dtype=bool)
    lowest = np.where(valid, prices, np.inf).min(axis=1, keepdims=True)
    pmin = np.where(np.isfinite(lowest), lowest, prices.min(axis=1, keepdims=True))
    if m is PriceMethod.RELATIVE:
        return np.minimum(w, w * pmin / prices), valid
    if m is PriceMethod.LINEAR_LOWEST:
        return w * np.clip(1.0 - (prices - pmin) / pmin, 0.0, 1.0), valid
    if m is PriceMethod.LINEAR_RANGE:
        highest = np.where(valid, prices, -np.inf).max(axis=1, keepdims=True)
        pmax = np.where(np.isfinite(highest), highest, prices.max(axis=1, keepdims=True))
        span = pmax - pmin
        with np.errstate(divide="ignore", invalid="ignore"):
            pts = np.where(span > 0, w * (pmax - prices) / np.where(span > 0, span, 1.0), w)
        return np.clip(pts, 0.0, w), valid
    if m is PriceMethod.FROM_MEAN:
        n_valid = valid.sum(axis=1, keepdims=True)
        mean = np.where(n_valid > 0, np.where(valid, prices, 0.0).sum(axis=1, keepdims=True)
                        / np.maximum(n_valid, 1), prices.mean(axis=1, keepdims=True))
        return w * np.clip(1.0 - (prices - mean) / mean, 0.0, 1.0), valid
    raise EvaluationError(f"unknown price method {m!r}")  # pragma: no cover


def _wins(r: ScoringRules, price: float, d: _Draws) -> int:
    draws = d.own_non_price.shape[0]
    prices = np.concatenate([np.full((draws, 1), price), d.prices], axis=1)
    pts, valid = _np_price_points(r, prices)
    totals = np.where(valid, pts + np.concatenate([d.own_non_price[:, None], d.non_price], axis=1), -np.inf)
    ours = totals[:, 0]
    if d.prices.shape[1] == 0:
        return int(np.count_nonzero(valid[:, 0]))
    best = totals[:, 1:].max(axis=1)
    return int(np.count_nonzero(valid[:, 0] & (ours >= best - 1e-9)))


def _probability(wins: int, draws: int) -> Decimal:
    return (Decimal(wins) / Decimal(draws)).quantize(PROBABILITY_PLACES, rounding=ROUND_HALF_EVEN)


def _check_draws(draws: int) -> None:
    if draws < 1:
        raise EvaluationError("the number of draws must be at least 1")


def win_probability(our_bid: Competitor, competitors: Sequence[Competitor], tender: Tender | ScoringRules, *,
                    uncertainty: Uncertainty | None = None, draws: int = DEFAULT_DRAWS,
                    seed: int | None = None) -> WinProbability:
    """P(our bid wins or ties) with competitors' prices, quality and social value scores drawn
    from triangular distributions around the figures given (``uncertainty`` sets the widths)."""
    _check_draws(draws)
    r = _rules(tender)
    d = _draw(our_bid, competitors, r, uncertainty or Uncertainty(), draws, np.random.default_rng(seed))
    wins = _wins(r, float(our_bid.price), d)
    p = wins / draws
    se = Decimal(repr(float(np.sqrt(p * (1 - p) / draws)))).quantize(PROBABILITY_PLACES)
    return WinProbability(our_bid.price, _probability(wins, draws), se, wins, draws, seed)


def best_price(cost: Decimal, our_bid: Competitor, competitors: Sequence[Competitor],
               tender: Tender | ScoringRules, *, prices: Sequence[Decimal] | None = None,
               low: Decimal | None = None, high: Decimal | None = None, steps: int = 101,
               uncertainty: Uncertainty | None = None, draws: int = DEFAULT_DRAWS,
               seed: int | None = None) -> BestPrice:
    """The price that maximises expected contribution P(win) × (price − cost) over a grid.

    ``cost`` is on the same basis as the prices (e.g. the annual cost of year one). The grid is
    ``prices`` if given, else ``steps`` penny prices from ``low`` (default the cost) to ``high``
    (default 10% above the dearest competitor's highest likely price; at most the ceiling under
    the budget method). Every price is scored on the same draws (common random numbers), so the
    curve is smooth and comparisons are fair. Ties go to the lower price.
    """
    _check_draws(draws)
    r = _rules(tender)
    u = uncertainty or Uncertainty()
    if prices is None:
        spread = ONE + u.price_spread_pct / HUNDRED
        lo = low if low is not None else (cost if cost > 0 else min((c.price for c in competitors),
                                                                  default=our_bid.price) / 2)
        top = max([c.price * spread for c in competitors] + [our_bid.price, lo]) * Decimal("1.1")
        hi = high if high is not None else top
        if r.method is PriceMethod.BUDGET and r.ceiling is not None and high is None:
            hi = min(hi, r.ceiling)
        lo = max(lo, PENNY)
        hi = max(hi, lo)
        n = max(steps, 2)
        grid = sorted({quantize(lo + (hi - lo) * i / (n - 1)) for i in range(n)})
    else:
        grid = sorted({quantize(p) for p in prices})
    grid = [p for p in grid if p > 0]
    if not grid:
        raise EvaluationError("no positive prices to try")
    d = _draw(our_bid, competitors, r, u, draws, np.random.default_rng(seed))
    points = []
    for price in grid:
        wins = _wins(r, float(price), d)
        ec = quantize(Decimal(wins) / Decimal(draws) * (price - cost))
        points.append(PricePoint(price, _probability(wins, draws), ec))
    best = max(points, key=lambda pt: (pt.expected_contribution, -pt.price))
    return BestPrice(best.price, best.probability, best.expected_contribution, cost, tuple(points), draws, seed)
