"""A tab's title is set only when it changes (issue 22): Qt lays out and paints the tab widget again for the
title it has, and results set their tabs' counts on every edit."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from consortium_planner.gui.style import set_tab_text


class _Count(QObject):
    def __init__(self, kinds: tuple[QEvent.Type, ...]):
        super().__init__()
        self.kinds = kinds
        self.seen: list[str] = []

    def eventFilter(self, obj, event):
        if event.type() in self.kinds:
            self.seen.append(f"{event.type().name} {type(obj).__name__}")
        return False


def test_a_tab_title_set_to_the_one_it_has_lays_nothing_out_and_paints_nothing(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "Members (7)")
    tabs.addTab(QWidget(), "Partners (0)")
    tabs.resize(600, 400)
    tabs.show()
    qtbot.waitExposed(tabs)
    QApplication.processEvents()
    counter = _Count((QEvent.Type.LayoutRequest, QEvent.Type.Paint))
    QApplication.instance().installEventFilter(counter)
    try:
        set_tab_text(tabs, 0, "Members (7)")
        QApplication.processEvents()
        assert counter.seen == []  # Qt's own setTabText lays out and paints the whole tab widget again
        set_tab_text(tabs, 1, "Partners (2)")
        QApplication.processEvents()
        assert tabs.tabText(1) == "Partners (2)" and tabs.tabText(0) == "Members (7)"
        assert any(s.startswith("LayoutRequest") for s in counter.seen)
    finally:
        QApplication.instance().removeEventFilter(counter)

