"""The social value ledger on the demo (issue 18): the Eastmere partnership's commitments through the pipeline,
their cost reaching the price and the projection, the case section, the workbook sheet and ``summary``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.cli import main
from consortium_planner.domain.model import SocialValueCommitment
from consortium_planner.reports.case import build_case
from consortium_planner.reports.workbook import write_option_workbook
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession

EASTMERE = "Eastmere home first partnership"


@pytest.fixture
def demo(tmp_path):
    s = WorkspaceSession.open(write_demo(tmp_path / "demo.cplan"))
    yield s
    s.close()


def eastmere(s):
    return next(o for o in s.ws.options() if o.name == EASTMERE)


def test_the_cost_of_social_value_reaches_the_price_and_the_projection(demo):
    o = eastmere(demo)
    with_sv = analyses.analyse_option(demo.ws, o.id, ["prices", "projection", "social_value"])
    ledger = with_sv["social_value"]
    assert ledger.cost_a_year == Decimal("6980.00") and ledger.derived_score == Decimal("80.0")
    b = with_sv["prices"].buildup
    assert b.social_value_per_year == ledger.cost_a_year
    assert b.shared_costs_per_year == o.shared_costs_per_year + ledger.cost_a_year
    assert b.shared_per_unit == b.shared_costs_per_year / b.total_volume
    for row in demo.ws.by(SocialValueCommitment, "option_id", o.id):
        demo.delete(SocialValueCommitment, row.id)
    without = analyses.analyse_option(demo.ws, o.id, ["prices", "projection", "social_value"])
    assert without["prices"].buildup.social_value_per_year == 0
    # every unit carries its share of the commitments' cost: the year-one price rises with it
    assert with_sv["prices"].years[0].annual_price > without["prices"].years[0].annual_price
    # and the projection's costs (income − EBITDA) carry at least the commitments' cost over the term (more with
    # contingency and indexation); the price recovers it with the margin on top
    def costs(p):
        return p.total_income - p.total_ebitda

    extra_cost = costs(with_sv["projection"]) - costs(without["projection"])
    assert ledger.cost <= extra_cost < ledger.cost * Decimal("1.2")
    assert with_sv["projection"].total_income - without["projection"].total_income > extra_cost
    assert without["social_value"].reason == "the option has no social value commitments"


def test_the_case_sheet_and_summary_show_the_ledger(demo, tmp_path, capsys):
    o = eastmere(demo)
    results = analyses.analyse_option(demo.ws, o.id)
    assert any(f.code == "social_value_unanswered" for f in results.findings())
    case = build_case(demo.ws, o.id, results=results, on=dt.date(2026, 12, 4))
    section = case.section("social_value")
    assert section.blocks[0].text.startswith("1 social value commitment has no method statement")
    table = section.table("social_value_ledger")
    assert table.rows[-1][0].value == "Total" and table.rows[-1][6].value == Decimal(63_200)
    path = write_option_workbook(demo.ws, o.id, tmp_path / "e.xlsx", results=results)
    texts = [c.value for row in openpyxl.load_workbook(path)["Social value"].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "Care apprenticeship weeks" in texts
    file = demo.path
    demo.close()
    assert main(["summary", str(file), "--json", "--option", EASTMERE]) == 0
    data = json.loads(capsys.readouterr().out)
    [opt] = data["consortium_options"]
    assert len(opt["social_value_commitments"]) == 3
    assert opt["analyses"]["social_value"]["derived_score"] == "80.0"
