"""A consortium option a user might build with many problems at once, made through the session's own edits
on the demo workspace (shared by the services, reports and GUI tests).

Starting from the demo's lead-provider option: no member offers a guarantee and the tender asks for three
times the annual value in turnover (the lead's turnover test fails; another member's guarantee cures it),
two allocations are deleted (two capacity gaps the members could take on), and the funding is one
£600,000 bridging loan at 9% over 18 months drawn in month 1 (a shortfall, cash below zero and debt
service cover far below the covenant).
"""

from __future__ import annotations

from decimal import Decimal

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    FinancialCondition,
    FundingSource,
    Member,
    Metric,
    Structure,
)

LOAN = Decimal("600000")


def add_problem_option(session, name: str = "Lead provider, built by hand") -> int:
    ws = session.ws
    lead = next(o for o in ws.options() if o.structure is Structure.LEAD_PROVIDER)
    option, _ = session.duplicate_option(lead.id, name)
    oid = option.id
    for m in session.ws.members(oid):
        if m.guarantee:
            session.set_field(Member, m.id, "guarantee", None)
    for a in session.ws.allocations(oid)[:2]:
        session.delete(Allocation, a.id)
    for fs in session.ws.by(FundingSource, "option_id", oid):
        session.delete(FundingSource, fs.id)
    session.add(FundingSource, {"option_id": oid, "name": "Bridging loan", "kind": "loan", "amount": LOAN,
                                "interest_rate_pct": Decimal("9"), "term_months": 18, "drawdown_month": 1})
    tender_id = session.ws.get(ConsortiumOption, oid).tender_id
    for c in session.ws.conditions(tender_id):
        if c.metric is Metric.TURNOVER_RATIO:
            session.set_field(FinancialCondition, c.id, "threshold", Decimal("3"))
    return oid
