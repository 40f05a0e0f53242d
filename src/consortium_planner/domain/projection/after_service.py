"""What the returns owe to cash that comes in after the service ends.

Invoices are paid months after the work, and working capital comes back as the service winds down, so
the projection runs on after the last month of service ("run-off"). An NPV, IRR or payback that is
reached only with that cash relies on the buyer paying the last invoices and on the consortium
collecting them: a reader should be told. ``after_service`` splits the project's cash flows before
funding at the end of the service and re-computes NPV and IRR on the service months alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..finance import internal_rate_of_return, net_present_value
from ..money import HUNDRED, ZERO, quantize
from .appraisal import IRR_PLACES, Returns
from .months import Projection

__all__ = ["AfterService", "after_service"]


@dataclass(frozen=True, slots=True)
class AfterService:
    run_off_cash: Decimal  # cash flow before funding after the last month of service
    cumulative_at_service_end: Decimal  # cumulative cash flow before funding at the end of the service
    npv_to_service_end: Decimal  # NPV of the flows up to the end of the service, to the penny
    irr_to_service_end_pct: Decimal | None
    payback_after_service: bool  # the cumulative cash is back to zero only after the service ends
    npv_relies_on_it: bool  # the NPV is positive only with the run-off cash
    irr_relies_on_it: bool  # an IRR exists above the discount rate only with the run-off cash


def after_service(projection: Projection, returns: Returns) -> AfterService:
    flows = [m.cash_before_funding for m in projection.months]
    service = [m.cash_before_funding for m in projection.months if m.starts <= projection.service_end]
    run_off = sum(flows[len(service):], ZERO)
    npv_service = quantize(net_present_value(service, returns.discount_rate_pct)) if service else ZERO
    irr = internal_rate_of_return(service, returns.discount_rate_pct / HUNDRED) if service else None
    irr_pct = (irr.rate * HUNDRED).quantize(IRR_PLACES) if irr is not None and irr.rate is not None else None
    beats = returns.irr_pct is not None and returns.irr_pct > returns.discount_rate_pct
    beats_without = irr_pct is not None and irr_pct > returns.discount_rate_pct
    return AfterService(
        run_off_cash=run_off, cumulative_at_service_end=sum(service, ZERO), npv_to_service_end=npv_service,
        irr_to_service_end_pct=irr_pct,
        payback_after_service=returns.payback_date is not None and returns.payback_date > projection.service_end,
        npv_relies_on_it=returns.npv > 0 and npv_service <= 0,
        irr_relies_on_it=beats and not beats_without)
