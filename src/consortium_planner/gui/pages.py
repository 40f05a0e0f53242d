"""The three navigator pages: Organisations, Tenders, Consortium options."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from ..domain.defaults import new_member_values, new_option_values
from ..domain.fields import specs
from ..domain.model import (
    Allocation,
    BidRound,
    Capacity,
    CapitalItem,
    Competitor,
    ConsortiumOption,
    CostProfile,
    FinancialCondition,
    FinancialYear,
    FundingSource,
    Gate,
    Lot,
    MarketSegment,
    Member,
    Metric,
    Organisation,
    QualityQuestion,
    Requirement,
    Role,
    RoundScore,
    Setting,
    SocialOutcome,
    Tender,
    TupeCohort,
)
from ..domain.validation import Severity, check_option
from ..services.markets import existing_segments
from .accounts_view import AccountsGrid
from .analysis_tabs import analysis_tabs
from .controller import WorkspaceController, touches
from .panels import MasterDetailPage, RecordPanel, unique_name
from .record_form import RecordForm
from .route_view import RouteView
from .verdict_banner import VerdictBanner


def _columns(cls, exclude: tuple[str, ...] = ()) -> list[str]:
    return [n for n in specs(cls) if n != "id" and n != cls.parent_field and n not in exclude]


class OrganisationsPage(MasterDetailPage):
    def __init__(self, c: WorkspaceController, parent=None):
        ws = lambda: c.ws  # noqa: E731 - the snapshot may be replaced
        master = RecordPanel(
            c, Organisation, ["name", "kind", "legal_form", "employee_owned", "home_area"],
            lambda: ws().organisations(),
            lambda: {"name": unique_name("New organisation", {o.name for o in ws().iter(Organisation)})},
            title="Organisations", searchable=True)
        super().__init__(master, RecordForm(c, Organisation), parent)
        self.controller = c
        oid = master.current_id
        self.accounts = RecordPanel(
            c, FinancialYear, ["year_end"],
            lambda: ws().financial_years(oid()) if oid() else [],
            lambda: self._new_year() if oid() else None, title="Financial years")
        self.accounts_grid = AccountsGrid(c, oid)  # line items down, years across, totals and checks
        self.capacities = RecordPanel(
            c, Capacity, _columns(Capacity), lambda: ws().capacities(oid()) if oid() else [],
            lambda: {"organisation_id": oid(), "service_line": unique_name(
                "New service line", {x.service_line for x in ws().capacities(oid())}), "area": "Area"} if oid() else None,
            title="Capacity by service line and area")
        self.profiles = RecordPanel(
            c, CostProfile, _columns(CostProfile), lambda: ws().cost_profiles(oid()) if oid() else [],
            lambda: {"organisation_id": oid(), "service_line": unique_name(
                "New service line", {x.service_line for x in ws().cost_profiles(oid())})} if oid() else None,
            title="Cost profiles")
        pid = self.profiles.current_id
        self.roles = RecordPanel(
            c, Role, _columns(Role), lambda: ws().roles(pid()) if pid() else [],
            lambda: {"cost_profile_id": pid(), "name": "Care worker", "hourly_rate": "12.71"} if pid() else None,
            title="Roles in the selected profile")
        cost_split = QSplitter(Qt.Orientation.Vertical)
        cost_split.addWidget(self.profiles)
        cost_split.addWidget(self.roles)
        accounts_split = QSplitter(Qt.Orientation.Horizontal)
        accounts_split.addWidget(self.accounts)
        accounts_split.addWidget(self.accounts_grid)
        accounts_split.setStretchFactor(1, 4)
        self.accounts.setMaximumWidth(190)  # the years list is narrow: the grid beside it holds the figures
        self.add_tab(accounts_split, "Accounts")
        self.markets = RecordPanel(
            c, MarketSegment, [n for n in _columns(MarketSegment) if n != "option_id"],
            lambda: existing_segments(ws(), oid()) if oid() else [],
            lambda: {"organisation_id": oid(), "name": unique_name(
                "Income", {x.name for x in existing_segments(ws(), oid())})} if oid() else None,
            title="Income by market today: who pays, how much (for income concentration before and after a bid)")
        self.add_tab(self.capacities, "Capacities")
        self.add_tab(cost_split, "Cost profiles")
        self.add_tab(self.markets, "Income")
        self.selected.connect(self._reload_children)
        self.profiles.current_changed.connect(lambda _id: self.roles.reload())

    def _reload_children(self, _id=None) -> None:
        # Slots return None: in PySide6 6.12 a slot returning a value leaks a reference each emit.
        for panel in (self.accounts, self.capacities, self.profiles, self.accounts_grid, self.markets):
            panel.reload()

    def _new_year(self) -> dict:
        years = [f.year_end for f in self.controller.ws.financial_years(self.master.current_id())]
        last = max(years) if years else dt.date(dt.date.today().year, 3, 31) - dt.timedelta(days=365)
        try:
            nxt = last.replace(year=last.year + 1)
        except ValueError:  # 29 February
            nxt = last.replace(year=last.year + 1, day=28)
        return {"organisation_id": self.master.current_id(), "year_end": nxt}


class TendersPage(MasterDetailPage):
    def __init__(self, c: WorkspaceController, parent=None):
        ws = lambda: c.ws  # noqa: E731
        master = RecordPanel(
            c, Tender, ["name", "buyer", "annual_value", "start_date", "term_years"],
            lambda: ws().tenders(),
            lambda: {"name": unique_name("New tender", {t.name for t in ws().iter(Tender)})},
            title="Tenders", searchable=True)
        super().__init__(master, RecordForm(c, Tender), parent)
        tid = master.current_id

        def lot_choices(field, row):
            return [(None, "(no lot)")] + [(lot.id, lot.name) for lot in ws().lots(tid())] if tid() else []

        self.requirements = RecordPanel(
            c, Requirement, _columns(Requirement), lambda: ws().requirements(tid()) if tid() else [],
            lambda: {"tender_id": tid(), "service_line": unique_name(
                "New service line", {r.service_line for r in ws().requirements(tid())}), "area": "Area"} if tid() else None,
            title="Requirements: service line × area × annual volume", ref_choices=lot_choices, searchable=True)
        self.lots = RecordPanel(
            c, Lot, _columns(Lot), lambda: ws().lots(tid()) if tid() else [],
            lambda: {"tender_id": tid(), "name": unique_name("Lot", {x.name for x in ws().lots(tid())})} if tid() else None,
            title="Lots")
        self.conditions = RecordPanel(
            c, FinancialCondition, _columns(FinancialCondition), lambda: ws().conditions(tid()) if tid() else [],
            lambda: self._new_condition(), title="Financial conditions (economic and financial standing)")
        self.tupe = RecordPanel(
            c, TupeCohort, _columns(TupeCohort), lambda: ws().tupe_cohorts(tid()) if tid() else [],
            lambda: {"tender_id": tid(), "name": unique_name("Cohort", {x.name for x in ws().tupe_cohorts(tid())})}
            if tid() else None, title="Staff transferring under TUPE")
        self.add_tab(self.requirements, "Requirements")
        self.add_tab(self.lots, "Lots")
        self.add_tab(self.conditions, "Financial conditions")
        self.competitors = RecordPanel(
            c, Competitor, _columns(Competitor), lambda: ws().by(Competitor, "tender_id", tid()) if tid() else [],
            lambda: {"tender_id": tid(), "name": unique_name(
                "Competitor", {x.name for x in ws().by(Competitor, "tender_id", tid())})} if tid() else None,
            title="Competitors: the bid team's assumptions about rival bids")
        self.gates = RecordPanel(
            c, Gate, _columns(Gate), lambda: ws().by(Gate, "tender_id", tid()) if tid() else [],
            lambda: {"tender_id": tid(), "name": unique_name(
                "Pass/fail criterion", {x.name for x in ws().by(Gate, "tender_id", tid())})} if tid() else None,
            title="Pass/fail criteria: a bid that does not meet one is disqualified (each option answers them on its "
                  "Evaluation tab)")
        self.questions = RecordPanel(
            c, QualityQuestion, _columns(QualityQuestion),
            lambda: ws().by(QualityQuestion, "tender_id", tid()) if tid() else [],
            lambda: {"tender_id": tid(), "name": unique_name(
                "Question", {x.name for x in ws().by(QualityQuestion, "tender_id", tid())})} if tid() else None,
            title="Quality questions: the quality marks by question, each with its share, scale and any minimum "
                  "(each option enters its expected scores on its Evaluation tab)")
        self.add_tab(self.tupe, "TUPE")
        self.add_tab(self.competitors, "Competitors")
        self.add_tab(self.gates, "Pass/fail")
        self.add_tab(self.questions, "Quality questions")
        def rounds_of() -> list[BidRound]:
            return sorted(ws().by(BidRound, "tender_id", tid()), key=lambda r: (r.number, r.id or 0)) if tid() else []

        self.bid_rounds = RecordPanel(
            c, BidRound, _columns(BidRound), rounds_of,
            lambda: {"tender_id": tid(), "number": len(rounds_of()) + 1, "name": unique_name(
                "Round", {x.name for x in rounds_of()})} if tid() else None,
            title="Bidding rounds (competitive flexible procedure): in order, the last often a best and final offer")
        self.round_scores = RecordPanel(
            c, RoundScore, _columns(RoundScore),
            lambda: [s for r in rounds_of() for s in ws().by(RoundScore, "round_id", r.id)],
            lambda: {"round_id": rounds_of()[-1].id, "bidder": unique_name(
                "Bidder", {x.bidder for x in ws().by(RoundScore, "round_id", rounds_of()[-1].id)})}
            if tid() and rounds_of() else None,
            title="Scores in each round: ours from the buyer's feedback, rivals' as estimated (each option's Evaluation "
                  "tab scores every round under the tender's rules)",
            ref_choices=lambda field, row: [(r.id, r.name) for r in rounds_of()],
            nothing_to_add="add a bidding round first")
        rounds_split = QSplitter(Qt.Orientation.Vertical)
        rounds_split.addWidget(self.bid_rounds)
        rounds_split.addWidget(self.round_scores)
        self.add_tab(rounds_split, "Bidding rounds")
        self.route = RouteView(c, tid)
        self.add_tab(self.route, "Route")
        self.controller = c
        self.children_panels = (self.requirements, self.lots, self.conditions, self.tupe, self.competitors,
                                self.gates, self.questions, self.bid_rounds, self.round_scores, self.route)
        self.selected.connect(self._reload_children)

    def _reload_children(self, _id=None) -> None:
        for panel in self.children_panels:
            panel.reload()

    def _new_condition(self) -> dict | None:
        tid = self.master.current_id()
        if tid is None:
            return None
        used = {fc.metric for fc in self.controller.ws.conditions(tid)}
        free = [m for m in Metric if m not in used]
        return {"tender_id": tid, "metric": free[0].value} if free else None


class OptionsPage(MasterDetailPage):
    """Consortium options: the scenarios compared for a tender."""

    def __init__(self, c: WorkspaceController, parent=None):
        ws = lambda: c.ws  # noqa: E731
        self.controller = c

        def option_refs(field, row):
            if field == "tender_id":
                return [(t.id, t.name) for t in ws().tenders()]
            return [(None, "(none)")] + [(o.id, o.name) for o in ws().organisations()]

        master = RecordPanel(
            c, ConsortiumOption, ["name", "tender_id", "structure", "lead_organisation_id"],
            lambda: ws().options(), self._new_option, title="Consortium options", ref_choices=option_refs,
            duplicate=c.duplicate_option, searchable=True)
        form = RecordForm(c, ConsortiumOption, ref_choices=option_refs)
        super().__init__(master, form, parent)
        oid = master.current_id

        def member_refs(field, row):
            return [(o.id, o.name) for o in ws().organisations()]

        def allocation_refs(field, row):
            option = ws().get(ConsortiumOption, oid())
            if option is None:
                return []
            if field == "requirement_id":
                return [(r.id, f"{r.service_line} — {r.area}") for r in ws().requirements(option.tender_id)]
            return [(m.id, ws().display_name(Member, m.id)) for m in ws().members(option.id)]

        self.members = RecordPanel(
            c, Member, _columns(Member), lambda: ws().members(oid()) if oid() else [],
            self._new_member, title="Members", ref_choices=member_refs)
        shares = QAction("Shares from allocations", self)
        shares.setToolTip("Set every member's participation share from the work allocated to it (volume × the "
                          "option's unit price), adding up to 100%: one step, undoable")
        shares.triggered.connect(lambda: oid() is not None and c.shares_from_allocations(oid(), initiator=self))
        move = QAction("Move share…", self)
        move.setToolTip("Move participation share from the selected member to another in one edit")
        move.triggered.connect(self._move_share)
        self.members.add_tool(shares)
        self.members.add_tool(move)
        self.allocations = RecordPanel(
            c, Allocation, _columns(Allocation), lambda: ws().allocations(oid()) if oid() else [],
            self._new_allocation, title="Allocations: who delivers what volume", ref_choices=allocation_refs,
            searchable=True)
        self.checks = ChecksList(c, oid)

        def funding_refs(field, row):
            return [(None, "(none)")] + [(m.id, ws().display_name(Member, m.id)) for m in ws().members(oid())] \
                if oid() else []

        self.funding = RecordPanel(
            c, FundingSource, _columns(FundingSource), lambda: ws().by(FundingSource, "option_id", oid()) if oid() else [],
            lambda: {"option_id": oid(), "name": unique_name(
                "Funding", {x.name for x in ws().by(FundingSource, "option_id", oid())})} if oid() else None,
            title="Funding sources: equity, grants, loans, overdraft", ref_choices=funding_refs)
        self.capital_items = RecordPanel(
            c, CapitalItem, _columns(CapitalItem), lambda: ws().by(CapitalItem, "option_id", oid()) if oid() else [],
            lambda: {"option_id": oid(), "name": unique_name(
                "Cost", {x.name for x in ws().by(CapitalItem, "option_id", oid())})} if oid() else None,
            title="Mobilisation costs and capital expenditure")
        funding_split = QSplitter(Qt.Orientation.Vertical)
        funding_split.addWidget(self.funding)
        funding_split.addWidget(self.capital_items)
        self.outcomes = RecordPanel(
            c, SocialOutcome, _columns(SocialOutcome),
            lambda: sorted(ws().children(SocialOutcome, oid()), key=lambda x: x.id or 0) if oid() else [],
            lambda: {"option_id": oid(), "measure": unique_name(
                "New measure", {x.measure for x in ws().children(SocialOutcome, oid())})} if oid() else None,
            title="Social outcomes: the impact framework")
        self.add_tab(self.members, "Members")
        self.add_tab(self.allocations, "Allocations")
        self.add_tab(funding_split, "Funding")
        self.add_tab(self.outcomes, "Outcomes")
        self.analysis_views = {}
        for title, view_cls in analysis_tabs():
            view = view_cls(c, oid)
            self.analysis_views[title] = view
            self.add_tab(view, title)
            self.selected.connect(lambda _id, v=view: v.reload())
        self.add_tab(self.checks, "Checks")
        self.children_panels = (self.members, self.allocations, self.funding, self.capital_items, self.outcomes,
                                self.checks)
        self.selected.connect(self._reload_children)
        # the option's headline: its verdict, above its tabs
        self.verdict = VerdictBanner(c, oid, ahead=self.analysis_views.values)
        self._above_tabs(self.verdict)
        self.selected.connect(lambda _id: self.verdict.reload())

    def _above_tabs(self, widget: QWidget) -> None:
        """Put ``widget`` above the option's tabs, in the splitter's right pane."""
        splitter = self.tabs.parentWidget()
        assert isinstance(splitter, QSplitter)
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        splitter.insertWidget(splitter.indexOf(self.tabs), holder)
        layout.addWidget(widget)
        layout.addWidget(self.tabs, 1)  # reparented: the splitter lets go of it
        splitter.setStretchFactor(splitter.indexOf(holder), 3)
        splitter.setSizes([340, 1020])  # as MasterDetailPage shares them: the analyses need the room

    def _reload_children(self, _id=None) -> None:
        for panel in self.children_panels:
            panel.reload()

    def _new_option(self) -> dict | None:
        tenders = self.controller.ws.tenders()
        if not tenders:
            return None
        tender = tenders[0]
        current = self.controller.ws.get(ConsortiumOption, self.master.current_id())
        if current is not None:
            tender = self.controller.ws.get(Tender, current.tender_id) or tender
        names = {o.name for o in self.controller.ws.options(tender.id)}
        return new_option_values(self.controller.ws, tender.id, unique_name("New option", names))  # type: ignore[arg-type]

    def _new_member(self) -> dict | None:
        oid = self.master.current_id()
        return None if oid is None else new_member_values(self.controller.ws, oid)

    def _move_share(self) -> None:
        """Move share…: to which member, and how many points (one edit, one undo step)."""
        ws = self.controller.ws
        giver = ws.get(Member, self.members.current_id())
        if giver is None:
            self.controller.edit_refused.emit("Select the member to move share from, then Move share…")
            return
        others = [m for m in ws.members(giver.option_id) if m.id != giver.id]
        if not others:
            self.controller.edit_refused.emit("The option has no other member to move share to")
            return
        names = [ws.display_name(Member, m.id) for m in others]
        name, ok = QInputDialog.getItem(self, "Move share", f"From {ws.display_name(Member, giver.id)} "
                                        f"({giver.participation_pct}%) to:", names, 0, False)
        if not ok:
            return
        points, ok = QInputDialog.getText(self, "Move share", "Percentage points to move (e.g. 2.5):")
        if ok and points.strip():
            self.controller.move_share(giver.id, others[names.index(name)].id, points.strip(),  # type: ignore[arg-type]
                                       initiator=self)

    def _new_allocation(self) -> dict | None:
        ws = self.controller.ws
        option = ws.get(ConsortiumOption, self.master.current_id())
        if option is None:
            return None
        members = ws.members(option.id)
        if not members:
            return None
        taken = {(a.requirement_id, a.member_id) for a in ws.allocations(option.id)}
        for r in ws.requirements(option.tender_id):
            for m in members:
                if (r.id, m.id) not in taken:
                    return {"option_id": option.id, "requirement_id": r.id, "member_id": m.id}
        return None


class ChecksList(QWidget):
    """Errors and warnings for the selected option and its tender, in words."""

    def __init__(self, c: WorkspaceController, option_id, parent=None):
        super().__init__(parent)
        self.controller = c
        self.option_id = option_id
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self._stale = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        c.workspace_changed.connect(self._on_changed)

    def _on_changed(self, changes) -> None:
        if touches(changes, "consortium_option", "member", "allocation", "tender", "requirement"):
            self.reload()

    def reload(self) -> None:
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.list.clear()
        issues = check_option(self.controller.ws, self.option_id()) if self.option_id() else []
        if not issues:
            self.list.addItem(QListWidgetItem("No problems found in this option's data."))
        for i in issues:
            self.list.addItem(QListWidgetItem(("⚠ " if i.severity is Severity.WARNING else "✖ ") + str(i)))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()


class SettingsPage(QWidget):
    """Workspace settings as forms: who prepares the case and its logo, the reference rates as a table; every
    other named value (advanced) as key and value."""

    HELP = ("<b>Workspace settings</b> travel with the file: who prepares the investment case, the reference "
            "rates this workspace uses, and any other named value.")

    def __init__(self, c: WorkspaceController, parent=None):
        super().__init__(parent)
        from PySide6.QtWidgets import QGroupBox, QLabel, QTabWidget

        from .settings_forms import CaseSettingsForm, RatesTable

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        note = QLabel(self.HELP)
        note.setWordWrap(True)
        layout.addWidget(note)
        case_box = QGroupBox("Investment case")
        case_layout = QVBoxLayout(case_box)
        self.case_form = CaseSettingsForm(c)
        case_layout.addWidget(self.case_form)
        layout.addWidget(case_box)
        self.tabs = QTabWidget()
        self.rates = RatesTable(c)
        self.tabs.addTab(self.rates, "Reference rates")
        self.panel = RecordPanel(
            c, Setting, ["key", "value"], lambda: sorted(c.ws.iter(Setting), key=lambda x: x.key),
            lambda: {"key": unique_name("new_setting", {x.key for x in c.ws.iter(Setting)})},
            title="Every setting (advanced)", searchable=True)
        self.tabs.addTab(self.panel, "All settings")
        layout.addWidget(self.tabs, 1)
