"""The Partnership tab's editing grids and the checklist command.

* ``ScoreGridModel``: partners down, the six Nuffield principles and six culture dimensions across;
  each cell a partner's score (1–5). Typing a score adds the row or changes it, through the controller
  (one undo step each); clearing a cell deletes it.
* ``DiligenceGridModel``: the ten due-diligence areas down, partners across; each cell a status chosen
  from a list (adds or changes the row; "Not started" with no notes deletes it).
* ``ChecklistCommand``: every missing head of terms added in one undo step
  (``services.partnering.checklist_batch`` applied as a batch).

The grids read the workspace itself (not an analysis result), so an edit shows at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QWidget

from ...domain.model import (
    DueDiligenceArea,
    DueDiligenceItem,
    DueDiligenceStatus,
    ReadinessScore,
)
from ...reports.document import Status
from ...reports.sections.partnership import DD_STATUS, SHORT_DIMENSION
from ...services.partnering import checklist_batch
from ...services.session import Batch
from ..controller import WorkspaceController, _Command, touches
from ..style import tone_of
from .rows import DIMENSIONS, diligence_cell, partners, score_cell

__all__ = ["ChecklistCommand", "DiligenceGridModel", "StatusDelegate", "ScoreGridModel"]

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


class _Grid(QAbstractTableModel):
    watches: tuple[str, ...] = ()

    def __init__(self, controller: WorkspaceController, option_id, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.option_id = option_id  # a callable giving the selected option's id
        self.partners: list[tuple[int, str]] = []
        controller.workspace_changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes) -> None:
        if touches(changes, "member", "organisation", *self.watches):
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        oid = self.option_id()
        self.partners = partners(self.controller.ws, oid) if oid is not None else []
        self.endResetModel()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable


class ScoreGridModel(_Grid):
    watches = ("readiness_score",)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.partners)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(DIMENSIONS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(DIMENSIONS):
            if role == Qt.ItemDataRole.DisplayRole:
                return SHORT_DIMENSION[DIMENSIONS[section]]
            if role == Qt.ItemDataRole.ToolTipRole:
                kind = "principle" if section < 6 else "culture fit"
                return f"{DIMENSIONS[section].label} ({kind})"
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.partners):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.partners[section][1]
        return None

    def score(self, row: int, column: int) -> ReadinessScore | None:
        return score_cell(self.controller.ws, self.partners[row][0], DIMENSIONS[column])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.score(index.row(), index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if row is None else str(row.score)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            name = self.partners[index.row()][1]
            dim = DIMENSIONS[index.column()].label
            return f"{name}: {dim}: " + ("not scored; type 1 to 5" if row is None else f"{row.score} of 5"
                                         + (f" ({row.note})" if row.note else ""))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.score(index.row(), index.column())
        text = str(value).strip()
        c = self.controller
        if not text:
            return row is None or c.delete(ReadinessScore, row.id, initiator=self)  # type: ignore[arg-type]
        if row is None:
            return c.add(ReadinessScore, {"member_id": self.partners[index.row()][0],
                                          "dimension": DIMENSIONS[index.column()].value, "score": text},
                         initiator=self) is not None
        return c.set_field(ReadinessScore, row.id, "score", text, initiator=self)  # type: ignore[arg-type]


class DiligenceGridModel(_Grid):
    watches = ("due_diligence_item",)
    AREAS = tuple(DueDiligenceArea)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.AREAS)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.partners)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.partners):
            return self.partners[section][1]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.AREAS):
            return self.AREAS[section].label
        return None

    def item(self, row: int, column: int) -> DueDiligenceItem | None:
        return diligence_cell(self.controller.ws, self.partners[column][0], self.AREAS[row])

    def status(self, row: int, column: int) -> DueDiligenceStatus:
        item = self.item(row, column)
        return item.status if item is not None else DueDiligenceStatus.NOT_STARTED

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.item(index.row(), index.column())
        status = item.status if item is not None else DueDiligenceStatus.NOT_STARTED
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return status.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return status.label + (f": {item.notes}" if item is not None and item.notes else "")
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            tone = tone_of(DD_STATUS.get(status) or Status.GREY)
            if tone is None:
                return None
            return QBrush(QColor(tone.background if role == Qt.ItemDataRole.BackgroundRole else tone.text))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            status = DueDiligenceStatus.from_value(str(value))
        except ValueError as exc:
            self.controller.edit_refused.emit(str(exc))
            return False
        item = self.item(index.row(), index.column())
        c = self.controller
        if item is None:
            if status is DueDiligenceStatus.NOT_STARTED:
                return True
            return c.add(DueDiligenceItem, {"member_id": self.partners[index.column()][0],
                                            "area": self.AREAS[index.row()].value, "status": status.value},
                         initiator=self) is not None
        if status is DueDiligenceStatus.NOT_STARTED and not item.notes:
            return c.delete(DueDiligenceItem, item.id, initiator=self)  # type: ignore[arg-type]
        return c.set_field(DueDiligenceItem, item.id, "status", status.value, initiator=self)  # type: ignore[arg-type]


class StatusDelegate(QStyledItemDelegate):
    """A drop-down of the due-diligence statuses."""

    def createEditor(self, parent: QWidget, option, index: Index) -> QWidget:
        box = QComboBox(parent)
        box.addItems([s.label for s in DueDiligenceStatus])
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class ChecklistCommand(_Command):
    """Every missing head of terms of the option added in one undo step."""

    def __init__(self, controller: WorkspaceController, option_id: int, initiator=None):
        super().__init__(controller, "Add the heads of terms", initiator)
        self.option_id = option_id
        self.batch: Batch | None = None

    def do_first(self) -> None:
        self.batch = checklist_batch(self.controller.session, self.option_id)
        if not self.batch:
            self.setObsolete(True)  # nothing missing: nothing to undo
            return
        self.controller.session.apply_batch(self.batch)

    def do(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch)

    def undo_it(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch, reverse=True)
