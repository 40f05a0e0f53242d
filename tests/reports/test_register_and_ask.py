"""The investment case's risk register, the ask, and the narrative sections investors read (governance,
management team, track record, social outcomes)."""

from __future__ import annotations

import pytest

from consortium_planner.domain.model import (
    ConsortiumOption,
    FinancialYear,
    FundingSource,
    Risk,
    RiskSource,
    SocialOutcome,
    Tender,
)
from consortium_planner.reports.case import NARRATIVE_PROMPTS, NARRATIVE_SECTIONS, build_case, narrative_key
from consortium_planner.reports.document import Kind, Status, format_value
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession

SPV = "Special purpose vehicle"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The demo's SPV with a Key Fund loan at 4.2% flat over 60 months, a seeded register the user has
    worked on, two social outcomes and the narrative an investor reads."""
    path = write_demo(tmp_path_factory.mktemp("ask") / "demo.cplan")
    s = WorkspaceSession.open(path)
    spv = next(o for o in s.ws.options() if o.name == SPV)
    s.add(FundingSource, {"option_id": spv.id, "name": "Key Fund loan", "kind": "loan", "amount": "100000",
                          "interest_rate_pct": "4.2", "repayment": "flat", "term_months": "60",
                          "arrangement_fee_pct": "2", "grant_pct": "20", "secured": True,
                          "security": "A debenture over the vehicle", "drawdown_month": "2"})
    s.seed_risks(spv.id)
    ceiling = next(r for r in s.ws.children(Risk, spv.id) if r.finding_code == "ceiling_affordability")
    s.set_field(Risk, ceiling.id, "owner", "Bid director")
    s.set_field(Risk, ceiling.id, "mitigation", "Price the shared back office at cost")
    s.set_field(Risk, ceiling.id, "residual_likelihood", "2")
    s.set_field(Risk, ceiling.id, "residual_impact", "3")
    thin = next(r for r in s.ws.children(Risk, spv.id) if r.finding_code == "capacity_thin")
    s.delete(Risk, thin.id)  # so one finding is not in the register
    s.add(Risk, {"option_id": spv.id, "area": "Partnership", "description": "A partner withdraws before award",
                 "likelihood": "2", "impact": "5", "owner": "Chair", "mitigation": "Members' agreement signed first"})
    s.add(SocialOutcome, {"option_id": spv.id, "measure": "People supported to stay at home", "unit": "people a year",
                          "baseline": "0", "target": "250", "target_date": "31/03/2028",
                          "evidence": "Care records"})
    s.add(SocialOutcome, {"option_id": spv.id, "measure": "Staff who are members", "unit": "% of staff",
                          "baseline": "62.5", "target": "80"})
    for name, text in (("governance", "A board of one director per owner."),
                       ("management_team", "A managing director seconded from Westmarch Care Mutual."),
                       ("track_record", "Twelve years of council homecare contracts."),
                       ("social_outcomes", "We report the outcomes to the board every quarter.")):
        s.set_setting(narrative_key(spv.id, name), text)
    yield s
    s.close()


@pytest.fixture(scope="module")
def spv(session) -> ConsortiumOption:
    return next(o for o in session.ws.options() if o.name == SPV)


@pytest.fixture(scope="module")
def case(session, spv):
    return build_case(session.ws, spv.id)


# --------------------------------------------------------------------------- the register


def test_the_risks_section_shows_the_register_worst_first_with_owner_mitigation_and_residual(case, session, spv):
    section = case.section("risks")
    table = section.table("risk_register")
    assert [c.title for c in table.columns] == ["Area", "Risk", "Score", "Owner", "Mitigation", "Residual", "Status"]
    scores = [table.rows[r][2].value for r in range(len(table.rows))]
    assert scores == sorted(scores, reverse=True)
    ceiling = next(r for r in range(len(table.rows)) if table.text(r, 1).startswith("Year 2: price"))
    assert table.text(ceiling, 2) == "9 amber" and table.rows[ceiling][2].status is Status.AMBER  # a warning
    assert (table.text(ceiling, 3), table.text(ceiling, 4), table.text(ceiling, 5)) == (
        "Bid director", "Price the shared back office at cost", "6 green")
    user = next(r for r in range(len(table.rows)) if table.text(r, 1) == "A partner withdraws before award")
    assert table.text(user, 2) == "10 amber" and table.text(user, 5) == "–"
    assert len(table.rows) == len(session.ws.children(Risk, spv.id))


def test_the_risk_matrix_counts_the_risks_before_and_after_mitigation(case, session, spv):
    before = case.section("risks").chart("risk_matrix")
    after = case.section("risks").chart("risk_matrix_after")
    n = len(session.ws.children(Risk, spv.id))
    count = lambda chart: sum(v for s in chart.series for v in s.values if v is not None)  # noqa: E731
    assert count(before) == count(after) == n
    impact4 = next(s for s in before.series if s.name.startswith("4 "))
    assert impact4.values[3] >= 1 and impact4.statuses[3] is Status.RED  # 4 × 4 = 16, the ceiling
    impact3 = next(s for s in after.series if s.name.startswith("3 "))
    assert impact3.values[1] >= 1 and impact3.statuses[1] is Status.GREEN  # mitigated to 2 × 3 = 6
    assert [s.name[0] for s in before.series] == ["5", "4", "3", "2", "1"]  # impact 5 at the top


def test_findings_not_in_the_register_are_still_listed(case, session, spv):
    findings = analyses.analyse_option(session.ws, spv.id).findings()
    thin = next(f for f in findings if f.code == "capacity_thin")
    table = case.section("risks").table("risks")
    texts = [table.text(r, 2) for r in range(len(table.rows))]
    assert thin.message in texts
    registered = {r.description for r in session.ws.children(Risk, spv.id) if r.source is RiskSource.ANALYSES}
    assert not registered & set(texts)


def test_a_red_finding_scored_down_by_the_user_says_so(session, spv):
    ceiling = next(r for r in session.ws.children(Risk, spv.id) if r.finding_code == "no_winning_price_covers_cost")
    ws = session.ws.copy()
    import dataclasses

    ws.put(dataclasses.replace(ceiling, likelihood=1, impact=2))
    table = build_case(ws, spv.id, sections=["risks"]).section("risks").table("risk_register")
    row = next(r for r in range(len(table.rows)) if table.text(r, 1).startswith("The highest winning price"))
    assert table.text(row, 2) == "2 green"
    assert table.text(row, 6).endswith("the analyses rate it blocking") and table.rows[row][6].status is Status.RED


# --------------------------------------------------------------------------- the ask


def test_the_ask_comes_right_after_the_summary(case):
    keys = case.keys()
    assert keys[:2] == ("summary", "ask")


def terms(case_or_section, name: str) -> dict[str, str]:
    """One instrument's terms from the ask's term sheet (instruments are columns, terms are rows)."""
    section = case_or_section.section("ask") if hasattr(case_or_section, "section") else case_or_section
    for table in section.tables():
        if not table.key.startswith("the_ask"):
            continue
        titles = [c.title for c in table.columns]
        if name in titles:
            col = titles.index(name)
            return {table.text(r, 0): table.text(r, col) for r in range(len(table.rows))}
    raise KeyError(name)


def test_the_ask_names_each_instrument_with_its_terms_and_the_flat_loans_true_rate(case):
    key_fund = terms(case, "Key Fund loan")
    assert key_fund["Instrument"] == "Loan, flat rate, with £20k of it as grant"
    assert key_fund["Amount"] == "£100,000" and key_fund["Term"] == "60 months"
    assert key_fund["Rate a year"] == "4.20% flat"
    # the £80,000 lent at 4.2% flat: 7.77% nominal, 8.05% effective (DOMAIN §12)
    assert key_fund["True rate a year"] == "7.77% nominal, 8.05% effective"
    assert key_fund["Repayment"] == "60 monthly payments of £1,613.34 (capital in equal parts with flat interest)"
    assert key_fund["Fees"] == "arrangement £1,600"
    assert key_fund["Security"] == "secured: A debenture over the vehicle"
    loan = terms(case, "Social investment loan")
    assert loan["Rate a year"] == "7.01%" and loan["Repayment"].startswith("6 months interest only, then 54 monthly")
    assert terms(case, "Working capital facility")["Instrument"] == "Overdraft facility"
    with pytest.raises(KeyError):  # members' equity is not asked of investors
        terms(case, "Equity: Westmarch Community Health")


def test_the_ask_states_covenant_headroom_against_the_funding_analysis(case, session, spv):
    funding = analyses.funding(session.ws, spv.id)
    figures = next(b for b in case.section("ask").blocks if type(b).__name__ == "KeyFigures")
    cover = next(f for f in figures.items if f.label == "Lowest debt service cover")
    assert cover.value == funding.lowest_dscr
    gap = funding.lowest_dscr - funding.min_dscr
    assert cover.status is (Status.GREEN if gap >= 0 else Status.RED)
    assert f"covenant {funding.min_dscr}×" in cover.note
    # the requirement is never green while a funding finding is red (here: cover below the covenant)
    requirement = next(f for f in figures.items if f.label == "Funding requirement")
    red = [f for f in analyses.analyse_option(session.ws, spv.id).findings(["funding"]) if f.severity.red]
    assert requirement.status is (Status.RED if red else Status.GREEN)
    assert bool(red) == (funding.dscr_ok is False or funding.shortfall > 0 or funding.lowest_balance < 0)


def test_a_complete_impact_framework_is_held(session, spv):
    ws = session.ws.copy()
    for o in ws.children(SocialOutcome, spv.id):
        if o.baseline is None:
            ws.remove(SocialOutcome, o.id)
    table = build_case(ws, spv.id, sections=["ask"]).section("ask").table("investor_documents")
    row = next(r for r in range(len(table.rows)) if table.text(r, 0) == "An impact framework")
    assert table.text(row, 1).startswith("5 social outcomes with a baseline and a target")
    assert table.rows[row][2].status is Status.GREEN


def test_the_documents_list_says_what_the_workspace_holds(session, spv):
    ws = session.ws.copy()
    member_org = ws.members(spv.id)[-1].organisation_id
    for fy in ws.financial_years(member_org)[:-1]:
        ws.remove(FinancialYear, fy.id)
    table = build_case(ws, spv.id, sections=["ask"]).section("ask").table("investor_documents")
    rows = {table.text(r, 0): r for r in range(len(table.rows))}
    accounts = rows["The last two years' accounts"]
    assert table.text(accounts, 1).startswith("Harper & Lowe Home Support Ltd has one year entered (to 31 December")
    assert table.text(accounts, 1).endswith("have two years or more.")
    assert table.rows[accounts][2].status is Status.AMBER
    complete = build_case(session.ws, spv.id, sections=["ask"]).section("ask").table("investor_documents")
    row = next(r for r in range(len(complete.rows)) if complete.text(r, 0) == "The last two years' accounts")
    assert complete.rows[row][2].status is Status.GREEN and complete.text(row, 1).startswith("Entered for every member (7)")
    assert table.rows[rows["A 12-month cash-flow forecast"]][2].status is Status.GREEN
    # the demo's carers' outcome has no baseline yet (its first survey sets it)
    assert table.text(rows["An impact framework"], 1) == "5 of 6 social outcomes have both a baseline and a target."
    assert table.rows[rows["An impact framework"]][2].status is Status.AMBER
    assert table.rows[rows["Governance"]][2].status is Status.GREEN
    assert table.rows[rows["Latest management accounts"]][2].status is Status.AMBER


def test_a_shortfall_is_named_as_still_to_raise(session, spv):
    ws = session.ws.copy()
    tender = ws.get(Tender, spv.tender_id)
    for src in ws.children(FundingSource, spv.id):
        if src.name == "Working capital facility":
            ws.remove(FundingSource, src.id)
    assert tender is not None
    funding = analyses.funding(ws, spv.id)
    assert funding.shortfall > 0
    section = build_case(ws, spv.id, sections=["ask"]).section("ask")
    still = terms(section, "Still to raise")
    assert still["Amount"] == format_value(funding.shortfall, Kind.MONEY)  # whole pounds in a table
    table = next(t for t in section.tables() if "Still to raise" in [c.title for c in t.columns])
    cell_ = table.rows[1][[c.title for c in table.columns].index("Still to raise")]
    assert cell_.value == funding.shortfall and cell_.status is Status.RED


# --------------------------------------------------------------------------- the narrative sections


def test_each_narrative_has_a_prompt_and_a_section():
    from consortium_planner.reports.case import SECTION_TITLES

    for name, _label, section in NARRATIVE_SECTIONS:
        assert NARRATIVE_PROMPTS[name] and section in SECTION_TITLES


def test_governance_management_track_record_and_outcomes_are_sections_in_order(case):
    keys = case.keys()
    assert keys.index("consortium") < keys.index("governance") < keys.index("opportunity")
    assert keys.index("social_impact") < keys.index("social_outcomes") < keys.index("risks")
    section = case.section("governance")
    assert [b.text for b in section.blocks if type(b).__name__ == "Heading"] == [
        "Governance", "Management team", "Track record"]
    text = section.text()
    assert "A board of one director per owner." in text and "seconded from Westmarch Care Mutual" in text
    assert "Twelve years of council homecare contracts." in text
    assert section.table("track_record").texts()[0][0] == "Westmarch Community Health CIC"


def test_social_outcomes_show_measure_baseline_and_target(case):
    table = case.section("social_outcomes").table("social_outcomes")
    rows = {r[0]: r for r in table.texts()}
    assert rows["People supported to stay at home"] == [
        "People supported to stay at home", "people a year", "0", "250", "31 March 2028", "Care records"]
    assert rows["Staff who are members"] == ["Staff who are members", "% of staff", "62.5", "80", "–", "–"]
    carers = rows["Carers who say their quality of life has improved"]
    assert carers[2:4] == ["–", "70"]  # not measured yet: never shown as zero


def test_empty_narrative_sections_are_left_out_not_filled(session, spv):
    from consortium_planner.domain.model import Setting

    ws = session.ws.copy()
    for row in ws.all(Setting):
        if row.key == narrative_key(spv.id, "management_team"):
            ws.remove(Setting, row.id)
    built = build_case(ws, spv.id, sections=["governance"])
    headings = [b.text for b in built.section("governance").blocks if type(b).__name__ == "Heading"]
    assert headings == ["Governance", "Track record"]  # no empty "Management team"
    for row in ws.all(Setting):
        if row.key == narrative_key(spv.id, "social_outcomes"):
            ws.remove(Setting, row.id)
    for outcome in ws.children(SocialOutcome, spv.id):
        ws.remove(SocialOutcome, outcome.id)
    built = build_case(ws, spv.id, sections=["social_outcomes"])
    assert built.keys() == () and dict(built.left_out)["social_outcomes"] == "nothing to show"
