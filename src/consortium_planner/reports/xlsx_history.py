"""The option workbook's **History** sheet: the workspace's audit trail (``services/history.py``), oldest
first, one row a change: time (UTC), who, operation, record, field, old and new value as recorded
(exact text: money in pounds as a plain decimal, dates ISO 8601), so the workbook says how its
figures came to be. The trail is the whole workspace's (every option), read by the caller on its own
thread and passed in (``write_option_workbook(..., history=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..services.history import AuditEntry, entity_label, who_text
from .xlsx_sheet import Book, Col

__all__ = ["HISTORY_SHEET", "history_step"]

HISTORY_SHEET = "History"

COLUMNS = (Col("Time (UTC)"), Col("Who"), Col("Operation", wrap=40), Col("Record"), Col("Id"), Col("Field"),
           Col("Old value", wrap=60), Col("New value", wrap=60))


def _rows(entries: Sequence[AuditEntry]):
    for e in entries:
        yield (e.at.strftime("%d/%m/%Y %H:%M:%S"), who_text(e.who), e.operation, entity_label(e.entity),
               e.record_id, e.field or ("(row added)" if e.new else "(row removed)"), e.old, e.new)


def history_step(entries: Sequence[AuditEntry]) -> Callable[[Book], None]:
    """The step that writes the History sheet of ``entries``."""

    def write(book: Book) -> None:
        sheet = book.sheet(HISTORY_SHEET, "History: every change recorded in the workspace")
        sheet.note(f"{len(entries)} changes, oldest first, from the workspace's audit trail (all options). "
                   "A row added or removed shows the whole row as recorded.")
        sheet.table("history", COLUMNS, _rows(entries), empty="No changes recorded.")
        sheet.finish()

    return write
