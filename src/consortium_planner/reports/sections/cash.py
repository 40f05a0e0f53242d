"""Cash presented: the financial projection, the funding requirement and its sources, and the returns
(``domain/projection.py``'s Projection, FundingResult and Returns)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from ...domain import projection as _projection
from ...domain.findings import Severity, worst
from ...domain.model import FundingKind, LoanRepayment
from ...domain.money import ZERO, format_decimal, format_gbp
from ...domain.projection.after_service import after_service
from ..document import (
    Block,
    Bullets,
    Cell,
    Chart,
    ChartKind,
    Column,
    Heading,
    KeyFigure,
    KeyFigures,
    Kind,
    Paragraph,
    ReferenceLine,
    Series,
    Status,
    Table,
    cell,
    format_value,
    money_text,
    status_of,
)
from .context import CaseContext, date_text, join_names, month_text

__all__ = ["build_funding", "build_projection", "build_returns", "funding_ask", "funding_cures", "funding_key_figures",
           "member_returns_table", "uses_table"]

PERIODS_PER_TABLE = 4  # P&L columns (periods) per table

#: The P&L lines by period: (label, attribute of ProjectionYear, is a subtotal).
PNL_LINES: tuple[tuple[str, str, bool], ...] = (
    ("Income", "income", False), ("Payroll", "payroll", False), ("Non-pay", "non_pay", False),
    ("Delivery cost", "delivery_cost", True), ("Performance bond", "bond", False), ("Insurance", "insurance", False),
    ("Mobilisation costs", "mobilisation", False), ("EBITDA", "ebitda", True), ("Depreciation", "depreciation", False),
    ("EBIT", "ebit", True), ("Grant income", "grant_income", False), ("Interest", "interest", False),
    ("Loan fees", "arrangement_fees", False), ("Profit before tax", "profit_before_tax", True),
    ("Tax", "tax", False), ("Profit after tax", "profit_after_tax", True),
    ("Capital expenditure", "capex", False), ("Cash flow before funding", "cash_before_funding", False),
    ("Bank balance at the end", "closing_balance", False),
)


def _red_if_negative(amount: Decimal) -> Status | None:
    return Status.RED if amount < 0 else None


def funding_key_figures(ctx: CaseContext) -> list[KeyFigure]:
    """The funding requirement and the NPV, for the executive summary's key figures.

    The requirement is green only when no funding finding is serious (no shortfall, cash never below zero,
    debt service cover at the covenant); the NPV says when it relies on cash after the service ends."""
    out: list[KeyFigure] = []
    funding: _projection.FundingResult | None = ctx.result("funding")
    if funding is not None:
        red = [f for f in ctx.results.findings(["funding"]) if f.severity.red]
        if funding.shortfall > 0:
            note = f"shortfall {money_text(funding.shortfall)}"
        elif funding.lowest_balance < 0:
            note = f"cash falls to {money_text(funding.lowest_balance)}"
        elif funding.dscr_ok is False and funding.lowest_dscr is not None:
            note = f"debt service cover {format_decimal(funding.lowest_dscr)}"
        else:
            note = f"sources {money_text(funding.total_sources)}"
        out.append(KeyFigure("Funding requirement", funding.requirement, Kind.MONEY,
                             status=status_of(worst(red) or Severity.SERIOUS) if red else Status.GREEN,
                             note=note))
    returns: _projection.Returns | None = ctx.result("returns")
    projection: _projection.Projection | None = ctx.result("projection")
    if returns is not None:
        note = ("IRR " + format_value(returns.irr_pct, Kind.PERCENT)) if returns.irr_pct is not None else "no IRR"
        if projection is not None:
            after = after_service(projection, returns)
            if after.npv_relies_on_it:
                note = f"positive only with {money_text(after.run_off_cash)} collected after the service ends"
        out.append(KeyFigure(f"NPV at {format_decimal(returns.discount_rate_pct)}%", returns.npv, Kind.MONEY,
                             status=_red_if_negative(returns.npv), note=note))
    return out


def funding_ask(ctx: CaseContext) -> str:
    """One paragraph: how much funding, why, from which sources, and what is still wrong with it ("" without
    funding). It says the sources cover the need only when no funding finding says otherwise."""
    funding: _projection.FundingResult | None = ctx.result("funding")
    if funding is None:
        return ""
    parts = []
    for amount, what in ((funding.equity, "member equity"), (funding.grants, "grants"), (funding.loans, "loans"),
                         (funding.overdrafts, "overdraft facilities")):
        if amount:
            parts.append(f"{money_text(amount)} of {what}")
    sentence = (f"The consortium needs {money_text(funding.requirement)} of funding to carry it through mobilisation "
                "and the wait for the buyer's first payments")
    if funding.peak_deficit_date is not None:
        sentence += f" (the cash low point, before funding, is in {month_text(funding.peak_deficit_date)})"
    sentence += "."
    if not parts:
        return sentence + " No sources of funding are planned yet."
    sentence += f" The sources planned are {join_names(parts)}, {money_text(funding.total_sources)} in all"
    problems = []
    if funding.shortfall > 0:
        problems.append(f"a shortfall of {money_text(funding.shortfall)} to raise")
    if funding.lowest_balance < 0:
        problems.append(f"cash still falls to {money_text(funding.lowest_balance)} in "
                        f"{month_text(funding.lowest_balance_date)}")
    if funding.dscr_ok is False and funding.lowest_dscr is not None:
        problems.append(f"debt service cover falls to {format_decimal(funding.lowest_dscr)} against the "
                        f"{format_decimal(funding.min_dscr)} lenders look for")
    if not problems:
        return sentence + ", which covers it."
    return sentence + ", leaving " + join_names(problems) + " (the conditions in the verdict say what would cure it)."


def funding_cures(ctx: CaseContext) -> list[str]:
    """What would cure each funding finding, as the funding rules state it (``domain/projection/advice.py``)."""
    return [f.cure for f in ctx.results.findings(["funding"]) if f.severity.red and f.cure]


# --------------------------------------------------------------------------- projection


def build_projection(ctx: CaseContext) -> list[Block] | None:
    projection: _projection.Projection | None = ctx.result("projection")
    if projection is None:
        return None
    blocks: list[Block] = [Paragraph(
        f"Mobilisation runs for {projection.mobilisation_months} months from "
        f"{date_text(projection.mobilisation_start)}; the service runs from {date_text(projection.service_start)} "
        f"to {date_text(projection.service_end)}"
        + (" (with extensions)" if projection.include_extensions else " (the term, without extensions)")
        + f", volumes building up over {projection.ramp_up_months} months. The buyer pays each month's invoice "
        f"{projection.receipt_lag_months} months after the work; non-pay is paid {projection.non_pay_lag_months} month"
        f"{'s' if projection.non_pay_lag_months != 1 else ''} after it is incurred and tax "
        f"{projection.tax_lag_months} months after the period. {projection.tax_basis}")]
    blocks.append(KeyFigures((
        KeyFigure("Income over the projection", projection.total_income, Kind.MONEY),
        KeyFigure("EBITDA", projection.total_ebitda, Kind.MONEY, status=_red_if_negative(projection.total_ebitda)),
        KeyFigure("Profit after tax", projection.total_profit_after_tax, Kind.MONEY,
                  status=_red_if_negative(projection.total_profit_after_tax)),
        KeyFigure("Cash at the end", projection.closing_balance, Kind.MONEY,
                  status=_red_if_negative(projection.closing_balance)),
    ), title="Over the whole projection"))
    markets = ctx.result("markets")
    if markets is not None and markets.segments:
        blocks.append(Paragraph(
            f"These figures are the tender's alone. The option's {len(markets.segments)} new market"
            f"{'s' if len(markets.segments) != 1 else ''} add {format_gbp(markets.market_revenue, pence=False)} of "
            f"revenue and {format_gbp(markets.market_contribution, pence=False)} of contribution over the same "
            "months, shown apart under Diversification, by period and for each member.", style="note"))
    blocks.append(Heading("Profit and loss by period"))
    blocks.extend(_profit_and_loss(projection))
    if projection.months:
        blocks.append(Heading("Monthly cash"))
        blocks.extend(_monthly_cash(projection, ctx.result("funding")))
    if projection.members:
        blocks.append(Heading("What each member earns"))
        blocks.append(member_returns_table(projection))
    return blocks


def member_returns_table(projection: _projection.Projection) -> Table:
    """What each member earns over the whole projection, with the total (the workbook shows it too)."""
    members = projection.members
    rows = [(cell(m.organisation_name), cell(m.role), cell(m.profit_share_pct), cell(m.tax_rate_pct),
             cell(m.work_value), cell(m.profit_before_tax), cell(m.tax), cell(m.profit_after_tax)) for m in members]
    rows.append((cell("Total"), cell(""), cell(None), cell(None), cell(sum((m.work_value for m in members), ZERO)),
                 cell(sum((m.profit_before_tax for m in members), ZERO)), cell(sum((m.tax for m in members), ZERO)),
                 cell(sum((m.profit_after_tax for m in members), ZERO))))
    return Table("member_returns", (
        Column("Member"), Column("Role"), Column("Profit share", Kind.PERCENT, 0),
        Column("Tax rate", Kind.PERCENT, 0), Column("Work", Kind.MONEY), Column("Profit before tax", Kind.MONEY),
        Column("Tax", Kind.MONEY), Column("Profit after tax", Kind.MONEY)), tuple(rows), total_rows=1,
        note="Over the whole projection. Work: the member's share of the price.")


def _profit_and_loss(projection: _projection.Projection) -> list[Block]:
    """The P&L by period, a few periods (and the total) to a table."""
    years = list(projection.years)
    totals = {attr: sum((getattr(y, attr) for y in years), ZERO) for _, attr, _ in PNL_LINES}
    totals["closing_balance"] = projection.closing_balance
    columns: list[tuple[str, Callable[[str], Decimal]]] = [
        (y.label + (" (extension)" if y.is_extension else ""), lambda attr, y=y: getattr(y, attr)) for y in years]
    columns.append(("Total", lambda attr: totals[attr]))
    out: list[Block] = []
    for n in range(0, len(columns), PERIODS_PER_TABLE):
        chunk = columns[n:n + PERIODS_PER_TABLE]
        rows = tuple((cell(label),) + tuple(cell(value_of(attr)) for _, value_of in chunk)
                     for label, attr, _ in PNL_LINES)
        out.append(Table("profit_and_loss" if n == 0 else f"profit_and_loss_{n // PERIODS_PER_TABLE + 1}",
                         (Column("£"),) + tuple(Column(name, Kind.MONEY) for name, _ in chunk), rows,
                         highlight_rows=tuple(i for i, (_, _, subtotal) in enumerate(PNL_LINES) if subtotal),
                         first_column_width=Decimal("0.28"),
                         note="" if n + PERIODS_PER_TABLE < len(columns) else
                         "The management fee sits inside income: it moves money between members and is not a "
                         "cost of the consortium. The first year's income is lower than its price while volumes "
                         "build up."))
    return out


def _monthly_cash(projection: _projection.Projection, funding: _projection.FundingResult | None) -> list[Block]:
    """The cash chart over the whole projection, and a table through mobilisation and the first year of service."""
    months = list(projection.months)
    service_month = projection.mobilisation_months
    out: list[Block] = [Chart(
        "monthly_cash", ChartKind.LINE, "Cash by month", (),
        (Series("Cumulative cash before funding", tuple(m.cumulative_before_funding for m in months)),
         Series("Bank balance after funding", tuple(m.closing_balance for m in months))),
        "Months from the start of mobilisation", "£", y_kind=Kind.MONEY, x_kind=Kind.NUMBER,
        x_values=tuple(Decimal(m.month) for m in months),
        references=(ReferenceLine(f"Service starts ({month_text(projection.service_start)})",
                                  Decimal(service_month), "x", show_value=False),))]
    peak = funding.peak_deficit_month if funding is not None and funding.peak_deficit_month is not None else 0
    last = min(len(months), max(peak + 3, service_month + 12))
    rows = []
    for m in months[:last]:
        payments = m.receipts - m.cash_before_funding
        finance = m.closing_balance - m.opening_balance - m.cash_before_funding
        rows.append((cell(month_text(m.starts)), cell(m.volume_pct), cell(m.receipts), cell(payments),
                     cell(m.cash_before_funding),
                     cell(m.cumulative_before_funding, _red_if_negative(m.cumulative_before_funding)),
                     cell(finance), cell(m.closing_balance, _red_if_negative(m.closing_balance))))
    out.append(Table("monthly_cash", (
        Column("Month"), Column("Volume", Kind.PERCENT, 0), Column("Receipts", Kind.MONEY),
        Column("Payments", Kind.MONEY), Column("Net cash", Kind.MONEY),
        Column("Cumulative before funding", Kind.MONEY), Column("Funding and finance", Kind.MONEY),
        Column("Bank balance", Kind.MONEY)), tuple(rows),
        title="Through mobilisation and the first year of service",
        note="Payments: payroll, non-pay, bond, insurance, mobilisation, capital expenditure and tax on the "
             "operating profit. Funding and finance: equity, grants, loans and overdraft in, less interest, fees "
             "and repayments (and the tax difference financing makes)."))
    return out


# --------------------------------------------------------------------------- funding


def build_funding(ctx: CaseContext) -> list[Block] | None:
    funding: _projection.FundingResult | None = ctx.result("funding")
    if funding is None:
        return None
    blocks: list[Block] = []
    blocks.append(KeyFigures(tuple(x for x in (
        KeyFigure("Funding requirement", funding.requirement, Kind.MONEY),
        KeyFigure("Sources planned", funding.total_sources, Kind.MONEY),
        KeyFigure("Shortfall", funding.shortfall, Kind.MONEY,
                  status=Status.RED if funding.shortfall > 0 else Status.GREEN),
        KeyFigure("Lowest debt service cover", funding.lowest_dscr, Kind.NUMBER,
                  status=None if funding.dscr_ok is None else (Status.GREEN if funding.dscr_ok else Status.RED),
                  note=f"lenders look for {format_decimal(funding.min_dscr)}")
        if funding.lowest_dscr is not None else None,
    ) if x is not None), title="Funding at a glance"))
    ask = funding_ask(ctx)
    if ask:
        blocks.append(Paragraph(ask))
    cures = funding_cures(ctx)
    if cures:
        blocks.append(Heading("What would put the funding right"))
        blocks.append(Bullets(tuple(cures)))
    blocks.append(Heading("Use of funds"))
    blocks.append(uses_table(funding, ctx.result("projection")))
    if funding.sources:
        rows = [(cell(s.name), cell(_kind_text(s)), cell(s.amount), cell(month_text(s.drawdown_date)),
                 cell(s.arrangement_fee + s.commitment_fees), cell(s.interest), cell(s.outstanding_at_end))
                for s in funding.sources]
        rows.append((cell("Total"), cell(""), cell(funding.total_sources), cell(""),
                     cell(sum((s.arrangement_fee + s.commitment_fees for s in funding.sources), ZERO)),
                     cell(sum((s.interest for s in funding.sources), ZERO)),
                     cell(sum((s.outstanding_at_end for s in funding.sources), ZERO))))
        blocks.append(Heading("Sources of funds"))
        blocks.append(Table("sources", (
            Column("Source"), Column("Kind"), Column("Amount", Kind.MONEY), Column("Drawn"),
            Column("Fees", Kind.MONEY), Column("Interest", Kind.MONEY), Column("Owed at the end", Kind.MONEY)),
            tuple(rows), total_rows=1,
            note="Overdrafts: the facility, drawn only as cash needs it. Fees: arrangement fees when drawn and "
                 "commitment fees on sums committed but not drawn. A loan with a part as grant: the grant comes in "
                 "with it and only the rest is repaid."))
    if funding.loan_schedules:
        rows = [(cell(ls.name), cell(ls.amount), _rate_cell(ls), _true_rate_cell(ls), cell(Decimal(ls.term_months)),
                 cell(Decimal(ls.capital_holiday_months)), cell(ls.annuity), cell(ls.total_interest),
                 cell(ls.balloon)) for ls in funding.loan_schedules]
        blocks.append(Table("loans", (
            Column("Loan"), Column("Lent", Kind.MONEY), Column("Rate a year"),
            Column("True rate a year", Kind.PERCENT, note="nominal, and effective in brackets"),
            Column("Term (months)", Kind.NUMBER, 0), Column("Capital holiday (months)", Kind.NUMBER, 0),
            Column("Monthly payment", Kind.MONEY), Column("Interest in all", Kind.MONEY),
            Column("Repaid at the end", Kind.MONEY)), tuple(rows), title="Loans",
            note="A flat rate is charged on the original amount for the whole term; the true rate is the rate a year "
                 "at which the payments repay the sum lent (for a flat loan, the rate whose annuity equals its "
                 "payment)."))
    if funding.dscr:
        blocks.append(Heading("Affordability: debt service cover"))
        blocks.extend(_debt_service(funding))
    return blocks


def _kind_text(line: _projection.FundingLine) -> str:
    text = line.kind.label
    if line.kind is FundingKind.LOAN and line.repayment is LoanRepayment.FLAT:
        text += ", flat rate"
    if line.grant_part:
        text += f" ({money_text(line.grant_part)} as grant)"
    if line.secured:
        text += ", secured"
    return text


def _rate_cell(loan: _projection.LoanSchedule) -> Cell:
    text = format_value(loan.interest_rate_pct, Kind.PERCENT)
    return Cell(loan.interest_rate_pct, kind=Kind.PERCENT, text=text + " flat" if loan.flat else text)


def _true_rate_cell(loan: _projection.LoanSchedule) -> Cell:
    if loan.true_rate_pct is None:
        return cell(None)
    return Cell(loan.true_rate_pct, kind=Kind.PERCENT,
                text=f"{format_value(loan.true_rate_pct, Kind.PERCENT)} "
                     f"({format_value(loan.true_effective_rate_pct, Kind.PERCENT)})",
                note=f"{format_value(loan.effective_rate_with_fees_pct, Kind.PERCENT)} effective with the "
                     "arrangement fee")


def uses_table(funding: _projection.FundingResult, projection: _projection.Projection | None) -> Table:
    """The use of funds: what the money pays for up to the cash low point, then the buffer and contingency
    (the workbook's Funding sheet shows it too)."""
    uses: list[tuple[str, Decimal]]
    if projection is not None and funding.peak_deficit_month is not None and funding.peak_deficit > 0:
        upto = [m for m in projection.months if m.month <= funding.peak_deficit_month]
        mobilisation = sum((m.mobilisation_paid for m in upto), ZERO)
        capex = sum((m.capex_paid for m in upto), ZERO)
        uses = [("Mobilisation costs", mobilisation), ("Capital expenditure", capex),
                ("Working capital: running costs until the buyer's payments catch up",
                 funding.peak_deficit - mobilisation - capex)]
    else:
        uses = [("Cash deficit at its lowest point, before funding", funding.peak_deficit)]
    months = f"{format_decimal(funding.buffer_months, 1)} month{'s' if funding.buffer_months != 1 else ''}"
    uses += [(f"Cash buffer ({months} of payroll)", funding.buffer),
             (f"Contingency ({format_decimal(funding.contingency_pct, 0)}%)", funding.contingency)]
    rows = [(cell(use), cell(amount)) for use, amount in uses] + [(cell("Funding requirement"), cell(funding.requirement))]
    return Table("uses", (Column("Use"), Column("Amount", Kind.MONEY)), tuple(rows), total_rows=1,
                 note=(f"The cash low point before funding is {money_text(funding.peak_deficit)} in "
                       f"{month_text(funding.peak_deficit_date)}." if funding.peak_deficit_date else ""))


def _debt_service(funding: _projection.FundingResult) -> list[Block]:
    rows = []
    for d in funding.dscr:
        status = None
        if d.dscr is not None and d.tested:
            status = Status.RED if d.below_minimum else Status.GREEN
        rows.append((cell(d.label), cell(d.ebitda), cell(d.cfads), cell(d.interest), cell(d.principal),
                     cell(d.debt_service),
                     cell(d.dscr if d.dscr is not None else "no debt service", status,
                          None if d.dscr is not None else Kind.TEXT)))
    out: list[Block] = [Table("dscr", (
        Column("Period"), Column("EBITDA", Kind.MONEY), Column("CFADS", Kind.MONEY), Column("Interest", Kind.MONEY),
        Column("Principal", Kind.MONEY), Column("Debt service", Kind.MONEY), Column("DSCR", Kind.NUMBER)),
        tuple(rows),
        note=f"CFADS: EBITDA less tax paid, capital expenditure and the build-up of working capital (what the "
             f"funding requirement pays for is added back). DSCR = CFADS ÷ (interest + principal); lenders look "
             f"for at least {format_decimal(funding.min_dscr)} (an assumption: no lender publishes its covenant). "
             "Mobilisation is shown, not tested.")]
    tested = [d for d in funding.dscr if d.dscr is not None and d.tested]
    if tested:
        out.append(Chart("dscr_chart", ChartKind.BAR, "Debt service cover by period",
                         tuple(d.label for d in tested), (Series("DSCR", tuple(d.dscr for d in tested)),),
                         "Period", "DSCR (times)", y_kind=Kind.NUMBER,
                         references=(ReferenceLine("Minimum", funding.min_dscr),)))
    return out


# --------------------------------------------------------------------------- returns


def build_returns(ctx: CaseContext) -> list[Block] | None:
    returns: _projection.Returns | None = ctx.result("returns")
    if returns is None:
        return None
    blocks: list[Block] = []
    projection: _projection.Projection | None = ctx.result("projection")
    after = after_service(projection, returns) if projection is not None else None
    irr = (format_value(returns.irr_pct, Kind.PERCENT) if returns.irr_pct is not None else "none")
    payback = month_text(returns.payback_date) if returns.payback_date is not None else "not within the projection"
    if after is not None and after.payback_after_service:
        payback_note = "after the service ends, as the last invoices are paid"
    elif returns.payback_service_months is not None:
        payback_note = f"after {returns.payback_service_months} months of service"
    else:
        payback_note = ""
    npv_note = ""
    irr_note = "several rates: see below" if returns.multiple_irr else ""
    if after is not None and after.npv_relies_on_it:
        npv_note = f"relies on cash after the service ends; {money_text(after.npv_to_service_end)} without it"
    if after is not None and after.irr_relies_on_it:
        irr_note = "relies on cash after the service ends"
    blocks.append(KeyFigures((
        KeyFigure(f"NPV at {format_decimal(returns.discount_rate_pct)}%", returns.npv, Kind.MONEY,
                  status=Status.RED if returns.npv < 0 else (Status.AMBER if npv_note else Status.GREEN),
                  note=npv_note),
        KeyFigure("IRR", irr, note=irr_note),
        KeyFigure("Payback", payback, note=payback_note),
        KeyFigure("Discounted payback", month_text(returns.discounted_payback_date)
                  if returns.discounted_payback_date is not None else "not within the projection"),
        KeyFigure("Cash flow before funding", returns.total_cash_flow, Kind.MONEY, note="undiscounted, whole projection"),
        KeyFigure("Break-even volume", returns.break_even_volume_pct, Kind.PERCENT, note="of the planned volume"),
        KeyFigure("Break-even price", returns.break_even_price_pct, Kind.PERCENT, note="of the bid prices"),
    ), title="Returns at a glance"))
    blocks.append(Paragraph(returns.basis))
    if after is not None and after.run_off_cash and (after.npv_relies_on_it or after.irr_relies_on_it
                                                     or after.payback_after_service):
        irr_text = (format_value(after.irr_to_service_end_pct, Kind.PERCENT) if after.irr_to_service_end_pct
                    is not None else "none")
        blocks.append(Paragraph(
            f"These returns rely on cash after the service ends: {money_text(after.run_off_cash)} comes in once the "
            f"service has stopped (the last invoices paid and working capital coming back), and the cumulative cash "
            f"at the end of the service is {money_text(after.cumulative_at_service_end)}. On the service months "
            f"alone the NPV is {money_text(after.npv_to_service_end)} and the IRR {irr_text}."))
    if returns.irr_note:
        blocks.append(Paragraph(returns.irr_note))
    if returns.multiple_irr and returns.other_irr_pct:
        blocks.append(Paragraph("The cash flows change sign more than once, so other rates also make the NPV zero ("
                                + ", ".join(format_value(x, Kind.PERCENT) for x in returns.other_irr_pct)
                                + "); the IRR shown is the one nearest the discount rate. Read it with the NPV.",
                                "note"))
    if projection is not None and projection.years:
        running = ZERO
        rows = []
        for y in projection.years:
            running += y.cash_before_funding
            rows.append((cell(y.label), cell(y.cash_before_funding), cell(running, _red_if_negative(running))))
        blocks.append(Heading("Cash flow before funding by period"))
        blocks.append(Chart("cash_flow_chart", ChartKind.BAR, "Cash flow before funding",
                            tuple(y.label for y in projection.years),
                            (Series("Cash flow before funding",
                                    tuple(y.cash_before_funding for y in projection.years)),),
                            "Period", "£", y_kind=Kind.MONEY))
        blocks.append(Table("cash_flows", (Column("Period"), Column("Cash flow before funding", Kind.MONEY),
                                           Column("Cumulative", Kind.MONEY)), tuple(rows)))
    return blocks
