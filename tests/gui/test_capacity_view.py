"""The Capacity tab: presentation of ``services.analyses`` coverage, workforce, partners and optimiser
on the demo workspace."""

import threading
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from views_support import (  # noqa: F401 (fixtures)
    GO_ALONE,
    LEAD_PROVIDER,
    SPV,
    Selection,
    controller_fixture,
    demo_path_fixture,
    main_window,
    option_id,
)

from consortium_planner.domain.capacity import CoverageStatus, coverage_grid
from consortium_planner.domain.model import Allocation, ConsortiumOption, Member
from consortium_planner.domain.tasks import Cancelled
from consortium_planner.gui.capacity import CapacityView, ProposalDialog
from consortium_planner.gui.capacity import view as capacity_view
from consortium_planner.gui.document_model import DocumentTableModel, HeatMapModel
from consortium_planner.gui.roles import CELL_ROLE, STATUS_ROLE
from consortium_planner.reports.sections.capacity import COVERAGE_STATUS, coverage_heatmap
from consortium_planner.services import analyses


@pytest.fixture(autouse=True)
def default_rules(monkeypatch):
    """The rules dialog answers "no rules" unless a test says otherwise (it is modal)."""
    from consortium_planner.domain.optimise import OptimiseRules
    from consortium_planner.gui.optimise_rules import OptimiseRulesDialog

    chosen: list = []

    def ask(parent, members, previous):
        chosen.append(members)
        return OptimiseRules()

    monkeypatch.setattr(OptimiseRulesDialog, "ask", staticmethod(ask))
    return chosen


def allocations(c, oid):
    """The option's allocation rows exactly (ids, members, requirements, volumes)."""
    return sorted(c.ws.allocations(oid), key=lambda a: a.id)


@pytest.fixture
def make_view(qtbot, controller):
    def make(name):
        view = CapacityView(controller, Selection(option_id(controller, name)))
        qtbot.addWidget(view)
        view.resize(1000, 800)
        view.show()
        qtbot.waitUntil(lambda: view.result is not None and view.heat_model.rowCount() > 0)
        view.render_all()  # the other tabs are laid out when first shown
        return view
    return make


def heat_cell(view, service_line, area):
    m = view.heat_model
    row, col = m.row_of(service_line), m.column_of(area)
    assert row >= 0 and col >= 0, (service_line, area)
    return m.index(row, col)


# --------------------------------------------------------------------------- the heat map


def test_go_alone_shows_gaps_matching_the_domain(make_view, controller):
    view = make_view(GO_ALONE)
    result = analyses.coverage(controller.ws, option_id(controller, GO_ALONE))
    assert result.n_gap == 14 and result.n_thin == 1
    m = view.heat_model
    assert m.rowCount() == 5 and m.columnCount() == 3  # service lines × areas
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Brackenmoor", "Coldharbour Vale", "Eastmere"]
    gaps = 0
    for r in result.requirements:
        index = heat_cell(view, r.service_line, r.area)
        cell = index.data(CELL_ROLE)
        assert index.data(STATUS_ROLE) == COVERAGE_STATUS[r.status] and cell.status is r.status
        assert (cell.required, cell.allocated, cell.shortfall, cell.coverage_pct) == (
            r.required, r.allocated, r.shortfall, r.coverage_pct)
        gaps += r.status is CoverageStatus.GAP
    assert gaps == 14

    homecare = heat_cell(view, "Homecare and reablement support", "Brackenmoor")
    assert homecare.data() == "✗ 29%\n19,200 short"  # as the case's heat map shows it
    assert homecare.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"  # red
    assert homecare.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#721c24"
    tip = homecare.data(Qt.ItemDataRole.ToolTipRole)
    for text in ("Required: 27,200 contact hours a year", "Allocated: 8,000 (29.41% of required)",
                 "Shortfall: 19,200", "8,000 with growth", "Why: 19200 a year not allocated",
                 "Delivered by: Westmarch Community Health CIC 8,000"):
        assert text in tip, text
    thin = heat_cell(view, "Social prescribing link work", "Brackenmoor")
    assert thin.data(CELL_ROLE).status is CoverageStatus.THIN and thin.data(STATUS_ROLE) == "amber"
    assert thin.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff3cd"  # amber
    assert thin.data().startswith("! 100%")
    assert "Why: capacity headroom under 10%; 1200 relies on members growing" in thin.data(
        Qt.ItemDataRole.ToolTipRole)
    # the summary line
    totals = view.summary.totals.text()
    assert "Coverage 32.13%" in totals and "14 gaps" in totals and "1 thin" in totals
    assert "required <b>103,200</b>" in totals and "allocated <b>33,160</b>" in totals
    # the unit once, after the requirement it measures (after an over-allocation of 1 it read "1 units a year")
    assert totals.count("units&nbsp;a&nbsp;year") == 1 and "<b>103,200</b>&nbsp;units&nbsp;a&nbsp;year" in totals
    assert view.tabs.tabText(0) == "Coverage (14 gaps)"
    # the first gap starts selected and is explained below the map
    assert view.heat_map.currentIndex().data(CELL_ROLE).shortfall == Decimal("19200")
    assert (view.heat_map.currentIndex().row(), view.heat_map.currentIndex().column()) == (0, 0)
    assert "Westmarch Community Health CIC" in view.cell_details.toPlainText()


def test_lead_provider_covers_everything(make_view, controller):
    view = make_view(LEAD_PROVIDER)
    result = analyses.coverage(controller.ws, option_id(controller, LEAD_PROVIDER))
    assert result.n_gap == 0 and result.coverage_pct == Decimal("100.00")
    for r in result.requirements:
        index = heat_cell(view, r.service_line, r.area)
        cell = index.data(CELL_ROLE)
        assert cell.status is r.status != CoverageStatus.GAP and index.data(STATUS_ROLE) != "red"
        assert cell.shortfall == 0 and cell.coverage_pct == Decimal("100.00")
        assert index.data().startswith(("✓ 100%", "! 100%"))
    # no red anywhere
    m = view.heat_model
    colours = {m.index(r, c).data(Qt.ItemDataRole.BackgroundRole).color().name()
               for r in range(m.rowCount()) for c in range(m.columnCount())}
    assert "#f8d7da" not in colours
    assert "Coverage 100%" in view.summary.totals.text() and "0 gaps" in view.summary.totals.text()
    assert view.tabs.tabText(0) == "Coverage"
    # relying on growth is shown in the cell when there is no shortfall to show
    growth = heat_cell(view, "Homecare and reablement support", "Coldharbour Vale")
    assert growth.data() == "! 100%\n1,600 by growth"


def test_a_service_line_not_required_in_an_area_is_grey(controller):
    result = analyses.coverage(controller.ws, option_id(controller, GO_ALONE))
    trimmed = type(result).__new__(type(result))
    for name in result.__slots__:
        object.__setattr__(trimmed, name, getattr(result, name))
    object.__setattr__(trimmed, "requirements", tuple(r for r in result.requirements
                                                      if (r.service_line, r.area) != ("Carers' support", "Eastmere")))
    grid = coverage_grid(trimmed)
    cell = grid.cells[1][2]
    assert (cell.service_line, cell.area, cell.status) == ("Carers' support", "Eastmere", None)
    model = HeatMapModel()
    model.set_chart(coverage_heatmap(grid), grid.cells)
    index = model.index(1, 2)
    assert index.data() == "–" and index.data(STATUS_ROLE) is None
    assert index.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#e9ecef"
    assert "Not required" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_heat_map_model_passes_qt_model_tester(qtmodeltester, controller):
    model = HeatMapModel()
    qtmodeltester.check(model)
    for name in (GO_ALONE, LEAD_PROVIDER, SPV):
        grid = coverage_grid(analyses.coverage(controller.ws, option_id(controller, name)))
        model.set_chart(coverage_heatmap(grid), grid.cells)
        qtmodeltester.check(model)
    model.set_chart(None)
    assert model.rowCount() == model.columnCount() == 0
    qtmodeltester.check(model)


def test_table_models_pass_qt_model_tester(qtmodeltester, make_view):
    view = make_view(GO_ALONE)
    for model in (view.member_model, view.workforce_model, view.workforce_line_model, view.partner_model):
        qtmodeltester.check(model)
    qtmodeltester.check(DocumentTableModel())


def test_editing_an_allocation_updates_the_matrix_and_undo_restores_it(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    oid = option_id(controller, GO_ALONE)
    line, area = "Homecare and reablement support", "Brackenmoor"
    tender_id = next(o.tender_id for o in controller.ws.options() if o.id == oid)
    req = next(r for r in controller.ws.requirements(tender_id) if (r.service_line, r.area) == (line, area))
    alloc = next(a for a in allocations(controller, oid) if a.requirement_id == req.id)
    before = heat_cell(view, line, area).data()
    assert before == "✗ 29%\n19,200 short"
    assert controller.set_field(Allocation, alloc.id, "volume", "27,200")
    qtbot.waitUntil(lambda: heat_cell(view, line, area).data(CELL_ROLE).status is not CoverageStatus.GAP)
    expected = analyses.coverage(controller.ws, oid).requirement(alloc.requirement_id)
    cell = heat_cell(view, line, area).data(CELL_ROLE)
    assert (cell.allocated, cell.shortfall, cell.coverage_pct, cell.status) == (
        expected.allocated, expected.shortfall, expected.coverage_pct, expected.status)
    assert cell.allocated == Decimal("27200") and cell.shortfall == 0
    # allocated far beyond the member's capacity with growth: covered on paper, but thin, and why
    assert cell.status is CoverageStatus.THIN
    assert heat_cell(view, line, area).data() == "! 100%\n19,200 beyond growth"
    assert "13 gaps" in view.summary.totals.text()
    controller.undo_stack.undo()
    qtbot.waitUntil(lambda: heat_cell(view, line, area).data() == before)
    assert "14 gaps" in view.summary.totals.text()


def test_a_hidden_view_waits_until_shown(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    oid = option_id(controller, GO_ALONE)
    before = view.result
    view.hide()
    alloc = allocations(controller, oid)[0]
    assert controller.set_field(Allocation, alloc.id, "volume", "1")
    qtbot.wait(20)
    assert view.result is before
    view.show()
    qtbot.waitUntil(lambda: view.result is not before)


# --------------------------------------------------------------------------- members, chart, workforce


def test_chart_has_one_value_per_member(make_view, controller):
    view = make_view(LEAD_PROVIDER)
    members = analyses.coverage(controller.ws, option_id(controller, LEAD_PROVIDER)).members
    assert len(members) == 7
    allocated = view.chart.series.barSets()
    assert len(allocated) == 1 and allocated[0].label() == "Allocated"
    assert allocated[0].count() == len(members)
    # the chart lists the members top to bottom, i.e. its categories bottom to top
    assert [allocated[0].at(i) for i in range(len(members))] == [float(m.allocated) for m in reversed(members)]
    capacity = view.chart.capacity_series.barSets()
    assert [s.label() for s in capacity] == ["Capacity now", "Growth allowed"]
    assert all(s.count() == len(members) for s in capacity)
    assert [capacity[0].at(i) + capacity[1].at(i) for i in range(len(members))] == [
        float(m.capacity_with_growth) for m in reversed(members)]
    assert view.chart.category_axis.count() == len(members)
    assert "Units a year" in view.chart.value_axis.titleText()
    assert view.chart.chart().title()


def test_member_table_shows_utilisation_growth_lead_time_and_dependency(make_view, controller):
    view = make_view(GO_ALONE)
    m = view.member_model
    member = analyses.coverage(controller.ws, option_id(controller, GO_ALONE)).members[0]
    assert m.rowCount() == 1
    row = m.row_of(member.member_id)
    text = {m.headerData(c, Qt.Orientation.Horizontal).replace("\n", " "): m.index(row, c).data()
            for c in range(m.columnCount())}
    assert text["Member"] == "Westmarch Community Health CIC · lead"
    assert text["Allocated"] == "33,160" and text["Capacity now"] == "24,000"
    assert text["Capacity with growth"] == "32,360"
    assert text["Utilisation"] == "138.17%"
    # one line is allocated beyond even the maximum growth the member gave
    assert member.growth_exceeds_limit and text["Growth needed"] == "✗ 50%"
    growth = m.index(row, m.column_of("Growth needed"))
    assert growth.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    assert "Homecare and reablement support, Eastmere: needs 50%, max 25% — beyond the maximum" in growth.data(
        Qt.ItemDataRole.ToolTipRole)
    lead = m.index(row, m.column_of("Lead time (months)"))
    assert lead.data() == "✗ 6 vs 4" and lead.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    dep = m.index(row, m.column_of("Contract dependency"))
    assert dep.data() == "✓ 14.87%" and member.dependency.value == "green"
    assert "Latest turnover" in dep.data(Qt.ItemDataRole.ToolTipRole)


def test_workforce_per_member_and_totals(make_view, controller, qtbot):
    view = make_view(LEAD_PROVIDER)
    wf = analyses.workforce(controller.ws, option_id(controller, LEAD_PROVIDER))
    m = view.workforce_model
    assert m.rowCount() == len(wf.members) + 1
    for mw in wf.members:
        row = m.row_of(mw.member_id)
        assert [m.index(row, c).data() for c in (1, 2, 3)] == [
            f"{mw.fte:,.2f}", f"{mw.tupe_fte:,.2f}", f"{mw.recruitment_fte:,.2f}"]
    total = m.rowCount() - 1
    assert m.index(total, 0).data() == "Total"
    assert [m.index(total, c).data() for c in (1, 2, 3)] == [
        f"{wf.total_fte:,.2f}", f"{wf.total_tupe_fte:,.2f}", f"{wf.total_recruitment_fte:,.2f}"]
    assert m.index(total, 1).data(Qt.ItemDataRole.FontRole).bold()
    lines = view.workforce_line_model
    assert lines.rowCount() == len(wf.lines)
    homecare = next(r for r in range(lines.rowCount())
                    if lines.index(r, 0).data() == "Westmarch Care Mutual · Homecare and reablement support")
    assert [lines.index(homecare, c).data() for c in range(1, 6)] == ["29,600", "1.4500", "26.82", "14.57", "18.96"]
    notes = view.workforce_notes.toPlainText()
    assert "In-house reablement team" in notes and "1,600 productive hours" in notes


def test_tabs_out_of_view_are_laid_out_when_shown(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    oid = option_id(controller, GO_ALONE)
    assert view.tabs.currentIndex() == 0
    assert controller.set_field(Allocation, allocations(controller, oid)[0].id, "volume", "1")
    qtbot.waitUntil(lambda: view.result.coverage.total_allocated != Decimal("33160"))
    allocated = f"{view.result.coverage.members[0].allocated:,}"
    member_col = view.member_model.column_of("Allocated")
    assert view.member_model.index(0, member_col).data() != allocated  # not yet: the tab is not in view
    view.tabs.setCurrentIndex(1)
    assert view.member_model.index(0, member_col).data() == allocated
    assert view.chart.series.barSets()[0].at(0) == float(view.result.coverage.members[0].allocated)


# --------------------------------------------------------------------------- partners


def test_partners_ranked_and_add_to_option_is_undoable(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    view.tabs.setCurrentIndex(3)
    oid = option_id(controller, GO_ALONE)
    partners = analyses.partners(controller.ws, oid)
    m = view.partner_model
    assert [m.key(r) for r in range(m.rowCount())] == [p.organisation_id for p in partners]
    assert m.index(0, 0).data().startswith("Westmarch Care Mutual\n")
    assert m.index(0, 1).data() == "30,360" and m.index(0, 2).data() == "42.62%"
    assert view.tabs.tabText(3) == f"Partners ({len(partners)})"
    org = partners[0].organisation_id
    button = view.partner_buttons[org]
    assert button.text() == "Add to option"
    members_before = {mm.organisation_id for mm in controller.ws.members(oid)}
    depth = controller.undo_stack.count()
    button.click()
    assert {mm.organisation_id for mm in controller.ws.members(oid)} == members_before | {org}
    assert controller.undo_stack.count() == depth + 1
    # it is a member now, so no longer a candidate; the member table has it
    qtbot.waitUntil(lambda: m.row_of(org) < 0)
    assert len(view.result.coverage.members) == 2
    controller.undo_stack.undo()
    assert {mm.organisation_id for mm in controller.ws.members(oid)} == members_before
    qtbot.waitUntil(lambda: m.row_of(org) == 0)
    assert len(view.result.coverage.members) == 1
    assert view.partner_buttons[org].isVisibleTo(view.partner_table)


def test_no_partners_needed_when_members_cover_everything(make_view):
    view = make_view(LEAD_PROVIDER)
    assert view.partner_model.rowCount() == 0
    assert "No organisation outside the option" in view.partner_intro.text()


# --------------------------------------------------------------------------- the optimiser


def test_optimiser_runs_in_the_background_and_apply_is_one_undo_step(make_view, controller, qtbot, monkeypatch):
    view = make_view(LEAD_PROVIDER)
    oid = option_id(controller, LEAD_PROVIDER)
    before = allocations(controller, oid)
    threads: list[bool] = []
    real = analyses.optimiser

    def optimiser(ws, option_id, progress=None, cancelled=None, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        assert ws is not controller.ws  # a copy, never the live workspace
        return real(ws, option_id, progress, cancelled, **kwargs)

    monkeypatch.setattr(capacity_view.analyses, "optimiser", optimiser)
    shown = []

    def ask(parent, proposal, current, labels, names, option_name=""):
        shown.append((proposal, current, labels, names, option_name))
        return True

    monkeypatch.setattr(ProposalDialog, "ask", staticmethod(ask))
    depth = controller.undo_stack.count()
    with qtbot.waitSignal(view.optimised, timeout=10_000):
        view.summary.optimise_button.click()
        assert not view.summary.optimise_button.isEnabled()  # one run at a time
    assert threads == [False]
    proposal, current, labels, names, option_name = shown[0]
    assert proposal.feasible and option_name == LEAD_PROVIDER
    assert current == {(a.requirement_id, a.member_id): a.volume for a in before}
    assert set(names) == {mm.id for mm in controller.ws.members(oid)}
    # applied: the allocations are the proposal's, as one undoable edit
    after = {(a.requirement_id, a.member_id): a.volume for a in controller.ws.allocations(oid)}
    assert after == {k: v for k, v in proposal.volumes().items() if v}
    assert controller.undo_stack.count() == depth + 1
    assert controller.undo_stack.undoText() == "Apply optimised allocation"
    assert view.summary.optimise_button.isEnabled()
    qtbot.waitUntil(lambda: view.result.coverage.total_allocated == proposal.total_volume)
    # one undo puts back exactly the allocations there were, same ids and all
    controller.undo_stack.undo()
    assert allocations(controller, oid) == before
    controller.undo_stack.redo()
    assert {(a.requirement_id, a.member_id): a.volume for a in controller.ws.allocations(oid)} == after


def test_declining_the_proposal_changes_nothing(make_view, controller, qtbot, monkeypatch):
    view = make_view(GO_ALONE)
    oid = option_id(controller, GO_ALONE)
    before = allocations(controller, oid)
    monkeypatch.setattr(ProposalDialog, "ask", staticmethod(lambda *args, **kwargs: False))
    depth = controller.undo_stack.count()
    with qtbot.waitSignal(view.optimised, timeout=10_000):
        view.optimise()
    assert allocations(controller, oid) == before
    assert controller.undo_stack.count() == depth


def test_cancelling_the_optimiser_changes_nothing(make_view, controller, qtbot, monkeypatch):
    view = make_view(GO_ALONE)
    oid = option_id(controller, GO_ALONE)
    before = allocations(controller, oid)
    started = threading.Event()

    def slow(ws, option_id, progress=None, cancelled=None, **kwargs):
        started.set()
        progress(0.1, "Working")
        while not cancelled():
            threading.Event().wait(0.005)
        raise Cancelled("stopped")

    monkeypatch.setattr(capacity_view.analyses, "optimiser", slow)
    asked = []
    monkeypatch.setattr(ProposalDialog, "ask", staticmethod(lambda *a, **k: asked.append(a) or True))
    task = view.optimise()
    assert task is not None and view.optimise() is None  # a second click while running does nothing
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: view.task is None, timeout=5000)
    assert not asked
    assert view.summary.status.text() == "Optimisation cancelled; nothing changed."
    assert allocations(controller, oid) == before
    assert view.summary.optimise_button.isEnabled()


def test_proposal_dialog_shows_volumes_cost_shortfalls_and_solve_time(qtbot, controller):
    oid = option_id(controller, GO_ALONE)
    ws = controller.ws
    proposal = analyses.optimiser(ws.copy(), oid)
    current = {(a.requirement_id, a.member_id): a.volume for a in ws.allocations(oid)}
    labels = {r.id: f"{r.service_line} — {r.area}" for r in ws.requirements(1)}
    names = {mm.id: ws.display_name(Member, mm.id) for mm in ws.members(oid)}
    dialog = ProposalDialog(proposal, current, labels, names, GO_ALONE)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Optimised allocation — Go alone"
    figures = dialog.figures.text()
    assert "£809,177.20 a year" in figures and "HiGHS solved in" in figures
    assert "31,960 of 103,200 required" in figures
    assert "Best partial plan" in dialog.headline.text()
    # proposed against current: Homecare in Eastmere comes down to what the member can reach with growth
    vm = dialog.volumes_model
    row = next(r for r in range(vm.rowCount())
               if vm.index(r, 0).data() == "Homecare and reablement support — Eastmere")
    assert [vm.index(row, c).data() for c in range(2, 5)] == ["7,200", "6,000", "−1,200"]
    assert dialog.tabs.tabText(0) == "Volumes (1 change)"
    assert dialog.shortfalls_model.rowCount() == len(proposal.shortfalls) == 14
    reasons = {dialog.shortfalls_model.index(r, 4).data() for r in range(14)}
    assert "No member has capacity for this service line and area." in reasons
    assert dialog.members_model.index(dialog.members_model.rowCount() - 1, 4).data() == "£809,177"  # whole pounds
    assert dialog.apply_button.isEnabled()
    assert "uncovered" in dialog.note.text()
    # a proposal that changes nothing cannot be applied
    same = ProposalDialog(proposal, proposal.volumes(), labels, names, GO_ALONE)
    qtbot.addWidget(same)
    assert not same.apply_button.isEnabled()
    assert same.note.text() == "The proposal is the same as the current allocation."


def test_no_option_selected_shows_a_message(qtbot, controller):
    view = CapacityView(controller, Selection(None))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.message.isVisibleTo(view))
    assert view.message.text() == "Select a consortium option."
    assert not view.content.isVisibleTo(view)
    assert view.optimise() is None


# --------------------------------------------------------------------------- in the main window


@pytest.fixture
def window(qtbot, qsettings, monkeypatch):
    return main_window(qtbot, qsettings, monkeypatch)


def select_option(page, name):
    model = page.master.table.model()
    # Works around a bug outside this tab (reported): right after opening, the options list's sort
    # proxy sometimes maps two of its rows to the same source row (names shown: Go alone, Go alone,
    # Special purpose vehicle). Re-mapping it fixes the list.
    model.invalidate()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert name in names, names
    page.master.table.selectRow(names.index(name))


def test_capacity_tab_of_the_options_page(window, demo_path, qtbot):
    assert window.open_path(demo_path)
    page = window.show_page("Consortium options")
    assert list(page.analysis_views)[0] == "Capacity"
    view = page.analysis_views["Capacity"]
    assert page.tabs.indexOf(view) < page.tabs.indexOf(page.analysis_views["Standing"])
    select_option(page, GO_ALONE)
    page.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.result is not None and view.result.coverage.n_gap == 14)
    # at 1400 × 860 the heat map and the member table fit without scrolling sideways
    qtbot.waitUntil(lambda: not view.heat_map.horizontalScrollBar().isVisible(), timeout=2000)
    view.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.member_table.isVisible())
    qtbot.waitUntil(lambda: not view.member_table.horizontalScrollBar().isVisible(), timeout=2000)
    view.tabs.setCurrentIndex(0)
    # an edit made elsewhere refreshes the visible tab
    c = window.controller
    oid = option_id(c, GO_ALONE)
    alloc = allocations(c, oid)[0]
    assert c.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 100))
    qtbot.waitUntil(lambda: view.result.coverage.total_allocated == Decimal("33260"))
    # choosing another option refreshes the tab
    select_option(page, LEAD_PROVIDER)
    qtbot.waitUntil(lambda: view.result.coverage.n_gap == 0)
    assert view.heat_model.rowCount() == 5
    assert not window.errors


def test_optimiser_rules_are_read_from_the_dialog_and_respected(controller, qtbot, monkeypatch):
    from consortium_planner.domain.optimise import OptimiseRules
    from consortium_planner.gui.optimise_rules import OptimiseRulesDialog

    oid = option_id(controller, LEAD_PROVIDER)
    members = [(m.id, controller.ws.display_name(Member, m.id)) for m in controller.ws.members(oid)]
    dialog = OptimiseRulesDialog(members, None)
    qtbot.addWidget(dialog)
    lead = next(m for m in controller.ws.members(oid) if m.organisation_id == controller.ws.get(
        ConsortiumOption, oid).lead_organisation_id)
    row = [mid for mid, _ in members].index(lead.id)
    dialog.table.item(row, 1).setText("40")
    dialog.local_first.setChecked(True)
    rules = dialog.read_rules()
    assert rules.min_share_pct == {lead.id: Decimal(40)} and rules.local_first
    dialog.table.item(row, 2).setText("30")
    with pytest.raises(ValueError, match="minimum share 40% is above the maximum 30%"):
        dialog.read_rules()
    # the rules reach the optimiser: without them the lead gets under 20% of the volume, with them 20%
    free = analyses.optimiser(controller.ws, oid)
    assert next(t.share_pct for t in free.member_totals if t.member_id == lead.id) < Decimal(20)
    proposal = analyses.optimiser(controller.ws, oid, rules=OptimiseRules(min_share_pct={lead.id: Decimal(20)}))
    share = next(t.share_pct for t in proposal.member_totals if t.member_id == lead.id)
    assert share >= Decimal("19.9")  # whole-unit rounding may miss by less than a unit per line
