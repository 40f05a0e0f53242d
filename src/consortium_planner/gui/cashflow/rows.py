"""The Cash flow tab's tables as document ``Table``s (no Qt here: they could feed the PDF and the workbook).

Profit and loss, cash and debt service cover by period (periods across, lines down), the funding
sources and each loan's payments, each member's profit, and every month. Every figure is the
domain's (``projection.period_cash`` adds the months into periods); a cell's status is its colour,
its note the tooltip. The period tables are read with their first column as row names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from ...domain.model import FundingKind, Structure
from ...domain.money import ZERO, format_decimal
from ...domain.projection import Capital, LoanSchedule, MonthRow, Projection, period_cash
from ...reports.document import Cell, Column, Kind, Status, Table

__all__ = ["LOAN_COLUMNS", "MONTH_COLUMNS", "SOURCE_COLUMNS", "cash_table", "dscr_table", "loan_table", "long_month",
           "member_total_table", "member_year_table", "month", "month_table", "pct", "period_columns", "pnl_table",
           "ratio", "sentence", "source_table"]


def month(d: dt.date | None) -> str:
    return d.strftime("%b %Y") if d is not None else "—"


def long_month(d: dt.date | None) -> str:
    return d.strftime("%B %Y") if d is not None else "—"


def pct(value: Decimal | None, places: int = 2) -> str:
    return format_decimal(value, places, missing="—") + ("%" if value is not None else "")


def ratio(value: Decimal | None) -> str:
    return format_decimal(value, 2, missing="—")


def sentence(text: str) -> str:
    text = text.strip()
    return (text[0].upper() + text[1:]) if text else text


def money(value: Decimal | None, *, bold: bool = False, italic: bool = False, note: str = "",
          blank_zero: bool = False) -> Cell:
    """A money cell; nothing shown for None (and for zero with ``blank_zero``)."""
    if value is None or (blank_zero and value == 0):
        return Cell(None, text="", note=note, bold=bold, italic=italic)
    return Cell(value, note=note, bold=bold, italic=italic)


def label(text: str, note: str = "", *, bold: bool = False, italic: bool = False) -> Cell:
    return Cell(text, note=note, bold=bold, italic=italic)


# --------------------------------------------------------------------------- tables by period


def period_columns(p: Projection, first: str, total: bool = True) -> tuple[Column, ...]:
    """The row names' column (``first``), a column per period, and the whole projection's."""
    columns = [Column(first)]
    for y in p.years:
        extra = " An extension year." if y.is_extension else ""
        columns.append(Column(f"{y.label.replace(' (extension)', ' (ext.)')}\n{y.starts:%b %y}–{y.ends:%b %y}",
                              Kind.MONEY, note=f"{y.label}: {y.starts:%d/%m/%Y} to {y.ends:%d/%m/%Y} "
                                               f"({y.months} months).{extra}"))
    if total:
        columns.append(Column("Total\nprojection", Kind.MONEY, note=f"The whole projection, "
                              f"{p.mobilisation_start:%d/%m/%Y} to {p.projection_end:%d/%m/%Y}"))
    return tuple(columns)


def flow_row(name: str, values: Sequence[Decimal], note: str = "", *, bold: bool = False, italic: bool = False,
             total: Decimal | None | bool = True) -> tuple[Cell, ...]:
    """A line by period; ``total``: True sums it, a Decimal is the total to show (a balance), else nothing."""
    cells = [label(name, note, bold=bold, italic=italic)]
    cells += [money(v, bold=bold, italic=italic) for v in values]
    if total is True:
        cells.append(money(sum(values, ZERO), bold=True, italic=italic))
    elif isinstance(total, Decimal):
        cells.append(money(total, bold=True, italic=italic))
    else:
        cells.append(Cell(None, text=""))
    return tuple(cells)


def pnl_table(p: Projection) -> Table:
    """Profit and loss by period (columns), line items down (rows), as the domain computed them."""
    ys = p.years

    def col(attr: str) -> list[Decimal]:
        return [getattr(y, attr) for y in ys]

    rows = [
        flow_row("Income", col("income"), "The contract's price for the months of the period, at the ramped volume",
                  bold=True, total=p.total_income),
        flow_row("Payroll", col("payroll"), "Staff costs of delivery (the build-up's staff share, pay uplift)"),
        flow_row("Non-pay", col("non_pay"), "Variable non-pay, members' fixed costs and the shared back office"),
        flow_row("Performance bond", col("bond"), "The bond's premium, charged monthly over each contract year"),
        flow_row("Insurance", col("insurance"), "The option's insurance a year, indexed by CPI"),
        flow_row("Mobilisation", col("mobilisation"), "One-off mobilisation costs"),
        flow_row("EBITDA", col("ebitda"), "Income − payroll − non-pay − bond − insurance − mobilisation", bold=True,
                  total=p.total_ebitda),
        flow_row("Depreciation", col("depreciation"), "Capital expenditure written off over its useful life"),
        flow_row("Grant income", col("grant_income"), "Grants are income when they come in"),
        flow_row("Interest", col("interest"), "On loans and overdrafts"),
        flow_row("Loan fees", col("arrangement_fees"), "Arrangement fees when drawn and commitment fees on sums "
                                                        "committed but not drawn, expensed when paid"),
        flow_row("Profit before tax", col("profit_before_tax"), "EBITDA − depreciation + grants − interest − fees",
                  bold=True, total=p.total_profit_before_tax),
        flow_row("Tax", col("tax"), p.tax_basis, total=p.total_tax),
        flow_row("Profit after tax", col("profit_after_tax"), "", bold=True, total=p.total_profit_after_tax),
    ]
    if p.structure in (Structure.SPV, Structure.SECONDARY_COOP):
        rows.append(flow_row("Retained by vehicle", col("retained_by_vehicle"),
                              "Profit after tax not shared out by the members' profit shares", italic=True))
    rows.append(flow_row("Management fee", col("management_fee"),
                          "Inside income: paid by the members to the lead or vehicle out of the price. For "
                          "information; not a cost of the consortium as a whole", italic=True))
    return Table("pnl_by_period", period_columns(p, "Profit and loss"), tuple(rows), title="Profit and loss by period")


def cash_table(p: Projection) -> Table:
    cs = period_cash(p)

    def col(attr: str) -> list[Decimal]:
        return [getattr(c, attr) for c in cs]

    first_open = cs[0].opening if cs else ZERO
    last_close = cs[-1].closing if cs else ZERO
    last_cum = cs[-1].cumulative_before_funding if cs else ZERO
    rows = [
        flow_row("Opening balance", col("opening"), "The bank balance at the start of the period", total=first_open),
        flow_row("Receipts from the buyer", col("receipts"), f"Invoices paid {p.receipt_lag_months} months after "
                                                              "the month worked"),
        flow_row("Equity in", col("equity_in"), "Members' equity, on its drawdown month"),
        flow_row("Grants in", col("grants_in"), "Grants, on their drawdown month"),
        flow_row("Loans drawn", col("loans_in"), "Loans, on their drawdown month"),
        flow_row("Overdraft drawn", col("overdraft_drawn"), "Drawn automatically when cash would go below zero"),
        flow_row("Total received", col("total_receipts"), "", bold=True),
        flow_row("Payroll", col("payroll"), "Paid in the month worked"),
        flow_row("Non-pay", col("non_pay"), f"Paid {p.non_pay_lag_months} months after it is incurred"),
        flow_row("Bond and insurance", col("bond_and_insurance"), "The bond's premium at the start of each contract "
                                                                    "year; insurance monthly"),
        flow_row("Mobilisation", col("mobilisation"), "One-off mobilisation costs"),
        flow_row("Capital expenditure", col("capex"), "Paid in its month"),
        flow_row("Tax", col("tax"), f"Each period's tax, paid {p.tax_lag_months} months after it ends"),
        flow_row("Interest and fees", col("interest_and_fees"), "Loan and overdraft interest and arrangement fees"),
        flow_row("Loans repaid", col("loan_repaid"), "Loan principal"),
        flow_row("Overdraft repaid", col("overdraft_repaid"), "Repaid as soon as cash allows"),
        flow_row("Total paid", col("total_payments"), "", bold=True),
        flow_row("Closing balance", col("closing"), "Opening + total received − total paid", bold=True,
                  total=last_close),
        flow_row("Cash flow before funding", col("cash_before_funding"),
                  "The project's own cash flow: receipts less operating payments, capital spending and tax on the "
                  "operating profit (the basis of the funding requirement and the returns)", italic=True),
        flow_row("Cumulative before funding", col("cumulative_before_funding"),
                  "At the end of the period", italic=True, total=last_cum),
    ]
    return Table("cash_by_period", period_columns(p, "Cash"), tuple(rows), title="Cash by period")


def dscr_table(capital: Capital) -> Table:
    f = capital.funding
    ds = f.dscr

    def col(attr: str) -> list[Decimal]:
        return [getattr(d, attr) for d in ds]

    def row(name: str, attr: str, note: str, bold: bool = False) -> tuple[Cell, ...]:
        return (label(name, note, bold=bold), *(money(v, bold=bold) for v in col(attr)))

    ratio_cells = []
    for d in ds:
        if d.dscr is None:
            ratio_cells.append(Cell(None, Status.GREY, Kind.NUMBER, text="—",
                                    note="No interest or principal to cover in the period"))
        elif not d.tested:
            ratio_cells.append(Cell(d.dscr, Status.GREY, Kind.NUMBER, text=f"{ratio(d.dscr)}× (not tested)",
                                    note="Mobilisation is shown, not tested against the lender's minimum"))
        elif d.below_minimum:
            ratio_cells.append(Cell(d.dscr, Status.RED, Kind.NUMBER, text=f"✗ {ratio(d.dscr)}×", bold=True,
                                    note=f"Below the lender's minimum of {ratio(f.min_dscr)}×"))
        else:
            ratio_cells.append(Cell(d.dscr, Status.GREEN, Kind.NUMBER, text=f"✓ {ratio(d.dscr)}×", bold=True,
                                    note=f"Meets the lender's minimum of {ratio(f.min_dscr)}×"))
    rows = [
        row("EBITDA", "ebitda", "From the P&L"),
        row("Tax paid", "tax_paid", "Tax actually paid in the period"),
        row("Capital expenditure", "capex", "Paid in the period"),
        row("Increase in working capital", "working_capital_increase", "EBITDA − operating cash before tax"),
        row("Paid for by the funding", "funded_by_requirement",
            "Capital spending and working capital built up until the peak funding need: the funding requirement "
            "pays for them, so they are added back"),
        row("CFADS", "cfads", "Cash flow available for debt service: EBITDA − tax paid − capital expenditure − the "
                              "increase in working capital + what the funding paid for", bold=True),
        row("Interest", "interest", "On loans and overdrafts"),
        row("Loan principal", "principal", "Loan repayments"),
        row("Debt service", "debt_service", "Interest + principal", bold=True),
        (label("DSCR", f"CFADS ÷ debt service; lenders look for at least {ratio(f.min_dscr)}×", bold=True),
         *ratio_cells),
    ]
    return Table("debt_service_cover", period_columns(capital.projection, "Debt service cover", total=False),
                 tuple(rows), title="Debt service cover by period")



# --------------------------------------------------------------------------- funding and loans

SOURCE_COLUMNS = (Column("Source"), Column("Kind"), Column("Member"), Column("Amount", Kind.MONEY), Column("Drawn"),
                  Column("Fees", Kind.MONEY, note="Arrangement fee, and commitment fees on sums not drawn"),
                  Column("Interest paid", Kind.MONEY),
                  Column("Repaid", Kind.MONEY), Column("Owed at the end", Kind.MONEY), Column("Most drawn", Kind.MONEY))


def source_table(capital: Capital) -> Table:
    """The funding sources (for loans and overdrafts, what they cost and what is owed), and their total."""
    f = capital.funding
    rows = []
    for s in f.sources:
        loanish = s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT)
        rows.append((
            label(s.name), label(s.kind.label), label(s.member_name),
            money(s.amount, note="For an overdraft: the facility"),
            label(f"{s.drawdown_date:%b %Y} (month {s.drawdown_month})"),
            money(s.arrangement_fee + s.commitment_fees if loanish else None), money(s.interest if loanish else None),
            money(s.repaid if loanish else None), money(s.outstanding_at_end if loanish else None),
            money(s.peak_drawn if s.kind is FundingKind.OVERDRAFT else None)))
    rows.append((label("Total"), label(""), label(""), money(f.total_sources),
                 *(money(None) for _ in SOURCE_COLUMNS[4:])))
    return Table("funding_sources", SOURCE_COLUMNS, tuple(rows), title="Funding sources", total_rows=1)


LOAN_COLUMNS = (Column("Month"), Column("Date"), Column("Opening balance", Kind.MONEY), Column("Interest", Kind.MONEY),
                Column("Principal", Kind.MONEY), Column("Payment", Kind.MONEY), Column("Closing balance", Kind.MONEY))


def loan_table(loan: LoanSchedule, months: Sequence[MonthRow]) -> Table:
    """A loan's payments month by month, and their totals."""
    dates = {r.month: r.starts for r in months}
    rows = [(label(str(pmt.month)), label(month(dates.get(pmt.month))), money(pmt.opening), money(pmt.interest),
             money(pmt.principal), money(pmt.payment), money(pmt.closing)) for pmt in loan.payments]
    rows.append((label("Total"), label(""), money(None), money(sum((x.interest for x in loan.payments), ZERO)),
                 money(sum((x.principal for x in loan.payments), ZERO)),
                 money(sum((x.payment for x in loan.payments), ZERO)), money(None)))
    return Table("loan_schedule", LOAN_COLUMNS, tuple(rows), title=f"{loan.name}: payments", total_rows=1)


# --------------------------------------------------------------------------- members


def member_total_table(p: Projection) -> Table:
    """Each member's share of the profit over the projection, and the totals."""
    vehicle = p.structure in (Structure.SPV, Structure.SECONDARY_COOP)
    pbt_note = "Its share of the vehicle's profit after tax" if vehicle else ""
    tax_note = ("The vehicle pays the tax; members receive their shares after it" if vehicle
                else "Charities and CIOs pay none")
    columns = (Column("Member"), Column("Role"), Column("Profit share", Kind.PERCENT, note="Its share of the profit"),
               Column("Tax rate", Kind.PERCENT, note="What it pays on its own profit"),
               Column("Work value", Kind.MONEY, note="Its share of the price over the projection"),
               Column("Profit before tax", Kind.MONEY), Column("Tax", Kind.MONEY),
               Column("Profit after tax", Kind.MONEY))
    rows: list[tuple[Cell, ...]] = [(
        label(m.organisation_name, f"{m.organisation_name} ({m.role.lower()})"), label(m.role),
        Cell(m.profit_share_pct), Cell(m.tax_rate_pct, note=tax_note if m.tax_rate_pct == 0 else ""),
        money(m.work_value, note="Its share of the price"), money(m.profit_before_tax, note=pbt_note),
        money(m.tax), money(m.profit_after_tax, bold=True)) for m in p.members]
    if p.members:
        rows.append((label("Total"), label(""), Cell(None, text=""), Cell(None, text=""),
                     money(sum((m.work_value for m in p.members), ZERO)),
                     money(sum((m.profit_before_tax for m in p.members), ZERO)),
                     money(sum((m.tax for m in p.members), ZERO)),
                     money(sum((m.profit_after_tax for m in p.members), ZERO))))
    return Table("member_profit", columns, tuple(rows), title="Each member's profit over the projection",
                 total_rows=1 if p.members else 0)


def member_year_table(p: Projection) -> Table:
    """Each member's profit after tax by period."""
    rows = []
    for m in p.members:
        by_period = {y.period: y for y in m.years}
        values = [by_period[y.period].profit_after_tax if y.period in by_period else ZERO for y in p.years]
        rows.append(flow_row(m.organisation_name, values, f"{m.organisation_name}: profit after tax by period"))
    return Table("member_profit_by_period", period_columns(p, "Member"), tuple(rows),
                 title="Profit after tax by period")


# --------------------------------------------------------------------------- months

MONTH_COLUMNS = (
    Column("Month"), Column("Starts"), Column("Phase"),
    Column("Volume", Kind.PERCENT, 0, note="Share of the planned volume delivered (ramp-up)"),
    Column("Income", Kind.MONEY, note="Invoiced for the month"),
    Column("Receipts", Kind.MONEY, note="Paid by the buyer in the month"),
    Column("Operating payments", Kind.MONEY,
           note="Payroll, non-pay, bond, insurance, mobilisation and capital expenditure paid"),
    Column("Tax (operating)", Kind.MONEY,
           note="Tax on the operating profit (the unfunded basis of the funding requirement and the returns)"),
    Column("Cash before funding", Kind.MONEY, note="Receipts − operating payments − tax on the operating profit"),
    Column("Cumulative before funding", Kind.MONEY),
    Column("Funding in", Kind.MONEY, note="Equity, grants, loans and overdraft drawn"),
    Column("Financing paid", Kind.MONEY, note="Interest, arrangement fees, loan and overdraft repayments"),
    Column("Tax paid", Kind.MONEY, note="Tax actually paid, after financing costs"),
    Column("Closing balance", Kind.MONEY, note="The bank balance at the month end"),
    Column("Overdraft owed", Kind.MONEY), Column("Loans owed", Kind.MONEY),
)


def month_table(p: Projection) -> Table:
    """Every month of the projection (month 0 is the first of mobilisation)."""
    rows = []
    for r in p.months:
        operating = r.payroll_paid + r.non_pay_paid + r.bond_paid + r.insurance_paid + r.mobilisation_paid \
            + r.capex_paid
        funding_in = r.equity_in + r.grants_in + r.loans_in + r.overdraft_drawn
        financing = r.interest_paid + r.arrangement_fees_paid + r.loan_repaid + r.overdraft_repaid
        rows.append((
            label(str(r.month)), label(f"{r.starts:%b %Y}"), label(r.phase),
            Cell(r.volume_pct) if r.phase == "service" else Cell(None, text=""),
            money(r.income, blank_zero=True), money(r.receipts, blank_zero=True),
            money(operating, blank_zero=True), money(r.operating_tax_paid, blank_zero=True),
            money(r.cash_before_funding), money(r.cumulative_before_funding),
            money(funding_in, blank_zero=True), money(financing, blank_zero=True),
            money(r.tax_paid, blank_zero=True), money(r.closing_balance, bold=True),
            money(r.overdraft_balance, blank_zero=True), money(r.loan_balance, blank_zero=True)))
    return Table("months", MONTH_COLUMNS, tuple(rows), title="Every month")
