"""Excel out: blank and filled templates, an option as a workbook, and a buyer's schedule filled in.

Everything here chooses and reports; the workbooks are written by ``reports.templates``,
``reports.workbook`` and ``reports.schedule_fill``. Anything that could take a while runs off the
UI thread on a ``Workspace.copy()`` (database sessions never cross threads) with progress and
Cancel. The buyer's schedule is mapped with the import dialog's ``ColumnMappingWidget``; a
mapping the user makes is remembered in the workspace, so the next schedule laid out alike is
mapped without asking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import ConsortiumOption, Tender
from ..domain.tasks import scaled
from ..services import xlsx_import
from ..services.history import read_history
from ..services.schedule_import import (
    LAYOUTS_KEY,
    guess_mapping,
    layouts_with,
    mapping_problems,
    remembered_mapping,
)
from ..services.tabular import ColumnMapping, WorkbookGrid
from .controller import WorkspaceController
from .import_dialog import ColumnMappingWidget, read_workbook_task
from .screen_fit import fit_size
from .tasks import BackgroundTask

XLSX_FILTER = "Excel workbooks (*.xlsx)"
TEMPLATE_FILES = {
    "organisations": "Consortium Planner – organisations template.xlsx",
    "requirements": "Consortium Planner – tender requirements template.xlsx",
}


def safe_filename(name: str, fallback: str = "export") -> str:
    """A name any file system accepts: no path separators, reserved or control characters."""
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", name)
    text = " ".join(text.split()).strip(" .")
    return text[:120] or fallback


def with_xlsx(path: str) -> str:
    return path if path.lower().endswith(".xlsx") else path + ".xlsx"


# --------------------------------------------------------------------------- templates


def template_paths(folder: str | Path) -> list[Path]:
    return [Path(folder) / name for name in TEMPLATE_FILES.values()]


def write_blank_templates(folder: str | Path) -> list[Path]:
    """Both blank templates (with an example row) into ``folder``; small, so written directly."""
    from ..reports.templates import write_organisations_template, write_requirements_template

    orgs, reqs = template_paths(folder)
    return [write_organisations_template(orgs), write_requirements_template(reqs)]


def filled_template_task(controller: WorkspaceController, kind: str, path: Path, tender_id: int | None,
                         parent: QWidget | None) -> BackgroundTask:
    """Write the workspace's organisations, or a tender's requirements, as our template (a round trip)."""
    snapshot = controller.ws.copy()

    def work(progress, cancelled):
        from ..reports.templates import write_organisations_template, write_requirements_template

        progress(0.05, f"Writing {path.name}…")
        if kind == "organisations":
            return write_organisations_template(path, ws=snapshot)
        return write_requirements_template(path, ws=snapshot, tender_id=tender_id)

    return BackgroundTask(work, title="Exporting to Excel", parent_widget=parent)


# --------------------------------------------------------------------------- an option as a workbook


@dataclass(frozen=True)
class ScheduleFill:
    source: Path  # the buyer's workbook (left as it is)
    mapping: ColumnMapping
    destination: Path  # the filled copy
    remember: bool = False  # the mapping is new or changed: remember it for the next schedule laid out alike


@dataclass(frozen=True)
class WorkbookChoice:
    option_id: int
    path: Path
    fill: ScheduleFill | None = None


@dataclass(frozen=True)
class WorkbookExported:
    path: Path
    fill: object | None = None  # reports.schedule_fill.FillResult


class ExportWorkbookDialog(QDialog):
    """Choose the option and where to save it; optionally the buyer's schedule to fill and its columns."""

    def __init__(self, controller: WorkspaceController, option_id: int | None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.source_grid: WorkbookGrid | None = None
        self.source_path: Path | None = None
        self.mapping_widget: ColumnMappingWidget | None = None
        self._read_task: BackgroundTask | None = None
        self.setWindowTitle("Export option as workbook")
        fit_size(self, 760, 260)
        ws = controller.ws

        form = QFormLayout()
        self.option_box = QComboBox()
        for o in ws.options():
            tender = ws.get(Tender, o.tender_id)
            self.option_box.addItem(f"{o.name} ({tender.name})" if tender else o.name, o.id)
        if option_id is not None:
            self.option_box.setCurrentIndex(max(self.option_box.findData(option_id), 0))
        form.addRow("Consortium option", self.option_box)
        self.path_edit = QLineEdit()
        form.addRow("Save as", self._with_browse(self.path_edit, self._browse_path))

        self.fill_group = QGroupBox("Also fill the buyer's pricing schedule")
        self.fill_group.setCheckable(True)
        self.fill_group.setChecked(False)
        self.fill_group.setToolTip("Write this option's unit and annual prices into a copy of the buyer's own schedule")
        fill_layout = QVBoxLayout(self.fill_group)
        fill_form = QFormLayout()
        self.source_edit = QLineEdit()
        self.source_edit.setReadOnly(True)
        self.source_edit.setPlaceholderText("Choose the buyer's workbook…")
        fill_form.addRow("Buyer's schedule", self._with_browse(self.source_edit, self._browse_source))
        self.fill_path_edit = QLineEdit()
        fill_form.addRow("Save the filled copy as", self._with_browse(self.fill_path_edit, self._browse_fill_path))
        fill_layout.addLayout(fill_form)
        self.source_status = QLabel()
        self.source_status.setWordWrap(True)
        fill_layout.addWidget(self.source_status)
        self.mapping_holder = QVBoxLayout()
        fill_layout.addLayout(self.mapping_holder, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #b00020; }")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export workbook", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.fill_group)
        layout.addWidget(self.message)
        layout.addStretch(1)  # until a schedule's columns are shown, then the group takes the room
        self._stretch_at = layout.count() - 1
        layout.addWidget(self.buttons)
        self._layout = layout

        self.option_box.currentIndexChanged.connect(lambda _i: self._option_chosen())
        self.path_edit.textChanged.connect(lambda _t: self.validate())
        self.fill_path_edit.textChanged.connect(lambda _t: self.validate())
        self.fill_group.toggled.connect(lambda _on: self.validate())
        self._option_chosen()

    @staticmethod
    def _with_browse(edit: QLineEdit, slot) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        button = QPushButton("Browse…")
        button.clicked.connect(slot)
        row.addWidget(edit, 1)
        row.addWidget(button)
        return holder

    # ------------------------------------------------------------------ state
    def option_id(self) -> int | None:
        return self.option_box.currentData()

    def _folder(self) -> Path:
        path = self.controller.session.path
        return path.parent if path is not None else Path.home()

    def _option_chosen(self) -> None:
        option = self.controller.ws.get(ConsortiumOption, self.option_id())
        if option is not None:
            self.path_edit.setText(str(self._folder() / f"{safe_filename(option.name, 'option')}.xlsx"))
        self.validate()

    def mapping(self) -> ColumnMapping | None:
        return self.mapping_widget.mapping() if self.mapping_widget is not None else None

    def problems(self) -> list[str]:
        """Why the export cannot go ahead yet, in words (empty: it can)."""
        out: list[str] = []
        if self.option_id() is None:
            out.append("There is no consortium option to export.")
        if not self.path_edit.text().strip():
            out.append("Choose where to save the workbook.")
        if not self.fill_group.isChecked():
            return out
        if self.source_grid is None:
            out.append("Choose the buyer's pricing schedule to fill, or untick “Also fill”.")
            return out
        mapping = self.mapping()
        if mapping is None:
            out.append("Choose the sheet that holds the prices.")
            return out
        out.extend(m[:1].upper() + m[1:] + "." for m in mapping_problems(self.source_grid, mapping))
        if mapping.column("unit_price") is None and mapping.column("total_price") is None:
            out.append("Choose the column for the unit price or the annual price: that is where the prices go.")
        destination = self.fill_path_edit.text().strip()
        if not destination:
            out.append("Choose where to save the filled schedule.")
        elif self.source_path is not None and Path(destination).resolve() == self.source_path.resolve():
            out.append("Save the filled schedule under a new name: the buyer's file is left as it is.")
        return out

    def validate(self) -> bool:
        problems = self.problems()
        self.message.setText(problems[0] if problems else "")
        self.message.setVisible(bool(problems))
        self.export_button.setEnabled(not problems)
        return not problems

    # ------------------------------------------------------------------ the buyer's schedule
    def load_source(self, path: str | Path) -> None:
        """Read the buyer's workbook off the UI thread, then find (or guess) its columns."""
        path = Path(path)
        self.source_path = path
        self.source_edit.setText(str(path))
        self.source_grid = None
        self._drop_mapping_widget()
        self.source_status.setText(f"Reading {path.name}…")
        self.fill_path_edit.setText(str(path.with_name(f"{path.stem} – priced.xlsx")))
        task = read_workbook_task(path, self)
        task.finished.connect(lambda grid, p=path: self.set_source_grid(p, grid))
        task.failed.connect(lambda exc, p=path: self._source_failed(p, exc))
        self._read_task = task.start()
        self.validate()

    def _source_failed(self, path: Path, exc: BaseException) -> None:
        if path != self.source_path:
            return
        self._read_task = None
        reason = str(exc) if isinstance(exc, xlsx_import.WorkbookRefused) else f"cannot be read: {exc}"
        self.source_status.setText(f"<span style='color:#b00020'>{path.name}: {reason}</span>")
        self.validate()

    def set_source_grid(self, path: Path, grid: WorkbookGrid) -> None:
        """The buyer's workbook has been read: show its columns (remembered, else guessed)."""
        if self.source_path is None:
            self.source_path = path
            self.source_edit.setText(str(path))
            self.fill_path_edit.setText(str(path.with_name(f"{path.stem} – priced.xlsx")))
        if path != self.source_path:
            return  # the user chose another file meanwhile
        self._read_task = None
        self.source_grid = grid
        mapping, source = remembered_mapping(self.controller.ws, grid), "remembered"
        if mapping is None:
            mapping, source = guess_mapping(grid), "guessed"
        widget = ColumnMappingWidget(grid)
        widget.set_mapping(mapping, source)
        widget.mapping_changed.connect(self.validate)
        self.mapping_widget = widget
        self.mapping_holder.addWidget(widget, 1)
        self.source_status.setText(
            f"{path.name}: " + ("its columns are remembered from an earlier workbook laid out like this one."
                                if source == "remembered" else
                                "check which column holds what; the prices go into the price columns."))
        self._layout.setStretch(self._stretch_at, 0)
        self._layout.setStretchFactor(self.fill_group, 1)
        fit_size(self, max(self.width(), 1120), max(self.height(), 640))
        self.validate()

    def _drop_mapping_widget(self) -> None:
        if self.mapping_widget is not None:
            self.mapping_widget.setParent(None)
            self.mapping_widget.deleteLater()
            self.mapping_widget = None

    # ------------------------------------------------------------------ choosing files
    def _browse_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save option as workbook", self.path_edit.text(), XLSX_FILTER)
        if path:
            self.path_edit.setText(with_xlsx(path))

    def _browse_source(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The buyer's pricing schedule", str(self._folder()),
                                              "Excel workbooks (*.xlsx *.xlsm)")
        if path:
            self.load_source(path)

    def _browse_fill_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the filled schedule as", self.fill_path_edit.text(),
                                              XLSX_FILTER)
        if path:
            self.fill_path_edit.setText(with_xlsx(path))

    # ------------------------------------------------------------------ the answer
    def choice(self) -> WorkbookChoice | None:
        if not self.validate():
            return None
        fill = None
        if self.fill_group.isChecked():
            mapping = self.mapping()
            assert mapping is not None and self.source_path is not None and self.mapping_widget is not None
            fill = ScheduleFill(self.source_path, mapping, Path(with_xlsx(self.fill_path_edit.text().strip())),
                                remember=self.mapping_widget.source != "remembered")
        return WorkbookChoice(self.option_id(), Path(with_xlsx(self.path_edit.text().strip())), fill)  # type: ignore[arg-type]

    def accept(self) -> None:
        if self.validate():
            super().accept()

    def reject(self) -> None:
        if self._read_task is not None:
            self._read_task.cancel()
        super().reject()

    @classmethod
    def ask(cls, controller: WorkspaceController, option_id: int | None, parent=None) -> WorkbookChoice | None:
        """Show the dialog; returns the choice, or None if cancelled."""
        dialog = cls(controller, option_id, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.choice()
        finally:
            dialog.deleteLater()


def representative_export_dialog(controller: WorkspaceController, option_id: int | None = None) -> ExportWorkbookDialog:
    """The export dialog for an option with "Also fill" ticked and a buyer's schedule (built in memory)
    mapped: for screenshots; show it and grab it."""
    from .import_dialog import example_schedule_grid

    option_id = option_id if option_id is not None else controller.ws.options()[-1].id
    option = controller.ws.get(ConsortiumOption, option_id)
    dialog = ExportWorkbookDialog(controller, option_id)
    dialog.fill_group.setChecked(True)
    grid = example_schedule_grid(controller, option.tender_id)  # type: ignore[union-attr]
    dialog.set_source_grid(dialog._folder() / grid.source, grid)
    return dialog


def remember_mapping(controller: WorkspaceController, fill: ScheduleFill) -> None:
    """Keep a new or changed schedule mapping in the workspace (an undoable setting)."""
    if fill.remember and not controller.session.read_only:
        controller.set_setting(LAYOUTS_KEY, layouts_with(controller.ws, fill.mapping))


def export_workbook_task(controller: WorkspaceController, choice: WorkbookChoice,
                         parent: QWidget | None) -> BackgroundTask:
    """Write the option's workbook (and fill the buyer's schedule) off the UI thread, on a snapshot."""
    snapshot = controller.ws.copy()
    history = read_history(controller.session.store)  # read here: database sessions never cross threads

    def work(progress, cancelled):
        from ..domain.tasks import Cancelled
        from ..reports.workbook import write_option_workbook
        from ..services.analyses import analyse_option

        share = 0.8 if choice.fill else 1.0
        progress(0.01, "Running the analyses…")
        results = analyse_option(snapshot, choice.option_id)  # once, for the workbook and the schedule
        path = write_option_workbook(snapshot, choice.option_id, choice.path, results=results,
                                     progress=scaled(progress, 0.0, share),
                                     cancelled=cancelled, history=history)
        filled = None
        if choice.fill is not None:
            from ..reports.schedule_fill import fill_pricing_schedule

            if cancelled():
                raise Cancelled()
            schedule = results.ok("prices")
            if schedule is None:
                refusal = results.refusal("prices")
                reason = refusal.reason if refusal is not None else "no prices"
                raise ValueError(f"the option has no prices to fill the schedule with: {reason}")
            progress(0.85, f"Filling {choice.fill.source.name}…")
            filled = fill_pricing_schedule(choice.fill.source, choice.fill.mapping, schedule,
                                           choice.fill.destination)
            progress(1.0, "Done")
        return WorkbookExported(Path(path), filled)

    return BackgroundTask(work, title="Exporting the option as a workbook", parent_widget=parent)


def describe_export(result: WorkbookExported) -> tuple[str, str]:
    """(a status-bar line, details for a message box or '') after an export."""
    status = f"Wrote {result.path.name}"
    fill = result.fill
    if fill is None:
        return status, ""
    rows = getattr(fill, "rows_filled", 0)
    problems = list(getattr(fill, "problems", []) or [])
    written = Path(getattr(fill, "path", ""))
    status += f"; filled {rows} row{'s' if rows != 1 else ''} of the pricing schedule in {written.name}"
    if not problems:
        return status + ".", ""
    shown = "\n".join(f"• {p}" for p in problems[:20])
    more = f"\n… and {len(problems) - 20} more." if len(problems) > 20 else ""
    n = len(problems)
    details = (f"Filled {rows} row{'s' if rows != 1 else ''} of {written.name}. "
               f"{n} row{'s' if n != 1 else ''} could not be filled; check {'them' if n != 1 else 'it'} "
               f"before you send the schedule:\n\n{shown}{more}")
    return status + f" ({n} not filled).", details


__all__ = ["ExportWorkbookDialog", "ScheduleFill", "TEMPLATE_FILES", "WorkbookChoice", "WorkbookExported",
           "describe_export", "export_workbook_task", "filled_template_task", "remember_mapping",
           "representative_export_dialog", "safe_filename",
           "template_paths", "write_blank_templates"]
