"""``PricingView``: the Pricing tab of a consortium option."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QTabWidget

from ...domain.bid import ScorePoint
from ...domain.model import ConsortiumOption, Tender
from ...domain.tasks import NEVER, CancelToken
from ...services import analyses
from ..analysis_view import OptionAnalysisView
from ..lazy_tabs import LazyTabs
from ..style import headline_height, headline_scroll, set_top, two_pane
from .charts import ScoresPanel, WinChancePanel
from .headline import PricingHeadline, PricingResult
from .panels import AssumptionsPanel, CostBuildupPanel, YearsPanel

#: the least height the cost build-up and the other panels below the headline keep
LEAST_BELOW = 180


class PricingView(OptionAnalysisView):
    """Price, score and win chance of the selected option, with its build-up and assumptions."""

    shows = ("rates", "prices", "evaluation", "score_curve")

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.headline = PricingHeadline()
        self.headline_scroll = headline_scroll(self.headline)
        self.buildup = CostBuildupPanel()
        self.scores = ScoresPanel()
        self.win_chance = WinChancePanel()
        self.years = YearsPanel()
        self.assumptions = AssumptionsPanel(controller)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.buildup, "Cost build-up")
        self.tabs.addTab(self.scores, "Scores")
        self.tabs.addTab(self.win_chance, "Win chance")
        self.tabs.addTab(self.years, "Contract years")
        self.tabs.addTab(self.assumptions, "Assumptions")
        self.lazy = LazyTabs(self.tabs)  # the sub-tabs behind the one in front are filled when turned to
        self.splitter = two_pane(Qt.Orientation.Vertical, self.headline_scroll, self.tabs, (0, 1))
        self.body.addWidget(self.splitter, 1)
        self.splitter.setVisible(False)
        self._user_sized = False
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    def _on_splitter_moved(self, *_args) -> None:
        self._user_sized = True

    background = True  # 10,000 Monte Carlo draws over a price grid: keep typing smooth

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> PricingResult:
        results = analyses.analyse_option(ws, option_id, [n for n in self.shows if n != "score_curve"],
                                          cancelled=cancelled)
        option = ws.get(ConsortiumOption, option_id)
        tender = ws.get(Tender, option.tender_id) if option is not None else None
        value = partial(analyses.value, results)
        evaluation = value("evaluation")
        curve: list[tuple[ScorePoint, ...]] = []

        def score_curve() -> tuple[ScorePoint, ...]:
            """On the workspace this result was computed on (the snapshot: no one edits it), once."""
            if not curve:
                curve.append(analyses.one(ws, option_id, "score_curve", evaluation=evaluation))
            return curve[0]

        return PricingResult(option_id, option, tender, value("prices"), evaluation, value("rates"), score_curve)

    def show_result(self, result: PricingResult) -> None:
        self.splitter.setVisible(True)
        self.headline.setVisible(True)
        self.headline.show_result(result)
        self.lazy.fill(self.buildup, partial(self.buildup.show_schedule, result.schedule))
        self.lazy.fill(self.scores, partial(self.scores.show_result, result))
        self.lazy.fill(self.win_chance, partial(self.win_chance.show_result, result))
        self.lazy.fill(self.years, partial(self.years.show_schedule, result.schedule))
        self.assumptions.bind(result.option_id)  # the editor follows the option at once, its rates when shown
        self.lazy.fill(self.assumptions, partial(self.assumptions.show_rates, result.rates,
                                                 result.schedule.buildup.rates.year.label))
        self._fit_headline()

    def show_message(self, text: str) -> None:
        super().show_message(text)
        option_id = self.option_id()
        self.lazy.drop()
        for panel in (self.headline, self.buildup, self.scores, self.win_chance, self.years):
            panel.clear()
        if option_id is None or self.controller.ws.get(ConsortiumOption, option_id) is None:
            self.splitter.setVisible(False)
            self.assumptions.bind(None)
            return
        # the analysis failed on the option's inputs: keep the assumptions at hand to fix them
        self.splitter.setVisible(True)
        self.headline.setVisible(False)
        self.assumptions.bind(option_id)
        self.tabs.setCurrentWidget(self.assumptions)

    def _fit_headline(self) -> None:
        if self._user_sized:
            return
        top = headline_height(self.splitter, self.headline_scroll, 0.45)
        # the cards are never cut off while the panels below keep LEAST_BELOW (a 1280×720 screen): only the
        # findings under them may scroll. Worked out in full before the splitter is set, once: set to the share
        # and then to the cards' height, it moved twice a result (laying out and painting both panes each time)
        total = self.splitter.height()
        cards = self.headline.cards_height(max(self.headline_scroll.viewport().width(), 300))
        if cards > top and total > 0:
            top = min(cards, max(total - LEAST_BELOW, top))
            set_top(self.splitter, top, total - top)
        else:
            set_top(self.splitter, top, 200)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.result is not None:
            self._fit_headline()
            QTimer.singleShot(0, self, self._fit_headline)  # again once the splitter has its new height


__all__ = ["PricingView"]
