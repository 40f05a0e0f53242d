"""Financial standing (domain/standing.py): hand-worked figures, structures, cures, reservation."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    FinancialCondition,
    FinancialYear,
    Liability,
    Member,
    MemberRole,
    Metric,
    Organisation,
    OrgKind,
    Regime,
    Requirement,
    Structure,
    Tender,
)
from consortium_planner.domain.standing import (
    DEFAULT_THRESHOLDS,
    LINE_ITEMS,
    Direction,
    LineItems,
    ReservedVerdict,
    Risk,
    StandingParams,
    Status,
    Threshold,
    TrendDirection,
    Unit,
    combine,
    contract_shares,
    evaluate,
    is_public_service_mutual,
    line_items,
    organisation_metrics,
    reserved_eligibility,
    risk_for,
    standing,
    thresholds_for,
    with_extra,
)
from consortium_planner.domain.workspace import Workspace

D = Decimal
YE = date(2025, 3, 31)

# Alpha: a sound mutual.
ALPHA = dict(
    turnover="1000000", operating_surplus="50000", ebitda="80000", depreciation="30000", interest="10000",
    tax="0", operating_cash_flow="90000", capex="20000", dividends="0", current_assets="300000",
    inventory="10000", current_liabilities="250000", total_assets="800000", total_liabilities="500000",
    cash="100000", borrowings="200000", free_reserves="150000", expenditure="950000",
)
# Beta: a weak charity (loss-making, negative net assets, no interest payable).
BETA = dict(
    turnover="600000", operating_surplus="-12000", ebitda="-2000", depreciation="10000", interest="0", tax="0",
    operating_cash_flow="5000", capex="15000", dividends="0", current_assets="100000", inventory="0",
    current_liabilities="125000", total_assets="200000", total_liabilities="260000", cash="20000",
    borrowings="80000", free_reserves="40000", expenditure="612000",
)
# Gamma: a large outside organisation; Delta: a small one.
GAMMA = {**ALPHA, "turnover": "5000000", "total_assets": "3000000", "free_reserves": "2000000"}
DELTA = {**ALPHA, "turnover": "300000"}


def fy(id_: int, org: int, year_end: date = YE, **figures: str | None) -> FinancialYear:
    return FinancialYear(id=id_, organisation_id=org, year_end=year_end,
                         **{k: None if v is None else D(v) for k, v in figures.items()})


def orgs() -> list:
    return [
        Organisation(id=1, name="Alpha", kind=OrgKind.MUTUAL, employee_owned=True, employee_ownership_pct=D(100)),
        Organisation(id=2, name="Beta", kind=OrgKind.CHARITY, registered_charity=True),
        Organisation(id=3, name="Gamma", kind=OrgKind.SME),
        Organisation(id=4, name="Delta", kind=OrgKind.SOCIAL_ENTERPRISE),
        fy(1, 1, **ALPHA), fy(2, 2, **BETA), fy(3, 3, **GAMMA), fy(4, 4, **DELTA),
    ]


def workspace(structure: Structure, members: list[tuple[int, MemberRole, str, str | None]], *, lead: int | None = None,
              tender: Tender | None = None, extra: list | None = None,
              liability: Liability = Liability.JOINT_AND_SEVERAL) -> Workspace:
    """members: (organisation id, role, participation %, guarantee)."""
    tender = tender or Tender(id=1, name="Homecare", annual_value=D("400000"))
    rows = [*orgs(), tender,
            ConsortiumOption(id=1, tender_id=tender.id, name="Option", structure=structure,
                             lead_organisation_id=lead, liability=liability)]
    for i, (org, role, pct, guarantee) in enumerate(members, start=1):
        rows.append(Member(id=i, option_id=1, organisation_id=org, role=role, participation_pct=D(pct),
                           guarantee=None if guarantee is None else D(guarantee)))
    return Workspace(rows + (extra or []))


def by_metric(results) -> dict:
    return {r.metric: r for r in results}


def retest(entity, fail, amount: Decimal, ws: Workspace) -> Status:
    """Re-run the failed test on the tested entity with ``amount`` more of the lever line item."""
    thresholds = thresholds_for(ws, ws.get(Tender, 1))
    items = with_extra(entity.line_items, fail.what_it_would_take.line_item, amount)
    return evaluate(fail.metric, items, thresholds[fail.metric], acv=entity.annual_value,
                    share=entity.share_of_acv, tested=entity.reserves_tested or fail.metric is not Metric.RESERVES_COVER
                    ).status


# --------------------------------------------------------------------------- ratios by hand


def test_alpha_metrics_by_hand():
    ws = Workspace(orgs() + [Tender(id=1, name="T", annual_value=D("400000"))])
    res = organisation_metrics(ws, 1, ws.get(Tender, 1), share_of_acv=D("400000"))
    m = by_metric(res.metrics)
    # turnover ratio = 1,000,000 / 400,000 = 2.50 ≥ 2 (the tender's multiple)
    assert m[Metric.TURNOVER_RATIO].value == D("2.50") and m[Metric.TURNOVER_RATIO].status is Status.GREEN
    assert m[Metric.TURNOVER_RATIO].source == "tender minimum turnover"
    # dependency = 400,000 / 1,000,000 = 40% → over 25% but within 50%: amber
    assert m[Metric.CONTRACT_DEPENDENCY].value == D("40.00")
    assert m[Metric.CONTRACT_DEPENDENCY].status is Status.AMBER
    # margin = 50,000 / 1,000,000 = 5.00%
    assert m[Metric.OPERATING_MARGIN].value == D("5.00") and m[Metric.OPERATING_MARGIN].unit is Unit.PERCENT
    # FCF = 90,000 − 20,000 − 10,000 − 0 − 0 = 60,000
    assert m[Metric.FREE_CASH_FLOW].value == D("60000.00") and m[Metric.FREE_CASH_FLOW].status is Status.GREEN
    # net assets = 800,000 − 500,000 = 300,000
    assert m[Metric.NET_ASSETS].value == D("300000.00")
    # current = 300,000 / 250,000 = 1.20; acid = (300,000 − 10,000) / 250,000 = 1.16
    assert m[Metric.CURRENT_RATIO].value == D("1.20") and m[Metric.CURRENT_RATIO].status is Status.GREEN
    assert m[Metric.ACID_RATIO].value == D("1.16")
    # gearing = (200,000 − 100,000) / 300,000 = 0.3333…, shown rounded up (toward the fail side): 0.34
    assert m[Metric.GEARING].value == D("0.34") and m[Metric.GEARING].status is Status.GREEN
    # interest cover = EBIT (operating surplus) 50,000 / 10,000 = 5.00 ≥ 4
    assert m[Metric.INTEREST_COVER].value == D("5.00") and m[Metric.INTEREST_COVER].status is Status.GREEN
    # net debt ÷ EBITDA = 100,000 / 80,000 = 1.25 ≤ 3.5
    assert m[Metric.NET_DEBT_EBITDA].value == D("1.25")
    # reserves = 150,000 / (950,000 / 12) = 1.8947… months, shown 1.89; Alpha is no charity: not tested
    assert m[Metric.RESERVES_COVER].value == D("1.89") and m[Metric.RESERVES_COVER].status is Status.NOT_TESTED
    assert all(isinstance(r.value, Decimal) for r in res.metrics)
    assert res.year_end == YE and res.is_charity is False


def test_beta_metrics_by_hand_with_negative_net_assets():
    ws = Workspace(orgs() + [Tender(id=1, name="T", annual_value=D("400000"))])
    m = by_metric(organisation_metrics(ws, 2, ws.get(Tender, 1), share_of_acv=D("400000")).metrics)
    # 600,000 / 400,000 = 1.50 < 2
    assert m[Metric.TURNOVER_RATIO].status is Status.RED and m[Metric.TURNOVER_RATIO].value == D("1.50")
    # −12,000 / 600,000 = −2.00%: not > 0
    assert m[Metric.OPERATING_MARGIN].value == D("-2.00") and m[Metric.OPERATING_MARGIN].status is Status.RED
    # FCF = 5,000 − 15,000 = −10,000
    assert m[Metric.FREE_CASH_FLOW].value == D("-10000.00") and m[Metric.FREE_CASH_FLOW].status is Status.RED
    # net assets = 200,000 − 260,000 = −60,000
    assert m[Metric.NET_ASSETS].value == D("-60000.00") and m[Metric.NET_ASSETS].status is Status.RED
    # current = 100,000 / 125,000 = 0.80: below 1.0, at amber 0.8
    assert m[Metric.CURRENT_RATIO].value == D("0.80") and m[Metric.CURRENT_RATIO].status is Status.AMBER
    # gearing with negative net assets is meaningless: a fail, with no value
    g = m[Metric.GEARING]
    assert g.status is Status.RED and g.value is None and "negative" in g.reason
    # no interest payable: interest cover undefined, not a fail
    assert m[Metric.INTEREST_COVER].status is Status.UNDEFINED and "no interest" in m[Metric.INTEREST_COVER].reason
    # net debt 60,000 with EBITDA −2,000: cannot be repaid from earnings → fail
    assert m[Metric.NET_DEBT_EBITDA].status is Status.RED and m[Metric.NET_DEBT_EBITDA].value is None
    # charity: reserves tested. 40,000 / (612,000 / 12) = 0.784… months → 0.78 < 3
    assert m[Metric.RESERVES_COVER].value == D("0.78") and m[Metric.RESERVES_COVER].status is Status.RED
    # 400,000 / 600,000 = 66.666…% → shown rounded up, 66.67 > 50 → red
    assert m[Metric.CONTRACT_DEPENDENCY].value == D("66.67") and m[Metric.CONTRACT_DEPENDENCY].status is Status.RED


def test_explanations_are_sentences():
    ws = Workspace(orgs() + [Tender(id=1, name="T", annual_value=D("400000"))])
    res = organisation_metrics(ws, 2, ws.get(Tender, 1), share_of_acv=D("400000"))
    for r in res.metrics:
        assert r.explanation.endswith(".") and r.explanation.startswith("Beta's")
    assert by_metric(res.metrics)[Metric.NET_ASSETS].explanation.startswith("Beta's net assets are −£60,000.00")


# --------------------------------------------------------------------------- missing and zero


def test_missing_figures_are_not_given_never_zero():
    ws = Workspace([
        Organisation(id=1, name="Sparse"),
        fy(1, 1, turnover="500000", current_assets="100000"),  # no current liabilities, no inventory, ...
        Tender(id=1, name="T", annual_value=D("100000")),
    ])
    m = by_metric(organisation_metrics(ws, 1, ws.get(Tender, 1)).metrics)
    cr = m[Metric.CURRENT_RATIO]
    assert cr.status is Status.NOT_GIVEN and cr.value is None
    assert cr.missing == ("current liabilities",)
    assert "current liabilities" in cr.explanation
    assert m[Metric.FREE_CASH_FLOW].status is Status.NOT_GIVEN
    assert m[Metric.NET_ASSETS].status is Status.NOT_GIVEN
    # share of the contract not given to organisation_metrics: dependency not given
    assert m[Metric.CONTRACT_DEPENDENCY].status is Status.NOT_GIVEN
    # turnover is given: 500,000 / 100,000 = 5.00
    assert m[Metric.TURNOVER_RATIO].value == D("5.00")


def test_organisation_without_accounts():
    ws = Workspace([Organisation(id=1, name="New"), Tender(id=1, name="T", annual_value=D("1"))])
    res = organisation_metrics(ws, 1, ws.get(Tender, 1))
    assert res.year_end is None and res.years == ()
    assert all(r.status in (Status.NOT_GIVEN, Status.NOT_TESTED) for r in res.metrics)
    assert "no financial years" in res.result(Metric.NET_ASSETS).explanation


def test_combined_missing_names_who_did_not_give_it():
    beta_no_inventory = {**BETA, "inventory": None}
    items = combine([line_items(fy(1, 1, **ALPHA), "Alpha"), line_items(fy(2, 2, **beta_no_inventory), "Beta")])
    assert items.inventory is None
    r = evaluate(Metric.ACID_RATIO, items, DEFAULT_THRESHOLDS[Metric.ACID_RATIO])
    assert r.status is Status.NOT_GIVEN and r.missing == ("inventory (Beta)",)
    # the current ratio does not need inventory: (300,000 + 100,000) / (250,000 + 125,000) = 1.0666… → 1.06
    assert evaluate(Metric.CURRENT_RATIO, items, DEFAULT_THRESHOLDS[Metric.CURRENT_RATIO]).value == D("1.06")


@pytest.mark.parametrize(
    ("metric", "figures", "reason"),
    [
        (Metric.CURRENT_RATIO, {"current_assets": "5", "current_liabilities": "0"}, "current liabilities are zero"),
        (Metric.ACID_RATIO, {"current_assets": "5", "inventory": "1", "current_liabilities": "0"},
         "current liabilities are zero"),
        (Metric.OPERATING_MARGIN, {"operating_surplus": "5", "turnover": "0"}, "turnover is zero"),
        (Metric.INTEREST_COVER, {"operating_surplus": "5", "interest": "0"}, "net interest is zero"),
        (Metric.INTEREST_COVER, {"operating_surplus": "5", "interest": "-3"}, "net interest is income"),
        (Metric.RESERVES_COVER, {"free_reserves": "5", "expenditure": "0"}, "expenditure is zero"),
        (Metric.NET_DEBT_EBITDA, {"borrowings": "0", "cash": "10", "ebitda": "0"}, "no net debt"),
    ],
)
def test_zero_denominators_are_undefined_not_fails(metric, figures, reason):
    items = line_items(fy(1, 1, **figures), "Z")
    r = evaluate(metric, items, DEFAULT_THRESHOLDS[metric], acv=D("100"), share=D("0"))
    assert r.status is Status.UNDEFINED and r.value is None
    assert reason in r.reason and reason in r.explanation


def test_turnover_ratio_with_zero_contract_value_is_undefined():
    items = line_items(fy(1, 1, turnover="10"), "Z")
    r = evaluate(Metric.TURNOVER_RATIO, items, DEFAULT_THRESHOLDS[Metric.TURNOVER_RATIO], acv=D("0"))
    assert r.status is Status.UNDEFINED and "annual contract value is zero" in r.reason


@pytest.mark.parametrize(
    ("metric", "figures", "share", "reason"),
    [
        (Metric.GEARING, {"borrowings": "10", "cash": "0", "total_assets": "5", "total_liabilities": "5"}, None,
         "net assets are zero"),
        (Metric.GEARING, {"borrowings": "0", "cash": "10", "total_assets": "5", "total_liabilities": "6"}, None,
         "net assets are negative"),
        (Metric.NET_DEBT_EBITDA, {"borrowings": "10", "cash": "0", "ebitda": "0"}, None, "EBITDA is zero"),
        (Metric.CONTRACT_DEPENDENCY, {"turnover": "0"}, D("100"), "no turnover"),
    ],
)
def test_zero_denominators_that_mean_the_test_cannot_be_met_fail(metric, figures, share, reason):
    r = evaluate(metric, line_items(fy(1, 1, **figures), "Z"), DEFAULT_THRESHOLDS[metric], share=share)
    assert r.status is Status.RED and r.value is None and reason in r.reason


def test_ebitda_derived_from_surplus_and_depreciation():
    items = line_items(fy(1, 1, operating_surplus="70", depreciation="30"), "Z")
    assert items.ebitda == D("100") and items.ebitda_derived
    assert line_items(fy(1, 1, operating_surplus="70"), "Z").ebitda is None


# --------------------------------------------------------------------------- thresholds


def test_defaults_carry_marks_and_directions():
    assert DEFAULT_THRESHOLDS[Metric.CURRENT_RATIO] == Threshold(
        Metric.CURRENT_RATIO, Direction.AT_LEAST, D("1.0"), D("0.8"), Unit.RATIO, "[U]")
    assert DEFAULT_THRESHOLDS[Metric.NET_ASSETS].direction is Direction.ABOVE
    assert DEFAULT_THRESHOLDS[Metric.GEARING].direction is Direction.AT_MOST
    assert {t.source for t in DEFAULT_THRESHOLDS.values()} == {"[K]", "[U]"}
    assert set(DEFAULT_THRESHOLDS) == set(Metric)


def test_tender_conditions_override_defaults_inclusively():
    conditions = [
        FinancialCondition(id=1, tender_id=1, metric=Metric.CURRENT_RATIO, threshold=D("1.5"), amber_threshold=D("1.2")),
        FinancialCondition(id=2, tender_id=1, metric=Metric.NET_ASSETS, threshold=D("300000")),
        FinancialCondition(id=3, tender_id=1, metric=Metric.TURNOVER_RATIO, threshold=D("3")),
    ]
    ws = Workspace(orgs() + [Tender(id=1, name="T", annual_value=D("400000"))] + conditions)
    m = by_metric(organisation_metrics(ws, 1, ws.get(Tender, 1)).metrics)
    # 1.20 is below the buyer's 1.5 but at its amber 1.2
    assert m[Metric.CURRENT_RATIO].status is Status.AMBER and m[Metric.CURRENT_RATIO].source == "tender condition"
    # net assets of exactly £300,000 meet "at least £300,000" (conditions are inclusive)
    assert m[Metric.NET_ASSETS].status is Status.GREEN and m[Metric.NET_ASSETS].direction is Direction.AT_LEAST
    # the condition beats the tender's turnover multiple: 2.5 < 3
    assert m[Metric.TURNOVER_RATIO].status is Status.RED and m[Metric.TURNOVER_RATIO].threshold == D("3")


def test_reserves_tested_for_non_charity_when_the_tender_asks():
    ws = Workspace(orgs() + [Tender(id=1, name="T", annual_value=D("400000")),
                             FinancialCondition(id=1, tender_id=1, metric=Metric.RESERVES_COVER, threshold=D("1"))])
    r = organisation_metrics(ws, 1, ws.get(Tender, 1)).result(Metric.RESERVES_COVER)
    assert r.status is Status.GREEN and r.value == D("1.89")


def test_workspace_threshold_override_sits_below_tender_conditions():
    mine = Threshold(Metric.GEARING, Direction.AT_MOST, D("0.2"), None, Unit.RATIO, "workspace")
    ws = Workspace(orgs() + [Tender(id=1, name="T", annual_value=D("400000"))])
    r = organisation_metrics(ws, 1, ws.get(Tender, 1), params=StandingParams(thresholds=(mine,)))
    assert r.result(Metric.GEARING).status is Status.RED and r.result(Metric.GEARING).source == "workspace"


# --------------------------------------------------------------------------- trend


def test_three_year_trend():
    rows = orgs()[:1] + [
        fy(11, 1, date(2022, 3, 31), current_assets="100", current_liabilities="200"),  # dropped: 4th year back
        fy(12, 1, date(2023, 3, 31), current_assets="90", current_liabilities="100"),
        fy(13, 1, date(2024, 3, 31), current_assets="100", current_liabilities="100"),
        fy(1, 1, **ALPHA),
        Tender(id=1, name="T", annual_value=D("400000")),
    ]
    ws = Workspace(rows)
    res = organisation_metrics(ws, 1, ws.get(Tender, 1))
    assert [y.year_end for y in res.years] == [date(2023, 3, 31), date(2024, 3, 31), YE]
    cr = next(t for t in res.trends if t.metric is Metric.CURRENT_RATIO)
    # 0.90 → 1.00 → 1.20
    assert [p.value for p in cr.points] == [D("0.90"), D("1.00"), D("1.20")]
    assert cr.direction is TrendDirection.IMPROVING and "improved from 0.90" in cr.explanation
    na = next(t for t in res.trends if t.metric is Metric.NET_ASSETS)
    assert na.direction is TrendDirection.UNKNOWN


# --------------------------------------------------------------------------- structures


def test_go_alone_tests_the_lead_alone():
    ws = workspace(Structure.GO_ALONE, [(1, MemberRole.LEAD, "100", None)], lead=1)
    r = standing(ws, 1)
    (entity,) = r.tested
    assert entity.organisation_ids == (1,) and entity.kind == "lead"
    # Alpha alone: dependency 100% of 400,000 / 1,000,000 = 40% is amber, interest cover 5 green: no fails
    assert r.fails == () and r.risk is Risk.LOW
    assert r.turnover_test.required == D("800000.00") and r.turnover_test.shortfall == D("0")


def test_lead_provider_ignores_subcontractors_without_guarantee():
    ws = workspace(Structure.LEAD_PROVIDER,
                   [(1, MemberRole.LEAD, "60", None), (2, MemberRole.SUBCONTRACTOR, "40", None)], lead=1)
    r = standing(ws, 1)
    (entity,) = r.tested
    assert entity.organisation_ids == (1,)
    # Alpha's own share: 60% of 400,000 = 240,000 / 1,000,000 = 24% ≤ 25%: green
    assert entity.result(Metric.CONTRACT_DEPENDENCY).value == D("24.00")
    assert r.risk is Risk.LOW
    assert {m.name: m.relied_upon for m in r.members} == {"Alpha": True, "Beta": False}
    # Beta's own results are still shown, but not counted
    beta = next(m for m in r.members if m.name == "Beta")
    assert beta.standing.result(Metric.NET_ASSETS).status is Status.RED


def test_lead_provider_with_guarantor_combines_line_items():
    ws = workspace(Structure.LEAD_PROVIDER,
                   [(1, MemberRole.LEAD, "60", None), (2, MemberRole.SUBCONTRACTOR, "40", "50000")], lead=1)
    r = standing(ws, 1)
    (entity,) = r.tested
    assert entity.organisation_ids == (1, 2) and entity.kind == "lead with guarantors"
    assert entity.line_items.turnover == D("1600000")
    assert "reg 63" in entity.rule


def test_consortium_combines_sums_not_averages():
    ws = workspace(Structure.CONSORTIUM, [(1, MemberRole.LEAD, "60", None), (2, MemberRole.PARTNER, "40", None)],
                   lead=1)
    r = standing(ws, 1)
    (entity,) = r.tested
    m = by_metric(entity.metrics)
    # turnover 1,600,000 / 400,000 = 4.00
    assert m[Metric.TURNOVER_RATIO].value == D("4.00")
    # dependency (240,000 + 160,000) / 1,600,000 = 25.00% ≤ 25: green
    assert m[Metric.CONTRACT_DEPENDENCY].value == D("25.00") and m[Metric.CONTRACT_DEPENDENCY].status is Status.GREEN
    # margin (50,000 − 12,000) / 1,600,000 = 2.375% → 2.37 (an average of ratios would be (5 − 2)/2 = 1.5)
    assert m[Metric.OPERATING_MARGIN].value == D("2.37")
    # net assets 300,000 − 60,000 = 240,000; gearing (280,000 − 120,000) / 240,000 = 0.666… → 0.67
    assert m[Metric.NET_ASSETS].value == D("240000.00") and m[Metric.GEARING].value == D("0.67")
    # interest cover 38,000 / 10,000 = 3.80: amber (≥ 2, < 4)
    assert m[Metric.INTEREST_COVER].value == D("3.80") and m[Metric.INTEREST_COVER].status is Status.AMBER
    # net debt ÷ EBITDA 160,000 / (80,000 − 2,000) = 2.0512… → 2.06
    assert m[Metric.NET_DEBT_EBITDA].value == D("2.06")
    # Beta is a charity so reserves are tested: (150,000 + 40,000) / ((950,000 + 612,000) / 12) = 1.4596 → 1.45 < 3
    assert m[Metric.RESERVES_COVER].status is Status.RED and m[Metric.RESERVES_COVER].value == D("1.45")
    assert [f.metric for f in r.fails] == [Metric.RESERVES_COVER]
    assert r.risk is Risk.MEDIUM
    assert [y.year_end for y in entity.years] == [YE]  # combined by year, one year each here
    assert r.fails[0].result.explanation == (
        "Alpha and Beta's combined reserves cover is 1.45 months, which fails the test of at least 3.00 months [U].")


def test_warnings_for_stale_and_mismatched_accounts():
    tender = Tender(id=1, name="T", annual_value=D("400000"), deadline=date(2026, 6, 30))
    old_beta = fy(22, 2, date(2024, 3, 31), **BETA)
    ws = workspace(Structure.CONSORTIUM, [(1, MemberRole.LEAD, "60", None), (2, MemberRole.PARTNER, "40", None)],
                   lead=1, tender=tender)
    ws.remove(FinancialYear, 2)
    ws.put(old_beta)
    warnings = standing(ws, 1).warnings
    # Beta's year to 31 Mar 2024 is more than 18 months before 30 Jun 2026 (cut-off 31 Dec 2024)
    assert any(w.startswith("Beta's latest accounts end 2024-03-31") for w in warnings)
    assert not any(w.startswith("Alpha's latest accounts") for w in warnings)
    assert any("cover different years" in w for w in warnings)


def test_consortium_without_joint_liability_warns_and_subcontractor_left_out():
    ws = workspace(Structure.CONSORTIUM, [(1, MemberRole.LEAD, "60", None), (2, MemberRole.SUBCONTRACTOR, "40", None)],
                   lead=1, liability=Liability.LEAD)
    r = standing(ws, 1)
    assert r.tested[0].organisation_ids == (1,)
    assert any("joint and several" in w for w in r.warnings)
    assert "Beta is subcontracting without a guarantee, so not part of the combined test." in r.warnings


def test_alliance_tests_each_provider_against_its_share():
    ws = workspace(Structure.ALLIANCE, [(1, MemberRole.PARTNER, "60", None), (2, MemberRole.PARTNER, "40", None)])
    r = standing(ws, 1)
    assert [t.name for t in r.tested] == ["Alpha", "Beta"]
    alpha, beta = r.tested
    # Alpha: 1,000,000 / 240,000 = 4.1666… → 4.16; Beta: 600,000 / 160,000 = 3.75
    assert alpha.turnover_test.required == D("480000.00") and alpha.result(Metric.TURNOVER_RATIO).value == D("4.16")
    assert beta.result(Metric.TURNOVER_RATIO).value == D("3.75")
    # Beta fails margin, FCF, net assets, gearing, net debt ÷ EBITDA, reserves: 6 fails, all Beta's
    assert {f.entity_name for f in r.fails} == {"Beta"} and r.fail_count == 6
    assert r.risk is Risk.HIGH
    assert len(r.turnover_tests) == 2


@pytest.mark.parametrize("structure", [Structure.SPV, Structure.LLP, Structure.SECONDARY_COOP])
def test_vehicle_is_carried_by_guarantors(structure):
    ws = workspace(structure, [(1, MemberRole.PARTNER, "60", "100000"), (2, MemberRole.PARTNER, "40", None)])
    r = standing(ws, 1)
    (entity,) = r.tested
    assert entity.organisation_ids == (1,) and entity.has_track_record is False
    assert "guaranteed by Alpha" in entity.name
    assert any("no accounts or track record" in w for w in r.warnings)


def test_vehicle_without_guarantors_fails_turnover():
    ws = workspace(Structure.SPV, [(1, MemberRole.PARTNER, "60", None), (2, MemberRole.PARTNER, "40", None)])
    r = standing(ws, 1)
    (entity,) = r.tested
    assert entity.organisation_ids == ()
    assert entity.turnover_test.status is Status.RED
    assert [f.metric for f in r.fails] == [Metric.TURNOVER_RATIO] and r.risk is Risk.MEDIUM
    fail = r.fails[0]
    assert fail.what_it_would_take.possible is False
    assert "no accounts to add to" in fail.what_it_would_take.explanation
    # Alpha alone (1,000,000 ≥ 800,000) would carry it; Beta (600,000) would not
    assert [c.name for c in fail.guarantee.candidates] == ["Alpha", "Beta"]  # strongest net assets first
    assert [c.cures for c in fail.guarantee.candidates] == [True, False]
    assert fail.guarantee.cure_with == (1,)
    # outside the option, Gamma (5,000,000) and Delta (300,000 < 800,000: no)
    assert [c.name for c in fail.what_it_would_take.closers] == ["Gamma"]


def test_contract_shares_fall_back_to_allocated_volume():
    extra = [
        Requirement(id=1, tender_id=1, service_line="Homecare", area="North", annual_volume=D("1000")),
        Allocation(id=1, option_id=1, requirement_id=1, member_id=1, volume=D("750")),
        Allocation(id=2, option_id=1, requirement_id=1, member_id=2, volume=D("250")),
    ]
    ws = workspace(Structure.CONSORTIUM, [(1, MemberRole.LEAD, "0", None), (2, MemberRole.PARTNER, "0", None)],
                   lead=1, extra=extra)
    shares = contract_shares(ws, 1, D("400000"))
    assert shares.basis == "allocated volume"
    assert shares.of(1) == D("300000.00") and shares.of(2) == D("100000.00")
    nothing = workspace(Structure.CONSORTIUM, [(1, MemberRole.LEAD, "0", None), (2, MemberRole.PARTNER, "0", None)])
    assert contract_shares(nothing, 1, D("400000")).of(1) is None
    r = standing(nothing, 1)
    assert r.tested[0].result(Metric.CONTRACT_DEPENDENCY).status is Status.NOT_GIVEN


# --------------------------------------------------------------------------- PCR15 warning and risk


@pytest.mark.parametrize(("regime", "multiple", "warned"),
                         [(Regime.PCR15, "3", True), (Regime.PCR15, "2", False), (Regime.PA23, "3", False)])
def test_pcr15_turnover_multiple_warning(regime, multiple, warned):
    tender = Tender(id=1, name="T", annual_value=D("400000"), regime=regime, turnover_multiple=D(multiple))
    ws = workspace(Structure.GO_ALONE, [(1, MemberRole.LEAD, "100", None)], lead=1, tender=tender)
    assert any("reg 58(9)" in w for w in standing(ws, 1).warnings) is warned


@pytest.mark.parametrize(("fails", "risk"), [(0, Risk.LOW), (1, Risk.MEDIUM), (2, Risk.HIGH), (7, Risk.HIGH)])
def test_risk_counting(fails, risk):
    assert risk_for(fails) is risk


def test_overall_risk_counts_red_only():
    # Beta alone: RED turnover, margin, FCF, net assets, gearing, ND/EBITDA, reserves, dependency (66.67% > 50);
    # AMBER current ratio and UNDEFINED interest cover do not count.
    ws = workspace(Structure.GO_ALONE, [(2, MemberRole.LEAD, "100", None)], lead=2)
    r = standing(ws, 1)
    assert r.fail_count == 8 and r.risk is Risk.HIGH
    assert Metric.CURRENT_RATIO not in {f.metric for f in r.fails}
    assert "8 tests failed" in r.risk_explanation


# --------------------------------------------------------------------------- mitigations


def test_bond_and_guarantee_amounts():
    ws = workspace(Structure.LEAD_PROVIDER,
                   [(2, MemberRole.LEAD, "40", None), (1, MemberRole.SUBCONTRACTOR, "60", None)], lead=2)
    r = standing(ws, 1)
    fail = next(f for f in r.fails if f.metric is Metric.NET_ASSETS)
    # bond 10% × 400,000 = 40,000; premium 1.5% × 40,000 = 600 a year; × 5-year term = 3,000
    assert fail.bond.amount == D("40000.00") and fail.bond.annual_cost == D("600.00")
    assert fail.bond.term_cost == D("3000.00") and fail.bond.source == "[V]"
    # guarantee 100% of the annual value tested
    assert fail.guarantee.amount == D("400000.00")
    (alpha,) = fail.guarantee.candidates
    # Alpha's net assets 300,000 < 400,000: it does not cover the amount, but adding its accounts
    # (net assets 300,000 − 60,000 = 240,000 > 0) cures the net assets fail
    assert alpha.name == "Alpha" and alpha.net_assets == D("300000") and alpha.covers_amount is False
    assert alpha.cures and fail.guarantee.cure_with == (1,)
    reserves = next(f for f in r.fails if f.metric is Metric.RESERVES_COVER)
    assert reserves.guarantee.cure_with == ()  # combined 1.45 months is still short


def test_tender_bond_pct_and_params_override_defaults():
    tender = Tender(id=1, name="T", annual_value=D("400000"), bond_pct=D("5"), term_years=3)
    ws = workspace(Structure.GO_ALONE, [(2, MemberRole.LEAD, "100", None)], lead=2, tender=tender)
    r = standing(ws, 1, StandingParams(bond_premium_pct=D("2"), guarantee_pct=D("50")))
    fail = r.fails[0]
    # 5% × 400,000 = 20,000; 2% of that = 400 a year; 3 years = 1,200; guarantee 50% × 400,000
    assert (fail.bond.amount, fail.bond.annual_cost, fail.bond.term_cost) == (D("20000.00"), D("400.00"),
                                                                             D("1200.00"))
    assert fail.bond.source == "tender" and fail.guarantee.amount == D("200000.00")


# --------------------------------------------------------------------------- what it would take

# Beta alone against ACV 400,000 (share 400,000), by hand:
#   turnover ≥ 2 × 400,000 = 800,000            → 800,000 − 600,000 = 200,000.00
#   dependency ≤ 50 (amber): 400,000/T ≤ 50%   → T ≥ 800,000 → 200,000.00; green ≤ 25% → T ≥ 1,600,000 → 1,000,000
#   margin > 0: surplus −12,000                → 12,000.01 (strict)
#   FCF ≥ 0: −10,000                            → 10,000.00 more operating cash flow
#   net assets > 0: −60,000                     → 60,000.01
#   gearing ≤ 1 with net debt 60,000            → net assets ≥ 60,000 → 60,000 − (−60,000) = 120,000.00
#   net debt ÷ EBITDA ≤ 3.5: 60,000 / 3.5 = 17,142.857… → EBITDA 17,142.86 → 17,142.86 + 2,000 = 19,142.86
#   reserves ≥ 3 months: 3 × 612,000 / 12 = 153,000 → 153,000 − 40,000 = 113,000.00
EXPECTED_EXTRA = {
    Metric.TURNOVER_RATIO: ("turnover", D("200000.00"), D("200000.00")),
    Metric.CONTRACT_DEPENDENCY: ("turnover", D("200000.00"), D("1000000.00")),
    Metric.OPERATING_MARGIN: ("operating_surplus", D("12000.01"), D("12000.01")),
    Metric.FREE_CASH_FLOW: ("operating_cash_flow", D("10000.00"), D("10000.00")),
    Metric.NET_ASSETS: ("net_assets", D("60000.01"), D("60000.01")),
    Metric.GEARING: ("net_assets", D("120000.00"), D("120000.00")),
    Metric.NET_DEBT_EBITDA: ("ebitda", D("19142.86"), D("19142.86")),
    Metric.RESERVES_COVER: ("free_reserves", D("113000.00"), D("113000.00")),
}


def test_what_it_would_take_amounts_pass_and_a_penny_less_fails():
    ws = workspace(Structure.GO_ALONE, [(2, MemberRole.LEAD, "100", None)], lead=2)
    r = standing(ws, 1)
    (entity,) = r.tested
    assert {f.metric for f in r.fails} == set(EXPECTED_EXTRA)
    for fail in r.fails:
        w = fail.what_it_would_take
        lever, extra, to_green = EXPECTED_EXTRA[fail.metric]
        assert (w.line_item, w.extra, w.extra_to_green) == (lever, extra, to_green), fail.metric
        assert w.possible
        assert retest(entity, fail, extra, ws) in (Status.GREEN, Status.AMBER)
        assert retest(entity, fail, extra - D("0.01"), ws) is Status.RED
        assert retest(entity, fail, to_green, ws) is Status.GREEN


def test_current_ratio_what_it_would_take():
    # Current assets 70,000 over liabilities 100,000 = 0.70 < amber 0.8: red.
    # Out of red needs CA ≥ 0.8 × 100,000 = 80,000 → 10,000.00; green needs 100,000 → 30,000.00.
    weak = {**ALPHA, "current_assets": "70000", "inventory": "0", "current_liabilities": "100000"}
    ws = Workspace([Organisation(id=1, name="Thin", kind=OrgKind.MUTUAL), fy(1, 1, **weak),
                    Tender(id=1, name="T", annual_value=D("400000")),
                    ConsortiumOption(id=1, tender_id=1, name="O", structure=Structure.GO_ALONE, lead_organisation_id=1),
                    Member(id=1, option_id=1, organisation_id=1, role=MemberRole.LEAD, participation_pct=D(100))])
    r = standing(ws, 1)
    fail = next(f for f in r.fails if f.metric is Metric.CURRENT_RATIO)
    w = fail.what_it_would_take
    assert (w.line_item, w.current, w.extra, w.extra_to_green) == ("current_assets", D("70000"), D("10000.00"),
                                                                   D("30000.00"))
    assert retest(r.tested[0], fail, w.extra, ws) is Status.AMBER
    assert retest(r.tested[0], fail, w.extra - D("0.01"), ws) is Status.RED


def test_closers_are_outside_the_option_and_ranked():
    ws = workspace(Structure.GO_ALONE, [(2, MemberRole.LEAD, "100", None)], lead=2)
    r = standing(ws, 1)
    turnover = next(f for f in r.fails if f.metric is Metric.TURNOVER_RATIO).what_it_would_take
    # Beta + Gamma = 5,600,000 (14.00×) ranks above Beta + Alpha 1,600,000 (4.00×) and Beta + Delta 900,000 (2.25×)
    assert [c.name for c in turnover.closers] == ["Gamma", "Alpha", "Delta"]
    assert turnover.closers[0].contributes == D("5000000") and turnover.closers[0].result.value == D("14.00")
    assert "Beta" not in {c.name for c in turnover.closers}
    reserves = next(f for f in r.fails if f.metric is Metric.RESERVES_COVER).what_it_would_take
    # Beta + Gamma: (40,000 + 2,000,000) / ((612,000 + 950,000)/12) = 15.67 months → closes; Alpha and Delta do not
    assert [c.name for c in reserves.closers] == ["Gamma"]


def test_not_possible_when_threshold_cannot_be_reached():
    thr = Threshold(Metric.CONTRACT_DEPENDENCY, Direction.AT_MOST, D("0"), None, Unit.PERCENT, "tender condition")
    ws = Workspace([*orgs(), Tender(id=1, name="T", annual_value=D("400000")),
                    FinancialCondition(id=1, tender_id=1, metric=Metric.CONTRACT_DEPENDENCY, threshold=D("0")),
                    ConsortiumOption(id=1, tender_id=1, name="O", structure=Structure.GO_ALONE, lead_organisation_id=1),
                    Member(id=1, option_id=1, organisation_id=1, role=MemberRole.LEAD, participation_pct=D(100))])
    assert thresholds_for(ws, ws.get(Tender, 1))[Metric.CONTRACT_DEPENDENCY] == thr
    fail = next(f for f in standing(ws, 1).fails if f.metric is Metric.CONTRACT_DEPENDENCY)
    assert fail.what_it_would_take.possible is False and fail.what_it_would_take.extra is None


# --------------------------------------------------------------------------- reserved contracts (PA23 s33)


def test_reserved_eligible_mutual_lead():
    tender = Tender(id=1, name="T", annual_value=D("400000"), reserved_for_mutuals=True, term_years=3,
                    extension_years=2)
    ws = workspace(Structure.LEAD_PROVIDER,
                   [(1, MemberRole.LEAD, "60", None), (2, MemberRole.SUBCONTRACTOR, "40", None)], lead=1, tender=tender)
    res = reserved_eligibility(ws, 1)
    assert res.verdict is ReservedVerdict.ELIGIBLE and res.term_years == 5 and res.max_term_years == 5
    assert res.tender_reserved and res.caveats  # light-touch services and the three-year bar are not recorded
    assert standing(ws, 1).reserved == res


def test_reserved_not_eligible_charity_lead_and_long_term():
    tender = Tender(id=1, name="T", annual_value=D("400000"), reserved_for_mutuals=True, term_years=5,
                    extension_years=2)
    ws = workspace(Structure.GO_ALONE, [(2, MemberRole.LEAD, "100", None)], lead=2, tender=tender)
    res = reserved_eligibility(ws, 1)
    assert res.verdict is ReservedVerdict.NOT_ELIGIBLE
    assert "The lead, Beta, is a charity, not a public service mutual." in res.reasons
    assert any("7 years (5 plus 2 of extensions) exceeds the 5 years" in reason for reason in res.reasons)
    assert any("reserved for public service mutuals" in w for w in standing(ws, 1).warnings)


def test_reserved_consortium_needs_every_signing_member_to_be_a_mutual():
    ws = workspace(Structure.CONSORTIUM, [(1, MemberRole.LEAD, "60", None), (2, MemberRole.PARTNER, "40", None)],
                   lead=1)
    res = reserved_eligibility(ws, 1)
    assert res.verdict is ReservedVerdict.NOT_ELIGIBLE
    assert res.reasons == ("A consortium member who signs the contract, Beta, is a charity, not a public service "
                           "mutual.",)


def test_reserved_vehicle_and_other_regimes():
    ws = workspace(Structure.SPV, [(1, MemberRole.PARTNER, "100", "1")])
    assert reserved_eligibility(ws, 1).verdict is ReservedVerdict.CHECK
    pcr = Tender(id=1, name="T", annual_value=D("1"), regime=Regime.PCR15, term_years=4)
    ws = workspace(Structure.GO_ALONE, [(1, MemberRole.LEAD, "100", None)], lead=1, tender=pcr)
    res = reserved_eligibility(ws, 1)
    assert res.verdict is ReservedVerdict.NOT_ELIGIBLE and res.max_term_years == 3
    psr = Tender(id=1, name="T", annual_value=D("1"), regime=Regime.PSR)
    ws = workspace(Structure.GO_ALONE, [(1, MemberRole.LEAD, "100", None)], lead=1, tender=psr)
    assert reserved_eligibility(ws, 1).verdict is ReservedVerdict.NOT_ELIGIBLE


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        (Organisation(id=1, name="M", kind=OrgKind.MUTUAL), True),
        (Organisation(id=1, name="E", kind=OrgKind.CIC, employee_owned=True, employee_ownership_pct=D("51")), True),
        (Organisation(id=1, name="E", kind=OrgKind.CIC, employee_owned=True, employee_ownership_pct=D("50")), False),
        (Organisation(id=1, name="E", kind=OrgKind.CIC, employee_owned=True), None),
        (Organisation(id=1, name="M", kind=OrgKind.MUTUAL, employee_ownership_pct=D("30")), None),
        (Organisation(id=1, name="S", kind=OrgKind.SME), False),
    ],
)
def test_public_service_mutual_reading(org, expected):
    ok, why = is_public_service_mutual(org)
    assert ok is expected and why.startswith(org.name)
    if org.kind is OrgKind.SME:
        assert why == "S is an SME, not a public service mutual"


# --------------------------------------------------------------------------- properties

pence = st.integers(min_value=1, max_value=10**11).map(lambda p: Decimal(p).scaleb(-2))


@st.composite
def accounts(draw):
    return LineItems(
        year_end=YE, turnover=draw(pence), operating_surplus=draw(pence), ebitda=draw(pence), interest=draw(pence),
        current_assets=draw(pence), inventory=draw(pence), current_liabilities=draw(pence),
        total_assets=draw(pence), total_liabilities=draw(pence), cash=draw(pence), borrowings=draw(pence),
        free_reserves=draw(pence), expenditure=draw(pence), names=(draw(st.sampled_from(["A", "B", "C"])),),
    )


@settings(max_examples=60, deadline=None)
@given(a=accounts(), b=accounts())
def test_combined_ratios_are_computed_on_sums(a, b):
    both = combine([a, b])
    sums = {f: getattr(a, f) + getattr(b, f) for f in ("turnover", "current_assets", "current_liabilities",
                                                      "operating_surplus", "interest", "borrowings", "cash",
                                                      "total_assets", "total_liabilities", "ebitda")}
    by_hand = dataclasses.replace(LineItems(year_end=YE, names=("A+B",)), **sums)
    for metric in (Metric.CURRENT_RATIO, Metric.OPERATING_MARGIN, Metric.INTEREST_COVER, Metric.NET_DEBT_EBITDA,
                   Metric.GEARING, Metric.TURNOVER_RATIO):
        got = evaluate(metric, both, DEFAULT_THRESHOLDS[metric], acv=D("1000"))
        want = evaluate(metric, by_hand, DEFAULT_THRESHOLDS[metric], acv=D("1000"))
        assert (got.value, got.status) == (want.value, want.status)
    # current ratio exactly on the sums, rounded down to 0.01
    exact = sums["current_assets"] / sums["current_liabilities"]
    assert evaluate(Metric.CURRENT_RATIO, both, DEFAULT_THRESHOLDS[Metric.CURRENT_RATIO]).value == exact.quantize(
        D("0.01"), rounding="ROUND_FLOOR")


@settings(max_examples=60, deadline=None)
@given(ca=pence, cl=pence, turnover=pence)
def test_what_it_would_take_is_the_least_penny(ca, cl, turnover):
    ws = Workspace([
        Organisation(id=1, name="P", kind=OrgKind.MUTUAL),
        fy(1, 1, current_assets=str(ca), current_liabilities=str(cl), turnover=str(turnover)),
        Tender(id=1, name="T", annual_value=D("250000")),
        ConsortiumOption(id=1, tender_id=1, name="O", structure=Structure.GO_ALONE, lead_organisation_id=1),
        Member(id=1, option_id=1, organisation_id=1, role=MemberRole.LEAD, participation_pct=D(100)),
    ])
    r = standing(ws, 1)
    entity = r.tested[0]
    for fail in r.fails:
        w = fail.what_it_would_take
        assert w.possible and w.extra is not None and w.extra > 0
        assert retest(entity, fail, w.extra, ws) in (Status.GREEN, Status.AMBER)
        assert retest(entity, fail, w.extra - D("0.01"), ws) is Status.RED
    cr = entity.result(Metric.CURRENT_RATIO)
    assert cr.failed is (ca < D("0.8") * cl)


@settings(max_examples=40, deadline=None)
@given(weights=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=5),
       acv=pence)
def test_shares_add_back_to_the_contract_value(weights, acv):
    rows = [Tender(id=1, name="T", annual_value=acv),
            ConsortiumOption(id=1, tender_id=1, name="O", structure=Structure.CONSORTIUM)]
    for i, _ in enumerate(weights, start=1):
        rows.append(Organisation(id=i, name=f"O{i}"))
        rows.append(Member(id=i, option_id=1, organisation_id=i, role=MemberRole.PARTNER,
                           participation_pct=Decimal(0)))
        rows.append(Requirement(id=i, tender_id=1, service_line="S", area=f"A{i}", annual_volume=D(100)))
    for i, w in enumerate(weights, start=1):
        rows.append(Allocation(id=i, option_id=1, requirement_id=i, member_id=i, volume=D(w)))
    shares = contract_shares(Workspace(rows), 1, acv)
    if sum(weights) > 0 or len(weights) == 1:
        assert sum(s for _, s in shares.by_member) == acv


def test_turnover_test_amber_when_the_buyer_sets_an_amber_level():
    # Buyer asks for 3× (1,200,000) with amber from 2× (800,000); Alpha has 1,000,000: amber, 200,000 short.
    cond = FinancialCondition(id=1, tender_id=1, metric=Metric.TURNOVER_RATIO, threshold=D("3"),
                              amber_threshold=D("2"))
    ws = workspace(Structure.GO_ALONE, [(1, MemberRole.LEAD, "100", None)], lead=1, extra=[cond])
    t = standing(ws, 1).turnover_test
    assert (t.status, t.required, t.shortfall) == (Status.AMBER, D("1200000.00"), D("200000.00"))
    assert "within the buyer's amber level" in t.explanation


maybe = st.one_of(st.none(), st.just(D(0)), st.integers(min_value=-10**9, max_value=10**11).map(
    lambda p: Decimal(p).scaleb(-2)))


@st.composite
def any_accounts(draw):
    """Accounts with items missing, zero or negative: every way a metric can be not given, undefined or fail."""
    return LineItems(year_end=YE, names=("A",), **{f: draw(maybe) for f in LINE_ITEMS})


@settings(max_examples=300, deadline=None)
@given(items=any_accounts(), metric=st.sampled_from(list(Metric)), acv=maybe, share=maybe, tested=st.booleans())
def test_status_alone_is_the_status_evaluate_gives(items, metric, acv, share, tested):
    """The cures search by ``metrics.status``: it must judge every amount exactly as ``evaluate`` does."""
    from consortium_planner.domain.standing.metrics import status

    threshold = DEFAULT_THRESHOLDS[metric]
    want = evaluate(metric, items, threshold, acv=acv, share=share, tested=tested).status
    assert status(metric, items, threshold, acv=acv, share=share, tested=tested) is want


def test_standing_tests_are_what_the_whole_analysis_finds():
    """``standing_tests`` (the structure advisor's, without the cures) names the same tested entities, the
    same failed tests of the same entities, the same risk and the same reserved eligibility as ``standing``,
    for every demo option under every structure."""
    from consortium_planner.domain.partnering.structures import apply_structure
    from consortium_planner.domain.standing import standing_tests
    from consortium_planner.services.demo import build_demo_entities, load_demo_source

    demo = Workspace(build_demo_entities(load_demo_source()))
    fails = 0
    for structure in Structure:
        for option in demo.options():
            ws = apply_structure(demo, option.id, structure)
            whole, tests = standing(ws, option.id), standing_tests(ws, option.id)
            assert tests.tested == tuple((e.name, e.rule) for e in whole.tested)
            assert tests.failed == tuple((f.entity_name, f.result.metric) for f in whole.fails)
            assert tests.risk is whole.risk and tests.reserved == whole.reserved
            fails += len(whole.fails)
    assert fails  # failures were compared, not only passes


def test_the_standing_of_the_same_accounts_is_remembered_to_the_digit():
    """``_standing_years`` answers again from what it remembers only for arguments written the same: figures
    equal in value but not in digits (1.0 and 1.00) are worked out each, and every answer is the computed one."""
    from consortium_planner.domain.standing import organisation as org_module
    from consortium_planner.domain.standing.items import LineItems
    from consortium_planner.domain.standing.thresholds import DEFAULT_THRESHOLDS

    org_module._YEARS.clear()
    years = []
    for digits in ("1250000.0", "1250000.00"):
        years.append([LineItems(date(2024, 3, 31), turnover=Decimal(digits), operating_surplus=Decimal("40000"),
                                current_assets=Decimal("300000"), current_liabilities=Decimal("210000"),
                                cash=Decimal(digits) / 10, total_assets=Decimal("500000"),
                                total_liabilities=Decimal("260000"), names=("Westmarch",))])
    kwargs = dict(acv=Decimal("400000"), share=Decimal("0.30"), subject="Westmarch", test_reserves=False)
    answers = []
    for items in years + years:
        got = org_module._standing_years(items, DEFAULT_THRESHOLDS, **kwargs)
        assert got == org_module._standing_years_computed(items, DEFAULT_THRESHOLDS, **kwargs)
        assert repr(got) == repr(org_module._standing_years_computed(items, DEFAULT_THRESHOLDS, **kwargs))
        answers.append(got)
    assert len(org_module._YEARS) == 2 and answers[2] is answers[0] and answers[3] is answers[1]
    other = org_module._standing_years(years[0], DEFAULT_THRESHOLDS, **(kwargs | {"share": Decimal("0.31")}))
    assert other is not answers[0] and len(org_module._YEARS) == 3


@settings(max_examples=300, deadline=None)
@given(threshold=st.one_of(st.integers(0, 10**6), st.integers(0, 2**58)), start_share=st.floats(0, 1))
@example(threshold=2**56 + 1, start_share=1.0)  # just above the ceiling (the greatest power of two within 10^17 p)
@example(threshold=2**56 + 1, start_share=0.6)  # ... from a start whose doubling passes it below 10^17 p
@example(threshold=2**56, start_share=1.0)  # at it
def test_the_smallest_extra_from_a_lower_bound_is_the_smallest_extra(threshold, start_share):
    """Searching from a lower bound the caller knows (the amount to pass, when looking for the amount to reach
    green) finds the same least amount as searching from nothing, and None exactly when that is above the
    search's ceiling, as the search from nothing does."""
    from consortium_planner.domain.standing.cures import _TOP, _smallest_extra

    def ok(x: Decimal) -> bool:
        return x.scaleb(2) >= threshold

    want = None if threshold > _TOP else (Decimal(0) if threshold == 0 else Decimal(threshold).scaleb(-2))
    assert _smallest_extra(ok) == want
    start = min(int(threshold * start_share), _TOP)
    got = _smallest_extra(ok, start)
    assert got == want
    if got is not None:
        assert str(got) == str(_smallest_extra(ok))  # written the same, too (pence, or a bare nought)
