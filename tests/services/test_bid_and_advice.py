"""The evaluation in two steps (``bid``, then ``evaluation`` adding the pricing advice: ``domain.bid.
with_pricing_advice``) is the evaluation worked out in one (``bid_evaluation(..., pricing_advice=True)``); the lots
read the bid alone."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from consortium_planner.domain import bid as _bid
from consortium_planner.domain.model import Competitor, ConsortiumOption
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import analyses
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.pipeline import REGISTRY, run


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


def _variants(demo: Workspace):
    """The demo, then with its competitors' prices a fifth lower and a fifth higher, and the options' quality
    lowered (bids that win less often, or at other prices)."""
    yield "as shipped", demo
    for label, factor in (("rivals cheaper", Decimal("0.8")), ("rivals dearer", Decimal("1.2"))):
        ws = demo.copy()
        for c in ws.all(Competitor):
            ws.put(dataclasses.replace(c, annual_price=c.annual_price * factor))
        yield label, ws
    ws = demo.copy()
    for o in ws.all(ConsortiumOption):
        ws.put(dataclasses.replace(o, quality_score=o.quality_score - 15))
    yield "lower quality", ws


def test_the_evaluation_in_two_steps_is_the_evaluation_in_one(demo):
    scored = 0
    for label, ws in _variants(demo):
        for option in ws.options():
            results = run(ws.copy(), option.id, ["evaluation"])
            one = _bid.bid_evaluation(ws, option.id, results["prices"], pricing_advice=True)
            assert results["bid"] == _bid.bid_evaluation(ws, option.id, results["prices"], pricing_advice=False)
            assert results["evaluation"] == one, (label, option.name)
            scored += one.best is not None
    assert scored >= 8  # most of them scored, with their advice: the comparison is of something


def test_an_evaluation_that_could_not_be_scored_is_left_as_it_is(demo):
    ws = demo.copy()
    for c in ws.all(Competitor):
        ws.put(dataclasses.replace(c, annual_price=Decimal(0)))  # no competitors: nothing to score against
    option = ws.options()[0]
    results = run(ws, option.id, ["evaluation"])
    assert results["bid"].evaluation is None and results["evaluation"] is results["bid"]


def test_the_lots_need_the_bid_not_the_pricing_advice():
    assert "bid" in REGISTRY.closure(["lots"]) and "evaluation" not in REGISTRY.closure(["lots"])
    assert REGISTRY.closure(["evaluation"]) == ("rates", "prices", "bid", "evaluation")
    assert "bid" not in REGISTRY.names(public_only=True) and "bid" not in analyses.FINDING_ANALYSES
    lean = analyses.figures_registry()
    assert lean["evaluation"].needs == ("bid",)  # a scenario's evaluation is the bid alone
