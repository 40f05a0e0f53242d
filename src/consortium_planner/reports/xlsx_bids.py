"""The option workbook's **Pipeline** sheet (issue 17): the bid pipeline of the whole workspace (every
tender with the option chosen for it, capacity and money promised twice, the timeline), written when the
workspace holds more than one tender. The same tables as the investment case's "Bid pipeline" section."""

from __future__ import annotations

from ..domain.workspace import Workspace
from ..services.bids import pipeline
from .document import format_value
from .sections.bids import key_figures, pipeline_tables
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["PIPELINE_SHEET", "has_pipeline", "write_pipeline"]

PIPELINE_SHEET = "Pipeline"


def has_pipeline(ws: Workspace) -> bool:
    """Whether the workbook has a Pipeline sheet: only when the workspace holds more than one tender."""
    return len(ws.tenders()) > 1


def write_pipeline(book: Book) -> None:
    result = pipeline(book.workspace)
    sheet = book.sheet(PIPELINE_SHEET, "Bid pipeline: every tender in the workspace and the option chosen for each")
    sheet.note("; ".join(f"{f.label}: {format_value(f.value, f.kind, f.places)}" for f in key_figures(result).items))
    for table in pipeline_tables(result):
        write_table(sheet, table, empty="None: nothing is promised to two bids at once.")
    if result.findings:
        sheet.heading("Findings")
        for f in result.findings:
            sheet.note(f"{f.severity.label.capitalize()}: {f.message}")
    sheet.finish()
