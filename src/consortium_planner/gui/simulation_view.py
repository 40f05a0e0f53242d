"""``SimulationView``: the Simulation tab of a consortium option (risk by simulation, DOMAIN §9).

The simulation runs when the user presses Run, with the draws and seed chosen, off the UI thread
(``gui.tasks.BackgroundTask``) on a snapshot of the workspace, with a progress bar and Cancel. It
shows what ``reports/sections/simulation.py`` builds for the result (the same blocks the investment
case prints): the probabilities (coloured by the findings), P10/P50/P90 beside the plan, and the
histograms of the NPV and the funding requirement (the sources arranged and zero marked). An edit
to the workspace after a run leaves the figures shown but says they are out of date; choosing
another option clears them. All figures come from ``services.simulation.run_simulation``.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import QAreaSeries, QChart, QChartView, QLineSeries
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain import simulation as _sim
from ..domain.money import format_gbp_short
from ..domain.simulation import SimulationResult
from ..reports.document import Chart, Table
from ..reports.sections.simulation import simulation_blocks
from ..services.simulation import run_simulation
from .cashflow.chart import compact_gbp
from .charts import plot
from .document_model import DocumentTableModel
from .document_table import DocumentTable
from .style import round_axis, set_chart

BAR = "#4e79a7"
MARK = "#c82333"


class HistogramPanel(QWidget):
    """A histogram drawn as a stepped area over a money axis, with a marked value (a vertical line)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        self.view.setMaximumHeight(340)  # its size hint is tall: in a scroll area it would take it all
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.chart: Chart | None = None
        self._boundaries: tuple[QLineSeries, QLineSeries] | None = None

    def show_histogram(self, chart: Chart, edges: tuple[Decimal, ...], mark: Decimal | None, mark_label: str) -> None:
        self.chart = chart
        out = QChart()
        out.setTitle(chart.title)
        out.setMargins(QMargins(4, 2, 16, 2))
        out.setBackgroundRoundness(0)
        out.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        out.legend().setVisible(False)
        counts = [plot(v) for v in chart.series[0].values]
        xs = [plot(e) for e in edges]
        lo, hi = xs[0], xs[-1]
        if mark is not None:
            lo, hi = min(lo, plot(mark)), max(hi, plot(mark))
        x_axis = round_axis(lo, hi, chart.x_title, 5 if self.view.width() > 450 else 2, compact_gbp)  # narrow: few labels
        y_axis = round_axis(0.0, max(counts, default=1.0), chart.y_title, 4, lambda v, _s: f"{v:,.0f}")
        out.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        out.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        upper = QLineSeries()
        for i, c in enumerate(counts):
            upper.append(QPointF(xs[i], c))
            upper.append(QPointF(xs[i + 1], c))
        lower = QLineSeries()
        lower.append([QPointF(xs[0], 0.0), QPointF(xs[-1], 0.0)])
        area = QAreaSeries(upper, lower)
        self._boundaries = (upper, lower)  # QAreaSeries does not own its boundary series: keep them alive
        area.setColor(QColor(BAR))
        area.setBorderColor(QColor(BAR).darker(130))
        out.addSeries(area)
        area.attachAxis(x_axis)
        area.attachAxis(y_axis)
        if mark is not None:
            line = QLineSeries()
            pen = QPen(QColor(MARK))
            pen.setWidthF(2.0)
            pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            line.append([QPointF(plot(mark), 0.0), QPointF(plot(mark), max(counts, default=1.0))])
            out.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
        set_chart(self.view, out)
        self.note.setText(f"Dashed red line: {mark_label}." if mark is not None else "")


class SimulationView(QWidget):
    """Run the option's simulation with the draws and seed chosen, and show its figures."""

    def __init__(self, controller, option_id, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.option_id = option_id  # a callable returning the selected option's id (or None)
        self.result: SimulationResult | None = None
        self.task = None
        self._shown_for: int | None = None
        self.draws = QSpinBox()
        self.draws.setRange(_sim.MIN_DRAWS, _sim.MAX_DRAWS)
        self.draws.setSingleStep(1_000)
        self.draws.setGroupSeparatorShown(True)
        self.draws.setValue(_sim.DEFAULT_DRAWS)
        self.draws.setToolTip("How many futures to draw (at least 10,000 for the figures the case reports)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_147_483_647)
        self.seed.setValue(_sim.DEFAULT_SEED)
        self.seed.setToolTip("The same seed draws the same futures: the figures reproduce exactly")
        self.run_button = QPushButton("Run simulation")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel("Press Run to draw the drivers from their ranges and project each draw.")
        self.status.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Draws"))
        controls.addWidget(self.draws)
        controls.addWidget(QLabel("Seed"))
        controls.addWidget(self.seed)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addStretch(1)
        for box in (self.draws, self.seed):
            box.setMinimumWidth(110)
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.lead = QLabel()
        self.lead.setWordWrap(True)
        self.probabilities = DocumentTableModel()
        self.percentiles = DocumentTableModel()
        prob_table = DocumentTable(self.probabilities, stretch_column=0, height="fixed")
        pct_table = DocumentTable(self.percentiles, stretch_column=0, height="fixed")
        tables = QVBoxLayout()  # one above the other: side by side they are wider than the pane at 1280 px
        tables.addWidget(prob_table)
        tables.addWidget(pct_table)
        self.npv_chart = HistogramPanel()
        self.requirement_chart = HistogramPanel()
        charts = QHBoxLayout()
        charts.addWidget(self.npv_chart, 1)
        charts.addWidget(self.requirement_chart, 1)
        self.results = QWidget()
        results = QVBoxLayout(self.results)
        results.setContentsMargins(0, 0, 0, 0)
        results.addWidget(self.lead)
        results.addLayout(tables)
        results.addLayout(charts)
        results.addStretch(1)
        self.results.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(controls)
        layout.addWidget(self.progress)  # its own row: beside the buttons it widens a narrow pane
        layout.addWidget(self.status)
        scroll = QScrollArea()  # below the verdict banner the pane may be short: scroll rather than squeeze
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.results)
        layout.addWidget(scroll, 1)
        controller.workspace_changed.connect(self._on_changed)

    # ------------------------------------------------------------------ the page's protocol
    def reload(self) -> None:
        """Another option was selected: what is shown belongs to the one before."""
        if self.option_id() != self._shown_for:
            self.cancel()
            self.result = None
            self.results.setVisible(False)
            self.status.setText("Press Run to draw the drivers from their ranges and project each draw."
                                if self.option_id() is not None else "Select a consortium option.")

    def _on_changed(self, _changes) -> None:
        if self.result is not None:
            self.status.setText("The workspace has changed since this run: press Run to simulate it as it is now.")

    # ------------------------------------------------------------------ running
    def run(self) -> None:
        from .tasks import BackgroundTask

        option_id = self.option_id()
        if option_id is None:
            self.status.setText("Select a consortium option.")
            return
        self.cancel()
        snapshot = self.controller.ws.copy()
        draws, seed = self.draws.value(), self.seed.value()
        task = BackgroundTask(lambda progress, cancelled: run_simulation(
            snapshot, option_id, draws=draws, seed=seed, progress=progress, cancelled=cancelled))
        self.task = task
        task.progressed.connect(self._on_progress)
        task.finished.connect(lambda result, t=task, o=option_id: self._on_finished(t, o, result))
        task.failed.connect(lambda exc, t=task: self._on_failed(t, exc))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(f"Simulating {draws:,} draws (seed {seed})…")
        task.start()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _idle(self) -> None:
        self.task = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.progress.setFormat(message)

    def _on_finished(self, task, option_id: int, result: SimulationResult) -> None:
        if task is not self.task:
            return
        self._idle()
        if option_id != self.option_id():
            return
        self.show_result(result, option_id)

    def _on_failed(self, task, exc: BaseException) -> None:
        if task is not self.task:
            return
        self._idle()
        if task.was_cancelled:
            self.status.setText("Cancelled: nothing was changed.")
        elif isinstance(exc, ValueError):
            self.status.setText(f"The simulation cannot run on this option as it stands: {exc}")
        else:
            self.status.setText(f"The simulation failed ({type(exc).__name__}: {exc}).")

    # ------------------------------------------------------------------ showing
    def show_result(self, result: SimulationResult, option_id: int) -> None:
        self.result = result
        self._shown_for = option_id
        blocks = simulation_blocks(result)
        tables = {b.key: b for b in blocks if isinstance(b, Table)}
        charts = {b.key: b for b in blocks if isinstance(b, Chart)}
        self.probabilities.set_table(tables["simulation_probabilities"])
        self.percentiles.set_table(tables["simulation_percentiles"])
        ranges = f"Ranges (low / most likely / high): {_sim.ranges_text(result.ranges)}."
        self.lead.setText("Each draw takes every driver from its triangular range (hover here for the ranges; "
                          "docs/simulation.md explains them).")
        self.lead.setToolTip(ranges)
        self.npv_chart.show_histogram(charts["simulation_npv_histogram"], result.npv_histogram.edges, Decimal(0),
                                      "zero (below it the option loses value)")
        self.requirement_chart.show_histogram(
            charts["simulation_requirement_histogram"], result.requirement_histogram.edges, result.total_sources,
            f"the {format_gbp_short(result.total_sources)} of funding arranged (to its right the sources fall short)")
        self.status.setText(f"Done: {result.draws:,} draws (seed {result.seed}). The same seed gives the same "
                            "figures.")
        self.results.setVisible(True)
