"""``CapacityView``: the Capacity tab of a consortium option, and the optimiser run from it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from ...domain.capacity import CoverageGrid, CoverageResult, PartnerCandidate, WorkforceResult
from ...domain.model import ConsortiumOption, Member
from ...domain.optimise import Proposal
from ...domain.tasks import NEVER, Cancelled, CancelToken
from ...reports.document import Chart
from ...reports.sections.capacity import coverage_heatmap
from ...services import analyses
from ..analysis_view import OptionAnalysisView
from ..document_model import DocumentTableModel, HeatMapModel
from ..document_table import DocumentTable
from ..optimise_rules import OptimiseRulesDialog
from ..roles import CELL_ROLE
from ..style import set_tab_text, two_pane
from ..tasks import BackgroundTask
from .charts import UtilisationChart
from .heat_map import HeatMapTable, Legend, cell_details_html
from .panels import CapacitySummary, PartnersPanel, workforce_notes_html
from .proposal import ProposalDialog
from .rows import member_table, plural, workforce_keys, workforce_line_table, workforce_table


@dataclass(frozen=True, slots=True)
class CapacityResult:
    coverage: CoverageResult
    workforce: WorkforceResult
    partners: tuple[PartnerCandidate, ...]
    grid: CoverageGrid  # every lot taken together: one cell per service line × area
    heatmap: Chart  # ``coverage_heatmap(grid)``: what the Coverage tab, the case and the workbook show


class CapacityView(OptionAnalysisView):
    """Coverage, members' utilisation, workforce and partners of the selected option; the optimiser."""

    shows = ("coverage", "coverage_grid", "workforce", "partners")

    optimised = Signal(object)  # the Proposal, once the user has seen it (applied or not)
    background = True  # coverage, workforce and partners of a large option take a few hundred ms

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.task: BackgroundTask | None = None
        self._rules: dict[int, object] = {}  # the optimiser rules last used, per option (for this session)
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.summary = CapacitySummary()
        self.summary.optimise_button.clicked.connect(self._on_optimise_clicked)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)

        # coverage: heat map, legend, the selected cell explained
        self.heat_model = HeatMapModel(self)
        self.heat_map = HeatMapTable(self.heat_model)
        self.heat_map.selectionModel().currentChanged.connect(lambda *_: self._show_cell())
        self.cell_details = QTextBrowser()
        self.cell_details.setFrameShape(QFrame.Shape.StyledPanel)
        self.cell_details.document().setDocumentMargin(6)
        self.cell_details.setMinimumHeight(120)
        coverage_page = QWidget()
        cl = QVBoxLayout(coverage_page)
        cl.setContentsMargins(0, 6, 0, 0)
        cl.setSpacing(6)
        cl.addWidget(Legend())
        self.coverage_split = two_pane(Qt.Orientation.Vertical, self.heat_map, self.cell_details, (3, 1))
        cl.addWidget(self.coverage_split, 1)
        self.tabs.addTab(coverage_page, "Coverage")

        # members: chart above the table
        self.chart = UtilisationChart()
        self.member_model = DocumentTableModel(parent=self)
        self.member_table = DocumentTable(self.member_model, sortable=True, stretch_column=0, lines=2,
                                          alternating=False)
        self.member_table.setMinimumHeight(150)
        self.member_split = two_pane(Qt.Orientation.Vertical, self.chart, self.member_table, (3, 2))
        self.tabs.addTab(self.member_split, "Members")

        # workforce: per member with totals, then per service line, then TUPE and assumptions
        self.workforce_model = DocumentTableModel(parent=self)
        self.workforce_table = DocumentTable(self.workforce_model, stretch_column=0, height="max", alternating=False)
        self.workforce_line_model = DocumentTableModel(parent=self)
        self.workforce_lines = DocumentTable(self.workforce_line_model, sortable=True, stretch_column=0,
                                             alternating=False)
        self.workforce_notes = QTextBrowser()
        self.workforce_notes.setFrameShape(QFrame.Shape.StyledPanel)
        self.workforce_notes.document().setDocumentMargin(6)
        self.workforce_notes.setMinimumHeight(90)
        lower = two_pane(Qt.Orientation.Vertical, self.workforce_lines, self.workforce_notes, (3, 2))
        self.workforce_split = two_pane(Qt.Orientation.Vertical, self.workforce_table, lower, (0, 1))
        self.tabs.addTab(self.workforce_split, "Workforce")

        # partners
        self.partners = PartnersPanel()
        self.partners.add_requested.connect(self._on_add_clicked)
        self.tabs.addTab(self.partners, "Partners")

        self.body.addWidget(self.content, 1)
        self.content.setVisible(False)
        # each splitter gives its upper widget the height it needs and the lower one the rest, until the
        # user drags it; sized when its tab is shown, since a hidden splitter has no height to share
        self._user_sized: set[int] = set()
        for split in (self.coverage_split, self.member_split, self.workforce_split):
            split.splitterMoved.connect(lambda *_a, sp=split: self._user_sized.add(id(sp)))
        self._size_timer = QTimer(self)
        self._size_timer.setSingleShot(True)
        self._size_timer.setInterval(0)
        self._size_timer.timeout.connect(self._size_splitters)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._cell_html = ""
        self._workforce_html = ""
        self._dirty: set[int] = set()

    # ------------------------------------------------------------------ the partners page, for tests
    @property
    def partner_model(self) -> DocumentTableModel:
        return self.partners.model

    @property
    def partner_table(self) -> DocumentTable:
        return self.partners.table

    @property
    def partner_intro(self) -> QLabel:
        return self.partners.intro

    @property
    def partner_buttons(self) -> dict[int, QPushButton]:
        return self.partners.buttons

    # ------------------------------------------------------------------ analysis
    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> CapacityResult:
        value = partial(analyses.value, analyses.analyse_option(ws, option_id, self.shows, cancelled=cancelled))
        grid = value("coverage_grid")
        return CapacityResult(value("coverage"), value("workforce"), tuple(value("partners")), grid,
                              coverage_heatmap(grid))

    def show_result(self, result: CapacityResult) -> None:
        cov = result.coverage
        self.summary.show_result(cov)
        self.summary.optimise_button.setEnabled(self.task is None)
        set_tab_text(self.tabs, 0, f"Coverage ({plural(cov.n_gap, 'gap')})" if cov.n_gap else "Coverage")
        set_tab_text(self.tabs, 1, f"Members ({len(cov.members)})")
        set_tab_text(self.tabs, 3, f"Partners ({len(result.partners)})")
        self.content.setVisible(True)
        # only the tab in view is laid out now; the others when shown (a large option has hundreds of rows)
        self._dirty = set(range(self.tabs.count()))
        self._render(self.tabs.currentIndex())
        self._size_timer.start()

    def _render(self, index: int) -> None:
        if index not in self._dirty or self.result is None:
            return
        self._dirty.discard(index)
        result: CapacityResult = self.result
        cov = result.coverage
        if index == 0:
            self.heat_model.set_chart(result.heatmap, result.grid.cells)
            if not self.heat_map.currentIndex().isValid():
                self.heat_map.select_worst()  # its story shows below the map
            self._show_cell()
        elif index == 1:
            self.chart.set_members(cov.members)
            self.member_model.set_table(member_table(cov), [m.member_id for m in cov.members])
        elif index == 2:
            self.workforce_model.set_table(workforce_table(result.workforce), workforce_keys(result.workforce))
            self.workforce_line_model.set_table(workforce_line_table(result.workforce),
                                                [(ln.member_id, ln.service_line) for ln in result.workforce.lines])
            text = workforce_notes_html(result.workforce)
            if text != self._workforce_html:
                self._workforce_html = text
                self.workforce_notes.setHtml(text)
        elif index == 3:
            self.partners.show_partners(result.partners, cov)

    def render_all(self) -> None:
        """Lay out every tab now (tests and screenshots)."""
        for index in range(self.tabs.count()):
            self._render(index)

    def _on_tab_changed(self, index: int) -> None:
        self._render(index)
        self._size_timer.start()

    def _size_splitters(self) -> None:
        """Upper widget: the height it needs, within a share of the page; lower widget: the rest."""
        for split, wanted, share in ((self.coverage_split, self.heat_map.preferred_height(), 0.8),
                                     (self.member_split, self.chart.maximumHeight(), 0.62),
                                     (self.workforce_split, self.workforce_table.preferred_height(), 0.6)):
            total = sum(split.sizes())
            if id(split) in self._user_sized or not split.isVisible() or total <= 0:
                continue
            first = max(min(wanted, int(total * share), total - 130), 60)
            split.setSizes([first, total - first])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._size_timer.start()

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.content.setVisible(False)
        self._dirty = set()
        self.heat_model.set_chart(None)
        for model in (self.member_model, self.workforce_model, self.workforce_line_model):
            model.clear()
        self.partners.clear()
        self.chart.clear()

    def _show_cell(self) -> None:
        index = self.heat_map.currentIndex()
        cell = index.data(CELL_ROLE) if index.isValid() else None
        text = cell_details_html(cell)
        if text != self._cell_html:
            self._cell_html = text
            self.cell_details.setHtml(text)

    # ------------------------------------------------------------------ partners
    # Slots return None: PySide6 6.12 mishandles the reference of a value a slot returns.
    def _on_add_clicked(self, organisation_id: int) -> None:
        self.add_partner(organisation_id)

    def _on_optimise_clicked(self, _checked: bool = False) -> None:
        self.optimise()

    def add_partner(self, organisation_id: int) -> Member | None:
        """Make the organisation a member of the selected option (undoable)."""
        option_id = self.option_id()
        if option_id is None:
            return None
        return self.controller.add(Member, {"option_id": option_id, "organisation_id": organisation_id}, initiator=self)

    # ------------------------------------------------------------------ optimiser
    def optimise(self) -> BackgroundTask | None:
        """Run the optimiser on a copy of the workspace off the UI thread, then show the proposal."""
        option_id = self.option_id()
        if option_id is None or self.task is not None:
            return None
        members = [(m.id, self.controller.ws.display_name(Member, m.id)) for m in self.controller.ws.members(option_id)]
        rules = OptimiseRulesDialog.ask(self, members, self._rules.get(option_id))  # type: ignore[arg-type]
        if rules is None:
            return None
        self._rules[option_id] = rules
        ws = self.controller.ws.copy()

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Proposal:
            return analyses.optimiser(ws, option_id, progress, cancelled, rules=rules)

        task = BackgroundTask(work, title="Optimising the allocation…", parent_widget=self)
        task.finished.connect(lambda proposal: self._on_optimised(option_id, proposal))
        task.failed.connect(self._on_optimise_failed)
        self.task = task
        self.summary.optimise_button.setEnabled(False)
        self.summary.set_status("Optimising…")
        return task.start()

    def _task_done(self) -> None:
        if self.task is not None:
            self.task.deleteLater()
        self.task = None
        self.summary.optimise_button.setEnabled(True)

    def _on_optimise_failed(self, exc: BaseException) -> None:
        self._task_done()
        if isinstance(exc, Cancelled):
            self.summary.set_status("Optimisation cancelled; nothing changed.")
        else:
            self.summary.set_status(f"The optimiser could not run: {exc}", error=True)

    def _on_optimised(self, option_id: int, proposal: Proposal) -> None:
        self._task_done()
        ws = self.controller.ws
        option = ws.get(ConsortiumOption, option_id)
        if option is None:
            self.summary.set_status("The option was deleted while the optimiser ran; nothing changed.", error=True)
            return
        self.summary.set_status("")
        current: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for a in ws.allocations(option_id):
            current[(a.requirement_id, a.member_id)] += a.volume  # type: ignore[index]
        labels = {r.id: f"{r.service_line} — {r.area}" for r in ws.requirements(option.tender_id)}
        names = {m.id: ws.display_name(Member, m.id) for m in ws.members(option_id)}
        names.update({t.member_id: t.name for t in proposal.member_totals})
        applied = ProposalDialog.ask(self, proposal, dict(current), labels, names, option.name)  # type: ignore[arg-type]
        if applied:
            if self.controller.replace_allocations(option_id, proposal.volumes(), "Apply optimised allocation",
                                                   initiator=self):
                self.summary.set_status("Optimised allocation applied; Edit ▸ Undo puts the previous one back.")
        self.optimised.emit(proposal)


__all__ = ["CapacityResult", "CapacityView"]
