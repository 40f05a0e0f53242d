"""The evaluation as the buyer sets it: the weightings a ranking or a description allows, our bid's range
over them, and pass/fail criteria (domain/evaluation_model.py)."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium_planner.domain.evaluation_model import (
    GateStatus,
    Weighting,
    consistent,
    corner_weightings,
    evaluation_model,
    gate_statuses,
)
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import Gate, GateAnswer, GateResponse, Importance, PriceMethod, Tender
from consortium_planner.domain.pricing import Competitor, ScoringRules, evaluate

US = Competitor("Us", D("100"), D("70"), D("100"), D("8"), D("10"))
A = Competitor("A", D("80"), D("60"), D("100"), D("5"), D("10"))
B = Competitor("B", D("120"), D("80"), D("100"), D("9"), D("10"))
THIRD = D(100) / 3


def tender(**kw) -> Tender:
    base = dict(id=1, name="T", quality_weight=D(60), price_weight=D(30), social_value_weight=D(10),
                importance=Importance.RANKED)
    base.update(kw)
    return Tender(**base)


def test_corners_of_a_ranking():
    assert corner_weightings(Importance.RANKED, (1, 2, 3)) == (
        Weighting(D(100), D(0), D(0)), Weighting(D(50), D(50), D(0)), Weighting(THIRD, THIRD, THIRD))
    # price first, then quality and social value equal
    assert corner_weightings(Importance.RANKED, (2, 1, 2)) == (
        Weighting(D(0), D(100), D(0)), Weighting(THIRD, THIRD, THIRD))
    assert corner_weightings(Importance.DESCRIBED) == (
        Weighting(D(100), D(0), D(0)), Weighting(D(0), D(100), D(0)), Weighting(D(0), D(0), D(100)))
    assert corner_weightings(Importance.WEIGHTS) == ()
    assert consistent(Weighting(D(60), D(30), D(10)), (1, 2, 3))
    assert not consistent(Weighting(D(30), D(60), D(10)), (1, 2, 3))
    assert not consistent(Weighting(D(50), D(30), D(20)), (1, 2, 2))


def test_the_bid_at_each_corner_by_hand():
    m = evaluation_model(tender(), US, [A, B])
    # 100/0/0: quality alone: us 70, A 60, B 80 → B leads by 10
    # 50/50/0: Pmin £80: us 35 + 40 = 75, A 30 + 50 = 80, B 40 + 33.33 = 73.33 → A leads by 5
    # ⅓ each: us 23.33 + 26.67 + 26.67 = 76.67; A 20 + 33.33 + 16.67 = 70; B 26.67 + 22.22 + 30 = 78.89
    assert [c.wins for c in m.corners] == [False, False, False]
    assert [c.leader for c in m.corners] == ["B", "A", "B"]
    assert m.corners[0].our_total == D(70) and m.corners[0].margin == D(-10)
    assert m.corners[1].our_total == D(75) and m.corners[1].margin == D(-5)
    assert m.worst is m.corners[0]
    assert m.our_range == (D(70), m.corners[2].our_total)
    [risk] = [f for f in m.findings if f.code == "weighting_risk"]
    assert risk.severity is Severity.WARNING and "wins at 0 of the 3" in risk.message
    assert "100/0/0" in risk.message and "10.00 points behind B" in risk.message


weights = st.tuples(*[st.decimals(min_value=0, max_value=100, places=2)] * 3)


@settings(max_examples=150, deadline=None)
@given(weights, st.sampled_from(list(itertools.product((1, 2, 3), repeat=3))),
       st.sampled_from([PriceMethod.RELATIVE, PriceMethod.LINEAR_RANGE, PriceMethod.FROM_MEAN, PriceMethod.PQP]))
def test_every_consistent_weighting_lies_within_the_range(raw, ranks, method):
    """Sort any weights into the ranking's order (ties averaged) and scale to 100: our total at that weighting
    lies within the corners' range, and the worst corner's margin is no better than its margin."""
    total = sum(raw)
    if total == 0:
        return
    order = sorted(raw, reverse=True)
    groups = sorted(set(ranks))
    w = [D(0)] * 3
    pos = 0
    for g in groups:  # give each rank group the next largest weights, averaged within the group
        idx = [i for i, r in enumerate(ranks) if r == g]
        share = sum(order[pos:pos + len(idx)]) / len(idx)
        for i in idx:
            w[i] = share * 100 / total
        pos += len(idx)
    weighting = Weighting(*w)
    assert consistent(weighting, ranks)
    t = tender(quality_rank=ranks[0], price_rank=ranks[1], social_value_rank=ranks[2], price_method=method,
               annual_value=D(100))
    m = evaluation_model(t, US, [A, B])
    rules = ScoringRules(w[0], w[1], w[2], method, budget=D(100))
    ev = evaluate(US, [A, B], rules)
    lo, hi = m.our_range
    tolerance = D("1e-20")
    ours = ev.ours.total if ev.ours.total is not None else ev.ours.quality_points + ev.ours.social_value_points
    assert lo - tolerance <= ours <= hi + tolerance  # (price per point with all weight on price: a score of 0)
    if method is not PriceMethod.PQP:
        assert m.worst.margin <= ev.gap + tolerance
        if all(c.wins for c in m.corners):
            assert ev.wins


def test_weights_need_no_corners_and_described_is_information_when_we_sometimes_win():
    assert evaluation_model(tender(importance=Importance.WEIGHTS), US, [A, B]).corners == ()
    m = evaluation_model(tender(importance=Importance.DESCRIBED), US, [A, B])
    assert [c.weighting.label for c in m.corners] == ["100/0/0", "0/100/0", "0/0/100"]
    # social value alone: us 8/10, A 5, B 9 → B; price alone: A is cheapest; quality alone: B
    assert m.wins_at == 0
    strong = Competitor("Us", D("75"), D("90"), D("100"), D("10"), D("10"))
    described = evaluation_model(tender(importance=Importance.DESCRIBED), strong, [A, B])
    assert described.wins_at == 3 and not [f for f in described.findings if f.code == "weighting_risk"]


def test_not_scored_says_why():
    m = evaluation_model(tender(), None, [A, B], not_scored="the option covers 60.0% of the required volume")
    assert m.corners == () and m.not_scored.startswith("the option covers")


def test_pass_fail_criteria():
    gates = [Gate(id=1, tender_id=1, name="CQC registration", asks="Registered by service start"),
             Gate(id=2, tender_id=1, name="Cyber Essentials"), Gate(id=3, tender_id=1, name="ISO 9001")]
    answers = [GateResponse(id=1, option_id=5, gate_id=1, answer=GateAnswer.NOT_MET,
                            evidence="the SPV registers with CQC by June"),
               GateResponse(id=2, option_id=5, gate_id=3, answer=GateAnswer.MET)]
    statuses = gate_statuses(gates, answers)
    assert [(g.gate, g.answer) for g in statuses] == [
        ("CQC registration", GateAnswer.NOT_MET), ("Cyber Essentials", GateAnswer.UNKNOWN), ("ISO 9001", GateAnswer.MET)]
    found = {f.code: f for f in evaluation_model(tender(importance=Importance.WEIGHTS), US, [A], statuses).findings}
    assert found["gate_not_met"].severity is Severity.BLOCKING and "CQC registration" in found["gate_not_met"].message
    assert "the SPV registers with CQC by June" in found["gate_not_met"].cure
    assert found["gate_unknown"].severity is Severity.WARNING and "‘Cyber Essentials’" in found["gate_unknown"].message
    clear = evaluation_model(tender(importance=Importance.WEIGHTS), US, [A],
                             [GateStatus("ISO 9001", "", GateAnswer.MET, "")])
    assert clear.findings == ()


def test_weights_against_the_ranking_are_flagged():
    m = evaluation_model(tender(quality_weight=D(30), price_weight=D(60)), US, [A, B])
    assert not m.entered_consistent and any(f.code == "weights_against_ranking" for f in m.findings)
