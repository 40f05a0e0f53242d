"""``SocialValueView``: the Social value tab of a consortium option (issue 18).

Above: the option's social value commitments, edited in place (theme, measure, quantity a year over contract
years, the proxy value a unit with its source, the cost to deliver, whether the method statement is written);
the rivals' assumed social value a year is on the tender's Competitors tab. Below: what
``reports/sections/social_value_ledger.py`` builds from the ``social_value`` analysis, the same blocks the
investment case prints: the worst finding first, the value and cost over the term, the score the ledger gives
and what one more point costs and earns. "Use the ledger's score" sets the option's social value score from
the ledger in one undoable step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton

from ..domain.model import ConsortiumOption, SocialValueCommitment
from ..domain.money import format_decimal
from ..domain.tasks import NEVER, CancelToken
from ..reports.sections.social_value_ledger import social_value_blocks
from ..services.analyses import analyse_option
from ..services.pipeline import NotApplicable, Refusal
from .analysis_view import OptionAnalysisView
from .document_blocks import DocumentBlocks, inputs_over_results
from .panels import RecordPanel, unique_name

COLUMNS = ["theme", "measure", "unit", "quantity_a_year", "from_year", "to_year", "proxy_value", "proxy_source",
           "cost_per_unit", "cost_a_year", "answered"]


class SocialValueView(OptionAnalysisView):
    shows = ("social_value",)
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        ws = lambda: controller.ws  # noqa: E731 - the snapshot may be replaced

        def commitments() -> list[SocialValueCommitment]:
            oid = option_id()
            return sorted(ws().by(SocialValueCommitment, "option_id", oid), key=lambda r: r.id or 0) if oid else []

        def new_commitment() -> dict[str, Any] | None:
            oid = option_id()
            return {"option_id": oid, "measure": unique_name("Measure", {c.measure for c in commitments()})} \
                if oid else None

        self.commitments = RecordPanel(
            controller, SocialValueCommitment, COLUMNS, commitments, new_commitment,
            title="Social value commitments: proxy values are assumptions you enter (from the buyer's own model)")
        self.use_ledger = QPushButton("Use the ledger's score")
        self.use_ledger.setToolTip("Set the option's expected social value score to what its ledger gives against "
                                   "the rivals' assumed commitments (one undoable edit)")
        self.use_ledger.clicked.connect(self._use_ledger)
        self.use_ledger.setVisible(False)
        self.results = DocumentBlocks(("social_value_ledger",), max_width=360)
        self.body.addWidget(inputs_over_results(self.commitments, self.results, self.use_ledger, sizes=(180, 420)), 1)

    def reload_inputs(self) -> None:
        self.commitments.reload()

    def _use_ledger(self) -> None:
        oid = self.option_id()
        if self.result is None or self.result.derived_score is None or oid is None:
            return
        self.controller.set_field(ConsortiumOption, oid, "social_value_score", str(self.result.derived_score))

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:
        result = analyse_option(ws, option_id, self.shows, cancelled=cancelled)["social_value"]
        if isinstance(result, Refusal | NotApplicable):
            raise ValueError(result.reason)
        return result

    def show_result(self, result) -> None:
        self.results.show_blocks(social_value_blocks(result))
        self.results.setVisible(True)
        self.use_ledger.setVisible(result.differs)
        if result.derived_score is not None:
            self.use_ledger.setText(f"Use the ledger's score ({format_decimal(result.derived_score, 1)})")

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.results.setVisible(False)
        self.use_ledger.setVisible(False)
