"""What the four analysis views (Capacity, Standing, Pricing, Cash flow) share in how they look.

* Tones: light backgrounds with dark text of the same hue (every pair has a contrast ratio above
  7:1), a stronger shade for icons and borders, and a glyph, so colour is never the only signal.
  Text colours are always set explicitly so a dark desktop theme cannot put white text on them.
  ``tone_of(status)`` is the tone of a document ``Status``; a finding's tone is
  ``tone_of(status_of(finding.severity))``, and ``finding_notices`` lays findings out that way.
* The small ✓ ! ✗ – status icon, badges and notice tables in rich text, and label style sheets.
* ``Card``: one key figure of a headline (caption, value, a line of detail), tinted by a tone.
* ``ReadOnlyTableModel`` and ``read_only_table``: the boilerplate of the views' read-only tables.
* ``two_pane``, ``headline_scroll`` and ``fit_headline``: how the views share their height.
* ``nice_step`` and ``round_axis``: chart axes labelled at round values.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCharts import QBarSet, QCategoryAxis, QChart, QChartView, QXYSeries
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.findings import Finding
from ..reports.document import Status, status_of

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()

# --------------------------------------------------------------------------- tones


@dataclass(frozen=True, slots=True)
class Tone:
    background: str
    text: str
    strong: str  # an icon's fill, a border
    glyph: str  # so colour is never the only signal


GREEN = Tone("#d4edda", "#155724", "#1e7e34", "✓")
AMBER = Tone("#fff3cd", "#664d03", "#c69500", "!")
RED = Tone("#f8d7da", "#721c24", "#c82333", "✗")
GREY = Tone("#e9ecef", "#383d41", "#6c757d", "–")

# the words the headline cards use for a tone
TONES: dict[str, Tone] = {"good": GREEN, "caution": AMBER, "bad": RED, "muted": GREY}

#: a document ``Status`` on screen
STATUS_TONES: dict[Status, Tone] = {Status.GREEN: GREEN, Status.AMBER: AMBER, Status.RED: RED, Status.GREY: GREY}
#: the glyph before a notice (a finding) of each status: a note reads ℹ rather than –
NOTICE_GLYPHS: dict[Status, str] = {Status.GREEN: "✓", Status.AMBER: "⚠", Status.RED: "✗", Status.GREY: "ℹ"}
#: negative money in a table without a status of its own
NEGATIVE_TEXT = "#b02a37"


def tone_of(status: Status | None) -> Tone | None:
    """The tone a cell or figure of ``status`` is shown in (None: no status, no tint)."""
    return STATUS_TONES.get(status) if status is not None else None

_icons: dict[Tone, QIcon] = {}


def tone_icon(tone: Tone) -> QIcon:
    """A small filled circle in the tone's strong colour with its glyph in white (made on first use:
    needs a QGuiApplication)."""
    icon = _icons.get(tone)
    if icon is None:
        size = 14
        pixmap = QPixmap(size * 2, size * 2)  # drawn at 2× so it stays crisp on high-DPI screens
        pixmap.setDevicePixelRatio(2)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(tone.strong))
        p.drawEllipse(1, 1, size - 2, size - 2)
        font = QFont()
        font.setPixelSize(10)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#ffffff"))
        p.drawText(0, 0, size, size, int(Qt.AlignmentFlag.AlignCenter), tone.glyph)
        p.end()
        icon = _icons[tone] = QIcon(pixmap)
    return icon


# --------------------------------------------------------------------------- rich text and style sheets


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def badge_html(text: str, tone: Tone) -> str:
    """An inline badge: the tone's glyph and ``text`` (escaped) on its background."""
    return (f'<span style="background-color:{tone.background}; color:{tone.text}; font-weight:bold;">'
            f"&nbsp;{tone.glyph}&nbsp;{esc(text)}&nbsp;</span>")


def notice_table_html(notices: Iterable[tuple[Tone, str, str]]) -> str:
    """A full-width table of notices, one a row: (tone, glyph, body as rich text)."""
    rows = "".join(f"<tr><td style='background-color:{tone.background}; color:{tone.text}; padding:1px 6px;'>"
                   f"<b>{glyph}</b>&nbsp;{body}</td></tr>" for tone, glyph, body in notices)
    return f"<table width='100%' cellspacing='1' cellpadding='0'>{rows}</table>"


def finding_notice(finding: Finding, body_html: str | None = None) -> tuple[Tone, str, str]:
    """One notice for ``notice_table_html``: the finding's severity decides tone and glyph (never the
    screen); ``body_html`` replaces the escaped message (e.g. to add a note in italics)."""
    status = status_of(finding.severity)
    return STATUS_TONES[status], NOTICE_GLYPHS[status], esc(finding.message) if body_html is None else body_html


def banner_style(tone: Tone, padding: str) -> str:
    """A label on the tone's background with a bar of its strong colour on the left."""
    return (f"QLabel {{ background: {tone.background}; color: {tone.text}; border-left: 4px solid {tone.strong}; "
            f"padding: {padding}; }}")


def restyle(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` the style sheet ``sheet`` unless it has it already: a style sheet set again restyles the
    widget and everything in it (a quarter to half a millisecond a widget), and results set theirs on every
    edit, most often to the one they had."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def set_tab_text(tabs: QTabWidget, index: int, text: str) -> None:
    """Give tab ``index`` the title ``text`` unless it has it already: Qt lays out the tab widget and paints it
    all again, the page on show included, even for the title it has, and results set their tabs' counts on every
    edit, most often to the ones they had."""
    if tabs.tabText(index) != text:
        tabs.setTabText(index, text)


def chip_style(tone: Tone, radius: int, padding: str = "") -> str:
    """A bold label on the tone's background inside a rounded border of its strong colour."""
    pad = f" padding: {padding};" if padding else ""
    return (f"QLabel {{ background: {tone.background}; color: {tone.text}; font-weight: bold; "
            f"border: 1px solid {tone.strong}; border-radius: {radius}px;{pad} }}")


def rich_label(text: str = "") -> QLabel:
    """A wrapping, selectable label of rich text."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


#: the most height a headline's findings under its cards take before they scroll (Pricing, Cash flow)
HEADLINE_FINDINGS_MOST = 160


class NoticeArea(QTextBrowser):
    """Rich text (most often a table of findings) at the height of its text, up to ``most`` pixels, then
    scrolling; on a short screen the layout may give it less, down to three lines. A rich label in a scroll area
    did the same, but each new text cost the label's size hint: several layouts of its table at trial widths,
    10 ms a result on the large workspace's Partnership tab. The document is laid out once, at its width."""

    def __init__(self, most: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._most = most
        self._html: str | None = None
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setOpenLinks(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)  # on the window's background, as a label is
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.document().setDocumentMargin(0)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._wanted = self.fontMetrics().height()
        self._fit_to(self._wanted)

    def set_html(self, html: str) -> None:
        """Show ``html``, unless it is on show already (laid out again, it would cost as much as a new text)."""
        if html != self._html:
            self._html = html
            self.setHtml(html)

    def text(self) -> str:
        """The HTML on show, as it was given (``toHtml`` is Qt's rewriting of it)."""
        return self._html or ""

    def clear(self) -> None:
        self._html = None
        super().clear()

    def _fit(self, size) -> None:
        self._fit_to(math.ceil(size.height()) + 2 * self.frameWidth())

    def _fit_to(self, height: int) -> None:
        wanted = min(self._most, height)
        self.setMinimumHeight(min(wanted, 3 * self.fontMetrics().lineSpacing()))
        self.setMaximumHeight(wanted)
        if wanted != self._wanted:
            self._wanted = wanted
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._wanted)


def italic_label() -> QLabel:
    """A wrapping label in italics (a line of context)."""
    label = QLabel()
    label.setWordWrap(True)
    italic = label.font()
    italic.setItalic(True)
    label.setFont(italic)
    return label


def show_warning_lines(label: QLabel, warnings: Sequence[str]) -> None:
    """Each warning on a line after ⚠; the label hidden when there are none."""
    if warnings:
        label.setText("<br>".join(f"⚠&nbsp;{esc(w)}" for w in warnings))
        label.setVisible(True)
    else:
        label.clear()
        label.setVisible(False)


def cell_font(bold: bool = True, italic: bool = False) -> QFont:
    f = QFont()
    f.setBold(bold)
    f.setItalic(italic)
    return f


def alignment(right: bool) -> int:
    """Right-aligned (a figure) or left-aligned, vertically centred."""
    horizontal = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


# --------------------------------------------------------------------------- a key figure


class Card(QFrame):
    """One headline figure: a caption, the value, and a line of detail."""

    def __init__(self, caption: str, tooltip: str = "", parent=None, *, muted_caption: bool = False):
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 5)
        layout.setSpacing(1)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)  # a long caption wraps rather than widening the card
        if muted_caption:  # stays grey on a tinted card too
            self.caption.setStyleSheet("color: palette(dark);")
        self.value = QLabel()
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self._size_fonts()
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail, 1)
        if tooltip:
            self.setToolTip(tooltip)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.tone: str | None = None
        self.set_tone(None)

    def _size_fonts(self) -> None:
        """Caption and detail a little smaller than the card's font, the value larger and bold: sizes relative
        to the font, made again when it changes (the zoom, ``zoom.py``)."""
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        big = QFont(self.font())
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.25)
        self.caption.setFont(small)
        self.detail.setFont(small)
        self.value.setFont(big)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_fonts()

    def set(self, value: str, detail: str = "", tone: str | None = None, caption: str | None = None) -> None:
        if caption is not None:
            self.caption.setText(caption)
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.set_tone(tone)
        self.setAccessibleName(f"{self.caption.text()}: {value}. {detail}")

    def set_tone(self, tone: str | None) -> None:
        """None (neutral), "good", "caution", "bad" or "muted": a tinted card, never colour alone.

        A card already in ``tone`` is left alone: a style sheet set again restyles the card and its labels
        (about half a millisecond a card, on every result shown)."""
        if tone == self.tone and self.styleSheet():
            return
        self.tone = tone
        t = TONES.get(tone or "")
        if t is None:
            self.setStyleSheet("QFrame#card { border: 1px solid palette(mid); border-radius: 4px; }")
        else:
            self.setStyleSheet(f"QFrame#card {{ border: 1px solid {t.text}; border-radius: 4px; "
                               f"background: {t.background}; }}"
                               f"QFrame#card QLabel {{ color: {t.text}; background: transparent; }}")


# --------------------------------------------------------------------------- sharing the height


def two_pane(orientation: Qt.Orientation, first: QWidget, second: QWidget,
          stretch: tuple[int, int] | None = None) -> QSplitter:
    """Two widgets in a splitter that collapses neither; ``stretch``: how they share spare room."""
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setChildrenCollapsible(False)
    if stretch is not None:
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
    return splitter


def headline_scroll(headline: QWidget) -> QScrollArea:
    """The headline in a frameless area that scrolls up and down only."""
    scroll = QScrollArea()
    scroll.setWidget(headline)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return scroll


def headline_height(splitter: QSplitter, scroll: QScrollArea, share: float) -> int:
    """The height the headline in ``scroll`` (the splitter's upper widget) needs at its width, up to ``share``
    of the splitter."""
    headline = scroll.widget()
    width = max(scroll.viewport().width(), 300)
    layout = headline.layout()
    wanted = layout.heightForWidth(width) if layout.hasHeightForWidth() else headline.sizeHint().height()
    total = max(splitter.height(), 400)
    return min(wanted + 2, int(total * share))


def set_top(splitter: QSplitter, top: int, least_below: int) -> None:
    """Give the splitter's upper widget ``top`` and the rest, at least ``least_below``, to the one below, unless
    the upper one has that height already: setting sizes again resizes, lays out and paints both panes, and a
    result fits its headline on every edit, most often to the height it had."""
    if splitter.sizes()[0] != top:
        total = max(splitter.height(), 400)
        splitter.setSizes([top, max(total - top, least_below)])


def fit_headline(splitter: QSplitter, scroll: QScrollArea, share: float, least_below: int) -> None:
    """Give the headline in ``scroll`` (the splitter's upper widget) the height it needs at its width,
    up to ``share`` of the splitter; the rest, at least ``least_below``, to the widget below."""
    set_top(splitter, headline_height(splitter, scroll, share), least_below)


# --------------------------------------------------------------------------- read-only tables


class ReadOnlyTableModel(QAbstractTableModel):
    """Rows of ready-made cells that the user reads but does not edit (no child items).

    A subclass keeps its rows in ``rows``, says how many columns there are in ``column_total`` and
    what each cell shows in ``data``."""

    rows: Sequence[Any] = ()

    def column_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self.column_total()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def read_only_table(view: QTableView, *, select_rows: bool = True) -> None:
    """No editing, one row (or cell) selected at a time, smooth sideways scrolling."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if select_rows:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.horizontalHeader().setHighlightSections(False)


def table_height(view: QTableView, extra: int = 2) -> int:
    """Tall enough for the header, every row and a horizontal scroll bar."""
    return (view.horizontalHeader().sizeHint().height() + view.verticalHeader().length()
            + view.horizontalScrollBar().sizeHint().height() + 2 * view.frameWidth() + extra)


# --------------------------------------------------------------------------- charts


def set_chart(view: QChartView, chart: QChart) -> None:
    """Show ``chart`` in ``view`` and delete the chart it replaces."""
    old = view.chart()
    view.setChart(chart)
    if old is not None:
        old.deleteLater()


def nice_step(span: float, target: int) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``target`` intervals over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude * 1.0000001:
            return m * magnitude
    return 10 * magnitude  # pragma: no cover


def set_bar_values(bar_set: QBarSet, values: list[float]) -> None:
    """``bar_set``'s values made ``values`` (as many), touching only what differs: a few one by one, more at once."""
    changed = [i for i, v in enumerate(values) if bar_set.at(i) != v]
    if len(changed) > 8:
        bar_set.remove(0, bar_set.count())
        bar_set.append(values)
        return
    for i in changed:
        bar_set.replace(i, values[i])


def set_points(series: QXYSeries, points: list[QPointF]) -> None:
    """``series``' points made ``points``, unless they are those already (Qt lays out and paints a chart again
    for whatever of it is touched)."""
    if series.points() != points:
        series.replace(points)


def move_axis(axis: QCategoryAxis, fresh: QCategoryAxis) -> None:
    """Give ``axis`` (a chart's, on show) ``fresh``'s range and labels, unless it has them already: Qt lays
    out and paints a chart again for whatever of it is touched."""
    labels = [(label, fresh.endValue(label)) for label in fresh.categoriesLabels()]
    if (axis.min(), axis.max(), axis.startValue()) == (fresh.min(), fresh.max(), fresh.startValue()) and \
            [(label, axis.endValue(label)) for label in axis.categoriesLabels()] == labels:
        return
    for label in list(axis.categoriesLabels()):
        axis.remove(label)
    axis.setRange(fresh.min(), fresh.max())
    axis.setStartValue(fresh.startValue())
    for label, end in labels:
        axis.append(label, end)


def round_axis(lo: float, hi: float, title: str, target: int, label: Callable[[float, float], str]) -> QCategoryAxis:
    """A value axis from ``lo`` to ``hi`` with a grid line at each round value, labelled ``label(value, step)``."""
    if hi <= lo:
        hi = lo + (abs(lo) * 0.1 or 1.0)
    step = nice_step(hi - lo, target)
    start = math.floor(lo / step) * step
    end = math.ceil(hi / step) * step
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(start, end)
    axis.setStartValue(start)
    for i in range(round((end - start) / step) + 1):
        v = start + i * step
        text = label(v, step)
        if i == 0:
            text += " "  # labels must be unique; the first sits at the start of the axis
        axis.append(text, v if i else start + 1e-9 * step)
    axis.setTitleText(title)
    axis.setGridLineVisible(True)
    return axis
