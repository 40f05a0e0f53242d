"""The Excel templates' layouts, declared once from the entities' field specs.

Two templates: **organisations** (sheets Organisations, Accounts, Capacity, Cost profiles and
Roles) and **tender requirements** (sheet Requirements, imported into a tender the user
chooses). Each sheet is a ``SheetLayout``: the entity it fills, its columns in order and which of
them form the row's key. Columns come from the entity's ``FieldSpec``s (header = the field's
label, with "(£)" or "(%)" added for money and percentages), so a field added to the model appears
in the templates, their validations and the import without further work. A child sheet starts
with the columns that name its parent ("Organisation" on Accounts; "Organisation" and "Service
line" on Roles; "Lot" on Requirements).

The writer (``reports.templates``) and the importer (``services.template_import``) both read
these layouts, so what is written is what is read.

**The example row.** A blank template carries one example row per sheet, directly under the
header, whose first cell begins with ``Example:`` (e.g. "Example: Riverside Care CIC"). The
importer skips a row whose first column begins with ``Example:`` only when the rest of it is
still exactly the template's example. A changed one is read as real data if its first cell names
something already in the workspace (an organisation really called "Example: ..." goes round trip),
and is otherwise a problem, so nothing typed into it is silently dropped. See
``is_example_marker``, ``same_value`` and ``template_import._SheetReader.rows``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.fields import FieldSpec, Kind, coerce, specs
from ..domain.model import (
    Capacity,
    CostProfile,
    Entity,
    FinancialYear,
    Lot,
    Organisation,
    Requirement,
    Role,
    key,
)
from ..domain.workspace import Workspace
from .importing import natural_key

EXAMPLE_PREFIX = "Example:"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"  # hidden sheet holding long choice lists for data validation
HELPER_SHEETS = (INSTRUCTIONS_SHEET, LISTS_SHEET)

# The hints added to headers and tolerated (or left out) when reading them back.
MONEY_HINT = "(£)"
PERCENT_HINT = "(%)"
TOLERATED_SUFFIXES = ("(£)", "(%)", "(optional)", "(required)", "*")


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """One template column: an entity field, or a parent's name that resolves a reference."""

    name: str  # the entity field, or for a parent column "organisation", "cost_profile", "lot"
    header: str  # as written in the template
    spec: FieldSpec  # the field's spec; for a parent column, a text spec describing it
    parent: bool = False  # names a parent row instead of holding a field value
    resolves: str = ""  # for a parent column: the reference field it helps resolve
    key: bool = False  # part of the row's natural key
    required: bool = False  # the column must be present (a key, or a field that must be given)
    default: Any = None  # the field's default; see ``blank``

    @property
    def blank(self) -> str:
        """What a blank cell means: "empty" text, "none" (not given), or "keep" (the current value;
        a new row gets the field's default)."""
        if self.kind in (Kind.TEXT, Kind.LONGTEXT) and not self.default:
            return "empty"
        return "none" if self.default is None else "keep"

    @property
    def kind(self) -> Kind:
        return self.spec.kind

    @property
    def label(self) -> str:
        return self.spec.label


@dataclass(frozen=True, slots=True)
class SheetLayout:
    name: str
    entity: type[Entity]
    columns: tuple[ColumnLayout, ...]
    about: str  # one sentence for the Instructions sheet
    example: tuple[tuple[str, Any], ...] = ()  # column name → typed example value

    @property
    def key_columns(self) -> tuple[ColumnLayout, ...]:
        return tuple(c for c in self.columns if c.key)

    @property
    def required_columns(self) -> tuple[ColumnLayout, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def marker_column(self) -> ColumnLayout:
        """The column whose cell carries the ``Example:`` marker: always the first (a required key)."""
        return self.columns[0]

    def column(self, name: str) -> ColumnLayout:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def example_values(self) -> dict[str, Any]:
        return dict(self.example)


@dataclass(frozen=True, slots=True)
class TemplateLayout:
    name: str  # "organisations" | "requirements"
    title: str  # "Organisations", "Tender requirements"
    what: str  # for ImportPlan.what
    sheets: tuple[SheetLayout, ...]  # in import order: parents first

    def sheet(self, name: str) -> SheetLayout | None:
        want = name.strip().casefold()
        return next((s for s in self.sheets if s.name.casefold() == want), None)


# ---------------------------------------------------------------------------------- building


def header_for(spec: FieldSpec) -> str:
    """The header a field gets: its label, plus "(£)" or "(%)" when the label does not say so."""
    label = spec.label
    if spec.kind is Kind.MONEY and "£" not in label:
        return f"{label} {MONEY_HINT}"
    if spec.kind is Kind.PERCENT and "%" not in label:
        return f"{label} {PERCENT_HINT}"
    return label


def _parent(name: str, label: str, resolves: str, *, required: bool = True, help: str = "") -> ColumnLayout:
    spec = FieldSpec(Kind.TEXT, label, required=required, help=help)
    return ColumnLayout(name=name, header=label, spec=spec, parent=True, resolves=resolves, key=True,
                        required=required, default="")


ORG_PARENT_HELP = ("The organisation's name, exactly as on the Organisations sheet or as already in the "
                   "workspace (capitals and extra spaces do not matter).")


def _field_columns(cls: type[Entity]) -> list[ColumnLayout]:
    keys = set(natural_key(cls) or ())
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    out: list[ColumnLayout] = []
    for name, spec in specs(cls).items():
        if spec.kind in (Kind.ID, Kind.REF):
            continue
        default = defaults.get(name)
        default = None if default is dataclasses.MISSING else default
        in_key = name in keys
        # a column must be there for a key, or for a field that must be given and has no default
        must = spec.required and default in (None, "")
        out.append(ColumnLayout(name=name, header=header_for(spec), spec=spec, key=in_key,
                                required=in_key or must, default=default))
    return out


def _typed_example(cls: type[Entity], columns: list[ColumnLayout], raw: dict[str, str]) -> tuple[tuple[str, Any], ...]:
    by_name = {c.name: c for c in columns}
    out = []
    for name, value in raw.items():
        col = by_name[name]  # a KeyError here is a mistake in this file's examples
        out.append((name, coerce(col.spec, value, entity=cls.label, name=name)))
    return tuple(out)


def sheet_layout(name: str, cls: type[Entity], about: str, parents: list[ColumnLayout],
                 example: dict[str, str]) -> SheetLayout:
    """A sheet's layout: parent columns, then the entity's fields in declaration order."""
    columns = parents + _field_columns(cls)
    # parent columns that are optional (Lot) go last: the first column must be a required key
    columns.sort(key=lambda c: c.parent and not c.required)
    assert columns[0].required and columns[0].key, f"{name}: the first column must be a required key"
    headers = [key(c.header) for c in columns]
    assert len(set(headers)) == len(headers), f"{name}: two columns share a header"
    return SheetLayout(name, cls, tuple(columns), about, _typed_example(cls, columns, example))


EXAMPLE_ORG = f"{EXAMPLE_PREFIX} Riverside Care CIC"

ORGANISATIONS = TemplateLayout(
    name="organisations",
    title="Organisations",
    what="organisations",
    sheets=(
        sheet_layout(
            "Organisations", Organisation,
            "One row per organisation: its name, kind, legal form and ownership.",
            [],
            {"name": EXAMPLE_ORG, "kind": "cic", "legal_form": "cic_guarantee", "employee_owned": "yes",
             "employee_ownership_pct": "51", "registered_charity": "no", "regulators": "CQC",
             "home_area": "Riverside", "areas_served": "Riverside; Northbank", "staff_headcount": "240",
             "notes": "This example row is never imported."},
        ),
        sheet_layout(
            "Accounts", FinancialYear,
            "One row per organisation and year end: figures from the accounts, in pounds. Leave a "
            "figure blank when the accounts do not give it (blank is 'not given', never zero).",
            [_parent("organisation", "Organisation", "organisation_id", help=ORG_PARENT_HELP)],
            {"organisation": EXAMPLE_ORG, "year_end": "31/03/2025", "turnover": "6200000",
             "operating_surplus": "186000", "ebitda": "240000", "depreciation": "54000", "interest": "8000",
             "tax": "0", "operating_cash_flow": "210000", "capex": "60000", "current_assets": "1450000",
             "current_liabilities": "980000", "total_assets": "2300000", "total_liabilities": "1250000",
             "cash": "620000", "borrowings": "150000", "free_reserves": "540000", "expenditure": "6014000"},
        ),
        sheet_layout(
            "Capacity", Capacity,
            "One row per organisation, service line and area: the units a year it can deliver now, "
            "how far that can grow and how soon.",
            [_parent("organisation", "Organisation", "organisation_id", help=ORG_PARENT_HELP)],
            {"organisation": EXAMPLE_ORG, "service_line": "Homecare", "area": "Riverside",
             "units_per_year": "120000", "unit": "contact hour", "max_growth_pct": "25", "lead_time_months": "3"},
        ),
        sheet_layout(
            "Cost profiles", CostProfile,
            "One row per organisation and service line: how a unit of service is costed.",
            [_parent("organisation", "Organisation", "organisation_id", help=ORG_PARENT_HELP)],
            {"organisation": EXAMPLE_ORG, "service_line": "Homecare", "unit": "contact hour",
             "travel_ratio": "0.2", "training_ratio": "0.03", "holiday_pct": "12.07", "sickness_pct": "2",
             "pension_scheme": "auto_enrolment", "pension_rate_pct": "3", "mileage_per_unit": "1.5",
             "non_pay_per_unit": "1.20", "fixed_costs_per_year": "85000"},
        ),
        sheet_layout(
            "Roles", Role,
            "One row per role in a cost profile (named by its organisation and service line): "
            "pay and hours.",
            [_parent("organisation", "Organisation", "cost_profile_id", help=ORG_PARENT_HELP),
             _parent("cost_profile", "Service line", "cost_profile_id",
                     help="The service line of one of the organisation's cost profiles (on the Cost "
                          "profiles sheet or already in the workspace).")],
            {"organisation": EXAMPLE_ORG, "cost_profile": "Homecare", "name": "Care worker",
             "hourly_rate": "12.71", "hours_per_unit": "1", "annual_paid_hours": "1950"},
        ),
    ),
)

REQUIREMENTS = TemplateLayout(
    name="requirements",
    title="Tender requirements",
    what="tender requirements",
    sheets=(
        sheet_layout(
            "Requirements", Requirement,
            "One row per service line and area the tender buys (within a lot, if the tender has "
            "lots): the annual volume and its unit.",
            [_parent("lot", "Lot", "lot_id", required=False,
                     help="Optional. The lot's name within the chosen tender; a lot that does not "
                          "exist yet is created. Leave blank when the tender has no lots.")],
            {"service_line": f"{EXAMPLE_PREFIX} Homecare", "area": "Riverside", "annual_volume": "50000",
             "unit": "contact hour", "lot": "Lot 1"},
        ),
    ),
)

TEMPLATES: dict[str, TemplateLayout] = {t.name: t for t in (ORGANISATIONS, REQUIREMENTS)}


# ---------------------------------------------------------------------------------- reading helpers


def norm_header(text: str) -> str:
    """A header as compared: casefolded, spaces removed, a trailing "(£)", "(%)" or "*" dropped."""
    s = "".join(str(text).split()).casefold()
    changed = True
    while changed:
        changed = False
        for suffix in TOLERATED_SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix):
                s, changed = s[: -len(suffix)], True
    return s


def header_forms(column: ColumnLayout) -> set[str]:
    return {norm_header(column.header), norm_header(column.label)}


def is_example_marker(value: object) -> bool:
    return isinstance(value, str) and value.strip().casefold().startswith(EXAMPLE_PREFIX.casefold())


def same_value(column: ColumnLayout, cell: object, expected: Any) -> bool:
    """Whether a cell still holds the example's ``expected`` value (as the import would read it)."""
    blank = cell is None or (isinstance(cell, str) and not cell.strip())
    if expected is None or expected == "":
        return blank
    if blank:
        return False
    if column.kind in (Kind.TEXT, Kind.LONGTEXT):
        return isinstance(cell, str) and key(cell) == key(str(expected))
    if column.kind is Kind.CHOICE and isinstance(cell, str):
        return isinstance(expected, enum.Enum) and key(cell) in (
            key(str(expected.value)), key(str(getattr(expected, "label", expected.value))))
    if isinstance(cell, dt.datetime):
        cell = cell.date()
    try:
        value = coerce(column.spec, cell)
    except ValueError:
        return False
    if isinstance(value, Decimal) and isinstance(expected, (Decimal, int)):
        return value == Decimal(expected)
    return value == expected


# ---------------------------------------------------------------------------------- rows to write


def layout_rows(template: TemplateLayout, sheet: SheetLayout, ws: Workspace,
                tender_id: int | None = None) -> list[dict[str, Any]]:
    """The workspace's rows for one sheet, as column name → typed value, in a stable order.

    What the filled template writes, so exporting and importing again changes nothing.
    """
    from ..domain.model import Tender

    cls = sheet.entity
    org_name = {o.id: o.name for o in ws.iter(Organisation)}
    out: list[tuple[tuple, dict[str, Any]]] = []
    if template is REQUIREMENTS:
        if tender_id is None or ws.get(Tender, tender_id) is None:
            return []
        rows: list[Entity] = list(ws.requirements(tender_id))
    else:
        rows = list(ws.iter(cls))
    for e in rows:
        values: dict[str, Any] = {}
        for col in sheet.columns:
            if not col.parent:
                values[col.name] = getattr(e, col.name)
        if col_named(sheet, "organisation"):
            if isinstance(e, Role):
                cp = ws.get(CostProfile, e.cost_profile_id)
                values["organisation"] = org_name.get(cp.organisation_id, "") if cp else ""
                values["cost_profile"] = cp.service_line if cp else ""
            else:
                values["organisation"] = org_name.get(getattr(e, "organisation_id", None), "")
        if isinstance(e, Requirement):
            lot = ws.get(Lot, e.lot_id)
            values["lot"] = lot.name if lot else ""
        out.append((_order(e, values), values))
    if template is REQUIREMENTS:
        return [v for _, v in out]  # as entered (by id), like the tender's table
    return [v for _, v in sorted(out, key=lambda t: t[0])]


def col_named(sheet: SheetLayout, name: str) -> bool:
    return any(c.name == name for c in sheet.columns)


def _order(e: Entity, values: dict[str, Any]) -> tuple:
    def k(v: Any) -> Any:
        return key(v) if isinstance(v, str) else v

    if isinstance(e, Organisation):
        return (k(e.name),)
    if isinstance(e, FinancialYear):
        return (k(values["organisation"]), e.year_end or dt.date.min)
    if isinstance(e, Capacity):
        return (k(values["organisation"]), k(e.service_line), k(e.area))
    if isinstance(e, CostProfile):
        return (k(values["organisation"]), k(e.service_line))
    if isinstance(e, Role):
        return (k(values["organisation"]), k(values["cost_profile"]), k(e.name))
    return (e.id or 0,)


def display_value(value: Any) -> str:
    """A value as a person reads it in help text: labels for choices, Yes/No, DD/MM/YYYY."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


def describe_column(column: ColumnLayout, sheet: SheetLayout) -> str:
    """Help for a header's comment: what goes in the column, its limits and whether it is needed."""
    spec = column.spec
    lines: list[str] = []
    if spec.help:
        lines.append(spec.help)
    kind = spec.kind
    lo, hi = spec.minimum, spec.maximum
    if kind is Kind.MONEY:
        lines.append("Pounds, e.g. 2500000 or 12.71 (no £ sign needed).")
    elif kind is Kind.PERCENT:
        lines.append("A percentage as a number: 12.5 means 12.5% (not 0.125).")
    elif kind is Kind.INT:
        lines.append("A whole number.")
    elif kind is Kind.DECIMAL:
        lines.append("A number.")
    elif kind is Kind.DATE:
        lines.append("A date, DD/MM/YYYY.")
    elif kind is Kind.BOOL:
        lines.append("Yes or No.")
    elif kind is Kind.CHOICE and spec.choices is not None:
        labels = [getattr(m, "label", m.value) for m in spec.choices]
        lines.append("One of: " + "; ".join(labels) + ".")
    if kind in (Kind.MONEY, Kind.PERCENT, Kind.INT, Kind.DECIMAL):
        unit = "%" if kind is Kind.PERCENT else ""
        if lo is not None and hi is not None:
            lines.append(f"From {lo}{unit} to {hi}{unit}.")
        elif lo is not None:
            lines.append("Must not be negative." if lo == 0 else f"At least {lo}{unit}.")
        elif hi is not None:
            lines.append(f"At most {hi}{unit}.")
        else:
            lines.append("May be negative.")
    if column.key:
        names = " + ".join(c.header for c in sheet.key_columns)
        lines.append(f"Rows are matched on {names}: a row that matches one already in the workspace "
                     "updates it.")
    if column.required:
        lines.append("Required.")
    elif column.blank == "none":
        lines.append("Leave blank when not known ('not given', never read as zero).")
    elif column.blank == "keep":
        lines.append(f"A blank cell keeps the current value; a new row gets {display_value(column.default)}.")
    else:
        lines.append("Optional.")
    if column is sheet.marker_column and sheet.example:
        lines.append(f"The grey row beginning '{EXAMPLE_PREFIX}' is an example and is never imported; "
                     "overwrite it or type below it.")
    return "\n".join(line for line in lines if line)
