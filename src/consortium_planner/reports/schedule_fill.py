"""Fill a buyer's pricing schedule with our prices (issue 8, "Excel in and out", part 3).

    result = fill_pricing_schedule("buyer.xlsx", mapping, schedule, "buyer - our prices.xlsx")

The buyer's workbook is opened through ``services.workbook_in.open_for_filling`` (the safety
checks, then an editable workbook with the buyer's formulas kept). On ``mapping.sheet``, every row
below ``mapping.header_row`` whose service-line cell is not blank is priced from the schedule's
year-one unit price for that service line (matched with ``domain.model.key``: case and spacing do
not matter):

- the unit price column (when mapped) gets the price as a number in £;
- the annual price column (when mapped) gets a live formula ``=ROUND(<unit price>*<volume>,2)``
  when the unit price column is mapped too, otherwise the figure itself: unit price × volume
  rounded to the penny by the program's rule (half to even; the same as ROUND whenever the
  volume is a whole number).

A row whose service line we do not price, or whose cells cannot take the figures, is left exactly
as it was and reported as a ``Problem`` (sheet, row, column, reason). Nothing else in the workbook
is touched. The source is never overwritten: the result is saved atomically (a temporary file in
the destination folder, then ``os.replace``) to ``destination``.

What openpyxl cannot carry over is lost in the copy whatever we do: images and charts in the
buyer's workbook, and macros (``open_for_filling`` refuses macro-enabled files anyway).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.model import key
from ..domain.money import quantize
from ..domain.pricing import PriceSchedule
from ..services.schedule_import import is_total_line
from ..services.tabular import ColumnMapping, Problem
from ..services.workbook_in import open_for_filling
from .xlsx_common import GBP, put_formula, put_money, save_atomically

__all__ = ["FillResult", "fill_pricing_schedule"]


@dataclass(frozen=True)
class FillResult:
    path: Path  # the filled copy
    rows_filled: int  # rows given a unit price or an annual price
    problems: tuple[Problem, ...]  # rows left as they were, and why


def _sheet(wb: Workbook, name: str) -> Worksheet:
    want = name.strip().casefold()
    for ws in wb.worksheets:
        if ws.title.strip().casefold() == want:
            return ws
    raise ValueError(f"the buyer's workbook has no sheet named {name!r} "
                     f"(it has {', '.join(repr(s.title) for s in wb.worksheets)})")


def _volume(value: object) -> Decimal | None:
    """A number typed in the volume cell as an exact Decimal; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that round-trips: a typed 1234.5 is 1234.5
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text or text.startswith("="):
            return None
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _blank(ws: Worksheet, row: int, column: int | None) -> bool:
    if column is None:
        return True
    value = ws.cell(row=row, column=column).value
    return value is None or (isinstance(value, str) and not value.strip())


def fill_pricing_schedule(source: str | Path, mapping: ColumnMapping, schedule: PriceSchedule,
                          destination: str | Path) -> FillResult:
    """Write our year-one prices into a copy of the buyer's pricing schedule (see the module's docstring).

    Raises ``ValueError`` when neither price column is mapped, the service line column is not
    mapped, the sheet is missing, or ``destination`` is the source itself; ``WorkbookRefused``
    (a ``ValueError``) when the buyer's workbook fails the safety checks.
    """
    src, dest = Path(source), Path(destination)
    unit_col = mapping.column("unit_price")
    total_col = mapping.column("total_price")
    line_col = mapping.column("service_line")
    volume_col = mapping.column("volume")
    if unit_col is None and total_col is None:
        raise ValueError("Map the unit price column or the annual price column (or both): the schedule has no "
                         "column to put our prices in.")
    if line_col is None:
        raise ValueError("Map the service line column: it is how each row finds our price.")
    if total_col is not None and volume_col is None:
        raise ValueError("Map the volume column: the annual price is the unit price × the volume.")
    if _same_file(src, dest) or src.resolve() == dest.resolve():
        raise ValueError(f"Save the filled schedule under another name: {dest.name} is the buyer's own file, "
                         "which is left as it is.")

    wb = open_for_filling(src)
    ws = _sheet(wb, mapping.sheet)
    prices = {t.key: t.unit_price for t in schedule.lines}
    headers = mapping.headers

    def column_name(column: int | None) -> str:
        if column is None or column < 1 or column > len(headers):
            return ""
        return headers[column - 1]

    problems: list[Problem] = []

    def problem(row: int, column: int | None, reason: str) -> None:
        problems.append(Problem(ws.title, row, column, reason, column_name(column)))

    filled = 0
    for row in range(mapping.header_row + 1, ws.max_row + 1):
        raw = ws.cell(row=row, column=line_col).value
        line = "" if raw is None else " ".join(str(raw).split())
        if not line or is_total_line(line):
            continue  # a subtotal or total: the buyer's own formulas add up the prices we write
        price = prices.get(key(line))
        if price is None:
            if _blank(ws, row, volume_col) and _blank(ws, row, mapping.column("area")):
                continue  # a section heading (no area, no volume), as the import skips it
            problem(row, line_col, f"we do not price the service line {line!r} in this option: the row is left as "
                                   "it was")
            continue
        targets = [c for c in (unit_col, total_col) if c is not None]
        merged = [c for c in targets if isinstance(ws.cell(row=row, column=c), MergedCell)]
        if merged:
            problem(row, merged[0], "the cell is part of merged cells, so it cannot take a price: the row is left as "
                                    "it was")
            continue
        volume_cell = ws.cell(row=row, column=volume_col) if volume_col is not None else None
        volume_value = volume_cell.value if volume_cell is not None else None
        volume = _volume(volume_value)
        volume_is_formula = isinstance(volume_value, str) and volume_value.startswith("=")
        total_ok = True
        if total_col is not None:
            if unit_col is not None:
                total_ok = volume is not None or volume_is_formula
            else:
                total_ok = volume is not None
            if not total_ok:
                reason = ("the volume is a formula, so the annual price cannot be worked out here; map the unit price "
                          "column too and it will be a formula" if volume_is_formula and unit_col is None
                          else "the volume is not a number, so the annual price is left as it was")
                problem(row, volume_col, reason)
        wrote = False
        if unit_col is not None:
            put_money(ws.cell(row=row, column=unit_col), price)
            wrote = True
        if total_col is not None and total_ok:
            cell = ws.cell(row=row, column=total_col)
            if unit_col is not None:
                unit_ref = f"{get_column_letter(unit_col)}{row}"
                volume_ref = f"{get_column_letter(volume_col)}{row}"  # type: ignore[arg-type]
                put_formula(cell, f"=ROUND({unit_ref}*{volume_ref},2)", GBP)
            else:
                put_money(cell, quantize(price * volume))  # type: ignore[operator]
            wrote = True
        if wrote:
            filled += 1
    save_atomically(wb, dest)
    return FillResult(dest, filled, tuple(problems))
