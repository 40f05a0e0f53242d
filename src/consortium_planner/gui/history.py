"""View → History…: the workspace's audit trail (``services/history.py``) with filters, newest first; and
the "Your name for the history" field of the Settings page.

The dialog reads the trail when it opens and again after each change to the workspace (the trail is
written in the same transaction as the change, ``store/audit.py``); filtering is the service's
``filter_history``, so the dialog, ``history --json`` and the workbook's History sheet agree.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import ENTITIES
from ..services.history import (
    AUDIT_NAME_KEY,
    AuditEntry,
    HistoryFilter,
    change_text,
    entity_label,
    filter_history,
    read_history,
    when_text,
    who_text,
)
from .controller import WorkspaceController

__all__ = ["AuditNameField", "HistoryDialog", "HistoryTableModel"]

ANY_DATE = QDate(2000, 1, 1)  # the date edits' "Any" (their minimum, shown as special text)


class HistoryTableModel(QAbstractTableModel):
    """The entries shown, newest first: plain values, never ORM rows."""

    COLUMNS = ("Time", "Who", "Operation", "Record", "Field", "Old → new")
    COL_TIME, COL_WHO, COL_OPERATION, COL_RECORD, COL_FIELD, COL_CHANGE = range(6)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[AuditEntry] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = list(reversed(entries))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def text(self, e: AuditEntry, column: int) -> str:
        if column == self.COL_TIME:
            return when_text(e.at)
        if column == self.COL_WHO:
            return who_text(e.who)
        if column == self.COL_OPERATION:
            return e.operation
        if column == self.COL_RECORD:
            return f"{entity_label(e.entity)} {e.record_id if e.record_id is not None else ''}".strip()
        if column == self.COL_FIELD:
            return e.field or ("(row added)" if e.new else "(row removed)")
        return change_text(e, limit=160)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(e, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text, where a column cuts it short
            if index.column() == self.COL_CHANGE:
                return change_text(e)
            if index.column() == self.COL_TIME:
                return f"{e.at.isoformat()} (UTC)"
            return self.text(e, index.column())
        return None


class HistoryDialog(QDialog):
    """The audit trail with filters: kind of record, operation, who, record id and a date range."""

    def __init__(self, controller: WorkspaceController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("History")
        self.all: list[AuditEntry] = []
        layout = QVBoxLayout(self)
        filters = QGridLayout()
        self.entity = QComboBox()
        self.entity.addItem("Any kind of record", "")
        for cls in sorted(ENTITIES, key=lambda c: c.label):
            self.entity.addItem(cls.label, cls.entity_name)
        self.operation = QLineEdit()
        self.operation.setPlaceholderText("e.g. Undo, Import, Set Member")
        self.who = QLineEdit()
        self.who.setPlaceholderText("a name, or (not set)")
        self.record = QLineEdit()
        self.record.setPlaceholderText("an id")
        self.record.setMaximumWidth(90)
        self.since, self.until = QDateEdit(), QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setMinimumDate(ANY_DATE)
            edit.setSpecialValueText("Any")
            edit.setDate(ANY_DATE)
        self.clear = QPushButton("Clear filters")
        filters.addWidget(QLabel("Record"), 0, 0)
        filters.addWidget(self.entity, 0, 1)
        filters.addWidget(QLabel("Id"), 0, 2)
        filters.addWidget(self.record, 0, 3)
        filters.addWidget(QLabel("Operation"), 0, 4)
        filters.addWidget(self.operation, 0, 5)
        filters.addWidget(QLabel("Who"), 1, 0)
        filters.addWidget(self.who, 1, 1)
        filters.addWidget(QLabel("From"), 1, 2)
        filters.addWidget(self.since, 1, 3)
        filters.addWidget(QLabel("To (inclusive)"), 1, 4)
        dates = QHBoxLayout()
        dates.addWidget(self.until)
        dates.addStretch(1)
        dates.addWidget(self.clear)
        filters.addLayout(dates, 1, 5)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(5, 2)
        layout.addLayout(filters)
        self.model = HistoryTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col, width in ((0, 135), (1, 110), (2, 280), (3, 150), (4, 140)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(HistoryTableModel.COL_CHANGE, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        bottom.addWidget(self.count, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self._refresh = QTimer(self, singleShot=True, interval=150)
        self._refresh.timeout.connect(self.reload)
        for line in (self.operation, self.who, self.record):
            line.textChanged.connect(self.apply_filters)
        self.entity.currentIndexChanged.connect(self.apply_filters)
        self.since.dateChanged.connect(self.apply_filters)
        self.until.dateChanged.connect(self.apply_filters)
        self.clear.clicked.connect(self.clear_filters)
        controller.workspace_changed.connect(self._changed)
        self.resize(1100, 600)
        self.reload()

    def _changed(self, _changes) -> None:
        self._refresh.start()

    def reload(self) -> None:
        """Read the trail again (after a change) and show it through the filters."""
        self.all = read_history(self.controller.session.store)
        self.apply_filters()

    def current_filter(self) -> HistoryFilter | None:
        """The filter the fields describe; None (and the id field marked) when the id is not a whole number."""
        record_text = self.record.text().strip()
        record_id = None
        if record_text:
            if not record_text.isdigit():
                return None
            record_id = int(record_text)

        def local_midnight(d: QDate) -> dt.datetime | None:
            if d == ANY_DATE:
                return None
            return dt.datetime(d.year(), d.month(), d.day()).astimezone()

        until = local_midnight(self.until.date())
        return HistoryFilter(entity=self.entity.currentData() or "", operation=self.operation.text().strip(),
                             who=self.who.text().strip(), record_id=record_id, since=local_midnight(self.since.date()),
                             until=until + dt.timedelta(days=1) if until is not None else None)

    def apply_filters(self) -> None:
        f = self.current_filter()
        if f is None:
            self.record.setToolTip("Write the record's id as a whole number, e.g. 12")
            self.record.setStyleSheet("background: #FFC7CE")
            return
        self.record.setToolTip("")
        self.record.setStyleSheet("")
        shown = filter_history(self.all, f)
        self.model.set_entries(shown)
        self.count.setText(f"{len(shown)} of {len(self.all)} changes, newest first. Times are this computer's "
                           "local time; the name is the workspace setting “Your name for the history”.")

    def clear_filters(self) -> None:
        for line in (self.operation, self.who, self.record):
            line.clear()
        self.entity.setCurrentIndex(0)
        self.since.setDate(ANY_DATE)
        self.until.setDate(ANY_DATE)

    @classmethod
    def show_for(cls, controller: WorkspaceController, parent: QWidget | None = None) -> HistoryDialog:
        dialog = cls(controller, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog


class AuditNameField(QWidget):
    """"Your name for the history" (the workspace setting ``audit_name``) and an explicit "Use my computer
    login" button: the login is only ever used when the user presses it."""

    def __init__(self, controller: WorkspaceController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Recorded with each change in View → History; “(not set)” if blank")
        self.name.editingFinished.connect(lambda: self._set(self.name.text().strip()))
        self.use_login = QPushButton("Use my computer login")
        self.use_login.setToolTip("Fill in the name you logged in to this computer with (only when you press this)")
        self.use_login.clicked.connect(self._use_login)
        row.addWidget(self.name, 1)
        row.addWidget(self.use_login)
        controller.workspace_changed.connect(self._changed)
        self.load()

    def _changed(self, changes) -> None:
        if changes.touches("setting"):
            self.load()

    def load(self) -> None:
        if not self.name.hasFocus():
            self.name.setText(self.controller.ws.setting(AUDIT_NAME_KEY, ""))

    def _set(self, value: str) -> None:
        if value != self.controller.ws.setting(AUDIT_NAME_KEY, ""):
            self.controller.set_setting(AUDIT_NAME_KEY, value, initiator=self)

    def _use_login(self) -> None:
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = ""
        if login:
            self.name.setText(login)
            self._set(login)
