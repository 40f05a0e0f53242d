"""Hypothesis-generated workspaces never make an analysis raise anything but a validation error.

Workspaces are built in memory from values every field accepts (missing figures, zeros, negative
surpluses, empty options, members without capacity or cost profiles...). Each analysis may refuse
with ``ValidationError`` or another ``ValueError`` that explains itself; an ``ArithmeticError``
(division by zero, invalid Decimal operation), ``TypeError``, ``KeyError`` or ``AttributeError``
is a bug.
"""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    Competitor,
    ConsortiumOption,
    CostProfile,
    FinancialCondition,
    FinancialYear,
    Member,
    Metric,
    Organisation,
    OrgKind,
    PensionScheme,
    PriceMethod,
    Regime,
    Requirement,
    Role,
    Structure,
    Tender,
    TupeCohort,
)
from consortium_planner.domain.validation import check_workspace, errors
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.analyses import analyse_option
from consortium_planner.services.pipeline import REGISTRY, NotApplicable, Refusal

LINES = ["Homecare", "Carers"]
AREAS = ["North", "South"]

money = st.one_of(st.none(), st.decimals(min_value=0, max_value=5_000_000, places=2))
signed = st.one_of(st.none(), st.decimals(min_value=-500_000, max_value=500_000, places=2))
volume = st.decimals(min_value=0, max_value=20_000, places=0)
pct = st.decimals(min_value=0, max_value=100, places=0)


@st.composite
def workspaces(draw):
    rows = []
    n_orgs = draw(st.integers(1, 3))
    for o in range(1, n_orgs + 1):
        rows.append(Organisation(id=o, name=f"Org {o}", kind=draw(st.sampled_from(list(OrgKind))),
                                 employee_owned=draw(st.booleans()), home_area=draw(st.sampled_from(AREAS + [""]))))
        for y in range(draw(st.integers(0, 2))):
            rows.append(FinancialYear(
                id=o * 10 + y, organisation_id=o, year_end=dt.date(2023 + y, 3, 31), turnover=draw(money),
                operating_surplus=draw(signed), ebitda=draw(signed), interest=draw(signed), tax=draw(signed),
                operating_cash_flow=draw(signed), capex=draw(signed), dividends=draw(money),
                current_assets=draw(money), inventory=draw(money), current_liabilities=draw(money),
                total_assets=draw(money), total_liabilities=draw(money), cash=draw(signed), borrowings=draw(money),
                free_reserves=draw(signed), expenditure=draw(money), depreciation=draw(money)))
        for i, line in enumerate(draw(st.lists(st.sampled_from(LINES), unique=True, max_size=2))):
            rows.append(Capacity(id=o * 10 + i, organisation_id=o, service_line=line, area=draw(st.sampled_from(AREAS)),
                                 units_per_year=draw(volume), max_growth_pct=draw(pct),
                                 lead_time_months=draw(st.integers(0, 12))))
            if draw(st.booleans()):
                pid = o * 10 + i
                rows.append(CostProfile(id=pid, organisation_id=o, service_line=line,
                                        pension_scheme=draw(st.sampled_from(list(PensionScheme))),
                                        non_pay_per_unit=draw(st.decimals(min_value=0, max_value=10, places=2)),
                                        fixed_costs_per_year=draw(st.decimals(min_value=0, max_value=100000, places=2))))
                for r in range(draw(st.integers(0, 2))):
                    rows.append(Role(id=pid * 10 + r, cost_profile_id=pid, name=f"Role {r}",
                                     hourly_rate=draw(st.decimals(min_value=0, max_value=40, places=2)),
                                     hours_per_unit=draw(st.decimals(min_value=0, max_value=2, places=2)),
                                     annual_paid_hours=draw(st.decimals(min_value=0, max_value=2000, places=0))))
    start = draw(st.one_of(st.none(), st.just(dt.date(2027, 4, 1))))
    rows.append(Tender(id=1, name="Tender", regime=draw(st.sampled_from(list(Regime))), start_date=start,
                       term_years=draw(st.integers(1, 7)), extension_years=draw(st.integers(0, 2)),
                       annual_value=draw(st.decimals(min_value=0, max_value=5_000_000, places=2)),
                       budget_ceiling=draw(money), price_method=draw(st.sampled_from(list(PriceMethod))),
                       payment_terms_days=draw(st.sampled_from([0, 30, 60])),
                       turnover_multiple=draw(st.decimals(min_value=0, max_value=3, places=1))))
    reqs = []
    for i, (line, area) in enumerate(draw(st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(AREAS)),
                                                   unique=True, max_size=3))):
        reqs.append(Requirement(id=i + 1, tender_id=1, service_line=line, area=area, annual_volume=draw(volume)))
    rows += reqs
    for i, metric in enumerate(draw(st.lists(st.sampled_from(list(Metric)), unique=True, max_size=3))):
        rows.append(FinancialCondition(id=i + 1, tender_id=1, metric=metric,
                                       threshold=draw(st.decimals(min_value=-1, max_value=3, places=2))))
    if draw(st.booleans()):
        rows.append(TupeCohort(id=1, tender_id=1, name="Cohort", service_line=draw(st.sampled_from(LINES + [""])),
                               fte=draw(st.decimals(min_value=0, max_value=50, places=1))))
    for i in range(draw(st.integers(0, 2))):
        rows.append(Competitor(id=i + 1, tender_id=1, name=f"Rival {i}",
                               annual_price=draw(st.decimals(min_value=0, max_value=6_000_000, places=2)),
                               quality_score=draw(st.decimals(min_value=0, max_value=100, places=0))))
    member_id = 1
    for op in range(1, draw(st.integers(1, 2)) + 1):
        orgs = draw(st.lists(st.integers(1, n_orgs), unique=True, max_size=n_orgs))
        rows.append(ConsortiumOption(id=op, tender_id=1, name=f"Option {op}",
                                     structure=draw(st.sampled_from(list(Structure))),
                                     lead_organisation_id=orgs[0] if orgs and draw(st.booleans()) else None,
                                     margin_pct=draw(st.decimals(min_value=-10, max_value=20, places=0)),
                                     management_fee_pct=draw(st.decimals(min_value=0, max_value=10, places=0))))
        left = Decimal(100)
        for o in orgs:
            share = min(left, draw(pct))
            left -= share
            rows.append(Member(id=member_id, option_id=op, organisation_id=o, participation_pct=share,
                               profit_share_pct=share, guarantee=draw(money)))
            for r in reqs:
                if draw(st.booleans()):
                    rows.append(Allocation(id=member_id * 100 + r.id, option_id=op, requirement_id=r.id,
                                           member_id=member_id, volume=draw(volume)))
            member_id += 1
    return Workspace(rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_analyses_raise_nothing_but_validation_errors(ws):
    """Every declared analysis gives a value or an explained refusal on any valid workspace (a bug
    would propagate out of the pipeline as an exception)."""
    assert not errors(check_workspace(ws)), "the generator must build valid workspaces"
    for option in ws.options():
        results = analyse_option(ws, option.id)
        assert set(results) == set(REGISTRY.names())
        for name, value in results.items():
            if isinstance(value, Refusal | NotApplicable):
                assert value.reason, f"{name} refused without saying why"
