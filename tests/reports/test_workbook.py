"""An option exported as a workbook: figures equal the analyses to the penny, text stays text, the Model
sheets pair their formulas with the program's figures, the file is written atomically. (LibreOffice
recomputing the Model sheets: ``test_workbook_model.py``; formats and printing: ``test_workbook_print.py``.)"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from consortium_planner.domain.model import Organisation, Tender
from consortium_planner.domain.tasks import Cancelled
from consortium_planner.reports.case import option_by_name
from consortium_planner.reports.document import status_of
from consortium_planner.reports.workbook import SHEETS, write_option_workbook
from consortium_planner.reports.xlsx_common import GBP
from consortium_planner.reports.xlsx_sheet import STATUS_FILLS
from consortium_planner.services.pipeline import Refusal

SPV = "Special purpose vehicle"


@pytest.fixture(scope="module")
def exported(ws, spv_id, results, tmp_path_factory):
    path = tmp_path_factory.mktemp("workbook") / "option.xlsx"
    steps: list[tuple[float, str]] = []
    out = write_option_workbook(ws, spv_id, path, results=results, progress=lambda p, m: steps.append((p, m)))
    return out, steps


@pytest.fixture(scope="module")
def book(exported):
    return openpyxl.load_workbook(exported[0])


def d(value) -> Decimal:
    """A cell's number as the exact decimal it was written as (floats' shortest round-trip text)."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def table(ws, suffix: str) -> list[dict[str, object]]:
    """The rows of the Excel table whose name ends with ``suffix``, as dicts keyed by header."""
    names = [n for n in ws.tables if n.endswith(suffix)]
    assert len(names) == 1, (suffix, list(ws.tables))
    c0, r0, c1, r1 = range_boundaries(ws.tables[names[0]].ref)
    headers = [ws.cell(row=r0, column=c).value for c in range(c0, c1 + 1)]
    return [{h: ws.cell(row=r, column=c).value for h, c in zip(headers, range(c0, c1 + 1), strict=True)}
            for r in range(r0 + 1, r1 + 1)]


def table_cells(ws, suffix: str, header: str):
    names = [n for n in ws.tables if n.endswith(suffix)]
    c0, r0, c1, r1 = range_boundaries(ws.tables[names[0]].ref)
    for c in range(c0, c1 + 1):
        if ws.cell(row=r0, column=c).value == header:
            return [ws.cell(row=r, column=c) for r in range(r0 + 1, r1 + 1)]
    raise KeyError(header)


# --------------------------------------------------------------------------- structure


def test_sheets_have_titles_frozen_headers_and_filters(book, exported):
    path, steps = exported
    # the demo's tender has pass/fail criteria (an Evaluation sheet) and lots (a Lots sheet), and it holds two
    # tenders (a Pipeline sheet)
    assert book.sheetnames == [*SHEETS, "Evaluation", "Lots", "Pipeline"]
    for ws in book.worksheets:
        assert ws["A1"].value and ws["A1"].font.b, ws.title
        assert ws.freeze_panes is not None, ws.title
        header_row = int(ws.freeze_panes[1:]) - 1
        assert ws.cell(row=header_row, column=1).font.b, ws.title  # the frozen row is a styled header
        assert ws.tables, ws.title
        for t in ws.tables.values():
            assert t.autoFilter is not None and t.autoFilter.ref == t.ref, (ws.title, t.name)
        assert ws.column_dimensions["A"].width >= 8
    assert [p for p, _ in steps] == sorted(p for p, _ in steps) and steps[-1][0] == 1.0 and all(0 <= p <= 1 for p, _ in steps)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_inputs_list_the_tender_option_members_and_allocations(book, ws, spv_id):
    sheet = book["Inputs"]
    tender = {r["Item"]: r["Value"] for r in table(sheet, "_tender")}
    t = ws.get(Tender, option_by_name(ws, SPV).tender_id)
    assert tender["Name"] == t.name and tender["Buyer"] == t.buyer
    assert d(tender["Estimated annual value"]) == t.annual_value
    assert tender["Service start"].date() == t.start_date
    members = table(sheet, "_members")
    assert len(members) == len(ws.members(spv_id))
    allocations = table(sheet, "_allocations")
    assert sum(d(r["Volume allocated"]) for r in allocations) == sum(a.volume for a in ws.allocations(spv_id))
    for c in table_cells(sheet, "_members", "Capital contribution"):
        assert c.number_format == GBP


# --------------------------------------------------------------------------- figures equal the analyses


def test_prices_by_year_equal_the_analysis_to_the_penny(book, results):
    p = results["prices"]
    sheet = book["Prices by year"]
    lines = table(sheet, "_lines")
    expected = [(y.number, ly) for y in p.years for ly in y.lines]
    assert len(lines) == len(expected)
    for row, (n, ly) in zip(lines, expected, strict=True):
        assert row["Contract year"] == n and row["Service line"] == ly.service_line
        assert d(row["Unit price"]) == ly.unit_price
        assert d(row["Volume"]) == ly.volume
        assert d(row["Annual price"]) == ly.annual_price
        assert d(row["Annual cost"]) == ly.annual_cost
        assert d(row["Management fee"]) == ly.annual_fee
        assert d(row["Margin"]) == ly.annual_margin
    years = table(sheet, "_years")
    assert [r["Contract year"] for r in years] == [y.number for y in p.years]
    for row, y in zip(years, p.years, strict=True):
        assert d(row["Annual price"]) == y.annual_price
        assert d(row["Annual cost"]) == y.annual_cost
        assert d(row["Management fee"]) == y.annual_fee
        assert d(row["Margin"]) == y.annual_margin
    totals = {r["Item"]: r["Value"] for r in table(sheet, "_totals")}
    term = [v for k, v in totals.items() if k.startswith("Term price")]
    assert len(term) == 1 and d(term[0]) == p.term_price
    assert d(next(v for k, v in totals.items() if k.startswith("Total price"))) == p.total_price
    assert d(totals["Total cost, all years shown"]) == p.total_cost
    assert d(totals["Total management fee, all years shown"]) == p.total_fee
    assert d(totals["Total margin, all years shown"]) == p.total_margin
    for header in ("Unit price", "Annual price", "Annual cost", "Management fee", "Margin"):
        for c in table_cells(sheet, "_lines", header):
            assert c.number_format == GBP, (header, c.coordinate)


def test_other_sheets_carry_the_headline_figures(book, results):
    funding, returns, projection = results["funding"], results["returns"], results["projection"]
    f = {r["Item"]: r["Value"] for r in table(book["Funding"], "_requirement")}
    assert d(f["Funding requirement"]) == funding.requirement
    r = {x["Item"]: x["Value"] for x in table(book["Returns"], "_returns")}
    assert d(r["Net present value"]) == returns.npv
    assert book["Returns"].cell(row=_row_of(book["Returns"], "Net present value"), column=2).number_format == GBP
    months = table(book["Projection"], "_months")
    assert len(months) == len(projection.months)
    assert [d(m["Cash before funding"]) for m in months] == [m.cash_before_funding for m in projection.months]
    pnl = table(book["Projection"], "_pnl")
    assert [d(x["Profit after tax"]) for x in pnl] == [y.profit_after_tax for y in projection.years]
    build = table(book["Cost build-up"], "_lines")
    assert [d(x["Delivery cost"]) for x in build] == [s.annual_cost for s in results["prices"].buildup.service_lines]
    cov = table(book["Coverage"], "_requirements")
    assert len(cov) == len(results["coverage"].requirements)
    assert {x["Status"] for x in cov} <= {"Covered", "Thin", "Gap"}
    standing = table(book["Standing"], "_metrics")
    assert any(x["Role"].startswith("Tested") for x in standing)
    assert {x["Result"] for x in standing} <= {"Pass", "Pass with caution", "Fail", "Not given",
                                               "Cannot be calculated", "Not tested"}


def test_findings_tables_show_each_severity_label_area_and_colour(book, results):
    for title, name, area in (("Prices by year", "prices", "Pricing"), ("Returns", "returns", "Returns")):
        findings = results[name].flags
        assert findings, name
        rows = table(book[title], "_flags")
        assert [(r["Severity"], r["Area"], r["Code"], r["Message"]) for r in rows] == [
            (f.severity.label, f.area or area, f.code, f.message) for f in findings]
        for c, f in zip(table_cells(book[title], "_flags", "Severity"), findings, strict=True):
            assert c.fill.fgColor.rgb == STATUS_FILLS[status_of(f.severity)].fgColor.rgb


def test_members_earnings_and_use_of_funds_are_the_cases_tables(book, results):
    projection, funding = results["projection"], results["funding"]
    earnings = table(book["Projection"], "_member_returns")
    assert [r["Member"] for r in earnings] == [m.organisation_name for m in projection.members] + ["Total"]
    assert d(earnings[-1]["Profit after tax"]) == sum(m.profit_after_tax for m in projection.members)
    assert all(c.font.b for c in table_cells(book["Projection"], "_member_returns", "Member")[-1:])
    uses = table(book["Funding"], "_uses")
    assert uses[-1]["Use"] == "Funding requirement" and d(uses[-1]["Amount"]) == funding.requirement
    assert sum(d(r["Amount"]) for r in uses[:-1]) == funding.requirement


def _row_of(ws, label: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return row[0].row
    raise KeyError(label)


def model_sheets(book):
    return [ws for ws in book.worksheets if ws.title.startswith("Model")]


def test_model_sheets_pair_every_formula_with_the_program_figure(book, results):
    pairs = checks = 0
    for model in model_sheets(book):
        for t in model.tables.values():
            c0, r0, c1, r1 = range_boundaries(t.ref)
            headers = {c: model.cell(row=r0, column=c).value for c in range(c0, c1 + 1)}
            for c, h in headers.items():
                for r in range(r0 + 1, r1 + 1):
                    cell = model.cell(row=r, column=c)
                    if h.startswith("Program:") and cell.value is not None and model.cell(row=r, column=c + 1).value:
                        assert model.cell(row=r, column=c - 1).data_type == "f", (model.title, t.name, h, r)
                        pairs += 1
                    if h.startswith("Check:") and cell.value is not None:
                        assert cell.value.startswith("=IF("), cell.value
                        checks += 1
    p, projection = results["prices"], results["projection"]
    n_lines = sum(len(y.lines) for y in p.years)
    # prices (5 a line-year), and month by month at least income, payroll, non-pay, receipts, cash, closing balance
    assert pairs == checks and pairs >= 5 * n_lines + 6 * len(projection.months)
    # inputs are shaded; formulas are not
    costs = table_cells(book["Model prices"], "_model_lines", "Staff cost per unit")
    assert all(c.fill.fgColor.rgb.endswith("FFF2CC") and c.data_type == "n" for c in costs)
    prices = table_cells(book["Model prices"], "_model_lines", "Year-one unit price")
    assert all(c.data_type == "f" and not c.fill.fgColor.rgb.endswith("FFF2CC") for c in prices)


def test_the_model_derives_what_the_program_computes_month_by_month(book):
    """Receipts, payroll, non-pay, tax, loans and cover are formulas, not typed-in numbers."""
    for sheet, table_key, header in (("Model months", "_model_accruals", "Income"),
                                     ("Model months", "_model_accruals", "Payroll"),
                                     ("Model months", "_model_accruals", "Non-pay"),
                                     ("Model cash", "_model_cash", "Receipts"),
                                     ("Model cash", "_model_cash", "Tax on operating profit paid"),
                                     ("Model profit", "_model_pnl_profit", "Tax"),
                                     ("Model loans", "_model_schedule", "Interest"),
                                     ("Model loans", "_model_schedule", "Principal"),
                                     ("Model bank", "_model_bank", "Closing balance"),
                                     ("Model funding", "_model_dscr", "Debt service cover"),
                                     ("Model standing", "_model_metrics", "Value shown")):
        cells = table_cells(book[sheet], table_key, header)
        formulas = [c for c in cells if c.data_type == "f"]
        assert formulas and len(formulas) >= len(cells) // 2, (sheet, header)


# --------------------------------------------------------------------------- user text stays text

EVIL = {
    "org0": '=HYPERLINK("http://x","click")',
    "org1": "+SUM(1,2)",
    "org2": "-2+3",
    "org3": "@cmd",
}


def test_user_text_that_looks_like_a_formula_is_written_as_text(ws, spv_id, tmp_path):
    evil_ws = ws.copy()
    names = []
    members = evil_ws.members(spv_id)
    for i, m in enumerate(members[:4]):
        org = evil_ws.get(Organisation, m.organisation_id)
        name = EVIL[f"org{i}"]
        evil_ws.put(dataclasses.replace(org, name=name))
        names.append(name)
    tender = evil_ws.get(Tender, option_by_name(evil_ws, SPV).tender_id)
    evil_ws.put(dataclasses.replace(tender, buyer="=1+1"))
    path = write_option_workbook(evil_ws, spv_id, tmp_path / "evil.xlsx")
    book = openpyxl.load_workbook(path)
    seen: dict[str, int] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str) and ("HYPERLINK" in v or any(n in v for n in names) or v == "=1+1"):
                    if cell.data_type == "f":
                        pytest.fail(f"{sheet.title}!{cell.coordinate} became a formula: {v!r}")
                    assert cell.data_type == "s"
                    if v in names or v == "=1+1":
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen[sheet.title] = seen.get(sheet.title, 0) + 1
    # every sheet that names members shows them, as text
    for title in ("Inputs", "Coverage", "Standing", "Cost build-up", "Projection", "Funding", "Model costs",
                  "Model profit", "Model standing"):
        assert seen.get(title), title
    assert next(c for row in book["Inputs"].iter_rows() for c in row if c.value == '=HYPERLINK("http://x","click")')


# --------------------------------------------------------------------------- failures, cancel, atomic


def test_an_analysis_that_failed_is_one_line_on_its_sheet(ws, spv_id, results, tmp_path):
    broken = dict(results)
    for name in ("coverage", "standing", "prices", "projection", "funding", "returns"):
        broken[name] = Refusal(name, f"{name} went wrong")
    path = write_option_workbook(ws, spv_id, tmp_path / "broken.xlsx", results=broken)
    book = openpyxl.load_workbook(path)
    texts = {s.title: [c.value for row in s.iter_rows() for c in row if isinstance(c.value, str)]
             for s in book.worksheets}
    for title, name in (("Coverage", "coverage"), ("Standing", "standing"), ("Cost build-up", "prices"),
                        ("Prices by year", "prices"), ("Projection", "projection"), ("Funding", "funding"),
                        ("Returns", "returns")):
        assert any(f"{name} went wrong" in t for t in texts[title]), title
    model = [t for title, ts in texts.items() if title.startswith("Model") for t in ts]
    assert any("prices went wrong" in t for t in model)
    assert any("projection went wrong" in t for t in model)
    assert any("funding went wrong" in t for t in texts["Model bank"])
    assert book["Inputs"].tables  # the inputs are still there


def test_missing_results_after_a_price_failure_are_explained(ws, spv_id, results, tmp_path):
    partial = {k: v for k, v in results.items() if k not in ("evaluation", "projection", "funding", "returns")}
    partial["prices"] = Refusal("prices", "no cost profiles")
    path = write_option_workbook(ws, spv_id, tmp_path / "partial.xlsx", results=partial)
    texts = [c.value for row in openpyxl.load_workbook(path)["Returns"].iter_rows() for c in row]
    assert any(isinstance(t, str) and "could not be computed" in t for t in texts)


def test_cancel_leaves_nothing_and_keeps_an_older_file(ws, spv_id, results, tmp_path):
    target = tmp_path / "option.xlsx"
    target.write_bytes(b"older export")
    calls = {"n": 0}

    def cancel_on_fourth() -> bool:
        calls["n"] += 1
        return calls["n"] >= 4

    with pytest.raises(Cancelled):
        write_option_workbook(ws, spv_id, target, results=results, cancelled=cancel_on_fourth)
    assert target.read_bytes() == b"older export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["option.xlsx"]
    with pytest.raises(Cancelled):
        write_option_workbook(ws, spv_id, tmp_path / "new.xlsx", cancelled=lambda: True)
    assert not (tmp_path / "new.xlsx").exists()


def test_a_failed_save_leaves_no_file(ws, spv_id, results, tmp_path, monkeypatch):
    def boom(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError):
        write_option_workbook(ws, spv_id, tmp_path / "option.xlsx", results=results)
    assert list(tmp_path.iterdir()) == []


def test_results_default_to_the_analyses(ws, spv_id, results, tmp_path):
    path = write_option_workbook(ws, spv_id, tmp_path / "default.xlsx")
    years = table(openpyxl.load_workbook(path)["Prices by year"], "_years")
    assert [d(r["Annual price"]) for r in years] == [y.annual_price for y in results["prices"].years]
    with pytest.raises(KeyError):
        write_option_workbook(ws, 10**6, tmp_path / "nothing.xlsx")


def test_pipeline_sheet_holds_the_tenders_and_the_overlaps(book, ws):
    from consortium_planner.services.bids import pipeline

    sheet = book["Pipeline"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Tenders and the option chosen for each" in texts and "Capacity promised to two bids at once" in texts
    assert "Eastmere Homecare Co-operative" in texts and "Win all" in texts
    expected = pipeline(ws)
    rows = list(sheet.iter_rows())
    header = next(r for r in rows if r[0].value == "Tender")
    contribution = next(i for i, c in enumerate(header) if c.value == "Contribution")
    row = next(r for r in rows if r[0].value == "Win all")
    assert d(row[contribution].value) == expected.win_all
