"""``DocumentTable``: the read-only table view of a ``DocumentTableModel``, shared by the analysis views.

It sizes each column to its widest text (title included) within a limit, without asking Qt to
measure every cell: the model already holds every cell's text, so the longest few strings of a
column (by characters) are the only ones measured, and the widths are applied only when they
change. A table of hundreds of rows costs a few thousand ``len`` calls on a refresh, not a layout
pass over every cell. One column may take the spare width (and give it up first, down to a readable
width, when space is short); the table may be as tall as its rows (``height="fixed"``: the page
around it scrolls) or at most that tall (``height="max"``).
"""

from __future__ import annotations

import heapq
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

from .document_model import DocumentTableModel
from .sorting import SortProxy
from .style import read_only_table, table_height
from .zoom import scaled

#: texts measured per column: the longest by characters (proportional fonts differ a little)
MEASURED = 6
CELL_PADDING = 12
HEADER_PADDING = 12
READABLE = 150  # the least a stretching column shrinks to before the table scrolls instead

Height = Literal["free", "max", "fixed"]


class DocumentTable(QTableView):
    """A read-only view of a ``DocumentTableModel`` (see the module's docstring).

    ``sortable``: the user sorts by clicking a header (money as money: ``SortProxy``);
    ``stretch_column``: the column that takes the spare width; ``lines``: text lines a row shows;
    ``max_width`` (and per column ``max_widths``): the widest a fitted column gets.
    """

    def __init__(self, model: DocumentTableModel, *, sortable: bool = False, stretch_column: int | None = None,
                 lines: int = 1, height: Height = "free", max_width: int = 360,
                 max_widths: dict[int, int] | None = None, alternating: bool = True, parent=None):
        super().__init__(parent)
        self.source = model
        self.stretch_column = stretch_column
        self.height_mode = height
        self.max_width = max_width
        self.max_widths = max_widths or {}
        self.min_widths: dict[int, int] = {}  # e.g. a column of buttons: as wide as a button
        self.sortable = sortable
        self._fitted: list[int] = []
        self._width_memo: dict[int, tuple[tuple, int]] = {}  # column → what it was measured with, its width
        self._unfitted = False  # filled while out of sight: fitted when shown
        self._stretch_min = READABLE
        if sortable:
            self.proxy: SortProxy | None = SortProxy(self)
            self.proxy.setSourceModel(model)
            self.setModel(self.proxy)
            self.setSortingEnabled(True)
            self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        else:
            self.proxy = None
            self.setModel(model)
        read_only_table(self)
        self.setAlternatingRowColors(alternating)
        self.setWordWrap(lines > 1)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.verticalHeader()
        rows.setVisible(model.row_header)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        spacing = self.fontMetrics().lineSpacing()
        rows.setDefaultSectionSize(max(22, spacing * lines + (8 if lines == 1 else 10)))
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setHighlightSections(False)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        model.modelReset.connect(self._on_reset)
        model.refreshed.connect(self.fit_columns)  # once a refresh in place, whatever rows it told of
        if model.rowCount():
            self.fit_columns()

    # ------------------------------------------------------------------ widths
    def _on_reset(self) -> None:
        self._fitted = []
        self.fit_columns()

    def column_widths(self) -> list[int]:
        """Each column's fitted width: its widest line of text (title included), within the limits.

        A column whose title, texts, bold rows, limits and fonts are those it was last measured with keeps
        its width without measuring again (an edit changes a few columns' figures, seldom every column)."""
        model = self.source
        texts = model.texts()
        offset = 1 if model.row_header else 0
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        fmb = QFontMetrics(bold)
        hfm = self.horizontalHeader().fontMetrics()
        fonts = (self.font().key(), self.horizontalHeader().font().key())
        columns = list(zip(*texts, strict=True)) if texts else []
        rows = model.table.rows
        totals = frozenset(r for r in range(len(texts)) if model.is_total(r))
        extra = HEADER_PADDING
        widths = []
        memo: dict[int, tuple[tuple, int]] = {}
        for c in range(model.columnCount()):
            title = model.column(c).title
            column = columns[c + offset] if columns else ()
            strong_rows = frozenset(r for r, row in enumerate(rows) if row[c + offset].bold) | totals
            limits = (scaled(self.max_widths.get(c, self.max_width)), scaled(self.min_widths.get(c, 0)))
            signature = (title, column, strong_rows, limits, fonts)
            known = self._width_memo.get(c)
            if known is not None and known[0] == signature:
                widths.append(known[1])
                memo[c] = known
                continue
            widest = max((hfm.horizontalAdvance(t) for t in title.split("\n")), default=0) + extra
            plain: list[tuple[int, int]] = []
            strong: list[tuple[int, int]] = []  # bold rows (totals, subtotals) are wider for their length
            for r, text in enumerate(column):
                length = max(len(x) for x in text.split("\n"))
                (strong if r in strong_rows else plain).append((length, r))
            for group, metrics in ((plain, fm), (strong, fmb)):
                for _n, r in heapq.nlargest(MEASURED, group):
                    lines = column[r].split("\n")
                    widest = max(widest, max(metrics.horizontalAdvance(t) for t in lines) + CELL_PADDING)
            width = max(min(widest, limits[0]), limits[1])  # limits grow with the zoom
            widths.append(width)
            memo[c] = (signature, width)
        self._width_memo = memo
        return widths

    def fit_columns(self) -> None:
        """Apply the fitted widths when they differ from the last ones (a user's resizing survives a
        refresh that changes no width). A table out of sight (on a tab not shown, in a folded panel) fits
        when it is next shown: measuring every cell's text is the slowest part of showing new figures."""
        if self._out_of_sight():
            self._unfitted = True
            return
        self._unfitted = False
        widths = self.column_widths()
        header = self.horizontalHeader()
        if widths != self._fitted:
            self._fitted = widths
            for c, w in enumerate(widths):
                if c == self.stretch_column:
                    self._stretch_min = min(w, READABLE)
                    continue
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
                self.setColumnWidth(c, w)
        self._check_stretch()
        if self.height_mode == "max":
            self.setMaximumHeight(self.preferred_height())
            self.updateGeometry()
        elif self.height_mode == "fixed":
            self.fit_height()

    def _out_of_sight(self) -> bool:
        """Hidden by something inside its window: a tab or page not shown, a folded panel, or itself (a
        window not shown yet does not count: its tables are fitted as they are filled)."""
        w = self
        while w is not None and not w.isWindow():
            if w.isHidden():
                return True
            w = w.parentWidget()
        return False

    def showEvent(self, event) -> None:
        if self._unfitted:
            self.fit_columns()
        super().showEvent(event)

    def _check_stretch(self) -> None:
        """The stretching column shrinks to fit, but not below a readable width: then the table scrolls."""
        c = self.stretch_column
        if c is None or c >= self.source.columnCount():
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(self.source.columnCount()) if i != c)
        if self.viewport().width() - others >= self._stretch_min:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(c, self._stretch_min)

    # ------------------------------------------------------------------ height
    def preferred_height(self) -> int:
        """Tall enough for the header, every row and a horizontal scroll bar."""
        return table_height(self)

    def fit_height(self) -> None:
        """Exactly as tall as every row (with a scroll bar only when the columns are wider than the table)."""
        height = (self.horizontalHeader().sizeHint().height()
                  + self.verticalHeader().defaultSectionSize() * self.source.rowCount() + 2 * self.frameWidth())
        if self.horizontalHeader().length() > self.width() - 2 * self.frameWidth():
            height += self.horizontalScrollBar().sizeHint().height()
        if self.height() != height + 1 or self.minimumHeight() != height + 1:
            self.setFixedHeight(height + 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._check_stretch()
        if self.height_mode == "fixed":
            self.fit_height()

    # ------------------------------------------------------------------ rows
    def source_row(self, view_row: int) -> int:
        if self.proxy is None:
            return view_row
        return self.proxy.mapToSource(self.proxy.index(view_row, 0)).row()


__all__ = ["DocumentTable"]
