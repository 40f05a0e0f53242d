"""The Cash flow tab's chart: monthly net cash flow as bars, the cumulative cash before funding and the
bank balance after funding as lines, the funding requirement as a reference line, and the mobilisation,
service and run-off phases shaded; with a legend that wraps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCharts import (
    QAreaSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
)
from PySide6.QtCore import QMargins, QPoint, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...domain.money import ZERO, format_gbp
from ...domain.projection import Capital, MonthRow
from ..charts import plot
from ..style import move_axis, round_axis, set_bar_values, set_chart, set_points
from .rows import month

# colour-blind-safe Tableau 10 hues
_IN_COLOUR = "#59a14f"
_OUT_COLOUR = "#e15759"
_CUMULATIVE_COLOUR = "#4e79a7"
_BALANCE_COLOUR = "#f28e2b"
_REQUIREMENT_COLOUR = "#b02a37"
_PHASE_COLOURS = {"mobilisation": QColor(108, 117, 125, 38), "run-off": QColor(108, 117, 125, 24)}
_PHASE_TEXT = "#5a6268"


def compact_gbp(value: float, step: float) -> str:
    """An axis label: £0, £250k, −£1.5m (pounds below £1,000 a step)."""
    if abs(value) < step * 1e-6:
        return "£0"
    sign = "\u2212" if value < 0 else ""
    v = abs(value)
    if step >= 1e5 and v >= 1e6:
        text = f"£{v / 1e6:,.2f}".rstrip("0").rstrip(".") + "m"
    elif step >= 1e3:
        text = f"£{v / 1e3:,.1f}".rstrip("0").rstrip(".") + "k"
    else:
        text = f"£{v:,.0f}"
    return sign + text


def money_axis(lo: float, hi: float, title: str = "", target: int = 6) -> QCategoryAxis:
    """A value axis labelled in £k or £m at round values, with a grid line at each."""
    return round_axis(lo, hi, title, target, compact_gbp)


def month_axis(starts: Sequence[dt.date], every: int, anchor: int) -> QCategoryAxis:
    """Months 0…n−1 (a bar each), labelled with their dates every ``every`` months from ``anchor``."""
    n = len(starts)
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(-0.5, n - 0.5)
    axis.setStartValue(-0.5)
    first = anchor % every
    for t in range(first, n, every):
        axis.append(starts[t].strftime("%b %Y"), t)
    axis.setGridLineVisible(True)
    axis.setGridLinePen(QPen(QColor(0, 0, 0, 28), 1))
    return axis


_swatches: dict[tuple[str, str, float], QPixmap] = {}


def swatch(kind: str, colour: str, width: float = 2.2) -> QPixmap:
    """A legend key drawn like its series: "bar", "line", "dash", "dot" or "mark"."""
    key = (kind, colour, width)
    cached = _swatches.get(key)
    if cached is not None:
        return cached
    w, h, scale = 22, 12, 2
    pixmap = QPixmap(w * scale, h * scale)
    pixmap.setDevicePixelRatio(scale)  # drawn at 2× so it stays crisp on high-DPI screens
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if kind == "bar":
        painter.fillRect(QRectF(5, 1.5, 12, 9), QColor(colour))
    elif kind == "dot":
        painter.setPen(QPen(QColor("#ffffff"), 1))
        painter.setBrush(QColor(colour))
        painter.drawEllipse(QPointF(w / 2, h / 2), 4, 4)
    elif kind == "mark":
        painter.setPen(_pen(colour, width, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(w / 2, 0), QPointF(w / 2, h))
    else:
        painter.setPen(_pen(colour, width, Qt.PenStyle.DashLine if kind == "dash" else Qt.PenStyle.SolidLine))
        painter.drawLine(QPointF(1, h / 2), QPointF(w - 1, h / 2))
    painter.end()
    _swatches[key] = pixmap
    return pixmap


class FlowLayout(QLayout):
    """Items left to right, wrapping onto further rows, each row centred."""

    def __init__(self, parent=None, spacing: int = 14, line_spacing: int = 2):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._line_spacing = line_spacing
        self._heights: dict[int, int] = {}  # height for a width, until the layout is invalidated
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self._heights.clear()

    def invalidate(self) -> None:
        self._heights.clear()  # an item changed (Qt calls this, as on a font or zoom change)
        super().invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        self._heights.clear()
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        # asked many times a layout pass (issue 22: 34 arrangements a cash flow result): each one asked
        # every item's size hint three times over
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = 0
        for item in self._items:
            hint = item.sizeHint()  # once an item: each is a call into the widget's own layout
            w = hint.width()
            if rows[-1] and x + w > rect.width():
                rows.append([])
                x = 0
            rows[-1].append((item, hint))
            x += w + self._spacing
        y = rect.y()
        for row in rows:
            if not row:
                continue
            height = max(h.height() for _i, h in row)
            width = sum(h.width() for _i, h in row) + self._spacing * (len(row) - 1)
            x = rect.x() + max(0, (rect.width() - width) // 2)
            for item, hint in row:
                if move:
                    item.setGeometry(QRect(QPoint(x, y), hint))
                x += hint.width() + self._spacing
            y += height + self._line_spacing
        return y - rect.y() - self._line_spacing


class ChartLegend(QWidget):
    """A legend that wraps (the chart's own elides long names): a key drawn like each series, and its name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.flow = FlowLayout(self)
        self.names: list[str] = []
        self._shown: list[tuple[QPixmap, str]] = []  # the keys (``swatch`` keeps one per look) and names shown
        self._labels: list[tuple[QLabel, QLabel]] = []  # each entry's key and name
        size = self.sizePolicy()
        size.setHeightForWidth(True)
        self.setSizePolicy(size)

    def set_items(self, items: Sequence[tuple[QPixmap, str]]) -> None:
        if len(items) == len(self._shown) and all(
                p is q and n == m for (p, n), (q, m) in zip(items, self._shown, strict=True)):
            return  # the same keys and names: nothing to do
        self.names = [name for _pixmap, name in items]
        if len(items) == len(self._shown):
            # as many entries as before (most results: a figure in a name changed, as the funding requirement
            # after an edit): each entry's key and name are set in place. Making the entries again cost a layout
            # and a deferred deletion each, 1 ms apiece after every edit (issue 22)
            for (key, label), (pixmap, name), (shown_pixmap, shown_name) in zip(
                    self._labels, items, self._shown, strict=True):
                if pixmap is not shown_pixmap:
                    key.setPixmap(pixmap)
                if name != shown_name:
                    label.setText(name)
                    label.parentWidget().setAccessibleName(name)
            self._shown = list(items)
            return
        self._shown = list(items)
        self._labels = []
        while (item := self.flow.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        for pixmap, name in items:
            entry = QWidget(self)
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            key = QLabel()
            key.setPixmap(pixmap)
            label = QLabel(name)
            row.addWidget(key)
            row.addWidget(label)
            self._labels.append((key, label))
            entry.setAccessibleName(name)
            self.flow.addWidget(entry)
        self.updateGeometry()

    def clear(self) -> None:
        self.set_items([])


def _pen(colour: str, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(colour))
    pen.setWidthF(width)
    pen.setStyle(style)
    return pen


class CashFlowChart(QWidget):
    """Monthly net cash flow as bars; cumulative cash before funding and the balance after it as lines."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        self.view.setAccessibleName("Cash flow chart")
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.legend = ChartLegend()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)
        self.months: tuple[MonthRow, ...] = ()
        self.bars: QStackedBarSeries | None = None
        self.bars_in: QBarSet | None = None
        self.bars_out: QBarSet | None = None
        self.cumulative: QLineSeries | None = None
        self.balance: QLineSeries | None = None
        self.requirement: QLineSeries | None = None
        self.overdraft: QLineSeries | None = None
        self.x_axis: QCategoryAxis | None = None
        self.y_axis: QCategoryAxis | None = None
        self.peak: QScatterSeries | None = None
        self._areas: list[tuple[QLineSeries, QLineSeries, float, float]] = []  # a shaded phase's bounds
        self._marks: list[tuple[QLineSeries, float]] = []  # service start and end
        self._shape: tuple | None = None  # what the chart on show was drawn for, but its figures
        self._every = 0
        self._anchor = 0
        self._phase_labels: list[tuple[QGraphicsSimpleTextItem, float, float]] = []
        self.view.setChart(self._new_chart())

    @staticmethod
    def _new_chart() -> QChart:
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 12, 2))
        chart.setBackgroundRoundness(0)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def show_capital(self, capital: Capital) -> None:
        """Draw ``capital``'s months. A result with the same months, phases and series as the one on show
        (an edit to a figure: most results) moves the points of the chart on show; anything else makes a new
        chart. Making one costs its build and, after it, Qt's layout and first paint of the new scene (about
        14 ms a result on the demo, where moving the points costs a few)."""
        p, f = capital.projection, capital.funding
        months = p.months
        n = len(months)
        values: list[float] = [0.0, -plot(f.requirement)]
        for r in months:
            values += [plot(r.cash_before_funding), plot(r.cumulative_before_funding), plot(r.closing_balance),
                       -plot(r.overdraft_balance)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.04 or 1.0
        y_axis = money_axis(lo - pad, hi + pad)
        mob = p.mobilisation_months
        last_service = max((r.month for r in months if r.phase == "service"), default=n - 1)
        overdraft = any(r.overdraft_balance for r in months)
        every = self._label_every(n)
        shape = (tuple(r.starts for r in months), mob, last_service, overdraft, f.peak_deficit_month is not None)
        self.months = months
        if shape == self._shape and self.view.chart() is not None and self.y_axis is not None:
            if every != self._every:  # the width changed since (``resizeEvent`` relabels as it happens)
                self._every = every
                self._relabel(every)
            self._move_points(capital, y_axis)
        else:
            self._shape = shape
            self._draw(capital, y_axis, mob, last_service, every)
        self._describe(capital)

    def _move_points(self, capital: Capital, fresh_y: QCategoryAxis) -> None:
        """The chart on show, its series and value axis moved to ``capital``'s figures (the same shape)."""
        p, f = capital.projection, capital.funding
        months = p.months
        y = self.y_axis
        assert y is not None and self.bars_in is not None and self.bars_out is not None
        assert self.cumulative is not None and self.balance is not None and self.requirement is not None
        # what did not move is left alone: Qt lays out and paints again whatever is touched (moving the shaded
        # phases costs about 8 ms, the axis 3 ms), and the scale moves only when a figure crosses a round value
        move_axis(y, fresh_y)
        y_lo, y_hi = y.min(), y.max()
        for upper, lower, x0, x1 in self._areas:
            set_points(upper, [QPointF(x0, y_hi), QPointF(x1, y_hi)])
            set_points(lower, [QPointF(x0, y_lo), QPointF(x1, y_lo)])
        for mark, x in self._marks:
            set_points(mark, [QPointF(x, y_lo), QPointF(x, y_hi)])
        cash = [plot(r.cash_before_funding) for r in months]
        set_bar_values(self.bars_in, [max(v, 0.0) for v in cash])
        set_bar_values(self.bars_out, [min(v, 0.0) for v in cash])
        n = len(months)
        self.requirement.setName(f"Funding requirement, {format_gbp(f.requirement)}, drawn below zero")
        set_points(self.requirement, [QPointF(-0.5, -plot(f.requirement)), QPointF(n - 0.5, -plot(f.requirement))])
        set_points(self.cumulative, [QPointF(r.month, plot(r.cumulative_before_funding)) for r in months])
        set_points(self.balance, [QPointF(r.month, plot(r.closing_balance)) for r in months])
        if self.overdraft is not None:
            set_points(self.overdraft, [QPointF(r.month, -plot(r.overdraft_balance)) for r in months])
        if self.peak is not None:
            self.peak.setName(f"Peak need {month(f.peak_deficit_date)}")
            set_points(self.peak, [QPointF(f.peak_deficit_month, -plot(f.peak_deficit))])
        self._place_phase_labels()

    def _draw(self, capital: Capital, y_axis: QCategoryAxis, mob: int, last_service: int, every: int) -> None:
        """A new chart of ``capital``'s months."""
        p, f = capital.projection, capital.funding
        months = p.months
        n = len(months)
        chart = self._new_chart()
        self._phase_labels = []
        self._areas = []
        self._marks = []
        self.y_axis = y_axis
        y_lo, y_hi = y_axis.min(), y_axis.max()
        self._anchor = mob
        self._every = every
        x_axis = month_axis([r.starts for r in months], self._every, mob)
        self.x_axis = x_axis
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)

        def attach(series) -> None:
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)

        def hide_marker(series) -> None:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)

        # the phases, shaded behind everything
        phases = [("Mobilisation", -0.5, mob - 0.5, _PHASE_COLOURS["mobilisation"]),
                  ("Service", mob - 0.5, last_service + 0.5, None),
                  ("Run-off", last_service + 0.5, n - 0.5, _PHASE_COLOURS["run-off"])]
        for name, x0, x1, colour in phases:
            if x1 <= x0:
                continue
            if colour is not None:
                area = QAreaSeries()
                upper, lower = QLineSeries(area), QLineSeries(area)  # the area does not own its bounds
                upper.append(x0, y_hi)
                upper.append(x1, y_hi)
                lower.append(x0, y_lo)
                lower.append(x1, y_lo)
                area.setUpperSeries(upper)
                area.setLowerSeries(lower)
                self._areas.append((upper, lower, x0, x1))
                area.setName(f"{name} (shaded)")
                area.setBrush(QBrush(colour))
                area.setPen(QPen(Qt.PenStyle.NoPen))
                attach(area)
                hide_marker(area)
            item = QGraphicsSimpleTextItem(name, chart)
            font = item.font()
            font.setPointSizeF(font.pointSizeF() * 0.85)
            font.setItalic(True)
            item.setFont(font)
            item.setBrush(QBrush(QColor(_PHASE_TEXT)))
            item.setZValue(20)
            self._phase_labels.append((item, x0, x1))

        # the bars: the month's net cash flow before funding, in green above zero and red below
        self.bars_in = QBarSet("Net cash in (month, before funding)")
        self.bars_out = QBarSet("Net cash out")
        self.bars_in.setColor(QColor(_IN_COLOUR))
        self.bars_out.setColor(QColor(_OUT_COLOUR))
        for bar_set in (self.bars_in, self.bars_out):
            bar_set.setBorderColor(QColor(0, 0, 0, 0))
        for r in months:
            v = plot(r.cash_before_funding)
            self.bars_in.append(max(v, 0.0))
            self.bars_out.append(min(v, 0.0))
        bars = QStackedBarSeries()
        bars.setBarWidth(0.8)
        bars.append(self.bars_in)
        bars.append(self.bars_out)
        bars.hovered.connect(self._on_bar_hover)
        self.bars = bars
        attach(bars)

        # zero, and the funding requirement below it: the cumulative must stay above that line
        zero = QLineSeries()
        zero.append(-0.5, 0)
        zero.append(n - 0.5, 0)
        zero.setPen(_pen("#343a40", 1.0))
        attach(zero)
        hide_marker(zero)
        req = QLineSeries()
        req.setName(f"Funding requirement, {format_gbp(f.requirement)}, drawn below zero")
        req.append(-0.5, -plot(f.requirement))
        req.append(n - 0.5, -plot(f.requirement))
        req.setPen(_pen(_REQUIREMENT_COLOUR, 1.5, Qt.PenStyle.DashLine))
        self.requirement = req
        attach(req)

        # service start and end
        for x in (mob - 0.5, last_service + 0.5):
            if -0.5 < x < n - 0.5:
                mark = QLineSeries()
                mark.append(x, y_lo)
                mark.append(x, y_hi)
                mark.setPen(_pen("#6c757d", 1.0, Qt.PenStyle.DotLine))
                self._marks.append((mark, x))
                attach(mark)
                hide_marker(mark)

        # the lines, one point a month
        self.cumulative = QLineSeries()
        self.cumulative.setName("Cumulative cash before funding")
        self.cumulative.setPen(_pen(_CUMULATIVE_COLOUR, 2.2))
        self.balance = QLineSeries()
        self.balance.setName("Bank balance after funding")
        self.balance.setPen(_pen(_BALANCE_COLOUR, 2.2))
        for r in months:
            self.cumulative.append(r.month, plot(r.cumulative_before_funding))
            self.balance.append(r.month, plot(r.closing_balance))
        lines = [self.cumulative, self.balance]
        self.overdraft = None
        if any(r.overdraft_balance for r in months):
            self.overdraft = QLineSeries()
            self.overdraft.setName("Overdraft owed (below zero)")
            self.overdraft.setPen(_pen(_BALANCE_COLOUR, 1.5, Qt.PenStyle.DashLine))
            for r in months:
                self.overdraft.append(r.month, -plot(r.overdraft_balance))
            lines.append(self.overdraft)
        for line in lines:
            line.hovered.connect(self._on_line_hover)
            attach(line)
        self.peak = None
        if f.peak_deficit_month is not None:
            peak = self.peak = QScatterSeries()
            peak.setName(f"Peak need {month(f.peak_deficit_date)}")
            peak.setMarkerSize(9)
            peak.setColor(QColor(_CUMULATIVE_COLOUR))
            peak.setBorderColor(QColor("#ffffff"))
            peak.append(f.peak_deficit_month, -plot(f.peak_deficit))
            attach(peak)
        chart.legend().setVisible(False)
        chart.plotAreaChanged.connect(self._place_phase_labels)

        set_chart(self.view, chart)
        self._place_phase_labels()

    def _describe(self, capital: Capital) -> None:
        """The legend, the accessible description and the tooltip of ``capital``'s chart."""
        p, f = capital.projection, capital.funding
        months = p.months
        items = [(swatch("bar", _IN_COLOUR), "Net cash flow in"),
                 (swatch("bar", _OUT_COLOUR), "out (each month, before funding)"),
                 (swatch("line", _CUMULATIVE_COLOUR), "Cumulative before funding"),
                 (swatch("line", _BALANCE_COLOUR), "Bank balance after funding")]
        if self.overdraft is not None:
            items.append((swatch("dash", _BALANCE_COLOUR, 1.5), "Overdraft owed"))
        items.append((swatch("dash", _REQUIREMENT_COLOUR, 1.5), f"Funding requirement {format_gbp(f.requirement)}"))
        if f.peak_deficit_month is not None:
            items.append((swatch("dot", _CUMULATIVE_COLOUR), f"Peak need {month(f.peak_deficit_date)}"))
        items.append((swatch("mark", "#6c757d", 1.0), f"Service {month(p.service_start)} – {month(p.service_end)}"))
        self.legend.set_items(items)
        self.view.setAccessibleDescription(
            f"Monthly cash flow from {month(p.mobilisation_start)} to {month(p.projection_end)}: the cumulative cash "
            f"before funding falls to {format_gbp(-f.peak_deficit)}"
            f"{' in ' + month(f.peak_deficit_date) if f.peak_deficit_date else ''} and ends at "
            f"{format_gbp(months[-1].cumulative_before_funding if months else ZERO)}; the funding requirement is "
            f"{format_gbp(f.requirement)}; the lowest bank balance after funding is {format_gbp(f.lowest_balance)}.")
        self.legend.setToolTip(
            "Bars: the project's net cash flow each month before funding (after tax on the operating profit). "
            "Lines: the cumulative cash before funding, and the bank balance once the funding sources are drawn "
            "(an overdraft keeps it at zero; what it owes is drawn below zero). The dashed red line is the funding "
            "requirement below zero: the cumulative cash before funding stays above it. Shaded: mobilisation and the "
            f"run-off after the service, while the last invoices ({p.receipt_lag_months} months after the month "
            "worked), suppliers and tax are paid. Hover over the chart for a month's figures.")

    def _label_every(self, n: int) -> int:
        width = max(self.view.width() - 120, 200)
        per_month = width / max(n, 1)
        for every in (3, 6, 12, 24):
            if per_month * every >= 72:
                return every
        return 36

    def _place_phase_labels(self, *_args) -> None:
        chart = self.view.chart()
        if chart is None or not self._phase_labels:
            return
        area = chart.plotArea()
        for item, x0, x1 in self._phase_labels:
            left = chart.mapToPosition(QPointF(x0, 0)).x()
            right = chart.mapToPosition(QPointF(x1, 0)).x()
            width = item.boundingRect().width()
            if right - left < width + 4 and item.text() == "Mobilisation":
                item.setText("Mob.")
                width = item.boundingRect().width()
            elif right - left >= width + 40 and item.text() == "Mob.":
                item.setText("Mobilisation")
                width = item.boundingRect().width()
            item.setVisible(right - left >= width + 4)
            item.setPos((left + right - width) / 2, area.top() + 3)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.x_axis is not None and self.months:
            every = self._label_every(len(self.months))
            if every != self._every:
                self._every = every
                self._relabel(every)

    def _relabel(self, every: int) -> None:
        axis = self.x_axis
        if axis is None:
            return
        for label in list(axis.categoriesLabels()):
            axis.remove(label)
        first = self._anchor % every
        for t in range(first, len(self.months), every):
            axis.append(self.months[t].starts.strftime("%b %Y"), t)

    # ------------------------------------------------------------------ hover
    def _month_tip(self, t: int) -> str:
        if not 0 <= t < len(self.months):
            return ""
        r = self.months[t]
        return (f"{r.starts:%B %Y} (month {r.month}, {r.phase})\n"
                f"Net cash flow before funding: {format_gbp(r.cash_before_funding)}\n"
                f"Cumulative before funding: {format_gbp(r.cumulative_before_funding)}\n"
                f"Bank balance after funding: {format_gbp(r.closing_balance)}"
                + (f"\nOverdraft owed: {format_gbp(r.overdraft_balance)}" if r.overdraft_balance else ""))

    def _on_bar_hover(self, status: bool, index: int, _bar_set: QBarSet) -> None:
        if status:
            QToolTip.showText(QCursor.pos(), self._month_tip(index))
        else:
            QToolTip.hideText()

    def _on_line_hover(self, point: QPointF, state: bool) -> None:
        if state:
            QToolTip.showText(QCursor.pos(), self._month_tip(round(point.x())))
        else:
            QToolTip.hideText()

    def clear(self) -> None:
        self.months = ()
        self.bars = self.bars_in = self.bars_out = None
        self.cumulative = self.balance = self.requirement = self.overdraft = None
        self.x_axis = self.y_axis = self.peak = None
        self._phase_labels, self._areas, self._marks, self._shape = [], [], [], None
        set_chart(self.view, self._new_chart())
        self.legend.clear()

    # for tests and the accessible description
    def series(self) -> list:
        chart = self.view.chart()
        return list(chart.series()) if chart is not None else []


__all__ = ["CashFlowChart", "ChartLegend", "FlowLayout", "compact_gbp", "money_axis", "month_axis", "swatch"]
