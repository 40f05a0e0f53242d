"""Money between members (DOMAIN §4, §10): every month, where each pound the buyer pays ends up, the
payments between the partners with their VAT treatment and timing, and each member's cash and profit
from them.

Rules chosen:

* **The buyer's payments** are the projection's receipts (invoiced monthly in arrears, paid after the
  payment terms). Each one is split by the contract year in which its income was earned.
* **Members' parts of a contract year** (members share each service line by their cost of it in the
  build-up, as the projection shares their work; W = a member's share of the price, F its share of the
  management fee, own = its own delivery cost indexed along the line's cost):
    - lead provider, or an unincorporated consortium with a lead: the lead receives the price and pays
      each member W − F (a fee invoiced to members comes back from W instead; its VAT, where nobody
      recovers it, goes to HMRC); the lead keeps the rest. A consortium with a lead acts as agent, so
      no VAT moves with the payments.
    - SPV, LLP, secondary co-operative: the vehicle receives the price and pays each member its own
      cost; it keeps the rest (the fee, the margin, the shared back office and contingency) and later
      distributes profit by profit share.
    - alliance, or a consortium with no lead: the buyer pays each provider its W directly.
    - going alone: the lead keeps it all.
  Irrecoverable VAT on a sub-contract (``vat``'s rules, stated statuses only) is paid by the contracting
  party to the member, who pays it to HMRC: its destination is HMRC. Recoverable VAT nets to nothing
  and is only described.
* **Every month the parts add up to the buyer's payment to the penny**: each part is the payment ×
  its weight ÷ the year's price, rounded to the penny, and the contracting party keeps the remainder.
  Payments between partners are made when the buyer pays ("pay when paid", back-to-back).
* **Profit shares** (vehicles): each member's share of the vehicle's profit (after tax for an SPV or
  co-operative; before tax for a tax-transparent LLP) is paid six months [U] after the period ends
  (or in the projection's last month), and only out of profit: losses are made good first.
* **Each member's profit from the flows**, by contract year, accrues with the projection's income and
  delivery cost (so the ramp-up counts): income = the year's income × its part; own cost = the year's
  delivery cost × its own cost ÷ the whole delivery cost. A vehicle reimburses members at cost, so
  their income is their own cost and their result is their profit share. The contracting party also
  bears the shared back office and contingency. Bonds, insurance, mobilisation, financing and tax are
  outside the flows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding, Severity
from ..model import ConsortiumOption, Member, Organisation, Structure, stored_id
from ..money import ZERO, format_gbp, quantize
from ..pricing import ContractYear, PriceSchedule
from ..projection import Capital
from ..workspace import Workspace
from .charges import shares_of
from .vat import VEHICLES, VatPlan, vat_a_year, vat_plan

__all__ = ["DISTRIBUTION_LAG_MONTHS", "Distribution", "Flow", "FlowMonth", "MemberMoney", "MemberMoneyYear",
           "MoneyFlows", "findings", "money_flows"]

DISTRIBUTION_LAG_MONTHS = 6  # [U] profit shares paid after the accounts for the period are drawn up
ONE = Decimal(1)
HMRC = "HMRC"


@dataclass(frozen=True, slots=True)
class Flow:
    """One stream of money: who pays whom, its VAT treatment and timing, and how much by contract year."""

    key: str
    kind: str  # "price", "sub-contract", "management fee", "VAT", "kept", "profit share"
    payer: str
    payee: str
    member_id: int | None
    vat_treatment: str
    timing: str
    by_year: tuple[Decimal, ...]  # contract years 1…n, as paid (by the month the buyer pays)
    total: Decimal
    part: bool  # a part of the buyer's payments (the parts add up to them every month)


@dataclass(frozen=True, slots=True)
class FlowMonth:
    month: int  # 0 = first month of mobilisation
    starts: dt.date
    buyer_payment: Decimal
    parts: tuple[Decimal, ...]  # one per flow with ``part`` set, in ``MoneyFlows.flows`` order


@dataclass(frozen=True, slots=True)
class Distribution:
    member_id: int
    name: str
    period: int
    month: int
    starts: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class MemberMoneyYear:
    period: int
    label: str
    income: Decimal  # its part of the year's income (accrued)
    own_cost: Decimal  # its own delivery cost (and, for the contracting party, the shared costs)
    profit_share: Decimal  # paid by a vehicle for the period (cash, when paid)
    result: Decimal  # income − own cost + profit share


@dataclass(frozen=True, slots=True)
class MemberMoney:
    member_id: int
    name: str
    role: str
    received: Decimal  # cash from the flows over the projection (its parts and profit shares)
    income: Decimal
    own_cost: Decimal
    profit_share: Decimal
    result: Decimal
    years: tuple[MemberMoneyYear, ...]
    monthly_cash: tuple[Decimal, ...]  # per projection month


@dataclass(frozen=True, slots=True)
class MoneyFlows:
    option_id: int
    structure: Structure
    party: str  # who receives the buyer's payments
    flows: tuple[Flow, ...]
    months: tuple[FlowMonth, ...]  # every month the buyer pays
    members: tuple[MemberMoney, ...]
    distributions: tuple[Distribution, ...]
    year_labels: tuple[str, ...]
    vat_irrecoverable_year_one: Decimal
    vat_at_risk_year_one: Decimal
    vat_notes: tuple[str, ...]
    buyer_total: Decimal
    reconciles: bool  # every month's parts add up to the buyer's payment

    def flow(self, key: str) -> Flow:
        return next(f for f in self.flows if f.key == key)


def _name(ws: Workspace, m: Member) -> str:
    org = ws.get(Organisation, m.organisation_id)
    return org.name if org is not None else f"Member {m.id}"


def _weights(schedule: PriceSchedule, y: ContractYear, members: list[Member], plan: VatPlan, structure: Structure,
             lead_id: int | None) -> tuple[dict[str, Decimal], dict[int, Decimal], Decimal]:
    """One contract year's parts (flow key → weight in £ a year, the remainder being the party's), each
    member's own cost, and the year's whole delivery cost."""
    b = schedule.buildup
    base = {s.key: s for s in b.service_lines}
    fee = b.management_fee_pct / 100
    w = {stored_id(m): ZERO for m in members}
    f = dict(w)
    own = dict(w)
    by_line = shares_of(b)
    for ly in y.lines:
        sl = base.get(ly.key)
        if sl is None:
            continue
        shares = by_line[sl.key]
        grow = ly.annual_cost / sl.annual_cost if sl.annual_cost else ONE
        for ml in sl.members:
            if ml.member_id in w:
                w[ml.member_id] += shares.get(ml.member_id, ZERO) * ly.annual_price
                f[ml.member_id] += shares.get(ml.member_id, ZERO) * ly.annual_price * fee
                own[ml.member_id] += ml.annual_cost * grow
    parts: dict[str, Decimal] = {}
    for m in members:
        mid = stored_id(m)
        if structure is Structure.GO_ALONE or (lead_id is not None and mid == lead_id):
            continue
        mv = plan.member(mid)
        if structure in VEHICLES:
            parts[f"member:{mid}"] = own[mid]
            parts[f"vat:{mid}"] = own[mid] * (mv.sub_cost if mv else ZERO)
        elif lead_id is not None and structure in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM):
            fee_vat = f[mid] * mv.fee_cost if (mv and plan.fee_is_supply) else ZERO
            parts[f"member:{mid}"] = w[mid] - f[mid] - fee_vat
            parts[f"vat:{mid}"] = (w[mid] - f[mid]) * (mv.sub_cost if (mv and plan.sub_contracts) else ZERO) + fee_vat
        else:  # the buyer pays each provider
            parts[f"member:{mid}"] = w[mid]
    return parts, own, sum((ly.annual_cost for ly in y.lines), ZERO)


def money_flows(ws: Workspace, option_id: int, capital: Capital, schedule: PriceSchedule) -> MoneyFlows:
    """The option's money between members, month by month (rules in the module's docstring)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    proj = capital.projection
    s = option.structure
    members = ws.members(option_id)
    names = {m.id: _name(ws, m) for m in members}
    plan = vat_plan(ws, option)
    lead_id = plan.party_member_id
    if s in VEHICLES:
        party = "the vehicle"
    elif lead_id is not None:
        party = names[lead_id]
    elif s is Structure.GO_ALONE and members:
        party, lead_id = names[members[0].id], members[0].id
    else:
        party = "each provider"
    years = [y for y in schedule.years if not y.is_extension][:len([p for p in proj.years if 1 <= p.period
                                                                   and not p.is_extension])]
    n = len(years)
    weights = [_weights(schedule, y, members, plan, s, lead_id) for y in years]
    keys = [k for k in (weights[0][0] if weights else {})
            if k.startswith("member:") or any(w[0][k] != 0 for w in weights)]
    months: list[FlowMonth] = []
    rows = proj.months
    lag = proj.receipt_lag_months
    has_party = party != "each provider"  # else the buyer pays each provider: no one keeps a remainder
    by_year = {k: [ZERO] * n for k in keys + ["kept"]}
    for row in rows:
        if row.receipts == 0:
            continue
        earned = rows[max(0, row.month - lag)].period
        yi = min(max(earned, 1), n) - 1
        parts_w, _own, _cost = weights[yi]
        price = years[yi].annual_price
        parts = [quantize(row.receipts * parts_w[k] / price) if price else ZERO for k in keys]
        kept = row.receipts - sum(parts, ZERO)
        if not has_party and parts:  # a penny of rounding goes to the provider with the largest part
            big = max(range(len(keys)), key=lambda i: (parts_w[keys[i]], -i))
            parts[big] += kept
            kept = ZERO
        months.append(FlowMonth(row.month, row.starts, row.receipts, tuple(parts) + ((kept,) if has_party else ())))
        for k, v in zip(keys, parts, strict=True):
            by_year[k][yi] += v
        by_year["kept"][yi] += kept
    reconciles = all(sum(m.parts, ZERO) == m.buyer_payment for m in months)

    year_one = vat_a_year(plan, schedule.buildup)
    flows: list[Flow] = []
    price_by_year = tuple(sum((m.buyer_payment for m in months if _year_of(rows, m.month, lag, n) == i), ZERO)
                          for i in range(n))
    flows.append(Flow("price", "price", "the buyer", party, None, plan.price_treatment,
                      f"monthly in arrears, paid {proj.receipt_lag_months} month(s) after the month worked",
                      price_by_year, sum(price_by_year, ZERO), False))
    pay_timing = "when the buyer pays (back-to-back)"
    passes_on = s in VEHICLES or (lead_id is not None and s in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM))
    for k in keys:
        kind, mid_text = k.split(":")
        mid = int(mid_text)
        mv = plan.member(mid)
        amounts = tuple(by_year[k])
        if kind == "member":
            if s in VEHICLES:
                what, treatment = "sub-contract (paid at cost)", mv.sub_treatment if mv else ""
            elif lead_id is not None and s in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM):
                what = "sub-contract less the management fee" if s is Structure.LEAD_PROVIDER else \
                    "its share, passed on by the lead as agent, less the fee"
                treatment = (mv.sub_treatment if mv else "") + ("; fee: " + mv.fee_treatment if mv else "")
            else:
                what, treatment = "its own invoice to the buyer", "each provider's own VAT position"
            flows.append(Flow(k, what, party if passes_on else "the buyer", names[mid], mid, treatment,
                              pay_timing if passes_on else flows[0].timing, amounts, sum(amounts, ZERO), True))
        else:
            flows.append(Flow(k, "VAT", names[mid] if s not in VEHICLES else party, HMRC, mid,
                              "irrecoverable VAT on the payments between partners (stated statuses)",
                              "with the payment; the member pays it over in its VAT return", amounts,
                              sum(amounts, ZERO), True))
    kept_by_year = tuple(by_year["kept"])
    if has_party:
        flows.append(Flow("kept", "kept", party, party, lead_id, "—",
                          "as received: its own work, the fee and margin, for the shared back office and contingency"
                          if s is not Structure.GO_ALONE else "as received", kept_by_year, sum(kept_by_year, ZERO),
                          True))
    distributions = _distributions(ws, option, capital, names)
    members_money = _members(members, names, lead_id, s, proj, years, weights, months, keys, distributions)
    notes = tuple(f"{v.name}: {v.sub_treatment}" for v in year_one if v.at_risk)
    return MoneyFlows(
        option_id=option_id, structure=s, party=party, flows=tuple(flows), months=tuple(months),
        members=members_money, distributions=tuple(distributions),
        year_labels=tuple(p.label for p in proj.years if 1 <= p.period <= n),
        vat_irrecoverable_year_one=sum((v.irrecoverable for v in year_one), ZERO),
        vat_at_risk_year_one=sum((v.at_risk for v in year_one), ZERO), vat_notes=notes,
        buyer_total=sum((m.buyer_payment for m in months), ZERO), reconciles=reconciles)


def _year_of(rows, month: int, lag: int, n: int) -> int:
    return min(max(rows[max(0, month - lag)].period, 1), n) - 1


def _distributions(ws: Workspace, option: ConsortiumOption, capital: Capital, names: dict) -> list[Distribution]:
    if option.structure not in VEHICLES:
        return []
    proj = capital.projection
    last = len(proj.months) - 1
    end_of = {p.period: max(r.month for r in proj.months if r.period == p.period) for p in proj.years}
    out = []
    for mp in proj.members:
        cumulative = paid = ZERO
        for y in mp.years:
            cumulative += y.profit_before_tax
            due = max(ZERO, cumulative - paid)
            if due > 0:
                month = min(end_of[y.period] + DISTRIBUTION_LAG_MONTHS, last)
                out.append(Distribution(mp.member_id, names.get(mp.member_id, mp.organisation_name), y.period, month,
                                        proj.months[month].starts, due))
                paid += due
    return sorted(out, key=lambda d: (d.month, d.member_id))


def _members(members, names, lead_id, s, proj, years, weights, months, keys, distributions) -> tuple[MemberMoney, ...]:
    n = len(years)
    key_index = {k: i for i, k in enumerate(keys)}
    by_month = {x.month: x for x in months}
    out = []
    for m in members:
        mid = m.id
        idx = key_index.get(f"member:{mid}")
        is_party = lead_id is not None and mid == lead_id and s not in VEHICLES
        cash = []
        for row in proj.months:
            c = ZERO
            fm = by_month.get(row.month)
            if fm is not None:
                if idx is not None:
                    c += fm.parts[idx]
                    vidx = key_index.get(f"vat:{mid}")
                    if vidx is not None and s in VEHICLES:
                        c += fm.parts[vidx]  # a vehicle pays the member the VAT, which it pays over
                if is_party and len(fm.parts) > len(keys):
                    c += fm.parts[-1]
            c += sum((d.amount for d in distributions if d.member_id == mid and d.month == row.month), ZERO)
            cash.append(c)
        ys = []
        for p in proj.years:
            if not 1 <= p.period <= n:
                continue
            parts_w, own, cost = weights[p.period - 1]
            price = years[p.period - 1].annual_price
            if is_party:
                share = price - sum(parts_w.values(), ZERO)
                others = sum((own[k] for k in own if k != mid), ZERO)
                vat = sum((v for k, v in parts_w.items() if k.startswith("vat:")), ZERO)
                own_share = cost - others - vat
            else:
                share = parts_w.get(f"member:{mid}", ZERO)
                own_share = own.get(mid, ZERO)
            own_cost = quantize(p.delivery_cost * own_share / cost) if cost else ZERO
            # a vehicle reimburses its members' own costs: their income is that cost (the cash follows the
            # buyer's payments, so it arrives a little out of step with the costs in the ramp-up)
            income = own_cost if s in VEHICLES else (quantize(p.income * share / price) if price else ZERO)
            dist = sum((d.amount for d in distributions if d.member_id == mid and d.period == p.period), ZERO)
            ys.append(MemberMoneyYear(p.period, p.label, income, own_cost, dist, income - own_cost + dist))
        role = "contracting party" if is_party else m.role.label
        out.append(MemberMoney(
            member_id=mid, name=names[mid], role=role, received=sum(cash, ZERO),
            income=sum((y.income for y in ys), ZERO), own_cost=sum((y.own_cost for y in ys), ZERO),
            profit_share=sum((d.amount for d in distributions if d.member_id == mid), ZERO),
            result=sum((y.result for y in ys), ZERO), years=tuple(ys), monthly_cash=tuple(cash)))
    return tuple(out)


def findings(result: MoneyFlows) -> list[Finding]:
    """Irrecoverable VAT between partners (a warning with its amount), VAT at risk on unstated statuses
    (a warning), and a member that loses money on the flows (a warning)."""
    out: list[Finding] = []
    if result.vat_irrecoverable_year_one > 0:
        out.append(Finding("vat_between_partners",
                           f"{format_gbp(result.vat_irrecoverable_year_one)} a year of VAT on payments between the "
                           "partners cannot be recovered; it is in the cost build-up and the price.", Severity.WARNING,
                           figures=(("vat_a_year", result.vat_irrecoverable_year_one),)))
    if result.vat_at_risk_year_one > 0:
        out.append(Finding("vat_at_risk",
                           f"{format_gbp(result.vat_at_risk_year_one)} a year of VAT between the partners is at risk "
                           "where VAT statuses are not stated (" + "; ".join(result.vat_notes) + "). State each "
                           "organisation's VAT status.", Severity.WARNING,
                           figures=(("vat_at_risk", result.vat_at_risk_year_one),)))
    for m in result.members:
        if m.result < 0:
            out.append(Finding("member_loses_on_flows",
                               f"{m.name} loses {format_gbp(-m.result)} over the term on the flows between the "
                               "partners (its part of the income less its own costs).", Severity.WARNING,
                               figures=(("loss", -m.result),)))
    if not result.reconciles:  # pragma: no cover - the parts are built to add up
        out.append(Finding("flows_do_not_reconcile", "The flows do not add up to the buyer's payments.",
                           Severity.SERIOUS))
    return out
