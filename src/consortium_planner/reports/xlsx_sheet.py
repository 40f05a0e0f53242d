"""The option workbook's cells and sheets: typed cell values, formats, and a sheet filled top to bottom.

A table cell is written from a plain value (text, number, date, enum, bool), a ``Value`` (a value with
its own number format, shading as an input, fill or bold face) or a ``Formula`` (one of our own
formulas). Every piece of text goes through ``xlsx_common.put`` / ``put_text``, so user text that
begins with ``= + - @``, a tab or a carriage return stays text; formulas come only from ``Formula``.

``Sheet`` writes a title, notes, headings and tables (each an Excel table with its own filter
buttons; the first table's header is frozen) and, at the end (``finish``), fits the columns and
sets the sheet up for printing (``print_setup``):

* A4, margins of half an inch at the sides; portrait when the columns fit a portrait page, else
  landscape;
* fitted to the page's width only when that keeps text at 8 points or more (a scale of at least
  73% of the 11-point text); a wider sheet prints at 80% across several pages, over then down,
  with its first column repeated on every page;
* the print area is the cells used; a table longer than a page starts on a new page; the header
  row of the sheet's last table repeats on every page when that table is longer than a page (a
  sheet can repeat one range of rows only, so on a sheet whose long table is followed by others
  none is repeated rather than the wrong one).

``Book`` is the workbook being written with the option, its tender, the analyses' results and its
sheets by name.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.table import Table
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.model import ConsortiumOption, Tender
from ..domain.workspace import Workspace
from ..services.pipeline import NotApplicable, Refusal
from .document import Status
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
)

__all__ = ["INTEGER", "IRR_FORMAT", "MONEY_4", "MONTHS", "RATIO", "STATUS_FILLS", "VOLUME", "Book", "Col", "Formula",
           "Sheet", "Value", "as_label", "money_value", "pct_value", "width_of", "wrapped_lines"]

INTEGER = "0"
RATIO = "0.00"
VOLUME = "#,##0.##########"  # volumes are usually whole; a fraction still shows
MONTHS = '0.00" months"'
MONEY_4 = '"£"#,##0.0000'  # exact per-unit costs
IRR_FORMAT = '0.0000"%"'  # percentage points to four places: 17.3783 shows as 17.3783%
HEADING_FONT = Font(bold=True, size=12)
BOLD_FONT = Font(bold=True)
MIN_WIDTH, MAX_WIDTH = 8, 60
TEXT_WRAP = 40  # characters: longer text wraps (a column of it still prints beside others)
FORMULA_WIDTH = {GBP: 14, MONEY_4: 12}  # characters a formula's value may take when no figure is expected
LINE_HEIGHT = 15  # points a line of 11-point text takes

# Printing (A4): the width a page offers, in pixels at 96 dpi, and the width of a column of ``w``
# characters. Excel draws a character of 11-point Calibri in 7 pixels; LibreOffice without Calibri
# (DejaVu Sans) in about 9.3, measured: 110 characters of columns fill a landscape page. We size for
# the wider, so a sheet fitted to the page stays readable in either.
SIDE_MARGIN = 0.5  # inches
PAGE_PIXELS = {"portrait": int(96 * (8.27 - 2 * SIDE_MARGIN)), "landscape": int(96 * (11.69 - 2 * SIDE_MARGIN))}
PIXELS_PER_CHARACTER = 9.3
MIN_FIT_SCALE = 73  # % of 11-point text that still reads as 8 points
WIDE_SCALE = 75  # % for a sheet too wide to fit: several pages across, text at 8.25 points
LONG_TABLE = 30  # data rows: a table longer than this starts on a new page
REPEAT_FIRST_COLUMN = TEXT_WRAP + 2  # characters: a first column this narrow or narrower repeats on every page across
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGN = Alignment(wrap_text=True)
TEXT_ALIGN = Alignment(horizontal="left", indent=1)

#: The document's red/amber/green/grey as cell fills (Excel's own "good / neutral / bad" shades).
STATUS_FILLS = {
    Status.GREEN: PatternFill("solid", fgColor="C6EFCE"),
    Status.AMBER: PatternFill("solid", fgColor="FFEB9C"),
    Status.RED: PatternFill("solid", fgColor="FFC7CE"),
    Status.GREY: PatternFill("solid", fgColor="EDEDED"),
}


# =========================================================================== cells
@dataclass(frozen=True, slots=True)
class Col:
    """A column of a sheet's table: its header and the number format of plain numbers in it (a cell's
    ``Value`` or ``Formula`` may carry its own)."""

    title: str
    fmt: str | None = None
    wrap: int = 40  # text longer than this many characters wraps at it (narrow enough to print)


@dataclass(frozen=True, slots=True)
class Value:
    """A value with its own number format, shading (an input the user may change), fill or bold face."""

    value: Any
    fmt: str | None = None
    input: bool = False
    fill: PatternFill | None = None
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Formula:
    """One of our formulas; ``estimate`` (the expected figure) sizes the column."""

    text: str
    fmt: str | None = None
    estimate: Any = None


def width_of(value: Any, fmt: str | None) -> int:
    """Roughly how many characters ``value`` takes shown in format ``fmt`` (for the column width)."""
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


def column_pixels(width: float) -> int:
    """Pixels a column ``width`` characters wide takes at 96 dpi (the wider of Excel and LibreOffice)."""
    return int(width * PIXELS_PER_CHARACTER + 2)


def wrapped_lines(text: str, width: int) -> int:
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


def money_value(value: Decimal | None) -> Value:
    return Value(value, GBP)


def pct_value(value: Decimal | None) -> Value:
    """Percentage points (12.5 shows as 12.50%)."""
    return Value(value, PERCENT_POINTS)


def as_label(value: Any) -> Any:
    """Enums as their label (ChoiceEnum) or value (StrEnum), for writing as text."""
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        if isinstance(label, str):
            return label
        return str(value.value).capitalize()
    return value


# =========================================================================== sheets


class Sheet:
    """A worksheet filled top to bottom: title, notes, headings and tables."""

    def __init__(self, wb: Workbook, name: str, title: str, subtitle: str, code: str | None = None):
        self.ws: Worksheet = wb.create_sheet(name)
        self.name = name
        self.code = code or re.sub(r"[^A-Za-z]", "", name)[:12] or "Sheet"
        put_text(self.ws.cell(row=1, column=1), title).font = TITLE_FONT
        if subtitle:
            put_text(self.ws.cell(row=2, column=1), subtitle).font = NOTE_FONT
        self.row = 4
        self.widths: dict[int, int] = {}
        self.header_words: dict[int, int] = {}
        self.wrapped: list[tuple[int, int, str]] = []  # cells whose text wraps: row, column, text
        self.frozen = False
        self.tables = 0
        self.placed: list[tuple[int, int, int]] = []  # each table: the row its heading starts, header row, last row
        self.block_start = self.row  # where the next table's heading (or the table itself) begins

    # ----------------------------------------------------------------- blocks

    def heading(self, text: str) -> None:
        self.block_start = self.row
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
        start = self.block_start if self.block_start <= header else header
        self.block_start = header + 1
        for i, col in enumerate(cols, start=1):
            title_cell = put_text(ws.cell(row=header, column=i), col.title)
            title_cell.font = HEADER_FONT
            title_cell.fill = HEADER_FILL
            title_cell.alignment = HEADER_ALIGN
            longest = max((len(w) for w in col.title.split()), default=0)
            # a check column holds OK or DIFFERS: its header may wrap word by word
            wanted = longest if col.title.startswith("Check:") else max(longest, min(len(col.title), 14))
            self.header_words[i] = max(self.header_words.get(i, 0), wanted)
            self.wrapped.append((header, i, col.title))
        r = header
        for values in rows:
            r += 1
            for i, (col, value) in enumerate(zip(cols, values, strict=False), start=1):
                self._put(ws.cell(row=r, column=i), value, col.fmt, i, col.wrap)
        if not self.frozen:
            ws.freeze_panes = ws.cell(row=header + 1, column=1)
            self.frozen = True
        if r == header:
            put_text(ws.cell(row=header + 1, column=1), empty).font = NOTE_FONT
            self.row = header + 3
            self.block_start = self.row
            return header + 1, header
        self.placed.append((start, header, r))
        self.tables += 1
        name = f"{self.code}_{self.tables}_{re.sub(r'[^A-Za-z0-9]', '_', key)}"[:250]
        ws.add_table(Table(displayName=name, ref=f"A{header}:{get_column_letter(len(cols))}{r}"))
        self.row = r + 2
        self.block_start = self.row
        return header + 1, r

    def pairs(self, key: str, items: Sequence[tuple[str, Any]], *, heading: str = "",
              titles: tuple[str, str] = ("Item", "Value")) -> tuple[int, int]:
        """A two-column table of labelled values (each value may carry its own format)."""
        return self.table(key, (Col(titles[0]), Col(titles[1])), items, heading=heading)

    # ----------------------------------------------------------------- cells

    def _put(self, cell: Cell, value: Any, fmt: str | None, column: int, wrap: int = TEXT_WRAP) -> None:
        fill = None
        is_input = bold = False
        if isinstance(value, Value):
            fmt = value.fmt or fmt
            fill = value.fill
            is_input = value.input
            bold = value.bold
            value = value.value
        if isinstance(value, Formula):
            put_formula(cell, value.text, value.fmt or fmt)
            width = width_of(value.estimate, value.fmt or fmt)
            if value.estimate is None:
                width = FORMULA_WIDTH.get(value.fmt or fmt or "", 0)
            if isinstance(value.estimate, str):  # a check: OK or DIFFERS
                cell.alignment = TEXT_ALIGN
        else:
            value = as_label(value)
            if isinstance(value, float):  # never expected: keep the exact decimal text
                value = Decimal(repr(value))
            if isinstance(value, bool) or value is None or isinstance(value, (dt.date, str)):
                put(cell, value)
            else:
                put_number(cell, value, fmt or NUMBER)
            width = width_of(value, fmt)
            if isinstance(value, str):
                if len(value) > wrap:
                    cell.alignment = WRAP_ALIGN
                    self.wrapped.append((cell.row, column, value))
                    width = wrap
                elif column > 1 and value:
                    cell.alignment = TEXT_ALIGN  # a little space after a number in the column before
        if is_input:
            cell.fill = INPUT_FILL
        elif fill is not None:
            cell.fill = fill
        if bold:
            cell.font = BOLD_FONT
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
            lines = wrapped_lines(text, widths.get(column, MIN_WIDTH) - 2)
            heights[row] = max(heights.get(row, 1), lines)
        for row, lines in heights.items():
            if lines > 1:
                self.ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        self.print_setup(widths)

    def print_setup(self, widths: Mapping[int, int]) -> None:
        """Page layout for printing (see the module's docstring)."""
        ws = self.ws
        setup = ws.page_setup
        setup.paperSize = ws.PAPERSIZE_A4
        ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = "&A: page &P of &N"
        last_column = max([*widths, 1])
        pixels = sum(column_pixels(widths.get(c, MIN_WIDTH)) for c in range(1, last_column + 1))
        fit = ws.sheet_properties.pageSetUpPr
        setup.orientation = "portrait" if pixels <= PAGE_PIXELS["portrait"] else "landscape"
        fit.fitToPage = False
        setup.scale = 100
        ws._print_cols = ws._print_rows = None  # openpyxl's setters ignore None: clear a second call's titles
        if pixels > PAGE_PIXELS["landscape"]:
            if PAGE_PIXELS["landscape"] * 100 >= MIN_FIT_SCALE * pixels:
                fit.fitToPage = True
                setup.fitToWidth, setup.fitToHeight = 1, 0
            else:
                setup.scale = WIDE_SCALE
                setup.pageOrder = "overThenDown"
                if widths.get(1, MIN_WIDTH) <= REPEAT_FIRST_COLUMN:
                    ws.print_title_cols = "A:A"
        ws.print_area = f"A1:{get_column_letter(last_column)}{max(ws.max_row, 1)}"
        breaks = sorted({start - 1 for i, (start, header, last) in enumerate(self.placed) if start > 5 and (
            last - header > LONG_TABLE or (i > 0 and self.placed[i - 1][2] - self.placed[i - 1][1] > LONG_TABLE))})
        ws.row_breaks = RowBreak()
        for row in breaks:
            ws.row_breaks.append(Break(id=row))
        if self.placed:
            _, header, last = self.placed[-1]
            if last - header > LONG_TABLE:
                ws.print_title_rows = f"{header}:{header}"


class Book:
    """The workbook being written: the option, its tender, the analyses' results, and the sheets so far."""

    def __init__(self, ws: Workspace, option: ConsortiumOption, results: Mapping[str, Any]):
        self.workspace = ws
        self.option = option
        self.tender = ws.get(Tender, option.tender_id)
        self.results = results
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.sheets: dict[str, Sheet] = {}
        self.accounts: dict[int, dict[str, str]] = {}  # organisation → line item → its cell on the Inputs sheet
        tender = self.tender
        self.subtitle = (f"Consortium option: {option.name}"
                         + (f"; tender: {tender.name}" if tender else "")
                         + (f"; buyer: {tender.buyer}" if tender and tender.buyer else ""))

    def sheet(self, name: str, title: str) -> Sheet:
        """A new sheet at the end of the workbook (its tables' names begin with a code unique in the book)."""
        base = re.sub(r"[^A-Za-z]", "", name)[:12] or "Sheet"
        code, n = base, 2
        taken = {s.code for s in self.sheets.values()}
        while code in taken:
            code, n = f"{base}{n}", n + 1
        sheet = Sheet(self.wb, name, title, self.subtitle, code)
        self.sheets[name] = sheet
        return sheet

    def result(self, name: str) -> tuple[Any, str | None]:
        """(the analysis, None) or (None, why it is missing)."""
        value = self.results.get(name)
        if isinstance(value, Refusal | NotApplicable):
            return None, value.reason
        if value is None:
            return None, "not computed"
        return value, None

