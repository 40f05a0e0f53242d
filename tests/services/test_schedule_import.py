"""A buyer's pricing schedule: guessing the mapping, remembering it, planning and applying the import."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from consortium_planner.domain.model import Lot, Organisation, Requirement, Setting, Tender
from consortium_planner.services.importing import ImportRefused, apply_import
from consortium_planner.services.schedule_import import (
    LAYOUTS_KEY,
    guess_mapping,
    mapping_for_headers,
    mapping_problems,
    plan_schedule,
    remembered_mapping,
)
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.tabular import ColumnMapping, SheetGrid, WorkbookGrid
from consortium_planner.store.safety import list_backups

D = Decimal


def buyer_grid(rows=None) -> WorkbookGrid:
    """A schedule as buyers send them: a title block, the header on row 4, columns in their order."""
    body = rows if rows is not None else [
        ("Lot 1", "Homecare", "East", D("52000"), "contact hour", None, None),
        ("Lot 1", "Reablement", "East", D("8000"), "contact hour", None, None),
        ("Lot 2", "Homecare", "West", D("30000"), None, None, None),
        (None, None, None, D("90000"), None, None, None),  # subtotal row
    ]
    return WorkbookGrid("schedule.xlsx", (
        SheetGrid("Cover", (("Wellbeing tender",), ("Read me",))),
        SheetGrid("Pricing schedule", (
            ("Schedule 3: pricing",),
            ("Complete the yellow cells",),
            (),
            ("Lot", "Description of service", "Locality", "Est. annual hours", "Unit of measure",
             "Unit rate (£)", "Annual price (£)"),
            *body,
        )),
    ))


def tender_id(ws) -> int:
    return ws.all(Tender)[0].id


def test_guess_finds_the_sheet_header_row_and_columns():
    m = guess_mapping(buyer_grid())
    assert m is not None
    assert (m.sheet, m.header_row) == ("Pricing schedule", 4)
    assert m.columns == {"lot": 1, "service_line": 2, "area": 3, "volume": 4, "unit": 5, "unit_price": 6,
                         "total_price": 7}
    assert mapping_problems(buyer_grid(), m) == []


def test_plan_adds_updates_and_skips_subtotals(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    grid = buyer_grid()
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id)
    assert plan.problems == []
    # Lot 1 / Homecare / East exists (50,000): updated; two requirements and Lot 2 are new
    assert [(type(r.entity).__name__, r.before is not None) for r in plan.rows if not isinstance(r.entity, Setting)] \
        == [("Requirement", True), ("Requirement", False), ("Lot", False), ("Requirement", False)]
    assert plan.updated[0].entity.annual_volume == D("52000")
    assert [w.row for w in plan.warnings] == [8]
    assert "subtotal" in str(plan.warnings[0])
    s.close()


def test_problems_name_sheet_row_and_column_and_nothing_is_written(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    before = sorted((r.service_line, r.area, r.annual_volume) for r in s.ws.all(Requirement))
    grid = buyer_grid([
        ("Lot 1", "Homecare", "East", "lots", None, None, None),
        ("Lot 1", "Nursing", "East", D("-5"), None, None, None),
        ("Lot 1", "Nursing", None, D("5"), None, None, None),
        ("Lot 1", "Reablement", "East", None, None, None, None),
        ("Lot 1", "Day care", "East", D("10"), None, None, None),
        ("Lot 1", "Day care", "east ", D("12"), None, None, None),
    ])
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id)
    found = {(p.sheet, p.row, p.column): p.reason for p in plan.problems}
    assert "not a number" in found[("Pricing schedule", 5, 4)]
    assert "negative" in found[("Pricing schedule", 6, 4)]
    assert "required" in found[("Pricing schedule", 7, 3)]
    assert "required" in found[("Pricing schedule", 8, 4)]
    assert "row 9" in found[("Pricing schedule", 10, 3)]
    assert str(plan.problems[0]).startswith("sheet 'Pricing schedule', row 5, column D (Est. annual hours)")
    with pytest.raises(ImportRefused):
        apply_import(s, plan)
    assert sorted((r.service_line, r.area, r.annual_volume) for r in s.ws.all(Requirement)) == before
    s.close()
    again = WorkspaceSession.open(small_workspace)
    assert sorted((r.service_line, r.area, r.annual_volume) for r in again.ws.all(Requirement)) == before
    assert [b for b in list_backups(small_workspace) if b.reason == "before-import"] == []
    again.close()


def test_apply_backs_up_writes_once_and_undoes_exactly(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    rows_before = {type(e).__name__: sorted(map(repr, s.ws.all(type(e)))) for e in s.ws.entities()}
    grid = buyer_grid()
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id)
    batch, changes = apply_import(s, plan)
    assert changes.structural and changes.touches("requirement", "lot")
    assert [b.reason for b in list_backups(small_workspace)].count("before-import") == 1
    assert {(r.service_line, r.area) for r in s.ws.all(Requirement)} == {
        ("Homecare", "East"), ("Reablement", "East"), ("Homecare", "West")}
    assert {lot.name for lot in s.ws.all(Lot)} == {"Lot 1", "Lot 2"}
    s.close()
    reopened = WorkspaceSession.open(small_workspace)  # on disk, not only in memory
    assert len(reopened.ws.all(Requirement)) == 3
    # the layout is remembered inside the workspace, in the same transaction
    remembered = json.loads(reopened.ws.setting(LAYOUTS_KEY))
    assert list(remembered.values())[0]["header_row"] == 4
    reopened.apply_batch(batch, reverse=True)
    assert {type(e).__name__: sorted(map(repr, reopened.ws.all(type(e)))) for e in reopened.ws.entities()} \
        == rows_before
    reopened.close()
    final = WorkspaceSession.open(small_workspace)
    assert {type(e).__name__: sorted(map(repr, final.ws.all(type(e)))) for e in final.ws.entities()} == rows_before
    final.close()


def test_reimporting_the_same_schedule_changes_nothing(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    grid = buyer_grid()
    apply_import(s, plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id))
    again = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id)
    assert again.rows == [] and len(again.unchanged) == 3
    s.close()


def test_a_layout_mapped_once_is_recognised_next_time(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    grid = buyer_grid()
    # the user maps it by hand, differently from the guess: area fixed, no unit column
    mine = mapping_for_headers(grid, "Pricing schedule", 4, {"service_line": 2, "volume": 4, "lot": 1},
                               fixed_area="East")
    assert remembered_mapping(s.ws, grid) is None
    apply_import(s, plan_schedule(grid, mine, s.ws, tender_id(s.ws), s.store.next_id))
    next_year = buyer_grid([("Lot 1", "Homecare", "ignored", D("60000"), None, None, None)])
    found = remembered_mapping(s.ws, next_year)
    assert found == mine
    other = WorkbookGrid("other.xlsx", (SheetGrid("Pricing schedule", ((), (), (),
                                                                       ("Service", "Hours", "Area"))),))
    assert remembered_mapping(s.ws, other) is None
    s.close()


def test_mapping_problems_are_explained():
    grid = buyer_grid()
    assert mapping_problems(grid, ColumnMapping("Nope", 1)) == ["the workbook has no sheet called 'Nope'"]
    m = ColumnMapping("Pricing schedule", 4, {"service_line": 2, "area": 2})
    problems = mapping_problems(grid, m)
    assert "choose the column that holds the annual volume" in problems
    assert any("same column" in p for p in problems)


def test_a_blank_cell_never_empties_a_field_that_always_has_a_value(small_workspace):
    from consortium_planner.services.importing import ImportPlan, PlanBuilder, plural

    s = WorkspaceSession.open(small_workspace)
    plan = ImportPlan(source="x.xlsx", what="organisations")
    b = PlanBuilder(s.ws, s.store.next_id, plan)
    org = b.upsert(Organisation, {"name": "Blank Co", "employee_owned": None, "staff_headcount": None},
                   sheet="Organisations", row=2)
    assert plan.problems == []
    assert org is not None and org.employee_owned is False and org.kind.value == "mutual"
    assert org.staff_headcount is None  # optional: blank means "not given"
    apply_import(s, plan)  # the store accepts it (a None boolean would break NOT NULL)
    assert plural("capacity") == "capacities" and plural("financial year") == "financial years"
    assert plural("survey") == "surveys"
    s.close()


def test_a_new_lot_needed_only_by_a_failed_row_is_not_counted(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    grid = buyer_grid([("Lot 9", "Nursing", "East", "lots", None, None, None),
                       ("Lot 8", "Nursing", "East", D("5"), None, None, None)])
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id, remember=False)
    assert [p.row for p in plan.problems] == [5]
    assert sorted(r.entity.name for r in plan.rows if isinstance(r.entity, Lot)) == ["Lot 8"]
    s.close()


def test_a_schedule_with_nothing_new_changes_nothing_not_even_the_layout_memory(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    existing = s.ws.requirements(tender_id(s.ws))[0]
    grid = buyer_grid([("Lot 1", existing.service_line, existing.area, existing.annual_volume, None, None, None)])
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id)
    assert plan.rows == [] and len(plan.unchanged) == 1 and plan.counts_text() == "requirements: 1 unchanged"
    s.close()


def test_headings_and_total_rows_are_skipped_with_a_warning_but_a_missing_volume_is_a_problem(small_workspace):
    s = WorkspaceSession.open(small_workspace)
    grid = buyer_grid([
        ("Lot 7", "Community services", None, None, None, None, None),  # a section heading
        ("Lot 7", "Day care", "East", D("10"), None, None, None),
        ("Lot 7", "Day care", "West", None, None, None, None),  # a real row without its volume
        (None, "Total", None, None, None, None, "=SUM(G5:G7)"),
        (None, "Sub-total: Lot 7", "East", None, None, None, None),
    ])
    plan = plan_schedule(grid, guess_mapping(grid), s.ws, tender_id(s.ws), s.store.next_id)
    assert [(p.row, p.column) for p in plan.problems] == [(7, 4)]
    assert [w.row for w in plan.warnings] == [5, 8, 9]
    assert all("heading or a total" in w.reason for w in plan.warnings)
    # under one area for every row, a heading has an "area": only total lines are skipped
    fixed = mapping_for_headers(grid, "Pricing schedule", 4, {"service_line": 2, "volume": 4}, fixed_area="East")
    plan = plan_schedule(grid, fixed, s.ws, tender_id(s.ws), s.store.next_id)
    assert [p.row for p in plan.problems] == [5, 7]
    assert [w.row for w in plan.warnings] == [8, 9]
    s.close()
