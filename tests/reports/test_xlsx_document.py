"""Document tables and heat maps written into a workbook sheet: formats by column kind, status fills,
bold totals, user text kept as text."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
from openpyxl.utils import range_boundaries

from consortium_planner.reports.document import (
    Cell,
    Chart,
    ChartKind,
    Column,
    Kind,
    Series,
    Status,
    Table,
    cell,
)
from consortium_planner.reports.xlsx_common import GBP
from consortium_planner.reports.xlsx_document import number_format, write_heatmap, write_table
from consortium_planner.reports.xlsx_sheet import STATUS_FILLS, Sheet

TABLE = Table("sample", (
    Column("Name"), Column("Amount", Kind.MONEY), Column("Share", Kind.PERCENT, 1), Column("Count", Kind.NUMBER, 0),
    Column("Ratio", Kind.NUMBER)), (
    (cell("=HYPERLINK(\"http://x\")"), cell(Decimal("1234.5")), cell(Decimal("12.25"), Status.AMBER),
     cell(Decimal(7)), cell("none", kind=Kind.TEXT)),
    (cell("+44 1234"), cell(Decimal("-3")), cell(None), cell(Decimal("8"), Status.RED), cell(Decimal("1.5"))),
    (cell("Total"), cell(Decimal("1231.5")), cell(Decimal("12.25")), cell(Decimal(15)), cell(None)),
), title="A sample", total_rows=1, note="Made up.")


def _written(tmp_path, write):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheet = Sheet(wb, "Sample", "Sample", "")
    write(sheet)
    sheet.finish()
    wb.save(tmp_path / "sample.xlsx")
    return openpyxl.load_workbook(tmp_path / "sample.xlsx")["Sample"]


def _cells(ws, suffix):
    name = next(n for n in ws.tables if n.endswith(suffix))
    c0, r0, c1, r1 = range_boundaries(ws.tables[name].ref)
    return [[ws.cell(row=r, column=c) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]


def test_number_formats_follow_the_column_kind():
    assert number_format(Kind.MONEY, 2) == GBP
    assert number_format(Kind.PERCENT, 2) == '0.00"%"'
    assert number_format(Kind.PERCENT, 0) == '0"%"'
    assert number_format(Kind.NUMBER, 0) == "#,##0"
    assert number_format(Kind.NUMBER, 1) == "#,##0.0"
    assert number_format(Kind.TEXT, 2) is None


def test_a_document_table_keeps_values_formats_statuses_and_text(tmp_path):
    ws = _written(tmp_path, lambda sheet: write_table(sheet, TABLE))
    rows = _cells(ws, "_sample")
    assert [c.value for c in rows[0]] == ["Name", "Amount", "Share", "Count", "Ratio"]
    first, second, total = rows[1:]
    assert first[0].value == '=HYPERLINK("http://x")' and first[0].data_type == "s" and first[0].quotePrefix
    assert second[0].value == "+44 1234" and second[0].data_type == "s" and second[0].quotePrefix
    assert Decimal(repr(first[1].value)) == Decimal("1234.5") and first[1].number_format == GBP
    assert first[2].number_format == '0.0"%"' and first[2].fill.fgColor.rgb == STATUS_FILLS[Status.AMBER].fgColor.rgb
    assert second[3].fill.fgColor.rgb == STATUS_FILLS[Status.RED].fgColor.rgb
    assert first[3].number_format == "#,##0" and first[4].value == "none"
    assert second[4].number_format == "#,##0.00"
    assert second[2].value is None
    assert all(c.font.b for c in total) and not any(c.font.b for c in first)
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "A sample" in texts and "Made up." in texts


def test_a_heat_map_is_rows_by_columns_with_fills(tmp_path):
    chart = Chart("heat", ChartKind.HEATMAP, "Coverage", ("South", "North"), (
        Series("Homecare", (Decimal("73.33"), None), (Status.RED, None)),
        Series("Carers", (Decimal(100), Decimal("95.5")), (Status.GREEN, Status.AMBER)),
    ), "Area", "Service line", y_kind=Kind.PERCENT, places=0, note="Red: a gap.")
    ws = _written(tmp_path, lambda sheet: write_heatmap(sheet, chart))
    rows = _cells(ws, "_heat")
    assert [c.value for c in rows[0]] == ["Service line", "South", "North"]
    assert [c.value for c in rows[1]][0] == "Homecare" and rows[1][2].value is None
    assert rows[1][2].fill.fill_type is None
    assert Decimal(repr(rows[1][1].value)) == Decimal("73.33") and rows[1][1].number_format == '0"%"'
    assert [rows[r][c].fill.fgColor.rgb for r, c in ((1, 1), (2, 1), (2, 2))] == [
        STATUS_FILLS[s].fgColor.rgb for s in (Status.RED, Status.GREEN, Status.AMBER)]


def test_repeated_or_empty_titles_still_make_an_excel_table(tmp_path):
    table = Table("dupes", (Column("£"), Column(""), Column("£")), ((Cell("a"), Cell("b"), Cell("c")),))
    ws = _written(tmp_path, lambda sheet: write_table(sheet, table))
    assert [c.value for c in _cells(ws, "_dupes")[0]] == ["£", "Column 2", "£ (2)"]
