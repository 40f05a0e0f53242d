"""The Coverage tab's heat map: the view of ``coverage_heatmap(grid)`` (``document_model.HeatMapModel``),
its legend, and the selected cell explained below it.

Requirements that share a service line and area (the same service in two lots) share one cell:
``domain.capacity.coverage_grid`` sums their figures and takes the worst of their statuses, the
same grid the investment case and the option workbook show.
"""

from __future__ import annotations

import heapq

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ...domain.capacity import CoverageCell
from ...reports.document import Chart, Status
from ...reports.sections.capacity import COVERAGE_STATUS, STATUS_WORDS, fmt_pct, fmt_volume
from ..document_model import EMPTY_HEAT, HeatMapModel
from ..style import AMBER, GREEN, RED, Index, badge_html, chip_style, read_only_table, table_height, tone_of
from ..style import esc as _e
from ..zoom import scaled

SELECTION_FRAME = "#1f3b57"
_RANK = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2, Status.GREY: 3}
MEASURED = 8  # cell texts measured to size the columns: the longest by characters


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
            pen = QPen(QColor(SELECTION_FRAME))
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
        self.source = model
        self.setModel(model)
        self.setItemDelegate(HeatCellDelegate(self))
        read_only_table(self, select_rows=False)  # a cell at a time
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(False)
        self.setShowGrid(True)
        self.setStyleSheet("QTableView { gridline-color: #ffffff; }")
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(scaled(self.CELL_HEIGHT))
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setHighlightSections(False)
        rows.setMaximumWidth(260)  # a long service line is cut short (its tooltip has it whole)
        cols = self.horizontalHeader()
        cols.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        cols.setStretchLastSection(False)
        cols.setMinimumSectionSize(60)
        self._min_width = self.MIN_CELL_WIDTH
        model.modelReset.connect(self.fit)

    def show_chart(self, chart: Chart | None) -> None:
        """Show ``chart`` (None: nothing) and fit the columns to its texts, unless it is the chart on show
        already: fitting measures the widest texts again (0.35 ms a risk matrix, two of them twice an edit, for
        counts an allocation edit leaves as they were). A chart of a new shape is fitted by the model's reset."""
        model = self.source
        was = model.chart
        model.set_chart(chart)
        if model.chart is not was and chart is not None:
            self.fit()

    def fit(self) -> None:
        """Columns wide enough for the widest cell text, sharing any spare width up to a maximum."""
        fm = self.fontMetrics()
        model = self.source
        lines = [line for r in range(model.rowCount()) for c in range(model.columnCount())
                 for line in model.text(r, c).split("\n")]
        lines += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]
        widest = max((fm.horizontalAdvance(t) for t in heapq.nlargest(MEASURED, lines, key=len)), default=0)
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

    def select_worst(self) -> None:
        """Select the first gap in reading order (else the first thin cell, else the first), keeping the
        map's top left in view."""
        m = self.source
        cells = [(_RANK[s], r, c) for r in range(m.rowCount()) for c in range(m.columnCount())
                 if (s := m.status(r, c)) is not None]
        if not cells:
            return
        _rank, r, c = min(cells)
        self.setAutoScroll(False)
        self.setCurrentIndex(m.index(r, c))
        self.setAutoScroll(True)


class Legend(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        items = ((GREEN, "Covered"), (AMBER, "Thin: little headroom, or relies on growth"), (RED, "Gap"),
                 (EMPTY_HEAT, "Not required"))
        for tone, text in items:
            chip = QLabel(f"{tone.glyph}")
            chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
            chip.setFixedSize(QSize(20, 16))
            chip.setStyleSheet(chip_style(tone, 2))
            layout.addWidget(chip)
            layout.addWidget(QLabel(text))
        layout.addStretch(1)


def cell_details_html(cell: CoverageCell | None) -> str:
    """The selected cell: its status, figures, why, and who delivers it."""
    if cell is None:
        return (f"<p style='color:{EMPTY_HEAT.text}'>Select a cell to see who delivers it and why it has its colour. "
                "Each cell shows the share of the required volume allocated, and what is still short.</p>")
    if cell.status is None:
        return f"<p><b>{_e(cell.service_line)} — {_e(cell.area)}</b>: the tender requires nothing here.</p>"
    tone = tone_of(COVERAGE_STATUS[cell.status])
    assert tone is not None
    unit = f"{cell.unit}s a year" if cell.unit else "units a year"
    parts = [f"<p style='margin:0'>{badge_html(STATUS_WORDS[cell.status], tone)}&nbsp; <b>{_e(cell.service_line)} — "
             f"{_e(cell.area)}</b> ({_e(unit)})</p>",
             f"<p style='margin:4px 0 0 0'>Required <b>{_e(fmt_volume(cell.required))}</b> · allocated "
             f"<b>{_e(fmt_volume(cell.allocated))}</b> ({_e(fmt_pct(cell.coverage_pct))}) · shortfall "
             f"<b>{_e(fmt_volume(cell.shortfall))}</b> · members' capacity {_e(fmt_volume(cell.capacity))} now, "
             f"{_e(fmt_volume(cell.capacity_with_growth))} with growth</p>"]
    if len(cell.requirement_ids) > 1:
        parts.append(f"<p style='margin:4px 0 0 0'>{len(cell.requirement_ids)} requirements share this cell (the "
                     "same service in different lots): the figures are their sums, the colour the worst of "
                     "theirs.</p>")
    if cell.reasons:
        parts.append("<p style='margin:4px 0 0 0'><b>Why:</b> " + _e("; ".join(cell.reasons)) + ".</p>")
    if cell.deliverers:
        rows = "".join(f"<tr><td style='padding:0 12px 0 0'>{_e(n)}</td><td align='right'>{_e(fmt_volume(v))}</td>"
                       "</tr>" for n, v in cell.deliverers)
        parts.append(f"<p style='margin:4px 0 0 0'><b>Delivered by</b></p><table cellspacing='0'>{rows}</table>")
    else:
        parts.append("<p style='margin:4px 0 0 0'>No member is allocated any of it.</p>")
    return "".join(parts)


__all__ = ["HeatCellDelegate", "HeatMapTable", "Legend", "cell_details_html"]
