"""``LazyTabs``: the panels of a ``QTabWidget`` filled when they are shown.

An analysis view with sub-tabs (Pricing's scores and win chance, Cash flow's tables) shows a new result in
the sub-tab in front at once and in each of the others when the user turns to it: an edit then pays for the
figures on screen, not for charts and tables nobody is looking at. Only the last result waits for a panel
(a newer one replaces it), and ``drop`` forgets them all when the view clears its panels.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget

__all__ = ["LazyTabs"]


class LazyTabs:
    def __init__(self, tabs: QTabWidget) -> None:
        self.tabs = tabs
        self._pending: dict[int, tuple[QWidget, Callable[[], None]]] = {}
        tabs.currentChanged.connect(self._on_current)

    def fill(self, panel: QWidget, fill: Callable[[], None]) -> None:
        """Run ``fill`` now if ``panel`` is the tab in front, else when it comes to the front."""
        if self.tabs.currentWidget() is panel:
            self._pending.pop(id(panel), None)
            fill()
        else:
            self._pending[id(panel)] = (panel, fill)

    def pending(self, panel: QWidget) -> bool:
        """Whether ``panel`` waits to be filled."""
        return id(panel) in self._pending

    def drop(self) -> None:
        """Forget what waits (the view has cleared its panels)."""
        self._pending.clear()

    def flush(self) -> None:
        """Fill every panel that waits (a caller about to read them all, e.g. to copy every table)."""
        pending, self._pending = self._pending, {}
        for _panel, fill in pending.values():
            fill()

    def _on_current(self, _index: int) -> None:
        entry = self._pending.pop(id(self.tabs.currentWidget()), None)
        if entry is not None:
            entry[1]()
