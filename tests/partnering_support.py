"""A small hand-built workspace for the partnering tests: one tender, one service line, two or three
members, figures chosen so the pension and VAT arithmetic can be done by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    CostProfile,
    FinancialYear,
    Member,
    MemberRole,
    Organisation,
    OrgKind,
    PartneringProfile,
    PensionArrangement,
    PensionScheme,
    Requirement,
    Role,
    Structure,
    Tender,
    TupeCohort,
    VatStatus,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.rates import load_reference_rates

RATES = load_reference_rates()
OPTION = 1
A, B, C = 1, 2, 3  # member ids (organisation ids are the same)


def accounts(org_id: int, turnover: str = "5000000") -> FinancialYear:
    t = D(turnover)
    return FinancialYear(id=org_id, organisation_id=org_id, year_end=dt.date(2024, 3, 31), turnover=t,
                         operating_surplus=t / 20, ebitda=t / 15, depreciation=t / 60, interest=D("1000"), tax=D("0"),
                         operating_cash_flow=t / 15, capex=D("0"), dividends=D("0"), current_assets=t / 2,
                         inventory=D("0"), current_liabilities=t / 4, total_assets=t, total_liabilities=t / 2,
                         cash=t / 5, borrowings=D("0"), free_reserves=t / 10, expenditure=t * D("0.95"))


def workspace(*, structure: Structure = Structure.LEAD_PROVIDER, volumes: tuple[int, ...] = (6000, 4000),
              fee: str = "4", margin: str = "3", vat: tuple[VatStatus, ...] = (), cohort: bool = True,
              arrangement: dict | None = None, profile: dict | None = None, tender: dict | None = None,
              ramp: int = 3, payment_days: int = 30, with_accounts: bool = True,
              guarantee: str | None = "500000") -> Workspace:
    """Members A (a CQC-registered mutual, the lead), B (an SME) and C (a CIC) deliver ``volumes`` of
    homecare; each has one role at £12 an hour with no on-costs but a 5% employer pension (other defined
    benefit, so the rate charged is exactly 5%), sound accounts (turnover £5m) and offers ``guarantee``.
    The tender's cohort: 10 FTE at £25,000 in the LGPS."""
    rows: list = []
    kinds = [(OrgKind.MUTUAL, "CQC"), (OrgKind.SME, ""), (OrgKind.CIC, "")]
    t = Tender(id=1, name="T", annual_value=D("1000000"), start_date=dt.date(2025, 4, 1), term_years=5,
               published=dt.date(2023, 12, 1), deadline=dt.date(2024, 1, 2), payment_terms_days=payment_days,
               mobilisation_months=3, pay_indexation_pct=D("3"), cpi_indexation_pct=D("2"), turnover_multiple=D("2"))
    rows.append(dataclasses.replace(t, **(tender or {})))
    rows.append(Requirement(id=1, tender_id=1, service_line="Homecare", area="East",
                            annual_volume=D(sum(volumes))))
    if cohort:
        rows.append(TupeCohort(id=1, tender_id=1, name="Reablement", service_line="Homecare", area="", headcount=12,
                               fte=D("10"), average_salary=D("25000"), pension_scheme=PensionScheme.LGPS))
    rows.append(ConsortiumOption(id=OPTION, tender_id=1, name="Option", structure=structure,
                                 lead_organisation_id=A if structure in (Structure.GO_ALONE, Structure.LEAD_PROVIDER,
                                                                         Structure.CONSORTIUM) else None,
                                 management_fee_pct=D(fee), margin_pct=D(margin), ramp_up_months=ramp))
    for i, volume in enumerate(volumes):
        mid = i + 1
        kind, regulators = kinds[i]
        status = vat[i] if i < len(vat) else VatStatus.NOT_STATED
        rows.append(Organisation(id=mid, name="ABC"[i], kind=kind, regulators=regulators, vat_status=status))
        if with_accounts:
            rows.append(accounts(mid))
        rows.append(CostProfile(id=mid, organisation_id=mid, service_line="Homecare", travel_ratio=D("0"),
                                training_ratio=D("0"), holiday_pct=D("0"), sickness_pct=D("0"),
                                pension_scheme=PensionScheme.OTHER_DB, pension_rate_pct=D("5")))
        rows.append(Role(id=mid, cost_profile_id=mid, name="Worker", hourly_rate=D("12"), annual_paid_hours=D("1950")))
        role = MemberRole.LEAD if mid == A and structure in (Structure.GO_ALONE, Structure.LEAD_PROVIDER) else (
            MemberRole.SUBCONTRACTOR if structure is Structure.LEAD_PROVIDER else MemberRole.PARTNER)
        share = D(100) / len(volumes)
        rows.append(Member(id=mid, option_id=OPTION, organisation_id=mid, role=role, participation_pct=share,
                           profit_share_pct=share, guarantee=D(guarantee) if guarantee else None))
        rows.append(Allocation(id=mid, option_id=OPTION, requirement_id=1, member_id=mid, volume=D(volume)))
    if arrangement is not None:
        rows.append(PensionArrangement(id=1, option_id=OPTION, cohort_id=1, **arrangement))
    if profile is not None:
        rows.append(PartneringProfile(id=1, option_id=OPTION, **profile))
    return Workspace(rows)


def put(ws: Workspace, entity) -> Workspace:
    """``ws`` with ``entity`` put in (a copy, so fixtures stay as built)."""
    out = ws.copy()
    out.put(entity)
    return out
