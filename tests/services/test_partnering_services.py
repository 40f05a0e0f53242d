"""Partnering in the workspace: "try this structure" stores exactly what the advisor worked out, with
everything that belongs to the option, in one transaction; the checklists; the analyses in summary JSON."""

from __future__ import annotations

import pytest

from consortium_planner.domain.model import (
    Allocation,
    CapitalItem,
    ConsortiumOption,
    DueDiligenceArea,
    DueDiligenceItem,
    FundingSource,
    HeadsOfTermsItem,
    Liability,
    Member,
    MemberRole,
    PartneringProfile,
    PensionArrangement,
    ReadinessScore,
    Structure,
    TermsHead,
)
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.partnering import checklist_batch, try_structure
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.summary import summary

LEAD = "Lead provider with subcontractors"
SPV = "Special purpose vehicle"


@pytest.fixture
def demo(tmp_path):
    write_demo(tmp_path / "demo.cplan")
    s = WorkspaceSession.open(tmp_path / "demo.cplan")
    yield s
    s.close()


def option(s, name):
    return next(o for o in s.ws.options() if o.name == name)


def test_try_structure_stores_what_the_advisor_worked_out_with_everything_that_belongs_to_the_option(demo):
    source = option(demo, SPV)
    advice = analyses.one(demo.ws, source.id, "structure")
    expected = advice.of(Structure.LEAD_PROVIDER).effects
    before = {cls: demo.ws.count(cls) for cls in (ConsortiumOption, Member, Allocation, FundingSource, CapitalItem,
                                                 PartneringProfile, PensionArrangement, HeadsOfTermsItem,
                                                 ReadinessScore, DueDiligenceItem)}
    new, changes = try_structure(demo, source.id, Structure.LEAD_PROVIDER)
    assert new.name == f"{SPV} as lead provider with subcontractors" and new.structure is Structure.LEAD_PROVIDER
    assert new.liability is Liability.LEAD and new.lead_organisation_id is not None
    assert changes.structural and "consortium_option" in changes.entities
    for cls, n in before.items():
        mine = {ConsortiumOption: 1, Member: len(demo.ws.members(source.id)),
                Allocation: len(demo.ws.allocations(source.id))}.get(cls)
        if mine is None and cls in (ReadinessScore, DueDiligenceItem):
            mine = sum(len(demo.ws.children(cls, m.id)) for m in demo.ws.members(source.id))
        elif mine is None:
            mine = len(demo.ws.children(cls, source.id))
        assert demo.ws.count(cls) == n + mine, cls.__name__
    roles = [m.role for m in demo.ws.members(new.id)]
    assert roles.count(MemberRole.LEAD) == 1 and MemberRole.PARTNER not in roles
    equity = [f for f in demo.ws.children(FundingSource, new.id) if f.member_id is not None]
    assert equity and all(demo.ws.get(Member, f.member_id).option_id == new.id for f in equity)
    # the copy is what the advisor's effects described, and the stored source is unchanged
    got = analyses.standing(demo.ws, new.id)
    assert got.tested[0].name.replace(new.name, "X") == expected.tested_entity.replace(source.name, "X")
    assert got.risk.label == expected.standing_risk
    assert option(demo, SPV) == source
    # it is in the file, not only in memory
    reopened = WorkspaceSession.open(demo.path, read_only=True)
    try:
        assert reopened.ws.get(ConsortiumOption, new.id).structure is Structure.LEAD_PROVIDER
    finally:
        reopened.close()


def test_trying_the_same_structure_twice_numbers_the_copies(demo):
    source = option(demo, LEAD)
    first, _ = try_structure(demo, source.id, Structure.SPV)
    second, _ = try_structure(demo, source.id, Structure.SPV)
    assert second.name == first.name + " (2)"


def test_checklists_fill_only_what_is_missing_and_reverse_exactly(demo):
    source = option(demo, SPV)
    batch = checklist_batch(demo, source.id)
    have = {r.head for r in demo.ws.children(HeadsOfTermsItem, source.id)}
    assert {r.head for r in batch.inserted} == set(TermsHead) - have
    demo.apply_batch(batch)
    assert {r.head for r in demo.ws.children(HeadsOfTermsItem, source.id)} == set(TermsHead)
    demo.apply_batch(batch, reverse=True)
    assert {r.head for r in demo.ws.children(HeadsOfTermsItem, source.id)} == have
    member = demo.ws.members(source.id)[-1]
    dd = checklist_batch(demo, source.id, member.id)
    assert {r.area for r in dd.inserted} == set(DueDiligenceArea) - {
        r.area for r in demo.ws.children(DueDiligenceItem, member.id)}


def test_summary_json_has_every_partnering_analysis_per_option(demo):
    data = summary(demo.ws)
    for o in data["consortium_options"]:
        a = o["analyses"]
        assert {"structure", "money_flows", "pensions", "readiness", "heads_of_terms"} <= set(a)
        assert len(a["structure"]["ranked"]) == len(Structure)
        assert a["structure"]["ranked"][0]["rank"] == 1 and a["structure"]["ranked"][0]["reasons"] is not None
        assert a["money_flows"]["reconciles"] is True
        if demo.ws.tupe_cohorts(o["tender_id"]):  # the neighbour's tender (the bid pipeline) transfers no staff
            assert a["pensions"]["cohorts"] and "exit_high" in a["pensions"]["cohorts"][0]
        else:
            assert a["pensions"]["cohorts"] == []
        assert len(a["readiness"]["dimensions"]) == 12
        assert len(a["heads_of_terms"]["rows"]) == len(TermsHead)
