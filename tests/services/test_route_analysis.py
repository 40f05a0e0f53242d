"""The route analysis and its surfaces (issue 18): per option it knows who is in the bid; summary --json has
each tender's route; the case has a Selection route section only under the Provider Selection Regime."""

import pytest

from consortium_planner.domain.model import Tender
from consortium_planner.domain.routes import Process
from consortium_planner.reports.case import build_case
from consortium_planner.services.analyses import one
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.summary import summary


@pytest.fixture(name="demo")
def demo_fixture(tmp_path):
    s = WorkspaceSession.open(write_demo(tmp_path / "demo.cplan"))
    yield s
    s.close()


def _psr(s, incumbent):
    t = s.ws.tenders()[0]
    for field, value in (("regime", "psr"), ("psr_incumbent", incumbent), ("psr_incumbent_satisfactory", True)):
        s.set_field(Tender, t.id, field, value)
    return t


def test_the_route_knows_whether_the_incumbent_is_in_the_bid(demo):
    _psr(demo, "Harper & Lowe Home Support Ltd")
    by_name = {o.name: o for o in demo.ws.options()}
    go_alone = one(demo.ws, by_name["Go alone"].id, "route")
    assert go_alone.likely is Process.DIRECT_C and go_alone.incumbent_in_bid is False
    assert go_alone.findings[0].code == "psr_direct_award_elsewhere"
    lead = one(demo.ws, by_name["Lead provider with subcontractors"].id, "route")
    assert lead.incumbent_in_bid is True
    assert [f.code for f in lead.findings] == ["psr_incumbent_in_bid"]


def test_summary_and_the_case_show_the_route(demo):
    data = summary(demo.ws)
    assert data["tenders"][0]["route"]["applies"] is False
    _psr(demo, "Someone Else Ltd")
    data = summary(demo.ws)
    route = data["tenders"][0]["route"]
    assert route["applies"] is True and route["likely"] == "direct_award_c"
    assert [p["available"] for p in route["processes"]] == [False, False, True, True, True]
    spv = next(o for o in demo.ws.options() if o.name == "Special purpose vehicle")
    doc = build_case(demo.ws, spv.id, sections=["summary", "route"])
    assert "route" in [s.key for s in doc.sections]


def test_the_workbook_has_a_route_sheet_only_under_the_regime(demo, tmp_path):
    from openpyxl import load_workbook

    from consortium_planner.reports.workbook import write_option_workbook
    spv = next(o for o in demo.ws.options() if o.name == "Special purpose vehicle")
    assert "Route" not in load_workbook(write_option_workbook(demo.ws, spv.id, tmp_path / "a.xlsx")).sheetnames
    _psr(demo, "Someone Else Ltd")
    book = load_workbook(write_option_workbook(demo.ws, spv.id, tmp_path / "b.xlsx"))
    texts = [c.value for row in book["Route"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Direct award C" in texts and any("Someone Else Ltd" in t for t in texts)
