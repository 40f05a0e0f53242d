"""The GUI's renderers of the neutral document model (``reports/document.py``).

* ``DocumentTableModel`` shows a ``Table``, read-only: the text is ``Table.text`` (so the screen
  says what the PDF and the workbook say), the tooltip the cell's ``note``, the colours its
  ``status`` in the screen's tones, figures right-aligned, negative money in red, total rows in
  bold on a grey band, highlighted rows shaded. ``SORT_ROLE`` gives the cell's ``Decimal`` (so money
  sorts as money, with ``sorting.SortProxy``), ``VALUE_ROLE`` the ``Decimal``, ``STATUS_ROLE`` the
  ``Status``. With ``row_header`` the table's first column is the vertical header, so the row
  names stay in view when a wide table scrolls sideways.
* ``HeatMapModel`` shows a heat map ``Chart`` (``ChartKind.HEATMAP``): its series are the rows and
  its categories the columns; a cell shows its status's glyph, its value and the series' detail,
  coloured by its status, with the note as tooltip. Whatever the caller passes as ``payloads`` (the
  domain objects behind the cells) comes back through ``CELL_ROLE``.

Both keep the rows they were given and never compute a figure.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ..reports.document import MISSING, Cell, Chart, Column, Kind, Status, Table, format_value
from ..services.glossary import lookup
from .roles import CELL_ROLE, HIGHLIGHT_ROLE, SORT_ROLE, STATUS_ROLE, VALUE_ROLE
from .sorting import sort_value
from .style import GREY, NEGATIVE_TEXT, ROOT, Index, alignment, cell_font, tone_of

__all__ = ["EMPTY_TABLE", "DocumentTableModel", "HeatMapModel", "runs_of"]

EMPTY_TABLE = Table("", (), ())
HIGHLIGHT_BACKGROUND = "#eef2f7"  # a highlighted row (an extension year, our bid)
TOTAL_BACKGROUND = GREY.background  # a total row
PLAIN_TEXT = "#212529"  # text on a background we set, whatever the desktop theme
EMPTY_HEAT = replace(GREY, text="#495057")  # a heat map cell with nothing in it: lighter than a grey status

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
#: an in-place refresh whose changed rows fall into more runs than this is told as one range, first to last
_MOST_RUNS = 8


def runs_of(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Rows (ascending) as runs of consecutive rows, (first, last) each, to tell a view of in one signal each; more
    than ``_MOST_RUNS`` runs, scattered over the table, as one from the first to the last."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    if len(runs) > _MOST_RUNS:
        return [(rows[0], rows[-1])]
    return [(a, b) for a, b in runs]


def _defined(label: str) -> str | None:
    """The glossary's definition of what ``label`` names (a figure's tooltip when it has no note of its own)."""
    term = lookup(label)
    return f"{term.name}: {term.text}" if term is not None else None


def _numeric(kind: Kind) -> bool:
    return kind is not Kind.TEXT


def _decimal(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


class DocumentTableModel(QAbstractTableModel):
    """A read-only ``reports.document.Table`` (see the module's docstring).

    ``keys`` name the rows (a member id, an organisation id…) for ``key``/``row_of``, so a view can
    find a row again after a refresh; without them a row's key is the text of its first column.
    A refresh with the same keys and columns updates the cells in place, so the selection and the
    scroll position survive it.
    """

    #: after a refresh in place that changed some rows (after their ``dataChanged``, one a run of rows)
    refreshed = Signal()

    def __init__(self, table: Table | None = None, *, row_header: bool = False, parent=None):
        super().__init__(parent)
        self.row_header = row_header
        self._offset = 1 if row_header else 0
        self.table = EMPTY_TABLE
        self._texts: list[list[str]] = []
        self._keys: list[Hashable] = []
        self._totals: frozenset[int] = frozenset()
        self._highlights: frozenset[int] = frozenset()
        if table is not None:
            self._take(table, None)

    # ------------------------------------------------------------------ the table
    def _take(self, table: Table, keys: Sequence[Hashable] | None) -> None:
        self.table = table
        self._texts = table.texts()
        n = len(table.rows)
        self._keys = list(keys) if keys is not None else [r[0] if r else i for i, r in enumerate(self._texts)]
        if len(self._keys) != n:
            raise ValueError(f"{len(self._keys)} keys for {n} rows")
        self._totals = frozenset(range(n - table.total_rows, n)) if table.total_rows else frozenset()
        self._highlights = frozenset(table.highlight_rows)

    def set_table(self, table: Table, keys: Sequence[Hashable] | None = None) -> None:
        """Show ``table``; in place when its rows (by key) and columns are the ones shown."""
        new_keys = list(keys) if keys is not None else None
        in_place = (bool(table.rows) and table.columns == self.table.columns and len(table.rows) == len(self._keys)
                    and (new_keys == self._keys if new_keys is not None
                         else all(r and table.text(i, 0) == k for i, (r, k) in enumerate(zip(table.rows, self._keys,
                                                                                            strict=True)))))
        if in_place:
            old = self.table.rows, self._texts, self._totals, self._highlights
            self._take(table, new_keys)
            self._changed_rows(*old)
            return
        self.beginResetModel()
        self._take(table, new_keys)
        self.endResetModel()

    def _changed_rows(self, rows: tuple[tuple[Cell, ...], ...], texts: list[list[str]], totals: frozenset[int],
                      highlights: frozenset[int]) -> None:
        """After an in-place refresh, tell the views of the rows whose cells or band changed, and only of those:
        a view repaints what it is told changed, so a result that leaves the figures as they were (an edit
        that does not move this table's figures) repaints nothing, and one that moves a few figures repaints
        their rows (the whole table took the Standing tab 5 ms to paint on the demo, issue 22). Cells are
        compared text by text first (strings, in C), then cell by cell (the note, the status's colour)."""
        new_rows, new_texts = self.table.rows, self._texts
        moved = (totals ^ self._totals) | (highlights ^ self._highlights)
        changed = [r for r in range(len(new_rows))
                   if new_texts[r] != texts[r] or new_rows[r] != rows[r] or r in moved]
        if not changed:
            return
        last = max(self.columnCount() - 1, 0)
        for first, end in runs_of(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))
            if self.row_header:
                self.headerDataChanged.emit(Qt.Orientation.Vertical, first, end)
        self.refreshed.emit()

    def clear(self) -> None:
        self.set_table(EMPTY_TABLE)

    # ------------------------------------------------------------------ lookups (model coordinates)
    def key(self, row: int) -> Hashable | None:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of(self, key: Hashable) -> int:
        """The row whose key is ``key`` (-1 if none)."""
        try:
            return self._keys.index(key)
        except ValueError:
            return -1

    def column(self, column: int) -> Column:
        return self.table.columns[column + self._offset]

    def column_of(self, title: str) -> int:
        """The column titled ``title``: its whole title, with line breaks read as spaces, or its first
        line (-1 if none)."""
        for i in range(self.columnCount()):
            t = self.column(i).title
            if title in (t, t.replace("\n", " "), t.split("\n", 1)[0]):
                return i
        return -1

    def titles(self) -> list[str]:
        return [self.column(i).title for i in range(self.columnCount())]

    def cell(self, row: int, column: int) -> Cell:
        return self.table.rows[row][column + self._offset]

    def text(self, row: int, column: int) -> str:
        return self._texts[row][column + self._offset]

    def texts(self) -> list[list[str]]:
        """Every cell's text as shown, row by row (the row names first with ``row_header``)."""
        return self._texts

    def value(self, key: Hashable, column: int) -> Decimal | None:
        """The figure in the row ``key`` and ``column`` (None: text or missing)."""
        return _decimal(self.cell(self.row_of(key), column).value)

    def is_total(self, row: int) -> bool:
        return row in self._totals

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else max(len(self.table.columns) - self._offset, 0)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.columnCount():
                return None
            col = self.column(section)
            if role == _DISPLAY:
                return col.title
            if role == _TOOLTIP:
                return col.note or _defined(col.title)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return alignment(_numeric(col.kind))
            return None
        if not 0 <= section < self.rowCount():
            return None
        if not self.row_header:
            return str(section + 1) if role == _DISPLAY else None
        label = self.table.rows[section][0]
        if role == _DISPLAY:
            return self._texts[section][0]
        if role == _TOOLTIP:
            return label.note or _defined(self._texts[section][0])
        if role == Qt.ItemDataRole.FontRole and (label.bold or label.italic or section in self._totals):
            return cell_font(label.bold or section in self._totals, label.italic)
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column() + self._offset
        if not (0 <= r < len(self.table.rows) and 0 <= c < len(self.table.columns)):
            return None
        cell = self.table.rows[r][c]
        if role == _DISPLAY:
            return self._texts[r][c]
        if role == _TOOLTIP:
            if cell.note:
                return cell.note
            if not self.row_header:
                return None
            return self.table.rows[r][0].note or _defined(self._texts[r][0])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(_numeric(self.table.columns[c].kind))
        if role == Qt.ItemDataRole.FontRole:
            bold = cell.bold or r in self._totals
            return cell_font(bold, cell.italic) if bold or cell.italic else None
        if role == Qt.ItemDataRole.BackgroundRole:
            background = self._background(r, cell)
            return QBrush(QColor(background)) if background else None
        if role == Qt.ItemDataRole.ForegroundRole:
            tone = tone_of(cell.status)
            if tone is not None:
                return QBrush(QColor(tone.text))
            kind = cell.kind or self.table.columns[c].kind
            if kind in (Kind.MONEY, Kind.PRICE) and isinstance(cell.value, Decimal) and cell.value < 0:
                return QBrush(QColor(NEGATIVE_TEXT))
            return QBrush(QColor(PLAIN_TEXT)) if self._background(r, cell) else None
        if role == SORT_ROLE:
            return sort_value(cell.value)
        if role == VALUE_ROLE:
            return _decimal(cell.value)
        if role == STATUS_ROLE:
            return cell.status
        if role == HIGHLIGHT_ROLE:
            return r in self._highlights
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._texts[r][c]
            if self.row_header:
                return f"{self._texts[r][0]}, {self.table.columns[c].title.replace(chr(10), ' ')}: {text}"
            return text
        return None

    def _background(self, row: int, cell: Cell) -> str | None:
        tone = tone_of(cell.status)
        if tone is not None:
            return tone.background
        if row in self._highlights:
            return HIGHLIGHT_BACKGROUND
        if row in self._totals:
            return TOTAL_BACKGROUND
        return None


class HeatMapModel(QAbstractTableModel):
    """A heat map ``Chart``: a row per series, a column per category (see the module's docstring)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.chart: Chart | None = None
        self._payloads: Sequence[Sequence[Any]] = ()
        self._texts: dict[tuple[int, int], str] = {}  # (row, column) → the cell's text, once asked for

    def set_chart(self, chart: Chart | None, payloads: Sequence[Sequence[Any]] | None = None) -> None:
        """Show ``chart`` (None: nothing); ``payloads[row][column]`` is what ``CELL_ROLE`` returns."""
        old = self.chart
        if chart is not None and chart == old and not payloads and not self._payloads:
            return  # on show already: a change would paint every cell again (the risk matrices, every edit)
        same_shape = (chart is not None and old is not None and chart.series and chart.categories
                      and chart.categories == old.categories
                      and [s.name for s in chart.series] == [s.name for s in old.series])
        if not same_shape:
            self.beginResetModel()
        self.chart = chart
        self._payloads = payloads or ()
        self._texts = {}  # a cell's text is made when it is first asked for (a large grid shows a part of it)
        if not same_shape:
            self.endResetModel()
            return
        # the same rows and columns: keep the selection and the scroll position
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    @staticmethod
    def _cell_text(chart: Chart, row: int, column: int) -> str:
        s = chart.series[row]
        value = s.values[column] if column < len(s.values) else None
        status = s.statuses[column] if column < len(s.statuses) else None
        if value is None and status is None:
            return MISSING
        tone = tone_of(status)
        text = format_value(value, chart.y_kind, chart.places)
        if tone is not None:
            text = f"{tone.glyph} {text}"
        detail = s.details[column] if column < len(s.details) else ""
        return f"{text}\n{detail}" if detail else text

    # ------------------------------------------------------------------ lookups
    def status(self, row: int, column: int) -> Status | None:
        s = self.chart.series[row] if self.chart is not None else None
        return s.statuses[column] if s is not None and column < len(s.statuses) else None

    def value(self, row: int, column: int) -> Decimal | None:
        s = self.chart.series[row] if self.chart is not None else None
        return s.values[column] if s is not None and column < len(s.values) else None

    def payload(self, row: int, column: int) -> Any:
        try:
            return self._payloads[row][column]
        except IndexError:
            return None

    def text(self, row: int, column: int) -> str:
        text = self._texts.get((row, column))
        if text is None:
            assert self.chart is not None
            text = self._texts[(row, column)] = self._cell_text(self.chart, row, column)
        return text

    def row_of(self, name: str) -> int:
        """The row of the series ``name`` (case and spacing aside; -1 if none)."""
        series = self.chart.series if self.chart is not None else ()
        wanted = " ".join(name.split()).casefold()
        return next((i for i, s in enumerate(series) if " ".join(s.name.split()).casefold() == wanted), -1)

    def column_of(self, category: str) -> int:
        categories = self.chart.categories if self.chart is not None else ()
        wanted = " ".join(category.split()).casefold()
        return next((i for i, c in enumerate(categories) if " ".join(c.split()).casefold() == wanted), -1)

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() or self.chart is None or not self.chart.categories else len(self.chart.series)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() or self.chart is None or not self.chart.series else len(self.chart.categories)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        chart = self.chart
        if chart is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self.columnCount():
                return None
            return chart.categories[section] if role in (_DISPLAY, _TOOLTIP) else None
        if not 0 <= section < self.rowCount():
            return None
        s = chart.series[section]
        if role == _DISPLAY:
            return f"{s.name}\n{s.note}" if s.note else s.name
        if role == _TOOLTIP:
            return f"{s.name}: {s.note}" if s.note else s.name
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.rowCount() and 0 <= index.column() < self.columnCount()):
            return None
        r, c = index.row(), index.column()
        s = self.chart.series[r]  # type: ignore[union-attr]
        status = s.statuses[c] if c < len(s.statuses) else None
        if role == _DISPLAY:
            return self.text(r, c)
        if role == _TOOLTIP:
            return (s.notes[c] if c < len(s.notes) else "") or None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            tone = tone_of(status) or EMPTY_HEAT
            colour = tone.background if role == Qt.ItemDataRole.BackgroundRole else tone.text
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            note = s.notes[c] if c < len(s.notes) else ""
            where = note.split("\n", 1)[0] if note else f"{s.name}, {self.chart.categories[c]}"  # type: ignore[union-attr]
            return f"{where}; {self.text(r, c).replace(chr(10), '; ')}"
        if role == STATUS_ROLE:
            return status
        if role == VALUE_ROLE:
            return self.value(r, c)
        if role == SORT_ROLE:
            return sort_value(self.value(r, c))
        if role == CELL_ROLE:
            return self.payload(r, c)
        return None
