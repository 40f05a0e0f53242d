"""``EvaluationView``: the Evaluation tab of a consortium option (issue 18).

Above: the option's answer to each of its tender's pass/fail criteria, edited in place (the criteria
themselves are on the tender's Pass/fail tab). Below: what ``reports/sections/evaluation_model.py``
builds from the ``evaluation_model`` analysis, the same blocks the investment case prints: the worst
finding first, the criteria with their answers in red/amber/green, and, when the buyer ranks or describes
the criteria instead of weighting them, the bid at every corner weighting that allows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter

from ..domain.model import ConsortiumOption, Gate, GateResponse
from ..domain.tasks import NEVER, CancelToken
from ..reports.sections.evaluation_model import evaluation_model_blocks
from ..services.analyses import analyse_option
from ..services.pipeline import NotApplicable, Refusal
from .analysis_view import OptionAnalysisView
from .document_blocks import DocumentBlocks
from .panels import RecordPanel

COLUMNS = ["gate_id", "answer", "evidence"]


class EvaluationView(OptionAnalysisView):
    shows = ("evaluation_model",)
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        ws = lambda: controller.ws  # noqa: E731 - the snapshot may be replaced

        def tender_gates() -> list[Gate]:
            option = ws().get(ConsortiumOption, option_id())
            return sorted(ws().by(Gate, "tender_id", option.tender_id), key=lambda g: g.id or 0) if option else []

        def gate_choices(field, row):
            return [(g.id, g.name) for g in tender_gates()]

        def answers() -> list[GateResponse]:
            oid = option_id()
            return sorted(ws().by(GateResponse, "option_id", oid), key=lambda r: r.id or 0) if oid else []

        def new_answer() -> dict[str, Any] | None:
            answered = {r.gate_id for r in answers()}
            free = [g for g in tender_gates() if g.id not in answered]
            return {"option_id": option_id(), "gate_id": free[0].id} if free else None

        self.answers = RecordPanel(
            controller, GateResponse, COLUMNS, answers, new_answer,
            title="Pass/fail criteria: this option's answers (a criterion with no answer is not yet known)",
            ref_choices=gate_choices,
            nothing_to_add="every pass/fail criterion of the tender has an answer; add criteria on the tender's "
                           "Pass/fail tab")
        self.results = DocumentBlocks(("evaluation_gates", "evaluation_corners"))
        self.text = self.results.text
        self.tables = self.results.tables
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.results)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.answers)
        split.addWidget(scroll)
        split.setStretchFactor(1, 3)
        split.setSizes([150, 450])
        self.body.addWidget(split, 1)

    def reload(self) -> None:
        self.answers.reload()
        super().reload()

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:
        result = analyse_option(ws, option_id, self.shows, cancelled=cancelled)["evaluation_model"]
        if isinstance(result, Refusal | NotApplicable):
            raise ValueError(result.reason)
        return result

    def show_result(self, result) -> None:
        self.results.show_blocks(evaluation_model_blocks(result))
        self.results.setVisible(True)

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.results.setVisible(False)
