"""Cash flow, funding and returns of the selected consortium option (DOMAIN §6): presentation only.

Every figure comes from ``services.analyses.capital`` (the projection, the funding requirement and
the returns, computed together from the option's price schedule), the same function
``consortium-planner summary --json`` and the investment case run. With "Include extensions" the
view asks the domain's ``projection.capital`` for the projection over the extension years too,
with the workspace's rates and price schedule from ``services.analyses`` (a presentation choice:
the bid promises the term only). Money is formatted with ``money.format_gbp``; negative figures
are in red. The screen has:

* a headline, always visible: the funding requirement (peak need, buffer, contingency), the
  funding arranged and any shortfall, the lowest cash balance, debt service cover against the
  lender's minimum, NPV, IRR, payback and break-even, then the analysis's warnings;
* inner tabs: the month-by-month chart (net cash flow as bars, the cumulative cash before funding
  and the bank balance after funding as lines, the funding requirement as a reference line, the
  mobilisation, service and run-off phases shaded), the P&L, cash and debt service cover by
  period, the funding sources and each loan's schedule, each member's profit, and every month.

The only arithmetic here adds up month rows into periods for the cash table, and scales axes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
from PySide6.QtCore import (
    QMargins,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QCursor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsSimpleTextItem,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..domain.costing import Flag
from ..domain.model import ConsortiumOption, FundingKind, Structure, Tender
from ..domain.money import ZERO, format_decimal, format_gbp
from ..domain.projection import Capital, LoanSchedule, MonthRow, Projection, ProjectionYear, period_cash
from ..services import analyses
from .analysis_view import OptionAnalysisView
from .charts import plot
from .style import (
    AMBER,
    GREY,
    TONES,
    Card,
    Index,
    ReadOnlyTableModel,
    alignment,
    cell_font,
    fit_headline,
    headline_scroll,
    italic_label,
    notice_table_html,
    read_only_table,
    rich_label,
    round_axis,
    set_chart,
    two_pane,
)
from .style import esc as _e

VALUE_ROLE = Qt.ItemDataRole.UserRole + 30  # a cell's Decimal (or None)

# --------------------------------------------------------------------------- colours (the tones: see .style)
NEGATIVE_TEXT = "#b02a37"  # negative figures in tables

# chart (colour-blind-safe Tableau 10 hues)
_IN_COLOUR = "#59a14f"
_OUT_COLOUR = "#e15759"
_CUMULATIVE_COLOUR = "#4e79a7"
_BALANCE_COLOUR = "#f28e2b"
_REQUIREMENT_COLOUR = "#b02a37"
_PHASE_COLOURS = {"mobilisation": QColor(108, 117, 125, 38), "run-off": QColor(108, 117, 125, 24)}
_PHASE_TEXT = "#5a6268"


def _month(d: dt.date | None) -> str:
    return d.strftime("%b %Y") if d is not None else "—"


def _long_month(d: dt.date | None) -> str:
    return d.strftime("%B %Y") if d is not None else "—"


def _pct(value: Decimal | None, places: int = 2) -> str:
    return format_decimal(value, places, missing="—") + ("%" if value is not None else "")


def _ratio(value: Decimal | None) -> str:
    return format_decimal(value, 2, missing="—")


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[0].upper() + text[1:]) if text else text


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True)
class CashFlowResult:
    option_id: int
    option_name: str
    structure: Structure
    tender_name: str
    extension_years: int  # the tender's (0: nothing to include)
    capital: Capital

    @property
    def include_extensions(self) -> bool:
        return self.capital.projection.include_extensions


def compute_cash_flow(ws, option_id: int, include_extensions: bool = False) -> CashFlowResult:
    """The option's capital analysis from the services (extensions: the domain with the services' inputs)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError("the option no longer exists")
    tender = ws.get(Tender, option.tender_id)
    extensions = tender.extension_years if tender is not None else 0
    name = "capital_with_extensions" if include_extensions and extensions > 0 else "capital"
    capital = analyses.one(ws, option_id, name)
    return CashFlowResult(option_id, option.name, option.structure, tender.name if tender else "", extensions,
                          capital)


# --------------------------------------------------------------------------- table model


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    value: Decimal | None = None  # a figure: right-aligned, red when negative
    tooltip: str = ""
    tone: str | None = None  # "good", "caution", "bad" or "muted": a tinted cell
    bold: bool = False
    italic: bool = False
    right: bool = False  # right-aligned although not a figure ("—" among figures)


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    tooltip: str = ""
    bold: bool = False
    italic: bool = False


def money_cell(value: Decimal | None, *, bold: bool = False, italic: bool = False, tooltip: str = "",
               blank_zero: bool = False) -> Cell:
    if value is None or (blank_zero and value == 0):
        return Cell("", None, tooltip, bold=bold, italic=italic)
    return Cell(format_gbp(value), value, tooltip, bold=bold, italic=italic)


def text_cell(text: str, tooltip: str = "", **kw) -> Cell:
    return Cell(text, None, tooltip, **kw)


class FigureTableModel(ReadOnlyTableModel):
    """Rows of ready-made cells, each row named in the vertical header (so it stays in view)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = []
        self.header_tips: list[str] = []
        self.rows: list[Row] = []

    def set_table(self, headers: Sequence[str], rows: Sequence[Row], header_tips: Sequence[str] = ()) -> None:
        self.beginResetModel()
        self.headers = list(headers)
        self.header_tips = list(header_tips)
        width = len(self.headers)
        self.rows = [Row(r.label, tuple(r.cells)[:width] + (Cell(""),) * (width - len(r.cells)), r.tooltip, r.bold,
                         r.italic) for r in rows]
        self.endResetModel()

    def clear(self) -> None:
        self.set_table([], [])

    # ------------------------------------------------------------------ lookups for views and tests
    def row_of(self, label: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.label == label), -1)

    def column_of(self, header: str) -> int:
        """The column whose header's first line is ``header`` (-1 if none)."""
        return next((i for i, h in enumerate(self.headers) if h.split("\n", 1)[0] == header), -1)

    def cell(self, row: int, column: int) -> Cell:
        return self.rows[row].cells[column]

    def value(self, label: str, column: int) -> Decimal | None:
        return self.cell(self.row_of(label), column).value

    # ------------------------------------------------------------------ Qt model
    def column_total(self) -> int:
        return len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.headers):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self.headers[section]
            if role == Qt.ItemDataRole.ToolTipRole and section < len(self.header_tips):
                return self.header_tips[section] or None
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return alignment(any(r.cells[section].value is not None for r in self.rows))
            return None
        if not 0 <= section < len(self.rows):
            return None
        row = self.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == Qt.ItemDataRole.FontRole and (row.bold or row.italic):
            return cell_font(row.bold, row.italic)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)) \
                or not (0 <= index.column() < len(self.headers)):
            return None
        row = self.rows[index.row()]
        c = row.cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return c.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.label}, {self.headers[index.column()].replace(chr(10), ' ')}: {c.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.tooltip or row.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(c.value is not None or c.right)
        if role == Qt.ItemDataRole.FontRole and (c.bold or c.italic or row.bold or row.italic):
            return cell_font(c.bold or row.bold, c.italic or row.italic)
        tone = TONES.get(c.tone or "")
        if role == Qt.ItemDataRole.BackgroundRole and tone is not None:
            return QBrush(QColor(tone.background))
        if role == Qt.ItemDataRole.ForegroundRole:
            if tone is not None:
                return QBrush(QColor(tone.text))
            if c.value is not None and c.value < 0:
                return QBrush(QColor(NEGATIVE_TEXT))
            return None
        if role == VALUE_ROLE:
            return c.value
        return None


class FigureTable(QTableView):
    """A read-only table of figures sized to its contents; row names stay in view when it scrolls."""

    def __init__(self, model: FigureTableModel, *, row_names: bool = True, max_width: int = 360, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.max_width = max_width
        read_only_table(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setVisible(row_names)
        rows.setDefaultSectionSize(22)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setHighlightSections(False)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        model.modelReset.connect(self.fit_columns)

    def fit_columns(self) -> None:
        self.resizeColumnsToContents()
        for c in range(self.model().columnCount()):
            self.setColumnWidth(c, min(self.columnWidth(c) + 6, self.max_width))


# --------------------------------------------------------------------------- headline


class CashFlowHeadline(QWidget):
    """The key figures of funding and returns, and the analysis's warnings."""

    SPECS = (
        ("requirement", "Funding requirement", "The lowest point of the cumulative cash before funding, plus a cash "
                                               "buffer of months of payroll, plus contingency on both (DOMAIN §6)"),
        ("sources", "Funding arranged", "Equity, grants, loans and overdraft facilities entered on the option's "
                                        "Funding tab, against the requirement"),
        ("lowest", "Lowest cash balance", "The lowest month-end bank balance after funding"),
        ("dscr", "Debt service cover (lowest)", "CFADS ÷ (interest + loan principal) by period, against the lender's "
                                                "minimum on the option's Details"),
        ("npv", "Net present value", "The project's cash flows before funding, after tax on the operating profit, "
                                     "discounted monthly to the start of mobilisation"),
        ("irr", "Internal rate of return", "The annual rate at which the NPV of those cash flows is zero"),
        ("payback", "Payback", "The first month in which the cumulative cash before funding is back to zero or above"),
        ("break_even", "Break-even", "Over the whole projection, before funding and tax"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.cards: dict[str, Card] = {}
        for i, (key, caption, tip) in enumerate(self.SPECS):
            card = Card(caption, tip)
            self.cards[key] = card
            grid.addWidget(card, i // 4, i % 4)
        for c in range(4):
            grid.setColumnStretch(c, 1)
        layout.addLayout(grid)
        self.warnings = rich_label()
        layout.addWidget(self.warnings)

    def show_result(self, r: CashFlowResult) -> None:
        p, f, ret = r.capital.projection, r.capital.funding, r.capital.returns
        c = self.cards

        # the requirement: peak need + buffer + contingency
        peak = (f"peak need {format_gbp(f.peak_deficit)} ({_month(f.peak_deficit_date)})" if f.peak_deficit_month
                is not None else "no deficit")
        c["requirement"].set(
            format_gbp(f.requirement),
            f"{_sentence(peak)} + buffer {format_gbp(f.buffer)} + contingency {format_gbp(f.contingency)}")
        c["requirement"].setToolTip(
            f"Peak need: the lowest cumulative cash before funding, {format_gbp(-f.peak_deficit)}"
            f"{' in ' + _long_month(f.peak_deficit_date) if f.peak_deficit_date else ''}.\n"
            f"Buffer: {format_decimal(f.buffer_months, 1)} months of year one's payroll at full volume "
            f"({format_gbp(f.monthly_payroll)} a month) = {format_gbp(f.buffer)}.\n"
            f"Contingency: {format_decimal(f.contingency_pct, 1)}% of both = {format_gbp(f.contingency)}.\n"
            f"Requirement: {format_gbp(f.requirement)}.")

        # what is arranged against it
        kinds = [(FundingKind.MEMBER_EQUITY, "equity", f.equity), (FundingKind.GRANT, "grants", f.grants),
                 (FundingKind.LOAN, "loans", f.loans), (FundingKind.OVERDRAFT, "overdraft", f.overdrafts)]
        parts = "\n".join(f"{_sentence(name)}: {format_gbp(amount)}" for _k, name, amount in kinds if amount)
        if f.shortfall > 0:
            detail = f"✗ Short by {format_gbp(f.shortfall)}: add a loan, equity or a grant"
            tone = "bad"
        elif not f.covered:
            detail = (f"⚠ Enough in total, but cash falls to {format_gbp(f.lowest_balance)} in "
                      f"{_month(f.lowest_balance_date)}: draw the funding earlier")
            tone = "bad"
        else:
            detail = f"✓ {format_gbp(f.total_sources - f.requirement)} more than the requirement"
            tone = "good"
        if not f.sources:
            detail += ". No funding sources entered"
        c["sources"].set(format_gbp(f.total_sources), detail, tone)
        c["sources"].setToolTip(f"Funding arranged on the option's Funding tab (for an overdraft, the facility):\n"
                                f"{parts or 'none'}\nRequirement: {format_gbp(f.requirement)}")

        # the lowest balance after funding
        overdraft = max((s.peak_drawn for s in f.sources if s.kind is FundingKind.OVERDRAFT), default=ZERO)
        detail = f"{_long_month(f.lowest_balance_date)} (month {f.lowest_balance_month}), after funding"
        if overdraft > 0:
            detail += f"; overdraft drawn up to {format_gbp(overdraft)}"
        c["lowest"].set(format_gbp(f.lowest_balance), detail, "bad" if f.lowest_balance < 0 else "good")

        # debt service cover
        if f.lowest_dscr is None:
            c["dscr"].set("No debt service", f"No loan or overdraft to service; the minimum is "
                                             f"{_ratio(f.min_dscr)}×")
        else:
            worst = [d.label for d in f.dscr if d.tested and d.dscr == f.lowest_dscr]
            verdict = "✓ Meets" if f.dscr_ok else "✗ Below"
            c["dscr"].set(f"{_ratio(f.lowest_dscr)}×",
                          f"{verdict} the lender's minimum of {_ratio(f.min_dscr)}× ({', '.join(worst)})",
                          "good" if f.dscr_ok else "bad")

        # returns
        c["npv"].set(format_gbp(ret.npv), f"Undiscounted: {format_gbp(ret.total_cash_flow)}",
                     "good" if ret.npv > 0 else "bad" if ret.npv < 0 else None,
                     caption=f"NPV at {_pct(ret.discount_rate_pct)}")
        c["npv"].setToolTip(f"Net present value at {_pct(ret.discount_rate_pct)} a year (the option's discount rate), "
                            f"at the start of mobilisation ({_long_month(p.mobilisation_start)}).\n{ret.basis}")
        if ret.irr_pct is None:
            c["irr"].set("No IRR", _sentence(ret.irr_note) + ". Read the NPV instead.", "caution")
        else:
            above = ret.irr_pct > ret.discount_rate_pct
            detail = ("✓ Above" if above else "✗ Not above") + f" the discount rate of {_pct(ret.discount_rate_pct)}"
            if ret.multiple_irr:
                detail += f"; also {', '.join(_pct(x) for x in ret.other_irr_pct)} (see the note below)"
            c["irr"].set(_pct(ret.irr_pct), detail, "good" if ret.irr_pct > ret.discount_rate_pct else "bad")
        if ret.payback_month is None:
            c["payback"].set("Not within the projection", "The cumulative cash never gets back to zero", "bad")
        else:
            detail = f"Month {ret.payback_month}"
            if ret.payback_date is not None and ret.payback_date > p.service_end:
                detail += ", after the service ends, as the last invoices are paid"
            elif ret.payback_service_months:
                detail += f", after {ret.payback_service_months} months of service"
            disc = (_month(ret.discounted_payback_date) if ret.discounted_payback_month is not None
                    else "not within the projection")
            c["payback"].set(_month(ret.payback_date), f"{detail}. Discounted: {disc}")
        if ret.break_even_volume_pct is None:
            c["break_even"].set("None", "Income never covers the volume-driven costs", "bad")
        else:
            c["break_even"].set(f"{_pct(ret.break_even_volume_pct)} of volume",
                                f"or {_pct(ret.break_even_price_pct)} of the bid prices")
            c["break_even"].setToolTip(
                f"Profit before funding and tax over the projection is zero at {_pct(ret.break_even_volume_pct)} of "
                f"the planned volume (fixed costs ÷ contribution), or at {_pct(ret.break_even_price_pct)} of the bid "
                "prices (all costs ÷ income)")
        self._show_flags(p.flags + f.flags + ret.flags)

    def _show_flags(self, flags: Sequence[Flag]) -> None:
        flags = sorted(flags, key=lambda x: 0 if x.severity == "warning" else 1)
        if not flags:
            self.warnings.clear()
            self.warnings.setVisible(False)
            return
        self.warnings.setText(notice_table_html((AMBER, "⚠", _e(x.message)) if x.severity == "warning"
                                                else (GREY, "ℹ", _e(x.message)) for x in flags))
        self.warnings.setToolTip("\n".join(x.message for x in flags))
        self.warnings.setVisible(True)

    def clear(self) -> None:
        for card in self.cards.values():
            card.set("—")
        self.warnings.clear()
        self.warnings.setVisible(False)


# --------------------------------------------------------------------------- the chart


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
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

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
        rows: list[list[QLayoutItem]] = [[]]
        x = 0
        for item in self._items:
            w = item.sizeHint().width()
            if rows[-1] and x + w > rect.width():
                rows.append([])
                x = 0
            rows[-1].append(item)
            x += w + self._spacing
        y = rect.y()
        for row in rows:
            if not row:
                continue
            height = max(i.sizeHint().height() for i in row)
            width = sum(i.sizeHint().width() for i in row) + self._spacing * (len(row) - 1)
            x = rect.x() + max(0, (rect.width() - width) // 2)
            for item in row:
                if move:
                    item.setGeometry(QRect(QPoint(x, y), item.sizeHint()))
                x += item.sizeHint().width() + self._spacing
            y += height + self._line_spacing
        return y - rect.y() - self._line_spacing


class ChartLegend(QWidget):
    """A legend that wraps (the chart's own elides long names): a key drawn like each series, and its name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.flow = FlowLayout(self)
        self.names: list[str] = []
        size = self.sizePolicy()
        size.setHeightForWidth(True)
        self.setSizePolicy(size)

    def set_items(self, items: Sequence[tuple[QPixmap, str]]) -> None:
        while (item := self.flow.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.names = [name for _pixmap, name in items]
        for pixmap, name in items:
            entry = QWidget(self)
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            key = QLabel()
            key.setPixmap(pixmap)
            row.addWidget(key)
            row.addWidget(QLabel(name))
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
        p, f = capital.projection, capital.funding
        months = p.months
        self.months = months
        n = len(months)
        chart = self._new_chart()
        self._phase_labels = []

        values: list[float] = [0.0, -plot(f.requirement)]
        for r in months:
            values += [plot(r.cash_before_funding), plot(r.cumulative_before_funding), plot(r.closing_balance),
                       -plot(r.overdraft_balance)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.04 or 1.0
        y_axis = money_axis(lo - pad, hi + pad)
        y_lo, y_hi = y_axis.min(), y_axis.max()
        mob = p.mobilisation_months
        last_service = max((r.month for r in months if r.phase == "service"), default=n - 1)
        self._anchor = mob
        self._every = self._label_every(n)
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
        if f.peak_deficit_month is not None:
            peak = QScatterSeries()
            peak.setName(f"Peak need {_month(f.peak_deficit_date)}")
            peak.setMarkerSize(9)
            peak.setColor(QColor(_CUMULATIVE_COLOUR))
            peak.setBorderColor(QColor("#ffffff"))
            peak.append(f.peak_deficit_month, -plot(f.peak_deficit))
            attach(peak)
        chart.legend().setVisible(False)
        chart.plotAreaChanged.connect(self._place_phase_labels)

        set_chart(self.view, chart)
        self._place_phase_labels()
        items = [(swatch("bar", _IN_COLOUR), "Net cash flow in"),
                 (swatch("bar", _OUT_COLOUR), "out (each month, before funding)"),
                 (swatch("line", _CUMULATIVE_COLOUR), "Cumulative before funding"),
                 (swatch("line", _BALANCE_COLOUR), "Bank balance after funding")]
        if self.overdraft is not None:
            items.append((swatch("dash", _BALANCE_COLOUR, 1.5), "Overdraft owed"))
        items.append((swatch("dash", _REQUIREMENT_COLOUR, 1.5), f"Funding requirement {format_gbp(f.requirement)}"))
        if f.peak_deficit_month is not None:
            items.append((swatch("dot", _CUMULATIVE_COLOUR), f"Peak need {_month(f.peak_deficit_date)}"))
        items.append((swatch("mark", "#6c757d", 1.0), f"Service {_month(p.service_start)} – {_month(p.service_end)}"))
        self.legend.set_items(items)
        self.view.setAccessibleDescription(
            f"Monthly cash flow from {_month(p.mobilisation_start)} to {_month(p.projection_end)}: the cumulative cash "
            f"before funding falls to {format_gbp(-f.peak_deficit)}"
            f"{' in ' + _month(f.peak_deficit_date) if f.peak_deficit_date else ''} and ends at "
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
        self.x_axis = None
        self._phase_labels = []
        set_chart(self.view, self._new_chart())
        self.legend.clear()

    # for tests and the accessible description
    def series(self) -> list:
        chart = self.view.chart()
        return list(chart.series()) if chart is not None else []


# --------------------------------------------------------------------------- tables by period


def _period_header(y: ProjectionYear) -> str:
    label = y.label.replace(" (extension)", " (ext.)")
    return f"{label}\n{y.starts:%b %y}–{y.ends:%b %y}"


def _period_tip(y: ProjectionYear) -> str:
    extra = " An extension year." if y.is_extension else ""
    return f"{y.label}: {y.starts:%d/%m/%Y} to {y.ends:%d/%m/%Y} ({y.months} months).{extra}"


def _headers(p: Projection, total: bool = True) -> tuple[list[str], list[str]]:
    headers = [_period_header(y) for y in p.years]
    tips = [_period_tip(y) for y in p.years]
    if total:
        headers.append("Total\nprojection")
        tips.append(f"The whole projection, {p.mobilisation_start:%d/%m/%Y} to {p.projection_end:%d/%m/%Y}")
    return headers, tips


def _flow_row(label: str, values: Sequence[Decimal], tooltip: str = "", *, bold: bool = False, italic: bool = False,
              total: Decimal | None | bool = True) -> Row:
    cells = [money_cell(v) for v in values]
    if total is True:
        cells.append(money_cell(sum(values, ZERO), bold=True))
    elif isinstance(total, Decimal):
        cells.append(money_cell(total, bold=True))
    else:
        cells.append(Cell(""))
    return Row(label, tuple(cells), tooltip, bold, italic)


def pnl_rows(p: Projection) -> list[Row]:
    """Profit and loss by period (columns), line items down (rows), as the domain computed them."""
    ys = p.years

    def col(attr: str) -> list[Decimal]:
        return [getattr(y, attr) for y in ys]

    rows = [
        _flow_row("Income", col("income"), "The contract's price for the months of the period, at the ramped volume",
                  bold=True, total=p.total_income),
        _flow_row("Payroll", col("payroll"), "Staff costs of delivery (the build-up's staff share, pay uplift)"),
        _flow_row("Non-pay", col("non_pay"), "Variable non-pay, members' fixed costs and the shared back office"),
        _flow_row("Performance bond", col("bond"), "The bond's premium, charged monthly over each contract year"),
        _flow_row("Insurance", col("insurance"), "The option's insurance a year, indexed by CPI"),
        _flow_row("Mobilisation", col("mobilisation"), "One-off mobilisation costs"),
        _flow_row("EBITDA", col("ebitda"), "Income − payroll − non-pay − bond − insurance − mobilisation", bold=True,
                  total=p.total_ebitda),
        _flow_row("Depreciation", col("depreciation"), "Capital expenditure written off over its useful life"),
        _flow_row("Grant income", col("grant_income"), "Grants are income when they come in"),
        _flow_row("Interest", col("interest"), "On loans and overdrafts"),
        _flow_row("Arrangement fees", col("arrangement_fees"), "Loan and overdraft fees, expensed when drawn"),
        _flow_row("Profit before tax", col("profit_before_tax"), "EBITDA − depreciation + grants − interest − fees",
                  bold=True, total=p.total_profit_before_tax),
        _flow_row("Tax", col("tax"), p.tax_basis, total=p.total_tax),
        _flow_row("Profit after tax", col("profit_after_tax"), "", bold=True, total=p.total_profit_after_tax),
    ]
    if p.structure in (Structure.SPV, Structure.SECONDARY_COOP):
        rows.append(_flow_row("Retained by vehicle", col("retained_by_vehicle"),
                              "Profit after tax not shared out by the members' profit shares", italic=True))
    rows.append(_flow_row("Management fee", col("management_fee"),
                          "Inside income: paid by the members to the lead or vehicle out of the price. For "
                          "information; not a cost of the consortium as a whole", italic=True))
    return rows


def cash_rows(p: Projection) -> list[Row]:
    cs = period_cash(p)

    def col(attr: str) -> list[Decimal]:
        return [getattr(c, attr) for c in cs]

    first_open = cs[0].opening if cs else ZERO
    last_close = cs[-1].closing if cs else ZERO
    last_cum = cs[-1].cumulative_before_funding if cs else ZERO
    return [
        _flow_row("Opening balance", col("opening"), "The bank balance at the start of the period", total=first_open),
        _flow_row("Receipts from the buyer", col("receipts"), f"Invoices paid {p.receipt_lag_months} months after "
                                                              "the month worked"),
        _flow_row("Equity in", col("equity_in"), "Members' equity, on its drawdown month"),
        _flow_row("Grants in", col("grants_in"), "Grants, on their drawdown month"),
        _flow_row("Loans drawn", col("loans_in"), "Loans, on their drawdown month"),
        _flow_row("Overdraft drawn", col("overdraft_drawn"), "Drawn automatically when cash would go below zero"),
        _flow_row("Total received", col("total_receipts"), "", bold=True),
        _flow_row("Payroll", col("payroll"), "Paid in the month worked"),
        _flow_row("Non-pay", col("non_pay"), f"Paid {p.non_pay_lag_months} months after it is incurred"),
        _flow_row("Bond and insurance", col("bond_and_insurance"), "The bond's premium at the start of each contract "
                                                                    "year; insurance monthly"),
        _flow_row("Mobilisation", col("mobilisation"), "One-off mobilisation costs"),
        _flow_row("Capital expenditure", col("capex"), "Paid in its month"),
        _flow_row("Tax", col("tax"), f"Each period's tax, paid {p.tax_lag_months} months after it ends"),
        _flow_row("Interest and fees", col("interest_and_fees"), "Loan and overdraft interest and arrangement fees"),
        _flow_row("Loans repaid", col("loan_repaid"), "Loan principal"),
        _flow_row("Overdraft repaid", col("overdraft_repaid"), "Repaid as soon as cash allows"),
        _flow_row("Total paid", col("total_payments"), "", bold=True),
        _flow_row("Closing balance", col("closing"), "Opening + total received − total paid", bold=True,
                  total=last_close),
        _flow_row("Cash flow before funding", col("cash_before_funding"),
                  "The project's own cash flow: receipts less operating payments, capital spending and tax on the "
                  "operating profit (the basis of the funding requirement and the returns)", italic=True),
        _flow_row("Cumulative before funding", col("cumulative_before_funding"),
                  "At the end of the period", italic=True, total=last_cum),
    ]


def dscr_rows(capital: Capital) -> list[Row]:
    f = capital.funding
    ds = f.dscr

    def col(attr: str) -> list[Decimal]:
        return [getattr(d, attr) for d in ds]

    def row(label: str, attr: str, tip: str, bold: bool = False) -> Row:
        return Row(label, tuple(money_cell(v) for v in col(attr)), tip, bold)

    ratio_cells = []
    for d in ds:
        if d.dscr is None:
            ratio_cells.append(Cell("—", None, "No interest or principal to cover in the period", tone="muted",
                                    right=True))
        elif not d.tested:
            ratio_cells.append(Cell(f"{_ratio(d.dscr)}× (not tested)", d.dscr,
                                    "Mobilisation is shown, not tested against the lender's minimum", tone="muted"))
        elif d.below_minimum:
            ratio_cells.append(Cell(f"✗ {_ratio(d.dscr)}×", d.dscr, f"Below the lender's minimum of "
                                                                    f"{_ratio(f.min_dscr)}×", tone="bad", bold=True))
        else:
            ratio_cells.append(Cell(f"✓ {_ratio(d.dscr)}×", d.dscr, f"Meets the lender's minimum of "
                                                                    f"{_ratio(f.min_dscr)}×", tone="good", bold=True))
    return [
        row("EBITDA", "ebitda", "From the P&L"),
        row("Tax paid", "tax_paid", "Tax actually paid in the period"),
        row("Capital expenditure", "capex", "Paid in the period"),
        row("Increase in working capital", "working_capital_increase", "EBITDA − operating cash before tax"),
        row("Paid for by the funding", "funded_by_requirement",
            "Capital spending and working capital built up until the peak funding need: the funding requirement "
            "pays for them, so they are added back"),
        row("CFADS", "cfads", "Cash flow available for debt service: EBITDA − tax paid − capital expenditure − the "
                              "increase in working capital + what the funding paid for", bold=True),
        row("Interest", "interest", "On loans and overdrafts"),
        row("Loan principal", "principal", "Loan repayments"),
        row("Debt service", "debt_service", "Interest + principal", bold=True),
        Row("DSCR", tuple(ratio_cells), f"CFADS ÷ debt service; lenders look for at least {_ratio(f.min_dscr)}×",
            bold=True),
    ]


class PeriodTablePanel(QWidget):
    """A line above a table of figures by period."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = FigureTableModel(self)
        self.table = FigureTable(self.model)
        self.note = rich_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_table(self, headers, rows, tips, note: str) -> None:
        hscroll = self.table.horizontalScrollBar().value()
        self.model.set_table(headers, rows, tips)
        self.table.horizontalScrollBar().setValue(hscroll)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def clear(self) -> None:
        self.model.clear()
        self.note.clear()


# --------------------------------------------------------------------------- funding and loans


SOURCE_COLUMNS = ("Source", "Kind", "Member", "Amount", "Drawn", "Arrangement fee", "Interest paid", "Repaid",
                  "Owed at the end", "Most drawn")
LOAN_COLUMNS = ("Month", "Date", "Opening balance", "Interest", "Principal", "Payment", "Closing balance")


def source_rows(capital: Capital) -> list[Row]:
    f = capital.funding
    rows = []
    for s in f.sources:
        loanish = s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT)
        rows.append(Row(s.name, (
            text_cell(s.name), text_cell(s.kind.label), text_cell(s.member_name),
            money_cell(s.amount, tooltip="For an overdraft: the facility"),
            text_cell(f"{s.drawdown_date:%b %Y} (month {s.drawdown_month})"),
            money_cell(s.arrangement_fee if loanish else None), money_cell(s.interest if loanish else None),
            money_cell(s.repaid if loanish else None), money_cell(s.outstanding_at_end if loanish else None),
            money_cell(s.peak_drawn if s.kind is FundingKind.OVERDRAFT else None))))
    rows.append(Row("Total", (text_cell("Total", bold=True), Cell(""), Cell(""),
                              money_cell(f.total_sources, bold=True)), bold=True))
    return rows


def loan_rows(loan: LoanSchedule, months: Sequence[MonthRow]) -> list[Row]:
    dates = {r.month: r.starts for r in months}
    rows = [Row(str(i), (text_cell(str(pmt.month)), text_cell(_month(dates.get(pmt.month))), money_cell(pmt.opening),
                         money_cell(pmt.interest), money_cell(pmt.principal), money_cell(pmt.payment),
                         money_cell(pmt.closing)))
            for i, pmt in enumerate(loan.payments, start=1)]
    rows.append(Row("Total", (text_cell("Total", bold=True), Cell(""), Cell(""),
                              money_cell(sum((x.interest for x in loan.payments), ZERO), bold=True),
                              money_cell(sum((x.principal for x in loan.payments), ZERO), bold=True),
                              money_cell(sum((x.payment for x in loan.payments), ZERO), bold=True), Cell("")),
                    bold=True))
    return rows


def loan_summary(loan: LoanSchedule, months: Sequence[MonthRow]) -> str:
    dates = {r.month: r.starts for r in months}
    parts = [f"<b>{_e(loan.name)}</b>: {_e(format_gbp(loan.amount))} drawn {_e(_month(dates.get(loan.drawdown_month)))}"
             f" at {_e(_pct(loan.interest_rate_pct))} a year"]
    if loan.term_months:
        parts.append(f"over {loan.term_months} months")
    if loan.capital_holiday_months:
        parts.append(f"interest only for the first {loan.capital_holiday_months} months")
    if loan.annuity is not None:
        parts.append(f"then {_e(format_gbp(loan.annuity))} a month")
    if loan.arrangement_fee:
        parts.append(f"arrangement fee {_e(format_gbp(loan.arrangement_fee))}")
    parts.append(f"interest over the projection {_e(format_gbp(loan.total_interest))}")
    if loan.balloon:
        parts.append(f"<b>{_e(format_gbp(loan.balloon))} still owed when the projection ends, shown repaid then</b>")
    return "; ".join(parts) + "."


class FundingPanel(QWidget):
    """The funding sources, and the chosen loan's payments."""

    MAX_SOURCE_ROWS = 8  # more scroll

    def __init__(self, parent=None):
        super().__init__(parent)
        self.capital: Capital | None = None
        self.note = rich_label()
        self.sources_model = FigureTableModel(self)
        self.sources_table = FigureTable(self.sources_model, row_names=False, max_width=240)
        self.sources_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.loan_label = QLabel("<b>Loan schedule:</b>")
        self.loan_combo = QComboBox()
        self.loan_combo.setAccessibleName("Loan")
        self.loan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.loan_combo.currentIndexChanged.connect(self._show_loan)
        self.loan_note = rich_label()
        self.loan_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.loan_model = FigureTableModel(self)
        self.loan_table = FigureTable(self.loan_model, row_names=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.note)
        layout.addWidget(self.sources_table)
        row = QHBoxLayout()
        row.setContentsMargins(0, 6, 0, 0)
        row.addWidget(self.loan_label)
        row.addWidget(self.loan_combo)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.loan_note)
        layout.addWidget(self.loan_table, 1)
        layout.addStretch(0)  # takes the room when there is no loan table

    def show_capital(self, capital: Capital) -> None:
        self.capital = capital
        f = capital.funding
        self.sources_model.set_table(SOURCE_COLUMNS, source_rows(capital))
        self.note.setText("Funding sources from the option's <b>Funding</b> tab, against a requirement of "
                          f"<b>{_e(format_gbp(f.requirement))}</b>. Months count from the start of mobilisation "
                          f"({_e(_month(capital.projection.mobilisation_start))} is month 0).")
        self._fit_sources()
        current = self.loan_combo.currentText()
        self.loan_combo.blockSignals(True)
        self.loan_combo.clear()
        for i, loan in enumerate(f.loan_schedules):
            self.loan_combo.addItem(loan.name, i)
        index = self.loan_combo.findText(current)
        self.loan_combo.setCurrentIndex(index if index >= 0 else 0)
        self.loan_combo.blockSignals(False)
        has_loans = bool(f.loan_schedules)
        self.loan_combo.setVisible(has_loans)
        self.loan_label.setVisible(has_loans)
        self.loan_combo.setEnabled(len(f.loan_schedules) > 1)
        self.loan_table.setVisible(has_loans)
        self._show_loan()

    def _fit_sources(self) -> None:
        t = self.sources_table
        rows = min(self.sources_model.rowCount(), self.MAX_SOURCE_ROWS)
        height = (t.horizontalHeader().sizeHint().height() + t.verticalHeader().defaultSectionSize() * rows
                  + 2 * t.frameWidth() + 2)
        if t.horizontalHeader().length() > t.viewport().width():
            height += t.horizontalScrollBar().sizeHint().height()
        t.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.capital is not None:
            self._fit_sources()

    def _show_loan(self, *_args) -> None:
        capital = self.capital
        if capital is None:
            return
        loans = capital.funding.loan_schedules
        i = self.loan_combo.currentData()
        if not loans or i is None:
            self.loan_model.clear()
            self.loan_note.setText("No loans: equity, grants and overdrafts have no repayment schedule. Add a loan on "
                                   "the option's <b>Funding</b> tab to see one.")
            return
        loan = loans[i]
        hscroll = self.loan_table.horizontalScrollBar().value()
        self.loan_model.set_table(LOAN_COLUMNS, loan_rows(loan, capital.projection.months))
        self.loan_table.horizontalScrollBar().setValue(hscroll)
        self.loan_note.setText(loan_summary(loan, capital.projection.months))

    def clear(self) -> None:
        self.capital = None
        self.sources_model.clear()
        self.loan_model.clear()
        self.loan_combo.clear()
        self.note.clear()
        self.loan_note.clear()


# --------------------------------------------------------------------------- members

MEMBER_COLUMNS = ("Role", "Profit share", "Tax rate", "Work value", "Profit before tax", "Tax", "Profit after tax")
MEMBER_TIPS = ("", "Its share of the profit", "What it pays on its own profit", "Its share of the price over the "
               "projection", "", "", "")


def member_total_rows(p: Projection) -> list[Row]:
    vehicle = p.structure in (Structure.SPV, Structure.SECONDARY_COOP)
    pbt_tip = "Its share of the vehicle's profit after tax" if vehicle else ""
    tax_tip = ("The vehicle pays the tax; members receive their shares after it" if vehicle
               else "Charities and CIOs pay none")
    rows = [Row(m.organisation_name, tooltip=f"{m.organisation_name} ({m.role.lower()})", cells=(
        text_cell(m.role), Cell(_pct(m.profit_share_pct), m.profit_share_pct),
        Cell(_pct(m.tax_rate_pct), m.tax_rate_pct, tax_tip if m.tax_rate_pct == 0 else ""),
        money_cell(m.work_value, tooltip="Its share of the price"), money_cell(m.profit_before_tax, tooltip=pbt_tip),
        money_cell(m.tax), money_cell(m.profit_after_tax, bold=True)))
        for m in p.members]
    if p.members:
        rows.append(Row("Total", (Cell(""), Cell(""), Cell(""),
                                  money_cell(sum((m.work_value for m in p.members), ZERO), bold=True),
                                  money_cell(sum((m.profit_before_tax for m in p.members), ZERO), bold=True),
                                  money_cell(sum((m.tax for m in p.members), ZERO), bold=True),
                                  money_cell(sum((m.profit_after_tax for m in p.members), ZERO), bold=True)),
                        bold=True))
    return rows


def member_year_rows(p: Projection) -> list[Row]:
    rows = []
    for m in p.members:
        by_period = {y.period: y for y in m.years}
        values = [by_period[y.period].profit_after_tax if y.period in by_period else ZERO for y in p.years]
        rows.append(_flow_row(m.organisation_name, values, f"{m.organisation_name}: profit after tax by period"))
    return rows


class MembersPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.note = rich_label()
        self.totals_model = FigureTableModel(self)
        self.totals_table = FigureTable(self.totals_model)
        self.years_model = FigureTableModel(self)
        self.years_table = FigureTable(self.years_model)
        years_title = QLabel("<b>Profit after tax by period</b>")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(4)
        top_layout.addWidget(self.note)
        top_layout.addWidget(self.totals_table, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(4)
        bottom_layout.addWidget(years_title)
        bottom_layout.addWidget(self.years_table, 1)
        self.splitter = two_pane(Qt.Orientation.Vertical, top, bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

    def show_projection(self, p: Projection) -> None:
        if not p.members:
            self.note.setText("The option has no members: add them on the <b>Members</b> tab.")
        else:
            self.note.setText(f"<b>Over the projection.</b> {_e(p.tax_basis)}")
        self.totals_model.set_table(MEMBER_COLUMNS, member_total_rows(p), MEMBER_TIPS)
        headers, tips = _headers(p)
        self.years_model.set_table(headers, member_year_rows(p), tips)

    def clear(self) -> None:
        self.note.clear()
        self.totals_model.clear()
        self.years_model.clear()


# --------------------------------------------------------------------------- months

MONTH_COLUMNS = ("Starts", "Phase", "Volume", "Income", "Receipts", "Operating payments", "Tax (operating)",
                 "Cash before funding", "Cumulative before funding", "Funding in", "Financing paid", "Tax paid",
                 "Closing balance", "Overdraft owed", "Loans owed")
MONTH_TIPS = (
    "", "", "Share of the planned volume delivered (ramp-up)", "Invoiced for the month",
    "Paid by the buyer in the month", "Payroll, non-pay, bond, insurance, mobilisation and capital expenditure paid",
    "Tax on the operating profit (the unfunded basis of the funding requirement and the returns)",
    "Receipts − operating payments − tax on the operating profit", "",
    "Equity, grants, loans and overdraft drawn", "Interest, arrangement fees, loan and overdraft repayments",
    "Tax actually paid, after financing costs", "The bank balance at the month end", "", "")


def month_rows(p: Projection) -> list[Row]:
    rows = []
    for r in p.months:
        operating = r.payroll_paid + r.non_pay_paid + r.bond_paid + r.insurance_paid + r.mobilisation_paid \
            + r.capex_paid
        funding_in = r.equity_in + r.grants_in + r.loans_in + r.overdraft_drawn
        financing = r.interest_paid + r.arrangement_fees_paid + r.loan_repaid + r.overdraft_repaid
        rows.append(Row(str(r.month), (
            text_cell(f"{r.starts:%b %Y}"), text_cell(r.phase),
            Cell(_pct(r.volume_pct, 0), r.volume_pct) if r.phase == "service" else Cell(""),
            money_cell(r.income, blank_zero=True), money_cell(r.receipts, blank_zero=True),
            money_cell(operating, blank_zero=True), money_cell(r.operating_tax_paid, blank_zero=True),
            money_cell(r.cash_before_funding), money_cell(r.cumulative_before_funding),
            money_cell(funding_in, blank_zero=True), money_cell(financing, blank_zero=True),
            money_cell(r.tax_paid, blank_zero=True), money_cell(r.closing_balance, bold=True),
            money_cell(r.overdraft_balance, blank_zero=True), money_cell(r.loan_balance, blank_zero=True))))
    return rows


# --------------------------------------------------------------------------- the view


class CashFlowView(OptionAnalysisView):
    """Funding requirement, cash flow, P&L, debt service cover and returns of the selected option."""

    shows = ("capital", "capital_with_extensions")

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.include_extensions = QCheckBox("Include extensions")
        self.include_extensions.setToolTip("Project the extension years too. The bid promises the term only, so "
                                           "the funding and returns normally leave them out.")
        self.include_extensions.toggled.connect(self._on_extensions_toggled)
        self.context = italic_label()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.context, 1)
        top.addWidget(self.include_extensions, 0, Qt.AlignmentFlag.AlignTop)

        self.headline = CashFlowHeadline()
        self.headline_scroll = headline_scroll(self.headline)

        self.chart = CashFlowChart()
        self.pnl = PeriodTablePanel()
        self.cash = PeriodTablePanel()
        self.dscr = PeriodTablePanel()
        self.funding = FundingPanel()
        self.members = MembersPanel()
        self.months = PeriodTablePanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.chart, "Chart")
        self.tabs.addTab(self.pnl, "P&&L by year")
        self.tabs.addTab(self.cash, "Cash by year")
        self.tabs.addTab(self.dscr, "Debt cover")
        self.tabs.addTab(self.funding, "Sources and loans")
        self.tabs.addTab(self.members, "Members")
        self.tabs.addTab(self.months, "Months")

        self.splitter = two_pane(Qt.Orientation.Vertical, self.headline_scroll, self.tabs, (0, 1))
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.body.addWidget(self.content, 1)
        self.content.setVisible(False)
        self._user_sized = False
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    # ------------------------------------------------------------------ tables for tests
    @property
    def pnl_model(self) -> FigureTableModel:
        return self.pnl.model

    @property
    def cash_model(self) -> FigureTableModel:
        return self.cash.model

    @property
    def dscr_model(self) -> FigureTableModel:
        return self.dscr.model

    def models(self) -> list[FigureTableModel]:
        return [self.pnl.model, self.cash.model, self.dscr.model, self.funding.sources_model,
                self.funding.loan_model, self.members.totals_model, self.members.years_model, self.months.model]

    # ------------------------------------------------------------------ computing and showing
    def _on_splitter_moved(self, *_args) -> None:
        self._user_sized = True

    def _on_extensions_toggled(self, _checked: bool) -> None:
        self.reload()

    def compute(self, ws, option_id: int) -> CashFlowResult:
        return compute_cash_flow(ws, option_id, self.include_extensions.isChecked())

    def show_result(self, result: CashFlowResult) -> None:
        p = result.capital.projection
        self.content.setVisible(True)
        self.include_extensions.setEnabled(result.extension_years > 0)
        self.include_extensions.setText(f"Include extensions (+{result.extension_years} years)"
                                        if result.extension_years else "Include extensions (none)")
        terms = (f"{result.structure.label} · mobilisation from {_month(p.mobilisation_start)} "
                 f"({p.mobilisation_months} months) · service {_month(p.service_start)} – {_month(p.service_end)}"
                 + (" with extensions" if p.include_extensions else "")
                 + f" · ramp-up {p.ramp_up_months} months · paid {p.receipt_lag_months} months after the month worked")
        self.context.setText(terms)
        self.context.setToolTip(f"{result.tender_name}: {result.option_name}")
        self.headline.show_result(result)
        self.chart.show_capital(result.capital)
        headers, tips = _headers(p)
        self.pnl.set_table(headers, pnl_rows(p), tips,
                           "<b>Profit and loss by period</b> (costs shown as positive amounts). " + _e(p.tax_basis))
        self.cash.set_table(headers, cash_rows(p), tips,
                            "<b>Cash by period</b>: the bank account with the funding drawn and repaid. "
                            "Each period: opening + total received − total paid = closing.")
        f = result.capital.funding
        d_headers, d_tips = _headers(p, total=False)
        verdict = ("no loan or overdraft to service" if f.lowest_dscr is None else
                   f"lowest over the contract years {_ratio(f.lowest_dscr)}×, "
                   + ("meets it" if f.dscr_ok else "<b>below it</b>"))
        self.dscr.set_table(d_headers, dscr_rows(result.capital), d_tips,
                            f"<b>Debt service cover</b> against the lender's minimum of {_e(_ratio(f.min_dscr))}× "
                            f"(the option's Details): {verdict}.")
        self.funding.show_capital(result.capital)
        self.members.show_projection(p)
        self.months.set_table(list(MONTH_COLUMNS), month_rows(p), list(MONTH_TIPS),
                              f"<b>{len(p.months)} months</b> from {_e(_month(p.mobilisation_start))} (month 0) to "
                              f"{_e(_month(p.projection_end))}, including the run-off until the last invoice, "
                              "supplier and tax are paid.")
        self._fit_headline()
        QTimer.singleShot(0, self, self._fit_headline)  # again once the new text is laid out

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.content.setVisible(False)
        self.headline.clear()
        self.chart.clear()
        for panel in (self.pnl, self.cash, self.dscr, self.funding, self.members, self.months):
            panel.clear()

    def _fit_headline(self) -> None:
        if not self._user_sized:
            fit_headline(self.splitter, self.headline_scroll, 0.42, 240)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.result is not None:
            self._fit_headline()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.result is not None:
            QTimer.singleShot(0, self, self._fit_headline)  # once the layout has given the headline its width
