"""The Pricing tab's charts: the helpers they share, and the Scores and Win chance panels (each a chart
with its legend, and the scores' table above its chart)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from ...domain.bid import ScorePoint
from ...domain.money import format_gbp
from ..charts import plot
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..style import RED, nice_step, round_axis, set_chart
from ..style import esc as _e
from ..zoom import scaled
from .headline import PricingResult, pct, points, reasons_html
from .rows import score_table

OURS_COLOUR = "#1f77b4"
RIVAL_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
EC_COLOUR = "#2e7d32"


def new_chart(title: str = "") -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = chart.titleFont()
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 24, 4))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(130)  # the headline above keeps its cards whole at 1280×720
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return view


def money_axis(lo: float, hi: float, title: str, *, pence: bool, target: int = 5,
               compact: bool = False) -> QCategoryAxis:
    """A value axis labelled in pounds at round values (``format_gbp``; ``compact``: £250k, £2m)."""

    def label(v: float, step: float) -> str:
        if compact and v == 0:
            return "£0"
        if compact and step >= 1e6:
            return f"£{v / 1e6:g}m"
        if compact and step >= 1e3:
            return f"£{v / 1e3:g}k"
        return format_gbp(Decimal(repr(round(v, 6))), pence=pence and step < 1)

    return round_axis(lo, hi, title, target, label)



def _message_page(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setMargin(8)
    return label


def _legend_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    return label


def _legend_html(series: Sequence[QLineSeries | QScatterSeries]) -> str:
    """A legend that wraps (the chart's own elides long names)."""
    items = []
    for s in series:
        if isinstance(s, QScatterSeries):
            glyph, colour = "●", s.color().name()
        else:
            pen = s.pen()
            glyph = {Qt.PenStyle.SolidLine: "━━", Qt.PenStyle.DashLine: "╍╍", Qt.PenStyle.DotLine: "┅┅"}.get(
                pen.style(), "─·─")
            colour = pen.color().name()
        items.append(f"<span style='white-space:nowrap;'><b style='color:{colour};'>{glyph}</b>"
                     f"&nbsp;{_e(s.name())}</span>")
    return " &nbsp;&nbsp; ".join(items)


class _ChartPanel(QWidget):
    """A message, or once there is something to show, the panel's widgets above a chart and its legend."""

    def _lay_out(self, *above: QWidget) -> None:
        self.stack = QStackedWidget()
        self.message = _message_page()
        self.stack.addWidget(self.message)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in above:
            layout.addWidget(widget)
        self.chart_view = chart_view()
        layout.addWidget(self.chart_view, 1)
        self.legend = _legend_label()
        layout.addWidget(self.legend)
        self.stack.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.stack)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentIndex(0)

    def _show_chart(self, chart: QChart, series: Sequence[QLineSeries | QScatterSeries]) -> None:
        chart.legend().setVisible(False)  # the legend below wraps long names
        self.legend.setText(_legend_html(series))
        set_chart(self.chart_view, chart)


def _points_axis(lo: int, hi: int, title: str) -> QValueAxis:
    axis = QValueAxis()
    step = max(1, int(nice_step(hi - lo, 5)))
    lo, hi = (lo // step) * step, -(-hi // step) * step
    axis.setRange(lo, hi)
    axis.setTickCount((hi - lo) // step + 1)
    axis.setLabelFormat("%.0f")
    axis.setTitleText(title)
    return axis


def _vertical_line(name: str, x: float, lo: float, hi: float, colour: str, style: Qt.PenStyle) -> QLineSeries:
    line = QLineSeries()
    line.setName(name)
    line.append(x, lo)
    line.append(x, hi)
    pen = QPen(QColor(colour))
    pen.setWidthF(1.5)
    pen.setStyle(style)
    line.setPen(pen)
    return line


class ScoresPanel(_ChartPanel):
    """Each bid's points, and the total score of every bid against our price."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.curve: tuple[ScorePoint, ...] = ()
        self.names: list[str] = []
        self.model = DocumentTableModel(parent=self)
        # at most as tall as its rows, and shorter (it scrolls) when a 1280×720 screen is short of room
        self.table = DocumentTable(self.model, stretch_column=0, height="max", max_width=420)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.table.setMinimumHeight(scaled(66))
        self._lay_out(self.table)

    def show_result(self, r: PricingResult) -> None:
        ev = r.evaluation
        e = ev.evaluation
        if e is None:
            self.show_message(f"<b>Not scored against competitors.</b><br>{reasons_html(ev)}")
            self.model.clear()
            self.curve = ()
            return
        self.model.set_table(score_table(e))
        self.curve = r.score_curve
        self.names = [ev.our_bid.name if ev.our_bid else "Ours", *(c.name for c in ev.competitors)]
        self._draw(r)
        self.stack.setCurrentIndex(1)

    def _draw(self, r: PricingResult) -> None:
        ev = r.evaluation
        curve = self.curve
        per_point = bool(curve) and curve[0].per_point
        chart = new_chart("Price per quality point against our year-one annual price (the lowest wins)" if per_point
                          else "Total score against our year-one annual price")
        if not curve or ev.our_bid is None:
            self.chart_view.setChart(chart)
            return
        values = [v for p in curve for v in (p.ours, *p.rivals) if v is not None]
        if not values:
            self.chart_view.setChart(chart)
            return
        if per_point:
            low, high = plot(min(values)), plot(max(values))
            pad = max((high - low) * 0.05, high * 0.01)
            y_axis = money_axis(max(0.0, low - pad), high + pad, "£ per quality point", pence=True)
        else:
            y_axis = _points_axis(math.floor(plot(min(values)) - 1), math.ceil(plot(max(values)) + 1),
                                  "Total score")
        lo_y, hi_y = y_axis.min(), y_axis.max()
        ours = QLineSeries()
        ours.setName(ev.our_bid.name + " (ours)")
        for p in curve:
            if p.ours is not None:
                ours.append(plot(p.price), plot(p.ours))
        pen = QPen(QColor(OURS_COLOUR))
        pen.setWidthF(3)
        ours.setPen(pen)
        ours.hovered.connect(lambda point, state: self._on_hover(point, state))
        series: list[QLineSeries] = [ours]
        for i, c in enumerate(ev.competitors):
            line = QLineSeries()
            line.setName(c.name)
            for p in curve:
                if p.rivals[i] is not None:
                    line.append(plot(p.price), plot(p.rivals[i]))  # type: ignore[arg-type]
            pen = QPen(QColor(RIVAL_COLOURS[i % len(RIVAL_COLOURS)]))
            pen.setWidthF(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            line.hovered.connect(lambda point, state: self._on_hover(point, state))
            series.append(line)
        price = plot(ev.our_bid.price)
        series.append(_vertical_line(f"Our price {format_gbp(ev.our_bid.price)}", price, lo_y, hi_y, "#343a40",
                                     Qt.PenStyle.DotLine))
        wp = ev.winning_price
        if wp is not None and wp.price is not None:
            series.append(_vertical_line(f"Highest winning price {format_gbp(wp.price)}", plot(wp.price), lo_y,
                                         hi_y, EC_COLOUR, Qt.PenStyle.DashDotLine))
        lo_x, hi_x = plot(curve[0].price), plot(curve[-1].price)
        ceiling = r.tender.budget_ceiling if r.tender is not None else None
        if ceiling is not None and lo_x <= plot(ceiling) <= hi_x:
            series.append(_vertical_line(f"Budget ceiling {format_gbp(ceiling)}", plot(ceiling), lo_y, hi_y,
                                         RED.text, Qt.PenStyle.DashLine))
        x_axis = money_axis(lo_x, hi_x, "Our annual price, year one", pence=False)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            chart.addSeries(s)
            s.attachAxis(x_axis)
            s.attachAxis(y_axis)
        self._show_chart(chart, series)

    def _on_hover(self, point: QPointF, state: bool) -> None:
        if not state or not self.curve:
            QToolTip.hideText()
            return
        p = min(self.curve, key=lambda c: abs(plot(c.price) - point.x()))
        names = self.names or ["Ours"] + [f"Competitor {i + 1}" for i in range(len(p.rivals))]

        def figure(v: Decimal | None) -> str:
            if not p.per_point:
                return points(v)
            return "fails" if v is None else f"{format_gbp(v)} a quality point"
        text = [f"Our price {format_gbp(p.price)}", f"{names[0]}: {figure(p.ours)}"]
        text += [f"{name}: {figure(v)}" for name, v in zip(names[1:], p.rivals, strict=False)]
        QToolTip.showText(QCursor.pos(), "\n".join(text))

    def clear(self) -> None:
        self.show_message("")
        self.model.clear()
        self.curve = ()


class WinChancePanel(_ChartPanel):
    """Win probability and expected contribution against our price (``BestPrice.grid``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = ()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self._lay_out(self.note)

    def show_result(self, r: PricingResult) -> None:
        ev = r.evaluation
        b = ev.best
        if b is None or ev.our_bid is None or ev.win is None:
            self.show_message(f"<b>No win probability.</b><br>{reasons_html(ev)}")
            self.grid = ()
            return
        self.grid = b.grid
        self.note.setText(
            f"Each price scored on the same {b.draws:,} draws (seed {b.seed}) of the competitors' prices and "
            f"scores. Contribution = P(win) × (price − year-one cost {format_gbp(b.cost)}). At our price "
            f"{format_gbp(ev.our_bid.price)}: win {pct(ev.win.probability)}. Best: {format_gbp(b.price)}, win "
            f"{pct(b.probability)}, expected contribution {format_gbp(b.expected_contribution)}.")
        chart = new_chart("Win probability and expected contribution against our year-one annual price")
        prob = QLineSeries()
        prob.setName("Win probability")
        contribution = QLineSeries()
        contribution.setName("Expected contribution")
        for p in b.grid:
            prob.append(plot(p.price), plot(p.probability * 100))
            contribution.append(plot(p.price), plot(p.expected_contribution))
        pen = QPen(QColor(OURS_COLOUR))
        pen.setWidthF(2.5)
        prob.setPen(pen)
        pen = QPen(QColor(EC_COLOUR))
        pen.setWidthF(2.5)
        contribution.setPen(pen)
        for s in (prob, contribution):
            s.hovered.connect(lambda point, state: self._on_hover(point, state))
        lo_x = min(plot(b.grid[0].price), plot(ev.our_bid.price))
        hi_x = max(plot(b.grid[-1].price), plot(ev.our_bid.price))
        if r.score_curve:  # the same price range as the score chart
            lo_x = min(lo_x, plot(r.score_curve[0].price))
            hi_x = max(hi_x, plot(r.score_curve[-1].price))
        x_axis = money_axis(lo_x, hi_x, "Our annual price, year one", pence=False)
        top_p = max(plot(p.probability) for p in b.grid) * 100
        p_step = nice_step(max(top_p, 5.0), 5)
        p_axis = QValueAxis()
        p_axis.setRange(0, math.ceil(max(top_p, 5.0) / p_step) * p_step)
        p_axis.setTickCount(round(p_axis.max() / p_step) + 1)
        p_axis.setLabelFormat("%.0f%%")
        p_axis.setTitleText("Win probability")
        ec_values = [plot(p.expected_contribution) for p in b.grid]
        ec_axis = money_axis(min(0.0, min(ec_values)), max(ec_values) * 1.05 or 1.0, "Expected contribution",
                             pence=False)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(p_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(ec_axis, Qt.AlignmentFlag.AlignRight)
        p_axis.setLabelsColor(QColor(OURS_COLOUR))
        p_axis.setTitleBrush(QBrush(QColor(OURS_COLOUR)))
        ec_axis.setLabelsColor(QColor(EC_COLOUR))
        ec_axis.setTitleBrush(QBrush(QColor(EC_COLOUR)))
        ec_axis.setGridLineVisible(False)
        for s, axis in ((prob, p_axis), (contribution, ec_axis)):
            chart.addSeries(s)
            s.attachAxis(x_axis)
            s.attachAxis(axis)
        ours = _vertical_line(f"Our price {format_gbp(ev.our_bid.price)}", plot(ev.our_bid.price), 0,
                              p_axis.max(), "#343a40", Qt.PenStyle.DotLine)
        chart.addSeries(ours)
        ours.attachAxis(x_axis)
        ours.attachAxis(p_axis)
        shown: list[QLineSeries | QScatterSeries] = [prob, contribution, ours]
        ceiling = r.tender.budget_ceiling if r.tender is not None else None
        if ceiling is not None and lo_x <= plot(ceiling) <= hi_x:
            line = _vertical_line(f"Budget ceiling {format_gbp(ceiling)}", plot(ceiling), 0, p_axis.max(),
                                  RED.text, Qt.PenStyle.DashLine)
            chart.addSeries(line)
            line.attachAxis(x_axis)
            line.attachAxis(p_axis)
            shown.append(line)
        best = QScatterSeries()
        best.setName(f"Best price {format_gbp(b.price)}")
        best.setMarkerSize(11)
        best.setColor(QColor(EC_COLOUR))
        best.setBorderColor(QColor("#1b4d1e"))
        best.append(plot(b.price), plot(b.expected_contribution))
        chart.addSeries(best)
        best.attachAxis(x_axis)
        best.attachAxis(ec_axis)
        shown.append(best)
        self._show_chart(chart, shown)
        self.stack.setCurrentIndex(1)

    def _on_hover(self, point: QPointF, state: bool) -> None:
        if not state or not self.grid:
            QToolTip.hideText()
            return
        p = min(self.grid, key=lambda g: abs(plot(g.price) - point.x()))
        QToolTip.showText(QCursor.pos(), f"At {format_gbp(p.price)}: win {pct(p.probability)}, expected "
                                         f"contribution {format_gbp(p.expected_contribution)}")

    def clear(self) -> None:
        self.show_message("")
        self.grid = ()


__all__ = ["ScoresPanel", "WinChancePanel", "chart_view", "money_axis", "new_chart"]
