"""Partnering use cases on an open workspace (no Qt): "try this structure", and the checklists.

* ``try_structure(session, option_id, structure)`` stores the option as it would be under another
  structure (``domain.partnering.structures.restructured``: the same rows the advisor's effects were
  worked out on) as a **new option**, with everything that belongs to it: members (their roles as the
  structure has them), allocations, funding sources, mobilisation and capital costs, the partnering
  answers, pension arrangements, heads of terms, and each partner's readiness scores and due
  diligence. One transaction; deleting the new option (undo) takes all of it away again.
* ``checklist_batch(session, option_id, member_id=None)`` the rows a full checklist still lacks:
  the ten heads of terms of an option (``member_id`` None), or a partner's ten due-diligence areas,
  as a ``Batch`` with fixed ids that ``apply_batch`` applies and reverses exactly.
"""

from __future__ import annotations

import dataclasses

from ..domain.model import (
    CapitalItem,
    ConsortiumOption,
    DueDiligenceArea,
    DueDiligenceItem,
    Entity,
    FundingSource,
    HeadsOfTermsItem,
    Member,
    PartneringProfile,
    PensionArrangement,
    ReadinessScore,
    Structure,
    TermsHead,
)
from ..domain.partnering.structures import restructured
from .session import Batch, Changes, WorkspaceFileError, WorkspaceSession

__all__ = ["checklist_batch", "structure_copy_name", "try_structure"]


def structure_copy_name(session: WorkspaceSession, option: ConsortiumOption, structure: Structure) -> str:
    """``"<option> as <structure>"``, numbered if that name is taken for the tender."""
    taken = {o.name.casefold() for o in session.ws.options(option.tender_id)}
    base = f"{option.name} as {structure.label.lower()}"
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base} ({n})", n + 1
    return name


def try_structure(session: WorkspaceSession, option_id: int, structure: Structure) -> tuple[ConsortiumOption, Changes]:
    """Copy the option under ``structure`` as a new option, with all that belongs to it (module docstring)."""
    ws = session.ws
    source = ws.get(ConsortiumOption, option_id)
    if source is None:
        raise WorkspaceFileError(f"consortium option {option_id} no longer exists")
    option, members = restructured(ws, option_id, structure)
    name = structure_copy_name(session, source, structure)
    created: list[Entity] = []
    store = session.store
    with store.transaction() as conn, store.operation(f"Try {structure.label.lower()} as ‘{name}’"):
        new_option = store.insert(dataclasses.replace(option, id=None, name=name), conn)
        created.append(new_option)
        oid = new_option.id
        member_map: dict[int | None, int | None] = {}
        for m in members:
            nm = store.insert(dataclasses.replace(m, id=None, option_id=oid), conn)
            member_map[m.id] = nm.id
            created.append(nm)
            member_rows: list[Entity] = [*ws.children(ReadinessScore, m.id), *ws.children(DueDiligenceItem, m.id)]
            for row in sorted(member_rows, key=lambda r: (type(r).__name__, r.id or 0)):
                created.append(store.insert(dataclasses.replace(row, id=None, member_id=nm.id), conn))  # type: ignore[call-arg]
        for a in ws.allocations(option_id):
            created.append(store.insert(dataclasses.replace(a, id=None, option_id=oid,
                                                            member_id=member_map[a.member_id]), conn))
        for f in sorted(ws.children(FundingSource, option_id), key=lambda r: r.id or 0):
            created.append(store.insert(dataclasses.replace(f, id=None, option_id=oid,
                                                            member_id=member_map.get(f.member_id)), conn))
        option_rows: list[Entity] = [row for cls in (CapitalItem, PartneringProfile, PensionArrangement, HeadsOfTermsItem)
                                     for row in sorted(ws.children(cls, option_id), key=lambda r: r.id or 0)]
        for row in option_rows:
            created.append(store.insert(dataclasses.replace(row, id=None, option_id=oid), conn))  # type: ignore[call-arg]
    for e in created:
        ws.put(e)
    return new_option, session._notify(Changes.of(created, structural=True))  # type: ignore[return-value]


def checklist_batch(session: WorkspaceSession, option_id: int, member_id: int | None = None) -> Batch:
    """The heads of terms (``member_id`` None) or a partner's due-diligence areas not yet entered."""
    ws = session.ws
    if ws.get(ConsortiumOption, option_id) is None:
        raise WorkspaceFileError(f"consortium option {option_id} no longer exists")
    batch = Batch()
    if member_id is None:
        have = {r.head for r in ws.children(HeadsOfTermsItem, option_id)}
        next_id = session.store.next_id(HeadsOfTermsItem)
        for head in TermsHead:
            if head not in have:
                batch.inserted.append(HeadsOfTermsItem(id=next_id, option_id=option_id, head=head))
                next_id += 1
        return batch
    member = ws.get(Member, member_id)
    if member is None or member.option_id != option_id:
        raise WorkspaceFileError("the partner is not a member of this option")
    have_areas = {r.area for r in ws.children(DueDiligenceItem, member_id)}
    next_id = session.store.next_id(DueDiligenceItem)
    for area in DueDiligenceArea:
        if area not in have_areas:
            batch.inserted.append(DueDiligenceItem(id=next_id, member_id=member_id, area=area))
            next_id += 1
    return batch
