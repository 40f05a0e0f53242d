"""Monthly projection, funding requirement and returns of a consortium option (DOMAIN.md §6).

Everything is ``Decimal``; every money figure is rounded half-even to the penny, and each month
``opening + receipts − payments = closing`` holds exactly.

**Timeline.** Month 0 is the first month of mobilisation (service start − the tender's
mobilisation months); months are counted from it and start on the same day of the month. Service
months follow, 12 per contract year (the term; the extensions too with ``include_extensions``).
After the last service month the projection runs on ("run-off") until the last invoice is paid,
the last supplier is paid and the last year's tax is paid.

**Income and costs** come from the price schedule (``pricing.bid_prices``), year by year, so every
figure carries that year's indexation:

- income = the contract year's annual price ÷ 12 a month (split to the penny so the 12 months add
  to the annual price), times the volume ramp-up: in service month k (0-based) volumes run at
  (k + 1) ÷ (R + 1) of the plan while k < R (``ramp_up_months``), then 100%. With R = 3:
  25%, 50%, 75%, then 100%. Income lost in the ramp-up is not recovered later.
- delivery cost = the year's annual cost (staff, mileage, non-pay, members' fixed costs, the
  shared back office and contingency), split per service line into **payroll** (its staff share:
  annual cost × the build-up's staff share × the pay uplift to that year), **fixed non-pay**
  (members' fixed costs and the shared back office, their share of the cost × CPI) and
  **variable non-pay** (the rest). Payroll and variable non-pay follow the ramped volume; fixed
  costs are incurred in full from service start.
- the **management fee** is inside the price and is not a cost of the consortium as a whole: it
  moves money from the members to the lead or vehicle. It is shown for information only. The
  consortium's trading surplus is price − delivery cost (= fee + margin).
- **mobilisation** items are one-off revenue costs in the month given; **capital expenditure** is
  paid in its month and depreciated straight-line from when it comes into use (its month, or
  service start if later) over its useful life (0: written off at once); whatever is left at the
  end of the service is written off then.
- **performance bond**: bond % × the tender's estimated annual value, costing a premium
  (default 1.5% of the bond a year [U]) charged monthly over each contract year and paid in full
  at the start of it. **Insurance** a year (indexed by CPI) is charged and paid monthly from
  service start.

**Cash timing.** Invoices go out monthly in arrears and are paid after the tender's payment
terms: the income of service month m is received in month m + 1 + ⌈days ÷ 30⌉ (0 days: the month
after; 30 days: two months after; 60 days: three). Payroll is paid in the month worked. Non-pay
(including fixed costs and the shared back office) is paid ⌈non-pay days ÷ 30⌉ months after the
month it is incurred (30 days: the next month). Tax for a period is paid ``tax_lag_months``
(default 9 [K]) after its last month, or in the last month of the projection if sooner.

**P&L periods.** Period 0 is mobilisation, periods 1…n the contract years, and a last "run-off"
period holds the months after the service (interest and collections only).

**Tax** on profit, with losses carried forward within the taxable person (no carry-back), at:
the option's tax rate for a vehicle (SPV, secondary co-operative) on its whole profit; nothing
for an LLP, which is tax transparent: each member pays on its profit share; otherwise each
member on its own profit. A member pays nothing when it is a registered charity (including
exempt charities such as charitable community benefit societies) or a CIO; others pay the
option's tax rate (default 25%, UK main rate). Accounting profit is the tax base (depreciation
stands in for capital allowances).

**Members.** A member's work is its share of each service line's price, cost and fee in
proportion to its cost of that line in the build-up. In a vehicle (SPV, secondary co-operative)
members deliver at cost and the vehicle's profit after tax is theirs by profit share (the rest is
retained). In an LLP the profit before tax is split by profit shares. Otherwise a member earns its
margin; the management fee goes to the lead (when there is one); the consortium-wide costs (bond,
insurance, mobilisation, depreciation, financing, less grants) are borne by the lead for "go
alone" and "lead provider", and by profit share (else participation) in the other structures.

**Funding.** Cash before funding = receipts − payroll − non-pay − bond − insurance −
mobilisation − capital expenditure − tax on the operating profit (EBIT). Funding requirement =
−(lowest cumulative cash before funding) + buffer (``buffer_months_payroll`` × a month's payroll
at full volume in year one) + contingency % of both. Sources: member equity and grants come in
on their drawdown month (grants are income in the P&L then); loans come in on drawdown, pay an
arrangement fee then (expensed), interest only during the capital holiday and then the annuity
L × r ÷ (1 − (1 + r)^−n) with r the annual rate ÷ 12 and n the months left of the term, the last
payment clearing the balance; a balance still owed at the end of the projection is repaid then.
An overdraft is a facility up to its amount from its drawdown month, drawn automatically when
cash would go below zero and repaid as soon as cash allows, with interest on the balance drawn.
Debt service cover by period: CFADS = EBITDA − tax paid − capital expenditure − the increase in
working capital (so CFADS is the operating cash flow after tax and capital spending), except that
capital spending and working capital built up until the month of the peak funding need are added
back: the funding requirement pays for them (sources and uses), not the cash flow. DSCR =
CFADS ÷ (interest + loan principal), interest on loans and overdrafts; contract years and run-off
with debt service are tested against ``min_dscr`` (mobilisation is shown, not tested).

**Returns** are on the project's cash flows before funding (month by month, after tax on the
operating profit). NPV at the start of mobilisation at the option's discount rate, discounting
each month t by (1 + d)^(−t/12) (monthly discounting at the equivalent of the annual rate). IRR
is the annual rate that makes that NPV zero, found by scanning for a sign change of NPV between
−99% and 10,000% a year and bisecting; none when the flows never change sign or no rate in
the range gives zero (several sign changes may give several rates: the one nearest the discount rate
is reported and the others listed and flagged; the last tax payment after the contract usually
adds a meaningless one near −100%). Payback: the first month in which the cumulative cash is back to zero or above after
being negative (also discounted). Break-even over the whole projection before funding and tax:
volume % = fixed costs ÷ (income − volume-driven costs); price % = all costs ÷ income.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from .costing import Flag
from .findings import Severity
from .model import (
    CapitalItem,
    CapitalKind,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    LegalForm,
    Member,
    Organisation,
    Structure,
    Tender,
    add_months,
)
from .money import HUNDRED, ZERO, allocate, quantize
from .pricing import ContractYear, PriceSchedule, bid_prices
from .rates import RateTable
from .workspace import Workspace

__all__ = [
    "DEFAULT_BOND_PREMIUM_PCT",
    "DEFAULT_TAX_LAG_MONTHS",
    "Capital",
    "DscrYear",
    "FundingLine",
    "FundingResult",
    "IrrResult",
    "LoanPayment",
    "LoanSchedule",
    "MemberProjection",
    "MemberYear",
    "MonthRow",
    "Projection",
    "ProjectionYear",
    "Returns",
    "annuity_payment",
    "capital",
    "funding",
    "internal_rate_of_return",
    "loan_schedule",
    "net_present_value",
    "non_pay_lag_months",
    "payback_month",
    "projection",
    "receipt_lag_months",
    "returns",
]

ONE = Decimal(1)
TWELVE = Decimal(12)
DEFAULT_BOND_PREMIUM_PCT = Decimal("1.5")  # [U] DOMAIN.md §2: ~1.5% of the bond a year
DEFAULT_TAX_LAG_MONTHS = 9  # [K] UK corporation tax for a small company: 9 months and a day after the year end
DAYS_PER_MONTH = 30
VEHICLES = frozenset({Structure.SPV, Structure.SECONDARY_COOP})
LEAD_BEARS = frozenset({Structure.GO_ALONE, Structure.LEAD_PROVIDER})
RATIO_PLACES = Decimal("0.01")
PCT_PLACES = Decimal("0.01")
IRR_PLACES = Decimal("0.0001")


# =========================================================================== results


@dataclass(frozen=True, slots=True)
class MonthRow:
    """One month. Accruals (income … depreciation) feed the P&L; the rest is cash."""

    month: int  # 0 = first month of mobilisation
    starts: dt.date
    period: int  # P&L period: 0 mobilisation, 1… contract years, last: run-off
    phase: str  # "mobilisation", "service" or "run-off"
    volume_pct: Decimal  # share of planned volume delivered (ramp-up), percentage points
    # accruals
    income: Decimal
    payroll: Decimal
    non_pay: Decimal  # fixed and variable
    bond: Decimal
    insurance: Decimal
    mobilisation: Decimal
    depreciation: Decimal
    # cash before funding
    receipts: Decimal  # from the buyer
    payroll_paid: Decimal
    non_pay_paid: Decimal
    bond_paid: Decimal
    insurance_paid: Decimal
    mobilisation_paid: Decimal
    capex_paid: Decimal
    operating_tax_paid: Decimal  # tax on the operating profit (the unfunded basis)
    cash_before_funding: Decimal
    cumulative_before_funding: Decimal
    # funding
    equity_in: Decimal
    grants_in: Decimal
    loans_in: Decimal
    overdraft_drawn: Decimal
    interest_paid: Decimal  # loans and overdraft
    arrangement_fees_paid: Decimal
    loan_repaid: Decimal
    overdraft_repaid: Decimal
    tax_paid: Decimal  # tax actually paid (after financing)
    # the bank account
    opening_balance: Decimal
    total_receipts: Decimal
    total_payments: Decimal
    closing_balance: Decimal  # = opening + total receipts − total payments
    overdraft_balance: Decimal
    loan_balance: Decimal


@dataclass(frozen=True, slots=True)
class ProjectionYear:
    """Profit and loss of one period (mobilisation, a contract year, run-off)."""

    period: int
    label: str
    starts: dt.date
    ends: dt.date  # last day of its last month
    months: int
    is_extension: bool
    income: Decimal
    payroll: Decimal
    non_pay: Decimal
    delivery_cost: Decimal  # payroll + non-pay
    management_fee: Decimal  # inside income, for information: not a cost of the consortium
    bond: Decimal
    insurance: Decimal
    mobilisation: Decimal
    ebitda: Decimal
    depreciation: Decimal
    ebit: Decimal
    grant_income: Decimal
    interest: Decimal
    arrangement_fees: Decimal
    profit_before_tax: Decimal
    tax: Decimal  # charged for the period (paid later)
    profit_after_tax: Decimal
    retained_by_vehicle: Decimal  # vehicle structures: profit after tax not shared out
    capex: Decimal
    cash_before_funding: Decimal
    closing_balance: Decimal


@dataclass(frozen=True, slots=True)
class MemberYear:
    period: int
    work_value: Decimal  # the member's share of the price
    delivery_cost: Decimal  # its share of the delivery cost
    profit_before_tax: Decimal  # vehicles: its share of the vehicle's profit after tax
    tax: Decimal
    profit_after_tax: Decimal


@dataclass(frozen=True, slots=True)
class MemberProjection:
    member_id: int
    organisation_id: int | None
    organisation_name: str
    role: str
    profit_share_pct: Decimal
    tax_rate_pct: Decimal  # what it pays on its own profit (0: charitable)
    years: tuple[MemberYear, ...]
    work_value: Decimal  # totals over the projection
    profit_before_tax: Decimal
    tax: Decimal
    profit_after_tax: Decimal


@dataclass(frozen=True, slots=True)
class Projection:
    option_id: int
    tender_id: int | None
    structure: Structure
    include_extensions: bool
    mobilisation_start: dt.date
    service_start: dt.date
    service_end: dt.date  # last day of service
    projection_end: dt.date  # last day of the last month projected
    mobilisation_months: int
    ramp_up_months: int
    receipt_lag_months: int
    non_pay_lag_months: int
    tax_lag_months: int
    bond_amount: Decimal
    bond_premium_pct: Decimal
    tax_basis: str
    months: tuple[MonthRow, ...]
    years: tuple[ProjectionYear, ...]
    members: tuple[MemberProjection, ...]
    total_income: Decimal
    total_ebitda: Decimal
    total_profit_before_tax: Decimal
    total_tax: Decimal
    total_profit_after_tax: Decimal
    closing_balance: Decimal
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class LoanPayment:
    month: int
    opening: Decimal
    interest: Decimal
    principal: Decimal
    payment: Decimal  # interest + principal
    closing: Decimal


@dataclass(frozen=True, slots=True)
class LoanSchedule:
    source_id: int | None
    name: str
    amount: Decimal
    drawdown_month: int
    interest_rate_pct: Decimal
    term_months: int
    capital_holiday_months: int
    arrangement_fee: Decimal
    annuity: Decimal | None  # the level monthly payment after the holiday; None if repaid in one go
    payments: tuple[LoanPayment, ...]
    balloon: Decimal  # repaid at the end of the projection because the term runs beyond it
    total_interest: Decimal


@dataclass(frozen=True, slots=True)
class FundingLine:
    source_id: int | None
    name: str
    kind: FundingKind
    amount: Decimal  # for an overdraft: the facility
    member_id: int | None
    member_name: str
    drawdown_month: int
    drawdown_date: dt.date
    arrangement_fee: Decimal
    interest: Decimal  # paid over the projection
    repaid: Decimal  # loans and overdrafts
    outstanding_at_end: Decimal
    peak_drawn: Decimal  # overdrafts: the most drawn at any month end (others: the amount)


@dataclass(frozen=True, slots=True)
class DscrYear:
    period: int
    label: str
    ebitda: Decimal
    tax_paid: Decimal
    capex: Decimal
    working_capital_increase: Decimal  # EBITDA − operating cash before tax
    funded_by_requirement: Decimal  # capex and working capital up to the peak funding need (added back)
    cfads: Decimal  # EBITDA − tax paid − capex − working capital increase + what the funding paid for
    interest: Decimal
    principal: Decimal
    debt_service: Decimal
    dscr: Decimal | None  # 2 places; None without debt service
    tested: bool  # contract years and run-off; not mobilisation
    below_minimum: bool


@dataclass(frozen=True, slots=True)
class FundingResult:
    option_id: int
    peak_deficit: Decimal  # −(lowest cumulative cash before funding), never below 0
    peak_deficit_month: int | None
    peak_deficit_date: dt.date | None
    monthly_payroll: Decimal  # year one at full volume
    buffer_months: Decimal
    buffer: Decimal
    contingency_pct: Decimal
    contingency: Decimal
    requirement: Decimal  # peak deficit + buffer + contingency
    sources: tuple[FundingLine, ...]
    equity: Decimal
    grants: Decimal
    loans: Decimal
    overdrafts: Decimal
    total_sources: Decimal
    shortfall: Decimal  # requirement − sources, never below 0
    covered: bool  # no shortfall and cash never below zero
    loan_schedules: tuple[LoanSchedule, ...]
    dscr: tuple[DscrYear, ...]
    min_dscr: Decimal
    lowest_dscr: Decimal | None  # over the tested periods with debt service
    dscr_ok: bool | None  # None without debt service
    lowest_balance: Decimal  # cash after funding, the lowest month end
    lowest_balance_month: int
    lowest_balance_date: dt.date
    closing_balance: Decimal
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class IrrResult:
    rate: Decimal | None  # annual, a fraction, unrounded
    note: str  # why there is none, or "" when there is one
    multiple: bool  # more than one rate gives NPV zero
    others: tuple[Decimal, ...]  # the other rates that do


@dataclass(frozen=True, slots=True)
class Returns:
    option_id: int
    basis: str
    discount_rate_pct: Decimal
    npv: Decimal  # to the penny, at the start of mobilisation
    irr_pct: Decimal | None  # annual, 4 places of a percentage point
    irr_note: str
    multiple_irr: bool
    other_irr_pct: tuple[Decimal, ...]  # further rates that make the NPV zero, if any
    total_cash_flow: Decimal  # undiscounted
    payback_month: int | None  # month index from the start of mobilisation
    payback_date: dt.date | None
    payback_service_months: int | None  # months of service up to and including the payback month
    discounted_payback_month: int | None
    discounted_payback_date: dt.date | None
    break_even_volume_pct: Decimal | None  # % of planned volume at which profit before funding is 0
    break_even_price_pct: Decimal | None  # % of the bid prices at which profit before funding is 0
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class Capital:
    """The three results computed together (they share one pass over the months)."""

    projection: Projection
    funding: FundingResult
    returns: Returns


# =========================================================================== small rules


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def receipt_lag_months(payment_terms_days: int) -> int:
    """Months from a service month to the month its income arrives: 1 + ⌈days ÷ 30⌉."""
    return 1 + _ceil_div(max(0, payment_terms_days), DAYS_PER_MONTH)


def non_pay_lag_months(payment_days: int) -> int:
    """Months from incurring non-pay to paying it: ⌈days ÷ 30⌉."""
    return _ceil_div(max(0, payment_days), DAYS_PER_MONTH)


def annuity_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    """L × r ÷ (1 − (1 + r)^−n), exact (unrounded); L ÷ n when r is 0."""
    if months <= 0:
        raise ValueError("an annuity needs at least one month")
    if monthly_rate == 0:
        return principal / months
    return principal * monthly_rate / (ONE - (ONE + monthly_rate) ** -months)


def loan_schedule(amount: Decimal, interest_rate_pct: Decimal, term_months: int, capital_holiday_months: int = 0,
                  *, drawdown_month: int = 0, last_month: int | None = None, arrangement_fee_pct: Decimal = ZERO,
                  source_id: int | None = None, name: str = "") -> LoanSchedule:
    """Monthly payments of a loan drawn in ``drawdown_month``, paid from the month after.

    Interest each month = the balance × annual rate ÷ 12, to the penny. Interest only for the
    capital holiday; then the annuity over the rest of the term, the last payment clearing the
    balance (a term no longer than the holiday: the whole balance at the end of the term; no term:
    interest only). Anything still owed in ``last_month`` is repaid then (``balloon``).
    """
    r = interest_rate_pct / HUNDRED / TWELVE
    balance = quantize(amount)
    fee = quantize(amount * arrangement_fee_pct / HUNDRED)
    end = drawdown_month + term_months if term_months > 0 else None
    final = end if end is not None else (last_month if last_month is not None else drawdown_month)
    cut = last_month is not None and final > last_month
    if cut:
        final = last_month  # type: ignore[assignment]
    repay_n = term_months - capital_holiday_months
    annuity: Decimal | None = None
    payments: list[LoanPayment] = []
    balloon = ZERO
    for t in range(drawdown_month + 1, final + 1):
        if balance <= 0:
            break
        j = t - drawdown_month  # 1-based payment number
        interest = quantize(balance * r)
        principal = ZERO
        if end is not None and j > capital_holiday_months and repay_n > 0:
            if annuity is None:
                annuity = quantize(annuity_payment(balance, r, repay_n))
            principal = min(balance, max(ZERO, annuity - interest))
        if t == end:
            principal = balance  # the last payment clears the balance
        elif t == final and (cut or end is None):
            balloon = balance - principal
            principal = balance
        payments.append(LoanPayment(t, balance, interest, principal, interest + principal, balance - principal))
        balance -= principal
    return LoanSchedule(source_id, name, quantize(amount), drawdown_month, interest_rate_pct, term_months,
                        capital_holiday_months, fee, annuity, tuple(payments), balloon,
                        sum((p.interest for p in payments), ZERO))


def _v(annual_rate: Decimal) -> Decimal:
    """The monthly discount factor (1 + d)^(−1/12) for an annual rate d (a fraction)."""
    return (ONE + annual_rate) ** (-ONE / TWELVE)


def _horner(flows: Sequence[Decimal], v: Decimal) -> Decimal:
    acc = ZERO
    for cf in reversed(flows):
        acc = acc * v + cf
    return acc


def net_present_value(flows: Sequence[Decimal], annual_rate_pct: Decimal) -> Decimal:
    """Σ CF_t × (1 + d)^(−t/12) over monthly flows (t = 0 undiscounted), exact (unrounded)."""
    d = annual_rate_pct / HUNDRED
    if d <= -1:
        raise ValueError("a discount rate must be above −100%")
    return _horner(flows, _v(d))


_IRR_GRID = tuple(Decimal(x) for x in (
    "-0.99", "-0.95", "-0.9", "-0.75", "-0.5", "-0.3", "-0.2", "-0.1", "-0.05", "0", "0.02", "0.05", "0.1",
    "0.15", "0.2", "0.3", "0.5", "0.75", "1", "1.5", "2", "3", "5", "10", "20", "50", "100"))


def internal_rate_of_return(flows: Sequence[Decimal], guess: Decimal = Decimal("0.1")) -> IrrResult:
    """The annual rate at which the NPV of monthly ``flows`` is zero, or why there is none.

    Scans NPV over rates from −99% to 10,000% a year for sign changes and bisects the monthly
    discount factor in each bracket to 1e−20 (far below a penny's worth of rate). When flows
    change sign more than once there may be several rates: the one nearest ``guess`` (a
    fraction; the discount rate, say) is returned and the others listed.
    """
    if not any(cf > 0 for cf in flows) or not any(cf < 0 for cf in flows):
        return IrrResult(None, "no IRR: the cash flows never change sign", False, ())
    points = [(r, _v(r)) for r in _IRR_GRID]
    values = [_horner(flows, v) for _, v in points]
    roots: list[Decimal] = []
    for i in range(len(points)):
        if values[i] == 0:
            roots.append(points[i][0])
        elif i + 1 < len(points) and values[i] * values[i + 1] < 0:
            roots.append(_bisect(flows, points[i + 1][1], values[i + 1], points[i][1]))
    if not roots:
        return IrrResult(None, "no IRR: no rate between −99% and 10,000% a year makes the NPV zero", False, ())
    best = min(roots, key=lambda r: (abs(r - guess), r))
    return IrrResult(best, "", len(roots) > 1, tuple(r for r in roots if r != best))


def _bisect(flows: Sequence[Decimal], v_lo: Decimal, f_lo: Decimal, v_hi: Decimal) -> Decimal:
    """The annual rate whose factor v in [v_lo, v_hi] zeroes the NPV (NPV(v_lo) = f_lo ≠ 0)."""
    for _ in range(200):
        mid = (v_lo + v_hi) / 2
        f_mid = _horner(flows, mid)
        if f_mid == 0:
            v_lo = v_hi = mid
            break
        if (f_mid < 0) == (f_lo < 0):
            v_lo, f_lo = mid, f_mid
        else:
            v_hi = mid
        if v_hi - v_lo < Decimal("1e-20"):
            break
    return ((v_lo + v_hi) / 2) ** -12 - ONE


def payback_month(flows: Sequence[Decimal]) -> int | None:
    """First month in which the cumulative cash is back at zero or above after being negative.

    0 when the cumulative never goes negative; None when it never comes back.
    """
    cum = ZERO
    negative = False
    for t, cf in enumerate(flows):
        cum += cf
        if cum < 0:
            negative = True
        elif negative:
            return t
    return None if negative else 0


# =========================================================================== the projection


def _is_charitable(org: Organisation | None) -> bool:
    return org is not None and (org.registered_charity or org.legal_form is LegalForm.CIO)


def _weights(values: Sequence[Decimal]) -> list[Decimal]:
    """Non-negative weights for ``allocate`` (negatives count as zero; all zero: equal)."""
    w = [v if v > 0 else ZERO for v in values]
    return w if sum(w, ZERO) > 0 else [ONE] * len(values)


def _split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    return allocate(amount, list(weights)) if weights else []


class _LossPool:
    """Tax on a run of period profits with losses carried forward."""

    __slots__ = ("losses", "rate")

    def __init__(self, rate_pct: Decimal):
        self.rate = rate_pct / HUNDRED
        self.losses = ZERO

    def tax(self, profit: Decimal) -> Decimal:
        if profit <= 0:
            self.losses -= profit
            return ZERO
        used = min(self.losses, profit)
        self.losses -= used
        return quantize((profit - used) * self.rate)


@dataclass(slots=True)
class _Source:
    row: FundingSource
    fee: Decimal
    schedule: LoanSchedule | None = None
    drawn: Decimal = ZERO  # overdraft balance
    peak: Decimal = ZERO
    interest: Decimal = ZERO
    repaid: Decimal = ZERO
    monthly_rate: Decimal = ZERO


def capital(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
            schedule: PriceSchedule | None = None, bond_premium_pct: Decimal = DEFAULT_BOND_PREMIUM_PCT,
            tax_lag_months: int = DEFAULT_TAX_LAG_MONTHS) -> Capital:
    """Projection, funding and returns of an option in one pass (see the module's docstring).

    ``schedule``: a price schedule already computed for the option (it must include the
    extensions if ``include_extensions``); otherwise one is computed from ``rates``.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise KeyError(f"no consortium option {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"{option.name}: the option has no tender, so there is nothing to project")
    if schedule is None or schedule.option_id != option_id or (include_extensions and not schedule.include_extensions
                                                               and tender.extension_years > 0):
        schedule = bid_prices(ws, option_id, rates, include_extensions=include_extensions,
                              abnormal_threshold_pct=tender.abnormal_threshold_pct)
    years = [y for y in schedule.years if include_extensions or not y.is_extension]
    if not years:
        raise ValueError(f"{option.name}: the price schedule has no contract years")
    flags: list[Flag] = []
    b = schedule.buildup
    zero = ZERO

    # ------------------------------------------------------------------ timeline
    mob = tender.mobilisation_months
    service_start = years[0].starts or b.priced_on
    mob_start = add_months(service_start, -mob)
    n_years = len(years)
    last_service = mob + 12 * n_years - 1
    lag_r = receipt_lag_months(tender.payment_terms_days)
    lag_np = non_pay_lag_months(option.non_pay_payment_days)
    lag_tax = max(0, tax_lag_months)
    items = sorted(ws.children(CapitalItem, option_id), key=lambda i: i.id or 0)
    sources = sorted(ws.children(FundingSource, option_id), key=lambda s: (s.drawdown_month, s.id or 0))
    last = max([last_service + lag_r, last_service + lag_np, last_service + lag_tax]
               + [i.month for i in items] + [s.drawdown_month for s in sources])
    n = last + 1
    has_runoff = last > last_service

    def period_of(t: int) -> int:
        if t < mob:
            return 0
        if t <= last_service:
            return (t - mob) // 12 + 1
        return n_years + 1

    period_ids = sorted({period_of(t) for t in range(n)})
    period_end = {p: max(t for t in range(n) if period_of(t) == p) for p in period_ids}
    period_start = {p: min(t for t in range(n) if period_of(t) == p) for p in period_ids}
    starts = [add_months(mob_start, t) for t in range(n + 1)]
    period_of_month = [period_of(t) for t in range(n)]

    # ------------------------------------------------------------------ income and costs
    pay = tender.pay_indexation_pct / HUNDRED
    cpi = tender.cpi_indexation_pct / HUNDRED
    lines = {s.key: s for s in b.service_lines}
    z = [zero] * n
    income, payroll, fixed_np, var_np = list(z), list(z), list(z), list(z)
    volume = [zero] * n
    ramp = option.ramp_up_months
    year_payroll: list[Decimal] = []
    for yi, y in enumerate(years):
        g_pay, g_cpi = (ONE + pay) ** yi, (ONE + cpi) ** yi
        pr = fx = zero
        for ly in y.lines:
            s = lines.get(ly.key)
            if s is None or s.annual_cost == 0:
                continue
            before = s.cost_per_unit - s.contingency_per_unit
            fixed_frac = (s.member_fixed_per_unit + s.shared_per_unit) / before if before > 0 else zero
            pr += quantize(s.annual_cost * s.staff_share * g_pay)
            fx += quantize(s.annual_cost * fixed_frac * g_cpi)
        var = y.annual_cost - pr - fx
        year_payroll.append(pr)
        twelfths = [allocate(v, [ONE] * 12) for v in (y.annual_price, pr, fx, var)]
        for k in range(12):
            t = mob + 12 * yi + k
            sk = 12 * yi + k
            f = Decimal(sk + 1) / Decimal(ramp + 1) if sk < ramp else ONE
            volume[t] = f
            income[t] = quantize(twelfths[0][k] * f)
            payroll[t] = quantize(twelfths[1][k] * f)
            fixed_np[t] = twelfths[2][k]
            var_np[t] = quantize(twelfths[3][k] * f)
    non_pay = [a + c for a, c in zip(fixed_np, var_np, strict=True)]

    receipts, non_pay_paid = list(z), list(z)
    for t in range(n):
        if income[t]:
            receipts[t + lag_r] += income[t]
        if non_pay[t]:
            non_pay_paid[t + lag_np] += non_pay[t]

    bond_amount = quantize(tender.bond_pct / HUNDRED * tender.annual_value)
    premium = quantize(bond_amount * bond_premium_pct / HUNDRED)
    bond, bond_paid, insurance = list(z), list(z), list(z)
    for yi in range(n_years):
        first = mob + 12 * yi
        if premium:
            bond_paid[first] = premium
            for k, part in enumerate(allocate(premium, [ONE] * 12)):
                bond[first + k] = part
        ins = quantize(option.insurance_per_year * (ONE + cpi) ** yi)
        if ins:
            for k, part in enumerate(allocate(ins, [ONE] * 12)):
                insurance[first + k] = part

    mobilisation, capex, depreciation = list(z), list(z), list(z)
    written_off = False
    for item in items:
        amount = quantize(item.amount)
        if amount == 0:
            continue
        if item.month > last_service:
            flags.append(Flag("item_after_service", f"{item.name}: month {item.month} is after the service ends.",
                              Severity.INFO))
        if item.kind is CapitalKind.MOBILISATION:
            mobilisation[item.month] += amount
            continue
        capex[item.month] += amount
        use = max(item.month, mob)
        life = item.useful_life_months
        if life <= 0 or use > last_service:
            depreciation[use] += amount
            continue
        parts = allocate(amount, [ONE] * life)
        for k, part in enumerate(parts):
            t = use + k
            if t > last_service:
                depreciation[last_service] += sum(parts[k:], zero)
                written_off = True
                break
            depreciation[t] += part
    if written_off:
        flags.append(Flag("asset_written_off", "Some equipment outlives the contract: what is left of its value "
                                               "is written off in the last month of service.", Severity.INFO))

    # ------------------------------------------------------------------ members and tax
    members = ws.members(option_id)
    mids = [m.id for m in members]
    orgs = {m.id: ws.get(Organisation, m.organisation_id) for m in members}
    structure = option.structure
    lead = next((m for m in members if option.lead_organisation_id is not None
                 and m.organisation_id == option.lead_organisation_id), None)
    share_w = _weights([m.profit_share_pct for m in members])
    if members and sum((m.profit_share_pct for m in members), zero) == 0:
        share_w = _weights([m.participation_pct for m in members])
    # each member's share of every service line, by its cost of the line in the build-up
    line_share: dict[str, dict[int, Decimal]] = {}
    for s in b.service_lines:
        costs = {ml.member_id: (ml.annual_cost if ml.annual_cost > 0 else zero) for ml in s.members}
        tot = sum(costs.values(), zero)
        if tot == 0:
            costs = {ml.member_id: ml.volume for ml in s.members}
            tot = sum(costs.values(), zero)
        line_share[s.key] = {k: v / tot for k, v in costs.items()} if tot > 0 else {}

    def year_weights(y: ContractYear, what: str) -> list[Decimal]:
        w = {mid: zero for mid in mids}
        for ly in y.lines:
            for mid, sh in line_share.get(ly.key, {}).items():
                if mid in w:
                    w[mid] += sh * getattr(ly, what)
        return [w[mid] for mid in mids]

    if structure in VEHICLES or not members:
        entity_rates = [option.tax_rate_pct]
        tax_basis = (f"The vehicle pays {option.tax_rate_pct}% on its profit; members share its profit after tax."
                     if members else f"{option.tax_rate_pct}% on the profit.")
    else:
        entity_rates = [zero if _is_charitable(orgs[m.id]) else option.tax_rate_pct for m in members]
        if structure is Structure.LLP:
            tax_basis = ("The LLP is tax transparent: each member pays on its profit share (charities and CIOs "
                         f"nothing, others {option.tax_rate_pct}%).")
            flags.append(Flag("tax_transparent", "An LLP pays no tax itself: its members pay on their shares.",
                              Severity.INFO))
        else:
            tax_basis = (f"Each member pays on its own profit: charities and CIOs nothing, others "
                         f"{option.tax_rate_pct}%.")
    borne_w = [ONE if m is lead else zero for m in members] if (lead is not None and structure in LEAD_BEARS) \
        else share_w

    # per period sums of the accruals
    def psum(arr: list[Decimal]) -> dict[int, Decimal]:
        out = dict.fromkeys(period_ids, zero)
        for t in range(n):
            if arr[t]:
                out[period_of_month[t]] += arr[t]
        return out

    p_income, p_payroll, p_non_pay = psum(income), psum(payroll), psum(non_pay)
    p_bond, p_ins, p_mob, p_dep, p_capex = psum(bond), psum(insurance), psum(mobilisation), psum(depreciation), \
        psum(capex)
    p_ebitda = {p: p_income[p] - p_payroll[p] - p_non_pay[p] - p_bond[p] - p_ins[p] - p_mob[p] for p in period_ids}
    p_ebit = {p: p_ebitda[p] - p_dep[p] for p in period_ids}

    def contract_year(p: int) -> ContractYear:
        return years[min(max(p, 1), n_years) - 1]

    p_fee: dict[int, Decimal] = {}
    m_work: dict[int, list[Decimal]] = {}
    m_cost: dict[int, list[Decimal]] = {}
    m_trading: dict[int, list[Decimal]] = {}
    for p in period_ids:
        y = contract_year(p)
        fee = quantize(p_income[p] * y.annual_fee / y.annual_price) if y.annual_price else zero
        p_fee[p] = fee
        if not members:
            continue
        work = _split(p_income[p], _weights(year_weights(y, "annual_price")))
        cost = _split(p_payroll[p] + p_non_pay[p], _weights(year_weights(y, "annual_cost")))
        fees = _split(fee, _weights(year_weights(y, "annual_fee")))
        m_work[p], m_cost[p] = work, cost
        if lead is not None:
            received = [fee if m is lead else zero for m in members]
        else:
            received = fees
        m_trading[p] = [w - c - f + r for w, c, f, r in zip(work, cost, fees, received, strict=True)]

    def entity_profits(p: int, pbt: Decimal, items_cost: Decimal) -> list[Decimal]:
        if structure in VEHICLES or not members:
            return [pbt]
        if structure is Structure.LLP:
            return _split(pbt, share_w)
        borne = _split(items_cost, borne_w)
        return [tr - bo for tr, bo in zip(m_trading[p], borne, strict=True)]

    # tax on the operating profit (the unfunded basis, for cash before funding and returns)
    op_pools = [_LossPool(r) for r in entity_rates]
    operating_tax_paid = list(z)
    for p in period_ids:
        items_cost = p_bond[p] + p_ins[p] + p_mob[p] + p_dep[p]
        profits = entity_profits(p, p_ebit[p], items_cost)
        tax = sum((pool.tax(x) for pool, x in zip(op_pools, profits, strict=True)), zero)
        operating_tax_paid[min(period_end[p] + lag_tax, last)] += tax

    cash_before = [receipts[t] - payroll[t] - non_pay_paid[t] - bond_paid[t] - insurance[t] - mobilisation[t]
                   - capex[t] - operating_tax_paid[t] for t in range(n)]

    # ------------------------------------------------------------------ funding sources
    member_by_id = {m.id: m for m in members}
    equity_in, grants_in, loans_in, fees_paid = list(z), list(z), list(z), list(z)
    loan_interest, loan_principal = list(z), list(z)
    srcs: list[_Source] = []
    for src in sources:
        amount = quantize(src.amount)
        if src.member_id is not None and src.member_id not in member_by_id:
            flags.append(Flag("funding_member_elsewhere", f"{src.name}: the member named belongs to another option."))
        fee = quantize(amount * src.arrangement_fee_pct / HUNDRED) if src.kind in (FundingKind.LOAN,
                                                                                   FundingKind.OVERDRAFT) else zero
        s = _Source(src, fee, monthly_rate=src.interest_rate_pct / HUNDRED / TWELVE)
        srcs.append(s)
        d = src.drawdown_month
        fees_paid[d] += fee
        if src.kind is FundingKind.MEMBER_EQUITY:
            equity_in[d] += amount
        elif src.kind is FundingKind.GRANT:
            grants_in[d] += amount
        elif src.kind is FundingKind.LOAN:
            loans_in[d] += amount
            s.schedule = loan_schedule(amount, src.interest_rate_pct, src.term_months, src.capital_holiday_months,
                                       drawdown_month=d, last_month=last, arrangement_fee_pct=src.arrangement_fee_pct,
                                       source_id=src.id, name=src.name)
            for pmt in s.schedule.payments:
                loan_interest[pmt.month] += pmt.interest
                loan_principal[pmt.month] += pmt.principal
            s.interest, s.repaid = s.schedule.total_interest, sum((x.principal for x in s.schedule.payments), zero)
            if src.term_months == 0 and amount > 0:
                flags.append(Flag("loan_without_term", f"{src.name}: no term given; shown as interest only and "
                                                       "repaid at the end of the projection."))
            elif s.schedule.balloon > 0:
                flags.append(Flag("loan_outlives_projection",
                                  f"{src.name}: £{s.schedule.balloon:,} is still owed when the projection ends "
                                  f"({starts[last]:%m/%Y}); it is shown repaid then."))
            elif s.repaid < amount:
                flags.append(Flag("loan_outlives_projection",
                                  f"{src.name}: drawn in the last month projected; £{amount - s.repaid:,} is "
                                  "still owed at the end."))
    overdrafts = [s for s in srcs if s.row.kind is FundingKind.OVERDRAFT and s.row.amount > 0]
    loan_balance = list(z)
    for s in srcs:
        if s.schedule is None:
            continue
        bal = s.schedule.amount
        by_month = {p.month: p for p in s.schedule.payments}
        for t in range(s.row.drawdown_month, n):
            if t in by_month:
                bal = by_month[t].closing
            loan_balance[t] += bal

    # ------------------------------------------------------------------ the month-by-month pass
    fund_pools = [_LossPool(r) for r in entity_rates]
    tax_paid = list(z)
    p_interest = dict.fromkeys(period_ids, zero)
    p_fees, p_grants = psum(fees_paid), psum(grants_in)
    p_tax = dict.fromkeys(period_ids, zero)
    p_entity_pbt: dict[int, list[Decimal]] = {}
    p_entity_tax: dict[int, list[Decimal]] = {}
    rows: list[MonthRow] = []
    balance = zero
    cumulative = zero
    for t in range(n):
        p = period_of_month[t]
        od_interest = zero
        for s in overdrafts:
            if s.drawn > 0:
                i = quantize(s.drawn * s.monthly_rate)
                s.interest += i
                od_interest += i
        p_interest[p] += loan_interest[t] + od_interest
        if t == period_end[p]:  # the period's P&L is complete: charge its tax
            pbt = p_ebit[p] + p_grants[p] - p_interest[p] - p_fees[p]
            items_cost = p_bond[p] + p_ins[p] + p_mob[p] + p_dep[p] + p_interest[p] + p_fees[p] - p_grants[p]
            profits = entity_profits(p, pbt, items_cost)
            taxes = [pool.tax(x) for pool, x in zip(fund_pools, profits, strict=True)]
            p_entity_pbt[p], p_entity_tax[p] = profits, taxes
            p_tax[p] = sum(taxes, zero)
            tax_paid[min(t + lag_tax, last)] += p_tax[p]
        cumulative += cash_before[t]
        rec = receipts[t] + equity_in[t] + grants_in[t] + loans_in[t]
        pay_out = (payroll[t] + non_pay_paid[t] + bond_paid[t] + insurance[t] + mobilisation[t] + capex[t]
                   + tax_paid[t] + loan_interest[t] + od_interest + fees_paid[t] + loan_principal[t])
        provisional = balance + rec - pay_out
        drawn = repaid = zero
        if provisional < 0:
            for s in overdrafts:
                if t >= s.row.drawdown_month and provisional + drawn < 0:
                    x = min(-(provisional + drawn), quantize(s.row.amount) - s.drawn)
                    if x > 0:
                        s.drawn += x
                        drawn += x
        elif provisional > 0:
            for s in overdrafts:
                if s.drawn > 0 and provisional - repaid > 0:
                    x = min(provisional - repaid, s.drawn)
                    s.drawn -= x
                    s.repaid += x
                    repaid += x
        for s in overdrafts:
            s.peak = max(s.peak, s.drawn)
        closing = provisional + drawn - repaid
        rows.append(MonthRow(
            month=t, starts=starts[t], period=p,
            phase="mobilisation" if t < mob else ("service" if t <= last_service else "run-off"),
            volume_pct=volume[t] * HUNDRED if mob <= t <= last_service else zero,
            income=income[t], payroll=payroll[t], non_pay=non_pay[t], bond=bond[t], insurance=insurance[t],
            mobilisation=mobilisation[t], depreciation=depreciation[t],
            receipts=receipts[t], payroll_paid=payroll[t], non_pay_paid=non_pay_paid[t], bond_paid=bond_paid[t],
            insurance_paid=insurance[t], mobilisation_paid=mobilisation[t], capex_paid=capex[t],
            operating_tax_paid=operating_tax_paid[t], cash_before_funding=cash_before[t],
            cumulative_before_funding=cumulative,
            equity_in=equity_in[t], grants_in=grants_in[t], loans_in=loans_in[t], overdraft_drawn=drawn,
            interest_paid=loan_interest[t] + od_interest, arrangement_fees_paid=fees_paid[t],
            loan_repaid=loan_principal[t], overdraft_repaid=repaid, tax_paid=tax_paid[t],
            opening_balance=balance, total_receipts=rec + drawn, total_payments=pay_out + repaid,
            closing_balance=closing, overdraft_balance=sum((s.drawn for s in overdrafts), zero),
            loan_balance=loan_balance[t],
        ))
        balance = closing

    # ------------------------------------------------------------------ periods
    p_cash = psum(cash_before)
    pyears: list[ProjectionYear] = []
    p_retained: dict[int, Decimal] = {}
    member_rows: dict[int, list[MemberYear]] = {mid: [] for mid in mids}
    retained_w = max(zero, HUNDRED - sum((m.profit_share_pct for m in members), zero))
    for p in period_ids:
        pbt = p_ebit[p] + p_grants[p] - p_interest[p] - p_fees[p]
        pat = pbt - p_tax[p]
        retained = zero
        if members:
            work = m_work[p]
            cost = m_cost[p]
            if structure in VEHICLES:
                parts = _split(pat, [m.profit_share_pct for m in members] + [retained_w])
                retained = parts[-1]
                for m, w, c, x in zip(members, work, cost, parts[:-1], strict=True):
                    member_rows[m.id].append(MemberYear(p, w, c, x, zero, x))
            else:
                for m, w, c, x, tx in zip(members, work, cost, p_entity_pbt[p], p_entity_tax[p], strict=True):
                    member_rows[m.id].append(MemberYear(p, w, c, x, tx, x - tx))
        p_retained[p] = retained
        first, end = period_start[p], period_end[p]
        y = contract_year(p)
        label = "Mobilisation" if p == 0 else ("Run-off" if (has_runoff and p == n_years + 1)
                                              else f"Year {p}" + (" (extension)" if y.is_extension else ""))
        pyears.append(ProjectionYear(
            period=p, label=label, starts=starts[first], ends=starts[end + 1] - dt.timedelta(days=1),
            months=end - first + 1, is_extension=1 <= p <= n_years and y.is_extension,
            income=p_income[p], payroll=p_payroll[p], non_pay=p_non_pay[p],
            delivery_cost=p_payroll[p] + p_non_pay[p], management_fee=p_fee[p], bond=p_bond[p], insurance=p_ins[p],
            mobilisation=p_mob[p], ebitda=p_ebitda[p], depreciation=p_dep[p], ebit=p_ebit[p],
            grant_income=p_grants[p], interest=p_interest[p], arrangement_fees=p_fees[p], profit_before_tax=pbt,
            tax=p_tax[p], profit_after_tax=pat, retained_by_vehicle=retained, capex=p_capex[p],
            cash_before_funding=p_cash[p], closing_balance=rows[end].closing_balance,
        ))
    mprojs = []
    for m in members:
        ys = tuple(member_rows[m.id])
        org = orgs[m.id]
        mprojs.append(MemberProjection(
            member_id=m.id, organisation_id=m.organisation_id,  # type: ignore[arg-type]
            organisation_name=org.name if org else f"Member {m.id}", role=m.role.label,
            profit_share_pct=m.profit_share_pct,
            tax_rate_pct=zero if (structure in VEHICLES or _is_charitable(org)) else option.tax_rate_pct,
            years=ys, work_value=sum((x.work_value for x in ys), zero),
            profit_before_tax=sum((x.profit_before_tax for x in ys), zero), tax=sum((x.tax for x in ys), zero),
            profit_after_tax=sum((x.profit_after_tax for x in ys), zero)))

    service_end = add_months(service_start, 12 * n_years) - dt.timedelta(days=1)
    proj = Projection(
        option_id=option_id, tender_id=option.tender_id, structure=structure, include_extensions=include_extensions,
        mobilisation_start=mob_start, service_start=service_start, service_end=service_end,
        projection_end=starts[n] - dt.timedelta(days=1), mobilisation_months=mob, ramp_up_months=ramp,
        receipt_lag_months=lag_r, non_pay_lag_months=lag_np, tax_lag_months=lag_tax, bond_amount=bond_amount,
        bond_premium_pct=bond_premium_pct, tax_basis=tax_basis, months=tuple(rows), years=tuple(pyears),
        members=tuple(mprojs),
        total_income=sum((y.income for y in pyears), zero), total_ebitda=sum((y.ebitda for y in pyears), zero),
        total_profit_before_tax=sum((y.profit_before_tax for y in pyears), zero),
        total_tax=sum((y.tax for y in pyears), zero),
        total_profit_after_tax=sum((y.profit_after_tax for y in pyears), zero),
        closing_balance=balance, flags=tuple(flags),
    )
    fund = _funding(option, proj, srcs, member_by_id, orgs, year_payroll[0], starts)
    ret = _returns(option, proj, cash_before, income, payroll, var_np, fixed_np, mobilisation, depreciation, bond,
                   insurance, starts)
    return Capital(proj, fund, ret)


# =========================================================================== funding


def _ebitda(r: MonthRow) -> Decimal:
    return r.income - r.payroll - r.non_pay - r.bond - r.insurance - r.mobilisation


def _funding(option: ConsortiumOption, proj: Projection, srcs: list[_Source], member_by_id: dict[int, Member],
             orgs: dict[int, Organisation | None], payroll_year1: Decimal, starts: list[dt.date]) -> FundingResult:
    zero = ZERO
    flags: list[Flag] = []
    months = proj.months
    lowest = min(months, key=lambda r: (r.cumulative_before_funding, r.month))
    peak = max(zero, -lowest.cumulative_before_funding)
    peak_month = lowest.month if peak > 0 else None
    monthly_payroll = quantize(payroll_year1 / TWELVE)
    buffer = quantize(monthly_payroll * option.buffer_months_payroll)
    contingency = quantize((peak + buffer) * option.contingency_on_funding_pct / HUNDRED)
    requirement = peak + buffer + contingency

    lines = []
    totals = dict.fromkeys(FundingKind, zero)
    for s in srcs:
        src = s.row
        amount = quantize(src.amount)
        totals[src.kind] += amount
        member = member_by_id.get(src.member_id) if src.member_id is not None else None
        org = orgs.get(member.id) if member else None
        outstanding = zero
        if s.schedule is not None:
            outstanding = s.schedule.amount - s.repaid  # repaid by the end unless drawn in the last month
        elif src.kind is FundingKind.OVERDRAFT:
            outstanding = s.drawn
            if s.drawn > 0:
                flags.append(Flag("overdraft_outstanding", f"{src.name}: £{s.drawn:,} still drawn at the end."))
        lines.append(FundingLine(
            source_id=src.id, name=src.name, kind=src.kind, amount=amount, member_id=member.id if member else None,
            member_name=org.name if org else "", drawdown_month=src.drawdown_month,
            drawdown_date=starts[src.drawdown_month], arrangement_fee=s.fee, interest=s.interest, repaid=s.repaid,
            outstanding_at_end=outstanding,
            peak_drawn=s.peak if src.kind is FundingKind.OVERDRAFT else amount))
    total_sources = sum(totals.values(), zero)
    shortfall = max(zero, requirement - total_sources)
    if shortfall > 0:
        flags.append(Flag("funding_shortfall",
                          f"The funding arranged (£{total_sources:,}) falls £{shortfall:,} short of the "
                          f"requirement of £{requirement:,}.", Severity.SERIOUS))
    low = min(months, key=lambda r: (r.closing_balance, r.month))
    if low.closing_balance < 0:
        flags.append(Flag("cash_negative", f"Cash after funding falls to −£{-low.closing_balance:,} in "
                                           f"{low.starts:%B %Y} (month {low.month}): funding comes too late or "
                                           "is too little.", Severity.SERIOUS))

    # debt service cover by period
    dscr_rows = []
    by_period: dict[int, list[MonthRow]] = {}
    for r in months:
        by_period.setdefault(r.period, []).append(r)
    for y in proj.years:
        rs = by_period[y.period]
        op_cash = sum((r.receipts - r.payroll_paid - r.non_pay_paid - r.bond_paid - r.insurance_paid
                       - r.mobilisation_paid for r in rs), zero)
        tax_paid = sum((r.tax_paid for r in rs), zero)
        capex = sum((r.capex_paid for r in rs), zero)
        wc = y.ebitda - op_cash
        # capital spending and working capital built up until the peak funding need are what the
        # funding requirement pays for, not the cash flow available for debt service
        funded = sum((r.capex_paid + _ebitda(r) - (r.receipts - r.payroll_paid - r.non_pay_paid - r.bond_paid
                                                  - r.insurance_paid - r.mobilisation_paid)
                      for r in rs if peak_month is not None and r.month <= peak_month), zero)
        cfads = y.ebitda - tax_paid - capex - wc + funded
        interest = sum((r.interest_paid for r in rs), zero)
        principal = sum((r.loan_repaid for r in rs), zero)
        service = interest + principal
        ratio = (cfads / service).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN) if service > 0 else None
        tested = y.period >= 1
        below = bool(tested and ratio is not None and ratio < option.min_dscr)
        dscr_rows.append(DscrYear(y.period, y.label, y.ebitda, tax_paid, capex, wc, funded, cfads, interest,
                                  principal, service, ratio, tested, below))
    tested_ratios = [d.dscr for d in dscr_rows if d.tested and d.dscr is not None]
    lowest_dscr = min(tested_ratios) if tested_ratios else None
    dscr_ok = None if lowest_dscr is None else lowest_dscr >= option.min_dscr
    if dscr_ok is False:
        worst = [d.label for d in dscr_rows if d.below_minimum]
        flags.append(Flag("dscr_below_minimum",
                          f"Debt service cover falls to {lowest_dscr} (lenders look for {option.min_dscr}) in "
                          f"{', '.join(worst)}.", Severity.SERIOUS))
    return FundingResult(
        option_id=proj.option_id, peak_deficit=peak, peak_deficit_month=peak_month,
        peak_deficit_date=months[peak_month].starts if peak_month is not None else None,
        monthly_payroll=monthly_payroll, buffer_months=option.buffer_months_payroll, buffer=buffer,
        contingency_pct=option.contingency_on_funding_pct, contingency=contingency, requirement=requirement,
        sources=tuple(lines), equity=totals[FundingKind.MEMBER_EQUITY], grants=totals[FundingKind.GRANT],
        loans=totals[FundingKind.LOAN], overdrafts=totals[FundingKind.OVERDRAFT], total_sources=total_sources,
        shortfall=shortfall, covered=shortfall == 0 and low.closing_balance >= 0,
        loan_schedules=tuple(s.schedule for s in srcs if s.schedule is not None),
        dscr=tuple(dscr_rows), min_dscr=option.min_dscr, lowest_dscr=lowest_dscr, dscr_ok=dscr_ok,
        lowest_balance=low.closing_balance, lowest_balance_month=low.month, lowest_balance_date=low.starts,
        closing_balance=proj.closing_balance, flags=tuple(flags),
    )


# =========================================================================== returns


def _returns(option: ConsortiumOption, proj: Projection, flows: list[Decimal], income: list[Decimal],
             payroll: list[Decimal], var_np: list[Decimal], fixed_np: list[Decimal], mobilisation: list[Decimal],
             depreciation: list[Decimal], bond: list[Decimal], insurance: list[Decimal],
             starts: list[dt.date]) -> Returns:
    zero = ZERO
    flags: list[Flag] = []
    rate = option.discount_rate_pct
    npv = quantize(net_present_value(flows, rate))
    irr = internal_rate_of_return(flows, rate / HUNDRED)
    if irr.rate is None:
        flags.append(Flag("no_irr", irr.note[0].upper() + irr.note[1:] + ".", Severity.INFO))
    elif irr.multiple:
        others = ", ".join(f"{(r * HUNDRED).quantize(PCT_PLACES)}%" for r in irr.others)
        flags.append(Flag("multiple_irr", "The cash flows change sign more than once, so more than one rate makes "
                                          f"the NPV zero (also {others}); the one nearest the discount rate is "
                                          "shown. Read the NPV alongside it.", Severity.INFO))
    pb = payback_month(flows)
    v = _v(rate / HUNDRED)
    disc = []
    f = ONE
    for cf in flows:
        disc.append(cf * f)
        f *= v
    dpb = payback_month(disc)
    mob = proj.mobilisation_months
    i_tot = sum(income, zero)
    v_tot = sum(payroll, zero) + sum(var_np, zero)
    f_tot = sum(fixed_np, zero) + sum(mobilisation, zero) + sum(depreciation, zero) + sum(bond, zero) \
        + sum(insurance, zero)
    contribution = i_tot - v_tot
    be_volume = (f_tot / contribution * HUNDRED).quantize(PCT_PLACES) if contribution > 0 else None
    be_price = ((v_tot + f_tot) / i_tot * HUNDRED).quantize(PCT_PLACES) if i_tot > 0 else None
    return Returns(
        option_id=proj.option_id,
        basis=("Project cash flows before funding, after tax on the operating profit, month by month from the start "
               "of mobilisation; month t discounted by (1 + d)^(−t/12)."),
        discount_rate_pct=rate, npv=npv,
        irr_pct=(irr.rate * HUNDRED).quantize(IRR_PLACES) if irr.rate is not None else None,
        irr_note=irr.note, multiple_irr=irr.multiple,
        other_irr_pct=tuple((r * HUNDRED).quantize(IRR_PLACES) for r in irr.others), total_cash_flow=sum(flows, zero),
        payback_month=pb, payback_date=starts[pb] if pb is not None else None,
        payback_service_months=max(0, pb + 1 - mob) if pb is not None else None,
        discounted_payback_month=dpb, discounted_payback_date=starts[dpb] if dpb is not None else None,
        break_even_volume_pct=be_volume, break_even_price_pct=be_price, flags=tuple(flags),
    )


# =========================================================================== entry points


def projection(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
               schedule: PriceSchedule | None = None) -> Projection:
    """The monthly projection: months, P&L by period, members (see the module's docstring)."""
    return capital(ws, option_id, rates, include_extensions=include_extensions, schedule=schedule).projection


def funding(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
            schedule: PriceSchedule | None = None) -> FundingResult:
    """Funding requirement, sources, loan schedules, debt service cover and the lowest cash balance."""
    return capital(ws, option_id, rates, include_extensions=include_extensions, schedule=schedule).funding


def returns(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
            schedule: PriceSchedule | None = None) -> Returns:
    """NPV, IRR, payback (plain and discounted) and break-even of the project before funding."""
    return capital(ws, option_id, rates, include_extensions=include_extensions, schedule=schedule).returns


# --------------------------------------------------------------------------- period totals


@dataclass(frozen=True, slots=True)
class PeriodCash:
    """The months of one period added up (presentation of the domain's month rows)."""

    opening: Decimal
    receipts: Decimal
    equity_in: Decimal
    grants_in: Decimal
    loans_in: Decimal
    overdraft_drawn: Decimal
    total_receipts: Decimal
    payroll: Decimal
    non_pay: Decimal
    bond_and_insurance: Decimal
    mobilisation: Decimal
    capex: Decimal
    tax: Decimal
    interest_and_fees: Decimal
    loan_repaid: Decimal
    overdraft_repaid: Decimal
    total_payments: Decimal
    closing: Decimal
    cash_before_funding: Decimal
    cumulative_before_funding: Decimal


def period_cash(p: Projection) -> list[PeriodCash]:
    by_period: dict[int, list[MonthRow]] = {}
    for r in p.months:
        by_period.setdefault(r.period, []).append(r)
    out = []
    for y in p.years:
        rs = by_period.get(y.period, [])

        def s(fn: Callable[[MonthRow], Decimal], rs=rs) -> Decimal:
            return sum((fn(r) for r in rs), ZERO)

        out.append(PeriodCash(
            opening=rs[0].opening_balance if rs else ZERO,
            receipts=s(lambda r: r.receipts), equity_in=s(lambda r: r.equity_in), grants_in=s(lambda r: r.grants_in),
            loans_in=s(lambda r: r.loans_in), overdraft_drawn=s(lambda r: r.overdraft_drawn),
            total_receipts=s(lambda r: r.total_receipts),
            payroll=s(lambda r: r.payroll_paid), non_pay=s(lambda r: r.non_pay_paid),
            bond_and_insurance=s(lambda r: r.bond_paid + r.insurance_paid),
            mobilisation=s(lambda r: r.mobilisation_paid), capex=s(lambda r: r.capex_paid),
            tax=s(lambda r: r.tax_paid), interest_and_fees=s(lambda r: r.interest_paid + r.arrangement_fees_paid),
            loan_repaid=s(lambda r: r.loan_repaid), overdraft_repaid=s(lambda r: r.overdraft_repaid),
            total_payments=s(lambda r: r.total_payments),
            closing=rs[-1].closing_balance if rs else ZERO,
            cash_before_funding=s(lambda r: r.cash_before_funding),
            cumulative_before_funding=rs[-1].cumulative_before_funding if rs else ZERO,
        ))
    return out
