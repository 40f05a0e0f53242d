"""Returns of the project before funding: NPV, IRR, payback (plain and discounted) and break-even.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..costing import Flag
from ..finance import ONE, internal_rate_of_return, monthly_discount_factor, net_present_value, payback_month
from ..findings import Severity
from ..model import ConsortiumOption
from ..money import HUNDRED, ZERO, quantize
from .months import Projection

PCT_PLACES = Decimal("0.01")
IRR_PLACES = Decimal("0.0001")


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
    v = monthly_discount_factor(rate / HUNDRED)
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
