"""The option workbook read back: every percentage and ratio formatted as one, every sheet set up to print
legibly (checked on the page set-up, then on a PDF that LibreOffice prints of the demo's vehicle)."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from consortium_planner.domain.fields import Kind, specs
from consortium_planner.domain.model import ConsortiumOption, Tender
from consortium_planner.domain.scenarios import DRIVERS
from consortium_planner.domain.standing import Unit
from consortium_planner.reports.workbook import write_option_workbook
from consortium_planner.reports.xlsx_common import HEADER_FILL
from consortium_planner.reports.xlsx_sheet import (
    LONG_TABLE,
    MIN_FIT_SCALE,
    MIN_WIDTH,
    PAGE_PIXELS,
    column_pixels,
)
from consortium_planner.services.compare import ROWS as COMPARE_ROWS
from consortium_planner.services.compare import ValueKind
from libreoffice import convert

MONEY, PERCENT, RATIO, COUNT = "money", "percent", "ratio", "count"


def family(fmt: str) -> str:
    if "%" in fmt:
        return PERCENT
    if "£" in fmt:
        return MONEY
    if fmt in ("0.00", "#,##0.00", "0.0000"):
        return RATIO
    return COUNT


# Columns (by table and header) and rows of label/value tables (by table and label) that hold a
# percentage or a ratio. Every cell of them must be formatted as one; every other number must not be
# formatted as a percentage. ``*`` stands for every numeric column of the table.
PERCENT_COLUMNS = {
    ("Inputs", "members"): {"Participation share", "Profit share"},
    ("Inputs", "funding"): {"Interest rate a year", "Arrangement fee"},
    ("Coverage", "requirements"): {"Coverage", "Headroom"},
    ("Coverage", "utilisation"): {"Utilisation", "Largest growth needed", "Contract dependency"},
    ("Coverage", "coverage_heatmap"): {"*"},
    ("Cost build-up", "lines"): {"Margin earned"},
    ("Cost build-up", "roles"): {"Pension rate"},
    ("Prices by year", "terms"): {"Cost index a year", "Staff share"},
    ("Projection", "months"): {"Volume delivered"},
    ("Projection", "member_returns"): {"Profit share", "Tax rate"},
    ("Model prices", "model_lines"): {"Staff share of cost", "Fixed share of cost", "Cost index a year"},
    ("Model costs", "model_members"): {"Share of the service line"},
    ("Model months", "model_accruals"): {"Volume delivered"},
    ("Model profit", "model_members_tax"): {"Profit share", "Participation share", "Tax rate"},
    ("Model profit", "model_shares"): {"*"},
    ("Model loans", "model_sources"): {"Interest rate a year", "Arrangement fee", "Monthly rate"},
    ("Model loans", "model_loans"): {"Monthly rate"},
    ("Model bank", "model_overdrafts"): {"Monthly rate"},
    ("Evaluation", "evaluation_questions"): {"Share of quality"},
    ("Lots", "lots"): {"Chance"},
    ("Social value", "social_value_ledger"): set(),
}
PERCENT_ROWS = {
    ("Coverage", "summary"): ("Allocated ÷ required", "Covered ÷ required"),
    ("Cost build-up", "totals"): ("Staff share of cost",),
    ("Prices by year", "totals"): ("Break-even volume", "Abnormally low"),
    ("Projection", "totals"): ("Bond premium a year",),
    ("Funding", "requirement"): ("Contingency on funding",),
    ("Returns", "returns"): ("Discount rate a year", "Internal rate of return", "Break-even volume", "Break-even price"),
    ("Model", "model_assumptions"): ("Management fee", "Pay uplift", "CPI", "Contingency on cost", "Margin",
                                     "Tax rate", "Performance bond (%", "Bond premium a year (%", "Discount rate",
                                     "Contingency on funding"),
    ("Model funding", "model_returns"): ("Internal rate of return", "Break-even volume", "Break-even price"),
}
RATIO_COLUMNS = {("Funding", "dscr"): {"Debt service cover"}, ("Model funding", "model_dscr"): {"Debt service cover"}}
RATIO_ROWS = {
    ("Funding", "requirement"): ("Minimum debt service cover", "Lowest debt service cover"),
    ("Model", "model_assumptions"): ("Debt service cover lenders look for",),
    ("Model funding", "model_requirement"): ("Lowest debt service cover",),
}
# The Compare and Scenarios sheets: each comparison row's declared kind (services/compare.py).
COMPARE_KINDS = {r.label: {ValueKind.PERCENT: PERCENT, ValueKind.RATIO: RATIO, ValueKind.MONEY: MONEY}[r.kind]
                 for r in COMPARE_ROWS if r.kind in (ValueKind.PERCENT, ValueKind.RATIO, ValueKind.MONEY)}
PERCENT_COLUMNS[("Partnership", "pension_cohorts")] = {"Rate"}
# The scenario drivers' table: a driver in % is a percentage column (domain/scenarios.py).
PERCENT_COLUMNS[("Scenarios", "scenario_drivers")] = {d.label for d in DRIVERS if d.unit == "%"}
# The Sensitivity sheet's tornado tables: win probability in %, debt service cover as a ratio.
PERCENT_COLUMNS[("Sensitivity", "tornado_win_probability")] = {"Win probability at low", "Win probability at high",
                                                               "Swing"}
RATIO_COLUMNS[("Sensitivity", "tornado_min_dscr")] = {"Minimum debt service cover at low",
                                                      "Minimum debt service cover at high", "Swing"}
# The Markets sheet: concentration shares and the shares by buyer type are percentages (the Herfindahl index not).
PERCENT_COLUMNS[("Markets", "concentration")] = {"Largest buyer", "Trading", "Public"}
PERCENT_COLUMNS[("Markets", "concentration_by_buyer_type")] = {"*"}
# The Pipeline sheet (a workspace with two tenders): each tender's chance of winning.
PERCENT_COLUMNS[("Pipeline", "pipeline_tenders")] = {"Chance"}
# Tables whose value column takes each row's own unit (checked against the program's units below).
BY_UNIT = {("Standing", "metrics"), ("Model standing", "model_metrics")}
UNIT_FAMILY = {Unit.MONEY: MONEY, Unit.PERCENT: PERCENT, Unit.RATIO: RATIO, Unit.MONTHS: COUNT}


def _key(table_name: str) -> str:
    return table_name.split("_", 2)[2]


def _expected(sheet: str, key: str, header: str, label: object, ws_, option) -> str | None:
    """What a number in this cell must be formatted as (None: anything but a percentage)."""
    header = re.sub(r"^(Program|Check): ", "", header)
    header = header[:1].upper() + header[1:]
    if key in ("tender", "option") and sheet == "Inputs":  # the entity's own field specs say
        entity = Tender if key == "tender" else ConsortiumOption
        kinds = {spec.label: spec.kind for spec in specs(entity).values()}
        kind = kinds.get(str(label))
        return PERCENT if kind is Kind.PERCENT else (MONEY if kind is Kind.MONEY else None)
    columns = PERCENT_COLUMNS.get((sheet, key), set())
    if "*" in columns and header not in ("Line no.",) or header in columns:
        return PERCENT
    if header in RATIO_COLUMNS.get((sheet, key), set()):
        return RATIO
    if header in ("Value", "Amount") and isinstance(label, str):
        if label.startswith(PERCENT_ROWS.get((sheet, key), ("\0",))):
            return PERCENT
        if label.startswith(RATIO_ROWS.get((sheet, key), ("\0",))):
            return RATIO
    return None


@pytest.fixture(scope="module")
def written(ws, spv_id, results, tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "option.xlsx"
    return write_option_workbook(ws, spv_id, path, results=results)


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written)


def test_every_percentage_and_ratio_is_formatted_as_one(book, ws, spv_id, results):
    option = ws.get(ConsortiumOption, spv_id)
    seen = {PERCENT: 0, RATIO: 0, MONEY: 0}
    units = {}
    standing = results["standing"]
    for m in standing.members:
        for r in m.standing.metrics:
            units[(m.name, r.label[:1].upper() + r.label[1:])] = r.unit
    for t in standing.tested:
        for r in t.metrics:
            units[(t.name, r.label[:1].upper() + r.label[1:])] = r.unit
    for sheet in book.worksheets:
        for t in sheet.tables.values():
            key = _key(t.name)
            c0, r0, c1, r1 = range_boundaries(t.ref)
            headers = {c: str(sheet.cell(row=r0, column=c).value) for c in range(c0, c1 + 1)}
            for r in range(r0 + 1, r1 + 1):
                label = sheet.cell(row=r, column=c0).value
                for c, header in headers.items():
                    cell = sheet.cell(row=r, column=c)
                    is_number = cell.data_type == "n" and cell.value is not None and not isinstance(cell.value, bool)
                    if header.startswith("Check:") or not (is_number or cell.data_type == "f"):
                        continue
                    if cell.data_type == "f" and cell.value.startswith('="'):
                        continue  # a text formula ("none")
                    where = (sheet.title, t.name, header, label, cell.number_format)
                    assert cell.number_format != "General", where
                    got = family(cell.number_format)
                    if (sheet.title, key) in BY_UNIT and header in ("Value", "Value shown", "Program: value shown",
                                                                     "Exact value", "Pass mark", "Amber level"):
                        test = sheet.cell(row=r, column=c0 + (1 if key == "model_metrics" else 2)).value
                        unit = units.get((label, test))
                        assert unit is not None, where
                        assert got == UNIT_FAMILY[unit], where
                        continue
                    if sheet.title in ("Compare", "Scenarios") and isinstance(label, str):
                        # written from the comparison's rows: each row declares its own kind
                        kind = COMPARE_KINDS.get(label)
                        if kind is not None:
                            assert got == kind, where
                            continue
                    want = _expected(sheet.title, key, header, label, ws, option)
                    if want is None:
                        assert got != PERCENT, where
                    else:
                        assert got == want, where
                        seen[want] += 1
    # the IRR, the program's IRR beside the formula, shares and rates were all among them
    assert seen[PERCENT] > 200 and seen[RATIO] > 10, seen


def test_the_irr_shows_as_a_percentage_beside_its_formula(book, results):
    irr = results["returns"].irr_pct
    sheet = book["Model funding"]
    row = next(c.row for c in sheet["A"] if str(c.value).startswith("Internal rate of return"))
    formula, program = sheet.cell(row=row, column=2), sheet.cell(row=row, column=3)
    assert formula.data_type == "f" and Decimal(str(program.value)) == irr
    assert formula.number_format == program.number_format == '0.0000"%"'


def _sheet_pixels(sheet) -> int:
    last = sheet.max_column
    return sum(column_pixels(sheet.column_dimensions[get_column_letter(c)].width or MIN_WIDTH)
               for c in range(1, last + 1))


def test_every_sheet_is_set_up_to_print_legibly(book):
    for sheet in book.worksheets:
        setup, fit = sheet.page_setup, sheet.sheet_properties.pageSetUpPr.fitToPage
        pixels = _sheet_pixels(sheet)
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert sheet.print_area and sheet.print_area.endswith(f"${sheet.max_row}"), sheet.title
        if pixels > PAGE_PIXELS["portrait"]:
            assert setup.orientation == "landscape", sheet.title
        if fit:  # fitted to the page's width only when the text stays at 8 points or more
            assert setup.fitToWidth == 1 and setup.fitToHeight == 0, sheet.title
            assert PAGE_PIXELS["landscape"] * 100 / pixels >= MIN_FIT_SCALE, (sheet.title, pixels)
        else:
            assert int(setup.scale or 100) >= MIN_FIT_SCALE, sheet.title
            if pixels * int(setup.scale or 100) / 100 > PAGE_PIXELS["landscape"]:
                assert setup.pageOrder == "overThenDown", sheet.title
        tables = sorted(range_boundaries(t.ref)[1::2] for t in sheet.tables.values())
        if sheet.print_title_rows:  # the repeated row is the header of the last table, a long one
            first = int(sheet.print_title_rows.split(":")[0].strip("$"))
            assert first == tables[-1][0] and tables[-1][1] - first > LONG_TABLE, sheet.title
            assert sheet.cell(row=first, column=1).fill.fgColor.rgb == HEADER_FILL.fgColor.rgb, sheet.title
        breaks = {b.id for b in sheet.row_breaks.brk}
        for header, last in tables:
            if last - header > LONG_TABLE and header > 8:
                assert any(header - 4 <= b < header for b in breaks), (sheet.title, header)
    # the Model sheets with a long table repeat its header; the overview is one page wide
    assert book["Model months"].print_title_rows and book["Model bank"].print_title_rows
    overview = book["Model"]
    assert overview.sheet_properties.pageSetUpPr.fitToPage or _sheet_pixels(overview) <= PAGE_PIXELS["landscape"]


# DejaVu Sans (LibreOffice's stand-in for Calibri) draws a word's box 1.293 times its point size,
# measured: 11-point text printed at 75% gives boxes 10.668 points high.
BOX_PER_POINT = 1.2931


def test_libreoffice_prints_every_page_at_8_points_or_more(written, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "option.xlsx"
    shutil.copy(written, source)
    convert([source], "pdf", tmp_path, tmp_path, 300)
    pdf = tmp_path / "option.pdf"
    assert pdf.exists()
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = boxes.split("<page ")[1:]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "###" not in text  # no number too wide for its column
    sizes = []
    for page in pages:
        width, height = (float(x) for x in re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        assert {round(width), round(height)} == {842, 595}, "A4"
        heights = [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        if heights:
            sizes.append(min(heights) / BOX_PER_POINT)
    assert len(sizes) == len(pages) > 20
    assert min(sizes) >= 8 - 0.05, min(sizes)
    footers = re.findall(r"(\S[^\n]*?): page (\d+) of (\d+)", text)
    assert len(footers) == len(pages) and {int(n) for _, _, n in footers} == {len(pages)}
    assert statistics.median(sizes) < 11.5  # not everything shrunk nor blown up: 8.25 to 11 points
    Path(pdf).unlink()
