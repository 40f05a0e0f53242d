"""Capacity of the selected consortium option (DOMAIN §1, §5): presentation only.

Every figure, status and reason comes from ``services.analyses`` (coverage, workforce, partners,
optimiser); this module only lays them out:

* a header: the totals line (coverage %, required, allocated, shortfall, gaps/thin/covered as
  badges), the analysis's warnings, and the "Optimise allocation…" button;
* tabs: **Coverage** (the heat map: service lines × areas, each cell coloured covered / thin /
  gap / not required, with coverage % and shortfall, and below it the selected cell explained),
  **Members** (a chart of allocated volume against capacity now and with growth, and a table of
  utilisation, growth needed, lead time against mobilisation and contract dependency),
  **Workforce** (FTE, TUPE FTE and recruitment per member, with totals) and **Partners**
  (organisations outside the option ranked by how much of its gap they fill, each with an
  "Add to option" button);
* ``ProposalDialog``: the optimiser's proposal against the current allocation, applied as one
  undoable edit.

Requirements that share a service line and area (the same service in two lots) share one heat
map cell: its figures are their sums and its colour the worst of theirs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QLocale,
    QMargins,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.capacity import (
    CoverageCell,
    CoverageGrid,
    CoverageResult,
    CoverageStatus,
    MemberCoverage,
    PartnerCandidate,
    Rag,
    WorkforceResult,
    coverage_grid,
)
from ..domain.model import ConsortiumOption, Member, key
from ..domain.money import format_decimal, format_gbp
from ..domain.optimise import OptimiseStatus, Proposal
from ..domain.tasks import Cancelled
from ..reports.sections.capacity import cell_accessible, cell_detail, cell_note, fmt_pct, fmt_volume
from ..services import analyses
from . import style
from .analysis_view import OptionAnalysisView
from .charts import plot
from .optimise_rules import OptimiseRulesDialog
from .record_model import SORT_ROLE
from .style import (
    AMBER,
    GREEN,
    RED,
    Index,
    ReadOnlyTableModel,
    Tone,
    alignment,
    badge_html,
    banner_style,
    cell_font,
    chip_style,
    read_only_table,
    rich_label,
    show_warning_lines,
    table_height,
    two_pane,
)
from .style import esc as _e
from .tasks import BackgroundTask

STATUS_ROLE = Qt.ItemDataRole.UserRole + 10  # a heat map cell's CoverageStatus value (None: not required)
CELL_ROLE = Qt.ItemDataRole.UserRole + 11  # the HeatCell itself

# --------------------------------------------------------------------------- colours (see .style)
GREY = replace(style.GREY, text="#495057")  # "not required": a lighter grey text than the other tabs'

STATUS_TONE: dict[CoverageStatus, Tone] = {
    CoverageStatus.COVERED: GREEN,
    CoverageStatus.THIN: AMBER,
    CoverageStatus.GAP: RED,
}
STATUS_WORDS: dict[CoverageStatus, str] = {
    CoverageStatus.COVERED: "Covered",
    CoverageStatus.THIN: "Thin",
    CoverageStatus.GAP: "Gap",
}
RAG_TONE: dict[Rag, Tone] = {Rag.GREEN: GREEN, Rag.AMBER: AMBER, Rag.RED: RED, Rag.NOT_GIVEN: GREY,
                             Rag.NO_TURNOVER: GREY}
_WARNING_STYLE = banner_style(AMBER, "3px 6px")
_ERROR_STYLE = f"QLabel {{ color: {RED.text}; }}"

# chart colours: one blue family, darkest for what is allocated
_CHART_ALLOCATED = "#1f3b57"
_CHART_CAPACITY = "#7fb2e5"
_CHART_GROWTH = "#d6e8f7"


# --------------------------------------------------------------------------- formatting


def fmt_fte(value: Decimal) -> str:
    return format_decimal(value, 2)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --------------------------------------------------------------------------- a table of plain cells


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a plain table: its text and how it looks. No live objects."""

    text: str
    sort: Any = None  # a comparable value for sorting (the text when None)
    tone: Tone | None = None
    tooltip: str = ""
    bold: bool = False
    numeric: bool = False  # right-aligned


class CellTableModel(ReadOnlyTableModel):
    """Rows of ``Cell`` values with a key per row (a member or organisation id)."""

    def __init__(self, columns: Sequence[tuple[str, str]], parent=None):
        super().__init__(parent)
        self._columns = list(columns)  # (title, tooltip)
        self.rows: list[tuple[Cell, ...]] = []
        self._keys: list[Any] = []

    def set_rows(self, rows: Sequence[Sequence[Cell]], keys: Sequence[Any] | None = None) -> None:
        rows = [tuple(r) for r in rows]
        keys = list(keys) if keys is not None else list(range(len(rows)))
        if keys == self._keys and rows and all(len(r) == len(self._columns) for r in rows):
            # same rows: update in place, so selection and scroll position survive a refresh
            self.rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self._columns) - 1))
            return
        self.beginResetModel()
        self.rows, self._keys = rows, keys
        self.endResetModel()

    def key(self, row: int) -> Any:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of(self, key_: Any) -> int:
        try:
            return self._keys.index(key_)
        except ValueError:
            return -1

    def column_of(self, title: str) -> int:
        return next((i for i, (t, _tip) in enumerate(self._columns) if t.replace("\n", " ") == title), -1)

    def cell(self, row: int, column: int) -> Cell:
        return self.rows[row][column]

    def column_total(self) -> int:
        return len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            title, tip = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return title
            if role == Qt.ItemDataRole.ToolTipRole:
                return tip or None
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
            if role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self._columns):
            return None
        cell = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tooltip or None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(cell.tone.background)) if cell.tone else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(cell.tone.text)) if cell.tone else None
        if role == Qt.ItemDataRole.FontRole and cell.bold:
            return cell_font()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(cell.numeric)
        if role == SORT_ROLE:
            return cell.sort if cell.sort is not None else cell.text.casefold()
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return cell.text
        return None


def _num(value: Decimal | int | None) -> tuple[int, Decimal]:
    """A sort value with missing figures first."""
    return (0, Decimal(0)) if value is None else (1, Decimal(value))


class CellTable(QTableView):
    """A read-only table for a ``CellTableModel``: optionally sortable, with one column that takes
    the spare width (and gives it up first when space is short), and rows of ``lines`` text lines."""

    def __init__(self, model: CellTableModel, *, sortable: bool = False, stretch_column: int | None = None,
                 lines: int = 1, fit_height: bool = False, parent=None):
        super().__init__(parent)
        self.source = model
        self.stretch_column = stretch_column
        self.fit_height = fit_height
        if sortable:
            self.proxy: QSortFilterProxyModel | None = QSortFilterProxyModel(self)
            self.proxy.setSourceModel(model)
            self.proxy.setSortRole(SORT_ROLE)
            self.setModel(self.proxy)
            self.setSortingEnabled(True)
            self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        else:
            self.proxy = None
            self.setModel(model)
        read_only_table(self)
        self.setWordWrap(lines > 1)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() * lines + 10)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(stretch_column is None)
        header.setMinimumSectionSize(40)
        model.modelReset.connect(self.fit_columns)
        model.dataChanged.connect(lambda *_: self.fit_columns())

    def fit_columns(self) -> None:
        """Each column as wide as its widest line of text (header included), within limits."""
        fm = self.fontMetrics()
        header = self.horizontalHeader()
        bold = QFont(self.font())
        bold.setBold(True)
        fmb = QFontMetrics(bold)
        for c in range(self.source.columnCount()):
            title = str(self.source.headerData(c, Qt.Orientation.Horizontal) or "")
            widest = max((fmb.horizontalAdvance(t) for t in title.split("\n")), default=0) + 10
            for r in range(self.source.rowCount()):
                cell = self.source.cell(r, c)
                metrics = fmb if cell.bold else fm
                widest = max(widest, max(metrics.horizontalAdvance(t) for t in cell.text.split("\n")) + 12)
            if c == self.stretch_column:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
                header.setMinimumSectionSize(40)
                self._stretch_min = min(widest, 320)
            else:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                self.setColumnWidth(c, min(widest, 320))
        self._check_stretch()
        if self.fit_height:
            self.setMaximumHeight(self.preferred_height())
            self.updateGeometry()

    def _check_stretch(self) -> None:
        """The stretching column shrinks to fit, but not below a readable width: then scroll."""
        c = self.stretch_column
        if c is None or c >= self.source.columnCount():
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(self.source.columnCount()) if i != c)
        readable = min(getattr(self, "_stretch_min", 150), 150)
        if self.viewport().width() - others >= readable:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(c, readable)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._check_stretch()

    def preferred_height(self) -> int:
        return table_height(self)

    def source_row(self, view_row: int) -> int:
        if self.proxy is None:
            return view_row
        return self.proxy.mapToSource(self.proxy.index(view_row, 0)).row()


# --------------------------------------------------------------------------- the heat map


HeatCell = CoverageCell  # one service line × area, every lot taken together (domain.capacity)
HeatMap = CoverageGrid
build_heat_map = coverage_grid


def heat_text(cell: HeatCell) -> str:
    if cell.status is None:
        return "–"
    return f"{STATUS_TONE[cell.status].glyph} {fmt_pct(cell.coverage_pct)}\n{cell_detail(cell)}"


class HeatMapModel(ReadOnlyTableModel):
    """Service lines × areas; each cell a ``HeatCell``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heat = HeatMap((), (), ())

    def set_result(self, result: CoverageResult | None) -> None:
        heat = build_heat_map(result) if result is not None else HeatMap((), (), ())
        if heat.rows == self.heat.rows and heat.columns == self.heat.columns and heat.rows and heat.columns:
            self.heat = heat  # same shape: keep selection and scroll position
            self.dataChanged.emit(self.index(0, 0), self.index(len(heat.rows) - 1, len(heat.columns) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(heat.rows) - 1)
            return
        self.beginResetModel()
        self.heat = heat
        self.endResetModel()

    def cell(self, row: int, column: int) -> HeatCell:
        return self.heat.cells[row][column]

    def row_of(self, service_line: str) -> int:
        return next((i for i, (line, _u) in enumerate(self.heat.rows) if key(line) == key(service_line)), -1)

    def column_of(self, area: str) -> int:
        return next((i for i, a in enumerate(self.heat.columns) if key(a) == key(area)), -1)

    @property
    def rows(self) -> tuple[tuple[str, str], ...]:  # type: ignore[override]
        return self.heat.rows

    def column_total(self) -> int:
        return len(self.heat.columns) if self.heat.rows else 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.heat.columns):
                return None
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self.heat.columns[section]
            return None
        if not 0 <= section < len(self.heat.rows):
            return None
        line, unit = self.heat.rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{line}\n{unit}s a year" if unit else line
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{line}: volumes in {unit}s a year" if unit else line
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.heat.rows) or index.column() >= len(self.heat.columns):
            return None
        cell = self.heat.cells[index.row()][index.column()]
        tone = STATUS_TONE[cell.status] if cell.status is not None else GREY
        if role == Qt.ItemDataRole.DisplayRole:
            return heat_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_note(cell)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(tone.background))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(tone.text))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return cell_accessible(cell)
        if role == STATUS_ROLE:
            return cell.status.value if cell.status is not None else None
        if role == CELL_ROLE:
            return cell
        if role == SORT_ROLE:
            return cell.coverage_pct if cell.coverage_pct is not None else Decimal(-1)
        return None


class HeatCellDelegate(QStyledItemDelegate):
    """Paints a cell in its status colour even when selected; a dark frame marks the selection."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        opt = QStyleOptionViewItem(option)
        opt.state &= ~QStyle.StateFlag.State_Selected
        opt.state &= ~QStyle.StateFlag.State_HasFocus
        super().paint(painter, opt, index)
        if selected:
            painter.save()
            pen = QPen(QColor(_CHART_ALLOCATED))
            pen.setWidth(3)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
            painter.restore()


class HeatMapTable(QTableView):
    """The heat map: fixed-height rows; columns share the width, scrolling only when they must."""

    MIN_CELL_WIDTH = 112
    MAX_CELL_WIDTH = 200
    CELL_HEIGHT = 44

    def __init__(self, model: HeatMapModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(HeatCellDelegate(self))
        read_only_table(self, select_rows=False)  # a cell at a time
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(False)
        self.setShowGrid(True)
        self.setStyleSheet("QTableView { gridline-color: #ffffff; }")
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.CELL_HEIGHT)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setHighlightSections(False)
        rows.setMaximumWidth(260)  # a long service line is cut short (its tooltip has it whole)
        cols = self.horizontalHeader()
        cols.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        cols.setStretchLastSection(False)
        cols.setMinimumSectionSize(60)
        self._min_width = self.MIN_CELL_WIDTH
        model.modelReset.connect(self.fit)

    def fit(self) -> None:
        """Columns wide enough for the widest cell text, sharing any spare width up to a maximum."""
        fm = self.fontMetrics()
        model = self.model()
        texts = [line for r in range(model.rowCount()) for c in range(model.columnCount())
                 for line in str(model.data(model.index(r, c)) or "").split("\n")]
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]
        widest = max((fm.horizontalAdvance(t) for t in texts), default=0)
        self._min_width = max(self.MIN_CELL_WIDTH, widest + 20)
        self._share_width()
        self.setMaximumHeight(self.preferred_height())  # no empty band below the last row

    def _share_width(self) -> None:
        n = self.model().columnCount()
        if not n:
            return
        spare = self.viewport().width() // n
        self.horizontalHeader().setDefaultSectionSize(max(self._min_width, min(spare, self.MAX_CELL_WIDTH)))
        for c in range(n):
            self.horizontalHeader().resizeSection(c, self.horizontalHeader().defaultSectionSize())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._share_width()

    def preferred_height(self) -> int:
        return table_height(self, 4)


# --------------------------------------------------------------------------- members: chart and table


def _short_name(name: str, width: int = 32) -> str:
    """One line for a chart label (a label that does not fit its category is drawn as "...")."""
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


class UtilisationChart(QChartView):
    """Per member, two bars (units a year): a dark one for the volume allocated, and below it capacity
    now with the growth the member allows stacked on it. Dark past the medium part: the member must
    grow; past the light part: beyond even its maximum growth."""

    def __init__(self, parent=None):
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
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.series: QHorizontalBarSeries | None = None  # allocated: one value per member
        self.capacity_series: QHorizontalStackedBarSeries | None = None
        self.value_axis: QValueAxis | None = None
        self.category_axis: QBarCategoryAxis | None = None

    @staticmethod
    def _bar_set(label: str, colour: str, values: Sequence[Decimal], border: str | None = None) -> QBarSet:
        bar_set = QBarSet(label)
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(border or colour))
        for v in values:
            bar_set.append(plot(v))
        return bar_set

    def set_members(self, members: Sequence[MemberCoverage]) -> None:
        self.clear()
        chart = self.chart()
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
        self.series, self.capacity_series = allocated, capacity
        self.value_axis, self.category_axis = axis, categories
        height = 130 + 30 * len(members)  # room for each member's bars and its name, and no more
        self.setMinimumHeight(min(max(200, height), 300))
        self.setMaximumHeight(max(220, height))

    def clear(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.series = self.capacity_series = None
        self.value_axis = self.category_axis = None


MEMBER_COLUMNS = (
    ("Member", "The member organisation and its role in the option"),
    ("Allocated", "Units a year allocated to the member, all the tender's service lines"),
    ("Capacity\nnow", "Units a year the member can deliver now on the tender's service lines and areas"),
    ("Capacity\nwith growth", "Capacity including the member's maximum growth"),
    ("Utilisation", "Allocated ÷ capacity now; over 100% means the member must grow"),
    ("Growth\nneeded", "The most growth any of its lines needs: ✓ within the maximum growth it has given "
                       "for the line, ✗ beyond it"),
    ("Lead time\n(months)", "The longest lead time of its lines against the tender's mobilisation period"),
    ("Contract\ndependency", "Its share of the annual contract value ÷ its latest turnover "
                             "(≤25% green, ≤50% amber, else red)"),
)


def _member_rows(result: CoverageResult) -> list[tuple[Cell, ...]]:
    rows = []
    for m in result.members:
        lines_tip = []
        for ln in m.lines:
            if not ln.has_capacity_row:
                lines_tip.append(f"• {ln.service_line}, {ln.area}: {fmt_volume(ln.allocated)} allocated, "
                                 "but it has no capacity there ✗")
                continue
            growth = ""
            if ln.growth_needed_pct:
                growth = (f"; needs {fmt_pct(ln.growth_needed_pct)} growth, max {fmt_pct(ln.max_growth_pct)}"
                          + (" ✗" if ln.exceeds_growth_limit else ""))
            lead = f"; lead time {ln.lead_time_months} months" if ln.lead_time_months is not None else ""
            lines_tip.append(f"• {ln.service_line}, {ln.area}: {fmt_volume(ln.allocated)} of "
                             f"{fmt_volume(ln.capacity)} ({fmt_pct(ln.utilisation_pct)}){growth}{lead}")
        name_tip = f"{m.name} ({m.role.label.lower()})" + ("\n" + "\n".join(lines_tip) if lines_tip else
                                                           "\nNothing allocated.")
        # utilisation: red when some line is beyond even its growth, amber when it relies on growth
        util_tone = (RED if m.growth_exceeds_limit else AMBER if (m.max_growth_needed_pct or 0) > 0 else None)
        if m.max_growth_needed_pct is None:
            growth_text = "–" if not m.unsupported_volume else "✗ no capacity"
        elif m.max_growth_needed_pct == 0 and not m.growth_exceeds_limit:
            growth_text = "none"
        else:
            growth_text = f"{'✗' if m.growth_exceeds_limit else '✓'} {fmt_pct(m.max_growth_needed_pct)}"
        growth_tip = "\n".join(
            f"{ln.service_line}, {ln.area}: needs {fmt_pct(ln.growth_needed_pct)}, max {fmt_pct(ln.max_growth_pct)}"
            + (" — beyond the maximum" if ln.exceeds_growth_limit else "")
            for ln in m.lines if ln.has_capacity_row and ln.growth_needed_pct)
        if m.unsupported_volume:
            growth_tip += (("\n" if growth_tip else "") + f"{fmt_volume(m.unsupported_volume)} allocated where it "
                           "has no capacity at all")
        if m.lead_time_months is None:
            lead = Cell("–", _num(None), tooltip="Nothing allocated, or no lead time known")
        else:
            ok = bool(m.mobilisation_ok)
            lead = Cell(f"{'✓' if ok else '✗'} {m.lead_time_months} vs {m.mobilisation_months}",
                        _num(m.lead_time_months), GREEN if ok else RED,
                        f"Lead time {m.lead_time_months} months; the tender allows {m.mobilisation_months} months "
                        f"to mobilise: {'in time' if ok else 'it cannot be ready in time'}")
        dep_tone = RAG_TONE[m.dependency]
        if m.dependency_pct is not None:
            dep_text = f"{dep_tone.glyph} {fmt_pct(m.dependency_pct)}"
        else:
            dep_text = f"{dep_tone.glyph} {m.dependency.value}"
        year = f" (year to {m.turnover_year_end.strftime('%d/%m/%Y')})" if m.turnover_year_end else ""
        dep_tip = (f"Share of the annual contract value: {format_gbp(m.contract_value)}\n"
                   f"Latest turnover{year}: {format_gbp(m.latest_turnover)}\n"
                   f"Contract dependency: {fmt_pct(m.dependency_pct)} — {m.dependency.value}")
        rows.append((
            Cell(f"{m.name} · {m.role.label.lower()}", m.name.casefold(), tooltip=name_tip),
            Cell(fmt_volume(m.allocated), _num(m.allocated), numeric=True),
            Cell(fmt_volume(m.capacity), _num(m.capacity), numeric=True),
            Cell(fmt_volume(m.capacity_with_growth), _num(m.capacity_with_growth), numeric=True),
            Cell(fmt_pct(m.utilisation_pct), _num(m.utilisation_pct), util_tone, numeric=True,
                 tooltip=f"{fmt_volume(m.allocated)} allocated ÷ {fmt_volume(m.capacity)} capacity now"),
            Cell(growth_text, _num(m.max_growth_needed_pct),
                 RED if m.growth_exceeds_limit else AMBER if (m.max_growth_needed_pct or 0) > 0 else None,
                 growth_tip or "No line needs growth"),
            lead,
            Cell(dep_text, _num(m.dependency_pct), dep_tone, dep_tip),
        ))
    return rows


# --------------------------------------------------------------------------- workforce

WORKFORCE_COLUMNS = (
    ("Member", ""),
    ("FTE needed", "Allocated units × paid hours per unit ÷ productive hours per FTE"),
    ("TUPE FTE", "Staff transferring under TUPE to this member, in proportion to the volume it delivers"),
    ("Recruitment FTE", "max(0, FTE − TUPE FTE) + FTE × staff turnover, line by line"),
    ("Lead time", "The longest lead time of its lines against the tender's mobilisation period"),
)


def _workforce_rows(result: WorkforceResult) -> tuple[list[tuple[Cell, ...]], list[Any]]:
    rows, keys = [], []
    for m in result.members:
        tip = [m.name]
        for ln in m.lines:
            flags = f" ({'; '.join(ln.flags)})" if ln.flags else ""
            tip.append(f"• {ln.service_line} ({', '.join(ln.areas)}): {fmt_volume(ln.allocated_units)} units × "
                       f"{format_decimal(ln.paid_hours_per_unit, 4)} h = {fmt_fte(ln.fte)} FTE; TUPE "
                       f"{fmt_fte(ln.tupe_fte)}; recruit {fmt_fte(ln.recruitment_fte)}{flags}")
        flagged = any(ln.flags for ln in m.lines)
        if m.lead_time_months is None:
            lead = Cell("–")
        else:
            ok = bool(m.mobilisation_ok)
            lead = Cell(f"{'✓' if ok else '✗'} {m.lead_time_months} vs {m.mobilisation_months} months",
                        tone=GREEN if ok else RED)
        rows.append((
            Cell(m.name + (" ⚠" if flagged else ""), tooltip="\n".join(tip)),
            Cell(fmt_fte(m.fte), numeric=True),
            Cell(fmt_fte(m.tupe_fte), numeric=True),
            Cell(fmt_fte(m.recruitment_fte), numeric=True),
            lead,
        ))
        keys.append(m.member_id)
    rows.append((
        Cell("Total", bold=True),
        Cell(fmt_fte(result.total_fte), bold=True, numeric=True),
        Cell(fmt_fte(result.total_tupe_fte), bold=True, numeric=True),
        Cell(fmt_fte(result.total_recruitment_fte), bold=True, numeric=True),
        Cell(""),
    ))
    keys.append(None)
    return rows, keys


WORKFORCE_LINE_COLUMNS = (
    ("Member · service line", "Each member's FTE service line by service line (areas in the tooltip)"),
    ("Units\na year", "Units a year allocated to the member on this service line, all areas"),
    ("Hours\na unit", "Paid hours per unit: roles' hours × (1 + travel + training), from its cost profile"),
    ("FTE", "Units × hours a unit ÷ productive hours per FTE"),
    ("TUPE\nFTE", "Staff transferring under TUPE to this line; shaded where more transfer than the line needs"),
    ("Recruit\nFTE", "max(0, FTE − TUPE FTE) + FTE × staff turnover"),
)


def _workforce_line_rows(result: WorkforceResult) -> list[tuple[Cell, ...]]:
    names = {m.member_id: m.name for m in result.members}
    rows = []
    for ln in result.lines:
        # more staff transferring to a line than it needs: shown, not hidden in a member's total
        surplus = ln.tupe_fte > ln.fte
        tip = [f"{names.get(ln.member_id, ln.member_id)} · {ln.service_line}", "Areas: " + ", ".join(ln.areas)]
        if ln.lead_time_months is not None:
            tip.append(f"Lead time {_plural(ln.lead_time_months, 'month')}")
        tip += [f"⚠ {f}" for f in ln.flags]
        rows.append((
            Cell(f"{names.get(ln.member_id, ln.member_id)} · {ln.service_line}" + ("  ⚠" if ln.flags else ""),
                 tooltip="\n".join(tip)),
            Cell(fmt_volume(ln.allocated_units), _num(ln.allocated_units), numeric=True),
            Cell(format_decimal(ln.paid_hours_per_unit, 4), _num(ln.paid_hours_per_unit), numeric=True),
            Cell(fmt_fte(ln.fte), _num(ln.fte), numeric=True),
            Cell(fmt_fte(ln.tupe_fte), _num(ln.tupe_fte), AMBER if surplus else None, numeric=True,
                 tooltip=("More staff transfer under TUPE than this line's volume needs; the surplus does not "
                          "reduce recruitment on the member's other lines") if surplus else ""),
            Cell(fmt_fte(ln.recruitment_fte), _num(ln.recruitment_fte), numeric=True),
        ))
    return rows


def workforce_notes_html(result: WorkforceResult) -> str:
    """The assumptions, TUPE transfers, cohorts no member takes, and what rests on defaults."""
    parts = [f"<p style='margin:0'>FTE = allocated units × paid hours per unit ÷ "
             f"{_e(format_decimal(result.productive_hours_per_fte, 0))} productive hours a year; recruitment = "
             f"max(0, FTE − TUPE FTE) + FTE × {_e(fmt_pct(result.staff_turnover_pct))} staff turnover, service line "
             f"by service line. Mobilisation: {result.mobilisation_months} months.</p>"]
    if result.tupe_assignments:
        by_cohort: dict[str, list[str]] = defaultdict(list)
        names = {m.member_id: m.name for m in result.members}
        for a in result.tupe_assignments:
            by_cohort[a.cohort_name].append(f"{names.get(a.member_id, a.member_id)} {fmt_fte(a.fte)}")
        items = "".join(f"<li><b>{_e(c)}</b>: {_e('; '.join(v))}</li>" for c, v in by_cohort.items())
        parts.append(f"<p style='margin:6px 0 0 0'><b>TUPE transfers</b> (FTE, in proportion to the volume each "
                     f"member delivers)</p><ul style='margin-top:0; margin-bottom:0'>{items}</ul>")
    if any(ln.tupe_fte > ln.fte for ln in result.lines):
        parts.append(f"<p style='margin:4px 0 0 0'>{badge_html('TUPE', AMBER)} On the shaded lines more staff transfer "
                     "than the allocated volume needs; the surplus does not reduce recruitment elsewhere.</p>")
    if result.tupe_unassigned:
        items = "".join(f"<li>{_e(u.cohort_name)} ({_e(fmt_fte(u.fte))} FTE): {_e(u.reason)}</li>"
                        for u in result.tupe_unassigned)
        parts.append(f"<p style='margin:6px 0 0 0'>{badge_html('Not placed', AMBER)} TUPE cohorts no member takes:</p>"
                     f"<ul style='margin-top:0; margin-bottom:0'>{items}</ul>")
    flagged = sum(1 for ln in result.lines if ln.flags)
    if flagged:
        parts.append(f"<p style='margin:4px 0 0 0'>⚠ {_e(_plural(flagged, 'line'))} rest on defaults (no cost "
                     "profile, or no capacity row so no lead time): marked ⚠, with the reason in the tooltip.</p>")
    if result.warnings:
        parts.append("".join(f"<p style='margin:4px 0 0 0'>⚠ {_e(w)}</p>" for w in result.warnings))
    return "".join(parts)


# --------------------------------------------------------------------------- partners

PARTNER_COLUMNS = (
    ("Organisation", "An organisation outside the option with capacity where the option falls short"),
    ("Would fill", "Units a year of the option's gaps it could fill, including its own growth"),
    ("Of the gap", "Share of the option's whole capacity gap it would fill"),
    ("Gaps\nhelped", "Requirements it would help with, and how many are in its home area"),
    ("Lead time", "Its longest lead time among those gaps, against the tender's mobilisation period"),
    ("", ""),
)
PARTNER_BUTTON_COLUMN = len(PARTNER_COLUMNS) - 1


def _partner_rows(partners: Sequence[PartnerCandidate], mobilisation_months: int) -> list[tuple[Cell, ...]]:
    rows = []
    for p in partners:
        helps = "\n".join(f"• {h.service_line}, {h.area}: fills {fmt_volume(h.covers)} of a "
                          f"{fmt_volume(h.gap)} gap (capacity {fmt_volume(h.capacity)}, "
                          f"{fmt_volume(h.capacity_with_growth)} with growth; lead time {h.lead_time_months} "
                          "months)" for h in p.helps)
        ok = p.mobilisation_ok
        where = " · ".join(x for x in (p.kind.label, p.home_area) if x)
        rows.append((
            Cell(f"{p.name}\n{where}", p.name.casefold(), tooltip=f"{p.name} — {where}\n{helps}"),
            Cell(fmt_volume(p.covers), _num(p.covers), numeric=True, bold=True),
            Cell(fmt_pct(p.covers_pct), _num(p.covers_pct), numeric=True),
            Cell(f"{p.requirements_helped}\n{p.local_requirements} local", p.requirements_helped, numeric=True),
            Cell(f"{'✓' if ok else '✗'} {_plural(p.lead_time_months, 'month')}", p.lead_time_months,
                 GREEN if ok else RED, f"Lead time {_plural(p.lead_time_months, 'month')}; the tender allows "
                 f"{mobilisation_months} to mobilise: {'in time' if ok else 'it cannot be ready in time'}"),
            Cell(""),
        ))
    return rows


# --------------------------------------------------------------------------- the optimiser's proposal


@dataclass(frozen=True, slots=True)
class ProposalRow:
    requirement_id: int
    member_id: int
    requirement: str
    member: str
    current: Decimal
    proposed: Decimal
    unit_cost: Decimal | None
    cost: Decimal | None

    @property
    def change(self) -> Decimal:
        return self.proposed - self.current


def proposal_rows(proposal: Proposal, current: dict[tuple[int, int], Decimal], requirement_labels: dict[int, str],
                  member_names: dict[int, str]) -> list[ProposalRow]:
    """Every (requirement, member) pair with a current or proposed volume, in requirement order."""
    lines = {(ln.requirement_id, ln.member_id): ln for ln in proposal.lines}
    pairs = sorted(set(lines) | {k for k, v in current.items() if v})
    order = {rid: i for i, rid in enumerate(requirement_labels)}
    pairs.sort(key=lambda k: (order.get(k[0], len(order)), k[0], member_names.get(k[1], "").casefold(), k[1]))
    out = []
    for rid, mid in pairs:
        ln = lines.get((rid, mid))
        out.append(ProposalRow(rid, mid, requirement_labels.get(rid, f"Requirement {rid}"),
                               member_names.get(mid, f"Member {mid}"), current.get((rid, mid), Decimal(0)),
                               ln.volume if ln else Decimal(0), ln.unit_cost if ln else None,
                               ln.cost if ln else None))
    return out


VOLUME_COLUMNS = (("Requirement", ""), ("Member", ""), ("Current", "Volume allocated now, units a year"),
                  ("Proposed", "The optimiser's volume, units a year"), ("Change", ""),
                  ("Unit cost", "Direct cost per unit used by the optimiser"), ("Cost a year", ""))


def _volume_cells(rows: Sequence[ProposalRow]) -> list[tuple[Cell, ...]]:
    out = []
    for r in rows:
        change = r.change
        tone = None if change == 0 else GREEN if change > 0 else AMBER
        sign = "+" if change > 0 else ""
        out.append((
            Cell(r.requirement),
            Cell(r.member),
            Cell(fmt_volume(r.current), _num(r.current), numeric=True),
            Cell(fmt_volume(r.proposed), _num(r.proposed), numeric=True, bold=change != 0),
            Cell("–" if change == 0 else f"{sign}{fmt_volume(change)}", _num(change), tone, numeric=True),
            Cell(format_gbp(r.unit_cost, missing="–"), _num(r.unit_cost), numeric=True),
            Cell(format_gbp(r.cost, missing="–"), _num(r.cost), numeric=True),
        ))
    return out


class ProposalDialog(QDialog):
    """The optimiser's proposal against the current allocation; Apply replaces the allocation."""

    def __init__(self, proposal: Proposal, current: dict[tuple[int, int], Decimal], requirement_labels: dict[int, str],
                 member_names: dict[int, str], option_name: str = "", parent=None):
        super().__init__(parent)
        self.proposal = proposal
        self.setWindowTitle(f"Optimised allocation — {option_name}" if option_name else "Optimised allocation")
        self.setSizeGripEnabled(True)
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        tone = GREEN if proposal.status is OptimiseStatus.OPTIMAL else (
            AMBER if proposal.status is OptimiseStatus.INFEASIBLE else GREY if proposal.feasible else RED)
        label = {OptimiseStatus.OPTIMAL: "Least-cost plan", OptimiseStatus.INFEASIBLE: "Best partial plan",
                 OptimiseStatus.EMPTY: "Nothing to allocate", OptimiseStatus.FAILED: "Solver failed"}[proposal.status]
        self.rows = proposal_rows(proposal, current, requirement_labels, member_names)
        changed = [r for r in self.rows if r.change != 0]
        self.headline = QLabel(f"{badge_html(label, tone)}&nbsp; {_e(proposal.message)}")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.headline)
        current_total = sum(current.values(), Decimal(0))
        self.figures = QLabel(
            f"<b>Total cost {_e(format_gbp(proposal.total_cost))} a year</b> (direct cost estimate) · "
            f"volume {_e(fmt_volume(proposal.total_volume))} of {_e(fmt_volume(proposal.total_required))} required "
            f"(now {_e(fmt_volume(current_total))}) · {_e(_plural(len(changed), 'allocation'))} change · "
            f"HiGHS solved in {proposal.solve_seconds * 1000:,.1f}&nbsp;ms "
            f"(whole run {proposal.total_seconds * 1000:,.1f}&nbsp;ms)")
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.figures)
        if proposal.warnings:
            warn = QLabel("<br>".join(f"⚠&nbsp;{_e(w)}" for w in proposal.warnings))
            warn.setWordWrap(True)
            warn.setStyleSheet(_WARNING_STYLE)
            layout.addWidget(warn)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.volumes_model = CellTableModel(VOLUME_COLUMNS, self)
        self.volumes_model.set_rows(_volume_cells(self.rows), [(r.requirement_id, r.member_id) for r in self.rows])
        self.volumes = CellTable(self.volumes_model, sortable=True, stretch_column=0)
        self.volumes.fit_columns()
        self.tabs.addTab(self.volumes, f"Volumes ({_plural(len(changed), 'change')})")

        self.members_model = CellTableModel(
            (("Member", ""), ("Current", "Units a year allocated now"), ("Proposed", "Units a year proposed"),
             ("Share", "Of the tender's total required volume"), ("Cost a year", "Direct cost estimate")), self)
        now_by_member: dict[int, Decimal] = defaultdict(Decimal)
        for (_rid, mid), v in current.items():
            now_by_member[mid] += v
        self.members_model.set_rows([
            (Cell(t.name), Cell(fmt_volume(now_by_member.get(t.member_id, Decimal(0))), numeric=True),
             Cell(fmt_volume(t.volume), numeric=True, bold=True), Cell(fmt_pct(t.share_pct), numeric=True),
             Cell(format_gbp(t.cost), numeric=True)) for t in proposal.member_totals
        ] + [(Cell("Total", bold=True), Cell(fmt_volume(current_total), bold=True, numeric=True),
              Cell(fmt_volume(proposal.total_volume), bold=True, numeric=True), Cell(""),
              Cell(format_gbp(proposal.total_cost), bold=True, numeric=True))])
        self.members = CellTable(self.members_model, stretch_column=0)
        self.members.fit_columns()
        self.tabs.addTab(self.members, "By member")

        self.shortfalls_model = CellTableModel(
            (("Requirement", ""), ("Required", ""), ("Proposed", ""), ("Uncovered", ""), ("Why", "")), self)
        short_rows = [(Cell(requirement_labels.get(s.requirement_id, f"{s.service_line} — {s.area}")),
                       Cell(fmt_volume(s.required), numeric=True), Cell(fmt_volume(s.proposed), numeric=True),
                       Cell(fmt_volume(s.uncovered), numeric=True, bold=True, tone=RED),
                       Cell(s.reason, tooltip=s.reason)) for s in proposal.shortfalls]
        short_rows += [(Cell(f"{member_names.get(r.member_id, r.member_id)}: {r.rule}"),
                        Cell(fmt_volume(r.target_volume), numeric=True),
                        Cell(fmt_volume(r.achieved_volume), numeric=True),
                        Cell(fmt_volume(r.shortfall), numeric=True, bold=True, tone=RED),
                        Cell("The rule cannot be met with the members' capacity")) for r in proposal.rule_shortfalls]
        self.shortfalls_model.set_rows(short_rows)
        self.shortfalls = CellTable(self.shortfalls_model, stretch_column=4, lines=2)
        self.shortfalls.fit_columns()
        n_short = len(proposal.shortfalls) + len(proposal.rule_shortfalls)
        self.tabs.addTab(self.shortfalls, f"Shortfalls ({n_short})")
        if n_short:
            self.tabs.setTabToolTip(2, "What the plan cannot cover, and why")

        self.costs_model = CellTableModel(
            (("Member", ""), ("Service line", ""), ("Cost per unit", "Direct cost per unit"), ("Source", "")), self)
        self.costs_model.set_rows([
            (Cell(member_names.get(u.member_id, str(u.member_id))), Cell(u.service_line),
             Cell(format_gbp(u.cost_per_unit), numeric=True),
             Cell("cost profile" if u.from_profile and not u.note else u.note or "cost profile",
                  tone=None if u.from_profile else AMBER))
            for u in proposal.unit_costs])
        self.costs = CellTable(self.costs_model, sortable=True, stretch_column=3)
        self.costs.fit_columns()
        self.tabs.addTab(self.costs, "Unit costs")
        layout.addWidget(self.tabs, 1)

        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setToolTip("Replace the option's allocations with the proposal (one step on Edit ▸ Undo)")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if not changed:
            self.apply_button.setEnabled(False)
            self.note.setText("The proposal is the same as the current allocation.")
        elif not proposal.feasible:
            self.note.setText("This plan leaves some volume uncovered (see Shortfalls); applying it still leaves gaps.")
            self.note.setStyleSheet(_ERROR_STYLE)
        else:
            self.note.setText("Apply replaces the option's allocations; Edit ▸ Undo puts them back.")
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.apply_button.setDefault(bool(changed))

    @classmethod
    def ask(cls, parent: QWidget | None, proposal: Proposal, current: dict[tuple[int, int], Decimal],
            requirement_labels: dict[int, str], member_names: dict[int, str], option_name: str = "") -> bool:
        """Show the proposal; True when the user chooses Apply. Tests replace this."""
        dialog = cls(proposal, current, requirement_labels, member_names, option_name, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True, slots=True)
class CapacityResult:
    coverage: CoverageResult
    workforce: WorkforceResult
    partners: tuple[PartnerCandidate, ...]


class CapacitySummary(QWidget):
    """The totals line, warnings, and the Optimise button."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.totals = rich_label()
        top.addWidget(self.totals, 1)
        self.optimise_button = QPushButton("Optimise allocation…")
        self.optimise_button.setToolTip("Propose the least-cost split of the tender's volume among the members "
                                        "(HiGHS); you see it before anything changes")
        self.optimise_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top.addWidget(self.optimise_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setStyleSheet(_WARNING_STYLE)
        layout.addWidget(self.warnings)

    def show_result(self, result: CoverageResult) -> None:
        over = (f" · over-allocated {_e(fmt_volume(result.total_over_allocation))}"
                if result.total_over_allocation > 0 else "")
        self.totals.setText(
            f"<span style='font-size:115%'><b>Coverage {_e(fmt_pct(result.coverage_pct))}</b></span>"
            f"&nbsp; required <b>{_e(fmt_volume(result.total_required))}</b> · allocated "
            f"<b>{_e(fmt_volume(result.total_allocated))}</b> · shortfall "
            f"<b>{_e(fmt_volume(result.total_shortfall))}</b>{over}&nbsp;units&nbsp;a&nbsp;year<br>"
            f"{badge_html(_plural(result.n_gap, 'gap'), RED)}&nbsp; {badge_html(f'{result.n_thin} thin', AMBER)}&nbsp; "
            f"{badge_html(f'{result.n_covered} covered', GREEN)}&nbsp; of "
            f"{_e(_plural(len(result.requirements), 'requirement'))} · mobilisation "
            f"{result.mobilisation_months} months")
        show_warning_lines(self.warnings, result.warnings)

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(_ERROR_STYLE if error else "")
        self.status.setVisible(bool(text))


class Legend(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        items = ((GREEN, "Covered"), (AMBER, "Thin: little headroom, or relies on growth"), (RED, "Gap"),
                 (GREY, "Not required"))
        for tone, text in items:
            chip = QLabel(f"{tone.glyph}")
            chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
            chip.setFixedSize(QSize(20, 16))
            chip.setStyleSheet(chip_style(tone, 2))
            layout.addWidget(chip)
            layout.addWidget(QLabel(text))
        layout.addStretch(1)


def cell_details_html(cell: HeatCell | None) -> str:
    if cell is None:
        return (f"<p style='color:{GREY.text}'>Select a cell to see who delivers it and why it has its colour. "
                "Each cell shows the share of the required volume allocated, and what is still short.</p>")
    if cell.status is None:
        return f"<p><b>{_e(cell.service_line)} — {_e(cell.area)}</b>: the tender requires nothing here.</p>"
    tone = STATUS_TONE[cell.status]
    unit = f"{cell.unit}s a year" if cell.unit else "units a year"
    parts = [f"<p style='margin:0'>{badge_html(STATUS_WORDS[cell.status], tone)}&nbsp; <b>{_e(cell.service_line)} — "
             f"{_e(cell.area)}</b> ({_e(unit)})</p>",
             f"<p style='margin:4px 0 0 0'>Required <b>{_e(fmt_volume(cell.required))}</b> · allocated "
             f"<b>{_e(fmt_volume(cell.allocated))}</b> ({_e(fmt_pct(cell.coverage_pct))}) · shortfall "
             f"<b>{_e(fmt_volume(cell.shortfall))}</b> · members' capacity {_e(fmt_volume(cell.capacity))} now, "
             f"{_e(fmt_volume(cell.capacity_with_growth))} with growth</p>"]
    if cell.reasons:
        parts.append("<p style='margin:4px 0 0 0'><b>Why:</b> " + _e("; ".join(cell.reasons)) + ".</p>")
    if cell.deliverers:
        rows = "".join(f"<tr><td style='padding:0 12px 0 0'>{_e(n)}</td><td align='right'>{_e(fmt_volume(v))}</td>"
                       "</tr>" for n, v in cell.deliverers)
        parts.append(f"<p style='margin:4px 0 0 0'><b>Delivered by</b></p><table cellspacing='0'>{rows}</table>")
    else:
        parts.append("<p style='margin:4px 0 0 0'>No member is allocated any of it.</p>")
    return "".join(parts)


class CapacityView(OptionAnalysisView):
    """Coverage, members' utilisation, workforce and partners of the selected option; the optimiser."""

    shows = ("coverage", "workforce", "partners")

    optimised = Signal(object)  # the Proposal, once the user has seen it (applied or not)
    background = True  # coverage, workforce and partners of a large option take a few hundred ms

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.task: BackgroundTask | None = None
        self._rules: dict[int, object] = {}  # the optimiser rules last used, per option (for this session)
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.summary = CapacitySummary()
        self.summary.optimise_button.clicked.connect(self._on_optimise_clicked)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)

        # coverage: heat map, legend, the selected cell explained
        self.heat_model = HeatMapModel(self)
        self.heat_map = HeatMapTable(self.heat_model)
        self.heat_map.selectionModel().currentChanged.connect(lambda *_: self._show_cell())
        self.cell_details = QTextBrowser()
        self.cell_details.setFrameShape(QFrame.Shape.StyledPanel)
        self.cell_details.document().setDocumentMargin(6)
        self.cell_details.setMinimumHeight(120)
        coverage_page = QWidget()
        cl = QVBoxLayout(coverage_page)
        cl.setContentsMargins(0, 6, 0, 0)
        cl.setSpacing(6)
        cl.addWidget(Legend())
        self.coverage_split = two_pane(Qt.Orientation.Vertical, self.heat_map, self.cell_details, (3, 1))
        cl.addWidget(self.coverage_split, 1)
        self.tabs.addTab(coverage_page, "Coverage")

        # members: chart above the table
        self.chart = UtilisationChart()
        self.member_model = CellTableModel(MEMBER_COLUMNS, self)
        self.member_table = CellTable(self.member_model, sortable=True, stretch_column=0, lines=2)
        self.member_table.setMinimumHeight(150)
        self.member_split = two_pane(Qt.Orientation.Vertical, self.chart, self.member_table, (3, 2))
        self.tabs.addTab(self.member_split, "Members")

        # workforce: per member with totals, then per service line, then TUPE and assumptions
        self.workforce_model = CellTableModel(WORKFORCE_COLUMNS, self)
        self.workforce_table = CellTable(self.workforce_model, stretch_column=0, fit_height=True)
        self.workforce_line_model = CellTableModel(WORKFORCE_LINE_COLUMNS, self)
        self.workforce_lines = CellTable(self.workforce_line_model, sortable=True, stretch_column=0)
        self.workforce_notes = QTextBrowser()
        self.workforce_notes.setFrameShape(QFrame.Shape.StyledPanel)
        self.workforce_notes.document().setDocumentMargin(6)
        self.workforce_notes.setMinimumHeight(90)
        lower = two_pane(Qt.Orientation.Vertical, self.workforce_lines, self.workforce_notes, (3, 2))
        workforce_page = two_pane(Qt.Orientation.Vertical, self.workforce_table, lower, (0, 1))
        self.workforce_split = workforce_page
        self.tabs.addTab(workforce_page, "Workforce")

        # partners
        partners_page = QWidget()
        pl = QVBoxLayout(partners_page)
        pl.setContentsMargins(0, 6, 0, 0)
        pl.setSpacing(6)
        self.partner_intro = QLabel()
        self.partner_intro.setWordWrap(True)
        self.partner_intro.setTextFormat(Qt.TextFormat.RichText)
        pl.addWidget(self.partner_intro)
        self.partner_model = CellTableModel(PARTNER_COLUMNS, self)
        self.partner_table = CellTable(self.partner_model, stretch_column=0, lines=2)
        pl.addWidget(self.partner_table, 1)
        self.partner_buttons: dict[int, QPushButton] = {}
        self.tabs.addTab(partners_page, "Partners")

        self.body.addWidget(self.content, 1)
        self.content.setVisible(False)
        # each splitter gives its upper widget the height it needs and the lower one the rest, until the
        # user drags it; sized when its tab is shown, since a hidden splitter has no height to share
        self._user_sized: set[int] = set()
        for split in (self.coverage_split, self.member_split, self.workforce_split):
            split.splitterMoved.connect(lambda *_a, sp=split: self._user_sized.add(id(sp)))
        self._size_timer = QTimer(self)
        self._size_timer.setSingleShot(True)
        self._size_timer.setInterval(0)
        self._size_timer.timeout.connect(self._size_splitters)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._cell_html = ""
        self._workforce_html = ""
        self._dirty: set[int] = set()

    # ------------------------------------------------------------------ analysis
    def compute(self, ws, option_id: int) -> CapacityResult:
        value = partial(analyses.value, analyses.analyse_option(ws, option_id, self.shows))
        return CapacityResult(value("coverage"), value("workforce"), tuple(value("partners")))

    def show_result(self, result: CapacityResult) -> None:
        cov = result.coverage
        self.summary.show_result(cov)
        self.summary.optimise_button.setEnabled(self.task is None)
        self.tabs.setTabText(0, f"Coverage ({_plural(cov.n_gap, 'gap')})" if cov.n_gap else "Coverage")
        self.tabs.setTabText(1, f"Members ({len(cov.members)})")
        self.tabs.setTabText(3, f"Partners ({len(result.partners)})")
        self.content.setVisible(True)
        # only the tab in view is laid out now; the others when shown (a large option has hundreds of rows)
        self._dirty = set(range(self.tabs.count()))
        self._render(self.tabs.currentIndex())
        self._size_timer.start()

    def _render(self, index: int) -> None:
        if index not in self._dirty or self.result is None:
            return
        self._dirty.discard(index)
        result: CapacityResult = self.result
        cov = result.coverage
        if index == 0:
            self.heat_model.set_result(cov)
            if not self.heat_map.currentIndex().isValid():
                self._select_first_cell()
            self._show_cell()
        elif index == 1:
            self.chart.set_members(cov.members)
            self.member_model.set_rows(_member_rows(cov), [m.member_id for m in cov.members])
        elif index == 2:
            rows, keys = _workforce_rows(result.workforce)
            self.workforce_model.set_rows(rows, keys)
            self.workforce_line_model.set_rows(_workforce_line_rows(result.workforce),
                                               [(ln.member_id, ln.service_line) for ln in result.workforce.lines])
            text = workforce_notes_html(result.workforce)
            if text != self._workforce_html:
                self._workforce_html = text
                self.workforce_notes.setHtml(text)
        elif index == 3:
            self._show_partners(result.partners, cov)

    def render_all(self) -> None:
        """Lay out every tab now (tests and screenshots)."""
        for index in range(self.tabs.count()):
            self._render(index)

    def _on_tab_changed(self, index: int) -> None:
        self._render(index)
        self._size_timer.start()

    def _size_splitters(self) -> None:
        """Upper widget: the height it needs, within a share of the page; lower widget: the rest."""
        for split, wanted, share in ((self.coverage_split, self.heat_map.preferred_height(), 0.8),
                                     (self.member_split, self.chart.maximumHeight(), 0.62),
                                     (self.workforce_split, self.workforce_table.preferred_height(), 0.6)):
            total = sum(split.sizes())
            if id(split) in self._user_sized or not split.isVisible() or total <= 0:
                continue
            first = max(min(wanted, int(total * share), total - 130), 60)
            split.setSizes([first, total - first])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._size_timer.start()

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.content.setVisible(False)
        self._dirty = set()
        self.heat_model.set_result(None)
        self.member_model.set_rows([])
        self.workforce_model.set_rows([])
        self.workforce_line_model.set_rows([])
        self.partner_model.set_rows([])
        self.chart.clear()

    def _select_first_cell(self) -> None:
        """Start on the first gap in reading order (else the first thin cell, else the first), so its
        story shows below the map."""
        m = self.heat_model
        cells = [(r, c) for r in range(m.rowCount()) for c in range(m.columnCount())
                 if m.cell(r, c).status is not None]
        if not cells:
            return
        rank = {CoverageStatus.GAP: 0, CoverageStatus.THIN: 1, CoverageStatus.COVERED: 2}
        r, c = min(cells, key=lambda rc: (rank[m.cell(*rc).status], rc))  # type: ignore[index]
        self.heat_map.setAutoScroll(False)  # keep the map's top left in view
        self.heat_map.setCurrentIndex(m.index(r, c))
        self.heat_map.setAutoScroll(True)

    def _show_cell(self) -> None:
        index = self.heat_map.currentIndex()
        cell = index.data(CELL_ROLE) if index.isValid() else None
        text = cell_details_html(cell)
        if text != self._cell_html:
            self._cell_html = text
            self.cell_details.setHtml(text)

    # ------------------------------------------------------------------ partners
    def _show_partners(self, partners: Sequence[PartnerCandidate], cov: CoverageResult) -> None:
        self.partner_model.set_rows(_partner_rows(partners, cov.mobilisation_months),
                                    [p.organisation_id for p in partners])
        if partners:
            total_gap = partners[0].total_gap
            self.partner_intro.setText(
                f"The members cannot reach <b>{_e(fmt_volume(total_gap))}</b> units a year of the requirements even "
                "with their growth. These organisations outside the option could fill part of it, best first. "
                "<i>Add to option</i> makes one a member (Edit ▸ Undo takes it out again); then give it "
                "allocations on the Allocations tab, or let <i>Optimise allocation…</i> propose them.")
        else:
            self.partner_intro.setText(
                "No organisation outside the option would fill a gap: either the members' capacity, with their "
                "growth, covers every requirement, or no other organisation has capacity where it falls short.")
        # one "Add to option" button per row; after a reset the view has dropped the old ones
        self.partner_buttons = {}
        for row in range(self.partner_model.rowCount()):
            org_id = self.partner_model.key(row)
            index = self.partner_model.index(row, PARTNER_BUTTON_COLUMN)
            holder = self.partner_table.indexWidget(index)
            button = holder.findChild(QPushButton) if holder is not None else None
            if button is None or button.property("organisation_id") != org_id:
                holder = QWidget()
                box = QHBoxLayout(holder)
                box.setContentsMargins(4, 3, 4, 3)
                button = QPushButton("Add to option")
                button.setProperty("organisation_id", org_id)
                button.setToolTip(f"Make {partners[row].name} a member of this option (Edit ▸ Undo takes it out)")
                button.clicked.connect(lambda _checked=False, o=org_id: self._on_add_clicked(o))
                box.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
                self.partner_table.setIndexWidget(index, holder)
            self.partner_buttons[org_id] = button
        self.partner_table.fit_columns()
        if self.partner_buttons:
            hint = max(b.sizeHint().width() for b in self.partner_buttons.values())
            self.partner_table.setColumnWidth(PARTNER_BUTTON_COLUMN, hint + 10)
            self.partner_table._check_stretch()

    # Slots return None: PySide6 6.12 mishandles the reference of a value a slot returns.
    def _on_add_clicked(self, organisation_id: int) -> None:
        self.add_partner(organisation_id)

    def _on_optimise_clicked(self, _checked: bool = False) -> None:
        self.optimise()

    def add_partner(self, organisation_id: int) -> Member | None:
        """Make the organisation a member of the selected option (undoable)."""
        option_id = self.option_id()
        if option_id is None:
            return None
        return self.controller.add(Member, {"option_id": option_id, "organisation_id": organisation_id})

    # ------------------------------------------------------------------ optimiser
    def optimise(self) -> BackgroundTask | None:
        """Run the optimiser on a copy of the workspace off the UI thread, then show the proposal."""
        option_id = self.option_id()
        if option_id is None or self.task is not None:
            return None
        members = [(m.id, self.controller.ws.display_name(Member, m.id)) for m in self.controller.ws.members(option_id)]
        rules = OptimiseRulesDialog.ask(self, members, self._rules.get(option_id))  # type: ignore[arg-type]
        if rules is None:
            return None
        self._rules[option_id] = rules
        ws = self.controller.ws.copy()

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Proposal:
            return analyses.optimiser(ws, option_id, progress, cancelled, rules=rules)

        task = BackgroundTask(work, title="Optimising the allocation…", parent_widget=self)
        task.finished.connect(lambda proposal: self._on_optimised(option_id, proposal))
        task.failed.connect(self._on_optimise_failed)
        self.task = task
        self.summary.optimise_button.setEnabled(False)
        self.summary.set_status("Optimising…")
        return task.start()

    def _task_done(self) -> None:
        if self.task is not None:
            self.task.deleteLater()
        self.task = None
        self.summary.optimise_button.setEnabled(True)

    def _on_optimise_failed(self, exc: BaseException) -> None:
        self._task_done()
        if isinstance(exc, Cancelled):
            self.summary.set_status("Optimisation cancelled; nothing changed.")
        else:
            self.summary.set_status(f"The optimiser could not run: {exc}", error=True)

    def _on_optimised(self, option_id: int, proposal: Proposal) -> None:
        self._task_done()
        ws = self.controller.ws
        option = ws.get(ConsortiumOption, option_id)
        if option is None:
            self.summary.set_status("The option was deleted while the optimiser ran; nothing changed.", error=True)
            return
        self.summary.set_status("")
        current: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for a in ws.allocations(option_id):
            current[(a.requirement_id, a.member_id)] += a.volume  # type: ignore[index]
        labels = {r.id: f"{r.service_line} — {r.area}" for r in ws.requirements(option.tender_id)}
        names = {m.id: ws.display_name(Member, m.id) for m in ws.members(option_id)}
        names.update({t.member_id: t.name for t in proposal.member_totals})
        applied = ProposalDialog.ask(self, proposal, dict(current), labels, names, option.name)  # type: ignore[arg-type]
        if applied:
            if self.controller.replace_allocations(option_id, proposal.volumes(), "Apply optimised allocation"):
                self.summary.set_status("Optimised allocation applied; Edit ▸ Undo puts the previous one back.")
        self.optimised.emit(proposal)


__all__ = [
    "CELL_ROLE",
    "STATUS_ROLE",
    "CapacityResult",
    "CapacityView",
    "Cell",
    "CellTableModel",
    "HeatCell",
    "HeatMapModel",
    "ProposalDialog",
    "UtilisationChart",
    "build_heat_map",
    "proposal_rows",
]
