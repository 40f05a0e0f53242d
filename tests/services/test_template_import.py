"""Importing our Excel templates: organisations (and their children) and tender requirements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.domain.model import (
    Capacity,
    CostProfile,
    FinancialYear,
    Lot,
    Organisation,
    OrgKind,
    PensionScheme,
    Requirement,
    Role,
    Tender,
)
from consortium_planner.reports.templates import write_organisations_template, write_requirements_template
from consortium_planner.services.demo import write_demo
from consortium_planner.services.importing import ImportRefused, apply_import
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.tabular import Problem, SheetGrid, WorkbookGrid
from consortium_planner.services.template_import import detect_template, plan_organisations, plan_requirements
from consortium_planner.services.workbook_in import read_workbook
from consortium_planner.store.safety import list_backups

D = Decimal
ORG_ENTITIES = (Organisation, FinancialYear, Capacity, CostProfile, Role)
CAPACITY_HEADERS = ("Organisation", "Service line", "Area", "Units a year available now", "Unit",
                    "Maximum growth (%)", "Lead time (months)")


def grid(*sheets: SheetGrid, source: str = "book.xlsx") -> WorkbookGrid:
    return WorkbookGrid(source, sheets)


def sheet(name: str, *rows) -> SheetGrid:
    return SheetGrid(name, tuple(tuple(r) for r in rows))


def rows_of(ws, classes=ORG_ENTITIES) -> set:
    return {e for cls in classes for e in ws.iter(cls)}


@pytest.fixture
def session(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    yield s
    s.close()


def plan_orgs(g: WorkbookGrid, s: WorkspaceSession):
    return plan_organisations(g, s.ws, s.store.next_id)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# ---------------------------------------------------------------------------------- round trip


@pytest.fixture(params=["small", "demo"])
def any_session(request, tmp_path, small_workspace):
    path = small_workspace if request.param == "small" else write_demo(tmp_path / "demo.cplan")
    s = WorkspaceSession.open(path)
    yield s
    s.close()


def test_round_trip_changes_nothing_then_one_edit_is_one_update(any_session, tmp_path):
    s = any_session
    path = write_organisations_template(tmp_path / "organisations.xlsx", s.ws)
    plan = plan_orgs(read_workbook(path), s)
    assert plan.ok and plan.rows == [] and plan.warnings == [], [str(p) for p in plan.problems + plan.warnings]
    assert {r.entity for r in plan.unchanged} == rows_of(s.ws)
    assert detect_template(read_workbook(path)) == "organisations"

    wb = openpyxl.load_workbook(path)
    cap = wb["Capacity"]
    old = cap["D2"].value
    cap["D2"] = old + 1234
    wb.save(path)
    plan = plan_orgs(read_workbook(path), s)
    assert plan.ok and plan.added == []
    (changed,) = plan.updated
    assert isinstance(changed.entity, Capacity) and (changed.sheet, changed.row) == ("Capacity", 2)
    assert changed.entity.units_per_year == changed.before.units_per_year + 1234
    assert changed.entity == changed.before.__class__(**{**_fields(changed.before),
                                                         "units_per_year": changed.entity.units_per_year})


def _fields(e) -> dict:
    import dataclasses

    return {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}


def test_requirements_round_trip(session, tmp_path):
    tender = session.ws.tenders()[0]
    path = write_requirements_template(tmp_path / "req.xlsx", session.ws, tender.id)
    g = read_workbook(path)
    assert detect_template(g) == "requirements"
    plan = plan_requirements(g, session.ws, tender.id, session.store.next_id)
    assert plan.ok and plan.rows == []
    assert {r.entity for r in plan.unchanged} == set(session.ws.requirements(tender.id))


# ---------------------------------------------------------------------------------- the example row


def test_blank_template_with_its_examples_imports_nothing(session, tmp_path):
    path = write_organisations_template(tmp_path / "blank.xlsx")
    plan = plan_orgs(read_workbook(path), session)
    assert plan.ok and plan.rows == [] and plan.unchanged == []
    assert {(w.sheet, w.row) for w in plan.warnings} == {
        ("Organisations", 2), ("Accounts", 2), ("Capacity", 2), ("Cost profiles", 2), ("Roles", 2)}


def test_rows_typed_under_the_example_are_imported(session, tmp_path):
    path = write_organisations_template(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Organisations"].append(["Hillside Care CIC", "Community interest company", "CIC limited by shares", "Yes",
                                60, "No", "CQC", "Hillside", "Hillside; Vale", 85, "new"])
    wb["Accounts"].append(["Hillside Care CIC", dt.datetime(2025, 3, 31), 1_200_000.5])
    wb["Capacity"].append(["hillside care cic", "Homecare", "Hillside", 20000, "contact hour", 10, 2])
    wb["Capacity"].append(["Northfield Health Mutual", "Homecare", "Vale", 5000])
    wb["Cost profiles"].append(["Hillside Care CIC", "Homecare", "contact hour", 0.25, 0.03, 12.07, 3,
                                "NHS Pension", 14.38, 2, 1.1, 50000])
    wb["Roles"].append(["Hillside Care CIC", "homecare", "Senior carer", 14.2, 1, 1950])
    wb.save(path)

    plan = plan_orgs(read_workbook(path), session)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.counts() == {"Organisation": (1, 0, 0), "Financial year": (1, 0, 0), "Capacity": (2, 0, 0),
                             "Cost profile": (1, 0, 0), "Role": (1, 0, 0)}
    org = next(e for e in plan.added if isinstance(e, Organisation))
    assert (org.name, org.kind, org.employee_owned, org.employee_ownership_pct, org.staff_headcount) == (
        "Hillside Care CIC", OrgKind.CIC, True, D("60"), 85)
    fy = next(e for e in plan.added if isinstance(e, FinancialYear))
    assert (fy.organisation_id, fy.year_end, fy.turnover, fy.ebitda) == (org.id, dt.date(2025, 3, 31),
                                                                          D("1200000.50"), None)
    caps = [e for e in plan.added if isinstance(e, Capacity)]
    assert caps[0].organisation_id == org.id and caps[0].max_growth_pct == D("10")
    northfield = next(o for o in session.ws.iter(Organisation) if o.name == "Northfield Health Mutual")
    # columns left blank take the defaults
    assert (caps[1].organisation_id, caps[1].units_per_year, caps[1].unit, caps[1].lead_time_months) == (
        northfield.id, D("5000"), "contact hour", 0)
    profile = next(e for e in plan.added if isinstance(e, CostProfile))
    assert (profile.pension_scheme, profile.pension_rate_pct, profile.travel_ratio) == (
        PensionScheme.NHS, D("14.38"), D("0.25"))
    role = next(e for e in plan.added if isinstance(e, Role))
    assert role.cost_profile_id == profile.id and role.hourly_rate == D("14.20")


def test_a_changed_example_row_is_a_problem_not_dropped(session, tmp_path):
    path = write_organisations_template(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Capacity"]["D2"] = 999
    wb.save(path)
    plan = plan_orgs(read_workbook(path), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column, p.column_name) == ("Capacity", 2, 1, "Organisation")
    assert "Example:" in p.reason and "not the template's example" in p.reason


def test_a_real_organisation_called_example_goes_round_trip(session, tmp_path):
    session.add(Organisation, {"name": "Example: Real Org"})
    org = next(o for o in session.ws.iter(Organisation) if o.name == "Example: Real Org")
    session.add(Capacity, {"organisation_id": org.id, "service_line": "Homecare", "area": "East"})
    path = write_organisations_template(tmp_path / "filled.xlsx", session.ws)
    wb = openpyxl.load_workbook(path)
    cap = wb["Capacity"]
    row = next(r for r in cap.iter_rows(min_row=2) if r[0].value == "Example: Real Org")
    row[3].value = 77
    wb.save(path)
    plan = plan_orgs(read_workbook(path), session)
    assert plan.ok and plan.warnings == []
    (changed,) = plan.updated
    assert changed.entity.organisation_id == org.id and changed.entity.units_per_year == D("77")
    # a new row marked "Example:" naming nothing known is still refused, not imported or dropped
    g = grid(sheet("Organisations", ("Name",), ("Example: Not Known",)))
    p = only(plan_orgs(g, session).problems)
    assert (p.row, p.column) == (2, 1)


def test_the_example_marker_is_found_wherever_the_column_is_moved(session):
    g = grid(sheet("Requirements", ("Area", "Lot", "Service line", "Unit", "Annual volume"),
                   ("Riverside", "Lot 1", "Example: Homecare", "contact hour", D("50000"))))
    tender = session.ws.tenders()[0]
    plan = plan_requirements(g, session.ws, tender.id, session.store.next_id)
    assert plan.ok and plan.rows == [] and len(plan.warnings) == 1


# ---------------------------------------------------------------------------------- problems


def capacity_grid(*rows, headers=CAPACITY_HEADERS) -> WorkbookGrid:
    return grid(sheet("Capacity", headers, *rows))


def test_text_in_a_number_cell(session):
    plan = plan_orgs(capacity_grid(("Northfield Health Mutual", "Homecare", "North", "lots", "hour")), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column, p.column_name) == ("Capacity", 2, 4, "Units a year available now")
    assert p.reason == "Units a year available now: 'lots' is not a number"
    assert str(p).startswith("sheet 'Capacity', row 2, column D (Units a year available now): ")


def test_negative_capacity(session):
    plan = plan_orgs(capacity_grid((None,), ("Northfield Health Mutual", "Homecare", "North", D("-5"))), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column) == ("Capacity", 3, 4)
    assert "must not be negative" in p.reason


def test_unknown_organisation(session):
    plan = plan_orgs(capacity_grid(("Nobody Ltd", "Homecare", "North", D("5"))), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column, p.column_name) == ("Capacity", 2, 1, "Organisation")
    assert p.reason == "no organisation called 'Nobody Ltd' (in this workbook or the workspace)"


def test_a_child_of_a_refused_organisation_points_at_its_row(session):
    g = grid(sheet("Organisations", ("Name", "Kind"), ("New Org", "Plc")),
             sheet("Capacity", CAPACITY_HEADERS, ("new org", "Homecare", "North", D("5"))))
    plan = plan_orgs(g, session)
    kind, child = plan.problems
    assert (kind.sheet, kind.row, kind.column) == ("Organisations", 2, 2)
    assert "'Plc' is not one of: Public service mutual" in kind.reason
    assert (child.sheet, child.row, child.column) == ("Capacity", 2, 1)
    assert "sheet 'Organisations' row 2" in child.reason


def test_duplicate_key_within_the_file(session):
    plan = plan_orgs(capacity_grid(("Northfield Health Mutual", "Homecare", "North", D("5")),
                                   ("northfield health mutual", " homecare", "NORTH", D("6"))), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column) == ("Capacity", 3, 3)
    assert p.reason == "the same service line and area as row 2"


def test_missing_required_column_is_one_problem(session):
    headers = tuple(h for h in CAPACITY_HEADERS if h != "Area")
    plan = plan_orgs(capacity_grid(("Northfield Health Mutual", "Homecare", D("5")), headers=headers), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column) == ("Capacity", 1, None)
    assert "'Area' is missing" in p.reason
    assert plan.rows == []


def test_bad_date_and_unknown_choice(session):
    g = grid(sheet("Accounts", ("Organisation", "Year end", "Turnover (£)"),
                   ("Care Co-op", "31/02/2025", D("100"))),
             sheet("Cost profiles", ("Organisation", "Service line", "Pension scheme"),
                   ("Care Co-op", "Homecare", "Gold plated")))
    plan = plan_orgs(g, session)
    date, choice = plan.problems
    assert (date.sheet, date.row, date.column, date.column_name) == ("Accounts", 2, 2, "Year end")
    assert "is not a date (use DD/MM/YYYY)" in date.reason
    assert (choice.sheet, choice.row, choice.column) == ("Cost profiles", 2, 3)
    assert "'Gold plated' is not one of" in choice.reason


def test_a_second_column_for_the_same_field(session):
    plan = plan_orgs(capacity_grid(headers=CAPACITY_HEADERS + ("Area",)), session)
    p = only(plan.problems)
    assert (p.sheet, p.row, p.column) == ("Capacity", 1, 8) and "column C" in p.reason


def test_unknown_columns_and_sheets_are_warnings(session):
    g = grid(sheet("Capacity", CAPACITY_HEADERS + ("Comments",),
                   ("Northfield Health Mutual", "Homecare", "East", D("40000"), "contact hour", D("25"), D("3"),
                    "ignore me")),
             sheet("Notes", ("anything",)))
    plan = plan_orgs(g, session)
    assert plan.ok and plan.rows == [] and len(plan.unchanged) == 1
    assert {(w.sheet, w.row, w.column) for w in plan.warnings} == {("Capacity", 1, 8), ("Notes", None, None)}


def test_percentage_typed_as_a_fraction_is_a_warning(session):
    g = grid(sheet("Cost profiles", ("Organisation", "Service line", "Holiday (%)"),
                   ("Care Co-op", "Homecare", D("0.1207"))))
    plan = plan_orgs(g, session)
    assert plan.ok
    w = only(plan.warnings)
    assert (w.sheet, w.row, w.column) == ("Cost profiles", 2, 3) and "type 12.07" in w.reason


# ---------------------------------------------------------------------------------- reading leniently


def test_headers_in_any_order_case_and_without_hints(session):
    g = grid(sheet("capacity", ("lead time (MONTHS)", "maximum growth", "AREA", "service  line", "organisation"),
                   (D("6"), "30%", "East", "HOMECARE", "northfield health mutual")))
    plan = plan_orgs(g, session)
    assert plan.ok
    (row,) = plan.updated
    assert (row.entity.lead_time_months, row.entity.max_growth_pct) == (6, D("30"))
    assert row.entity.units_per_year == row.before.units_per_year  # column left out: kept


def test_choices_by_label_or_value_in_any_case_and_yes_no(session):
    g = grid(sheet("Organisations", ("Name", "Kind", "Legal form", "Employee owned or controlled"),
                   ("A", "social_enterprise", "community BENEFIT society", D("1")),
                   ("B", "co-operative", "llp", "no")))
    plan = plan_orgs(g, session)
    assert plan.ok, [str(p) for p in plan.problems]
    a, b = plan.added
    assert (a.kind.value, a.legal_form.value, a.employee_owned) == ("social_enterprise", "community_benefit", True)
    assert (b.kind.value, b.legal_form.value, b.employee_owned) == ("cooperative", "llp", False)


def test_blank_cells_keep_values_and_blank_figures_are_not_given(session):
    northfield = next(o for o in session.ws.iter(Organisation) if o.name == "Northfield Health Mutual")
    g = grid(sheet("Accounts", ("Organisation", "Year end", "Turnover (£)", "Current assets (£)"),
                   ("Northfield Health Mutual", dt.date(2025, 3, 31), None, D("410000"))),
             sheet("Capacity", CAPACITY_HEADERS,
                   ("Northfield Health Mutual", "Homecare", "East", None, "contact hour", D("30"), None)))
    plan = plan_orgs(g, session)
    assert plan.ok
    fy, cap = (r.entity for r in plan.updated)
    assert fy.organisation_id == northfield.id
    assert (fy.turnover, fy.current_assets, fy.current_liabilities) == (None, D("410000.00"), D("350000.00"))
    assert (cap.units_per_year, cap.max_growth_pct, cap.lead_time_months) == (D("40000"), D("30"), 3)


def test_roles_find_their_cost_profile(session):
    g = grid(sheet("Roles", ("Organisation", "Service line", "Role", "Hourly pay rate (£)"),
                   ("Northfield Health Mutual", "HOMECARE", "care worker", D("13.05")),
                   ("Northfield Health Mutual", "Nursing", "Nurse", D("20")),
                   ("Care Co-op", "Homecare", "Nurse", D("20"))))
    plan = plan_orgs(g, session)
    (updated,) = plan.updated
    assert updated.entity.hourly_rate == D("13.05") and updated.entity.name == "care worker"
    nursing, other = plan.problems
    assert (nursing.row, nursing.column) == (3, 2) and "no cost profile for the service line 'Nursing'" in nursing.reason
    assert (other.row, other.column) == (4, 2) and "'Care Co-op' has no cost profile" in other.reason


def test_only_some_sheets_is_fine(session):
    plan = plan_orgs(capacity_grid(("Care Co-op", "Homecare", "West", D("100"))), session)
    assert plan.ok and len(plan.added) == 1


def test_a_header_below_a_title_row(session):
    g = grid(sheet("Capacity", ("Our capacity, March",), (), CAPACITY_HEADERS,
                   ("Care Co-op", "Homecare", "West", D("100"))))
    plan = plan_orgs(g, session)
    assert plan.ok and plan.rows[0].row == 4


def test_not_a_template_is_one_clear_problem(session):
    g = grid(sheet("Sheet1", ("Supplier", "Invoice"), ("X", D("1"))))
    assert detect_template(g) is None
    p = only(plan_orgs(g, session).problems)
    assert "not the organisations template" in p.reason and "'Capacity'" in p.reason
    tender = session.ws.tenders()[0]
    p = only(plan_requirements(g, session.ws, tender.id, session.store.next_id).problems)
    assert "not the tender requirements template" in p.reason


def test_the_other_template_is_named(session):
    g = grid(sheet("Requirements", ("Service line", "Area", "Annual volume"), ("Homecare", "East", D("1"))))
    p = only(plan_orgs(g, session).problems)
    assert "looks like the tender requirements template" in p.reason


def test_detect_template():
    assert detect_template(grid(sheet("Capacity", CAPACITY_HEADERS))) == "organisations"
    assert detect_template(grid(sheet("Instructions"), sheet("Requirements"))) == "requirements"
    # a renamed sheet, recognised by its headers
    assert detect_template(grid(sheet("Sheet1", ("Service line", "Area", "Annual volume")))) == "requirements"
    assert detect_template(grid(sheet("Sheet1", CAPACITY_HEADERS))) == "organisations"
    assert detect_template(grid(sheet("Sheet1", ("Name", "Date")))) is None
    assert detect_template(grid()) is None


# ---------------------------------------------------------------------------------- applying


def _adding_grid() -> WorkbookGrid:
    return grid(sheet("Organisations", ("Name", "Kind"), ("Hillside Care CIC", "CIC"),
                      ("Care Co-op", "Charity")),
                sheet("Capacity", CAPACITY_HEADERS, ("Hillside Care CIC", "Homecare", "Vale", D("100")),
                      ("Northfield Health Mutual", "Homecare", "East", D("41000"))),
                sheet("Cost profiles", ("Organisation", "Service line"), ("Hillside Care CIC", "Homecare")),
                sheet("Roles", ("Organisation", "Service line", "Role"), ("Hillside Care CIC", "Homecare", "Carer")))


def test_apply_writes_backs_up_and_undoes_exactly(session):
    path = session.path
    before = set(session.ws.entities())
    plan = plan_orgs(_adding_grid(), session)
    assert plan.ok and plan.counts() == {"Organisation": (1, 1, 0), "Capacity": (1, 1, 0),
                                         "Cost profile": (1, 0, 0), "Role": (1, 0, 0)}
    batch, changes = apply_import(session, plan)
    assert changes.touches("organisation", "capacity", "cost_profile", "role")
    assert any(o.name == "Hillside Care CIC" for o in session.ws.iter(Organisation))
    assert [b.reason for b in list_backups(path)].count("before-import") == 1

    reopened = WorkspaceSession.open(path, read_only=True)
    try:
        assert set(reopened.ws.entities()) == set(session.ws.entities())
    finally:
        reopened.close()

    session.apply_batch(batch, reverse=True)
    assert set(session.ws.entities()) == before
    reopened = WorkspaceSession.open(path, read_only=True)
    try:
        assert set(reopened.ws.entities()) == before
    finally:
        reopened.close()


def test_a_plan_with_problems_writes_nothing(session):
    path = session.path
    content = path.read_bytes()
    before = set(session.ws.entities())
    g = _adding_grid()
    bad = grid(*g.sheets, sheet("Accounts", ("Organisation", "Year end"), ("Hillside Care CIC", "soon")))
    plan = plan_orgs(bad, session)
    assert not plan.ok and plan.rows  # good rows planned, but one problem
    with pytest.raises(ImportRefused) as refused:
        apply_import(session, plan)
    assert refused.value.problems == plan.problems
    assert "nothing was imported" in str(refused.value)
    assert path.read_bytes() == content
    assert set(session.ws.entities()) == before
    assert "before-import" not in [b.reason for b in list_backups(path)]


# ---------------------------------------------------------------------------------- requirements


def test_requirements_create_and_match_lots_in_the_chosen_tender(session):
    tender = session.ws.tenders()[0]
    other, _ = session.add(Tender, {"name": "Another tender"})
    session.add(Lot, {"tender_id": other.id, "name": "Lot 2"})
    before_other = set(session.ws.requirements(other.id)) | set(session.ws.lots(other.id))
    g = grid(sheet("Requirements", ("Service line", "Area", "Annual volume", "Unit", "Lot"),
                   ("Homecare", "East", D("60000"), "contact hour", "lot 1"),
                   ("Homecare", "West", D("1000"), None, "Lot 2"),
                   ("Reablement", "East", D("500"), "week", " lot  2 "),
                   ("Day care", "East", D("10"), "session", None)))
    plan = plan_requirements(g, session.ws, tender.id, session.store.next_id)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.counts() == {"Requirement": (3, 1, 0), "Lot": (1, 0, 0)}
    apply_import(session, plan)

    lots = {lt.name: lt for lt in session.ws.lots(tender.id)}
    assert set(lots) == {"Lot 1", "Lot 2"}
    reqs = {(r.service_line, r.area): r for r in session.ws.requirements(tender.id)}
    assert reqs[("Homecare", "East")].annual_volume == D("60000")
    assert reqs[("Homecare", "East")].lot_id == lots["Lot 1"].id
    assert reqs[("Homecare", "West")].lot_id == lots["Lot 2"].id
    assert reqs[("Reablement", "East")].lot_id == lots["Lot 2"].id
    assert reqs[("Day care", "East")].lot_id is None and reqs[("Day care", "East")].unit == "session"
    assert set(session.ws.requirements(other.id)) | set(session.ws.lots(other.id)) == before_other


def test_requirements_problems(session):
    tender = session.ws.tenders()[0]
    g = grid(sheet("Requirements", ("Service line", "Area", "Annual volume"),
                   ("Homecare", "North", "many"),
                   ("Homecare", "North", D("5")),
                   ("Homecare", "north", D("6")),
                   (None, "South", D("1"))))
    plan = plan_requirements(g, session.ws, tender.id, session.store.next_id)
    volume, dup, blank = plan.problems
    assert (volume.row, volume.column, volume.column_name) == (2, 3, "Annual volume")
    assert (dup.row, dup.column, dup.reason) == (4, 2, "the same service line and area as row 3")
    assert (blank.row, blank.column) == (5, 1) and "a value is required" in blank.reason


def test_requirements_need_a_tender_that_exists(session):
    g = grid(sheet("Requirements", ("Service line", "Area"), ("Homecare", "East")))
    p = only(plan_requirements(g, session.ws, 9999, session.store.next_id).problems)
    assert "no longer in the workspace" in p.reason


def test_requirement_not_in_a_lot_is_matched_without_a_lot(session):
    tender = session.ws.tenders()[0]
    session.add(Requirement, {"tender_id": tender.id, "service_line": "Homecare", "area": "East",
                              "annual_volume": "10"})
    g = grid(sheet("Requirements", ("Service line", "Area", "Annual volume", "Lot"),
                   ("Homecare", "East", D("11"), None)))
    plan = plan_requirements(g, session.ws, tender.id, session.store.next_id)
    (row,) = plan.updated
    assert row.entity.lot_id is None and row.entity.annual_volume == D("11")
