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
from consortium_planner.services.session import ValidationError, WorkspaceSession


@pytest.fixture
def session(tmp_path):
    s = WorkspaceSession.create(tmp_path / "w.cplan")
    a, _ = s.add(Organisation, {"name": "Northfield Health Mutual"})
    b, _ = s.add(Organisation, {"name": "Care Co-op"})
    t, _ = s.add(Tender, {"name": "Wellbeing", "annual_value": "£4,000,000"})
    r1, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Homecare", "area": "East",
                                "annual_volume": "1000"})
    r2, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Homecare", "area": "West",
                                "annual_volume": "500"})
    op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "SPV", "lead_organisation_id": a.id})
    ma, _ = s.add(Member, {"option_id": op.id, "organisation_id": a.id, "participation_pct": "60"})
    mb, _ = s.add(Member, {"option_id": op.id, "organisation_id": b.id, "participation_pct": "40"})
    s.add(Allocation, {"option_id": op.id, "requirement_id": r1.id, "member_id": ma.id, "volume": "600"})
    s.ids = dict(a=a.id, b=b.id, t=t.id, r1=r1.id, r2=r2.id, op=op.id, ma=ma.id, mb=mb.id)
    yield s
    s.close()


def reopened(session):
    """What the file holds, read by a second, read-only connection."""
    from consortium_planner.store.workspace_file import Store

    with Store.open(session.path, read_only=True) as other:
        return sorted(map(repr, other.load().entities()))


def test_edit_is_saved_and_mirrored(session):
    changes = session.set_field(Tender, session.ids["t"], "annual_value", "£4,250,000.50")
    assert changes.rows == {("tender", session.ids["t"])} and not changes.structural
    assert session.ws.get(Tender, session.ids["t"]).annual_value == Decimal("4250000.50")
    assert sorted(map(repr, session.ws.entities())) == reopened(session)


@pytest.mark.parametrize(
    ("cls", "key", "field", "value", "message"),
    [
        (Member, "mb", "participation_pct", "41", "101%"),
        (Requirement, "r1", "annual_volume", "-1", "must not be negative"),
        (Tender, "t", "annual_value", "a lot", "'a lot' is not a number"),
        (Organisation, "a", "name", "", "a value is required"),
    ],
)
def test_bad_input_is_refused_and_leaves_the_workspace_unchanged(session, cls, key, field, value, message):
    before = reopened(session)
    with pytest.raises(ValidationError, match=message):
        session.set_field(cls, session.ids[key], field, value)
    assert reopened(session) == before
    assert sorted(map(repr, session.ws.entities())) == before


def test_duplicate_option_copies_members_and_allocations(session):
    copy, changes = session.duplicate_option(session.ids["op"])
    assert copy.name == "SPV (copy)" and changes.structural
    assert len(session.ws.members(copy.id)) == 2
    [alloc] = session.ws.allocations(copy.id)
    member = session.ws.get(Member, alloc.member_id)
    assert member.option_id == copy.id and alloc.volume == Decimal(600)
    # the original is untouched by edits to the copy
    session.set_field(Allocation, alloc.id, "volume", "700")
    assert session.ws.allocations(session.ids["op"])[0].volume == Decimal(600)
    again, _ = session.duplicate_option(session.ids["op"])
    assert again.name == "SPV (copy 2)"


def test_replace_allocations_is_exactly_reversible(session):
    before = reopened(session)
    ids = session.ids
    batch, changes = session.replace_allocations(ids["op"], {
        (ids["r1"], ids["ma"]): Decimal(400), (ids["r1"], ids["mb"]): Decimal(600),
        (ids["r2"], ids["mb"]): Decimal(500)})
    assert changes.structural
    vols = {(a.requirement_id, a.member_id): a.volume for a in session.ws.allocations(ids["op"])}
    assert vols == {(ids["r1"], ids["ma"]): 400, (ids["r1"], ids["mb"]): 600, (ids["r2"], ids["mb"]): 500}
    session.apply_batch(batch, reverse=True)
    assert reopened(session) == before
    session.apply_batch(batch)
    assert {(a.requirement_id, a.member_id): a.volume for a in session.ws.allocations(ids["op"])} == vols


def test_a_batch_never_writes_over_a_change_made_since_it_was_read(session):
    """Undo of an import or an optimised allocation writes only what it changed, and only if the
    rows still hold what it read; otherwise nothing of the batch is written (a team database)."""
    import dataclasses

    from consortium_planner.services.session import Batch, WorkspaceFileError
    from consortium_planner.store.workspace_file import Store

    ids = session.ids
    r1, r2 = session.ws.get(Requirement, ids["r1"]), session.ws.get(Requirement, ids["r2"])
    batch = Batch(before=[r1, r2], after=[dataclasses.replace(r1, annual_volume=Decimal(1100)),
                                          dataclasses.replace(r2, annual_volume=Decimal(550))])
    # someone else changes r2's volume in the file after this session read it
    session.store.update(dataclasses.replace(r2, annual_volume=Decimal(999)))
    with pytest.raises(WorkspaceFileError, match="changed by someone else"):
        session.apply_batch(batch)
    with Store.open(session.path, read_only=True) as other:
        volumes = {r.id: r.annual_volume for r in other.load().all(Requirement)}
    assert volumes == {ids["r1"]: Decimal(1000), ids["r2"]: Decimal(999)}  # r1 untouched too: all or nothing
    # a different field of the same row changed by someone else does not stop it
    session.store.update(dataclasses.replace(r2, unit="visit"))
    session.apply_batch(batch)
    assert session.ws.get(Requirement, ids["r2"]).annual_volume == Decimal(550)


def test_delete_and_restore(session):
    before = reopened(session)
    removal, changes = session.delete(Organisation, session.ids["a"])
    assert changes.structural and session.ws.get(ConsortiumOption, session.ids["op"]).lead_organisation_id is None
    assert not session.ws.allocations(session.ids["op"])  # the member's allocations went with it
    session.restore(removal)
    assert reopened(session) == before == sorted(map(repr, session.ws.entities()))


def test_settings(session):
    session.set_setting("author", "Westmarch Mutuals")
    session.set_setting("author", "Westmarch Mutuals Partnership")
    assert session.ws.setting("author") == "Westmarch Mutuals Partnership"



def test_a_commit_that_fails_is_refused_with_the_file_named_and_changes_nothing(session, monkeypatch):
    """The disk full (or an I/O error) at the commit: refused with a message naming the file, rolled back; the
    workspace, the file and the listeners as they were, and the next edit is written as ever."""
    import sqlite3

    from consortium_planner.services.session import WorkspaceFileError

    tid = session.ids["t"]
    as_stored = reopened(session)
    seen = []
    session.listeners.append(seen.append)

    def disk_full(dbapi_connection):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(session.store.engine.dialect, "do_commit", disk_full)
    with pytest.raises(WorkspaceFileError, match=r"w\.cplan: the change could not be saved \(database or disk is "
                                                 r"full\); nothing was written"):
        session.set_field(Tender, tid, "annual_value", "£4,100,000")
    assert not seen and session.ws.get(Tender, tid).annual_value == Decimal("4000000")
    monkeypatch.undo()
    assert reopened(session) == as_stored == sorted(map(repr, session.ws.entities()))
    session.set_field(Tender, tid, "annual_value", "£4,200,000")
    assert sorted(map(repr, session.ws.entities())) == reopened(session) != as_stored
