"""Price per quality point through the whole program: the demo's tender scored by PQP in the bid
evaluation, the score curve, the winning price, validation, the investment case and the workbook."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from consortium_planner.domain.model import ConsortiumOption, PriceMethod, Tender
from consortium_planner.domain.pricing import ScoringRules, evaluate
from consortium_planner.domain.validation import check_workspace as validate
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import build_case
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession

SPV = "Special purpose vehicle"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("pqp") / "demo.cplan")
    s = WorkspaceSession.open(path)
    option = next(o for o in s.ws.options() if o.name == SPV)
    tender = s.ws.get(Tender, option.tender_id)
    s.set_field(Tender, tender.id, "price_method", PriceMethod.PQP.label)
    s.set_field(Tender, tender.id, "price_weight", "0")
    s.set_field(Tender, tender.id, "quality_weight", "90")
    yield s
    s.close()


def spv(s) -> ConsortiumOption:
    return next(o for o in s.ws.options() if o.name == SPV)


def test_the_tender_is_stored_as_price_per_quality_point(session):
    tender = session.ws.get(Tender, spv(session).tender_id)
    assert tender.price_method is PriceMethod.PQP and tender.price_weight == 0
    # no validation warning now the price weight is 0 …
    assert not [i for i in validate(session.ws) if i.field == "Price weight"]
    # … and one naming the tender when it is not
    other = dataclasses.replace(tender, price_weight=Decimal(30), quality_weight=Decimal(60))
    ws = Workspace([other if e is tender else e for e in session.ws.entities()])
    assert [i for i in validate(ws) if i.field == "Price weight" and i.record == tender.name]


def test_the_bid_is_ranked_by_price_per_quality_point(session):
    option = spv(session)
    schedule = analyses.prices(session.ws, option.id)
    ev = analyses.evaluation(session.ws, option.id, schedule)
    e = ev.evaluation
    assert e is not None and e.per_point
    for bid, given in zip(e.bids, [ev.our_bid, *ev.competitors], strict=True):
        quality = Decimal(90) * given.quality_score / given.quality_max + Decimal(10) * (
            given.social_value_score / given.sv_max if given.sv_max else 0)
        assert bid.price_points is None and bid.total == quality
        assert bid.price_per_point == given.price / quality
    rates = sorted(b.price_per_point for b in e.bids if b.price_per_point is not None)
    assert e.ours.rank == 1 + rates.index(e.ours.price_per_point)
    # the highest winning price wins, a penny more does not
    wp = ev.winning_price
    assert wp is not None and wp.price is not None
    rules = ScoringRules.from_tender(session.ws.get(Tender, option.tender_id))
    assert evaluate(dataclasses.replace(ev.our_bid, price=wp.price), ev.competitors, rules).wins
    assert not evaluate(dataclasses.replace(ev.our_bid, price=wp.price + Decimal("0.01")), ev.competitors, rules).wins
    # the score curve draws each bid's £ a point: ours rises with our price, the rivals' stay put
    curve = analyses.one(session.ws, option.id, "score_curve")
    assert curve and all(p.per_point for p in curve)
    ours = [p.ours for p in curve if p.ours is not None]
    assert ours == sorted(ours) and ours[0] < ours[-1]
    assert len({p.rivals for p in curve if all(r is not None for r in p.rivals)}) == 1


def test_the_case_shows_price_per_quality_point(session):
    option = spv(session)
    case = build_case(session.ws, option.id, on=dt.date(2026, 12, 3))
    pricing = case.section("pricing")
    scores = pricing.table("scores")
    assert [c.title for c in scores.columns][4:6] == ["Quality score", "Price per quality point"]
    results = analyses.analyse_option(session.ws, option.id)
    e = results["evaluation"].evaluation
    assert [row[5].value for row in scores.rows] == [b.price_per_point if b.price_per_point is not None else "fails"
                                                     for b in e.bids]
    opportunity = case.section("opportunity").text()
    assert "price per quality point" in opportunity and "+ price score" not in opportunity
