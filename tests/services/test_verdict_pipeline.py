"""The verdict through the pipeline: in ``summary --json`` as ``analyses.verdict``, on the demo's options and
on an option built with many problems, with every cure's figures re-tested where they can be."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D

import pytest

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import FundingKind, FundingSource
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.summary import summary
from problem_option import LOAN, add_problem_option


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("verdict") / "demo.cplan")
    session = WorkspaceSession.open(path)
    yield session
    session.close()


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("problems") / "demo.cplan")
    session = WorkspaceSession.open(path)
    oid = add_problem_option(session)
    yield session, oid
    session.close()


def option_json(ws, name):
    return next(o for o in summary(ws)["consortium_options"] if o["name"] == name)


def test_the_demo_spv_is_not_bid_while_no_winning_price_covers_its_cost(demo):
    v = option_json(demo.ws, "Special purpose vehicle")["analyses"]["verdict"]
    ev = analyses.evaluation(demo.ws, next(o.id for o in demo.ws.options() if o.name == "Special purpose vehicle"))
    assert ev.winning_price.price < ev.annual_cost  # £3,699,000 against £3,879,544.96
    assert v["decision"] == "do_not_bid"
    [blocking] = [b for b in v["blocking"] if b["code"] == "no_winning_price_covers_cost"]
    assert blocking["area"] == "Evaluation"
    assert blocking["figures"] == {"highest_winning_price": "3699000.00", "annual_cost": "3879544.96",
                                   "cost_above_price": "180544.96"}
    assert "The highest winning price is £3,699,000; the year-one cost is £3,879,545" in blocking["text"]
    cure = v["conditions"][0]
    assert cure["text"].startswith("Cut cost by £180,545 a year or raise the quality score to ")
    assert cure["figures"]["cost_cut"] == "180544.96" and D(cure["figures"]["quality_needed"]) <= 100
    assert set(cure) >= {"area", "text", "figures"}
    json.dumps(v)  # JSON-ready throughout


def test_every_demo_option_has_a_verdict_and_none_is_bid_while_something_serious_stands(demo):
    for option in demo.ws.options():
        results = analyses.analyse_option(demo.ws, option.id)
        v = results["verdict"]
        red = [f for f in results.findings(analyses.FINDING_ANALYSES) if f.severity.red]
        blocking = [f for f in red if f.severity is Severity.BLOCKING]
        assert (v.decision.value == "bid") == (not red), option.name
        assert (v.decision.value == "do_not_bid") == bool(blocking), option.name
        assert [b.text for b in v.blocking] == [f.message for f in blocking]
        assert to_jsonable(v)["decision"] == v.decision.value


def test_the_lead_provider_later_years_over_a_fixed_ceiling_are_affordability_warnings(demo):
    oid = next(o.id for o in demo.ws.options() if o.name == "Lead provider with subcontractors")
    results = analyses.analyse_option(demo.ws, oid)
    codes = {f.code: f.severity for f in results.findings()}
    assert "over_ceiling" not in codes and codes["ceiling_affordability"] is Severity.WARNING


def test_an_option_with_many_problems_gets_a_condition_for_each_with_its_figures(problems):
    session, oid = problems
    results = analyses.analyse_option(session.ws, oid)
    v = results["verdict"]
    funding = results["funding"]
    by_code = {}
    for f in results.findings():
        by_code.setdefault(f.code, []).append(f)
    # standing: the lead fails 3× turnover; another member's guarantee brings in enough
    [fail] = by_code["standing_fail_turnover_ratio"]
    assert fail.severity is Severity.SERIOUS and fail.cure.startswith("A guarantee of £4,000,000 from ")
    assert fail.cure_figure("guarantee") == D("4000000.00")
    # funding: the shortfall to arrange, and why cash goes below zero
    [short] = by_code["funding_shortfall"]
    assert short.cure_figure("more_funding") == funding.shortfall > 0
    [cash] = by_code["cash_negative"]
    assert cash.cure_figure("cover_needed") == -funding.lowest_balance
    assert "loan repayments of £600,000" in cash.cure and "draw the funding earlier" not in cash.cure
    # debt service: the cures are named, not "draw the funding earlier"
    [dscr] = by_code["dscr_below_minimum"]
    assert dscr.cure.startswith("Debt service is not affordable in Year 1")
    assert dscr.cure_figure("overdraft_facility") == LOAN
    assert v.decision.value == "bid_with_conditions"
    assert {c.code for c in v.conditions} >= {"capacity_gap", "standing_fail_turnover_ratio", "funding_shortfall",
                                              "cash_negative", "dscr_below_minimum"}


def test_the_overdraft_the_debt_service_advice_names_does_meet_the_covenant(problems):
    session, oid = problems
    ws = session.ws.copy()
    loan = next(s for s in ws.by(FundingSource, "option_id", oid) if s.kind is FundingKind.LOAN)
    ws.put(dataclasses.replace(loan, kind=FundingKind.OVERDRAFT, term_months=0))
    funding = analyses.funding(ws, oid)
    assert funding.lowest_dscr is not None and funding.dscr_ok
    [cure] = [f for f in analyses.analyse_option(session.ws, oid).findings() if f.code == "dscr_below_minimum"]
    assert funding.lowest_dscr >= cure.cure_figure("overdraft_lowest_cover")
