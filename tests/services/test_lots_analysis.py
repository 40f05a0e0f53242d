"""Lots on the demo (issue 18): the Westmarch tender's two lots through the pipeline, the lead option's
decisions, the figures adding up to the option's, the case section, the workbook sheet and ``summary``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.cli import main
from consortium_planner.domain.model import Lot, LotBid, LotDecision, Tender
from consortium_planner.reports.case import build_case
from consortium_planner.reports.workbook import write_option_workbook
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.pipeline import NotApplicable
from consortium_planner.services.session import WorkspaceSession

LEAD = "Lead provider with subcontractors"
LOT1, LOT2 = "Lot 1: Care and support at home", "Lot 2: Community wellbeing and prevention"


@pytest.fixture
def demo(tmp_path):
    s = WorkspaceSession.open(write_demo(tmp_path / "demo.cplan"))
    yield s
    s.close()


def option(s, name):
    return next(o for o in s.ws.options() if o.name == name)


def test_the_lead_option_bids_for_both_lots_and_its_lot_figures_add_up(demo):
    lead = option(demo, LEAD)
    results = analyses.analyse_option(demo.ws, lead.id, ["lots", "prices", "funding", "evaluation"])
    c = results["lots"]
    assert [(r.name, r.decision, r.in_best, r.in_plan) for r in c.rows] == [
        (LOT1, LotDecision.BID, True, True), (LOT2, LotDecision.CHOOSE, True, True)]
    lot1, lot2 = c.rows
    modelled = results["evaluation"].win.probability
    assert lot1.chance == modelled and lot1.chance_basis == "the option's modelled chance"
    assert lot2.chance == Decimal("0.45") and lot2.chance_basis == "the bid team's estimate for the lot"
    assert lot2.expected == (lot2.contribution * Decimal("0.45")).quantize(Decimal("0.01"))
    # every requirement of the demo's tender is in a lot: the lots' shares are the option's figures
    schedule = results["prices"]
    term_margin = sum(y.annual_margin for y in schedule.years if not y.is_extension)
    assert lot1.contribution + lot2.contribution == term_margin
    assert lot1.year_one_price + lot2.year_one_price == schedule.years[0].annual_price
    assert lot1.capital_need + lot2.capital_need == results["funding"].requirement
    assert c.cap == 2 and c.best_expected == lot1.expected + lot2.expected


def test_a_cap_of_one_keeps_the_better_lot_and_says_why_the_other_is_out(demo, tmp_path):
    lead = option(demo, LEAD)
    tender = demo.ws.get(Tender, lead.tender_id)
    demo.set_field(Tender, tender.id, "max_lots_per_supplier", "1")
    c = analyses.one(demo.ws, lead.id, "lots")
    lot1, lot2 = c.rows
    assert lot1.expected > lot2.expected and lot1.in_best and not lot2.in_best
    assert "a supplier may win at most 1" in lot2.reason
    # the lead marked Lot 1 bid and left Lot 2 to the choice: the plan is the best set
    assert [r.name for r in c.plan] == [LOT1]
    # marking Lot 2 bid as well breaks the cap: a warning, first in the case's Lots section
    decision = next(d for d in demo.ws.by(LotBid, "option_id", lead.id) if d.lot_id == lot2.lot_id)
    demo.set_field(LotBid, decision.id, "decision", LotDecision.BID.label)
    results = analyses.analyse_option(demo.ws, lead.id)
    assert any(f.code == "lots_plan_breaks_limit" for f in results.findings())
    case = build_case(demo.ws, lead.id, results=results, on=dt.date(2026, 12, 4))
    section = case.section("lots")
    assert section.blocks[0].text.startswith("The lots marked to bid could not all be delivered if won")
    table = section.table("lots")
    assert [r[0].value for r in table.rows] == [LOT1, LOT2]
    path = write_option_workbook(demo.ws, lead.id, tmp_path / "lead.xlsx", results=results)
    sheet = openpyxl.load_workbook(path)["Lots"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert LOT2 in texts and any(t.startswith("The lots marked to bid") for t in texts)


def test_a_tender_without_lots_has_no_lot_choice(demo):
    other = next(o for o in demo.ws.options() if demo.ws.get(Tender, o.tender_id).name.startswith("Wyvern"))
    assert isinstance(analyses.analyse_option(demo.ws, other.id, ["lots"])["lots"], NotApplicable)
    assert not demo.ws.lots(other.tender_id)


def test_a_lot_of_another_tender_is_refused(demo):
    lead = option(demo, LEAD)
    other_tender = next(t for t in demo.ws.all(Tender) if t.id != lead.tender_id)
    foreign, _ = demo.add(Lot, {"tender_id": other_tender.id, "name": "Foreign lot"})
    with pytest.raises(Exception, match="another tender"):
        demo.add(LotBid, {"option_id": lead.id, "lot_id": foreign.id})
    assert not any(d.lot_id == foreign.id for d in demo.ws.by(LotBid, "option_id", lead.id))


def test_summary_json_has_the_lots(demo, capsys):
    path = demo.path
    demo.close()
    assert main(["summary", str(path), "--json", "--option", LEAD]) == 0
    data = json.loads(capsys.readouterr().out)
    [opt] = [o for o in data["consortium_options"] if o["name"] == LEAD]
    lots = opt["analyses"]["lots"]
    assert [r["name"] for r in lots["rows"]] == [LOT1, LOT2] and lots["cap"] == 2
    assert [d["decision"] for d in opt["lot_decisions"]] == ["bid", "choose"]
    [tender] = [t for t in data["tenders"] if t["id"] == opt["tender_id"]]
    assert tender["max_lots_per_supplier"] == 2 and len(tender["lots"]) == 2
