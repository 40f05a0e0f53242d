"""Model sheets "Model loans", "Model bank" and "Model funding": sources, loans, overdrafts, the bank account,
the funding requirement, returns and debt service cover.

* **Funding sources** — inputs; the arrangement fee of a loan or overdraft = fee % × amount, rounded.
* **Loans** — one block of rows per loan, written by its repayment profile (``LOAN_PROFILES``). The
  one profile today, ``annuity``: interest each month = the opening balance × the annual rate ÷ 12,
  rounded; interest only during the capital holiday; then the level payment L × r ÷ (1 − (1 + r)^−n)
  over the n months left of the term (L ÷ n at 0%), rounded, of which principal = payment −
  interest (never more than the balance); the last month of the term clears the balance; a
  balance still owed when the projection ends is repaid then (the balloon).
* **The bank account** — each month: cash before funding (Model cash), equity, grants and loans
  in, arrangement fees, loan interest and principal, overdraft interest (on last month's balance)
  and the tax actually paid (Model profit); an overdraft is drawn when the balance would go below
  zero (each facility in turn, from its first month, up to its limit) and repaid as soon as cash
  allows; closing = opening + receipts − payments.
* **Funding requirement** — −(lowest cumulative cash before funding) + the buffer (months of a
  month's payroll) + contingency on both; the sources, the shortfall and the lowest balance.
* **Returns** — NPV = Σ cash × (1 + d)^(−month ÷ 12), rounded; IRR (the spreadsheet's IRR of the
  monthly flows made annual); payback (plain and discounted): the first month the cumulative is
  back to zero or above after being below; break-even volume and price (% to two places).
* **Debt service cover** — CFADS = operating cash − tax paid − capital spending, with the capital
  spending and working capital built up until the peak funding need added back (the funding pays
  for them); cover = CFADS ÷ (interest + principal), to two places; contract years and run-off are
  tested against the minimum lenders look for.

A new loan type (flat rate, interest only, …) is a new entry of ``LOAN_PROFILES``: a function that
gives, for one row of its loan's block, the formulas of the regular principal (and, if its interest
is not the opening balance × the monthly rate, of the interest), and one for the level payment shown
in the Loans table; ``profile_of`` says which profile a funding source uses. The bank account,
the P&L, the balances and the cover read every loan through the block's month, interest and
principal columns, so they need no change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.finance import LoanSchedule
from ..domain.model import FundingKind, FundingSource
from .xlsx_common import GBP, NUMBER, PERCENT_POINTS
from .xlsx_model import Block, Model, ModelColumns, Page, half_even, input_value
from .xlsx_model_months import periods_of
from .xlsx_sheet import INTEGER, IRR_FORMAT, RATIO, Formula

__all__ = ["LOAN_PROFILES", "SECTION", "LoanProfile", "LoanRow", "profile_of"]

LOANS, BANK, FUNDING = "Model loans", "Model bank", "Model funding"
KIND_TEXT = {FundingKind.MEMBER_EQUITY: "Member equity", FundingKind.GRANT: "Grant", FundingKind.LOAN: "Loan",
             FundingKind.OVERDRAFT: "Overdraft"}
NO_DEBT_SERVICE = "no debt service"
MONTHLY_RATE = "0.000000%"
_PENNY = Decimal("0.01")


# =========================================================================== loan profiles


@dataclass(frozen=True, slots=True)
class LoanRow:
    """The cells one row of a loan's block may use (references on the Model loans sheet)."""

    month: str  # this row's month
    number: str  # payment number = month − drawdown month
    opening: str
    interest: str
    amount: str  # the loan (Loans table)
    monthly_rate: str
    term: str
    holiday: str
    payment: str  # the level payment (Loans table)


@dataclass(frozen=True, slots=True)
class LoanProfile:
    """How a kind of loan is repaid: the formulas of its level payment and of each row's regular principal.

    ``payment(row)`` gives the Loans table's level payment (text "repaid in one go" when there is
    none); ``regular(row)`` the principal of a month before the last (the last month of the term and
    a balloon at the end of the projection clear the balance whatever the profile); ``interest(row)``
    the month's interest.
    """

    label: str
    payment: Callable[[LoanRow, str], str]
    regular: Callable[[LoanRow], str]
    interest: Callable[[LoanRow], str]


def _annuity_payment(row: LoanRow, repays: str) -> str:
    r, n = row.monthly_rate, f"({row.term}-{row.holiday})"
    level = f"IF({r}=0,{row.amount}/{n},{row.amount}*{r}/(1-(1+{r})^(-{n})))"
    return f'=IF(AND({row.term}>0,{n}>0,{repays}),{half_even(level)},"repaid in one go")'


def _annuity_regular(row: LoanRow) -> str:
    return (f"IF(AND({row.term}>0,{row.number}>{row.holiday},{row.term}-{row.holiday}>0),"
            f"MIN({row.opening},MAX(0,{row.payment}-{row.interest})),0)")


def _monthly_interest(row: LoanRow) -> str:
    return half_even(f"{row.opening}*{row.monthly_rate}")


#: Repayment profiles by name. Add a new loan type here (see the module's docstring).
LOAN_PROFILES: dict[str, LoanProfile] = {
    "annuity": LoanProfile("Level payments after any capital holiday (annuity)", _annuity_payment, _annuity_regular,
                           _monthly_interest),
}


def profile_of(source: FundingSource) -> str:
    """The repayment profile of a loan (today every loan is an annuity)."""
    return "annuity"


# =========================================================================== planning


def _sources(model: Model) -> list[FundingSource]:
    return sorted(model.workspace.children(FundingSource, model.option.id), key=lambda s: (s.drawdown_month, s.id or 0))


def _overdrafts(model: Model) -> list[tuple[int, FundingSource]]:
    return [(i, s) for i, s in enumerate(_sources(model)) if s.kind is FundingKind.OVERDRAFT and s.amount > 0]


def plan(model: Model) -> None:
    if model.projection is None or model.funding is None:
        why = model.funding_err or model.projection_err or "not computed"
        for page in (LOANS, BANK, FUNDING):
            model.page(page).errors.append(("Funding", why))
        return
    funding, projection = model.funding, model.projection
    sources = _sources(model)
    if sources:
        cols = ModelColumns()
        cols.plain("no", "Source no.", INTEGER)
        cols.plain("name", "Source", wrap=28)
        cols.plain("kind", "Kind")
        cols.plain("amount", "Amount or facility", GBP)
        cols.plain("rate", "Interest rate a year", PERCENT_POINTS)
        cols.plain("term", "Term (months)", INTEGER)
        cols.plain("holiday", "Capital holiday (months)", INTEGER)
        cols.plain("fee_pct", "Arrangement fee", PERCENT_POINTS)
        cols.plain("month", "Drawn in month", INTEGER)
        cols.derived("fee", "Arrangement fee paid")
        cols.plain("monthly_rate", "Monthly rate", MONTHLY_RATE)
        model.plan(LOANS, "sources", "Funding sources", (
            "Arrangement fee of a loan or an overdraft = fee % × amount, rounded, paid when drawn. Monthly rate = "
            "the annual rate ÷ 12.",), cols, len(sources))

    schedules = funding.loan_schedules
    if schedules:
        cols = ModelColumns()
        cols.plain("no", "Source no.", INTEGER)
        cols.plain("loan", "Loan", wrap=28)
        cols.plain("profile", "Repayment", wrap=28)
        cols.plain("amount", "Amount", GBP)
        cols.plain("monthly_rate", "Monthly rate", MONTHLY_RATE)
        cols.plain("term", "Term (months)", INTEGER)
        cols.plain("holiday", "Capital holiday (months)", INTEGER)
        cols.plain("drawn", "Drawn in month", INTEGER)
        cols.plain("end", "Term ends in month", INTEGER)
        cols.derived("payment", "Level monthly payment", text=True)
        cols.derived("interest", "Total interest")
        cols.derived("repaid", "Repaid")
        cols.derived("balloon", "Repaid when the projection ends")
        model.plan(LOANS, "loans", "Loans", (
            "Term ends in month = drawn + term (−1: no term). Level payment = L × r ÷ (1 − (1 + r)^−n), n = term − "
            "holiday, rounded. A balance still owed in the last month projected is repaid then.",), cols,
            len(schedules))
        cols = ModelColumns()
        cols.plain("no", "Source no.", INTEGER)
        cols.plain("loan", "Loan", wrap=28)
        cols.plain("month", "Month", INTEGER)
        cols.plain("number", "Payment no.", INTEGER)
        cols.plain("opening", "Opening balance", GBP)
        cols.derived("interest", "Interest")
        cols.plain("regular", "Regular principal", GBP)
        cols.derived("principal", "Principal")
        cols.derived("closing", "Closing balance")
        model.plan(LOANS, "schedule", "Loan schedules", (
            "Interest = opening balance × monthly rate, rounded. Principal = the regular principal (payment − "
            "interest after the capital holiday, at most the balance), or the whole balance in the month the term "
            "ends or in the last month projected.",), cols, sum(len(s.payments) for s in schedules))

    overdrafts = _overdrafts(model)
    if overdrafts:
        cols = ModelColumns()
        cols.plain("no", "Source no.", INTEGER)
        cols.plain("name", "Overdraft", wrap=28)
        cols.plain("facility", "Facility", GBP)
        cols.plain("monthly_rate", "Monthly rate", MONTHLY_RATE)
        cols.plain("month", "Available from month", INTEGER)
        model.plan(BANK, "overdrafts", "Overdrafts", ("From Model loans.",), cols, len(overdrafts))

    cols = ModelColumns()
    cols.plain("month", "Month", INTEGER)
    cols.plain("period", "Period", INTEGER)
    cols.plain("cash_before", "Cash before funding", GBP)
    cols.plain("operating_tax", "Tax on operating profit (added back)", GBP)
    for k, title in (("equity_in", "Equity in"), ("grants_in", "Grants in"), ("loans_in", "Loans in"),
                     ("fees_paid", "Arrangement fees paid")):
        cols.derived(k, title)
    cols.plain("loan_interest", "Loan interest", GBP)
    cols.derived("loan_repaid", "Loan repaid")
    cols.derived("tax_paid", "Tax paid")
    for j in range(1, len(overdrafts) + 1):
        cols.plain(f"od{j}_interest", f"Overdraft {j} interest", GBP)
        cols.plain(f"od{j}_drawn", f"Overdraft {j} drawn", GBP)
        cols.plain(f"od{j}_repaid", f"Overdraft {j} repaid", GBP)
        cols.plain(f"od{j}_balance", f"Overdraft {j} balance", GBP)
    cols.derived("interest_paid", "Interest paid")
    cols.plain("opening", "Opening balance", GBP)
    cols.plain("provisional", "Balance before the overdraft", GBP)
    cols.derived("overdraft_drawn", "Overdraft drawn")
    cols.derived("overdraft_repaid", "Overdraft repaid")
    cols.derived("closing", "Closing balance")
    cols.derived("loan_balance", "Loan balance")
    model.plan(BANK, "bank", "Months: funding and the bank account", (
        "Balance before the overdraft = opening + cash before funding + tax on operating profit (cash before "
        "funding took it off) + equity + grants + loans − tax paid − loan interest − overdraft interest − "
        "arrangement fees − loan principal.",
        "Overdraft interest = last month's balance × its monthly rate, rounded. When the balance before the "
        "overdraft is below zero each overdraft (from its first month) is drawn up to its facility; when above "
        "zero, overdrafts are repaid as far as it allows. Closing = balance before the overdraft + drawn − "
        "repaid.",
    ), cols, len(projection.months))

    cols = ModelColumns()
    cols.plain("what", "Funding")
    cols.derived("value", "Amount", text=True)
    model.plan(FUNDING, "requirement", "Funding requirement and sources", (), cols, 15)
    cols = ModelColumns()
    cols.plain("what", "Returns")
    cols.derived("value", "Value", text=True)
    model.plan(FUNDING, "returns", "Returns on the project's cash flows before funding", (), cols, 7)
    cols = ModelColumns()
    cols.plain("period", "Period")
    cols.plain("operating_cash", "Operating cash", GBP)
    cols.plain("ebitda", "EBITDA", GBP)
    for k, title in (("tax_paid", "Tax paid"), ("capex", "Capital expenditure"),
                     ("working_capital", "Increase in working capital"), ("funded", "Paid for by the funding"),
                     ("cfads", "CFADS"), ("interest", "Interest"), ("principal", "Principal"),
                     ("service", "Debt service")):
        cols.derived(k, title)
    cols.derived("dscr", "Debt service cover", RATIO, text=True)
    cols.plain("tested", "Tested")
    model.plan(FUNDING, "dscr", "Debt service cover by period", (
        "Operating cash = receipts − payroll, non-pay, bond, insurance and mobilisation paid; increase in working "
        "capital = EBITDA − operating cash; paid for by the funding = capital spending and working capital built "
        "up until the month of the peak funding need; CFADS = EBITDA − tax paid − capital expenditure − increase "
        "in working capital + paid for by the funding; cover = CFADS ÷ (interest + principal), rounded to two "
        "places.",), cols, len(projection.years))


# =========================================================================== writing


def write(model: Model) -> None:
    if model.projection is None or model.funding is None:
        return
    if model.get("sources") is not None:
        _write_sources(model)
    if model.get("loans") is not None:
        _write_loans(model)
    if model.get("overdrafts") is not None:
        _write_overdrafts(model)
    _write_bank(model)
    _write_requirement(model)
    _write_returns(model)
    _write_dscr(model)


def _write_sources(model: Model) -> None:
    block = model.blocks["sources"]
    page = block.page
    lines = {line.source_id: line for line in model.funding.sources}
    rows = []
    for i, s in enumerate(_sources(model)):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        line = lines.get(s.id)
        rows.append(block.cols.row(block.row(i), {
            "no": i + 1, "name": s.name, "kind": KIND_TEXT[s.kind], "amount": input_value(s.amount.quantize(_PENNY)),
            "rate": input_value(s.interest_rate_pct), "term": input_value(s.term_months),
            "holiday": input_value(s.capital_holiday_months), "fee_pct": input_value(s.arrangement_fee_pct),
            "month": input_value(s.drawdown_month),
            "fee": Formula(f'=IF(OR({c["kind"]}="Loan",{c["kind"]}="Overdraft"),'
                           f'{half_even(c["amount"] + "*" + c["fee_pct"] + "/100")},0)'),
            "monthly_rate": Formula(f"={c['rate']}/100/12"),
        }, {"fee": line.arrangement_fee if line else 0}))
    model.write(block, rows)


def _write_loans(model: Model) -> None:
    loans_b, schedule_b, sources_b = model.blocks["loans"], model.blocks["schedule"], model.blocks["sources"]
    page, at = loans_b.page, model.at
    sources = _sources(model)
    number = {s.id: i for i, s in enumerate(sources)}
    lines = {line.source_id: line for line in model.funding.sources}
    summary, rows = [], []
    r = 0
    for li, ls in enumerate(model.funding.loan_schedules):
        si = number[ls.source_id]
        profile = LOAN_PROFILES[profile_of(sources[si])]
        src = {k: sources_b.cell(k, si, page, absolute=True) for k in sources_b.cols.index}
        c = {k: loans_b.cell(k, li, page, absolute=True) for k in loans_b.cols.index}
        lo, hi = r, r + len(ls.payments) - 1
        last_month = f"MAX({schedule_b.column('month', page, lo, hi)})" if ls.payments else "-1"
        repays = f"{last_month}>={c['drawn']}+{c['holiday']}+1"
        for pm in ls.payments:
            s = {k: schedule_b.cell(k, r, page) for k in schedule_b.cols.index}
            row = LoanRow(month=s["month"], number=s["number"], opening=s["opening"], interest=s["interest"],
                          amount=c["amount"], monthly_rate=c["monthly_rate"], term=c["term"], holiday=c["holiday"],
                          payment=c["payment"])
            opening = c["amount"] if r == lo else schedule_b.cell("closing", r - 1, page)
            rows.append(schedule_b.cols.row(schedule_b.row(r), {
                "no": si + 1, "loan": ls.name, "month": pm.month,
                "number": Formula(f"={s['month']}-{c['drawn']}"),
                "opening": Formula(f"={opening}"),
                "interest": Formula("=" + profile.interest(row)),
                "regular": Formula("=" + profile.regular(row)),
                "principal": Formula(f"=IF(OR({s['month']}={c['end']},{s['month']}={at['last']}),{s['opening']},"
                                     f"{s['regular']})"),
                "closing": Formula(f"={s['opening']}-{s['principal']}"),
            }, {"interest": pm.interest, "principal": pm.principal, "closing": pm.closing}))
            r += 1
        line = lines.get(ls.source_id)
        first = schedule_b.cell("opening", hi, page) if ls.payments else "0"
        regular = schedule_b.cell("regular", hi, page) if ls.payments else "0"
        balloon = (f"=IF(AND({last_month}={at['last']},OR({c['term']}<=0,{c['drawn']}+{c['term']}>{at['last']})),"
                   f"{first}-{regular},0)")
        summary.append(loans_b.cols.row(loans_b.row(li), {
            "no": si + 1, "loan": ls.name, "profile": profile.label,
            "amount": Formula(f"={src['amount']}"), "monthly_rate": Formula(f"={src['monthly_rate']}"),
            "term": Formula(f"={src['term']}"), "holiday": Formula(f"={src['holiday']}"),
            "drawn": Formula(f"={src['month']}"),
            "end": Formula(f"=IF({c['term']}>0,{c['drawn']}+{c['term']},-1)"),
            "payment": Formula(profile.payment(_row_for_summary(c), repays), estimate=ls.annuity),
            "interest": Formula(f"=SUM({schedule_b.column('interest', page, lo, hi)})" if ls.payments else "=0"),
            "repaid": Formula(f"=SUM({schedule_b.column('principal', page, lo, hi)})" if ls.payments else "=0"),
            "balloon": Formula(balloon if ls.payments else "=0"),
        }, {"payment": ls.annuity if ls.annuity is not None else "repaid in one go",
            "interest": ls.total_interest, "repaid": line.repaid if line else _repaid(ls), "balloon": ls.balloon}))
    model.write(loans_b, summary)
    model.write(schedule_b, rows)


def _row_for_summary(c: dict[str, str]) -> LoanRow:
    return LoanRow(month="", number="", opening="", interest="", amount=c["amount"], monthly_rate=c["monthly_rate"],
                   term=c["term"], holiday=c["holiday"], payment=c["payment"])


def _repaid(ls: LoanSchedule) -> Decimal:
    return sum((p.principal for p in ls.payments), Decimal(0))


def _write_overdrafts(model: Model) -> None:
    block, sources_b = model.blocks["overdrafts"], model.blocks["sources"]
    page = block.page
    rows = []
    for j, (si, s) in enumerate(_overdrafts(model)):
        src = {k: sources_b.cell(k, si, page) for k in sources_b.cols.index}
        rows.append(block.cols.row(block.row(j), {
            "no": si + 1, "name": s.name, "facility": Formula(f"={src['amount']}"),
            "monthly_rate": Formula(f"={src['monthly_rate']}"), "month": Formula(f"={src['month']}"),
        }))
    model.write(block, rows)


def _write_bank(model: Model) -> None:
    block, cash = model.blocks["bank"], model.blocks["cash"]
    page = block.page
    sources_b, schedule_b, loans_b = model.get("sources"), model.get("schedule"), model.get("loans")
    overdrafts_b = model.get("overdrafts")
    period_tax, profit = model.get("period_tax"), model.get("pnl_profit")
    n_od = overdrafts_b.n if overdrafts_b is not None else 0
    periods = periods_of(model)
    schedules = model.funding.loan_schedules
    spans, r = [], 0
    for ls in schedules:
        spans.append((r, r + len(ls.payments) - 1))
        r += len(ls.payments)
    rows = []
    for i, m in enumerate(model.projection.months):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        t = c["month"]
        prev = None if i == 0 else {k: block.cell(k, i - 1, page) for k in block.cols.index}
        values: dict[str, Any] = {"month": m.month, "period": m.period,
                                  "cash_before": Formula(f"={cash.cell('cash', i, page)}"),
                                  "operating_tax": Formula(f"={cash.cell('operating_tax_paid', i, page)}")}
        for k, kind in (("equity_in", "Member equity"), ("grants_in", "Grant"), ("loans_in", "Loan")):
            values[k] = Formula(f'=SUMIFS({sources_b.column("amount", page)},{sources_b.column("kind", page)},"{kind}",'
                                f'{sources_b.column("month", page)},{t})' if sources_b is not None else "=0")
        values["fees_paid"] = Formula(f"=SUMIF({sources_b.column('month', page)},{t},{sources_b.column('fee', page)})"
                                      if sources_b is not None else "=0")
        if schedule_b is not None:
            values["loan_interest"] = Formula(f"=SUMIF({schedule_b.column('month', page)},{t},"
                                              f"{schedule_b.column('interest', page)})")
            values["loan_repaid"] = Formula(f"=SUMIF({schedule_b.column('month', page)},{t},"
                                            f"{schedule_b.column('principal', page)})")
        else:
            values["loan_interest"] = values["loan_repaid"] = Formula("=0")
        ended = [j for j, (_, _, _, last) in enumerate(periods) if last <= m.month]
        if period_tax is not None and profit is not None and ended:
            values["tax_paid"] = Formula(f"=SUMPRODUCT(({period_tax.column('paid_month', page, 0, ended[-1])}={t})*"
                                         f"{profit.column('tax', page, 0, ended[-1])})")
        else:
            values["tax_paid"] = Formula("=0")
        od_interest, drawn, repaid = [], [], []
        for j in range(1, n_od + 1):
            assert overdrafts_b is not None
            od = {k: overdrafts_b.cell(k, j - 1, page, absolute=True) for k in overdrafts_b.cols.index}
            before = "0" if prev is None else prev[f"od{j}_balance"]
            values[f"od{j}_interest"] = Formula("=" + half_even(f"{before}*{od['monthly_rate']}"))
            taken = "".join(f"+{c[f'od{x}_drawn']}" for x in range(1, j))
            given = "".join(f"-{c[f'od{x}_repaid']}" for x in range(1, j))
            values[f"od{j}_drawn"] = Formula(f"=IF(AND({c['provisional']}<0,{t}>={od['month']}),"
                                             f"MAX(0,MIN(-({c['provisional']}{taken}),{od['facility']}-{before})),0)")
            values[f"od{j}_repaid"] = Formula(f"=IF({c['provisional']}>0,MAX(0,MIN({c['provisional']}{given},"
                                              f"{before})),0)")
            values[f"od{j}_balance"] = Formula(f"={before}+{c[f'od{j}_drawn']}-{c[f'od{j}_repaid']}")
            od_interest.append(c[f"od{j}_interest"])
            drawn.append(c[f"od{j}_drawn"])
            repaid.append(c[f"od{j}_repaid"])
        values["interest_paid"] = Formula("=" + "+".join([c["loan_interest"], *od_interest]))
        values["opening"] = Formula("=0" if prev is None else f"={prev['closing']}")
        values["provisional"] = Formula(
            f"={c['opening']}+{c['cash_before']}+{c['operating_tax']}+{c['equity_in']}+{c['grants_in']}+"
            f"{c['loans_in']}-{c['tax_paid']}-{c['interest_paid']}-{c['fees_paid']}-{c['loan_repaid']}")
        values["overdraft_drawn"] = Formula("=" + ("+".join(drawn) or "0"))
        values["overdraft_repaid"] = Formula("=" + ("+".join(repaid) or "0"))
        values["closing"] = Formula(f"={c['provisional']}+{c['overdraft_drawn']}-{c['overdraft_repaid']}")
        terms = []
        if loans_b is not None and schedule_b is not None:
            for li, (lo, hi) in enumerate(spans):
                if hi < lo:
                    continue
                ln = {k: loans_b.cell(k, li, page, absolute=True) for k in loans_b.cols.index}
                first_month = schedule_b.cell("month", lo, page, absolute=True)
                terms.append(f"IF({t}<{ln['drawn']},0,IF({t}<{first_month},{ln['amount']},"
                             f"LOOKUP({t},{schedule_b.column('month', page, lo, hi)},"
                             f"{schedule_b.column('closing', page, lo, hi)})))")
        values["loan_balance"] = Formula("=" + ("+".join(terms) or "0"))
        rows.append(block.cols.row(block.row(i), values, {
            "equity_in": m.equity_in, "grants_in": m.grants_in, "loans_in": m.loans_in,
            "fees_paid": m.arrangement_fees_paid, "loan_repaid": m.loan_repaid, "tax_paid": m.tax_paid,
            "interest_paid": m.interest_paid, "overdraft_drawn": m.overdraft_drawn,
            "overdraft_repaid": m.overdraft_repaid, "closing": m.closing_balance, "loan_balance": m.loan_balance}))
    model.write(block, rows)


def _peak_month(model: Model, page: Page) -> str:
    """The month of the lowest cumulative cash before funding (the first such), or −1 with no need."""
    cash, months = model.blocks["cash"], model.blocks["cash"].column("month", page)
    cum = cash.column("cumulative", page)
    return f"IF(MIN({cum})<0,INDEX({months},MATCH(MIN({cum}),{cum},0)),-1)"


def _write_requirement(model: Model) -> None:
    block, at, funding = model.blocks["requirement"], model.at, model.funding
    page = block.page
    cash, bank, dscr = model.blocks["cash"], model.blocks["bank"], model.blocks["dscr"]
    sources = model.get("sources")
    v = [block.cell("value", i, page) for i in range(block.n)]
    cum = cash.column("cumulative", page)
    months = cash.column("month", page)

    def by_kind(kind: str) -> str:
        if sources is None:
            return "=0"
        return f'=SUMIF({sources.column("kind", page)},"{kind}",{sources.column("amount", page)})'

    closing = bank.column("closing", page)
    bank_months = bank.column("month", page)
    tested = [i for i, y in enumerate(model.projection.years) if y.period >= 1]
    dscr_range = dscr.column("dscr", page, tested[0], tested[-1]) if tested else None
    lowest = (f'=IF(COUNT({dscr_range})=0,"{NO_DEBT_SERVICE}",MIN({dscr_range}))' if dscr_range
              else f'="{NO_DEBT_SERVICE}"')
    items: list[tuple[str, str, Any, str]] = [
        ("Peak funding need = −(lowest cumulative cash before funding), at least 0", f"=MAX(0,-MIN({cum}))",
         funding.peak_deficit, GBP),
        ("Month of the peak", f'=IF({v[0]}>0,INDEX({months},MATCH(MIN({cum}),{cum},0)),"none")',
         funding.peak_deficit_month, NUMBER),
        ("Cash buffer = a month's payroll × months", "=" + half_even(f"{at['monthly_payroll']}*{at['buffer_months']}"),
         funding.buffer, GBP),
        ("Contingency = (peak + buffer) × contingency on funding",
         "=" + half_even(f"({v[0]}+{v[2]})*{at['funding_contingency']}/100"), funding.contingency, GBP),
        ("Funding requirement = peak + buffer + contingency", f"={v[0]}+{v[2]}+{v[3]}", funding.requirement, GBP),
        ("Member equity", by_kind("Member equity"), funding.equity, GBP),
        ("Grants", by_kind("Grant"), funding.grants, GBP),
        ("Loans", by_kind("Loan"), funding.loans, GBP),
        ("Overdraft facilities", by_kind("Overdraft"), funding.overdrafts, GBP),
        ("Total sources", f"={v[5]}+{v[6]}+{v[7]}+{v[8]}", funding.total_sources, GBP),
        ("Shortfall = requirement − sources, at least 0", f"=MAX(0,{v[4]}-{v[9]})", funding.shortfall, GBP),
        ("Lowest cash balance after funding", f"=MIN({closing})", funding.lowest_balance, GBP),
        ("Month of the lowest balance", f"=INDEX({bank_months},MATCH(MIN({closing}),{closing},0))",
         funding.lowest_balance_month, NUMBER),
        ("Closing balance", f"=INDEX({closing},ROWS({closing}))", funding.closing_balance, GBP),
        ("Lowest debt service cover (contract years and run-off)", lowest,
         funding.lowest_dscr if funding.lowest_dscr is not None else NO_DEBT_SERVICE, RATIO),
    ]
    rows = [block.cols.row(block.row(i), {"what": label, "value": Formula(formula, fmt, estimate=program)},
                           {"value": program if program is not None else "none"})
            for i, (label, formula, program, fmt) in enumerate(items)]
    model.write(block, rows)


def _write_returns(model: Model) -> None:
    block, at, returns = model.blocks["returns"], model.at, model.returns
    page = block.page
    cash, accruals = model.blocks["cash"], model.blocks["accruals"]
    flows, months = cash.column("cash", page), cash.column("month", page)
    npv = f"SUMPRODUCT({flows},(1+{at['discount']}/100)^(-{months}/12))"
    guess = f"(1+{at['discount']}/100)^(1/12)-1"

    def payback(cumulative: str, flag: str) -> str:
        cum, paid = cash.column(cumulative, page), cash.column(flag, page)
        return f'=IF(COUNTIF({cum},"<0")=0,0,IFERROR(INDEX({months},MATCH(1,{paid},0)),"never"))'

    total = {k: f"SUM({accruals.column(k, page)})" for k in ("income", "payroll", "variable", "fixed", "mobilisation",
                                                              "depreciation", "bond", "insurance")}
    income = total["income"]
    variable = f"({total['payroll']}+{total['variable']})"
    fixed = f"({total['fixed']}+{total['mobilisation']}+{total['depreciation']}+{total['bond']}+{total['insurance']})"
    items: list[tuple[str, str, Any, str]] = [
        ("Total cash flow before funding (undiscounted)", f"=SUM({flows})",
         returns.total_cash_flow if returns else None, GBP),
        ("Net present value = Σ cash × (1 + discount rate)^(−month ÷ 12)", "=" + half_even(npv),
         returns.npv if returns else None, GBP),
        ("Internal rate of return a year (monthly IRR made annual)",
         f"=((1+IRR({flows},{guess}))^12-1)*100", returns.irr_pct if returns and returns.irr_pct is not None
         else (returns.irr_note if returns else None), IRR_FORMAT),
        ("Payback month (from the start of mobilisation)", payback("cumulative", "paid_back"),
         _or_never(returns.payback_month if returns else None), NUMBER),
        ("Discounted payback month", payback("discounted_cumulative", "discounted_paid_back"),
         _or_never(returns.discounted_payback_month if returns else None), NUMBER),
        ("Break-even volume (% of planned) = fixed costs ÷ (income − volume-driven costs)",
         f'=IF({income}-{variable}>0,{half_even(f"{fixed}/({income}-{variable})*100")},"none")',
         returns.break_even_volume_pct if returns else None, PERCENT_POINTS),
        ("Break-even price (% of the bid prices) = all costs ÷ income",
         f'=IF({income}>0,{half_even(f"({variable}+{fixed})/{income}*100")},"none")',
         returns.break_even_price_pct if returns else None, PERCENT_POINTS),
    ]
    if returns is not None and returns.irr_pct is None:
        items[2] = ("Internal rate of return a year", '="none"', "none", IRR_FORMAT)
    rows = [block.cols.row(block.row(i), {"what": label, "value": Formula(formula, fmt, estimate=program)},
                           {"value": program if program is not None else "none"})
            for i, (label, formula, program, fmt) in enumerate(items)]
    model.write(block, rows)


def _or_never(month: int | None) -> Any:
    return "never" if month is None else month


def _write_dscr(model: Model) -> None:
    block, funding = model.blocks["dscr"], model.funding
    page = block.page
    cash, accruals, bank = model.blocks["cash"], model.blocks["accruals"], model.blocks["bank"]
    trading = model.blocks["pnl_trading"]
    peak = _peak_month(model, page)
    rows = []
    for i, ((_p, label, t0, t1), d) in enumerate(zip(periods_of(model), funding.dscr, strict=True)):
        c = {k: block.cell(k, i, page) for k in block.cols.index}

        def span(b: Block, key: str, t0: int = t0, t1: int = t1) -> str:
            return b.column(key, page, t0, t1)

        operating = "-".join([span(cash, "receipts")] + [span(cash, k) for k in (
            "payroll_paid", "non_pay_paid", "bond_paid", "insurance_paid", "mobilisation_paid")])
        built = "+".join([span(accruals, "capex"), span(accruals, "income")]) + "".join(
            f"-{span(accruals, k)}" for k in ("payroll", "non_pay", "bond", "insurance", "mobilisation")) + \
            f"-{span(cash, 'receipts')}" + "".join(f"+{span(cash, k)}" for k in (
                "payroll_paid", "non_pay_paid", "bond_paid", "insurance_paid", "mobilisation_paid"))
        rows.append(block.cols.row(block.row(i), {
            "period": label,
            "operating_cash": Formula(f"=SUMPRODUCT({operating})"),
            "ebitda": Formula(f"={trading.cell('ebitda', i, page)}"),
            "tax_paid": Formula(f"=SUM({span(bank, 'tax_paid')})"),
            "capex": Formula(f"=SUM({span(cash, 'capex_paid')})"),
            "working_capital": Formula(f"={c['ebitda']}-{c['operating_cash']}"),
            "funded": Formula(f"=SUMPRODUCT(({span(cash, 'month')}<={peak})*({built}))"),
            "cfads": Formula(f"={c['ebitda']}-{c['tax_paid']}-{c['capex']}-{c['working_capital']}+{c['funded']}"),
            "interest": Formula(f"=SUM({span(bank, 'interest_paid')})"),
            "principal": Formula(f"=SUM({span(bank, 'loan_repaid')})"),
            "service": Formula(f"={c['interest']}+{c['principal']}"),
            "dscr": Formula(f'=IF({c["service"]}>0,{half_even(c["cfads"] + "/" + c["service"])},"{NO_DEBT_SERVICE}")',
                            estimate=d.dscr),
            "tested": "Yes" if d.tested else "No",
        }, {"tax_paid": d.tax_paid, "capex": d.capex, "working_capital": d.working_capital_increase,
            "funded": d.funded_by_requirement, "cfads": d.cfads, "interest": d.interest, "principal": d.principal,
            "service": d.debt_service, "dscr": d.dscr if d.dscr is not None else NO_DEBT_SERVICE}))
    model.write(block, rows)


SECTION = (plan, write)
