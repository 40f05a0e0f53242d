"""How values look on screen: en-GB, pounds, dd/mm/yyyy. Presentation only, no logic."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from ..domain.fields import FieldSpec, Kind
from ..domain.money import format_decimal, format_gbp

NOT_GIVEN = "not given"


def display(spec: FieldSpec, value: Any, ref_name: str = "") -> str:
    k = spec.kind
    if value is None:
        if k in (Kind.MONEY, Kind.DECIMAL, Kind.PERCENT, Kind.INT, Kind.DATE):
            return NOT_GIVEN if k is not Kind.DATE else ""
        return ref_name if k is Kind.REF else ""
    if k is Kind.MONEY:
        return format_gbp(value)
    if k is Kind.PERCENT:
        return f"{format_decimal(value, _places(value, spec.places))}%"
    if k is Kind.DECIMAL:
        return format_decimal(value, _places(value, spec.places))
    if k is Kind.INT:
        return f"{value:,}"
    if k is Kind.DATE:
        return value.strftime("%d/%m/%Y")
    if k is Kind.BOOL:
        return "Yes" if value else "No"
    if k is Kind.CHOICE:
        return getattr(value, "label", str(value))
    if k is Kind.REF:
        return ref_name
    return str(value)


def _places(value: Decimal, places: int) -> int:
    """Show the spec's places, but never hide digits the user typed (up to 4)."""
    exponent = value.normalize().as_tuple().exponent
    typed = max(0, -exponent) if isinstance(exponent, int) else 0
    return min(max(places, typed), 4)


def edit_text(spec: FieldSpec, value: Any) -> str:
    """The text an editor starts with: plain, no thousands separators, no £."""
    if value is None:
        return ""
    if spec.kind in (Kind.MONEY, Kind.DECIMAL, Kind.PERCENT):
        return format(value, "f")
    if spec.kind is Kind.DATE and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, enum.Enum):
        return getattr(value, "label", str(value.value))
    return str(value)


def is_numeric(spec: FieldSpec) -> bool:
    return spec.kind in (Kind.MONEY, Kind.DECIMAL, Kind.PERCENT, Kind.INT)


def sort_key(spec: FieldSpec, value: Any, ref_name: str = "") -> Any:
    """A value that sorts sensibly, with missing values first."""
    if value is None:
        return (0, "")
    if spec.kind is Kind.REF:
        return (1, ref_name.casefold())
    if isinstance(value, enum.Enum):
        return (1, getattr(value, "label", str(value.value)).casefold())
    if isinstance(value, str):
        return (1, value.casefold())
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, Decimal | int):
        return (1, value)
    return (1, value)
