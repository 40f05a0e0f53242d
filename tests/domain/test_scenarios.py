"""Scenarios (DOMAIN §9): each driver moves exactly the fields it says, on a copy, never the original."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium_planner.domain import scenarios as sc
from consortium_planner.domain.model import (
    Allocation,
    CapitalItem,
    CapitalKind,
    Competitor,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    Requirement,
    Scenario,
    Tender,
)
from consortium_planner.domain.rates import RateTable, financial_year_start, rates_for
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.analyses import workspace_rates
from consortium_planner.services.demo import build_demo_entities, load_demo_source


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


def spv(ws: Workspace) -> ConsortiumOption:
    return next(o for o in ws.options() if o.name == "Special purpose vehicle")


def rows(ws: Workspace) -> list:
    return sorted(ws.entities(), key=lambda e: (type(e).__name__, e.id))


adjustments = st.builds(
    sc.Adjustments,
    volume_pct=st.decimals(min_value=-90, max_value=200, places=1),
    ramp_up_months=st.integers(-36, 36),
    pay_uplift_pp=st.decimals(min_value=-20, max_value=20, places=2),
    nlw_uplift_pp=st.decimals(min_value=-20, max_value=20, places=2),
    cpi_pp=st.decimals(min_value=-20, max_value=20, places=2),
    payment_delay_days=st.integers(-180, 180),
    mobilisation_overrun_months=st.integers(0, 24),
    termination_after_year=st.integers(0, 30),
    competitor_price_pct=st.decimals(min_value=-90, max_value=200, places=1),
    interest_rate_pp=st.decimals(min_value=-20, max_value=20, places=2),
    cost_overrun_pct=st.decimals(min_value=-50, max_value=200, places=1),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(adj=adjustments, which=st.integers(0, 2))
def test_applying_any_scenario_never_changes_the_original_snapshot_or_the_stored_option(demo, adj, which):
    before = rows(demo)
    option = demo.options()[which]
    out = sc.apply(demo, option.id, adj, name="Any")
    assert rows(demo) == before, "the original snapshot changed"
    assert demo.get(ConsortiumOption, option.id) is option and demo.scenario is None
    assert out.scenario is not None and out.scenario.option_id == option.id and out.scenario.adjustments == adj
    assert rows(out.scenario.base) == before  # the bid is priced on the snapshot as it was
    # the copy is a scenario's: applying another on top is refused rather than compounded silently
    with pytest.raises(ValueError, match="already a scenario"):
        sc.apply(out, option.id, adj)


def test_no_adjustment_changes_no_row(demo):
    option = spv(demo)
    out = sc.apply(demo, option.id, sc.Adjustments())
    assert rows(out) == rows(demo)


def test_volume_moves_requirements_and_allocations_exactly_and_nothing_else(demo):
    option = spv(demo)
    out = sc.apply(demo, option.id, sc.Adjustments(volume_pct=Decimal("-10")))
    for r in demo.requirements(option.tender_id):
        assert out.get(Requirement, r.id).annual_volume == r.annual_volume * Decimal("0.9")
    for a in demo.allocations(option.id):
        assert out.get(Allocation, a.id).volume == a.volume * Decimal("0.9")
    # the allocations still add up to the requirements exactly (no rounding)
    for r in demo.requirements(option.tender_id):
        got = sum((a.volume for a in out.allocations(option.id) if a.requirement_id == r.id), Decimal(0))
        was = sum((a.volume for a in demo.allocations(option.id) if a.requirement_id == r.id), Decimal(0))
        assert got == was * Decimal("0.9")
    # competitors (the buyer evaluates the bid as published), the tender and other options stay
    assert out.all(Competitor) == demo.all(Competitor)
    assert out.get(Tender, option.tender_id) == demo.get(Tender, option.tender_id)
    other = demo.options()[0]
    assert out.allocations(other.id) == demo.allocations(other.id)


def test_tender_drivers_move_the_tender_fields(demo):
    option = spv(demo)
    tender = demo.get(Tender, option.tender_id)
    adj = sc.Adjustments(pay_uplift_pp=Decimal("1.5"), cpi_pp=Decimal("-0.5"), payment_delay_days=30,
                         mobilisation_overrun_months=2, termination_after_year=3)
    t = sc.apply(demo, option.id, adj).get(Tender, tender.id)
    assert t.pay_indexation_pct == tender.pay_indexation_pct + Decimal("1.5")
    assert t.cpi_indexation_pct == tender.cpi_indexation_pct - Decimal("0.5")
    assert t.payment_terms_days == tender.payment_terms_days + 30
    assert t.mobilisation_months == tender.mobilisation_months + 2
    assert t.start_date == dt.date(tender.start_date.year, tender.start_date.month + 2, tender.start_date.day)
    assert (t.term_years, t.extension_years) == (3, 0)
    # a termination at or after the contract's end changes nothing; payment terms never go below 0
    late = sc.apply(demo, option.id, sc.Adjustments(termination_after_year=tender.term_years + tender.extension_years,
                                                    payment_delay_days=-180)).get(Tender, tender.id)
    assert (late.term_years, late.extension_years) == (tender.term_years, tender.extension_years)
    assert late.payment_terms_days == 0


def test_mobilisation_overrun_goes_on_at_the_plans_average_and_moves_what_was_due_from_service_start(demo):
    option = spv(demo)
    tender = demo.get(Tender, option.tender_id)
    planned = tender.mobilisation_months
    items = demo.by(CapitalItem, "option_id", option.id)
    mobilisation = sum((i.amount for i in items if i.kind is CapitalKind.MOBILISATION), Decimal(0))
    assert planned > 0 and mobilisation > 0
    out = sc.apply(demo, option.id, sc.Adjustments(mobilisation_overrun_months=2))
    extra = [i for i in out.by(CapitalItem, "option_id", option.id) if i.id < 0]
    assert [i.month for i in extra] == [planned, planned + 1]
    assert sum((i.amount for i in extra), Decimal(0)) == (mobilisation * 2 / planned).quantize(Decimal("0.01"))
    for i in items:
        assert out.get(CapitalItem, i.id).month == (i.month + 2 if i.month >= planned else i.month)
    for s in demo.by(FundingSource, "option_id", option.id):
        assert out.get(FundingSource, s.id).drawdown_month == (s.drawdown_month + 2 if s.drawdown_month >= planned
                                                               else s.drawdown_month)


def test_interest_competitor_ramp_up_and_cost_overrun(demo):
    option = spv(demo)
    adj = sc.Adjustments(interest_rate_pp=Decimal("2"), competitor_price_pct=Decimal("-5"), ramp_up_months=-10,
                         cost_overrun_pct=Decimal("10"))
    out = sc.apply(demo, option.id, adj)
    for s in demo.by(FundingSource, "option_id", option.id):
        moved = out.get(FundingSource, s.id).interest_rate_pct
        assert moved == (s.interest_rate_pct + 2 if s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT)
                         else s.interest_rate_pct)
    for c in demo.all(Competitor):  # the option's tender's rivals move; another tender's stay where they are
        factor = Decimal("0.95") if c.tender_id == option.tender_id else Decimal(1)
        assert out.get(Competitor, c.id).annual_price == (c.annual_price * factor).quantize(Decimal("0.01"))
    o = out.get(ConsortiumOption, option.id)
    assert o.ramp_up_months == 0  # never below none
    assert (1 + o.contingency_pct / 100) == (1 + option.contingency_pct / 100) * Decimal("1.1")
    for i in demo.by(CapitalItem, "option_id", option.id):
        assert out.get(CapitalItem, i.id).amount == (i.amount * Decimal("1.1")).quantize(Decimal("0.01"))


def test_the_national_living_wage_path_grows_from_the_year_of_service_start(demo):
    option = spv(demo)
    tender = demo.get(Tender, option.tender_id)
    table = workspace_rates(demo)
    out = sc.apply(demo, option.id, sc.Adjustments(nlw_uplift_pp=Decimal("4")))
    adjusted = sc.adjust_rates(table, out.scenario)
    assert sc.adjust_rates(table, None) is table
    assert sc.adjust_rates(table, sc.apply(demo, option.id, sc.Adjustments()).scenario) is table
    start = rates_for(table, tender.start_date).year
    assert rates_for(adjusted, tender.start_date).year.national_living_wage == start.national_living_wage
    years = tender.term_years + tender.extension_years
    later = rates_for(adjusted, dt.date(tender.start_date.year + years - 1, tender.start_date.month, 1))
    assert not later.extrapolated  # the path reaches the contract's last year
    k = later.year.starts.year - financial_year_start(tender.start_date).year
    assert k == years - 1
    assert later.year.national_living_wage == (rates_for(table, later.on).year.national_living_wage
                                               * Decimal("1.04") ** k).quantize(Decimal("0.01"))
    assert later.year.source("national_living_wage").status == "U"
    assert isinstance(adjusted, RateTable)


def test_adjustments_of_a_stored_row_and_in_words():
    row = Scenario(7, "Mine", volume_pct=Decimal("-15"), payment_delay_days=30, termination_after_year=4)
    adj = sc.Adjustments.of(row)
    assert adj == sc.Adjustments(volume_pct=Decimal("-15"), payment_delay_days=30, termination_after_year=4)
    assert adj.describe() == "volume \u221215%, payment terms +30 days, ends after year 4"
    assert sc.Adjustments().describe() == "no change" and sc.Adjustments().is_empty()
    with pytest.raises(ValueError, match="100%"):
        sc.Adjustments(volume_pct=Decimal("-100"))


def test_the_shipped_scenarios_are_domain_9s_defaults():
    shipped = {s.name: sc.Adjustments.of(s) for s in sc.shipped_scenarios()}
    assert list(shipped) == ["Base", "Downside", "Severe", "Upside"]
    assert shipped["Base"].is_empty()
    assert shipped["Downside"] == sc.Adjustments(volume_pct=Decimal(-10), pay_uplift_pp=Decimal("1.5"),
                                                 payment_delay_days=30, mobilisation_overrun_months=2)
    assert shipped["Severe"] == sc.Adjustments(volume_pct=Decimal(-20), pay_uplift_pp=Decimal(3),
                                               payment_delay_days=60, termination_after_year=3)
    assert [s.id for s in sc.shipped_scenarios()] == [1, 2, 3, 4]
    assert dataclasses.fields(Scenario)  # a stored entity with a table of its own


def test_a_row_with_one_field_changed_is_the_row_replace_makes(demo):
    """``scenarios._with`` (the volume scenarios' quick ``dataclasses.replace``) makes the very row ``replace``
    makes, for every kind of row and every field."""
    firsts = {}
    for e in demo.entities():
        firsts.setdefault(type(e), e)
    assert len(firsts) > 10
    for e in firsts.values():
        for f in dataclasses.fields(e):
            value = getattr(e, f.name)
            made = sc._with(e, f.name, value)
            assert made == dataclasses.replace(e, **{f.name: value}) and type(made) is type(e)
            assert all(getattr(made, g.name) is getattr(e, g.name) for g in dataclasses.fields(e))
    a = demo.iter(Allocation).__next__()
    assert sc._with(a, "volume", a.volume * 2) == dataclasses.replace(a, volume=a.volume * 2) != a
