"""View → Rounds and decisions… (issue 19): freeze a workshop round, list the rounds of a tender, and see
what has changed, round against now or round against round (``services/rounds.py``).

Freezing works out the tender's options' figures off the UI thread (the Compare page's analyses), then
stores the round and its figures as one undoable step. A frozen round is read only; Delete asks first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import DecisionRound
from ..domain.tasks import Cancelled
from ..reports.document import Cell, Column, Kind, Status, Table, format_value
from ..reports.sections.compare import value_kind
from ..services.compare import ROW_BY_KEY, compare
from ..services.rounds import NOW, RoundDiff, diff, figures_now, round_figures, tender_rounds
from .controller import WorkspaceController
from .document_model import DocumentTableModel
from .document_table import DocumentTable
from .screen_fit import fit_size
from .tasks import BackgroundTask


def _text(value: str, d: RoundDiff) -> Cell:
    if not value:
        return Cell(None)
    spec = ROW_BY_KEY[d.key.split(": ", 1)[0]]
    kind = value_kind(spec)
    if kind is Kind.TEXT:
        return Cell(value)
    try:
        return Cell(Decimal(value), kind=kind, places=spec.places)
    except InvalidOperation:
        return Cell(value)


def diff_table(changes: list[RoundDiff], before: str, after: str) -> Table:
    """Option | Figure | before | after | change; green better, red worse (Compare's direction)."""
    rows = []
    for d in changes:
        spec = ROW_BY_KEY[d.key.split(": ", 1)[0]]
        kind = value_kind(spec)
        if d.status:
            change = Cell(f"option {d.status}", Status.GREY)
        elif d.change is None:
            change = Cell("changed" if d.before != d.after else "")
        else:
            sign = "+" if d.change > 0 else "\u2212" if d.change < 0 else ""
            change = Cell(d.change, Status.GREEN if d.better else Status.RED if d.better is False else None, kind,
                          spec.places, text=sign + format_value(abs(d.change), kind, spec.places))
        rows.append((Cell(d.option), Cell(d.label), _text(d.before, d), _text(d.after, d), change))
    return Table("round_changes", (Column("Option"), Column("Figure"), Column(before, Kind.NUMBER),
                                   Column(after, Kind.NUMBER), Column("Change", Kind.NUMBER)), tuple(rows))


class FreezeRoundDialog(QDialog):
    """Name, date, attendees, decision and rationale of the round to freeze."""

    def __init__(self, taken: set[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Freeze round")
        self.taken = {t.casefold() for t in taken}
        self.name = QLineEdit(f"Round {len(taken) + 1}")
        self.held_on = QDateEdit(QDate.currentDate())
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("dd/MM/yyyy")
        self.attendees = QPlainTextEdit()
        self.attendees.setPlaceholderText("Who was there, e.g. names and organisations")
        self.decision = QPlainTextEdit()
        self.decision.setPlaceholderText("What was decided, e.g. bid as the special purpose vehicle at 3% margin")
        self.rationale = QPlainTextEdit()
        self.rationale.setPlaceholderText("Why")
        for box in (self.attendees, self.decision, self.rationale):
            box.setTabChangesFocus(True)
            box.setMaximumHeight(90)
        form = QFormLayout(self)
        form.addRow(QLabel("The tender's options' figures are frozen as they stand now, with what was decided."))
        form.addRow("Round", self.name)
        form.addRow("Held on", self.held_on)
        form.addRow("Attendees", self.attendees)
        form.addRow("Decision", self.decision)
        form.addRow("Rationale", self.rationale)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a4262c;")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Freeze")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        fit_size(self, 560, 520)

    def _accept(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.problem.setText("Give the round a name.")
        elif name.casefold() in self.taken:
            self.problem.setText(f"The tender already has a round called ‘{name}’.")
        else:
            self.accept()

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text().strip(), "held_on": self.held_on.date().toPython(),
                "attendees": self.attendees.toPlainText(), "decision": self.decision.toPlainText(),
                "rationale": self.rationale.toPlainText()}


class RoundsDialog(QDialog):
    """The rounds of a tender: freeze one, delete one, and compare one with now or with another."""

    def __init__(self, controller: WorkspaceController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Rounds and decisions")
        self.task: BackgroundTask | None = None
        self._now: dict[int, Any] = {}  # tender id → its options' figures now (until the workspace changes)
        self.tender = QComboBox()
        self.freeze_button = QPushButton("Freeze round…")
        self.freeze_button.setToolTip("Store the tender's options' figures as they stand, with what was decided")
        self.freeze_button.clicked.connect(self.ask_freeze)
        self.delete_button = QPushButton("Delete round…")
        self.delete_button.clicked.connect(self._delete)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tender"))
        top.addWidget(self.tender, 1)
        top.addWidget(self.freeze_button)
        top.addWidget(self.delete_button)
        self.rounds_model = DocumentTableModel(parent=self)
        self.rounds_table = DocumentTable(self.rounds_model, stretch_column=3, max_width=260)
        self.rounds_table.clicked.connect(lambda _i: self._round_chosen())
        self.first = QComboBox()
        self.second = QComboBox()
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Compare"))
        pick.addWidget(self.first, 1)
        pick.addWidget(QLabel("with"))
        pick.addWidget(self.second, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.diff_model = DocumentTableModel(parent=self)
        self.diff_table = DocumentTable(self.diff_model, stretch_column=1, max_width=220)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(pick)
        lower_layout.addWidget(self.status)
        lower_layout.addWidget(self.diff_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.rounds_table)
        split.addWidget(lower)
        split.setSizes([160, 360])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(close)
        self.tender.currentIndexChanged.connect(lambda _i: self.reload())
        self.first.currentIndexChanged.connect(lambda _i: self.show_changes())
        self.second.currentIndexChanged.connect(lambda _i: self.show_changes())
        controller.workspace_changed.connect(self._on_changed)
        for t in controller.ws.tenders():
            self.tender.addItem(t.name, t.id)
        fit_size(self, 960, 640)
        self.reload()

    # ------------------------------------------------------------------ listing
    def tender_id(self) -> int | None:
        return self.tender.currentData()

    def rounds(self) -> list[DecisionRound]:
        tid = self.tender_id()
        return tender_rounds(self.controller.ws, tid) if tid is not None else []

    def reload(self) -> None:
        rounds = self.rounds()
        self.rounds_model.set_table(Table("rounds", (Column("Held on"), Column("Round"), Column("Attendees"),
                                                     Column("Decision"), Column("Rationale")),
                                          tuple((Cell(f"{r.held_on:%d/%m/%Y}" if r.held_on else None), Cell(r.name),
                                                 Cell(r.attendees), Cell(r.decision), Cell(r.rationale))
                                                for r in rounds)))
        first, second = self.first.currentData(), self.second.currentData()
        for combo in (self.first, self.second):
            combo.blockSignals(True)
            combo.clear()
        for r in rounds:
            self.first.addItem(r.name, r.id)
            self.second.addItem(r.name, r.id)
        self.second.insertItem(0, "Now (the options as they stand)", NOW)
        for combo, want, default in ((self.first, first, self.first.count() - 1), (self.second, second, 0)):
            i = combo.findData(want)
            combo.setCurrentIndex(i if i >= 0 else default)
            combo.blockSignals(False)
        self.delete_button.setEnabled(bool(rounds))
        self.freeze_button.setEnabled(self.tender_id() is not None)
        self.show_changes()

    def _round_chosen(self) -> None:
        rounds = self.rounds()
        row = self.rounds_table.currentIndex().row()
        if 0 <= row < len(rounds):
            self.first.setCurrentIndex(self.first.findData(rounds[row].id))

    def done(self, result: int) -> None:
        if self.task is not None:  # closing: the figures being worked out are no longer wanted
            self.task.cancel()
            self.task = None
        super().done(result)

    def _on_changed(self, _changes) -> None:
        self._now.clear()
        if shiboken6.isValid(self.status):
            self.reload()

    # ------------------------------------------------------------------ comparing
    def show_changes(self) -> None:
        rid = self.first.currentData()
        tid = self.tender_id()
        if rid is None or tid is None:
            self.status.setText("No rounds yet: Freeze round… stores the options' figures with what was decided.")
            self.diff_model.clear()
            return
        ws = self.controller.ws
        before = round_figures(ws, rid)
        other = self.second.currentData()
        if other == NOW:
            if tid not in self._now:
                self._figures_now(tid, self.show_changes)
                return
            after, label = figures_now(self._now[tid]), "Now"
        else:
            after, label = round_figures(ws, other), self.second.currentText()
        changes = diff(before, after)
        self.status.setText(f"{len(changes)} figure(s) differ between {self.first.currentText()} and "
                            f"{label.lower() if label == 'Now' else label}. Green is better, red worse.")
        self.diff_model.set_table(diff_table(changes, self.first.currentText(), label))

    def _figures_now(self, tender_id: int, then) -> None:
        """The tender's options' figures now, off the UI thread (then ``then()``)."""
        if self.task is not None:
            self.task.cancel()
        snapshot = self.controller.ws.copy()
        self.status.setText("Working out the options' figures as they stand…")
        # no modal progress dialog: the status line says what is happening, and the dialog stays usable
        task = BackgroundTask(lambda progress, cancelled: compare(snapshot, tender_id, cancelled=cancelled,
                                                                  progress=progress))
        self.task = task

        def finished(comparison, task=task) -> None:
            if task is not self.task or not shiboken6.isValid(self.status):
                return
            self.task = None
            self._now[tender_id] = comparison
            then()

        def failed(exc, task=task) -> None:
            if task is not self.task or not shiboken6.isValid(self.status):
                return
            self.task = None
            if not isinstance(exc, Cancelled):
                self.status.setText(f"The options' figures could not be worked out: {exc}")

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.start()

    # ------------------------------------------------------------------ freezing and deleting
    def ask_freeze(self) -> None:
        tid = self.tender_id()
        if tid is None:
            return
        form = FreezeRoundDialog({r.name for r in self.rounds()}, self)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        self.freeze(**form.values())

    def freeze(self, name: str, held_on: dt.date, attendees: str = "", decision: str = "", rationale: str = "") -> None:
        """Freeze a round of the selected tender (the figures are worked out off the UI thread first)."""
        tid = self.tender_id()
        if tid is None:
            return

        def store() -> None:
            comparison = self._now[tid]
            if self.controller.freeze_round(tid, name, held_on, attendees, decision, rationale, comparison,
                                            initiator=self):
                self.status.setText(f"Round ‘{name}’ frozen.")

        if tid in self._now:
            store()
        else:
            self._figures_now(tid, store)

    def _delete(self) -> None:
        rid = self.first.currentData()
        r = self.controller.ws.get(DecisionRound, rid)
        if r is None:
            return
        answer = QMessageBox.question(self, "Delete round", f"Delete the round ‘{r.name}’ and its figures? "
                                      "(Edit → Undo brings it back.)")
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.delete(DecisionRound, r.id, initiator=self)  # type: ignore[arg-type]


__all__ = ["FreezeRoundDialog", "RoundsDialog", "diff_table", "figures_now"]
