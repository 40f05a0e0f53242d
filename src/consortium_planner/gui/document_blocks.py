"""``DocumentBlocks``: a report section's blocks (``reports/document.py``) shown in a tab: its paragraphs as
rich text (a lead paragraph bold: the worst news first) and its tables, each under its title and note. A table
the section did not build this time is hidden, so a tab never shows figures left over from before."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ..reports.document import Block, Paragraph, Table
from .document_model import DocumentTableModel
from .document_table import DocumentTable


class DocumentBlocks(QWidget):
    def __init__(self, table_keys: Sequence[str], parent=None, *, max_width: int = 320):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text)
        self.tables: dict[str, tuple[DocumentTableModel, DocumentTable, QLabel]] = {}
        for key in table_keys:
            model = DocumentTableModel(parent=self)
            view = DocumentTable(model, height="fixed", max_width=max_width)
            title = QLabel()
            title.setWordWrap(True)
            self.tables[key] = (model, view, title)
            layout.addWidget(title)
            layout.addWidget(view)
        layout.addStretch(1)

    def show_blocks(self, blocks: Sequence[Block]) -> None:
        self.text.setText("".join(
            f"<p><b>{escape(b.text)}</b></p>" if b.style == "lead" else f"<p>{escape(b.text)}</p>"
            for b in blocks if isinstance(b, Paragraph)))
        shown = set()
        for b in blocks:
            if isinstance(b, Table) and b.key in self.tables:
                model, _view, title = self.tables[b.key]
                model.set_table(b)
                title.setText(f"<b>{escape(b.title)}</b>" + (
                    f"<br><span style='color:#555'>{escape(b.note)}</span>" if b.note else ""))
                shown.add(b.key)
        for key, (_model, view, title) in self.tables.items():
            view.setVisible(key in shown)
            title.setVisible(key in shown)


def inputs_over_results(inputs: QWidget, results: QWidget, *above: QWidget, sizes: tuple[int, int] = (150, 450)
                        ) -> QSplitter:
    """A tab's layout: its inputs (record panels) above its results, which scroll, with ``above`` (e.g. a
    "Use the … score" button) at the top of the results."""
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in above:
        layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(results, 1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(pane)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(inputs)
    split.addWidget(scroll)
    split.setStretchFactor(1, 3)
    split.setSizes(list(sizes))
    return split
