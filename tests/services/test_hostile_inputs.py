"""Issue 21 (hardening): a workbook never exhausts memory, what is accepted can be computed, one rule for
imports (the user's options honoured; blank, error and ambiguous numbers are problems)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.cli import main
from consortium_planner.domain.fields import FieldError, coerce, specs
from consortium_planner.domain.model import Requirement, Tender
from consortium_planner.domain.money import MoneyError, parse_decimal
from consortium_planner.domain.rates import RatesError
from consortium_planner.domain.validation import ValidationError
from consortium_planner.services import xlsx_import
from consortium_planner.services.rates import apply_overrides, load_reference_rates
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.workbook_in import WorkbookRefused, read_workbook


def _two_cells(path, last: str):
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active[last] = 2
    wb.save(path)
    return path


@pytest.mark.parametrize("last", ["XFD1048576", "CV1048576"])
def test_a_huge_extent_is_refused_at_once_naming_the_cell_and_the_limit(tmp_path, last):
    path = _two_cells(tmp_path / "extent.xlsx", last)
    started = time.perf_counter()
    with pytest.raises(WorkbookRefused) as info:
        read_workbook(path)
    assert time.perf_counter() - started < 2.0
    assert f"reaching cell {last}" in str(info.value) and "5,000,000 cells" in str(info.value)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_huge_extent_is_refused_within_500_mb_in_a_fresh_process(tmp_path):
    path = _two_cells(tmp_path / "extent.xlsx", "XFD1048576")
    # the peak resident memory of this process image (VmHWM resets at exec; ru_maxrss would count the
    # parent's memory at fork, a gigabyte late in the suite)
    code = ("import sys\n"
            "from consortium_planner.services.workbook_in import read_workbook, WorkbookRefused\n"
            "try:\n    read_workbook(sys.argv[1])\nexcept WorkbookRefused:\n    pass\n"
            "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) < 500 * 1024  # kB


def test_the_cli_refuses_the_huge_extent_with_a_message(tmp_path, capsys):
    path = _two_cells(tmp_path / "extent.xlsx", "XFD1048576")
    ws_path = tmp_path / "w.cplan"
    assert main(["demo", str(ws_path)]) == 0
    before = ws_path.read_bytes()
    assert main(["import-xlsx", str(ws_path), str(path)]) == 1
    err = capsys.readouterr().err
    assert "reaching cell XFD1048576" in err and "Traceback" not in err
    assert ws_path.read_bytes() == before


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


def _schedule(path, rows, header=("Service line", "Area", "Annual volume", "Unit", "Other volume")):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Prices"
    sheet.append(list(header))
    for r in rows:
        sheet.append(list(r))
    wb.save(path)
    return path


def _plan(session, path, **kw):
    tender = session.ws.all(Tender)[0]
    return xlsx_import.plan(read_workbook(path), session.ws, session.store.next_id, tender_id=tender.id, **kw).plan


def test_blank_error_and_ambiguous_numbers_are_problems_under_either_rule(demo, tmp_path):
    path = _schedule(tmp_path / "s.xlsx", [
        ("Physiotherapy", "North", None, "hour", 5),
        ("Physiotherapy", "South", "#N/A", "hour", 6),
        ("Physiotherapy", "East", "1,2,3", "hour", 7),
        ("Physiotherapy", "West", "#DIV/0!", "hour", 8),
        ("Physiotherapy", "Up", "1,234", "hour", 9),  # a thousands separator: fine
    ])
    session = WorkspaceSession.open(demo)
    try:
        for kind in ("requirements", "schedule"):  # headed like our template, so either rule may read it
            plan = _plan(session, path, kind=kind)
            by_row = {p.row: p.reason for p in plan.problems}
            assert "a value is required" in by_row[2], kind
            assert "Excel's error #N/A" in by_row[3], kind
            assert "ambiguous" in by_row[4] or "not a number" in by_row[4], kind
            assert "Excel's error #DIV/0!" in by_row[5], kind
            assert 6 not in by_row, kind
    finally:
        session.close()


def test_the_users_mapping_is_honoured_for_a_schedule_headed_like_the_template(demo, tmp_path, capsys):
    path = _schedule(tmp_path / "s.xlsx", [("Physiotherapy", "North", 1, "hour", 500)])
    tender = json.loads(subprocess.run([sys.executable, "-m", "consortium_planner", "summary", str(demo)],
                                       capture_output=True, text=True, check=True).stdout)["tenders"][0]["name"]
    assert main(["import-xlsx", str(demo), str(path), "--tender", tender, "--map", "service_line=A",
                 "--map", "area=B", "--map", "volume=E", "--map", "unit=D"]) == 0
    assert "volume=E" in capsys.readouterr().out
    session = WorkspaceSession.open(demo)
    try:
        rows = [r for r in session.ws.all(Requirement) if r.area == "North" and r.service_line == "Physiotherapy"]
        assert [r.annual_volume for r in rows] == [Decimal(500)]
    finally:
        session.close()
    assert main(["import-xlsx", str(demo), str(path), "--kind", "requirements", "--map", "volume=E"]) == 1
    assert "for a buyer's pricing schedule" in capsys.readouterr().err


def test_a_sheet_over_the_row_limit_is_refused_before_planning(demo, tmp_path):
    rows = [("Physiotherapy", f"Area {i}", 1, "hour", 1) for i in range(xlsx_import.MAX_IMPORT_ROWS + 5)]
    path = _schedule(tmp_path / "long.xlsx", rows)
    session = WorkspaceSession.open(demo)
    try:
        for kind in ("schedule", "requirements"):
            plan = _plan(session, path, kind=kind)
            assert not plan.rows and len(plan.problems) == 1
            assert f"more than the {xlsx_import.MAX_IMPORT_ROWS:,} rows" in plan.problems[0].reason
    finally:
        session.close()



def test_the_row_limit_counts_the_rows_under_a_schedules_header_not_its_title_block(demo, tmp_path, monkeypatch):
    """A buyer's schedule of exactly the limit's rows under a title block and a header on row 4 is planned; one
    row more is refused, and the message counts the rows under the header."""
    monkeypatch.setattr(xlsx_import, "MAX_IMPORT_ROWS", 6)

    def book(n):
        wb = openpyxl.Workbook()
        sheet = wb.active
        sheet.title = "Prices"
        for row in (["Schedule 3: pricing"], ["Complete the yellow cells"], [],
                    ["Service line", "Area", "Annual volume", "Unit"]):
            sheet.append(row)
        for i in range(n):
            sheet.append(["Physiotherapy", f"Area {i}", 10 + i, "hour"])
        path = tmp_path / f"titled-{n}.xlsx"
        wb.save(path)
        return path

    session = WorkspaceSession.open(demo)
    try:
        at_limit = _plan(session, book(6), kind="schedule")
        assert not at_limit.problems and sum(1 for r in at_limit.rows if r.sheet == "Prices") == 6
        over = _plan(session, book(7), kind="schedule")
        assert not over.rows and len(over.problems) == 1
        assert "has 7 rows under its header: more than the 6 rows" in over.problems[0].reason
    finally:
        session.close()

# --------------------------------------------------------------------- what is accepted can be computed


@pytest.mark.parametrize("value", [Decimal("1e308"), "1e999", "1E+13", "-2000000000000", 1e300])
def test_numbers_beyond_a_trillion_are_refused_naming_the_field(value):
    with pytest.raises(FieldError, match="Annual volume.*too large"):
        coerce(specs(Requirement)["annual_volume"], value, entity="Requirement")


@pytest.mark.parametrize("text", ["1,2,3", "1,5", "12,34.5", "1e99999"])
def test_ambiguous_or_absurd_text_is_not_a_number(text):
    with pytest.raises(MoneyError):
        parse_decimal(text)


def test_dates_outside_a_plans_range_are_refused_naming_the_field():
    spec = specs(Tender)["start_date"]
    for value in ("31/12/9999", dt.date(1066, 10, 14)):
        with pytest.raises(FieldError, match="Service start.*outside the dates a plan can use"):
            coerce(spec, value, entity="Tender")
    assert coerce(spec, "01/04/2027", entity="Tender") == dt.date(2027, 4, 1)


def test_an_absurd_rate_override_is_refused():
    with pytest.raises(RatesError, match="too large"):
        apply_overrides(load_reference_rates(), {"2026/27": {"national_living_wage": "1e999"}})


def test_an_edit_to_an_absurd_value_leaves_the_workspace_unchanged(demo):
    session = WorkspaceSession.open(demo)
    try:
        req = session.ws.all(Requirement)[0]
        for bad in ("1e999", "1e308", "text"):
            with pytest.raises(ValidationError, match="Annual volume"):
                session.set_field(Requirement, req.id, "annual_volume", bad)
        assert session.ws.get(Requirement, req.id) == req
    finally:
        session.close()
