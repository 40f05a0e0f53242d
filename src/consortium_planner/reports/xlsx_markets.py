"""The option workbook's **Markets** sheet (issue 17), written from the document tables of
``reports/sections/markets.py`` (the same tables the investment case's Diversification section and the
Markets tab show): income concentration before and after the bid, shares by buyer type, the new markets,
the tender and the markets by period, and each member's profit with its markets."""

from __future__ import annotations

from .sections.markets import concentration_tables, markets_tables, org_namer
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["MARKETS_SHEETS"]


def _markets_sheet(book: Book) -> None:
    sheet = book.sheet("Markets", "Markets and income concentration: beyond the tender")
    conc, err = book.result("concentration")
    if err:
        sheet.error("Income concentration", err)
    else:
        for table in concentration_tables(conc):
            write_table(sheet, table)
    markets, err = book.result("markets")
    if err:
        sheet.error("The markets", err)
    elif not markets.segments:
        sheet.note("The option plans no new markets beyond the tender.")
    else:
        for table in markets_tables(markets, org_namer(book.workspace)):
            write_table(sheet, table)
    sheet.finish()


#: (sheet name, writer), written after the Sensitivity sheet.
MARKETS_SHEETS = (("Markets", _markets_sheet),)
