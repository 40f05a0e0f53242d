"""``RouteView``: the Tenders page's Route tab (issue 18): which processes the buyer may use under the
Provider Selection Regime, from the facts on the tender's form, and what each means for a bid
(``domain/routes.py``; the blocks are ``reports/sections/route.py``'s, as the case prints them)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ..domain.model import Tender
from ..domain.routes import screen
from ..reports.document import Bullets, Paragraph, Table
from ..reports.sections.route import route_blocks
from .controller import WorkspaceController, touches
from .document_model import DocumentTableModel
from .document_table import DocumentTable


class RouteView(QWidget):
    def __init__(self, controller: WorkspaceController, tender_id, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.tender_id = tender_id  # a callable returning the selected tender's id (or None)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.models: dict[str, DocumentTableModel] = {}
        self.views: dict[str, tuple[QLabel, DocumentTable]] = {}
        self.criteria = QLabel()
        self.criteria.setWordWrap(True)
        inner = QWidget()
        self.layout_ = QVBoxLayout(inner)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.addWidget(self.text)
        for key, stretch, lines, widest in (("route_processes", 4, 4, 220), ("route_change", None, 1, 420)):
            title = QLabel()
            title.setWordWrap(True)
            model = DocumentTableModel(parent=self)
            view = DocumentTable(model, stretch_column=stretch, lines=lines, height="fixed", max_width=widest)
            self.models[key] = model
            self.views[key] = (title, view)
            self.layout_.addWidget(title)
            self.layout_.addWidget(view)
        self.layout_.addWidget(self.criteria)
        self.layout_.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.route = None
        controller.workspace_changed.connect(lambda changes: self.reload() if touches(changes, "tender") else None)

    def reload(self) -> None:
        tid = self.tender_id()
        tender = self.controller.ws.get(Tender, tid) if tid is not None else None
        shown: set[str] = set()
        if tender is None:
            self.route = None
            self.text.setText("Select a tender.")
            self.criteria.setText("")
        else:
            self.route = screen(tender)
            blocks = route_blocks(self.route)
            paras = [b for b in blocks if isinstance(b, Paragraph)]
            html = "".join(f"<p><b>{escape(p.text)}</b></p>" if p.style == "lead" else f"<p>{escape(p.text)}</p>"
                           for p in paras if p.style != "note")
            if not self.route.applies:
                html += ("<p style='color:#555'>To screen an NHS or public-health award, set the procurement regime "
                         "to the NHS Provider Selection Regime and answer the PSR questions on the tender's form.</p>")
            self.text.setText(html)
            bullets = [b for b in blocks if isinstance(b, Bullets)]
            self.criteria.setText("<p style='color:#555'>The five key criteria: " + "; ".join(
                escape(i) for b in bullets for i in b.items) + ".</p>" if bullets else "")
            for b in blocks:
                if isinstance(b, Table) and b.key in self.models:
                    self.models[b.key].set_table(b)
                    self.views[b.key][0].setText(f"<b>{escape(b.title)}</b>" + (
                        f"<br><span style='color:#555'>{escape(b.note)}</span>" if b.note else ""))
                    shown.add(b.key)
        for key, (title, view) in self.views.items():
            title.setVisible(key in shown)
            view.setVisible(key in shown)
