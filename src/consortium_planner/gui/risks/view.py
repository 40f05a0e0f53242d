"""``RisksView``: the Risks tab of a consortium option (see the package's docstring).

The register itself is live: the table reads the workspace, and an edit to a risk redraws its row, the
counts and the matrices at once (no analysis runs for it). The analyses' findings are computed in the
background, as every analysis view computes, when something they read changes; they say which
findings are not in the register yet and what the analyses say of each seeded risk, and they are what
"Refresh from the analyses" seeds from (so the button waits for them).

The long finding analyses (``analyses.LONG_FINDING_ANALYSES``: the sensitivity's scenario runs and the
simulation's draws) take most of that time, so the task computes the others first and the tab shows their
findings at once (``OptionAnalysisView.show_first``, ``first_shown``), saying which are still to come: a seeded risk whose finding is not among
them reads "checking…", not "no longer raised", and the counts say "so far". The complete findings follow
(``shown``), and only they enable "Refresh from the analyses".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ...domain import risk_register as _rr
from ...domain.findings import Finding
from ...domain.model import Risk
from ...domain.tasks import NEVER, CancelToken
from ...reports.document import Chart
from ...services import analyses
from ...services.pipeline import run
from ...services.second_process import quick_findings
from ..analysis_view import OptionAnalysisView
from ..capacity.heat_map import HeatMapTable
from ..controller import touches
from ..document_model import DocumentTableModel, HeatMapModel
from ..document_table import DocumentTable
from ..panels import RecordTable
from ..style import AMBER, GREEN, RED, badge_html, rich_label, set_tab_text, two_pane
from ..style import esc as _e
from . import rows as _rows
from .model import LAYOUT, RiskTableModel

NEW_RISK = {"area": "General", "description": "New risk", "likelihood": 3, "impact": 3}
COLUMN_WIDTHS = {"area": 110, "description": 250, "likelihood": 74, "impact": 60, "mitigation": 200}


class MatrixModel(HeatMapModel):
    """A risk matrix: a cell with no risk in it shows only its band's colour."""

    @staticmethod
    def _cell_text(chart: Chart, row: int, column: int) -> str:
        values = chart.series[row].values
        if column >= len(values) or values[column] is None:
            return ""
        return HeatMapModel._cell_text(chart, row, column)


class MatrixTable(HeatMapTable):
    """The 5 × 5 matrix, small enough for two side by side."""

    MIN_CELL_WIDTH = 46
    MAX_CELL_WIDTH = 90
    CELL_HEIGHT = 26

    def __init__(self, model: HeatMapModel, parent=None):
        super().__init__(model, parent)
        self.verticalHeader().setMinimumWidth(28)
        self.horizontalHeader().setMinimumSectionSize(36)


class RisksView(OptionAnalysisView):
    """The option's risk register, its matrices before and after mitigation, and the findings not in it."""

    shows = ("risk_register",)
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.findings: list[Finding] | None = None  # the analyses' findings for the option, once computed
        self.partial: list[Finding] | None = None  # all but the long analyses', while those are computed
        self._keep_for: int | None = None  # the option whose findings on show stay until the new ones come
        self.summary = rich_label()
        self.refresh_button = QPushButton("Refresh from the analyses")
        self.refresh_button.setToolTip("Add the analyses' warnings and serious or blocking findings to the register, "
                                       "update the risks seeded from them, and mark those whose finding has gone "
                                       "(one step: Undo takes it back). Your owners, mitigations, residuals and "
                                       "statuses are kept.")
        self.refresh_button.clicked.connect(self.refresh_from_analyses)
        self.add_button = QPushButton("Add risk")
        self.add_button.clicked.connect(self.add_risk)
        self.delete_button = QPushButton("Delete risk")
        self.delete_button.clicked.connect(self.delete_risk)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for b in (self.refresh_button, self.add_button, self.delete_button):
            bar.addWidget(b)
        bar.addStretch(1)

        self.model = RiskTableModel(controller, option_id, self)
        self.table = RecordTable(self.model, parent=self)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._size_columns)
        self._size_columns()

        self.before_model, self.after_model = MatrixModel(self), MatrixModel(self)
        self.before_map, self.after_map = MatrixTable(self.before_model), MatrixTable(self.after_model)
        self.before_caption = QLabel("<b>Before mitigation</b>")
        self.after_caption = QLabel("<b>After mitigation</b>")
        self.after_caption.setToolTip("Each risk at its residual likelihood and impact where assessed, else where "
                                      "it was")
        self.matrix_note = QLabel("Rows: impact, 5 severe at the top. Columns: likelihood, 1 rare to 5 almost "
                                  "certain. Each cell: how many risks still to manage sit there.")
        self.matrix_note.setWordWrap(True)
        matrices = QWidget()
        outer = QVBoxLayout(matrices)
        outer.setContentsMargins(4, 4, 4, 4)
        grid = QHBoxLayout()
        for caption, view in ((self.before_caption, self.before_map), (self.after_caption, self.after_map)):
            column = QVBoxLayout()
            column.addWidget(caption)
            column.addWidget(view)
            column.addStretch(1)
            grid.addLayout(column, 1)
        outer.addLayout(grid)
        outer.addWidget(self.matrix_note)
        outer.addStretch(1)
        self.findings_model = DocumentTableModel(parent=self)
        self.findings_table = DocumentTable(self.findings_model, stretch_column=2, lines=2)
        self.findings_note = rich_label()
        findings_page = QWidget()
        fl = QVBoxLayout(findings_page)
        fl.setContentsMargins(4, 4, 4, 4)
        fl.addWidget(self.findings_note)
        fl.addWidget(self.findings_table, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(matrices, "Risk matrix")
        self.tabs.addTab(findings_page, "Findings not in the register")

        self.splitter = two_pane(Qt.Orientation.Vertical, self.table, self.tabs, (3, 2))
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        self.body.addWidget(self.content, 1)

    def _size_columns(self) -> None:
        """The long texts narrow enough that the scores stay in view (their tooltips have them whole)."""
        for name, width in COLUMN_WIDTHS.items():
            self.table.setColumnWidth(LAYOUT.index(name), width)

    # ------------------------------------------------------------------ staying current
    def _on_changed(self, changes) -> None:
        """A risk edited: redraw the register at once. Anything the findings read: recompute them too. The
        findings on show stay until the first new ones replace them, as every analysis tab keeps its figures
        until the new ones come ("Refresh from the analyses" waits for the new): drawn again as "checking" in
        between, the register and its matrices were painted twice an edit, the first time while the findings
        were computed, holding up their computation."""
        if touches(changes, "consortium_option", "risk"):
            self._show_register()
        others = set(self.depends_on()) - {"risk"}
        if "*" in changes.entities or touches(changes, *others):
            self.findings = self.partial = None
            self._keep_for = None if "*" in changes.entities else self.option_id()
            self.reload()

    def refresh(self) -> None:
        if self._keep_for is not None and self._keep_for == self.option_id():
            self._update_buttons()  # the findings on show stay until the new ones come
        else:
            self.model.reload()
            self._show_register()
        self._keep_for = None
        super().refresh()

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> list[Finding]:
        """Every finding that seeds the register (off the UI thread, on a snapshot): all but the long analyses'
        first (some of them worked out in a second process meanwhile: ``services.second_process``), handed to
        the tab to show, then the rest."""
        quick = tuple(n for n in analyses.FINDING_ANALYSES if n not in analyses.LONG_FINDING_ANALYSES)
        results, first = quick_findings(ws, option_id, quick, cancelled=cancelled, beside=self.controller.beside)
        self.show_first(cancelled, first)
        results = run(ws, option_id, analyses.FINDING_ANALYSES, cancelled=cancelled, results=results)
        return results.findings(analyses.FINDING_ANALYSES)

    def show_first_result(self, figures: list[Finding]) -> None:
        """The findings of all but the long analyses, unless complete findings still current are shown (the
        computation was started again after an edit that touches nothing they read)."""
        if self.findings is None:
            self.partial = figures
            self._show_register()

    def show_result(self, result: list[Finding]) -> None:
        self.findings, self.partial = result, None
        self._show_register()

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.findings = self.partial = None
        self._show_register()

    # ------------------------------------------------------------------ showing
    def _show_register(self) -> None:
        oid = self.option_id()
        self.content.setVisible(oid is not None)
        if oid is None:
            return
        ws = self.controller.ws
        complete = self.findings is not None
        found = self.findings if complete else self.partial
        register = _rows.entries(ws, oid, found)
        self.model.set_analyses({e.risk_id: _rows.severity_text(e, complete=complete)
                                 for e in register if e.risk_id is not None})
        before, after = _rows.matrices(register)
        self.before_map.show_chart(before)
        self.after_map.show_chart(after)
        n = _rows.counts(register)
        missing = _rows.unregistered(ws, oid, found) if found is not None else None
        still = "" if complete else self._still_checking()
        self.summary.setText(self._summary_html(n, missing, still))
        if found is not None:
            self.findings_model.set_table(_rows.unregistered_table(ws, oid, found))
            so_far = " so far" if still else ""
            self.findings_note.setText(
                (f"<b>{len(missing or [])} finding{'s' if len(missing or []) != 1 else ''}</b> of the analyses "
                 f"(warnings and worse) are not in the register{so_far}"
                 + (f": <i>still checking {_e(still)}…</i>" if still else
                    " yet: <i>Refresh from the analyses</i> adds them."))
                if missing else (f"<i>Still checking {_e(still)}…</i> The other analyses' warnings and serious or "
                                 "blocking findings are all in the register." if still else
                                 "Every warning and serious or blocking finding of the analyses is in the register."))
        else:
            self.findings_model.clear()
            self.findings_note.setText("<i>Checking the analyses…</i>" if self.busy else "")
        set_tab_text(self.tabs, 1, "Findings not in the register" + (
            f" ({len(missing)}{' so far' if still else ''})" if missing is not None else ""))
        self._update_buttons()

    @staticmethod
    def _still_checking() -> str:
        """The long analyses still to come, in words: "the sensitivities and the simulation"."""
        labels = [analyses.LONG_FINDING_LABELS[n] for n in analyses.LONG_FINDING_ANALYSES]
        return " and ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)

    @staticmethod
    def _summary_html(n: _rows.Counts, missing: Sequence[Finding] | None, still: str = "") -> str:
        def bands(d: dict[_rr.Rating, int]) -> str:
            return " ".join(badge_html(f"{d[band]} {band.value}", tone) for band, tone in
                            ((_rr.Rating.RED, RED), (_rr.Rating.AMBER, AMBER), (_rr.Rating.GREEN, GREEN)))

        text = (f"<b>{n.active} risk{'s' if n.active != 1 else ''} to manage</b>: {bands(n.before)} "
                f"&nbsp;&nbsp;after mitigation: {bands(n.after)}")
        if n.done:
            text += f" &nbsp;·&nbsp; {n.done} closed or resolved"
        if missing is None:
            text += "<br><i>Checking the analyses' findings…</i>"
        elif still:
            text += ((f"<br>{badge_html(f'{len(missing)} not in the register so far', AMBER)} " if missing else "<br>")
                     + f"<i>Still checking {_e(still)}…</i>")
        elif missing:
            text += (f"<br>{badge_html(f'{len(missing)} not in the register', AMBER)} "
                     f"findings of the analyses are not in the register yet: {_e('Refresh from the analyses')}.")
        return text

    def _update_buttons(self) -> None:
        writable = not self.controller.session.read_only
        ready = self.findings is not None and not self.busy and not self._stale
        self.refresh_button.setEnabled(writable and ready and self.option_id() is not None)
        self.add_button.setEnabled(writable and self.option_id() is not None)
        self.delete_button.setEnabled(writable and self.table.current_id() is not None)

    # ------------------------------------------------------------------ actions
    def refresh_from_analyses(self) -> bool:
        """Seed or refresh the register from the findings shown (one undo step); False if nothing was done."""
        oid = self.option_id()
        if oid is None or self.findings is None or self.busy:
            return False
        batch = self.controller.seed_risks(oid, self.findings, initiator=self)
        return bool(batch)

    def add_risk(self) -> Risk | None:
        oid = self.option_id()
        if oid is None:
            return None
        risk = self.controller.add(Risk, {"option_id": oid, **NEW_RISK}, initiator=self)
        if risk is not None:
            self.table.select_id(risk.id)
            self.table.setFocus()
        return risk  # type: ignore[return-value]

    def delete_risk(self) -> bool:
        id_ = self.table.current_id()
        return id_ is not None and self.controller.delete(Risk, id_, initiator=self)


__all__ = ["RisksView"]
