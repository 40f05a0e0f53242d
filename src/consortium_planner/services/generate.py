"""A synthetic large workspace for benchmarks and stress tests.

``write_large(path)`` writes, by default, 60 organisations (3 financial years each, capacities
in a few areas and service lines, cost profiles with roles), one tender of 40 service lines ×
20 areas = 800 requirements in two lots with financial conditions, TUPE cohorts and three
competitors, and 10 consortium options of 8–20 members with roughly 1,000–2,000 allocations each;
every member delivering a service line has a cost profile for it, and options 1, 4, 7 and 10 leave
no requirement uncovered (so their bids are priced, scored against the competitors and simulated
whole, as a benchmark must). Everything follows from ``random.Random(seed)``: the same seed gives
the same workspace, row for row.

The data is plausible in shape, not in detail; it passes ``check_workspace`` without errors.
Rows get their ids here, so parents and children are linked before anything is written, and
the whole workspace goes in in one transaction with executemany inserts (``bulk_insert``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from ..domain.model import (
    ENTITIES,
    Allocation,
    BuyerType,
    Capacity,
    CapitalItem,
    CapitalKind,
    Competitor,
    ConsortiumOption,
    CostProfile,
    Entity,
    FinancialCondition,
    FinancialYear,
    FundingKind,
    FundingSource,
    LegalForm,
    Liability,
    Lot,
    MarketSegment,
    Member,
    MemberRole,
    Metric,
    Organisation,
    OrgKind,
    PensionScheme,
    PriceMethod,
    Regime,
    Requirement,
    Role,
    SegmentKind,
    Setting,
    Structure,
    Tender,
    TupeCohort,
)
from ..domain.money import allocate
from ..domain.scenarios import shipped_scenarios
from ..store.workspace_file import Store, building, is_database_url

__all__ = ["build_large", "bulk_insert", "write_large"]

_AREA_HEADS = ["Ash", "Brack", "Cold", "Dun", "East", "Fen", "Glen", "Hart", "Ivy", "Kings", "Lang", "Mill",
               "North", "Oak", "Pen", "Red", "Sand", "Thorn", "Wick", "West", "Yarn", "Bright", "Clay", "Elm"]
_AREA_TAILS = ["ford", "mere", "moor", "vale", "wick", "bury", "field", "ham", "ley", "stow", "ton", "dale",
               "holm", "by"]
_SERVICES = [
    ("Homecare", "contact hour"), ("Reablement", "contact hour"), ("Carers' support", "contact hour"),
    ("Social prescribing", "session"), ("Wellbeing groups", "facilitator hour"),
    ("Mental health peer support", "contact hour"), ("Day opportunities", "facilitator hour"),
    ("Supported living", "contact hour"), ("Falls prevention", "facilitator hour"),
    ("Befriending", "session"), ("Dementia support", "contact hour"),
    ("Learning disability support", "contact hour"), ("Youth work", "session"),
    ("Family support", "contact hour"), ("Community nursing", "contact hour"),
    ("Physiotherapy", "session"), ("Occupational therapy", "session"),
    ("Healthy lifestyles", "session"), ("Welfare advice", "session"), ("Housing support", "contact hour"),
]
_QUALIFIERS = ["", " for older people", " for younger adults", " out of hours", " for families"]
_KINDS = [  # kind, legal forms, descriptors, share of organisations (weights)
    (OrgKind.MUTUAL, [LegalForm.CIC_GUARANTEE, LegalForm.CIC_SHARES, LegalForm.COMMUNITY_BENEFIT],
     ["Community Health", "Care Mutual", "Health and Wellbeing", "Leisure and Wellbeing", "Support Services"], 35),
    (OrgKind.CHARITY, [LegalForm.CIO, LegalForm.COMPANY_GUARANTEE],
     ["Carers Trust", "Age Concern", "Wellbeing Trust", "Community Foundation"], 20),
    (OrgKind.CIC, [LegalForm.CIC_GUARANTEE, LegalForm.CIC_SHARES], ["Pathways CIC", "Connect CIC", "Together CIC"], 15),
    (OrgKind.COOPERATIVE, [LegalForm.COOP_SOCIETY], ["Homecare Co-operative", "Care Workers' Co-op"], 10),
    (OrgKind.SOCIAL_ENTERPRISE, [LegalForm.COMPANY_GUARANTEE, LegalForm.COMMUNITY_BENEFIT],
     ["Social Enterprise", "Community Enterprise"], 10),
    (OrgKind.SME, [LegalForm.COMPANY_SHARES], ["Home Support Ltd", "Care Services Ltd"], 10),
]
_STRUCTURES = [
    (Structure.LEAD_PROVIDER, Liability.LEAD),
    (Structure.CONSORTIUM, Liability.JOINT_AND_SEVERAL),
    (Structure.SPV, Liability.RING_FENCED),
    (Structure.LLP, Liability.LIMITED),
    (Structure.SECONDARY_COOP, Liability.LIMITED),
    (Structure.ALLIANCE, Liability.SHARED),
]
_OPTIONAL_FIGURES = ["ebitda", "depreciation", "interest", "tax", "operating_cash_flow", "capex", "dividends",
                     "inventory", "free_reserves"]


def _d(value: float | Decimal, step: int = 100) -> Decimal:
    """A whole number of pounds rounded to ``step`` (floats stay inside the generator)."""
    return Decimal(int(round(value / step)) * step)


def _split(total: int, weights: list[int]) -> list[int]:
    """Whole units in proportion to ``weights`` that add back to ``total`` exactly."""
    parts = [total * w // sum(weights) for w in weights]
    parts[0] += total - sum(parts)
    return parts


def _rate(rng: random.Random, low_pence: int, high_pence: int) -> Decimal:
    return Decimal(rng.randint(low_pence, high_pence)) / 100


E = TypeVar("E", bound=Entity)


@dataclass
class _Rows:
    rows: list[Entity] = field(default_factory=list)
    ids: dict[type[Entity], int] = field(default_factory=dict)

    def add(self, cls: type[E], **values: Any) -> E:
        new_id = self.ids.get(cls, 0) + 1
        self.ids[cls] = new_id
        row = cls(id=new_id, **values)
        self.rows.append(row)
        return row


def _unique_names(rng: random.Random, pool: list[str], n: int) -> list[str]:
    picked = list(pool)
    rng.shuffle(picked)
    names = picked[:n]
    i = 2
    while len(names) < n:  # more wanted than the pool holds: number the repeats
        names.extend(f"{p} {i}" for p in picked[: n - len(names)])
        i += 1
    return names


def build_large(*, seed: int = 1, organisations: int = 60, service_lines: int = 40, areas: int = 20,
                options: int = 10) -> list[Entity]:
    """The synthetic workspace's rows in memory, ids assigned, parents before children."""
    if min(organisations, service_lines, areas, options) < 1:
        raise ValueError("every size must be at least 1")
    rng = random.Random(seed)
    out = _Rows()
    out.add(Setting, key="author", value=f"Synthetic benchmark workspace (seed {seed})")
    out.add(Setting, key="discount_rate", value="3.5")

    area_names = _unique_names(rng, [h + t for h in _AREA_HEADS for t in _AREA_TAILS], areas)
    lines: list[tuple[str, str]] = []
    for i in range(service_lines):
        base, unit = _SERVICES[i % len(_SERVICES)]
        q = i // len(_SERVICES)
        lines.append((base + (_QUALIFIERS[q] if q < len(_QUALIFIERS) else f" ({q + 1})"), unit))
    price = {name: _rate(rng, 2200, 4200) for name, _unit in lines}

    # ------------------------------------------------------------------ tender and requirements
    volume = {(ln, ar): Decimal(rng.randint(4, 120) * 50) for ln, _u in lines for ar in area_names}
    annual_value = sum((v * price[ln] for (ln, _ar), v in volume.items()), Decimal(0))
    annual_value = _d(annual_value, 1000)
    tender = out.add(
        Tender, name="Synthetic regional wellbeing framework", buyer="Synthetic Combined Authority",
        buyer_type=BuyerType.COMBINED, regime=Regime.PA23, published=dt.date(2026, 5, 1),
        deadline=dt.date(2026, 7, 1), start_date=dt.date(2027, 4, 1), term_years=5, extension_years=2,
        annual_value=annual_value, budget_ceiling=_d(annual_value * Decimal("1.05"), 1000), mobilisation_months=6,
        price_method=PriceMethod.RELATIVE, bond_pct=Decimal(10), employers_liability=Decimal(10_000_000),
        public_liability=Decimal(5_000_000), notes=f"Generated with seed {seed}.",
    )
    half = (len(lines) + 1) // 2
    lot_a = out.add(Lot, tender_id=tender.id, name="Lot A", description="First half of the service lines")
    lot_b = out.add(Lot, tender_id=tender.id, name="Lot B", description="Second half of the service lines")
    requirements: list[Requirement] = []
    for i, (ln, unit) in enumerate(lines):
        for ar in area_names:
            requirements.append(out.add(
                Requirement, tender_id=tender.id, lot_id=(lot_a if i < half else lot_b).id,
                service_line=ln, area=ar, annual_volume=volume[(ln, ar)], unit=unit))
    for metric, threshold, amber in ((Metric.TURNOVER_RATIO, "2", None), (Metric.CURRENT_RATIO, "1", "0.8"),
                                     (Metric.OPERATING_MARGIN, "0", None), (Metric.NET_ASSETS, "0", None),
                                     (Metric.GEARING, "1", None)):
        out.add(FinancialCondition, tender_id=tender.id, metric=metric, threshold=Decimal(threshold),
                amber_threshold=None if amber is None else Decimal(amber))
    for n in range(min(3, len(lines))):
        ln = lines[n][0]
        out.add(TupeCohort, tender_id=tender.id, name=f"In-house team {n + 1}", current_employer=tender.buyer,
                service_line=ln, area=area_names[n % len(area_names)], headcount=rng.randint(10, 60),
                fte=Decimal(rng.randint(80, 500)) / 10, average_salary=_rate(rng, 2_400_000, 3_100_000),
                pension_scheme=PensionScheme.LGPS)

    # competitors, so that the options' bids are scored and their win probability and best price worked out
    # (drawn from a generator of their own: every other row stays as it was before they were added)
    crng = random.Random(seed * 104_729 + 3)
    for n, share in enumerate((Decimal("0.93"), Decimal("1.0"), Decimal("1.06"))):
        out.add(Competitor, tender_id=tender.id, name=f"Synthetic rival {n + 1}",
                annual_price=_d(annual_value * share, 1000), quality_score=Decimal(crng.randint(62, 80)),
                social_value_score=Decimal(crng.randint(55, 80)))

    # ------------------------------------------------------------------ organisations
    capacity_at: dict[tuple[str, str], list[int]] = defaultdict(list)  # (line, area) -> org ids
    profiled: set[tuple[int, str]] = set()  # (org id, line) with a cost profile
    org_kind: dict[int, OrgKind] = {}
    unit_of = dict(lines)
    org_ids: list[int] = []
    used_names: dict[str, int] = {}
    kind_weights = [k[3] for k in _KINDS]
    for _n in range(organisations):
        kind, forms, descriptors, _w = rng.choices(_KINDS, weights=kind_weights)[0]
        home = rng.choice(area_names)
        name = f"{home} {rng.choice(descriptors)}"
        used_names[name] = used_names.get(name, 0) + 1
        if used_names[name] > 1:
            name = f"{name} ({used_names[name]})"
        served = rng.sample(area_names, k=min(len(area_names), rng.randint(2, 5)))
        if home not in served:
            served[0] = home
        employee_owned = kind in (OrgKind.MUTUAL, OrgKind.COOPERATIVE)
        org = out.add(
            Organisation, name=name, kind=kind, legal_form=rng.choice(forms), employee_owned=employee_owned,
            employee_ownership_pct=Decimal(rng.choice([25, 51, 75, 100])) if employee_owned else None,
            registered_charity=kind is OrgKind.CHARITY, regulators=rng.choice(["CQC", "", "CQC; Ofsted"]),
            home_area=home, areas_served="; ".join(a for a in served if a != home),
            staff_headcount=rng.randint(10, 400), notes="Synthetic organisation.",
        )
        assert org.id is not None
        org_ids.append(org.id)
        _financial_years(out, rng, org.id, incomplete=rng.random() < 0.1,
                         dividends=kind is OrgKind.SME)
        org_lines = rng.sample(lines, k=min(len(lines), rng.randint(3, 8)))
        for ln, unit in org_lines:
            for ar in served:
                out.add(Capacity, organisation_id=org.id, service_line=ln, area=ar,
                        units_per_year=Decimal(max(50, int(volume[(ln, ar)]) * rng.randint(15, 80) // 100 // 50 * 50)),
                        unit=unit, max_growth_pct=Decimal(rng.choice([0, 10, 20, 25, 30, 40, 50])),
                        lead_time_months=rng.randint(1, 9))
                capacity_at[(ln, ar)].append(org.id)
            _cost_profile(out, rng, org.id, ln, unit, kind)
            profiled.add((org.id, ln))
        org_kind[org.id] = kind

    # ------------------------------------------------------------------ options
    for n in range(options):
        structure, liability = _STRUCTURES[n % len(_STRUCTURES)]
        members_orgs = rng.sample(org_ids, k=min(len(org_ids), rng.randint(8, 20)))
        lead_org = members_orgs[0]
        option = out.add(
            ConsortiumOption, tender_id=tender.id, name=f"Option {n + 1}: {structure.label}", structure=structure,
            lead_organisation_id=None if structure is Structure.SPV else lead_org, liability=liability,
            management_fee_pct=Decimal(rng.choice([0, 2, 3, 4, 5])),
            shared_costs_per_year=_d(rng.uniform(50_000, 400_000), 1000), margin_pct=Decimal(3),
            contingency_pct=Decimal(rng.choice([0, 1, 2])), notes="Synthetic option.")
        # choose who delivers what before writing members, so shares follow the work
        in_option = set(members_orgs)
        plan: list[tuple[Requirement, list[tuple[int, Decimal]]]] = []
        work: dict[int, Decimal] = {o: Decimal(0) for o in members_orgs}
        covers_all = n % 3 == 0  # options 1, 4, 7, 10 leave no gap: their bids are priced and simulated whole
        for req in requirements:
            if rng.random() > 0.94 and not covers_all:
                continue  # a gap: nobody delivers it in this option
            able = [o for o in capacity_at.get((req.service_line, req.area), []) if o in in_option]
            if able:
                chosen = rng.sample(able, k=min(len(able), rng.choice([1, 2, 2, 3])))
            else:
                chosen = rng.sample(members_orgs, k=rng.choice([1, 2, 2]))
            for o in chosen:  # whoever delivers a line has costed it: no allocation without a cost profile
                if (o, req.service_line) not in profiled:
                    _cost_profile(out, rng, o, req.service_line, unit_of[req.service_line], org_kind[o])
                    profiled.add((o, req.service_line))
            parts = _split(int(req.annual_volume), [rng.randint(1, 10) for _ in chosen])
            split = [(o, Decimal(part)) for o, part in zip(chosen, parts, strict=True)]
            plan.append((req, split))
            for o, v in split:
                work[o] += v * price[req.service_line]
        participation = allocate(Decimal(100), [work[o] for o in members_orgs])
        profit = allocate(Decimal(100), [Decimal(rng.randint(1, 10)) for _ in members_orgs])
        member_of: dict[int, int] = {}
        for i, org_id in enumerate(members_orgs):
            if structure is Structure.LEAD_PROVIDER:
                role = MemberRole.LEAD if i == 0 else MemberRole.SUBCONTRACTOR
            elif structure is Structure.SPV:
                role = MemberRole.PARTNER
            else:
                role = MemberRole.LEAD if i == 0 else MemberRole.PARTNER
            m = out.add(Member, option_id=option.id, organisation_id=org_id, role=role,
                        participation_pct=participation[i], profit_share_pct=profit[i],
                        capital_contribution=_d(rng.uniform(0, 60_000), 500),
                        guarantee=_d(rng.uniform(50_000, 500_000), 10_000) if rng.random() < 0.4 else None)
            member_of[org_id] = m.id  # type: ignore[assignment]
        for req, split in plan:
            for org_id, v in split:
                if v > 0:
                    out.add(Allocation, option_id=option.id, requirement_id=req.id, member_id=member_of[org_id],
                            volume=v)
        # funding and one-off costs, so projections and funding run on realistic inputs
        out.add(FundingSource, option_id=option.id, name="Members' equity", kind=FundingKind.MEMBER_EQUITY,
                amount=_d(rng.uniform(100_000, 600_000), 10_000), drawdown_month=0)
        out.add(FundingSource, option_id=option.id, name="Social investment loan", kind=FundingKind.LOAN,
                amount=_d(rng.uniform(250_000, 1_500_000), 10_000), interest_rate_pct=Decimal("7.01"),
                term_months=60, capital_holiday_months=6, arrangement_fee_pct=Decimal("1.5"), drawdown_month=1)
        out.add(FundingSource, option_id=option.id, name="Bank facility", kind=FundingKind.OVERDRAFT,
                amount=_d(rng.uniform(500_000, 3_000_000), 50_000), interest_rate_pct=Decimal("9.5"))
        out.add(CapitalItem, option_id=option.id, name="Recruitment and induction", kind=CapitalKind.MOBILISATION,
                amount=_d(rng.uniform(40_000, 250_000), 1000), month=1)
        out.add(CapitalItem, option_id=option.id, name="IT and rostering system", kind=CapitalKind.CAPEX,
                amount=_d(rng.uniform(30_000, 200_000), 1000), month=2, useful_life_months=60)
    _markets(out, seed, org_ids, options=[r for r in out.rows if isinstance(r, ConsortiumOption)],
             members=[r for r in out.rows if isinstance(r, Member)])
    return [*out.rows, *shipped_scenarios()]  # as every new workspace holds them


_SEGMENT_KINDS = list(SegmentKind)


def _markets(out: _Rows, seed: int, org_ids: list[int], *, options: list[ConsortiumOption],
             members: list[Member]) -> None:
    """Every organisation's income today by market (2–4 segments) and 1–3 new markets per option, each earned
    by one of its members. Drawn from a generator of their own, so the rows before them are as they were."""
    rng = random.Random(seed * 7919 + 17)
    for org_id in org_ids:
        for k in range(rng.randint(2, 4)):
            kind = rng.choice(_SEGMENT_KINDS)
            if kind in (SegmentKind.COUNCIL, SegmentKind.OTHER_CONTRACTS, SegmentKind.GRANTS):
                out.add(MarketSegment, organisation_id=org_id, name=f"{kind.label} {k + 1}", kind=kind,
                        buyer=f"Buyer {rng.randint(1, 12)}", annual_income=_d(rng.uniform(80_000, 3_000_000), 1000),
                        annual_cost=_d(rng.uniform(70_000, 2_800_000), 1000))
            else:
                out.add(MarketSegment, organisation_id=org_id, name=f"{kind.label} {k + 1}", kind=kind,
                        buyer=kind.label, customers_at_start=Decimal(rng.randint(5, 200)),
                        new_per_month=Decimal(rng.randint(0, 8)), churn_pct=Decimal(rng.randint(1, 6)),
                        hours_per_week=Decimal(rng.randint(2, 20)), rate=_rate(rng, 2300, 3400),
                        bad_debt_pct=Decimal(rng.randint(0, 3)), cost_per_hour=_rate(rng, 1900, 2600),
                        acquisition_cost=_d(rng.uniform(50, 400), 10))
    by_option: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        by_option[m.option_id].append(m)  # type: ignore[index]
    for option in options:
        for k in range(rng.randint(1, 3)):
            kind = rng.choice([SegmentKind.SELF_FUNDERS, SegmentKind.DIRECT_PAYMENTS, SegmentKind.PHB,
                               SegmentKind.ISF])
            earner = rng.choice(by_option[option.id])  # type: ignore[index]
            out.add(MarketSegment, organisation_id=earner.organisation_id, option_id=option.id,
                    name=f"New {kind.label.lower()} {k + 1}", kind=kind, buyer=kind.label,
                    new_per_month=Decimal(rng.randint(1, 10)), churn_pct=Decimal(rng.randint(1, 4)),
                    hours_per_week=Decimal(rng.randint(3, 15)), rate=_rate(rng, 2600, 3600),
                    bad_debt_pct=Decimal(rng.randint(0, 3)), cost_per_hour=_rate(rng, 2000, 2700),
                    acquisition_cost=_d(rng.uniform(100, 400), 10))


def _financial_years(out: _Rows, rng: random.Random, org_id: int, *, incomplete: bool, dividends: bool) -> None:
    turnover = rng.uniform(300_000, 15_000_000)
    net_assets = turnover * rng.uniform(0.02, 0.3)
    for year in (2023, 2024, 2025):
        turnover *= rng.uniform(0.97, 1.08)
        margin = rng.uniform(-0.03, 0.06)
        surplus = turnover * margin
        depreciation = turnover * rng.uniform(0.005, 0.05)
        interest = turnover * rng.uniform(0, 0.01)
        tax = max(0.0, (surplus - interest) * 0.25)
        dividend = max(0.0, (surplus - interest - tax) * 0.5) if dividends else 0.0
        net_assets += surplus - interest - tax - dividend
        current_assets = turnover * rng.uniform(0.1, 0.35)
        current_liabilities = current_assets / rng.uniform(0.7, 2.2)
        total_assets = max(current_assets + turnover * rng.uniform(0.05, 0.6), net_assets + current_liabilities)
        cash = current_assets * rng.uniform(0.3, 0.8)
        values: dict[str, Decimal | None] = dict(
            turnover=_d(turnover), operating_surplus=_d(surplus), ebitda=_d(surplus + depreciation),
            depreciation=_d(depreciation), interest=_d(interest), tax=_d(tax),
            operating_cash_flow=_d((surplus + depreciation) * rng.uniform(0.6, 1.2)),
            capex=_d(turnover * rng.uniform(0.005, 0.04)), dividends=_d(dividend),
            current_assets=_d(current_assets), inventory=_d(current_assets * rng.choice([0, 0, 0.02, 0.05])),
            current_liabilities=_d(current_liabilities), total_assets=_d(total_assets),
            total_liabilities=_d(total_assets - net_assets), cash=_d(cash),
            borrowings=_d(total_assets * rng.choice([0, 0, 0.1, 0.25, 0.45])),
            free_reserves=_d(max(0.0, net_assets * rng.uniform(0.4, 0.9))), expenditure=_d(turnover - surplus),
        )
        if incomplete:
            for name in rng.sample(_OPTIONAL_FIGURES, k=rng.randint(2, 5)):
                values[name] = None
        out.add(FinancialYear, organisation_id=org_id, year_end=dt.date(year, 3, 31), **values)


def _cost_profile(out: _Rows, rng: random.Random, org_id: int, line: str, unit: str, kind: OrgKind) -> None:
    if kind is OrgKind.MUTUAL and rng.random() < 0.5:
        scheme, rate = rng.choice([(PensionScheme.NHS, Decimal("23.78")), (PensionScheme.LGPS, Decimal("19.3"))])
    else:
        scheme, rate = PensionScheme.AUTO_ENROLMENT, Decimal(3)
    profile = out.add(
        CostProfile, organisation_id=org_id, service_line=line, unit=unit,
        travel_ratio=Decimal(rng.randint(5, 30)) / 100, training_ratio=Decimal(rng.randint(2, 8)) / 100,
        pension_scheme=scheme, pension_rate_pct=rate, mileage_per_unit=Decimal(rng.randint(0, 45)) / 10,
        non_pay_per_unit=_rate(rng, 50, 550), fixed_costs_per_year=_d(rng.uniform(5_000, 200_000), 1000))
    roles = [("Support worker", 1271, 1360, Decimal(1), 1560),
             ("Senior worker", 1390, 1560, Decimal(rng.randint(5, 15)) / 100, 1950),
             ("Coordinator", 1450, 1800, Decimal(rng.randint(3, 8)) / 100, 1950)]
    for name, low, high, hours, paid in roles[: rng.randint(1, 3)]:
        out.add(Role, cost_profile_id=profile.id, name=name, hourly_rate=_rate(rng, low, high),
                hours_per_unit=hours, annual_paid_hours=Decimal(paid))


def bulk_insert(store: Store, entities: Iterable[Entity]) -> int:
    """Insert rows that already carry their ids, table by table, in one transaction.

    Uses executemany inserts (``Store.insert_rows``, which also keeps a PostgreSQL id sequence
    past the ids written); much faster than one insert a row. Returns the number of rows written.
    """
    by_cls: dict[type[Entity], list[Entity]] = defaultdict(list)
    for e in entities:
        if e.id is None:
            raise ValueError(f"bulk_insert needs ids: a {type(e).label.lower()} has none")
        by_cls[type(e)].append(e)
    ordered = [e for cls in ENTITIES for e in by_cls.get(cls, ())]  # parents first
    with store.transaction() as conn, store.operation("Generate a synthetic workspace"):
        store.insert_rows(conn, ordered)
    return len(ordered)


#: raised when the generator's rows change, so that the benchmarks' cached large workspace is written again
#: (2: the competitors)
VERSION = 2


def write_large(path: str | Path, *, seed: int = 1, organisations: int = 60, service_lines: int = 40,
                areas: int = 20, options: int = 10, overwrite: bool = False) -> Path | str:
    """Create a synthetic workspace file at ``path`` (see the module's docstring); returns the path.

    ``path`` may be the URL of an empty team database (for benchmarks on PostgreSQL)."""
    from .demo import not_in_new_workspace

    rows = not_in_new_workspace(build_large(seed=seed, organisations=organisations, service_lines=service_lines,
                                            areas=areas, options=options))
    if is_database_url(path):
        with Store.create(str(path)) as store:
            bulk_insert(store, rows)
        return str(path)
    p = Path(path)
    with building(p, overwrite=overwrite) as scratch:  # the old file stays until the new one is whole
        with Store.create(scratch) as store:
            bulk_insert(store, rows)
    return p
