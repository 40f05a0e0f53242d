"""The option workbook's partnership sheets: the same document tables the investment case's Partnership
section shows (``reports/sections/partnership.py``), written through ``xlsx_document``, so the workbook
and the PDF agree cell for cell.

* **Partnership**: the findings (most serious first), the structure questions, every structure ranked
  with its reasons, every structure's effects side by side, the VAT cost-sharing conditions, pensions
  by cohort and their costs, the readiness heat map, due diligence and the heads of terms.
* **Money flows**: the flows with their VAT and timing, the amounts by contract year, each member's
  cash and profit, the profit shares, and every month's split of the buyer's payment (which adds up).
"""

from __future__ import annotations

from collections.abc import Callable

from ..domain.findings import Finding
from ..domain.model import Structure
from ..services.pipeline import REGISTRY
from .sections.partnership import (
    ANALYSES,
    answers_table,
    conditions_table,
    diligence_table,
    effects_table,
    findings_table,
    flow_amounts_table,
    flows_by_month_table,
    flows_table,
    members_money_table,
    pension_costs_table,
    pensions_table,
    ranking_table,
    readiness_heatmap,
    reasons_table,
    terms_table,
)
from .xlsx_document import write_heatmap, write_table
from .xlsx_sheet import Book

__all__ = ["PARTNERSHIP_SHEETS"]


def _findings(book: Book) -> list[Finding]:
    out: list[Finding] = []
    for name in ANALYSES:
        value, err = book.result(name)
        analysis = REGISTRY[name]
        if value is not None and analysis.findings is not None:
            out.extend(analysis.findings(value))
    return out


def _partnership_sheet(book: Book) -> None:
    sheet = book.sheet("Partnership", "Partnership: structure, pensions, readiness and terms")
    table = findings_table("partnership_findings", _findings(book))
    if table is not None:
        write_table(sheet, table, heading="What needs attention, most serious first")
    advice, err = book.result("structure")
    if err:
        sheet.error("The structure advisor", err)
    else:
        write_table(sheet, answers_table(advice), heading="Structure advisor")
        write_table(sheet, ranking_table(advice))
        write_table(sheet, reasons_table(advice))
        write_table(sheet, effects_table(advice, [advice.current] + [s for s in Structure if s is not advice.current]))
        write_table(sheet, conditions_table(advice, advice.current))
    pensions, err = book.result("pensions")
    if err:
        sheet.error("Pensions", err)
    else:
        write_table(sheet, pensions_table(pensions), heading="Pensions of transferring staff")
        write_table(sheet, pension_costs_table(pensions))
    readiness, err = book.result("readiness")
    if err:
        sheet.error("Readiness and fit", err)
    elif readiness.partners:
        write_heatmap(sheet, readiness_heatmap(readiness), heading="Partner readiness and fit")
        write_table(sheet, diligence_table(readiness))
    terms, err = book.result("heads_of_terms")
    if err:
        sheet.error("Heads of terms", err)
    else:
        write_table(sheet, terms_table(terms), heading="Heads of terms")
    sheet.finish()


def _money_sheet(book: Book) -> None:
    sheet = book.sheet("Money flows", "Money between members")
    flows, err = book.result("money_flows")
    if err:
        sheet.error("Money between members", err)
        sheet.finish()
        return
    write_table(sheet, flows_table(flows), heading=f"The buyer pays {flows.party}")
    write_table(sheet, flow_amounts_table(flows))
    write_table(sheet, members_money_table(flows))
    write_table(sheet, flows_by_month_table(flows))
    sheet.finish()


PARTNERSHIP_SHEETS: tuple[tuple[str, Callable[[Book], None]], ...] = (
    ("Partnership", _partnership_sheet), ("Money flows", _money_sheet))
