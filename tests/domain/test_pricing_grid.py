"""The best price's grid of win counts found draw by draw (``simulation._grid_wins``) against trying every
price, and the seeded draws kept between a bid's win probability and best price."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import PriceMethod
from consortium_planner.domain.pricing import (
    Competitor,
    ScoringRules,
    Uncertainty,
    best_price,
    win_probability,
)
from consortium_planner.domain.pricing import simulation as sim

scores = st.integers(0, 100).map(D)
bids = st.builds(Competitor, st.just("bid"), st.integers(40, 160).map(D), scores, st.just(D(100)), scores,
                 st.sampled_from([D(0), D(100)]))
rules = st.builds(ScoringRules, st.sampled_from([D(40), D(60), D(70)]), st.sampled_from([D(20), D(30), D(40)]),
                  st.sampled_from([D(0), D(10)]), st.sampled_from(list(PriceMethod)), budget=st.just(D(100)),
                  ceiling=st.sampled_from([None, D(90), D(120)]), quality_threshold=st.sampled_from([None, D(40)]))
spreads = st.sampled_from([D(0), D(5), D(30)])


def _setting(ours, rivals, r, spread, own_spread, draws, seed):
    u = Uncertainty(spread, spread, spread, own_spread)
    d = sim._draw(ours, rivals, r, u, draws, np.random.default_rng(seed))
    return d, sim._rivals(r, d)


@settings(max_examples=150, deadline=None)
@given(bids, st.lists(bids, max_size=5), rules, spreads, st.sampled_from([D(0), D(10)]),
       st.sampled_from([1, 7, 400]), st.integers(0, 2**32 - 1),
       st.lists(st.integers(1, 20_000), min_size=1, max_size=60, unique=True), st.booleans())
def test_the_grid_found_draw_by_draw_is_every_price_tried(ours, rivals, r, spread, own_spread, draws, seed, pence,
                                                          with_ties):
    d, rv = _setting(ours, rivals, r, spread, own_spread, draws, seed)
    grid = {p / 100 for p in pence}
    if with_ties:  # the rivals' own prices and the ceiling: exact ties and the ceiling's edge
        grid |= {float(c.price) for c in rivals} | ({float(r.ceiling)} if r.ceiling is not None else set())
    prices = sorted(grid)
    assert sim._grid_wins(r, prices, d, rv) == [sim._wins(r, p, d, rv) for p in prices]


def test_draws_short_of_the_slack_are_tried_at_every_price(monkeypatch):
    """With a slack no margin clears, every draw falls back to trying every price: the counts are the same."""
    ours = Competitor("us", D(100), D(70), D(100), D(50), D(100))
    rivals = [Competitor("a", D(95), D(60)), Competitor("b", D(110), D(80), D(100), D(40), D(100))]
    prices = [p / 4 for p in range(240, 560)]
    for method in (PriceMethod.RELATIVE, PriceMethod.LINEAR_LOWEST, PriceMethod.LINEAR_RANGE, PriceMethod.FROM_MEAN):
        r = ScoringRules(D(60), D(30), D(10), method, ceiling=D(125))
        d, rv = _setting(ours, rivals, r, D(10), D(5), 2_000, 3)
        expected = [sim._wins(r, p, d, rv) for p in prices]
        assert sim._grid_wins(r, prices, d, rv) == expected
        tried: list[int] = []
        real_subset = sim._subset

        def counted(d_, rv_, keep, tried=tried, real_subset=real_subset):
            tried.append(int(keep.sum()))
            return real_subset(d_, rv_, keep)

        monkeypatch.setattr(sim, "_subset", counted)
        monkeypatch.setattr(sim, "_SLACK", 1e6)
        assert sim._grid_wins(r, prices, d, rv) == expected
        assert tried == [2_000], method  # every draw went the long way
        monkeypatch.undo()
        assert len(set(expected)) > 20, method  # the grid crosses many draws' thresholds


def test_a_grid_of_one_price_and_a_field_of_none():
    ours = Competitor("us", D(100), D(70))
    for r in (ScoringRules(D(60), D(40), D(0)), ScoringRules(D(60), D(40), D(0), PriceMethod.PQP, ceiling=D(105))):
        d, rv = _setting(ours, [], r, D(10), D(0), 50, 1)
        assert sim._grid_wins(r, [100.0], d, rv) == [sim._wins(r, 100.0, d, rv)]
        assert sim._grid_wins(r, [50.0, 104.0, 106.0], d, rv) == [sim._wins(r, p, d, rv) for p in (50.0, 104.0, 106.0)]


def test_a_bids_draws_are_drawn_once_for_its_probability_and_best_price(monkeypatch):
    ours = Competitor("us", D(100), D(70))
    rivals = [Competitor("a", D(95), D(60)), Competitor("b", D(110), D(80))]
    r = ScoringRules(D(60), D(40), D(0))
    sim._seeded.cache_clear()
    calls = []
    real = sim._draw
    monkeypatch.setattr(sim, "_draw", lambda *a: calls.append(1) or real(*a))
    wp = win_probability(ours, rivals, r, seed=9)
    bp = best_price(D(80), ours, rivals, r, seed=9)
    assert len(calls) == 1
    # another price of the same bid: the same draws (they do not read our price), the same figures as fresh ones
    dearer = dataclasses.replace(ours, price=D(104))
    again = win_probability(dearer, rivals, r, seed=9)
    assert len(calls) == 1
    fresh = real(dearer, rivals, r, Uncertainty(), sim.DEFAULT_DRAWS, np.random.default_rng(9))
    assert again.wins == sim._wins(r, 104.0, fresh)
    # other scores, another seed, or no seed: drawn again
    win_probability(dataclasses.replace(ours, quality_score=D(71)), rivals, r, seed=9)
    win_probability(ours, rivals, r, seed=10)
    win_probability(ours, rivals, r)
    assert len(calls) == 4
    kept = sim._draws(ours, rivals, r, Uncertainty(), sim.DEFAULT_DRAWS, 9)
    with pytest.raises(ValueError):
        kept.prices[0, 0] = 1.0  # shared between callers and threads: read-only
    assert wp.wins == sim._wins(r, 100.0, kept) and bp.grid
