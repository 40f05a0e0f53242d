"""An organisation's accounts as an accountant enters them (issue 20): line items down, years across, the
totals that follow (net assets, free cash flow) and a row of checks under each year — instead of an
18-column sideways grid. Each cell edits that year's line through the controller (one undo step); the
figures and checks come from ``domain.accounts``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTableView

from ..domain.accounts import checks, derived
from ..domain.fields import field_tooltip, specs
from ..domain.model import FinancialYear
from ..domain.money import format_gbp
from .controller import WorkspaceController, touches
from .formatting import display, edit_text

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
LINES = [n for n in specs(FinancialYear) if n not in ("id", "organisation_id", "year_end")]
DERIVED = [("net_assets", "Net assets", "Total assets − total liabilities"),
           ("free_cash_flow", "Free cash flow", "Operating cash flow − net capital expenditure − net interest − tax − "
                                                "dividends, as the standing test reads it")]
CHECKS_LABEL = "Checks"
OK_TEXT, PROBLEM = QColor("#05603A"), QColor("#B42318")


class AccountsModel(QAbstractTableModel):
    """Rows: the account lines, then the derived totals, then the checks; columns: the years, oldest first."""

    def __init__(self, controller: WorkspaceController, organisation_id, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.organisation_id = organisation_id  # a callable giving the selected organisation's id
        self.years: list[FinancialYear] = []
        self.specs = specs(FinancialYear)
        controller.workspace_changed.connect(self._changed)
        self.reload()

    def _changed(self, changes) -> None:
        if touches(changes, "financial_year", "organisation"):
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        oid = self.organisation_id()
        self.years = sorted(self.controller.ws.financial_years(oid), key=lambda f: f.year_end) if oid else []
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(LINES) + len(DERIVED) + 1

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.years)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.years):
                return f"Year to {self.years[section].year_end.strftime('%d/%m/%Y')}"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(LINES):
                return self.specs[LINES[section]].label
            if section < len(LINES) + len(DERIVED):
                return DERIVED[section - len(LINES)][1]
            return CHECKS_LABEL
        if role == Qt.ItemDataRole.ToolTipRole:
            if section < len(LINES):
                return field_tooltip(FinancialYear, LINES[section]) or None
            if section < len(LINES) + len(DERIVED):
                return DERIVED[section - len(LINES)][2]
            return "Whether each year's lines hang together: hover a year's cell for what to check"
        if role == Qt.ItemDataRole.FontRole and section >= len(LINES):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.row() < len(LINES) and not self.controller.session.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.years):
            return None
        fy, r = self.years[index.column()], index.row()
        if r < len(LINES):
            spec, value = self.specs[LINES[r]], getattr(fy, LINES[r])
            if role == Qt.ItemDataRole.DisplayRole:
                return display(spec, value, "")
            if role == Qt.ItemDataRole.EditRole:
                return edit_text(spec, value)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole and value is None:
                return QBrush(QColor("#8a8a8a"))
            return None
        if r < len(LINES) + len(DERIVED):
            value = getattr(derived(fy), DERIVED[r - len(LINES)][0])
            if role == Qt.ItemDataRole.DisplayRole:
                return format_gbp(value, pence=False, missing="not given")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        problems = checks(fy)
        if role == Qt.ItemDataRole.DisplayRole:
            return "✓ adds up" if not problems else f"✗ {len(problems)} to check"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(problems) if problems else "Every part is within its whole; EBITDA agrees."
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(PROBLEM if problems else OK_TEXT)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.row() >= len(LINES):
            return False
        fy = self.years[index.column()]
        return self.controller.set_field(FinancialYear, fy.id, LINES[index.row()], value,  # type: ignore[arg-type]
                                         initiator=self)


class AccountsGrid(QTableView):
    def __init__(self, controller: WorkspaceController, organisation_id, parent=None):
        super().__init__(parent)
        self.model_ = AccountsModel(controller, organisation_id, self)
        self.setModel(self.model_)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setMinimumSectionSize(120)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def reload(self) -> None:
        self.model_.reload()
