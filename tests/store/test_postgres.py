"""Team workspaces on PostgreSQL: the same store, sessions, imports and analyses as a file.

Each test gets a fresh database on a real server (``pg_url``, see ``tests/pg_server.py``): a
private throwaway cluster, or ``$CPLAN_TEST_PG_URL``. Skipped without PostgreSQL's programs,
failed on CI without them.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from consortium_planner.domain.model import (
    ENTITIES,
    ConsortiumOption,
    FinancialYear,
    Lot,
    Member,
    Organisation,
    Requirement,
    Tender,
)
from consortium_planner.domain.validation import ValidationError
from consortium_planner.services.analyses import analyse_option
from consortium_planner.services.demo import write_demo
from consortium_planner.services.importing import apply_import
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.schedule_import import guess_mapping, plan_schedule
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.summary import summary
from consortium_planner.store.tables import metadata
from consortium_planner.store.workspace_file import (
    SCHEMA_HEAD,
    Store,
    WorkspaceFileError,
    display_url,
    workspace_stem,
)

D = Decimal


def rows_by_kind(ws) -> dict[str, list]:
    return {cls.__name__: sorted(ws.all(cls), key=lambda e: e.id) for cls in ENTITIES}


def figures(data) -> str:
    """JSON of a summary or analysis, less the optimiser's timings (the only figures that vary)."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not k.endswith("seconds")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return json.dumps(strip(to_jsonable(data)), sort_keys=True)


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.cplan"
    write_demo(path)
    with Store.open(path) as s:
        return s.load()


# ------------------------------------------------------------------ opening and creating


def test_create_then_open_and_schema_is_at_head(pg_url):
    with Store.create(pg_url) as s:
        assert s.is_database and s.path is None
        assert s.integrity_problems() == []  # the server enforces keys; nothing for us to check
        assert s.load().count(Organisation) == 0
    with Store.open(pg_url) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == SCHEMA_HEAD


def test_migrations_build_exactly_the_tables_the_code_expects(pg_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with Store.create(pg_url) as s, s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        # money is BIGINT here (PostgreSQL's INTEGER stops at £21.4 million in pence), quantities TEXT
        types = {(r[0], r[1]): r[2] for r in conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public'")}
    assert diff == []
    assert types[("tender", "annual_value")] == "bigint"
    assert types[("allocation", "volume")] == "text"
    assert types[("organisation", "id")] == "integer"


def test_an_empty_database_opens_as_a_new_workspace_and_a_foreign_one_is_refused(pg_url, pg_server):
    with Store.open(pg_url) as s:  # empty: migrated on open, as an empty SQLite file is
        assert s.load().count(Organisation) == 0
    with pytest.raises(WorkspaceFileError, match="not empty"):
        Store.create(pg_url)  # a database is never emptied
    import pg_server as pg

    with pg.fresh_database(pg_server) as other:
        engine = create_engine(other)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE payroll (id integer)")
        engine.dispose()
        with pytest.raises(WorkspaceFileError, match="other tables"):
            Store.open(other)
        with pytest.raises(WorkspaceFileError, match="not empty"):
            Store.create(other)
        engine = create_engine(other)
        with engine.connect() as conn:  # nothing of ours was added
            assert conn.exec_driver_sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").scalar() == 1
        engine.dispose()


def test_read_only_session_refuses_edits(pg_url):
    write_demo(pg_url)
    s = WorkspaceSession.open(pg_url, read_only=True)
    org = s.ws.all(Organisation)[0]
    with pytest.raises(WorkspaceFileError, match="read-only"):
        s.set_field(Organisation, org.id, "name", "Renamed")
    s.close()


def test_urls_are_shown_without_password_and_bad_ones_get_messages(pg_url):
    with_password = make_url(pg_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    assert "s3cret-pw" in with_password
    with Store.create(with_password) as s:
        assert "s3cret-pw" not in s.location and "s3cret-pw" not in s.name
        assert s.location == display_url(pg_url)
    assert workspace_stem(pg_url) == make_url(pg_url).database
    # postgresql:// means psycopg 3 here
    plain = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with Store.open(plain) as s:
        assert s.engine.dialect.driver == "psycopg"
    with pytest.raises(WorkspaceFileError, match="only PostgreSQL"):
        Store.open("mysql://someone@localhost/bids")
    missing = make_url(pg_url).set(database="no_such_database_here", password="s3cret-pw")
    with pytest.raises(WorkspaceFileError, match="cannot connect") as info:
        Store.open(missing.render_as_string(hide_password=False))
    assert "s3cret-pw" not in str(info.value)


def test_backups_are_for_files_only(pg_url):
    with Store.create(pg_url) as s:
        with pytest.raises(WorkspaceFileError, match="backups are for workspace files"):
            s.backup()
        with pytest.raises(WorkspaceFileError, match="Save As is for workspace files"):
            s.save_as("/tmp/never-written.cplan")


# ------------------------------------------------------------------ exact values


def test_money_and_quantities_round_trip_exactly(pg_url):
    s = WorkspaceSession.create(pg_url)
    big = D("98765432109.87")  # 9.9 trillion pence: past PostgreSQL's INTEGER
    org, _ = s.add(Organisation, {"name": "Big Group", "kind": "cooperative", "employee_owned": True,
                                  "employee_ownership_pct": "33.333"})
    s.add(FinancialYear, {"organisation_id": org.id, "year_end": "31/03/2025", "turnover": str(big),
                          "operating_surplus": "-1234567.89", "cash": "0.01"})
    t, _ = s.add(Tender, {"name": "T", "annual_value": "25000000.00"})
    r, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Homecare", "area": "East",
                               "annual_volume": "12345.678901234567890123456789"})
    s.close()
    with Store.open(pg_url) as store:
        ws = store.load()
        with store.engine.connect() as conn:
            raw = conn.exec_driver_sql("SELECT turnover, operating_surplus FROM financial_year").one()
    fy = ws.all(FinancialYear)[0]
    assert (fy.turnover, fy.operating_surplus, fy.cash) == (big, D("-1234567.89"), D("0.01"))
    assert raw == (9876543210987, -123456789)  # integer pence
    assert ws.all(Tender)[0].annual_value == D("25000000.00")
    assert ws.all(Requirement)[0].annual_volume == D("12345.678901234567890123456789")
    o = ws.all(Organisation)[0]
    assert (o.employee_owned, o.employee_ownership_pct, o.kind.value) == (True, D("33.333"), "cooperative")
    assert str(ws.all(FinancialYear)[0].year_end) == "2025-03-31"


def test_the_demo_written_to_postgres_reads_back_equal_to_the_sqlite_demo(pg_url, sqlite_demo):
    write_demo(pg_url)
    with Store.open(pg_url) as s:
        ws = s.load()
    assert rows_by_kind(ws) == rows_by_kind(sqlite_demo)
    # every figure of every analysis, exactly as on SQLite
    assert figures(summary(ws)) == figures(summary(sqlite_demo))
    for option in ws.options():
        assert figures(analyse_option(ws, option.id)) == figures(analyse_option(sqlite_demo, option.id))


def test_rows_read_back_in_id_order_after_updates(pg_url):
    """PostgreSQL hands back an updated row last; the workspace must not depend on that."""
    s = WorkspaceSession.create(pg_url)
    ids = [s.add(Organisation, {"name": f"Org {i}"})[0].id for i in range(3)]
    s.set_field(Organisation, ids[0], "name", "Org 0 renamed")
    s.close()
    with Store.open(pg_url) as store:
        assert [o.id for o in store.load().all(Organisation)] == ids


# ------------------------------------------------------------------ ids written by the program


def test_undo_of_a_delete_then_a_normal_add_does_not_collide(pg_url):
    write_demo(pg_url)  # every demo row was written with its id
    s = WorkspaceSession.open(pg_url)
    top = max(o.id for o in s.ws.all(Organisation))
    new, _ = s.add(Organisation, {"name": "Added after the demo"})  # the sequence knew nothing of the demo's ids
    assert new.id == top + 1
    victim = s.ws.get(Organisation, top)
    removal, _ = s.delete(Organisation, top)  # cascades to its years, capacities, members…
    assert len(removal.rows) > 1
    s.restore(removal)  # undo: the same ids
    assert s.ws.get(Organisation, top) == victim
    again, _ = s.add(Organisation, {"name": "Added after the undo"})
    assert again.id == new.id + 1
    # ids are never handed out twice (as with SQLite's AUTOINCREMENT): delete the newest, add another
    s.delete(Organisation, again.id)
    assert s.store.next_id(Organisation) == again.id + 1
    third, _ = s.add(Organisation, {"name": "Third"})
    assert third.id == again.id + 1
    s.close()
    with Store.open(pg_url) as store:
        assert rows_by_kind(store.load()) == rows_by_kind(s.ws)


def test_replace_allocations_and_apply_batch_then_add(pg_url):
    write_demo(pg_url)
    s = WorkspaceSession.open(pg_url)
    option = next(o for o in s.ws.options() if len(s.ws.members(o.id)) >= 2)
    members = s.ws.members(option.id)
    reqs = s.ws.all(Requirement)
    reqs = [r for r in reqs if r.tender_id == option.tender_id]
    before = rows_by_kind(s.ws)
    volumes = {(r.id, members[i % 2].id): D("1000") + i for i, r in enumerate(reqs)}
    batch, changes = s.replace_allocations(option.id, volumes)
    assert batch.inserted and changes.structural
    s.apply_batch(batch, reverse=True)  # undo
    assert rows_by_kind(s.ws) == before
    s.apply_batch(batch)  # redo: the same ids again
    added, _ = s.add(Organisation, {"name": "After the batch"})
    assert added.id not in {o.id for o in before["Organisation"]}
    duplicate, _ = s.duplicate_option(option.id)  # plain inserts after explicit ids
    assert duplicate.id > option.id
    s.close()
    with Store.open(pg_url) as store:
        assert rows_by_kind(store.load()) == rows_by_kind(s.ws)


def test_an_import_applies_in_one_transaction_without_a_backup_and_undoes(pg_url, tmp_path, monkeypatch):
    from services.test_schedule_import import buyer_grid

    s = WorkspaceSession.create(pg_url)
    t, _ = s.add(Tender, {"name": "Wellbeing"})
    lot, _ = s.add(Lot, {"tender_id": t.id, "name": "Lot 1"})
    s.add(Requirement, {"tender_id": t.id, "lot_id": lot.id, "service_line": "Homecare", "area": "East",
                        "annual_volume": "50000"})
    before = rows_by_kind(s.ws)
    backups = []
    monkeypatch.setattr(Store, "backup", lambda self, **kw: backups.append(kw))
    grid = buyer_grid()
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, t.id, s.store.next_id)
    assert plan.problems == []
    batch, changes = apply_import(s, plan)
    assert backups == []  # a database has the server's backups, not ours
    assert {(r.service_line, r.area) for r in s.ws.all(Requirement)} == {
        ("Homecare", "East"), ("Reablement", "East"), ("Homecare", "West")}
    s.close()
    s = WorkspaceSession.open(pg_url)
    assert len(s.ws.all(Requirement)) == 3 and {x.name for x in s.ws.all(Lot)} == {"Lot 1", "Lot 2"}
    new_req, _ = s.add(Requirement, {"tender_id": t.id, "service_line": "Nursing", "area": "North"})
    assert new_req.id == max(r.id for r in batch.inserted if isinstance(r, Requirement)) + 1
    s.delete(Requirement, new_req.id)
    s.apply_batch(batch, reverse=True)
    assert rows_by_kind(s.ws) == before
    s.close()
    with Store.open(pg_url) as store:
        assert rows_by_kind(store.load()) == before


# ------------------------------------------------------------------ two team members at once


def test_two_sessions_do_not_overwrite_each_others_edits(pg_url):
    write_demo(pg_url)
    alice = WorkspaceSession.open(pg_url)
    bob = WorkspaceSession.open(pg_url)
    year = alice.ws.all(FinancialYear)[0]
    org = alice.ws.get(Organisation, year.organisation_id)
    alice.set_field(Organisation, org.id, "name", "Renamed by Alice")
    bob.set_field(Organisation, org.id, "staff_headcount", "321")  # another field of the same row: both kept
    with pytest.raises(WorkspaceFileError, match="changed by someone else"):
        bob.set_field(Organisation, org.id, "name", "Renamed by Bob")  # Bob has not seen Alice's name
    alice.set_field(FinancialYear, year.id, "turnover", "1000000")
    with pytest.raises(WorkspaceFileError, match="changed by someone else"):
        bob.set_field(FinancialYear, year.id, "turnover", "2000000")
    removal, _ = alice.delete(FinancialYear, year.id)
    with pytest.raises(WorkspaceFileError, match="no longer exists"):
        bob.set_field(FinancialYear, year.id, "cash", "5")
    alice.close()
    bob.close()
    with Store.open(pg_url) as store:
        ws = store.load()
    stored = ws.get(Organisation, org.id)
    assert (stored.name, stored.staff_headcount) == ("Renamed by Alice", 321)
    assert ws.get(FinancialYear, year.id) is None


def test_a_colliding_id_is_refused_whole_not_half_written(pg_url):
    """Two members at once: an import planned before the other's add picks an id now taken; the
    import is refused, all of it, and nothing of either is lost."""
    from services.test_schedule_import import buyer_grid

    s = WorkspaceSession.create(pg_url)
    t, _ = s.add(Tender, {"name": "Wellbeing"})
    s.close()
    alice = WorkspaceSession.open(pg_url)
    bob = WorkspaceSession.open(pg_url)
    grid = buyer_grid()
    plan = plan_schedule(grid, guess_mapping(grid), bob.ws, t.id, bob.store.next_id)
    taken, _ = alice.add(Requirement, {"tender_id": t.id, "service_line": "Nursing", "area": "North"})
    assert taken.id in {r.entity.id for r in plan.rows if isinstance(r.entity, Requirement)}
    with pytest.raises(WorkspaceFileError, match="breaks a rule"):
        apply_import(bob, plan)
    alice.close()
    bob.close()
    with Store.open(pg_url) as store:
        ws = store.load()
    assert ws.all(Requirement) == [taken] and ws.all(Lot) == []


def test_refused_edits_write_nothing(pg_url):
    s = WorkspaceSession.create(pg_url)
    a, _ = s.add(Organisation, {"name": "A"})
    b, _ = s.add(Organisation, {"name": "B"})
    t, _ = s.add(Tender, {"name": "T"})
    op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "O"})
    m, _ = s.add(Member, {"option_id": op.id, "organisation_id": a.id, "participation_pct": "100"})
    with pytest.raises(ValidationError, match="100%"):
        s.add(Member, {"option_id": op.id, "organisation_id": b.id, "participation_pct": "5"})
    with pytest.raises(WorkspaceFileError, match="breaks a rule"):  # the server's own check: one member a firm
        s.store.insert(dataclasses.replace(m, id=None, participation_pct=D("0")))
    s.close()
    with Store.open(pg_url) as store:
        ws = store.load()
    assert len(ws.all(Member)) == 1 and len(ws.all(Organisation)) == 2
