"""The workshop layout (View ▸ Workshop layout): the Compare page beside a side panel, for a room of partners.

``WorkshopLayout`` puts the window's page stack in a horizontal splitter with a side pane on its right;
turning the layout on shows the Compare page and the pane, and leaving the Compare page (or turning the
layout off) hides the pane again, so no page is ever moved out of the stack. The pane hosts the widget
given to ``set_workshop_side_panel(widget)``, or made for each workspace by ``panel_factory(controller,
compare_page)`` (the live what-if panel); until one is given it shows
``workshop_summary.OptionSummary``: one option's verdict banner and its headline figures, as the Compare
page computed them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from .compare import ComparePage
    from .controller import WorkspaceController
    from .workshop_summary import OptionSummary


class WorkshopLayout(QObject):
    """The page stack beside a side pane; see the module's docstring."""

    active_changed = Signal(bool)

    def __init__(self, window: Any):
        super().__init__(window)
        self.window_ = window
        self.active = False
        self.panel: QWidget | None = None  # given by set_workshop_side_panel
        #: makes the side panel for each workspace opened (the what-if panel needs its controller):
        #: ``panel_factory(controller, compare_page) -> QWidget``; None keeps the panel given, or the summary
        self.panel_factory: Callable[[WorkspaceController, ComparePage], QWidget] | None = None
        self.summary: OptionSummary | None = None
        self.side = QWidget()
        self.side.setObjectName("workshopSide")
        self.side_layout = QVBoxLayout(self.side)
        self.side_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel("Open a workspace to see the options side by side.")
        self.empty.setWordWrap(True)
        self.side_layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        central = window.centralWidget().layout()
        central.replaceWidget(window.stack, self.splitter)
        self.splitter.addWidget(window.stack)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.side.hide()
        window.stack.currentChanged.connect(lambda _i: self._on_page())
        window.workspace_opened.connect(self._on_workspace)
        self._on_workspace(window.controller)

    def set_panel_factory(self, factory: Callable[[WorkspaceController, ComparePage], QWidget] | None) -> None:
        """Make the side panel with ``factory`` for the workspace open now and every one opened later."""
        self.panel_factory = factory
        self._on_workspace(self.window_.controller)

    def compare_page(self) -> ComparePage | None:
        return self.window_.pages.get("Compare")

    def set_workshop_side_panel(self, widget: QWidget | None) -> None:
        """Show ``widget`` in the side pane in place of the option summary (None: the summary again)."""
        if self.panel is not None and self.panel is not widget:
            self.side_layout.removeWidget(self.panel)
            self.panel.hide()
        self.panel = widget
        if widget is not None:
            self.side_layout.addWidget(widget)
        self._show_side_content()

    def _show_side_content(self) -> None:
        if self.summary is not None:
            self.summary.setVisible(self.panel is None)
        if self.panel is not None:
            self.panel.show()
        self.empty.setVisible(self.panel is None and self.summary is None)

    def _on_workspace(self, controller: WorkspaceController | None) -> None:
        if self.summary is not None:
            self.side_layout.removeWidget(self.summary)
            self.summary.setParent(None)
            self.summary.deleteLater()
            self.summary = None
        compare = self.compare_page()
        if controller is not None and compare is not None:
            from .workshop_summary import OptionSummary

            self.summary = OptionSummary(controller, compare)
            self.side_layout.insertWidget(0, self.summary)
            if self.panel_factory is not None:
                old_panel = self.panel
                self.set_workshop_side_panel(self.panel_factory(controller, compare))
                if old_panel is not None:
                    old_panel.setParent(None)
                    old_panel.deleteLater()
        elif self.panel_factory is not None and self.panel is not None:  # its workspace has closed
            old_panel = self.panel
            self.set_workshop_side_panel(None)
            old_panel.setParent(None)
            old_panel.deleteLater()
        self._show_side_content()
        if self.active:
            self.set_active(controller is not None)

    def set_active(self, on: bool) -> bool:
        """Turn the layout on (the Compare page and the side pane) or off; False if there is nothing to show."""
        compare = self.compare_page()
        if on and compare is None:
            on = False
        self.active = on
        if on:
            assert compare is not None
            self.window_.show_page("Compare")
            if self.summary is not None:
                self.summary.select_option(self.window_.selected_option_id())
            self._size_by_compare(compare)
            self.side.show()
            total = max(self.splitter.width(), 800)
            self.splitter.setSizes([total * 2 // 3, total - total * 2 // 3])  # the options' columns need the room
        else:
            self.side.hide()
            self._size_by_compare(None)
        self.active_changed.emit(on)
        return on

    def _size_by_compare(self, compare: QWidget | None) -> None:
        """While the layout is on, the page stack is as small as the Compare page allows: the other pages
        (out of sight) do not count towards its minimum size, so the layout fits 1280×720 at 150%."""
        stack = self.window_.stack
        for i in range(stack.count()):
            page = stack.widget(i)
            if compare is not None and page is not compare:
                if page.property("workshopPolicy") is None:
                    page.setProperty("workshopPolicy", page.sizePolicy())
                page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            elif page.property("workshopPolicy") is not None:
                page.setSizePolicy(page.property("workshopPolicy"))
                page.setProperty("workshopPolicy", None)

    def _on_page(self) -> None:
        compare = self.compare_page()
        if self.active and self.window_.stack.currentWidget() is not compare:
            self.set_active(False)


__all__ = ["WorkshopLayout"]
