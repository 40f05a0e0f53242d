"""The social value ledger (issue 18): value and cost over the term by hand, the score against the rivals'
assumed commitments, one more point, and the commitments' cost reaching the price."""

from __future__ import annotations

from decimal import Decimal

from consortium_planner.domain.model import SocialValueCommitment, SocialValueTheme
from consortium_planner.domain.social_value import annual_cost, ledger

D = Decimal


def c(i, qty, proxy, cpu, fixed="0", first=1, last=None, answered=True, theme=SocialValueTheme.JOBS):
    return SocialValueCommitment(id=i, option_id=1, theme=theme, measure=f"M{i}", quantity_a_year=D(qty),
                                 from_year=first, to_year=last, proxy_value=D(proxy), cost_per_unit=D(cpu),
                                 cost_a_year=D(fixed), answered=answered)


ROWS = [c(1, 2, 4500, 300, "1500"), c(2, 200, 17, 14), c(3, 52, 250, 60, first=2, answered=False)]


def test_by_hand_value_cost_and_score_over_a_three_year_term():
    s = ledger(1, ROWS, 3, D(200_000), D(100), D(70), [("Rival", D(15_500)), ("Other", D(9_000))])
    # value: 2 × 4,500 × 3 + 200 × 17 × 3 + 52 × 250 × 2 (years 2–3) = 27,000 + 10,200 + 26,000
    assert s.value == D(63_200) and [r.value for r in s.rows] == [D(27_000), D(10_200), D(26_000)]
    # cost: (2 × 300 + 1,500) × 3 + 200 × 14 × 3 + 52 × 60 × 2 = 6,300 + 8,400 + 6,240
    assert s.cost == D(20_940) and s.cost_a_year == D("6980.00")
    assert s.share_of_contract_pct == D("10.53")  # 63,200 ÷ 600,000
    # the third has no method statement: it scores nothing; counted (27,000 + 10,200) ÷ 3 = 12,400 a year
    assert s.counted_a_year == D("12400.00")
    assert s.derived_score == D("80.0") and s.top_rival == ("Rival", D(15_500))  # 100 × 12,400 ÷ 15,500
    assert s.differs  # 70 entered
    # one more point needs 15,500 ÷ 100 = £155 a year; cheapest through M1 (300 ÷ 4,500): £10.33
    assert (s.one_more_point.extra_value_a_year, s.one_more_point.via, s.one_more_point.cost_a_year) == (
        D("155.00"), "M1", D("10.33"))
    codes = {f.code for f in s.findings}
    assert {"social_value_unanswered", "social_value_score_not_from_ledger"} <= codes


def test_the_top_ledger_scores_full_marks_and_no_rival_gives_no_score():
    s = ledger(1, ROWS[:1], 3, D(0), D(50), D(50), [("Rival", D(5_000))])
    assert s.derived_score == D("50.0") and s.one_more_point is None and not s.differs
    assert s.share_of_contract_pct is None
    assert ledger(1, ROWS, 3, D(1), D(100), D(70), []).derived_score is None
    assert ledger(1, [], 3, D(1), D(100), D(70), []) is None


def test_the_cost_a_year_is_the_terms_average_and_a_commitment_after_the_term_costs_nothing():
    assert annual_cost(ROWS, 3) == D("6980.00")
    assert annual_cost([c(1, 10, 1, 5, first=4)], 3) == D(0)
    assert annual_cost([c(1, 10, 1, 5, last=1)], 4) == D("12.50")  # 50 in year one, over four years
