"""The evaluation model on the demo: its pass/fail criteria as each option answers them, a ranking in place
of weights, and a minimum quality score, through the pipeline, the case, the workbook and ``summary``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import GateAnswer, GateResponse, Importance, Tender
from consortium_planner.domain.verdict import Decision
from consortium_planner.reports.case import build_case
from consortium_planner.reports.workbook import write_option_workbook
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession

SPV = "Special purpose vehicle"
LEAD = "Lead provider with subcontractors"


@pytest.fixture
def demo(tmp_path):
    s = WorkspaceSession.open(write_demo(tmp_path / "demo.cplan"))
    yield s
    s.close()


def option(s, name):
    return next(o for o in s.ws.options() if o.name == name)


def test_the_demo_answers_its_criteria(demo):
    spv, lead = option(demo, SPV), option(demo, LEAD)
    m = analyses.one(demo.ws, spv.id, "evaluation_model")
    assert [(g.gate, g.answer) for g in m.gates] == [("CQC registration for personal care", GateAnswer.UNKNOWN),
                                                     ("Cyber Essentials", GateAnswer.MET)]
    [unknown] = [f for f in m.findings if f.code == "gate_unknown"]
    assert unknown.severity is Severity.WARNING and "CQC registration" in unknown.message
    # the lead meets both and its quality questions give its score: only a note on where marks are cheapest
    assert [f.code for f in analyses.one(demo.ws, lead.id, "evaluation_model").findings] == ["best_value_question"]
    # the findings reach the option's verdict: still not a blocking one
    results = analyses.analyse_option(demo.ws, spv.id)
    assert any(f.code == "gate_unknown" for f in results.findings())


def test_a_criterion_not_met_stops_the_bid(demo):
    spv = option(demo, SPV)
    answer = next(r for r in demo.ws.by(GateResponse, "option_id", spv.id) if r.answer is GateAnswer.UNKNOWN)
    demo.set_field(GateResponse, answer.id, "answer", GateAnswer.NOT_MET.label)
    results = analyses.analyse_option(demo.ws, spv.id)
    [blocking] = [f for f in results.findings() if f.code == "gate_not_met"]
    assert blocking.severity is Severity.BLOCKING
    assert results["verdict"].decision is Decision.DO_NOT_BID
    case = build_case(demo.ws, spv.id, results=results, on=dt.date(2026, 12, 3))
    section = case.section("evaluation_model")
    assert section.blocks[0].text.startswith("The option does not meet the pass/fail criterion")
    gates = section.table("evaluation_gates")
    assert [r[2].value for r in gates.rows] == ["Not met", "Met"]


def test_a_ranking_is_scored_at_every_corner(demo, tmp_path):
    spv = option(demo, SPV)
    tender = demo.ws.get(Tender, spv.tender_id)
    demo.set_field(Tender, tender.id, "importance", Importance.RANKED.label)
    m = analyses.one(demo.ws, spv.id, "evaluation_model")
    assert [c.weighting.label for c in m.corners] == ["100/0/0", "50/50/0", "33.3/33.3/33.3"]
    ev = analyses.one(demo.ws, spv.id, "evaluation")
    lo, hi = m.our_range
    assert lo <= ev.evaluation.ours.total <= hi  # 60/30/10 follows the ranking: it lies within the corners
    assert m.entered_consistent
    case = build_case(demo.ws, spv.id, on=dt.date(2026, 12, 3))
    corners = case.section("evaluation_model").table("evaluation_corners")
    assert [r[3].value for r in corners.rows] == [c.our_total for c in m.corners]
    path = write_option_workbook(demo.ws, spv.id, tmp_path / "spv.xlsx")
    sheet = openpyxl.load_workbook(path)["Evaluation"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "CQC registration for personal care" in texts and "Our bid at each corner weighting the ranking allows" in texts


def test_a_minimum_quality_above_the_bid_disqualifies_it(demo):
    spv = option(demo, SPV)
    tender = demo.ws.get(Tender, spv.tender_id)
    demo.set_field(Tender, tender.id, "quality_threshold_pct", str(spv.quality_score + 5))
    results = analyses.analyse_option(demo.ws, spv.id)
    [f] = [f for f in results.findings() if f.code == "below_quality_minimum"]
    assert f.severity is Severity.BLOCKING and "below the tender's minimum" in f.message
    assert f.cure_figure("quality_needed") >= (spv.quality_score + 5) * spv.quality_max / 100
    assert results["evaluation"].evaluation.ours.failure == "quality below the minimum score"
    assert results["evaluation"].winning_price.cannot_win
    assert not any(x.code == "no_winning_price_covers_cost" for x in results.findings())
    assert Decimal(0) == results["evaluation"].win.probability


def test_the_demo_quality_questions_give_the_entered_score_and_a_minimum_stops_the_bid(demo, tmp_path):
    from consortium_planner.domain.model import QualityAnswer, QualityQuestion

    lead = option(demo, LEAD)
    m = analyses.one(demo.ws, lead.id, "evaluation_model")
    q = m.questions
    assert [x.name for x in q.questions][:2] == ["Q1 Outcomes and the person's voice", "Q2 Workforce, TUPE and pay"]
    assert q.derived == Decimal("70.0") == lead.quality_score and not q.differs
    # a score below Q2's minimum of 2 disqualifies the bid: blocking, first in the case's section
    q2 = next(x for x in demo.ws.by(QualityQuestion, "tender_id", lead.tender_id) if x.name.startswith("Q2"))
    answer = next(x for x in demo.ws.by(QualityAnswer, "option_id", lead.id) if x.question_id == q2.id)
    demo.set_field(QualityAnswer, answer.id, "expected_score", "1.5")
    results = analyses.analyse_option(demo.ws, lead.id)
    assert results["verdict"].decision is Decision.DO_NOT_BID
    codes = [f.code for f in results.findings()]
    assert "question_below_minimum" in codes and "quality_score_not_from_questions" in codes
    case = build_case(demo.ws, lead.id, results=results, on=dt.date(2026, 12, 4))
    section = case.section("evaluation_model")
    assert section.blocks[0].text.startswith("The expected score on ‘Q2 Workforce, TUPE and pay’ (1.5 of 5.0)")
    table = section.table("evaluation_questions")
    # Q2 is 25% of the 100 quality marks: 25 × 1.5 ÷ 5 = 7.5 (it was 15), so the questions give 70 − 7.5
    assert table.rows[1][5].value == Decimal("7.5")
    assert table.rows[-1][0].value == "Total" and table.rows[-1][5].value == Decimal("62.5")
    path = write_option_workbook(demo.ws, lead.id, tmp_path / "lead.xlsx", results=results)
    texts = [c.value for row in openpyxl.load_workbook(path)["Evaluation"].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "Quality by question: the expected scores and where one more point earns most" in texts


def test_an_expected_score_above_the_scale_is_refused(demo):
    from consortium_planner.domain.model import QualityAnswer

    lead = option(demo, LEAD)
    answer = demo.ws.by(QualityAnswer, "option_id", lead.id)[0]
    with pytest.raises(Exception, match="marked out of 5.0"):
        demo.set_field(QualityAnswer, answer.id, "expected_score", "6")
    assert demo.ws.get(QualityAnswer, answer.id).expected_score == answer.expected_score


def test_bidding_rounds_are_scored_in_the_evaluation_and_the_next_offer_priced(demo, tmp_path, capsys):
    import json

    from consortium_planner.cli import main
    from consortium_planner.domain.model import BidRound, RoundScore

    lead = option(demo, LEAD)
    tender = demo.ws.get(Tender, lead.tender_id)
    first, _ = demo.add(BidRound, {"tender_id": tender.id, "name": "Initial tenders", "number": "1"})
    demo.add(RoundScore, {"round_id": first.id, "bidder": "Us", "ours": True, "annual_price": "4100000",
                          "quality_score": "68", "social_value_score": "70"})
    demo.add(RoundScore, {"round_id": first.id, "bidder": "Regional health and care charity",
                          "annual_price": "3900000", "quality_score": "70", "social_value_score": "72"})
    m = analyses.one(demo.ws, lead.id, "evaluation_model")
    [r] = m.rounds.rounds
    assert r.rank == 2 and r.margin < 0
    codes = [f.code for f in m.findings]
    assert "behind_after_round" in codes
    # the next offer against the rival's 3.9m at 70/72: ours 40.8 + 7 + 30 at a price below 3.9m, the rival's
    # 42 + 7.2 + 30 × P ÷ 3.9m: P ≤ 3.9m × (77.8 − 49.2) ÷ 30 = 3,718,000
    assert m.rounds.next_offer.price == Decimal("3718000.00")
    ev = analyses.one(demo.ws, lead.id, "evaluation")
    assert m.rounds.year_one_cost == ev.annual_cost
    assert "next_offer_below_cost" in codes  # the lead's year-one cost is about £3.84m
    case = build_case(demo.ws, lead.id, on=dt.date(2026, 12, 4))
    table = case.section("evaluation_model").table("evaluation_rounds")
    assert [row[0].value for row in table.rows] == ["Initial tenders"] and table.rows[0][4].value == Decimal(2)
    path = demo.path
    demo.close()
    assert main(["summary", str(path), "--json", "--option", LEAD]) == 0
    data = json.loads(capsys.readouterr().out)
    [t] = [t for t in data["tenders"] if t["name"] == tender.name]
    assert [s["bidder"] for s in t["bid_rounds"][0]["scores"]] == ["Us", "Regional health and care charity"]
