"""Help that ships with the program (issue 20): a window of topics — getting started, each screen, the
glossary — read from ``resources/help`` (Markdown, offline). F1 opens it at the current screen's topic."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QTextBrowser, QWidget

from ..services.glossary import markdown as glossary_markdown
from .screen_fit import fit_size

# topic title → resource file (None: the glossary, built from its data)
TOPICS: dict[str, str | None] = {
    "Getting started": "getting-started.md",
    "Organisations": "organisations.md",
    "Tenders": "tenders.md",
    "Consortium options": "options.md",
    "Compare": "compare.md",
    "Pipeline": "pipeline.md",
    "Workspace settings": "settings.md",
    "Workshops and projectors": "workshops.md",
    "Glossary": None,
}


def topic_text(title: str) -> str:
    """A topic's Markdown."""
    name = TOPICS[title]
    if name is None:
        return glossary_markdown()
    return resources.files("consortium_planner").joinpath("resources", "help", "screens", name).read_text("utf-8")


class HelpWindow(QDialog):
    """Topics on the left, the chosen one on the right; stays open beside the main window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Consortium Planner Help")
        fit_size(self, 900, 620)
        layout = QHBoxLayout(self)
        self.topics = QListWidget()
        self.topics.setMaximumWidth(200)
        for title in TOPICS:
            QListWidgetItem(title, self.topics)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        layout.addWidget(self.topics)
        layout.addWidget(self.browser, 1)
        self.topics.currentTextChanged.connect(self._show)
        self.show_topic("Getting started")

    def _show(self, title: str) -> None:
        if title in TOPICS:
            self.browser.setMarkdown(topic_text(title))

    def show_topic(self, title: str) -> None:
        """Show ``title`` (the getting-started topic if there is no such topic)."""
        title = title if title in TOPICS else "Getting started"
        items = self.topics.findItems(title, Qt.MatchFlag.MatchExactly)
        if items:
            self.topics.setCurrentItem(items[0])
        self._show(title)
