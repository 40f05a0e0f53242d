"""The investment case's "Sensitivities and downside": worst news first, the tables and the tornado agree
with the analysis, and the Monte Carlo hook places its blocks."""

from __future__ import annotations

from decimal import Decimal

import pytest

import consortium_planner.reports.sections.catalogue  # noqa: F401 - declares the sections
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import build_case
from consortium_planner.reports.document import Paragraph, Status
from consortium_planner.reports.sections import sensitivity as section
from consortium_planner.reports.sections.registry import SECTIONS
from consortium_planner.services import pipeline
from consortium_planner.services.demo import build_demo_entities, load_demo_source


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def case(demo):
    option = next(o for o in demo.options() if o.name == "Special purpose vehicle")
    results = pipeline.run(demo, option.id, ["sensitivity", "scenarios"])
    return option, results, build_case(demo, option.id, sections=["sensitivity"], results=results)


def test_the_section_sits_after_the_cash_sections(demo):
    keys = [k for k, _t in SECTIONS]
    assert keys.index("returns") < keys.index("sensitivity") < keys.index("standing")
    assert dict(SECTIONS)["sensitivity"] == "Sensitivities and downside"


def test_break_evens_worst_first_with_the_close_ones_amber(case):
    _option, results, built = case
    result = results["sensitivity"]
    sec = built.sections[0]
    table = sec.table("break_evens")
    assert table is not None and len(table.rows) == len(result.break_evens)
    statuses = [row[4] for row in table.texts()]
    solved = [i for i, t in enumerate(statuses) if t.startswith("Solved")]
    close = [i for i, t in enumerate(statuses) if t == "Solved (close to the plan)"]
    assert close and close == solved[:len(close)]  # the close ones before the others
    assert all(table.rows[i][2].status is Status.AMBER for i in close)
    messages = [row[5] for row in table.texts()]
    assert messages == [b.message for b in section.ordered_break_evens(result)]
    first = sec.of(Paragraph)[0].text
    assert first.startswith("Close to the plan: ") and section.ordered_break_evens(result)[0].message in first


def test_the_tornado_chart_is_each_end_less_the_plan_sorted_by_swing(case):
    _option, results, built = case
    result = results["sensitivity"]
    chart = built.sections[0].chart("tornado_npv")
    assert chart is not None and chart.horizontal
    npv = result.tornado["npv"]
    moving = [b for b in npv.bars if b.swing]
    assert chart.categories == tuple(b.label for b in moving)
    assert chart.series[0].values == tuple(b.low - npv.base for b in moving)
    assert chart.series[1].values == tuple(b.high - npv.base for b in moving)
    table = built.sections[0].table("tornado_npv")
    assert [r[5].value for r in table.rows] == [b.swing for b in npv.bars]
    settings = {r[0].value: (r[1].value, r[2].value) for r in table.rows}
    assert settings["Volume"] == ("\u221220%", "+10%") and settings["Mobilisation overrun"] == ("as planned", "+2 months")
    assert settings["Ends after year"] == ("full term", "ends after year 3")


def test_the_scenario_table_is_the_scenarios_analysis_and_what_they_break_is_said_first(case):
    _option, results, built = case
    from consortium_planner.services.scenarios import scenario_findings

    text = built.sections[0].text()
    broken = scenario_findings(results["scenarios"])
    assert broken and text.index(broken[0].message) < text.index("Break-even values, the worst first")
    table = built.sections[0].table("scenarios")
    assert table is not None
    npv_row = next(r for r in table.rows if r[0].value == "Net present value")
    assert [c.value for c in npv_row[1:]] == [o.rows["npv"] for o in results["scenarios"].values()]


def test_the_monte_carlo_hook_places_its_blocks_after_the_break_evens(case, demo, monkeypatch):
    option, results, _built = case
    marker = Paragraph("P(NPV < 0) = 12.3% (the simulation's block)")
    monkeypatch.setattr(section, "PROBABILITY_BLOCKS", [lambda ctx: [marker]])
    sec = build_case(demo, option.id, sections=["sensitivity"], results=results).sections[0]
    blocks = list(sec.blocks)
    at = blocks.index(marker)
    assert blocks[at - 1] is sec.table("break_evens") and blocks[at + 1] is sec.table("scenarios")


def test_a_refused_sensitivity_says_why_rather_than_vanishing(case, demo):
    option, results, _built = case
    values = dict(results)
    values["sensitivity"] = pipeline.Refusal("sensitivity", "the prices could not be computed")
    sec = build_case(demo, option.id, sections=["sensitivity"],
                     results=pipeline.Results.of(option.id, values)).sections[0]
    assert "could not be computed: the prices could not be computed" in sec.text()


def test_the_workbook_has_a_sensitivity_sheet_with_the_same_figures(case, demo, tmp_path):
    import openpyxl

    from consortium_planner.reports.workbook import SHEETS, write_option_workbook

    option, _results, _built = case
    results = pipeline.run(demo, option.id)
    assert SHEETS.index("Scenarios") + 1 == SHEETS.index("Sensitivity") < SHEETS.index("Model")
    book = openpyxl.load_workbook(write_option_workbook(demo, option.id, tmp_path / "option.xlsx", results=results))
    grid = [[c.value for c in row] for row in book["Sensitivity"].iter_rows()]
    result = results["sensitivity"]
    head = next(i for i, r in enumerate(grid) if r[:5] == ["Driver", "Target", "Break-even",
                                                           "Last value on the safe side", "Unit"])
    ordered = section.ordered_break_evens(result)
    body = grid[head + 1:head + 1 + len(ordered)]
    assert [(r[0], r[6]) for r in body] == [(b.search, b.message) for b in ordered]
    assert [None if r[2] is None else Decimal(str(r[2])) for r in body] == [
        None if b.value is None else Decimal(b.value) for b in ordered]
    npv = next(i for i, r in enumerate(grid) if r[:4] == ["Driver", "Low", "High", "Net present value at low"])
    bars = result.tornado["npv"].bars
    assert [(r[0], Decimal(str(r[3])), Decimal(str(r[4]))) for r in grid[npv + 1:npv + 1 + len(bars)]] == [
        (b.label, b.low, b.high) for b in bars]
