"""The executive summary leads with the verdict and names every serious or blocking finding the case reports
(its message, or a line that counts it), and never calls a figure fine that a finding marks as failing: on
the demo's options, on an option built with many problems, on generated workspaces and on hypothesis-built
ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from consortium_planner.domain.findings import Finding, Severity
from consortium_planner.domain.model import Tender
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import KeyFigures, Status, Table, build_case
from consortium_planner.reports.sections.summary import TOP_RISKS_OF_A_KIND
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.generate import build_large
from consortium_planner.services.session import WorkspaceSession
from problem_option import add_problem_option
from services.test_analyses_property import workspaces

ON = dt.date(2026, 12, 1)
FINE = ("within the ceiling", "which covers it", "passes every test")


def check_summary(ws: Workspace, option_id: int) -> None:
    """The summary of ``option_id``'s case names each serious or blocking finding, leads with the verdict, and
    says nothing is fine where a finding says it is not."""
    results = analyses.analyse_option(ws, option_id)
    case = build_case(ws, option_id, results=results, on=ON)
    summary = case.section("summary")
    assert summary is not None
    text = summary.text()
    red: list[Finding] = [f for f in results.findings() if f.severity.red]
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in red:
        groups.setdefault((f.area, f.code), []).append(f)
    blocking = {f.message for f in red if f.severity is Severity.BLOCKING}
    for (area, _code), same in groups.items():
        shown = [f for f in same if f.message not in blocking][:TOP_RISKS_OF_A_KIND]
        for f in same:
            if f.message in text:
                continue
            assert f not in shown, f"not named in the summary: {f.message}"
            assert f"more like these ({area})" in text, f"not counted in the summary: {f.message}"
    # the verdict first, in its colour, with every blocking finding's message
    first = summary.blocks[0]
    verdict = results.ok("verdict")
    if verdict is not None:
        assert isinstance(first, Table) and first.key == "verdict"
        assert first.rows[0][0].value == verdict.label
        assert first.rows[0][0].status is {"bid": Status.GREEN, "bid_with_conditions": Status.AMBER,
                                           "do_not_bid": Status.RED}[verdict.decision.value]
        assert all(b in text for b in blocking)
        assert (verdict.decision.value == "bid") == (not [f for f in results.findings(analyses.FINDING_ANALYSES)
                                                          if f.severity.red])
    # nothing called fine that a finding marks as failing
    codes = {f.code for f in red}
    prices = results.ok("prices")
    if prices is not None and (prices.over_evaluated_ceiling or prices.partial):
        assert "within the ceiling" not in text
    funding = results.ok("funding")
    if funding is not None and {"funding_shortfall", "cash_negative", "dscr_below_minimum"} & codes:
        assert "which covers it" not in text
    if any(c.startswith("standing_fail_") for c in codes):
        assert "passes every test" not in text
    for block in summary.blocks:
        if isinstance(block, KeyFigures):
            for figure in block.items:
                if figure.label == "Funding requirement":
                    assert (figure.status is Status.GREEN) == (not {"funding_shortfall", "cash_negative",
                                                                    "dscr_below_minimum"} & codes)
                if figure.label == "Annual price (year one)" and figure.status is Status.GREEN:
                    assert not {"over_ceiling", "no_winning_price_covers_cost"} & codes
                    assert prices is None or not prices.partial


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("summary") / "demo.cplan")
    session = WorkspaceSession.open(path)
    problem = add_problem_option(session)
    yield session, problem
    session.close()


def test_every_demo_option_and_the_option_with_many_problems(demo):
    session, problem = demo
    for option in session.ws.options():
        check_summary(session.ws, option.id)
    text = build_case(session.ws, problem, on=ON).section("summary").text()
    red = [f for f in analyses.analyse_option(session.ws, problem).findings() if f.severity.red]
    assert len(red) >= 6 and all(f.message in text for f in red)  # few enough to be named one by one
    assert "Debt service cover falls to" in text and "which covers it" not in text


def test_the_demo_spv_summary_leads_with_do_not_bid(demo):
    session, _ = demo
    spv = next(o for o in session.ws.options() if o.name == "Special purpose vehicle")
    summary = build_case(session.ws, spv.id, on=ON).section("summary")
    verdict = summary.blocks[0]
    assert isinstance(verdict, Table) and verdict.texts()[0][0] == "Do not bid as it stands"
    assert "Cut cost by £180,545 a year" in summary.text()


def test_generated_workspaces():
    ws = Workspace(build_large(seed=7, organisations=8, service_lines=3, areas=2, options=3))
    for option in ws.options():
        check_summary(ws, option.id)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_hypothesis_built_workspaces(ws):
    for option in ws.options():
        check_summary(ws, option.id)


def test_a_money_key_figure_is_its_json_value_rounded(demo):
    """Each money key figure in the summary equals the JSON value rounded at the figure's own precision."""
    from test_case import equals_rounded

    from consortium_planner.services.summary import summary as summary_json

    session, _ = demo
    data = {o["name"]: o["analyses"] for o in summary_json(session.ws)["consortium_options"]}
    for option in session.ws.options():
        a = data[option.name]
        figures = {f.label: f.text for b in build_case(session.ws, option.id, on=ON).section("summary").blocks
                   if isinstance(b, KeyFigures) for f in b.items}
        pairs = [("Annual price (year one)", a["prices"]["years"][0]["annual_price"]),
                 (f"Contract price ({session.ws.get(Tender, option.tender_id).term_years} years)",
                  a["prices"]["term_price"]),
                 ("Funding requirement", a["funding"]["requirement"]), ("NPV at 3.50%", a["returns"]["npv"])]
        if a["evaluation"].get("best"):
            pairs.append(("Best price for expected contribution", a["evaluation"]["best"]["price"]))
        for label, exact in pairs:
            assert equals_rounded(figures[label], Decimal(exact)), (option.name, label, figures[label], exact)
