"""Kill the program at random moments during edits and imports: the audit trail and the data must agree
every time — never an edit without its record, never a record without its edit (issue 19).

The check replays the trail: for each field of the two allocations edited, every record's ``old`` is the
previous record's ``new`` (an edit written without its record would break the chain) and the last
``new`` is the value in the file (a record whose edit was lost would not match). Every imported
organisation in the file has its "added" record, and every such record's organisation is in the file.
"""

import dataclasses
import datetime as dt
import multiprocessing
import os
import random
import signal
import time
from decimal import Decimal

import pytest

from consortium_planner.domain.model import Allocation, FinancialYear, Organisation
from consortium_planner.services.history import read_history
from consortium_planner.services.importing import ImportPlan, PlanBuilder, apply_import
from consortium_planner.services.session import Batch, WorkspaceSession
from consortium_planner.store.workspace_file import Store


def _edit_forever(path: str, seed: int, ready=None) -> None:
    """Volume moved between the two allocations (one batch), and now and then an import, until killed.
    ``ready`` is set once the file is open, so the kill lands among the edits even on a loaded machine."""
    rng = random.Random(seed)
    session = WorkspaceSession.open(path)
    ids = sorted(a.id for a in session.ws.all(Allocation))[:2]
    if ready is not None:
        ready.set()
    n = 0
    while True:
        n += 1
        if rng.random() < 0.8:
            a, b = (session.ws.get(Allocation, i) for i in ids)
            move = Decimal(rng.randint(1, 50)) * rng.choice((1, -1))
            if a.volume + move < 0 or b.volume - move < 0:
                continue
            session.apply_batch(Batch(before=[a, b], after=[dataclasses.replace(a, volume=a.volume + move),
                                                            dataclasses.replace(b, volume=b.volume - move)]))
        else:
            plan = ImportPlan(source="crash.xlsx", what="organisations")
            builder = PlanBuilder(session.ws, session.store.next_id, plan)
            org = builder.upsert(Organisation, {"name": f"Imported {seed}-{n}"}, sheet="Organisations", row=n)
            builder.upsert(FinancialYear, {"year_end": dt.date(2024, 3, 31), "turnover": "1000000"},
                           sheet="Accounts", row=n, fixed={"organisation_id": org.id})
            apply_import(session, plan, backup=False)

KILLS = 60
TOTAL = Decimal(30000)


@pytest.fixture
def prepared(tmp_path):
    from tests_support import build_allocation_pair

    return build_allocation_pair(tmp_path / "audit-crash.cplan", TOTAL)


def _check(path, i: int) -> tuple[int, int]:
    with Store.open(path) as s:  # a later program opening the file: SQLite rolls back
        assert s.integrity_problems() == [], f"kill {i}"
        ws = s.load()
        trail = read_history(s)
    a, b = sorted(ws.all(Allocation), key=lambda x: x.id)[:2]
    edits = 0
    for alloc in (a, b):
        chain = [e for e in trail if e.entity == "allocation" and e.record_id == alloc.id]
        assert chain[0].kind == "added", f"kill {i}: allocation {alloc.id} has no record of being added"
        value = str(Decimal(str(TOTAL / 2)))
        for e in chain[1:]:
            assert e.field == "volume" and e.old == value, f"kill {i}: an edit of {alloc.id} has no record"
            value = e.new
        assert Decimal(value) == alloc.volume, f"kill {i}: a record of {alloc.id} has no edit"
        edits += len(chain) - 1
    in_file = {o.id for o in ws.all(Organisation) if o.name.startswith("Imported")}
    recorded = {e.record_id for e in trail if e.entity == "organisation" and e.kind == "added"
                and e.operation.startswith("Import ")}
    assert in_file == recorded, f"kill {i}: imported organisations and their records disagree"
    return edits, len(in_file)


def test_sigkill_never_leaves_an_edit_without_its_record_or_a_record_without_its_edit(prepared):
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(7)
    edits = imports = 0
    for i in range(KILLS):
        ready = ctx.Event()
        child = ctx.Process(target=_edit_forever, args=(str(prepared), i, ready), daemon=True)
        child.start()
        ready.wait(60)  # the random moment is counted from the first edit, not from the process starting
        time.sleep(rng.uniform(0.02, 0.12))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        edits, imports = _check(prepared, i)
    assert edits > KILLS and imports > 0, "the kills did not exercise edits and imports"
