"""Financial standing: one year's line items of an organisation or a combination, summed across
organisations (an item is not given when anyone did not give it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ..fields import specs
from ..model import FinancialYear
from ..money import ZERO

LINE_ITEMS: tuple[str, ...] = (
    "turnover", "operating_surplus", "ebitda", "depreciation", "interest", "tax", "operating_cash_flow",
    "capex", "dividends", "current_assets", "inventory", "current_liabilities", "total_assets",
    "total_liabilities", "cash", "borrowings", "free_reserves", "expenditure",
)


_FY_SPECS = specs(FinancialYear)


def item_label(name: str) -> str:
    """A line item's name in a sentence: 'current liabilities', 'EBITDA', 'net assets'."""
    if name == "net_assets":
        return "net assets"
    label = _FY_SPECS[name].label
    return label if label[:2].isupper() else label[0].lower() + label[1:]


@dataclass(frozen=True, slots=True)
class LineItems:
    """One year's figures for one organisation or a combination (sums). None is "not given"."""

    year_end: dt.date | None = None
    turnover: Decimal | None = None
    operating_surplus: Decimal | None = None
    ebitda: Decimal | None = None
    depreciation: Decimal | None = None
    interest: Decimal | None = None
    tax: Decimal | None = None
    operating_cash_flow: Decimal | None = None
    capex: Decimal | None = None
    dividends: Decimal | None = None
    current_assets: Decimal | None = None
    inventory: Decimal | None = None
    current_liabilities: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    cash: Decimal | None = None
    borrowings: Decimal | None = None
    free_reserves: Decimal | None = None
    expenditure: Decimal | None = None
    names: tuple[str, ...] = ()  # organisations summed
    gaps: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (line item, organisations that did not give it)
    ebitda_derived: bool = False  # EBITDA was operating surplus + depreciation for someone

    @property
    def net_assets(self) -> Decimal | None:
        if self.total_assets is None or self.total_liabilities is None:
            return None
        return self.total_assets - self.total_liabilities

    @property
    def net_debt(self) -> Decimal | None:
        if self.borrowings is None or self.cash is None:
            return None
        return self.borrowings - self.cash

    def value(self, name: str) -> Decimal | None:
        return self.net_assets if name == "net_assets" else getattr(self, name)

    def missing(self, *names: str) -> tuple[str, ...]:
        """Human descriptions of the named items that are not given ("inventory (Beta CIC)")."""
        gaps = dict(self.gaps)
        out = []
        for n in names:
            if getattr(self, n) is None:
                who = gaps.get(n, ())
                out.append(f"{item_label(n)} ({', '.join(who)})" if who and len(self.names) > 1 else item_label(n))
        return tuple(out)


def line_items(fy: FinancialYear | None, name: str = "") -> LineItems:
    """A FinancialYear's figures (EBITDA derived from surplus + depreciation when not given)."""
    if fy is None:
        return LineItems(names=(name,) if name else (),
                         gaps=tuple((f, (name,) if name else ()) for f in LINE_ITEMS))
    values = {f: getattr(fy, f) for f in LINE_ITEMS}
    derived = False
    if values["ebitda"] is None and fy.operating_surplus is not None and fy.depreciation is not None:
        values["ebitda"] = fy.operating_surplus + fy.depreciation
        derived = True
    gaps = tuple((f, (name,) if name else ()) for f in LINE_ITEMS if values[f] is None)
    return LineItems(year_end=fy.year_end, names=(name,) if name else (), gaps=gaps, ebitda_derived=derived,
                     **values)


def combine(parts: Sequence[LineItems]) -> LineItems:
    """Sum line items across organisations. An item is not given if any part did not give it.

    ``year_end`` is the latest of the parts' year ends.
    """
    if len(parts) == 1:
        return parts[0]
    values: dict[str, Decimal | None] = {}
    gaps = []
    for f in LINE_ITEMS:
        got = [getattr(p, f) for p in parts]
        if parts and all(v is not None for v in got):
            values[f] = sum(got, ZERO)
        else:
            values[f] = None
            gaps.append((f, tuple(n for p in parts if getattr(p, f) is None for n in (p.names or ("?",)))))
    ends = [p.year_end for p in parts if p.year_end is not None]
    return LineItems(year_end=max(ends) if ends else None, names=tuple(n for p in parts for n in p.names),
                     gaps=tuple(gaps), ebitda_derived=any(p.ebitda_derived for p in parts), **values)


def with_extra(items: LineItems, item: str, amount: Decimal) -> LineItems:
    """``items`` with ``amount`` added to one line item ("net_assets" adds to total assets)."""
    name = "total_assets" if item == "net_assets" else item
    current = getattr(items, name)
    if current is None:
        return items
    return replace(items, **{name: current + amount})
