"""The option workbook's **Evaluation** sheet (issue 18), written when the tender has pass/fail criteria, a
minimum quality score, or ranks or describes its criteria instead of weighting them: the tables of
``reports/sections/evaluation_model.py`` (those the Evaluation tab and the case's Evaluation model section
show)."""

from __future__ import annotations

from ..domain.evaluation_model import EvaluationModel
from .sections.evaluation_model import evaluation_model_tables, has_evaluation_model
from .xlsx_document import write_table
from .xlsx_sheet import Book

__all__ = ["EVALUATION_SHEET", "has_evaluation", "write_evaluation"]

EVALUATION_SHEET = "Evaluation"


def has_evaluation(results) -> bool:
    """Whether the evaluation model ran and has more than plain weights to show (only then an Evaluation sheet)."""
    model = results.get("evaluation_model")
    return isinstance(model, EvaluationModel) and has_evaluation_model(model)


def write_evaluation(book: Book) -> None:
    model, err = book.result("evaluation_model")
    sheet = book.sheet(EVALUATION_SHEET, "Evaluation model: pass/fail criteria and the weightings the buyer may use")
    if err:
        sheet.error("The evaluation model", err)
    else:
        for f in model.findings:
            sheet.note(f.message)
        for table in evaluation_model_tables(model):
            write_table(sheet, table)
    sheet.finish()
