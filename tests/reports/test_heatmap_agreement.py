"""The coverage heat map agrees cell for cell in the case document, the PDF and the workbook's Coverage
sheet, with one service line × area spread over two lots (covered in one, a gap in the other)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from pypdf import PdfReader

from consortium_planner.domain.capacity import CoverageStatus
from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    Lot,
    Member,
    Organisation,
    Requirement,
    Structure,
    Tender,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import build_case
from consortium_planner.reports.document import ChartKind, Status
from consortium_planner.reports.pdf import render_pdf_bytes
from consortium_planner.reports.sections.capacity import COVERAGE_STATUS
from consortium_planner.reports.workbook import write_option_workbook
from consortium_planner.reports.xlsx_sheet import STATUS_FILLS
from consortium_planner.services import analyses

ON = dt.date(2026, 11, 25)
D = Decimal


@pytest.fixture(scope="module")
def ws() -> Workspace:
    """Two lots; the tender lists South before North before East (not alphabetical). Homecare in the
    South is in both lots: fully allocated in lot 1 (covered, with headroom), 100 of 500 in lot 2 (a gap)."""
    return Workspace([
        Organisation(id=1, name="Northfield Care Mutual"),
        Organisation(id=2, name="Southgate Carers CIC"),
        Capacity(id=1, organisation_id=1, service_line="Homecare", area="South", units_per_year=D(5000)),
        Capacity(id=2, organisation_id=1, service_line="Homecare", area="North", units_per_year=D(2000)),
        Capacity(id=3, organisation_id=2, service_line="Carers", area="East", units_per_year=D(1000)),
        Capacity(id=4, organisation_id=2, service_line="Carers", area="South", units_per_year=D(1000)),
        Tender(id=1, name="Two-lot tender", start_date=dt.date(2027, 4, 1), annual_value=D(1000000)),
        Lot(id=1, tender_id=1, name="Lot 1"),
        Lot(id=2, tender_id=1, name="Lot 2"),
        Requirement(id=1, tender_id=1, lot_id=1, service_line="Homecare", area="South", annual_volume=D(1000)),
        Requirement(id=2, tender_id=1, lot_id=1, service_line="Homecare", area="North", annual_volume=D(800)),
        Requirement(id=3, tender_id=1, lot_id=1, service_line="Carers", area="East", annual_volume=D(400)),
        Requirement(id=4, tender_id=1, lot_id=2, service_line="Homecare", area="South", annual_volume=D(500)),
        Requirement(id=5, tender_id=1, lot_id=2, service_line="Carers", area="South", annual_volume=D(300)),
        ConsortiumOption(id=1, tender_id=1, name="Two lots", structure=Structure.CONSORTIUM),
        Member(id=1, option_id=1, organisation_id=1),
        Member(id=2, option_id=1, organisation_id=2),
        Allocation(id=1, option_id=1, requirement_id=1, member_id=1, volume=D(1000)),
        Allocation(id=2, option_id=1, requirement_id=2, member_id=1, volume=D(800)),
        Allocation(id=3, option_id=1, requirement_id=3, member_id=2, volume=D(400)),
        Allocation(id=4, option_id=1, requirement_id=4, member_id=1, volume=D(100)),
        Allocation(id=5, option_id=1, requirement_id=5, member_id=2, volume=D(300)),
    ])


@pytest.fixture(scope="module")
def results(ws):
    return analyses.analyse_option(ws, 1)


#: The heat map worked out by hand: rows in the tender's order of service lines, columns in its order
#: of areas; (percentage of the requirement allocated, colour), None where nothing is required.
EXPECTED_ROWS = ("Homecare", "Carers")
EXPECTED_COLUMNS = ("South", "North", "East")
EXPECTED = {
    ("Homecare", "South"): (D("73.33"), Status.RED),  # (1000 + 100) / (1000 + 500); the gap in lot 2 wins
    ("Homecare", "North"): (D("100.00"), Status.GREEN),
    ("Homecare", "East"): None,
    ("Carers", "South"): (D("100.00"), Status.GREEN),
    ("Carers", "North"): None,
    ("Carers", "East"): (D("100.00"), Status.GREEN),
}


def test_the_lots_differ_and_the_grid_takes_the_worst(results):
    by_id = {r.requirement_id: r for r in results["coverage"].requirements}
    assert by_id[1].status is CoverageStatus.COVERED and by_id[4].status is CoverageStatus.GAP
    grid = results["coverage_grid"]
    assert tuple(line for line, _unit in grid.rows) == EXPECTED_ROWS
    assert grid.columns == EXPECTED_COLUMNS
    for r, line in enumerate(EXPECTED_ROWS):
        for c, area in enumerate(EXPECTED_COLUMNS):
            cell = grid.cells[r][c]
            want = EXPECTED[(line, area)]
            got = None if cell.status is None else (cell.coverage_pct, COVERAGE_STATUS[cell.status])
            assert got == want, (line, area)
    shared = grid.cells[0][0]
    assert shared.required == D(1500) and shared.allocated == D(1100) and shared.requirement_ids == (1, 4)


def test_the_case_heat_map_is_the_grid(ws, results):
    chart = build_case(ws, 1, results=results, on=ON).section("capacity").chart("coverage_heatmap")
    assert chart is not None and chart.kind is ChartKind.HEATMAP
    assert chart.categories == EXPECTED_COLUMNS
    assert tuple(s.name for s in chart.series) == EXPECTED_ROWS
    for series in chart.series:
        for area, value, status in zip(chart.categories, series.values, series.statuses, strict=True):
            want = EXPECTED[(series.name, area)]
            assert (None if value is None else (value, status)) == want, (series.name, area)
    assert "2 requirements" in chart.series[0].notes[0]  # the shared cell says it spans lots


def test_results_without_the_grid_give_the_same_heat_map(ws, results):
    partial = {k: v for k, v in results.items() if k != "coverage_grid"}
    chart = build_case(ws, 1, results=partial, on=ON).section("capacity").chart("coverage_heatmap")
    full = build_case(ws, 1, results=results, on=ON).section("capacity").chart("coverage_heatmap")
    assert chart == full


def test_the_pdf_prints_the_heat_map_row_by_row(ws, results):
    case = build_case(ws, 1, sections=["capacity"], results=results, on=ON)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf_bytes(case))).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Service line South North East" in flat
    assert "Homecare 73% 100%" in flat and "Carers 100% 100%" in flat


def test_the_workbook_coverage_sheet_shows_the_same_heat_map(ws, results, tmp_path):
    path = write_option_workbook(ws, 1, tmp_path / "two-lots.xlsx", results=results)
    sheet = openpyxl.load_workbook(path)["Coverage"]
    names = [n for n in sheet.tables if n.endswith("_coverage_heatmap")]
    assert len(names) == 1
    c0, r0, c1, r1 = range_boundaries(sheet.tables[names[0]].ref)
    header = tuple(sheet.cell(row=r0, column=c).value for c in range(c0, c1 + 1))
    assert header == ("Service line", *EXPECTED_COLUMNS)
    fills = {fill.fgColor.rgb: status for status, fill in STATUS_FILLS.items()}
    lines = []
    for r in range(r0 + 1, r1 + 1):
        line = sheet.cell(row=r, column=c0).value
        lines.append(line)
        for c, area in zip(range(c0 + 1, c1 + 1), EXPECTED_COLUMNS, strict=True):
            cell = sheet.cell(row=r, column=c)
            want = EXPECTED[(line, area)]
            if want is None:
                assert cell.value is None and cell.fill.fill_type is None, (line, area)
                continue
            assert Decimal(repr(cell.value)) == want[0], (line, area, cell.value)
            assert fills[cell.fill.fgColor.rgb] is want[1], (line, area)
            assert cell.number_format == '0"%"'
    assert tuple(lines) == EXPECTED_ROWS
    # the lots stay apart in the requirements table
    req = [n for n in sheet.tables if n.endswith("_requirements")][0]
    c0, r0, c1, r1 = range_boundaries(sheet.tables[req].ref)
    heads = [sheet.cell(row=r0, column=c).value for c in range(c0, c1 + 1)]
    rows = [{h: sheet.cell(row=r, column=c).value for h, c in zip(heads, range(c0, c1 + 1), strict=True)}
            for r in range(r0 + 1, r1 + 1)]
    south = {row["Lot"]: row["Status"] for row in rows if (row["Service line"], row["Area"]) == ("Homecare", "South")}
    assert south == {"Lot 1": "Covered", "Lot 2": "Gap"}


def test_the_heat_map_notes_are_written_when_read_and_are_every_cells_note(ws, results, monkeypatch):
    """Issue 22: a heat map's tooltips are made when first read (``Lazily``), each once, and read as the
    notes written out in full would; slices (a heat map split across pages) are notes too."""
    from consortium_planner.reports.document import Lazily
    from consortium_planner.reports.sections import capacity as section

    made = []
    real = section.cell_note
    monkeypatch.setattr(section, "cell_note", lambda c: made.append(c) or real(c))
    chart = section.coverage_heatmap(results["coverage_grid"])
    assert not made  # nothing written yet
    grid = results["coverage_grid"]
    for series, row in zip(chart.series, grid.cells, strict=True):
        assert isinstance(series.notes, Lazily) and len(series.notes) == len(row)
        assert series.notes[-1] == real(row[-1]) and series.notes[-1] is series.notes[len(row) - 1]
        assert series.notes == tuple(real(c) for c in row) and tuple(series.notes[1:]) == tuple(
            real(c) for c in row[1:])
        assert hash(series.notes) == hash(tuple(real(c) for c in row))
    assert len(made) == sum(2 * len(r) - 1 for r in grid.cells)  # each once, and those in the slice once more
    with pytest.raises(IndexError):
        chart.series[0].notes[len(grid.cells[0])]
