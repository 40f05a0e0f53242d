"""``LotsView``: the Lots tab of a consortium option (issue 18).

Above: the option's decision on each lot of its tender (choose for me, bid, do not bid), the bid team's
chance of winning it and why, edited in place (the lots themselves, and the cap on the lots one supplier may
win, are on the tender). Below: what ``reports/sections/lots.py`` builds from the ``lots`` analysis, the same
blocks the investment case prints: the worst finding first, then each lot's expected contribution, capital
need, whether it is in the best set (an integer programme within the cap, capacity and capital) and why.
"""

from __future__ import annotations

from typing import Any

from ..domain.model import ConsortiumOption, Lot, LotBid
from ..domain.tasks import NEVER, CancelToken
from ..reports.sections.lots import lots_blocks
from ..services.analyses import analyse_option
from ..services.pipeline import NotApplicable, Refusal
from .analysis_view import OptionAnalysisView
from .document_blocks import DocumentBlocks, inputs_over_results
from .panels import RecordPanel

COLUMNS = ["lot_id", "decision", "win_probability_pct", "note"]


class LotsView(OptionAnalysisView):
    shows = ("lots",)
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        ws = lambda: controller.ws  # noqa: E731 - the snapshot may be replaced

        def tender_lots() -> list[Lot]:
            option = ws().get(ConsortiumOption, option_id())
            return sorted(ws().lots(option.tender_id), key=lambda lot: lot.id or 0) if option else []

        def decisions() -> list[LotBid]:
            oid = option_id()
            return sorted(ws().by(LotBid, "option_id", oid), key=lambda r: r.id or 0) if oid else []

        def new_decision() -> dict[str, Any] | None:
            decided = {r.lot_id for r in decisions()}
            free = [lot for lot in tender_lots() if lot.id not in decided]
            return {"option_id": option_id(), "lot_id": free[0].id} if free else None

        self.decisions = RecordPanel(
            controller, LotBid, COLUMNS, decisions, new_decision,
            title="Lots: this option's decisions (a lot with no decision is chosen for you)",
            ref_choices=lambda field, row: [(lot.id, lot.name) for lot in tender_lots()],
            nothing_to_add="every lot of the tender has a decision; add lots on the tender's Lots tab")
        self.results = DocumentBlocks(("lots", "lots_outside"), max_width=420)
        self.body.addWidget(inputs_over_results(self.decisions, self.results), 1)

    def reload_inputs(self) -> None:
        self.decisions.reload()

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:
        result = analyse_option(ws, option_id, self.shows, cancelled=cancelled)["lots"]
        if isinstance(result, Refusal | NotApplicable):
            raise ValueError(result.reason)
        return result

    def show_result(self, result) -> None:
        self.results.show_blocks(lots_blocks(result))
        self.results.setVisible(True)

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.results.setVisible(False)
