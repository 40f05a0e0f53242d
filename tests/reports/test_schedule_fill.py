"""Filling a buyer's pricing schedule: our prices in the mapped columns, everything else as the buyer left it."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from consortium_planner.domain.money import quantize
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import option_by_name
from consortium_planner.reports.schedule_fill import FillResult, fill_pricing_schedule
from consortium_planner.reports.xlsx_common import GBP
from consortium_planner.services import analyses
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.tabular import ColumnMapping

SPV = "Special purpose vehicle"
SHEET = "Pricing Schedule"
HEADERS = ("Annual price (£)", "Bidder notes", "Estimated volume", "Service", "Area", "Price per unit (£)",
           "Buyer check")
# columns in the buyer's odd order
TOTAL, NOTES, VOLUME, LINE, AREA, UNIT, CHECK = range(1, 8)


@pytest.fixture(scope="module")
def schedule():
    ws = Workspace(build_demo_entities(load_demo_source()))
    return analyses.prices(ws, option_by_name(ws, SPV).id)


def mapping(**columns: int) -> ColumnMapping:
    return ColumnMapping(SHEET, 3, columns=columns, headers=HEADERS)


FULL = {"service_line": LINE, "area": AREA, "volume": VOLUME, "unit_price": UNIT, "total_price": TOTAL}


def buyer_workbook(path: Path, schedule) -> list[tuple[int, str, object]]:
    """A buyer's schedule: a title, the header on row 3, odd column order, notes and a formula of its own,
    a second sheet. Returns (row, service line as typed, volume) for the data rows."""
    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "Instructions"
    intro["A1"] = "Complete the yellow cells on the Pricing Schedule."
    intro["A2"] = "=1+1"
    sheet = wb.create_sheet(SHEET)
    sheet["A1"] = "Westmarch County Council: pricing schedule"
    sheet["A2"] = "Prices exclude VAT."
    for c, h in enumerate(HEADERS, start=1):
        sheet.cell(row=3, column=c, value=h)
    lines = [t.service_line for t in schedule.lines]
    rows: list[tuple[int, str, object]] = [
        (4, lines[0], 64000),
        (5, "  " + lines[1].upper() + " ", 8000),  # case and spacing do not matter
        (6, lines[2], 1250.5),  # a fractional volume typed by the buyer
        (7, "Dog walking", 100),  # a service line we do not price
        (8, "", None),  # a blank row with a note only
        (9, lines[3], "tbc"),  # a volume that is not a number
        (10, lines[4], "=C4/8"),  # a volume that is a formula of the buyer's
    ]
    for r, line, volume in rows:
        if line:
            sheet.cell(row=r, column=LINE, value=line)
            sheet.cell(row=r, column=AREA, value="Brackenmoor")
        if volume is not None:
            sheet.cell(row=r, column=VOLUME, value=volume)
        sheet.cell(row=r, column=CHECK, value=f'=IF(A{r}>0,"priced","missing")')
    sheet.cell(row=8, column=NOTES, value="Reserved row")
    sheet.cell(row=7, column=UNIT, value=Decimal("99.99"))  # what the buyer typed stays
    sheet["A12"] = "Total"
    sheet["B12"] = "=SUM(A4:A10)"
    wb.save(path)
    return rows


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def values(path: Path, sheet: str) -> dict[str, object]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def price_of(schedule, line: str) -> Decimal:
    return next(t.unit_price for t in schedule.lines if t.service_line == line)


def test_prices_and_live_totals_go_in_the_mapped_columns(schedule, tmp_path):
    source, dest = tmp_path / "buyer.xlsx", tmp_path / "out" / "buyer - our prices.xlsx"
    rows = buyer_workbook(source, schedule)
    before_hash = sha(source)
    before = {s: values(source, s) for s in ("Instructions", SHEET)}
    result = fill_pricing_schedule(source, mapping(**FULL), schedule, dest)

    assert isinstance(result, FillResult) and result.path == dest and dest.exists()
    assert sha(source) == before_hash  # the buyer's file is untouched
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")]
    ws = openpyxl.load_workbook(dest)[SHEET]
    lines = [t.service_line for t in schedule.lines]
    for r, line in ((4, lines[0]), (5, lines[1]), (6, lines[2]), (10, lines[4])):
        unit = ws.cell(row=r, column=UNIT)
        assert Decimal(repr(unit.value)) == price_of(schedule, line), r
        assert unit.number_format == GBP
        total = ws.cell(row=r, column=TOTAL)
        assert total.data_type == "f" and total.value == f"=ROUND(F{r}*C{r},2)"
        assert total.number_format == GBP
    # the unknown service line: reported, the row left as it was
    assert ws.cell(row=7, column=TOTAL).value is None
    assert Decimal(repr(ws.cell(row=7, column=UNIT).value)) == Decimal("99.99")
    # the volume that is not a number: the unit price goes in, the annual price does not
    assert Decimal(repr(ws.cell(row=9, column=UNIT).value)) == price_of(schedule, lines[3])
    assert ws.cell(row=9, column=TOTAL).value is None
    assert result.rows_filled == 5
    where = {(p.row, p.column) for p in result.problems}
    assert where == {(7, LINE), (9, VOLUME)}
    unknown = next(p for p in result.problems if p.row == 7)
    assert unknown.sheet == SHEET and "Dog walking" in unknown.reason and unknown.column_name == "Service"
    assert "row 7" in str(unknown) and "column D (Service)" in str(unknown)
    # everything else as the buyer left it
    after = {s: values(dest, s) for s in ("Instructions", SHEET)}
    assert after["Instructions"] == before["Instructions"]
    changed = {k for k in set(before[SHEET]) | set(after[SHEET]) if before[SHEET].get(k) != after[SHEET].get(k)}
    assert changed == {f"{col}{r}" for r in (4, 5, 6, 10) for col in ("A", "F")} | {"F9"}
    assert after[SHEET]["G4"] == '=IF(A4>0,"priced","missing")' and after[SHEET]["B12"] == "=SUM(A4:A10)"
    assert after[SHEET]["C10"] == "=C4/8"
    assert [r for r, *_ in rows]  # the layout used


def test_annual_price_only_is_written_as_a_figure(schedule, tmp_path):
    source, dest = tmp_path / "buyer.xlsx", tmp_path / "filled.xlsx"
    buyer_workbook(source, schedule)
    cols = {k: v for k, v in FULL.items() if k != "unit_price"}
    result = fill_pricing_schedule(source, mapping(**cols), schedule, dest)
    ws = openpyxl.load_workbook(dest)[SHEET]
    lines = [t.service_line for t in schedule.lines]
    assert Decimal(repr(ws.cell(row=4, column=TOTAL).value)) == quantize(price_of(schedule, lines[0]) * 64000)
    assert Decimal(repr(ws.cell(row=6, column=TOTAL).value)) == quantize(price_of(schedule, lines[2])
                                                                        * Decimal("1250.5"))
    assert ws.cell(row=4, column=TOTAL).number_format == GBP
    assert ws.cell(row=4, column=UNIT).value is None  # not mapped: not written
    assert Decimal(repr(ws.cell(row=7, column=UNIT).value)) == Decimal("99.99")
    # a formula volume cannot be multiplied here, nor can "tbc"
    assert ws.cell(row=10, column=TOTAL).value is None and ws.cell(row=9, column=TOTAL).value is None
    assert {(p.row, p.column) for p in result.problems} == {(7, LINE), (9, VOLUME), (10, VOLUME)}
    assert result.rows_filled == 3


def test_unit_price_only(schedule, tmp_path):
    source, dest = tmp_path / "buyer.xlsx", tmp_path / "filled.xlsx"
    buyer_workbook(source, schedule)
    cols = {k: v for k, v in FULL.items() if k != "total_price"}
    result = fill_pricing_schedule(source, mapping(**cols), schedule, dest)
    ws = openpyxl.load_workbook(dest)[SHEET]
    assert ws.cell(row=9, column=UNIT).value is not None and ws.cell(row=4, column=TOTAL).value is None
    assert {(p.row, p.column) for p in result.problems} == {(7, LINE)}
    assert result.rows_filled == 5


def test_refusals(schedule, tmp_path):
    source = tmp_path / "buyer.xlsx"
    buyer_workbook(source, schedule)
    no_prices = {k: v for k, v in FULL.items() if k not in ("unit_price", "total_price")}
    with pytest.raises(ValueError, match="unit price column or the annual price column"):
        fill_pricing_schedule(source, mapping(**no_prices), schedule, tmp_path / "x.xlsx")
    with pytest.raises(ValueError, match="another name"):
        fill_pricing_schedule(source, mapping(**FULL), schedule, source)
    with pytest.raises(ValueError, match="no sheet named"):
        fill_pricing_schedule(source, ColumnMapping("Prices", 3, columns=FULL), schedule, tmp_path / "x.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buyer.xlsx"]
    # an unsafe or unreadable workbook is refused by the safety checks
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(ValueError):
        fill_pricing_schedule(bad, mapping(**FULL), schedule, tmp_path / "y.xlsx")
    assert not (tmp_path / "y.xlsx").exists()


def test_the_sheet_name_matches_without_case(schedule, tmp_path):
    source, dest = tmp_path / "buyer.xlsx", tmp_path / "filled.xlsx"
    buyer_workbook(source, schedule)
    m = ColumnMapping(" pricing schedule ", 3, columns=FULL, headers=HEADERS)
    assert fill_pricing_schedule(source, m, schedule, dest).rows_filled == 5


def test_headings_and_total_lines_are_left_alone_without_a_problem(schedule, tmp_path):
    source, dest = tmp_path / "buyer.xlsx", tmp_path / "priced.xlsx"
    buyer_workbook(source, schedule)
    wb = openpyxl.load_workbook(source)
    sheet = wb[SHEET]
    sheet.cell(row=13, column=LINE, value="Community services")  # a section heading: no area, no volume
    sheet.cell(row=14, column=LINE, value="Sub-total: Lot 1")  # the buyer's own sum row
    sheet.cell(row=14, column=TOTAL, value="=SUM(A4:A10)")
    sheet.cell(row=15, column=LINE, value="Grand total")
    wb.save(source)
    result = fill_pricing_schedule(source, mapping(**FULL), schedule, dest)
    assert {p.row for p in result.problems} == {7, 9}  # only the rows of the first test
    after = openpyxl.load_workbook(dest)[SHEET]
    assert after.cell(row=14, column=TOTAL).value == "=SUM(A4:A10)"
    assert after.cell(row=13, column=UNIT).value is None and after.cell(row=15, column=UNIT).value is None
