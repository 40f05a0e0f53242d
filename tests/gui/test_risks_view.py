"""The Risks tab: the option's register edited in place, refreshed from the analyses as one undo step, its
matrices, and the findings not in it (on the demo workspace)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from views_support import (  # noqa: F401 (fixtures)
    SPV,
    Selection,
    controller_fixture,
    demo_path_fixture,
    main_window,
    option_id,
)

from consortium_planner.domain import risk_register as rr
from consortium_planner.domain.model import Risk, RiskSource, RiskStatus, Tender
from consortium_planner.gui.risks import RisksView
from consortium_planner.gui.risks.model import ANALYSES, LAYOUT, RESIDUAL, SCORE, RiskTableModel
from consortium_planner.gui.roles import STATUS_ROLE
from consortium_planner.reports.document import Status
from consortium_planner.services import analyses


def ready(view: RisksView) -> bool:
    return view.findings is not None and not view.busy and not view._stale


@pytest.fixture
def view(qtbot, controller) -> RisksView:
    selection = Selection(option_id(controller, SPV))
    v = RisksView(controller, selection)
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    qtbot.waitUntil(lambda: ready(v), timeout=60000)  # the register reads every finding, sensitivity's too
    return v


def column(name: str) -> int:
    return LAYOUT.index(name)


def texts(model, name: str) -> list[str]:
    return [model.index(r, column(name)).data() for r in range(model.rowCount())]


def test_the_tab_is_among_the_options_analysis_tabs(qtbot, qsettings, monkeypatch, demo_path):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = window.show_page("Consortium options")
    assert isinstance(page.analysis_views["Risks"], RisksView)


def test_refresh_seeds_the_findings_as_one_undo_step_and_twice_adds_nothing(view, controller, qtbot):
    oid = option_id(controller, SPV)
    findings = analyses.analyse_option(controller.ws, oid).findings()
    seedable = [f for f in findings if rr.seedable(f)]
    keys = {rr.seed_key(f) for f in seedable}  # a finding a year over the ceiling is one risk, with a count
    own = len(controller.ws.children(Risk, oid))  # the demo's SPV has three risks of its own
    assert own == 3 and view.model.rowCount() == own and view.refresh_button.isEnabled()
    assert view.tabs.tabText(1) == f"Findings not in the register ({len(seedable)})"
    assert view.refresh_from_analyses()
    assert view.model.rowCount() == own + len(keys) == len(controller.ws.children(Risk, oid))
    assert controller.undo_stack.count() == 1
    assert controller.undo_stack.undoText() == "Refresh the risk register from the analyses"
    qtbot.waitUntil(lambda: ready(view), timeout=60000)  # a recalculation with sensitivity: slow on a loaded machine
    assert view.tabs.tabText(1) == "Findings not in the register (0)"
    # seeding again changes nothing and leaves nothing to undo
    assert not view.refresh_from_analyses()
    assert controller.undo_stack.count() == 1 and view.model.rowCount() == own + len(keys)
    controller.undo_stack.undo()
    assert view.model.rowCount() == own and all(r.source is RiskSource.USER for r in controller.ws.children(Risk, oid))
    controller.undo_stack.redo()
    assert view.model.rowCount() == own + len(keys)


def test_edits_in_place_are_undoable_and_rescore_at_once(view, controller, qtbot):
    view.refresh_from_analyses()
    model = view.model
    row = next(r for r in range(model.rowCount()) if model.entity_at(r).finding_code == "ceiling_affordability")
    risk_id = model.entity_at(row).id
    assert model.index(row, column(SCORE)).data() == "! 9 amber"  # a warning seeds at 3 × 3
    assert model.setData(model.index(row, column("owner")), "Bid director")
    assert model.setData(model.index(row, column("likelihood")), "2")
    # the score follows the edit at once, without waiting for the analyses
    row = model.row_of(risk_id)
    assert model.index(row, column(SCORE)).data() == "✓ 6 green"
    assert model.index(row, column(SCORE)).data(STATUS_ROLE) == Status.GREEN  # through Qt: its plain string
    # the analyses still rate its finding a warning: the tab says so beside the user's score
    assert model.index(row, column(ANALYSES)).data() == "! warning now"
    assert model.index(row, column(RESIDUAL)).data() == "–"
    assert model.setData(model.index(row, column("residual_likelihood")), "1")
    assert model.setData(model.index(row, column("residual_impact")), "3")
    assert model.setData(model.index(row, column("status")), "Mitigated")
    assert model.index(model.row_of(risk_id), column(RESIDUAL)).data() == "✓ 3 green"
    stored = controller.ws.get(Risk, risk_id)
    assert (stored.owner, stored.likelihood, stored.residual_likelihood, stored.status) == (
        "Bid director", 2, 1, RiskStatus.MITIGATED)
    for _ in range(5):
        controller.undo_stack.undo()
    assert controller.ws.get(Risk, risk_id).owner == "" and controller.ws.get(Risk, risk_id).likelihood == 3


def test_a_users_edits_survive_a_refresh_after_the_figures_change(view, controller, qtbot):
    oid = option_id(controller, SPV)
    view.refresh_from_analyses()
    model = view.model
    row = next(r for r in range(model.rowCount()) if model.entity_at(r).finding_code == "ceiling_affordability")
    risk_id = model.entity_at(row).id
    model.setData(model.index(row, column("mitigation")), "Take the back office out of the price")
    tender = controller.ws.get(Tender, controller.ws.options()[0].tender_id)
    controller.set_field(Tender, tender.id, "budget_ceiling", "4,200,000")
    qtbot.waitUntil(lambda: ready(view), timeout=60000)  # a recalculation with sensitivity: slow on a loaded machine
    assert view.refresh_from_analyses()
    risk = controller.ws.get(Risk, risk_id)
    assert "£4,200,000" in risk.description and risk.mitigation == "Take the back office out of the price"
    assert len(controller.ws.children(Risk, oid)) == model.rowCount()


def test_only_a_users_own_risk_has_its_description_edited_here(view, controller):
    view.refresh_from_analyses()
    user = view.add_risk()
    assert user is not None and user.source is RiskSource.USER
    model = view.model
    row = model.row_of(user.id)
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(row, column("description"))) & editable
    seeded = next(r for r in range(model.rowCount()) if model.entity_at(r).source is RiskSource.ANALYSES)
    assert not model.flags(model.index(seeded, column("description"))) & editable
    assert model.flags(model.index(seeded, column("owner"))) & editable
    assert not model.flags(model.index(seeded, column(SCORE))) & editable
    view.table.select_id(user.id)
    assert view.delete_risk() and controller.ws.get(Risk, user.id) is None


def test_the_matrices_count_the_risks_still_to_manage_before_and_after(view, controller):
    view.refresh_from_analyses()
    active = [r for r in controller.ws.children(Risk, option_id(controller, SPV))]
    count = lambda m: sum(m.value(r, c) or 0 for r in range(m.rowCount()) for c in range(m.columnCount()))  # noqa: E731
    assert count(view.before_model) == count(view.after_model) == len(active)
    # impact 5 (the first row) × likelihood 5: the blocking finding; a cell with nothing shows only its colour
    assert view.before_model.value(0, 4) >= 1 and view.before_model.status(0, 4) is Status.RED
    assert view.before_model.text(4, 0) == "" and view.before_model.status(4, 0) is Status.GREEN


def test_what_the_analyses_say_tells_the_views_of_the_rows_where_it_changed_only(view):
    """The same words again tell the register's views nothing (nothing painted again); a changed word, of that row."""
    view.refresh_from_analyses()
    model = view.model
    assert model.rowCount() >= 2
    said = dict(model.analyses)
    told: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: told.append((a.row(), b.row(), a.column(), b.column())))
    model.set_analyses(dict(said))
    assert told == []
    model.set_analyses({**said, model.rows[1].id: ("no longer raised", None)})
    assert told == [(1, 1, column(ANALYSES), column(ANALYSES))]
    assert model.index(1, column(ANALYSES)).data() == "no longer raised"


def test_the_risk_table_model_passes_qtmodeltester(view, qtmodeltester):
    view.refresh_from_analyses()
    qtmodeltester.check(view.model)
    assert isinstance(view.model, RiskTableModel)


def test_an_edit_shows_all_but_the_long_analyses_findings_first_and_says_so(view, controller, qtbot):
    from consortium_planner.domain.model import Allocation
    from consortium_planner.services.pipeline import run

    oid = option_id(controller, SPV)
    assert view.refresh_from_analyses()  # the register now holds risks seeded by the sensitivity's findings too
    qtbot.waitUntil(lambda: ready(view), timeout=60000)
    long_codes = {"sensitivity_close_break_even"}
    seeded_long = [r for r in controller.ws.children(Risk, oid) if r.finding_code in long_codes]
    assert seeded_long, "the demo's SPV has break-evens close to the plan"
    seen: list[tuple] = []

    def snapshot(kind: str) -> None:
        said = texts(view.model, ANALYSES)
        seen.append((kind, view.findings, view.partial, said, view.summary.text(), view.tabs.tabText(1),
                     view.refresh_button.isEnabled(), view.findings_note.text()))

    view.first_shown.connect(lambda: snapshot("partly"))
    view.shown.connect(lambda: snapshot("complete"))
    alloc = sorted(controller.ws.allocations(oid), key=lambda a: a.id or 0)[0]
    controller.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 1))
    qtbot.waitUntil(lambda: ready(view) and seen and seen[-1][0] == "complete", timeout=60000)
    assert [s[0] for s in seen] == ["partly", "complete"]
    _k, findings, partial, said, summary, tab, button, note = seen[0]
    ws = controller.ws
    quick = tuple(n for n in analyses.FINDING_ANALYSES if n not in analyses.LONG_FINDING_ANALYSES)
    assert findings is None and partial == run(ws, oid, quick).findings(quick)
    assert not button  # "Refresh from the analyses" waits for every finding
    for risk in seeded_long:  # its finding is not among the first ones: it is being checked, not gone
        assert said[view.model.row_of(risk.id)] == "checking…"
    assert not any(t.startswith("no longer raised") for t in said)
    assert "Still checking the stored scenarios, the sensitivities and the simulation" in summary
    assert tab.startswith("Findings not in the register") and ("so far" in tab or "(" not in tab)
    assert "the stored scenarios, the sensitivities and the simulation" in note
    _k, findings, partial, said, summary, tab, button, note = seen[1]
    assert partial is None and findings == run(ws, oid, analyses.FINDING_ANALYSES).findings(analyses.FINDING_ANALYSES)
    assert "checking…" not in said and "Still checking" not in summary and "so far" not in tab and button


@pytest.mark.second_process
def test_an_edits_first_findings_are_worked_out_partly_in_a_second_process(view, controller, qtbot):
    """With a second processor, some of the first findings are worked out in a second process, started by the
    tab's first computation: the findings shown are the ones one process works out."""
    from consortium_planner.domain.model import Allocation
    from consortium_planner.services.pipeline import run

    beside = controller.beside
    if beside is None:
        pytest.skip("one processor: everything is worked out in this process")
    qtbot.waitUntil(lambda: beside.ready, timeout=60000)
    oid = option_id(controller, SPV)
    first: list = []
    view.first_shown.connect(lambda: first.append(view.partial))
    answered = beside.answered
    for step in (1, 2):
        alloc = sorted(controller.ws.allocations(oid), key=lambda a: a.id or 0)[0]
        controller.set_field(Allocation, alloc.id, "volume", str(alloc.volume + step))
        qtbot.waitUntil(lambda: ready(view), timeout=60000)
    quick = tuple(n for n in analyses.FINDING_ANALYSES if n not in analyses.LONG_FINDING_ANALYSES)
    assert first and first[-1] == run(controller.ws, oid, quick).findings(quick)
    assert beside.answered == answered + 2 and not beside.failures


def test_an_edit_keeps_the_findings_on_show_until_the_first_new_ones_come(view, controller, qtbot):
    """Every analysis tab keeps its figures until the new ones come: the register, its counts and the findings
    not in it are not drawn again as "checking" in between (that drew and painted the tab twice an edit, the
    first time while the findings were computed); "Refresh from the analyses" waits for the new findings."""
    from consortium_planner.domain.model import Allocation

    oid = option_id(controller, SPV)
    summary, rows = view.summary.text(), view.findings_model.rowCount()
    said = texts(view.model, ANALYSES)
    assert rows and "Checking" not in summary and view.refresh_button.isEnabled()
    alloc = sorted(controller.ws.allocations(oid), key=lambda a: a.id or 0)[0]
    controller.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 1))
    assert view.findings is None and view.busy  # the new findings are on their way ...
    assert view.summary.text() == summary and view.findings_model.rowCount() == rows  # ... the old stay till then
    assert texts(view.model, ANALYSES) == said
    assert not view.refresh_button.isEnabled()
    qtbot.waitUntil(lambda: view.partial is not None or view.findings is not None, timeout=60000)
    assert "still checking" in view.findings_note.text().lower() or view.findings is not None
    qtbot.waitUntil(lambda: ready(view), timeout=60000)


def test_matrices_an_edit_leaves_as_they_were_are_not_fitted_again_and_changed_ones_are(view, controller, qtbot):
    """The risk matrices are fitted to their texts again only when their counts change (fitting measured every cell's
    text, twice an edit): an allocation edit leaves the register's counts as they were; a risk added changes them, and
    the matrices are fitted to the new texts."""
    from consortium_planner.domain.model import Allocation

    view.refresh_from_analyses()
    qtbot.waitUntil(lambda: ready(view), timeout=60000)
    fitted: list[object] = []
    for m in (view.before_map, view.after_map):
        real = m.fit
        m.fit = lambda m=m, real=real: (fitted.append(m), real())[1]  # type: ignore[method-assign]
    before = view.before_model.chart
    oid = option_id(controller, SPV)
    alloc = sorted(controller.ws.allocations(oid), key=lambda a: a.id or 0)[0]
    controller.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 1))
    qtbot.waitUntil(lambda: ready(view), timeout=60000)
    assert view.before_model.chart is before and fitted == []
    assert view.add_risk() is not None  # a risk of the user's own: one more to manage
    qtbot.waitUntil(lambda: ready(view) and view.before_model.chart is not before, timeout=60000)
    assert view.before_map in fitted and view.after_map in fitted
    widths = [view.before_map.columnWidth(c) for c in range(view.before_model.columnCount())]
    assert min(widths) >= view.before_map.fontMetrics().horizontalAdvance(view.before_model.text(0, 4))
