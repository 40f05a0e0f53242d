"""What every workbook we write shares: safe text, £ and percentage formats, header rows.

Safety (issue 8, OWASP "CSV injection"): text that came from a user is never a formula. openpyxl
turns any string beginning with ``=`` into a formula, and a spreadsheet program may treat a
string beginning with ``+``, ``-``, ``@``, a tab or a carriage return as one when the cell is
edited; ``put_text`` writes such strings as text cells with Excel's quote prefix, so they show as
typed and stay text. Formulas are written only by ``put_formula``, from our own code.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .files import atomic_write

GBP = '"£"#,##0.00;[Red]-"£"#,##0.00'
GBP_WHOLE = '"£"#,##0;[Red]-"£"#,##0'
PERCENT = "0.00%"  # a fraction: 0.25 shows as 25.00%
PERCENT_POINTS = '0.00"%"'  # percentage points: 25 shows as 25.00%
NUMBER = "#,##0"
DECIMAL_2 = "#,##0.00"
DATE = "DD/MM/YYYY"

HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # cells a user may change
TITLE_FONT = Font(name="Calibri", bold=True, size=14)
NOTE_FONT = Font(name="Calibri", italic=True, color="595959")

RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    return text.startswith(RISKY_PREFIXES)


def put_text(cell: Cell, text: str | None) -> Cell:
    """Write user text as a text cell, never a formula, whatever it begins with."""
    value = "" if text is None else str(text)
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise make '=...' a formula
    if is_risky(value):
        cell.quotePrefix = True
    return cell


def put_number(cell: Cell, value: Decimal | int | None, number_format: str = NUMBER) -> Cell:
    """Write an exact figure. openpyxl stores Decimal as its exact decimal text (no binary rounding)."""
    cell.value = value
    if value is not None:
        cell.number_format = number_format
    return cell


def put_money(cell: Cell, value: Decimal | None) -> Cell:
    return put_number(cell, value, GBP)


def put_date(cell: Cell, value: dt.date | None) -> Cell:
    cell.value = value
    if value is not None:
        cell.number_format = DATE
    return cell


def put_formula(cell: Cell, formula: str, number_format: str | None = None) -> Cell:
    """Write one of our own formulas (must begin with '=')."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    if number_format:
        cell.number_format = number_format
    return cell


def put(cell: Cell, value: object, number_format: str | None = None) -> Cell:
    """Write a plain value: text safely, numbers and dates with a format, booleans as Yes/No."""
    if value is None:
        cell.value = None
        return cell
    if isinstance(value, bool):
        return put_text(cell, "Yes" if value else "No")
    if isinstance(value, (Decimal, int)):
        return put_number(cell, value, number_format or NUMBER)
    if isinstance(value, dt.date):
        return put_date(cell, value)
    return put_text(cell, str(value))


def header_row(ws: Worksheet, row: int, titles: list[str] | tuple[str, ...], *, widths: list[int] | None = None,
               freeze: bool = True, filters: bool = True, last_row: int | None = None) -> None:
    """Write a styled header row, freeze the panes under it and put filters on the columns."""
    for col, title in enumerate(titles, start=1):
        c = put_text(ws.cell(row=row, column=col), title)
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    for col, title in enumerate(titles, start=1):
        width = widths[col - 1] if widths and col - 1 < len(widths) else max(10, min(40, len(title) + 4))
        ws.column_dimensions[get_column_letter(col)].width = width
    if freeze:
        ws.freeze_panes = ws.cell(row=row + 1, column=1)
    if filters and titles:
        end = last_row if last_row is not None else max(ws.max_row, row)
        ws.auto_filter.ref = f"A{row}:{get_column_letter(len(titles))}{end}"


def save_atomically(wb: Workbook, path: str | os.PathLike) -> Path:
    """Save to a temporary file beside ``path``, then rename over it: never a half-written workbook."""
    return atomic_write(path, lambda tmp: wb.save(tmp))
