"""``EvaluationView``: the Evaluation tab of a consortium option (issue 18).

Above: the option's answer to each of its tender's pass/fail criteria and its expected score on each
quality question, edited in place (the criteria and questions themselves are on the tender's Pass/fail and
Quality questions tabs); "Use the questions' score" sets the option's quality score from them. Below: what ``reports/sections/evaluation_model.py``
builds from the ``evaluation_model`` analysis, the same blocks the investment case prints: the worst
finding first, the criteria with their answers in red/amber/green, and, when the buyer ranks or describes
the criteria instead of weighting them, the bid at every corner weighting that allows.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSplitter

from ..domain.model import ConsortiumOption, Gate, GateResponse, QualityAnswer, QualityQuestion
from ..domain.money import format_decimal
from ..domain.tasks import NEVER, CancelToken
from ..reports.sections.evaluation_model import evaluation_model_blocks
from ..services.analyses import analyse_option
from ..services.pipeline import NotApplicable, Refusal
from .analysis_view import OptionAnalysisView
from .document_blocks import DocumentBlocks, inputs_over_results
from .panels import RecordPanel

COLUMNS = ["gate_id", "answer", "evidence"]
SCORE_COLUMNS = ["question_id", "expected_score", "plan"]


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

        def tender_questions() -> list[QualityQuestion]:
            option = ws().get(ConsortiumOption, option_id())
            return (sorted(ws().by(QualityQuestion, "tender_id", option.tender_id), key=lambda q: q.id or 0)
                    if option else [])

        def scores() -> list[QualityAnswer]:
            oid = option_id()
            return sorted(ws().by(QualityAnswer, "option_id", oid), key=lambda r: r.id or 0) if oid else []

        def new_score() -> dict[str, Any] | None:
            scored = {r.question_id for r in scores()}
            free = [q for q in tender_questions() if q.id not in scored]
            return {"option_id": option_id(), "question_id": free[0].id} if free else None

        self.scores = RecordPanel(
            controller, QualityAnswer, SCORE_COLUMNS, scores, new_score,
            title="Quality questions: this option's expected scores",
            ref_choices=lambda field, row: [(q.id, q.name) for q in tender_questions()],
            nothing_to_add="every quality question of the tender has an expected score; add questions on the "
                           "tender's Quality questions tab")
        self.use_questions = QPushButton("Use the questions' score")
        self.use_questions.setToolTip("Set the option's expected quality score to what its expected scores on the "
                                      "questions give (one undoable edit)")
        self.use_questions.clicked.connect(self._use_questions)
        self.use_questions.setVisible(False)
        self.results = DocumentBlocks(("evaluation_gates", "evaluation_questions", "evaluation_rounds",
                                       "evaluation_corners"))
        self.text = self.results.text
        self.tables = self.results.tables
        inputs = QSplitter(Qt.Orientation.Horizontal)
        inputs.addWidget(self.answers)
        inputs.addWidget(self.scores)
        self.body.addWidget(inputs_over_results(inputs, self.results, self.use_questions), 1)

    def reload_inputs(self) -> None:
        self.answers.reload()
        self.scores.reload()

    def _use_questions(self) -> None:
        questions = self.result.questions if self.result is not None else None
        oid = self.option_id()
        if questions is None or questions.derived is None or oid is None:
            return
        self.controller.set_field(ConsortiumOption, oid, "quality_score", str(questions.derived))

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:
        result = analyse_option(ws, option_id, self.shows, cancelled=cancelled)["evaluation_model"]
        if isinstance(result, Refusal | NotApplicable):
            raise ValueError(result.reason)
        return result

    def show_result(self, result) -> None:
        self.results.show_blocks(evaluation_model_blocks(result))
        self.results.setVisible(True)
        q = result.questions
        self.use_questions.setVisible(q is not None and q.differs)
        if q is not None and q.derived is not None:
            self.use_questions.setText(f"Use the questions' score ({format_decimal(q.derived, 1)})")

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.results.setVisible(False)
        self.use_questions.setVisible(False)
