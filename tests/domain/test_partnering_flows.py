"""Money between members: every month the parts add up to the buyer's payment to the penny (a property
test over structures, shares, fees, statuses, payment terms and ramp-ups), the buyer's payments are the
projection's receipts, and each structure sends the money where its rules say."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import ProtectedScheme, Structure, VatStatus
from consortium_planner.domain.partnering import flows
from consortium_planner.domain.pricing import bid_prices
from consortium_planner.domain.projection import capital
from partnering_support import OPTION, RATES, A, B, workspace


def money(ws):
    schedule = bid_prices(ws, OPTION, RATES)
    cap = capital(ws, OPTION, RATES, schedule=schedule)
    return flows.money_flows(ws, OPTION, cap, schedule), cap


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structure=st.sampled_from(list(Structure)),
       volumes=st.lists(st.integers(min_value=1, max_value=40000), min_size=1, max_size=3),
       fee=st.sampled_from(["0", "2.5", "4", "7.75"]), margin=st.sampled_from(["-2", "0", "3", "6.5"]),
       vat=st.lists(st.sampled_from(list(VatStatus)), min_size=3, max_size=3),
       days=st.sampled_from([0, 30, 45, 60, 90]), ramp=st.integers(min_value=0, max_value=8),
       pension=st.booleans())
def test_the_flows_add_up_to_the_buyers_payments_every_month_to_the_penny(structure, volumes, fee, margin, vat, days,
                                                                           ramp, pension):
    ws = workspace(structure=structure, volumes=tuple(volumes), fee=fee, margin=margin, vat=tuple(vat), ramp=ramp,
                   payment_days=days, arrangement={"scheme": ProtectedScheme.LGPS_ADMITTED} if pension else None)
    r, cap = money(ws)
    assert r.reconciles
    receipts = {row.month: row.receipts for row in cap.projection.months if row.receipts}
    assert {m.month: m.buyer_payment for m in r.months} == receipts  # the buyer's payments are the receipts
    parts = [f for f in r.flows if f.part]
    for m in r.months:
        assert sum(m.parts, D(0)) == m.buyer_payment  # to the penny, every month
        assert len(m.parts) == len(parts)
    # each flow's years are the sums of its monthly parts; the price flow is every payment
    for i, f in enumerate(parts):
        assert f.total == sum((m.parts[i] for m in r.months), D(0)) == sum(f.by_year, D(0))
    assert r.flow("price").total == r.buyer_total == sum(receipts.values(), D(0))
    # each member's cash is its parts (plus the party's remainder, plus profit shares)
    paid = sum((m.received for m in r.members), D(0))
    to_hmrc = sum((f.total for f in parts if f.kind == "VAT"), D(0))
    vehicle = structure in (Structure.SPV, Structure.LLP, Structure.SECONDARY_COOP)
    kept = r.flow("kept").total if any(f.key == "kept" for f in r.flows) else D(0)
    distributed = sum((d.amount for d in r.distributions), D(0))
    if vehicle:  # members receive their parts and the VAT they pay over; the vehicle keeps the rest
        assert paid == r.buyer_total - kept + distributed
    elif r.party == "each provider":  # the buyer pays each provider: nothing is kept in between
        assert kept == 0 and paid == r.buyer_total
    else:
        assert paid + to_hmrc == r.buyer_total


def test_lead_provider_pays_each_member_its_share_less_the_fee_and_keeps_the_rest():
    r, _ = money(workspace(vat=(VatStatus.EXEMPT, VatStatus.EXEMPT)))
    assert r.party == "A"
    sub = r.flow(f"member:{B}")
    assert (sub.payer, sub.payee, sub.kind) == ("A", "B", "sub-contract less the management fee")
    assert "exempt" in sub.vat_treatment and "back-to-back" in sub.timing
    assert not any(f.kind == "VAT" for f in r.flows)
    lead = next(m for m in r.members if m.member_id == A)
    assert lead.role == "contracting party" and lead.received == r.flow("kept").total


def test_vat_a_lead_cannot_recover_goes_to_hmrc_through_the_member():
    r, _ = money(workspace(vat=(VatStatus.EXEMPT, VatStatus.TAXABLE)))
    vat = r.flow(f"vat:{B}")
    assert vat.payee == "HMRC" and vat.total > 0
    sub = r.flow(f"member:{B}")
    # 20% of the sub-contract payment, month by month (each part rounded to the penny)
    assert abs(vat.total - sub.total * D("0.2")) <= D("0.01") * len(r.months)
    assert r.vat_irrecoverable_year_one > 0
    assert any(f.code == "vat_between_partners" for f in flows.findings(r))


def test_a_vehicle_pays_members_at_cost_and_distributes_profit_after_the_year():
    r, cap = money(workspace(structure=Structure.SPV, margin="8"))
    assert r.party == "the vehicle" and r.distributions
    d = r.distributions[0]
    period_end = max(m.month for m in cap.projection.months if m.period == d.period)
    assert d.month == min(period_end + flows.DISTRIBUTION_LAG_MONTHS, len(cap.projection.months) - 1)
    for m in r.members:  # reimbursed at cost: their result is their profit share
        assert m.result == m.profit_share and m.income == m.own_cost


@pytest.mark.parametrize("structure", [Structure.ALLIANCE, Structure.GO_ALONE])
def test_no_pass_through_when_the_buyer_pays_each_provider_or_one_alone(structure):
    r, _ = money(workspace(structure=structure))
    members = [f for f in r.flows if f.kind not in ("price", "kept")]
    if structure is Structure.ALLIANCE:
        assert all(f.payer == "the buyer" for f in members) and not any(f.key == "kept" for f in r.flows)
        assert sum((m.received for m in r.members), D(0)) == r.buyer_total
    else:
        assert members == [] and r.flow("kept").total == r.buyer_total


def test_a_member_losing_money_on_the_flows_is_a_warning():
    r, _ = money(workspace(margin="-15", fee="0"))
    losers = [f for f in flows.findings(r) if f.code == "member_loses_on_flows"]
    assert losers and all(f.severity is Severity.WARNING and f.figure("loss") > 0 for f in losers)
