"""Cash flow, funding and returns of the selected consortium option (DOMAIN §6): presentation only.

Every figure comes from ``services.analyses`` (``capital``: the projection, the funding requirement
and the returns, computed together from the option's price schedule; ``capital_with_extensions``
when "Include extensions" is ticked, a presentation choice: the bid promises the term only), the
same analyses ``consortium-planner summary --json`` and the investment case run. The package:

* ``headline``: always visible, the funding requirement (peak need, buffer, contingency), the
  funding arranged and any shortfall, the lowest cash balance, debt service cover against the
  lender's minimum, NPV, IRR, payback and break-even, then the findings, each shown in its own
  severity (``Finding.severity`` through ``reports.document.status_of``);
* ``chart``: the month-by-month chart (net cash flow as bars, the cumulative cash before funding
  and the bank balance after funding as lines, the funding requirement as a reference line, the
  mobilisation, service and run-off phases shaded);
* ``panels``: the P&L, cash and debt service cover by period, the funding sources and each loan's
  schedule, each member's profit, and every month;
* ``rows``: those tables as document ``Table``s, with no Qt; ``result``: what the tab computes;
* ``view``: ``CashFlowView``, the tab itself.
"""

from .result import CashFlowResult, compute_cash_flow
from .view import CashFlowView

__all__ = ["CashFlowResult", "CashFlowView", "compute_cash_flow"]
