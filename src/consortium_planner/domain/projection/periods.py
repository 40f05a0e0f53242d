"""Period totals of the projection's months (presentation of the domain's month rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..money import ZERO
from .months import MonthRow, Projection


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
