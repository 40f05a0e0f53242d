"""The one pass over the months that gives the projection, its funding and its returns together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..costing import Flag
from ..finance import ONE, monthly_commitment_fee
from ..findings import Severity
from ..model import (
    CapitalItem,
    CapitalKind,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    LegalForm,
    Organisation,
    Structure,
    Tender,
    add_months,
    stored_id,
)
from ..money import HUNDRED, ZERO, allocate, quantize
from ..partnering import charges as _charges
from ..pricing import ContractYear, PriceSchedule, bid_prices
from ..rates import RateTable
from ..tasks import checkpoint
from ..workspace import Workspace
from .appraisal import Returns, _returns
from .financing import FundingResult, _funding, _prepare_sources
from .months import (
    MemberProjection,
    MemberYear,
    MonthRow,
    Projection,
    ProjectionYear,
    non_pay_lag_months,
    receipt_lag_months,
)

DEFAULT_BOND_PREMIUM_PCT = Decimal("1.5")  # [U] DOMAIN.md §2: ~1.5% of the bond a year
DEFAULT_TAX_LAG_MONTHS = 9  # [K] UK corporation tax for a small company: 9 months and a day after the year end
VEHICLES = frozenset({Structure.SPV, Structure.SECONDARY_COOP})
LEAD_BEARS = frozenset({Structure.GO_ALONE, Structure.LEAD_PROVIDER})


@dataclass(frozen=True, slots=True)
class Capital:
    """The three results computed together (they share one pass over the months)."""

    projection: Projection
    funding: FundingResult
    returns: Returns


def _is_charitable(org: Organisation | None) -> bool:
    return org is not None and (org.registered_charity or org.legal_form is LegalForm.CIO)


def _weights(values: Sequence[Decimal]) -> list[Decimal]:
    """Non-negative weights for ``allocate`` (negatives count as zero; all zero: equal)."""
    w = [v if v > 0 else ZERO for v in values]
    return w if sum(w, ZERO) > 0 else [ONE] * len(values)


def _split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    return allocate(amount, list(weights)) if weights else []


class _LossPool:
    """Tax on a run of period profits with losses carried forward."""

    __slots__ = ("losses", "rate")

    def __init__(self, rate_pct: Decimal):
        self.rate = rate_pct / HUNDRED
        self.losses = ZERO

    def tax(self, profit: Decimal) -> Decimal:
        if profit <= 0:
            self.losses -= profit
            return ZERO
        used = min(self.losses, profit)
        self.losses -= used
        return quantize((profit - used) * self.rate)


def capital(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
            schedule: PriceSchedule | None = None, bond_premium_pct: Decimal = DEFAULT_BOND_PREMIUM_PCT,
            tax_lag_months: int = DEFAULT_TAX_LAG_MONTHS) -> Capital:
    """Projection, funding and returns of an option in one pass (see the package's docstring).

    ``schedule``: a price schedule already computed for the option (it must include the
    extensions if ``include_extensions``); otherwise one is computed from ``rates``.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise KeyError(f"no consortium option {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"{option.name}: the option has no tender, so there is nothing to project")
    if schedule is None or schedule.option_id != option_id or (include_extensions and not schedule.include_extensions
                                                               and tender.extension_years > 0):
        schedule = bid_prices(ws, option_id, rates, include_extensions=include_extensions,
                              abnormal_threshold_pct=tender.abnormal_threshold_pct)
    years = [y for y in schedule.years if include_extensions or not y.is_extension]
    if not years:
        raise ValueError(f"{option.name}: the price schedule has no contract years")
    flags: list[Flag] = []
    b = schedule.buildup
    zero = ZERO

    # ------------------------------------------------------------------ timeline
    mob = tender.mobilisation_months
    service_start = years[0].starts or b.priced_on
    mob_start = add_months(service_start, -mob)
    n_years = len(years)
    last_service = mob + 12 * n_years - 1
    lag_r = receipt_lag_months(tender.payment_terms_days)
    lag_np = non_pay_lag_months(option.non_pay_payment_days)
    lag_tax = max(0, tax_lag_months)
    items = sorted(ws.children(CapitalItem, option_id), key=lambda i: i.id or 0)
    sources = sorted(ws.children(FundingSource, option_id), key=lambda s: (s.drawdown_month, s.id or 0))
    last = max([last_service + lag_r, last_service + lag_np, last_service + lag_tax]
               + [i.month for i in items] + [s.drawdown_month for s in sources])
    n = last + 1
    has_runoff = last > last_service

    def period_of(t: int) -> int:
        if t < mob:
            return 0
        if t <= last_service:
            return (t - mob) // 12 + 1
        return n_years + 1

    period_of_month = [period_of(t) for t in range(n)]
    period_start: dict[int, int] = {}
    period_end: dict[int, int] = {}
    for t, p in enumerate(period_of_month):  # the periods follow one another, so each is a run of months
        period_start.setdefault(p, t)
        period_end[p] = t
    period_ids = sorted(period_start)
    starts = [add_months(mob_start, t) for t in range(n + 1)]

    # ------------------------------------------------------------------ income and costs
    pay = tender.pay_indexation_pct / HUNDRED
    cpi = tender.cpi_indexation_pct / HUNDRED
    lines = {s.key: s for s in b.service_lines}
    z = [zero] * n
    income, payroll, fixed_np, var_np = list(z), list(z), list(z), list(z)
    volume = [zero] * n
    ramp = option.ramp_up_months
    year_payroll: list[Decimal] = []
    for yi, y in enumerate(years):
        checkpoint()
        g_pay, g_cpi = (ONE + pay) ** yi, (ONE + cpi) ** yi
        pr = fx = zero
        for ly in y.lines:
            sl = lines.get(ly.key)
            if sl is None or sl.annual_cost == 0:
                continue
            before = sl.cost_per_unit - sl.contingency_per_unit
            fixed_frac = (sl.member_fixed_per_unit + sl.shared_per_unit) / before if before > 0 else zero
            pr += quantize(sl.annual_cost * sl.staff_share * g_pay)
            fx += quantize(sl.annual_cost * fixed_frac * g_cpi)
        var = y.annual_cost - pr - fx
        year_payroll.append(pr)
        twelfths = [allocate(v, [ONE] * 12) for v in (y.annual_price, pr, fx, var)]
        for k in range(12):
            t = mob + 12 * yi + k
            sk = 12 * yi + k
            f = Decimal(sk + 1) / Decimal(ramp + 1) if sk < ramp else ONE
            volume[t] = f
            income[t] = quantize(twelfths[0][k] * f)
            payroll[t] = quantize(twelfths[1][k] * f)
            fixed_np[t] = twelfths[2][k]
            var_np[t] = quantize(twelfths[3][k] * f)
    non_pay = [a + c for a, c in zip(fixed_np, var_np, strict=True)]

    receipts, non_pay_paid = list(z), list(z)
    for t in range(n):
        if income[t]:
            receipts[t + lag_r] += income[t]
        if non_pay[t]:
            non_pay_paid[t + lag_np] += non_pay[t]

    bond_amount = quantize(tender.bond_pct / HUNDRED * tender.annual_value)
    premium = quantize(bond_amount * bond_premium_pct / HUNDRED)
    bond, bond_paid, insurance = list(z), list(z), list(z)
    for yi in range(n_years):
        first = mob + 12 * yi
        if premium:
            bond_paid[first] = premium
            for k, part in enumerate(allocate(premium, [ONE] * 12)):
                bond[first + k] = part
        ins = quantize(option.insurance_per_year * (ONE + cpi) ** yi)
        if ins:
            for k, part in enumerate(allocate(ins, [ONE] * 12)):
                insurance[first + k] = part

    mobilisation, capex, depreciation = list(z), list(z), list(z)
    written_off = False
    for item in items:
        amount = quantize(item.amount)
        if amount == 0:
            continue
        if item.month > last_service:
            flags.append(Flag("item_after_service", f"{item.name}: month {item.month} is after the service ends.",
                              Severity.INFO))
        if item.kind is CapitalKind.MOBILISATION:
            mobilisation[item.month] += amount
            continue
        capex[item.month] += amount
        use = max(item.month, mob)
        life = item.useful_life_months
        if life <= 0 or use > last_service:
            depreciation[use] += amount
            continue
        parts = allocate(amount, [ONE] * life)
        for k, part in enumerate(parts):
            t = use + k
            if t > last_service:
                depreciation[last_service] += sum(parts[k:], zero)
                written_off = True
                break
            depreciation[t] += part
    for month, amount, label in _charges.one_off_costs(ws, option_id):  # stated pension arrangements only
        mobilisation[month] += amount
        flags.append(Flag("pension_admission", f"{label}: £{amount:,} of actuarial and legal costs in the first "
                                               "month of mobilisation.", Severity.INFO))
    if written_off:
        flags.append(Flag("asset_written_off", "Some equipment outlives the contract: what is left of its value "
                                               "is written off in the last month of service.", Severity.INFO))

    # ------------------------------------------------------------------ members and tax
    members = ws.members(option_id)
    mids = [m.id for m in members]
    orgs = {m.id: ws.get(Organisation, m.organisation_id) for m in members}
    structure = option.structure
    lead = next((m for m in members if option.lead_organisation_id is not None
                 and m.organisation_id == option.lead_organisation_id), None)
    share_w = _weights([m.profit_share_pct for m in members])
    if members and sum((m.profit_share_pct for m in members), zero) == 0:
        share_w = _weights([m.participation_pct for m in members])
    # each member's share of every service line, by its cost of the line in the build-up
    line_share: dict[str, dict[int, Decimal]] = {}
    for sl in b.service_lines:
        costs = {ml.member_id: (ml.annual_cost if ml.annual_cost > 0 else zero) for ml in sl.members}
        tot = sum(costs.values(), zero)
        if tot == 0:
            costs = {ml.member_id: ml.volume for ml in sl.members}
            tot = sum(costs.values(), zero)
        line_share[sl.key] = {k: v / tot for k, v in costs.items()} if tot > 0 else {}

    weights_of: dict[tuple[int, str], list[Decimal]] = {}  # a contract year's, asked for by each of its periods

    def year_weights(y: ContractYear, what: str) -> list[Decimal]:
        """Each member's weight in the year's ``what`` (its share of each line times the line's figure), the
        year's price, cost and fee weights in one pass over its lines (each sum in the lines' order)."""
        done = weights_of.get((y.number, what))
        if done is not None:
            return done
        price, cost, fee = ({mid: zero for mid in mids} for _ in range(3))
        for ly in y.lines:
            line_price, line_cost, line_fee = ly.annual_price, ly.annual_cost, ly.annual_fee
            for mid, sh in line_share.get(ly.key, {}).items():
                if mid in price:
                    price[mid] += sh * line_price
                    cost[mid] += sh * line_cost
                    fee[mid] += sh * line_fee
        for name, w in (("annual_price", price), ("annual_cost", cost), ("annual_fee", fee)):
            weights_of[(y.number, name)] = [w[mid] for mid in mids]
        return weights_of[(y.number, what)]

    if structure in VEHICLES or not members:
        entity_rates = [option.tax_rate_pct]
        tax_basis = (f"The vehicle pays {option.tax_rate_pct}% on its profit; members share its profit after tax."
                     if members else f"{option.tax_rate_pct}% on the profit.")
    else:
        entity_rates = [zero if _is_charitable(orgs[m.id]) else option.tax_rate_pct for m in members]
        if structure is Structure.LLP:
            tax_basis = ("The LLP is tax transparent: each member pays on its profit share (charities and CIOs "
                         f"nothing, others {option.tax_rate_pct}%).")
            flags.append(Flag("tax_transparent", "An LLP pays no tax itself: its members pay on their shares.",
                              Severity.INFO))
        else:
            tax_basis = (f"Each member pays on its own profit: charities and CIOs nothing, others "
                         f"{option.tax_rate_pct}%.")
    borne_w = [ONE if m is lead else zero for m in members] if (lead is not None and structure in LEAD_BEARS) \
        else share_w

    # per period sums of the accruals
    def psum(arr: list[Decimal]) -> dict[int, Decimal]:
        out = dict.fromkeys(period_ids, zero)
        for t in range(n):
            if arr[t]:
                out[period_of_month[t]] += arr[t]
        return out

    p_income, p_payroll, p_non_pay = psum(income), psum(payroll), psum(non_pay)
    p_bond, p_ins, p_mob, p_dep, p_capex = psum(bond), psum(insurance), psum(mobilisation), psum(depreciation), \
        psum(capex)
    p_ebitda = {p: p_income[p] - p_payroll[p] - p_non_pay[p] - p_bond[p] - p_ins[p] - p_mob[p] for p in period_ids}
    p_ebit = {p: p_ebitda[p] - p_dep[p] for p in period_ids}

    def contract_year(p: int) -> ContractYear:
        return years[min(max(p, 1), n_years) - 1]

    p_fee: dict[int, Decimal] = {}
    m_work: dict[int, list[Decimal]] = {}
    m_cost: dict[int, list[Decimal]] = {}
    m_trading: dict[int, list[Decimal]] = {}
    for p in period_ids:
        checkpoint()
        y = contract_year(p)
        fee = quantize(p_income[p] * y.annual_fee / y.annual_price) if y.annual_price else zero
        p_fee[p] = fee
        if not members:
            continue
        work = _split(p_income[p], _weights(year_weights(y, "annual_price")))
        cost = _split(p_payroll[p] + p_non_pay[p], _weights(year_weights(y, "annual_cost")))
        fees = _split(fee, _weights(year_weights(y, "annual_fee")))
        m_work[p], m_cost[p] = work, cost
        if lead is not None:
            received = [fee if m is lead else zero for m in members]
        else:
            received = fees
        m_trading[p] = [w - c - f + r for w, c, f, r in zip(work, cost, fees, received, strict=True)]

    def entity_profits(p: int, pbt: Decimal, items_cost: Decimal) -> list[Decimal]:
        if structure in VEHICLES or not members:
            return [pbt]
        if structure is Structure.LLP:
            return _split(pbt, share_w)
        borne = _split(items_cost, borne_w)
        return [tr - bo for tr, bo in zip(m_trading[p], borne, strict=True)]

    # tax on the operating profit (the unfunded basis, for cash before funding and returns)
    op_pools = [_LossPool(r) for r in entity_rates]
    operating_tax_paid = list(z)
    for p in period_ids:
        items_cost = p_bond[p] + p_ins[p] + p_mob[p] + p_dep[p]
        profits = entity_profits(p, p_ebit[p], items_cost)
        tax = sum((pool.tax(x) for pool, x in zip(op_pools, profits, strict=True)), zero)
        operating_tax_paid[min(period_end[p] + lag_tax, last)] += tax

    cash_before = [receipts[t] - payroll[t] - non_pay_paid[t] - bond_paid[t] - insurance[t] - mobilisation[t]
                   - capex[t] - operating_tax_paid[t] for t in range(n)]

    # ------------------------------------------------------------------ funding sources
    member_by_id = {m.id: m for m in members}
    money_in = _prepare_sources(sources, member_by_id, n, last, starts, flags)
    srcs = money_in.sources
    equity_in, grants_in, loans_in, fees_paid = money_in.equity, money_in.grants, money_in.loans, money_in.fees
    loan_interest, loan_principal, loan_balance = money_in.interest, money_in.principal, money_in.balance
    overdrafts = [s for s in srcs if s.row.kind is FundingKind.OVERDRAFT and s.row.amount > 0]

    # ------------------------------------------------------------------ the month-by-month pass
    fund_pools = [_LossPool(r) for r in entity_rates]
    tax_paid = list(z)
    p_interest = dict.fromkeys(period_ids, zero)
    p_fees, p_grants = psum(fees_paid), psum(grants_in)
    p_tax = dict.fromkeys(period_ids, zero)
    p_entity_pbt: dict[int, list[Decimal]] = {}
    p_entity_tax: dict[int, list[Decimal]] = {}
    rows: list[MonthRow] = []
    balance = zero
    cumulative = zero
    for t in range(n):
        if not t % 12:
            checkpoint()
        p = period_of_month[t]
        od_interest = od_fees = zero
        for s in overdrafts:
            if s.drawn > 0:
                i = quantize(s.drawn * s.monthly_rate)
                s.interest += i
                od_interest += i
            if t >= s.row.drawdown_month and s.row.commitment_fee_pct:
                c = monthly_commitment_fee(quantize(s.row.amount) - s.drawn, s.row.commitment_fee_pct)
                s.commitment += c
                od_fees += c
        p_interest[p] += loan_interest[t] + od_interest
        p_fees[p] += od_fees
        if t == period_end[p]:  # the period's P&L is complete: charge its tax
            pbt = p_ebit[p] + p_grants[p] - p_interest[p] - p_fees[p]
            items_cost = p_bond[p] + p_ins[p] + p_mob[p] + p_dep[p] + p_interest[p] + p_fees[p] - p_grants[p]
            profits = entity_profits(p, pbt, items_cost)
            taxes = [pool.tax(x) for pool, x in zip(fund_pools, profits, strict=True)]
            p_entity_pbt[p], p_entity_tax[p] = profits, taxes
            p_tax[p] = sum(taxes, zero)
            tax_paid[min(t + lag_tax, last)] += p_tax[p]
        cumulative += cash_before[t]
        rec = receipts[t] + equity_in[t] + grants_in[t] + loans_in[t]
        pay_out = (payroll[t] + non_pay_paid[t] + bond_paid[t] + insurance[t] + mobilisation[t] + capex[t]
                   + tax_paid[t] + loan_interest[t] + od_interest + fees_paid[t] + od_fees + loan_principal[t])
        provisional = balance + rec - pay_out
        drawn = repaid = zero
        if provisional < 0:
            for s in overdrafts:
                if t >= s.row.drawdown_month and provisional + drawn < 0:
                    x = min(-(provisional + drawn), quantize(s.row.amount) - s.drawn)
                    if x > 0:
                        s.drawn += x
                        drawn += x
        elif provisional > 0:
            for s in overdrafts:
                if s.drawn > 0 and provisional - repaid > 0:
                    x = min(provisional - repaid, s.drawn)
                    s.drawn -= x
                    s.repaid += x
                    repaid += x
        for s in overdrafts:
            s.peak = max(s.peak, s.drawn)
        closing = provisional + drawn - repaid
        rows.append(MonthRow(
            month=t, starts=starts[t], period=p,
            phase="mobilisation" if t < mob else ("service" if t <= last_service else "run-off"),
            volume_pct=volume[t] * HUNDRED if mob <= t <= last_service else zero,
            income=income[t], payroll=payroll[t], non_pay=non_pay[t], bond=bond[t], insurance=insurance[t],
            mobilisation=mobilisation[t], depreciation=depreciation[t],
            receipts=receipts[t], payroll_paid=payroll[t], non_pay_paid=non_pay_paid[t], bond_paid=bond_paid[t],
            insurance_paid=insurance[t], mobilisation_paid=mobilisation[t], capex_paid=capex[t],
            operating_tax_paid=operating_tax_paid[t], cash_before_funding=cash_before[t],
            cumulative_before_funding=cumulative,
            equity_in=equity_in[t], grants_in=grants_in[t], loans_in=loans_in[t], overdraft_drawn=drawn,
            interest_paid=loan_interest[t] + od_interest, arrangement_fees_paid=fees_paid[t] + od_fees,
            loan_repaid=loan_principal[t], overdraft_repaid=repaid, tax_paid=tax_paid[t],
            opening_balance=balance, total_receipts=rec + drawn, total_payments=pay_out + repaid,
            closing_balance=closing, overdraft_balance=sum((s.drawn for s in overdrafts), zero),
            loan_balance=loan_balance[t],
        ))
        balance = closing

    # ------------------------------------------------------------------ periods
    p_cash = psum(cash_before)
    pyears: list[ProjectionYear] = []
    p_retained: dict[int, Decimal] = {}
    member_rows: dict[int | None, list[MemberYear]] = {mid: [] for mid in mids}
    retained_w = max(zero, HUNDRED - sum((m.profit_share_pct for m in members), zero))
    for p in period_ids:
        pbt = p_ebit[p] + p_grants[p] - p_interest[p] - p_fees[p]
        pat = pbt - p_tax[p]
        retained = zero
        if members:
            work = m_work[p]
            cost = m_cost[p]
            if structure in VEHICLES:
                parts = _split(pat, [m.profit_share_pct for m in members] + [retained_w])
                retained = parts[-1]
                for m, w, c, x in zip(members, work, cost, parts[:-1], strict=True):
                    member_rows[m.id].append(MemberYear(p, w, c, x, zero, x))
            else:
                for m, w, c, x, tx in zip(members, work, cost, p_entity_pbt[p], p_entity_tax[p], strict=True):
                    member_rows[m.id].append(MemberYear(p, w, c, x, tx, x - tx))
        p_retained[p] = retained
        first, end = period_start[p], period_end[p]
        y = contract_year(p)
        label = "Mobilisation" if p == 0 else ("Run-off" if (has_runoff and p == n_years + 1)
                                              else f"Year {p}" + (" (extension)" if y.is_extension else ""))
        pyears.append(ProjectionYear(
            period=p, label=label, starts=starts[first], ends=starts[end + 1] - dt.timedelta(days=1),
            months=end - first + 1, is_extension=1 <= p <= n_years and y.is_extension,
            income=p_income[p], payroll=p_payroll[p], non_pay=p_non_pay[p],
            delivery_cost=p_payroll[p] + p_non_pay[p], management_fee=p_fee[p], bond=p_bond[p], insurance=p_ins[p],
            mobilisation=p_mob[p], ebitda=p_ebitda[p], depreciation=p_dep[p], ebit=p_ebit[p],
            grant_income=p_grants[p], interest=p_interest[p], arrangement_fees=p_fees[p], profit_before_tax=pbt,
            tax=p_tax[p], profit_after_tax=pat, retained_by_vehicle=retained, capex=p_capex[p],
            cash_before_funding=p_cash[p], closing_balance=rows[end].closing_balance,
        ))
    mprojs = []
    for m in members:
        ys = tuple(member_rows[m.id])
        org = orgs[m.id]
        mprojs.append(MemberProjection(
            member_id=stored_id(m), organisation_id=m.organisation_id,
            organisation_name=org.name if org else f"Member {m.id}", role=m.role.label,
            profit_share_pct=m.profit_share_pct,
            tax_rate_pct=zero if (structure in VEHICLES or _is_charitable(org)) else option.tax_rate_pct,
            years=ys, work_value=sum((x.work_value for x in ys), zero),
            profit_before_tax=sum((x.profit_before_tax for x in ys), zero), tax=sum((x.tax for x in ys), zero),
            profit_after_tax=sum((x.profit_after_tax for x in ys), zero)))

    service_end = add_months(service_start, 12 * n_years) - dt.timedelta(days=1)
    proj = Projection(
        option_id=option_id, tender_id=option.tender_id, structure=structure, include_extensions=include_extensions,
        mobilisation_start=mob_start, service_start=service_start, service_end=service_end,
        projection_end=starts[n] - dt.timedelta(days=1), mobilisation_months=mob, ramp_up_months=ramp,
        receipt_lag_months=lag_r, non_pay_lag_months=lag_np, tax_lag_months=lag_tax, bond_amount=bond_amount,
        bond_premium_pct=bond_premium_pct, tax_basis=tax_basis, months=tuple(rows), years=tuple(pyears),
        members=tuple(mprojs),
        total_income=sum((y.income for y in pyears), zero), total_ebitda=sum((y.ebitda for y in pyears), zero),
        total_profit_before_tax=sum((y.profit_before_tax for y in pyears), zero),
        total_tax=sum((y.tax for y in pyears), zero),
        total_profit_after_tax=sum((y.profit_after_tax for y in pyears), zero),
        closing_balance=balance, flags=tuple(flags),
    )
    fund = _funding(option, proj, srcs, member_by_id, orgs, year_payroll[0], starts)
    ret = _returns(option, proj, cash_before, income, payroll, var_np, fixed_np, mobilisation, depreciation, bond,
                   insurance, starts)
    return Capital(proj, fund, ret)


def projection(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
               schedule: PriceSchedule | None = None) -> Projection:
    """The monthly projection: months, P&L by period, members (see the package's docstring)."""
    return capital(ws, option_id, rates, include_extensions=include_extensions, schedule=schedule).projection


def funding(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
            schedule: PriceSchedule | None = None) -> FundingResult:
    """Funding requirement, sources, loan schedules, debt service cover and the lowest cash balance."""
    return capital(ws, option_id, rates, include_extensions=include_extensions, schedule=schedule).funding


def returns(ws: Workspace, option_id: int, rates: RateTable, *, include_extensions: bool = False,
            schedule: PriceSchedule | None = None) -> Returns:
    """NPV, IRR, payback (plain and discounted) and break-even of the project before funding."""
    return capital(ws, option_id, rates, include_extensions=include_extensions, schedule=schedule).returns
