"""The View menu: zoom, full screen, presenter mode and the workshop layout (for a room round a projector).

``install_presenter_actions(window)`` builds the menu on a ``MainWindow`` and returns the ``Presenter``
that holds its state (``window.presenter``):

* **Zoom in / Zoom out / Actual size** (Ctrl+= or Ctrl++, Ctrl+−, Ctrl+0): every text, table and chart
  from 100% to 200% in steps of 10% (``zoom.py``), remembered in ``QSettings``;
* **Full screen** (F11);
* **Presenter mode** (F5): the navigator and the status bar hidden, full screen, and the presenter zoom
  (150% until the user chooses another, remembered apart from the desk zoom); Esc or F5 leaves it and
  puts the window, its navigator and the desk zoom back as they were;
* **Workshop layout** (Ctrl+Shift+W): the Compare page beside a side panel (``workshop.py``);
* **Go to page** (Alt+1 … Alt+5): the navigator's pages, for when it is hidden.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .workshop import WorkshopLayout
from .zoom import MAX_ZOOM, MIN_ZOOM, ZoomController, factor, percent

FULL_SCREEN_KEY = "F11"
PRESENTER_KEY = "F5"
WORKSHOP_KEY = "Ctrl+Shift+W"


class Presenter(QObject):
    """Presenter mode, full screen, zoom and the workshop layout of one main window."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.zoom = ZoomController(window.settings, self)
        self.workshop = WorkshopLayout(window)
        self.presenting = False
        self._before: dict[str, Any] = {}
        self._navigator_style = window.navigator.styleSheet()
        self._navigator_width = window.navigator.minimumWidth()
        self._build_actions()
        self.zoom.changed.connect(self._zoom_changed)
        self.workshop.active_changed.connect(self._workshop_changed)
        self.zoom.restore()

    # ------------------------------------------------------------------ actions
    def _action(self, text: str, slot, shortcuts: list[str] | None = None, tip: str = "",
                checkable: bool = False) -> QAction:
        act = QAction(text, self.window)
        act.setCheckable(checkable)
        (act.toggled if checkable else act.triggered).connect(slot)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        self.window.addAction(act)  # its shortcut works with the menu bar hidden too
        return act

    def _build_actions(self) -> None:
        self.act_zoom_in = self._action("Zoom &in", lambda: self._zoom(self.zoom.zoom_in), ["Ctrl+=", "Ctrl++"],
                                        "Make every text, table and chart larger (up to 200%)")
        self.act_zoom_out = self._action("Zoom &out", lambda: self._zoom(self.zoom.zoom_out), ["Ctrl+-"],
                                         "Make every text, table and chart smaller (down to 100%)")
        self.act_zoom_reset = self._action("&Actual size", lambda: self._zoom(self.zoom.reset), ["Ctrl+0"],
                                           "Zoom back to 100%")
        self.act_full_screen = self._action("&Full screen", self.set_full_screen, [FULL_SCREEN_KEY],
                                            "Fill the screen with the window", checkable=True)
        self.act_presenter = self._action(
            "&Presenter mode", self.set_presenting, [PRESENTER_KEY],
            "Full screen, larger text, no navigator: for a projector (Esc leaves)", checkable=True)
        self.act_workshop = self._action(
            "&Workshop layout", self.set_workshop, [WORKSHOP_KEY],
            "The options side by side with a panel beside them, for a workshop", checkable=True)
        self.act_leave = self._action("Leave presenter mode", self.leave, ["Esc"])
        self.act_leave.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_leave.setEnabled(False)  # Esc belongs to editors and dialogs unless presenting
        self.menu = QMenu("&View", self.window)
        self.menu.addAction(self.act_zoom_in)
        self.menu.addAction(self.act_zoom_out)
        self.menu.addAction(self.act_zoom_reset)
        self.menu.addSeparator()
        self.menu.addAction(self.act_full_screen)
        self.menu.addAction(self.act_presenter)
        self.menu.addAction(self.act_workshop)
        self.menu.addSeparator()
        self.pages_menu = self.menu.addMenu("&Go to page")  # the navigator is hidden while presenting
        self.window.workspace_opened.connect(lambda _c: self._fill_pages())
        self._fill_pages()
        bar = self.window.menuBar()
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)
        else:
            bar.addMenu(self.menu)
        self._zoom_changed(factor())

    def _zoom_changed(self, value: float) -> None:
        self.act_zoom_in.setEnabled(value < MAX_ZOOM)
        self.act_zoom_out.setEnabled(value > MIN_ZOOM)
        self.act_zoom_reset.setText(f"&Actual size (now {percent(value)})")
        nav = self.window.navigator  # sized in points and pixels of its own: scaled here
        nav.setStyleSheet(re.sub(r"font-size:\s*([\d.]+)pt",
                                 lambda m: f"font-size: {float(m.group(1)) * value:.1f}pt", self._navigator_style))
        nav.setFixedWidth(round(self._navigator_width * value))

    def _fill_pages(self) -> None:
        """View ▸ Go to page: each page of the navigator, Alt+1 to Alt+9."""
        for act in self.pages_menu.actions():
            self.window.removeAction(act)
        self.pages_menu.clear()
        for i, name in enumerate(self.window.pages, 1):
            act = self.pages_menu.addAction(name)
            act.triggered.connect(lambda _=False, n=name: self.window.show_page(n))
            if i <= 9:
                act.setShortcut(QKeySequence(f"Alt+{i}"))
                self.window.addAction(act)
        self.pages_menu.setEnabled(bool(self.window.pages))

    def _zoom(self, change) -> None:
        value = change()
        self.window.statusBar().showMessage(f"Zoom {percent(value)}", 3000)

    def _workshop_changed(self, on: bool) -> None:
        if self.act_workshop.isChecked() != on:
            self.act_workshop.blockSignals(True)
            self.act_workshop.setChecked(on)
            self.act_workshop.blockSignals(False)

    # ------------------------------------------------------------------ modes
    def set_full_screen(self, on: bool) -> None:
        w = self.window
        if on and not w.isFullScreen():
            self._before.setdefault("maximized", w.isMaximized())
            w.showFullScreen()
        elif not on and w.isFullScreen():
            w.showMaximized() if self._before.pop("maximized", False) else w.showNormal()
        self._sync_checks()

    def set_presenting(self, on: bool) -> None:
        w = self.window
        if on == self.presenting:
            return
        self.presenting = on
        if on:
            self._before["navigator"] = w.navigator.isVisible() or not w.isVisible()
            self._before["status"] = not w.statusBar().isHidden()
            self._before["full_screen"] = w.isFullScreen()
            w.navigator.hide()
            w.statusBar().hide()
            self.zoom.presenting = True
            self.zoom.restore()
            self.set_full_screen(True)
        else:
            w.navigator.setVisible(self._before.pop("navigator", True))
            w.statusBar().setVisible(self._before.pop("status", True))
            self.zoom.presenting = False
            self.zoom.restore()
            if not self._before.pop("full_screen", False):
                self.set_full_screen(False)
        self._sync_checks()

    def leave(self) -> None:
        """Esc: out of presenter mode, or out of full screen."""
        if self.presenting:
            self.set_presenting(False)
        elif self.window.isFullScreen():
            self.set_full_screen(False)

    def set_workshop(self, on: bool) -> None:
        if self.workshop.set_active(on) != on:
            self.window.statusBar().showMessage("Open a workspace first: the workshop layout shows its options.",
                                                6000)

    def _sync_checks(self) -> None:
        for act, on in ((self.act_full_screen, self.window.isFullScreen()), (self.act_presenter, self.presenting)):
            if act.isChecked() != on:
                act.blockSignals(True)
                act.setChecked(on)
                act.blockSignals(False)
        self.act_leave.setEnabled(self.presenting or self.window.isFullScreen())


def install_presenter_actions(window: Any) -> Presenter:
    """The View menu on ``window`` (a ``MainWindow``); keep the returned ``Presenter`` as ``window.presenter``."""
    return Presenter(window)


__all__ = ["Presenter", "install_presenter_actions"]
