"""The ask (DOMAIN §12): what the consortium asks investors for, on what terms, what cover it leaves against
the lender's covenant, and what the investor will ask to see with what the workspace already holds.

* The instruments: each loan, overdraft and grant planned (member equity is the members' own money,
  not asked of an investor), with its amount, term, rate, true rate beside a flat rate (the rate whose
  annuity equals the flat payment), repayment profile, fees and security; a shortfall is the amount
  still to raise.
* Covenant headroom: the lowest debt service cover over the tested periods against the covenant (the
  option's minimum debt service cover, 1.25 by default [U]).
* The documents: what lenders publish that they ask for (SIB Recovery Loan Fund: the last two sets
  of accounts, the latest management accounts, a 12-month cash-flow forecast; Forward Enterprise
  Fund: a proposal, budget and cash flow for the period, an impact framework, accounts [V]) and the
  workspace's answer to each: which members have two years of accounts entered, the monthly
  projection, this case, the social outcomes, the governance and management narrative. Green: the
  workspace holds it; amber: still to write or gather.
"""

from __future__ import annotations

from decimal import Decimal

from ...domain import projection as _projection
from ...domain.findings import Severity, worst
from ...domain.model import FundingKind, LoanRepayment, SocialOutcome, Structure
from ...domain.money import format_decimal, format_gbp
from ..document import (
    Block,
    Cell,
    Column,
    Heading,
    KeyFigure,
    KeyFigures,
    Kind,
    Paragraph,
    Status,
    Table,
    cell,
    money_text,
    status_of,
)
from .context import CaseContext, date_text, join_names, month_text, paragraphs

__all__ = ["ASKED_OF_INVESTORS", "TERM_ROWS", "build_ask", "covenant_headroom", "documents_table",
           "instruments_table"]

#: the kinds of funding an investor provides (member equity is the members' own)
ASKED_OF_INVESTORS = (FundingKind.LOAN, FundingKind.OVERDRAFT, FundingKind.GRANT)
YEARS_OF_ACCOUNTS = 2  # lenders ask for the last two sets of accounts [V]


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else f"{format_decimal(value, 2)}%"


def _instrument(line: _projection.FundingLine) -> str:
    if line.kind is FundingKind.LOAN:
        text = "Loan, flat rate" if line.repayment is LoanRepayment.FLAT else "Loan, amortising"
        if line.grant_part:
            text += f", with {money_text(line.grant_part)} of it as grant"
        return text
    if line.kind is FundingKind.OVERDRAFT:
        return "Overdraft facility"
    return line.kind.label


def _repayment(line: _projection.FundingLine, loan: _projection.LoanSchedule | None) -> str:
    if line.kind is FundingKind.GRANT:
        return "not repaid"
    if line.kind is FundingKind.OVERDRAFT:
        return "drawn as cash needs it, repaid as cash allows"
    if loan is None:
        return "–"
    if not loan.term_months:
        return "interest only; no term given"
    parts = []
    repay = loan.term_months - loan.capital_holiday_months
    if loan.capital_holiday_months:
        parts.append(f"{loan.capital_holiday_months} months interest only")
    if repay > 0 and loan.annuity is not None:
        parts.append(f"{repay} monthly payments of {format_gbp(loan.annuity)}" + (" (capital in equal parts with "
                                                                                  "flat interest)" if loan.flat else ""))
    elif repay <= 0:
        parts.append("repaid in one payment at the end of the term")
    return ", then ".join(parts)


def _fees(line: _projection.FundingLine) -> str:
    parts = []
    if line.arrangement_fee:
        parts.append(f"arrangement {money_text(line.arrangement_fee)}")
    if line.commitment_fees:
        parts.append(f"commitment {money_text(line.commitment_fees)}")
    return "; ".join(parts) or ("none" if line.kind is not FundingKind.GRANT else "–")


INSTRUMENTS_PER_TABLE = 4  # instruments side by side in one table; more go to the next


def _instrument_column(line: _projection.FundingLine, loan: _projection.LoanSchedule | None) -> tuple[Cell, ...]:
    """One instrument's terms, top to bottom in ``TERM_ROWS`` order."""
    rate: Cell = cell("–")
    true: Cell = cell("–")
    if line.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT):
        flat = line.kind is FundingKind.LOAN and line.repayment is LoanRepayment.FLAT
        rate = cell(_pct(line.interest_rate_pct) + (" flat" if flat else ""))
    if loan is not None and loan.true_rate_pct is not None:
        true = Cell(loan.true_rate_pct, None, Kind.PERCENT, 2,
                    text=f"{_pct(loan.true_rate_pct)} nominal, {_pct(loan.true_effective_rate_pct)} effective",
                    note=f"The rate a year at which the payments repay the {money_text(loan.amount)} lent; "
                         f"{_pct(loan.effective_rate_with_fees_pct)} effective with the arrangement fee")
    term = f"{loan.term_months} months" if loan is not None and loan.term_months else "–"
    if line.kind is FundingKind.GRANT:
        security = "–"
    elif line.secured:
        security = "secured: " + (line.security or "what secures it is not named yet")
    else:
        security = "unsecured"
    return (cell(_instrument(line)), Cell(line.amount, kind=Kind.MONEY), cell(term), rate, true,
            cell(_repayment(line, loan)), cell(_fees(line)), cell(security))


TERM_ROWS = ("Instrument", "Amount", "Term", "Rate a year", "True rate a year", "Repayment", "Fees", "Security")


def instruments_table(funding: _projection.FundingResult) -> list[Table]:
    """Each instrument asked of investors side by side with its terms, as a lender's term sheet reads (a few
    to a table); the shortfall as the amount still to raise."""
    loans = {s.source_id: s for s in funding.loan_schedules}
    columns: list[tuple[str, tuple[Cell, ...]]] = []
    for line in funding.sources:
        if line.kind in ASKED_OF_INVESTORS:
            loan = loans.get(line.source_id) if line.kind is FundingKind.LOAN else None
            columns.append((line.name, _instrument_column(line, loan)))
    if funding.shortfall > 0:
        columns.append(("Still to raise", (cell("not yet found"), Cell(funding.shortfall, Status.RED, Kind.MONEY),
                                           *(cell("–") for _ in TERM_ROWS[2:]))))
    notes = []
    if any(s.flat for s in funding.loan_schedules):
        notes.append("A flat rate is charged on the original amount for the whole term: its true rate is the rate "
                     "whose annuity over the term equals its payment (DOMAIN §12).")
    if funding.loan_schedules:
        notes.append("True rate: the rate a year at which a loan's payments repay the sum lent.")
    if any(s.kind is not FundingKind.GRANT for s in funding.sources if s.kind in ASKED_OF_INVESTORS):
        notes.append("Fees: over the projection, arrangement fees when drawn and commitment fees on sums not yet "
                     "drawn.")
    tables = []
    for n in range(0, len(columns), INSTRUMENTS_PER_TABLE):
        chunk = columns[n:n + INSTRUMENTS_PER_TABLE]
        rows = tuple((cell(label),) + tuple(col[i] for _, col in chunk) for i, label in enumerate(TERM_ROWS))
        last = n + INSTRUMENTS_PER_TABLE >= len(columns)
        tables.append(Table("the_ask" if n == 0 else f"the_ask_{n // INSTRUMENTS_PER_TABLE + 1}",
                            (Column(""),) + tuple(Column(name) for name, _ in chunk), rows,
                            first_column_width=Decimal("0.16"),
                            note=" ".join(notes) if last else ""))
    return tables


def covenant_headroom(funding: _projection.FundingResult) -> KeyFigure:
    """The lowest debt service cover against the covenant, and by how much it clears (or misses) it."""
    if funding.lowest_dscr is None:
        return KeyFigure("Covenant headroom", "no debt service", note="no loan or overdraft interest to cover")
    gap = funding.lowest_dscr - funding.min_dscr
    worst = next((d.label for d in funding.dscr if d.tested and d.dscr == funding.lowest_dscr), "")
    return KeyFigure("Lowest debt service cover", funding.lowest_dscr, Kind.NUMBER,
                     status=Status.GREEN if gap >= 0 else Status.RED,
                     note=(f"{worst}: " if worst else "") + f"covenant {format_decimal(funding.min_dscr)}×, "
                          + (f"headroom {format_decimal(gap)}×" if gap >= 0 else f"short by {format_decimal(-gap)}×"))


def _accounts_rows(ctx: CaseContext) -> list[tuple[Cell, ...]]:
    """One row for the members' last two years of accounts: who has them entered, and who not yet."""
    rows = []
    if ctx.option.structure in (Structure.SPV, Structure.SECONDARY_COOP, Structure.LLP):
        rows.append((cell("Accounts of the borrower"),
                     cell(f"The {ctx.option.structure.label.lower()} is new: it has no accounts of its own, so "
                          "lenders look to its members' accounts and guarantees."), cell("note", Status.GREY)))
    complete, short = [], []
    for member in ctx.members:
        org = ctx.organisations.get(member.id)  # type: ignore[arg-type]
        if org is None:
            continue
        years = ctx.ws.financial_years(org.id)
        if len(years) >= YEARS_OF_ACCOUNTS:
            complete.append(org.name)
        elif years:
            short.append(f"{org.name} has one year entered (to {date_text(years[-1].year_end)})")
        else:
            short.append(f"{org.name} has none entered")
    if not complete and not short:
        return rows
    if short:
        text = "; ".join(short) + "."
        if complete:
            text += f" {join_names(complete)} {'has' if len(complete) == 1 else 'have'} two years or more."
        status = Cell("to gather", Status.AMBER)
    else:
        text = (f"Entered for every member ({len(complete)}): two years or more each; the members' accounts by "
                "year are in the track record.")
        status = Cell("held", Status.GREEN)
    rows.append((cell("The last two years' accounts"), cell(text), status))
    return rows


def documents_table(ctx: CaseContext) -> Table:
    """What investors ask for, and what the workspace already holds of it."""
    rows = _accounts_rows(ctx)
    rows.append((cell("Latest management accounts"),
                 cell("Not kept in the workspace: attach each member's latest management accounts."),
                 Cell("to gather", Status.AMBER)))
    projection: _projection.Projection | None = ctx.result("projection")
    if projection is not None:
        rows.append((cell("A 12-month cash-flow forecast"),
                     cell(f"The monthly projection: {len(projection.months)} months from "
                          f"{month_text(projection.mobilisation_start)} to {month_text(projection.projection_end)}; "
                          "the first year of service is in the Financial projections section."),
                     Cell("held", Status.GREEN)))
    else:
        refusal = ctx.results.refusal("projection")
        rows.append((cell("A 12-month cash-flow forecast"),
                     cell("The projection could not run" + (f": {refusal.reason}" if refusal else "") + "."),
                     Cell("to fix", Status.RED)))
    rows.append((cell("A proposal and budget for the period"),
                 cell("This investment case, with the profit and loss by year."), Cell("held", Status.GREEN)))
    outcomes = ctx.ws.children(SocialOutcome, ctx.option.id)
    measured = [o for o in outcomes if o.baseline is not None and o.target is not None]
    if outcomes and len(measured) == len(outcomes):
        rows.append((cell("An impact framework"),
                     cell(f"{len(outcomes)} social outcome{'s' if len(outcomes) != 1 else ''} with a baseline and a "
                          "target (the Social outcomes section)."), Cell("held", Status.GREEN)))
    else:
        held = (f"{len(measured)} of {len(outcomes)} social outcomes have both a baseline and a target."
                if outcomes else "No social outcomes entered yet (the option's Outcomes tab).")
        rows.append((cell("An impact framework"), cell(held), Cell("to write", Status.AMBER)))
    for name, what in (("governance", "Governance"), ("management_team", "The management team"),
                       ("track_record", "Track record")):
        written = bool(ctx.text(name))
        rows.append((cell(what), cell("Written for this case." if written else
                                      "Not written yet (File → Export investment case… → Narrative)."),
                     Cell("held", Status.GREEN) if written else Cell("to write", Status.AMBER)))
    return Table("investor_documents", (Column("What the investor asks for"), Column("What the workspace holds"),
                                         Column("Status")), tuple(rows), first_column_width=Decimal("0.3"),
                 note="From lenders' published terms: the SIB Recovery Loan Fund asks for the last two sets of "
                      "accounts, the latest management accounts and a 12-month cash-flow forecast; the Forward "
                      "Enterprise Fund for a proposal, a budget and cash flow for the period, an impact framework "
                      "and accounts [V].")


def _sentence(funding: _projection.FundingResult) -> str:
    asked = [s for s in funding.sources if s.kind in ASKED_OF_INVESTORS]
    total = sum((s.amount for s in asked), Decimal(0))
    text = (f"The consortium needs {money_text(funding.requirement)} of funding to carry it through mobilisation "
            "and the wait for the buyer's first payments.")
    if asked:
        kinds = join_names(sorted({_instrument(s).split(",")[0].lower() for s in asked}))
        text += f" It asks investors for {money_text(total)} ({kinds})"
        equity = funding.equity
        text += f" beside {money_text(equity)} of the members' own money" if equity else ""
        text += "."
    else:
        text += " No loan, overdraft or grant is planned yet."
    if funding.shortfall > 0:
        text += f" {money_text(funding.shortfall)} is still to raise."
    return text


def _requirement_figure(ctx: CaseContext, funding: _projection.FundingResult) -> KeyFigure:
    """The funding requirement, green only when no funding finding is serious or blocking (a shortfall, cash
    below zero, cover below the covenant): the ask never calls the funding fine while another part fails it."""
    red = [f for f in ctx.results.findings(["funding"]) if f.severity.red]
    if funding.shortfall > 0:
        note = f"shortfall {money_text(funding.shortfall)}"
    elif funding.lowest_balance < 0:
        note = f"sources cover it, but cash falls to {money_text(funding.lowest_balance)}"
    elif funding.dscr_ok is False:
        note = "sources cover it, but debt service cover is below the covenant"
    else:
        note = "covered"
    return KeyFigure("Funding requirement", funding.requirement, Kind.MONEY,
                     status=status_of(worst(red) or Severity.SERIOUS) if red else Status.GREEN, note=note)


def build_ask(ctx: CaseContext) -> list[Block]:
    blocks: list[Block] = []
    blocks.extend(paragraphs(ctx.text("the_ask")))
    funding: _projection.FundingResult | None = ctx.result("funding")
    if funding is not None:
        blocks.append(Paragraph(_sentence(funding), "lead" if not ctx.text("the_ask") else "body"))
        asked = sum((s.amount for s in funding.sources if s.kind in ASKED_OF_INVESTORS), Decimal(0))
        blocks.append(KeyFigures((
            KeyFigure("Asked of investors", asked, Kind.MONEY),
            _requirement_figure(ctx, funding),
            covenant_headroom(funding),
        ), title="The ask at a glance"))
        blocks.extend(instruments_table(funding))
    else:
        refusal = ctx.results.refusal("funding")
        blocks.append(Paragraph("The funding analysis could not run, so the amount and terms cannot be stated"
                                + (f": {refusal.reason}" if refusal else "") + "."))
    blocks.append(Heading("What the investor will ask for"))
    blocks.append(documents_table(ctx))
    return blocks
