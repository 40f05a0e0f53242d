"""What the Cash flow tab shows: the option's capital analysis (projection, funding, returns), with or
without the extension years (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.model import ConsortiumOption, Structure, Tender
from ...domain.projection import Capital
from ...domain.tasks import NEVER, CancelToken
from ...services import analyses


@dataclass(frozen=True, slots=True)
class CashFlowResult:
    option_id: int
    option_name: str
    structure: Structure
    tender_name: str
    extension_years: int  # the tender's (0: nothing to include)
    capital: Capital

    @property
    def include_extensions(self) -> bool:
        return self.capital.projection.include_extensions


def compute_cash_flow(ws, option_id: int, include_extensions: bool = False,
                      cancelled: CancelToken = NEVER) -> CashFlowResult:
    """The option's capital analysis from the services (extensions: the domain with the services' inputs)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError("the option no longer exists")
    tender = ws.get(Tender, option.tender_id)
    extensions = tender.extension_years if tender is not None else 0
    name = "capital_with_extensions" if include_extensions and extensions > 0 else "capital"
    capital = analyses.one(ws, option_id, name, cancelled=cancelled)
    return CashFlowResult(option_id, option.name, option.structure, tender.name if tender else "", extensions,
                          capital)


__all__ = ["CashFlowResult", "compute_cash_flow"]
