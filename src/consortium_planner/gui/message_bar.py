"""A message bar across the top of the window for a refused edit (issue 20): visible, not clipped in the
status bar, and cleared by the next change that succeeds (or its ✕)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

REFUSED_BACKGROUND, REFUSED_BORDER, REFUSED_TEXT = "#FEF3F2", "#FDA29B", "#912018"


class MessageBar(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setStyleSheet(f"#messageBar {{ background: {REFUSED_BACKGROUND}; border: 1px solid {REFUSED_BORDER}; "
                           f"border-radius: 4px; }} QLabel {{ color: {REFUSED_TEXT}; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.clear)
        row.addWidget(self.text, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_refusal(self, message: str) -> None:
        self.text.setText(f"<b>Not changed.</b> {message}")
        self.show()

    def clear(self) -> None:
        self.text.clear()
        self.hide()
