"""Quality questions (issue 18): the option's quality score from its expected score on each question, by hand;
a score below a question's minimum disqualifies; shares that do not add to 100 are read as shares."""

from __future__ import annotations

from decimal import Decimal

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import QualityAnswer, QualityQuestion
from consortium_planner.domain.quality_questions import breakdown

D = Decimal


def q(i, weight, max_score="5", minimum=None):
    return QualityQuestion(id=i, tender_id=1, name=f"Q{i}", weight_pct=D(weight), max_score=D(max_score),
                           minimum_score=None if minimum is None else D(minimum))


def a(i, score):
    return QualityAnswer(id=10 + i, option_id=1, question_id=i, expected_score=D(score))


def test_by_hand_the_questions_give_the_quality_score():
    # 60 marks for quality; Q1 50% scored 4/5, Q2 30% scored 3/5, Q3 20% scored 7/10:
    # 60 × (0.5 × 0.8 + 0.3 × 0.6 + 0.2 × 0.7) = 60 × 0.72 = 43.2
    b = breakdown([q(1, 50), q(2, 30), q(3, 20, "10")], [a(1, 4), a(2, 3), a(3, 7)], D(60), D(43.2))
    assert b.derived == D("43.2") and not b.differs
    assert [r.marks for r in b.questions] == [D(24), D("10.8"), D("8.4")]
    # one more point: Q1 30 ÷ 5 = 6 marks, Q2 18 ÷ 5 = 3.6, Q3 12 ÷ 10 = 1.2
    assert [r.per_point for r in b.questions] == [D(6), D("3.6"), D("1.2")]
    assert b.best_value.name == "Q1"
    assert [f.code for f in b.findings] == ["best_value_question"]


def test_a_score_below_a_minimum_is_blocking_and_a_different_entered_score_a_warning():
    b = breakdown([q(1, 60, minimum="2"), q(2, 40)], [a(1, "1.5"), a(2, 5)], D(100), D(70))
    # 100 × (0.6 × 0.3 + 0.4 × 1) = 58.0
    assert b.derived == D("58.0") and b.differs
    codes = {f.code: f for f in b.findings}
    assert codes["question_below_minimum"].severity is Severity.BLOCKING
    assert codes["quality_score_not_from_questions"].severity is Severity.WARNING
    assert dict(codes["quality_score_not_from_questions"].figures)["from_questions"] == D("58.0")


def test_shares_not_adding_to_100_are_normalised_and_unscored_questions_give_no_score():
    b = breakdown([q(1, 30), q(2, 30)], [a(1, 5)], D(100), D(70))
    assert b.derived is None and b.weight_total == D(60)
    assert b.questions[0].marks == D(50)  # half the marks: 30 of 60
    codes = [f.code for f in b.findings]
    assert "question_weights_not_100" in codes and "questions_unscored" in codes
    assert breakdown([], [], D(100), D(70)) is None
