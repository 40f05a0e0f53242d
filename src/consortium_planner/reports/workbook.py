"""Export one consortium option as an Excel workbook (issue 8, "Excel in and out", part 3).

    write_option_workbook(ws, option_id, "option.xlsx", progress=lambda pct, msg: ..., cancelled=lambda: False)

The figures come from ``services.analyses.analyse_option`` (the one place analyses run), so the
workbook shows what the screens, ``summary --json`` and the investment case show, to the penny.

Sheets (each: a title row, then tables with a styled header; the first table's header is frozen;
every table is an Excel table, so each has its own filter buttons; money in £, dates DD/MM/YYYY):

- **Inputs**: the tender and the option (every field, labelled as on screen), members,
  allocations, competitors, funding sources and capital or mobilisation items.
- **Coverage**, **Standing**, **Cost build-up**, **Prices by year**, **Projection**, **Funding**,
  **Returns**: the analyses' results as values. An analysis that could not run says why in one line.
- **Model**: the auditable sheet. Derived figures are live formulas over the input cells (shaded)
  on the same sheet, each followed by the figure the program computed ("Program: ...") and a check
  (``=IF(ABS(formula − program)<0.005,"OK","DIFFERS")``); a count of checks that differ sits at the
  top. The program rounds half to even (banker's rounding) to the penny, and so do the formulas:
  ``IF(ROUND(x*100,6)-INT(ROUND(x*100,6))=0.5, 2*ROUND(x*50,0), ROUND(x*100,0))/100`` is ROUND(x,2)
  except that an exact half penny goes to the even penny (spreadsheet ROUND would round it up).
  Figures the domain builds by largest-remainder allocation (shared costs and contingency split
  across service lines, monthly splits), the tax rules and the loan and overdraft logic are inputs
  there, not formulas; payback, DSCR and IRR stay as values on their own sheets.

Safety: every piece of user text goes through ``xlsx_common.put_text``/``put`` (text beginning with
``= + - @``, a tab or a carriage return stays text); formulas are only the ones this module builds.
The file is written atomically: a temporary file in the destination folder, then ``os.replace``;
a failed or cancelled export leaves nothing behind. ``cancelled()`` is checked between sheets and
raises ``reports.pdf.Cancelled``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from ..domain import capacity as _capacity
from ..domain import costing as _costing
from ..domain import pricing as _pricing
from ..domain import projection as _projection
from ..domain import standing as _standing
from ..domain.fields import Kind, specs
from ..domain.model import (
    ENTITY_BY_NAME,
    CapitalItem,
    Competitor,
    ConsortiumOption,
    FundingSource,
    Lot,
    Member,
    Tender,
)
from ..domain.tasks import Cancelled
from ..domain.workspace import Workspace
from ..services import analyses
from ..services.pipeline import NotApplicable, Refusal
from .xlsx_common import (
    DECIMAL_2,
    GBP,
    HEADER_FILL,
    HEADER_FONT,
    INPUT_FILL,
    NOTE_FONT,
    NUMBER,
    PERCENT,
    PERCENT_POINTS,
    TITLE_FONT,
    put,
    put_formula,
    put_number,
    put_text,
    save_atomically,
)

__all__ = ["SHEETS", "half_even", "write_option_workbook"]

Progress = Callable[[int, str], None]

SHEETS = ("Inputs", "Coverage", "Standing", "Cost build-up", "Prices by year", "Projection", "Funding", "Returns",
          "Model")

INTEGER = "0"
RATIO = "0.00"
VOLUME = "#,##0.##########"  # volumes are usually whole; a fraction still shows
MONTHS = '0.00" months"'
MONEY_4 = '"£"#,##0.0000'  # exact per-unit costs
IRR_FORMAT = '0.0000"%"'
HEADING_FONT = Font(bold=True, size=12)
CHECK_OK = "OK"
TOLERANCE = "0.005"
MIN_WIDTH, MAX_WIDTH, WRAP_AT = 8, 60, 60
LINE_HEIGHT = 15  # points a line of 11-point text takes
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGN = Alignment(wrap_text=True)
TEXT_ALIGN = Alignment(horizontal="left", indent=1)

RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "grey": PatternFill("solid", fgColor="EDEDED"),
}


# =========================================================================== cells and tables


@dataclass(frozen=True, slots=True)
class Col:
    """A table column: its header and the number format of plain numbers in it."""

    title: str
    fmt: str | None = None


@dataclass(frozen=True, slots=True)
class V:
    """A value with its own format, shading (an input) or fill."""

    value: Any
    fmt: str | None = None
    input: bool = False
    fill: PatternFill | None = None


@dataclass(frozen=True, slots=True)
class F:
    """One of our formulas; ``estimate`` (the expected figure) sizes the column."""

    text: str
    fmt: str | None = None
    estimate: Any = None


def _width_of(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 3
    if isinstance(value, (Decimal, int)):
        v = Decimal(value)
        if fmt in (GBP, MONEY_4):
            places = 4 if fmt == MONEY_4 else 2
            return len(f"{abs(v):,.{places}f}") + 2 + (1 if v < 0 else 0)
        if fmt in (PERCENT_POINTS, PERCENT, RATIO, DECIMAL_2, MONTHS):
            shown = v * 100 if fmt == PERCENT else v
            return len(f"{abs(shown):,.2f}") + (7 if fmt == MONTHS else 2)
        if fmt == VOLUME and v != v.to_integral_value():
            return len(f"{abs(v):,.2f}") + 1
        return len(f"{abs(v):,.0f}") + 1
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    return len(str(value))


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes when wrapped at ``width`` characters (an estimate)."""
    width = max(width, 1)
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            n = len(word)
            if used == 0:
                used = n
            elif used + 1 + n <= width:
                used += 1 + n
            else:
                lines += 1 + (n - 1) // width
                used = n % width or width
        total += lines
    return total


def _label(value: Any) -> Any:
    """Enums as their label (ChoiceEnum) or value (StrEnum), for writing as text."""
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        if isinstance(label, str):
            return label
        return str(value.value).capitalize()
    return value


class _Sheet:
    """A worksheet filled top to bottom: title, notes, headings and tables."""

    def __init__(self, wb: Workbook, name: str, title: str, subtitle: str):
        self.ws: Worksheet = wb.create_sheet(name)
        self.code = re.sub(r"[^A-Za-z]", "", name)[:12] or "Sheet"
        c = put_text(self.ws.cell(row=1, column=1), title)
        c.font = TITLE_FONT
        if subtitle:
            put_text(self.ws.cell(row=2, column=1), subtitle).font = NOTE_FONT
        self.row = 4
        self.widths: dict[int, int] = {}
        self.header_words: dict[int, int] = {}
        self.wrapped: list[tuple[int, int, str]] = []  # cells whose text wraps: row, column, text
        self.frozen = False
        self.tables = 0
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0

    # ----------------------------------------------------------------- blocks

    def heading(self, text: str) -> None:
        put_text(self.ws.cell(row=self.row, column=1), text).font = HEADING_FONT
        self.row += 1

    def note(self, text: str) -> None:
        put_text(self.ws.cell(row=self.row, column=1), text).font = NOTE_FONT
        self.row += 1

    def error(self, what: str, message: str) -> None:
        """The one line that stands for an analysis that could not run."""
        put_text(self.ws.cell(row=self.row, column=1), f"{what} could not be computed: {message}").font = Font(
            bold=True, color="9C0006")
        self.row += 2

    def next_data_row(self) -> int:
        """The spreadsheet row of the first data row of the next table (after its header)."""
        return self.row + 1

    def begin(self, heading: str, *notes: str) -> int:
        """Write a heading and notes for the next table; return the row of its first data row."""
        self.heading(heading)
        for text in notes:
            self.note(text)
        return self.next_data_row()

    def table(self, key: str, cols: Sequence[Col], rows: Iterable[Sequence[Any]], *, heading: str = "",
              empty: str = "None.") -> tuple[int, int]:
        """Write a header and rows as an Excel table; returns the first and last data rows."""
        if heading:
            self.heading(heading)
        ws = self.ws
        header = self.row
        for i, col in enumerate(cols, start=1):
            c = put_text(ws.cell(row=header, column=i), col.title)
            c.font = HEADER_FONT
            c.fill = HEADER_FILL
            c.alignment = HEADER_ALIGN
            longest = max((len(w) for w in col.title.split()), default=0)
            self.header_words[i] = max(self.header_words.get(i, 0), longest, min(len(col.title), 14))
            self.wrapped.append((header, i, col.title))
        r = header
        for values in rows:
            r += 1
            for i, (col, value) in enumerate(zip(cols, values, strict=False), start=1):
                self._put(ws.cell(row=r, column=i), value, col.fmt, i)
        if not self.frozen:
            ws.freeze_panes = ws.cell(row=header + 1, column=1)
            ws.print_title_rows = f"{header}:{header}"
            self.frozen = True
        if r == header:
            put_text(ws.cell(row=header + 1, column=1), empty).font = NOTE_FONT
            self.row = header + 3
            return header + 1, header
        self.tables += 1
        name = f"{self.code}_{self.tables}_{re.sub(r'[^A-Za-z0-9]', '_', key)}"[:250]
        ws.add_table(Table(displayName=name, ref=f"A{header}:{get_column_letter(len(cols))}{r}"))
        self.row = r + 2
        return header + 1, r

    def pairs(self, key: str, items: Sequence[tuple[str, Any]], *, heading: str = "",
              titles: tuple[str, str] = ("Item", "Value")) -> tuple[int, int]:
        """A two-column table of labelled values (each value may carry its own format)."""
        return self.table(key, (Col(titles[0]), Col(titles[1])), items, heading=heading)

    # ----------------------------------------------------------------- cells

    def _put(self, cell: Cell, value: Any, fmt: str | None, column: int) -> None:
        fill = None
        is_input = False
        if isinstance(value, V):
            fmt = value.fmt or fmt
            fill = value.fill
            is_input = value.input
            value = value.value
        if isinstance(value, F):
            put_formula(cell, value.text, value.fmt or fmt)
            width = _width_of(value.estimate, value.fmt or fmt)
            if isinstance(value.estimate, str):  # a check: OK or DIFFERS
                cell.alignment = TEXT_ALIGN
        else:
            value = _label(value)
            if isinstance(value, float):  # never expected: keep the exact decimal text
                value = Decimal(repr(value))
            if isinstance(value, bool) or value is None or isinstance(value, (dt.date, str)):
                put(cell, value)
            else:
                put_number(cell, value, fmt or NUMBER)
            width = _width_of(value, fmt)
            if isinstance(value, str):
                if len(value) > WRAP_AT:
                    cell.alignment = WRAP_ALIGN
                    self.wrapped.append((cell.row, column, value))
                    width = WRAP_AT
                elif column > 1 and value:
                    cell.alignment = TEXT_ALIGN  # a little space after a number in the column before
        if is_input:
            cell.fill = INPUT_FILL
        elif fill is not None:
            cell.fill = fill
        if width > self.widths.get(column, 0):
            self.widths[column] = width

    def finish(self) -> None:
        """Fit the columns to their contents, then give rows with wrapped text the height they need."""
        widths: dict[int, int] = {}
        for column in set(self.widths) | set(self.header_words):
            width = max(self.widths.get(column, 0), self.header_words.get(column, 0)) + 2
            widths[column] = max(MIN_WIDTH, min(MAX_WIDTH, width))
            self.ws.column_dimensions[get_column_letter(column)].width = widths[column]
        heights: dict[int, int] = {}
        for row, column, text in self.wrapped:
            lines = _lines(text, widths.get(column, MIN_WIDTH) - 2)
            heights[row] = max(heights.get(row, 1), lines)
        for row, lines in heights.items():
            if lines > 1:
                self.ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2


class _Book:
    def __init__(self, ws: Workspace, option: ConsortiumOption, results: Mapping[str, Any]):
        self.workspace = ws
        self.option = option
        self.tender = ws.get(Tender, option.tender_id)
        self.results = results
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        tender = self.tender
        self.subtitle = (f"Consortium option: {option.name}"
                         + (f"; tender: {tender.name}" if tender else "")
                         + (f"; buyer: {tender.buyer}" if tender and tender.buyer else ""))

    def sheet(self, name: str, title: str) -> _Sheet:
        return _Sheet(self.wb, name, title, self.subtitle)

    def result(self, name: str) -> tuple[Any, str | None]:
        """(the analysis, None) or (None, why it is missing)."""
        value = self.results.get(name)
        if isinstance(value, Refusal | NotApplicable):
            return None, value.reason
        if value is None:
            return None, "not computed"
        return value, None


# =========================================================================== formats of values


def _money(value: Decimal | None) -> V:
    return V(value, GBP)


def _pct(value: Decimal | None) -> V:
    return V(value, PERCENT_POINTS)


def _field_value(ws: Workspace, entity: Any, name: str, spec) -> V:
    value = getattr(entity, name)
    kind = spec.kind
    if value is None:
        return V("not given" if kind is Kind.MONEY else None)
    if kind is Kind.MONEY:
        return V(value, GBP)
    if kind is Kind.PERCENT:
        return V(value, PERCENT_POINTS)
    if kind is Kind.DECIMAL:
        return V(value, DECIMAL_2 if spec.places else NUMBER)
    if kind is Kind.INT:
        return V(value, NUMBER)
    if kind is Kind.REF:
        cls = ENTITY_BY_NAME.get(spec.ref or "")
        return V(ws.display_name(cls, value) if cls else str(value))
    return V(value)


def _entity_pairs(ws: Workspace, entity: Any, skip: Iterable[str] = ()) -> list[tuple[str, V]]:
    out = []
    skipped = set(skip)
    for name, spec in specs(type(entity)).items():
        if spec.kind is Kind.ID or name in skipped:
            continue
        out.append((spec.label, _field_value(ws, entity, name, spec)))
    return out


def _flags(sheet: _Sheet, key: str, flags: Sequence[_costing.Flag], heading: str) -> None:
    if flags:
        sheet.table(key, (Col("Severity"), Col("Code"), Col("Message")),
                    [(f.severity.capitalize(), f.code, f.message) for f in flags], heading=heading)


# =========================================================================== sheets


def _inputs(b: _Book) -> None:
    ws, option, tender = b.workspace, b.option, b.tender
    s = b.sheet("Inputs", "Inputs")
    if tender is not None:
        s.pairs("tender", _entity_pairs(ws, tender), heading="Tender")
    else:
        s.note("The option has no tender.")
    s.pairs("option", _entity_pairs(ws, option, skip=("tender_id",)), heading="Consortium option")

    members = sorted(ws.members(option.id), key=lambda m: m.id or 0)  # type: ignore[arg-type]
    s.table("members", (Col("Organisation"), Col("Role"), Col("Participation share", PERCENT_POINTS),
                        Col("Profit share", PERCENT_POINTS), Col("Capital contribution", GBP),
                        Col("Guarantee offered", GBP)),
            [(ws.display_name(Member, m.id), m.role, m.participation_pct, m.profit_share_pct,
              m.capital_contribution, m.guarantee if m.guarantee is not None else "not given") for m in members],
            heading="Members")

    reqs = {r.id: r for r in ws.requirements(option.tender_id)} if option.tender_id is not None else {}
    lots = {lot.id: lot.name for lot in ws.all(Lot)}
    allocations = []
    for a in ws.allocations(option.id):  # type: ignore[arg-type]
        r = reqs.get(a.requirement_id)
        allocations.append((r, a))
    allocations.sort(key=lambda ra: ((ra[0].service_line.casefold(), ra[0].area.casefold(), ra[0].id or 0)
                                     if ra[0] else ("", "", 0), ra[1].id or 0))
    s.table("allocations", (Col("Lot"), Col("Service line"), Col("Area"), Col("Unit"),
                            Col("Required a year", VOLUME), Col("Member"), Col("Volume allocated", VOLUME)),
            [(lots.get(r.lot_id, "") if r else "", r.service_line if r else "(not in this tender)",
              r.area if r else "", r.unit if r else "", r.annual_volume if r else None,
              ws.display_name(Member, a.member_id), a.volume) for r, a in allocations],
            heading="Allocations")

    competitors = sorted(ws.children(Competitor, option.tender_id), key=lambda c: c.id or 0) \
        if option.tender_id is not None else []
    s.table("competitors", (Col("Competitor"), Col("Expected annual price", GBP), Col("Quality score", DECIMAL_2),
                            Col("Quality out of", DECIMAL_2), Col("Social value score", DECIMAL_2),
                            Col("Social value out of", DECIMAL_2), Col("Notes")),
            [(c.name, c.annual_price, c.quality_score, c.quality_max, c.social_value_score, c.social_value_max,
              c.notes) for c in competitors], heading="Competitors")

    sources = sorted(ws.children(FundingSource, option.id), key=lambda f: (f.drawdown_month, f.id or 0))
    s.table("funding", (Col("Name"), Col("Kind"), Col("Amount", GBP), Col("Interest rate a year", PERCENT_POINTS),
                        Col("Term (months)", INTEGER), Col("Capital holiday (months)", INTEGER),
                        Col("Arrangement fee", PERCENT_POINTS), Col("Drawn in month", INTEGER), Col("Member")),
            [(f.name, f.kind, f.amount, f.interest_rate_pct, f.term_months, f.capital_holiday_months,
              f.arrangement_fee_pct, f.drawdown_month, ws.display_name(Member, f.member_id)) for f in sources],
            heading="Funding sources")

    items = sorted(ws.children(CapitalItem, option.id), key=lambda i: (i.month, i.id or 0))
    s.table("capital", (Col("Name"), Col("Kind"), Col("Amount", GBP), Col("Paid in month", INTEGER),
                        Col("Useful life (months)", INTEGER)),
            [(i.name, i.kind, i.amount, i.month, i.useful_life_months) for i in items],
            heading="Capital and mobilisation costs")
    s.finish()


def _yes_no(flag: bool | None, unknown: str = "not known") -> str:
    return unknown if flag is None else ("Yes" if flag else "No")


def _coverage(b: _Book) -> None:
    s = b.sheet("Coverage", "Coverage of the tender's requirements")
    cov, err = b.result("coverage")
    if err:
        s.error("Coverage", err)
        s.finish()
        return
    c: _capacity.CoverageResult = cov
    lots = {lot.id: lot.name for lot in b.workspace.all(Lot)}
    s.table("requirements", (
        Col("Lot"), Col("Service line"), Col("Area"), Col("Unit"), Col("Required a year", VOLUME),
        Col("Allocated", VOLUME), Col("Gap (shortfall)", VOLUME), Col("Over-allocated", VOLUME),
        Col("Coverage", PERCENT_POINTS), Col("Capacity now", VOLUME), Col("Capacity with growth", VOLUME),
        Col("Headroom", PERCENT_POINTS), Col("Beyond current capacity", VOLUME),
        Col("Beyond capacity with growth", VOLUME), Col("Status"), Col("Thin"), Col("Gap"),
        Col("Annual value", GBP), Col("Why thin or a gap")),
        [(lots.get(r.lot_id, ""), r.service_line, r.area, r.unit, r.required, r.allocated, r.shortfall,
          r.over_allocation, r.coverage_pct, r.capacity, r.capacity_with_growth, r.headroom_pct,
          r.beyond_current_capacity, r.beyond_capacity_with_growth,
          V(r.status.value.capitalize(), fill=RAG_FILLS[_COVERAGE_RAG[r.status]]),
          _yes_no(r.status is _capacity.CoverageStatus.THIN), _yes_no(r.status is _capacity.CoverageStatus.GAP),
          r.annual_value, "; ".join(r.reasons)) for r in c.requirements],
        heading="Requirements")
    s.table("summary", (Col("Item"), Col("Value")), [
        ("Total required a year", V(c.total_required, VOLUME)),
        ("Total allocated", V(c.total_allocated, VOLUME)),
        ("Total covered (allocation up to each requirement)", V(c.total_covered, VOLUME)),
        ("Allocated ÷ required", _pct(c.coverage_pct)),
        ("Covered ÷ required", _pct(c.covered_pct)),
        ("Total shortfall", V(c.total_shortfall, VOLUME)),
        ("Total over-allocation", V(c.total_over_allocation, VOLUME)),
        ("Requirements covered", V(c.n_covered, NUMBER)),
        ("Requirements thin", V(c.n_thin, NUMBER)),
        ("Requirements with a gap", V(c.n_gap, NUMBER)),
        ("Annual contract value", _money(c.annual_value)),
        ("How requirements were valued", c.value_basis),
    ], heading="Totals")
    s.table("utilisation", (
        Col("Member"), Col("Role"), Col("Allocated", VOLUME), Col("Capacity now", VOLUME),
        Col("Capacity with growth", VOLUME), Col("Utilisation", PERCENT_POINTS),
        Col("Largest growth needed", PERCENT_POINTS), Col("Beyond growth limit"),
        Col("Volume without capacity", VOLUME), Col("Longest lead time (months)", INTEGER),
        Col("Mobilisation long enough"), Col("Share of contract value", GBP),
        Col("Latest turnover", GBP), Col("Contract dependency", PERCENT_POINTS), Col("Dependency rating")),
        [(m.name, m.role, m.allocated, m.capacity, m.capacity_with_growth, m.utilisation_pct,
          m.max_growth_needed_pct, _yes_no(m.growth_exceeds_limit), m.unsupported_volume, m.lead_time_months,
          _yes_no(m.mobilisation_ok), m.contract_value,
          m.latest_turnover if m.latest_turnover is not None else "not given", m.dependency_pct,
          V(m.dependency.value.capitalize(), fill=RAG_FILLS.get(m.dependency.value, RAG_FILLS["grey"])))
         for m in c.members],
        heading="Utilisation per member")
    for w in c.warnings:
        s.note(w)
    s.finish()


_COVERAGE_RAG = {_capacity.CoverageStatus.COVERED: "green", _capacity.CoverageStatus.THIN: "amber",
                 _capacity.CoverageStatus.GAP: "red"}
_STATUS_RAG = {_standing.Status.GREEN: "green", _standing.Status.AMBER: "amber", _standing.Status.RED: "red"}


def _metric_value(r: _standing.MetricResult) -> V:
    if r.value is None:  # why is in the explanation
        return V({_standing.Status.NOT_GIVEN: "not given", _standing.Status.UNDEFINED: "n/a",
                  _standing.Status.NOT_TESTED: "not tested"}.get(r.status, r.status.label.lower()))
    fmt = {_standing.Unit.MONEY: GBP, _standing.Unit.PERCENT: PERCENT_POINTS,
           _standing.Unit.MONTHS: MONTHS}.get(r.unit, RATIO)
    return V(r.value, fmt)


def _pass_mark(r: _standing.MetricResult) -> str:
    if r.threshold is None:
        return ""

    def show(v: Decimal) -> str:
        if r.unit is _standing.Unit.MONEY:
            return f"£{v:,.2f}"
        if r.unit is _standing.Unit.PERCENT:
            return f"{v:,.2f}%"
        if r.unit is _standing.Unit.MONTHS:
            return f"{v:,.2f} months"
        return f"{v:,.2f}"

    text = f"{r.direction.label} {show(r.threshold)}"
    if r.amber_threshold is not None:
        text += f" (amber {show(r.amber_threshold)})"
    return text


def _standing_sheet(b: _Book) -> None:
    s = b.sheet("Standing", "Financial standing")
    res, err = b.result("standing")
    if err:
        s.error("Financial standing", err)
        s.finish()
        return
    st: _standing.StandingResult = res
    rows = []

    def add(entity: str, role: str, metrics: Sequence[_standing.MetricResult]) -> None:
        for r in metrics:
            rows.append((entity, role, r.label[:1].upper() + r.label[1:], _metric_value(r), r.unit.label,
                         _pass_mark(r), V(r.status.label, fill=RAG_FILLS[_STATUS_RAG.get(r.status, "grey")]),
                         r.source, r.explanation + (f" ({r.reason})" if r.reason and r.reason not in r.explanation
                                                    else "")))

    for t in st.tested:
        add(t.name, f"Tested ({t.kind})", t.metrics)
    for m in st.members:
        add(m.name, m.role.label + (", relied upon" if m.relied_upon else ""), m.standing.metrics)
    s.table("metrics", (Col("Entity"), Col("Role"), Col("Test"), Col("Value"), Col("Unit"), Col("Pass mark"),
                        Col("Result"), Col("Source of the pass mark"), Col("Explanation")), rows,
            heading="Tests per member and for the entity the buyer tests")
    s.pairs("summary", [
        ("Overall risk", V(st.risk.label, fill=RAG_FILLS[{"low": "green", "medium": "amber", "high": "red"}
                                                          .get(st.risk.value, "grey")])),
        ("Tests failed by the entity tested", V(len(st.fails), NUMBER)),
        ("Annual contract value tested", _money(st.annual_value)),
        ("Structure", st.structure.label),
        ("Procurement regime", st.regime.label),
        ("How the contract value is shared", st.share_basis),
        ("Risk", st.risk_explanation),
    ], heading="Overall")
    s.table("tested", (Col("Entity tested"), Col("Kind"), Col("Why these accounts"), Col("Annual value tested", GBP),
                       Col("Turnover", GBP), Col("Turnover required", GBP), Col("Turnover test")),
            [(t.name, t.kind, t.rule, t.annual_value, t.turnover_test.turnover, t.turnover_test.required,
              V(t.turnover_test.status.label, fill=RAG_FILLS[_STATUS_RAG.get(t.turnover_test.status, "grey")]))
             for t in st.tested], heading="The tested entity")
    s.table("members", (Col("Member"), Col("Role"), Col("Relied upon"), Col("Guarantee offered", GBP),
                        Col("Share of contract value", GBP), Col("Latest accounts")),
            [(m.name, m.role, _yes_no(m.relied_upon), m.guarantee if m.guarantee is not None else "none",
              m.share_of_acv, m.standing.year_end) for m in st.members], heading="Members")
    if st.fails:
        s.table("fails", (Col("Entity"), Col("Test failed"), Col("Guarantee"), Col("Bond"), Col("What it would take")),
                [(f.entity_name, f.result.explanation, f.guarantee.explanation, f.bond.explanation,
                  f.what_it_would_take.explanation) for f in st.fails], heading="Fails and how to mitigate them")
    for w in st.warnings:
        s.note(w)
    s.finish()


_CATS = tuple((k, label) for k, label, kind in _costing.CATEGORIES if kind in _costing.COST_KINDS)
_MEMBER_CATS = tuple((k, label) for k, label in _CATS if k not in ("shared", "contingency"))


def _member_categories(m: _costing.MemberLineCost) -> dict[str, Decimal]:
    out = {k: Decimal(0) for k, _ in _MEMBER_CATS}
    for line in m.lines:
        out[line.category] = out.get(line.category, Decimal(0)) + line.annual
    return out


def _buildup_sheet(b: _Book) -> None:
    s = b.sheet("Cost build-up", "Cost build-up (year one)")
    res, err = b.result("prices")
    if err:
        s.error("The cost build-up", err)
        s.finish()
        return
    bu: _costing.CostBuildup = res.buildup
    s.note(f"Priced at the {bu.rates.year.label} rates in force on {bu.priced_on:%d/%m/%Y}. Margin "
           f"{bu.margin_pct}%, management fee {bu.management_fee_pct}%, contingency {bu.contingency_pct}%.")
    s.table("lines", (Col("Service line"), Col("Unit"), Col("Volume", VOLUME), Col("Required", VOLUME))
            + tuple(Col(label, GBP) for _, label in _CATS)
            + (Col("Delivery cost", GBP), Col("Management fee", GBP), Col("Margin", GBP), Col("Annual price", GBP),
               Col("Price per unit", GBP), Col("Margin earned", PERCENT_POINTS), Col("Price set by the user")),
            [(sl.service_line, sl.unit, sl.volume, sl.required_volume)
             + tuple(sl.line(k).annual for k, _ in _CATS)
             + (sl.annual_cost, sl.annual_fee, sl.annual_margin, sl.annual_price, sl.price_per_unit,
                sl.margin_pct, _yes_no(sl.price_fixed_by_user)) for sl in bu.service_lines],
            heading="Annual cost and price by service line")
    s.table("per_unit", (Col("Service line"), Col("Unit"))
            + tuple(Col(label, GBP) for _, label, _k in _costing.CATEGORIES) + (Col("Price per unit", GBP),),
            [(sl.service_line, sl.unit) + tuple(line.per_unit_display for line in sl.lines) + (sl.price_per_unit,)
             for sl in bu.service_lines], heading="Per unit, by service line (displayed lines add to the price)")
    rows = []
    for sl in bu.service_lines:
        for m in sl.members:
            cats = _member_categories(m)
            rows.append((sl.service_line, m.organisation_name, m.volume,
                         _yes_no(m.cost_profile_id is not None))
                        + tuple(cats[k] for k, _ in _MEMBER_CATS)
                        + (m.annual_cost, m.unit_cost_display))
    s.table("members", (Col("Service line"), Col("Member"), Col("Volume", VOLUME), Col("Has a cost profile"))
            + tuple(Col(label, GBP) for _, label in _MEMBER_CATS) + (Col("Annual cost", GBP), Col("Unit cost", GBP)),
            rows, heading="By member line")
    roles = []
    for sl in bu.service_lines:
        for m in sl.members:
            for rc in m.roles:
                roles.append((sl.service_line, m.organisation_name, rc.name, rc.hourly_rate, rc.paid_hours_per_unit,
                              rc.pension_scheme, rc.pension_rate_pct, rc.wage_per_unit, rc.employer_ni_per_unit,
                              rc.pension_per_unit, rc.cost_per_unit))
    s.table("roles", (Col("Service line"), Col("Member"), Col("Role"), Col("Hourly rate", GBP),
                      Col("Paid hours per unit", "0.0000"), Col("Pension scheme"),
                      Col("Pension rate", PERCENT_POINTS), Col("Wage per unit", MONEY_4),
                      Col("Employer NI per unit", MONEY_4), Col("Pension per unit", MONEY_4),
                      Col("Staff cost per unit", MONEY_4)), roles,
            heading="Roles (exact per-unit costs, before rounding)")
    s.pairs("totals", [(t.label, _money(t.annual)) for t in bu.totals]
            + [("Delivery cost", _money(bu.annual_cost)), ("Management fee", _money(bu.annual_fee)),
               ("Margin", _money(bu.annual_margin)), ("Annual price", _money(bu.annual_price)),
               ("Shared back office a year (option)", _money(bu.shared_costs_per_year)),
               ("Total volume", V(bu.total_volume, VOLUME)),
               ("Staff share of cost before contingency", V(bu.staff_share, PERCENT))],
            heading="Option totals, year one")
    s.table("member_totals", (Col("Member"), Col("Annual cost", GBP)),
            [(m.organisation_name, m.annual_cost) for m in bu.member_totals], heading="Cost per member")
    s.finish()


def _prices_sheet(b: _Book) -> None:
    s = b.sheet("Prices by year", "Prices by contract year")
    res, err = b.result("prices")
    if err:
        s.error("The prices", err)
        s.finish()
        return
    p: _pricing.PriceSchedule = res
    rows = []
    for y in p.years:
        for ly in y.lines:
            rows.append((y.number, y.starts, y.ends, _yes_no(y.is_extension), ly.service_line, ly.unit_price,
                         ly.volume, ly.annual_price, ly.annual_cost, ly.annual_fee, ly.annual_margin))
    s.table("lines", (Col("Contract year", INTEGER), Col("Starts"), Col("Ends"), Col("Extension"),
                      Col("Service line"), Col("Unit price", GBP), Col("Volume", VOLUME), Col("Annual price", GBP),
                      Col("Annual cost", GBP), Col("Management fee", GBP), Col("Margin", GBP)), rows,
            heading="By contract year and service line")
    s.table("years", (Col("Contract year", INTEGER), Col("Starts"), Col("Ends"), Col("Extension"),
                      Col("Rates of"), Col("Annual price", GBP), Col("Annual cost", GBP), Col("Management fee", GBP),
                      Col("Margin", GBP), Col("Estimated annual value", GBP), Col("Headroom", GBP),
                      Col("Over the estimated value"), Col("Budget ceiling", GBP), Col("Over the ceiling"),
                      Col("National Living Wage floor", GBP)),
            [(y.number, y.starts, y.ends, _yes_no(y.is_extension),
              y.rate_year + (" (extrapolated)" if y.rates_extrapolated else ""), y.annual_price, y.annual_cost,
              y.annual_fee, y.annual_margin, y.budget, y.headroom, _yes_no(y.over_budget), y.ceiling,
              _yes_no(y.over_ceiling), y.national_living_wage) for y in p.years],
            heading="Year totals")
    term = [y for y in p.years if not y.is_extension]
    s.pairs("totals", [
        (f"Term price (years 1–{len(term)})" if term else "Term price", _money(p.term_price)),
        ("Total price, all years shown" + (" (with extensions)" if p.include_extensions else ""),
         _money(p.total_price)),
        ("Total cost, all years shown", _money(p.total_cost)),
        ("Total management fee, all years shown", _money(p.total_fee)),
        ("Total margin, all years shown", _money(p.total_margin)),
        ("Break-even volume (% of planned volume)", _pct(p.break_even_pct)),
        ("Abnormally low: % below should-cost", _pct(p.abnormal_threshold_pct)),
    ], heading="Term and total")
    s.table("terms", (Col("Service line"), Col("Unit"), Col("Volume", VOLUME), Col("Year-one unit price", GBP),
                      Col("Cost index a year", PERCENT_POINTS), Col("Staff share", PERCENT),
                      Col("Variable cost per unit", GBP), Col("Fixed costs a year", GBP),
                      Col("Break-even volume", VOLUME), Col("Should-cost per unit", GBP),
                      Col("Abnormally low below", GBP), Col("Abnormally low")),
            [(t.service_line, t.unit, t.volume, t.unit_price, t.index_pct, t.staff_share, t.variable_cost_per_unit,
              t.fixed_costs_per_year, t.break_even_volume if t.break_even_volume is not None else "no margin",
              t.should_cost_per_unit, t.abnormal_floor, _yes_no(t.abnormally_low)) for t in p.lines],
            heading="Per service line: indexation, break-even and the abnormally-low test")
    if p.wage_floor_breaches:
        s.table("wage_floor", (Col("Contract year", INTEGER), Col("Rates of"), Col("Member"), Col("Service line"),
                               Col("Role"), Col("Hourly rate", GBP), Col("Floor", GBP), Col("From"),
                               Col("Shortfall", GBP)),
                [(w.year, w.rate_year, w.organisation_name, w.service_line, w.role_name, w.hourly_rate, w.floor,
                  w.floor_from, w.shortfall) for w in p.wage_floor_breaches],
                heading="Roles below the National Living Wage")
    _flags(s, "flags", p.flags, "Pricing guards and notes")
    s.finish()


_PNL = (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("delivery_cost", "Delivery cost"),
        ("management_fee", "Management fee (inside income)"), ("bond", "Bond"), ("insurance", "Insurance"),
        ("mobilisation", "Mobilisation"), ("ebitda", "EBITDA"), ("depreciation", "Depreciation"), ("ebit", "EBIT"),
        ("grant_income", "Grant income"), ("interest", "Interest"), ("arrangement_fees", "Arrangement fees"),
        ("profit_before_tax", "Profit before tax"), ("tax", "Tax"), ("profit_after_tax", "Profit after tax"),
        ("retained_by_vehicle", "Retained by the vehicle"), ("capex", "Capital expenditure"),
        ("cash_before_funding", "Cash before funding"), ("closing_balance", "Closing cash balance"))

_MONTH_MONEY = (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("bond", "Bond"),
                ("insurance", "Insurance"), ("mobilisation", "Mobilisation"), ("depreciation", "Depreciation"),
                ("receipts", "Receipts"), ("payroll_paid", "Payroll paid"), ("non_pay_paid", "Non-pay paid"),
                ("bond_paid", "Bond paid"), ("insurance_paid", "Insurance paid"),
                ("mobilisation_paid", "Mobilisation paid"), ("capex_paid", "Capital expenditure paid"),
                ("operating_tax_paid", "Tax on operating profit paid"), ("cash_before_funding", "Cash before funding"),
                ("cumulative_before_funding", "Cumulative before funding"), ("equity_in", "Equity in"),
                ("grants_in", "Grants in"), ("loans_in", "Loans in"), ("overdraft_drawn", "Overdraft drawn"),
                ("interest_paid", "Interest paid"), ("arrangement_fees_paid", "Arrangement fees paid"),
                ("loan_repaid", "Loan repaid"), ("overdraft_repaid", "Overdraft repaid"), ("tax_paid", "Tax paid"),
                ("opening_balance", "Opening balance"), ("total_receipts", "Total receipts"),
                ("total_payments", "Total payments"), ("closing_balance", "Closing balance"),
                ("overdraft_balance", "Overdraft balance"), ("loan_balance", "Loan balance"))


def _projection_sheet(b: _Book) -> None:
    s = b.sheet("Projection", "Projection: P&L by contract year and monthly cash flow")
    res, err = b.result("projection")
    if err:
        s.error("The projection", err)
        s.finish()
        return
    pr: _projection.Projection = res
    s.table("pnl", (Col("Period"), Col("Starts"), Col("Ends"), Col("Months", INTEGER))
            + tuple(Col(label, GBP) for _, label in _PNL),
            [(y.label, y.starts, y.ends, y.months) + tuple(getattr(y, k) for k, _ in _PNL) for y in pr.years],
            heading="P&L by period (mobilisation, contract years, run-off)")
    s.pairs("totals", [
        ("Total income", _money(pr.total_income)), ("Total EBITDA", _money(pr.total_ebitda)),
        ("Total profit before tax", _money(pr.total_profit_before_tax)), ("Total tax", _money(pr.total_tax)),
        ("Total profit after tax", _money(pr.total_profit_after_tax)),
        ("Closing cash balance", _money(pr.closing_balance)),
        ("Mobilisation starts", V(pr.mobilisation_start)), ("Service starts", V(pr.service_start)),
        ("Service ends", V(pr.service_end)), ("Projection ends", V(pr.projection_end)),
        ("Mobilisation (months)", V(pr.mobilisation_months, INTEGER)),
        ("Ramp-up (months)", V(pr.ramp_up_months, INTEGER)),
        ("Income received after (months)", V(pr.receipt_lag_months, INTEGER)),
        ("Non-pay paid after (months)", V(pr.non_pay_lag_months, INTEGER)),
        ("Tax paid after (months)", V(pr.tax_lag_months, INTEGER)),
        ("Performance bond", _money(pr.bond_amount)), ("Bond premium a year", _pct(pr.bond_premium_pct)),
        ("Tax", pr.tax_basis),
    ], heading="Totals and timeline")
    if pr.members:
        s.table("members", (Col("Member"), Col("Role"), Col("Profit share", PERCENT_POINTS),
                            Col("Tax rate on own profit", PERCENT_POINTS), Col("Work value", GBP),
                            Col("Profit before tax", GBP), Col("Tax", GBP), Col("Profit after tax", GBP)),
                [(m.organisation_name, m.role, m.profit_share_pct, m.tax_rate_pct, m.work_value,
                  m.profit_before_tax, m.tax, m.profit_after_tax) for m in pr.members],
                heading="Members' share over the projection")
    s.table("months", (Col("Month", INTEGER), Col("Starts"), Col("Period", INTEGER), Col("Phase"),
                       Col("Volume delivered", PERCENT_POINTS)) + tuple(Col(label, GBP) for _, label in _MONTH_MONEY),
            [(r.month, r.starts, r.period, r.phase.capitalize(), r.volume_pct)
             + tuple(getattr(r, k) for k, _ in _MONTH_MONEY) for r in pr.months],
            heading="Monthly cash flow")
    _flags(s, "flags", pr.flags, "Notes")
    s.finish()


def _funding_sheet(b: _Book) -> None:
    s = b.sheet("Funding", "Funding requirement, sources and debt service")
    res, err = b.result("funding")
    if err:
        s.error("Funding", err)
        s.finish()
        return
    f: _projection.FundingResult = res
    s.pairs("requirement", [
        ("Peak funding need (lowest cumulative cash before funding)", _money(f.peak_deficit)),
        ("Month of the peak", V(f.peak_deficit_month, INTEGER)), ("Date of the peak", V(f.peak_deficit_date)),
        ("A month's payroll (year one, full volume)", _money(f.monthly_payroll)),
        ("Cash buffer (months of payroll)", V(f.buffer_months, DECIMAL_2)), ("Cash buffer", _money(f.buffer)),
        ("Contingency on funding", _pct(f.contingency_pct)), ("Contingency", _money(f.contingency)),
        ("Funding requirement", _money(f.requirement)),
        ("Member equity", _money(f.equity)), ("Grants", _money(f.grants)), ("Loans", _money(f.loans)),
        ("Overdraft facilities", _money(f.overdrafts)), ("Total sources", _money(f.total_sources)),
        ("Shortfall", _money(f.shortfall)), ("Covered", _yes_no(f.covered)),
        ("Lowest cash balance after funding", _money(f.lowest_balance)),
        ("Month of the lowest balance", V(f.lowest_balance_month, INTEGER)),
        ("Date of the lowest balance", V(f.lowest_balance_date)), ("Closing balance", _money(f.closing_balance)),
        ("Minimum debt service cover lenders look for", V(f.min_dscr, RATIO)),
        ("Lowest debt service cover", V(f.lowest_dscr, RATIO) if f.lowest_dscr is not None else "no debt service"),
        ("Debt service cover met", _yes_no(f.dscr_ok, "no debt service")),
    ], heading="Funding requirement")
    s.table("sources", (Col("Name"), Col("Kind"), Col("Amount or facility", GBP), Col("Member"),
                        Col("Drawn in month", INTEGER), Col("Drawn on"), Col("Arrangement fee", GBP),
                        Col("Interest", GBP), Col("Repaid", GBP), Col("Outstanding at the end", GBP),
                        Col("Most drawn", GBP)),
            [(x.name, x.kind, x.amount, x.member_name, x.drawdown_month, x.drawdown_date, x.arrangement_fee,
              x.interest, x.repaid, x.outstanding_at_end, x.peak_drawn) for x in f.sources], heading="Sources")
    rows = []
    for ls in f.loan_schedules:
        for pm in ls.payments:
            rows.append((ls.name, pm.month, pm.opening, pm.interest, pm.principal, pm.payment, pm.closing))
    if f.loan_schedules:
        s.pairs("loans", [(f"{ls.name}: level monthly payment", _money(ls.annuity) if ls.annuity is not None
                           else "repaid in one go") for ls in f.loan_schedules]
                + [(f"{ls.name}: repaid when the projection ends", _money(ls.balloon)) for ls in f.loan_schedules
                   if ls.balloon]
                + [(f"{ls.name}: total interest", _money(ls.total_interest)) for ls in f.loan_schedules],
                heading="Loans")
        s.table("loan_schedule", (Col("Loan"), Col("Month", INTEGER), Col("Opening", GBP), Col("Interest", GBP),
                                  Col("Principal", GBP), Col("Payment", GBP), Col("Closing", GBP)), rows,
                heading="Loan schedules")
    s.table("dscr", (Col("Period"), Col("EBITDA", GBP), Col("Tax paid", GBP), Col("Capital expenditure", GBP),
                     Col("Increase in working capital", GBP), Col("Paid for by the funding", GBP), Col("CFADS", GBP),
                     Col("Interest", GBP), Col("Principal", GBP), Col("Debt service", GBP),
                     Col("Debt service cover", RATIO), Col("Tested"), Col("Below the minimum")),
            [(d.label, d.ebitda, d.tax_paid, d.capex, d.working_capital_increase, d.funded_by_requirement, d.cfads,
              d.interest, d.principal, d.debt_service, d.dscr if d.dscr is not None else "no debt service",
              _yes_no(d.tested), _yes_no(d.below_minimum)) for d in f.dscr],
            heading="Debt service cover by period")
    _flags(s, "flags", f.flags, "Notes")
    s.finish()


def _returns_sheet(b: _Book) -> None:
    s = b.sheet("Returns", "Returns")
    res, err = b.result("returns")
    if err:
        s.error("Returns", err)
        s.finish()
        return
    r: _projection.Returns = res
    s.pairs("returns", [
        ("Discount rate a year", _pct(r.discount_rate_pct)),
        ("Net present value", _money(r.npv)),
        ("Internal rate of return a year", V(r.irr_pct, IRR_FORMAT) if r.irr_pct is not None else r.irr_note),
        ("More than one rate gives NPV zero", _yes_no(r.multiple_irr)),
        ("Other rates giving NPV zero", "; ".join(f"{x:.4f}%" for x in r.other_irr_pct) or "none"),
        ("Total cash flow (undiscounted)", _money(r.total_cash_flow)),
        ("Payback month (from the start of mobilisation)", V(r.payback_month, INTEGER)
         if r.payback_month is not None else "never"),
        ("Payback date", V(r.payback_date)),
        ("Months of service to payback", V(r.payback_service_months, INTEGER)),
        ("Discounted payback month", V(r.discounted_payback_month, INTEGER)
         if r.discounted_payback_month is not None else "never"),
        ("Discounted payback date", V(r.discounted_payback_date)),
        ("Break-even volume (% of planned)", _pct(r.break_even_volume_pct)),
        ("Break-even price (% of the bid prices)", _pct(r.break_even_price_pct)),
        ("Basis", r.basis),
    ], heading="Net present value, internal rate of return, payback and break-even")
    _flags(s, "flags", r.flags, "Notes")
    s.finish()


# =========================================================================== the Model sheet


def half_even(expr: str) -> str:
    """A spreadsheet expression rounding ``expr`` half to even to the penny, as the program does.

    ROUND(x, 2) except that an exact half penny goes to the even penny. ``ROUND(x*100, 6)`` first
    clears binary floating-point noise so that an exact half penny is recognised as one.
    """
    c = f"ROUND(({expr})*100,6)"
    return f"IF({c}-INT({c})=0.5,2*ROUND(({expr})*50,0),ROUND(({expr})*100,0))/100"


def _check(formula_ref: str, program_ref: str) -> F:
    return F(f'=IF(ABS({formula_ref}-{program_ref})<{TOLERANCE},"{CHECK_OK}","DIFFERS")', estimate="DIFFERS")


class _Triples:
    """Columns of a Model table: plain columns, and formula columns each followed by program and check."""

    def __init__(self) -> None:
        self.cols: list[Col] = []
        self.index: dict[str, int] = {}

    def plain(self, key: str, title: str, fmt: str | None = None) -> None:
        self.cols.append(Col(title, fmt))
        self.index[key] = len(self.cols)

    def derived(self, key: str, title: str, fmt: str | None = GBP) -> None:
        self.plain(key, title, fmt)
        self.cols.append(Col(f"Program: {title[:1].lower()}{title[1:]}", fmt))
        self.cols.append(Col(f"Check: {title[:1].lower()}{title[1:]}"))

    def letter(self, key: str) -> str:
        return get_column_letter(self.index[key])

    def ref(self, key: str, row: int, absolute: bool = False) -> str:
        return f"${self.letter(key)}${row}" if absolute else f"{self.letter(key)}{row}"

    def row(self, r: int, values: Mapping[str, Any], programs: Mapping[str, Any] | None = None) -> list[Any]:
        """The cells of row ``r``: ``values`` by key; each derived key gets its program figure and check."""
        out: list[Any] = [None] * len(self.cols)
        programs = programs or {}
        for key, value in values.items():
            i = self.index[key]
            out[i - 1] = value
            if key in programs:
                out[i] = V(programs[key], self.cols[i].fmt)
                out[i + 1] = _check(f"{get_column_letter(i)}{r}", f"{get_column_letter(i + 1)}{r}")
        return out


def _inp(value: Any, fmt: str | None = None) -> V:
    return V(value, fmt, input=True)


def _model_sheet(b: _Book) -> None:
    s = b.sheet("Model", "Model: the figures as live formulas over their inputs")
    s.note("Shaded cells are inputs; the rest are formulas over them. Beside each formula is the figure the program "
           "computed and a check (OK when they agree to the penny).")
    s.note("Rounding as the program does: half to even to the penny, i.e. ROUND(x,2) except that an exact half penny "
           "goes to the even penny.")
    ws = s.ws
    option, tender = b.option, b.tender
    prices, prices_err = b.result("prices")
    proj, proj_err = b.result("projection")
    funding, _ = b.result("funding")
    returns, _ = b.result("returns")

    # --------------------------------------------------------------- assumptions
    zero = Decimal(0)
    assumptions: list[tuple[str, str, V, str]] = [
        ("fee", "Management fee", _inp(prices.buildup.management_fee_pct if prices else option.management_fee_pct,
                                       PERCENT_POINTS), "Option"),
        ("pay", "Pay uplift a year", _inp(tender.pay_indexation_pct if tender else zero, PERCENT_POINTS), "Tender"),
        ("cpi", "CPI a year", _inp(tender.cpi_indexation_pct if tender else zero, PERCENT_POINTS), "Tender"),
        ("contingency", "Contingency on cost",
         _inp(prices.buildup.contingency_pct if prices else option.contingency_pct, PERCENT_POINTS), "Option"),
        ("discount", "Discount rate a year", _inp(returns.discount_rate_pct if returns else option.discount_rate_pct,
                                                  PERCENT_POINTS), "Option"),
        ("buffer_months", "Cash buffer (months of payroll)",
         _inp(funding.buffer_months if funding else option.buffer_months_payroll, DECIMAL_2), "Option"),
        ("payroll", "A month's payroll (year one, full volume)",
         _inp(funding.monthly_payroll if funding else None, GBP), "Program (payroll of year one ÷ 12, rounded)"),
        ("funding_contingency", "Contingency on funding",
         _inp(funding.contingency_pct if funding else option.contingency_on_funding_pct, PERCENT_POINTS), "Option"),
    ]
    s.heading("Assumptions")
    first = s.next_data_row()
    at: dict[str, str] = {}
    rows: list[tuple[Any, ...]] = []
    for i, (key, label, value, source) in enumerate(assumptions):
        at[key] = f"$B${first + i}"
        rows.append((label, value, source))
    checks_row = first + len(assumptions)
    rows.append(("Checks that differ (should be 0)", F("=0", NUMBER, 0), "Formula"))
    s.table("assumptions", (Col("Assumption"), Col("Value"), Col("Source")), rows)
    check_cells: list[str] = []  # ranges of check columns, for the count at the top

    def note_checks(t: _Triples, first_row: int, last_row: int) -> None:
        if last_row < first_row:
            return
        for i, col in enumerate(t.cols, start=1):
            if col.title.startswith("Check:"):
                letter = get_column_letter(i)
                check_cells.append(f"{letter}{first_row}:{letter}{last_row}")

    if prices_err:
        s.error("The prices", prices_err)
    else:
        _model_prices(s, prices, at, note_checks)
    if proj_err:
        s.error("The projection", proj_err)
    else:
        _model_projection(s, proj, funding, returns, at, note_checks)
    if check_cells:
        count = "+".join(f'COUNTIF({r},"DIFFERS")' for r in check_cells)
        put_formula(ws.cell(row=checks_row, column=2), f"={count}", NUMBER)
    s.finish()


def _model_prices(s: _Sheet, p: _pricing.PriceSchedule, at: Mapping[str, str],
                  note_checks: Callable[[_Triples, int, int], None]) -> None:
    bu = p.buildup
    terms = {t.key: t for t in p.lines}
    lines = [sl for sl in bu.service_lines if sl.key in terms]

    # --------------------------------------------------------------- service lines, year one
    t1 = _Triples()
    t1.plain("line", "Service line")
    t1.plain("price", "Year-one unit price", GBP)
    t1.plain("volume", "Volume a year", VOLUME)
    t1.plain("cost", "Year-one annual cost", GBP)
    t1.plain("share", "Staff share of cost", PERCENT)
    t1.derived("index", "Cost index a year", IRR_FORMAT)
    first = s.begin("Service lines: year one",
                    "The cost index a year = staff share × pay uplift + (1 − staff share) × CPI.")
    line_row: dict[str, int] = {}
    rows = []
    for i, sl in enumerate(lines):
        r = first + i
        line_row[sl.key] = r
        share = t1.ref("share", r)
        rows.append(t1.row(r, {
            "line": sl.service_line, "price": _inp(sl.price_per_unit), "volume": _inp(sl.volume),
            "cost": _inp(sl.annual_cost), "share": _inp(sl.staff_share),
            "index": F(f"={share}*{at['pay']}+(1-{share})*{at['cpi']}", estimate=terms[sl.key].index_pct),
        }, {"index": terms[sl.key].index_pct}))
    a, z = s.table("model_lines", t1.cols, rows)
    note_checks(t1, a, z)

    # --------------------------------------------------------------- prices by year and service line
    t2 = _Triples()
    t2.plain("year", "Contract year", INTEGER)
    t2.plain("ext", "Extension")
    t2.plain("line", "Service line")
    t2.derived("unit", "Unit price")
    t2.plain("volume", "Volume", VOLUME)
    t2.derived("price", "Annual price")
    t2.derived("cost", "Annual cost")
    t2.derived("fee", "Management fee")
    t2.derived("margin", "Margin")
    first = s.begin("Prices by contract year and service line",
                    "Unit price in year n = year-one unit price × (1 + cost index)^(n − 1), rounded; annual price = "
                    "unit price × volume, rounded; fee = fee % × annual price, rounded; margin = price − cost − fee.",
                    "Annual cost in year n = year-one cost × (staff share × (1 + pay uplift)^(n − 1) + (1 − staff "
                    "share) × (1 + CPI)^(n − 1)), rounded.")
    rows = []
    year_rows: dict[int, tuple[int, int]] = {}
    r = first
    for y in p.years:
        start = r
        for ly in y.lines:
            lr = line_row.get(ly.key)
            if lr is None:
                continue
            n = t2.ref("year", r)
            unit, vol, price, cost = t2.ref("unit", r), t2.ref("volume", r), t2.ref("price", r), t2.ref("cost", r)
            p1, idx = t1.ref("price", lr, True), t1.ref("index", lr, True)
            c1, sh = t1.ref("cost", lr, True), t1.ref("share", lr, True)
            rows.append(t2.row(r, {
                "year": y.number, "ext": "Yes" if y.is_extension else "No", "line": ly.service_line,
                "unit": F("=" + half_even(f"{p1}*(1+{idx}/100)^({n}-1)"), estimate=ly.unit_price),
                "volume": F(f"={t1.ref('volume', lr, True)}", estimate=ly.volume),
                "price": F("=" + half_even(f"{unit}*{vol}"), estimate=ly.annual_price),
                "cost": F("=" + half_even(f"{c1}*({sh}*(1+{at['pay']}/100)^({n}-1)"
                                          f"+(1-{sh})*(1+{at['cpi']}/100)^({n}-1))"), estimate=ly.annual_cost),
                "fee": F("=" + half_even(f"{at['fee']}/100*{price}"), estimate=ly.annual_fee),
                "margin": F(f"={price}-{cost}-{t2.ref('fee', r)}", estimate=ly.annual_margin),
            }, {"unit": ly.unit_price, "price": ly.annual_price, "cost": ly.annual_cost, "fee": ly.annual_fee,
                "margin": ly.annual_margin}))
            r += 1
        year_rows[y.number] = (start, r - 1)
    a, z = s.table("model_prices", t2.cols, rows)
    note_checks(t2, a, z)

    # --------------------------------------------------------------- year totals
    t3 = _Triples()
    t3.plain("year", "Contract year", INTEGER)
    t3.plain("ext", "Extension")
    for k, title in (("price", "Annual price"), ("cost", "Annual cost"), ("fee", "Management fee"),
                     ("margin", "Margin")):
        t3.derived(k, title)
    first = s.begin("Year totals")
    rows = []
    total_row: dict[int, int] = {}
    for i, y in enumerate(p.years):
        r = first + i
        total_row[y.number] = r
        lo, hi = year_rows[y.number]

        def col_sum(key: str, lo: int = lo, hi: int = hi) -> F:
            letter = t2.letter(key)
            return F(f"=SUM({letter}{lo}:{letter}{hi})" if hi >= lo else "=0")

        rows.append(t3.row(r, {"year": y.number, "ext": "Yes" if y.is_extension else "No",
                               "price": col_sum("price"), "cost": col_sum("cost"), "fee": col_sum("fee"),
                               "margin": col_sum("margin")},
                           {"price": y.annual_price, "cost": y.annual_cost, "fee": y.annual_fee,
                            "margin": y.annual_margin}))
    a, z = s.table("model_years", t3.cols, rows)
    note_checks(t3, a, z)

    # --------------------------------------------------------------- term and total
    t4 = _Triples()
    t4.plain("what", "Total")
    t4.derived("value", "Amount")
    first = s.begin("Term and total")
    term_rows = [total_row[y.number] for y in p.years if not y.is_extension]

    def over(key: str, rows_: Sequence[int]) -> F:
        letter = t3.letter(key)
        if not rows_:
            return F("=0")
        if rows_ == list(range(rows_[0], rows_[-1] + 1)):
            return F(f"=SUM({letter}{rows_[0]}:{letter}{rows_[-1]})")
        return F("=" + "+".join(f"{letter}{x}" for x in rows_))

    all_rows = [total_row[y.number] for y in p.years]
    items = [(f"Term price (years 1–{len(term_rows)})", over("price", term_rows), p.term_price),
             ("Total price, all years", over("price", all_rows), p.total_price),
             ("Total cost, all years", over("cost", all_rows), p.total_cost),
             ("Total management fee, all years", over("fee", all_rows), p.total_fee),
             ("Total margin, all years", over("margin", all_rows), p.total_margin)]
    rows = [t4.row(first + i, {"what": label, "value": formula}, {"value": program})
            for i, (label, formula, program) in enumerate(items)]
    a, z = s.table("model_totals", t4.cols, rows)
    note_checks(t4, a, z)

    _model_buildup(s, bu, at, note_checks)


def _model_buildup(s: _Sheet, bu: _costing.CostBuildup, at: Mapping[str, str],
                   note_checks: Callable[[_Triples, int, int], None]) -> None:
    # --------------------------------------------------------------- member lines
    t5 = _Triples()
    t5.plain("line", "Service line")
    t5.plain("member", "Member")
    t5.plain("volume", "Volume", VOLUME)
    for k, label in _MEMBER_CATS:
        t5.plain(k, label, GBP)
    t5.derived("total", "Member line cost")
    first = s.begin("Cost build-up, year one: member lines",
                    "Each member's annual cost of a service line, by category, as the build-up rounded it (the "
                    "lines add up to the member line's cost).")
    rows = []
    member_rows: dict[str, tuple[int, int]] = {}
    r = first
    for sl in bu.service_lines:
        start = r
        for m in sl.members:
            cats = _member_categories(m)
            values: dict[str, Any] = {"line": sl.service_line, "member": m.organisation_name, "volume": m.volume}
            values.update({k: _inp(cats[k]) for k, _ in _MEMBER_CATS})
            lo, hi = t5.letter(_MEMBER_CATS[0][0]), t5.letter(_MEMBER_CATS[-1][0])
            values["total"] = F(f"=SUM({lo}{r}:{hi}{r})", estimate=m.annual_cost)
            rows.append(t5.row(r, values, {"total": m.annual_cost}))
            r += 1
        member_rows[sl.key] = (start, r - 1)
    a, z = s.table("model_members", t5.cols, rows)
    note_checks(t5, a, z)

    # --------------------------------------------------------------- service lines by category
    t6 = _Triples()
    t6.plain("line", "Service line")
    t6.plain("category", "Category")
    t6.derived("annual", "Annual")
    first = s.begin("Cost build-up, year one: service lines by category",
                    "Each category is the sum of the service line's member lines; the shared back office and the "
                    "contingency are the program's split of the option's amounts across service lines (inputs).")
    rows = []
    r = first
    for sl in bu.service_lines:
        lo, hi = member_rows[sl.key]
        start = r
        for k, label in _CATS:
            amount = sl.line(k).annual
            if k in ("shared", "contingency"):
                value: Any = _inp(amount)  # split across service lines by largest remainder: an input
                rows.append(t6.row(r, {"line": sl.service_line, "category": label, "annual": value}))
            else:
                letter = t5.letter(k)
                rows.append(t6.row(r, {"line": sl.service_line, "category": label,
                                       "annual": F(f"=SUM({letter}{lo}:{letter}{hi})" if hi >= lo else "=0",
                                                   estimate=amount)},
                                   {"annual": amount}))
            r += 1
        col = t6.letter("annual")
        rows.append(t6.row(r, {"line": sl.service_line, "category": "Delivery cost",
                               "annual": F(f"=SUM({col}{start}:{col}{r - 1})", estimate=sl.annual_cost)},
                           {"annual": sl.annual_cost}))
        r += 1
    a6, z6 = s.table("model_categories", t6.cols, rows)
    note_checks(t6, a6, z6)

    # --------------------------------------------------------------- option totals
    t7 = _Triples()
    t7.plain("category", "Category")
    t7.derived("annual", "Annual")
    first = s.begin("Cost build-up, year one: option totals")
    cat_col, ann_col = t6.letter("category"), t6.letter("annual")
    totals = {t.key: t.annual for t in bu.totals}
    rows = []
    r = first
    cat_rows: dict[str, int] = {}
    for k, label in (*_CATS, ("delivery", "Delivery cost")):
        program = bu.annual_cost if k == "delivery" else totals[k]
        cat_rows[k] = r
        formula = (f"=SUMIF(${cat_col}${a6}:${cat_col}${z6},{t7.ref('category', r)},${ann_col}${a6}:${ann_col}${z6})"
                   if z6 >= a6 else "=0")
        rows.append(t7.row(r, {"category": label, "annual": F(formula, estimate=program)}, {"annual": program}))
        r += 1
    # the contingency of the option: contingency % × cost before contingency, rounded once
    before = "+".join(t7.ref("annual", cat_rows[k]) for k, _ in _CATS if k != "contingency")
    rows.append(t7.row(r, {"category": "Contingency = contingency % × cost before contingency",
                           "annual": F("=" + half_even(f"{at['contingency']}/100*({before})"),
                                       estimate=totals["contingency"])},
                       {"annual": totals["contingency"]}))
    a, z = s.table("model_option", t7.cols, rows)
    note_checks(t7, a, z)


def _model_projection(s: _Sheet, pr: _projection.Projection, funding: _projection.FundingResult | None,
                      returns: _projection.Returns | None, at: Mapping[str, str],
                      note_checks: Callable[[_Triples, int, int], None]) -> None:
    # --------------------------------------------------------------- P&L by period
    t = _Triples()
    t.plain("period", "Period")
    for k, label in (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("bond", "Bond"),
                     ("insurance", "Insurance"), ("mobilisation", "Mobilisation")):
        t.plain(k, label, GBP)
    t.derived("ebitda", "EBITDA")
    t.plain("depreciation", "Depreciation", GBP)
    t.derived("ebit", "EBIT")
    t.plain("grant_income", "Grant income", GBP)
    t.plain("interest", "Interest", GBP)
    t.plain("arrangement_fees", "Arrangement fees", GBP)
    t.derived("profit_before_tax", "Profit before tax")
    t.plain("tax", "Tax", GBP)
    t.derived("profit_after_tax", "Profit after tax")
    first = s.begin("Projection: P&L by period",
                    "EBITDA = income − payroll − non-pay − bond − insurance − mobilisation; EBIT = EBITDA − "
                    "depreciation; profit before tax = EBIT + grants − interest − arrangement fees; after tax = "
                    "before tax − tax (tax follows the program's rules: an input).")
    rows = []
    for i, y in enumerate(pr.years):
        r = first + i
        ref = {k: t.ref(k, r) for k in t.index}
        values: dict[str, Any] = {"period": y.label}
        for k in ("income", "payroll", "non_pay", "bond", "insurance", "mobilisation", "depreciation", "grant_income",
                  "interest", "arrangement_fees", "tax"):
            values[k] = _inp(getattr(y, k))
        values["ebitda"] = F(f"={ref['income']}-{ref['payroll']}-{ref['non_pay']}-{ref['bond']}-{ref['insurance']}"
                             f"-{ref['mobilisation']}", estimate=y.ebitda)
        values["ebit"] = F(f"={ref['ebitda']}-{ref['depreciation']}", estimate=y.ebit)
        values["profit_before_tax"] = F(f"={ref['ebit']}+{ref['grant_income']}-{ref['interest']}"
                                        f"-{ref['arrangement_fees']}", estimate=y.profit_before_tax)
        values["profit_after_tax"] = F(f"={ref['profit_before_tax']}-{ref['tax']}", estimate=y.profit_after_tax)
        rows.append(t.row(r, values, {k: getattr(y, k) for k in ("ebitda", "ebit", "profit_before_tax",
                                                                  "profit_after_tax")}))
    a, z = s.table("model_pnl", t.cols, rows)
    note_checks(t, a, z)
    pnl_first, pnl_last = a, z

    tt = _Triples()
    tt.plain("what", "Total over the projection")
    tt.derived("value", "Amount")
    first = s.begin("Projection totals")
    items = [("Income", "income", pr.total_income), ("EBITDA", "ebitda", pr.total_ebitda),
             ("Profit before tax", "profit_before_tax", pr.total_profit_before_tax), ("Tax", "tax", pr.total_tax),
             ("Profit after tax", "profit_after_tax", pr.total_profit_after_tax)]
    rows = []
    for i, (label, k, program) in enumerate(items):
        letter = t.letter(k)
        rows.append(tt.row(first + i, {"what": label, "value": F(f"=SUM({letter}{pnl_first}:{letter}{pnl_last})",
                                                                   estimate=program)}, {"value": program}))
    a, z = s.table("model_pnl_totals", tt.cols, rows)
    note_checks(tt, a, z)

    # --------------------------------------------------------------- monthly cash before funding
    c = _Triples()
    c.plain("month", "Month", INTEGER)
    c.plain("starts", "Starts")
    c.plain("phase", "Phase")
    outflows = (("payroll_paid", "Payroll paid"), ("non_pay_paid", "Non-pay paid"), ("bond_paid", "Bond paid"),
                ("insurance_paid", "Insurance paid"), ("mobilisation_paid", "Mobilisation paid"),
                ("capex_paid", "Capital expenditure paid"), ("operating_tax_paid", "Tax on operating profit paid"))
    c.plain("receipts", "Receipts", GBP)
    for k, label in outflows:
        c.plain(k, label, GBP)
    c.derived("cash", "Cash before funding")
    c.derived("cumulative", "Cumulative before funding")
    first = s.begin("Projection: monthly cash flow before funding",
                    "Cash before funding = receipts − every payment of the month (the project's own cash flow, "
                    "before any equity, grant or loan).")
    rows = []
    for i, m in enumerate(pr.months):
        r = first + i
        values = {"month": m.month, "starts": m.starts, "phase": m.phase.capitalize(), "receipts": _inp(m.receipts)}
        values.update({k: _inp(getattr(m, k)) for k, _ in outflows})
        values["cash"] = F(f"={c.ref('receipts', r)}-" + "-".join(c.ref(k, r) for k, _ in outflows),
                           estimate=m.cash_before_funding)
        previous = "" if i == 0 else f"{c.ref('cumulative', r - 1)}+"
        values["cumulative"] = F(f"={previous}{c.ref('cash', r)}", estimate=m.cumulative_before_funding)
        rows.append(c.row(r, values, {"cash": m.cash_before_funding, "cumulative": m.cumulative_before_funding}))
    a, z = s.table("model_cash", c.cols, rows)
    note_checks(c, a, z)
    if z < a:
        return
    cash = f"${c.letter('cash')}${a}:${c.letter('cash')}${z}"
    cum = f"${c.letter('cumulative')}${a}:${c.letter('cumulative')}${z}"
    months = f"${c.letter('month')}${a}:${c.letter('month')}${z}"

    # --------------------------------------------------------------- funding requirement and returns
    h = _Triples()
    h.plain("what", "Headline")
    h.derived("value", "Amount")
    first = s.begin("Funding requirement and net present value")
    rows = []
    r = first
    val = h.letter("value")
    if funding is not None:
        peak, buffer, contingency = r, r + 1, r + 2
        rows.append(h.row(r, {"what": "Peak funding need = −(lowest cumulative cash before funding), at least 0",
                              "value": F(f"=MAX(0,-MIN({cum}))", estimate=funding.peak_deficit)},
                          {"value": funding.peak_deficit}))
        rows.append(h.row(r + 1, {"what": "Cash buffer = a month's payroll × months",
                                  "value": F("=" + half_even(f"{at['payroll']}*{at['buffer_months']}"),
                                             estimate=funding.buffer)}, {"value": funding.buffer}))
        rows.append(h.row(r + 2, {"what": "Contingency = (peak + buffer) × contingency on funding",
                                  "value": F("=" + half_even(f"({val}{peak}+{val}{buffer})*{at['funding_contingency']}"
                                                             "/100"), estimate=funding.contingency)},
                          {"value": funding.contingency}))
        rows.append(h.row(r + 3, {"what": "Funding requirement = peak + buffer + contingency",
                                  "value": F(f"={val}{peak}+{val}{buffer}+{val}{contingency}",
                                             estimate=funding.requirement)}, {"value": funding.requirement}))
        r += 4
    if returns is not None:
        rows.append(h.row(r, {"what": "Total cash flow before funding (undiscounted)",
                              "value": F(f"=SUM({cash})", estimate=returns.total_cash_flow)},
                          {"value": returns.total_cash_flow}))
        npv = f"SUMPRODUCT({cash},(1+{at['discount']}/100)^(-{months}/12))"
        rows.append(h.row(r + 1, {"what": "Net present value = Σ cash × (1 + discount rate)^(−month ÷ 12)",
                                  "value": F("=" + half_even(npv), estimate=returns.npv)}, {"value": returns.npv}))
        r += 2
        if returns.irr_pct is not None:
            # the spreadsheet's IRR of the monthly flows, started from the discount rate (the program
            # reports the root nearest the discount rate when there are several), made annual
            guess = f"(1+{at['discount']}/100)^(1/12)-1"
            rows.append(h.row(r, {"what": "Internal rate of return a year, % (monthly IRR made annual)",
                                  "value": F(f"=((1+IRR({cash},{guess}))^12-1)*100", IRR_FORMAT,
                                             estimate=returns.irr_pct)}, {"value": returns.irr_pct}))
            r += 1
    a, z = s.table("model_headline", h.cols, rows)
    note_checks(h, a, z)


# =========================================================================== entry point


def write_option_workbook(ws: Workspace, option_id: int, path: str | Path, *, results: dict | None = None,
                          progress: Progress | None = None,
                          cancelled: Callable[[], bool] | None = None) -> Path:
    """Write the option's workbook to ``path`` and return it (see the module's docstring).

    ``results`` defaults to ``analyses.analyse_option(ws, option_id)``. ``progress(percent, message)``
    is called as sheets are written; ``cancelled()`` is checked between them and raises ``Cancelled``.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise KeyError(f"no consortium option {option_id}")

    def report(pct: int, message: str) -> None:
        if progress is not None:
            progress(max(0, min(100, pct)), message)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("Workbook export cancelled")

    check()
    if results is None:
        report(0, "Running the analyses")
        results = analyses.analyse_option(ws, option_id)
    book = _Book(ws, option, results)
    steps: list[tuple[str, Callable[[_Book], None]]] = [
        ("Inputs", _inputs), ("Coverage", _coverage), ("Standing", _standing_sheet), ("Cost build-up", _buildup_sheet),
        ("Prices by year", _prices_sheet), ("Projection", _projection_sheet), ("Funding", _funding_sheet),
        ("Returns", _returns_sheet), ("Model", _model_sheet),
    ]
    for i, (name, step) in enumerate(steps):
        check()
        report(10 + 70 * i // len(steps), f"Writing {name}")
        step(book)
    check()
    props = book.wb.properties
    props.creator = "Consortium Planner"
    props.title = f"{option.name}: consortium option workbook"
    props.lastModifiedBy = "Consortium Planner"
    report(85, "Saving the workbook")
    out = save_atomically(book.wb, Path(path))
    report(100, "Workbook ready")
    return out

