"""The workspace's indexes stay equal to a fresh build after any edits, on the workspace and its copies.

Issue 22: an edit updates the index for the row it changed instead of rebuilding the table's index;
copies share indexes, so an edit to one must never show in the other.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import Allocation
from consortium_planner.domain.workspace import Workspace


def _fresh(ws: Workspace) -> Workspace:
    return Workspace(e for e in ws.entities())


def _views(ws: Workspace, field: str, keys) -> dict:
    return {k: [(a.id, a.option_id, a.member_id, a.volume) for a in ws.by(Allocation, field, k)] for k in keys}


ops = st.lists(st.tuples(st.sampled_from(["put", "remove", "copy_edit", "put_all", "put_all_moving"]), st.integers(1, 12),
                         st.integers(1, 3), st.integers(1, 3), st.integers(0, 99)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_indexes_match_a_fresh_build_after_any_edits(steps):
    ws = Workspace(Allocation(id=i, option_id=1 + i % 2, member_id=1 + i % 3, requirement_id=1, volume=Decimal(i))
                   for i in range(1, 7))
    copies: list[tuple[Workspace, dict]] = []
    for op, id_, option, member, vol in steps:
        # read both indexes first, so they exist and must be kept up to date
        ws.by(Allocation, "option_id", option)
        ws.by(Allocation, "member_id", member)
        if op == "put":
            ws.put(Allocation(id=id_, option_id=option, member_id=member, requirement_id=1, volume=Decimal(vol)))
        elif op == "remove":
            ws.remove(Allocation, id_)
        elif op in ("put_all", "put_all_moving"):  # many rows at once, as put one by one would leave them
            rows = [dataclasses.replace(a, volume=a.volume * 2 + vol) for a in ws.iter(Allocation)][:id_]
            if op == "put_all_moving" and rows:  # one moves to another option: row by row
                rows[-1] = dataclasses.replace(rows[-1], option_id=option)
            one_by_one = ws.copy()
            for r in rows:
                one_by_one.put(r)
            ws.put_all(rows)
            for field in ("option_id", "member_id"):
                assert _views(ws, field, range(0, 5)) == _views(one_by_one, field, range(0, 5))
            assert list(ws.iter(Allocation)) == list(one_by_one.iter(Allocation))
        else:  # edit a copy: the original must not change, its rows nor its indexes
            before = _views(ws, "option_id", range(0, 5))
            rows_before = list(ws.iter(Allocation))
            other = ws.copy()
            other.put(Allocation(id=id_, option_id=option, member_id=member, requirement_id=1, volume=Decimal(vol)))
            other.remove(Allocation, 1 + (id_ % 6))
            assert _views(ws, "option_id", range(0, 5)) == before
            assert list(ws.iter(Allocation)) == rows_before
            copies.append((other, _views(_fresh(other), "member_id", range(0, 5)), list(other.iter(Allocation))))
        fresh = _fresh(ws)
        for field in ("option_id", "member_id"):
            assert _views(ws, field, range(0, 5)) == _views(fresh, field, range(0, 5))
    for other, expected, rows in copies:  # later edits to the original never reach a copy
        assert _views(other, "member_id", range(0, 5)) == expected
        assert list(other.iter(Allocation)) == rows


def test_a_copy_shares_the_parent_indexes_so_a_snapshot_builds_none():
    """A snapshot handed to a worker shares its origin's parent indexes, built before the copy if need be:
    an index built on the snapshot would be lost with it, so every background computation built it again."""
    from consortium_planner.domain.model import ENTITIES, CostProfile, Role

    ws = Workspace([*(Allocation(id=i, option_id=1 + i % 2, member_id=1, requirement_id=1, volume=Decimal(i))
                      for i in range(1, 7)),
                    CostProfile(id=1, organisation_id=1, service_line="Homecare"),
                    Role(id=1, cost_profile_id=1, name="Carer", hourly_rate=Decimal("12"))])
    snap = ws.copy()
    for cls in (Allocation, CostProfile, Role):
        key = (cls, cls.parent_field)
        assert snap._index[key] is ws._index[key]
    built = dict(snap._index)
    assert [r.id for r in snap.roles(1)] == [1] and len(snap.allocations(2)) == 3
    assert snap._index == built and all(snap._index[k] is v for k, v in built.items())
    assert all(cls.parent_field is None or not ws.count(cls) or (cls, cls.parent_field) in ws._index
               for cls in ENTITIES)
    snap.put(Role(id=2, cost_profile_id=1, name="Lead", hourly_rate=Decimal("15")))  # and still apart
    assert [r.id for r in ws.roles(1)] == [1] and [r.id for r in snap.roles(1)] == [1, 2]


def test_put_all_keeps_each_rows_place_and_never_touches_a_copy():
    ws = Workspace(Allocation(id=i, option_id=1 + i % 2, member_id=1, requirement_id=1, volume=Decimal(i))
                   for i in range(1, 9))
    ws.by(Allocation, "option_id", 1)
    snapshot = ws.copy()
    before = _views(snapshot, "option_id", (1, 2))
    ws.put_all([dataclasses.replace(a, volume=a.volume * 10) for a in ws.by(Allocation, "option_id", 2)])
    assert [a.volume for a in ws.by(Allocation, "option_id", 2)] == [Decimal(10), Decimal(30), Decimal(50),
                                                                      Decimal(70)]
    assert [a.id for a in ws.by(Allocation, "option_id", 2)] == [1, 3, 5, 7]
    assert _views(snapshot, "option_id", (1, 2)) == before
    ws.put_all([])
    # a new row among them: put one by one, in order
    ws.put_all([Allocation(id=20, option_id=2, member_id=1, requirement_id=1, volume=Decimal(1))])
    assert [a.id for a in ws.by(Allocation, "option_id", 2)] == [1, 3, 5, 7, 20]


def test_a_copy_shares_each_tables_rows_until_one_side_changes_it():
    """A copy shares the rows of every class with its origin (copying them all took most of a copy's time), and
    either side copies a class's rows before its first change to them: put, put_all and remove never reach the
    other side."""
    from consortium_planner.domain.model import Member

    ws = Workspace([*(Allocation(id=i, option_id=1, member_id=1, requirement_id=1, volume=Decimal(i))
                      for i in range(1, 5)), Member(id=1, option_id=1, organisation_id=1)])
    snap = ws.copy()
    assert all(snap.tables()[cls] is ws.tables()[cls] for cls in ws.tables())
    ws.put(Allocation(id=9, option_id=1, member_id=1, requirement_id=1, volume=Decimal(9)))
    ws.remove(Allocation, 1)
    assert [a.id for a in snap.iter(Allocation)] == [1, 2, 3, 4] and snap.get(Allocation, 9) is None
    assert [a.id for a in ws.iter(Allocation)] == [2, 3, 4, 9]
    assert snap.tables()[Member] is ws.tables()[Member]  # a class neither changed is still shared
    other = snap.copy()
    other.put_all([dataclasses.replace(a, volume=a.volume * 10) for a in other.iter(Allocation)])
    other.remove(Member, 1)
    assert [a.volume for a in snap.iter(Allocation)] == [Decimal(1), Decimal(2), Decimal(3), Decimal(4)]
    assert [a.volume for a in other.iter(Allocation)] == [Decimal(10), Decimal(20), Decimal(30), Decimal(40)]
    assert snap.get(Member, 1) is not None and ws.get(Member, 1) is not None and other.get(Member, 1) is None
    ws.remove(Allocation, 99)  # nothing there: nothing copied
