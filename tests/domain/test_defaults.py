"""Issue 20 (defaults that fit): what follows a choice, the next member, shares from the work."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from consortium_planner.domain.defaults import (
    follow_on,
    move_share,
    new_member_values,
    pension_defaults,
    shares_from_allocations,
)
from consortium_planner.domain.model import (
    CostProfile,
    Liability,
    Member,
    MemberRole,
    PensionScheme,
    Structure,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.demo import build_demo_entities, load_demo_source

RATES = pension_defaults(Decimal("14.38"), Decimal("0.08"), Decimal("3"))


def DEFAULTS():  # noqa: N802 - as follow_on asks for them: only when a scheme changes
    return RATES


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


def test_the_nhs_pension_brings_its_employer_rate_and_back():
    ae = CostProfile(id=1, organisation_id=1, service_line="Homecare", pension_scheme=PensionScheme.AUTO_ENROLMENT,
                     pension_rate_pct=Decimal(3))
    nhs = follow_on(ae, dataclasses.replace(ae, pension_scheme=PensionScheme.NHS), DEFAULTS)
    assert nhs.pension_rate_pct == Decimal("14.46")
    back = follow_on(nhs, dataclasses.replace(nhs, pension_scheme=PensionScheme.AUTO_ENROLMENT), DEFAULTS)
    assert back.pension_rate_pct == Decimal(3)


def test_a_rate_the_user_typed_is_kept_and_lgps_has_no_national_rate():
    custom = CostProfile(id=1, organisation_id=1, service_line="Homecare",
                         pension_scheme=PensionScheme.AUTO_ENROLMENT, pension_rate_pct=Decimal(5))
    assert follow_on(custom, dataclasses.replace(custom, pension_scheme=PensionScheme.NHS),
                     DEFAULTS).pension_rate_pct == Decimal(5)
    ae = dataclasses.replace(custom, pension_rate_pct=Decimal(3))
    assert follow_on(ae, dataclasses.replace(ae, pension_scheme=PensionScheme.LGPS),
                     DEFAULTS).pension_rate_pct == Decimal(3)


def test_go_alone_carries_the_leads_own_liability(demo):
    option = next(o for o in demo.options() if o.structure is Structure.SPV)
    after = follow_on(option, dataclasses.replace(option, structure=Structure.GO_ALONE), DEFAULTS)
    assert after.liability is Liability.LEAD
    other = follow_on(option, dataclasses.replace(option, structure=Structure.LLP), DEFAULTS)
    assert other.liability is option.liability


def test_the_next_member_is_the_lead_when_there_is_none_else_the_next_free_organisation(demo):
    ws = demo.copy()
    option = next(o for o in ws.options() if o.structure is Structure.LEAD_PROVIDER)
    lead_org = option.lead_organisation_id
    for m in ws.members(option.id):
        ws.remove(Member, m.id)
    first = new_member_values(ws, option.id)
    assert first == {"option_id": option.id, "organisation_id": lead_org, "role": MemberRole.LEAD}
    ws.put(Member(id=999, option_id=option.id, **{k: v for k, v in first.items() if k != "option_id"}))
    second = new_member_values(ws, option.id)
    assert second["role"] is MemberRole.SUBCONTRACTOR and second["organisation_id"] != lead_org
    assert second["organisation_id"] == next(o.id for o in ws.organisations() if o.id != lead_org)


def test_shares_follow_the_priced_work_and_add_up_to_exactly_100(demo):
    option = next(o for o in demo.options() if o.structure is Structure.SPV)
    by_volume = shares_from_allocations(demo, option.id)
    assert sum(by_volume.values()) == Decimal(100)
    doubled = {line: Decimal(2) for line in {r.service_line for r in demo.requirements(option.tender_id)}}
    assert shares_from_allocations(demo, option.id, doubled) == by_volume  # a common price changes nothing
    one_line = next(iter(doubled))
    skewed = shares_from_allocations(demo, option.id, {**doubled, one_line: Decimal(20)})
    assert sum(skewed.values()) == Decimal(100) and skewed != by_volume


def test_moving_share_changes_two_members_and_refuses_more_than_the_giver_has(demo):
    option = next(o for o in demo.options() if o.structure is Structure.SPV)
    a, b = demo.members(option.id)[:2]
    giver, taker = move_share(demo, a.id, b.id, Decimal("2.5"))
    assert giver.participation_pct == a.participation_pct - Decimal("2.5")
    assert taker.participation_pct == b.participation_pct + Decimal("2.5")
    with pytest.raises(ValueError, match="only"):
        move_share(demo, a.id, b.id, a.participation_pct + 1)
    with pytest.raises(ValueError):
        move_share(demo, a.id, a.id, Decimal(1))
