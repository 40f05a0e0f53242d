"""Reusable screens: a record table with add/duplicate/delete, and a master–detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import Entity
from .controller import WorkspaceController
from .delegates import FieldDelegate, RefChoices
from .record_form import RecordForm
from .record_model import RecordTableModel
from .roles import ID_ROLE
from .sorting import SortProxy
from .zoom import scaled


class RecordTable(QTableView):
    """A sortable table of one entity type with the field delegate installed."""

    def __init__(self, model: RecordTableModel, ref_choices: RefChoices | None = None, parent=None):
        super().__init__(parent)
        self.source = model
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.setModel(self.proxy)
        self.setItemDelegate(FieldDelegate(ref_choices, self))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(scaled(24))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        self.resize_columns()
        model.modelReset.connect(self.resize_columns)

    def resize_columns(self) -> None:
        self.resizeColumnsToContents()
        for c in range(self.source.columnCount()):
            self.setColumnWidth(c, min(max(self.columnWidth(c), 70), 320))

    def current_id(self) -> int | None:
        idx = self.currentIndex()
        if not idx.isValid():
            return None
        return idx.siblingAtColumn(0).data(ID_ROLE)

    def select_id(self, id_: int | None) -> None:
        row = self.source.row_of(id_)
        if row < 0:
            return
        idx = self.proxy.mapFromSource(self.source.index(row, 0))
        self.setCurrentIndex(idx)
        self.selectionModel().select(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                     | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(idx)


WIDE_TABLE_COLUMNS = 8  # from this many columns a panel offers its rows as a form too


class RecordPanel(QWidget):
    """A titled table with Add, Duplicate (optional) and Delete; emits ``current_changed(id)``."""

    current_changed = Signal(object)

    def __init__(self, controller: WorkspaceController, cls: type[Entity], columns: list[str],
                 row_source: Callable[[], list[Entity]], new_values: Callable[[], dict[str, Any] | None],
                 *, title: str = "", ref_choices: RefChoices | None = None,
                 duplicate: Callable[[int], Entity | None] | None = None, searchable: bool = False,
                 nothing_to_add: str = "", parent=None):
        super().__init__(parent)
        self.nothing_to_add = nothing_to_add or f"there is nothing to add a {cls.label.lower()} to: select its parent first"
        self.controller = controller
        self.cls = cls
        self.new_values = new_values
        self.model = RecordTableModel(controller, cls, columns, row_source, self)
        self.table = RecordTable(self.model, ref_choices, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        if title:
            heading = QLabel(f"<b>{title}</b>")
            heading.setWordWrap(len(title) > 30)  # a long title wraps rather than widening the panel
            bar.addWidget(heading, 1)
        else:
            bar.addStretch(1)
        self.search = None
        if searchable:  # on a line of its own, so the list stays narrow beside the analyses (1280×720)
            self.search = QLineEdit()
            self.search.setPlaceholderText("Filter…")
            self.search.setClearButtonEnabled(True)
            self.search.textChanged.connect(self.table.proxy.setFilterFixedString)
        self.add_action = QAction("Add", self)
        self.add_action.setToolTip(f"Add a {cls.label.lower()}")
        self.add_action.triggered.connect(self.add_record)
        self.delete_action = QAction("Delete", self)
        self.delete_action.setToolTip(f"Delete the selected {cls.label.lower()} (Del)")
        self.delete_action.triggered.connect(self.delete_current)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.delete_action)
        self.duplicate = duplicate
        self.duplicate_action = QAction("Duplicate", self)
        self.duplicate_action.setToolTip(f"Copy the selected {cls.label.lower()} with everything in it")
        self.duplicate_action.triggered.connect(self.duplicate_current)
        buttons = [self.add_action] + ([self.duplicate_action] if duplicate else []) + [self.delete_action]
        for act in buttons:
            btn = QToolButton()
            btn.setDefaultAction(act)
            btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(btn)
        layout.addLayout(bar)
        if self.search is not None:
            layout.addWidget(self.search)
        self.bar = bar
        # a wide table (many columns) also reads as a form: the selected row's fields down the side
        self.form: RecordForm | None = None
        self.form_action = QAction("Form", self)
        self.form_action.setCheckable(True)
        self.form_action.setToolTip(f"Show the selected {cls.label.lower()} as a form beside the table")
        if len(columns) >= WIDE_TABLE_COLUMNS:
            self.form = RecordForm(controller, cls, fields=list(columns), ref_choices=ref_choices)
            self.form.hide()
            split = QSplitter(Qt.Orientation.Horizontal)
            split.addWidget(self.table)
            split.addWidget(self.form)
            self.form_split = split
            layout.addWidget(split)
            self.form_action.toggled.connect(self._toggle_form)
            self.add_tool(self.form_action)
        else:
            layout.addWidget(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._emit_current())
        self.model.modelReset.connect(self._after_reset)
        self._last_id: int | None = None
        self.update_actions()

    def _after_reset(self) -> None:
        if self._last_id is not None and self.model.row_of(self._last_id) >= 0:
            self.table.select_id(self._last_id)
        elif self.model.rowCount() and self._last_id is not None:
            self.table.selectRow(0)
        self._emit_current()

    def _toggle_form(self, shown: bool) -> None:
        assert self.form is not None
        self.form.setVisible(shown)
        if shown:
            width = max(self.form_split.width(), 600)
            self.form_split.setSizes([width * 2 // 5, width * 3 // 5])  # the form needs its labels and figures
            self.form.set_record(self.table.current_id())

    def _emit_current(self) -> None:
        cur = self.table.current_id()
        if self.form is not None and self.form_action.isChecked():
            self.form.set_record(cur)
        self.update_actions()
        if cur != self._last_id:
            self._last_id = cur
        self.current_changed.emit(cur)

    def update_actions(self) -> None:
        has = self.table.current_id() is not None
        writable = not self.controller.session.store.read_only
        self.delete_action.setEnabled(has and writable)
        self.duplicate_action.setEnabled(has and writable)
        self.add_action.setEnabled(writable)

    def add_tool(self, action: QAction) -> None:
        """Another action beside Add and Delete (a button in the panel's bar, and in its context menu)."""
        btn = QToolButton()
        btn.setDefaultAction(action)
        btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.bar.addWidget(btn)
        self.table.addAction(action)

    def reload(self) -> None:
        self.model.reload()

    def current_id(self) -> int | None:
        return self.table.current_id()

    def add_record(self) -> Entity | None:
        values = self.new_values()
        if values is None:
            self.controller.edit_refused.emit(self.nothing_to_add)
            return None
        entity = self.controller.add(self.cls, values, initiator=self)
        if entity is not None:
            self.table.select_id(entity.id)
        return entity

    def delete_current(self) -> bool:
        id_ = self.current_id()
        return id_ is not None and self.controller.delete(self.cls, id_, initiator=self)

    def duplicate_current(self) -> Entity | None:
        id_ = self.current_id()
        if id_ is None or self.duplicate is None:
            return None
        entity = self.duplicate(id_)
        if entity is not None:
            self.table.select_id(entity.id)
        return entity


class MasterDetailPage(QWidget):
    """A list of records on the left; on the right, tabs for the selected record."""

    selected = Signal(object)

    def __init__(self, master: RecordPanel, form: RecordForm | None, parent=None):
        super().__init__(parent)
        self.master = master
        self.form = form
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        if form is not None:
            self.tabs.addTab(form, "Details")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(master)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([340, 1020])  # the analyses need the room; the list stays readable
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        master.current_changed.connect(self._on_current)

    def _on_current(self, id_: int | None) -> None:
        if self.form is not None:
            self.form.set_record(id_)
        self.selected.emit(id_)

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)


def unique_name(base: str, taken: set[str]) -> str:
    taken_cf = {t.casefold() for t in taken}
    if base.casefold() not in taken_cf:
        return base
    n = 2
    while f"{base} {n}".casefold() in taken_cf:
        n += 1
    return f"{base} {n}"
