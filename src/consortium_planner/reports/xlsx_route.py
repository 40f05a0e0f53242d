"""The option workbook's **Route** sheet (issue 18), written when the option's tender is under the Provider
Selection Regime: the screener's processes and the considerable-change test, from the tables of
``reports/sections/route.py`` (those the Route tab and the case's Selection route section show)."""

from __future__ import annotations

from .sections.route import route_tables
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["ROUTE_SHEET", "has_route", "write_route"]

ROUTE_SHEET = "Route"


def has_route(results) -> bool:
    """Whether the option's route analysis ran and the regime applies (the workbook has a Route sheet only then)."""
    return bool(getattr(results.get("route"), "applies", False))


def write_route(book: Book) -> None:
    route, err = book.result("route")
    sheet = book.sheet(ROUTE_SHEET, "Selection route: the Provider Selection Regime screener")
    if err:
        sheet.error("The route", err)
    else:
        sheet.note(route.summary)
        for f in route.findings:
            sheet.note(f.message)
        for table in route_tables(route):
            write_table(sheet, table)
    sheet.finish()
