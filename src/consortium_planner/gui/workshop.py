"""The workshop layout (View ▸ Workshop layout): the Compare page beside a side panel, for a room of partners.

``WorkshopLayout`` puts the window's page stack in a horizontal splitter with a side pane on its right;
turning the layout on shows the Compare page and the pane, and leaving the Compare page (or turning the
layout off) hides the pane again, so no page is ever moved out of the stack. The pane hosts the widget
given to ``set_workshop_side_panel(widget)``, or made for each workspace by ``panel_factory(controller,
compare_page)`` (the live what-if panel); until one is given it shows
``OptionSummary``: one option's verdict banner (``verdict_banner.VerdictBanner``, the same verdict as above
the option's tabs) and its headline figures, as the Compare page computed them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import stored_id
from ..reports.sections.compare import comparison_table, row_label
from ..services.compare import ROW_BY_KEY, Comparison
from .controller import WorkspaceController
from .style import Card, italic_label
from .verdict_banner import VerdictBanner

if TYPE_CHECKING:
    from .compare import ComparePage

#: the Compare page's rows shown as headline cards, the worst news a workshop asks about first
HEADLINE_KEYS: tuple[str, ...] = ("funding_shortfall", "ceiling_headroom", "win_probability", "year_one_price",
                                  "npv", "min_dscr", "funding_requirement", "coverage_pct")
CARD_COLUMNS = 2


class OptionSummary(QWidget):
    """One option of the Compare page's tender: its verdict and headline figures (the side pane's default)."""

    def __init__(self, controller: WorkspaceController, compare: ComparePage, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.compare = compare
        self.option = QComboBox()
        self.option.setToolTip("The option whose verdict and figures this panel shows")
        self.option.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.option.setMinimumContentsLength(16)
        self.verdict = VerdictBanner(controller, self.option_id)
        self.context = italic_label()
        grid = QGridLayout()
        grid.setSpacing(4)
        self.cards: dict[str, Card] = {}
        for i, key in enumerate(HEADLINE_KEYS):
            row = ROW_BY_KEY[key]
            card = Card(row_label(row), row.note, muted_caption=True)
            card.set("…")
            self.cards[key] = card
            grid.addWidget(card, i // CARD_COLUMNS, i % CARD_COLUMNS)
        for c in range(CARD_COLUMNS):
            grid.setColumnStretch(c, 1)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.verdict)
        inner.addWidget(self.context)
        inner.addLayout(grid)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        form = QFormLayout()
        form.addRow("Option:", self.option)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form)
        layout.addWidget(scroll, 1)
        self.option.currentIndexChanged.connect(lambda _i: self._on_option())
        compare.model.modelReset.connect(self.refresh)  # the comparison was shown again
        compare.tender.currentIndexChanged.connect(lambda _i: self.fill_options())
        controller.workspace_changed.connect(self._on_changed)
        self.fill_options()

    # ------------------------------------------------------------------ choices
    def option_id(self) -> int | None:
        data = self.option.currentData()
        return int(data) if data is not None else None

    def fill_options(self, prefer: int | None = None) -> None:
        keep = prefer if prefer is not None else self.option_id()
        tender_id = self.compare.tender_id()
        options = self.controller.ws.options(tender_id) if tender_id is not None else []
        self.option.blockSignals(True)
        self.option.clear()
        for o in options:
            self.option.addItem(o.name, stored_id(o))
        index = self.option.findData(keep) if keep is not None else -1
        self.option.setCurrentIndex(index if index >= 0 else (0 if options else -1))
        self.option.blockSignals(False)
        self._on_option()

    def select_option(self, option_id: int | None) -> None:
        """Show ``option_id`` (the option selected on the Consortium options page) if it is of this tender."""
        if option_id is not None and self.option.findData(option_id) >= 0:
            self.option.setCurrentIndex(self.option.findData(option_id))

    def _on_changed(self, changes: Any) -> None:
        if not shiboken6.isValid(self.option):
            return
        names = [self.option.itemText(i) for i in range(self.option.count())]
        tender_id = self.compare.tender_id()
        now = [o.name for o in self.controller.ws.options(tender_id)] if tender_id is not None else []
        if names != now:
            self.fill_options()

    def _on_option(self) -> None:
        self.verdict.reload()
        self.refresh()

    # ------------------------------------------------------------------ showing
    def refresh(self) -> None:
        comparison: Comparison | None = self.compare.comparison
        oid = self.option_id()
        figures = None
        if comparison is not None and comparison.tender_id == self.compare.tender_id() and oid is not None:
            figures = next((o for o in comparison.options if o.option_id == oid), None)
        if comparison is None or figures is None:
            self.context.setText("The Compare page is working out the figures…" if oid is not None
                                 else "This tender has no consortium options yet.")
            for card in self.cards.values():
                card.set("…" if oid is not None else "–", tone="muted" if oid is None else None)
            return
        table = comparison_table(comparison, options=[figures])
        by_label = {r[0].value: i for i, r in enumerate(table.rows)}
        under = ("as it stands" if comparison.scenario == "Base" and comparison.adjustments == "no change"
                 else f"under the {comparison.scenario} scenario ({comparison.adjustments})")
        self.context.setText(f"{figures.name}, {under}: its figures as the Compare page shows them.")
        for key, card in self.cards.items():
            i = by_label.get(row_label(ROW_BY_KEY[key]))
            if i is None:
                card.set("not available", tone="muted")
                continue
            cell = table.rows[i][1]
            text = table.text(i, 1)
            # why the figure is what it is, and whether it compares like for like; "best of the options" is
            # the Compare page's word (it ranks options, it does not say a figure is good)
            note = "; ".join(part for part in cell.note.split("; ") if part and not part.startswith("best of"))
            if cell.value is None:
                card.set("not available", note, tone="muted")
            else:
                card.set(text, note)


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


__all__ = ["HEADLINE_KEYS", "OptionSummary", "WorkshopLayout"]
