"""The vector model's basis: the option as stored, with its exact price schedule and projection, as numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..model import (
    CapitalItem,
    CapitalKind,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    LegalForm,
    LoanRepayment,
    Organisation,
    Structure,
    Tender,
)
from ..money import ZERO, quantize
from ..partnering import charges as _charges
from ..pricing import PriceSchedule
from ..projection import Capital
from ..workspace import Workspace


@dataclass(frozen=True, slots=True)
class _Item:
    amount: float
    month: int
    life: int
    mobilisation: bool


@dataclass(frozen=True, slots=True)
class _Source:
    kind: FundingKind
    amount: float  # lent (a loan's grant part is in ``grant``)
    grant: float
    month: int
    rate_pct: float
    term: int
    holiday: int
    flat: bool
    fee: float  # arrangement fee, paid when drawn
    commitment_pct: float


@dataclass(frozen=True, slots=True)
class Basis:
    """What the vector model needs of the option as stored, taken from the exact pipeline's results."""

    option_id: int
    mob: int
    n_years: int
    lag_np: int
    lag_tax: int
    payment_terms_days: int
    ramp: int
    pay: float
    cpi: float
    price: np.ndarray  # (years,) annual price, base volume
    staff: float  # year-one payroll at base volume (Σ line cost × staff share)
    fixed: float  # year-one members' fixed and shared costs (Σ line cost × fixed fraction)
    variable: float  # year-one variable non-pay at base volume
    fee_rate: np.ndarray  # (years,) fee ÷ price
    bond_premium: float
    insurance: float
    items: tuple[_Item, ...]
    one_off: tuple[tuple[int, float], ...]  # pension admission costs: (month, amount)
    sources: tuple[_Source, ...]
    total_sources: Decimal
    buffer_months: float
    contingency_on_funding: float
    discount_rate: float
    min_dscr: Decimal
    vehicle: bool  # one taxable person on the whole profit
    llp: bool
    rates: np.ndarray  # (entities,) tax rate, a fraction
    share: np.ndarray  # (entities,) LLP profit shares (normalised)
    borne: np.ndarray  # (entities,) shares of the consortium-wide costs (normalised)
    work: np.ndarray  # (entities, years) shares of the price
    cost: np.ndarray  # (entities, years) shares of the delivery cost
    mix: np.ndarray  # (entities, 3) each member's year-one staff, fixed and variable cost at base volume
    fees: np.ndarray  # (entities, years) shares of the fee paid
    received: np.ndarray  # (entities, years) shares of the fee received
    has_debt: bool


def _norm(w: Sequence[Decimal]) -> np.ndarray:
    x = np.array([max(0.0, float(v)) for v in w])
    return x / x.sum() if x.sum() > 0 else np.full(len(x), 1.0 / max(1, len(x)))


def basis(ws: Workspace, option_id: int, capital: Capital, schedule: PriceSchedule) -> Basis:
    """The vector model's basis: the option as stored, with its exact price schedule and projection."""
    from ..projection.engine import LEAD_BEARS, VEHICLES

    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"{option.name}: the option has no tender, so there is nothing to simulate")
    proj = capital.projection
    years = [y for y in schedule.years if not y.is_extension]
    b = schedule.buildup
    lines = {s.key: s for s in b.service_lines}
    # Floats from here on, deliberately: this is the vector model's basis (numpy draws); every figure it
    # reports goes back to Decimal, quantized to the penny, and the tests hold it to the exact Decimal pipeline.
    staff = fixed = total = 0.0
    for ly in years[0].lines:
        sl = lines.get(ly.key)
        if sl is None or sl.annual_cost == 0:
            continue
        before = sl.cost_per_unit - sl.contingency_per_unit
        frac = (sl.member_fixed_per_unit + sl.shared_per_unit) / before if before > 0 else ZERO
        c = float(sl.annual_cost)
        staff += c * float(sl.staff_share)
        fixed += c * float(frac)
        total += c
    items = tuple(_Item(float(quantize(i.amount)), i.month, i.useful_life_months, i.kind is CapitalKind.MOBILISATION)
                  for i in sorted(ws.children(CapitalItem, option_id), key=lambda i: i.id or 0) if i.amount)
    sources = []
    for s in sorted(ws.children(FundingSource, option_id), key=lambda s: (s.drawdown_month, s.id or 0)):
        amount = quantize(s.amount)
        is_loan = s.kind is FundingKind.LOAN
        grant = quantize(amount * s.grant_pct / 100) if is_loan else ZERO
        lent = amount - grant
        fee = quantize(lent * s.arrangement_fee_pct / 100) if s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT) \
            else ZERO
        sources.append(_Source(s.kind, float(lent), float(grant), s.drawdown_month, float(s.interest_rate_pct),
                               s.term_months, s.capital_holiday_months, s.repayment is LoanRepayment.FLAT,
                               float(fee), float(s.commitment_fee_pct)))
    members = ws.members(option_id)
    mids = [m.id for m in members]
    orgs = {m.id: ws.get(Organisation, m.organisation_id) for m in members}
    structure = option.structure
    lead = next((m for m in members if option.lead_organisation_id is not None
                 and m.organisation_id == option.lead_organisation_id), None)
    share = _norm([m.profit_share_pct for m in members])
    if members and sum((m.profit_share_pct for m in members), ZERO) == 0:
        share = _norm([m.participation_pct for m in members])
    line_share: dict[str, dict[int | None, float]] = {}
    for sl in b.service_lines:
        costs = {ml.member_id: (float(ml.annual_cost) if ml.annual_cost > 0 else 0.0) for ml in sl.members}
        tot = sum(costs.values())
        if tot == 0:
            costs = {ml.member_id: float(ml.volume) for ml in sl.members}
            tot = sum(costs.values())
        line_share[sl.key] = {k: v / tot for k, v in costs.items()} if tot > 0 else {}

    row_of = {mid: k for k, mid in reversed(list(enumerate(mids)))}  # a member's row (the first, as list.index)

    # each line's share of its members as (row, share) pairs, for the sums below
    line_rows = {key: [(row_of[mid], sh) for mid, sh in shares.items() if mid in row_of]
                 for key, shares in line_share.items()}

    def weights(what: str) -> np.ndarray:
        out = np.zeros((len(mids), len(years)))
        for yi, y in enumerate(years):
            sums = [0.0] * len(mids)  # summed in floats, in the same order: the same doubles as in the array
            for ly in y.lines:
                amount = float(getattr(ly, what))
                for k, sh in line_rows.get(ly.key, ()):
                    sums[k] += sh * amount
            out[:, yi] = sums
            col = np.maximum(out[:, yi], 0.0)
            out[:, yi] = col / col.sum() if col.sum() > 0 else 1.0 / max(1, len(mids))
        return out

    # each member's cost split as its lines' costs are (staff, members' fixed and shared, the rest), for its
    # share of the delivery cost as drivers move pay, CPI and volume
    mix = np.zeros((len(mids), 3))
    for sl in b.service_lines:
        before = sl.cost_per_unit - sl.contingency_per_unit
        f_share = float((sl.member_fixed_per_unit + sl.shared_per_unit) / before) if before > 0 else 0.0
        s_share = float(sl.staff_share)
        for mid, sh in line_share.get(sl.key, {}).items():
            k = row_of.get(mid)
            if k is not None:
                c = sh * float(sl.annual_cost)
                mix[k] += (c * s_share, c * f_share, c * (1 - s_share - f_share))
    vehicle = structure in VEHICLES or not members
    charitable = [o is not None and (o.registered_charity or o.legal_form is LegalForm.CIO) for o in orgs.values()]
    rate = float(option.tax_rate_pct) / 100
    rates = np.array([rate]) if vehicle else np.array([0.0 if c else rate for c in charitable])
    fees = weights("annual_fee") if members else np.zeros((0, len(years)))
    received = (np.array([[1.0 if m is lead else 0.0] * len(years) for m in members]) if lead is not None else fees)
    borne = (np.array([1.0 if m is lead else 0.0 for m in members]) if (lead is not None and structure in LEAD_BEARS)
             else share)
    premium = quantize(proj.bond_amount * proj.bond_premium_pct / 100)
    return Basis(
        option_id=option_id, mob=tender.mobilisation_months, n_years=len(years),
        lag_np=proj.non_pay_lag_months, lag_tax=proj.tax_lag_months, payment_terms_days=tender.payment_terms_days,
        ramp=option.ramp_up_months, pay=float(tender.pay_indexation_pct) / 100,
        cpi=float(tender.cpi_indexation_pct) / 100,
        price=np.array([float(y.annual_price) for y in years]), staff=staff, fixed=fixed,
        variable=total - staff - fixed,
        fee_rate=np.array([float(y.annual_fee / y.annual_price) if y.annual_price else 0.0 for y in years]),
        bond_premium=float(premium), insurance=float(option.insurance_per_year),
        items=items, one_off=tuple((m, float(a)) for m, a, _ in _charges.one_off_costs(ws, option_id)),
        sources=tuple(sources), total_sources=capital.funding.total_sources,
        buffer_months=float(option.buffer_months_payroll), contingency_on_funding=float(option.contingency_on_funding_pct) / 100,
        discount_rate=float(option.discount_rate_pct) / 100, min_dscr=option.min_dscr,
        vehicle=vehicle, llp=structure is Structure.LLP and bool(members), rates=rates, share=share, borne=borne,
        work=weights("annual_price") if members else np.zeros((0, len(years))),
        cost=weights("annual_cost") if members else np.zeros((0, len(years))),
        fees=fees, received=received, mix=mix,
        has_debt=any(s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT) and (s.amount > 0) for s in sources),
    )
