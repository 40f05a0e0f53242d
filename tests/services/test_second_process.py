"""A second process working out some of the quick findings (``services.second_process``): the same findings as
one process, on a copy of the workspace kept row for row the same as the edits go on."""

from __future__ import annotations

import dataclasses
import os
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import Allocation, Capacity, Organisation, Risk
from consortium_planner.domain.tasks import NEVER, Cancelled, CancelToken
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import analyses
from consortium_planner.services import second_process as sp
from consortium_planner.services.demo import write_demo
from consortium_planner.services.pipeline import run
from consortium_planner.store.workspace_file import Store

pytestmark = pytest.mark.second_process

QUICK = tuple(n for n in analyses.FINDING_ANALYSES if n not in analyses.LONG_FINDING_ANALYSES)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("beside") / "demo.cplan")
    with Store.open(path, read_only=True) as store:
        return store.load()


@pytest.fixture
def beside(demo_ws):
    """A second process holding the demo (ready: the requests before it was are worked out here)."""
    process = sp.SecondProcess()
    option = demo_ws.options()[0]
    deadline = time.monotonic() + 60
    while not process.ready:
        assert process.ask(demo_ws.copy(), option.id, sp.BESIDE) is None  # not ready yet: worked out here
        assert time.monotonic() < deadline, process.failures
        time.sleep(0.05)
    yield process
    process.close()


def _held_is(process: sp.SecondProcess, ws: Workspace) -> None:
    held = process.held()
    assert held is not None
    assert held == {cls.entity_name: list(rows.values()) for cls, rows in ws.tables().items()}


def test_the_findings_worked_out_in_two_processes_are_the_findings_of_one(demo_ws, beside):
    ws = demo_ws.copy()
    for option in ws.options():
        results, findings = sp.quick_findings(ws.copy(), option.id, QUICK, beside=beside)
        assert findings == run(ws.copy(), option.id, QUICK).findings(QUICK)
        assert findings  # the demo's options all have something to say
        assert not set(sp.BESIDE) & set(results)  # worked out there, not here as well
    assert beside.answered == len(ws.options()) and not beside.failures


def test_edits_reach_the_second_process_row_for_row_in_order(demo_ws, beside):
    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    allocations = sorted(ws.allocations(option.id), key=lambda a: a.id)

    def same() -> None:
        _, findings = sp.quick_findings(ws.copy(), option.id, QUICK, beside=beside)
        assert findings == run(ws.copy(), option.id, QUICK).findings(QUICK)
        _held_is(beside, ws)

    ws.put(dataclasses.replace(allocations[0], volume=allocations[0].volume * 3))  # a field
    same()
    removed = allocations[1]
    ws.remove(Allocation, removed.id)  # a row gone
    same()
    ws.put(removed)  # back, now last in its table: the order changed
    same()
    first = ws.organisations()[0]
    ws.remove(Organisation, first.id)
    ws.put(dataclasses.replace(first, name="Renamed"))  # gone and back between two requests: order again
    same()
    assert beside.answered == 4 and not beside.failures


def test_a_table_changed_in_place_reaches_the_second_process_and_a_shared_one_is_not_compared(demo_ws, beside):
    """A table the second process was last given is held as it is only while a copy shares it (nothing changes it
    in place then): asked on the workspace itself, which owns its tables and changes them in place, each edit
    still reaches it; asked on snapshots, the tables an edit leaves alone are passed over unread."""
    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    allocations = sorted(ws.allocations(option.id), key=lambda a: a.id)
    ws.put(dataclasses.replace(allocations[0], volume=allocations[0].volume + 1))  # ws owns its allocations now
    for volume in (allocations[0].volume * 2, allocations[0].volume * 3):
        table = ws.tables()[Allocation]
        assert not ws.shared(Allocation)
        asked = beside.ask(ws, option.id, ("readiness",))  # nothing worked out here: no copy made of ws
        assert asked is not None
        try:
            assert asked.wait(NEVER) is not None
        finally:
            asked.done()
        _held_is(beside, ws)
        ws.put(dataclasses.replace(allocations[0], volume=volume))
        assert ws.tables()[Allocation] is table  # changed in place
    asked = beside.ask(ws, option.id, ("readiness",))
    assert asked is not None
    try:
        assert asked.wait(NEVER) is not None
    finally:
        asked.done()
    _held_is(beside, ws)  # the last change too
    first = ws.copy()
    sp.quick_findings(first, option.id, QUICK, beside=beside)
    assert all(beside._base[cls] is rows for cls, rows in first.tables().items())  # a snapshot's: held as they are
    ws.put(dataclasses.replace(allocations[1], volume=allocations[1].volume + 5))
    second = ws.copy()
    kept = [cls for cls, rows in second.tables().items() if beside._base[cls] is rows]
    assert len(kept) == len(second.tables()) - 1 and Allocation not in kept  # passed over: all but the edited one
    _, findings = sp.quick_findings(second, option.id, QUICK, beside=beside)
    assert findings == run(ws.copy(), option.id, QUICK).findings(QUICK)
    _held_is(beside, ws)
    assert not beside.failures


def test_a_value_worked_out_there_is_the_value_worked_out_here_after_every_edit(demo_ws, beside):
    """Values come from the results the second process keeps for the rows as they are: an edit starts them again."""
    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    assert sp.one(ws.copy(), option.id, "verdict", beside=beside) == analyses.one(ws.copy(), option.id, "verdict")
    before = beside.value(ws.copy(), option.id, "coverage")
    allocation = ws.allocations(option.id)[0]
    ws.put(dataclasses.replace(allocation, volume=allocation.volume + Decimal(11)))
    after = beside.value(ws.copy(), option.id, "coverage")
    assert after == analyses.one(ws.copy(), option.id, "coverage") != before
    assert beside.answered == 3 and not beside.failures


def test_what_an_edit_leaves_as_it_was_there_is_kept_and_the_values_are_still_the_values_here(demo_ws, beside):
    """The second process keeps, over an edit, the results that read nothing the edit changed
    (``Results.carried``): its verdict after a capacity edit, then a risk edit, is the verdict worked out afresh."""
    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    assert sp.one(ws.copy(), option.id, "verdict", beside=beside) == analyses.one(ws.copy(), option.id, "verdict")
    capacity = sorted(ws.all(Capacity), key=lambda c: c.id)[0]
    ws.put(dataclasses.replace(capacity, units_per_year=capacity.units_per_year / 4))
    assert sp.one(ws.copy(), option.id, "verdict", beside=beside) == analyses.one(ws.copy(), option.id, "verdict")
    risk = sorted(ws.all(Risk), key=lambda r: r.id)[0]
    ws.put(dataclasses.replace(risk, owner="Someone else"))
    assert sp.one(ws.copy(), option.id, "verdict", beside=beside) == analyses.one(ws.copy(), option.id, "verdict")
    assert beside.answered == 3 and not beside.failures


def test_the_entities_a_difference_touches():
    diff = ([Risk(id=1, option_id=1)], [("capacity", 3)], [("allocation", [])])
    assert sp._touched(diff) == {"risk", "capacity", "allocation"}
    assert sp._touched(([], [], [])) == frozenset()


def test_what_is_at_hand_here_is_not_asked_for_there(demo_ws, beside):
    """After an edit, the analyses carried over it in the shared results are not worked out there again."""
    from consortium_planner.services.pipeline import SharedResults, sharing

    ws = demo_ws.copy()
    option = ws.options()[0]
    shared = SharedResults()
    with sharing(ws, shared):
        run(ws, option.id, sp.BESIDE)
        _, findings = sp.quick_findings(ws, option.id, QUICK, beside=beside)
    assert findings == run(demo_ws.copy(), option.id, QUICK).findings(QUICK)
    assert beside.answered == 0  # every analysis it would have been asked for was at hand


def test_a_value_whose_long_analyses_are_at_hand_here_is_finished_here(demo_ws, beside):
    from consortium_planner.services.pipeline import SharedResults, sharing

    ws = demo_ws.copy()
    option = ws.options()[0]
    shared = SharedResults()
    with sharing(ws, shared):
        run(ws, option.id, ("sensitivity",))
        assert sp.one(ws, option.id, "verdict", beside=beside) == analyses.one(demo_ws.copy(), option.id, "verdict")
        assert beside.answered == 1  # the simulation and the scenarios' runs still to work out: there
        run(ws, option.id, analyses.LONG_FINDING_ANALYSES)
        assert sp.one(ws, option.id, "verdict", beside=beside) == analyses.one(demo_ws.copy(), option.id, "verdict")
    assert beside.answered == 1  # every long analysis, most of the verdict's time, was at hand: finished here


def test_a_request_stopped_by_an_edit_stops_there_too_and_its_answer_is_passed_over(demo_ws, beside):
    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        sp.quick_findings(ws.copy(), option.id, QUICK, cancelled=token, beside=beside)
    allocation = ws.allocations(option.id)[0]
    ws.put(dataclasses.replace(allocation, volume=allocation.volume + Decimal(7)))
    _, findings = sp.quick_findings(ws.copy(), option.id, QUICK, beside=beside)
    assert findings == run(ws.copy(), option.id, QUICK).findings(QUICK)
    assert beside.answered == 1  # the stopped request's answer, if any came, was not taken for this one


def test_when_the_second_process_is_gone_everything_is_worked_out_here(demo_ws, beside):
    ws = demo_ws.copy()
    option = ws.options()[0]
    beside._process.kill()
    beside._process.join(10)
    results, findings = sp.quick_findings(ws.copy(), option.id, QUICK, beside=beside)
    assert findings == run(ws.copy(), option.id, QUICK).findings(QUICK)
    assert set(QUICK) <= set(results)
    assert beside.failures and not beside.ready
    assert beside.ask(ws.copy(), option.id, sp.BESIDE) is None  # no longer asked


def test_a_closed_second_process_is_asked_nothing(demo_ws, beside):
    ws = demo_ws.copy()
    option = ws.options()[0]
    beside.close()
    results, findings = sp.quick_findings(ws.copy(), option.id, QUICK, beside=beside)
    assert findings == run(ws.copy(), option.id, QUICK).findings(QUICK) and set(QUICK) <= set(results)
    assert beside.value(ws.copy(), option.id, "verdict") is sp.MISSING


def test_what_the_second_process_cannot_answer_the_same_way_is_not_asked(demo_ws, beside):
    from consortium_planner.domain.scenarios import Adjustments, apply

    option = demo_ws.options()[0]
    scenario = apply(demo_ws, option.id, Adjustments(volume_pct=Decimal(10)))
    assert beside.ask(scenario, option.id, sp.BESIDE) is None  # a what-if's copy: its rows are not the workspace's
    assert beside.ask(demo_ws.copy(), option.id, ()) is None


# ---------------------------------------------------------------------- the differences, without a process
_EDIT = st.tuples(st.sampled_from(["put", "remove", "back", "add"]), st.integers(0, 10_000))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(batches=[[("remove", 0), ("back", 0)]])  # the same rows, the same objects, in another order
@given(st.lists(st.lists(_EDIT, max_size=6), min_size=1, max_size=5))
def test_the_differences_sent_keep_a_copy_row_for_row_the_same(demo_ws, batches):
    """Batches of edits (a batch: the edits between two requests), each batch's differences applied to a copy
    as the second process applies them: the copy holds the same rows in the same order after every batch."""
    ws = demo_ws.copy()
    process = sp.SecondProcess()
    process._base = {cls: dict(rows) for cls, rows in ws.tables().items()}
    mirror = demo_ws.copy()
    gone: list = []
    next_id = 10_000
    for batch in batches:
        for kind, n in batch:
            rows = ws.all(Allocation)
            if kind == "put" and rows:
                row = rows[n % len(rows)]
                ws.put(dataclasses.replace(row, volume=row.volume + 1))
            elif kind == "remove" and rows:
                row = rows[n % len(rows)]
                ws.remove(Allocation, row.id)
                gone.append(row)
            elif kind == "back" and gone:
                ws.put(gone.pop(n % len(gone)))
            elif kind == "add" and rows:
                next_id += 1
                ws.put(dataclasses.replace(rows[n % len(rows)], id=next_id))
        sp._apply(mirror, process._diff(ws))
        for cls, rows in ws.tables().items():
            assert list(mirror.tables()[cls].items()) == list(rows.items()), cls.__name__
            for field in ("option_id", "member_id") if cls is Allocation else ():
                for row in rows.values():  # the copy's indexes hold the same rows in the same order
                    assert mirror.by(cls, field, getattr(row, field)) == ws.by(cls, field, getattr(row, field))


def test_one_process_when_turned_off(monkeypatch):
    monkeypatch.setenv(sp.ONE_PROCESS_ENV, "1")
    assert not sp.usable()
    monkeypatch.setenv(sp.ONE_PROCESS_ENV, "0")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    assert sp.usable() == (cpus > 1)
