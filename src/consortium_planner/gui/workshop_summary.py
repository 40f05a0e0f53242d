"""The workshop layout's default side pane: one option's verdict and headline figures (``workshop.py``).

``OptionSummary`` shows the option's verdict banner (``verdict_banner.VerdictBanner``, the same verdict as
above the option's tabs) and its headline figures, as the Compare page computed them. It is made when a
workspace opens, so this module (the comparison, the reports' tables) is not imported with the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QScrollArea,
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


__all__ = ["HEADLINE_KEYS", "OptionSummary"]
