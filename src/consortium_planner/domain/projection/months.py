"""The projection's months and P&L periods: the result types and the timing rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..costing import Flag
from ..model import Structure

DAYS_PER_MONTH = 30


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


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def receipt_lag_months(payment_terms_days: int) -> int:
    """Months from a service month to the month its income arrives: 1 + ⌈days ÷ 30⌉."""
    return 1 + _ceil_div(max(0, payment_terms_days), DAYS_PER_MONTH)


def non_pay_lag_months(payment_days: int) -> int:
    """Months from incurring non-pay to paying it: ⌈days ÷ 30⌉."""
    return _ceil_div(max(0, payment_days), DAYS_PER_MONTH)
