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
A flat-rate loan pays interest on the original amount for the whole term (L × f ÷ 12 a month)
and its capital in equal parts after the holiday; its true rate is reported beside it. A loan's
part given as grant comes in with it as grant income, and only the rest is lent (fees on that).
A commitment fee a year is paid monthly on sums committed but not drawn: a loan's from month 0
until it is drawn, an overdraft's unused facility from its drawdown month. Both kinds of fee are
in the P&L's arrangement fees (``financing``'s docstring).
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

**Modules** (every public name is importable from the package itself): ``months`` (the month
rows, P&L periods and members' results; payment lags), ``engine`` (``capital``: the one pass over
the months, and the ``projection``, ``funding`` and ``returns`` entry points), ``financing``
(requirement, sources, loans and overdrafts), ``cover`` (debt service cover), ``appraisal``
(NPV, IRR, payback, break-even), ``periods`` (period totals of the months). The generic
arithmetic (annuity, loan schedule, NPV, IRR, payback) is ``domain.finance``.
"""

from __future__ import annotations

from ..finance import (
    IrrResult,
    LoanPayment,
    LoanSchedule,
    TrueRate,
    annuity_payment,
    flat_rate_payment,
    internal_rate_of_return,
    loan_schedule,
    monthly_commitment_fee,
    net_present_value,
    payback_month,
    true_rate,
)
from .appraisal import Returns
from .cover import DscrYear
from .engine import (
    DEFAULT_BOND_PREMIUM_PCT,
    DEFAULT_TAX_LAG_MONTHS,
    Capital,
    capital,
    funding,
    projection,
    returns,
)
from .financing import FundingLine, FundingResult
from .months import (
    MemberProjection,
    MemberYear,
    MonthRow,
    Projection,
    ProjectionYear,
    non_pay_lag_months,
    receipt_lag_months,
)
from .periods import PeriodCash, period_cash

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
    "PeriodCash",
    "Projection",
    "ProjectionYear",
    "Returns",
    "TrueRate",
    "annuity_payment",
    "capital",
    "flat_rate_payment",
    "funding",
    "internal_rate_of_return",
    "loan_schedule",
    "monthly_commitment_fee",
    "net_present_value",
    "non_pay_lag_months",
    "payback_month",
    "period_cash",
    "projection",
    "receipt_lag_months",
    "returns",
    "true_rate",
]
