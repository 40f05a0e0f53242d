"""The Compare page's Scenarios tab: the workspace's named scenarios, edited live, and every option's
figures under each of them.

On the left, the scenarios as a table (add, delete, edit a cell: each an undoable edit) and the selected
scenario's drivers as a form. Typing in the form recalculates the results at once, as a preview that
changes nothing; finishing the edit (Enter, or leaving the field) saves it as one undoable change. A
value the field would refuse is named under the form and not previewed.

On the right, one figure (chosen above it) for every option of the tender under every scenario, from
``services.scenarios.scenario_outcome`` — what each option's ``scenarios`` analysis and
``summary --json`` give — computed off the UI thread.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.fields import FieldError, coerce, specs
from ...domain.model import Scenario
from ...domain.scenarios import DRIVERS
from ...reports.sections.compare import scenario_matrix
from ...services.compare import ROWS, ValueKind
from ..controller import WorkspaceController
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..formatting import edit_text
from ..panels import RecordPanel, unique_name

__all__ = ["FIGURE_CHOICES", "ScenarioForm", "ScenariosPanel"]

#: the figures the matrix can show: every single-valued figure that is a number
FIGURE_CHOICES = tuple(r for r in ROWS if not r.breakdown and r.kind is not ValueKind.TEXT)
DEFAULT_FIGURE = "npv"
PREVIEW_DELAY_MS = 150  # a burst of keystrokes is one recalculation


class ScenarioForm(QWidget):
    """The selected scenario's drivers (see the module's docstring). ``previewed(scenario or None)``
    carries the row as typed (None: back to what is stored)."""

    previewed = Signal(object)

    def __init__(self, controller: WorkspaceController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.scenario_id: int | None = None
        self.title = QLabel()
        self.edits: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        field_specs = specs(Scenario)
        for i, d in enumerate(DRIVERS):
            spec = field_specs[d.name]
            label = QLabel(spec.label)
            label.setToolTip(spec.help)
            edit = QLineEdit()
            edit.setToolTip(spec.help)
            edit.setMinimumWidth(60)
            edit.setMaximumWidth(110)
            edit.textEdited.connect(lambda _t, n=d.name: self._typed(n))
            edit.editingFinished.connect(lambda n=d.name: self._commit(n))
            self.edits[d.name] = edit
            grid.addWidget(label, i, 0)
            grid.addWidget(edit, i, 1)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b02a37")
        self.hint = QLabel("Typing recalculates at once (a preview); Enter or leaving a field saves it — "
                           "undo with Ctrl+Z.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self._preview)
        self.set_scenario(None)

    def stored(self) -> Scenario | None:
        return self.controller.ws.get(Scenario, self.scenario_id)

    def set_scenario(self, scenario_id: int | None) -> None:
        """Show the stored values of ``scenario_id`` (None: nothing to edit); any preview is dropped."""
        self.scenario_id = scenario_id
        row = self.stored()
        self.title.setText(f"<b>{row.name}</b>: what it changes" if row is not None else
                           "<i>Select a scenario to edit it.</i>")
        field_specs = specs(Scenario)
        for name, edit in self.edits.items():
            edit.setEnabled(row is not None and not self.controller.session.store.read_only)
            edit.setText(edit_text(field_specs[name], getattr(row, name)) if row is not None else "")
        self.problem.setText("")
        self._timer.stop()
        self.previewed.emit(None)

    def typed(self) -> Scenario | None:
        """The stored row with the values as typed; None (with the reason shown) when one is refused."""
        row = self.stored()
        if row is None:
            return None
        values: dict[str, Any] = {}
        field_specs = specs(Scenario)
        for name, edit in self.edits.items():
            try:
                values[name] = coerce(field_specs[name], edit.text(), entity=Scenario.label, name=name)
            except FieldError as exc:
                self.problem.setText(str(exc))
                return None
        self.problem.setText("")
        try:
            return dataclasses.replace(row, **values)
        except (TypeError, ValueError) as exc:  # pragma: no cover - coerce gives each field its type
            self.problem.setText(str(exc))
            return None

    def _typed(self, _name: str) -> None:
        self._timer.start()

    def _preview(self) -> None:
        row = self.typed()
        if row is not None:
            self.previewed.emit(row if row != self.stored() else None)

    def _commit(self, name: str) -> None:
        row = self.stored()
        if row is None:
            return
        text = self.edits[name].text()
        spec = specs(Scenario)[name]
        try:
            value = coerce(spec, text, entity=Scenario.label, name=name)
        except FieldError as exc:
            self.problem.setText(str(exc))
            return
        if value != getattr(row, name):
            self.controller.set_field(Scenario, row.id, name, text, initiator=self)  # type: ignore[arg-type]


class ScenariosPanel(QWidget):
    """The Scenarios tab (see the module's docstring). The page gives it the matrix to show
    (``show_matrix``) and asks it for the scenario rows to compute (``rows_to_compute``)."""

    recalculate = Signal()  # the page should compute the matrix again (a preview, or another figure)

    def __init__(self, controller: WorkspaceController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.preview: Scenario | None = None
        columns = ["name"] + [d.name for d in DRIVERS]
        self.table = RecordPanel(
            controller, Scenario, columns, lambda: sorted(controller.ws.iter(Scenario), key=lambda s: s.id or 0),
            lambda: {"name": unique_name("New scenario", {s.name for s in controller.ws.iter(Scenario)})},
            title="Scenarios: each changes a copy of every option, never the option")
        self.form = ScenarioForm(controller)
        self.table.current_changed.connect(self.form.set_scenario)
        self.form.previewed.connect(self._on_preview)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(self.form)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)

        self.figure = QComboBox()
        for r in FIGURE_CHOICES:
            self.figure.addItem(r.label, r.key)
        self.figure.setCurrentIndex(next(i for i, r in enumerate(FIGURE_CHOICES) if r.key == DEFAULT_FIGURE))
        self.figure.currentIndexChanged.connect(lambda _i: self.recalculate.emit())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555")
        self.model = DocumentTableModel(row_header=True)
        self.matrix = DocumentTable(self.model, max_width=220)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Every option under every scenario</b> — figure:"))
        bar.addWidget(self.figure)
        bar.addStretch(1)
        bottom = QWidget()
        rl = QVBoxLayout(bottom)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(bar)
        rl.addWidget(self.matrix, 1)
        rl.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.outcomes: list[tuple[str, Any]] = []

    @property
    def figure_key(self) -> str:
        return self.figure.currentData()

    def rows_to_compute(self) -> list[Scenario]:
        """The stored scenarios, with the one being typed in as typed."""
        rows = sorted(self.controller.ws.iter(Scenario), key=lambda s: s.id or 0)
        p = self.preview
        return [p if p is not None and s.id == p.id else s for s in rows]

    def _on_preview(self, row: Scenario | None) -> None:
        self.preview = row
        self.recalculate.emit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.table.current_id() is None and self.table.model.rowCount():
            self.table.table.selectRow(0)

    def reload_rows(self) -> None:
        """The stored scenarios changed: show them (the form follows the selection)."""
        self.table.reload()
        self.form.set_scenario(self.table.current_id())

    def show_matrix(self, outcomes: list[tuple[str, Any]], previewing: str | None) -> None:
        self.outcomes = outcomes
        self.model.set_table(scenario_matrix(outcomes, self.figure_key))
        self.status.setText((f"Previewing {previewing} as typed: not saved until you press Enter or leave the "
                             "field. " if previewing else "") + self.model.table.note)

    def show_message(self, text: str) -> None:
        self.model.clear()
        self.status.setText(text)
