"""Options considered (the case), the Compare and Scenarios sheets (the workbook): the comparison's own tables."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.domain.model import ConsortiumOption
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import build_case
from consortium_planner.reports.document import Kind, format_value
from consortium_planner.reports.pdf import render_pdf
from consortium_planner.reports.sections.compare import (
    comparison_table,
    cumulative_cash_chart,
    key_figure_charts,
    scenario_table,
)
from consortium_planner.reports.workbook import SHEETS, write_option_workbook
from consortium_planner.services.compare import ROW_BY_KEY, compare


@pytest.fixture(scope="module")
def comparison(ws):
    return compare(ws, ws.tenders()[0].id)


def _row(table, label):
    return next(r for r in table.rows if r[0].value == label)


def test_the_table_shows_each_options_figures_with_the_best_in_bold(comparison):
    table = comparison_table(comparison)
    assert [c.title for c in table.columns] == ["Figure"] + [o.name for o in comparison.options]
    for key_ in ("npv", "funding_requirement", "year_one_price", "coverage_pct"):
        row = ROW_BY_KEY[key_]
        cells = _row(table, row.label)
        for cell, o in zip(cells[1:], comparison.options, strict=True):
            assert cell.value == o.values[key_]
            assert cell.bold == (o.option_id in comparison.best[key_])
    # Go alone covers a third of the requirement: it is never the "best" price or funding (like for like)
    alone = next(o for o in comparison.options if o.name == "Go alone")
    assert alone.option_id in comparison.partial
    price = _row(table, ROW_BY_KEY["year_one_price"].label)[1]
    assert not price.bold and "not compared: covers 32.1%" in price.note
    # one row per service line for the unit costs; a line an option does not deliver says so
    lines = [r for r in table.rows if r[0].value.startswith("Unit cost: ")]
    assert len(lines) == len(comparison.breakdown_names("unit_costs"))
    carers = next(r for r in lines if "Carers" in r[0].value)
    assert carers[1].value is None and "not delivered" in carers[1].note


def test_a_baseline_shows_the_others_as_differences(comparison):
    alone = comparison.options[0]
    table = comparison_table(comparison, alone.option_id)
    assert table.columns[1].title == "Go alone (baseline)"
    npv = _row(table, "Net present value")
    for cell, o in zip(npv[2:], comparison.options[1:], strict=True):
        diff = o.values["npv"] - alone.values["npv"]
        assert cell.value == diff and cell.text == ("+" if diff > 0 else "\u2212") + format_value(abs(diff), Kind.MONEY)
        assert format_value(o.values["npv"], Kind.MONEY) in cell.note


def test_the_charts_draw_the_key_figures_and_every_options_cash(comparison):
    charts = {c.key: c for c in key_figure_charts(comparison)}
    assert charts["key_npv"].series[0].values == tuple(o.values["npv"] for o in comparison.options)
    assert charts["key_npv"].categories == tuple(o.name for o in comparison.options)
    cash = cumulative_cash_chart(comparison)
    assert [s.name for s in cash.series] == [o.name for o in comparison.options]
    assert cash.series[0].values[: len(comparison.options[0].cumulative_cash)] == comparison.options[0].cumulative_cash


def test_options_considered_in_the_case(ws, spv_id, results, tmp_path):
    case = build_case(ws, spv_id, results=results, sections=["options_considered"],
                      narrative={"why_this_option": "Only together do we pass the standing tests."})
    section = case.section("options_considered")
    assert section is not None and section.table("comparison") is not None
    text = section.text()
    assert "Why this option" in text and "Only together do we pass the standing tests." in text
    assert text.index("Another option does better") < text.index("is the best of the options")  # worse news first
    # this option's column first; its own service lines and members broken down
    table = section.table("comparison")
    assert table.columns[1].title == "Special purpose vehicle"
    ours = {r[0].value.removeprefix("Profit after tax: ") for r in table.rows if r[0].value.startswith("Profit")}
    assert ours == {m.organisation_name for m in results["projection"].members}
    pdf = render_pdf(case, tmp_path / "case.pdf")
    assert pdf.stat().st_size > 10_000


def test_options_considered_is_left_out_with_one_option(ws, spv_id, results):
    alone = Workspace([e for e in ws.entities()
                       if not (isinstance(e, ConsortiumOption) and e.id != spv_id)
                       and getattr(e, "option_id", spv_id) == spv_id])
    case = build_case(alone, spv_id, sections=["options_considered"])
    assert case.section("options_considered") is None and case.left_out == (("options_considered", "nothing to show"),)


def test_the_workbook_has_compare_and_scenarios_sheets_from_the_same_tables(ws, spv_id, results, comparison, tmp_path):
    assert SHEETS.index("Compare") + 1 == SHEETS.index("Scenarios") < SHEETS.index("Model")
    path = write_option_workbook(ws, spv_id, tmp_path / "option.xlsx", results=results)
    book = openpyxl.load_workbook(path)
    sheet = book["Compare"]
    grid = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(grid) if r[0] == "Figure")
    assert grid[header][1:4] == [o.name for o in comparison.options]
    npv = next(r for r in grid if r[0] == "Net present value")
    assert [Decimal(str(v)) for v in npv[1:4]] == [o.values["npv"] for o in comparison.options]
    cash = next(i for i, r in enumerate(grid) if r[0] == "Month")
    month_nine = grid[cash + 1 + 9]
    assert month_nine[0] == 9 and month_nine[1] == comparison.months[9]
    assert [Decimal(str(v)) for v in month_nine[2:5]] == [o.cumulative_cash[9] for o in comparison.options]
    scen = [[c.value for c in row] for row in book["Scenarios"].iter_rows()]
    assert [r[0] for r in scen if r[0] in ("Base", "Downside", "Severe", "Upside")] == ["Base", "Downside", "Severe",
                                                                                          "Upside"]
    table = scenario_table(results["scenarios"], "Special purpose vehicle")
    npv_row = next(r for r in scen if r[0] == "Net present value")
    assert [Decimal(str(v)) for v in npv_row[1:5]] == [c.value for c in _row(table, "Net present value")[1:]]
