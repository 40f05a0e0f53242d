"""File → Export investment case…: choose the option and sections, write the narrative, export.

The narrative and the chosen sections are saved in the workspace (as settings, undoable), so
the next export — from the GUI or the command line — says the same. The PDF is built and
rendered off the UI thread with progress and Cancel.

"Check before you export" shows the verdict first (in its colour), then every serious and blocking
finding the document will contain, each in its own severity's colour: the case is built off the UI
thread while the dialog is open (``build_case``, as the export builds it) and its ``red_findings`` are
listed one by one, none left out.
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
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.findings import Finding
from ..domain.model import ConsortiumOption
from ..domain.tasks import Cancelled, CancelToken
from ..domain.verdict import Verdict
from ..reports.case import NARRATIVE_PROMPTS, NARRATIVE_SECTIONS, SECTIONS, build_case, narrative_key, slug
from ..reports.choices import chosen_sections, sections_key
from ..reports.document import verdict_status
from ..reports.pdf import render_pdf
from ..services import analyses
from .controller import WorkspaceController
from .screen_fit import fit_size
from .style import GREY, STATUS_TONES, badge_html, banner_style, finding_notice, notice_table_html
from .tasks import BackgroundTask


def red_findings(findings: list[Finding]) -> list[Finding]:
    """The serious and blocking findings, worst first (``findings`` are already in that order)."""
    return [f for f in findings if f.severity.red]


def verdict_html(verdict: Verdict | None) -> str:
    """The verdict in its colour, and why."""
    if verdict is None:
        return "<b>Verdict:</b> none could be reached (the analyses it needs did not run)."
    tone = STATUS_TONES[verdict_status(verdict.decision)]
    return f"{badge_html(verdict.label, tone)}&nbsp; {html.escape(verdict.reason)}"


def check_html(findings: list[Finding], verdict: Verdict | None = None) -> str:
    """The verdict, then every serious and blocking finding the case will report, a row each in its
    severity's tone, with its cure where the rule states one."""
    rows = []
    for f in findings:
        where = f"<b>{html.escape(f.area)}</b>: " if f.area else ""
        cure = f"<br><i>Would cure it: {html.escape(f.cure)}</i>" if f.cure else ""
        rows.append(finding_notice(f, where + html.escape(f.message) + cure))
    head = verdict_html(verdict) + "<br>"
    if not rows:
        return head + "No serious or blocking findings: the case reports its warnings under Risks."
    return (head + f"<b>Check before you export</b>: the {len(rows)} serious or blocking finding"
            f"{'s' if len(rows) != 1 else ''} the case reports, in the same colours:" + notice_table_html(rows))


class ExportCaseDialog(QDialog):
    #: the option's findings have been checked and shown (or the check failed)
    checked = Signal()

    def __init__(self, controller: WorkspaceController, option_id: int | None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.check_findings: list[Finding] = []  # what "Check before you export" shows
        self.check_verdict: Verdict | None = None
        self._check_task: BackgroundTask | None = None
        self._check_token: CancelToken | None = None
        self._check_generation = 0
        self.setWindowTitle("Export investment case")
        fit_size(self, 760, 640)
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
        self.guards.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.guards_area = QScrollArea()  # every finding is listed: a long list scrolls
        self.guards_area.setWidget(self.guards)
        self.guards_area.setWidgetResizable(True)
        self.guards_area.setFrameShape(QFrame.Shape.NoFrame)
        self.guards_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.guards_area.setMinimumHeight(140)  # the dialog fits a 1280×720 screen; the list scrolls
        self.guards_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.guards_area, 3)

        tabs = QTabWidget()
        sections_page = QWidget()
        grid = QGridLayout(sections_page)
        self.section_boxes: dict[str, QCheckBox] = {}
        for i, (k, title) in enumerate(SECTIONS):
            box = QCheckBox(title)
            self.section_boxes[k] = box
            grid.addWidget(box, i % 8, i // 8)
        grid.setRowStretch(8, 1)
        sections_scroll = QScrollArea()
        sections_scroll.setWidget(sections_page)
        sections_scroll.setWidgetResizable(True)
        sections_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        tabs.addTab(sections_scroll, "Sections")
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
        layout.addWidget(tabs, 2)
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
        """Build the option's case on a snapshot off the UI thread; show its verdict and every serious and
        blocking finding it reports when they arrive (a newer option's check cancels this one)."""
        if self._check_token is not None:
            self._check_token.cancel()
        self._check_generation += 1
        generation = self._check_generation
        token = self._check_token = CancelToken()
        snapshot = self.controller.ws.copy()
        self.check_findings = []
        self.check_verdict = None
        self.guards.setText("<i>Checking the option's analyses…</i>")
        self.guards_area.setVisible(True)

        def work(_progress, _cancelled) -> tuple[int, tuple[Verdict | None, list[Finding]] | Exception | None]:
            try:
                results = analyses.analyse_option(snapshot, option_id, cancelled=token)
                case = build_case(snapshot, option_id, results=results)  # as the export builds it
                token.check()
                return generation, (case.verdict, list(case.red_findings))
            except Cancelled:
                return generation, None
            except Exception as exc:  # noqa: BLE001 - shown in the dialog, not lost
                return generation, exc

        task = BackgroundTask(work)
        task.finished.connect(self._on_checked)  # a bound slot: dropped if the dialog goes first
        self._check_task = task
        task.start()

    def _on_checked(self, outcome: tuple[int, tuple[Verdict | None, list[Finding]] | Exception | None]) -> None:
        generation, checked = outcome
        if generation != self._check_generation or checked is None:
            return  # an older option's check, or a cancelled one
        if isinstance(checked, Exception):
            self.guards.setText(f"<b>Check before you export:</b> the option's analyses could not run: "
                                f"{html.escape(str(checked))}")
        else:
            self.check_verdict, self.check_findings = checked
            self.guards.setText(check_html(self.check_findings, self.check_verdict))
        self.guards_area.setVisible(True)
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
