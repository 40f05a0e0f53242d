"""``SensitivityView``: the Sensitivity tab of a consortium option.

The ``sensitivity`` analysis runs on a snapshot off the UI thread (``OptionAnalysisView.background``,
``gui/tasks.BackgroundTask``); its progress shows in a bar beside a Cancel button, and an edit that
overtakes it cancels it. Before the exact scenario runs, the same task works out the vector model's estimate
(``services.sensitivity.estimate_sensitivity``, a few milliseconds after the option's own analyses) and the
tab shows it at once (``OptionAnalysisView.show_first``), headed as an estimate, until the exact result
replaces it (``first_shown`` is emitted when the estimate is shown, ``shown`` when the exact result is). The tab shows, worst news first, what breaks close to the plan, then the
tornado of the output chosen in the combo box (NPV, funding requirement, minimum debt service cover,
year-one margin, win probability) and the break-even table. The chart and tables are the document
chart and tables of ``reports/sections/sensitivity.py``: the investment case and the workbook show the
same figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
)
from PySide6.QtCore import QMargins, QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

from ...domain import sensitivity as _s
from ...domain.money import format_decimal, format_gbp_short
from ...domain.tasks import NEVER, CancelToken
from ...reports.document import Chart, Kind
from ...reports.sections.sensitivity import (
    break_even_table,
    ordered_break_evens,
    tornado_chart,
    tornado_table,
)
from ...services import analyses
from ...services.pipeline import run
from ...services.sensitivity import ESTIMATE_NEEDS, NEEDS, estimate_sensitivity
from ..analysis_view import OptionAnalysisView
from ..cashflow.chart import compact_gbp
from ..charts import plot
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..style import GREY, esc, move_axis, rich_label, round_axis, set_bar_values, set_chart, two_pane

__all__ = ["SensitivityView", "TornadoChart"]

LOW_COLOUR, HIGH_COLOUR = "#1f4e79", "#2a9d8f"


class _Relay(QObject):
    """Carries the analysis's progress from the worker thread to the GUI thread (a queued signal)."""

    progressed = Signal(float, str)


def _axis_label(kind: Kind):
    def label(v: float, step: float) -> str:
        if kind is Kind.MONEY:
            return compact_gbp(v, step)
        if kind is Kind.PERCENT:
            return f"{v:g} pts"
        return f"{v:g}"

    return label


def _swing(spec: _s.Output, swing: Decimal | None) -> str:
    """A bar's swing, short: ±£2.37m, ±1.76×, ±5.0 points."""
    if swing is None:
        return "swing not available"
    if spec.kind == "money":
        return "±" + format_gbp_short(swing)
    if spec.kind == "percent":
        return f"±{format_decimal(swing, 1)} points"
    return f"±{format_decimal(swing, 2)}×"


class _DriverLabels:
    """Each bar's driver and swing, right-aligned left of the plot area and kept in place as the chart is
    laid out again (QtCharts' category axis elides a label when the chart is narrow)."""

    def __init__(self, chart: QChart, texts: list[str]):
        self.chart = chart
        font = QFont(chart.font())
        self.items: list[QGraphicsSimpleTextItem] = []
        widest = 0
        for text in texts:
            item = QGraphicsSimpleTextItem(text, chart)
            item.setFont(font)
            item.setBrush(QColor("#333333"))
            widest = max(widest, int(item.boundingRect().width()))
            self.items.append(item)
        margins = chart.margins()
        chart.setMargins(QMargins(widest + 12, margins.top(), margins.right(), margins.bottom()))
        chart.plotAreaChanged.connect(self.place)

    def set_texts(self, texts: list[str]) -> None:
        """New texts for the same bars (their swings moved): the margin follows the widest, the labels their
        bars."""
        if [item.text() for item in self.items] == texts:
            return
        widest = 0
        for item, text in zip(self.items, texts, strict=True):
            item.setText(text)
            widest = max(widest, int(item.boundingRect().width()))
        margins = self.chart.margins()
        if margins.left() != widest + 12:
            self.chart.setMargins(QMargins(widest + 12, margins.top(), margins.right(), margins.bottom()))
        self.place(self.chart.plotArea())

    def place(self, area: QRectF) -> None:
        n = len(self.items)
        for i, item in enumerate(self.items):  # the first at the bottom, as the category axis counts
            rect = item.boundingRect()
            y = area.bottom() - (i + 0.5) * area.height() / max(n, 1)
            item.setPos(area.left() - rect.width() - 6, y - rect.height() / 2)


class TornadoChart(QChartView):
    """A horizontal tornado: each driver's change from the plan at its low and its high value, the largest
    swing at the top (the document chart of ``reports.sections.sensitivity.tornado_chart``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(260)
        self.document: Chart | None = None
        self.labels: _DriverLabels | None = None  # kept: it moves its labels when the chart is laid out again
        # what the tornado on show was drawn for (its output, drivers and series) and its bars and value axis:
        # a result with the same moves them (a new chart cost its build and Qt's layout and first paint of the
        # new scene, about 3 ms a showing, twice an edit with the estimate)
        self._shape: tuple | None = None
        self._bars: list[QBarSet] = []
        self._axis: QCategoryAxis | None = None

    def show_tornado(self, result: _s.Sensitivity, output: str) -> None:
        self.document = doc = tornado_chart(result, output)
        if doc is None:
            chart = self._new_chart()
            chart.setTitle(f"No driver moves the {_s.OUTPUT_BY_KEY[output].label.lower()} "
                           "(or it is not available for this option)")
            chart.legend().setVisible(False)
            self.labels = None
            set_chart(self, chart)
            return
        title = f"{doc.y_title}, each driver alone" + (" (estimated)" if result.estimated else "")
        # the category axis counts from the bottom: largest swing on top
        values = [[plot(v) for v in reversed(s.values)] for s in doc.series]
        numbers = [v for vs in values for v in vs]
        swings = {b.label: b.swing for b in result.tornado[output].bars}
        spec = _s.OUTPUT_BY_KEY[output]
        texts = [f"{name} ({_swing(spec, swings.get(name))})" for name in reversed(doc.categories)]
        axis = round_axis(min([0.0, *numbers]), max([0.0, *numbers]), "", 4, _axis_label(doc.y_kind))
        shape = (output, doc.y_kind, tuple(doc.categories), tuple(s.name for s in doc.series))
        shown = self.chart()
        if shape == self._shape and self.labels is not None and self._axis is not None and shown is not None:
            if shown.title() != title:
                shown.setTitle(title)
            for bars, vs in zip(self._bars, values, strict=True):
                set_bar_values(bars, vs)
            move_axis(self._axis, axis)
            self.labels.set_texts(texts)
            return
        chart = self._new_chart()
        chart.setTitle(title)
        series = QHorizontalBarSeries()
        self._bars = []
        for s, vs, colour in zip(doc.series, values, (LOW_COLOUR, HIGH_COLOUR), strict=True):
            bars = QBarSet(s.name)
            bars.setColor(QColor(colour))
            bars.setBorderColor(QColor(colour))
            bars.append(vs)
            series.append(bars)
            self._bars.append(bars)
        series.setBarWidth(0.75)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.setCategories([" " * (i + 1) for i in range(len(doc.categories))])  # labels drawn beside
        cats.setLabelsVisible(False)
        chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        self.labels = _DriverLabels(chart, texts)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._shape, self._axis = shape, axis
        set_chart(self, chart)
        QTimer.singleShot(0, self, self.place_labels)

    def _forget(self) -> None:
        """The chart on show is not moved again: the next tornado is a new chart."""
        self._shape, self._bars, self._axis = None, [], None

    def _new_chart(self) -> QChart:
        """A new chart to draw on."""
        self._forget()
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 2, 16, 2))
        return chart

    def show_waiting(self, label: str) -> None:
        """No tornado yet for this output: the estimate does not model it, and the exact runs are under way."""
        self.document = None
        self.labels = None
        self._forget()
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setTitle(f"The {label.lower()} is not estimated: its tornado comes with the exact runs")
        chart.legend().setVisible(False)
        set_chart(self, chart)

    def clear_chart(self) -> None:
        """No tornado at all."""
        self.document = self.labels = None
        self._forget()
        set_chart(self, QChart())

    def place_labels(self) -> None:
        if self.labels is not None:
            self.labels.place(self.labels.chart.plotArea())


#: the line above the lead saying what the figures on show are, and its tooltip, by whether they are estimated
BASIS = {True: ("<b>Estimates</b> from the vector model, while the exact scenario runs are computed",
                "Estimates from the vector model, shown while the exact scenario runs are computed: they replace "
                "these when they are done."),
         False: ("<b>Exact</b>: each point a scenario run of the option as it stands",
                 "Each point is the option as it stands, run through the pipeline with that driver moved: the "
                 "figures the investment case reports.")}


class SensitivityView(OptionAnalysisView):
    """The tornado of a chosen output and the break-evens, worst first."""

    shows = ("sensitivity",)
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progress)
        self.showing: _s.Sensitivity | None = None  # the estimate or the exact result the tab shows
        self.output = QComboBox()
        for o in _s.OUTPUTS:
            self.output.addItem(o.label, o.key)
        self.output.setToolTip("The figure whose tornado the chart and the figures table show")
        self.output.currentIndexChanged.connect(self._show_output)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop computing the sensitivities (an edit or Recalculate starts again)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        self.recalculate_button = QPushButton("Recalculate")
        self.recalculate_button.clicked.connect(self.refresh)
        self.recalculate_button.setVisible(False)
        bar = QWidget()
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Output:"))
        row.addWidget(self.output)
        row.addSpacing(12)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.recalculate_button)
        row.addStretch(0)
        # what the figures on show are, the vector model's estimates or the exact runs: one line that never wraps,
        # so the chart and the tables keep their place when one replaces the other. In the lead, the estimates'
        # extra line moved them twice an edit, and the estimate's paint took 18 ms on the demo against 6
        self.basis = QLabel()
        self.basis.setTextFormat(Qt.TextFormat.RichText)
        self.basis.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.basis.setStyleSheet(f"color: {GREY.strong};")  # the grey tone's ink: muted, still legible
        self.lead = rich_label()
        self.chart = TornadoChart()
        self.break_even_model = DocumentTableModel()
        self.break_even_table = DocumentTable(self.break_even_model, stretch_column=5, lines=3)
        self.tornado_model = DocumentTableModel()
        self.tornado_table = DocumentTable(self.tornado_model, stretch_column=0)
        self.tables = QTabWidget()
        self.tables.addTab(self.break_even_table, "Break-even values")
        self.tables.addTab(self.tornado_table, "Tornado figures")
        self.body.addWidget(bar)
        self.body.addWidget(self.basis)
        self.body.addWidget(self.lead)
        self.split = two_pane(Qt.Orientation.Vertical, self.chart, self.tables, stretch=(1, 1))
        self.split.setSizes([330, 300])
        self.body.addWidget(self.split, 1)

    # ------------------------------------------------------------------ computing
    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:
        relay = self._relay

        def progress(fraction: float, message: str) -> None:
            relay.progressed.emit(float(fraction), message)

        base = run(ws, option_id, ESTIMATE_NEEDS, cancelled=cancelled)  # what the estimate reads, first
        guess = estimate_sensitivity(ws, option_id, base)
        if guess is not None:
            self.show_first(cancelled, guess)
        base = run(ws, option_id, NEEDS, cancelled=cancelled, results=base)
        results = run(ws, option_id, ("sensitivity",), cancelled=cancelled, progress=progress, results=base)
        return analyses.value(results, "sensitivity")

    def show_first_result(self, figures: _s.Sensitivity) -> None:
        """The vector model's estimate, while the exact runs are computed."""
        self.message.setVisible(False)
        self._show(figures)

    def refresh(self) -> None:
        super().refresh()
        working = self.busy
        self.progress.setVisible(working)
        self.cancel_button.setVisible(working)
        self.recalculate_button.setVisible(False)
        if working:
            self.progress.setValue(0)
            self.progress.setFormat("Computing the sensitivities…")

    def _on_progress(self, fraction: float, message: str) -> None:
        if not self.busy:
            return
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.progress.setFormat(f"{message} (%p%)")

    def cancel(self) -> None:
        """Stop the computation running; the last result stays until Recalculate or an edit."""
        if not self.busy:
            return
        self._generation += 1  # drop its result if it comes anyway
        self._cancel_running()
        self.busy = False
        self._stale = True
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.recalculate_button.setVisible(True)
        if self.showing is not None and self.showing.estimated:
            self.show_message("Cancelled: the figures shown are the vector model's estimates of the option as it "
                              "stands. Press Recalculate for the exact ones.")
        else:
            self.show_message("Cancelled: the sensitivities shown (if any) are from before. Press Recalculate to "
                              "compute them again.")

    def _refused(self, exc: Exception) -> None:
        self._idle()
        if self.showing is not None and self.showing.estimated:  # never an estimate beside a refusal
            self.showing = None
            self.basis.clear()
            self.lead.clear()
            self.break_even_model.clear()
            self.tornado_model.clear()
            self.chart.clear_chart()
        super()._refused(exc)

    def _idle(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    # ------------------------------------------------------------------ showing
    def show_result(self, result: _s.Sensitivity) -> None:
        self._idle()
        self.recalculate_button.setVisible(False)
        self._show(result)

    def _show(self, result: _s.Sensitivity) -> None:
        self.showing = result
        self.break_even_model.set_table(break_even_table(result))
        self.break_even_table.resizeRowsToContents()
        text, tip = BASIS[result.estimated]
        self.basis.setText(text)
        self.basis.setToolTip(tip)
        self.lead.setText(self._lead_html(result))
        self._show_output()

    def _show_output(self, *_args) -> None:
        result = self.showing
        if result is None:
            return
        key = self.output.currentData()
        if key not in result.tornado:  # an estimate models some outputs only
            self.chart.show_waiting(_s.OUTPUT_BY_KEY[key].label)
            self.tornado_model.clear()
            return
        self.chart.show_tornado(result, key)
        self.tornado_model.set_table(tornado_table(result, key))

    @staticmethod
    def _lead_html(result: _s.Sensitivity) -> str:
        ordered = ordered_break_evens(result)
        breached = [b for b in ordered if b.status is _s.BreakEvenStatus.BREACHED_AT_BASE]
        close = [b for b in ordered if b.status is _s.BreakEvenStatus.SOLVED and b.close]
        lines = []
        for b in breached[:3]:
            lines.append(f"<span style='color:#721c24'>✗ {esc(b.search)}, {esc(b.target_label)}: "
                         f"{esc(b.message)}</span>")
        for b in close[:4]:
            lines.append(f"<span style='color:#664d03'>! {esc(b.message)}</span>")
        if not lines:
            lines.append(f"No break-even lies close to the plan ({esc(_s.close_text())}).")
        more = len(breached) + len(close) - min(3, len(breached)) - min(4, len(close))
        if more > 0:
            lines.append(f"… and {more} more in the table below.")
        return "<br>".join(lines)
