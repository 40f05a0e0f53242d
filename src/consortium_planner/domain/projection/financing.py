"""Funding: the requirement, the sources, loans and overdrafts, and the lowest cash balance.

Loans are taken as lenders offer them (DOMAIN §12): amortising or flat rate (``finance.loan_schedule``),
with a capital holiday, an arrangement fee on the sum lent (paid when drawn), a commitment fee a year
on sums committed but not drawn (a loan: from month 0, when the facility is agreed, until it is
drawn; an overdraft: on its unused facility every month it is available), and a part given as a
grant alongside the loan (the grant comes in with the loan, as income; only the rest is lent and
repaid). Fees of both kinds are expensed when paid (the P&L's "arrangement fees" line holds both).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..costing import Flag
from ..finance import TWELVE, LoanSchedule, loan_schedule, monthly_commitment_fee
from ..findings import Severity
from ..model import ConsortiumOption, FundingKind, FundingSource, LoanRepayment, Member, Organisation
from ..money import HUNDRED, ZERO, quantize
from .cover import DscrYear, debt_service_cover
from .months import Projection


@dataclass(frozen=True, slots=True)
class FundingLine:
    source_id: int | None
    name: str
    kind: FundingKind
    amount: Decimal  # for an overdraft: the facility
    member_id: int | None
    member_name: str
    drawdown_month: int
    drawdown_date: dt.date
    arrangement_fee: Decimal
    interest: Decimal  # paid over the projection
    repaid: Decimal  # loans and overdrafts
    outstanding_at_end: Decimal
    peak_drawn: Decimal  # overdrafts: the most drawn at any month end (others: the amount)
    repayment: LoanRepayment = LoanRepayment.AMORTISING  # loans: amortising or flat rate
    interest_rate_pct: Decimal = ZERO  # loans and overdrafts: a year (a flat-rate loan: its flat rate)
    grant_part: Decimal = ZERO  # loans: the part given as grant alongside the loan (not repaid)
    commitment_fees: Decimal = ZERO  # paid on sums committed but not drawn
    secured: bool = False
    security: str = ""


@dataclass(frozen=True, slots=True)
class FundingResult:
    option_id: int
    peak_deficit: Decimal  # −(lowest cumulative cash before funding), never below 0
    peak_deficit_month: int | None
    peak_deficit_date: dt.date | None
    monthly_payroll: Decimal  # year one at full volume
    buffer_months: Decimal
    buffer: Decimal
    contingency_pct: Decimal
    contingency: Decimal
    requirement: Decimal  # peak deficit + buffer + contingency
    sources: tuple[FundingLine, ...]
    equity: Decimal
    grants: Decimal
    loans: Decimal
    overdrafts: Decimal
    total_sources: Decimal
    shortfall: Decimal  # requirement − sources, never below 0
    covered: bool  # no shortfall and cash never below zero
    loan_schedules: tuple[LoanSchedule, ...]
    dscr: tuple[DscrYear, ...]
    min_dscr: Decimal
    lowest_dscr: Decimal | None  # over the tested periods with debt service
    dscr_ok: bool | None  # None without debt service
    lowest_balance: Decimal  # cash after funding, the lowest month end
    lowest_balance_month: int
    lowest_balance_date: dt.date
    closing_balance: Decimal
    flags: tuple[Flag, ...]


@dataclass(slots=True)
class _Source:
    row: FundingSource
    fee: Decimal
    schedule: LoanSchedule | None = None
    drawn: Decimal = ZERO  # overdraft balance
    peak: Decimal = ZERO
    interest: Decimal = ZERO
    repaid: Decimal = ZERO
    monthly_rate: Decimal = ZERO
    grant_part: Decimal = ZERO  # a loan's part given as grant
    commitment: Decimal = ZERO  # commitment fees paid


@dataclass(slots=True)
class _MoneyIn:
    """The funding sources prepared for the month-by-month pass: each source, and by month what comes
    in (equity, grants, loans), the fees paid when drawn or while committed, and the loans' interest,
    capital repaid and balance."""

    sources: list[_Source]
    equity: list[Decimal]
    grants: list[Decimal]
    loans: list[Decimal]
    fees: list[Decimal]
    interest: list[Decimal]
    principal: list[Decimal]
    balance: list[Decimal]


def _prepare_sources(sources: list[FundingSource], member_by_id: dict[int | None, Member], n: int, last: int,
                     starts: list[dt.date], flags: list[Flag]) -> _MoneyIn:
    """Equity, grants and loans by month (overdrafts are drawn in the monthly pass), with each loan's
    schedule; ``flags`` gets what the user should know about them."""
    z = [ZERO] * n
    out = _MoneyIn([], list(z), list(z), list(z), list(z), list(z), list(z), list(z))
    for src in sources:
        amount = quantize(src.amount)
        if src.member_id is not None and src.member_id not in member_by_id:
            flags.append(Flag("funding_member_elsewhere", f"{src.name}: the member named belongs to another option."))
        is_loan = src.kind is FundingKind.LOAN
        ignored = [label for label, fine in (
            ("a part given as grant", not src.grant_pct or is_loan),
            ("a flat rate", src.repayment is LoanRepayment.AMORTISING or is_loan),
            ("a commitment fee", not src.commitment_fee_pct or src.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT)),
        ) if not fine]
        if ignored:
            flags.append(Flag("funding_term_ignored", f"{src.name}: {' and '.join(ignored)} only "
                                                      f"appl{'y' if len(ignored) > 1 else 'ies'} to a loan "
                                                      f"(a {src.kind.label.lower()} is taken without).", Severity.INFO))
        grant_part = quantize(amount * src.grant_pct / HUNDRED) if is_loan else ZERO
        lent = amount - grant_part
        fee = quantize(lent * src.arrangement_fee_pct / HUNDRED) if src.kind in (FundingKind.LOAN,
                                                                                 FundingKind.OVERDRAFT) else ZERO
        s = _Source(src, fee, monthly_rate=src.interest_rate_pct / HUNDRED / TWELVE, grant_part=grant_part)
        out.sources.append(s)
        d = src.drawdown_month
        out.fees[d] += fee
        if src.kind is FundingKind.MEMBER_EQUITY:
            out.equity[d] += amount
        elif src.kind is FundingKind.GRANT:
            out.grants[d] += amount
        elif is_loan:
            if grant_part:
                out.grants[d] += grant_part
            out.loans[d] += lent
            for t in range(d if src.commitment_fee_pct else 0):  # committed from month 0 until drawn
                c = monthly_commitment_fee(lent, src.commitment_fee_pct)
                out.fees[t] += c
                s.commitment += c
            s.schedule = loan_schedule(lent, src.interest_rate_pct, src.term_months, src.capital_holiday_months,
                                       drawdown_month=d, last_month=last, arrangement_fee_pct=src.arrangement_fee_pct,
                                       source_id=src.id, name=src.name, flat=src.repayment is LoanRepayment.FLAT)
            for pmt in s.schedule.payments:
                out.interest[pmt.month] += pmt.interest
                out.principal[pmt.month] += pmt.principal
            s.interest, s.repaid = s.schedule.total_interest, sum((x.principal for x in s.schedule.payments), ZERO)
            if src.term_months == 0 and lent > 0:
                flags.append(Flag("loan_without_term", f"{src.name}: no term given; shown as interest only and "
                                                       "repaid at the end of the projection."))
            elif s.schedule.balloon > 0:
                flags.append(Flag("loan_outlives_projection",
                                  f"{src.name}: £{s.schedule.balloon:,} is still owed when the projection ends "
                                  f"({starts[last]:%m/%Y}); it is shown repaid then."))
            elif s.repaid < lent:
                flags.append(Flag("loan_outlives_projection",
                                  f"{src.name}: drawn in the last month projected; £{lent - s.repaid:,} is "
                                  "still owed at the end."))
            bal = s.schedule.amount
            by_month = {p.month: p for p in s.schedule.payments}
            for t in range(d, n):
                if t in by_month:
                    bal = by_month[t].closing
                out.balance[t] += bal
    return out


def _funding(option: ConsortiumOption, proj: Projection, srcs: list[_Source],
             member_by_id: dict[int | None, Member], orgs: dict[int | None, Organisation | None],
             payroll_year1: Decimal, starts: list[dt.date]) -> FundingResult:
    zero = ZERO
    flags: list[Flag] = []
    months = proj.months
    lowest = min(months, key=lambda r: (r.cumulative_before_funding, r.month))
    peak = max(zero, -lowest.cumulative_before_funding)
    peak_month = lowest.month if peak > 0 else None
    monthly_payroll = quantize(payroll_year1 / TWELVE)
    buffer = quantize(monthly_payroll * option.buffer_months_payroll)
    contingency = quantize((peak + buffer) * option.contingency_on_funding_pct / HUNDRED)
    requirement = peak + buffer + contingency

    lines = []
    totals = dict.fromkeys(FundingKind, zero)
    for s in srcs:
        src = s.row
        amount = quantize(src.amount)
        totals[src.kind] += amount - s.grant_part
        if s.grant_part:
            totals[FundingKind.GRANT] += s.grant_part
        member = member_by_id.get(src.member_id) if src.member_id is not None else None
        org = orgs.get(member.id) if member else None
        outstanding = zero
        if s.schedule is not None:
            outstanding = s.schedule.amount - s.repaid  # repaid by the end unless drawn in the last month
        elif src.kind is FundingKind.OVERDRAFT:
            outstanding = s.drawn
            if s.drawn > 0:
                flags.append(Flag("overdraft_outstanding", f"{src.name}: £{s.drawn:,} still drawn at the end."))
        lines.append(FundingLine(
            source_id=src.id, name=src.name, kind=src.kind, amount=amount, member_id=member.id if member else None,
            member_name=org.name if org else "", drawdown_month=src.drawdown_month,
            drawdown_date=starts[src.drawdown_month], arrangement_fee=s.fee, interest=s.interest, repaid=s.repaid,
            outstanding_at_end=outstanding,
            peak_drawn=s.peak if src.kind is FundingKind.OVERDRAFT else amount,
            repayment=src.repayment, interest_rate_pct=src.interest_rate_pct, grant_part=s.grant_part, commitment_fees=s.commitment, secured=src.secured,
            security=src.security))
    total_sources = sum(totals.values(), zero)
    shortfall = max(zero, requirement - total_sources)
    if shortfall > 0:
        flags.append(Flag("funding_shortfall",
                          f"The funding arranged (£{total_sources:,}) falls £{shortfall:,} short of the "
                          f"requirement of £{requirement:,}.", Severity.SERIOUS))
    low = min(months, key=lambda r: (r.closing_balance, r.month))
    if low.closing_balance < 0:
        flags.append(Flag("cash_negative", f"Cash after funding falls to −£{-low.closing_balance:,} in "
                                           f"{low.starts:%B %Y} (month {low.month}): funding comes too late or "
                                           "is too little.", Severity.SERIOUS))

    dscr_rows, lowest_dscr, dscr_ok = debt_service_cover(proj, peak_month, option.min_dscr)
    if dscr_ok is False:
        worst = [d.label for d in dscr_rows if d.below_minimum]
        flags.append(Flag("dscr_below_minimum",
                          f"Debt service cover falls to {lowest_dscr} (lenders look for {option.min_dscr}) in "
                          f"{', '.join(worst)}.", Severity.SERIOUS))
    return FundingResult(
        option_id=proj.option_id, peak_deficit=peak, peak_deficit_month=peak_month,
        peak_deficit_date=months[peak_month].starts if peak_month is not None else None,
        monthly_payroll=monthly_payroll, buffer_months=option.buffer_months_payroll, buffer=buffer,
        contingency_pct=option.contingency_on_funding_pct, contingency=contingency, requirement=requirement,
        sources=tuple(lines), equity=totals[FundingKind.MEMBER_EQUITY], grants=totals[FundingKind.GRANT],
        loans=totals[FundingKind.LOAN], overdrafts=totals[FundingKind.OVERDRAFT], total_sources=total_sources,
        shortfall=shortfall, covered=shortfall == 0 and low.closing_balance >= 0,
        loan_schedules=tuple(s.schedule for s in srcs if s.schedule is not None),
        dscr=tuple(dscr_rows), min_dscr=option.min_dscr, lowest_dscr=lowest_dscr, dscr_ok=dscr_ok,
        lowest_balance=low.closing_balance, lowest_balance_month=low.month, lowest_balance_date=low.starts,
        closing_balance=proj.closing_balance, flags=tuple(flags),
    )
