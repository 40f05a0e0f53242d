"""File → Import from Excel…: read a workbook off the UI thread, then preview, map and import it.

The dialog holds no import rules: every change (what the workbook is, which tender, the columns
of a buyer's pricing schedule) asks ``services.xlsx_import.plan`` for a fresh plan, and shows its
summary and its problems by sheet, row and column. Import is offered only for a plan without
problems; it goes through ``WorkspaceController.import_plan``, one undo step that removes exactly
what was imported.

``ColumnMappingWidget`` (sheet, header row, one column per field, a preview of the sheet) is
shared with the export dialog, which maps a buyer's schedule to fill it in.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import ENTITIES, Organisation, Requirement
from ..services import xlsx_import
from ..services.importing import ImportPlan, plural
from ..services.schedule_import import guess_mapping, mapping_for_headers
from ..services.tabular import MAPPABLE_FIELDS, ColumnMapping, Problem, SheetGrid, WorkbookGrid, column_letter
from .controller import WorkspaceController
from .roles import SORT_ROLE
from .screen_fit import fit_size
from .tasks import BackgroundTask
from .zoom import scaled

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

PREVIEW_ROWS = 50  # rows of the sheet shown under the mapping
MAX_COLUMNS = 200  # columns offered in the mapping combos (a sheet formatted to XFD is not 16,384 choices)
BIG_GRID_ROWS = 5000  # above this many rows, re-plan after a short pause, off the UI thread
REPLAN_DELAY_MS = 250

MAPPING_SOURCES = {
    "remembered": "Columns remembered from an earlier workbook laid out like this one.",
    "guessed": "Columns guessed from the header row: check them against the preview.",
    "yours": "Columns as you chose them.",
    "": "No header row found: choose the sheet, the header row and the columns.",
}

HEADER_ROW_COLOUR = QColor("#cfe2ff")
MAPPED_COLOUR = QColor("#e7f4e4")
PROBLEM_COLOUR = QColor("#b00020")
WARNING_COLOUR = QColor("#8a5a00")


def cell_text(value: object) -> str:
    """A cell as a spreadsheet user reads it: numbers in full, dates DD/MM/YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def column_title(column: int, header: str) -> str:
    """'D — Est. annual hours', or just 'D' under a blank header."""
    letter = column_letter(column)
    return f"{letter} — {header}" if header else letter


def _plural(label: str, n: int) -> str:
    return label.lower() if n == 1 else plural(label.lower())


def counts_text(plan: ImportPlan) -> str:
    """'requirements: 39 new, 1 updated; lots: 1 new' from the plan's counts."""
    return plan.counts_text()


def import_text(plan: ImportPlan, kind: str, source: str) -> str:
    """The undo command's name: 'Import 240 requirements from schedule.xlsx'."""
    main = {"organisations": Organisation.label, "requirements": Requirement.label,
            "schedule": Requirement.label}.get(kind)
    counts = plan.counts()
    changed = {label: added + updated for label, (added, updated, _same) in counts.items() if added + updated}
    if main in changed:
        n = changed.pop(main)
        text = f"Import {n:,} {_plural(main, n)}"
        others = sum(changed.values())
        if others:
            text += f" and {others} other row{'s' if others != 1 else ''}"
    else:
        n = sum(changed.values()) or len(plan.rows)
        text = f"Import {n:,} row{'s' if n != 1 else ''}"
    return f"{text} from {source}"


# --------------------------------------------------------------------------- reading off the UI thread


def read_workbook_task(path: str | Path, parent: QWidget | None) -> BackgroundTask:
    """Read a workbook's values on the thread pool; ``finished(WorkbookGrid)`` or ``failed(exc)``."""
    path = Path(path)

    def work(progress, cancelled):
        progress(0.05, f"Reading {path.name}…")
        grid = xlsx_import.read(path, cancelled=cancelled)
        progress(1.0, f"Read {path.name}")
        return grid

    return BackgroundTask(work, title=f"Reading {path.name}", parent_widget=parent)


# --------------------------------------------------------------------------- table models


class SheetPreviewModel(QAbstractTableModel):
    """The first rows of one sheet, read-only: the header row highlighted, mapped columns tinted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sheet: SheetGrid | None = None
        self.header_row = 0
        self.mapped: dict[int, str] = {}  # column → field label
        self._rows = 0
        self._columns = 0

    def set_sheet(self, sheet: SheetGrid | None, header_row: int, mapped: dict[int, str]) -> None:
        self.beginResetModel()
        self.sheet, self.header_row, self.mapped = sheet, header_row, dict(mapped)
        if sheet is None:
            self._rows = self._columns = 0
        else:
            self._rows = min(sheet.max_row, max(PREVIEW_ROWS, header_row + 10))
            self._columns = min(max(sheet.max_column, max(mapped, default=0)), MAX_COLUMNS)
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._columns

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.sheet is None:
            return None
        row, col = index.row() + 1, index.column() + 1
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(self.sheet.cell(row, col))
        if role == Qt.ItemDataRole.BackgroundRole:
            if row == self.header_row:
                return QBrush(HEADER_ROW_COLOUR)
            if col in self.mapped and row > self.header_row:
                return QBrush(MAPPED_COLOUR)
            return None
        if role == Qt.ItemDataRole.FontRole and row == self.header_row:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Vertical:
                return str(section + 1)
            letter = column_letter(section + 1)
            label = self.mapped.get(section + 1)
            return f"{letter}: {label}" if label else letter
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            label = self.mapped.get(section + 1)
            return f"Column {column_letter(section + 1)} holds the {label.lower()}" if label else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ProblemsModel(QAbstractTableModel):
    """An import plan's problems, then its warnings: type, sheet, row, column and what is wrong."""

    HEADERS = ("Type", "Sheet", "Row", "Column", "Problem")
    COL_TYPE, COL_SHEET, COL_ROW, COL_COLUMN, COL_PROBLEM = range(5)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[tuple[bool, Problem]] = []  # (is a warning, problem)

    def set_problems(self, problems: list[Problem], warnings: list[Problem]) -> None:
        self.beginResetModel()
        self.items = [(False, p) for p in problems] + [(True, w) for w in warnings]
        self.endResetModel()

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        warning, p = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_TYPE:
                return "Warning" if warning else "Problem"
            if col == self.COL_SHEET:
                return p.sheet
            if col == self.COL_ROW:
                return "" if p.row is None else str(p.row)
            if col == self.COL_COLUMN:
                return "" if p.column is None else column_title(p.column, p.column_name)
            return p.reason
        if role == SORT_ROLE:
            return (int(warning), p.sheet, p.row or 0, p.column or 0, p.reason)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(p)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_TYPE:
            return QBrush(WARNING_COLOUR if warning else PROBLEM_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.COL_ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _read_only_table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(False)
    view.verticalHeader().setDefaultSectionSize(scaled(22))
    view.horizontalHeader().setHighlightSections(False)
    return view


# --------------------------------------------------------------------------- the column mapping


class ColumnMappingWidget(QWidget):
    """Where a buyer's pricing schedule keeps each thing: sheet, header row and one column per field.

    ``mapping_changed`` is emitted when the user changes something (not when ``set_mapping`` is
    called); ``mapping()`` is the mapping shown.
    """

    mapping_changed = Signal()

    def __init__(self, grid: WorkbookGrid, parent=None):
        super().__init__(parent)
        self.grid = grid
        self._quiet = False
        self.source = ""

        self.sheet_box = QComboBox()
        for name in grid.sheet_names:
            self.sheet_box.addItem(name)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1)
        self.header_spin.setToolTip("The row that holds the column headings")
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.source_label.setStyleSheet("QLabel { color: #444; }")

        top = QHBoxLayout()
        top.addWidget(QLabel("Sheet"))
        top.addWidget(self.sheet_box, 1)
        top.addSpacing(12)
        top.addWidget(QLabel("Header row"))
        top.addWidget(self.header_spin)
        top.addSpacing(12)
        top.addWidget(self.source_label, 2)

        fields = QFormLayout()
        fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.field_boxes: dict[str, QComboBox] = {}
        for name, label, required in MAPPABLE_FIELDS:
            box = QComboBox()
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(18)
            self.field_boxes[name] = box
            fields.addRow(f"{label} *" if required else label, box)
            if name == "area":
                self.area_edit = QLineEdit()
                self.area_edit.setPlaceholderText("instead of an area column")
                self.area_edit.setClearButtonEnabled(True)
                self.area_edit.setToolTip("When the schedule covers one area and has no area column, type the area here")
                fields.addRow("Area for every row", self.area_edit)
        note = QLabel("* must be mapped")
        note.setStyleSheet("QLabel { color: #666; }")
        fields.addRow("", note)
        left = QWidget()
        left.setLayout(fields)
        left.setMaximumWidth(420)

        self.preview_model = SheetPreviewModel(self)
        self.preview = _read_only_table(self.preview_model)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.setToolTip("The sheet's first rows: the header row is blue, mapped columns green")

        body = QHBoxLayout()
        body.addWidget(left)
        body.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.sheet_box.currentIndexChanged.connect(self._sheet_chosen)
        self.header_spin.valueChanged.connect(self._header_row_chosen)
        for box in self.field_boxes.values():
            box.currentIndexChanged.connect(self._column_chosen)
        self.area_edit.textChanged.connect(self._area_typed)
        self.set_mapping(guess_mapping(grid), "guessed")

    # ------------------------------------------------------------------ state
    def current_sheet(self) -> SheetGrid | None:
        return self.grid.sheet(self.sheet_box.currentText()) if self.sheet_box.count() else None

    def mapping(self) -> ColumnMapping | None:
        sheet = self.current_sheet()
        if sheet is None:
            return None
        columns = {name: box.currentData() for name, box in self.field_boxes.items() if box.currentData()}
        return mapping_for_headers(self.grid, sheet.name, self.header_spin.value(), columns=columns,
                                   fixed_area=self.area_edit.text().strip())

    def set_mapping(self, mapping: ColumnMapping | None, source: str) -> None:
        """Show ``mapping`` (None: the first sheet, row 1, nothing mapped) without emitting a change."""
        self._quiet = True
        try:
            if mapping is not None and self.sheet_box.findText(mapping.sheet) >= 0:
                self.sheet_box.setCurrentIndex(self.sheet_box.findText(mapping.sheet))
            elif self.sheet_box.count():
                self.sheet_box.setCurrentIndex(0)
            self._fit_header_spin()
            self.header_spin.setValue(mapping.header_row if mapping is not None else 1)
            self._fill_column_boxes(mapping.columns if mapping is not None else {})
            self.area_edit.setText(mapping.fixed_area if mapping is not None else "")
        finally:
            self._quiet = False
        self.set_source(source if mapping is not None else "")
        self._refresh()

    def set_source(self, source: str) -> None:
        self.source = source
        self.source_label.setText(MAPPING_SOURCES.get(source, ""))

    # ------------------------------------------------------------------ building
    def _fit_header_spin(self) -> None:
        sheet = self.current_sheet()
        self.header_spin.setRange(1, max(1, sheet.max_row if sheet else 1))

    def _fill_column_boxes(self, columns: dict[str, int]) -> None:
        sheet = self.current_sheet()
        headers = sheet.header(self.header_spin.value()) if sheet else ()
        count = min(max(len(headers), sheet.max_column if sheet else 0, max(columns.values(), default=0)),
                    MAX_COLUMNS)
        titles = [column_title(c, headers[c - 1] if c <= len(headers) else "") for c in range(1, count + 1)]
        for name, box in self.field_boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem("(none)", None)
            for c, title in enumerate(titles, start=1):
                box.addItem(title, c)
            want = columns.get(name)
            box.setCurrentIndex(max(box.findData(want), 0) if want is not None else 0)
            box.blockSignals(False)

    def _refresh(self) -> None:
        self.field_boxes["area"].setEnabled(not self.area_edit.text().strip())
        labels = {name: label for name, label, _req in MAPPABLE_FIELDS}
        mapped: dict[int, str] = {}
        for name, box in self.field_boxes.items():
            if box.currentData() and box.isEnabled():
                col = box.currentData()
                mapped[col] = f"{mapped[col]}, {labels[name]}" if col in mapped else labels[name]
        self.preview_model.set_sheet(self.current_sheet(), self.header_spin.value(), mapped)
        self.preview.resizeColumnsToContents()
        for c in range(self.preview_model.columnCount()):
            self.preview.setColumnWidth(c, min(max(self.preview.columnWidth(c), 48), 220))
        if 1 <= self.header_spin.value() <= self.preview_model.rowCount():
            self.preview.scrollTo(self.preview_model.index(self.header_spin.value() - 1, 0),
                                  QAbstractItemView.ScrollHint.EnsureVisible)

    def _changed(self) -> None:
        self.set_source("yours")
        self._refresh()
        self.mapping_changed.emit()

    # ------------------------------------------------------------------ the user's changes
    def _sheet_chosen(self, _index: int) -> None:
        if self._quiet:
            return
        sheet = self.current_sheet()
        guess = guess_mapping(self.grid, sheet.name) if sheet else None
        self._quiet = True
        try:
            self._fit_header_spin()
            self.header_spin.setValue(guess.header_row if guess else 1)
            self._fill_column_boxes(guess.columns if guess else {})
        finally:
            self._quiet = False
        self._changed()

    def _header_row_chosen(self, _row: int) -> None:
        if self._quiet:
            return
        sheet = self.current_sheet()
        if sheet is None:
            return
        guessed = mapping_for_headers(self.grid, sheet.name, self.header_spin.value()).columns
        kept = {name: box.currentData() for name, box in self.field_boxes.items() if box.currentData()}
        self._fill_column_boxes(guessed or kept)
        self._changed()

    def _column_chosen(self, _index: int) -> None:
        if not self._quiet:
            self._changed()

    def _area_typed(self, _text: str) -> None:
        if not self._quiet:
            self._changed()


# --------------------------------------------------------------------------- the dialog


class ImportDialog(QDialog):
    """Preview an import, choose what it is, map a schedule's columns, and import when it is clean."""

    def __init__(self, controller: WorkspaceController, grid: WorkbookGrid, path: str | Path,
                 tender_id: int | None = None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.grid = grid
        self.path = Path(path)
        self.prepared: xlsx_import.Prepared | None = None
        self.imported = False
        self._user_mapping: ColumnMapping | None = None
        self._big = sum(s.max_row for s in grid.sheets) > BIG_GRID_ROWS
        self._generation = 0  # plans made for an older state of the dialog are ignored when they arrive
        self._tasks: list[BackgroundTask] = []
        self.setWindowTitle("Import from Excel")
        fit_size(self, 1040, 640)  # grown to fit its contents below, within a 1280×720 screen

        title = QLabel(f"Importing <b>{self.path.name}</b>")
        title.setToolTip(str(self.path))
        form = QFormLayout()
        self.kind_box = QComboBox()
        for kind, label in xlsx_import.KINDS.items():
            self.kind_box.addItem(label, kind)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(xlsx_import.detect_kind(grid)), 0))
        form.addRow("What is it?", self.kind_box)
        self.tender_box = QComboBox()
        for t in controller.ws.tenders():
            self.tender_box.addItem(t.name, t.id)
        if tender_id is not None and self.tender_box.findData(tender_id) >= 0:
            self.tender_box.setCurrentIndex(self.tender_box.findData(tender_id))
        self.tender_label = QLabel("Into tender")
        form.addRow(self.tender_label, self.tender_box)

        self.mapping_group = QGroupBox("Columns of the buyer's pricing schedule")
        self.mapping_widget = ColumnMappingWidget(grid)
        group_layout = QVBoxLayout(self.mapping_group)
        group_layout.addWidget(self.mapping_widget)

        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.problems_model = ProblemsModel(self)
        self.problems = _read_only_table(self.problems_model)
        self.problems.verticalHeader().setVisible(False)
        self.problems.setWordWrap(False)
        header = self.problems.horizontalHeader()
        header.setStretchLastSection(True)
        self.problems.setColumnWidth(ProblemsModel.COL_TYPE, 80)
        self.problems.setColumnWidth(ProblemsModel.COL_SHEET, 140)
        self.problems.setColumnWidth(ProblemsModel.COL_ROW, 50)
        self.problems.setColumnWidth(ProblemsModel.COL_COLUMN, 200)
        results_layout.addWidget(self.summary)
        results_layout.addWidget(self.problems, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.mapping_group)
        self.splitter.addWidget(results)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REPLAN_DELAY_MS)
        self._timer.timeout.connect(self.replan)
        self.kind_box.currentIndexChanged.connect(self._kind_chosen)
        self.tender_box.currentIndexChanged.connect(lambda _i: self.schedule_replan())
        self.mapping_widget.mapping_changed.connect(self._mapping_edited)
        self._show_kind()
        self.replan()

    # ------------------------------------------------------------------ state
    def kind(self) -> str:
        return self.kind_box.currentData()

    def tender_id(self) -> int | None:
        return self.tender_box.currentData()

    def _show_kind(self) -> None:
        needs = xlsx_import.needs_tender(self.kind())
        self.tender_label.setVisible(needs)
        self.tender_box.setVisible(needs)
        self.mapping_group.setVisible(self.kind() == "schedule")

    def _kind_chosen(self, _index: int) -> None:
        self._show_kind()
        self.replan()

    def _mapping_edited(self) -> None:
        self._user_mapping = self.mapping_widget.mapping()
        self.schedule_replan()

    def schedule_replan(self) -> None:
        """Plan again now, or after a short pause for a big workbook (typing stays responsive)."""
        if self._big:
            self.import_button.setEnabled(False)
            self._timer.start()
        else:
            self.replan()

    def replan(self) -> None:
        """Ask the import service for a fresh plan of the workbook as currently described."""
        self._timer.stop()
        kind = self.kind()
        tender_id = self.tender_id() if xlsx_import.needs_tender(kind) else None
        if xlsx_import.needs_tender(kind) and tender_id is None:
            self.prepared = None
            self._show_outcome("There is no tender to import into: add the tender first, then import its "
                               "requirements.", [], [])
            return
        session = self.controller.session
        mapping = self._user_mapping if kind == "schedule" else None
        self._generation += 1
        if self._big:
            # Checking every row of a big workbook takes a moment (0.7 s for 10,000 rows): do it off the
            # UI thread, on a snapshot, with the next ids read here (database sessions stay on this thread).
            generation = self._generation
            ids = {cls.entity_name: session.store.next_id(cls) for cls in ENTITIES}
            snapshot, grid = session.ws.copy(), self.grid

            def work(_progress, _cancelled):
                return xlsx_import.plan(grid, snapshot, lambda cls: ids[cls.entity_name], kind=kind,
                                        tender_id=tender_id, mapping=mapping)

            self.prepared = None
            self.import_button.setEnabled(False)
            self.summary.setText("Checking every row of the workbook…")
            task = BackgroundTask(work)
            task.finished.connect(lambda prepared, g=generation: self._planned(g, prepared))
            task.failed.connect(lambda exc, g=generation: self._plan_failed(g, exc))
            self._tasks.append(task)
            task.start()
            return
        try:
            prepared = xlsx_import.plan(self.grid, session.ws, session.store.next_id, kind=kind,
                                        tender_id=tender_id, mapping=mapping)
        except ValueError as exc:
            self._plan_failed(self._generation, exc)
            return
        self._planned(self._generation, prepared)

    @property
    def planning(self) -> bool:
        """A plan is being made off the UI thread."""
        return any(not t.done for t in self._tasks)

    def _plan_failed(self, generation: int, exc: BaseException) -> None:
        self._forget_finished_tasks()
        if generation != self._generation:
            return  # a newer plan is on its way
        if not isinstance(exc, ValueError):
            raise exc
        self.prepared = None
        self._show_outcome(f"This workbook cannot be imported as chosen: {exc}", [], [])

    def _forget_finished_tasks(self) -> None:
        self._tasks = [t for t in self._tasks if not t.done]

    def _planned(self, generation: int, prepared: xlsx_import.Prepared) -> None:
        self._forget_finished_tasks()
        if generation != self._generation:
            return  # the user changed something since: a newer plan is on its way
        self.prepared = prepared
        kind = prepared.kind
        if kind == "schedule" and self._user_mapping is None:
            self.mapping_widget.set_mapping(self.prepared.mapping, self.prepared.mapping_source)
        elif kind == "schedule":
            self.mapping_widget.set_source(self.prepared.mapping_source)
        plan = self.prepared.plan
        self._show_outcome("", plan.problems, plan.warnings)

    def _show_outcome(self, refusal: str, problems: list[Problem], warnings: list[Problem]) -> None:
        self.problems_model.set_problems(problems, warnings)
        plan = self.prepared.plan if self.prepared is not None else None
        read_only = self.controller.session.read_only
        if refusal:
            text = f"<span style='color:#b00020'>{html.escape(refusal, quote=False)}</span>"
        elif plan is None:
            text = ""
        elif plan.problems:
            n = len(plan.problems)
            where = "the columns above or the workbook" if self.kind() == "schedule" else "the workbook"
            text = (f"<b>{n} problem{'s' if n != 1 else ''} to fix</b> — correct {where} and import again. "
                    "Nothing has been imported.")
            if plan.rows or plan.unchanged:
                text += f"<br>The rows without problems: {html.escape(counts_text(plan), quote=False)}."
            text = f"<span style='color:#b00020'>{text}</span>"
        elif not plan.rows:
            text = (f"<b>Nothing to import</b> — every row is already in the workspace as it is "
                    f"({html.escape(counts_text(plan), quote=False)}).")
        else:
            text = f"<b>Ready to import</b> — {html.escape(counts_text(plan), quote=False)}."
            if warnings:
                text += f" {len(warnings)} warning{'s' if len(warnings) != 1 else ''} below: read them first."
        if read_only:
            text += "<br><span style='color:#b00020'>The workspace is open read-only: nothing can be imported.</span>"
        self.summary.setText(text)
        ok = plan is not None and not refusal and not plan.problems and bool(plan.rows) and not read_only
        self.import_button.setEnabled(ok)
        self.problems.setVisible(bool(problems or warnings))

    def undo_text(self) -> str:
        assert self.prepared is not None
        return import_text(self.prepared.plan, self.prepared.kind, self.path.name)

    def done(self, result: int) -> None:
        self._generation += 1  # a plan still being made is not wanted any more: ignore it when it arrives
        for task in self._tasks:
            task.cancel()
        super().done(result)

    # ------------------------------------------------------------------ importing
    def accept(self) -> None:
        """Import the plan as one undo step; on refusal the dialog stays open with the reason."""
        if self._timer.isActive():
            self.replan()
        if self.prepared is None or not self.import_button.isEnabled():
            return
        refusal = self.controller.import_plan(self.prepared.plan, self.undo_text())
        if refusal:
            self.summary.setText(f"<span style='color:#b00020'><b>Not imported</b> — {html.escape(refusal, quote=False)}</span>")
            self.import_button.setEnabled(False)
            return
        self.imported = True
        super().accept()

    @classmethod
    def ask(cls, controller: WorkspaceController, grid: WorkbookGrid, path: str | Path,
            tender_id: int | None = None, parent=None) -> xlsx_import.Prepared | None:
        """Show the dialog; returns what was imported (already applied as one undo step) or None."""
        dialog = cls(controller, grid, path, tender_id, parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted and dialog.imported:
                return dialog.prepared
            return None
        finally:
            dialog.deleteLater()


def example_schedule_grid(controller: WorkspaceController, tender_id: int) -> WorkbookGrid:
    """A buyer's schedule for a tender as buyers lay them out (a title block, the header on row 3, one
    row typed badly), built in memory from the tender's requirements: for screenshots and checks."""
    from ..domain.model import Lot

    ws = controller.ws
    rows: list[tuple] = [("Schedule of prices",), (), ("Lot", "Description of service", "Locality",
                                                        "Est. annual volume", "Unit of measure", "Unit rate (£)",
                                                        "Annual price (£)")]
    for r in ws.requirements(tender_id):
        rows.append((ws.display_name(Lot, r.lot_id) or None, r.service_line, r.area, r.annual_volume, r.unit,
                     None, None))
    rows.append(("Lot 3", "Respite care", "Eastmere", "about 400", "night", None, None))
    rows.append((None, None, None, sum((r.annual_volume for r in ws.requirements(tender_id)), Decimal(0)), None))
    return WorkbookGrid("Schedule of prices.xlsx", (SheetGrid("Instructions", (("Complete every yellow cell",),)),
                                                    SheetGrid("Schedule of prices", tuple(rows))))


def representative_import_dialog(controller: WorkspaceController, tender_id: int | None = None) -> ImportDialog:
    """An import dialog on a buyer's schedule for the first (or given) tender: mapping guessed,
    one problem and one warning listed. For screenshots; show it and grab it."""
    tender_id = tender_id if tender_id is not None else controller.ws.tenders()[0].id
    grid = example_schedule_grid(controller, tender_id)
    return ImportDialog(controller, grid, grid.source, tender_id)


__all__ = ["ColumnMappingWidget", "ImportDialog", "ProblemsModel", "SheetPreviewModel", "example_schedule_grid",
           "import_text", "read_workbook_task", "representative_import_dialog"]
