"""The option workbook's **Social value** sheet (issue 18), written when the option has social value
commitments: the ledger table of ``reports/sections/social_value_ledger.py`` (the Social value tab's and the
case's)."""

from __future__ import annotations

from ..domain.social_value import SocialValueLedger
from .sections.social_value_ledger import ledger_table
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["SOCIAL_VALUE_SHEET", "has_social_value", "write_social_value"]

SOCIAL_VALUE_SHEET = "Social value"


def has_social_value(results) -> bool:
    return isinstance(results.get("social_value"), SocialValueLedger)


def write_social_value(book: Book) -> None:
    ledger, err = book.result("social_value")
    sheet = book.sheet(SOCIAL_VALUE_SHEET, "Social value: commitments, proxy values (assumptions) and their cost")
    if err:
        sheet.error("The social value ledger", err)
    else:
        for f in ledger.findings:
            sheet.note(f.message)
        write_table(sheet, ledger_table(ledger))
    sheet.finish()
