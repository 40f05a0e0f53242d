"""Widgets that show a result without laying out more than it needs (issue 22): a tab's title set only when it
changes (Qt lays out and paints the tab widget again for the title it has, and results set their tabs' counts on
every edit), and an area of notices laid out once a text."""

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



def test_a_notice_area_is_as_tall_as_its_text_up_to_its_most_then_scrolls(qtbot):
    """The Partnership tab's findings (issue 22): a rich label in a scroll area cost its size hint on every new
    text, several layouts of its table, 10 ms on the large workspace; the notice area lays its text out once."""
    from PySide6.QtWidgets import QVBoxLayout

    from consortium_planner.gui.style import NoticeArea

    host = QWidget()
    qtbot.addWidget(host)
    area = NoticeArea(120)
    layout = QVBoxLayout(host)
    layout.addWidget(area)
    layout.addStretch(1)
    host.resize(500, 600)
    host.show()
    qtbot.waitExposed(host)
    line = area.fontMetrics().lineSpacing()
    area.set_html("One line.")
    qtbot.waitUntil(lambda: 0 < area.height() < 2 * line)
    one = area.height()
    assert area.toPlainText() == "One line."
    area.set_html("<br>".join(f"Notice {i}" for i in range(30)))
    qtbot.waitUntil(lambda: area.height() == 120)
    assert area.verticalScrollBar().maximum() > 0  # the rest scrolls
    area.set_html("Two<br>lines")
    qtbot.waitUntil(lambda: one < area.height() < 120)
    assert area.toPlainText() == "Two\nlines"
