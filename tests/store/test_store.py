import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from consortium_planner.domain.model import (
    ConsortiumOption,
    FinancialYear,
    Member,
    Organisation,
    Tender,
)
from consortium_planner.store.tables import metadata
from consortium_planner.store.workspace_file import (
    Store,
    WorkspaceFileError,
    alembic_config,
    backup_dir,
    head_revision,
)


@pytest.fixture
def store(tmp_path):
    s = Store.create(tmp_path / "w.cplan")
    yield s
    s.close()


money = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                    allow_nan=False, allow_infinity=False)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turnover=money.filter(lambda d: d >= 0), surplus=money)
def test_money_round_trips_to_the_penny(store, turnover, surplus):
    org = store.insert(Organisation(name="A"))
    fy = store.insert(FinancialYear(organisation_id=org.id, year_end=dt.date(2025, 3, 31),
                                    turnover=turnover, operating_surplus=surplus))
    back = store.load().get(FinancialYear, fy.id)
    assert back.turnover == turnover and back.operating_surplus == surplus
    store.delete(Organisation, org.id)


def test_money_is_stored_as_integer_pence(store):
    org = store.insert(Organisation(name="A"))
    store.insert(FinancialYear(organisation_id=org.id, year_end=dt.date(2025, 3, 31),
                               turnover=Decimal("1234567.89"), cash=None))
    con = sqlite3.connect(store.path)
    turnover, cash = con.execute("SELECT turnover, cash FROM financial_year").fetchone()
    con.close()
    assert turnover == 123456789 and isinstance(turnover, int)
    assert cash is None  # not given stays not given, never zero


def test_float_money_is_refused(store):
    org = store.insert(Organisation(name="A"))
    with pytest.raises(Exception, match="never float"):
        store.insert(FinancialYear(organisation_id=org.id, year_end=dt.date(2025, 3, 31), turnover=12.5))


def test_foreign_keys_are_enforced(store):
    with pytest.raises(WorkspaceFileError, match="FOREIGN KEY"):
        store.insert(Member(option_id=99, organisation_id=98))


def test_delete_cascades_and_restore_puts_everything_back(store):
    org = store.insert(Organisation(name="Lead"))
    t = store.insert(Tender(name="T"))
    op = store.insert(ConsortiumOption(tender_id=t.id, name="O", lead_organisation_id=org.id))
    store.insert(Member(option_id=op.id, organisation_id=org.id, participation_pct=Decimal(50)))
    before = sorted(map(repr, store.load().entities()))
    removal = store.delete(Organisation, org.id)
    after = store.load()
    assert after.count(Member) == 0 and after.get(ConsortiumOption, op.id).lead_organisation_id is None
    store.restore(removal)
    assert sorted(map(repr, store.load().entities())) == before
    assert store.integrity_problems() == []


def test_file_is_self_contained_when_closed(tmp_path):
    s = Store.create(tmp_path / "w.cplan")
    s.insert(Organisation(name="A"))
    s.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.cplan"]


def test_save_as_copies_with_backup_api(store, tmp_path):
    store.insert(Organisation(name="A & B"))
    copy = store.save_as(tmp_path / "copy.cplan")
    with Store.open(copy) as other:
        assert [o.name for o in other.load().all(Organisation)] == ["A & B"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"hello, this is not a database at all" * 10, "not a Consortium Planner workspace")],
)
def test_bad_files_get_clear_messages_and_are_not_changed(tmp_path, content, message):
    p = tmp_path / "bad.cplan"
    p.write_bytes(content)
    with pytest.raises(WorkspaceFileError, match=message):
        Store.open(p)
    assert p.read_bytes() == content


def test_other_sqlite_database_is_refused(tmp_path):
    p = tmp_path / "other.cplan"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    before = p.read_bytes()
    with pytest.raises(WorkspaceFileError, match="not a Consortium Planner workspace"):
        Store.open(p)
    assert p.read_bytes() == before


def test_truncated_file_is_refused(tmp_path):
    good = Store.create(tmp_path / "good.cplan")
    for i in range(200):
        good.insert(Organisation(name=f"Org {i}", notes="x" * 500))
    good.close()
    data = (tmp_path / "good.cplan").read_bytes()
    bad = tmp_path / "truncated.cplan"
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(WorkspaceFileError, match="damaged"):
        Store.open(bad).load()


def test_migrations_build_exactly_the_tables_the_code_expects(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    s = Store.create(tmp_path / "w.cplan")
    with s.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    s.close()
    assert diff == []


def test_schema_head_constant_matches_alembic():
    from consortium_planner.store.workspace_file import SCHEMA_HEAD

    assert SCHEMA_HEAD == head_revision()


def test_an_empty_sqlite_database_is_refused_and_left_as_it_was(tmp_path):
    """Opening never makes a workspace of another file: an empty SQLite database (no tables) is refused
    with a message, byte for byte unchanged (issue 21: ``summary`` used to make it a workspace)."""
    p = tmp_path / "empty.cplan"
    # a zero-table SQLite file: SQLite writes nothing until a table exists, so create and drop one
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE t (x)")
    con.execute("DROP TABLE t")
    con.commit()
    con.close()
    before = p.read_bytes()
    with pytest.raises(WorkspaceFileError, match="empty SQLite database, not a Consortium Planner workspace"):
        Store.open(p)
    assert p.read_bytes() == before
    assert not p.with_name(p.name + ".lock").exists()


def test_populated_file_at_first_schema_is_migrated_with_a_backup_and_data_intact(tmp_path):
    """A file written at revision 0001 by raw SQL (as an older program would) opens intact."""
    from alembic import command

    p = tmp_path / "old.cplan"
    engine = create_engine(f"sqlite:///{p}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.exec_driver_sql(
            "INSERT INTO organisation (id, name, kind, legal_form, employee_owned, registered_charity, regulators,"
            " home_area, areas_served, notes) VALUES (7, 'Old Mutual', 'mutual', 'cic_guarantee', 1, 0, '', '',"
            " '', '')")
        conn.exec_driver_sql(
            "INSERT INTO financial_year (organisation_id, year_end, turnover) VALUES (7, '2024-03-31', 250000001)")
        if head_revision() == "0001":
            conn.exec_driver_sql("DELETE FROM alembic_version")  # make it look unversioned-at-0001
            conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0001')")
    engine.dispose()
    with Store.open(p) as s:
        ws = s.load()
    org = ws.get(Organisation, 7)
    assert org.name == "Old Mutual" and org.employee_owned is True
    assert ws.financial_years(7)[0].turnover == Decimal("2500000.01")
    if head_revision() != "0001":
        assert list(backup_dir(p).glob("*.cplan")), "a backup is taken before an upgrade"


FIXTURES = __import__("pathlib").Path(__file__).parent.parent / "fixtures"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema-*.cplan")))
def test_every_earlier_schema_opens_with_its_data_intact(tmp_path, fixture):
    """Each fixture is the demo workspace as written by that schema's program."""
    import shutil

    from consortium_planner.domain.model import Allocation, Requirement
    from consortium_planner.domain.validation import check_workspace, errors

    p = tmp_path / fixture
    shutil.copy(FIXTURES / fixture, p)
    with Store.open(p) as s:
        ws = s.load()
        assert s.integrity_problems() == []
    assert [o.name for o in ws.options()] == ["Go alone", "Lead provider with subcontractors",
                                               "Special purpose vehicle"]
    assert ws.tenders()[0].annual_value == Decimal("4000000.00")
    assert ws.count(Organisation) == 7 and ws.count(Requirement) == 15 and ws.count(Allocation) > 30
    assert not errors(check_workspace(ws))
    option = ws.options()[0]
    assert option.quality_max == Decimal(100) and ws.tenders()[0].abnormal_threshold_pct == Decimal(15)
    if fixture != f"schema-{head_revision()}.cplan":
        from consortium_planner.store.safety import list_backups

        backups = [b.path for b in list_backups(p) if b.reason.startswith("before-upgrade")]
        assert backups, "a backup is taken before an upgrade"
        with Store.open(backups[0], migrate=False) as old:
            with old.engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() != head_revision()
