import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# one process for the analyses, but in the tests marked ``second_process`` (``services.second_process``): a second
# process for every window a test opens took about a second of the other processor's time each
os.environ.setdefault("CONSORTIUM_PLANNER_ONE_PROCESS", "1")

import pytest  # noqa: E402

from consortium_planner.domain.model import (  # noqa: E402
    Allocation,
    BidRound,
    Capacity,
    CapitalItem,
    Competitor,
    ConsortiumOption,
    CostProfile,
    DecisionRound,
    DueDiligenceItem,
    FinancialCondition,
    FinancialYear,
    FundingSource,
    Gate,
    GateResponse,
    HeadsOfTermsItem,
    Lot,
    LotBid,
    MarketSegment,
    Member,
    Organisation,
    PartneringProfile,
    PensionArrangement,
    QualityAnswer,
    QualityQuestion,
    ReadinessScore,
    Requirement,
    Risk,
    Role,
    RoundFigure,
    RoundScore,
    SocialOutcome,
    SocialValueCommitment,
    Tender,
    TupeCohort,
)
from consortium_planner.services.session import WorkspaceSession  # noqa: E402


def build_small_workspace(path):
    """A small workspace with one row of every entity, written through the services layer."""
    s = WorkspaceSession.create(path)
    a, _ = s.add(Organisation, {"name": "Northfield Health Mutual", "home_area": "East", "employee_owned": True})
    b, _ = s.add(Organisation, {"name": "Care Co-op", "kind": "cooperative"})
    s.add(FinancialYear, {"organisation_id": a.id, "year_end": "31/03/2025", "turnover": "£2,500,000",
                          "current_assets": "400000", "current_liabilities": "350000"})
    s.add(Capacity, {"organisation_id": a.id, "service_line": "Homecare", "area": "East",
                     "units_per_year": "40000", "max_growth_pct": "25", "lead_time_months": "3"})
    p, _ = s.add(CostProfile, {"organisation_id": a.id, "service_line": "Homecare", "non_pay_per_unit": "1.20"})
    s.add(Role, {"cost_profile_id": p.id, "name": "Care worker", "hourly_rate": "12.71"})
    t, _ = s.add(Tender, {"name": "Wellbeing", "annual_value": "4000000", "start_date": "01/04/2027"})
    lot, _ = s.add(Lot, {"tender_id": t.id, "name": "Lot 1"})
    r, _ = s.add(Requirement, {"tender_id": t.id, "lot_id": lot.id, "service_line": "Homecare", "area": "East",
                               "annual_volume": "50000"})
    s.add(FinancialCondition, {"tender_id": t.id, "metric": "current_ratio", "threshold": "1.0",
                               "amber_threshold": "0.8"})
    s.add(TupeCohort, {"tender_id": t.id, "name": "Reablement team", "headcount": "38", "fte": "31.5"})
    s.add(Competitor, {"tender_id": t.id, "name": "National group", "annual_price": "3,800,000"})
    op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "SPV", "lead_organisation_id": a.id})
    ma, _ = s.add(Member, {"option_id": op.id, "organisation_id": a.id, "participation_pct": "60"})
    s.add(Member, {"option_id": op.id, "organisation_id": b.id, "participation_pct": "40"})
    s.add(Allocation, {"option_id": op.id, "requirement_id": r.id, "member_id": ma.id, "volume": "30000"})
    s.add(FundingSource, {"option_id": op.id, "name": "Social investment loan", "amount": "250000",
                          "interest_rate_pct": "7.01", "term_months": "60", "capital_holiday_months": "6"})
    s.add(CapitalItem, {"option_id": op.id, "name": "Recruitment", "amount": "15000"})
    s.add(Risk, {"option_id": op.id, "area": "People", "description": "The registered manager leaves before start",
                 "likelihood": "2", "impact": "4", "owner": "Operations lead"})
    s.add(SocialOutcome, {"option_id": op.id, "measure": "People supported to stay at home", "unit": "people a year",
                          "baseline": "0", "target": "250"})
    cohort = s.ws.tupe_cohorts(t.id)[0]
    s.add(PartneringProfile, {"option_id": op.id, "who_contracts": "vehicle"})
    s.add(PensionArrangement, {"option_id": op.id, "cohort_id": cohort.id, "deemed_employer": True})
    s.add(ReadinessScore, {"member_id": ma.id, "dimension": "trust", "score": "4"})
    s.add(DueDiligenceItem, {"member_id": ma.id, "area": "accounts", "status": "clear"})
    s.add(HeadsOfTermsItem, {"option_id": op.id, "head": "bid_costs", "amount": "20000"})
    rnd, _ = s.add(DecisionRound, {"tender_id": t.id, "name": "Round 1", "held_on": "03/12/2026",
                                   "frozen_at": "2026-12-03T10:00:00+00:00", "decision": "Bid as the SPV"})
    s.add(RoundFigure, {"round_id": rnd.id, "option_name": "SPV", "figure": "year_one_price", "value": "3800000.00"})
    s.add(MarketSegment, {"organisation_id": a.id, "name": "Council homecare", "kind": "council_contract",
                          "buyer": "East County Council", "annual_income": "1500000"})
    s.add(MarketSegment, {"organisation_id": b.id, "option_id": op.id, "name": "Self-funders", "kind": "self_funders",
                          "customers_at_start": "10", "new_per_month": "2", "churn_pct": "2", "hours_per_week": "6",
                          "rate": "30", "bad_debt_pct": "1", "cost_per_hour": "22", "acquisition_cost": "150"})
    gate, _ = s.add(Gate, {"tender_id": t.id, "name": "CQC registration", "asks": "Registered by service start"})
    s.add(GateResponse, {"option_id": op.id, "gate_id": gate.id, "answer": "met", "evidence": "The lead's registration"})
    s.add(LotBid, {"option_id": op.id, "lot_id": lot.id, "decision": "bid", "win_probability_pct": "40",
                   "note": "The lead's core service"})
    question, _ = s.add(QualityQuestion, {"tender_id": t.id, "name": "Q1 Outcomes", "weight_pct": "100",
                                          "max_score": "5", "minimum_score": "2"})
    s.add(QualityAnswer, {"option_id": op.id, "question_id": question.id, "expected_score": "3.5",
                          "plan": "Case studies from the lead"})
    s.add(SocialValueCommitment, {"option_id": op.id, "theme": "volunteering", "measure": "Volunteering in East",
                                  "unit": "hour", "quantity_a_year": "100", "proxy_value": "17",
                                  "proxy_source": "Example only"})  # no cost: the small workspace's prices hold
    bid_round, _ = s.add(BidRound, {"tender_id": t.id, "name": "Initial tenders", "number": "1"})
    s.add(RoundScore, {"round_id": bid_round.id, "bidder": "Us", "ours": True, "annual_price": "950000",
                       "quality_score": "70", "social_value_score": "60", "feedback": "Strong on outcomes"})
    s.add(RoundScore, {"round_id": bid_round.id, "bidder": "Rival Homecare Group", "annual_price": "900000",
                       "quality_score": "65", "social_value_score": "50"})
    s.close()
    return path


@pytest.fixture
def small_workspace(tmp_path):
    return build_small_workspace(tmp_path / "small.cplan")


@pytest.fixture
def demo_controller(qapp, tmp_path):
    """A GUI controller on a fresh copy of the demo; ``refusals`` collects the reasons edits were refused."""
    from consortium_planner.gui.controller import WorkspaceController
    from consortium_planner.services.demo import write_demo
    from consortium_planner.services.session import WorkspaceSession

    c = WorkspaceController(WorkspaceSession.open(write_demo(tmp_path / "demo.cplan")))
    c.refusals = []
    c.edit_refused.connect(c.refusals.append)
    yield c
    c.session.close()


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


# --------------------------------------------------------------------------- PostgreSQL (team workspaces)
@pytest.fixture(scope="session")
def pg_server():
    """Admin URL of a PostgreSQL server: $CPLAN_TEST_PG_URL, or a private throwaway cluster."""
    import pg_server as pg

    url = os.environ.get(pg.ENV_URL)
    if url:
        from consortium_planner.store.workspace_file import database_url

        yield database_url(url).render_as_string(hide_password=False)  # postgresql:// → psycopg 3
        return
    with pg.private_server() as admin_url:
        yield admin_url


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database for one test (dropped after it): its URL."""
    import pg_server as pg

    with pg.fresh_database(pg_server) as url:
        yield url


@pytest.fixture(autouse=True)
def _second_process_where_marked(request, monkeypatch):
    """Tests marked ``second_process`` run as the program does on a machine with a second processor."""
    if request.node.get_closest_marker("second_process") is not None:
        monkeypatch.delenv("CONSORTIUM_PLANNER_ONE_PROCESS", raising=False)
