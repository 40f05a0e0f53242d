"""The audit trail on a team database (PostgreSQL): recorded in the change's transaction, as in a file."""

import dataclasses
from decimal import Decimal

import pytest

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    Member,
    Organisation,
    Requirement,
    Tender,
)
from consortium_planner.services.history import read_history
from consortium_planner.services.session import Batch, WorkspaceFileError, WorkspaceSession


def test_team_database_records_edits_and_a_refused_batch_leaves_neither(pg_url):
    s = WorkspaceSession.create(pg_url)
    try:
        s.set_setting("audit_name", "Ana")
        a, _ = s.add(Organisation, {"name": "A"})
        t, _ = s.add(Tender, {"name": "T"})
        r, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Homecare", "area": "East",
                                   "annual_volume": "100"})
        op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "O"})
        m, _ = s.add(Member, {"option_id": op.id, "organisation_id": a.id})
        x, _ = s.add(Allocation, {"option_id": op.id, "requirement_id": r.id, "member_id": m.id, "volume": "60"})
        s.set_field(Member, m.id, "capital_contribution", "£1,000.5")
        last = read_history(s.store)[-1]
        assert (last.who, last.field, last.old, last.new) == ("Ana", "capital_contribution", "0.00", "1000.50")
        before = read_history(s.store)
        stale = dataclasses.replace(s.ws.get(Member, m.id), capital_contribution=Decimal(7))
        batch = Batch(before=[x, stale], after=[dataclasses.replace(x, volume=Decimal(1)),
                                                dataclasses.replace(stale, capital_contribution=Decimal(8))])
        with pytest.raises(WorkspaceFileError):
            s.apply_batch(batch)
        assert read_history(s.store) == before
    finally:
        s.close()
