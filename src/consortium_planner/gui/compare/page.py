"""``ComparePage``: a tender's consortium options side by side (the navigator's Compare page).

Above: the tender, the scenario (the options as they stand, or under a named scenario) and a baseline
(the other options then show their differences from it). Tabs: the table (``services.compare`` rows,
the best of each row in bold by its own direction, as ``reports.sections.compare.comparison_table``
presents them), the key figures as small charts, every option's cumulative cash on one chart, and the
Scenarios tab (``scenarios.ScenariosPanel``).

Everything is computed off the UI thread on a snapshot (``work.LatestWork``), with progress shown in
the bar above; an edit that overtakes a computation cancels it. Each option's base results (the
analyses as the option stands) are kept until an edit other than to a scenario makes them stale, so
editing a scenario recomputes only the scenarios.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import scenarios as _scenarios
from ...domain.model import Scenario, Tender, stored_id
from ...domain.tasks import NEVER, CancelToken, Progress
from ...domain.workspace import Workspace
from ...reports.sections.compare import comparison_table, cumulative_cash_chart, key_figure_charts
from ...services.compare import KEY_ANALYSES, Comparison, compare
from ...services.pipeline import REGISTRY, Results, run
from ...services.scenarios import ScenarioOutcome, run_scenario, scenario_outcome
from ..controller import WorkspaceController, touches
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from .charts import CumulativeCashPanel, KeyFiguresPanel
from .scenarios import ScenariosPanel
from .work import LatestWork

__all__ = ["ComparePage"]

AS_THEY_STAND = "As they stand"
NO_BASELINE = "No baseline"


class ComparePage(QWidget):
    def __init__(self, controller: WorkspaceController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.comparison: Comparison | None = None
        self.bases: dict[int, Results] = {}  # each option's analyses as it stands (valid until a non-scenario edit)
        self.outcomes: dict[tuple[int, _scenarios.Adjustments], ScenarioOutcome] = {}
        self._stale = True
        self._matrix_stale = True

        self.tender = QComboBox()
        self.scenario = QComboBox()
        self.scenario.setToolTip("Show every option under a named scenario (a copy; the options are not changed)")
        self.baseline = QComboBox()
        self.baseline.setToolTip("Show the other options as differences from this one")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        for label, combo in (("Tender:", self.tender), ("Scenario:", self.scenario), ("Baseline:", self.baseline)):
            bar.addWidget(QLabel(label))
            combo.setMinimumContentsLength(16 if combo is self.tender else 11)  # fits beside a side panel
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            bar.addWidget(combo, 2 if combo is self.tender else 0)  # the tender's name takes the spare room
        bar.addStretch(1)
        bar.addWidget(self.progress)

        self.model = DocumentTableModel(row_header=True)
        self.table = DocumentTable(self.model, max_width=260)
        self.key_figures = KeyFiguresPanel()
        self.cash = CumulativeCashPanel()
        self.scenarios = ScenariosPanel(controller)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, "Side by side")
        self.tabs.addTab(self.key_figures, "Key figures")
        self.tabs.addTab(self.cash, "Cumulative cash")
        self.tabs.addTab(self.scenarios, "Scenarios")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.work = LatestWork(self)
        self.matrix_work = LatestWork(self)
        for w in (self.work, self.matrix_work):
            w.progressed.connect(self._on_progress)
            w.busy_changed.connect(lambda _b: self._show_busy())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._matrix_timer = QTimer(self)
        self._matrix_timer.setSingleShot(True)
        self._matrix_timer.setInterval(0)
        self._matrix_timer.timeout.connect(self.refresh_matrix)
        self.tender.currentIndexChanged.connect(lambda _i: self._on_tender())
        self.scenario.currentIndexChanged.connect(lambda _i: self.reload())
        self.baseline.currentIndexChanged.connect(lambda _i: self._show_comparison())
        self.tabs.currentChanged.connect(lambda _i: self._on_tab())
        self.scenarios.recalculate.connect(self.reload_matrix)
        controller.workspace_changed.connect(self._on_changed)
        self._fill_tenders()

    # ------------------------------------------------------------------ choices
    def _fill_tenders(self) -> None:
        current = self.tender.currentData()
        self.tender.blockSignals(True)
        self.tender.clear()
        for t in self.controller.ws.tenders():
            self.tender.addItem(t.name, t.id)
        index = self.tender.findData(current)
        self.tender.setCurrentIndex(index if index >= 0 else 0)
        self.tender.blockSignals(False)
        self._fill_scenarios()
        self._fill_baselines()

    def _fill_scenarios(self) -> None:
        current = self.scenario.currentData()
        self.scenario.blockSignals(True)
        self.scenario.clear()
        self.scenario.addItem(AS_THEY_STAND, None)
        for s in _scenarios.scenario_rows(self.controller.ws):
            self.scenario.addItem(s.name, s.id)
        index = self.scenario.findData(current)
        self.scenario.setCurrentIndex(index if index >= 0 else 0)
        self.scenario.blockSignals(False)

    def _fill_baselines(self) -> None:
        current = self.baseline.currentData()
        self.baseline.blockSignals(True)
        self.baseline.clear()
        self.baseline.addItem(NO_BASELINE, None)
        for o in self.controller.ws.options(self.tender_id()):
            self.baseline.addItem(o.name, o.id)
        index = self.baseline.findData(current)
        self.baseline.setCurrentIndex(index if index >= 0 else 0)
        self.baseline.blockSignals(False)

    def tender_id(self) -> int | None:
        return self.tender.currentData()

    def scenario_name(self) -> str | None:
        row = self.controller.ws.get(Scenario, self.scenario.currentData())
        return row.name if row is not None else None

    def baseline_id(self) -> int | None:
        return self.baseline.currentData()

    def select(self, *, tender: str | None = None, scenario: str | None = None, baseline: str | None = None) -> None:
        """Choose by name (tests and screenshots); None leaves a choice as it is."""
        for combo, name in ((self.tender, tender), (self.scenario, scenario), (self.baseline, baseline)):
            if name is not None:
                index = combo.findText(name)
                if index < 0:
                    raise ValueError(f"no choice named {name!r}")
                combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ staleness
    def _on_changed(self, changes) -> None:
        if touches(changes, "tender") or touches(changes, "consortium_option") or touches(changes, "scenario"):
            self._fill_tenders()
        scenario_only = "*" not in changes.entities and changes.entities <= {"scenario"}
        if not scenario_only:
            self.bases.clear()
            self.outcomes.clear()
        if touches(changes, "scenario"):
            self.scenarios.reload_rows()
        if touches(changes, *REGISTRY.reads(["scenarios"])):
            self.reload()
            self.reload_matrix()

    def _on_tender(self) -> None:
        self._fill_baselines()
        self.reload()
        self.reload_matrix()

    def _on_tab(self) -> None:
        if self.tabs.currentWidget() is self.scenarios and self._matrix_stale:
            self._matrix_timer.start()

    def reload(self) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def reload_matrix(self) -> None:
        self._matrix_stale = True
        if self.isVisible() and self.tabs.currentWidget() is self.scenarios:
            self._matrix_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._timer.start()
        self._on_tab()

    # ------------------------------------------------------------------ computing
    def _runner(self, bases: dict[int, Results], fresh: dict[int, Results]):
        def runner(ws: Workspace, oid: int, adjustments: _scenarios.Adjustments, **kw: Any) -> Results:
            base = bases.get(oid)
            if base is None:
                base = fresh[oid] = run(ws, oid, KEY_ANALYSES, cancelled=kw.get("cancelled", NEVER))
            return run_scenario(ws, oid, adjustments, base=base, **kw)

        return runner

    def refresh(self) -> None:
        """Compare the tender's options (as they stand or under the chosen scenario) in the background."""
        self._stale = False
        tender_id = self.tender_id()
        if tender_id is None:
            self.work.cancel()
            self.comparison = None
            self.model.clear()
            self.status.setText("There is no tender: add one, with consortium options to compare.")
            return
        snapshot = self.controller.ws.copy()
        scenario = self.scenario_name()
        bases = dict(self.bases)
        fresh: dict[int, Results] = {}
        runner = self._runner(bases, fresh)

        def work(progress: Progress, cancelled: CancelToken) -> tuple[Comparison, dict[int, Results]]:
            return compare(snapshot, tender_id, scenario, cancelled=cancelled, progress=progress,
                           runner=runner), fresh

        self.status.setText("Comparing the options…")
        self.work.start(work, self._delivered, self._failed)

    def _delivered(self, result: tuple[Comparison, dict[int, Results]]) -> None:
        comparison, fresh = result
        self.bases.update(fresh)
        self.comparison = comparison
        self._show_comparison()

    def _failed(self, exc: BaseException) -> None:
        self.comparison = None
        self.model.clear()
        self.status.setText(f"The options cannot be compared as they stand: {exc}")

    def refresh_matrix(self) -> None:
        """Every option's figures under every scenario (the one being typed in, as typed)."""
        self._matrix_stale = False
        tender_id = self.tender_id()
        if tender_id is None:
            self.matrix_work.cancel()
            self.scenarios.show_message("There is no tender.")
            return
        snapshot = self.controller.ws.copy()
        options = [(o.name, stored_id(o)) for o in snapshot.options(tender_id)]
        rows = self.scenarios.rows_to_compute()
        preview = self.scenarios.preview
        bases, known = dict(self.bases), dict(self.outcomes)

        def work(progress: Progress, cancelled: CancelToken):
            out: list[tuple[str, dict[str, ScenarioOutcome]]] = []
            fresh: dict[int, Results] = {}
            made: dict[tuple[int, _scenarios.Adjustments], ScenarioOutcome] = {}
            for k, (name, oid) in enumerate(options):
                cancelled.check()
                progress(k / max(1, len(options)), name)
                base = bases.get(oid)
                if base is None:
                    base = fresh[oid] = run(snapshot, oid, KEY_ANALYSES, cancelled=cancelled)
                by_name: dict[str, ScenarioOutcome] = {}
                for s in rows:
                    adjustments = _scenarios.Adjustments.of(s)
                    outcome = known.get((oid, adjustments)) or made.get((oid, adjustments))
                    if outcome is None:
                        outcome = made[(oid, adjustments)] = scenario_outcome(snapshot, oid, s, base,
                                                                              cancelled=cancelled)
                    by_name[s.name] = outcome
                out.append((name, by_name))
            progress(1.0, "")
            return out, fresh, made

        def done(result) -> None:
            out, fresh, made = result
            self.bases.update(fresh)
            self.outcomes.update(made)
            self.scenarios.show_matrix(out, preview.name if preview is not None else None)

        def failed(exc: BaseException) -> None:
            self.scenarios.show_message(f"The scenarios cannot be computed: {exc}")

        self.matrix_work.start(work, done, failed)

    # ------------------------------------------------------------------ showing
    def _show_comparison(self) -> None:
        c = self.comparison
        if c is None:
            return
        baseline = self.baseline_id()
        if baseline is not None and all(o.option_id != baseline for o in c.options):
            baseline = None
        if not c.options:
            self.model.clear()
            self.status.setText(f"{c.tender_name} has no consortium options yet.")
            self.key_figures.show_charts(c, ())
            self.cash.show_chart(None, ())
            return
        self.model.set_table(comparison_table(c, baseline))
        self.key_figures.show_charts(c, key_figure_charts(c))
        self.cash.show_chart(cumulative_cash_chart(c), c.months)
        under = ("as they stand" if c.scenario == "Base" and c.adjustments == "no change"
                 else f"under the {c.scenario} scenario: {c.adjustments} (a copy of each option; none is changed)")
        partial = [o.name for o in c.options if o.option_id in c.partial]
        text = f"{len(c.options)} options for {c.tender_name}, {under}. Bold: the best of a row by its own direction."
        if partial:
            text += (f" {', '.join(partial)} cover{'s' if len(partial) == 1 else ''} less than the whole "
                     "requirement, so they are not marked best on price, funding or returns.")
        self.status.setText(text)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.progress.setToolTip(message)

    def _show_busy(self) -> None:
        busy = self.work.busy or self.matrix_work.busy
        self.progress.setVisible(busy)
        if not busy:
            self.progress.setValue(0)

    @property
    def busy(self) -> bool:
        return self.work.busy or self.matrix_work.busy

    def tender_row(self) -> Tender | None:
        return self.controller.ws.get(Tender, self.tender_id())

