"""The option workbook's Compare and Scenarios sheets, written from the document tables of
``reports/sections/compare.py`` (the same tables the Compare page and the investment case show).

* **Compare**: the option's tender's options side by side as the workspace stands (each row's best in
  bold, by its own direction), and every option's cumulative cash before funding month by month.
* **Scenarios**: the stored scenarios' drivers, and this option's figures under each of them (the
  ``scenarios`` analysis, as ``summary --json`` prints it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.scenarios import scenario_rows
from ..services.compare import KEY_ANALYSES, compare
from ..services.pipeline import Results
from ..services.scenarios import run_scenario
from .document import Cell, Column, Kind, Table
from .sections.compare import comparison_table, scenario_definitions, scenario_table
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["COMPARE_SHEETS"]


def _compare_sheet(book: Book) -> None:
    sheet = book.sheet("Compare", "The tender's options side by side")
    tender, option = book.tender, book.option
    if tender is None:
        sheet.note("The option has no tender, so there is nothing to compare it with.")
        sheet.finish()
        return
    known = book.results

    def runner(ws: Any, oid: int, adjustments: Any, **kw: Any) -> Results:
        if oid == option.id and isinstance(known, Results) and all(n in known for n in KEY_ANALYSES):
            return known
        return run_scenario(ws, oid, adjustments, **kw)

    comparison = compare(book.workspace, tender.id, runner=runner)  # type: ignore[arg-type]
    write_table(sheet, comparison_table(comparison))
    series = [o for o in comparison.options if o.cumulative_cash]
    if series:
        n = max(len(o.cumulative_cash) for o in series)
        months = comparison.months + ("",) * (n - len(comparison.months))
        rows = tuple((Cell(Decimal(t)), Cell(months[t]))
                     + tuple(Cell(o.cumulative_cash[t] if t < len(o.cumulative_cash) else None) for o in series)
                     for t in range(n))
        write_table(sheet, Table("cumulative_cash", (Column("Month", Kind.NUMBER, 0), Column("Starts"))
                                 + tuple(Column(o.name, Kind.MONEY) for o in series), rows,
                                 title="Cumulative cash before funding, from the start of mobilisation",
                                 note="Its lowest point, plus a buffer and contingency, is each option's funding "
                                      "requirement."))
    sheet.finish()


def _scenarios_sheet(book: Book) -> None:
    sheet = book.sheet("Scenarios", "Scenarios: the option under each what-if")
    write_table(sheet, scenario_definitions(scenario_rows(book.workspace)))
    outcomes, err = book.result("scenarios")
    if err:
        sheet.error("The scenarios", err)
    else:
        write_table(sheet, scenario_table(outcomes, book.option.name))
    sheet.finish()


#: (sheet name, writer), written after the value sheets.
COMPARE_SHEETS = (("Compare", _compare_sheet), ("Scenarios", _scenarios_sheet))
