"""The main window's feature actions: View → History…, What-if, Rounds and decisions…; File → New from
template… and Export anonymised copy….

Each action is made with the window, but the dialog or panel it opens, and everything that one needs (the
store, the analyses, the reports), is imported when it is first used: the window shows first, as fast as an
empty one (issue 22, goal 2). The dialogs themselves live in ``history.py``, ``whatif.py``, ``rounds.py``
and ``templates_dialog.py``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu


def install_history_actions(window: Any) -> QAction:
    """Add View → History… to ``window``'s menu bar (a View menu before Help, made if there is none)."""
    bar = window.menuBar()
    view: QMenu | None = None
    help_action = None
    for action in bar.actions():
        title = action.text().replace("&", "")
        if title == "View" and action.menu() is not None:
            view = action.menu()
        elif title == "Help":
            help_action = action
    if view is None:
        view = QMenu("&View", bar)
        if help_action is not None:
            bar.insertMenu(help_action, view)
        else:
            bar.addMenu(view)
    act = QAction("&History…", window)
    act.setShortcut(QKeySequence("Ctrl+Shift+H"))
    act.setStatusTip("Every change made to this workspace: who, when, what and the values before and after")

    def open_history() -> None:
        from .history import HistoryDialog

        if window.controller is not None:
            window.history_dialog = HistoryDialog.show_for(window.controller, window)

    act.triggered.connect(open_history)
    view.aboutToShow.connect(lambda: act.setEnabled(window.controller is not None))
    view.addAction(act)
    window.act_history = act
    return act


def _whatif_panel(controller: Any) -> Any:
    from .whatif import WhatIfPanel

    return WhatIfPanel(controller)


def install_whatif_actions(window: Any) -> QAction:
    """View → What-if: the panel in a dock beside the pages; the workshop layout's side pane gets one too."""
    dock = QDockWidget("What-if", window)
    dock.setObjectName("whatifDock")
    dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    window.whatif_dock = dock
    act = dock.toggleViewAction()
    act.setText("&What-if")
    act.setShortcut(QKeySequence("Ctrl+Shift+I"))
    act.setToolTip("Try changes to an option on a scratch copy and see every figure follow")

    def on_workspace(controller) -> None:
        old = dock.widget()
        dock.setWidget(_whatif_panel(controller) if controller is not None else QLabel("Open a workspace first."))
        if old is not None:
            old.setParent(None)
            old.deleteLater()
        act.setEnabled(controller is not None)

    window.workspace_opened.connect(on_workspace)
    on_workspace(window.controller)
    window.presenter.menu.addAction(act)
    window.presenter.workshop.set_panel_factory(lambda controller, _compare: _whatif_panel(controller))
    return act


def install_rounds_actions(window: Any) -> QAction:
    """View → Rounds and decisions… (Ctrl+Shift+R)."""
    act = QAction("&Rounds and decisions…", window)
    act.setShortcut(QKeySequence("Ctrl+Shift+R"))
    act.setToolTip("Freeze a workshop round with what was decided, and see what has changed since")

    def open_rounds() -> None:
        from .rounds import RoundsDialog

        if window.controller is None:
            return
        dialog = RoundsDialog(window.controller, window)
        window.rounds_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    act.triggered.connect(open_rounds)
    window.presenter.menu.addAction(act)
    window.act_rounds = act
    return act


def _new_from_template(window: Any) -> None:
    from .templates_dialog import new_from_template

    new_from_template(window)


def _export_anonymised(window: Any) -> None:
    from .templates_dialog import export_anonymised

    export_anonymised(window)


def install_template_actions(window: Any, file_menu: QMenu) -> tuple[QAction, QAction]:
    """Add File → New from template… (after New) and File → Export anonymised copy… (at the end so far)."""
    new = QAction("New from &template…", window)
    new.setStatusTip("Start a new workspace from a worked example: the demo, a youth-services alliance, a leisure "
                     "mutual's SPV")
    new.triggered.connect(lambda: _new_from_template(window))
    export = QAction("Export &anonymised copy…", window)
    export.setStatusTip("Write a copy with names replaced, free text dropped and money scaled, and a case study")
    export.triggered.connect(lambda: _export_anonymised(window))
    actions = file_menu.actions()
    file_menu.insertAction(actions[1] if len(actions) > 1 else None, new)  # type: ignore[arg-type]
    file_menu.addAction(export)
    window.act_new_from_template, window.act_export_anonymised = new, export
    return new, export


__all__ = ["install_history_actions", "install_rounds_actions", "install_template_actions",
           "install_whatif_actions"]
