"""The Evaluation tab on the demo: the option's answers to its tender's pass/fail criteria edited in place
(an answer changes the verdict's findings, one undo step), the worst news first, and the Tenders page's
Pass/fail tab where the criteria are kept."""

import pytest
from views_support import LEAD_PROVIDER, SPV, demo_path_fixture, main_window, option_id, settle  # noqa: F401

from consortium_planner.domain.model import Gate, GateAnswer, GateResponse, Importance, Tender
from consortium_planner.gui.evaluation_view import EvaluationView
from consortium_planner.services.analyses import one


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def _show(window, qtbot, name) -> EvaluationView:
    page = window.show_page("Consortium options")
    page.master.table.select_id(option_id(window.controller, name))
    view = page.analysis_views["Evaluation"]
    page.tabs.setCurrentWidget(view)
    settle(qtbot, view)
    return view


def test_the_tab_leads_with_the_unknown_criterion_and_lists_the_answers(window, qtbot):
    view = _show(window, qtbot, SPV)
    c = window.controller
    m = one(c.ws, option_id(c, SPV), "evaluation_model")
    [unknown] = [f for f in m.findings if f.code == "gate_unknown"]
    assert view.text.text().startswith(f"<p><b>{unknown.message}")
    gates = view.tables["evaluation_gates"][0]
    assert [gates.text(r, 2) for r in range(gates.rowCount())] == ["Not yet known", "Met"]
    assert view.answers.model.rowCount() == 2
    assert not view.tables["evaluation_corners"][1].isVisible()  # weights: no corners to show


def test_an_answer_not_met_is_blocking_and_undoes_in_one_step(window, qtbot):
    view = _show(window, qtbot, SPV)
    c = window.controller
    oid = option_id(c, SPV)
    answer = next(r for r in c.ws.by(GateResponse, "option_id", oid) if r.answer is GateAnswer.UNKNOWN)
    c.set_field(GateResponse, answer.id, "answer", GateAnswer.NOT_MET.label)
    settle(qtbot, view)
    assert "does not meet the pass/fail criterion" in view.text.text().split("</p>")[0]
    assert any(f.code == "gate_not_met" for f in one(c.ws, oid, "evaluation_model").findings)
    c.undo_stack.undo()
    settle(qtbot, view)
    assert c.ws.get(GateResponse, answer.id).answer is GateAnswer.UNKNOWN
    assert "does not meet" not in view.text.text()


def test_a_ranked_tender_shows_the_corners(window, qtbot):
    c = window.controller
    tender = c.ws.tenders()[0]
    c.set_field(Tender, tender.id, "importance", Importance.RANKED.label)
    view = _show(window, qtbot, LEAD_PROVIDER)
    corners = view.tables["evaluation_corners"]
    assert corners[1].isVisible() and corners[0].rowCount() == 3
    assert [corners[0].text(r, 0) for r in range(3)] == ["100.0", "50.0", "33.3"]


def test_the_tenders_page_keeps_the_criteria(window, qtbot):
    page = window.show_page("Tenders")
    c = window.controller
    tender = c.ws.tenders()[0]
    page.master.table.select_id(tender.id)
    qtbot.waitUntil(lambda: page.gates.model.rowCount() == 2, timeout=5000)
    page.gates.add_record()
    assert len(c.ws.by(Gate, "tender_id", tender.id)) == 3


def test_quality_scores_edited_in_place_and_the_questions_score_used_in_one_undoable_step(window, qtbot):
    from decimal import Decimal

    from consortium_planner.domain.model import ConsortiumOption, QualityAnswer

    view = _show(window, qtbot, LEAD_PROVIDER)
    c = window.controller
    oid = option_id(c, LEAD_PROVIDER)
    assert view.scores.model.rowCount() == 4
    questions = view.tables["evaluation_questions"][0]
    assert questions.rowCount() == 5  # four questions and the total
    assert not view.use_questions.isVisible()  # the questions give the score entered
    q1 = next(a for a in c.ws.by(QualityAnswer, "option_id", oid) if a.expected_score == Decimal(4))
    c.set_field(QualityAnswer, q1.id, "expected_score", "5")  # Q1 is 30 marks on 0-5: one more point is 6 marks
    settle(qtbot, view)
    assert view.use_questions.isVisible() and view.use_questions.text() == "Use the questions' score (76.0)"
    view.use_questions.click()
    settle(qtbot, view)
    assert c.ws.get(ConsortiumOption, oid).quality_score == Decimal("76.0")
    assert not view.use_questions.isVisible()
    c.undo_stack.undo()
    settle(qtbot, view)
    assert c.ws.get(ConsortiumOption, oid).quality_score == Decimal(70)
    assert view.use_questions.isVisible()


def test_the_tenders_page_keeps_questions_and_bidding_rounds(window, qtbot):
    from consortium_planner.domain.model import BidRound, QualityQuestion, RoundScore

    page = window.show_page("Tenders")
    c = window.controller
    tender = c.ws.tenders()[0]
    page.master.table.select_id(tender.id)
    qtbot.waitUntil(lambda: page.questions.model.rowCount() == 4, timeout=5000)
    page.questions.add_record()
    assert len(c.ws.by(QualityQuestion, "tender_id", tender.id)) == 5
    assert page.round_scores.new_values() is None  # no round yet: nothing to score
    page.bid_rounds.add_record()
    [bid_round] = c.ws.by(BidRound, "tender_id", tender.id)
    assert bid_round.number == 1
    page.round_scores.add_record()
    assert [s.round_id for s in c.ws.by(RoundScore, "round_id", bid_round.id)] == [bid_round.id]
    view = _show(window, qtbot, LEAD_PROVIDER)
    rounds = view.tables["evaluation_rounds"]
    assert rounds[1].isVisible() and rounds[0].rowCount() == 1
    assert "our bid is not recorded" in view.text.text()
