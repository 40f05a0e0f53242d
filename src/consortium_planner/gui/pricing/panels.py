"""The Pricing tab's panels: the cost build-up (a waterfall and its table), the prices by contract year
with each service line's break-even, and the assumptions (editable, undoable) with the reference rates."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QCategoryAxis, QHorizontalStackedBarSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QCursor, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...domain.costing import LineKind, ServiceLineCost
from ...domain.model import ConsortiumOption, Tender
from ...domain.money import format_decimal, format_gbp
from ...domain.pricing import PriceSchedule
from ...domain.rates import RateTable
from ..charts import plot
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..record_form import RecordForm
from ..style import esc as _e
from ..style import move_axis, set_bar_values, set_chart, two_pane
from .charts import chart_view, money_axis, new_chart
from .rows import (
    WaterfallStep,
    buildup_steps,
    line_table,
    rates_table,
    service_line_table,
    totals_steps,
    totals_table,
    year_table,
)

# bar colours by kind of cost line (colour-blind-safe Tableau 10 hues)
KIND_COLOUR = {
    LineKind.STAFF: "#4e79a7",
    LineKind.VARIABLE: "#76b7b2",
    LineKind.FIXED: "#b07aa1",
    LineKind.CONTINGENCY: "#9d9d9d",
    LineKind.FEE: "#f28e2b",
    LineKind.MARGIN: "#59a14f",
}
KIND_LABEL = {
    LineKind.STAFF: "Staff",
    LineKind.VARIABLE: "Mileage and non-pay",
    LineKind.FIXED: "Fixed and shared",
    LineKind.CONTINGENCY: "Contingency",
    LineKind.FEE: "Management fee",
    LineKind.MARGIN: "Margin",
}
LOSS_COLOUR = "#e15759"
PRICE_COLOUR = "#1f3b57"

ALL_LINES = "__all__"  # the combo's data for the option's annual totals

# The option's and the tender's fields the assumptions form edits.
OPTION_FIELDS = ["margin_pct", "management_fee_pct", "contingency_pct", "shared_costs_per_year", "quality_score",
                 "social_value_score"]
TENDER_FIELDS = ["pay_indexation_pct", "cpi_indexation_pct", "abnormal_threshold_pct", "price_evaluated",
                 "ceiling_indexation"]


# below this width the chart elides names with amounts to "…": names alone, the amounts are in the table
WIDE_CHART_PX = 560


class CostBuildupPanel(QWidget):
    """A service line's cost per unit as a waterfall to the price, and its lines as a table."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.schedule: PriceSchedule | None = None
        self.steps: list[WaterfallStep] = []
        self.total: Decimal | None = None  # the displayed price the steps add up to
        self.sets: dict[str, QBarSet] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(QLabel("Service line:"))
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.currentIndexChanged.connect(self._on_line)
        top.addWidget(self.combo)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.chart_view = chart_view()
        # a short pane would elide the bars' names to "…": the chart keeps the height its names need
        # and scrolls inside its pane instead (the table beside it lists every line as well)
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.chart_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chart_scroll.setWidget(self.chart_view)
        self.chart_scroll.setMinimumHeight(self.chart_view.minimumHeight())
        self.model = DocumentTableModel(parent=self)
        self.table = DocumentTable(self.model, stretch_column=0, max_width=420)
        self.table.setMinimumWidth(260)
        self.splitter = two_pane(Qt.Orientation.Horizontal, self.chart_scroll, self.table, (3, 2))
        layout.addWidget(self.splitter, 1)
        self._sized = False
        self._wide_labels = False
        self._shape: tuple | None = None  # what the chart on show was drawn for, but its figures
        self._axes: tuple[QBarCategoryAxis, QCategoryAxis, QBarSet] | None = None  # its axes and the bars' bases

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized and self.splitter.width() > 100:
            self._sized = True
            w = self.splitter.width()
            self.splitter.setSizes([int(w * 0.53), w - int(w * 0.53)])

    def _wide(self) -> bool:
        return self.chart_view.width() >= WIDE_CHART_PX

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.steps and self._wide() != self._wide_labels:  # names with amounts only where they fit
            self._on_line()

    def show_schedule(self, schedule: PriceSchedule) -> None:
        self.schedule = schedule
        items = [(f"{s.service_line} (per {s.unit})", s.key) for s in schedule.buildup.service_lines]
        if items:
            items.append(("All service lines (a year)", ALL_LINES))
        shown = [(self.combo.itemText(i), self.combo.itemData(i)) for i in range(self.combo.count())]
        if items != shown:
            # filled again only when its lines change: filled again on every edit, the list laid itself out
            # on a timer after the result and asked the tab for a second layout and paint (4–5 ms on the demo)
            current = self.combo.currentData()
            self.combo.blockSignals(True)
            self.combo.clear()
            for text, key in items:
                self.combo.addItem(text, key)
            index = self.combo.findData(current)
            self.combo.setCurrentIndex(index if index >= 0 else 0)
            self.combo.blockSignals(False)
        self._on_line()

    def select(self, key: str) -> None:
        index = self.combo.findData(key)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _on_line(self, *_args) -> None:
        b = self.schedule.buildup if self.schedule else None
        key = self.combo.currentData()
        if b is None or key is None:
            self._clear()
            return
        if key == ALL_LINES:
            self._show_all()
            return
        s = b.service_lines[[x.key for x in b.service_lines].index(key)]
        self._show_line(s)

    def _show_line(self, s: ServiceLineCost) -> None:
        self.steps = buildup_steps(s)
        self.total = s.price_per_unit
        fixed = " (fixed by the user)" if s.price_fixed_by_user else ""
        margin = s.margin_pct
        self.summary.setText(
            f"{format_decimal(s.volume, 0)} {s.unit}s a year · price <b>{format_gbp(s.price_per_unit)}</b> per "
            f"{_e(s.unit)}{fixed} · {format_gbp(s.annual_price)} a year"
            + (f" · margin earned {format_decimal(margin, 2)}%" if margin is not None else ""))
        self.model.set_table(service_line_table(s))
        self._draw(f"£ per {s.unit}", pence=True)

    def _show_all(self) -> None:
        b = self.schedule.buildup  # type: ignore[union-attr]
        self.steps = totals_steps(b)
        self.total = b.annual_price
        self.summary.setText(f"{len(b.service_lines)} service lines · year-one price <b>"
                             f"{format_gbp(b.annual_price)}</b> a year · cost {format_gbp(b.annual_cost)}")
        self.model.set_table(totals_table(b))
        self._draw("£ a year, all service lines", pence=False)

    def _draw(self, axis_title: str, *, pence: bool) -> None:
        """The waterfall of ``self.steps``. With the same bars under the same axis title as the chart on show
        (an edit to a figure), its bars, names and scale are moved; else a new chart is made (its build and
        Qt's layout and first paint of the new scene cost several times as much)."""
        # the first category is drawn at the bottom: add them bottom-up so the chart reads top-down
        # per unit the exact amounts fit beside the names; a year's are in the table and the tooltips
        labels = [st.label for st in self.steps] + ["Price"]
        self._wide_labels = self._wide()
        if pence and self._wide_labels:
            labels = [f"{st.label}  {format_gbp(st.value)}" for st in self.steps]
            labels.append(f"Price  {format_gbp(self.total)}")
        n = len(labels)
        base = [0.0] * n
        bars: dict[str, list[float]] = {}
        running = Decimal(0)
        for i, st in enumerate(self.steps):
            name = KIND_LABEL[st.kind] if st.kind in KIND_LABEL else "Other"
            if st.kind is LineKind.MARGIN and st.value < 0:
                name = "Loss"
            start, end = running, running + st.value
            base[i] = plot(min(start, end))
            bars.setdefault(name, [0.0] * n)[i] = plot(abs(st.value))
            running = end
        bars.setdefault("Price", [0.0] * n)[n - 1] = plot(self.total or 0)
        top = max([plot(self.total or 0)] + [b + v for b, v in zip(base, (sum(x) for x in zip(*bars.values(),
                                                                                                strict=True)),
                                                                     strict=True)])
        low = min([0.0] + base)
        axis = money_axis(low, top * 1.02 or 1.0, axis_title, pence=pence, compact=not pence)
        shape = (tuple(bars), n, axis_title, pence)
        if shape == self._shape and self.chart_view.chart() is not None and self._axes is not None:
            categories, value_axis, base_set = self._axes
            set_bar_values(base_set, list(reversed(base)))
            for name, values in bars.items():
                set_bar_values(self.sets[name], list(reversed(values)))
            labels.reverse()
            if categories.categories() != labels:
                categories.clear()
                categories.append(labels)
            move_axis(value_axis, axis)
            return
        chart = new_chart()
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        self.sets = {}
        base_set = QBarSet("")
        base_set.append(list(reversed(base)))
        base_set.setColor(QColor(0, 0, 0, 0))
        base_set.setBorderColor(QColor(0, 0, 0, 0))
        series.append(base_set)
        colours = {KIND_LABEL[k]: c for k, c in KIND_COLOUR.items()} | {"Loss": LOSS_COLOUR,
                                                                           "Price": PRICE_COLOUR}
        for name, values in bars.items():
            bar = QBarSet(name)
            bar.append(list(reversed(values)))
            colour = QColor(colours.get(name, "#999999"))
            bar.setColor(colour)
            bar.setBorderColor(colour.darker(115))
            series.append(bar)
            self.sets[name] = bar
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(list(reversed(labels)))
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        chart.legend().setVisible(False)  # the categories name every bar
        line = QFontMetrics(categories.labelsFont()).height()
        self.chart_view.setMinimumHeight(max(self.chart_scroll.minimumHeight(), int(n * line * 1.6) + 90))
        series.hovered.connect(self._on_hover)
        self.series = series
        self._shape, self._axes = shape, (categories, axis, base_set)
        set_chart(self.chart_view, chart)

    def _on_hover(self, status: bool, index: int, barset: QBarSet) -> None:
        if not status or not barset.label():
            QToolTip.hideText()
            return
        i = len(self.steps) - index  # categories are reversed; the price bar is last
        if 0 <= i < len(self.steps):
            st = self.steps[i]
            QToolTip.showText(QCursor.pos(), f"{st.label}: {format_gbp(st.value)}")
        elif i == len(self.steps) and self.total is not None:
            QToolTip.showText(QCursor.pos(), f"Price: {format_gbp(self.total)}")

    def _clear(self) -> None:
        self.steps, self.total, self.sets = [], None, {}
        self._shape, self._axes = None, None
        self.summary.clear()
        self.model.clear()
        set_chart(self.chart_view, new_chart())

    def clear(self) -> None:
        self.schedule = None
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.blockSignals(False)
        self._clear()

    # for tests and the accessible description: the steps' values and the bar values
    def bar_values(self) -> dict[str, list[float]]:
        return {name: [bar.at(i) for i in range(bar.count())] for name, bar in self.sets.items()}




class YearsPanel(QWidget):
    """Prices by contract year (term, then extensions) and each service line's break-even."""

    def __init__(self, parent=None):
        super().__init__(parent)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 4, 4, 4)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.years_model = DocumentTableModel(parent=self)
        self.years_table = DocumentTable(self.years_model, height="fixed", max_width=420)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.lines_caption = QLabel()
        self.lines_caption.setWordWrap(True)
        self.lines_model = DocumentTableModel(parent=self)
        self.lines_table = DocumentTable(self.lines_model, stretch_column=0, height="fixed", max_width=420)
        for table in (self.years_table, self.lines_table):
            table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.years_table)
        layout.addWidget(self.totals)
        layout.addSpacing(6)
        layout.addWidget(self.lines_caption)
        layout.addWidget(self.lines_table)
        layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(inner)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def show_schedule(self, s: PriceSchedule) -> None:
        term = sum(1 for y in s.years if not y.is_extension)
        ext = len(s.years) - term
        self.caption.setText(
            f"<b>{term} years of term" + (f" and {ext} of extension (shaded)" if ext else "") + ".</b> Year one "
            "is the cost build-up; later years are indexed by each service line's cost index.")
        self.years_model.set_table(year_table(s))
        self.totals.setText(
            f"<b>Term ({term} years):</b> {format_gbp(s.term_price)}"
            + (f" &nbsp;·&nbsp; <b>All {len(s.years)} years:</b> price {format_gbp(s.total_price)}, cost "
               f"{format_gbp(s.total_cost)}, fee {format_gbp(s.total_fee)}, margin {format_gbp(s.total_margin)}"
               if s.years else ""))
        be = (f"At year one's prices the fixed costs are covered at {format_decimal(s.break_even_pct, 1)}% of the "
              "planned volume (same mix)." if s.break_even_pct is not None
              else "Prices do not cover variable costs: no break-even volume.")
        self.lines_caption.setText(f"<b>Break-even and the abnormally-low test, year one.</b> {be} A price more "
                                   f"than {format_decimal(s.abnormal_threshold_pct, 0)}% below should-cost risks "
                                   "rejection as abnormally low.")
        self.lines_model.set_table(line_table(s))

    def clear(self) -> None:
        self.caption.clear()
        self.totals.clear()
        self.lines_caption.clear()
        self.years_model.clear()
        self.lines_model.clear()




class AssumptionsPanel(QWidget):
    """The option's and the tender's pricing assumptions (edited in place, undoable), and the rates."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.option_form = RecordForm(controller, ConsortiumOption, OPTION_FIELDS)
        self.tender_form = RecordForm(controller, Tender, TENDER_FIELDS)
        boxes = []
        for title, form in (("This option", self.option_form), ("The tender (every option of it)", self.tender_form)):
            box = QGroupBox(title)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(6, 2, 6, 4)
            box_layout.addWidget(form)
            form.widget().layout().setContentsMargins(0, 0, 0, 0)
            form.layout_.setVerticalSpacing(4)
            boxes.append(box)
        option_box, tender_box = boxes
        forms = QWidget()
        forms_layout = QHBoxLayout(forms)
        forms_layout.setContentsMargins(0, 0, 0, 0)
        forms_layout.addWidget(option_box, 1)
        forms_layout.addWidget(tender_box, 1)
        for form in (self.option_form, self.tender_form):
            form.setMinimumHeight(60)
            for editor in form.editors.values():
                editor.setMaximumWidth(130)
        self.hint = QLabel("Changes apply at once and recalculate every figure on this screen; Edit ▸ Undo "
                           "reverses them.")
        self.hint.setWordWrap(True)
        self.rates_caption = QLabel()
        self.rates_caption.setWordWrap(True)
        self.rates_model = DocumentTableModel(parent=self)
        self.rates_table = DocumentTable(self.rates_model, stretch_column=3, max_width=420, max_widths={1: 230, 2: 120})
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(forms, 1)
        top_layout.addWidget(self.hint)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.rates_caption)
        bottom_layout.addWidget(self.rates_table, 1)
        self.splitter = two_pane(Qt.Orientation.Vertical, top, bottom, (0, 1))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.forms_widget = top
        self._sized = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized and self.splitter.height() > 100:
            self._sized = True
            form = max(f.widget().sizeHint().height() for f in (self.option_form, self.tender_form))
            title = self.fontMetrics().height()
            top = form + title + 16 + self.hint.heightForWidth(max(self.width(), 200)) + 10
            total = self.splitter.height()
            top = min(top, int(total * 0.6))
            self.splitter.setSizes([top, total - top])

    def bind(self, option_id: int | None) -> None:
        option = self.controller.ws.get(ConsortiumOption, option_id) if option_id is not None else None
        if self.option_form.record_id != option_id:
            self.option_form.set_record(option_id)
        tender_id = option.tender_id if option is not None else None
        if self.tender_form.record_id != tender_id:
            self.tender_form.set_record(tender_id)

    def show_rates(self, rates: RateTable, in_force: str | None) -> None:
        self.rates_caption.setText(
            "<b>Reference rates</b> (with this workspace's overrides)"
            + (f"; year one is priced at <b>{_e(in_force)}</b> rates (shaded)." if in_force else "."))
        self.rates_model.set_table(rates_table(rates, in_force))


__all__ = ["ALL_LINES", "AssumptionsPanel", "CostBuildupPanel", "YearsPanel"]
