"""The Members tab's chart: each member's allocated volume against its capacity now and with growth."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter

from ...domain.capacity import MemberCoverage
from ..charts import plot
from ..style import set_chart

# one blue family, darkest for what is allocated
_CHART_ALLOCATED = "#1f3b57"
_CHART_CAPACITY = "#7fb2e5"
_CHART_GROWTH = "#d6e8f7"


def _short_name(name: str, width: int = 32) -> str:
    """One line for a chart label (a label that does not fit its category is drawn as "...")."""
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


class UtilisationChart(QChartView):
    """Per member, two bars (units a year): a dark one for the volume allocated, and below it capacity
    now with the growth the member allows stacked on it. Dark past the medium part: the member must
    grow; past the light part: beyond even its maximum growth."""

    def __init__(self, parent=None):
        super().__init__(self._new_chart(), parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.series: QHorizontalBarSeries | None = None  # allocated: one value per member
        self.capacity_series: QHorizontalStackedBarSeries | None = None
        self.value_axis: QValueAxis | None = None
        self.category_axis: QBarCategoryAxis | None = None

    @staticmethod
    def _new_chart() -> QChart:
        """A chart of its own for each option: axes removed from a chart in use can leave their labels
        drawn behind the new ones."""
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 8, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        title_font = QFont()
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setTitle("Allocated volume against each member's capacity")
        chart.setLocalizeNumbers(True)  # 10,000 rather than 10000
        chart.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        return chart

    @staticmethod
    def _bar_set(label: str, colour: str, values: Sequence[Decimal], border: str | None = None) -> QBarSet:
        bar_set = QBarSet(label)
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(border or colour))
        for v in values:
            bar_set.append(plot(v))
        return bar_set

    def set_members(self, members: Sequence[MemberCoverage]) -> None:
        chart = self._new_chart()
        # a horizontal bar chart draws its first category at the bottom: reverse, so the chart reads
        # top to bottom in the same order as the table
        ordered = list(reversed(members))
        capacity = QHorizontalStackedBarSeries()
        capacity.setBarWidth(0.72)
        capacity.append(self._bar_set("Capacity now", _CHART_CAPACITY, [m.capacity for m in ordered]))
        capacity.append(self._bar_set("Growth allowed", _CHART_GROWTH,
                                      [max(m.capacity_with_growth - m.capacity, Decimal(0)) for m in ordered],
                                      border=_CHART_CAPACITY))
        allocated = QHorizontalBarSeries()
        allocated.setBarWidth(0.34)
        allocated.append(self._bar_set("Allocated", _CHART_ALLOCATED, [m.allocated for m in ordered]))
        chart.addSeries(capacity)
        chart.addSeries(allocated)  # added last, so drawn over the capacity bars
        categories = QBarCategoryAxis()
        categories.append([_short_name(m.name) for m in ordered])
        label_font = QFont(self.font())
        label_font.setPointSizeF(max(7.5, label_font.pointSizeF() - 1))
        categories.setLabelsFont(label_font)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        axis = QValueAxis()
        top = max((plot(max(m.allocated, m.capacity_with_growth)) for m in members), default=0.0)
        axis.setRange(0, top * 1.04 if top > 0 else 1)
        axis.applyNiceNumbers()
        axis.setLabelFormat("%.0f")
        axis.setTitleText("Units a year on the tender's service lines (units differ by service)")
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        for series in (capacity, allocated):
            series.attachAxis(categories)
            series.attachAxis(axis)
        set_chart(self, chart)
        self.series, self.capacity_series = allocated, capacity
        self.value_axis, self.category_axis = axis, categories
        height = 130 + 30 * len(members)  # room for each member's bars and its name, and no more
        self.setMinimumHeight(min(max(200, height), 300))
        self.setMaximumHeight(max(220, height))

    def clear(self) -> None:
        set_chart(self, self._new_chart())
        self.series = self.capacity_series = None
        self.value_axis = self.category_axis = None


__all__ = ["UtilisationChart"]
