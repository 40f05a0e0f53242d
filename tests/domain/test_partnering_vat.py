"""VAT between partners: each cost-sharing condition switched off in turn, irrecoverable VAT on
sub-contracts priced into the build-up by hand, what is at risk when statuses are not stated, and
nothing charged where VAT is recoverable or no payment passes between partners."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from consortium_planner.domain.costing import cost_buildup
from consortium_planner.domain.model import (
    ConsortiumOption,
    FeeVatBasis,
    Organisation,
    PartneringProfile,
    Structure,
    VatStatus,
)
from consortium_planner.domain.money import quantize
from consortium_planner.domain.partnering import vat
from partnering_support import OPTION, RATES, A, B, put, workspace

EXEMPT, TAXABLE = VatStatus.EXEMPT, VatStatus.TAXABLE
CSE_ALL_MET = {"fee_vat_basis": FeeVatBasis.INVOICED, "cost_sharing_group": True, "services_directly_necessary": True,
               "recharged_at_cost": True, "no_distortion": True, "services_only": True}


def vat_line(ws):
    b = cost_buildup(ws, OPTION, RATES)
    return b, next(t.annual for t in b.totals if t.key == "irrecoverable_vat")


def test_every_condition_met_the_invoiced_fee_is_exempt():
    ws = workspace(vat=(EXEMPT, EXEMPT), profile=CSE_ALL_MET)
    plan = vat.vat_plan(ws, ws.get(ConsortiumOption, OPTION))
    assert plan.fee_is_supply and plan.cse_applies and all(c.met for c in plan.conditions)
    assert vat_line(ws)[1] == 0


@pytest.mark.parametrize("condition", ["cost_sharing_group", "services_directly_necessary", "recharged_at_cost",
                                       "no_distortion", "services_only", "members_exempt"])
def test_each_cost_sharing_condition_switched_off_makes_the_fee_vat_a_cost(condition):
    """B pays the lead 4% of its share of the price as an invoiced fee; B is exempt, so VAT on it is lost:
    q = 20% × fee 4% × B's share of the line (by cost), and the VAT line = q × the annual price."""
    if condition == "members_exempt":
        ws = workspace(vat=(EXEMPT, EXEMPT), profile=CSE_ALL_MET)
        ws = put(ws, dataclasses.replace(ws.get(Organisation, B), exempt_supplies_pct=D("4")))
    else:
        ws = workspace(vat=(EXEMPT, EXEMPT), profile={**CSE_ALL_MET, condition: False})
    plan = vat.vat_plan(ws, ws.get(ConsortiumOption, OPTION))
    failed = [c.key for c in plan.conditions if c.met is not True]
    assert not plan.cse_applies and len(failed) == 1
    b, line = vat_line(ws)
    [s] = b.service_lines
    costs = {m.member_id: m.annual_cost for m in s.members}
    q = D("0.2") * D("0.04") * costs[B] / (costs[A] + costs[B])
    assert line == quantize(q * s.annual_price) > 0
    # the price covers it: price per unit = cost before VAT ÷ (1 − margin − fee − q)
    before = s.cost_per_unit - s.line("irrecoverable_vat").per_unit
    assert s.price_per_unit == quantize(before / (1 - D("0.03") - D("0.04") - q))


def test_vat_on_a_taxable_subcontract_the_exempt_lead_cannot_recover():
    ws = workspace(vat=(EXEMPT, TAXABLE))
    b, line = vat_line(ws)
    [s] = b.service_lines
    costs = {m.member_id: m.annual_cost for m in s.members}
    # B is paid its share of the price less the 4% fee; 20% VAT on that is lost to the exempt lead
    q = D("0.2") * (1 - D("0.04")) * costs[B] / (costs[A] + costs[B])
    assert line == quantize(q * s.annual_price) > 0
    plain = cost_buildup(workspace(vat=(EXEMPT, EXEMPT)), OPTION, RATES)
    assert b.annual_cost - plain.annual_cost == line  # the VAT line is the only cost added
    # the year's flow of VAT in the plan agrees with the line to within a penny or two
    year = vat.vat_a_year(vat.vat_plan(ws, ws.get(ConsortiumOption, OPTION)), b)
    assert abs(sum((m.irrecoverable for m in year), D(0)) - line) <= D("0.02")


def test_a_lead_that_recovers_vat_bears_none():
    assert vat_line(workspace(vat=(TAXABLE, TAXABLE)))[1] == 0


def test_a_vehicle_pays_members_at_cost_and_loses_the_vat_on_a_taxable_one():
    ws = workspace(structure=Structure.SPV, vat=(EXEMPT, TAXABLE), profile={"vehicle_vat_status": EXEMPT})
    b, line = vat_line(ws)
    cost_b = next(m.annual_cost for m in b.member_lines if m.member_id == B)
    assert line == quantize(D("0.2") * cost_b)


def test_unstated_statuses_are_at_risk_never_charged():
    ws = workspace()  # nobody's VAT status is stated: B is an SME with no regulator
    assert vat_line(ws)[1] == 0
    option = ws.get(ConsortiumOption, OPTION)
    plan = vat.vat_plan(ws, option)
    mb = plan.member(B)
    assert mb.sub_cost == 0 and mb.sub_risk == D("0.2") and mb.sub_treatment.startswith("at risk")
    year = vat.vat_a_year(plan, cost_buildup(ws, OPTION, RATES))
    assert next(m for m in year if m.member_id == B).at_risk > 0


def test_a_member_not_registered_is_at_risk_only_past_the_threshold_and_only_for_taxable_supplies():
    ws = workspace(vat=(EXEMPT, VatStatus.NOT_REGISTERED))  # B, an unregulated SME: its supplies are taxable
    plan = vat.vat_plan(ws, ws.get(ConsortiumOption, OPTION))
    mb = plan.member(B)
    assert mb.sub_cost == 0 and mb.sub_risk_on(D("89999")) == 0 and mb.sub_risk_on(D("90001")) == D("0.2")
    charity = put(ws, dataclasses.replace(ws.get(Organisation, B), registered_charity=True))
    mb = vat.vat_plan(charity, charity.get(ConsortiumOption, OPTION)).member(B)
    assert mb.sub_risk_on(D("500000")) == 0  # exempt supplies do not count towards registration


@pytest.mark.parametrize("structure", [Structure.ALLIANCE, Structure.CONSORTIUM, Structure.GO_ALONE])
def test_no_vat_between_partners_without_sub_contract_payments(structure):
    ws = workspace(structure=structure, vat=(EXEMPT, TAXABLE))
    assert vat_line(ws)[1] == 0
    assert not vat.vat_plan(ws, ws.get(ConsortiumOption, OPTION)).sub_contracts


def test_the_likely_status_of_an_unstated_organisation():
    charity = Organisation(name="C", registered_charity=True)
    regulated = Organisation(name="R", regulators="CQC; Ofsted")
    firm = Organisation(name="F")
    assert vat.organisation_vat(charity).likely is EXEMPT and not vat.organisation_vat(charity).is_stated
    assert vat.organisation_vat(regulated).likely is EXEMPT
    assert vat.organisation_vat(firm).likely is TAXABLE
    assert vat.organisation_vat(dataclasses.replace(firm, vat_status=EXEMPT)).is_stated
    assert PartneringProfile().no_distortion and PartneringProfile().services_only


def test_the_remembered_payments_and_shares_are_those_worked_out_afresh(monkeypatch):
    """The structure advisor asks for a build-up's year one under seven structures, and the money flows read its
    line shares for every contract year: both are remembered for the last build-up. Asked in turn about two
    build-ups and every structure, each answer is the one worked out with nothing remembered, and changing a
    returned mapping changes no later answer."""
    from consortium_planner.domain.partnering import charges
    from consortium_planner.domain.partnering.structures import apply_structure

    ws = workspace(vat=(EXEMPT, VatStatus.NOT_REGISTERED), profile={**CSE_ALL_MET, "no_distortion": False})
    other = put(ws, dataclasses.replace(ws.get(ConsortiumOption, OPTION), management_fee_pct=D("7")))
    builds = [cost_buildup(w, OPTION, RATES) for w in (ws, other)]
    assert builds[0].annual_price != builds[1].annual_price

    def afresh(plan, b):
        monkeypatch.setattr(vat, "_PAID", (None, {}))
        monkeypatch.setattr(charges, "_SHARES", (None, {}))
        return vat.vat_a_year(plan, b), charges.shares_of(b)

    for _ in range(2):
        for s in Structure:
            for w, b in zip((ws, other), builds, strict=True):
                copy = apply_structure(w, OPTION, s)
                plan = vat.vat_plan(copy, copy.get(ConsortiumOption, OPTION))
                remembered = vat.vat_a_year(plan, b), charges.shares_of(b)
                paid = vat._payments(plan, b)
                paid[0].clear()  # the caller's copy: the memo keeps its own
                assert vat.vat_a_year(plan, b) == remembered[0]
                assert remembered == afresh(plan, b)
