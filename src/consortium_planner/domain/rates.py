"""Statutory and reference rates by UK financial year (1 April to 31 March).

Pure values: the services layer reads ``resources/rates.toml`` (``services.rates``) and hands the
parsed dict to ``parse_rates``. Every rate carries its source, the date it takes effect and a
status mark (V checked, K widely used, U assumption), so the investment case can list its
assumptions. Percentages are percentage points (``Decimal("15")`` is 15%), as in ``model``.

``rates_for(table, day)`` finds the year in force; a day beyond the last known year gets the
last year's rates with ``extrapolated=True`` and a message to show the user.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "RATE_FIELDS",
    "Provenance",
    "RateField",
    "RateItem",
    "RateLookup",
    "RateTable",
    "RateYear",
    "RatesError",
    "apply_overrides",
    "financial_year_label",
    "financial_year_start",
    "parse_rates",
    "rates_for",
    "replace_rate",
]


class RatesError(ValueError):
    """A rates table (file or overrides) that cannot be used; the message names the entry."""


@dataclass(frozen=True, slots=True)
class RateField:
    name: str
    label: str
    unit: str  # "£/hour", "£/year", "£/mile", "%"
    required: bool = True


RATE_FIELDS: tuple[RateField, ...] = (
    RateField("national_living_wage", "National Living Wage (21 and over)", "£/hour"),
    RateField("youth_rate_18_20", "National Minimum Wage (18 to 20)", "£/hour"),
    RateField("real_living_wage", "Real Living Wage", "£/hour"),
    RateField("real_living_wage_london", "London Living Wage", "£/hour"),
    RateField("employer_ni_pct", "Employer National Insurance", "%"),
    RateField("ni_secondary_threshold", "Employer NI secondary threshold", "£/year"),
    RateField("ae_employer_pct", "Auto-enrolment employer contribution", "%"),
    RateField("ae_lower_limit", "Auto-enrolment qualifying earnings: lower limit", "£/year"),
    RateField("ae_upper_limit", "Auto-enrolment qualifying earnings: upper limit", "£/year"),
    RateField("nhs_employer_pct", "NHS Pension employer contribution", "%"),
    RateField("nhs_admin_pct", "NHS Pension administration levy", "%"),
    RateField("holiday_pct", "Holiday accrual for irregular hours", "%"),
    RateField("mileage_rate", "Mileage allowance", "£/mile"),
    RateField("homecare_minimum_price", "Homecare Association minimum price", "£/hour", required=False),
)
_FIELD_BY_NAME = {f.name: f for f in RATE_FIELDS}


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a rate comes from."""

    source: str
    effective: dt.date | None = None
    status: str = ""  # "V", "K" or "U" (DOMAIN.md marks)
    carried_forward: bool = False  # not given for this year: copied from the year before
    overridden: bool = False  # changed in this workspace


@dataclass(frozen=True, slots=True)
class RateItem:
    """One rate of one year, ready for an assumptions table."""

    name: str
    label: str
    unit: str
    value: Decimal | None
    provenance: Provenance | None


@dataclass(frozen=True, slots=True)
class RateYear:
    """The rates of one financial year. Money in pounds, percentages in points."""

    label: str  # "2025/26"
    starts: dt.date  # 1 April
    national_living_wage: Decimal
    youth_rate_18_20: Decimal
    real_living_wage: Decimal
    real_living_wage_london: Decimal
    employer_ni_pct: Decimal
    ni_secondary_threshold: Decimal
    ae_employer_pct: Decimal
    ae_lower_limit: Decimal
    ae_upper_limit: Decimal
    nhs_employer_pct: Decimal
    nhs_admin_pct: Decimal
    holiday_pct: Decimal
    mileage_rate: Decimal
    homecare_minimum_price: Decimal | None = None
    provenance: tuple[tuple[str, Provenance], ...] = ()

    @property
    def ends(self) -> dt.date:
        """The last day of the year (31 March)."""
        return _add_year(self.starts) - dt.timedelta(days=1)

    def source(self, name: str) -> Provenance | None:
        for n, p in self.provenance:
            if n == name:
                return p
        return None

    def items(self) -> tuple[RateItem, ...]:
        return tuple(
            RateItem(f.name, f.label, f.unit, getattr(self, f.name), self.source(f.name)) for f in RATE_FIELDS
        )

    def contains(self, day: dt.date) -> bool:
        return self.starts <= day <= self.ends


@dataclass(frozen=True, slots=True)
class RateTable:
    years: tuple[RateYear, ...]  # sorted by start, no overlaps

    def __post_init__(self) -> None:
        if not self.years:
            raise RatesError("a rates table needs at least one financial year")

    @property
    def first(self) -> RateYear:
        return self.years[0]

    @property
    def last(self) -> RateYear:
        return self.years[-1]

    def labels(self) -> tuple[str, ...]:
        return tuple(y.label for y in self.years)

    def get(self, label: str) -> RateYear | None:
        for y in self.years:
            if y.label == label:
                return y
        return None


@dataclass(frozen=True, slots=True)
class RateLookup:
    """The rates in force on ``on``. ``extrapolated`` when no known year covers the day."""

    on: dt.date
    year: RateYear
    extrapolated: bool = False
    message: str = ""


# --------------------------------------------------------------------------- financial years


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year that contains ``day``."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def financial_year_label(day: dt.date) -> str:
    """``"2025/26"`` for any day from 1 April 2025 to 31 March 2026."""
    y = financial_year_start(day).year
    return f"{y}/{(y + 1) % 100:02d}"


def _add_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def rates_for(table: RateTable, on: dt.date) -> RateLookup:
    """The year in force on ``on``; outside the known years, the nearest one, flagged."""
    in_force = None
    for y in table.years:
        if y.starts <= on:
            in_force = y
    if in_force is None:
        first = table.first
        return RateLookup(
            on,
            first,
            True,
            f"No rates are known for {financial_year_label(on)} (before {first.label}); "
            f"using {first.label} rates.",
        )
    if on > in_force.ends:
        wanted = financial_year_label(on)
        last_known = table.last.label
        return RateLookup(
            on,
            in_force,
            True,
            f"{wanted} lies beyond the last rates known ({last_known}); using {in_force.label} rates. "
            "Check the National Living Wage and other rates for that year.",
        )
    return RateLookup(on, in_force)


# --------------------------------------------------------------------------- parsing

_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def _to_decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise RatesError(f"{where}: expected a number, got {value!r}")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))  # shortest repr: 12.21 stays 12.21
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip().removeprefix("£").replace(",", "").removesuffix("%"))
        except InvalidOperation:
            raise RatesError(f"{where}: {value!r} is not a number") from None
    else:
        raise RatesError(f"{where}: expected a number, got {type(value).__name__}")
    if not d.is_finite():
        raise RatesError(f"{where}: {value!r} is not a finite number")
    if d < 0:
        raise RatesError(f"{where}: must not be negative (got {d})")
    if d > _MAX_RATE:
        raise RatesError(f"{where}: {d:.6g} is too large (a reference rate is at most {_MAX_RATE:,})")
    return d


_MAX_RATE = Decimal(10) ** 9  # a rate a year, a wage or a threshold: far above any real one, far below overflow


def _to_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RatesError(f"{where}: {value!r} is not a date (use YYYY-MM-DD)")


def _label_start(label: str) -> dt.date:
    m = _LABEL.match(label.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise RatesError(f"rates year {label!r}: name financial years like '2025/26'")
    return dt.date(int(m.group(1)), 4, 1)


def _entry(name: str, raw: Any, where: str, *, overridden: bool = False,
           default_effective: dt.date | None = None) -> tuple[Decimal, Provenance]:
    """A rate given either as a bare number or as ``{value, source, effective, status}``."""
    if isinstance(raw, Mapping):
        if "value" not in raw:
            raise RatesError(f"{where}: missing 'value'")
        value = _to_decimal(raw["value"], where)
        eff = raw.get("effective")
        prov = Provenance(
            source=str(raw.get("source", "Workspace override" if overridden else "")),
            effective=_to_date(eff, f"{where} effective") if eff is not None else default_effective,
            status=str(raw.get("status", "U" if overridden else "")),
            carried_forward=bool(raw.get("carried_forward", False)),
            overridden=overridden or bool(raw.get("overridden", False)),
        )
        return value, prov
    value = _to_decimal(raw, where)
    return value, Provenance(
        source="Workspace override" if overridden else "",
        effective=default_effective,
        status="U" if overridden else "",
        overridden=overridden,
    )


def _carried(prev: RateYear, name: str) -> tuple[Decimal | None, Provenance]:
    p = prev.source(name)
    source = f"Carried forward from {prev.label}" + (f": {p.source}" if p and p.source else "")
    return getattr(prev, name), Provenance(source, p.effective if p else None, "U", carried_forward=True)


def _build_year(label: str, body: Mapping[str, Any], prev: RateYear | None, *, overridden: bool = False,
                base: RateYear | None = None) -> RateYear:
    where = f"rates {label}"
    if not isinstance(body, Mapping):
        raise RatesError(f"{where}: expected a table of rates")
    unknown = sorted(k for k in body if k not in _FIELD_BY_NAME and k != "starts")
    if unknown:
        raise RatesError(f"{where}: unknown rate(s) {', '.join(unknown)}")
    starts = _to_date(body["starts"], f"{where} starts") if "starts" in body else (
        base.starts if base else _label_start(label))
    if starts != _label_start(label):
        raise RatesError(f"{where}: starts {starts.isoformat()}, but financial years start on 1 April")
    values: dict[str, Any] = {}
    provenance: list[tuple[str, Provenance]] = []
    for f in RATE_FIELDS:
        v: Decimal | None
        p: Provenance | None
        if f.name in body:
            v, p = _entry(f.name, body[f.name], f"{where} {f.name}", overridden=overridden,
                          default_effective=starts)
        elif base is not None:
            v, p = getattr(base, f.name), base.source(f.name)
        elif prev is not None:
            v, p = _carried(prev, f.name)
        elif f.required:
            raise RatesError(f"{where}: {f.label} ({f.name}) is missing")
        else:
            v, p = None, None
        values[f.name] = v
        if p is not None:
            provenance.append((f.name, p))
    year = RateYear(label=label, starts=starts, provenance=tuple(provenance), **values)
    if year.ae_upper_limit < year.ae_lower_limit:
        raise RatesError(f"{where}: auto-enrolment upper limit is below the lower limit")
    for name in ("employer_ni_pct", "ae_employer_pct", "nhs_employer_pct", "nhs_admin_pct", "holiday_pct"):
        if getattr(year, name) > 100:
            raise RatesError(f"{where}: {name} must be at most 100%")
    return year


def parse_rates(data: Mapping[str, Any]) -> RateTable:
    """Build a RateTable from an already-parsed dict (the TOML document).

    Shape: ``{"years": {"2025/26": {"starts": date, "national_living_wage": {"value": ...,
    "source": ..., "effective": date, "status": "V"}, ...}}}``; a rate may also be a bare number.
    The earliest year must give every required rate; later years carry forward what they omit
    (flagged as carried forward, status U).
    """
    years = data.get("years") if isinstance(data, Mapping) else None
    if not isinstance(years, Mapping) or not years:
        raise RatesError("rates: no [years.\"YYYY/YY\"] tables found")
    ordered = sorted(years.items(), key=lambda kv: _label_start(str(kv[0])))
    built: list[RateYear] = []
    for label, body in ordered:
        built.append(_build_year(str(label), body, built[-1] if built else None))
    return RateTable(tuple(built))


def apply_overrides(table: RateTable, overrides: Mapping[str, Any]) -> RateTable:
    """A new table with a workspace's changes applied.

    ``overrides`` maps a year label to the rates to change, each a bare number or a
    ``{value, source, effective, status}`` table (also accepted under a top-level ``"years"``).
    Changed rates are marked ``overridden``. A year not in the table is added, starting from the
    year before it (or the first year) with its rates carried forward.
    """
    if "years" in overrides and isinstance(overrides["years"], Mapping):
        overrides = overrides["years"]
    years = {y.label: y for y in table.years}
    for label in sorted(overrides, key=lambda s: _label_start(str(s))):
        body = overrides[label]
        label = str(label)
        base = years.get(label)
        if base is None:
            start = _label_start(label)
            before = [y for y in years.values() if y.starts < start]
            prev = max(before, key=lambda y: y.starts) if before else min(years.values(), key=lambda y: y.starts)
            carried = _build_year(label, {}, prev)
            years[label] = _build_year(label, body, None, overridden=True, base=carried)
        else:
            years[label] = _build_year(label, body, None, overridden=True, base=base)
    return RateTable(tuple(sorted(years.values(), key=lambda y: y.starts)))


def replace_rate(year: RateYear, **changes: Decimal) -> RateYear:
    """A copy of ``year`` with some rates changed (for tests and what-ifs), marked overridden."""
    prov = dict(year.provenance)
    for name in changes:
        if name not in _FIELD_BY_NAME:
            raise RatesError(f"unknown rate {name}")
        prov[name] = Provenance("Changed for this analysis", year.starts, "U", overridden=True)
    fields: dict[str, Any] = {**changes, "provenance": tuple(prov.items())}
    return dataclasses.replace(year, **fields)
