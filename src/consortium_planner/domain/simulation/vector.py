"""The vector model: the monthly projection redone in numpy arrays, one element a draw (see the package's
docstring)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ..model import (
    FundingKind,
)
from ..projection.months import DAYS_PER_MONTH
from ..tasks import checkpoint
from .basis import Basis, _Source

# --------------------------------------------------------------------------- the vector model


@dataclass(frozen=True, slots=True)
class VectorFigures:
    """The vector model's figures, one element per draw (floats: the simulation's inside)."""

    npv: np.ndarray
    requirement: np.ndarray
    min_dscr: np.ndarray  # NaN where no tested period has debt service
    lowest_cash: np.ndarray  # lowest cumulative cash before funding


def _q(x: np.ndarray) -> np.ndarray:
    return x.round(2)  # what np.round does with an array, without its wrapper (the month loops call this often)


def _tax(profit: np.ndarray, losses: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """Tax on ``profit`` with ``losses`` carried forward (``losses`` updated in place); each taxable person a row
    of ``profit``, ``losses`` and ``rate`` when there are several."""
    loss_now = profit <= 0
    used = np.minimum(losses, np.maximum(profit, 0.0))
    taxable = np.where(loss_now, 0.0, profit - used)
    losses += np.where(loss_now, -profit, -used)
    return _q(taxable * rate)


def project(b: Basis, d: Mapping[str, np.ndarray]) -> VectorFigures:
    """Project every draw of ``d`` (arrays of driver values, one element a draw; see the module's docstring)."""
    n_draws = len(d["volume_pct"])
    rows = np.arange(n_draws)
    vol = 1 + d["volume_pct"] / 100
    over = 1 + d["cost_overrun_pct"] / 100
    ramp = np.maximum(0, b.ramp + d["ramp_up_months"]).astype(int)
    gp = 1 + b.pay + d["pay_uplift_pp"] / 100
    gc = 1 + b.cpi + d["cpi_pp"] / 100
    days = np.maximum(0, b.payment_terms_days + d["payment_delay_days"])
    lag_r = 1 + np.ceil(days / DAYS_PER_MONTH).astype(int)
    m = np.maximum(0, d["mobilisation_overrun_months"]).astype(int)
    term = d["termination_after_year"].astype(int)
    n_years = np.where((term >= 1) & (term < b.n_years), term, b.n_years)  # extensions are not projected
    mob = b.mob + m
    last_service = mob + 12 * n_years - 1

    # items and drawdowns due from service start move with an overrun
    def moved(month: int) -> np.ndarray:
        return month + np.where(month >= b.mob, m, 0)

    item_months = [moved(i.month) for i in b.items]
    src_months = [moved(s.month) for s in b.sources]
    last = np.maximum.reduce([last_service + lag_r, last_service + b.lag_np, last_service + b.lag_tax,
                              *item_months, *src_months])
    T = int(last.max()) + 1
    t = np.arange(T)[None, :]
    live = t <= last[:, None]

    # ------------------------------------------------------------------ accruals by month (D, T)
    # each draw's pay and CPI growth to each contract year, raised once (the months pick theirs out)
    gp_y, gc_y = gp[:, None] ** np.arange(b.n_years), gc[:, None] ** np.arange(b.n_years)

    def accruals(tt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        k = tt - mob[:, None]
        serving = (k >= 0) & (k < 12 * n_years[:, None])
        yi = np.clip(k // 12, 0, b.n_years - 1)
        f = np.where(k < ramp[:, None], (k + 1) / (ramp[:, None] + 1), 1.0)
        f = np.where(serving, f, 0.0)
        on = serving.astype(float)
        income = b.price[yi] / 12 * vol[:, None] * f
        payroll = b.staff * np.take_along_axis(gp_y, yi, axis=1) / 12 * vol[:, None] * over[:, None] * f
        gcy = np.take_along_axis(gc_y, yi, axis=1)
        fixed = b.fixed * gcy / 12 * over[:, None] * on
        variable = b.variable * gcy / 12 * vol[:, None] * over[:, None] * f
        return income, payroll, fixed + variable, yi

    income, payroll, non_pay, yi = accruals(np.broadcast_to(t, (n_draws, T)))
    checkpoint()  # between blocks of array work: a chunk's projection is tens of milliseconds
    income_lagged = accruals(t - lag_r[:, None])[0]
    checkpoint()
    receipts = np.where(t - lag_r[:, None] >= 0, income_lagged, 0.0)
    non_pay_paid = np.zeros_like(non_pay)
    if b.lag_np < T:
        non_pay_paid[:, b.lag_np:] = non_pay[:, :T - b.lag_np]
    k = t - mob[:, None]
    serving = (k >= 0) & (k < 12 * n_years[:, None])
    bond = np.where(serving, b.bond_premium / 12, 0.0)
    bond_paid = np.where(serving & (k % 12 == 0), b.bond_premium, 0.0)
    insurance = np.where(serving, _q(b.insurance * np.take_along_axis(gc_y, yi, axis=1)) / 12, 0.0)

    mobilisation = np.zeros((n_draws, T))
    capex = np.zeros((n_draws, T))
    depreciation = np.zeros((n_draws, T))
    mob_total = np.zeros(n_draws)
    for item, month in zip(b.items, item_months, strict=True):
        amount = _q(item.amount * over)
        if item.mobilisation:
            mobilisation[rows, month] += amount
            mob_total += amount
            continue
        capex[rows, month] += amount
        use = np.maximum(month, mob)
        if item.life <= 0:
            depreciation[rows, use] += amount
            continue
        after = use > last_service
        inside = (t >= use[:, None]) & (t < use[:, None] + item.life) & (t <= last_service[:, None]) \
            & ~after[:, None]
        depreciation += np.where(inside, amount[:, None] / item.life, 0.0)
        counted = inside.sum(axis=1)
        rest = np.where(after, amount, amount - amount / item.life * counted)
        at = np.where(after, use, last_service)
        depreciation[rows, at] += np.where(after | (counted < item.life), rest, 0.0)
    if b.mob > 0:
        extra = _q(mob_total * m / b.mob)
        for j in range(int(m.max(initial=0))):
            has = j < m
            mobilisation[rows[has], b.mob + j] += extra[has] / m[has]
    for at_month, one_off in b.one_off:
        mobilisation[:, at_month] += one_off

    # ------------------------------------------------------------------ periods
    period = np.where(t < mob[:, None], 0, np.where(t <= last_service[:, None], (t - mob[:, None]) // 12 + 1,
                                                    n_years[:, None] + 1))
    period = np.where(live, period, -1)
    n_periods = b.n_years + 2
    # each (draw, month)'s bin for the sums by period: bin 0 of a draw takes the months after its projection
    bins = (rows[:, None] * (n_periods + 1) + period + 1).ravel()
    n_bins = n_draws * (n_periods + 1)

    def psum(x: np.ndarray) -> np.ndarray:
        """(D, T) → (D, periods): each draw's months summed by period."""
        return np.bincount(bins, weights=x.ravel(), minlength=n_bins).reshape(n_draws, n_periods + 1)[:, 1:]

    # a draw's periods are runs of months one after another, so a period ends at the months counted up to it
    months_in = np.bincount(bins, minlength=n_bins).reshape(n_draws, n_periods + 1)[:, 1:]
    ends = np.where(months_in > 0, np.cumsum(months_in, axis=1) - 1, -1)

    p_income = psum(income)
    p_delivery = psum(payroll + non_pay)
    p_items = psum(bond + insurance + mobilisation + depreciation)
    ebitda_m = income - payroll - non_pay - bond - insurance - mobilisation
    p_ebit = psum(ebitda_m - depreciation)
    cy = np.clip(np.arange(n_periods)[None, :], 1, n_years[:, None]) - 1  # the contract year of each period
    p_fee = _q(p_income * b.fee_rate[cy])

    # each member's share of the delivery cost in each period's contract year, as the drivers move its mix
    if b.vehicle or b.llp or not len(b.mix):
        cost_weights = np.zeros((0, n_draws, n_periods))
    else:
        g_pay, g_cpi = gp[:, None] ** cy, gc[:, None] ** cy
        raw = np.stack([(b.mix[e, 0] * g_pay + b.mix[e, 2] * g_cpi) * vol[:, None] + b.mix[e, 1] * g_cpi
                        for e in range(len(b.mix))])
        raw = np.maximum(raw, 0.0)
        total = raw.sum(axis=0)
        cost_weights = np.where(total > 0, raw / np.where(total > 0, total, 1.0), 1.0 / len(b.mix))

    def entity_profits(p: int, pbt: np.ndarray, items_cost: np.ndarray) -> np.ndarray:
        """Each taxable person's profit in period ``p``, a person a row."""
        if b.vehicle:
            return pbt[None, :]
        if b.llp:
            return b.share[:, None] * pbt
        # every member at once, a member a row: the same products and sums, element by element, as one member
        # at a time (the loop this replaced was a fifth of the sensitivity estimate on the large workspace)
        c = cy[:, p]
        trading = (b.work[:, c] * p_income[:, p] - cost_weights[:, :, p] * p_delivery[:, p]
                   - b.fees[:, c] * p_fee[:, p] + b.received[:, c] * p_fee[:, p])
        return trading - b.borne[:, None] * items_cost

    op_tax = np.zeros((n_draws, T))
    rates = np.array([[float(r)] for r in b.rates])  # a taxable person a row, as ``pools`` and the profits
    pools = np.zeros((len(b.rates), n_draws))
    for p in range(n_periods):
        checkpoint()
        exists = ends[:, p] >= 0
        profits = entity_profits(p, p_ebit[:, p], p_items[:, p])
        tax = _tax(np.where(exists, profits, 0.0), pools, rates).sum(axis=0)
        op_tax[rows[exists], np.minimum(ends[exists, p] + b.lag_tax, last[exists])] += tax[exists]

    op_cash = receipts - payroll - non_pay_paid - bond_paid - insurance - mobilisation
    cash_before = np.where(live, op_cash - capex - op_tax, 0.0)
    cumulative = np.cumsum(cash_before, axis=1)
    cumulative = np.where(live, cumulative, np.inf)
    low_month = np.argmin(cumulative, axis=1)
    lowest = cumulative[rows, low_month]
    peak = np.maximum(0.0, -lowest)
    buffer = _q(_q(b.staff * vol * over / 12) * b.buffer_months)
    requirement = peak + buffer + _q((peak + buffer) * b.contingency_on_funding)
    v = (1 + b.discount_rate) ** (-np.arange(T) / 12)
    npv = cash_before @ v

    min_dscr = np.full(n_draws, np.nan)
    checkpoint()
    if b.has_debt:
        peak_month = np.where(peak > 0, low_month, -1)
        min_dscr = _cover(b, d, rows, t, T, last, live, period, ends, n_periods, src_months, p_ebit, p_items,
                          entity_profits, ebitda_m, op_cash, capex, receipts, payroll, non_pay_paid, bond_paid,
                          insurance, mobilisation, op_tax, peak_month, psum)
    return VectorFigures(npv, requirement, min_dscr, lowest)


def _cover(b: Basis, d: Mapping[str, np.ndarray], rows: np.ndarray, t: np.ndarray, T: int, last: np.ndarray,
           live: np.ndarray, period: np.ndarray, ends: np.ndarray, n_periods: int, src_months: list[np.ndarray],
           p_ebit: np.ndarray, p_items: np.ndarray, entity_profits: Callable[..., np.ndarray],
           ebitda_m: np.ndarray, op_cash: np.ndarray, capex: np.ndarray, receipts: np.ndarray, payroll: np.ndarray,
           non_pay_paid: np.ndarray, bond_paid: np.ndarray, insurance: np.ndarray, mobilisation: np.ndarray,
           op_tax: np.ndarray, peak_month: np.ndarray, psum: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The funded pass: loans, overdrafts, tax after financing and the lowest tested debt service cover."""
    n_draws = len(rows)
    dr = d["interest_rate_pp"]
    money_in = np.zeros((n_draws, T))
    grants = np.zeros((n_draws, T))
    fees = np.zeros((n_draws, T))
    interest = np.zeros((n_draws, T))
    principal = np.zeros((n_draws, T))
    overdrafts = []
    for s, drawdown in zip(b.sources, src_months, strict=True):
        fees[rows, drawdown] += s.fee
        if s.kind is FundingKind.MEMBER_EQUITY:
            money_in[rows, drawdown] += s.amount
        elif s.kind is FundingKind.GRANT:
            grants[rows, drawdown] += s.amount
        elif s.kind is FundingKind.LOAN:
            grants[rows, drawdown] += s.grant
            money_in[rows, drawdown] += s.amount
            if s.commitment_pct:
                fees += np.where(t < drawdown[:, None], round(s.amount * s.commitment_pct / 100 / 12, 2), 0.0)
            i, p = _loan(s, np.maximum(0.0, s.rate_pct + dr) / 100 / 12, drawdown, last, T)
            interest += i
            principal += p
        elif s.kind is FundingKind.OVERDRAFT and s.amount > 0:
            overdrafts.append((s, drawdown, np.maximum(0.0, s.rate_pct + dr) / 100 / 12))
    money_in += grants
    p_grants = psum(grants)
    p_interest = np.zeros((n_draws, n_periods))
    p_fees = np.ascontiguousarray(psum(fees))  # added to by month below, through a flat view
    # month by month below, so each month's values are read from month-major copies (a month a contiguous row)
    tax_paid_m = np.zeros((T, n_draws))
    od_interest_m = np.zeros((T, n_draws))
    rates = np.array([[float(r)] for r in b.rates])  # a taxable person a row, as ``pools`` and the profits
    pools = np.zeros((len(b.rates), n_draws))
    drawn = [np.zeros(n_draws) for _ in overdrafts]
    balance = np.zeros(n_draws)
    base_out_m = np.ascontiguousarray((payroll + non_pay_paid + bond_paid + insurance + mobilisation + capex).T)
    live_m, period_m, interest_m = np.ascontiguousarray(live.T), np.ascontiguousarray(period.T), \
        np.ascontiguousarray(interest.T)
    in_m = np.ascontiguousarray((receipts + money_in).T)
    fees_m, principal_m = np.ascontiguousarray(fees.T), np.ascontiguousarray(principal.T)
    # what does not depend on the month before, worked out for every month at once: each (month, draw)'s period
    # (clipped, as the sums by period take it) as a place in the flat period arrays, where a period ends, and
    # the months every draw is still projected (masking by ``on`` there changes nothing)
    pc_m = np.clip(period_m, 0, n_periods - 1)
    flat_m = rows[None, :] * n_periods + pc_m
    month_col = np.arange(T)[:, None]
    ends_now: list[bool] = (live_m & (ends[rows[None, :], pc_m] == month_col)).any(axis=1).tolist()
    all_on: list[bool] = np.all(live_m, axis=1).tolist()
    p_interest_flat, p_fees_flat = p_interest.reshape(-1), p_fees.reshape(-1)  # views: adding to them adds to both
    # the overdrafts: their rate, whether each draw has drawn it down yet, and their commitment fee by month. The
    # month's sums start from their first terms (0 + x is x, to the bit: every term here is zero or more), and
    # a month without commitment fees adds none
    od_on = [month_col >= dm[None, :] for _s, dm, _r in overdrafts]
    fee_pct = [s.commitment_pct for s, _dm, _r in overdrafts]
    any_fee = any(fee_pct)
    no_fee = np.zeros(n_draws)
    for month in range(T):
        if not month % 12:
            checkpoint()
        on = live_m[month]
        every = all_on[month]
        od_i = np.zeros(n_draws) if not overdrafts else _q(drawn[0] * overdrafts[0][2])
        for k in range(1, len(overdrafts)):
            od_i += _q(drawn[k] * overdrafts[k][2])
        od_f = no_fee
        if any_fee:
            for k, (s, _dm, _r) in enumerate(overdrafts):
                if fee_pct[k]:
                    fee = np.where(od_on[k][month], _q(np.maximum(0.0, s.amount - drawn[k]) * fee_pct[k] / 1200), 0.0)
                    od_f = fee if od_f is no_fee else od_f + fee
            if not every:
                od_f = np.where(on, od_f, 0.0)
        if not every:
            od_i = np.where(on, od_i, 0.0)
        where = flat_m[month]
        p_interest_flat[where] += interest_m[month] + od_i
        if any_fee:
            p_fees_flat[where] += od_f
        od_interest_m[month] = od_i
        if ends_now[month]:
            pc = pc_m[month]
            at_end = on & (ends[rows, pc] == month)
            for q in np.unique(pc[at_end]):
                sel = at_end & (pc == q)
                pbt = p_ebit[:, q] + p_grants[:, q] - p_interest[:, q] - p_fees[:, q]
                items_cost = p_items[:, q] + p_interest[:, q] + p_fees[:, q] - p_grants[:, q]
                profits = entity_profits(int(q), pbt, items_cost)
                masked_pools = np.where(sel, pools, 0.0)
                got = _tax(np.where(sel, profits, 0.0), masked_pools, rates)
                pools[:, sel] = masked_pools[:, sel]
                tax = np.where(sel, got, 0.0).sum(axis=0)
                tax_paid_m[np.minimum(month + b.lag_tax, last[sel]), rows[sel]] += tax[sel]
        pay_out = base_out_m[month] + tax_paid_m[month] + interest_m[month] + od_i + fees_m[month]
        if any_fee:
            pay_out = pay_out + od_f
        pay_out = pay_out + principal_m[month]
        moved = balance + in_m[month] - pay_out
        provisional = moved if every else np.where(on, moved, balance)
        if not overdrafts:
            balance = provisional
            continue
        # draw down to cover a shortfall, the first overdraft first; repay from a surplus, the first first
        change = np.zeros(n_draws)
        for k, (s, _dm, _r) in enumerate(overdrafts):
            short = provisional + change if k else provisional
            cond = (short < 0) & od_on[k][month]
            need = np.where(cond if every else on & cond, -short, 0.0)
            x = np.maximum(np.minimum(need, s.amount - drawn[k]), 0.0)
            drawn[k] += x
            change += x
        repay_total = np.zeros(n_draws)
        spare = provisional > 0 if every else on & (provisional > 0)
        for k in range(len(overdrafts)):
            avail = np.where(spare, provisional - repay_total, 0.0)
            x = np.where((drawn[k] > 0) & (avail > 0), np.minimum(avail, drawn[k]), 0.0)
            drawn[k] -= x
            repay_total += x
        balance = provisional + change - repay_total

    tax_paid, od_interest = tax_paid_m.T, od_interest_m.T
    checkpoint()

    funded_m = np.where(t <= peak_month[:, None], capex + ebitda_m - op_cash, 0.0)
    cfads = psum(op_cash - tax_paid - capex + funded_m)
    service = psum(interest + od_interest + principal)
    ratio = np.where(service > 0, np.round(cfads / np.where(service > 0, service, 1.0), 2), np.nan)
    exists = ends >= 0
    ratio = np.where(exists, ratio, np.nan)
    tested = ratio[:, 1:]
    with np.errstate(all="ignore"):
        low = np.where(np.isnan(tested).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(tested), np.inf, tested),
                                                                        axis=1))
    return low


def _loan(s: _Source, r: np.ndarray, month: np.ndarray, last: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray]:
    """Interest and principal by month of one loan for every draw (``finance.loan_schedule``)."""
    n_draws = len(r)
    interest = np.zeros((T, n_draws))  # month by month below: a month a contiguous row, transposed at the end
    principal = np.zeros((T, n_draws))
    amount = s.amount
    if amount <= 0:
        return interest.T, principal.T
    end = month + s.term if s.term > 0 else None
    final = end if end is not None else last
    cut = final > last
    final = np.minimum(final, last)
    repay_n = s.term - s.holiday
    balance = np.full(n_draws, amount)
    flat_interest = _q(balance * r)
    annuity = np.full(n_draws, np.nan)
    # what does not depend on the balance, for every month at once (a month a row)
    tt = np.arange(T)[:, None]
    j_m = tt - month[None, :]
    due_m = (j_m >= 1) & (tt <= final[None, :])  # after the drawdown, up to the last month it runs
    repaying_m = j_m > s.holiday
    keeps_running = s.flat and end is not None  # a flat loan with a term runs its term, paid off or not
    if end is not None:
        at_end_m = tt == end[None, :]
        cut_m = ~at_end_m & (tt == final[None, :]) & cut[None, :]
    else:
        at_end_m = tt == final[None, :]
    unset = True  # some draw's annuity still to be worked out
    known = np.zeros(n_draws)  # the annuities, 0 where not yet worked out (``np.nan_to_num``)
    for t in range(1, T):
        if not t % 12:
            checkpoint()  # a loan's months are a few milliseconds of a simulation's chunk
        active = due_m[t] if keeps_running else due_m[t] & (balance > 0)
        if not active.any():
            continue
        i = flat_interest if s.flat else _q(balance * r)
        p = np.zeros(n_draws)
        if end is not None and repay_n > 0:
            repaying = repaying_m[t]
            if s.flat:
                p = np.where(repaying, np.minimum(balance, amount / repay_n), 0.0)
            else:
                if unset:
                    fresh = repaying & np.isnan(annuity)
                    if fresh.any():
                        rr = r[fresh]
                        with np.errstate(divide="ignore", invalid="ignore"):
                            a = np.where(rr == 0, balance[fresh] / repay_n,
                                         balance[fresh] * rr / (1 - (1 + rr) ** -repay_n))
                        annuity[fresh] = _q(a)
                        unset = bool(np.isnan(annuity).any())
                        known = np.nan_to_num(annuity)  # worked out again only when an annuity is set
                p = np.where(repaying, np.minimum(balance, np.maximum(0.0, known - i)), 0.0)
        p = np.where(at_end_m[t], balance, p)
        if end is not None:
            p = np.where(cut_m[t], balance, p)
        interest[t] = np.where(active, i, 0.0)
        principal[t] = np.where(active, p, 0.0)
        balance = balance - principal[t]
    return interest.T, principal.T


# --------------------------------------------------------------------------- the simulation
