"""The markets and concentration analyses on workspaces: by period they add up to the segments' months,
the tender's own figures are untouched by them, each member's row carries its markets, and every
surface (summary JSON, the case, the workbook) has them."""

from decimal import Decimal as D

import pytest

from consortium_planner.domain.model import MarketSegment
from consortium_planner.services.analyses import analyse_option, one
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.summary import summary


@pytest.fixture(name="demo")
def demo_fixture(tmp_path):
    s = WorkspaceSession.open(write_demo(tmp_path / "demo.cplan"))
    yield s
    s.close()


def _option(s, name):
    return next(o for o in s.ws.options() if o.name == name)


def test_periods_add_up_to_the_segments_months_and_the_tender_is_untouched(demo):
    spv = _option(demo, "Special purpose vehicle")
    before = one(demo.ws, spv.id, "projection")
    markets = one(demo.ws, spv.id, "markets")
    assert len(markets.segments) == 2
    revenue = sum((m.revenue for s in markets.segments for m in s.months), D(0))
    contribution = sum((m.contribution for s in markets.segments for m in s.months), D(0))
    assert markets.market_revenue == revenue > 0
    assert markets.market_contribution == contribution
    assert sum(markets.monthly_revenue, D(0)) == revenue
    for p, y in zip(markets.periods, before.years, strict=True):
        assert (p.tender_income, p.tender_ebitda) == (y.income, y.ebitda)
        assert p.total_income == y.income + p.market_revenue
    # each member's market contribution is the segments it earns
    for m in markets.members:
        earned = sum((mm.contribution for s in markets.segments if s.organisation_id == m.organisation_id
                      for mm in s.months), D(0))
        assert sum(m.market_contribution, D(0)) == earned
    # removing the markets leaves the tender's projection exactly as it was
    for seg in markets.segments:
        demo.delete(MarketSegment, seg.segment_id)
    after = one(demo.ws, spv.id, "projection")
    assert after.years == before.years and after.total_income == before.total_income
    assert one(demo.ws, spv.id, "markets").market_revenue == 0


def test_a_new_market_moves_the_consortiums_concentration(demo):
    spv = _option(demo, "Special purpose vehicle")
    c1 = one(demo.ws, spv.id, "concentration")
    largest = c1.consortium.after.measure("largest").value
    org = next(m.organisation_id for m in demo.ws.members(spv.id))
    demo.add(MarketSegment, {"organisation_id": org, "option_id": spv.id, "name": "Big grant", "kind": "grants",
                             "buyer": "A foundation", "annual_income": "3000000"})
    c2 = one(demo.ws, spv.id, "concentration")
    assert c2.consortium.after.measure("largest").value < largest
    assert c2.consortium.after.measure("trading").value < 100
    assert c2.consortium.before == c1.consortium.before  # a new market is after the bid only


def test_every_surface_has_the_markets(demo, tmp_path):
    spv = _option(demo, "Special purpose vehicle")
    data = summary(demo.ws, option=spv.name)
    analyses = data["consortium_options"][0]["analyses"]
    assert set(analyses["markets"]) >= {"segments", "periods", "members"}
    assert analyses["concentration"]["consortium"]["after"]["measures"][0]["key"] == "largest"
    assert len(data["consortium_options"][0]["market_segments"]) == 2
    assert any(o["market_segments"] for o in data["organisations"])
    from consortium_planner.reports.case import build_case

    results = analyse_option(demo.ws, spv.id)
    doc = build_case(demo.ws, spv.id, results=results)
    keys = [s.key for s in doc.sections]
    assert "diversification" in keys
    from openpyxl import load_workbook

    from consortium_planner.reports.workbook import write_option_workbook

    path = write_option_workbook(demo.ws, spv.id, tmp_path / "spv.xlsx", results=results)
    wb = load_workbook(path)
    texts = [c.value for row in wb["Markets"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Personal health budgets" in texts and "Consortium" in texts
