"""Funding advice: the cure each funding finding states, naming the real problem, with figures.

The funding rules (``financing.py``) decide that a shortfall, cash below zero and debt service cover
below the covenant are serious; this module states what would cure each, on the projection as it
stands (``advised(capital)`` returns the capital analysis with those findings carrying their cures):

* **a shortfall**: arrange that much more funding;
* **debt service cover below the covenant**: for each loan, the shortest longer term, the shortest
  capital holiday, and an overdraft facility in its place, each re-tested on every period's cash flow
  available for debt service (CFADS is the operating cash flow, which the loan's terms do not change;
  overdraft interest stays as it is), with the lowest cover each would give; when CFADS itself is
  negative in a period with debt service, no loan terms cure it and the advice says so;
* **cash below zero**: the real reason: too little funding in all (the shortfall), loan repayments
  taking cash below zero (then the debt service cures apply), a source drawn after the low point, or
  otherwise a dip that an overdraft facility of the lowest balance covers.

Loan schedules are rebuilt with ``finance.loan_schedule`` exactly as the projection builds them; the
figures are re-tested, not estimated.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from ..finance import TWELVE, LoanSchedule, loan_schedule
from ..findings import Finding
from ..model import FundingKind
from ..money import HUNDRED, ZERO, format_decimal, format_gbp, quantize
from .cover import RATIO_PLACES
from .engine import Capital

__all__ = ["DebtServiceCure", "advised", "debt_service_cures"]


def _gbp(amount: Decimal) -> str:
    return format_gbp(amount, pence=False)


@dataclasses.dataclass(frozen=True, slots=True)
class DebtServiceCure:
    """One way to bring every tested period's debt service cover up to the covenant."""

    kind: str  # "longer_term", "capital_holiday", "holiday_and_term" or "overdraft"
    loan: str  # the loan it changes (all loans: "all loans")
    months: int | None  # the new term or holiday; None for an overdraft
    amount: Decimal  # the loan amount (for an overdraft: the facility)
    lowest_cover: Decimal  # the lowest tested cover it gives
    text: str


def _months_by_period(capital: Capital) -> dict[int, int]:
    return {r.month: r.period for r in capital.projection.months}


def _per_period(schedules: Sequence[LoanSchedule], period_of: dict[int, int]) -> dict[int, tuple[Decimal, Decimal]]:
    out: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for s in schedules:
        for p in s.payments:
            period = period_of.get(p.month)
            if period is None:
                continue
            out[period][0] += p.interest
            out[period][1] += p.principal
    return {k: (v[0], v[1]) for k, v in out.items()}


def _lowest_cover(capital: Capital, schedules: Sequence[LoanSchedule], extra_interest: dict[int, Decimal] | None = None
                  ) -> Decimal | None:
    """The lowest tested cover with ``schedules`` in place of the loans (overdraft interest as it stands)."""
    f = capital.funding
    period_of = _months_by_period(capital)
    now = _per_period(f.loan_schedules, period_of)
    new = _per_period(schedules, period_of)
    lowest: Decimal | None = None
    for d in f.dscr:
        if not d.tested:
            continue
        loan_interest_now = now.get(d.period, (ZERO, ZERO))[0]
        overdraft_interest = max(ZERO, d.interest - loan_interest_now)
        interest, principal = new.get(d.period, (ZERO, ZERO))
        service = overdraft_interest + interest + principal + (extra_interest or {}).get(d.period, ZERO)
        if service <= 0:
            continue
        ratio = (d.cfads / service).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)
        lowest = ratio if lowest is None else min(lowest, ratio)
    return lowest


def _rebuilt(s: LoanSchedule, last_month: int, *, term: int | None = None, holiday: int | None = None) -> LoanSchedule:
    return loan_schedule(s.amount, s.interest_rate_pct, s.term_months if term is None else term,
                         s.capital_holiday_months if holiday is None else holiday, drawdown_month=s.drawdown_month,
                         last_month=last_month, source_id=s.source_id, name=s.name)


def debt_service_cures(capital: Capital) -> tuple[list[DebtServiceCure], list[str]]:
    """The ways to meet the covenant in every tested period, and what stands in the way of any."""
    f = capital.funding
    months = capital.projection.months
    if not months or f.dscr_ok is not False:
        return [], []
    last = months[-1].month
    problems = [f"cash flow available for debt service in {d.label} is {_gbp(d.cfads)}: no loan terms give cover "
                "from it; that year's debt service has to come from equity, a grant or reserves"
                for d in f.dscr if d.tested and d.debt_service > 0 and d.cfads <= 0]
    if problems or not f.loan_schedules:
        return [], problems
    target = f.min_dscr
    loans = list(f.loan_schedules)
    names = loans[0].name if len(loans) == 1 else "all loans"
    total = sum((s.amount for s in loans), ZERO)
    out: list[DebtServiceCure] = []

    # a longer term: the shortest that meets the covenant, no longer than the projection runs
    longest = min(last - s.drawdown_month for s in loans)
    shortest_now = max(s.term_months for s in loans)
    for n in range(shortest_now + 1, longest + 1):
        cover = _lowest_cover(capital, [_rebuilt(s, last, term=max(n, s.term_months)) for s in loans])
        if cover is not None and cover >= target:
            out.append(DebtServiceCure("longer_term", names, n, total, cover,
                                       f"lengthen {'the ' + names if len(loans) == 1 else names} to {n} months "
                                       f"(lowest cover then {format_decimal(cover)})"))
            break

    # a capital holiday: the shortest (interest only) that meets it, the term unchanged
    for h in range(1, max(s.term_months for s in loans)):
        sched = [_rebuilt(s, last, holiday=max(h, s.capital_holiday_months)) for s in loans
                 if s.term_months > h]
        if len(sched) != len(loans):
            break
        cover = _lowest_cover(capital, sched)
        if cover is not None and cover >= target:
            out.append(DebtServiceCure("capital_holiday", names, h, total, cover,
                                       f"a capital holiday of {h} months on {'the ' + names if len(loans) == 1 else names}"
                                       f" (lowest cover then {format_decimal(cover)})"))
            break

    # neither alone: interest only to the end of the last period that fails, then the shortest term that meets it
    if not any(c.kind in ("longer_term", "capital_holiday") for c in out):
        period_end: dict[int, int] = {}
        for r in months:
            period_end[r.period] = r.month
        failing = [d.period for d in f.dscr if d.below_minimum]
        h = max(period_end[p] for p in failing) - min(s.drawdown_month for s in loans) if failing else 0
        for n in range(max(h + 1, shortest_now), longest + 1):
            if h <= 0:
                break
            cover = _lowest_cover(capital, [_rebuilt(s, last, term=max(n, s.term_months), holiday=h) for s in loans])
            if cover is not None and cover >= target:
                out.append(DebtServiceCure("holiday_and_term", names, n, total, cover,
                                           f"a capital holiday of {h} months with a term of {n} months on "
                                           f"{'the ' + names if len(loans) == 1 else names} (lowest cover then "
                                           f"{format_decimal(cover)})"))
                break

    # an overdraft facility in place of the loans: interest on what is drawn, no capital repayments.
    # Conservatively, the whole facility is taken as drawn from each loan's drawdown to the end.
    period_of = _months_by_period(capital)
    extra: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for s in loans:
        monthly = s.amount * s.interest_rate_pct / HUNDRED / TWELVE
        for r in months:
            if r.month > s.drawdown_month:
                extra[period_of[r.month]] += monthly
    cover = _lowest_cover(capital, [], {k: quantize(v) for k, v in extra.items()})
    if cover is not None and cover >= target:
        out.append(DebtServiceCure("overdraft", names, None, total, cover,
                                   f"an overdraft facility of {_gbp(total)} in place of "
                                   f"{'the ' + names if len(loans) == 1 else names}, repaid as cash allows (lowest "
                                   f"cover then {format_decimal(cover)}, taking the whole facility as drawn)"))
    return out, []


def _dscr_cure(capital: Capital, finding: Finding) -> Finding:
    f = capital.funding
    worst = [d for d in f.dscr if d.below_minimum]
    where = ", ".join(d.label for d in worst)
    cures, problems = debt_service_cures(capital)
    head = (f"Debt service is not affordable in {where} (cover {format_decimal(f.lowest_dscr)} against "
            f"{format_decimal(f.min_dscr)}): ")
    if problems:
        return dataclasses.replace(finding, cure=head + "; ".join(problems) + ".")
    if not cures:
        return dataclasses.replace(finding, cure=head + "no longer term, capital holiday or overdraft in place of the "
                                   "loans meets the covenant on these cash flows: borrow less and raise the rest as "
                                   "equity or a grant.")
    figures: list[tuple[str, Decimal]] = []
    for c in cures:
        if c.kind == "longer_term" and c.months is not None:
            figures.append(("loan_term_months", Decimal(c.months)))
        elif c.kind == "capital_holiday" and c.months is not None:
            figures.append(("capital_holiday_months", Decimal(c.months)))
        elif c.kind == "holiday_and_term" and c.months is not None:
            figures.append(("loan_term_months_with_holiday", Decimal(c.months)))
        else:
            figures.append(("overdraft_facility", c.amount))
        figures.append((f"{c.kind}_lowest_cover", c.lowest_cover))
    text = head + ", or ".join(c.text for c in cures) + "."
    return dataclasses.replace(finding, cure=text[0].upper() + text[1:], cure_figures=tuple(figures))


def _shortfall_cure(capital: Capital, finding: Finding) -> Finding:
    f = capital.funding
    return dataclasses.replace(
        finding, cure=f"Arrange {_gbp(f.shortfall)} more funding (equity, a grant, a loan or an overdraft facility) "
                      f"to meet the requirement of {_gbp(f.requirement)}.",
        cure_figures=(("more_funding", f.shortfall), ("requirement", f.requirement)))


def _cash_cure(capital: Capital, finding: Finding) -> Finding:
    """Name the real reason cash goes below zero (repayments too soon, too little raised, a source drawn too
    late) and what covers it."""
    f, months = capital.funding, capital.projection.months
    low = -f.lowest_balance
    when = f"{f.lowest_balance_date:%B %Y}"
    late = [s for s in f.sources if s.drawdown_month > f.lowest_balance_month and s.kind is not FundingKind.OVERDRAFT]
    repaid = sum((r.loan_repaid for r in months if r.month <= f.lowest_balance_month), ZERO)
    figures: list[tuple[str, Decimal]] = [("lowest_balance", f.lowest_balance), ("cover_needed", low)]
    reasons, actions = [], []
    if repaid > 0 and repaid >= low:
        first = min((x.drawdown_month for x in f.loan_schedules), default=0)
        holiday = max(1, f.lowest_balance_month - first)
        reasons.append(f"loan repayments of {_gbp(repaid)} by {when} come before the cash to pay them")
        actions.append(f"a capital holiday of {holiday} months or a longer term on the loans")
        figures += [("repaid_by_low_point", repaid), ("capital_holiday_months", Decimal(holiday))]
    if f.shortfall > 0:
        reasons.append(f"the funding arranged is {_gbp(f.shortfall)} short of the requirement")
        actions.append(f"{_gbp(f.shortfall)} more funding")
        figures.append(("more_funding", f.shortfall))
    if late:
        s = late[0]
        reasons.append(f"{s.name} is drawn in {s.drawdown_date:%B %Y}, after the low point")
        actions.append(f"drawing {s.name} by {when}")
    if not reasons:
        reasons.append("the dip is deeper than the funding planned for it")
    text = (f"Cash falls to {_gbp(-low)} in {when} because " + "; and ".join(reasons) + ": "
            + (" and ".join(actions) + " would cure it, or an" if actions else "an")
            + f" overdraft facility of at least {_gbp(low)} in place by {when} to carry the dip.")
    figures.append(("overdraft_facility", low))
    return dataclasses.replace(finding, cure=text, cure_figures=tuple(figures))


_CURES = {"funding_shortfall": _shortfall_cure, "cash_negative": _cash_cure, "dscr_below_minimum": _dscr_cure}


def advised(capital: Capital) -> Capital:
    """``capital`` with each funding finding carrying its cure (the severities are the funding rules')."""
    f = capital.funding
    flags = tuple(_CURES[x.code](capital, x) if x.code in _CURES and not x.cure else x for x in f.flags)
    if flags == f.flags:
        return capital
    return dataclasses.replace(capital, funding=dataclasses.replace(f, flags=flags))
