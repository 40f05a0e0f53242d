"""The document model (``reports/document.py``) written into the option workbook's sheets.

Where a sheet shows what the investment case shows (the coverage heat map, each analysis's findings,
the members' earnings, the use of funds), it writes the same ``Table`` or heat-map ``Chart`` the
section builders make, so the workbook and the PDF agree cell for cell:

* a ``Column``'s kind becomes the number format (money in £, percentage points, numbers with their
  places); a cell's own kind and places override it; values stay the exact ``Decimal``;
* a cell's status becomes its fill (``xlsx_sheet.STATUS_FILLS``); total and highlighted rows are bold;
* text is written as text (``xlsx_common.put`` / ``put_text``: a leading ``= + - @`` stays text);
* the table's title is a heading above it and its note a line below.
"""

from __future__ import annotations

from decimal import Decimal

from .document import Cell, Chart, ChartKind, Column, Kind, Table
from .xlsx_common import GBP, NUMBER
from .xlsx_sheet import STATUS_FILLS, Col, Sheet, Value

__all__ = ["number_format", "write_heatmap", "write_table"]


def number_format(kind: Kind, places: int) -> str | None:
    """The spreadsheet number format for a column of ``kind``: as ``format_value`` shows it, except that money
    keeps its pence (the document reads in whole pounds; a workbook is for working with the exact figures)."""
    decimals = "." + "0" * places if places > 0 else ""
    if kind is Kind.PRICE:
        return GBP
    if kind is Kind.MONEY:  # to the penny: a workbook is worked in (the case's tables read in whole pounds)
        return GBP if places == 2 else f'"£"#,##0{decimals};[Red]-"£"#,##0{decimals}'
    if kind is Kind.PERCENT:
        return f'0{decimals}"%"'
    if kind is Kind.NUMBER:
        return NUMBER if places == 0 else f"#,##0{decimals}"
    return None


def _titles(columns: tuple[str, ...]) -> tuple[str, ...]:
    """Column titles an Excel table accepts: none empty, none repeated."""
    out: list[str] = []
    for i, title in enumerate(columns, start=1):
        name = title.strip() or f"Column {i}"
        base, n = name, 2
        while name.casefold() in (x.casefold() for x in out):
            name = f"{base} ({n})"
            n += 1
        out.append(name)
    return tuple(out)


def _value(cell: Cell, column: Column, bold: bool) -> Value:
    kind = cell.kind or column.kind
    places = column.places if cell.places is None else cell.places
    value = cell.value
    fmt = number_format(kind, places) if isinstance(value, Decimal) else None
    fill = STATUS_FILLS[cell.status] if cell.status is not None else None
    return Value(value, fmt, fill=fill, bold=bold)


def write_table(sheet: Sheet, table: Table, *, heading: str = "", empty: str = "None.") -> tuple[int, int]:
    """Write ``table`` as an Excel table (see the module's docstring); returns its first and last data rows.

    ``heading`` goes above it, then the table's own title when it has one.
    """
    if heading:
        sheet.heading(heading)
    if table.title:
        sheet.heading(table.title)
    titles = _titles(tuple(c.title for c in table.columns))
    columns = tuple(Col(title, number_format(c.kind, c.places)) for title, c in zip(titles, table.columns,
                                                                                     strict=True))
    first_total = len(table.rows) - table.total_rows
    rows = [[_value(cell, column, r >= first_total or r in table.highlight_rows)
             for cell, column in zip(row, table.columns, strict=True)] for r, row in enumerate(table.rows)]
    first, last = sheet.table(table.key, columns, rows, empty=empty)
    if table.note:
        sheet.row -= 1  # the note sits under the table, before the gap
        sheet.note(table.note)
        sheet.row += 1
    return first, last


def write_heatmap(sheet: Sheet, chart: Chart, *, heading: str = "") -> tuple[int, int]:
    """Write a heat map: its rows (series) down, its columns (categories) across, each cell's value in
    the chart's format and its status as the fill; the chart's note below. Returns the data rows."""
    if chart.kind is not ChartKind.HEATMAP:
        raise ValueError(f"{chart.key} is a {chart.kind} chart, not a heat map")
    columns = (Column(chart.y_title),) + tuple(Column(c, chart.y_kind, chart.places) for c in chart.categories)
    rows = []
    for series in chart.series:
        statuses = series.statuses or (None,) * len(series.values)
        rows.append((Cell(series.name),) + tuple(Cell(v, st) for v, st in zip(series.values, statuses, strict=True)))
    return write_table(sheet, Table(chart.key, columns, tuple(rows), title=chart.title, note=chart.note),
                       heading=heading)
