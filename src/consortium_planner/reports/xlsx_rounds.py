"""The option workbook's **Rounds** sheet (issue 19): the workshop rounds frozen for the option's tender,
what each decided and why, and every figure of this option at each round, as frozen (exact text)."""

from __future__ import annotations

from ..domain.model import ConsortiumOption
from ..services.compare import ROW_BY_KEY
from ..services.rounds import round_figures, tender_rounds
from .xlsx_sheet import Book, Col

__all__ = ["ROUNDS_SHEET", "has_rounds", "write_rounds"]

ROUNDS_SHEET = "Rounds"


def has_rounds(ws, option: ConsortiumOption) -> bool:
    """Whether the option's tender has rounds (the workbook has a Rounds sheet only then)."""
    return bool(tender_rounds(ws, option.tender_id))


def write_rounds(book: Book) -> None:
    option: ConsortiumOption = book.option
    rounds = tender_rounds(book.workspace, option.tender_id)
    sheet = book.sheet(ROUNDS_SHEET, "Rounds and decisions: the workshop rounds frozen for this tender")
    sheet.note(f"{len(rounds)} round(s), oldest first. Each keeps the figures as they were when it was frozen.")
    sheet.table("rounds", (Col("Held on"), Col("Round"), Col("Frozen at (UTC)"), Col("Attendees", wrap=40),
                           Col("Decision", wrap=60), Col("Rationale", wrap=60)),
                ((r.held_on.strftime("%d/%m/%Y") if r.held_on else "", r.name, r.frozen_at, r.attendees, r.decision,
                  r.rationale) for r in rounds))
    if rounds:
        figures = [round_figures(book.workspace, r.id).get(option.name, {}) for r in rounds]  # type: ignore[arg-type]
        keys = list(dict.fromkeys(k for f in figures for k in f))

        def label(k: str) -> str:
            spec = ROW_BY_KEY.get(k.split(": ", 1)[0])
            return (spec.label if spec else k) + (f": {k.split(': ', 1)[1]}" if ": " in k else "")

        sheet.table("round_figures", (Col("Figure", wrap=50), *(Col(r.name) for r in rounds)),
                    ((label(k), *(f.get(k, "") for f in figures)) for k in keys),
                    heading=f"{option.name}: its figures at each round (blank: the option or figure did not exist)")
    sheet.finish()
