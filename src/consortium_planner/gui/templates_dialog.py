"""File → New from template… and File → Export anonymised copy… (issue 19).

``view_actions.install_template_actions(window, file_menu)`` adds both actions to the main window's File menu.
The template dialog lists the shipped templates (``services.templates``) with their descriptions;
the export dialog asks for the new file, the money scale factor, whether to keep free text and
whether to write a case-study PDF beside it. The export runs off the UI thread with progress and
Cancel (``gui.tasks.BackgroundTask``); the GUI holds no logic of its own: ``services.anonymise``
writes and checks the copy, ``reports.case_study`` the PDF.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.tasks import Cancelled
from ..services.templates import TEMPLATES
from .tasks import BackgroundTask

CPLAN_FILTER = "Consortium Planner workspaces (*.cplan)"


class TemplateDialog(QDialog):
    """Choose a shipped template; ``chosen()`` is its name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from template")
        self.resize(560, 360)
        layout = QVBoxLayout(self)
        intro = QLabel("Start a new workspace from a worked example (every figure is editable; assumed figures are "
                       "marked [A] in the template's source):")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        for t in TEMPLATES:
            item = QListWidgetItem(t.title)
            item.setData(Qt.ItemDataRole.UserRole, t.name)
            item.setToolTip(t.description)
            self.list.addItem(item)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setMinimumHeight(60)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.list.currentRowChanged.connect(lambda row: self.description.setText(TEMPLATES[row].description
                                                                                 if row >= 0 else ""))
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list, 1)
        layout.addWidget(self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton("Create…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.setCurrentRow(0)

    def chosen(self) -> str:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else TEMPLATES[0].name


class AnonymiseDialog(QDialog):
    """Where to write the anonymised copy, the scale factor, keep text, and the case study."""

    def __init__(self, parent: QWidget | None = None, suggested: str = ""):
        super().__init__(parent)
        self._confirmed = ""
        self.setWindowTitle("Export anonymised copy")
        self.resize(600, 300)
        layout = QVBoxLayout(self)
        intro = QLabel("Writes a new workspace in which organisations, buyers, tenders, competitors, people and "
                       "places are replaced by aliases (Organisation A, Buyer A, Area 1…), the same alias "
                       "everywhere. The copy is searched for every original name before it is kept.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        row = QHBoxLayout()
        self.path = QLineEdit(suggested)
        self.path.setPlaceholderText("the new .cplan file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("New file", row)
        self.scale = QLineEdit("1")
        self.scale.setToolTip("Every amount of money is multiplied by this (e.g. 0.5 or 1.7), to the penny; "
                              "volumes, headcounts and percentages are kept, so every ratio reads the same")
        form.addRow("Scale money by", self.scale)
        self.keep_text = QCheckBox("Keep free text (notes, descriptions, risks' wording); names in it are replaced, "
                                   "figures in it are not scaled")
        form.addRow("", self.keep_text)
        self.case_study = QCheckBox("Also write a short case-study PDF beside it")
        self.case_study.setChecked(True)
        form.addRow("", self.case_study)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Anonymised copy", self.path.text(), CPLAN_FILTER)
        if path:
            path = path if path.endswith(".cplan") else path + ".cplan"
            self.path.setText(path)
            self._confirmed = path  # the file chooser has asked before replacing it

    def scale_factor(self) -> Decimal | None:
        try:
            value = Decimal(self.scale.text().strip().replace(",", ""))
        except InvalidOperation:
            return None
        return value if value.is_finite() and Decimal("0.001") <= value <= 1000 else None

    def target(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text) if text else None

    def case_study_path(self) -> Path | None:
        target = self.target()
        if target is None or not self.case_study.isChecked():
            return None
        return target.with_name(f"{target.stem}-case-study.pdf")

    def _accept(self) -> None:
        target = self.target()
        if target is None:
            self.problem.setText("Name the new file.")
        elif target.exists() and str(target) != self._confirmed:
            self.problem.setText(f"{target.name} already exists: choose another name, or choose it with "
                                 "Browse… to replace it (it is backed up first).")
        elif self.scale_factor() is None:
            self.problem.setText(f"Scale money by: {self.scale.text()!r} is not a number from 0.001 to 1000.")
        else:
            self.accept()


# ------------------------------------------------------------------ actions


def _session(window) -> Any:
    controller = getattr(window, "controller", None)
    return controller.session if controller is not None else None


def new_from_template(window) -> None:
    from ..services.templates import TemplateError, write_template
    from .main_window import FileDialogs, Messages, _same_file

    dialog = TemplateDialog(window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    name = dialog.chosen()
    path = FileDialogs.ask_save(window, "Save the new workspace as")
    if not path:
        return
    session = _session(window)
    if session is not None and session.path is not None and _same_file(session.path, Path(path)):
        Messages.error(window, "New from template", f"{Path(path).name} is the workspace open in this window; "
                       "choose another name (nothing was changed).")
        return
    try:
        write_template(name, path, overwrite=True)  # the save dialog has asked before replacing a file
    except (TemplateError, OSError, ValueError) as exc:
        Messages.error(window, "New from template", str(exc))
        return
    window.open_path(path)


def export_anonymised(window) -> BackgroundTask | None:
    from ..services.anonymise import write_anonymised_workspace
    from .main_window import Messages

    session = _session(window)
    if session is None:
        Messages.error(window, "Export anonymised copy", "Open a workspace first.")
        return None
    suggested = str(session.path.with_name(f"{session.path.stem}-anonymised.cplan")) if session.path else ""
    dialog = AnonymiseDialog(window, suggested)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    target, pdf, scale, keep = dialog.target(), dialog.case_study_path(), dialog.scale_factor(), \
        dialog.keep_text.isChecked()
    assert target is not None and scale is not None
    ws, source = session.ws.copy(), session.path

    def work(progress, cancelled):
        progress(0.05, "Anonymising the workspace…")
        if cancelled():
            raise Cancelled()
        written = write_anonymised_workspace(ws, target, source=source, scale=scale, keep_text=keep,
                                             overwrite=True)  # the dialog's file chooser asked before replacing
        if pdf is None:
            return written, None
        if cancelled():
            return written, "cancelled"
        progress(0.4, "Writing the case study…")
        from ..reports.case_study import write_case_study
        from ..services.anonymise import read_workspace

        return written, write_case_study(read_workspace(written.path), pdf)

    task = BackgroundTask(work, title="Exporting an anonymised copy", parent_widget=window)

    def done(result) -> None:
        written, study = result
        text = (f"Wrote {written.path.name}: {len(written.aliases)} names replaced, and the copy checked for "
                f"{written.names_checked} names and words of names (none left).")
        if study == "cancelled":
            text += " The case study was cancelled."
        elif study is not None:
            text += f" Wrote the case study {Path(study).name}."
        Messages.info(window, "Export anonymised copy", text)

    def failed(exc) -> None:
        if not task.was_cancelled:
            Messages.error(window, "Export anonymised copy", str(exc))

    task.finished.connect(done)
    task.failed.connect(failed)
    window._anonymise_task = task  # keep it alive until it reports
    return task.start()
