"""Kill the program at random moments during edits and imports, 200 times.

Each time the file must open, pass SQLite's integrity and foreign-key checks, and every edit must
be wholly there or wholly absent: volume moved between two allocations keeps their sum; an
"import" of an organisation with three years of accounts leaves all three or none.
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
from consortium_planner.services.importing import ImportPlan, PlanBuilder, apply_import
from consortium_planner.services.session import Batch, WorkspaceSession
from consortium_planner.store.workspace_file import Store

KILLS = 200
TOTAL = Decimal(30000)


def _edit_forever(path: str, seed: int) -> None:
    rng = random.Random(seed)
    session = WorkspaceSession.open(path)
    a, b = sorted(session.ws.all(Allocation), key=lambda x: x.id)[:2]
    n = 0
    while True:
        n += 1
        if rng.random() < 0.7:
            move = Decimal(rng.randint(-50, 50))
            a, b = session.ws.get(Allocation, a.id), session.ws.get(Allocation, b.id)
            if a.volume + move < 0 or b.volume - move < 0:
                continue
            after_a = dataclasses.replace(a, volume=a.volume + move)
            after_b = dataclasses.replace(b, volume=b.volume - move)
            session.apply_batch(Batch(before=[a, b], after=[after_a, after_b]))
        else:
            # an import through the real path (plan, backup, one transaction): an organisation and
            # three years of accounts
            plan = ImportPlan(source="crash.xlsx", what="organisations")
            builder = PlanBuilder(session.ws, session.store.next_id, plan)
            org = builder.upsert(Organisation, {"name": f"Imported {seed}-{n}"}, sheet="Organisations", row=n)
            for i in range(3):
                builder.upsert(FinancialYear, {"year_end": dt.date(2023 + i, 3, 31), "turnover": "1000000"},
                               sheet="Accounts", row=n, fixed={"organisation_id": org.id})
            apply_import(session, plan)


@pytest.fixture
def prepared(tmp_path):
    from tests_support import build_allocation_pair

    return build_allocation_pair(tmp_path / "crash.cplan", TOTAL)


def test_sigkill_during_edits_never_corrupts_or_half_applies(prepared):
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(1)
    for i in range(KILLS):
        child = ctx.Process(target=_edit_forever, args=(str(prepared), i), daemon=True)
        child.start()
        time.sleep(rng.uniform(0.02, 0.12))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        with Store.open(prepared) as s:  # a later program opening the file: SQLite rolls back
            assert s.integrity_problems() == [], f"kill {i}"
            ws = s.load()
        a, b = sorted(ws.all(Allocation), key=lambda x: x.id)[:2]
        assert a.volume + b.volume == TOTAL, f"kill {i}: half an edit survived"
        for org in ws.all(Organisation):
            if org.name.startswith("Imported"):
                assert len(ws.financial_years(org.id)) == 3, f"kill {i}: half an import survived"
    imported = [o for o in ws.all(Organisation) if o.name.startswith("Imported")]
    assert imported, "no import ever completed: the kills did not exercise the import path"
