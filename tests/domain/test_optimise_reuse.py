"""The optimiser reuses what it made of an option's rows while they are unchanged (issue 22): an edit
to any row it reads must be seen, and a reused answer must equal one worked out from scratch."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    CostProfile,
    Member,
    MemberRole,
    Organisation,
    Requirement,
    Role,
    Tender,
)
from consortium_planner.domain.optimise import OptimiseRules, Proposal, optimise
from consortium_planner.domain.workspace import Workspace


def _case() -> Workspace:
    """Four members (the fourth without a cost profile), five requirements, two sharing a capacity by lot."""
    rows: list = [Tender(id=1, name="T", annual_value=D("1000000")),
                  ConsortiumOption(id=1, tender_id=1, name="Option", lead_organisation_id=1)]
    for org, cost, home in ((1, "20", "West"), (2, "25", "South"), (3, "30", "East"), (4, None, "North")):
        rows.append(Organisation(id=org, name=f"Org {org}", home_area=home))
        rows.append(Member(id=100 + org, option_id=1, organisation_id=org,
                           role=MemberRole.LEAD if org == 1 else MemberRole.PARTNER))
        if cost is not None:
            rows.append(CostProfile(id=200 + org, organisation_id=org, service_line="Homecare", travel_ratio=D(0),
                                    training_ratio=D(0), holiday_pct=D(0), sickness_pct=D(0)))
            rows.append(Role(id=300 + org, cost_profile_id=200 + org, name="Worker", hourly_rate=D(cost)))
    for i, (org, area, units, growth) in enumerate(((1, "North", 70, 10), (2, "North", 50, 0), (2, "South", 50, 20),
                                                   (3, "South", 40, 0), (4, "South", 30, 0), (1, "East", 10, 0),
                                                   (3, "East", 5, 0))):
        rows.append(Capacity(id=400 + i, organisation_id=org, service_line="Homecare", area=area,
                             units_per_year=D(units), max_growth_pct=D(growth)))
    for rid, area, volume, lot in ((1, "North", 100, None), (2, "South", 60, None), (3, "West", 25, None),
                                   (4, "East", 40, 1), (5, "East", 20, 2)):
        rows.append(Requirement(id=rid, tender_id=1, service_line="Homecare", area=area, annual_volume=D(volume),
                                lot_id=lot))
    return Workspace(rows)


def _fresh(ws: Workspace) -> Workspace:
    """The same rows as new objects: nothing the optimiser kept can match them."""
    return Workspace([dataclasses.replace(e) for e in ws.entities()])


def _plain(p: Proposal) -> Proposal:
    return dataclasses.replace(p, solve_seconds=0.0, total_seconds=0.0)


RULES = [None, OptimiseRules(local_first=True), OptimiseRules(min_share_pct={102: D(40)}, max_share_pct={101: D(30)}),
         OptimiseRules(lead_min_share_pct=D(50), default_unit_cost=D("7.5"))]


@pytest.mark.parametrize("rules", RULES)
def test_a_second_run_and_a_run_on_a_copy_equal_a_fresh_one(rules):
    ws = _case()
    first = optimise(ws, 1, rules)
    assert _plain(optimise(ws, 1, rules)) == _plain(first)
    assert _plain(optimise(ws.copy(), 1, rules)) == _plain(first)
    assert _plain(optimise(_fresh(ws), 1, rules)) == _plain(first)


def _edits(ws: Workspace):
    """One edit to each kind of row the optimiser reads."""
    req = ws.get(Requirement, 1)
    yield "requirement volume", dataclasses.replace(req, annual_volume=D(40))
    yield "requirement area", dataclasses.replace(ws.get(Requirement, 3), area="North")
    yield "service line spelt otherwise", dataclasses.replace(req, service_line=" HOMECARE ")
    yield "volume nobody can deliver", dataclasses.replace(ws.get(Requirement, 3), annual_volume=D(26))
    cap = next(c for c in ws.capacities(3) if c.area == "South")
    yield "capacity", dataclasses.replace(cap, units_per_year=D(400))
    yield "growth", dataclasses.replace(next(c for c in ws.capacities(1) if c.area == "North"), max_growth_pct=D(50))
    profile = ws.cost_profiles(3)[0]
    role = ws.roles(profile.id)[0]
    yield "role rate", dataclasses.replace(role, hourly_rate=D("5"))
    yield "cost profile", dataclasses.replace(profile, non_pay_per_unit=D("50"))
    yield "home area", dataclasses.replace(ws.get(Organisation, 2), home_area="North")
    yield "organisation name", dataclasses.replace(ws.get(Organisation, 4), name="Renamed")
    yield "new capacity", Capacity(id=9001, organisation_id=4, service_line="Homecare", area="North",
                                   units_per_year=D(500), max_growth_pct=D(0))
    yield "new cost profile", CostProfile(id=9002, organisation_id=4, service_line="Homecare")
    yield "new role", Role(id=9003, cost_profile_id=profile.id, name="Extra", hourly_rate=D("3"))
    yield "new member", Member(id=9004, option_id=1, organisation_id=99)
    yield "new requirement", Requirement(id=9005, tender_id=1, service_line="Homecare", area="South",
                                         annual_volume=D(15))


@pytest.mark.parametrize("rules", RULES[:2])
@pytest.mark.parametrize("n", range(15))
def test_an_edit_to_any_row_it_reads_is_seen(rules, n):
    ws = _case()
    ws.put(Organisation(id=99, name="Org 99", home_area="South"))
    optimise(ws, 1, rules)  # what it makes of the rows is kept
    label, row = list(_edits(ws))[n]
    ws.put(row)
    after = optimise(ws, 1, rules)
    assert _plain(after) == _plain(optimise(_fresh(ws), 1, rules)), label


def test_removing_a_row_is_seen():
    ws = _case()
    before = optimise(ws, 1)
    ws.remove(Capacity, next(c.id for c in ws.capacities(2) if c.area == "South"))
    after = optimise(ws, 1)
    assert _plain(after) == _plain(optimise(_fresh(ws), 1))
    assert after.lines != before.lines


def test_allocations_are_not_read_but_stray_ones_still_warned_about():
    ws = _case()
    ws.put(Allocation(id=7001, option_id=1, requirement_id=1, member_id=101, volume=D(10)))
    ws.put(Allocation(id=7002, option_id=1, requirement_id=424242, member_id=101, volume=D(10)))
    ws.put(Allocation(id=7003, option_id=1, requirement_id=2, member_id=999, volume=D(10)))
    p = optimise(ws, 1)
    assert "Allocation 7002 is to a requirement outside this tender; ignored." in p.warnings
    assert "Allocation 7003 is to an organisation that is not a member; ignored." in p.warnings
    assert not any("7001" in w for w in p.warnings)
    assert _plain(p) == _plain(optimise(_fresh(ws), 1))


def test_a_unit_cost_of_the_callers_own_is_never_reused():
    ws = _case()
    optimise(ws, 1)
    calls = []

    def flat(w, m, line):
        from consortium_planner.domain.optimise import unit_cost_estimate

        calls.append(m.id)
        return dataclasses.replace(unit_cost_estimate(w, m, line), cost_per_unit=D(1))

    p = optimise(ws, 1, unit_cost=flat)
    assert calls and all(ln.unit_cost == D(1) for ln in p.lines)
    again = optimise(ws, 1)  # and the default estimate is back
    assert _plain(again) == _plain(optimise(_fresh(ws), 1))
    assert all(ln.unit_cost != D(1) for ln in again.lines)


def test_an_allocation_edited_astray_and_back_is_seen():
    ws = _case()
    for i in range(5):
        ws.put(Allocation(id=7001 + i, option_id=1, requirement_id=1 + i, member_id=101, volume=D(10)))
    assert not any("Allocation" in w for w in optimise(ws, 1).warnings)
    ws.put(Allocation(id=7003, option_id=1, requirement_id=3, member_id=999, volume=D(10)))
    ws.put(Allocation(id=7005, option_id=1, requirement_id=424242, member_id=101, volume=D(10)))
    p = optimise(ws, 1)
    assert [w for w in p.warnings if "Allocation" in w] == [
        "Allocation 7003 is to an organisation that is not a member; ignored.",
        "Allocation 7005 is to a requirement outside this tender; ignored."]
    assert _plain(p) == _plain(optimise(_fresh(ws), 1))
    ws.put(Allocation(id=7003, option_id=1, requirement_id=3, member_id=102, volume=D(10)))
    p = optimise(ws, 1)
    assert [w for w in p.warnings if "Allocation" in w] == [
        "Allocation 7005 is to a requirement outside this tender; ignored."]
    ws.remove(Allocation, 7005)
    assert not any("Allocation" in w for w in optimise(ws, 1).warnings)


def test_a_what_if_copy_in_between_does_not_mix_with_the_workspace():
    ws = _case()
    what_if = ws.copy()
    for r in what_if.requirements(1):
        what_if.put(dataclasses.replace(r, annual_volume=r.annual_volume * 2))
    base, scenario = _plain(optimise(_fresh(ws), 1)), _plain(optimise(_fresh(what_if), 1))
    assert base != scenario
    for _ in range(3):
        assert _plain(optimise(ws, 1)) == base
        assert _plain(optimise(what_if, 1)) == scenario
        assert _plain(optimise(ws.copy(), 1)) == base


def test_plans_that_change_with_the_rules_equal_fresh_ones_to_the_digit():
    """The rules are not part of the model, so one model makes every rule set's plan: lines and shortfalls
    kept from the last plan are taken again only where they are the same to the digit (``repr`` shows a
    Decimal's digits). The share rules leave some requirements short for a reason of their own."""
    ws = _case()
    ws.put(dataclasses.replace(ws.get(Requirement, 2), annual_volume=D("60.0")))  # written with a tenth
    runs = [*RULES, *reversed(RULES), *RULES]
    plans = [repr(_plain(optimise(ws, 1, rules))) for rules in runs]  # no fresh run in between: it would
    for rules, plan in zip(runs, plans, strict=True):  # index the capacities anew, and the model with them
        assert plan == repr(_plain(optimise(_fresh(ws), 1, rules))), rules


def test_stray_allocations_are_found_among_many_edited_rows():
    """Past a few dozen allocations the optimiser finds the rows that changed since its last run by halving
    the list (``_changed_places``): an edit astray, an equal row made anew, and an edit back are each seen,
    wherever in the list they fall."""
    import random

    ws = _case()
    for i in range(700):
        ws.put(Allocation(id=7000 + i, option_id=1, requirement_id=1 + i % 5, member_id=101 + i % 4, volume=D(1)))
    rng = random.Random(22)
    seen = []
    for _ in range(40):
        row = ws.get(Allocation, 7000 + rng.randrange(700))
        ws.put(rng.choice([dataclasses.replace(row, requirement_id=424242),
                           dataclasses.replace(row, member_id=999),
                           dataclasses.replace(row),  # the same values, a new row
                           dataclasses.replace(row, requirement_id=2, member_id=102),
                           dataclasses.replace(row, volume=row.volume + 1)]))
        seen.append(([w for w in optimise(ws, 1).warnings if "Allocation" in w], _fresh(ws)))
    for got, then in seen:  # the fresh runs after: one in between would start the reuse afresh
        assert got == [w for w in optimise(then, 1).warnings if "Allocation" in w]
