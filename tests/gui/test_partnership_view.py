"""The Partnership tab on the demo: the findings first, the ranking and effects, "Try this structure" as
one undo step, the editable readiness and due-diligence grids, the questions and the heads of terms; the
row module is Qt-free; the models pass Qt's model tester."""

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from views_support import (  # noqa: F401 (fixtures)
    LEAD_PROVIDER,
    SPV,
    controller_fixture,
    demo_path_fixture,
    main_window,
    option_id,
    settle,
)

from consortium_planner.domain.model import (
    ConsortiumOption,
    DueDiligenceArea,
    DueDiligenceItem,
    DueDiligenceStatus,
    HeadsOfTermsItem,
    PartneringProfile,
    ReadinessDimension,
    ReadinessScore,
    Structure,
    TermsHead,
)
from consortium_planner.gui.document_model import DocumentTableModel
from consortium_planner.gui.partnership import PartnershipView
from consortium_planner.gui.partnership.editors import DiligenceGridModel, ScoreGridModel
from consortium_planner.reports.sections import partnership as partnership_doc
from consortium_planner.services import analyses


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


@pytest.fixture
def show(window, qtbot):
    def show(name) -> PartnershipView:
        page = window.show_page("Consortium options")
        wanted = option_id(window.controller, name)
        page.master.table.select_id(wanted)
        view = page.analysis_views["Partnership"]
        page.tabs.setCurrentWidget(view)
        qtbot.waitUntil(lambda: view.result is not None and view.result.option_id == wanted and not view.busy,
                        timeout=20000)
        return view
    return show


def test_the_tab_leads_with_the_worst_finding_and_shows_every_structure(show):
    view = show(LEAD_PROVIDER)
    text = view.notices.toPlainText()
    # the lead-provider option has no pension arrangement, and its indicative cost would breach the ceiling
    assert text.index("no pension arrangement") < text.index("at risk")
    view.tabs.setCurrentWidget(view.structures_page)
    assert view.ranking_model.rowCount() == len(Structure)
    advice = view.result.get("structure")
    assert [view.ranking_model.text(r, 1).replace(" (chosen)", "") for r in range(7)] == [
        r.structure.label for r in advice.ranked]
    # the effects of the chosen structure, figures as the analysis has them
    effects = view.effects.models[0]
    assert effects.columnCount() == 2 and effects.text(0, 0) == "Liability"
    view.tabs.setCurrentWidget(view.money)
    money = view.money.models[1]
    assert money.rowCount() == len(view.result.get("money_flows").flows)


def test_the_sub_tabs_behind_are_filled_with_the_latest_result_when_turned_to(show, window, qtbot):
    """Issue 22: a result fills the sub-tab in front; each other waits, and shows the latest result when turned to
    (never one an edit has overtaken)."""
    view = show(LEAD_PROVIDER)
    view.tabs.setCurrentWidget(view.questions_page)
    view.tabs.setCurrentWidget(view.money)  # filled now: the lead provider's money
    view.tabs.setCurrentWidget(view.questions_page)
    first = view.result
    view.show_result(first)  # as a new result comes: the questions at once, the rest when turned to
    assert not view.lazy.pending(view.questions_page)
    assert all(view.lazy.pending(p) for p in (view.structures_page, view.money, view.pensions_page,
                                               view.readiness_page, view.terms_page))
    page = window.show_page("Consortium options")
    page.master.table.select_id(option_id(window.controller, SPV))
    qtbot.waitUntil(lambda: view.result is not first and not view.busy, timeout=20000)
    flows = view.result.get("money_flows")
    assert view.lazy.pending(view.money)
    view.tabs.setCurrentWidget(view.money)
    assert not view.lazy.pending(view.money)
    fresh = DocumentTableModel()
    fresh.set_table(partnership_doc.flow_amounts_table(flows))
    shown = view.money.models[1]
    assert shown.rowCount() == fresh.rowCount() == len(flows.flows) and shown.columnCount() == fresh.columnCount()
    assert [[shown.text(r, k) for k in range(shown.columnCount())] for r in range(shown.rowCount())] == [
        [fresh.text(r, k) for k in range(fresh.columnCount())] for r in range(fresh.rowCount())]
    view.tabs.setCurrentWidget(view.structures_page)
    assert [view.ranking_model.text(r, 1).replace(" (chosen)", "") for r in range(len(Structure))] == [
        r.structure.label for r in view.result.get("structure").ranked]
    assert "(chosen)" in view.ranking_model.text(
        next(i for i, r in enumerate(view.result.get("structure").ranked) if r.current), 1)


def test_try_this_structure_is_one_undo_step(show, window, qtbot):
    view = show(LEAD_PROVIDER)
    c = window.controller
    view.tabs.setCurrentWidget(view.structures_page)
    row = next(i for i, r in enumerate(view.result.get("structure").ranked) if r.structure is Structure.SPV)
    view.ranking.selectRow(row)
    assert view.selected_structure is Structure.SPV and view.try_button.isEnabled()
    before = len(c.ws.options())
    new = view.try_selected_structure()
    assert new is not None and new.structure is Structure.SPV and len(c.ws.options()) == before + 1
    assert c.undo_stack.count() == 1 and "special purpose vehicle" in c.undo_stack.text(0)
    c.undo_stack.undo()
    assert len(c.ws.options()) == before and c.ws.get(ConsortiumOption, new.id) is None
    c.undo_stack.redo()
    again = c.ws.get(ConsortiumOption, new.id)
    assert again is not None and len(c.ws.members(new.id)) == len(c.ws.members(option_id(c, LEAD_PROVIDER)))
    settle(qtbot, view)


def test_the_chosen_structure_cannot_be_tried_again(show):
    view = show(SPV)
    view.tabs.setCurrentWidget(view.structures_page)
    row = next(i for i, r in enumerate(view.result.get("structure").ranked) if r.current)
    view.ranking.selectRow(row)
    assert not view.try_button.isEnabled()


def test_scores_are_typed_into_the_grid_and_undone(controller, qtbot):
    c = controller
    oid = option_id(c, LEAD_PROVIDER)
    model = ScoreGridModel(c, lambda: oid)
    # Coldharbour has not scored under this option
    row = next(i for i, (_m, name) in enumerate(model.partners) if name == "Coldharbour Carers Network")
    col = 3  # trust
    idx = model.index(row, col)
    assert model.data(idx) == ""
    assert model.setData(idx, "2")
    mid = model.partners[row][0]
    [score] = c.ws.children(ReadinessScore, mid)
    assert score.dimension is ReadinessDimension.TRUST and score.score == 2
    assert model.setData(idx, "4") and c.ws.get(ReadinessScore, score.id).score == 4
    assert not model.setData(idx, "7")  # out of range: refused, nothing changed
    assert c.ws.get(ReadinessScore, score.id).score == 4
    assert model.setData(idx, "") and not c.ws.children(ReadinessScore, mid)
    c.undo_stack.undo()
    assert c.ws.children(ReadinessScore, mid)[0].score == 4


def test_due_diligence_statuses_in_the_grid(controller):
    c = controller
    oid = option_id(c, LEAD_PROVIDER)
    model = DiligenceGridModel(c, lambda: oid)
    col = next(i for i, (_m, name) in enumerate(model.partners) if name == "Peer Pathways CIC")
    row = list(DueDiligenceArea).index(DueDiligenceArea.LITIGATION)
    idx = model.index(row, col)
    assert model.data(idx) == DueDiligenceStatus.NOT_STARTED.label
    assert model.setData(idx, DueDiligenceStatus.ISSUE.label)
    [item] = [r for r in c.ws.children(DueDiligenceItem, model.partners[col][0])
              if r.area is DueDiligenceArea.LITIGATION]
    assert item.status is DueDiligenceStatus.ISSUE
    assert model.data(idx, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.setData(idx, DueDiligenceStatus.NOT_STARTED.label)  # no notes: the row goes
    assert not [r for r in c.ws.children(DueDiligenceItem, model.partners[col][0])
                if r.area is DueDiligenceArea.LITIGATION]


def test_models_pass_the_qt_model_tester(qtmodeltester, controller):
    oid = option_id(controller, SPV)
    qtmodeltester.check(ScoreGridModel(controller, lambda: oid))
    qtmodeltester.check(DiligenceGridModel(controller, lambda: oid))


def test_answering_the_questions_and_adding_every_head(show, window, qtbot):
    c = window.controller
    view = show(LEAD_PROVIDER)
    oid = option_id(c, LEAD_PROVIDER)
    # the demo answers the lead-provider questions: the form shows them
    assert view.questions.currentIndex() == 1 and c.ws.children(PartneringProfile, oid)
    have = {r.head for r in c.ws.children(HeadsOfTermsItem, oid)}
    assert view.add_every_head()
    assert {r.head for r in c.ws.children(HeadsOfTermsItem, oid)} == set(TermsHead)
    c.undo_stack.undo()
    assert {r.head for r in c.ws.children(HeadsOfTermsItem, oid)} == have
    settle(qtbot, view)


def test_answer_the_questions_creates_them_for_an_option_without(show, window, qtbot):
    c = window.controller
    view = show(SPV)
    oid = option_id(c, SPV)
    source = analyses.one(c.ws, oid, "structure")
    assert source.answered
    new = c.try_structure(oid, Structure.LLP)  # the copy carries the answers too
    assert c.ws.children(PartneringProfile, new.id)
    c.delete(PartneringProfile, c.ws.children(PartneringProfile, new.id)[0].id)
    page = window.pages["Consortium options"]
    page.master.table.select_id(new.id)
    qtbot.waitUntil(lambda: view.result is not None and view.result.option_id == new.id and not view.busy,
                    timeout=20000)
    assert view.questions.currentIndex() == 0
    profile = view.answer_questions()
    assert profile is not None and view.questions.currentIndex() == 1
    assert view.profile_form.record_id == profile.id
    settle(qtbot, view)


def test_the_row_module_is_qt_free():
    """Relative imports of ``gui/partnership/rows.py`` reach only domain, reports and services (``...x``)."""
    import consortium_planner.gui.partnership as pkg

    tree = ast.parse((Path(pkg.__file__).parent / "rows.py").read_text(encoding="utf-8"))
    found = [("." * n.level) + (n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    found += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert found
    for module in found:
        assert not module.startswith(("PySide6", "shiboken6", "consortium_planner.gui")), module
        if module.startswith("."):
            assert module.startswith(("...domain", "...reports", "...services")), module


def test_the_grids_follow_the_option_and_their_own_rows_not_every_recalculation(show, window, qtbot):
    """An edit the grids do not show (an allocation's volume) recomputes the tab without resetting its grids;
    another option's grids come with that option; a member added to the option joins them."""
    from consortium_planner.domain.model import Allocation, Member, Organisation

    c = window.controller
    view = show(LEAD_PROVIDER)
    resets: list[str] = []
    for name, model in (("scores", view.scores_model), ("diligence", view.diligence_model),
                        ("terms", view.terms_panel.model)):
        model.modelReset.connect(lambda name=name: resets.append(name))
    oid = option_id(c, LEAD_PROVIDER)
    alloc = c.ws.allocations(oid)[0]
    before = view.result
    assert c.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 7))
    qtbot.waitUntil(lambda: view.result is not before and not view.busy, timeout=20000)
    assert resets == []
    partners = len(view.scores_model.partners)
    org = c.add(Organisation, {"name": "Northgate Mutual"})
    assert org is not None and c.add(Member, {"option_id": oid, "organisation_id": org.id})
    assert len(view.scores_model.partners) == partners + 1 and "scores" in resets
    spv = option_id(c, SPV)
    show(SPV)
    assert view.scores_model.partners and view.scores_model.partners == ScoreGridModel(c, lambda: spv).partners
