"""The Partnership section of the investment case and the option workbook's partnership sheets: the
findings first, the tables equal the analyses to the penny, the PDF renders it, and the workbook writes
the same tables (every month's split adding up)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import Structure
from consortium_planner.reports.case import build_case, option_by_name
from consortium_planner.reports.document import Status, Table
from consortium_planner.reports.pdf import render_pdf
from consortium_planner.reports.sections import partnership as doc
from consortium_planner.reports.workbook import SHEETS, write_option_workbook
from consortium_planner.services import analyses

LEAD = "Lead provider with subcontractors"


@pytest.fixture(scope="module")
def section(ws, spv_id, results):
    case = build_case(ws, spv_id, sections=["partnership"], results=results)
    s = case.section("partnership")
    assert s is not None
    return s


def test_the_section_opens_with_its_findings_most_serious_first(ws):
    lead = option_by_name(ws, LEAD).id
    results = analyses.analyse_option(ws, lead)
    s = build_case(ws, lead, sections=["partnership"], results=results).section("partnership")
    first = s.blocks[0]
    assert isinstance(first, Table) and first.key == "partnership_findings"
    labels = [r[0].value for r in first.rows]
    assert labels[0] == Severity.SERIOUS.label  # the pension cost that would breach the ceiling
    assert labels == sorted(labels, key=lambda x: -[v.label for v in Severity].index(x))
    assert "no pension arrangement" in first.rows[0][1].value


def test_the_tables_carry_the_analyses_figures(section, results):
    advice, flows, pensions = results["structure"], results["money_flows"], results["pensions"]
    ranking = section.table("structure_ranking")
    assert [ranking.text(r, 1).replace(" (chosen)", "") for r in range(len(ranking.rows))] == [
        r.structure.label for r in advice.ranked]
    assert ranking.highlight_rows == (next(i for i, r in enumerate(advice.ranked) if r.current),)
    amounts = section.table("money_flow_amounts")
    total_col = len(amounts.columns) - 1
    price_row = next(r for r in amounts.rows if r[0].value == "Price")
    assert price_row[total_col].value == flows.buyer_total
    parts = sum((r[total_col].value for r in amounts.rows if r[0].value != "Price"), Decimal(0))
    assert parts == flows.buyer_total  # the parts add up to the price
    costs = section.table("pension_costs")
    [cohort] = pensions.cohorts
    assert costs.rows[0][1].value == cohort.extra_contributions and costs.rows[0][7].value == cohort.annual_cost
    assert costs.rows[0][7].status is Status.AMBER and not cohort.stated  # indicative: not in the price
    heat = section.chart("readiness_heatmap")
    assert len(heat.series) == len(results["readiness"].partners) and len(heat.categories) == 12
    terms = section.table("heads_of_terms")
    assert len(terms.rows) == 10 and any(c.status is Status.RED for r in terms.rows for c in r)


def test_effects_table_compares_structures_side_by_side(results):
    advice = results["structure"]
    t = doc.effects_table(advice, [advice.current, Structure.LEAD_PROVIDER])
    assert [c.title for c in t.columns] == ["Effect", "Special purpose vehicle (chosen)",
                                            "Lead provider with subcontractors"]
    row = next(r for r in t.rows if r[0].value == "VAT at risk, a year")
    assert row[2].value == advice.of(Structure.LEAD_PROVIDER).effects.vat_at_risk


def test_the_pdf_renders_the_section(ws, spv_id, results, tmp_path):
    case = build_case(ws, spv_id, sections=["partnership"], results=results)
    render_pdf(case, tmp_path / "p.pdf")
    data = (tmp_path / "p.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000


def test_the_workbook_has_the_partnership_sheets_with_the_same_tables(ws, spv_id, results, tmp_path):
    assert SHEETS.index("Partnership") < SHEETS.index("Money flows") < SHEETS.index("Model")
    path = write_option_workbook(ws, spv_id, tmp_path / "o.xlsx", results=results)
    wb = openpyxl.load_workbook(path)
    flows = results["money_flows"]
    sheet = wb["Money flows"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[:2] == ["Month", "Buyer pays"])
    months = values[header + 1: header + 1 + len(flows.months)]
    assert len(months) == len(flows.months)
    assert all(r[len(r) - 1 - [x is None for x in reversed(r)].index(False)] == "adds up" for r in months)
    total = values[header + 1 + len(flows.months)]
    assert Decimal(str(total[1])) == flows.buyer_total
    partnership = [[c.value for c in row] for row in wb["Partnership"].iter_rows()]
    assert any(r[0] == "Special purpose vehicle (chosen)" or r[1] == "Special purpose vehicle (chosen)"
               for r in partnership)
