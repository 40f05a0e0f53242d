"""The Compare page's charts, drawn from the document charts of ``reports/sections/compare.py``.

* ``KeyFiguresPanel``: the key figures side by side, one small chart each (the options as bars, the
  best of a figure by its direction in a darker shade, each bar labelled with its exact figure);
* ``CumulativeCashPanel``: every option's cumulative cash before funding on one chart, month by month
  from the start of mobilisation, with a legend that wraps.

Figures stay ``Decimal`` up to ``charts.plot``; labels and tooltips are formatted from the Decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
)
from PySide6.QtCore import QMargins, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsSimpleTextItem,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...reports.document import Chart, Kind, format_value
from ...services.compare import ROW_BY_KEY, Comparison
from ..cashflow.chart import compact_gbp
from ..charts import plot
from ..style import esc, move_axis, round_axis, set_chart, set_points

__all__ = ["PALETTE", "CumulativeCashPanel", "KeyFiguresPanel", "wrap_label"]

#: colour-blind-safe Tableau 10, one an option (in the options' order)
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac")
BAR = "#9db7d5"
BEST_BAR = "#1f4e79"
LABEL_CHARS = 22


def wrap_label(name: str, width: int = LABEL_CHARS) -> str:
    """An option's name on lines of about ``width`` characters (a bar chart's axis elides a long one)."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = chart.titleFont()
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 2, 28, 2))
    chart.setBackgroundRoundness(0)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setVisible(False)
    return chart


def _view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return view


def _axis_label(kind: Kind):
    def label(v: float, step: float) -> str:
        if kind is Kind.MONEY:
            return compact_gbp(v, step)
        if kind is Kind.PERCENT:
            return f"{v:g}%"
        return f"{v:g}"

    return label


class _BarLabels:
    """Each bar's option name (wrapped) and figure, right-aligned left of the plot area, kept in place as
    the chart is laid out again (QtCharts' category axis elides a long label and ignores line breaks)."""

    def __init__(self, chart: QChart, texts: list[tuple[str, str]], bold: list[bool]):
        self.chart = chart
        font = QFont(chart.font())
        strong = QFont(font)
        strong.setBold(True)
        self.items: list[QGraphicsSimpleTextItem] = []
        widest = 0
        for (name, value), is_best in zip(texts, bold, strict=True):
            item = QGraphicsSimpleTextItem(f"{name}\n{value}", chart)
            item.setFont(strong if is_best else font)
            item.setBrush(QColor("#333333"))
            widest = max(widest, int(item.boundingRect().width()))
            self.items.append(item)
        margins = chart.margins()
        chart.setMargins(QMargins(widest + 12, margins.top(), margins.right(), margins.bottom()))
        chart.plotAreaChanged.connect(self.place)

    def place(self, area: QRectF) -> None:
        n = len(self.items)
        for i, item in enumerate(self.items):
            rect = item.boundingRect()
            y = area.bottom() - (i + 0.5) * area.height() / max(n, 1)
            item.setPos(area.left() - rect.width() - 6, y - rect.height() / 2)


class KeyFiguresPanel(QWidget):
    """Small horizontal bar charts, one a key figure, in a grid that scrolls when the window is small."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.views: list[QChartView] = []
        self._labels: list[_BarLabels] = []  # kept: each moves its labels when its chart is laid out again
        self.charts: tuple[Chart, ...] = ()
        self.message = QLabel("Nothing to chart yet.")
        self.message.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.grid_host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self._columns = 0

    def show_charts(self, comparison: Comparison, charts: Sequence[Chart]) -> None:
        self.charts = tuple(charts)
        self._labels.clear()
        while self.views:
            view = self.views.pop()
            self.grid.removeWidget(view)
            view.deleteLater()
        self.message.setVisible(not charts)
        for chart in charts:
            view = _view()
            set_chart(view, self._bars(comparison, chart))
            self.views.append(view)
        self._columns = 0
        self._lay_out()
        QTimer.singleShot(0, self, self.place_labels)

    def place_labels(self) -> None:
        for labels in self._labels:
            labels.place(labels.chart.plotArea())

    def _bars(self, comparison: Comparison, chart: Chart) -> QChart:
        row = ROW_BY_KEY[chart.key.removeprefix("key_")]
        best = set(comparison.best.get(row.key, ()))
        values = chart.series[0].values
        ids = [o.option_id for o in comparison.options]
        out = _chart(f"{row.label} · {chart.note.rstrip('.').lower()}" if chart.note else row.label)
        bars = QBarSet(row.label)
        bars.setColor(QColor(BAR))
        bars.setBorderColor(QColor(BAR))
        bars.setSelectedColor(QColor(BEST_BAR))
        # bars run top to bottom in the options' order: the category axis counts from the bottom
        texts = [(wrap_label(name), format_value(value, chart.y_kind, row.places))
                 for name, value in zip(chart.categories, values, strict=True)]
        for value in reversed(values):
            bars.append(plot(value))
        for i, oid in enumerate(reversed(ids)):
            if oid in best:
                bars.selectBar(i)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setBarWidth(0.6)
        out.addSeries(series)
        cats = QBarCategoryAxis()
        cats.setCategories([" " * (i + 1) for i in range(len(texts))])  # labels drawn beside (they may wrap)
        cats.setLabelsVisible(False)
        out.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        numbers = [float(v) for v in values if v is not None]
        lo, hi = min([0.0, *numbers]), max([0.0, *numbers])
        axis = round_axis(lo, hi, "", 4, _axis_label(chart.y_kind))
        out.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        self._labels.append(_BarLabels(out, list(reversed(texts)), [oid in best for oid in reversed(ids)]))
        tips = [f"{name.replace(chr(10), ' ')}: {value}" for name, value in reversed(texts)]
        bars.hovered.connect(lambda state, index, tips=tips: self._tip(state, tips[index]))
        return out

    @staticmethod
    def _tip(state: bool, text: str) -> None:
        if state:
            QToolTip.showText(QCursor.pos(), text)
        else:
            QToolTip.hideText()

    def _lay_out(self) -> None:
        columns = 3 if self.width() >= 1500 else 2
        if columns == self._columns and self.grid.count() == len(self.views):
            return
        self._columns = columns
        for view in self.views:
            self.grid.removeWidget(view)
        lines = max((sum(wrap_label(n).count("\n") + 2 for n in c.categories) for c in self.charts), default=2)
        height = max(170, 70 + 15 * lines)
        for i, view in enumerate(self.views):
            view.setMinimumHeight(height)
            self.grid.addWidget(view, i // columns, i % columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lay_out()
        QTimer.singleShot(0, self, self.place_labels)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.place_labels)


class CumulativeCashPanel(QWidget):
    """Every option's cumulative cash before funding, one line each, on one chart."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = _view()
        self.view.setMinimumHeight(260)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.series: list[QLineSeries] = []
        self._data: Chart | None = None  # the chart on show, its months, what it was drawn for and its scale
        self._months: tuple[str, ...] = ()
        self._shape: tuple | None = None
        self._y_axis: QCategoryAxis | None = None

    def show_chart(self, chart: Chart | None, months: Sequence[str], *, key: str = "lowest") -> None:
        """Draw ``chart``; each line's key quotes its lowest value (``key="lowest"``) or its total (``"total"``).

        A chart with the same title, months and lines as the one on show (an edit to a figure) moves the lines
        and the scale of the chart on show; anything else makes a new chart (its build and Qt's layout and first
        paint of the new scene cost several times as much)."""
        self._data, self._months = chart, tuple(months)
        if chart is None:
            self.series, self._shape, self._y_axis = [], None, None
            set_chart(self.view, _chart(""))
            self.legend.setText("")
            self.note.setText("No option has a projection to draw.")
            return
        xs = [float(x) for x in chart.x_values]
        lo = min([0.0, *(float(v) for s in chart.series for v in s.values if v is not None)])
        hi = max([0.0, *(float(v) for s in chart.series for v in s.values if v is not None)])
        y_axis = round_axis(lo, hi, chart.y_title, 6, compact_gbp)
        points = [[QPointF(x, plot(v)) for x, v in zip(xs, s.values, strict=True) if v is not None]
                  for s in chart.series]
        shape = (chart.title, chart.x_title, tuple(xs), self._months, tuple(s.name for s in chart.series))
        if shape == self._shape and self._y_axis is not None and self.view.chart() is not None:
            move_axis(self._y_axis, y_axis)
            for line, pts in zip(self.series, points, strict=True):
                set_points(line, pts)
        else:
            self._draw(chart, months, xs, y_axis, points)
            self._shape = shape
        items = []
        for i, s in enumerate(chart.series):
            colour = PALETTE[i % len(PALETTE)]
            known = [v for v in s.values if v is not None]
            figure = sum(known, Decimal(0)) if key == "total" else min(known, default=Decimal(0))
            items.append(f"<span style='white-space:nowrap;'><b style='color:{colour};'>━━</b>&nbsp;{esc(s.name)} "
                         f"<span style='color:#555'>({key} {esc(format_value(figure, Kind.MONEY))})</span></span>")
        self.legend.setText(" &nbsp;&nbsp; ".join(items))
        self.note.setText(chart.note)

    def _draw(self, chart: Chart, months: Sequence[str], xs: list[float], y_axis: QCategoryAxis,
              points: list[list[QPointF]]) -> None:
        """A new chart of ``chart``'s lines."""
        out = _chart(chart.title)
        self.series = []
        x_axis = QCategoryAxis()
        x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        n = len(xs)
        x_axis.setRange(0, max(n - 1, 1))
        x_axis.setStartValue(0)
        every = 12 if n > 36 else 6 if n > 12 else 3
        for t in range(0, n, every):
            x_axis.append(months[t] if t < len(months) else str(t), t if t else 1e-9)
        x_axis.setTitleText(chart.x_title)
        x_axis.setGridLineVisible(True)
        out.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        out.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        self._y_axis = y_axis
        for i, (s, pts) in enumerate(zip(chart.series, points, strict=True)):
            line = QLineSeries()
            line.setName(s.name)
            pen = QPen(QColor(PALETTE[i % len(PALETTE)]))
            pen.setWidthF(2.2)
            line.setPen(pen)
            line.append(pts)
            out.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
            line.hovered.connect(lambda point, state, i=i: self._tip_at(point, state, i))
            self.series.append(line)
        zero = QLineSeries()
        zero.setPen(QPen(QColor(0, 0, 0, 90), 1))
        zero.append([QPointF(0, 0), QPointF(max(n - 1, 1), 0)])
        out.addSeries(zero)
        zero.attachAxis(x_axis)
        zero.attachAxis(y_axis)
        set_chart(self.view, out)

    def _tip_at(self, point: QPointF, state: bool, index: int) -> None:
        """The tooltip of line ``index`` of the chart on show, with its latest figures."""
        if self._data is not None and index < len(self._data.series):
            self._tip(point, state, self._data.series[index], self._months)

    @staticmethod
    def _tip(point: QPointF, state: bool, series, months: Sequence[str]) -> None:
        if not state:
            QToolTip.hideText()
            return
        t = max(0, min(len(series.values) - 1, round(point.x())))
        value = series.values[t]
        when = months[t] if t < len(months) else f"month {t}"
        QToolTip.showText(QCursor.pos(), f"{series.name}, {when}: {format_value(value, Kind.MONEY)}")
