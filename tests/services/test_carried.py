"""Results carried over an edit (``Results.carried``, ``SharedResults.carried``): after a change, what it touches
nothing of is kept, the very same object, and the rest is worked out again; the outcome is what working everything
out afresh gives."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from consortium_planner.domain.model import Allocation, Capacity, Competitor, ReadinessScore, Risk, Scenario
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.pipeline import REGISTRY, Results, SharedResults, run


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def option_id(demo) -> int:
    return max(demo.options(), key=lambda o: len(demo.allocations(o.id))).id  # type: ignore[return-value]


@pytest.fixture(scope="module")
def before(demo, option_id) -> Results:
    """Every analysis of the option, on the demo as it is."""
    return run(demo.copy(), option_id)


def _first(cls):
    return lambda ws, option_id: sorted(ws.all(cls), key=lambda r: r.id)[0]


#: an edit of each kind: (the row it changes, the row changed)
EDITS: dict[str, tuple[Callable, Callable]] = {
    "capacity": (_first(Capacity), lambda r: dataclasses.replace(r, units_per_year=r.units_per_year * 2)),
    "competitor": (_first(Competitor), lambda r: dataclasses.replace(r, annual_price=r.annual_price * Decimal("0.8"))),
    "scenario": (_first(Scenario), lambda r: dataclasses.replace(r, volume_pct=r.volume_pct - 7)),
    "readiness score": (_first(ReadinessScore), lambda r: dataclasses.replace(r, score=1 if r.score != 1 else 5)),
    "risk": (_first(Risk), lambda r: dataclasses.replace(r, owner=r.owner + " (acting)")),
    "allocation": (lambda ws, o: sorted(ws.allocations(o), key=lambda a: a.id)[0],
                   lambda r: dataclasses.replace(r, volume=r.volume + 500)),
}


def _timeless(value):
    """``value`` without the times it took (the optimiser's ``solve_seconds``): they differ from run to run."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if not k.endswith("_seconds")}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _values(results: Results) -> dict:
    return {n: _timeless(to_jsonable(v)) for n, v in results.items()}


@pytest.mark.parametrize("edit", EDITS)
def test_results_carried_over_an_edit_are_what_working_everything_out_afresh_gives(demo, option_id, before, edit):
    row_of, change = EDITS[edit]
    ws = demo.copy()
    row = row_of(ws, option_id)
    changed = change(row)
    assert changed != row
    ws.put(changed)
    touched = {type(row).entity_name}
    carried = before.carried(touched)
    for name in carried:  # kept: the very same object, and only what reads nothing the edit changed
        assert carried[name] is before[name]
        assert REGISTRY.reads([name]).isdisjoint(touched)
    assert set(before) - set(carried) == {n for n in before if not REGISTRY.reads([n]).isdisjoint(touched)}
    after = run(ws, option_id, results=carried)
    fresh = run(ws.copy(), option_id)
    assert _values(after) == _values(fresh)
    assert after.findings() == fresh.findings()


def test_an_edit_is_followed_by_working_out_again_only_what_it_touches(demo, option_id, before):
    """A capacity edit leaves the sensitivity and the simulation (most of the time of all the analyses) as they
    were; a risk edit leaves every analysis but the register; an allocation edit the rates and the partnering's
    own; ``"*"`` (anything may have changed) nothing."""
    assert {"sensitivity", "risk_simulation", "prices"} <= set(before.carried({"capacity"}))
    assert not {"coverage", "optimiser", "scenarios", "verdict"} & set(before.carried({"capacity"}))
    assert set(before.carried({"risk"})) == set(before) - {"risk_register"}
    assert set(before.carried({"allocation"})) == {"rates", "route", "readiness", "heads_of_terms"} & set(before)
    assert not before.carried({"*"})


def test_shared_results_carry_each_options_results(demo, before, option_id):
    shared = SharedResults()
    other = next(o.id for o in demo.options() if o.id != option_id)
    shared.results(option_id)._values.update(before._values)
    run(demo.copy(), other, ["coverage"], results=shared.results(other))
    carried = shared.carried({"risk"})
    assert carried is not shared and carried.results(option_id)["sensitivity"] is before["sensitivity"]
    assert set(carried.results(other)) == set(shared.results(other))
    assert not set(shared.carried({"allocation"}).results(other))  # coverage reads the allocations
    assert carried.results(option_id)._locks is not None  # still shared between threads


def test_the_results_of_an_option_edit_carry_nothing_of_what_reads_the_option(demo, option_id, before):
    """The analyses read each option's rows: a change to any option's allocations is a change to what they read."""
    touched = {Allocation.entity_name}
    assert all(Allocation.entity_name not in REGISTRY.reads([n]) for n in before.carried(touched))
