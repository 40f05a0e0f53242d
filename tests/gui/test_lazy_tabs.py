"""``LazyTabs``: a panel is filled at once when in front, else when turned to, with the latest fill only."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from consortium_planner.gui.lazy_tabs import LazyTabs


def test_fill_now_in_front_later_behind_and_only_the_latest(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    front, behind, other = QWidget(), QWidget(), QWidget()
    for w in (front, behind, other):
        tabs.addTab(w, "x")
    lazy = LazyTabs(tabs)
    done: list[str] = []
    lazy.fill(front, lambda: done.append("front"))
    lazy.fill(behind, lambda: done.append("behind 1"))
    lazy.fill(behind, lambda: done.append("behind 2"))  # a newer result replaces the one waiting
    lazy.fill(other, lambda: done.append("other"))
    assert done == ["front"] and lazy.pending(behind) and lazy.pending(other) and not lazy.pending(front)
    tabs.setCurrentWidget(behind)
    assert done == ["front", "behind 2"] and not lazy.pending(behind)
    tabs.setCurrentWidget(front)
    assert done == ["front", "behind 2"]  # nothing waited for it
    lazy.drop()  # the view cleared its panels: what waited is forgotten
    tabs.setCurrentWidget(other)
    assert done == ["front", "behind 2"]
    lazy.fill(front, lambda: done.append("front 2"))
    assert lazy.pending(front)
    lazy.flush()
    assert done[-1] == "front 2" and not lazy.pending(front)
