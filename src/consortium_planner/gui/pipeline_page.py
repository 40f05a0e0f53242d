"""``PipelinePage``: the bid pipeline (the navigator's Pipeline page, issue 17).

Every tender in the workspace with the option chosen to bid for it, its chance of winning, contribution
and expected value; the win-all, expected and win-none totals; capacity and money promised to two bids at
once (red and amber, as ``reports.sections.bids`` colours them for the investment case); a timeline of
deadlines, mobilisation and service drawn as a Gantt chart; who is in which bid. It shows ``services.bids.pipeline``'s result
through the same document tables as the case and the workbook, so every surface agrees.

The chosen options' analyses run off the UI thread on a snapshot (``compare.work.LatestWork``); an edit
that overtakes a computation cancels it, and a page that is not shown recomputes only when it is.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.bids import BidPipeline, TimelineRow
from ..domain.findings import Severity
from ..domain.tasks import CancelToken, Progress
from ..reports.document import format_value
from ..reports.sections.bids import (
    capacity_table,
    key_figures,
    money_table,
    partners_table,
    tenders_table,
    timeline_table,
)
from ..services.bids import READS, pipeline
from .compare.work import LatestWork
from .controller import WorkspaceController, touches
from .document_model import DocumentTableModel
from .document_table import DocumentTable
from .style import set_tab_text

__all__ = ["GanttChart", "PipelinePage"]

_RED = QColor("#c62828")
_AMBER = QColor("#ef8f00")
_GREY = QColor("#666666")
_MOBILISATION = QColor("#9ec5e8")
_SERVICE = QColor("#1f5f99")
_DEADLINE = QColor("#c62828")


class GanttChart(QWidget):
    """Each tender a row: its mobilisation (light) then its service (dark) as bars on a calendar, its bid
    deadline a red diamond; a line for today when it falls on the chart."""

    ROW = 34
    TOP = 28

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: tuple[TimelineRow, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(self.TOP + self.ROW + 30)

    def set_rows(self, rows: tuple[TimelineRow, ...]) -> None:
        self.rows = rows
        self.setMinimumHeight(self.TOP + self.ROW * max(1, len(rows)) + 30)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(800, self.TOP + self.ROW * max(1, len(self.rows)) + 30)

    def span(self) -> tuple[dt.date, dt.date] | None:
        days = [d for r in self.rows for d in (r.deadline, r.mobilisation_start, r.service_start, r.service_end)
                if d is not None]
        if not days:
            return None
        first, last = min(days), max(days)
        return dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        span = self.span()
        if span is None:
            p.setPen(_GREY)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No tender has dates yet.")
            return
        start, end = span
        fm = QFontMetrics(self.font())
        label_w = min(max((fm.horizontalAdvance(r.tender) for r in self.rows), default=80) + 16,
                      int(self.width() * 0.35))
        left, right = label_w, self.width() - 12
        total = (end - start).days or 1

        def x(d: dt.date) -> float:
            return left + (right - left) * (d - start).days / total

        # years along the top, with faint lines
        p.setPen(QPen(QColor("#dddddd")))
        for year in range(start.year, end.year + 1):
            xx = x(dt.date(year, 1, 1))
            p.drawLine(int(xx), self.TOP - 4, int(xx), self.TOP + self.ROW * len(self.rows))
        p.setPen(self.palette().text().color())
        for year in range(start.year, end.year):
            x0, x1 = x(dt.date(year, 1, 1)), x(dt.date(year + 1, 1, 1))
            p.drawText(QRectF(x0, 4, x1 - x0, self.TOP - 8), Qt.AlignmentFlag.AlignCenter, str(year))
        for i, r in enumerate(self.rows):
            y = self.TOP + i * self.ROW
            p.setPen(self.palette().text().color())
            name = fm.elidedText(r.tender, Qt.TextElideMode.ElideRight, label_w - 12)
            p.drawText(QRectF(4, y, label_w - 8, self.ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       name)
            bar = QRectF(0, y + 8, 0, self.ROW - 16)
            if r.mobilisation_start and r.service_start:
                p.fillRect(QRectF(x(r.mobilisation_start), bar.y(), x(r.service_start) - x(r.mobilisation_start),
                                  bar.height()), _MOBILISATION)
            if r.service_start and r.service_end:
                p.fillRect(QRectF(x(r.service_start), bar.y(), x(r.service_end) - x(r.service_start), bar.height()),
                           _SERVICE)
            if r.deadline:
                cx, cy, s = x(r.deadline), y + self.ROW / 2, 6
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(_DEADLINE)
                p.drawPolygon(QPolygonF([QPointF(cx, cy - s), QPointF(cx + s, cy), QPointF(cx, cy + s),
                                         QPointF(cx - s, cy)]))
        today = dt.date.today()
        if start <= today <= end:
            p.setPen(QPen(_GREY, 1, Qt.PenStyle.DashLine))
            p.drawLine(int(x(today)), self.TOP - 4, int(x(today)), self.TOP + self.ROW * len(self.rows))
        # the key
        ky = self.TOP + self.ROW * len(self.rows) + 8
        kx = float(left)
        small = QFont(self.font())
        p.setFont(small)
        for colour, label in ((_DEADLINE, "bid deadline"), (_MOBILISATION, "mobilisation"), (_SERVICE, "service")):
            p.fillRect(QRectF(kx, ky + 3, 12, 10), colour)
            p.setPen(self.palette().text().color())
            w = fm.horizontalAdvance(label)
            p.drawText(QRectF(kx + 16, ky, w + 4, 16), Qt.AlignmentFlag.AlignVCenter, label)
            kx += 16 + w + 18
        p.end()


class PipelinePage(QWidget):
    def __init__(self, controller: WorkspaceController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.result: BidPipeline | None = None
        self._stale = True

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.progress)

        self.tenders_model = DocumentTableModel()
        self.tenders = DocumentTable(self.tenders_model, max_width=300, stretch_column=0)
        self.partners_model = DocumentTableModel()
        self.partners = DocumentTable(self.partners_model, max_width=440)
        self.capacity_model = DocumentTableModel()
        self.capacity = DocumentTable(self.capacity_model, max_width=260, stretch_column=2, lines=3)
        self.money_model = DocumentTableModel()
        self.money = DocumentTable(self.money_model, max_width=260, stretch_column=1, lines=2)
        self.timeline_model = DocumentTableModel()
        self.timeline_table = DocumentTable(self.timeline_model, max_width=300, stretch_column=0)
        self.gantt = GanttChart()
        self.findings = QListWidget()
        self.findings.setWordWrap(True)
        self.findings.setSpacing(4)
        self.findings.setAlternatingRowColors(True)

        overlaps = QWidget()
        ol = QVBoxLayout(overlaps)
        ol.setContentsMargins(0, 4, 0, 0)
        ol.addWidget(QLabel("<b>Capacity promised to two bids at once</b> (red: more than it can deliver even by "
                            "growing; amber: only by growing)"))
        ol.addWidget(self.capacity, 2)
        ol.addWidget(QLabel("<b>Capital and guarantees promised to two bids at once</b>"))
        ol.addWidget(self.money, 1)
        timeline = QWidget()
        tl = QVBoxLayout(timeline)
        tl.setContentsMargins(0, 4, 0, 0)
        tl.addWidget(self.gantt)
        tl.addWidget(self.timeline_table, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.tenders, "Tenders")
        self.tabs.addTab(self.partners, "Partners")
        self.tabs.addTab(overlaps, "Overlaps")
        self.tabs.addTab(timeline, "Timeline")
        self.tabs.addTab(self.findings, "Findings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.figures)
        layout.addWidget(self.tabs, 1)

        self.work = LatestWork(self)
        self.work.progressed.connect(self._on_progress)
        self.work.busy_changed.connect(self._show_busy)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        controller.workspace_changed.connect(self._on_changed)

    # ------------------------------------------------------------------ staleness
    def _on_changed(self, changes) -> None:
        if touches(changes, *READS):
            self.reload()

    def reload(self) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._timer.start()

    @property
    def busy(self) -> bool:
        return self.work.busy

    # ------------------------------------------------------------------ computing
    def refresh(self) -> None:
        """Work out the pipeline in the background on a snapshot of the workspace."""
        self._stale = False
        snapshot = self.controller.ws.copy()

        def work(progress: Progress, cancelled: CancelToken) -> BidPipeline:
            return pipeline(snapshot, cancelled=cancelled, progress=progress)

        self.status.setText("Working out the pipeline…")
        self.work.start(work, self._delivered, self._failed)

    def _delivered(self, result: BidPipeline) -> None:
        self.result = result
        self._show()

    def _failed(self, exc: BaseException) -> None:
        self.result = None
        for m in (self.tenders_model, self.partners_model, self.capacity_model, self.money_model,
                  self.timeline_model):
            m.clear()
        self.status.setText(f"The pipeline cannot be worked out as it stands: {exc}")

    # ------------------------------------------------------------------ showing
    def _show(self) -> None:
        r = self.result
        if r is None:
            return
        if not r.tenders:
            self.status.setText("There is no tender yet: add tenders, with an option chosen to bid for each.")
        else:
            chosen = sum(1 for t in r.tenders if t.option_id is not None)
            worst = max(r.findings, key=lambda f: f.severity.rank, default=None)  # the worst news first
            lead = ""
            if worst is not None and worst.severity.rank >= Severity.WARNING.rank:
                colour = _RED.name() if worst.severity.red else _AMBER.name()
                more = sum(1 for f in r.findings if f.severity.rank >= Severity.WARNING.rank) - 1
                lead = (f"<span style='color:{colour}'><b>{escape(worst.severity.label.capitalize())}:</b> "
                        f"{escape(worst.message)}</span>"
                        + (f" <i>(and {more} more: Findings)</i>" if more > 0 else "") + "<br>")
            self.status.setText(
                lead + escape(f"{len(r.tenders)} tender{'s' if len(r.tenders) != 1 else ''}, {chosen} with an option "
                              "chosen to bid. Choose an option by ticking “Chosen to bid” on it (Consortium options); "
                              "give each tender's “Chance of winning” (Tenders)."))
        self.figures.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(
            f"{f.label}: <b>{format_value(f.value, f.kind, f.places)}</b>" for f in key_figures(r).items))
        self.tenders_model.set_table(tenders_table(r))
        self.partners_model.set_table(partners_table(r))
        self.capacity_model.set_table(capacity_table(r))
        self.money_model.set_table(money_table(r))
        self.timeline_model.set_table(timeline_table(r))
        self.gantt.set_rows(r.timeline)
        self.findings.clear()
        for f in r.findings:
            item = QListWidgetItem(f"{f.severity.label.capitalize()}: {f.message}"
                                   + (f"\nCure: {f.cure}" if f.cure else ""))
            colour = _RED if f.severity.red else _AMBER if f.severity is Severity.WARNING else None
            if colour is not None:
                item.setForeground(colour)
            self.findings.addItem(item)
        red = sum(1 for f in r.findings if f.severity.red)
        set_tab_text(self.tabs, 2, f"Overlaps ({len(r.capacity_overlaps) + len(r.money_overlaps)})")
        set_tab_text(self.tabs, 4, f"Findings ({len(r.findings)}{', ' + str(red) + ' red' if red else ''})")

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.progress.setToolTip(message)

    def _show_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if not busy:
            self.progress.setValue(0)
