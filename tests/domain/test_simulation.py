"""Risk by simulation (domain/simulation.py): sampling, reproducibility, cancel, the summary figures."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest

from consortium_planner.domain import simulation as sim
from consortium_planner.domain.tasks import Cancelled, CancelToken
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import pipeline
from consortium_planner.services.demo import build_demo_entities, load_demo_source


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def bases(demo):
    out = {}
    for o in demo.options():
        r = pipeline.run(demo, o.id, ("capital", "prices"))
        out[o.id] = (sim.basis(demo, o.id, r["capital"], r["prices"]), r["capital"])
    return out


def _spv(demo, bases):
    option = next(o for o in demo.options() if o.name == "Special purpose vehicle")
    return bases[option.id]


def test_sampling_follows_each_triangle_and_rounds_whole_number_drivers():
    values = sim.sample(sim.DEFAULT_RANGES, 20_000, 3)
    volume = values["volume_pct"]
    assert volume.min() >= -20 and volume.max() <= 5
    # a triangle (−20, 0, +5) has mean (−20 + 0 + 5) ÷ 3 = −5
    assert abs(volume.mean() - (-5)) < 0.2
    delay = values["payment_delay_days"]
    assert np.array_equal(delay, np.rint(delay)) and delay.min() >= 0 and delay.max() <= 60
    assert (values["termination_after_year"] == 0).all()  # not sampled by default


def test_the_same_seed_gives_the_same_result_and_another_seed_a_different_one(demo, bases):
    b, _ = _spv(demo, bases)
    first = sim.simulate(b, draws=2_000, seed=11)
    again = sim.simulate(b, draws=2_000, seed=11, chunk=333)  # the chunk size does not matter
    other = sim.simulate(b, draws=2_000, seed=12)
    assert first == again
    assert first.seed == 11 and first.draws == 2_000
    assert other.npv != first.npv and other.requirement != first.requirement


def test_probabilities_are_fractions_and_percentiles_are_ordered(demo, bases):
    for b, _capital in bases.values():
        r = sim.simulate(b, draws=1_000, seed=5)
        probs = [r.p_requirement_above_sources, r.p_npv_negative]
        if r.p_dscr_below_covenant is not None:
            probs.append(r.p_dscr_below_covenant)
        assert all(Decimal(0) <= p <= Decimal(1) for p in probs)
        for pct in (r.npv, r.requirement):
            assert pct.p10 <= pct.p50 <= pct.p90
            assert all(isinstance(x, Decimal) and x == x.quantize(Decimal("0.01")) for x in (pct.p10, pct.p50, pct.p90))
        for h in (r.npv_histogram, r.requirement_histogram):
            assert sum(h.counts) == r.draws and len(h.edges) == len(h.counts) + 1
            assert list(h.edges) == sorted(h.edges)


def test_zero_width_ranges_give_the_base_figures_in_every_draw(demo, bases):
    flat = tuple(dataclasses.replace(r, low=Decimal(0), mode=Decimal(0), high=Decimal(0)) for r in sim.DEFAULT_RANGES)
    for b, capital in bases.values():
        r = sim.simulate(b, flat, draws=200, seed=1)
        for pct, exact in ((r.npv, capital.returns.npv), (r.requirement, capital.funding.requirement)):
            for x in (pct.p10, pct.p50, pct.p90):
                assert abs(x - exact) <= Decimal("0.20")  # the vector model's rounding (floats, see the docs)
        sources_short = capital.funding.requirement > capital.funding.total_sources
        assert r.p_requirement_above_sources == (1 if sources_short else 0)
        assert r.p_npv_negative == (1 if capital.returns.npv < 0 else 0)
        lowest = capital.funding.lowest_dscr
        assert r.has_debt_service == (lowest is not None)
        if lowest is not None:
            assert r.p_dscr_below_covenant == (1 if lowest < capital.funding.min_dscr else 0)


def test_a_worse_range_raises_the_chance_of_a_loss(demo, bases):
    b, _ = _spv(demo, bases)
    mild = tuple(dataclasses.replace(r, low=r.mode) for r in sim.DEFAULT_RANGES)  # only the upside ends
    harsh = sim.simulate(b, draws=1_000, seed=2)
    gentle = sim.simulate(b, mild, draws=1_000, seed=2)
    assert harsh.p_npv_negative > gentle.p_npv_negative
    assert harsh.npv.p50 < gentle.npv.p50


def test_cancel_stops_between_chunks_and_progress_is_reported(demo, bases):
    b, _ = _spv(demo, bases)
    token = CancelToken()
    seen: list[float] = []

    def progress(fraction: float, _message: str) -> None:
        seen.append(fraction)
        if fraction >= 0.5:
            token.cancel()

    with pytest.raises(Cancelled):
        sim.simulate(b, draws=4_000, seed=1, chunk=500, progress=progress, cancelled=token)
    assert seen and seen[-1] < 1.0 and len(seen) <= 6  # stopped at the chunk after half way
    done: list[float] = []
    sim.simulate(b, draws=1_000, seed=1, chunk=250, progress=lambda f, _m: done.append(f))
    assert done == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_bad_ranges_and_draw_counts_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="low ≤ most likely ≤ high"):
        sim.DriverRange("volume_pct", Decimal(5), Decimal(0), Decimal(10))
    with pytest.raises(ValueError, match="above −100%"):
        sim.DriverRange("volume_pct", Decimal(-100), Decimal(0), Decimal(10))
    with pytest.raises(ValueError, match="cannot go below 0"):
        sim.DriverRange("mobilisation_overrun_months", Decimal(-1), Decimal(0), Decimal(1))
    with pytest.raises(ValueError, match="not a driver the simulation samples"):
        sim.DriverRange("competitor_price_pct", Decimal(0), Decimal(0), Decimal(1))


def test_the_number_of_draws_is_bounded(demo, bases):
    b, _ = _spv(demo, bases)
    with pytest.raises(ValueError, match="number of draws"):
        sim.simulate(b, draws=10)


def test_a_loans_months_stop_at_a_checkpoint_once_the_token_is_tripped():
    """A loan's month-by-month schedule in the vector model checks the bound token once a year of months: a
    chunk of draws with a loan ran 20 ms on the large workspace without a check, and an edit waited for it
    (``WorkspaceController.quiet``). With nothing tripped it runs to the end."""
    from consortium_planner.domain.model import FundingKind
    from consortium_planner.domain.simulation import vector
    from consortium_planner.domain.simulation.basis import _Source
    from consortium_planner.domain.tasks import bound

    loan = _Source(FundingKind.LOAN, 100_000.0, 0.0, 0, 6.0, 60, 0, False, 0.0, 0.0)
    n = 4
    args = (loan, np.full(n, 0.005), np.zeros(n, dtype=int), np.full(n, 70), 72)
    interest, principal = vector._loan(*args)
    assert principal.sum() == pytest.approx(100_000.0 * n)
    tripped = CancelToken()
    tripped.cancel()
    with bound(tripped), pytest.raises(Cancelled):
        vector._loan(*args)
