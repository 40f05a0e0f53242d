"""One zoom factor for every text, table and chart on screen (View ▸ Zoom in / out / Actual size).

The factor (100% to 200%) multiplies the application font, so every widget that does not set a size of
its own follows it, and charts built afterwards take their theme fonts from it too (QtCharts reads the
application font when a chart is made). What does not follow by itself is rescaled here when the factor
changes, by the ratio of the new factor to the old:

* the fonts of charts already on screen (title, legend, axis labels and titles, text drawn on them);
* table rows (a vertical header's default section size), column widths and item-view icon sizes;
* a ``Card``'s caption and value, which recompute their relative sizes on a font change (``style.Card``).

Sizes given in pixels elsewhere (a table's row height, a heat map's cells) go through ``scaled(px)`` so
they are right for widgets made after a change too. ``factor()`` is the one place the zoom is read.

The factor is a user preference, not workspace data: ``ZoomController`` keeps it in ``QSettings``
(``view/zoom``, and ``view/presenter_zoom`` for presenter mode, see ``presenter.py``).
"""

from __future__ import annotations

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QMargins, QObject, QSettings, QSize, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGraphicsSimpleTextItem,
    QHeaderView,
    QTableView,
)

MIN_ZOOM = 1.0
MAX_ZOOM = 2.0
STEP = 0.1
PRESENTER_DEFAULT = 1.5

_factor = 1.0
_base_font: QFont | None = None  # the application font at 100%


def factor() -> float:
    """The zoom now on screen (1.0 = 100%)."""
    return _factor


def scaled(px: int | float) -> int:
    """A size in pixels at the current zoom."""
    return round(px * _factor)


def clamp(value: float) -> float:
    """``value`` rounded to whole percent, within 100%–200%."""
    return min(MAX_ZOOM, max(MIN_ZOOM, round(float(value) * 100) / 100))


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _scale_font(font: QFont, ratio: float) -> QFont:
    out = QFont(font)
    if out.pointSizeF() > 0:
        out.setPointSizeF(out.pointSizeF() * ratio)
    elif out.pixelSize() > 0:
        out.setPixelSize(max(1, round(out.pixelSize() * ratio)))
    return out


def scale_chart(view: QChartView, ratio: float) -> None:
    """Every text of the chart in ``view`` ``ratio`` times its size."""
    chart = view.chart()
    if chart is None:
        return
    chart.setTitleFont(_scale_font(chart.titleFont(), ratio))
    legend = chart.legend()
    legend.setFont(_scale_font(legend.font(), ratio))
    for axis in chart.axes():
        axis.setLabelsFont(_scale_font(axis.labelsFont(), ratio))
        axis.setTitleFont(_scale_font(axis.titleFont(), ratio))
    labels = [item for item in chart.childItems() if isinstance(item, QGraphicsSimpleTextItem)]
    for item in labels:  # labels drawn on the chart (bar names, phase names)
        item.setFont(_scale_font(item.font(), ratio))
    if labels:  # the margin made for bar names beside the plot grows with them
        m = chart.margins()
        chart.setMargins(QMargins(round(m.left() * ratio), m.top(), m.right(), m.bottom()))


def _scale_view(view: QAbstractItemView, ratio: float) -> None:
    size = view.iconSize()
    if size.isValid() and not size.isEmpty():
        view.setIconSize(QSize(round(size.width() * ratio), round(size.height() * ratio)))
    if not isinstance(view, QTableView):
        return
    rows = view.verticalHeader()
    rows.setDefaultSectionSize(round(rows.defaultSectionSize() * ratio))  # rows of the default height follow
    columns = view.horizontalHeader()
    columns.setDefaultSectionSize(round(columns.defaultSectionSize() * ratio))
    for c in range(columns.count()):
        if columns.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive:
            columns.resizeSection(c, round(columns.sectionSize(c) * ratio))


def apply(value: float) -> float:
    """Set the zoom of everything on screen to ``value`` (clamped); returns the factor applied."""
    global _factor, _base_font
    value = clamp(value)
    app = QApplication.instance()
    if value == _factor or not isinstance(app, QApplication):
        return _factor
    if _base_font is None:
        _base_font = QFont(app.font())
    ratio = value / _factor
    _factor = value
    app.setFont(_scale_font(_base_font, value))
    app.sendPostedEvents(None, 0)  # the font change reaches every widget now, not on the next turn of the loop
    for widget in app.allWidgets():
        if widget.styleSheet():  # a widget with a style sheet of its own keeps its old font until polished again
            widget.setStyleSheet(widget.styleSheet())
        if isinstance(widget, QChartView):
            scale_chart(widget, ratio)
        elif isinstance(widget, QAbstractItemView):
            _scale_view(widget, ratio)
    return _factor


class ZoomController(QObject):
    """The zoom a window shows, kept in ``QSettings``: one for normal work, one for presenter mode."""

    changed = Signal(float)

    def __init__(self, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.presenting = False

    def _key(self) -> str:
        return "view/presenter_zoom" if self.presenting else "view/zoom"

    def saved(self, presenting: bool | None = None) -> float:
        """The zoom remembered for normal work (or for presenter mode)."""
        presenting = self.presenting if presenting is None else presenting
        key = "view/presenter_zoom" if presenting else "view/zoom"
        default = PRESENTER_DEFAULT if presenting else MIN_ZOOM
        try:
            return clamp(float(self.settings.value(key, default)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def set(self, value: float) -> float:
        """Show ``value`` and remember it for the current mode."""
        applied = apply(value)
        self.settings.setValue(self._key(), applied)
        self.changed.emit(applied)
        return applied

    def zoom_in(self) -> float:
        return self.set(factor() + STEP)

    def zoom_out(self) -> float:
        return self.set(factor() - STEP)

    def reset(self) -> float:
        return self.set(MIN_ZOOM)

    def restore(self) -> float:
        """Show the zoom remembered for the current mode."""
        applied = apply(self.saved())
        self.changed.emit(applied)
        return applied


__all__ = ["MAX_ZOOM", "MIN_ZOOM", "PRESENTER_DEFAULT", "STEP", "ZoomController", "apply", "clamp", "factor",
           "percent", "scale_chart", "scaled"]
