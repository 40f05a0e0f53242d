"""File → Export investment case…: choose the option and sections, write the narrative, export.

The narrative and the chosen sections are saved in the workspace (as settings, undoable), so
the next export — from the GUI or the command line — says the same. The PDF is built and
rendered off the UI thread with progress and Cancel.

"Check before you export" lists every serious and blocking finding of the option
(``Results.findings()``, worst first), each in its own severity's colour, as the case's Risks
section reports them; the analyses run off the UI thread while the dialog is open.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.findings import Finding
from ..domain.model import ConsortiumOption
from ..domain.tasks import Cancelled, CancelToken
from ..reports.case import NARRATIVE_PROMPTS, NARRATIVE_SECTIONS, SECTIONS, build_case, narrative_key, slug
from ..reports.choices import chosen_sections, sections_key
from ..reports.pdf import render_pdf
from ..services import analyses
from .controller import WorkspaceController
from .style import GREY, banner_style, finding_notice, notice_table_html
from .tasks import BackgroundTask

#: findings of one kind listed before the rest are counted in a line
SHOWN_OF_A_KIND = 3


def red_findings(findings: list[Finding]) -> list[Finding]:
    """The serious and blocking findings, worst first (``findings`` are already in that order)."""
    return [f for f in findings if f.severity.red]


def check_html(findings: list[Finding]) -> str:
    """The findings a board must see before the case goes out, a row each in its severity's tone; a long
    run of one kind (a gap in every area, a price over the ceiling in every year) shortened to its first
    few and a count."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.area, f.code), []).append(f)
    rows = []
    for (area, _code), same in groups.items():
        for f in same[:SHOWN_OF_A_KIND]:
            where = f"<b>{html.escape(area)}</b>: " if area else ""
            rows.append(finding_notice(f, where + html.escape(f.message)))
        rest = same[SHOWN_OF_A_KIND:]
        if rest:
            worst = max(rest, key=lambda x: x.severity.rank)
            rows.append(finding_notice(worst, f"<i>… and {len(rest)} more like these: the case's Risks section "
                                              "and the option's tabs list them all</i>"))
    return ("<b>Check before you export</b> (the case reports these too, in the same colours):"
            + notice_table_html(rows))


class ExportCaseDialog(QDialog):
    #: the option's findings have been checked and shown (or the check failed)
    checked = Signal()

    def __init__(self, controller: WorkspaceController, option_id: int | None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.check_findings: list[Finding] = []  # what "Check before you export" shows
        self._check_task: BackgroundTask | None = None
        self._check_token: CancelToken | None = None
        self._check_generation = 0
        self.setWindowTitle("Export investment case")
        self.resize(760, 620)
        ws = controller.ws
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.option_box = QComboBox()
        for o in ws.options():
            self.option_box.addItem(o.name, o.id)
        if option_id is not None:
            self.option_box.setCurrentIndex(max(self.option_box.findData(option_id), 0))
        form.addRow("Consortium option", self.option_box)
        path_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form.addRow("Save as", path_row)
        layout.addLayout(form)
        self.guards = QLabel()
        self.guards.setWordWrap(True)
        self.guards.setTextFormat(Qt.TextFormat.RichText)
        self.guards.setStyleSheet(banner_style(GREY, "4px 6px"))
        layout.addWidget(self.guards)

        tabs = QTabWidget()
        sections_page = QWidget()
        grid = QGridLayout(sections_page)
        self.section_boxes: dict[str, QCheckBox] = {}
        for i, (k, title) in enumerate(SECTIONS):
            box = QCheckBox(title)
            self.section_boxes[k] = box
            grid.addWidget(box, i % 8, i // 8)
        grid.setRowStretch(8, 1)
        tabs.addTab(sections_page, "Sections")
        narrative_page = QWidget()
        nlay = QVBoxLayout(narrative_page)
        nlay.addWidget(QLabel("Your words appear in the case as written (saved in the workspace). Each box says "
                              "what investors look for there."))
        self.narrative: dict[str, QPlainTextEdit] = {}
        for name, label, _section in NARRATIVE_SECTIONS:
            group = QGroupBox(label)
            glay = QVBoxLayout(group)
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(70)
            edit.setPlaceholderText(NARRATIVE_PROMPTS.get(name, ""))
            edit.setToolTip(NARRATIVE_PROMPTS.get(name, ""))
            glay.addWidget(edit)
            nlay.addWidget(group)
            self.narrative[name] = edit
        nlay.addStretch(1)
        narrative_scroll = QScrollArea()
        narrative_scroll.setWidget(narrative_page)
        narrative_scroll.setWidgetResizable(True)
        narrative_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        tabs.addTab(narrative_scroll, "Narrative")
        layout.addWidget(tabs, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export PDF", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.option_box.currentIndexChanged.connect(lambda _i: self._load())
        self._load()

    # ------------------------------------------------------------------ state
    def option_id(self) -> int | None:
        return self.option_box.currentData()

    def _load(self) -> None:
        oid = self.option_id()
        if oid is None:
            self.export_button.setEnabled(False)
            return
        ws = self.controller.ws
        chosen = set(chosen_sections(ws, oid))
        for k, box in self.section_boxes.items():
            box.setChecked(k in chosen)
        for name, edit in self.narrative.items():
            edit.setPlainText(ws.setting(narrative_key(oid, name), ""))
        self._show_guards(oid)
        option = ws.get(ConsortiumOption, oid)
        folder = self.controller.session.path.parent if self.controller.session.path else Path.home()
        stem = self.controller.session.path.stem if self.controller.session.path else "investment-case"
        self.path_edit.setText(str(folder / f"{stem}-{slug(option.name if option else 'option')}.pdf"))

    def _show_guards(self, option_id: int) -> None:
        """Run every analysis of the option on a snapshot off the UI thread; show its serious and
        blocking findings when they arrive (a newer option's check cancels this one)."""
        if self._check_token is not None:
            self._check_token.cancel()
        self._check_generation += 1
        generation = self._check_generation
        token = self._check_token = CancelToken()
        snapshot = self.controller.ws.copy()
        self.check_findings = []
        self.guards.setText("<i>Checking the option's analyses…</i>")
        self.guards.setVisible(True)

        def work(_progress, _cancelled) -> tuple[int, list[Finding] | Exception | None]:
            try:
                return generation, red_findings(analyses.analyse_option(snapshot, option_id,
                                                                        cancelled=token).findings())
            except Cancelled:
                return generation, None
            except Exception as exc:  # noqa: BLE001 - shown in the dialog, not lost
                return generation, exc

        task = BackgroundTask(work)
        task.finished.connect(self._on_checked)  # a bound slot: dropped if the dialog goes first
        self._check_task = task
        task.start()

    def _on_checked(self, outcome: tuple[int, list[Finding] | Exception | None]) -> None:
        generation, findings = outcome
        if generation != self._check_generation or findings is None:
            return  # an older option's check, or a cancelled one
        if isinstance(findings, Exception):
            self.guards.setText(f"<b>Check before you export:</b> the option's analyses could not run: "
                                f"{html.escape(str(findings))}")
            self.guards.setVisible(True)
        else:
            self.check_findings = findings
            self.guards.setVisible(bool(findings))
            self.guards.setText(check_html(findings) if findings else "")
        self.checked.emit()

    def done(self, result: int) -> None:
        if self._check_token is not None:
            self._check_token.cancel()  # nobody will read it
        super().done(result)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save investment case", self.path_edit.text(), "PDF (*.pdf)")
        if path:
            self.path_edit.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def sections(self) -> list[str]:
        return [k for k, box in self.section_boxes.items() if box.isChecked()]

    def save_choices(self) -> None:
        """Store the sections and narrative in the workspace (each change undoable)."""
        oid = self.option_id()
        if oid is None:
            return
        c = self.controller
        if not c.session.read_only:
            c.set_setting(sections_key(oid), ",".join(self.sections()))
            for name, edit in self.narrative.items():
                c.set_setting(narrative_key(oid, name), edit.toPlainText())

    @classmethod
    def ask(cls, controller: WorkspaceController, option_id: int | None, parent=None):
        """Show the dialog; returns (option_id, sections, path) or None if cancelled."""
        dialog = cls(controller, option_id, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.option_id() is None:
            return None
        dialog.save_choices()
        return dialog.option_id(), dialog.sections(), Path(dialog.path_edit.text())


def export_case_task(controller: WorkspaceController, option_id: int, sections: list[str], path: Path,
                     parent: QWidget | None) -> BackgroundTask:
    """Build and render the case off the UI thread on a snapshot of the workspace."""
    snapshot = controller.ws.copy()

    def work(progress, cancelled):
        progress(0.02, "Running the analyses…")
        case = build_case(snapshot, option_id, sections=sections)
        if cancelled():
            raise Cancelled()
        progress(0.25, "Laying out the pages…")
        return render_pdf(case, path, progress=lambda f, m="": progress(0.25 + 0.75 * f, m), cancelled=cancelled)

    return BackgroundTask(work, title="Exporting the investment case", parent_widget=parent)


__all__ = ["ExportCaseDialog", "export_case_task"]
