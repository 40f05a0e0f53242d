"""Helpers shared by tests that need a workspace of a particular shape."""

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    Member,
    Organisation,
    Requirement,
    Tender,
)
from consortium_planner.services.session import WorkspaceSession


def build_allocation_pair(path, total):
    """A workspace whose first two allocations add up to ``total``."""
    s = WorkspaceSession.create(path)
    a, _ = s.add(Organisation, {"name": "A"})
    b, _ = s.add(Organisation, {"name": "B"})
    t, _ = s.add(Tender, {"name": "T"})
    r, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Homecare", "area": "East",
                               "annual_volume": str(total)})
    op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "O"})
    ma, _ = s.add(Member, {"option_id": op.id, "organisation_id": a.id})
    mb, _ = s.add(Member, {"option_id": op.id, "organisation_id": b.id})
    half = total / 2
    s.add(Allocation, {"option_id": op.id, "requirement_id": r.id, "member_id": ma.id, "volume": str(half)})
    s.add(Allocation, {"option_id": op.id, "requirement_id": r.id, "member_id": mb.id, "volume": str(half)})
    s.close()
    return path
