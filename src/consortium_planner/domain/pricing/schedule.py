"""The bid price by contract year and its guards: the wage floor and an abnormally low price
(rules in the package's docstring).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ..costing import CostBuildup, Flag, ServiceLineCost, cost_buildup
from ..findings import Severity
from ..model import CeilingIndexation, PriceBasis, Tender, add_months, key
from ..money import HUNDRED, ZERO, format_decimal, format_gbp, quantize
from ..rates import RateTable, rates_for
from ..tasks import checkpoint
from ..workspace import Workspace

ONE = Decimal(1)
DEFAULT_ABNORMAL_THRESHOLD_PCT = Decimal("15")  # [U] DOMAIN.md §3


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
    ceiling: Decimal | None  # this year's ceiling: the annual ceiling, indexed with the price when the tender says so
    over_ceiling: bool  # the annual price is above this year's ceiling
    ceiling_breach: Severity | None = None  # BLOCKING: the breach fails the bid; WARNING: an affordability question


@dataclass(frozen=True, slots=True)
class LineTerms:
    """Per service line: indexation, break-even and the abnormally-low test (year one)."""

    key: str
    service_line: str
    unit: str
    volume: Decimal
    unit_price: Decimal  # year one, to the penny
    staff_share: Decimal  # exact fraction 0..1
    index_pct: Decimal  # the index a year the price follows (its cost index unless fixed), points, exact
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
    # the budget ceiling as the buyer applies it (DOMAIN §3): on the price it evaluates
    price_evaluated: PriceBasis = PriceBasis.YEAR_ONE
    ceiling_indexed: bool = False
    evaluated_price: Decimal | None = None  # year one's, the term's average (to the penny) or the term's total
    evaluated_ceiling: Decimal | None = None  # the ceiling on the same basis; None without a ceiling
    over_evaluated_ceiling: bool = False
    covers_pct: Decimal | None = None  # share of the tender's required volume priced (percentage points, exact)

    @property
    def partial(self) -> bool:
        """The price covers only part of the required volume: it is not comparable with the whole budget."""
        return self.covers_pct is not None and self.covers_pct < HUNDRED


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
    price_index: Mapping[str, Decimal] | None = None,
    should_costs: Mapping[str, Decimal] | None = None,
    abnormal_threshold_pct: Decimal = DEFAULT_ABNORMAL_THRESHOLD_PCT,
    on: dt.date | None = None,
    buildup: CostBuildup | None = None,
) -> PriceSchedule:
    """The bid price per service line and in total for every contract year, with its guards.

    ``unit_prices`` fixes year-one prices per unit (see ``cost_buildup``); ``price_index`` fixes the
    index a year each line's price follows (service line → a fraction, 0.03 for 3%; default the
    line's cost index), so a what-if (``domain.scenarios``) keeps the bid's prices as priced while its
    costs move with the pay uplift and CPI; ``should_costs`` gives the should-cost per unit to test
    against (service line → £; default the build-up's full cost, fee included, margin excluded).
    ``buildup``: ``cost_buildup(ws, option_id, rates, on=on, unit_prices=unit_prices)`` when the caller
    already has it (a scenario that moves nothing the build-up reads, ``scenarios.KEEPS_BUILDUP``).
    """
    b = buildup if buildup is not None else cost_buildup(ws, option_id, rates, on=on, unit_prices=unit_prices)
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
    fixed_index = {key(k): v for k, v in (price_index or {}).items()}

    def index_of(s: ServiceLineCost) -> Decimal:
        """The index a year the line's price follows: fixed by the caller, else its cost index."""
        fixed = fixed_index.get(s.key)
        return fixed if fixed is not None else s.staff_share * pay + (ONE - s.staff_share) * cpi

    years: list[ContractYear] = []
    breaches: list[WageFloorBreach] = []
    beyond: list[tuple[int, dt.date]] = []
    # each line's lowest hourly rate: a year whose uplifted lowest rate is at or above the wage floor has no
    # breach on the line (a product with a positive factor keeps the order, rounded or not), and its roles are
    # not gone through one by one (on the large workspace, 3,000 roles a year, most of the build-up's time)
    lowest = {s.key: min((r.hourly_rate for m in s.members for r in m.roles), default=None) for s in b.service_lines}
    for n in range(1, term + ext + 1):
        checkpoint()
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
            unit_price = quantize(s.price_per_unit * (ONE + index_of(s)) ** (n - 1))
            annual_price = quantize(unit_price * s.volume)
            annual_cost = quantize(s.annual_cost * (s.staff_share * g_pay + (ONE - s.staff_share) * g_cpi))
            annual_fee = quantize(fee * annual_price)
            lines.append(LineYear(s.key, s.service_line, unit_price, s.volume, annual_price, annual_cost,
                                  annual_fee, annual_price - annual_cost - annual_fee))
            least = lowest[s.key]
            if least is None or (g_pay > 0 and least * g_pay >= nlw):
                continue
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
    basis = tender.price_evaluated if tender else PriceBasis.YEAR_ONE
    indexed = tender is not None and tender.ceiling_indexation is CeilingIndexation.INDEXED
    years = _apply_ceiling(years, ceiling, basis, indexed)
    term_years = [y for y in years if not y.is_extension]
    evaluated_price, evaluated_ceiling = _evaluated(term_years, basis)
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
                              "reject it as abnormally low.", Severity.SERIOUS,
                              figures=(("unit_price", s.price_per_unit), ("should_cost", quantize(sc)),
                                       ("abnormal_floor", quantize(floor))),
                              cure=f"Raise the {s.service_line} price to at least {format_gbp(quantize(floor))} a "
                                   f"{s.unit} ({format_gbp(quantize(floor) - s.price_per_unit)} more), or show the "
                                   "buyer how the cost is lower than should-cost.",
                              cure_figures=(("unit_price_at_least", quantize(floor)),
                                            ("unit_price_rise", quantize(floor) - s.price_per_unit))))
        fixed_total += s.fixed_costs_per_year
        contribution_total += (s.price_per_unit - s.variable_cost_per_unit) * s.volume
        terms.append(LineTerms(
            key=s.key, service_line=s.service_line, unit=s.unit, volume=s.volume, unit_price=s.price_per_unit,
            staff_share=s.staff_share, index_pct=index_of(s) * HUNDRED,
            variable_cost_per_unit=s.variable_cost_per_unit, fixed_costs_per_year=s.fixed_costs_per_year,
            break_even_volume=break_even_volume(s.fixed_costs_per_year, s.price_per_unit, s.variable_cost_per_unit),
            should_cost_per_unit=sc, abnormal_floor=quantize(floor), abnormally_low=low,
        ))

    for br in _first_breaches(breaches):
        flags.append(Flag("wage_floor",
                          f"{br.organisation_name}, {br.service_line}: {br.role_name} at £{br.hourly_rate} an hour "
                          f"in contract year {br.year} is below the National Living Wage of £{br.floor} in force "
                          f"from {br.floor_from:%d/%m/%Y} ({br.rate_year}).", Severity.BLOCKING,
                          figures=(("hourly_rate", br.hourly_rate), ("national_living_wage", br.floor),
                                   ("shortfall", br.shortfall), ("contract_year", Decimal(br.year))),
                          cure=f"Pay {br.role_name} ({br.organisation_name}, {br.service_line}) at least "
                               f"{format_gbp(br.floor)} an hour from {br.floor_from:%d/%m/%Y} "
                               f"({format_gbp(br.shortfall)} more an hour) and price the cost in.",
                          cure_figures=(("hourly_rate_at_least", br.floor), ("pay_rise_an_hour", br.shortfall))))
    over = evaluated_ceiling is not None and evaluated_price is not None and evaluated_price > evaluated_ceiling
    if over:
        assert evaluated_price is not None and evaluated_ceiling is not None
        flags.append(ceiling_finding(basis, indexed, evaluated_price, evaluated_ceiling, len(term_years)))
    for y in years:
        if y.ceiling_breach is Severity.WARNING:
            assert y.ceiling is not None
            flags.append(Flag(
                "ceiling_affordability",
                f"Year {y.number}: price {format_gbp(y.annual_price, pence=False)} is "
                f"{format_gbp(y.annual_price - y.ceiling, pence=False)} above the budget ceiling of "
                f"{format_gbp(y.ceiling, pence=False)}, which is fixed in cash: the buyer evaluates the "
                f"{basis.label.lower()}, so this is a question of affordability for the buyer in that year, "
                "not a failed bid.", Severity.WARNING,
                figures=(("annual_price", y.annual_price), ("ceiling", y.ceiling),
                         ("above_ceiling", y.annual_price - y.ceiling))))
        elif y.over_budget and not y.over_ceiling:
            flags.append(Flag("over_budget", f"Year {y.number}: price £{y.annual_price:,} is above the estimated "
                                             f"annual value £{y.budget:,}.", Severity.INFO))

    required = sum((r.annual_volume for r in ws.requirements(b.tender_id)), ZERO) if b.tender_id else ZERO
    priced = sum((min(sl.volume, sl.required_volume) for sl in b.service_lines), ZERO)
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
        price_evaluated=basis,
        ceiling_indexed=indexed,
        evaluated_price=evaluated_price,
        evaluated_ceiling=evaluated_ceiling,
        over_evaluated_ceiling=over,
        covers_pct=priced * HUNDRED / required if required > 0 else None,
    )


def _apply_ceiling(years: list[ContractYear], ceiling: Decimal | None, basis: PriceBasis,
                   indexed: bool) -> list[ContractYear]:
    """Each year's ceiling and how serious a breach is.

    Indexed: the ceiling rises as the contract indexes the price, i.e. year n's ceiling is the ceiling ×
    (year n's price ÷ year one's), so a later year breaches exactly when year one does (and fails with it).
    Fixed in cash: every year is compared with the same amount; a breach fails the bid only in the year
    the buyer evaluates (year one, when it evaluates the year-one price), elsewhere it is a question of
    affordability for the buyer (a warning), never a failed bid (DOMAIN §3).
    """
    if ceiling is None or not years:
        return years
    first = years[0].annual_price
    out = []
    for y in years:
        c = quantize(ceiling * y.annual_price / first) if indexed and first > 0 else ceiling
        over = y.annual_price > c
        breach = None
        if over:
            evaluated_year = basis is PriceBasis.YEAR_ONE and y.number == 1
            breach = Severity.BLOCKING if indexed or evaluated_year else Severity.WARNING
        out.append(dataclasses.replace(y, ceiling=c, over_ceiling=over, ceiling_breach=breach))
    return out


def _evaluated(term_years: list[ContractYear], basis: PriceBasis) -> tuple[Decimal | None, Decimal | None]:
    """The price the buyer evaluates and the ceiling on the same basis (None when there is none)."""
    if not term_years:
        return None, None
    prices = [y.annual_price for y in term_years]
    ceilings = [y.ceiling for y in term_years]
    if basis is PriceBasis.YEAR_ONE:
        return prices[0], ceilings[0]
    whole = sum(prices, ZERO)
    limit = None if any(c is None for c in ceilings) else sum((c for c in ceilings if c is not None), ZERO)
    if basis is PriceBasis.WHOLE_TERM:
        return whole, limit
    n = len(term_years)
    return quantize(whole / n), None if limit is None else quantize(limit / n)


_BASIS_WORDS = {PriceBasis.YEAR_ONE: "year-one annual price", PriceBasis.AVERAGE_ANNUAL: "average annual price",
                PriceBasis.WHOLE_TERM: "whole-term price"}


def ceiling_finding(basis: PriceBasis, indexed: bool, price: Decimal, ceiling: Decimal, term_years: int) -> Flag:
    """The evaluated price above the ceiling (blocking: the buyer rejects the bid), with the cut that cures it."""
    what = _BASIS_WORDS[basis]
    cut = price - ceiling
    a_year = "" if basis is not PriceBasis.WHOLE_TERM or term_years <= 0 else (
        f" (about {format_gbp(cut / term_years, pence=False)} a year)")
    how = " (the ceiling indexed as the contract indexes prices)" if indexed and basis is not PriceBasis.YEAR_ONE else ""
    return Flag(
        "over_ceiling",
        f"The {what}, {format_gbp(price, pence=False)}, is above the budget ceiling of "
        f"{format_gbp(ceiling, pence=False)}{how}, on the price the buyer evaluates: the bid would fail.",
        Severity.BLOCKING,
        figures=(("evaluated_price", price), ("ceiling", ceiling), ("above_ceiling", cut)),
        cure=f"Cut the {what} by {format_gbp(cut, pence=False)}{a_year} to the ceiling of "
             f"{format_gbp(ceiling, pence=False)} ({format_decimal(cut * HUNDRED / price, 1)}% less), by cutting "
             "cost or margin.",
        cure_figures=(("price_cut", cut), ("ceiling", ceiling)))


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
