"""Debt service cover by period (the rule is in the package's docstring).

CFADS = EBITDA − tax paid − capital expenditure − the increase in working capital, with the
capital spending and working capital built up until the month of the peak funding need added
back (the funding requirement pays for them). DSCR = CFADS ÷ (interest + loan principal), to
two places; contract years and run-off are tested, mobilisation is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from ..money import ZERO
from .months import MonthRow, Projection

RATIO_PLACES = Decimal("0.01")


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


def _ebitda(r: MonthRow) -> Decimal:
    return r.income - r.payroll - r.non_pay - r.bond - r.insurance - r.mobilisation


def debt_service_cover(proj: Projection, peak_month: int | None,
                       min_dscr: Decimal) -> tuple[list[DscrYear], Decimal | None, bool | None]:
    """Cover for every period of ``proj``, the lowest tested ratio and whether it meets ``min_dscr``.

    ``peak_month``: the month of the peak funding need (None when there is none). The lowest ratio
    and the verdict are None when no tested period has debt service.
    """
    zero = ZERO
    dscr_rows = []
    by_period: dict[int, list[MonthRow]] = {}
    for r in proj.months:
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
        below = bool(tested and ratio is not None and ratio < min_dscr)
        dscr_rows.append(DscrYear(y.period, y.label, y.ebitda, tax_paid, capex, wc, funded, cfads, interest,
                                  principal, service, ratio, tested, below))
    tested_ratios = [d.dscr for d in dscr_rows if d.tested and d.dscr is not None]
    lowest_dscr = min(tested_ratios) if tested_ratios else None
    dscr_ok = None if lowest_dscr is None else lowest_dscr >= min_dscr
    return dscr_rows, lowest_dscr, dscr_ok
