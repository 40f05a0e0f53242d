"""The Excel templates people fill in to import organisations and tender requirements.

Laid out by ``services.xlsx_layouts`` (so every field of the model appears, and the importer
reads what is written here). A blank template has, on each sheet: a styled, frozen, filtered
header whose cells carry a comment (what the column holds, its limits, how rows are matched);
data validation on the data area (choice lists by label, Yes/No, numbers within the field's
limits, dates, text length, and the organisation names of the Organisations sheet on the other
sheets); £, % and date formats; and one grey example row the import never takes (see
``xlsx_layouts``). An "Instructions" sheet comes first. Given a workspace, the template is filled
with its current rows instead of the example, so it can be exported, edited in Excel and
imported again.

All user text goes through ``put_text``/``put``: a name beginning ``=``, ``+``, ``-`` or ``@``
stays text. Files are written atomically (a temporary file, then ``os.replace``).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.fields import Kind
from ..domain.model import Tender
from ..domain.workspace import Workspace
from ..services.xlsx_layouts import (
    EXAMPLE_PREFIX,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    ORGANISATIONS,
    REQUIREMENTS,
    ColumnLayout,
    SheetLayout,
    TemplateLayout,
    describe_column,
    display_value,
    layout_rows,
)
from .xlsx_common import (
    DATE,
    GBP,
    NOTE_FONT,
    NUMBER,
    PERCENT_POINTS,
    header_row,
    put,
    put_text,
    save_atomically,
)

__all__ = ["write_organisations_template", "write_requirements_template", "build_template", "DATA_ROWS"]

DATA_ROWS = 1000  # rows below the last written one that get validations and formats
EXAMPLE_FONT = Font(name="Calibri", italic=True, color="808080")  # the workbook's own font, in grey
AUTHOR = "Consortium Planner"
TITLE = Font(name="Calibri", bold=True, size=15)
INLINE_LIST_LIMIT = 255  # Excel's limit on a list typed into a validation
INSTRUCTIONS_WIDTH = 75
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)


def write_organisations_template(path: str | os.PathLike, ws: Workspace | None = None) -> Path:
    """The organisations template: blank with an example row, or filled with ``ws``'s rows."""
    return save_atomically(build_template(ORGANISATIONS, ws), path)


def write_requirements_template(path: str | os.PathLike, ws: Workspace | None = None,
                                tender_id: int | None = None) -> Path:
    """The tender requirements template: blank, or filled with the requirements of ``tender_id``."""
    return save_atomically(build_template(REQUIREMENTS, ws, tender_id), path)


# ---------------------------------------------------------------------------------- building


class _Lists:
    """Where list validations take their values: typed into the rule when short, else a hidden sheet."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.sheet: Worksheet | None = None
        self.columns = 0

    def formula(self, values: list[str]) -> str:
        inline = ",".join(values)
        if len(inline) + 2 <= INLINE_LIST_LIMIT and not any(ch in inline for ch in '"') and \
                all("," not in v for v in values):
            return f'"{inline}"'
        if self.sheet is None:
            self.sheet = self.wb.create_sheet(LISTS_SHEET)
            self.sheet.sheet_state = "hidden"
        self.columns += 1
        for row, value in enumerate(values, start=1):
            put_text(self.sheet.cell(row=row, column=self.columns), value)
        letter = get_column_letter(self.columns)
        return f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${max(len(values), 1)}"


def build_template(template: TemplateLayout, ws: Workspace | None = None, tender_id: int | None = None) -> Workbook:
    """The template as an openpyxl workbook (filled when ``ws`` is given; requirements need ``tender_id``)."""
    filled = ws is not None and (template is not REQUIREMENTS or tender_id is not None)
    rows_by_sheet: dict[str, list[dict[str, Any]]] = {}
    for layout in template.sheets:
        if filled:
            rows_by_sheet[layout.name] = layout_rows(template, layout, ws, tender_id)  # type: ignore[arg-type]
        else:
            rows_by_sheet[layout.name] = [layout.example_values()]
    last_row = 1 + max((len(r) for r in rows_by_sheet.values()), default=0) + DATA_ROWS

    wb = Workbook()
    intro = wb.active
    intro.title = INSTRUCTIONS_SHEET
    lists = _Lists(wb)
    for layout in template.sheets:
        sheet = wb.create_sheet(layout.name)
        _write_sheet(sheet, template, layout, rows_by_sheet[layout.name], example=not filled,
                     last_row=last_row, lists=lists, ws=ws if filled else None, tender_id=tender_id)
    if lists.sheet is not None:
        wb.move_sheet(lists.sheet, offset=len(wb.sheetnames))  # keep it last
    _write_instructions(intro, template, ws if filled else None, tender_id)
    wb.properties.title = f"Consortium Planner — {template.title.lower()} template"
    wb.properties.creator = AUTHOR
    wb.active = 0
    return wb


def _number_format(column: ColumnLayout) -> str | None:
    kind = column.kind
    if kind is Kind.MONEY:
        return GBP
    if kind is Kind.PERCENT:
        return PERCENT_POINTS
    if kind is Kind.DATE:
        return DATE
    if kind is Kind.INT:
        return NUMBER
    if kind is Kind.DECIMAL:
        return "General"  # exact, however many places were typed
    return None


def _cell_value(column: ColumnLayout, value: Any) -> Any:
    if column.kind is Kind.CHOICE and value is not None:
        return display_value(value)
    return value


def _width(column: ColumnLayout, values: list[Any]) -> int:
    longest_word = max((len(w) for w in column.header.split()), default=0)
    longest_value = max((len(display_value(v)) for v in values if v is not None), default=0)
    if column.kind in (Kind.MONEY,):
        longest_value += 4  # "£" and thousands separators
    # headers are bold (about 15% wider): a long one wraps onto a second line, never past the edge
    wanted = max(12, math.ceil(longest_word * 1.15) + 3, math.ceil(min(len(column.header), 22) * 1.15) + 3,
                 min(longest_value, 40) + 2)
    return min(wanted, 45)


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (by words)."""
    lines, used = 1, 0
    for word in text.split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need > width - 2 and used:
            lines, used = lines + 1, len(word)
        else:
            used = need
    return lines


def _write_sheet(sheet: Worksheet, template: TemplateLayout, layout: SheetLayout, rows: list[dict[str, Any]],
                 *, example: bool, last_row: int, lists: _Lists, ws: Workspace | None,
                 tender_id: int | None) -> None:
    _fit_to_width(sheet, landscape=True)
    sheet.print_title_rows = "1:1"
    titles = [c.header for c in layout.columns]
    widths = [_width(c, [_cell_value(c, r.get(c.name)) for r in rows]) for c in layout.columns]
    header_row(sheet, 1, titles, widths=widths, last_row=max(1 + len(rows), 2))
    lines = max(_lines(t, int(w / 1.15)) for t, w in zip(titles, widths, strict=True))
    sheet.row_dimensions[1].height = 15 * lines + 4
    for col, column in enumerate(layout.columns, start=1):
        note = describe_column(column, layout)
        comment = Comment(f"{column.header}\n{note}", AUTHOR)
        comment.width = 320
        comment.height = 20 + 15 * sum(_lines(line, 52) for line in comment.text.splitlines())
        sheet.cell(row=1, column=col).comment = comment

    for r, values in enumerate(rows, start=2):
        for col, column in enumerate(layout.columns, start=1):
            cell = sheet.cell(row=r, column=col)
            value = _cell_value(column, values.get(column.name))
            if column.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.CHOICE) and value is not None:
                put_text(cell, str(value))
            else:
                put(cell, value, _number_format(column))
            if column.kind is Kind.LONGTEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if example:
                cell.font = EXAMPLE_FONT

    for col, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(col)
        fmt = _number_format(column)
        if fmt is not None:
            sheet.column_dimensions[letter].number_format = fmt  # cells typed later take it
            for r in range(2, 2 + len(rows)):
                if sheet.cell(row=r, column=col).value is None:
                    sheet.cell(row=r, column=col).number_format = fmt
        dv = _validation(template, layout, column, last_row, lists, ws, tender_id)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(dv)


def _fit_to_width(sheet: Worksheet, *, landscape: bool) -> None:
    """Printed (or made a PDF), a sheet is one page wide."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _column_range(template: TemplateLayout, sheet_name: str, column_name: str, last_row: int) -> str | None:
    layout = template.sheet(sheet_name)
    if layout is None:
        return None
    col = next(i for i, c in enumerate(layout.columns, start=1) if c.name == column_name)
    letter = get_column_letter(col)
    return f"{quote_sheetname(layout.name)}!${letter}$2:${letter}${last_row}"


def _limits(column: ColumnLayout) -> tuple[str, str | None, str]:
    """(operator, formula1, formula2) for a numeric validation, and the words for its message."""
    lo, hi = column.spec.minimum, column.spec.maximum
    if lo is not None and hi is not None:
        return "between", str(lo), str(hi)
    if lo is not None:
        return "greaterThanOrEqual", str(lo), ""
    if hi is not None:
        return "lessThanOrEqual", str(hi), ""
    return "between", "-1000000000000", "1000000000000"


def _range_words(column: ColumnLayout) -> str:
    lo, hi = column.spec.minimum, column.spec.maximum
    unit = "%" if column.kind is Kind.PERCENT else ""
    if lo is not None and hi is not None:
        return f" from {lo}{unit} to {hi}{unit}"
    if lo is not None:
        return " of 0 or more" if lo == 0 else f" of at least {lo}{unit}"
    if hi is not None:
        return f" of at most {hi}{unit}"
    return ""


def _validation(template: TemplateLayout, layout: SheetLayout, column: ColumnLayout, last_row: int,
                lists: _Lists, ws: Workspace | None, tender_id: int | None) -> DataValidation | None:
    header = column.header
    kind = column.kind
    if column.parent:
        source = None
        if column.name == "organisation":
            source = _column_range(template, "Organisations", "name", last_row)
            what = ("This organisation is not on the Organisations sheet. It must already be in the workspace, "
                    "or the import will stop and say so. Keep it?")
        elif column.name == "cost_profile":
            source = _column_range(template, "Cost profiles", "service_line", last_row)
            what = ("This service line is not on the Cost profiles sheet. The organisation must already have a "
                    "cost profile for it in the workspace. Keep it?")
        elif column.name == "lot" and ws is not None and tender_id is not None and ws.get(Tender, tender_id):
            names = sorted({lt.name for lt in ws.lots(tender_id)}, key=str.casefold)
            if names:
                source = lists.formula(names)
            what = "This lot is not in the tender yet: it will be created when you import. Keep it?"
        if source is None:
            return _text_length(header)
        # a warning, not a stop: a name may also be one already in the workspace
        return DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                              errorStyle="warning", errorTitle=header, error=what)
    if kind is Kind.CHOICE and column.spec.choices is not None:
        labels = [display_value(m) for m in column.spec.choices]
        return DataValidation(type="list", formula1=lists.formula(labels), allow_blank=True,
                              showErrorMessage=True, errorTitle=header,
                              error=f"Choose one of the list: {'; '.join(labels)}.")
    if kind is Kind.BOOL:
        return DataValidation(type="list", formula1='"Yes,No"', allow_blank=True, showErrorMessage=True,
                              errorTitle=header, error="Yes or No.")
    if kind in (Kind.INT, Kind.DECIMAL, Kind.PERCENT, Kind.MONEY):
        operator, f1, f2 = _limits(column)
        whole = kind is Kind.INT
        noun = "a whole number" if whole else ("a percentage (12.5 for 12.5%)" if kind is Kind.PERCENT
                                               else "an amount in pounds" if kind is Kind.MONEY else "a number")
        return DataValidation(type="whole" if whole else "decimal", operator=operator, formula1=f1,
                              formula2=f2 or None, allow_blank=True, showErrorMessage=True, errorTitle=header,
                              error=f"{header}: {noun}{_range_words(column)}.")
    if kind is Kind.DATE:
        return DataValidation(type="date", operator="between", formula1=str(int(to_excel(FIRST_DATE))),
                              formula2=str(int(to_excel(LAST_DATE))), allow_blank=True, showErrorMessage=True,
                              errorTitle=header, error=f"{header}: a date, DD/MM/YYYY.")
    if kind is Kind.TEXT:
        return _text_length(header)
    return None


def _text_length(header: str) -> DataValidation:
    return DataValidation(type="textLength", operator="lessThanOrEqual", formula1="500", allow_blank=True,
                          showErrorMessage=True, errorTitle=header, error=f"{header}: at most 500 characters.")


# ---------------------------------------------------------------------------------- instructions


def _write_instructions(sheet: Worksheet, template: TemplateLayout, ws: Workspace | None,
                        tender_id: int | None) -> None:
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    sheet.sheet_view.showGridLines = False
    _fit_to_width(sheet, landscape=False)
    row = 1

    def line(text: str, font: Font | None = None, gap: int = 0) -> None:
        nonlocal row
        cell = put_text(sheet.cell(row=row, column=1), text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        sheet.row_dimensions[row].height = 15 * _lines(text, INSTRUCTIONS_WIDTH + 10) + 3 if font is not TITLE else 24
        row += 1 + gap

    heading = Font(name="Calibri", bold=True, size=12)
    line(f"Consortium Planner — {template.title.lower()} template", TITLE, 1)
    if ws is not None:
        where = ""
        if template is REQUIREMENTS and tender_id is not None:
            tender = ws.get(Tender, tender_id)
            where = f" for the tender '{tender.name}'" if tender is not None else ""
        line(f"Exported{where} on {dt.date.today().strftime('%d/%m/%Y')}: the rows below the headers are what "
             "the workspace held. Edit them here and import the file again to update the workspace.", NOTE_FONT, 1)

    line("What goes where", heading)
    for layout in template.sheets:
        line(f"•  {layout.name}: {layout.about}")
    row += 1
    if template is REQUIREMENTS:
        line("When you import, you choose the tender these requirements are for. Lots are matched by name within "
             "that tender; a lot named here that the tender does not have yet is created. Leave Lot blank when the "
             "tender has no lots.")
        row += 1

    line("How to fill it in", heading)
    columns = [c for layout in template.sheets for c in layout.columns]
    kinds = {c.kind for c in columns}
    choice_cols = sorted({c.header for c in columns if c.kind is Kind.CHOICE})
    points = [
        "One record per row, under the header row. Keep the header texts as they are; columns may be moved, "
        "and a column you do not need may be deleted (its values in the workspace are then left as they are).",
    ]
    if Kind.MONEY in kinds:
        points.append("Money: in pounds, as a number, e.g. 2500000 or 12.71 (a £ sign and commas are fine too).")
    if Kind.PERCENT in kinds:
        points.append("Percentages: as a number of per cent, e.g. 12.5 for 12.5%. Do not type 0.125, and do not "
                      "format the cell as a percentage.")
    if Kind.DATE in kinds:
        points.append("Dates: DD/MM/YYYY, e.g. 31/03/2025.")
    if choice_cols:
        points.append(f"Choice lists ({', '.join(choice_cols)}): pick from the drop-down list in the cell.")
    if Kind.BOOL in kinds:
        points.append("Yes/No columns: Yes or No.")
    blanks = ["text is left empty"]
    if any(c.blank == "none" for c in columns):
        blanks.append("a figure that may be 'not given' (such as an accounts figure) is not given, never read "
                      "as zero")
    if any(c.blank == "keep" for c in columns):
        blanks.append("any other blank keeps the value already in the workspace (a new row gets the program's "
                      "default, shown in the header's note)")
    points.append("Blank cells: " + "; ".join(blanks) + ".")
    points.append("Hover over a header to read what its column holds and its limits. Cells refuse values outside "
                  "the limits as you type.")
    if template is ORGANISATIONS:
        points.append("The sheets are linked by name: the Organisation column on the other sheets must match a "
                      "name on the Organisations sheet or an organisation already in the workspace. On Roles, the "
                      "Service line must be one of that organisation's cost profiles.")
    for p in points:
        line(f"•  {p}")
    row += 1

    line("How rows are matched", heading)
    for layout in template.sheets:
        keys = " + ".join(c.header for c in layout.key_columns)
        line(f"•  {layout.name}: by {keys}.")
    matched = ("A row that matches one already in the workspace updates it; any other row is added. So importing "
               "the same workbook again changes nothing, and never makes duplicates. An import never deletes "
               "anything.")
    if template is ORGANISATIONS:
        matched += " To rename an organisation, rename it in the program first, then import."
    line(matched)
    row += 1

    line("The example row", heading)
    line(f"On a blank template, the grey row under each header is an example: its first cell begins "
         f"'{EXAMPLE_PREFIX}'. It is never imported while it is unchanged. Type your own rows below it, or "
         f"overwrite it and take '{EXAMPLE_PREFIX}' out of its first cell. A changed row that still begins "
         f"'{EXAMPLE_PREFIX}' stops the import with a message, so nothing you type is silently left out "
         f"(unless its first cell names something already in the workspace: then it is read like any other row).")
    row += 1

    line("All or nothing", heading)
    line("Before anything is imported you see what will be added, updated and left as it is, and every problem "
         "by sheet, row and column. If there is any problem, nothing is imported: correct the workbook and import "
         "it again. The workspace is backed up before every import, and an import can be undone.")

