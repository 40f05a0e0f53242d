"""Quality questions: a tender's quality marks split into sub-criteria (DOMAIN §11; issue 18).

Buyers mark quality as several method-statement questions, each with its share of the quality marks, a scale
(say 0 to 5) and sometimes a minimum score below which the bid is disqualified. The option's expected score on
each question gives its quality score out of the option's maximum:

    quality score = quality maximum × Σ (weight_i × score_i ÷ scale_i) ÷ Σ weight_i

(the weights normalised, so questions that do not add up to 100% are still read as shares, with a warning).
The **marks for one more point** on a question, quality maximum × weight_i ÷ Σ weight × 1 ÷ scale_i, say where
the bid writing effort earns most. The win analysis keeps using the option's entered quality score (one
figure for every analysis); when the questions give a different score a warning says so, and the Evaluation
tab sets the entered score from the questions in one undoable step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity
from .model import QualityAnswer, QualityQuestion
from .money import HUNDRED, ZERO, format_decimal

PLACES = Decimal("0.1")  # scores are entered to one place
SCORE_TOLERANCE = Decimal("0.05")  # a difference that rounds away at one place is no difference


@dataclass(frozen=True, slots=True)
class QuestionScore:
    question_id: int
    name: str
    weight_pct: Decimal
    max_score: Decimal
    minimum_score: Decimal | None
    expected: Decimal | None  # None: no expected score entered
    plan: str
    marks_available: Decimal  # of the option's quality maximum, exact
    marks: Decimal | None  # expected marks, exact
    per_point: Decimal  # marks for one more point on the question's scale, exact
    below_minimum: bool


@dataclass(frozen=True, slots=True)
class QualityBreakdown:
    quality_max: Decimal
    entered: Decimal  # the option's quality score, as the win analysis uses it
    questions: tuple[QuestionScore, ...]
    weight_total: Decimal
    derived: Decimal | None  # the questions' score, to one place; None while a question has no expected score

    @property
    def unanswered(self) -> tuple[QuestionScore, ...]:
        return tuple(q for q in self.questions if q.expected is None)

    @property
    def below_minimum(self) -> tuple[QuestionScore, ...]:
        return tuple(q for q in self.questions if q.below_minimum)

    @property
    def differs(self) -> bool:
        return self.derived is not None and abs(self.derived - self.entered) > SCORE_TOLERANCE

    @property
    def best_value(self) -> QuestionScore | None:
        """The question where one more point earns the most marks and the score can still rise."""
        open_ = [q for q in self.questions if q.expected is None or q.expected < q.max_score]
        return max(open_, key=lambda q: (q.per_point, -q.question_id)) if open_ else None

    @property
    def findings(self) -> tuple[Finding, ...]:
        out: list[Finding] = []
        for q in self.below_minimum:
            out.append(Finding(
                "question_below_minimum",
                f"The expected score on ‘{q.name}’ ({format_decimal(q.expected, 1)} of {format_decimal(q.max_score, 1)}) "
                f"is below the buyer's minimum of {format_decimal(q.minimum_score, 1)}: the bid would be disqualified.",
                Severity.BLOCKING, figures=(("minimum", q.minimum_score or ZERO),),
                cure=f"Raise the answer on ‘{q.name}’ to at least {format_decimal(q.minimum_score, 1)} (evidence, a "
                     "partner who has done it), or do not bid."))
        if self.weight_total != HUNDRED and self.questions:
            out.append(Finding(
                "question_weights_not_100",
                f"The quality questions' shares add up to {format_decimal(self.weight_total, 1)}%, not 100%: each "
                "is read as its share of the total.", Severity.WARNING,
                cure="Enter each question's share of the quality marks as the tender states it."))
        if self.unanswered:
            n = len(self.unanswered)
            out.append(Finding(
                "questions_unscored",
                f"{n} quality question{'s have' if n > 1 else ' has'} no expected score, so the questions give no "
                "quality score yet; the win analysis uses the score entered on the option.", Severity.WARNING,
                figures=(("unscored", Decimal(n)),),
                cure="Enter the expected score for each question on the option's Evaluation tab."))
        elif self.differs:
            assert self.derived is not None
            out.append(Finding(
                "quality_score_not_from_questions",
                f"The quality score entered on the option ({format_decimal(self.entered, 1)}) is not what its "
                f"expected scores on the questions give ({format_decimal(self.derived, 1)}); the win analysis uses "
                "the score entered.", Severity.WARNING,
                figures=(("entered", self.entered), ("from_questions", self.derived)),
                cure="Use the questions' score (Evaluation tab), or revise the expected scores."))
        best = self.best_value
        if best is not None:
            out.append(Finding(
                "best_value_question",
                f"One more point on ‘{best.name}’ earns {format_decimal(best.per_point, 2)} quality marks, the most of "
                "any question.", Severity.INFO, figures=(("marks_per_point", best.per_point),)))
        return tuple(out)


def breakdown(questions: Sequence[QualityQuestion], answers: Sequence[QualityAnswer], quality_max: Decimal,
              entered: Decimal) -> QualityBreakdown | None:
    """The option's quality score from its expected score on each question; None when there are no questions."""
    if not questions:
        return None
    by_question = {a.question_id: a for a in answers}
    total = sum((q.weight_pct for q in questions), ZERO)
    rows = []
    derived_exact = ZERO
    for q in sorted(questions, key=lambda x: x.id or 0):
        a = by_question.get(q.id)
        share = q.weight_pct / total if total > 0 else ZERO
        available = quality_max * share
        per_point = available / q.max_score
        expected = a.expected_score if a is not None else None
        marks = None if expected is None else available * expected / q.max_score
        if marks is not None:
            derived_exact += marks
        below = expected is not None and q.minimum_score is not None and expected < q.minimum_score
        rows.append(QuestionScore(q.id or 0, q.name, q.weight_pct, q.max_score, q.minimum_score, expected,
                                  a.plan if a is not None else "", available, marks, per_point, below))
    answered = all(r.expected is not None for r in rows) and total > 0
    derived = derived_exact.quantize(PLACES) if answered else None
    return QualityBreakdown(quality_max, entered, tuple(rows), total, derived)
