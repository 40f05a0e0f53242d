"""The option workbook's Sensitivity sheet, written from the document tables of
``reports/sections/sensitivity.py`` (the same tables the investment case and the Sensitivity tab show):
the break-evens, worst first, then the tornado of each output (each driver's figure at its low and high
value, the largest swing first), from the ``sensitivity`` analysis as ``summary --json`` prints it."""

from __future__ import annotations

from ..domain.sensitivity import OUTPUTS
from .sections.sensitivity import break_even_table, tornado_table
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["SENSITIVITY_SHEETS"]


def _sensitivity_sheet(book: Book) -> None:
    sheet = book.sheet("Sensitivity", "Sensitivity: break-even values and each driver's swing")
    result, err = book.result("sensitivity")
    if err:
        sheet.error("The sensitivities", err)
    else:
        write_table(sheet, break_even_table(result, workbook=True))
        for output in OUTPUTS:
            write_table(sheet, tornado_table(result, output.key))
    sheet.finish()


#: (sheet name, writer), written after the Scenarios sheet.
SENSITIVITY_SHEETS = (("Sensitivity", _sensitivity_sheet),)
