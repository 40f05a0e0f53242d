"""Pricing of the selected consortium option (DOMAIN §3 and §5): presentation only.

Every figure comes from ``services.analyses.prices`` (the price schedule and its cost build-up)
and ``services.analyses.evaluation`` (our bid against the competitors the bid team assumes), the
same functions ``consortium-planner summary --json`` runs, formatted with ``money.format_gbp``.
The screen has:

* a headline, always visible: year one's annual price against the budget and the ceiling, our
  score and rank, win probability, the highest price that still wins, the price that maximises
  expected contribution, the quality score needed, and the guards' warnings;
* inner tabs: the cost build-up per unit of one service line (a waterfall chart and the table of
  its lines, which add up to the price), the scores (each bid, and the total score against our
  price), the win probability and expected contribution against our price, the prices by
  contract year with break-even volumes, and the assumptions (editable, undoable) with the
  reference rates behind them.

The one loop here, ``score_curve``, calls ``pricing.evaluate`` at a range of our prices to draw a
chart; it decides nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QMargins,
    QPointF,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..domain.bid import BidEvaluation, ScorePoint
from ..domain.costing import CATEGORIES, Flag, LineKind, ServiceLineCost
from ..domain.model import ConsortiumOption, Tender
from ..domain.money import format_decimal, format_gbp
from ..domain.pricing import ContractYear, PriceSchedule
from ..domain.rates import RateItem, RateTable
from ..services import analyses
from .analysis_view import OptionAnalysisView
from .charts import plot
from .record_form import RecordForm
from .style import (
    AMBER,
    GREEN,
    GREY,
    RED,
    Card,
    Index,
    ReadOnlyTableModel,
    alignment,
    banner_style,
    cell_font,
    fit_headline,
    headline_scroll,
    italic_label,
    nice_step,
    notice_table_html,
    read_only_table,
    rich_label,
    round_axis,
    set_chart,
    two_pane,
)
from .style import esc as _e

# --------------------------------------------------------------------------- colours (the tones: see .style)

# bar colours by kind of cost line (colour-blind-safe Tableau 10 hues)
_KIND_COLOUR = {
    LineKind.STAFF: "#4e79a7",
    LineKind.VARIABLE: "#76b7b2",
    LineKind.FIXED: "#b07aa1",
    LineKind.CONTINGENCY: "#9d9d9d",
    LineKind.FEE: "#f28e2b",
    LineKind.MARGIN: "#59a14f",
}
_KIND_LABEL = {
    LineKind.STAFF: "Staff",
    LineKind.VARIABLE: "Mileage and non-pay",
    LineKind.FIXED: "Fixed and shared",
    LineKind.CONTINGENCY: "Contingency",
    LineKind.FEE: "Management fee",
    LineKind.MARGIN: "Margin",
}
_LOSS_COLOUR = "#e15759"
_PRICE_COLOUR = "#1f3b57"
_OURS_COLOUR = "#1f77b4"
_RIVAL_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")
_EC_COLOUR = "#2e7d32"

# short names for the chart's categories (the table shows the domain's full labels)
_SHORT = {
    "wage": "Wages",
    "employer_ni": "Employer NI",
    "pension": "Pension",
    "mileage": "Mileage",
    "non_pay": "Non-pay",
    "member_fixed": "Fixed costs",
    "shared": "Back office",
    "contingency": "Contingency",
    "management_fee": "Fee",
    "margin": "Margin",
}

# guards that make a bid fail or be rejected: shown in red; other warnings amber; info grey
_SERIOUS = frozenset({"over_ceiling", "wage_floor", "abnormally_low", "price_below_cost"})

# flags repeated year by year: the first is shown, then how many more (all in the tooltip)
_GROUPED = {
    "over_ceiling": "and {n} more contract years over the ceiling: see Contract years",
    "over_budget": "and {n} more contract years over the budget: see Contract years",
}

ALL_LINES = "__all__"  # the combo's data for the option's annual totals

# The option's and the tender's fields the assumptions form edits.
OPTION_FIELDS = ["margin_pct", "management_fee_pct", "contingency_pct", "shared_costs_per_year", "quality_score",
                 "social_value_score"]
TENDER_FIELDS = ["pay_indexation_pct", "cpi_indexation_pct", "abnormal_threshold_pct"]

SCORE_STEPS = 121  # prices at which the score chart is drawn


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _reasons(ev: BidEvaluation) -> str:
    """Why the bid is not evaluated, a sentence a line."""
    return "<br>".join(_e(_sentence(m)) for m in ev.messages) or "No evaluation."


def _pct(fraction: Decimal | None, places: int = 2) -> str:
    """A probability (0..1) as a percentage."""
    return "not known" if fraction is None else f"{format_decimal(fraction * 100, places)}%"


def _points(value: Decimal | None) -> str:
    return "fails" if value is None else format_decimal(value, 2)


def _volume(value: Decimal | None) -> str:
    return "—" if value is None else format_decimal(value, 0)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True)
class PricingResult:
    option_id: int
    option: ConsortiumOption | None
    tender: Tender | None
    schedule: PriceSchedule
    evaluation: BidEvaluation
    rates: RateTable
    score_curve: tuple[ScorePoint, ...]


# --------------------------------------------------------------------------- a read-only table model


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    numeric: bool = False  # right-aligned
    tooltip: str = ""
    bold: bool = False
    italic: bool = False
    background: str | None = None
    foreground: str | None = None
    flag: Any = None  # FLAG_ROLE: e.g. True for an extension year


FLAG_ROLE = Qt.ItemDataRole.UserRole + 20


class TextTableModel(ReadOnlyTableModel):
    """Rows of ready-made cells: presentation of figures the domain computed."""

    def __init__(self, headers: Sequence[str] = (), parent=None):
        super().__init__(parent)
        self.headers: list[str] = list(headers)
        self.header_tips: list[str] = []
        self.rows: list[tuple[Cell, ...]] = []

    def set_rows(self, rows: Sequence[Sequence[Cell]], headers: Sequence[str] | None = None,
                 header_tips: Sequence[str] = ()) -> None:
        self.beginResetModel()
        if headers is not None:
            self.headers = list(headers)
        self.header_tips = list(header_tips)
        width = len(self.headers)
        self.rows = [tuple(r)[:width] + (Cell(""),) * (width - len(r)) for r in rows]
        self.endResetModel()

    def column_total(self) -> int:
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.ToolTipRole and section < len(self.header_tips):
                return self.header_tips[section] or None
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return alignment(bool(self.rows) and all(r[section].numeric for r in self.rows if r[section].text))
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def cell(self, row: int, column: int) -> Cell:
        return self.rows[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.headers):
            return None
        c = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return c.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(c.numeric)
        if role == Qt.ItemDataRole.FontRole and (c.bold or c.italic):
            return cell_font(c.bold, c.italic)
        if role == Qt.ItemDataRole.BackgroundRole and c.background:
            return QBrush(QColor(c.background))
        if role == Qt.ItemDataRole.ForegroundRole and (c.foreground or c.background):
            return QBrush(QColor(c.foreground or "#212529"))
        if role == FLAG_ROLE:
            return c.flag
        return None


class DataTable(QTableView):
    """A compact read-only table that sizes its columns to their contents."""

    def __init__(self, model: TextTableModel, stretch_column: int | None = None,
                 max_widths: dict[int, int] | None = None, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.stretch_column = stretch_column
        self.max_widths = max_widths or {}
        self._auto_height = False
        read_only_table(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        model.modelReset.connect(self.fit_columns)

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for c in range(self.model().columnCount()):
            self.setColumnWidth(c, min(self.columnWidth(c) + 2, self.max_widths.get(c, 420)))
        if self.stretch_column is not None and self.stretch_column < self.model().columnCount():
            header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._auto_height:
            self.fit_height()

    def fit_height(self) -> None:
        """Tall enough for every row (the page around it scrolls instead)."""
        self._auto_height = True
        rows = self.model().rowCount()
        height = (self.horizontalHeader().sizeHint().height() + self.verticalHeader().defaultSectionSize() * rows
                  + 2 * self.frameWidth())
        if self.horizontalHeader().length() > self.width() - 2 * self.frameWidth():
            height += self.horizontalScrollBar().sizeHint().height()
        if self.height() != height + 1:
            self.setFixedHeight(height + 1)


# --------------------------------------------------------------------------- charts


def _chart(title: str = "") -> QChart:
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


def _chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(200)
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


# --------------------------------------------------------------------------- headline


class PricingHeadline(QWidget):
    """Year one's price against budget and ceiling, the bid's standing, and the guards' warnings."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.context = italic_label()
        layout.addWidget(self.context)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.cards: dict[str, Card] = {}
        specs = [
            ("price", "Year-one annual price", "The bid price for contract year one (Σ unit price × volume), against "
                                               "the tender's estimated annual value and its annual budget ceiling"),
            ("score", "Our score and rank", "Quality + social value + price points (DOMAIN §3)"),
            ("win", "Win probability", "Monte Carlo over the competitors' prices and scores (±10% triangular)"),
            ("winning", "Highest price that still wins", "Quality and social value as expected, competitors as "
                                                         "assumed"),
            ("best", "Best price for expected contribution", "The price that maximises P(win) × (price − cost)"),
            ("quality", "Quality needed to win", "The lowest quality score that wins or ties at our price"),
        ]
        for i, (key, caption, tip) in enumerate(specs):
            card = Card(caption, tip, muted_caption=True)
            self.cards[key] = card
            grid.addWidget(card, i // 3, i % 3)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        # in place of the score cards when the bid is not scored
        self.not_scored = QLabel()
        self.not_scored.setWordWrap(True)
        self.not_scored.setTextFormat(Qt.TextFormat.RichText)
        self.not_scored.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.not_scored.setStyleSheet(banner_style(GREY, "4px 8px"))
        grid.addWidget(self.not_scored, 0, 1, 1, 2)
        layout.addLayout(grid)
        self.warnings = rich_label()
        layout.addWidget(self.warnings)

    # ------------------------------------------------------------------ showing
    def show_result(self, r: PricingResult) -> None:
        s, ev = r.schedule, r.evaluation
        tender = r.tender
        y1 = s.years[0] if s.years else None
        term = f"term {tender.term_years} + {tender.extension_years} years" if tender else ""
        rates = s.buildup.rates.year.label
        self.context.setText(
            " · ".join(x for x in (
                "No tender" if tender is None else "",
                f"Price scored {tender.price_method.label.lower()}" if tender else "",
                f"weights: quality {format_decimal(tender.quality_weight, 0)}, price "
                f"{format_decimal(tender.price_weight, 0)}, social value {format_decimal(tender.social_value_weight, 0)}"
                if tender else "",
                term,
                f"{rates} rates",
            ) if x))

        # price against budget and ceiling
        if y1 is None:
            self.cards["price"].set("—", "No contract years to price.")
        else:
            self._show_price(y1, partial=any(f.code == "under_allocated" for f in s.flags))

        # the bid against the competitors
        scored = ev.evaluation is not None
        for key in ("score", "win", "winning", "best", "quality"):
            self.cards[key].setVisible(scored)
        if scored:
            self._show_scores(ev)
            self.not_scored.setVisible(False)
        else:
            self.not_scored.setText(f"<b>Not scored against competitors.</b> {_reasons(ev)}")
            self.not_scored.setVisible(True)
        self._show_flags(s)

    def _show_price(self, y1: ContractYear, partial: bool) -> None:
        lines, tone = [], "good"
        if y1.budget is None or y1.headroom is None:
            lines.append("No budget (estimated annual value) given")
            tone = None
        elif y1.headroom < 0:
            lines.append(f"⚠ {format_gbp(-y1.headroom)} over the budget of {format_gbp(y1.budget)}")
            tone = "caution"
        else:
            lines.append(f"✓ {format_gbp(y1.headroom)} under the budget of {format_gbp(y1.budget)}")
        if y1.ceiling is None:
            lines.append("No budget ceiling set")
        elif y1.over_ceiling:
            lines.append(f"✗ {format_gbp(y1.annual_price - y1.ceiling)} over the ceiling of "
                         f"{format_gbp(y1.ceiling)}: the bid would fail")
            tone = "bad"
        else:
            lines.append(f"✓ {format_gbp(y1.ceiling - y1.annual_price)} under the ceiling of "
                         f"{format_gbp(y1.ceiling)}")
        if partial:
            lines.append("⚠ Prices the allocated volume only: some required volume is not allocated")
            tone = "bad" if tone == "bad" else "caution"
        self.cards["price"].set(format_gbp(y1.annual_price), "\n".join(lines), tone)

    def _show_scores(self, ev: BidEvaluation) -> None:
        cards = self.cards
        e = ev.evaluation
        assert e is not None
        ours = e.ours
        n = len(e.bids)
        leader = e.bid(e.leader) if e.leader else None
        if ours.total is None:
            cards["score"].set("Fails", "Our price is above the ceiling: the bid is not scored.", "bad")
        else:
            detail = ""
            if leader is not None and e.gap is not None:
                who = "Best competitor" if e.wins else "Leader"
                detail = (f"{who}: {leader.name}, {_points(leader.total)} "
                          f"(gap {'+' if e.gap >= 0 else ''}{format_decimal(e.gap, 2)})")
            cards["score"].set(f"{_points(ours.total)} · rank {ours.rank} of {n}", detail,
                               "good" if e.wins else None)
        w = ev.win
        if w is not None:
            cards["win"].set(_pct(w.probability), f"± {_pct(w.standard_error)} (standard error) · "
                                                  f"{w.draws:,} draws, seed {w.seed}",
                             "bad" if w.probability == 0 else None)
        wp = ev.winning_price
        if wp is not None:
            if wp.any_price:
                cards["winning"].set("Any price", "We win whatever we charge, on quality and social value.", "good")
            elif wp.cannot_win or wp.price is None:
                cards["winning"].set("None", "We cannot win even at a penny with these scores.", "bad")
            else:
                tone = "good" if ev.our_bid is not None and ev.our_bid.price <= wp.price else "caution"
                detail = f"A penny more and {wp.binding} overtakes us" if wp.binding else ""
                cards["winning"].set(format_gbp(wp.price), detail, tone)
        b = ev.best
        if b is not None:
            cards["best"].set(format_gbp(b.price), f"Win {_pct(b.probability)}; expected contribution "
                                                   f"{format_gbp(b.expected_contribution)}")
        q = ev.quality_needed
        if q is not None:
            expected = ev.our_bid.quality_score if ev.our_bid is not None else None
            we = f"We expect {format_decimal(expected, 1)}" if expected is not None else ""
            if q.quality_score is None:
                cards["quality"].set("Not reachable", f"No quality score wins at our price. {we}".strip(), "bad")
            else:
                tone = ("good" if expected is not None and expected >= q.quality_score
                        else "caution" if q.attainable else "bad")
                note = "" if q.attainable else "; more than the maximum"
                cards["quality"].set(f"{format_decimal(q.quality_score, 2)} of {format_decimal(q.quality_max, 0)}",
                                     f"{we}{note}", tone)

    def _show_flags(self, s: PriceSchedule) -> None:
        flags = sorted(s.flags, key=lambda f: (0 if f.code in _SERIOUS else 1 if f.severity == "warning" else 2))
        if not flags:
            self.warnings.setVisible(False)
            self.warnings.clear()
            return
        groups: dict[str, list[Flag]] = {}
        for f in flags:
            groups.setdefault(f.code if f.code in _GROUPED else f"{f.code}:{f.message}", []).append(f)
        rows = []
        for same in groups.values():
            f = same[0]
            tone, glyph = ((RED, "✗") if f.code in _SERIOUS else (AMBER, "⚠") if f.severity == "warning"
                           else (GREY, "ℹ"))
            more = ""
            if len(same) > 1:
                more = f" <i>({_e(_GROUPED[f.code].format(n=len(same) - 1))})</i>"
            rows.append((tone, glyph, f"{_e(f.message)}{more}"))
        self.warnings.setToolTip("\n".join(f.message for f in flags))
        self.warnings.setText(notice_table_html(rows))
        self.warnings.setVisible(True)

    def clear(self) -> None:
        for card in self.cards.values():
            card.set("—")
        self.context.clear()
        self.not_scored.setVisible(False)
        self.warnings.setVisible(False)


# --------------------------------------------------------------------------- cost build-up


@dataclass(frozen=True, slots=True)
class WaterfallStep:
    key: str
    label: str
    kind: LineKind | None  # None: the price bar
    value: Decimal  # the amount shown (per unit, or a year for the option's totals)


class CostBuildupPanel(QWidget):
    """A service line's cost per unit as a waterfall to the price, and its lines as a table."""

    COLUMNS = ("Line", "Per unit", "A year")

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
        self.chart_view = _chart_view()
        self.model = TextTableModel(self.COLUMNS, self)
        self.table = DataTable(self.model, stretch_column=0)
        self.table.setMinimumWidth(260)
        self.splitter = two_pane(Qt.Orientation.Horizontal, self.chart_view, self.table, (3, 2))
        layout.addWidget(self.splitter, 1)
        self._sized = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized and self.splitter.width() > 100:
            self._sized = True
            w = self.splitter.width()
            self.splitter.setSizes([int(w * 0.53), w - int(w * 0.53)])

    def show_schedule(self, schedule: PriceSchedule) -> None:
        self.schedule = schedule
        current = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        for s in schedule.buildup.service_lines:
            self.combo.addItem(f"{s.service_line} (per {s.unit})", s.key)
        if schedule.buildup.service_lines:
            self.combo.addItem("All service lines (a year)", ALL_LINES)
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
        kinds = {cat: kind for cat, _label, kind in CATEGORIES}
        self.steps = [WaterfallStep(line.key, _SHORT.get(line.key, line.label), kinds.get(line.key, line.kind),
                                    line.per_unit_display) for line in s.lines]
        self.total = s.price_per_unit
        fixed = " (fixed by the user)" if s.price_fixed_by_user else ""
        margin = s.margin_pct
        self.summary.setText(
            f"{format_decimal(s.volume, 0)} {s.unit}s a year · price <b>{format_gbp(s.price_per_unit)}</b> per "
            f"{_e(s.unit)}{fixed} · {format_gbp(s.annual_price)} a year"
            + (f" · margin earned {format_decimal(margin, 2)}%" if margin is not None else ""))
        rows = []
        for line in s.lines:
            rows.append((Cell(line.label, tooltip=self._member_tip(s, line.key)),
                         Cell(format_gbp(line.per_unit_display), True, italic=line.kind is LineKind.MARGIN),
                         Cell(format_gbp(line.annual), True, italic=line.kind is LineKind.MARGIN)))
        rows.append((Cell("Price", bold=True, background=GREY.background),
                     Cell(format_gbp(s.price_per_unit), True, bold=True, background=GREY.background),
                     Cell(format_gbp(s.annual_price), True, bold=True, background=GREY.background)))
        self.model.set_rows(rows, self.COLUMNS, ("", f"£ per {s.unit}, to the penny: the lines add to the price",
                                                 "£ a year: the lines add to the annual price"))
        self._draw(f"£ per {s.unit}", pence=True)

    def _show_all(self) -> None:
        b = self.schedule.buildup  # type: ignore[union-attr]
        self.steps = [WaterfallStep(t.key, _SHORT.get(t.key, t.label), t.kind, t.annual) for t in b.totals]
        self.total = b.annual_price
        self.summary.setText(f"{len(b.service_lines)} service lines · year-one price <b>"
                             f"{format_gbp(b.annual_price)}</b> a year · cost {format_gbp(b.annual_cost)}")
        rows = [(Cell(t.label), Cell("—", True, tooltip="Units differ between service lines"),
                 Cell(format_gbp(t.annual), True, italic=t.kind is LineKind.MARGIN)) for t in b.totals]
        rows.append((Cell("Price", bold=True, background=GREY.background), Cell("—", True, background=GREY.background),
                     Cell(format_gbp(b.annual_price), True, bold=True, background=GREY.background)))
        self.model.set_rows(rows, self.COLUMNS, ("", "", "£ a year: the lines add to the annual price"))
        self._draw("£ a year, all service lines", pence=False)

    @staticmethod
    def _member_tip(s: ServiceLineCost, category: str) -> str:
        parts = []
        for m in s.members:
            amount = sum((line.annual for line in m.lines if line.category == category), Decimal(0))
            if any(line.category == category for line in m.lines):
                parts.append(f"{m.organisation_name}: {format_gbp(amount)} a year "
                             f"({format_decimal(m.volume, 0)} {s.unit}s)")
        return "\n".join(parts)

    def _draw(self, axis_title: str, *, pence: bool) -> None:
        chart = _chart()
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.7)
        # the first category is drawn at the bottom: add them bottom-up so the chart reads top-down
        # per unit the exact amounts fit beside the names; a year's are in the table and the tooltips
        if pence:
            labels = [f"{st.label}  {format_gbp(st.value)}" for st in self.steps]
            labels.append(f"Price  {format_gbp(self.total)}")
        else:
            labels = [st.label for st in self.steps] + ["Price"]
        n = len(labels)
        base = [0.0] * n
        bars: dict[str, list[float]] = {}
        running = Decimal(0)
        for i, st in enumerate(self.steps):
            name = _KIND_LABEL[st.kind] if st.kind in _KIND_LABEL else "Other"
            if st.kind is LineKind.MARGIN and st.value < 0:
                name = "Loss"
            start, end = running, running + st.value
            base[i] = plot(min(start, end))
            bars.setdefault(name, [0.0] * n)[i] = plot(abs(st.value))
            running = end
        bars.setdefault("Price", [0.0] * n)[n - 1] = plot(self.total or 0)
        self.sets = {}
        base_set = QBarSet("")
        base_set.append(list(reversed(base)))
        base_set.setColor(QColor(0, 0, 0, 0))
        base_set.setBorderColor(QColor(0, 0, 0, 0))
        series.append(base_set)
        colours = {_KIND_LABEL[k]: c for k, c in _KIND_COLOUR.items()} | {"Loss": _LOSS_COLOUR,
                                                                           "Price": _PRICE_COLOUR}
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
        top = max([plot(self.total or 0)] + [b + v for b, v in zip(base, (sum(x) for x in zip(*bars.values(),
                                                                                                strict=True)),
                                                                     strict=True)])
        low = min([0.0] + base)
        axis = money_axis(low, top * 1.02 or 1.0, axis_title, pence=pence, compact=not pence)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        chart.legend().setVisible(False)  # the categories name every bar
        series.hovered.connect(self._on_hover)
        self.series = series
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
        self.summary.clear()
        self.model.set_rows([], self.COLUMNS)
        set_chart(self.chart_view, _chart())

    def clear(self) -> None:
        self.schedule = None
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.blockSignals(False)
        self._clear()

    # for tests and the accessible description: the steps' values and the bar values
    def bar_values(self) -> dict[str, list[float]]:
        return {name: [bar.at(i) for i in range(bar.count())] for name, bar in self.sets.items()}


# --------------------------------------------------------------------------- scores and win chance


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
        self.chart_view = _chart_view()
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

    COLUMNS = ("Bid", "Annual price", "Quality", "Social value", "Price points", "Total", "Rank")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.curve: tuple[ScorePoint, ...] = ()
        self.names: list[str] = []
        self.model = TextTableModel(self.COLUMNS, self)
        self.table = DataTable(self.model, stretch_column=0)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._lay_out(self.table)

    def show_result(self, r: PricingResult) -> None:
        ev = r.evaluation
        e = ev.evaluation
        if e is None:
            self.show_message(f"<b>Not scored against competitors.</b><br>{_reasons(ev)}")
            self.model.set_rows([])
            self.curve = ()
            return
        rows = []
        for b in e.bids:
            tone = None if b.rank != 1 else GREEN.background
            tone = RED.background if b.failed else tone
            name = f"{b.name} (our bid)" if b.is_ours else b.name
            rows.append((Cell(name, bold=b.is_ours, background=tone),
                         Cell(format_gbp(b.price), True, bold=b.is_ours, background=tone),
                         Cell(_points(b.quality_points), True, background=tone),
                         Cell(_points(b.social_value_points), True, background=tone),
                         Cell(_points(b.price_points), True, background=tone),
                         Cell(_points(b.total), True, bold=True, background=tone),
                         Cell("fails" if b.rank is None else str(b.rank), True, background=tone)))
        self.model.set_rows(rows, self.COLUMNS)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + 22 * len(rows) + 4)
        self.curve = r.score_curve
        self.names = [ev.our_bid.name if ev.our_bid else "Ours", *(c.name for c in ev.competitors)]
        self._draw(r)
        self.stack.setCurrentIndex(1)

    def _draw(self, r: PricingResult) -> None:
        ev = r.evaluation
        chart = _chart("Total score against our year-one annual price")
        curve = self.curve
        if not curve or ev.our_bid is None:
            self.chart_view.setChart(chart)
            return
        values = [v for p in curve for v in (p.ours, *p.rivals) if v is not None]
        y_axis = _points_axis(math.floor(plot(min(values)) - 1), math.ceil(plot(max(values)) + 1), "Total score")
        lo_y, hi_y = y_axis.min(), y_axis.max()
        ours = QLineSeries()
        ours.setName(ev.our_bid.name + " (ours)")
        for p in curve:
            if p.ours is not None:
                ours.append(plot(p.price), plot(p.ours))
        pen = QPen(QColor(_OURS_COLOUR))
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
            pen = QPen(QColor(_RIVAL_COLOURS[i % len(_RIVAL_COLOURS)]))
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
                                         hi_y, _EC_COLOUR, Qt.PenStyle.DashDotLine))
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
        text = [f"Our price {format_gbp(p.price)}", f"{names[0]}: {_points(p.ours)}"]
        text += [f"{name}: {_points(v)}" for name, v in zip(names[1:], p.rivals, strict=False)]
        QToolTip.showText(QCursor.pos(), "\n".join(text))

    def clear(self) -> None:
        self.show_message("")
        self.model.set_rows([])
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
            self.show_message(f"<b>No win probability.</b><br>{_reasons(ev)}")
            self.grid = ()
            return
        self.grid = b.grid
        self.note.setText(
            f"Each price scored on the same {b.draws:,} draws (seed {b.seed}) of the competitors' prices and "
            f"scores. Contribution = P(win) × (price − year-one cost {format_gbp(b.cost)}). At our price "
            f"{format_gbp(ev.our_bid.price)}: win {_pct(ev.win.probability)}. Best: {format_gbp(b.price)}, win "
            f"{_pct(b.probability)}, expected contribution {format_gbp(b.expected_contribution)}.")
        chart = _chart("Win probability and expected contribution against our year-one annual price")
        prob = QLineSeries()
        prob.setName("Win probability")
        contribution = QLineSeries()
        contribution.setName("Expected contribution")
        for p in b.grid:
            prob.append(plot(p.price), plot(p.probability * 100))
            contribution.append(plot(p.price), plot(p.expected_contribution))
        pen = QPen(QColor(_OURS_COLOUR))
        pen.setWidthF(2.5)
        prob.setPen(pen)
        pen = QPen(QColor(_EC_COLOUR))
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
        p_axis.setLabelsColor(QColor(_OURS_COLOUR))
        p_axis.setTitleBrush(QBrush(QColor(_OURS_COLOUR)))
        ec_axis.setLabelsColor(QColor(_EC_COLOUR))
        ec_axis.setTitleBrush(QBrush(QColor(_EC_COLOUR)))
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
        best.setColor(QColor(_EC_COLOUR))
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
        QToolTip.showText(QCursor.pos(), f"At {format_gbp(p.price)}: win {_pct(p.probability)}, expected "
                                         f"contribution {format_gbp(p.expected_contribution)}")

    def clear(self) -> None:
        self.show_message("")
        self.grid = ()


# --------------------------------------------------------------------------- contract years


class YearsPanel(QWidget):
    """Prices by contract year (term, then extensions) and each service line's break-even."""

    YEAR_COLUMNS = ("Year", "Price", "Cost", "Fee", "Margin", "Budget", "Headroom", "Ceiling")
    YEAR_TIPS = ("Contract year; hover for its dates and rates. Extension years are shaded.",
                 "Annual price: Σ unit price × volume", "Delivery cost, indexed along its own mix",
                 "Management fee", "Price − cost − fee", "The tender's estimated annual value (not indexed)",
                 "Budget − price (negative: over budget)", "Against the annual budget ceiling")
    LINE_COLUMNS = ("Service line", "Volume", "Unit price", "Index a year", "Break-even", "Should-cost",
                    "Low below", "Too low?")
    LINE_TIPS = ("", "Units a year", "Year one's price per unit", "Cost index a year: staff share × pay uplift + "
                 "the rest × CPI", "Volume at which the price covers the fixed costs (whole units)",
                 "Full cost per unit with the fee, without margin", "Abnormally-low floor: should-cost × (1 − "
                 "threshold)", "Is the price below the abnormally-low floor?")

    def __init__(self, parent=None):
        super().__init__(parent)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 4, 4, 4)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.years_model = TextTableModel(self.YEAR_COLUMNS, self)
        self.years_table = DataTable(self.years_model)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.lines_caption = QLabel()
        self.lines_caption.setWordWrap(True)
        self.lines_model = TextTableModel(self.LINE_COLUMNS, self)
        self.lines_table = DataTable(self.lines_model, stretch_column=0)
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
        rows = []
        for y in s.years:
            ext_bg = "#eef2f7" if y.is_extension else None
            name = f"{y.number} ext." if y.is_extension else str(y.number)
            tip = (f"Year {y.number}{' (extension)' if y.is_extension else ''}: "
                   f"{y.starts:%d/%m/%Y} to {y.ends:%d/%m/%Y}" if y.starts and y.ends else "") + (
                f"\nRates of {y.rate_year}" + (" (beyond the last known: extrapolated)" if y.rates_extrapolated
                                               else "") + f"; wage floor {format_gbp(y.national_living_wage)} an hour")
            if y.over_ceiling:
                ceiling = Cell("✗ over", tooltip=f"Above the ceiling {format_gbp(y.ceiling)}: the bid would fail",
                               background=RED.background, foreground=RED.text)
            elif y.ceiling is None:
                ceiling = Cell("none set", background=ext_bg)
            else:
                ceiling = Cell("✓ within", tooltip=f"Ceiling {format_gbp(y.ceiling)}", background=GREEN.background,
                               foreground=GREEN.text)
            headroom = Cell(format_gbp(y.headroom, missing="—"), True, background=AMBER.background if y.over_budget
                            else ext_bg, foreground=AMBER.text if y.over_budget else None,
                            tooltip="Over the estimated annual value" if y.over_budget else "")
            rows.append((
                Cell(name, tooltip=tip, italic=y.is_extension, background=ext_bg, flag=y.is_extension),
                Cell(format_gbp(y.annual_price), True, background=ext_bg),
                Cell(format_gbp(y.annual_cost), True, background=ext_bg),
                Cell(format_gbp(y.annual_fee), True, background=ext_bg),
                Cell(format_gbp(y.annual_margin), True, background=ext_bg),
                Cell(format_gbp(y.budget, missing="—"), True, background=ext_bg),
                headroom,
                ceiling,
            ))
        self.years_model.set_rows(rows, self.YEAR_COLUMNS, self.YEAR_TIPS)
        self.years_table.fit_height()
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
        lines = []
        for t in s.lines:
            low = Cell("✗ yes", background=RED.background, foreground=RED.text, bold=True) if t.abnormally_low else Cell(
                "✓ no", foreground=GREEN.text)
            lines.append((
                Cell(t.service_line, tooltip=f"{t.service_line} (unit: {t.unit})"),
                Cell(_volume(t.volume), True),
                Cell(format_gbp(t.unit_price), True),
                Cell(f"{format_decimal(t.index_pct, 2)}%", True,
                     tooltip=f"Staff share {format_decimal(t.staff_share * 100, 1)}%"),
                Cell(_volume(t.break_even_volume) if t.break_even_volume is not None else "never", True,
                     tooltip=f"Fixed costs {format_gbp(t.fixed_costs_per_year)} a year ÷ (price − variable cost "
                             f"{format_gbp(t.variable_cost_per_unit)} a unit)"),
                Cell(format_gbp(t.should_cost_per_unit), True, tooltip="Full cost with fee, no margin"),
                Cell(format_gbp(t.abnormal_floor), True),
                low,
            ))
        self.lines_model.set_rows(lines, self.LINE_COLUMNS, self.LINE_TIPS)
        self.lines_table.fit_height()

    def clear(self) -> None:
        self.caption.clear()
        self.totals.clear()
        self.lines_caption.clear()
        self.years_model.set_rows([])
        self.lines_model.set_rows([])


# --------------------------------------------------------------------------- assumptions


def rate_value_text(item: RateItem) -> str:
    if item.value is None:
        return "not given"
    if item.unit == "%":
        return f"{format_decimal(item.value, 2)}%"
    if item.unit == "£/year":
        return f"{format_gbp(item.value, pence=False)} a year"
    if item.unit == "£/hour":
        return f"{format_gbp(item.value)} an hour"
    if item.unit == "£/mile":
        return f"{format_gbp(item.value)} a mile"
    return format_decimal(item.value, 2)


_STATUS_MARK = {"V": "checked", "K": "widely used", "U": "assumption"}


class AssumptionsPanel(QWidget):
    """The option's and the tender's pricing assumptions (edited in place, undoable), and the rates."""

    RATE_COLUMNS = ("Year", "Rate", "Value", "Source", "Effective")

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
        self.rates_model = TextTableModel(self.RATE_COLUMNS, self)
        self.rates_table = DataTable(self.rates_model, stretch_column=3, max_widths={1: 230, 2: 120})
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
        rows = []
        for y in rates.years:
            shade = GREY.background if y.label == in_force else None
            for item in y.items():
                p = item.provenance
                mark = _STATUS_MARK.get(p.status, "") if p else ""
                source = (p.source if p else "") or "—"
                extra = [x for x in (mark, "carried forward" if p and p.carried_forward else "",
                                     "overridden in this workspace" if p and p.overridden else "") if x]
                text = source + (f" [{', '.join(extra)}]" if extra else "")
                rows.append((
                    Cell(y.label, background=shade),
                    Cell(item.label, background=shade),
                    Cell(rate_value_text(item), True, background=shade, bold=bool(p and p.overridden)),
                    Cell(text, tooltip=text, background=shade),
                    Cell(f"{p.effective:%d/%m/%Y}" if p and p.effective else "", background=shade),
                ))
        self.rates_model.set_rows(rows, self.RATE_COLUMNS)


# --------------------------------------------------------------------------- the view


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
        self.splitter = two_pane(Qt.Orientation.Vertical, self.headline_scroll, self.tabs, (0, 1))
        self.body.addWidget(self.splitter, 1)
        self.splitter.setVisible(False)
        self._user_sized = False
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    def _on_splitter_moved(self, *_args) -> None:
        self._user_sized = True

    background = True  # 10,000 Monte Carlo draws over a price grid: keep typing smooth

    def compute(self, ws, option_id: int) -> PricingResult:
        results = analyses.analyse_option(ws, option_id, self.shows)
        option = ws.get(ConsortiumOption, option_id)
        tender = ws.get(Tender, option.tender_id) if option is not None else None
        value = partial(analyses.value, results)
        return PricingResult(option_id, option, tender, value("prices"), value("evaluation"), value("rates"),
                             value("score_curve"))

    def show_result(self, result: PricingResult) -> None:
        self.splitter.setVisible(True)
        self.headline.setVisible(True)
        self.headline.show_result(result)
        self.buildup.show_schedule(result.schedule)
        self.scores.show_result(result)
        self.win_chance.show_result(result)
        self.years.show_schedule(result.schedule)
        self.assumptions.bind(result.option_id)
        self.assumptions.show_rates(result.rates, result.schedule.buildup.rates.year.label)
        self._fit_headline()

    def show_message(self, text: str) -> None:
        super().show_message(text)
        option_id = self.option_id()
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
        if not self._user_sized:
            fit_headline(self.splitter, self.headline_scroll, 0.45, 200)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.result is not None:
            self._fit_headline()
