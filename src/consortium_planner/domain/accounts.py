"""One year's accounts as an accountant reads them: the totals that follow from the lines, and the checks
that the lines hang together (issue 20: accounts entered with line items down and years across).

``derived(fy)`` gives net assets (total assets − total liabilities) and free cash flow (operating cash flow
− net capital expenditure − net interest − tax − dividends, as the standing test reads it), each None when a
line it needs is not given; ``checks(fy)`` lists what does not add up — a part larger than its whole, or
EBITDA that is not operating surplus plus depreciation — in words with the figures. Nothing is assumed: a
line not given is never taken as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import FinancialYear
from .money import format_gbp

_PARTS = (  # (part, whole, what is wrong when the part is larger)
    ("current_assets", "total_assets", "current assets are larger than total assets"),
    ("inventory", "current_assets", "inventory is larger than current assets"),
    ("cash", "current_assets", "cash is larger than current assets"),
    ("current_liabilities", "total_liabilities", "current liabilities are larger than total liabilities"),
    ("borrowings", "total_liabilities", "borrowings are larger than total liabilities"),
)


@dataclass(frozen=True, slots=True)
class Derived:
    net_assets: Decimal | None
    free_cash_flow: Decimal | None


def derived(fy: FinancialYear) -> Derived:
    net = None if fy.total_assets is None or fy.total_liabilities is None else fy.total_assets - fy.total_liabilities
    ocf, capex, interest, tax, dividends = fy.operating_cash_flow, fy.capex, fy.interest, fy.tax, fy.dividends
    fcf = None
    if ocf is not None and capex is not None and interest is not None and tax is not None and dividends is not None:
        fcf = ocf - capex - interest - tax - dividends
    return Derived(net, fcf)


def checks(fy: FinancialYear) -> list[str]:
    """What does not add up in the year's accounts (empty when every given line is consistent)."""
    out: list[str] = []
    for part, whole, words in _PARTS:
        p, w = getattr(fy, part), getattr(fy, whole)
        if p is not None and w is not None and p > w:
            out.append(f"{words} ({format_gbp(p, pence=False)} against {format_gbp(w, pence=False)})")
    if None not in (fy.ebitda, fy.operating_surplus, fy.depreciation):
        expected = fy.operating_surplus + fy.depreciation  # type: ignore[operator]
        if fy.ebitda != expected:
            out.append(f"EBITDA ({format_gbp(fy.ebitda, pence=False)}) is not operating surplus plus depreciation "
                       f"({format_gbp(expected, pence=False)}): amortisation or exceptional items? Check the accounts")
    return out
