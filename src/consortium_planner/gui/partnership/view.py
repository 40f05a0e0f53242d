"""``PartnershipView``: the Partnership tab of a consortium option: presentation and editing only.

The figures come from the five partnering analyses (``services/analyses.py``: structure, money_flows,
pensions, readiness, heads_of_terms) run in the background; the tables are the investment case's own
(``reports/sections/partnership.py``). The findings head the tab, most serious first. Five pages:

* **Structure**: the questions (a form; "Answer the questions" creates them), every structure ranked,
  the effects of the chosen and the selected structure side by side, the VAT conditions, and
  **Try this structure**, which copies the option under the selected structure in one undoable step;
* **Money**: the flows with their VAT and timing, amounts by year, members' cash and profit, months;
* **Pensions**: the option's pension arrangements (editable) and what each cohort costs;
* **Readiness**: the partners' scores (editable grid), the divergence heat map, the weakest links, and
  the due-diligence checklist (editable grid);
* **Terms**: the heads of terms (editable; "Add every head" in one undo step) and what the workspace
  already says under each.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.model import (
    ConsortiumOption,
    HeadsOfTermsItem,
    PartneringProfile,
    PensionArrangement,
    Structure,
    TupeCohort,
)
from ...domain.partnering.choices import lower_first
from ...domain.partnering.pensions import stated_arrangements
from ...domain.tasks import NEVER, CancelToken
from ...reports.document import Table
from ...reports.sections import partnership as doc
from ..analysis_view import OptionAnalysisView
from ..capacity.heat_map import HeatMapTable
from ..document_model import DocumentTableModel, HeatMapModel
from ..document_table import DocumentTable
from ..lazy_tabs import LazyTabs
from ..panels import RecordPanel
from ..record_form import RecordForm
from ..style import NoticeArea, esc, finding_notice, notice_table_html, rich_label, table_height
from .editors import ChecklistCommand, DiligenceGridModel, ScoreGridModel, StatusDelegate
from .rows import PartnershipResult, compute_partnership

__all__ = ["PartnershipView"]


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _columns(cls) -> list[str]:
    from ...domain.fields import specs

    return [n for n in specs(cls) if n not in ("id", cls.parent_field)]


class _Tables(QWidget):
    """Document tables one under another, with a line of text above each, in a scroll area."""

    def __init__(self, count: int, parent=None, *, lines: int = 2, max_width: int = 420):
        super().__init__(parent)
        self.models = [DocumentTableModel(parent=self) for _ in range(count)]
        self.tables = [DocumentTable(m, lines=lines, height="fixed", max_width=max_width) for m in self.models]
        self.notes = [rich_label() for _ in range(count)]
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 4, 4, 4)
        for note, table in zip(self.notes, self.tables, strict=True):
            layout.addWidget(note)
            layout.addWidget(table)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def put(self, i: int, table: Table | None, note: str = "") -> None:
        if table is None:
            self.models[i].clear()
        else:
            self.models[i].set_table(table)
            self.tables[i].fit_height()
        self.tables[i].setVisible(table is not None)
        text = note or (f"<b>{esc(table.title)}</b>" if table is not None and table.title else "")
        if table is not None and table.note:
            text += f"<br><i>{esc(table.note)}</i>"
        self.notes[i].setText(text)
        self.notes[i].setVisible(bool(text))

    def clear(self) -> None:
        for i in range(len(self.models)):
            self.put(i, None)


class PartnershipView(OptionAnalysisView):
    """Choose the vehicle, the money between members, pensions, readiness and the heads of terms."""

    shows = doc.ANALYSES
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        c = controller
        self.notices = NoticeArea(120)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.questions_page, self.structures_page = self._structure_pages()
        self.tabs.addTab(self.questions_page, "Questions")
        self.tabs.addTab(self.structures_page, "Structures")
        self.money = _Tables(4)
        self.tabs.addTab(self.money, "Money between members")
        self.pensions_page = self._pensions_page()
        self.tabs.addTab(self.pensions_page, "Pensions")
        self.readiness_page = self._readiness_page()
        self.tabs.addTab(self.readiness_page, "Readiness and fit")
        self.terms_page = self._terms_page()
        self.tabs.addTab(self.terms_page, "Heads of terms")
        # the sub-tabs behind the one in front are filled when turned to: the money between members month by
        # month and the other tables were most of the 8 ms a result took to show on the large workspace
        self.lazy = LazyTabs(self.tabs)
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notices)
        layout.addWidget(self.tabs, 1)
        self.body.addWidget(self.content, 1)
        self.content.setVisible(False)
        self.selected_structure: Structure | None = None
        c.workspace_changed.connect(self._sync_questions)

    # ------------------------------------------------------------------ pages
    def _structure_pages(self) -> tuple[QWidget, QWidget]:
        """The questions (a form beside the answers as the advisor reads them) and the ranked structures."""
        c = self.controller
        self.answer_button = QPushButton("Answer the structure questions")
        self.answer_button.setToolTip("Start from the defaults and answer each question (undoable)")
        self.answer_button.clicked.connect(self.answer_questions)
        start = QWidget()
        s_layout = QVBoxLayout(start)
        s_layout.addWidget(_wrapped("The ranking below uses the defaults until the questions are answered."))
        s_layout.addWidget(self.answer_button)
        s_layout.addStretch(1)
        self.profile_form = RecordForm(c, PartneringProfile)
        self.questions = QStackedWidget()
        self.questions.addWidget(start)
        self.questions.addWidget(self.profile_form)
        left = QWidget()
        l_layout = QVBoxLayout(left)
        l_layout.setContentsMargins(0, 0, 0, 0)
        l_layout.addWidget(_wrapped("<b>The questions</b>"))
        l_layout.addWidget(self.questions, 1)
        self.ranking_model = DocumentTableModel(parent=self)
        self.ranking = DocumentTable(self.ranking_model, height="fixed", max_width=260)
        self.ranking.selectionModel().currentRowChanged.connect(lambda *_: self._on_structure_selected())
        self.try_button = QPushButton("Try this structure")
        self.try_button.setToolTip("Copy this option under the selected structure, with everything that belongs to "
                                   "it, as a new option (one undoable step)")
        self.try_button.clicked.connect(self.try_selected_structure)
        self.reasons = rich_label()
        reasons = QScrollArea()
        reasons.setWidgetResizable(True)
        reasons.setWidget(self.reasons)
        reasons.setFrameShape(QScrollArea.Shape.NoFrame)
        reasons.setMaximumHeight(72)
        bar = QHBoxLayout()
        bar.addWidget(reasons, 1)
        bar.addWidget(self.try_button, 0, Qt.AlignmentFlag.AlignTop)
        top = QWidget()
        t_layout = QVBoxLayout(top)
        t_layout.setContentsMargins(0, 0, 0, 0)
        t_layout.addWidget(_wrapped("<b>Every structure ranked</b> (select one to compare it and to try it)"))
        t_layout.addWidget(self.ranking)
        t_layout.addLayout(bar)
        self.effects = _Tables(2, lines=4)
        right = QWidget()
        r_layout = QVBoxLayout(right)
        r_layout.setContentsMargins(0, 0, 0, 0)
        r_layout.addWidget(top)
        r_layout.addWidget(self.effects, 1)
        self.answers = _Tables(1, lines=3, max_width=230)
        questions = QSplitter(Qt.Orientation.Horizontal)
        questions.addWidget(left)
        questions.addWidget(self.answers)
        questions.setStretchFactor(0, 1)
        questions.setStretchFactor(1, 1)
        return questions, right

    def _pensions_page(self) -> QWidget:
        c = self.controller
        oid = self.option_id

        def cohorts(field, row):
            option = c.ws.get(ConsortiumOption, oid())
            return [(x.id, x.name) for x in c.ws.tupe_cohorts(option.tender_id)] if option else []

        self.arrangements = RecordPanel(
            c, PensionArrangement, _columns(PensionArrangement),
            lambda: c.ws.children(PensionArrangement, oid()) if oid() else [], self._new_arrangement,
            title="Pension arrangements of the TUPE cohorts (under this option)", ref_choices=cohorts,
            nothing_to_add="every TUPE cohort of the tender already has an arrangement under this option")
        self.pensions = _Tables(2)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.arrangements)
        split.addWidget(self.pensions)
        split.setStretchFactor(1, 2)
        return split

    def _readiness_page(self) -> QWidget:
        c = self.controller
        self.scores_model = ScoreGridModel(c, self.option_id, self)
        self.scores = QTableView()
        self.scores.setModel(self.scores_model)
        self.scores.horizontalHeader().setDefaultSectionSize(88)
        self.heat_model = HeatMapModel(self)
        self.heat = HeatMapTable(self.heat_model)
        self.heat.MIN_CELL_WIDTH = 78  # twelve columns: narrower than the coverage map's
        self.weakest = rich_label()
        self.diligence_model = DiligenceGridModel(c, self.option_id, self)
        self.diligence = QTableView()
        self.diligence.setModel(self.diligence_model)
        self.diligence.setItemDelegate(StatusDelegate(self.diligence))
        self.diligence.horizontalHeader().setDefaultSectionSize(150)
        for view, model in ((self.scores, self.scores_model), (self.diligence, self.diligence_model)):
            model.modelReset.connect(lambda v=view: v.setFixedHeight(table_height(v)))
            view.setEditTriggers(QTableView.EditTrigger.DoubleClicked | QTableView.EditTrigger.EditKeyPressed
                                 | QTableView.EditTrigger.AnyKeyPressed)
        self.diligence_model.modelReset.connect(self.diligence.resizeColumnsToContents)  # partners' names in full
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(_wrapped("<b>Scores</b>: each partner scores the six Nuffield principles (1 not at all … 5 "
                                "fully) and places itself on six culture dimensions (1 … 5). Type a score; clear it "
                                "to remove it."))
        layout.addWidget(self.scores)
        layout.addWidget(_wrapped("<b>Divergence</b> from the other partners' median: green under 1, amber under 2, "
                                "red 2 or more (or a principle scored 2 or less) [U]; grey not scored."))
        layout.addWidget(self.heat)
        layout.addWidget(self.weakest)
        layout.addWidget(_wrapped("<b>Due diligence</b>: choose each area's status for each partner."))
        layout.addWidget(self.diligence)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _terms_page(self) -> QWidget:
        c = self.controller
        oid = self.option_id
        self.terms_panel = RecordPanel(
            c, HeadsOfTermsItem, _columns(HeadsOfTermsItem),
            lambda: sorted(c.ws.children(HeadsOfTermsItem, oid()), key=lambda r: list(type(r.head)).index(r.head))
            if oid() else [], self._new_head, title="Heads of terms (under this option)",
            nothing_to_add="every head of terms is already listed")
        self.all_heads = QPushButton("Add every head")
        self.all_heads.setToolTip("List every head of terms not yet listed (one undoable step)")
        self.all_heads.clicked.connect(self.add_every_head)
        top = QWidget()
        layout = QVBoxLayout(top)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.terms_panel, 1)
        layout.addWidget(self.all_heads, 0, Qt.AlignmentFlag.AlignLeft)
        self.terms = _Tables(2)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.terms)
        return split

    # ------------------------------------------------------------------ editing
    def _profile(self) -> PartneringProfile | None:
        oid = self.option_id()
        rows = self.controller.ws.children(PartneringProfile, oid) if oid is not None else []
        return min(rows, key=lambda r: r.id or 0) if rows else None

    def _sync_questions(self, _changes=None) -> None:
        profile = self._profile()
        self.questions.setCurrentIndex(1 if profile is not None else 0)
        self.profile_form.set_record(profile.id if profile is not None else None)
        self.answer_button.setEnabled(self.option_id() is not None and not self.controller.session.read_only)

    def answer_questions(self) -> PartneringProfile | None:
        oid = self.option_id()
        if oid is None or self._profile() is not None:
            return self._profile()
        row = self.controller.add(PartneringProfile, {"option_id": oid}, initiator=self)
        self._sync_questions()
        return row  # type: ignore[return-value]

    def _new_arrangement(self) -> dict | None:
        ws = self.controller.ws
        option = ws.get(ConsortiumOption, self.option_id())
        if option is None:
            return None
        have = stated_arrangements(ws, option)
        free: list[TupeCohort] = [x for x in ws.tupe_cohorts(option.tender_id) if x.id not in have]
        if not free:
            return None
        from ...domain.partnering.pensions import terms_for

        return {"option_id": option.id, "cohort_id": free[0].id,
                "scheme": terms_for(free[0], None, 0).scheme.value}  # type: ignore[arg-type]

    def _new_head(self) -> dict | None:
        oid = self.option_id()
        if oid is None:
            return None
        have = {r.head for r in self.controller.ws.children(HeadsOfTermsItem, oid)}
        from ...domain.model import TermsHead

        free = [h for h in TermsHead if h not in have]
        return {"option_id": oid, "head": free[0].value} if free else None

    def add_every_head(self) -> bool:
        oid = self.option_id()
        if oid is None:
            return False
        return self.controller._push(ChecklistCommand(self.controller, oid, self))

    def _on_structure_selected(self) -> None:
        row = self.ranking.currentIndex().row()
        advice = self.result.get("structure") if isinstance(self.result, PartnershipResult) else None
        if advice is None or row < 0 or row >= len(advice.ranked):
            return
        self.selected_structure = advice.ranked[row].structure
        self._show_effects(advice)

    def try_selected_structure(self) -> ConsortiumOption | None:
        oid = self.option_id()
        if oid is None or self.selected_structure is None:
            return None
        return self.controller.try_structure(oid, self.selected_structure, initiator=self)

    # ------------------------------------------------------------------ computing and showing
    def reload_inputs(self) -> None:
        """The option's grids and tables that the tab edits, when it is shown for another option: after that each
        follows the edits to its own rows (an allocation's volume leaves them alone; reloading them on every
        recalculation cost the large workspace about 80 ms an edit)."""
        for m in (self.scores_model, self.diligence_model):
            m.reload()
        self.arrangements.reload()
        self.terms_panel.reload()
        self._sync_questions()

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> PartnershipResult:
        return compute_partnership(ws, option_id, cancelled)

    def show_result(self, result: PartnershipResult) -> None:
        self.content.setVisible(True)
        found = [f for f in result.findings() if f.severity.rank >= 1]
        refused = [f"{name}: {result.refusal(name)}" for name in doc.ANALYSES if result.refusal(name)]
        notices = [finding_notice(f) for f in found]
        self.notices.set_html((notice_table_html(notices) if notices else "No warnings from the partnering analyses.")
                              + ("<br><b>Could not run:</b> " + esc("; ".join(refused)) if refused else ""))
        advice = result.get("structure")
        self.lazy.fill(self.questions_page, partial(self._show_answers, advice))
        self.lazy.fill(self.structures_page, partial(self._show_ranking, advice))
        self.lazy.fill(self.money, partial(self._show_money, result.get("money_flows")))
        self.lazy.fill(self.pensions_page, partial(self._show_pensions, result.get("pensions")))
        self.lazy.fill(self.readiness_page, partial(self._show_readiness, result.get("readiness")))
        self.lazy.fill(self.terms_page, partial(self._show_terms, result.get("heads_of_terms")))

    def _show_answers(self, advice) -> None:
        if advice is None:
            self.answers.clear()
            return
        self.answers.put(0, doc.answers_table(advice), "<b>The answers as the advisor reads them</b>"
                         + ("" if advice.answered else " (the defaults: the questions are not answered yet)"))

    def _show_ranking(self, advice) -> None:
        if advice is None:
            self.ranking_model.clear()
            self.effects.clear()
            return
        keep = self.selected_structure
        self.ranking_model.set_table(doc.ranking_table(advice))
        self.ranking.fit_height()
        row = next((i for i, r in enumerate(advice.ranked) if r.structure is keep), None)
        if row is None:
            row = next(i for i, r in enumerate(advice.ranked) if r.current)
        self.ranking.selectRow(row)
        self.selected_structure = advice.ranked[row].structure
        self._show_effects(advice)

    def _show_money(self, flows) -> None:
        if flows is None:
            self.money.clear()
            return
        self.money.put(0, doc.flows_table(flows), f"<b>The buyer pays {esc(flows.party)}</b>; "
                       + ("the parts add up to every payment to the penny." if flows.reconciles else
                          "<b>the parts do not add up</b>."))
        self.money.put(1, doc.flow_amounts_table(flows))
        self.money.put(2, doc.members_money_table(flows))
        self.money.put(3, doc.flows_by_month_table(flows))

    def _show_pensions(self, pensions) -> None:
        if pensions is None or not pensions.cohorts:
            self.pensions.clear()
            return
        self.pensions.put(0, doc.pensions_table(pensions))
        self.pensions.put(1, doc.pension_costs_table(pensions), "<b>What protecting their pensions costs</b>"
                          "<br>" + "<br>".join(esc(f"{c.cohort_name}: " + "; ".join(c.assumptions))
                                               for c in pensions.cohorts))

    def _show_readiness(self, readiness) -> None:
        if readiness is None or not readiness.partners:
            self.heat_model.set_chart(None)
            self.weakest.clear()
            return
        self.heat.show_chart(doc.readiness_heatmap(readiness))
        self.heat.setMinimumHeight(self.heat.preferred_height())
        links = readiness.weakest_links[:6]
        self.weakest.setText("<b>Weakest links</b>: " + ("; ".join(
            esc(f"{w.name}, {lower_first(w.dimension.label)}: {w.why}") for w in links) if links
            else "none: the partners' scores lie within a point or so of each other."))

    def _show_terms(self, terms) -> None:
        if terms is None:
            self.terms.clear()
            return
        self.terms.put(0, doc.terms_table(terms), f"<b>{terms.agreed} of {len(terms.rows)} heads agreed, "
                       f"{terms.disputed} disputed, {terms.not_discussed} not yet discussed</b>")
        self.terms.put(1, next((b for b in doc.terms_blocks(terms) if isinstance(b, Table)
                                and b.key == "bid_cost_shares"), None))

    def _show_effects(self, advice) -> None:
        shown = [advice.current] + ([self.selected_structure] if self.selected_structure not in (None, advice.current)
                                    else [])
        self.effects.put(0, doc.effects_table(advice, shown))  # type: ignore[arg-type]
        self.effects.put(1, doc.conditions_table(advice, shown[-1]))  # type: ignore[arg-type]
        chosen = advice.of(shown[-1])  # type: ignore[arg-type]
        self.reasons.setText(f"<b>{esc(chosen.structure.label)}</b>: {chosen.score} points: " + esc(
            "; ".join(f"{x.text} ({x.points:+d})" for x in chosen.reasons) or "no points for or against"))
        self.try_button.setEnabled(not chosen.current and not self.controller.session.read_only)
        self.try_button.setText("Try this structure" if not chosen.current else "This is the option's structure")

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.lazy.drop()  # nothing of a result the message replaces is shown later
        self.content.setVisible(False)

