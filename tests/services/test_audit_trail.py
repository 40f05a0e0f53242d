"""The audit trail (issue 19): every write path records its changes, in the change's own transaction."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    FinancialYear,
    Member,
    Organisation,
    Requirement,
    Tender,
)
from consortium_planner.services.history import (
    HistoryFilter,
    change_text,
    filter_history,
    parse_since,
    read_history,
)
from consortium_planner.services.importing import ImportPlan, PlanBuilder, apply_import
from consortium_planner.services.session import Batch, WorkspaceFileError, WorkspaceSession


@pytest.fixture
def session(tmp_path):
    s = WorkspaceSession.create(tmp_path / "w.cplan")
    a, _ = s.add(Organisation, {"name": "Northfield Health Mutual"})
    b, _ = s.add(Organisation, {"name": "Care Co-op"})
    t, _ = s.add(Tender, {"name": "Wellbeing", "annual_value": "£4,000,000"})
    r1, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Homecare", "area": "East", "annual_volume": "1000"})
    op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "SPV", "lead_organisation_id": a.id})
    ma, _ = s.add(Member, {"option_id": op.id, "organisation_id": a.id, "participation_pct": "60"})
    mb, _ = s.add(Member, {"option_id": op.id, "organisation_id": b.id, "participation_pct": "40"})
    s.add(Allocation, {"option_id": op.id, "requirement_id": r1.id, "member_id": ma.id, "volume": "600"})
    s.add(Allocation, {"option_id": op.id, "requirement_id": r1.id, "member_id": mb.id, "volume": "400"})
    s.ids = dict(a=a.id, b=b.id, t=t.id, r1=r1.id, op=op.id, ma=ma.id, mb=mb.id)
    yield s
    s.close()


def since(session, n):
    """The records after the first ``n``."""
    return read_history(session.store)[n:]


def test_every_add_is_recorded_with_the_row_as_exact_text(session):
    entries = read_history(session.store)
    assert [(e.entity, e.operation) for e in entries][:3] == [
        ("organisation", "Add Organisation"), ("organisation", "Add Organisation"), ("tender", "Add Tender")]
    assert len(entries) == 9  # one a row added
    tender = entries[2]
    assert tender.kind == "added" and tender.field == "" and tender.old == ""
    row = json.loads(tender.new)
    assert row["name"] == "Wellbeing" and row["annual_value"] == "4000000.00"  # pounds as exact Decimal text
    assert tender.record_id == session.ids["t"]
    assert tender.at.tzinfo is not None and abs(tender.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_set_field_records_old_and_new_exactly_and_who_from_the_settings(session):
    n = len(read_history(session.store))
    session.set_field(Tender, session.ids["t"], "annual_value", "£4,250,000.50")
    (e,) = since(session, n)
    assert (e.entity, e.record_id, e.field, e.old, e.new) == ("tender", session.ids["t"], "annual_value",
                                                               "4000000.00", "4250000.50")
    assert e.who == "" and e.operation == "Set Tender: Estimated annual value"
    assert change_text(e) == "4000000.00 → 4250000.50"
    session.set_setting("audit_name", "Ana Bid-Manager")
    session.set_field(Member, session.ids["ma"], "participation_pct", "55")
    session.set_field(Member, session.ids["mb"], "participation_pct", "45")
    last = since(session, n)[-1]
    assert (last.who, last.field, last.old, last.new) == ("Ana Bid-Manager", "participation_pct", "40", "45")


def test_delete_records_every_row_it_took_and_restore_puts_them_back_on_record(session):
    n = len(read_history(session.store))
    removal, _ = session.delete(ConsortiumOption, session.ids["op"])
    gone = since(session, n)
    assert {(e.entity, e.kind) for e in gone} == {("consortium_option", "removed"), ("member", "removed"),
                                                 ("allocation", "removed")}
    assert len(gone) == 1 + 2 + 2 and {e.operation for e in gone} == {"Delete Consortium option"}
    assert json.loads(next(e.old for e in gone if e.entity == "allocation"))["volume"] == "600"
    m = len(read_history(session.store))
    session.restore(removal)
    back = since(session, m)
    assert len(back) == 5 and {e.kind for e in back} == {"added"} and {e.operation for e in back} == {"Restore"}


def test_the_outermost_operation_names_the_writes_so_undo_and_redo_are_recorded(session):
    n = len(read_history(session.store))
    with session.operation("Undo: Set participation"):
        session.set_field(Member, session.ids["ma"], "participation_pct", "50")
    with session.operation("Redo: Set participation"):
        session.set_field(Member, session.ids["ma"], "participation_pct", "60")
    assert [(e.operation, e.old, e.new) for e in since(session, n)] == [
        ("Undo: Set participation", "60", "50"), ("Redo: Set participation", "50", "60")]


def test_batches_and_their_reversal_are_recorded_per_field(session):
    a, b = sorted(session.ws.all(Allocation), key=lambda x: x.id)
    batch = Batch(before=[a, b], after=[dataclasses.replace(a, volume=Decimal(550)),
                                        dataclasses.replace(b, volume=Decimal(450))])
    n = len(read_history(session.store))
    session.apply_batch(batch)
    session.apply_batch(batch, reverse=True)
    assert [(e.operation, e.record_id, e.old, e.new) for e in since(session, n)] == [
        ("Apply changes", a.id, "600", "550"), ("Apply changes", b.id, "400", "450"),
        ("Reverse changes", a.id, "550", "600"), ("Reverse changes", b.id, "450", "400")]


def test_an_import_is_recorded_under_its_own_name(session):
    plan = ImportPlan(source="orgs.xlsx", what="organisations")
    builder = PlanBuilder(session.ws, session.store.next_id, plan)
    org = builder.upsert(Organisation, {"name": "Imported Ltd"}, sheet="Organisations", row=2)
    builder.upsert(FinancialYear, {"year_end": dt.date(2025, 3, 31), "turnover": "1000000"},
                   sheet="Accounts", row=2, fixed={"organisation_id": org.id})
    n = len(read_history(session.store))
    apply_import(session, plan, backup=False)
    got = since(session, n)
    assert [(e.entity, e.kind) for e in got] == [("organisation", "added"), ("financial_year", "added")]
    assert {e.operation for e in got} == {"Import organisations from orgs.xlsx"}
    assert json.loads(got[1].new)["year_end"] == "2025-03-31"


def test_duplicate_option_records_each_row_copied(session):
    n = len(read_history(session.store))
    new, _ = session.duplicate_option(session.ids["op"])
    got = since(session, n)
    assert len(got) == 1 + 2 + 2 and {e.operation for e in got} == {"Duplicate option as ‘SPV (copy)’"}
    assert got[0].record_id == new.id


def test_a_refused_write_leaves_neither_the_edit_nor_its_record(session):
    """The second update of a batch is refused (someone else changed the row): the first update, already
    written in the transaction, and its audit record are rolled back together."""
    a, b = sorted(session.ws.all(Allocation), key=lambda x: x.id)
    stale_b = dataclasses.replace(b, volume=Decimal(399))  # not what the file holds
    batch = Batch(before=[a, stale_b], after=[dataclasses.replace(a, volume=Decimal(1)),
                                              dataclasses.replace(b, volume=Decimal(2))])
    before = read_history(session.store)
    with pytest.raises(WorkspaceFileError, match="changed by someone else"):
        session.apply_batch(batch)
    assert read_history(session.store) == before
    assert session.store.load().get(Allocation, a.id).volume == Decimal(600)


def test_filters_by_entity_operation_who_record_and_time(session):
    session.set_setting("audit_name", "Ana")
    session.set_field(Member, session.ids["ma"], "participation_pct", "50")
    entries = read_history(session.store)
    assert {e.entity for e in filter_history(entries, HistoryFilter(entity="Member"))} == {"member"}
    assert len(filter_history(entries, HistoryFilter(entity="member", who="ana"))) == 1
    assert len(filter_history(entries, HistoryFilter(operation="set setting"))) == 1
    assert {e.record_id for e in filter_history(entries, HistoryFilter(entity="member", record_id=session.ids["ma"]))} \
        == {session.ids["ma"]}
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert filter_history(entries, HistoryFilter(since=tomorrow)) == []
    assert filter_history(entries, HistoryFilter(until=tomorrow)) == entries
    assert parse_since("2026-12-03") == dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="--since: '3rd Dec' is not a date"):
        parse_since("3rd Dec")


def test_a_workspace_reopened_keeps_its_history(tmp_path):
    s = WorkspaceSession.create(tmp_path / "r.cplan")
    s.add(Organisation, {"name": "Kept"})
    s.close()
    other = WorkspaceSession.open(tmp_path / "r.cplan", read_only=True)
    try:
        (e,) = read_history(other.store)
        assert json.loads(e.new)["name"] == "Kept"
    finally:
        other.close()
