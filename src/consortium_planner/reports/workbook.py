"""Export one consortium option as an Excel workbook (issue 8, "Excel in and out", part 3).

    write_option_workbook(ws, option_id, "option.xlsx", progress=lambda fraction, msg: ..., cancelled=lambda: False)

The figures come from ``services.analyses.analyse_option`` (the one place analyses run), so the
workbook shows what the screens, ``summary --json`` and the investment case show, to the penny.

Sheets (each: a title row, then tables with a styled header; the first table's header is frozen;
every table is an Excel table, so each has its own filter buttons; money in £, percentages as
percentages, dates DD/MM/YYYY; set up to print legibly on A4):

- **Inputs**, **Coverage**, **Standing**, **Cost build-up**, **Prices by year**, **Projection**,
  **Funding**, **Returns**: the inputs and the analyses' results as values (``xlsx_values``); where
  they show what the investment case shows (the coverage heat map, findings, members' earnings, the
  use of funds) they write the case's own document tables (``xlsx_document``). The Inputs sheet
  ends with the accounts the standing is computed from (``xlsx_model_standing.write_accounts``).
- **Model** and nine more **Model …** sheets: the auditable workbook of live formulas over shaded
  inputs, from prices to receipts, payroll, tax, loans, the bank account, debt service cover and
  the standing ratios, each checked against the program's figure (``xlsx_model`` and its sections).

The cells and sheets (``Value``, ``Formula``, ``Sheet``, print set-up) are in ``xlsx_sheet``.

Safety: every piece of user text goes through ``xlsx_common.put_text``/``put`` (text beginning with
``= + - @``, a tab or a carriage return stays text); formulas are only the ones the ``xlsx_model`` modules build.
The file is written atomically: a temporary file in the destination folder, then ``os.replace``;
a failed or cancelled export leaves nothing behind. ``cancelled()`` is checked between sheets and
raises ``domain.tasks.Cancelled``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..domain.model import ConsortiumOption
from ..domain.tasks import NEVER, Cancelled, Progress, no_progress
from ..domain.workspace import Workspace
from ..services import analyses
from ..services.history import AuditEntry
from .xlsx_bids import has_pipeline, write_pipeline
from .xlsx_common import save_atomically
from .xlsx_evaluation import has_evaluation, write_evaluation
from .xlsx_history import history_step
from .xlsx_lots import has_lots, write_lots
from .xlsx_model import MODEL_SHEETS, half_even, write_model_sheets
from .xlsx_model_standing import write_accounts
from .xlsx_partnership import PARTNERSHIP_SHEETS
from .xlsx_rounds import has_rounds, write_rounds
from .xlsx_route import has_route, write_route
from .xlsx_sheet import Book
from .xlsx_social_value import has_social_value, write_social_value
from .xlsx_values import VALUE_SHEETS

__all__ = ["SHEETS", "half_even", "save_atomically", "write_option_workbook"]

#: The sheets every option workbook has (a Route sheet follows for a Provider Selection Regime tender, Evaluation
#: when the tender has pass/fail criteria, a minimum quality or ranked criteria, Rounds when
#: the tender has rounds, Pipeline when the workspace has more than one tender, History when given)
SHEETS = tuple(name for name, _ in (*VALUE_SHEETS, *PARTNERSHIP_SHEETS)) + tuple(name for name, _ in MODEL_SHEETS)


def write_option_workbook(ws: Workspace, option_id: int, path: str | Path, *, results: Mapping[str, Any] | None = None,
                          progress: Progress = no_progress, cancelled: Callable[[], bool] = NEVER,
                          history: Sequence[AuditEntry] | None = None) -> Path:
    """Write the option's workbook to ``path`` and return it (see the module's docstring).

    ``results`` defaults to ``analyses.analyse_option(ws, option_id)``. ``progress(fraction, message)``
    is called as sheets are written; ``cancelled()`` is checked between them and raises ``Cancelled``
    (the one task protocol of ``domain/tasks.py``). ``history``: the audit trail for a History sheet (none if None).
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise KeyError(f"no consortium option {option_id}")

    def check() -> None:
        if cancelled():
            raise Cancelled("Workbook export cancelled")

    check()
    if results is None:
        progress(0.0, "Running the analyses")
        results = analyses.analyse_option(ws, option_id)
    book = Book(ws, option, results)
    steps: tuple[tuple[str, Callable[[Book], None]], ...] = (*VALUE_SHEETS, *PARTNERSHIP_SHEETS,
                                                            ("the accounts", write_accounts),
                                                            ("the Model sheets", write_model_sheets),
                                                            *([("the route", write_route)] if has_route(results) else []),
                                                            *([("the evaluation model", write_evaluation)]
                                                              if has_evaluation(results) else []),
                                                            *([("the lots", write_lots)] if has_lots(results) else []),
                                                            *([("the social value ledger", write_social_value)]
                                                              if has_social_value(results) else []),
                                                            *([("the rounds", write_rounds)] if has_rounds(ws, option) else []),
                                                            *([("the bid pipeline", write_pipeline)] if has_pipeline(ws) else []),
                                                            *([("the history", history_step(history))] if history is not None else []))
    for i, (name, step) in enumerate(steps):
        check()
        progress(0.1 + 0.7 * i / len(steps), f"Writing {name}")
        step(book)
    check()
    props = book.wb.properties
    props.creator = "Consortium Planner"
    props.title = f"{option.name}: consortium option workbook"
    props.lastModifiedBy = "Consortium Planner"
    progress(0.85, "Saving the workbook")
    out = save_atomically(book.wb, Path(path))
    progress(1.0, "Workbook ready")
    return out

