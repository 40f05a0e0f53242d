"""The Model sheets recomputed in LibreOffice equal the program to the penny.

One LibreOffice run (headless, a private profile that recalculates every formula on load) converts:
every option of the demo; the large synthetic workspace's biggest option (most members) and its
biggest limited liability partnership (the only structure whose tax splits profit by share, absent
from the demo); two variants of demo options that reach the rarer rules (a loan without a term, one
whose capital holiday outlives the projection, one at 0%, one drawn late, two overdrafts drawn in
turn, assets without a useful life, outliving the contract or bought after it; no mobilisation
period, no ramp-up, 45-day terms, no bond); a copy of the demo's special purpose vehicle with two
inputs changed (the formulas must follow them); and a workbook of the rounding and splitting
formulas against ``money``.
"""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from consortium_planner.domain.model import (
    CapitalItem,
    CapitalKind,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    Structure,
    Tender,
)
from consortium_planner.domain.money import allocate, quantize
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import option_by_name
from consortium_planner.reports.workbook import half_even, write_option_workbook
from consortium_planner.reports.xlsx_model import largest_remainder, twelfth
from consortium_planner.services import analyses
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.generate import build_large
from libreoffice import convert, soffice_or_skip

PENNY = Decimal("0.005")
SOFFICE_TIMEOUT = 600
SPV = "Special purpose vehicle"
LEAD = "Lead provider with subcontractors"

# Values for the half-even rounding formula: exact half pennies both ways, negatives, and the
# classic binary trap 2.675 (a float just below ...75).
ROUNDING_CASES = ["0.125", "0.135", "-0.125", "-0.135", "2.675", "1.005", "10.115", "0.124999", "1234567.885",
                  "-7.5", "12345678.905", "0.015", "3.3333333"]
# Splits by largest remainder: ties go to the earlier part, zero weights get nothing, negative amounts.
SPLITS = [("100.00", ["1", "1", "1"]), ("0.05", ["1", "1", "1", "1"]), ("-10.01", ["2", "1", "1"]),
          ("1234.57", ["33.33", "33.33", "33.34"]), ("7.77", ["0", "5", "0", "5"]), ("0.00", ["1", "2"]),
          ("99999.99", ["0.1", "0.2", "0.3", "0.4"]), ("12.34", ["3", "3", "1", "1", "1"])]
TWELFTHS = ["4105600.00", "1000.05", "-0.13", "0.11", "12.00"]


def d(value) -> Decimal:
    """A cell's number as the exact decimal it was written as (floats' shortest round-trip text)."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _formula_book(path: Path) -> None:
    """Rounding and splitting formulas with their inputs (sheets Rounding, Splits, Twelfths)."""
    wb = openpyxl.Workbook()
    rounding = wb.active
    rounding.title = "Rounding"
    for i, text in enumerate(ROUNDING_CASES, start=1):
        rounding.cell(row=i, column=1, value=Decimal(text))
        rounding.cell(row=i, column=2, value="=" + half_even(f"A{i}"))
    splits = wb.create_sheet("Splits")
    row = 1
    for amount, weights in SPLITS:  # amount in A, weights in B, positions in C, parts in D
        first, last = row, row + len(weights) - 1
        for k, w in enumerate(weights):
            r = row + k
            splits.cell(row=r, column=1, value=Decimal(amount))
            splits.cell(row=r, column=2, value=Decimal(w))
            splits.cell(row=r, column=3, value=k + 1)
            splits.cell(row=r, column=4, value="=" + largest_remainder(f"$A${first}", f"$B${first}:$B${last}", f"B{r}",
                                                                       f"$C${first}:$C${last}", f"C{r}"))
        row = last + 2
    twelfths = wb.create_sheet("Twelfths")
    for i, amount in enumerate(TWELFTHS, start=1):
        twelfths.cell(row=i, column=1, value=Decimal(amount))
        for k in range(12):
            twelfths.cell(row=i, column=2 + k, value="=" + twelfth(f"$A{i}", str(k)))
    wb.save(path)


def _funding_and_assets(ws: Workspace, option_id: int) -> None:
    """Loans and overdrafts, capital items that reach every rule of the schedules and depreciation."""
    i = max(s.id or 0 for s in ws.all(FundingSource)) + 1
    loan = FundingKind.LOAN
    for k, (name, kind, amount, rate, term, holiday, month, fee) in enumerate((
            ("No term", loan, "100000", "6", 0, 0, 3, "0"), ("Long holiday", loan, "50000.55", "5.5", 120, 100, 1, "2.5"),
            ("At 0%", loan, "30000", "0", 24, 0, 5, "0"), ("Late loan", loan, "20000", "7", 36, 6, 60, "0"),
            ("Small overdraft", FundingKind.OVERDRAFT, "40000", "9", 0, 0, 0, "1"))):
        ws.put(FundingSource(id=i + k, option_id=option_id, name=name, kind=kind, amount=Decimal(amount),
                             interest_rate_pct=Decimal(rate), term_months=term, capital_holiday_months=holiday,
                             drawdown_month=month, arrangement_fee_pct=Decimal(fee)))
    i = max(c.id or 0 for c in ws.all(CapitalItem)) + 1
    for k, (name, amount, month, life) in enumerate((("No life", "1234.57", 4, 0), ("Outlives", "99999.99", 10, 240),
                                                     ("After the service", "500", 66, 12))):
        ws.put(CapitalItem(id=i + k, option_id=option_id, name=name, kind=CapitalKind.CAPEX, amount=Decimal(amount),
                           month=month, useful_life_months=life))


def _no_mobilisation(ws: Workspace, option_id: int) -> None:
    option = ws.get(ConsortiumOption, option_id)
    tender = ws.get(Tender, option.tender_id)
    ws.put(dataclasses.replace(tender, mobilisation_months=0, payment_terms_days=45, bond_pct=Decimal(0)))
    ws.put(dataclasses.replace(option, ramp_up_months=0, non_pay_payment_days=0))


def _changed_inputs(source: Path, target: Path) -> dict[str, int]:
    """A copy of a workbook with the buyer's payment terms put up by 30 days and the tax rate at 0%."""
    wb = openpyxl.load_workbook(source)
    sheet = wb["Model"]
    rows = {}
    for row in sheet.iter_rows(min_col=1, max_col=2):
        label, value = row[0].value, row[1]
        if label == "Buyer's payment terms (days)":
            value.value = int(value.value) + 30
            rows["terms"] = value.row
        elif label == "Tax rate on profit":
            value.value = 0
            rows["tax"] = value.row
    wb.save(target)
    return rows


@pytest.fixture(scope="module")
def recomputed(tmp_path_factory):
    """Every workbook above written by the program and recomputed by LibreOffice: name → (written, computed)."""
    soffice_or_skip()
    work = tmp_path_factory.mktemp("lo")
    written: dict[str, tuple[Path, Workspace, int]] = {}
    demo = Workspace(build_demo_entities(load_demo_source()))
    for option in demo.options():
        name = f"demo-{option.id}"
        written[name] = (write_option_workbook(demo, option.id, work / f"{name}.xlsx"), demo, option.id)
    large = Workspace(build_large())
    biggest = max(large.options(), key=lambda o: (len(large.members(o.id)), -(o.id or 0)))
    # a partnership (an LLP) and a lead provider besides, whichever of them the biggest is not
    others = [max((o for o in large.options() if o.structure is s and o.id != biggest.id),
                  key=lambda o: (len(large.members(o.id)), -(o.id or 0)))
              for s in (Structure.LLP, Structure.LEAD_PROVIDER) if s is not biggest.structure]
    for option in (biggest, others[0]):
        name = f"large-{option.id}"
        written[name] = (write_option_workbook(large, option.id, work / f"{name}.xlsx"), large, option.id)
    spv = option_by_name(demo, SPV)
    for name, change, option in (("edge-funding", _funding_and_assets, spv),
                                 ("edge-timing", _no_mobilisation, option_by_name(demo, LEAD))):
        edge = demo.copy()
        change(edge, option.id)
        written[name] = (write_option_workbook(edge, option.id, work / f"{name}.xlsx"), edge, option.id)
    changed = work / "changed.xlsx"
    rows = _changed_inputs(written[f"demo-{spv.id}"][0], changed)
    _formula_book(work / "formulas.xlsx")
    out = work / "out"
    files = [p for p, _, _ in written.values()] + [changed, work / "formulas.xlsx"]
    start = time.perf_counter()
    done = convert(files, "xlsx", out, work, SOFFICE_TIMEOUT)
    seconds = time.perf_counter() - start
    missing = [f.name for f in files if not (out / f.name).exists()]
    if missing:
        pytest.fail(f"LibreOffice did not convert {missing}: {done.stdout}\n{done.stderr}")
    print(f"LibreOffice recomputed {len(files)} workbooks in {seconds:.1f} s")
    return {
        "workbooks": {name: (openpyxl.load_workbook(path), openpyxl.load_workbook(out / path.name, data_only=True),
                             ws, oid) for name, (path, ws, oid) in written.items()},
        "changed": (openpyxl.load_workbook(out / "changed.xlsx", data_only=True), rows),
        "formulas": openpyxl.load_workbook(out / "formulas.xlsx", data_only=True),
        "spv": f"demo-{spv.id}",
    }


def test_half_even_formula_rounds_as_the_program_does(recomputed):
    sheet = recomputed["formulas"]["Rounding"]
    for i, text in enumerate(ROUNDING_CASES, start=1):
        got = sheet.cell(row=i, column=2).value
        assert isinstance(got, (int, float)), (text, got)
        assert abs(d(got) - quantize(Decimal(text))) < Decimal("0.0001"), (text, got, quantize(Decimal(text)))


def test_split_formulas_share_out_pennies_as_money_allocate_does(recomputed):
    splits, twelfths = recomputed["formulas"]["Splits"], recomputed["formulas"]["Twelfths"]
    row = 1
    for amount, weights in SPLITS:
        expected = allocate(Decimal(amount), [Decimal(w) for w in weights])
        got = [d(splits.cell(row=row + k, column=4).value) for k in range(len(weights))]
        assert got == expected, (amount, weights, got, expected)
        row += len(weights) + 1
    for i, amount in enumerate(TWELFTHS, start=1):
        got = [d(twelfths.cell(row=i, column=2 + k).value) for k in range(12)]
        assert got == allocate(Decimal(amount), [Decimal(1)] * 12), amount


def _pairs(model, computed):
    """Every (table, row, formula's value, program's figure, check) of a Model sheet."""
    for t in model.tables.values():
        c0, r0, c1, r1 = range_boundaries(t.ref)
        for c in range(c0, c1 + 1):
            if not str(model.cell(row=r0, column=c).value).startswith("Program:"):
                continue
            for r in range(r0 + 1, r1 + 1):
                program = model.cell(row=r, column=c).value
                if program is None or model.cell(row=r, column=c + 1).value is None:
                    continue
                yield (t.name, r, model.cell(row=r, column=c - 1).value, computed.cell(row=r, column=c - 1).value,
                       program, computed.cell(row=r, column=c + 1).value)


@pytest.mark.parametrize("which", ["demo", "large", "edge"])
def test_model_formulas_recompute_to_the_program_figures(recomputed, which):
    books = {k: v for k, v in recomputed["workbooks"].items() if k.startswith(which)}
    assert len(books) == (4 if which == "demo" else 2)  # the demo: three options for the county, one the neighbour's
    for name, (written, computed, ws, oid) in books.items():
        formulas = pairs = 0
        for model in written.worksheets:
            if not model.title.startswith("Model"):
                continue
            values = computed[model.title]
            for row in model.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    formulas += 1
                    value = values[cell.coordinate].value
                    assert value is not None, f"{name} {model.title}!{cell.coordinate} {cell.value} was not computed"
                    assert not (isinstance(value, str) and (value.startswith("#") or value.startswith("Err"))), (
                        f"{name} {model.title}!{cell.coordinate}: {cell.value} gives {value}")
                    assert value != "DIFFERS", f"{name} {model.title}!{cell.coordinate}: {cell.value}"
            for table, r, formula, got, program, check in _pairs(model, values):
                if isinstance(program, (int, float)):
                    assert isinstance(got, (int, float)) and abs(d(got) - d(program)) < PENNY, (
                        name, model.title, table, r, formula, got, program)
                else:
                    assert got == program, (name, model.title, table, r, formula, got, program)
                assert check == "OK", (name, model.title, table, r)
                pairs += 1
        sheet = written["Model"]
        row = next(c.row for c in sheet["A"] if c.value == "Checks that differ (should be 0)")
        assert computed["Model"].cell(row=row, column=2).value == 0, name
        results = analyses.analyse_option(ws, oid)
        months = len(results["projection"].months)
        assert formulas > 40 * months and pairs > 15 * months, (name, formulas, pairs)


def test_the_formulas_follow_their_inputs(recomputed):
    """Payment terms 30 days longer: receipts move a month later; tax rate 0: no tax. The checks say so."""
    written, original, _, _ = recomputed["workbooks"][recomputed["spv"]]
    changed, rows = recomputed["changed"]
    assert set(rows) == {"terms", "tax"}
    cash = written["Model cash"]
    c0, r0, c1, r1 = range_boundaries(next(t.ref for t in cash.tables.values() if t.name.endswith("_model_cash")))
    header = {cash.cell(row=r0, column=c).value: c for c in range(c0, c1 + 1)}
    receipts, months = header["Receipts"], header["Month"]
    now = [d(original["Model cash"].cell(row=r, column=receipts).value) for r in range(r0 + 1, r1 + 1)]
    later = [d(changed["Model cash"].cell(row=r, column=receipts).value) for r in range(r0 + 1, r1 + 1)]
    assert [original["Model cash"].cell(row=r, column=months).value for r in range(r0 + 1, r1 + 1)] == list(
        range(r1 - r0))
    assert any(now) and later == [Decimal(0)] + now[:-1]  # a month later (the last month's receipt falls off)
    profit = written["Model profit"]
    c0, r0, c1, r1 = range_boundaries(next(t.ref for t in profit.tables.values() if t.name.endswith("_pnl_profit")))
    tax = next(c for c in range(c0, c1 + 1) if profit.cell(row=r0, column=c).value == "Tax")
    assert any(d(original["Model profit"].cell(row=r, column=tax).value) for r in range(r0 + 1, r1 + 1))
    assert all(d(changed["Model profit"].cell(row=r, column=tax).value) == 0 for r in range(r0 + 1, r1 + 1))
    count = next(c.row for c in written["Model"]["A"] if c.value == "Checks that differ (should be 0)")
    assert changed["Model"].cell(row=count, column=2).value > 0


def test_the_large_workspace_gives_its_biggest_option_and_a_partnership(recomputed):
    """The large workspace gives the test what it says: its biggest option and another structure (an LLP or a
    lead provider)."""
    structures = {ws.get(ConsortiumOption, oid).structure for name, (_, _, ws, oid)
                  in recomputed["workbooks"].items() if name.startswith("large")}
    assert len(structures) == 2 and structures & {Structure.LLP, Structure.LEAD_PROVIDER}
