"""Field descriptions shared by every layer.

Each entity is a frozen dataclass whose fields carry a ``FieldSpec`` in their metadata. The spec
is the single statement of a field: its label, kind (money, percentage, date, choice, reference,
...), limits and help text. The store derives its tables from it, validation its rules, and the
GUI its columns, editors and formatting, so a new field is added in one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Self

from .money import MoneyError, parse_decimal, quantize


class Kind(enum.Enum):
    ID = "id"
    REF = "ref"  # integer id of another entity
    TEXT = "text"
    LONGTEXT = "longtext"
    INT = "int"
    DECIMAL = "decimal"
    PERCENT = "percent"  # percentage points: Decimal("25") is 25%
    MONEY = "money"  # Decimal pounds, stored as integer pence
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # an enum.Enum subclass; stored by value


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: Kind
    label: str
    required: bool = False  # a value must be given (None is refused)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: type[enum.Enum] | None = None
    ref: str | None = None  # entity name the REF points at
    cascade: bool = True  # deleting the referenced row deletes this one (else: set to None / refuse)
    unit: str = ""
    help: str = ""
    places: int = 2  # decimals shown for DECIMAL/PERCENT


class ChoiceEnum(enum.Enum):
    """Enum whose members carry a human label: ``Member = ("value", "Label")``."""

    label: str
    _value_: str

    def __new__(cls, value: str, label: str) -> Self:
        obj = object.__new__(cls)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def from_value(cls, value: str | ChoiceEnum) -> Self:
        if isinstance(value, cls):
            return value
        for member in cls:
            if value in (member.value, member.label, member.name):
                return member
        raise ValueError(f"{value!r} is not one of: {', '.join(m.label for m in cls)}")


def _d(value: int | str | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def spec_field(kind: Kind, label: str, *, default: Any = None, **kw: Any) -> Any:
    for key in ("minimum", "maximum"):
        if key in kw:
            kw[key] = _d(kw[key])
    return dataclasses.field(default=default, metadata={"spec": FieldSpec(kind, label, **kw)})


def id_field() -> Any:
    return spec_field(Kind.ID, "Id")


def ref(entity: str, label: str, *, required: bool = True, cascade: bool = True, **kw: Any) -> Any:
    return spec_field(Kind.REF, label, ref=entity, required=required, cascade=cascade, **kw)


def text(label: str, *, default: str = "", **kw: Any) -> Any:
    return spec_field(Kind.TEXT, label, default=default, **kw)


def longtext(label: str, *, default: str = "", **kw: Any) -> Any:
    return spec_field(Kind.LONGTEXT, label, default=default, **kw)


def integer(label: str, *, default: int | None = 0, minimum: int | None = 0, **kw: Any) -> Any:
    return spec_field(Kind.INT, label, default=default, minimum=minimum, **kw)


def decimal(label: str, *, default: str | None = "0", minimum: str | int | None = 0, **kw: Any) -> Any:
    return spec_field(Kind.DECIMAL, label, default=_d(default), minimum=minimum, **kw)


def percent(label: str, *, default: str | None = "0", minimum: str | int | None = 0,
            maximum: str | int | None = 100, **kw: Any) -> Any:
    kw.setdefault("places", 0)
    return spec_field(Kind.PERCENT, label, default=_d(default), minimum=minimum, maximum=maximum,
                      unit="%", **kw)


def money(label: str, *, default: str | None = "0", minimum: str | int | None = 0, **kw: Any) -> Any:
    value = _d(default)
    return spec_field(Kind.MONEY, label, default=None if value is None else quantize(value), minimum=minimum,
                      unit="£", **kw)


def optional_money(label: str, *, minimum: str | int | None = 0, **kw: Any) -> Any:
    """Money that may be 'not given' (None): missing figures are never read as zero."""
    return money(label, default=None, minimum=minimum, **kw)


def date(label: str, *, required: bool = False, **kw: Any) -> Any:
    return spec_field(Kind.DATE, label, required=required, **kw)


def boolean(label: str, *, default: bool = False, **kw: Any) -> Any:
    return spec_field(Kind.BOOL, label, default=default, **kw)


def choice(enum_type: type[enum.Enum], label: str, default: enum.Enum, **kw: Any) -> Any:
    return spec_field(Kind.CHOICE, label, default=default, choices=enum_type, required=True, **kw)


def specs(entity_type: type) -> Mapping[str, FieldSpec]:
    """Field name → spec, in declaration order (computed once per entity type; read-only)."""
    # A plain function in front of the cache: mypy does not take an entity class (a frozen
    # dataclass, whose instances define __hash__) for the Hashable the cache's signature asks.
    return _specs(entity_type)


@functools.cache
def _specs(entity_type: type) -> Mapping[str, FieldSpec]:
    return MappingProxyType({f.name: f.metadata["spec"] for f in dataclasses.fields(entity_type)
                             if "spec" in f.metadata})


class FieldError(ValueError):
    """A value refused for a field; the message names the entity and field."""

    def __init__(self, entity: str, field: str, message: str):
        super().__init__(f"{entity} — {field}: {message}")
        self.entity = entity
        self.field = field
        self.reason = message


def field_tooltip(cls: type, name: str) -> str:
    """What a field's tooltip says, from its spec: its help, the unit, the values allowed and the default
    (the program's own, unless the help names a source)."""
    spec = specs(cls)[name]
    parts = [spec.help if spec.help.endswith((".", "]", ")")) else spec.help + "."] if spec.help else []
    kind = spec.kind
    if kind in (Kind.INT, Kind.DECIMAL, Kind.PERCENT, Kind.MONEY):
        unit = {"%": "%", "£": ""}.get(spec.unit, f" {spec.unit}" if spec.unit else "")
        pound = "£" if spec.unit == "£" else ""
        low = f"{pound}{spec.minimum:,}{unit}" if spec.minimum is not None else None
        high = f"{pound}{spec.maximum:,}{unit}" if spec.maximum is not None else None
        if low and high:
            parts.append(f"Allowed: {low} to {high}.")
        elif low:
            parts.append(f"Allowed: {low} or more.")
        elif high:
            parts.append(f"Allowed: up to {high}.")
        if spec.unit == "%":
            parts.append("In percentage points: 25 means 25%.")
    elif kind is Kind.DATE:
        parts.append("A date as DD/MM/YYYY.")
    elif kind is Kind.CHOICE and spec.choices is not None:
        parts.append("One of: " + ", ".join(getattr(m, "label", str(m.value)) for m in spec.choices) + ".")
    if spec.required:
        parts.append("Required.")
    default = next((f.default for f in dataclasses.fields(cls) if f.name == name), dataclasses.MISSING)
    if default not in (dataclasses.MISSING, None, "") and kind not in (Kind.ID, Kind.REF):
        shown = getattr(default, "label", default)
        parts.append(f"Default: {shown}{'%' if spec.unit == '%' else ''} (the program's; change it where you know "
                     "better).")
    return " ".join(parts)


def coerce(spec: FieldSpec, value: Any, *, entity: str = "", name: str = "") -> Any:
    """Turn user input (text, numbers, enum labels) into the field's Python value, or raise.

    The message names the field by its label. Blank text means 'not given' (None) for optional
    fields; for required ones it is refused.
    """
    label = spec.label or name

    def fail(message: str) -> FieldError:
        return FieldError(entity, label, message)

    if isinstance(value, str) and value.strip() == "" and spec.kind not in (Kind.TEXT, Kind.LONGTEXT):
        value = None
    if value is None:
        if spec.required:
            raise fail("a value is required")
        return None
    kind = spec.kind
    if kind in (Kind.TEXT, Kind.LONGTEXT):
        if not isinstance(value, str):
            raise fail(f"expected text, got {value!r}")
        text = value.strip() if kind is Kind.TEXT else value
        if spec.required and not text:
            raise fail("a value is required")
        if kind is Kind.TEXT and len(text) > MAX_TEXT:
            raise fail(f"is longer than {MAX_TEXT} characters")
        if kind is Kind.LONGTEXT and len(text) > MAX_LONGTEXT:
            raise fail(f"is {len(text):,} characters long: at most {MAX_LONGTEXT:,} (about 3,000 words) fit a "
                       "section of the investment case; keep the detail in an appendix of your own")
        return text
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "true", "y", "1"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("no", "false", "n", "0"):
            return False
        raise fail(f"expected yes or no, got {value!r}")
    if kind is Kind.CHOICE:
        assert spec.choices is not None
        try:
            if issubclass(spec.choices, ChoiceEnum):
                return spec.choices.from_value(value)
            return spec.choices(value)
        except ValueError as exc:
            raise fail(str(exc)) from None
    if kind is Kind.DATE:
        day: dt.date | None = None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, str):
            for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"):
                try:
                    day = dt.datetime.strptime(value.strip(), fmt).date()
                    break
                except ValueError:
                    continue
        if day is None:
            raise fail(f"{value!r} is not a date (use DD/MM/YYYY)")
        if not FIRST_DATE <= day <= LAST_DATE:
            raise fail(f"{day.strftime('%d/%m/%Y')} is outside the dates a plan can use "
                       f"({FIRST_DATE.strftime('%d/%m/%Y')} to {LAST_DATE.strftime('%d/%m/%Y')})")
        return day
    if kind in (Kind.ID, Kind.REF, Kind.INT):
        if isinstance(value, bool):
            raise fail(f"expected a whole number, got {value!r}")
        if isinstance(value, int):
            v = value
        else:
            try:
                d = parse_decimal(value if not isinstance(value, float) else str(value), what=label)
            except MoneyError:
                raise fail(f"{str(value).strip()!r} is not a whole number") from None
            if d != d.to_integral_value():
                raise fail(f"{value} is not a whole number")
            v = int(d)
        _check_range(spec, Decimal(v), fail)
        return v
    # DECIMAL, PERCENT, MONEY
    if isinstance(value, float):
        # A float can only reach here from a spreadsheet cell or a test; go through its shortest repr.
        value = repr(value)
    try:
        d = parse_decimal(value, what=label)
    except MoneyError:
        raise fail(f"{str(value).strip()!r} is not a number") from None
    if kind is Kind.MONEY:
        d = quantize(d)
    _check_range(spec, d, fail)
    return d


# Bounds on every number and date a user can enter, so that what is accepted can be computed: no figure
# in a consortium's plan comes near a trillion (pounds, hours or people), and a plan's dates are this
# side of 2200 (a start date of 31/12/9999 would put its contract end past the last date Python has).
MAX_MAGNITUDE = Decimal(10) ** 12
MAX_TEXT = 500  # a name, a place, a short answer
MAX_LONGTEXT = 20_000  # a narrative: a few pages of the investment case
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)


def _check_range(spec: FieldSpec, value: Decimal, fail: Callable[[str], FieldError]) -> None:
    unit = spec.unit
    if abs(value) > MAX_MAGNITUDE:
        raise fail(f"{value:.6g} is too large: at most {MAX_MAGNITUDE:,} either way")
    if spec.minimum is not None and value < spec.minimum:
        if spec.minimum == 0:
            raise fail(f"must not be negative (got {value}{'%' if unit == '%' else ''})")
        raise fail(f"must be at least {spec.minimum}{'%' if unit == '%' else ''} (got {value})")
    if spec.maximum is not None and value > spec.maximum:
        raise fail(f"must be at most {spec.maximum}{'%' if unit == '%' else ''} (got {value})")
