"""The option workbook's **Lots** sheet (issue 18), written when the option's tender is divided into lots:
the tables of ``reports/sections/lots.py`` (those the Lots tab and the case's Lots section show)."""

from __future__ import annotations

from ..domain.lots import LotChoice
from .sections.lots import lots_tables
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["LOTS_SHEET", "has_lots", "write_lots"]

LOTS_SHEET = "Lots"


def has_lots(results) -> bool:
    """Whether the lot choice ran (the tender is divided into lots)."""
    return isinstance(results.get("lots"), LotChoice)


def write_lots(book: Book) -> None:
    choice, err = book.result("lots")
    sheet = book.sheet(LOTS_SHEET, "Lots: the best set to bid within the cap, capacity and capital")
    if err:
        sheet.error("The lot choice", err)
    else:
        for f in choice.findings:
            sheet.note(f.message)
        for table in lots_tables(choice):
            write_table(sheet, table)
    sheet.finish()
