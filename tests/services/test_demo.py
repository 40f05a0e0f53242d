"""The bundled demo workspace: it writes, reopens, passes its checks and tells the intended story."""

from __future__ import annotations

import copy
from collections import defaultdict
from decimal import Decimal

import pytest

from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    FinancialYear,
    Member,
    MemberRole,
    Organisation,
    OrgKind,
    PriceMethod,
    Requirement,
    Role,
    Setting,
    Structure,
    Tender,
    key,
)
from consortium_planner.domain.validation import check_workspace, errors
from consortium_planner.services.demo import (
    DemoSourceError,
    build_demo_entities,
    load_demo_source,
    write_demo,
)
from consortium_planner.store.workspace_file import Store, WorkspaceFileError


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.cplan")


@pytest.fixture(scope="module")
def ws(demo_file):
    with Store.open(demo_file) as store:
        assert store.integrity_problems() == []
        return store.load()


@pytest.fixture(scope="module")
def source():
    return load_demo_source()


WESTMARCH = "Westmarch Integrated Community Wellbeing Service"


def _tender(ws) -> Tender:
    """The demo's main tender (the second, a neighbour's, is there for the bid pipeline)."""
    (tender,) = [t for t in ws.tenders() if t.name == WESTMARCH]
    return tender


def _option(ws, structure: Structure) -> ConsortiumOption:
    (option,) = [o for o in ws.options(_tender(ws).id) if o.structure is structure]
    return option


def _delivered(ws, option_id: int) -> dict[int, Decimal]:
    total: dict[int, Decimal] = defaultdict(Decimal)
    for a in ws.allocations(option_id):
        total[a.requirement_id] += a.volume
    return total


# ------------------------------------------------------------------------------------ the file


def test_demo_reopens_without_errors(ws):
    assert errors(check_workspace(ws)) == []


def test_demo_has_settings(ws):
    assert "demo" in ws.setting("author").lower()
    assert Decimal(ws.setting("discount_rate")) == Decimal("3.5")
    assert ws.count(Setting) >= 2


def test_write_demo_refuses_to_overwrite_unless_asked(demo_file, tmp_path):
    with pytest.raises(WorkspaceFileError):
        write_demo(demo_file)
    target = tmp_path / "again.cplan"
    target.write_bytes(b"old")
    assert write_demo(target, overwrite=True) == target
    with Store.open(target) as store:
        assert store.load().count(Organisation) >= 5


def test_in_memory_rows_match_the_file(ws, source):
    def ordered(rows):
        return sorted(rows, key=lambda r: (type(r).__name__, r.id))

    assert ordered(build_demo_entities(source)) == ordered(ws.entities())


# ------------------------------------------------------------------------------------ the tender


def test_tender_shape(ws):
    tender = _tender(ws)
    reqs = ws.requirements(tender.id)
    assert len({key(r.service_line) for r in reqs}) >= 4
    assert len({key(r.area) for r in reqs}) == 3
    assert Decimal(3_500_000) <= tender.annual_value <= Decimal(4_500_000)
    assert tender.budget_ceiling is not None and tender.budget_ceiling > tender.annual_value
    assert (tender.quality_weight, tender.price_weight, tender.social_value_weight) == (60, 30, 10)
    assert tender.price_method is PriceMethod.RELATIVE
    assert (tender.term_years, tender.extension_years) == (5, 2)
    assert tender.start_date.isoformat() == "2027-04-01"
    assert tender.published.year == tender.deadline.year == 2026
    assert tender.payment_terms_days == 30 and tender.mobilisation_months == 4
    assert tender.bond_pct in (0, 10)
    metrics = {c.metric.value: c for c in ws.conditions(tender.id)}
    assert {"turnover_ratio", "current_ratio", "operating_margin", "net_assets", "gearing"} <= set(metrics)
    assert metrics["current_ratio"].amber_threshold == Decimal("0.8")
    (cohort,) = ws.tupe_cohorts(tender.id)
    assert cohort.headcount == 38 and cohort.fte == Decimal("31.5")


def test_volumes_at_typical_prices_come_to_about_the_annual_value(ws):
    """At £20–£45 a unit the requirements are worth roughly what the council estimates."""
    tender = _tender(ws)
    volume = sum((r.annual_volume for r in ws.requirements(tender.id)), Decimal(0))
    assert Decimal(20) <= tender.annual_value / volume <= Decimal(45)


# ------------------------------------------------------------------------------------ organisations


def test_organisations_of_the_required_kinds(ws):
    orgs = ws.organisations()
    assert 5 <= len(orgs) <= 8
    kinds = [o.kind for o in orgs]
    assert kinds.count(OrgKind.MUTUAL) >= 2
    assert {OrgKind.CHARITY, OrgKind.CIC, OrgKind.COOPERATIVE} <= set(kinds)
    mutuals = [o for o in orgs if o.kind is OrgKind.MUTUAL]
    assert all(o.employee_owned for o in mutuals)


def test_accounts_three_years_with_gaps_and_a_thin_balance_sheet(ws):
    thin = []
    with_gaps = []
    for org in ws.organisations():
        years = ws.financial_years(org.id)
        assert len(years) == 3, org.name
        for fy in years:
            if fy.turnover is not None:
                assert Decimal(400_000) <= fy.turnover <= Decimal(9_000_000), org.name
        latest = years[-1]
        if any(getattr(fy, f) is None for fy in years for f in ("turnover", "ebitda", "operating_cash_flow")):
            with_gaps.append(org.name)
        if latest.current_assets is not None and latest.current_assets < latest.current_liabilities:
            thin.append(org.name)
    assert len(with_gaps) == 1  # most organisations give every figure
    assert thin


def test_no_single_organisation_covers_the_tender(ws):
    tender = _tender(ws)
    needed = {(key(r.service_line), key(r.area)) for r in ws.requirements(tender.id)}
    covered: dict[int, set] = defaultdict(set)
    for c in ws.iter(Capacity):
        covered[c.organisation_id].add((key(c.service_line), key(c.area)))
    assert all(not needed <= cells for cells in covered.values())
    assert needed <= set().union(*covered.values())


def test_cost_profiles_have_roles_at_plausible_pay(ws):
    for org in ws.organisations():
        profiles = ws.cost_profiles(org.id)
        assert profiles, org.name
        for cp in profiles:
            roles = ws.roles(cp.id)
            assert 1 <= len(roles) <= 3
            assert Decimal("12.71") <= roles[0].hourly_rate <= Decimal("15")  # the front-line role


# ------------------------------------------------------------------------------------ options


def test_three_options_with_the_expected_structures(ws):
    options = ws.options(_tender(ws).id)
    assert len(options) >= 3
    assert {Structure.GO_ALONE, Structure.LEAD_PROVIDER, Structure.SPV} <= {o.structure for o in options}
    for option in options:
        members = ws.members(option.id)
        assert members
        for field in ("participation_pct", "profit_share_pct"):
            assert sum(getattr(m, field) for m in members) <= 100
        member_ids = {m.id for m in members}
        assert all(a.member_id in member_ids for a in ws.allocations(option.id))


def test_go_alone_leaves_gaps_and_lead_provider_covers_everything(ws):
    reqs = ws.requirements(_tender(ws).id)
    alone = _option(ws, Structure.GO_ALONE)
    assert len(ws.members(alone.id)) == 1
    delivered = _delivered(ws, alone.id)
    assert any(delivered.get(r.id, 0) < r.annual_volume for r in reqs)
    for structure in (Structure.LEAD_PROVIDER, Structure.SPV):
        delivered = _delivered(ws, _option(ws, structure).id)
        assert all(delivered.get(r.id, 0) == r.annual_volume for r in reqs), structure


def test_go_alone_stretches_one_team_past_its_capacity(ws):
    alone = _option(ws, Structure.GO_ALONE)
    over = []
    for a in ws.allocations(alone.id):
        member = ws.get(Member, a.member_id)
        req = ws.get(Requirement, a.requirement_id)
        caps = [c for c in ws.capacities(member.organisation_id)
                if key(c.service_line) == key(req.service_line) and key(c.area) == key(req.area)]
        limit = sum((c.units_per_year * (1 + c.max_growth_pct / 100) for c in caps), Decimal(0))
        if a.volume > limit:
            over.append(ws.display_name(Requirement, req.id))
    assert len(over) == 1


def test_spv_owned_by_four_or_five_members(ws):
    spv = _option(ws, Structure.SPV)
    members = ws.members(spv.id)
    owners = [m for m in members if m.role is MemberRole.PARTNER]
    assert 4 <= len(owners) <= 5
    assert sum(m.profit_share_pct for m in owners) == 100
    assert sum(m.participation_pct for m in members) == 100
    assert sum(m.capital_contribution for m in owners) > 0
    assert any(m.guarantee for m in owners) and any(m.guarantee is None for m in owners)


# ------------------------------------------------------------------------------------ exact money


def test_money_round_trips_to_the_penny(ws, source):
    tender_src = source["tender"][0]
    tender = _tender(ws)
    assert tender.annual_value == Decimal(tender_src["annual_value"])
    assert tender.budget_ceiling == Decimal(tender_src["budget_ceiling"])
    cohort = ws.tupe_cohorts(tender.id)[0]
    assert cohort.average_salary == Decimal("26854.50") == tender_src["tupe_cohort"][0]["average_salary"]

    orgs = {key(o.name): o for o in ws.iter(Organisation)}
    checked = 0
    for org_src in source["organisation"]:
        org = orgs[key(org_src["name"])]
        by_year = {fy.year_end: fy for fy in ws.financial_years(org.id)}
        accounts = org_src["accounts"]
        for i, year_end in enumerate(accounts["year_end"]):
            for name, column in accounts.items():
                if name == "year_end":
                    continue
                expected = None if column[i] == "not given" else Decimal(column[i])
                assert getattr(by_year[year_end], name) == expected, (org.name, year_end, name)
                checked += 1
        rates = sorted(Decimal(r["hourly_rate"]) for cp in org_src["cost_profile"] for r in cp["role"])
        stored = sorted(r.hourly_rate for cp in ws.cost_profiles(org.id) for r in ws.roles(cp.id))
        assert stored == rates
    assert checked > 300
    hls_rates = {r.hourly_rate for r in ws.iter(Role)}
    assert Decimal("12.71") in hls_rates and Decimal("13.45") in hls_rates


def test_capital_and_guarantees_round_trip(ws, source):
    orgs = {o.id: o.name for o in ws.iter(Organisation)}
    for opt_src in source["option"]:
        (option,) = [o for o in ws.iter(ConsortiumOption) if key(o.name) == key(opt_src["name"])]
        stored = {key(orgs[m.organisation_id]): m for m in ws.members(option.id)}
        for m_src in opt_src["member"]:
            m = stored[key(m_src["organisation"])]
            assert m.capital_contribution == Decimal(m_src["capital_contribution"])
            assert m.guarantee == (None if "guarantee" not in m_src else Decimal(m_src["guarantee"]))
            assert m.participation_pct == Decimal(m_src["participation_pct"])
            volumes = {ws.display_name(Requirement, a.requirement_id): a.volume
                       for a in ws.allocations(option.id) if a.member_id == m.id}
            assert sum(volumes.values()) == sum(Decimal(v) for v in m_src["allocations"].values())
    assert ws.count(Allocation) == sum(len(m["allocations"]) for o in source["option"] for m in o["member"])
    assert ws.count(FinancialYear) == 3 * len(source["organisation"])


# ------------------------------------------------------------------------------------ bad sources


def test_unknown_organisation_in_an_option_is_named_with_its_section(source, tmp_path):
    bad = copy.deepcopy(source)
    bad["option"][1]["member"][2]["organisation"] = "Nowhere Care Ltd"
    with pytest.raises(DemoSourceError) as err:
        build_demo_entities(bad)
    message = str(err.value)
    assert "Nowhere Care Ltd" in message
    assert "[[option]] 'Lead provider with subcontractors'" in message
    assert "[[option.member]]" in message
    target = tmp_path / "bad.cplan"
    with pytest.raises(DemoSourceError):
        write_demo(target, source=bad)
    assert not target.exists()


def test_unknown_requirement_and_misspelt_field_are_reported(source):
    bad = copy.deepcopy(source)
    bad["option"][0]["member"][0]["allocations"]["Homecare/Atlantis"] = 5
    with pytest.raises(DemoSourceError, match="no requirement 'Homecare/Atlantis'"):
        build_demo_entities(bad)
    bad = copy.deepcopy(source)
    bad["organisation"][0]["staff_hedcount"] = 3
    with pytest.raises(DemoSourceError, match=r"\[\[organisation\]\] 'Westmarch Community Health CIC'.*staff_hedcount"):
        build_demo_entities(bad)


def test_out_of_range_values_and_shares_over_100_are_refused(source):
    bad = copy.deepcopy(source)
    bad["tender"][0]["requirement"][0]["annual_volume"]["Eastmere"] = -5
    with pytest.raises(DemoSourceError, match="Annual volume"):
        build_demo_entities(bad)
    bad = copy.deepcopy(source)
    bad["option"][2]["member"][0]["profit_share_pct"] = Decimal(60)
    with pytest.raises(DemoSourceError, match="over 100%"):
        build_demo_entities(bad)


def test_capacity_in_a_service_line_the_tender_does_not_buy_is_refused(source):
    bad = copy.deepcopy(source)
    bad["organisation"][1]["capacity"][0]["service_line"] = "Homecare and reablment support"
    with pytest.raises(DemoSourceError, match="not one the tender buys"):
        build_demo_entities(bad)


# ------------------------------------------------------------------------------------ the bid pipeline


def test_demo_has_a_second_tender_sharing_partners_and_one_chosen_option_each(ws):
    assert len(ws.tenders()) == 2
    neighbour = next(t for t in ws.tenders() if t.name != WESTMARCH)
    assert neighbour.buyer == "Wyvern Borough Council" and neighbour.win_probability_pct == Decimal(55)
    assert _tender(ws).win_probability_pct == Decimal(40)
    for t in ws.tenders():
        (chosen,) = [o for o in ws.options(t.id) if o.chosen]
    assert _option(ws, Structure.SPV).chosen
    shared = ({m.organisation_id for m in ws.members(_option(ws, Structure.SPV).id)}
              & {m.organisation_id for o in ws.options(neighbour.id) for m in ws.members(o.id)})
    assert len(shared) >= 2


def test_a_bid_naming_an_unknown_option_is_named_with_its_section(source):
    bad = copy.deepcopy(source)
    bad["bid"][0]["option"] = "Nope"
    with pytest.raises(DemoSourceError, match=r"\[\[bid\]\].*unknown option 'Nope'"):
        build_demo_entities(bad)
