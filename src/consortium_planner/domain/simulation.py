"""Risk by simulation (DOMAIN §9): Monte Carlo over the scenario drivers' ranges.

Each draw is a set of driver values (``domain.scenarios`` drivers), sampled from a triangular
distribution (low, mode, high) per driver with a seeded ``numpy.random.Generator``; every draw is
projected by a **vector model** of the option (numpy float64, one array element per draw) and the
results are reported as ``Decimal``: the probabilities that the funding requirement exceeds the
sources, that the minimum debt service cover falls below the covenant and that the NPV is
negative; P10/P50/P90 of the NPV and of the funding requirement (peak funding need + buffer +
contingency, as ``FundingResult.requirement``); and a histogram of each.

**The vector model** is the monthly projection of ``domain.projection`` redone in arrays. It starts
from the exact base (the option as stored, through the Decimal pipeline: its price schedule, cost
build-up, capital items and funding sources) and applies each driver as ``scenarios.apply`` and the
projection do:

* volume × (1 + v): the year's price (the bid's unit prices × volume), payroll and variable non-pay
  scale; members' fixed costs and the shared back office do not.
* ramp-up: months k < R of the service run at (k + 1) ÷ (R + 1) of the volume (income, payroll and
  variable non-pay; fixed costs in full).
* pay uplift: payroll of contract year y × (1 + pay + Δ)^(y−1) instead of (1 + pay)^(y−1).
* CPI: fixed and variable non-pay and insurance × (1 + CPI + Δ)^(y−1).
* payment delay: the receipt lag becomes 1 + ⌈(terms + days) ÷ 30⌉ months.
* mobilisation overrun m: the service and every item and drawdown due from service start move m
  months later; m more months of mobilisation cost at the plan's average a month.
* termination after year N: N contract years, equipment written off when the service ends.
* interest rate +pp: every loan's and overdraft's rate (never below 0), so loan service, overdraft
  interest, the tax after financing and the debt service cover move; the requirement and the NPV
  are before funding and do not.
* cost overrun x: payroll, non-pay, fixed costs and each mobilisation and capital item × (1 + x).
* competitors' prices and the National Living Wage path move only the win probability and the
  wage-floor test, neither of which is reported here: they are not sampled.

Tax follows the projection: per taxable person (the vehicle, each LLP member, or each member on its
own profit), losses carried forward, paid ``tax_lag_months`` after each period.

**What the vector model does not reproduce exactly** (the tests measure the agreement with
``services.scenarios.run_scenario`` on the demo's options, see ``docs/simulation.md``):

* rounding: the exact pipeline rounds each line, month and split to the penny; the vector model
  works in floats and rounds only the reported figures, so figures differ by pence (a few pounds
  over a 100-month projection at most);
* members' shares of the delivery cost in a year (for tax on each member's own profit) are the
  base's: a driver that changes the mix of pay and non-pay between members (pay uplift, CPI, volume
  against fixed costs) moves each member's taxable profit slightly differently in the exact
  pipeline; the consortium's totals are the same;
* a mobilisation overrun also moves the service start date, and with it the financial year whose
  reference rates price the first contract year in the exact pipeline; the vector model keeps the
  base's costs for each contract year;
* volume moves each member's staff and variable costs in proportion (FTE follow volume); a cost
  build-up in which staffing does not scale linearly would differ.

Integer drivers (months, days, years) are drawn from their triangle and rounded to the nearest
whole number. Draws run in chunks (``CHUNK``) so a caller can report progress and cancel between
them; the result is the same whatever the chunk size (one generator draws all the values first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .model import (
    CapitalItem,
    CapitalKind,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    LegalForm,
    LoanRepayment,
    Organisation,
    Structure,
    Tender,
)
from .money import ZERO, quantize
from .partnering import charges as _charges
from .pricing import PriceSchedule
from .projection import Capital
from .projection.months import DAYS_PER_MONTH
from .scenarios import DRIVERS, Adjustments
from .tasks import checkpoint
from .workspace import Workspace

__all__ = [
    "CHUNK",
    "DEFAULT_DRAWS",
    "DEFAULT_RANGES",
    "DEFAULT_SEED",
    "SAMPLED",
    "Basis",
    "DriverRange",
    "Histogram",
    "Percentiles",
    "SimulationResult",
    "VectorFigures",
    "basis",
    "draws_of",
    "project",
    "sample",
    "simulate",
]

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20_260_401
CHUNK = 2_000
HISTOGRAM_BINS = 30
MIN_DRAWS = 100
MAX_DRAWS = 1_000_000

#: The drivers the simulation samples (the others change none of the figures it reports).
SAMPLED: tuple[str, ...] = ("volume_pct", "ramp_up_months", "pay_uplift_pp", "cpi_pp", "payment_delay_days",
                            "mobilisation_overrun_months", "termination_after_year", "interest_rate_pp",
                            "cost_overrun_pct")
_INTEGER = frozenset({"ramp_up_months", "payment_delay_days", "mobilisation_overrun_months",
                      "termination_after_year"})
_LABELS = {d.name: (d.label, d.unit) for d in DRIVERS}


@dataclass(frozen=True, slots=True)
class DriverRange:
    """A driver's triangular range: low ≤ mode ≤ high, in the driver's unit (``scenarios.DRIVERS``)."""

    driver: str
    low: Decimal
    mode: Decimal
    high: Decimal
    label: str = ""
    unit: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.driver not in SAMPLED:
            raise ValueError(f"{self.driver!r} is not a driver the simulation samples ({', '.join(SAMPLED)})")
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"{self.label or self.driver}: the range must run low ≤ most likely ≤ high "
                             f"(got {self.low}, {self.mode}, {self.high})")
        if self.driver in ("volume_pct", "cost_overrun_pct") and self.low <= -100:
            raise ValueError(f"{self.label or self.driver}: the low end must be above −100% (got {self.low})")
        if self.driver in ("mobilisation_overrun_months", "termination_after_year") and self.low < 0:
            raise ValueError(f"{self.label or self.driver}: the range cannot go below 0 (got {self.low})")


def _range(driver: str, low: str, mode: str, high: str, note: str) -> DriverRange:
    label, unit = _LABELS[driver]
    return DriverRange(driver, Decimal(low), Decimal(mode), Decimal(high), label, unit, note)


#: The default ranges [U] (DOMAIN §9's shipped scenarios give the downside ends: Severe's volume −20%,
#: pay +3 points, payment +60 days; Downside's mobilisation +2 months). Early termination is an event,
#: not a range: it is not sampled by default (0: the contract runs its term).
DEFAULT_RANGES: tuple[DriverRange, ...] = (
    _range("volume_pct", "-20", "0", "5", "Severe's fall of 20% to a little more than planned"),
    _range("ramp_up_months", "0", "0", "3", "up to three months slower to reach full volume"),
    _range("pay_uplift_pp", "0", "0", "3", "pay rising up to Severe's 3 points a year faster"),
    _range("cpi_pp", "-0.5", "0", "2", "inflation of non-pay a little below to 2 points above plan"),
    _range("payment_delay_days", "0", "0", "60", "the buyer paying up to Severe's 60 days late"),
    _range("mobilisation_overrun_months", "0", "0", "3", "mobilisation up to three months late"),
    _range("termination_after_year", "0", "0", "0", "not sampled: an event, not a range"),
    _range("interest_rate_pp", "0", "0", "2", "interest up to 2 points higher"),
    _range("cost_overrun_pct", "-2", "0", "10", "costs 2% below to 10% above the plan"),
)


# --------------------------------------------------------------------------- sampling


def sample(ranges: Sequence[DriverRange], draws: int, seed: int) -> dict[str, np.ndarray]:
    """``draws`` values of every driver (float arrays; integer drivers rounded), from ``seed``.

    Drivers are drawn in ``SAMPLED`` order whatever the order of ``ranges``; a driver without a range,
    or with low = high, takes that value in every draw (0 without a range).
    """
    rng = np.random.default_rng(seed)
    by = {r.driver: r for r in ranges}
    out: dict[str, np.ndarray] = {}
    for name in SAMPLED:
        r = by.get(name)
        if r is None or r.low == r.high:
            value = float(r.low) if r is not None else 0.0
            out[name] = np.full(draws, value)
            continue
        lo, mo, hi = float(r.low), float(r.mode), float(r.high)
        x = rng.triangular(lo, mo, hi, draws)
        out[name] = np.rint(x) if name in _INTEGER else x
    return out


def draws_of(adjustments: Sequence[Adjustments]) -> dict[str, np.ndarray]:
    """Fixed driver vectors (one draw per ``Adjustments``), for checking the vector model against the
    exact pipeline."""
    return {name: np.array([float(getattr(a, name)) for a in adjustments]) for name in SAMPLED}


# --------------------------------------------------------------------------- the base, as numbers


@dataclass(frozen=True, slots=True)
class _Item:
    amount: float
    month: int
    life: int
    mobilisation: bool


@dataclass(frozen=True, slots=True)
class _Source:
    kind: FundingKind
    amount: float  # lent (a loan's grant part is in ``grant``)
    grant: float
    month: int
    rate_pct: float
    term: int
    holiday: int
    flat: bool
    fee: float  # arrangement fee, paid when drawn
    commitment_pct: float


@dataclass(frozen=True, slots=True)
class Basis:
    """What the vector model needs of the option as stored, taken from the exact pipeline's results."""

    option_id: int
    mob: int
    n_years: int
    lag_np: int
    lag_tax: int
    payment_terms_days: int
    ramp: int
    pay: float
    cpi: float
    price: np.ndarray  # (years,) annual price, base volume
    staff: float  # year-one payroll at base volume (Σ line cost × staff share)
    fixed: float  # year-one members' fixed and shared costs (Σ line cost × fixed fraction)
    variable: float  # year-one variable non-pay at base volume
    fee_rate: np.ndarray  # (years,) fee ÷ price
    bond_premium: float
    insurance: float
    items: tuple[_Item, ...]
    one_off: tuple[tuple[int, float], ...]  # pension admission costs: (month, amount)
    sources: tuple[_Source, ...]
    total_sources: Decimal
    buffer_months: float
    contingency_on_funding: float
    discount_rate: float
    min_dscr: Decimal
    vehicle: bool  # one taxable person on the whole profit
    llp: bool
    rates: np.ndarray  # (entities,) tax rate, a fraction
    share: np.ndarray  # (entities,) LLP profit shares (normalised)
    borne: np.ndarray  # (entities,) shares of the consortium-wide costs (normalised)
    work: np.ndarray  # (entities, years) shares of the price
    cost: np.ndarray  # (entities, years) shares of the delivery cost
    mix: np.ndarray  # (entities, 3) each member's year-one staff, fixed and variable cost at base volume
    fees: np.ndarray  # (entities, years) shares of the fee paid
    received: np.ndarray  # (entities, years) shares of the fee received
    has_debt: bool


def _norm(w: Sequence[Decimal]) -> np.ndarray:
    x = np.array([max(0.0, float(v)) for v in w])
    return x / x.sum() if x.sum() > 0 else np.full(len(x), 1.0 / max(1, len(x)))


def basis(ws: Workspace, option_id: int, capital: Capital, schedule: PriceSchedule) -> Basis:
    """The vector model's basis: the option as stored, with its exact price schedule and projection."""
    from .projection.engine import LEAD_BEARS, VEHICLES

    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"{option.name}: the option has no tender, so there is nothing to simulate")
    proj = capital.projection
    years = [y for y in schedule.years if not y.is_extension]
    b = schedule.buildup
    lines = {s.key: s for s in b.service_lines}
    # Floats from here on, deliberately: this is the vector model's basis (numpy draws); every figure it
    # reports goes back to Decimal, quantized to the penny, and the tests hold it to the exact Decimal pipeline.
    staff = fixed = total = 0.0
    for ly in years[0].lines:
        sl = lines.get(ly.key)
        if sl is None or sl.annual_cost == 0:
            continue
        before = sl.cost_per_unit - sl.contingency_per_unit
        frac = (sl.member_fixed_per_unit + sl.shared_per_unit) / before if before > 0 else ZERO
        c = float(sl.annual_cost)
        staff += c * float(sl.staff_share)
        fixed += c * float(frac)
        total += c
    items = tuple(_Item(float(quantize(i.amount)), i.month, i.useful_life_months, i.kind is CapitalKind.MOBILISATION)
                  for i in sorted(ws.children(CapitalItem, option_id), key=lambda i: i.id or 0) if i.amount)
    sources = []
    for s in sorted(ws.children(FundingSource, option_id), key=lambda s: (s.drawdown_month, s.id or 0)):
        amount = quantize(s.amount)
        is_loan = s.kind is FundingKind.LOAN
        grant = quantize(amount * s.grant_pct / 100) if is_loan else ZERO
        lent = amount - grant
        fee = quantize(lent * s.arrangement_fee_pct / 100) if s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT) \
            else ZERO
        sources.append(_Source(s.kind, float(lent), float(grant), s.drawdown_month, float(s.interest_rate_pct),
                               s.term_months, s.capital_holiday_months, s.repayment is LoanRepayment.FLAT,
                               float(fee), float(s.commitment_fee_pct)))
    members = ws.members(option_id)
    mids = [m.id for m in members]
    orgs = {m.id: ws.get(Organisation, m.organisation_id) for m in members}
    structure = option.structure
    lead = next((m for m in members if option.lead_organisation_id is not None
                 and m.organisation_id == option.lead_organisation_id), None)
    share = _norm([m.profit_share_pct for m in members])
    if members and sum((m.profit_share_pct for m in members), ZERO) == 0:
        share = _norm([m.participation_pct for m in members])
    line_share: dict[str, dict[int | None, float]] = {}
    for sl in b.service_lines:
        costs = {ml.member_id: (float(ml.annual_cost) if ml.annual_cost > 0 else 0.0) for ml in sl.members}
        tot = sum(costs.values())
        if tot == 0:
            costs = {ml.member_id: float(ml.volume) for ml in sl.members}
            tot = sum(costs.values())
        line_share[sl.key] = {k: v / tot for k, v in costs.items()} if tot > 0 else {}

    row_of = {mid: k for k, mid in reversed(list(enumerate(mids)))}  # a member's row (the first, as list.index)

    def weights(what: str) -> np.ndarray:
        out = np.zeros((len(mids), len(years)))
        for yi, y in enumerate(years):
            for ly in y.lines:
                amount = float(getattr(ly, what))
                for mid, sh in line_share.get(ly.key, {}).items():
                    k = row_of.get(mid)
                    if k is not None:
                        out[k, yi] += sh * amount
            col = np.maximum(out[:, yi], 0.0)
            out[:, yi] = col / col.sum() if col.sum() > 0 else 1.0 / max(1, len(mids))
        return out

    # each member's cost split as its lines' costs are (staff, members' fixed and shared, the rest), for its
    # share of the delivery cost as drivers move pay, CPI and volume
    mix = np.zeros((len(mids), 3))
    for sl in b.service_lines:
        before = sl.cost_per_unit - sl.contingency_per_unit
        f_share = float((sl.member_fixed_per_unit + sl.shared_per_unit) / before) if before > 0 else 0.0
        s_share = float(sl.staff_share)
        for mid, sh in line_share.get(sl.key, {}).items():
            k = row_of.get(mid)
            if k is not None:
                c = sh * float(sl.annual_cost)
                mix[k] += (c * s_share, c * f_share, c * (1 - s_share - f_share))
    vehicle = structure in VEHICLES or not members
    charitable = [o is not None and (o.registered_charity or o.legal_form is LegalForm.CIO) for o in orgs.values()]
    rate = float(option.tax_rate_pct) / 100
    rates = np.array([rate]) if vehicle else np.array([0.0 if c else rate for c in charitable])
    fees = weights("annual_fee") if members else np.zeros((0, len(years)))
    received = (np.array([[1.0 if m is lead else 0.0] * len(years) for m in members]) if lead is not None else fees)
    borne = (np.array([1.0 if m is lead else 0.0 for m in members]) if (lead is not None and structure in LEAD_BEARS)
             else share)
    premium = quantize(proj.bond_amount * proj.bond_premium_pct / 100)
    return Basis(
        option_id=option_id, mob=tender.mobilisation_months, n_years=len(years),
        lag_np=proj.non_pay_lag_months, lag_tax=proj.tax_lag_months, payment_terms_days=tender.payment_terms_days,
        ramp=option.ramp_up_months, pay=float(tender.pay_indexation_pct) / 100,
        cpi=float(tender.cpi_indexation_pct) / 100,
        price=np.array([float(y.annual_price) for y in years]), staff=staff, fixed=fixed,
        variable=total - staff - fixed,
        fee_rate=np.array([float(y.annual_fee / y.annual_price) if y.annual_price else 0.0 for y in years]),
        bond_premium=float(premium), insurance=float(option.insurance_per_year),
        items=items, one_off=tuple((m, float(a)) for m, a, _ in _charges.one_off_costs(ws, option_id)),
        sources=tuple(sources), total_sources=capital.funding.total_sources,
        buffer_months=float(option.buffer_months_payroll), contingency_on_funding=float(option.contingency_on_funding_pct) / 100,
        discount_rate=float(option.discount_rate_pct) / 100, min_dscr=option.min_dscr,
        vehicle=vehicle, llp=structure is Structure.LLP and bool(members), rates=rates, share=share, borne=borne,
        work=weights("annual_price") if members else np.zeros((0, len(years))),
        cost=weights("annual_cost") if members else np.zeros((0, len(years))),
        fees=fees, received=received, mix=mix,
        has_debt=any(s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT) and (s.amount > 0) for s in sources),
    )


# --------------------------------------------------------------------------- the vector model


@dataclass(frozen=True, slots=True)
class VectorFigures:
    """The vector model's figures, one element per draw (floats: the simulation's inside)."""

    npv: np.ndarray
    requirement: np.ndarray
    min_dscr: np.ndarray  # NaN where no tested period has debt service
    lowest_cash: np.ndarray  # lowest cumulative cash before funding


def _q(x: np.ndarray) -> np.ndarray:
    return np.round(x, 2)


def _tax(profit: np.ndarray, losses: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """Tax on ``profit`` with ``losses`` carried forward (``losses`` updated in place); each taxable person a row
    of ``profit``, ``losses`` and ``rate`` when there are several."""
    loss_now = profit <= 0
    used = np.minimum(losses, np.maximum(profit, 0.0))
    taxable = np.where(loss_now, 0.0, profit - used)
    losses += np.where(loss_now, -profit, -used)
    return _q(taxable * rate)


def project(b: Basis, d: Mapping[str, np.ndarray]) -> VectorFigures:
    """Project every draw of ``d`` (arrays of driver values, one element a draw; see the module's docstring)."""
    n_draws = len(d["volume_pct"])
    rows = np.arange(n_draws)
    vol = 1 + d["volume_pct"] / 100
    over = 1 + d["cost_overrun_pct"] / 100
    ramp = np.maximum(0, b.ramp + d["ramp_up_months"]).astype(int)
    gp = 1 + b.pay + d["pay_uplift_pp"] / 100
    gc = 1 + b.cpi + d["cpi_pp"] / 100
    days = np.maximum(0, b.payment_terms_days + d["payment_delay_days"])
    lag_r = 1 + np.ceil(days / DAYS_PER_MONTH).astype(int)
    m = np.maximum(0, d["mobilisation_overrun_months"]).astype(int)
    term = d["termination_after_year"].astype(int)
    n_years = np.where((term >= 1) & (term < b.n_years), term, b.n_years)  # extensions are not projected
    mob = b.mob + m
    last_service = mob + 12 * n_years - 1

    # items and drawdowns due from service start move with an overrun
    def moved(month: int) -> np.ndarray:
        return month + np.where(month >= b.mob, m, 0)

    item_months = [moved(i.month) for i in b.items]
    src_months = [moved(s.month) for s in b.sources]
    last = np.maximum.reduce([last_service + lag_r, last_service + b.lag_np, last_service + b.lag_tax,
                              *item_months, *src_months])
    T = int(last.max()) + 1
    t = np.arange(T)[None, :]
    live = t <= last[:, None]

    # ------------------------------------------------------------------ accruals by month (D, T)
    # each draw's pay and CPI growth to each contract year, raised once (the months pick theirs out)
    gp_y, gc_y = gp[:, None] ** np.arange(b.n_years), gc[:, None] ** np.arange(b.n_years)

    def accruals(tt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        k = tt - mob[:, None]
        serving = (k >= 0) & (k < 12 * n_years[:, None])
        yi = np.clip(k // 12, 0, b.n_years - 1)
        f = np.where(k < ramp[:, None], (k + 1) / (ramp[:, None] + 1), 1.0)
        f = np.where(serving, f, 0.0)
        on = serving.astype(float)
        income = b.price[yi] / 12 * vol[:, None] * f
        payroll = b.staff * np.take_along_axis(gp_y, yi, axis=1) / 12 * vol[:, None] * over[:, None] * f
        gcy = np.take_along_axis(gc_y, yi, axis=1)
        fixed = b.fixed * gcy / 12 * over[:, None] * on
        variable = b.variable * gcy / 12 * vol[:, None] * over[:, None] * f
        return income, payroll, fixed + variable, yi

    income, payroll, non_pay, yi = accruals(np.broadcast_to(t, (n_draws, T)))
    checkpoint()  # between blocks of array work: a chunk's projection is tens of milliseconds
    income_lagged = accruals(t - lag_r[:, None])[0]
    checkpoint()
    receipts = np.where(t - lag_r[:, None] >= 0, income_lagged, 0.0)
    non_pay_paid = np.zeros_like(non_pay)
    if b.lag_np < T:
        non_pay_paid[:, b.lag_np:] = non_pay[:, :T - b.lag_np]
    k = t - mob[:, None]
    serving = (k >= 0) & (k < 12 * n_years[:, None])
    bond = np.where(serving, b.bond_premium / 12, 0.0)
    bond_paid = np.where(serving & (k % 12 == 0), b.bond_premium, 0.0)
    insurance = np.where(serving, _q(b.insurance * np.take_along_axis(gc_y, yi, axis=1)) / 12, 0.0)

    mobilisation = np.zeros((n_draws, T))
    capex = np.zeros((n_draws, T))
    depreciation = np.zeros((n_draws, T))
    mob_total = np.zeros(n_draws)
    for item, month in zip(b.items, item_months, strict=True):
        amount = _q(item.amount * over)
        if item.mobilisation:
            mobilisation[rows, month] += amount
            mob_total += amount
            continue
        capex[rows, month] += amount
        use = np.maximum(month, mob)
        if item.life <= 0:
            depreciation[rows, use] += amount
            continue
        after = use > last_service
        inside = (t >= use[:, None]) & (t < use[:, None] + item.life) & (t <= last_service[:, None]) \
            & ~after[:, None]
        depreciation += np.where(inside, amount[:, None] / item.life, 0.0)
        counted = inside.sum(axis=1)
        rest = np.where(after, amount, amount - amount / item.life * counted)
        at = np.where(after, use, last_service)
        depreciation[rows, at] += np.where(after | (counted < item.life), rest, 0.0)
    if b.mob > 0:
        extra = _q(mob_total * m / b.mob)
        for j in range(int(m.max(initial=0))):
            has = j < m
            mobilisation[rows[has], b.mob + j] += extra[has] / m[has]
    for at_month, one_off in b.one_off:
        mobilisation[:, at_month] += one_off

    # ------------------------------------------------------------------ periods
    period = np.where(t < mob[:, None], 0, np.where(t <= last_service[:, None], (t - mob[:, None]) // 12 + 1,
                                                    n_years[:, None] + 1))
    period = np.where(live, period, -1)
    n_periods = b.n_years + 2
    # each (draw, month)'s bin for the sums by period: bin 0 of a draw takes the months after its projection
    bins = (rows[:, None] * (n_periods + 1) + period + 1).ravel()
    n_bins = n_draws * (n_periods + 1)

    def psum(x: np.ndarray) -> np.ndarray:
        """(D, T) → (D, periods): each draw's months summed by period."""
        return np.bincount(bins, weights=x.ravel(), minlength=n_bins).reshape(n_draws, n_periods + 1)[:, 1:]

    # a draw's periods are runs of months one after another, so a period ends at the months counted up to it
    months_in = np.bincount(bins, minlength=n_bins).reshape(n_draws, n_periods + 1)[:, 1:]
    ends = np.where(months_in > 0, np.cumsum(months_in, axis=1) - 1, -1)

    p_income = psum(income)
    p_delivery = psum(payroll + non_pay)
    p_items = psum(bond + insurance + mobilisation + depreciation)
    ebitda_m = income - payroll - non_pay - bond - insurance - mobilisation
    p_ebit = psum(ebitda_m - depreciation)
    cy = np.clip(np.arange(n_periods)[None, :], 1, n_years[:, None]) - 1  # the contract year of each period
    p_fee = _q(p_income * b.fee_rate[cy])

    # each member's share of the delivery cost in each period's contract year, as the drivers move its mix
    if b.vehicle or b.llp or not len(b.mix):
        cost_weights = np.zeros((0, n_draws, n_periods))
    else:
        g_pay, g_cpi = gp[:, None] ** cy, gc[:, None] ** cy
        raw = np.stack([(b.mix[e, 0] * g_pay + b.mix[e, 2] * g_cpi) * vol[:, None] + b.mix[e, 1] * g_cpi
                        for e in range(len(b.mix))])
        raw = np.maximum(raw, 0.0)
        total = raw.sum(axis=0)
        cost_weights = np.where(total > 0, raw / np.where(total > 0, total, 1.0), 1.0 / len(b.mix))

    def entity_profits(p: int, pbt: np.ndarray, items_cost: np.ndarray) -> list[np.ndarray]:
        if b.vehicle:
            return [pbt]
        if b.llp:
            return [pbt * s for s in b.share]
        c = cy[:, p]
        cw = cost_weights[:, :, p]
        out = []
        for e in range(len(b.rates)):
            trading = (b.work[e, c] * p_income[:, p] - cw[e] * p_delivery[:, p]
                       - b.fees[e, c] * p_fee[:, p] + b.received[e, c] * p_fee[:, p])
            out.append(trading - b.borne[e] * items_cost)
        return out

    op_tax = np.zeros((n_draws, T))
    rates = np.array([[float(r)] for r in b.rates])  # a taxable person a row, as ``pools`` and the profits
    pools = np.zeros((len(b.rates), n_draws))
    for p in range(n_periods):
        checkpoint()
        exists = ends[:, p] >= 0
        profits = np.array(entity_profits(p, p_ebit[:, p], p_items[:, p]))
        tax = _tax(np.where(exists, profits, 0.0), pools, rates).sum(axis=0)
        op_tax[rows[exists], np.minimum(ends[exists, p] + b.lag_tax, last[exists])] += tax[exists]

    op_cash = receipts - payroll - non_pay_paid - bond_paid - insurance - mobilisation
    cash_before = np.where(live, op_cash - capex - op_tax, 0.0)
    cumulative = np.cumsum(cash_before, axis=1)
    cumulative = np.where(live, cumulative, np.inf)
    low_month = np.argmin(cumulative, axis=1)
    lowest = cumulative[rows, low_month]
    peak = np.maximum(0.0, -lowest)
    buffer = _q(_q(b.staff * vol * over / 12) * b.buffer_months)
    requirement = peak + buffer + _q((peak + buffer) * b.contingency_on_funding)
    v = (1 + b.discount_rate) ** (-np.arange(T) / 12)
    npv = cash_before @ v

    min_dscr = np.full(n_draws, np.nan)
    if b.has_debt:
        peak_month = np.where(peak > 0, low_month, -1)
        min_dscr = _cover(b, d, rows, t, T, last, live, period, ends, n_periods, src_months, p_ebit, p_items,
                          entity_profits, ebitda_m, op_cash, capex, receipts, payroll, non_pay_paid, bond_paid,
                          insurance, mobilisation, op_tax, peak_month, psum)
    return VectorFigures(npv, requirement, min_dscr, lowest)


def _cover(b: Basis, d: Mapping[str, np.ndarray], rows: np.ndarray, t: np.ndarray, T: int, last: np.ndarray,
           live: np.ndarray, period: np.ndarray, ends: np.ndarray, n_periods: int, src_months: list[np.ndarray],
           p_ebit: np.ndarray, p_items: np.ndarray, entity_profits: Callable[..., list[np.ndarray]],
           ebitda_m: np.ndarray, op_cash: np.ndarray, capex: np.ndarray, receipts: np.ndarray, payroll: np.ndarray,
           non_pay_paid: np.ndarray, bond_paid: np.ndarray, insurance: np.ndarray, mobilisation: np.ndarray,
           op_tax: np.ndarray, peak_month: np.ndarray, psum: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The funded pass: loans, overdrafts, tax after financing and the lowest tested debt service cover."""
    n_draws = len(rows)
    dr = d["interest_rate_pp"]
    money_in = np.zeros((n_draws, T))
    grants = np.zeros((n_draws, T))
    fees = np.zeros((n_draws, T))
    interest = np.zeros((n_draws, T))
    principal = np.zeros((n_draws, T))
    overdrafts = []
    for s, drawdown in zip(b.sources, src_months, strict=True):
        fees[rows, drawdown] += s.fee
        if s.kind is FundingKind.MEMBER_EQUITY:
            money_in[rows, drawdown] += s.amount
        elif s.kind is FundingKind.GRANT:
            grants[rows, drawdown] += s.amount
        elif s.kind is FundingKind.LOAN:
            grants[rows, drawdown] += s.grant
            money_in[rows, drawdown] += s.amount
            if s.commitment_pct:
                fees += np.where(t < drawdown[:, None], round(s.amount * s.commitment_pct / 100 / 12, 2), 0.0)
            i, p = _loan(s, np.maximum(0.0, s.rate_pct + dr) / 100 / 12, drawdown, last, T)
            interest += i
            principal += p
        elif s.kind is FundingKind.OVERDRAFT and s.amount > 0:
            overdrafts.append((s, drawdown, np.maximum(0.0, s.rate_pct + dr) / 100 / 12))
    money_in += grants
    p_grants = psum(grants)
    p_interest = np.zeros((n_draws, n_periods))
    p_fees = psum(fees)
    # month by month below, so each month's values are read from month-major copies (a month a contiguous row)
    tax_paid_m = np.zeros((T, n_draws))
    od_interest_m = np.zeros((T, n_draws))
    rates = np.array([[float(r)] for r in b.rates])  # a taxable person a row, as ``pools`` and the profits
    pools = np.zeros((len(b.rates), n_draws))
    drawn = [np.zeros(n_draws) for _ in overdrafts]
    balance = np.zeros(n_draws)
    base_out_m = np.ascontiguousarray((payroll + non_pay_paid + bond_paid + insurance + mobilisation + capex).T)
    live_m, period_m, interest_m = np.ascontiguousarray(live.T), np.ascontiguousarray(period.T), \
        np.ascontiguousarray(interest.T)
    in_m = np.ascontiguousarray((receipts + money_in).T)
    fees_m, principal_m = np.ascontiguousarray(fees.T), np.ascontiguousarray(principal.T)
    for month in range(T):
        if not month % 12:
            checkpoint()
        on = live_m[month]
        p = period_m[month]
        od_i = np.zeros(n_draws)
        od_f = np.zeros(n_draws)
        for k, (s, dm, r) in enumerate(overdrafts):
            od_i += _q(drawn[k] * r)
            if s.commitment_pct:
                od_f += np.where(month >= dm, _q(np.maximum(0.0, s.amount - drawn[k]) * s.commitment_pct / 1200), 0.0)
        od_i = np.where(on, od_i, 0.0)
        od_f = np.where(on, od_f, 0.0)
        pc = np.clip(p, 0, n_periods - 1)
        p_interest[rows, pc] += interest_m[month] + od_i
        p_fees[rows, pc] += od_f
        od_interest_m[month] = od_i
        at_end = on & (ends[rows, pc] == month)
        if at_end.any():
            for q in np.unique(pc[at_end]):
                sel = at_end & (pc == q)
                pbt = p_ebit[:, q] + p_grants[:, q] - p_interest[:, q] - p_fees[:, q]
                items_cost = p_items[:, q] + p_interest[:, q] + p_fees[:, q] - p_grants[:, q]
                profits = np.array(entity_profits(int(q), pbt, items_cost))
                masked_pools = np.where(sel, pools, 0.0)
                got = _tax(np.where(sel, profits, 0.0), masked_pools, rates)
                pools[:, sel] = masked_pools[:, sel]
                tax = np.where(sel, got, 0.0).sum(axis=0)
                tax_paid_m[np.minimum(month + b.lag_tax, last[sel]), rows[sel]] += tax[sel]
        rec = in_m[month]
        pay_out = (base_out_m[month] + tax_paid_m[month] + interest_m[month] + od_i + fees_m[month] + od_f
                   + principal_m[month])
        provisional = np.where(on, balance + rec - pay_out, balance)
        change = np.zeros(n_draws)
        for k, (s, dm, _r) in enumerate(overdrafts):
            need = np.where(on & (provisional + change < 0) & (month >= dm), -(provisional + change), 0.0)
            x = np.minimum(need, s.amount - drawn[k])
            x = np.maximum(x, 0.0)
            drawn[k] += x
            change += x
        repay_total = np.zeros(n_draws)
        for k, _ in enumerate(overdrafts):
            avail = np.where(on & (provisional > 0), provisional - repay_total, 0.0)
            x = np.where((drawn[k] > 0) & (avail > 0), np.minimum(avail, drawn[k]), 0.0)
            drawn[k] -= x
            repay_total += x
        balance = provisional + change - repay_total

    tax_paid, od_interest = tax_paid_m.T, od_interest_m.T
    checkpoint()

    funded_m = np.where(t <= peak_month[:, None], capex + ebitda_m - op_cash, 0.0)
    cfads = psum(op_cash - tax_paid - capex + funded_m)
    service = psum(interest + od_interest + principal)
    ratio = np.where(service > 0, np.round(cfads / np.where(service > 0, service, 1.0), 2), np.nan)
    exists = ends >= 0
    ratio = np.where(exists, ratio, np.nan)
    tested = ratio[:, 1:]
    with np.errstate(all="ignore"):
        low = np.where(np.isnan(tested).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(tested), np.inf, tested),
                                                                        axis=1))
    return low


def _loan(s: _Source, r: np.ndarray, month: np.ndarray, last: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray]:
    """Interest and principal by month of one loan for every draw (``finance.loan_schedule``)."""
    n_draws = len(r)
    interest = np.zeros((T, n_draws))  # month by month below: a month a contiguous row, transposed at the end
    principal = np.zeros((T, n_draws))
    amount = s.amount
    if amount <= 0:
        return interest.T, principal.T
    end = month + s.term if s.term > 0 else None
    final = end if end is not None else last
    cut = final > last
    final = np.minimum(final, last)
    repay_n = s.term - s.holiday
    balance = np.full(n_draws, amount)
    flat_interest = _q(balance * r)
    annuity = np.full(n_draws, np.nan)
    for t in range(1, T):
        j = t - month
        active = (j >= 1) & (t <= final) & ((balance > 0) | (s.flat and end is not None))
        if not active.any():
            continue
        i = flat_interest if s.flat else _q(balance * r)
        p = np.zeros(n_draws)
        if end is not None and repay_n > 0:
            repaying = j > s.holiday
            if s.flat:
                p = np.where(repaying, np.minimum(balance, amount / repay_n), 0.0)
            else:
                fresh = repaying & np.isnan(annuity)
                if fresh.any():
                    rr = r[fresh]
                    with np.errstate(divide="ignore", invalid="ignore"):
                        a = np.where(rr == 0, balance[fresh] / repay_n,
                                     balance[fresh] * rr / (1 - (1 + rr) ** -repay_n))
                    annuity[fresh] = _q(a)
                p = np.where(repaying, np.minimum(balance, np.maximum(0.0, np.nan_to_num(annuity) - i)), 0.0)
        if end is not None:
            p = np.where(t == end, balance, p)
            p = np.where((t != end) & (t == final) & cut, balance, p)
        else:
            p = np.where(t == final, balance, p)
        interest[t] = np.where(active, i, 0.0)
        principal[t] = np.where(active, p, 0.0)
        balance = balance - principal[t]
    return interest.T, principal.T


# --------------------------------------------------------------------------- the simulation


@dataclass(frozen=True, slots=True)
class Percentiles:
    p10: Decimal
    p50: Decimal
    p90: Decimal


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts of draws between consecutive edges (``len(edges) == len(counts) + 1``), money to the penny."""

    edges: tuple[Decimal, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    option_id: int
    draws: int
    seed: int
    ranges: tuple[DriverRange, ...]
    total_sources: Decimal
    dscr_covenant: Decimal
    has_debt_service: bool
    p_requirement_above_sources: Decimal  # fractions in [0, 1], four places
    p_dscr_below_covenant: Decimal | None  # None: no debt service in any draw
    p_npv_negative: Decimal
    npv: Percentiles
    requirement: Percentiles
    npv_mean: Decimal
    requirement_mean: Decimal
    npv_histogram: Histogram
    requirement_histogram: Histogram
    base_npv: Decimal  # the exact pipeline's figures for the option as stored
    base_requirement: Decimal
    method: str


def _money(x: float) -> Decimal:
    return quantize(Decimal(repr(float(x))))


def _prob(hits: int, n: int) -> Decimal:
    return (Decimal(hits) / Decimal(n)).quantize(Decimal("0.0001"))


def _histogram(x: np.ndarray, bins: int = HISTOGRAM_BINS) -> Histogram:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 0.01:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return Histogram(tuple(_money(e) for e in edges), tuple(int(c) for c in counts))


def _percentiles(x: np.ndarray) -> Percentiles:
    p10, p50, p90 = np.percentile(x, [10, 50, 90])
    return Percentiles(_money(p10), _money(p50), _money(p90))


def simulate(b: Basis, ranges: Sequence[DriverRange] = DEFAULT_RANGES, *, draws: int = DEFAULT_DRAWS,
             seed: int = DEFAULT_SEED, base_npv: Decimal = ZERO, base_requirement: Decimal = ZERO,
             chunk: int = CHUNK, progress: Callable[[float, str], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> SimulationResult:
    """``draws`` draws of the drivers from ``seed``, each projected by the vector model, summarised.

    ``progress(fraction, message)`` is called between chunks; when ``cancelled()`` turns true the
    simulation stops there and raises ``tasks.Cancelled``.
    """
    from .tasks import Cancelled

    if not MIN_DRAWS <= draws <= MAX_DRAWS:
        raise ValueError(f"the number of draws must be between {MIN_DRAWS:,} and {MAX_DRAWS:,} (got {draws:,})")
    values = sample(ranges, draws, seed)
    npv, req, dscr = np.empty(draws), np.empty(draws), np.empty(draws)
    for start in range(0, draws, max(1, chunk)):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(start / draws, f"Draws {start + 1:,}–{min(draws, start + chunk):,} of {draws:,}")
        stop = min(draws, start + chunk)
        figs = project(b, {k: v[start:stop] for k, v in values.items()})
        npv[start:stop], req[start:stop], dscr[start:stop] = figs.npv, figs.requirement, figs.min_dscr
    if progress is not None:
        progress(1.0, "")
    covenant = float(b.min_dscr)
    sources = float(b.total_sources)
    tested = ~np.isnan(dscr)
    return SimulationResult(
        option_id=b.option_id, draws=draws, seed=seed, ranges=tuple(ranges), total_sources=b.total_sources,
        dscr_covenant=b.min_dscr, has_debt_service=bool(tested.any()),
        p_requirement_above_sources=_prob(int((req > sources + 0.005).sum()), draws),
        p_dscr_below_covenant=_prob(int((dscr[tested] < covenant - 1e-9).sum()), draws) if tested.any() else None,
        p_npv_negative=_prob(int((npv < 0).sum()), draws),
        npv=_percentiles(npv), requirement=_percentiles(req),
        npv_mean=_money(float(npv.mean())), requirement_mean=_money(float(req.mean())),
        npv_histogram=_histogram(npv), requirement_histogram=_histogram(req),
        base_npv=base_npv, base_requirement=base_requirement,
        method=(f"{draws:,} draws (seed {seed}) from triangular ranges of the drivers, each projected month by "
                "month by the vector model of the option's projection (domain/simulation.py)."),
    )


def ranges_text(ranges: Sequence[DriverRange]) -> str:
    """``"Volume −20% / 0% / +5%; …"`` for the ranges that move (low / most likely / high)."""
    parts = []
    for r in ranges:
        if r.low == r.high:
            continue
        unit = "%" if r.unit == "%" else f" {r.unit}"
        parts.append(f"{r.label or r.driver} {_fmt(r.low)}{unit} / {_fmt(r.mode)}{unit} / {_fmt(r.high)}{unit}")
    return "; ".join(parts) if parts else "no driver moves"


def _fmt(x: Decimal) -> str:
    text = format(x.normalize(), "f")
    return ("+" + text) if x > 0 else text.replace("-", "\u2212")

