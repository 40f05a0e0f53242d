"""The lot choice (issue 18): the best set of lots by integer programme, checked by hand and against trying
every set; the apportionment of a line's figures to lots adds up to the penny; reasons and findings."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.lots import (
    LotInput,
    LotProblem,
    apportion,
    breaches,
    brute_force,
    lot_choice,
    solve,
)
from consortium_planner.domain.model import LotDecision

D = Decimal
HOME = ("homecare", "eastmere")
GROUPS = ("groups", "eastmere")


def lot(i, contribution, chance="0.5", needs=None, capital="0", decision=LotDecision.CHOOSE):
    return LotInput(i, f"Lot {i}", decision, None if chance is None else D(chance), "test", D(contribution),
                    D(0), D(capital), needs or {})


def test_by_hand_the_cap_takes_the_two_best_lots():
    # expected: lot 1 £50,000, lot 2 £40,000, lot 3 £45,000; a supplier may win at most 2
    p = LotProblem((lot(1, 100_000), lot(2, 80_000), lot(3, 90_000)), {}, {}, None, 2)
    assert solve(p) == (1, 3)
    c = lot_choice(7, p)
    assert c.best_expected == D("95000.00")
    out = next(r for r in c.rows if r.lot_id == 2)
    assert not out.in_best and "at most 2" in out.reason


def test_by_hand_shared_capacity_picks_the_better_pair_not_the_best_single():
    # lots 1 and 2 share homecare in Eastmere (10,000 hours): lot 1 alone uses 8,000, lots 2 and 3 use 5,000
    # each; lot 1 earns the most alone (£60k) but lots 2+3 (£35k + £35k) beat it within the hours
    p = LotProblem((lot(1, 120_000, needs={HOME: D(8000)}), lot(2, 70_000, needs={HOME: D(5000)}),
                    lot(3, 70_000, needs={HOME: D(5000)})), {HOME: D(10_000)}, {HOME: "Homecare in Eastmere"},
                   None, None)
    assert solve(p) == (2, 3)
    reason = next(r.reason for r in lot_choice(1, p).rows if r.lot_id == 1)
    assert "Homecare in Eastmere: 18,000 a year needed, 10,000 available" in reason


def test_by_hand_capital_and_a_lot_that_loses_money():
    p = LotProblem((lot(1, 100_000, capital="300000"), lot(2, 100_000, capital="300000"), lot(3, -5_000)),
                   {}, {}, D(500_000), None)
    best = solve(p)
    assert len(best) == 1 and 3 not in best
    c = lot_choice(1, p)
    assert "loses money" in next(r.reason for r in c.rows if r.lot_id == 3)
    assert any("capital" in r.reason for r in c.rows if not r.in_best and r.lot_id != 3)


def test_decisions_fix_lots_and_a_plan_below_the_best_is_reported():
    p = LotProblem((lot(1, 100_000, decision=LotDecision.NO_BID), lot(2, 80_000)), {}, {}, None, 1)
    c = lot_choice(1, p)
    assert [r.lot_id for r in c.best] == [1] and [r.lot_id for r in c.plan] == [2]
    assert c.plan_expected == D("40000.00") and c.best_expected == D("50000.00")
    below = next(f for f in c.findings if f.code == "lots_plan_below_best")
    assert dict(below.figures)["shortfall"] == D("10000.00")


def test_lots_marked_bid_beyond_the_cap_are_a_warning():
    p = LotProblem((lot(1, 100_000, decision=LotDecision.BID), lot(2, 80_000, decision=LotDecision.BID)),
                   {}, {}, None, 1)
    c = lot_choice(1, p)
    assert not c.plan_feasible
    f = next(f for f in c.findings if f.code == "lots_plan_breaks_limit")
    assert f.severity is Severity.WARNING and "at most 1" in f.message


def test_outside_services_use_capacity_first():
    outside = lot(0, 10_000, needs={HOME: D(6000)}, decision=LotDecision.BID)
    p = LotProblem((lot(1, 100_000, needs={HOME: D(5000)}),), {HOME: D(10_000)}, {HOME: "Homecare"}, None, None,
                   outside)
    assert solve(p) == ()
    assert breaches(p, (1,)) == ("Homecare: 5,000 a year needed, 4,000 available with growth",)


def test_apportion_adds_up_to_the_penny():
    parts = apportion({"home": D("1000.00"), "groups": D("-333.33")},
                      {"home": {1: D(1), 2: D(1), None: D(1)}, "groups": {2: D(3)}})
    assert sum(parts.values()) == D("666.67")
    assert parts[2] == D("333.33") + D("-333.33")


@st.composite
def problems(draw):
    n = draw(st.integers(1, 7))
    keys = [("line", str(k)) for k in range(draw(st.integers(1, 3)))]
    lots = []
    for i in range(1, n + 1):
        needs = {k: D(draw(st.integers(0, 60))) for k in keys if draw(st.booleans())}
        lots.append(lot(i, draw(st.integers(-20_000, 200_000)), draw(st.sampled_from(["0.1", "0.35", "0.5", "1"]))
                        , needs=needs, capital=str(draw(st.integers(0, 50_000)))))
    capacity = {k: D(draw(st.integers(0, 150))) for k in keys}
    capital = draw(st.one_of(st.none(), st.integers(0, 120_000).map(D)))
    cap = draw(st.one_of(st.none(), st.integers(1, n)))
    return LotProblem(tuple(lots), capacity, {}, capital, cap)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_the_integer_programme_matches_trying_every_set(p):
    chosen = solve(p)
    assert chosen is not None and not breaches(p, chosen)
    by_id = {x.lot_id: x for x in p.lots}
    assert sum((by_id[i].expected for i in chosen), D(0)) == brute_force(p)
