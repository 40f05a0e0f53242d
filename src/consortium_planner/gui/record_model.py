"""A table model over rows of one entity type, with columns described by the domain's specs.

Rows are plain immutable values copied from the snapshot, never live database objects.
``setData`` does not write: it asks the controller, which validates, saves and pushes an undo
command; the model then refreshes from the ``workspace_changed`` signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain.fields import FieldSpec, Kind, field_tooltip, specs
from ..domain.model import ENTITY_BY_NAME, Entity
from .controller import WorkspaceController, touches
from .formatting import display, edit_text, is_numeric, sort_key
from .roles import ID_ROLE, SORT_ROLE, SPEC_ROLE, VALUE_ROLE

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class RecordTableModel(QAbstractTableModel):
    """Rows of ``cls`` chosen by ``row_filter`` from the controller's workspace."""

    def __init__(self, controller: WorkspaceController, cls: type[Entity], columns: list[str],
                 row_source: Callable[[], list[Entity]], parent=None):
        super().__init__(parent)
        self.controller = controller
        self.cls = cls
        self.columns = columns
        self.specs: list[FieldSpec] = [specs(cls)[c] for c in columns]
        self.tooltips: list[str] = [field_tooltip(cls, c) for c in columns]  # unit, range, default (once)
        self.row_source = row_source
        self.rows: list[Entity] = []
        self._row_of: dict[int, int] = {}
        self.reload()
        controller.workspace_changed.connect(self.on_changed)

    # ------------------------------------------------------------------ refresh
    def reload(self) -> None:
        self.beginResetModel()
        self.rows = list(self.row_source())
        self._row_of = {r.id: i for i, r in enumerate(self.rows)}  # type: ignore[misc]
        self.endResetModel()

    def on_changed(self, changes) -> None:
        names = {self.cls.entity_name} | {s.ref for s in self.specs if s.kind is Kind.REF}
        if not touches(changes, *[n for n in names if n]):
            return
        if changes.structural or "*" in changes.entities:
            self.reload()
            return
        for name, id_ in changes.rows:
            if name != self.cls.entity_name:
                # a referenced row was renamed: names in reference columns may change
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
                continue
            row = self._row_of.get(id_)
            if row is None:
                continue
            fresh = self.controller.ws.get(self.cls, id_)
            if fresh is None:
                self.reload()
                return
            self.rows[row] = fresh
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.specs):
            spec = self.specs[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return spec.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tooltips[section] or None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def ref_name(self, spec: FieldSpec, value: Any) -> str:
        if spec.kind is not Kind.REF or value is None:
            return ""
        return self.controller.ws.display_name(ENTITY_BY_NAME[spec.ref], value)  # type: ignore[index]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
        spec = self.specs[index.column()]
        value = getattr(row, self.columns[index.column()])
        if role == Qt.ItemDataRole.DisplayRole:
            if spec.kind is Kind.BOOL:
                return None
            return display(spec, value, self.ref_name(spec, value))
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(spec, value)
        if role == Qt.ItemDataRole.CheckStateRole and spec.kind is Kind.BOOL:
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and is_numeric(spec):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if value is None and is_numeric(spec):
                return QBrush(QColor("#8a8a8a"))
            if spec.kind is Kind.MONEY and value is not None and value < 0:
                return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltips[index.column()] or None
        if role == SORT_ROLE:
            return sort_key(spec, value, self.ref_name(spec, value))
        if role == SPEC_ROLE:
            return spec
        if role == VALUE_ROLE:
            return value
        if role == ID_ROLE:
            return row.id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        spec = self.specs[index.column()]
        if self.controller.session.store.read_only:
            return base
        if spec.kind is Kind.BOOL:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row = self.rows[index.row()]
        field = self.columns[index.column()]
        spec = self.specs[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and spec.kind is Kind.BOOL:
            value = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        elif role != Qt.ItemDataRole.EditRole:
            return False
        return self.controller.set_field(self.cls, row.id, field, value, initiator=self)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ helpers
    def entity_at(self, row: int) -> Entity | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, id_: int | None) -> int:
        return self._row_of.get(id_, -1)  # type: ignore[arg-type]
