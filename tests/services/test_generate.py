"""The synthetic large workspace: big enough, valid, and the same for the same seed."""

from __future__ import annotations

from collections import Counter

import pytest

from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    CostProfile,
    FinancialCondition,
    FinancialYear,
    Member,
    Organisation,
    Requirement,
    Role,
    Setting,
    Tender,
    TupeCohort,
)
from consortium_planner.domain.validation import check_workspace, errors
from consortium_planner.services.generate import build_large, bulk_insert, write_large
from consortium_planner.store.workspace_file import Store


def _load(path):
    with Store.open(path) as store:
        assert store.integrity_problems() == []
        return store.load()


def _ordered(rows):
    return sorted(rows, key=lambda r: (type(r).__name__, r.id))


@pytest.fixture(scope="module")
def large_file(tmp_path_factory):
    return write_large(tmp_path_factory.mktemp("large") / "large.cplan")


@pytest.fixture(scope="module")
def ws(large_file):
    return _load(large_file)


def test_default_sizes_meet_the_minimums(ws):
    assert ws.count(Organisation) >= 60
    assert ws.count(Requirement) >= 800
    assert ws.count(ConsortiumOption) >= 10
    assert ws.count(Tender) == 1
    (tender,) = ws.tenders()
    reqs = ws.requirements(tender.id)
    assert len({r.service_line for r in reqs}) == 40 and len({r.area for r in reqs}) == 20
    assert ws.conditions(tender.id) and ws.tupe_cohorts(tender.id)
    assert tender.annual_value > 0
    for org in ws.iter(Organisation):
        assert len(ws.financial_years(org.id)) == 3
        assert ws.capacities(org.id) and ws.cost_profiles(org.id)
    assert all(ws.roles(cp.id) for cp in ws.iter(CostProfile))
    for option in ws.options():
        members = ws.members(option.id)
        assert 8 <= len(members) <= 20
        assert 1_000 <= len(ws.allocations(option.id)) <= 2_000
        assert sum(m.participation_pct for m in members) == 100
        assert sum(m.profit_share_pct for m in members) == 100
        covered = {a.requirement_id for a in ws.allocations(option.id)}
        assert len(covered) >= 0.8 * len(reqs)  # most, not all: some gaps to show


def test_passes_check_workspace_without_errors(ws):
    assert errors(check_workspace(ws)) == []


def test_some_figures_are_not_given(ws):
    assert any(fy.ebitda is None or fy.capex is None or fy.free_reserves is None for fy in ws.iter(FinancialYear))


def test_deterministic_for_a_seed(ws, tmp_path):
    again = _load(write_large(tmp_path / "again.cplan", seed=1))
    assert _ordered(again.entities()) == _ordered(ws.entities())
    assert _ordered(build_large(seed=1)) == _ordered(ws.entities())


def test_another_seed_gives_another_workspace():
    one = build_large(seed=1, organisations=10, service_lines=5, areas=4, options=2)
    two = build_large(seed=2, organisations=10, service_lines=5, areas=4, options=2)
    assert one != two
    assert one == build_large(seed=1, organisations=10, service_lines=5, areas=4, options=2)


def test_small_sizes_still_valid(tmp_path):
    path = write_large(tmp_path / "small.cplan", seed=3, organisations=8, service_lines=3, areas=2, options=2)
    ws = _load(path)
    assert errors(check_workspace(ws)) == []
    counts = Counter(type(e) for e in ws.entities())
    assert counts[Organisation] == 8 and counts[Requirement] == 6 and counts[ConsortiumOption] == 2
    for cls in (Setting, FinancialYear, Capacity, CostProfile, Role, FinancialCondition, TupeCohort, Member,
                Allocation):
        assert counts[cls] > 0, cls.__name__


def test_write_large_refuses_an_existing_file_unless_asked(large_file, tmp_path):
    from consortium_planner.store.workspace_file import WorkspaceFileError

    with pytest.raises(WorkspaceFileError):
        write_large(large_file)
    target = tmp_path / "twice.cplan"
    write_large(target, organisations=8, service_lines=2, areas=2, options=1)
    write_large(target, organisations=8, service_lines=2, areas=2, options=1, overwrite=True)


def test_bulk_insert_needs_ids(tmp_path):
    with Store.create(tmp_path / "ids.cplan") as store:
        with pytest.raises(ValueError, match="needs ids"):
            bulk_insert(store, [Setting(key="author", value="x")])
        assert bulk_insert(store, [Setting(id=5, key="author", value="x")]) == 1
        # ids chosen by the generator do not stop the store from numbering later rows itself
        assert store.insert(Setting(key="next", value="y")).id == 6


def test_the_options_that_leave_no_gap_are_scored_against_the_competitors(ws):
    """Options 1, 4, 7 and 10 cover every requirement: their bids are priced, scored against the tender's
    competitors, and given a win probability and a best price (the win analysis runs, as a benchmark must)."""
    from consortium_planner.domain.model import Competitor
    from consortium_planner.services.pipeline import run

    (tender,) = ws.tenders()
    assert len(ws.children(Competitor, tender.id)) == 3
    for option in ws.options()[::3]:
        ev = run(ws.copy(), option.id, ["evaluation"])["evaluation"]
        assert ev.evaluation is not None and ev.win is not None and ev.best is not None, (option.name, ev.messages)
