"""The option workbook's Model sheet: the figures as live formulas over their inputs.

Derived figures are live formulas over the input cells (shaded) on the same sheet, each followed by
the figure the program computed ("Program: ...") and a check (``=IF(ABS(formula − program)<0.005,
"OK","DIFFERS")``); a count of checks that differ sits at the top. The program rounds half to even
(banker's rounding) to the penny, and so do the formulas (``half_even``):
``IF(ROUND(x*100,6)-INT(ROUND(x*100,6))=0.5, 2*ROUND(x*50,0), ROUND(x*100,0))/100`` is ROUND(x,2)
except that an exact half penny goes to the even penny (spreadsheet ROUND would round it up).
Figures the domain builds by largest-remainder allocation (shared costs and contingency split
across service lines, monthly splits), the tax rules and the loan and overdraft logic are inputs
here, not formulas; payback, DSCR and IRR stay as values on their own sheets.

``tests/reports/test_workbook.py`` recomputes the sheet in LibreOffice and compares every formula
with the program's figure to the penny: change a formula only with that test passing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from ..domain import costing as _costing
from ..domain import pricing as _pricing
from ..domain import projection as _projection
from .xlsx_common import DECIMAL_2, GBP, NUMBER, PERCENT, PERCENT_POINTS, put_formula
from .xlsx_sheet import INTEGER, IRR_FORMAT, VOLUME, Book, Col, Formula, Sheet, Value
from .xlsx_values import COST_CATEGORIES, MEMBER_COST_CATEGORIES, member_categories

__all__ = ["half_even", "write_model_sheet"]

CHECK_OK = "OK"
TOLERANCE = "0.005"

def half_even(expr: str) -> str:
    """A spreadsheet expression rounding ``expr`` half to even to the penny, as the program does.

    ROUND(x, 2) except that an exact half penny goes to the even penny. ``ROUND(x*100, 6)`` first
    clears binary floating-point noise so that an exact half penny is recognised as one.
    """
    cents = f"ROUND(({expr})*100,6)"
    return f"IF({cents}-INT({cents})=0.5,2*ROUND(({expr})*50,0),ROUND(({expr})*100,0))/100"


def _check(formula_ref: str, program_ref: str) -> Formula:
    """OK when the formula and the program's figure agree to the penny, else DIFFERS."""
    return Formula(f'=IF(ABS({formula_ref}-{program_ref})<{TOLERANCE},"{CHECK_OK}","DIFFERS")', estimate="DIFFERS")


class ModelColumns:
    """Columns of a Model table: plain columns, and formula columns each followed by program and check."""

    def __init__(self) -> None:
        self.cols: list[Col] = []
        self.index: dict[str, int] = {}

    def plain(self, key: str, title: str, fmt: str | None = None) -> None:
        self.cols.append(Col(title, fmt))
        self.index[key] = len(self.cols)

    def derived(self, key: str, title: str, fmt: str | None = GBP) -> None:
        self.plain(key, title, fmt)
        self.cols.append(Col(f"Program: {title[:1].lower()}{title[1:]}", fmt))
        self.cols.append(Col(f"Check: {title[:1].lower()}{title[1:]}"))

    def letter(self, key: str) -> str:
        return get_column_letter(self.index[key])

    def ref(self, key: str, row: int, absolute: bool = False) -> str:
        return f"${self.letter(key)}${row}" if absolute else f"{self.letter(key)}{row}"

    def row(self, r: int, values: Mapping[str, Any], programs: Mapping[str, Any] | None = None) -> list[Any]:
        """The cells of row ``r``: ``values`` by key; each derived key gets its program figure and check."""
        out: list[Any] = [None] * len(self.cols)
        programs = programs or {}
        for key, value in values.items():
            i = self.index[key]
            out[i - 1] = value
            if key in programs:
                out[i] = Value(programs[key], self.cols[i].fmt)
                out[i + 1] = _check(f"{get_column_letter(i)}{r}", f"{get_column_letter(i + 1)}{r}")
        return out


def input_value(value: Any, fmt: str | None = None) -> Value:
    """An input of the Model's formulas (shaded: the user may change it and watch them follow)."""
    return Value(value, fmt, input=True)


def write_model_sheet(book: Book) -> None:
    """The Model sheet (see the module's docstring)."""
    sheet = book.sheet("Model", "Model: the figures as live formulas over their inputs")
    sheet.note("Shaded cells are inputs; the rest are formulas over them. Beside each formula is the figure the program "
               "computed and a check (OK when they agree to the penny).")
    sheet.note("Rounding as the program does: half to even to the penny, i.e. ROUND(x,2) except that an exact half penny "
               "goes to the even penny.")
    worksheet = sheet.ws
    option, tender = book.option, book.tender
    prices, prices_err = book.result("prices")
    projection, projection_err = book.result("projection")
    funding, _ = book.result("funding")
    returns, _ = book.result("returns")

    # --------------------------------------------------------------- assumptions
    zero = Decimal(0)
    assumptions: list[tuple[str, str, Value, str]] = [
        ("fee", "Management fee", input_value(prices.buildup.management_fee_pct if prices else option.management_fee_pct,
                                       PERCENT_POINTS), "Option"),
        ("pay", "Pay uplift a year", input_value(tender.pay_indexation_pct if tender else zero, PERCENT_POINTS), "Tender"),
        ("cpi", "CPI a year", input_value(tender.cpi_indexation_pct if tender else zero, PERCENT_POINTS), "Tender"),
        ("contingency", "Contingency on cost",
         input_value(prices.buildup.contingency_pct if prices else option.contingency_pct, PERCENT_POINTS), "Option"),
        ("discount", "Discount rate a year", input_value(returns.discount_rate_pct if returns else option.discount_rate_pct,
                                                  PERCENT_POINTS), "Option"),
        ("buffer_months", "Cash buffer (months of payroll)",
         input_value(funding.buffer_months if funding else option.buffer_months_payroll, DECIMAL_2), "Option"),
        ("payroll", "A month's payroll (year one, full volume)",
         input_value(funding.monthly_payroll if funding else None, GBP), "Program (payroll of year one ÷ 12, rounded)"),
        ("funding_contingency", "Contingency on funding",
         input_value(funding.contingency_pct if funding else option.contingency_on_funding_pct, PERCENT_POINTS), "Option"),
    ]
    sheet.heading("Assumptions")
    first = sheet.next_data_row()
    at: dict[str, str] = {}
    rows: list[tuple[Any, ...]] = []
    for i, (key, label, value, source) in enumerate(assumptions):
        at[key] = f"$B${first + i}"
        rows.append((label, value, source))
    checks_row = first + len(assumptions)
    rows.append(("Checks that differ (should be 0)", Formula("=0", NUMBER, 0), "Formula"))
    sheet.table("assumptions", (Col("Assumption"), Col("Value"), Col("Source")), rows)
    check_cells: list[str] = []  # ranges of check columns, for the count at the top

    def note_checks(columns: ModelColumns, first_row: int, last_row: int) -> None:
        if last_row < first_row:
            return
        for i, col in enumerate(columns.cols, start=1):
            if col.title.startswith("Check:"):
                letter = get_column_letter(i)
                check_cells.append(f"{letter}{first_row}:{letter}{last_row}")

    if prices_err:
        sheet.error("The prices", prices_err)
    else:
        _model_prices(sheet, prices, at, note_checks)
    if projection_err:
        sheet.error("The projection", projection_err)
    else:
        _model_projection(sheet, projection, funding, returns, at, note_checks)
    if check_cells:
        count = "+".join(f'COUNTIF({r},"DIFFERS")' for r in check_cells)
        put_formula(worksheet.cell(row=checks_row, column=2), f"={count}", NUMBER)
    sheet.finish()


def _model_prices(sheet: Sheet, prices: _pricing.PriceSchedule, at: Mapping[str, str],
                  note_checks: Callable[[ModelColumns, int, int], None]) -> None:
    buildup = prices.buildup
    terms = {t.key: t for t in prices.lines}
    lines = [sl for sl in buildup.service_lines if sl.key in terms]

    # --------------------------------------------------------------- service lines, year one
    line_cols = ModelColumns()
    line_cols.plain("line", "Service line")
    line_cols.plain("price", "Year-one unit price", GBP)
    line_cols.plain("volume", "Volume a year", VOLUME)
    line_cols.plain("cost", "Year-one annual cost", GBP)
    line_cols.plain("share", "Staff share of cost", PERCENT)
    line_cols.derived("index", "Cost index a year", IRR_FORMAT)
    first = sheet.begin("Service lines: year one",
                        "The cost index a year = staff share × pay uplift + (1 − staff share) × CPI.")
    line_row: dict[str, int] = {}
    rows = []
    for i, sl in enumerate(lines):
        r = first + i
        line_row[sl.key] = r
        share = line_cols.ref("share", r)
        rows.append(line_cols.row(r, {
            "line": sl.service_line, "price": input_value(sl.price_per_unit), "volume": input_value(sl.volume),
            "cost": input_value(sl.annual_cost), "share": input_value(sl.staff_share),
            "index": Formula(f"={share}*{at['pay']}+(1-{share})*{at['cpi']}", estimate=terms[sl.key].index_pct),
        }, {"index": terms[sl.key].index_pct}))
    first_row, last_row = sheet.table("model_lines", line_cols.cols, rows)
    note_checks(line_cols, first_row, last_row)

    # --------------------------------------------------------------- prices by year and service line
    price_cols = ModelColumns()
    price_cols.plain("year", "Contract year", INTEGER)
    price_cols.plain("ext", "Extension")
    price_cols.plain("line", "Service line")
    price_cols.derived("unit", "Unit price")
    price_cols.plain("volume", "Volume", VOLUME)
    price_cols.derived("price", "Annual price")
    price_cols.derived("cost", "Annual cost")
    price_cols.derived("fee", "Management fee")
    price_cols.derived("margin", "Margin")
    first = sheet.begin("Prices by contract year and service line",
                        "Unit price in year n = year-one unit price × (1 + cost index)^(n − 1), rounded; annual "
                        "price = unit price × volume, rounded; fee = fee % × annual price, rounded; margin = price − "
                        "cost − fee.",
                        "Annual cost in year n = year-one cost × (staff share × (1 + pay uplift)^(n − 1) + "
                        "(1 − staff share) × (1 + CPI)^(n − 1)), rounded.")
    rows = []
    year_rows: dict[int, tuple[int, int]] = {}
    r = first
    for y in prices.years:
        start = r
        for ly in y.lines:
            lr = line_row.get(ly.key)
            if lr is None:
                continue
            n = price_cols.ref("year", r)
            unit, vol = price_cols.ref("unit", r), price_cols.ref("volume", r)
            price, cost = price_cols.ref("price", r), price_cols.ref("cost", r)
            p1, idx = line_cols.ref("price", lr, True), line_cols.ref("index", lr, True)
            c1, sh = line_cols.ref("cost", lr, True), line_cols.ref("share", lr, True)
            rows.append(price_cols.row(r, {
                "year": y.number, "ext": "Yes" if y.is_extension else "No", "line": ly.service_line,
                "unit": Formula("=" + half_even(f"{p1}*(1+{idx}/100)^({n}-1)"), estimate=ly.unit_price),
                "volume": Formula(f"={line_cols.ref('volume', lr, True)}", estimate=ly.volume),
                "price": Formula("=" + half_even(f"{unit}*{vol}"), estimate=ly.annual_price),
                "cost": Formula("=" + half_even(f"{c1}*({sh}*(1+{at['pay']}/100)^({n}-1)"
                                          f"+(1-{sh})*(1+{at['cpi']}/100)^({n}-1))"), estimate=ly.annual_cost),
                "fee": Formula("=" + half_even(f"{at['fee']}/100*{price}"), estimate=ly.annual_fee),
                "margin": Formula(f"={price}-{cost}-{price_cols.ref('fee', r)}", estimate=ly.annual_margin),
            }, {"unit": ly.unit_price, "price": ly.annual_price, "cost": ly.annual_cost, "fee": ly.annual_fee,
                "margin": ly.annual_margin}))
            r += 1
        year_rows[y.number] = (start, r - 1)
    first_row, last_row = sheet.table("model_prices", price_cols.cols, rows)
    note_checks(price_cols, first_row, last_row)

    # --------------------------------------------------------------- year totals
    year_cols = ModelColumns()
    year_cols.plain("year", "Contract year", INTEGER)
    year_cols.plain("ext", "Extension")
    for k, title in (("price", "Annual price"), ("cost", "Annual cost"), ("fee", "Management fee"),
                     ("margin", "Margin")):
        year_cols.derived(k, title)
    first = sheet.begin("Year totals")
    rows = []
    total_row: dict[int, int] = {}
    for i, y in enumerate(prices.years):
        r = first + i
        total_row[y.number] = r
        lo, hi = year_rows[y.number]

        def col_sum(key: str, lo: int = lo, hi: int = hi) -> Formula:
            letter = price_cols.letter(key)
            return Formula(f"=SUM({letter}{lo}:{letter}{hi})" if hi >= lo else "=0")

        rows.append(year_cols.row(r, {"year": y.number, "ext": "Yes" if y.is_extension else "No",
                               "price": col_sum("price"), "cost": col_sum("cost"), "fee": col_sum("fee"),
                               "margin": col_sum("margin")},
                           {"price": y.annual_price, "cost": y.annual_cost, "fee": y.annual_fee,
                            "margin": y.annual_margin}))
    first_row, last_row = sheet.table("model_years", year_cols.cols, rows)
    note_checks(year_cols, first_row, last_row)

    # --------------------------------------------------------------- term and total
    total_cols = ModelColumns()
    total_cols.plain("what", "Total")
    total_cols.derived("value", "Amount")
    first = sheet.begin("Term and total")
    term_rows = [total_row[y.number] for y in prices.years if not y.is_extension]

    def over(key: str, rows_: Sequence[int]) -> Formula:
        letter = year_cols.letter(key)
        if not rows_:
            return Formula("=0")
        if rows_ == list(range(rows_[0], rows_[-1] + 1)):
            return Formula(f"=SUM({letter}{rows_[0]}:{letter}{rows_[-1]})")
        return Formula("=" + "+".join(f"{letter}{x}" for x in rows_))

    all_rows = [total_row[y.number] for y in prices.years]
    items = [(f"Term price (years 1–{len(term_rows)})", over("price", term_rows), prices.term_price),
             ("Total price, all years", over("price", all_rows), prices.total_price),
             ("Total cost, all years", over("cost", all_rows), prices.total_cost),
             ("Total management fee, all years", over("fee", all_rows), prices.total_fee),
             ("Total margin, all years", over("margin", all_rows), prices.total_margin)]
    rows = [total_cols.row(first + i, {"what": label, "value": formula}, {"value": program})
            for i, (label, formula, program) in enumerate(items)]
    first_row, last_row = sheet.table("model_totals", total_cols.cols, rows)
    note_checks(total_cols, first_row, last_row)

    _model_buildup(sheet, buildup, at, note_checks)


def _model_buildup(sheet: Sheet, buildup: _costing.CostBuildup, at: Mapping[str, str],
                   note_checks: Callable[[ModelColumns, int, int], None]) -> None:
    # --------------------------------------------------------------- member lines
    member_cols = ModelColumns()
    member_cols.plain("line", "Service line")
    member_cols.plain("member", "Member")
    member_cols.plain("volume", "Volume", VOLUME)
    for k, label in MEMBER_COST_CATEGORIES:
        member_cols.plain(k, label, GBP)
    member_cols.derived("total", "Member line cost")
    first = sheet.begin("Cost build-up, year one: member lines",
                        "Each member's annual cost of a service line, by category, as the build-up rounded it (the "
                        "lines add up to the member line's cost).")
    rows = []
    member_rows: dict[str, tuple[int, int]] = {}
    r = first
    for sl in buildup.service_lines:
        start = r
        for m in sl.members:
            cats = member_categories(m)
            values: dict[str, Any] = {"line": sl.service_line, "member": m.organisation_name, "volume": m.volume}
            values.update({k: input_value(cats[k]) for k, _ in MEMBER_COST_CATEGORIES})
            lo, hi = member_cols.letter(MEMBER_COST_CATEGORIES[0][0]), member_cols.letter(MEMBER_COST_CATEGORIES[-1][0])
            values["total"] = Formula(f"=SUM({lo}{r}:{hi}{r})", estimate=m.annual_cost)
            rows.append(member_cols.row(r, values, {"total": m.annual_cost}))
            r += 1
        member_rows[sl.key] = (start, r - 1)
    first_row, last_row = sheet.table("model_members", member_cols.cols, rows)
    note_checks(member_cols, first_row, last_row)

    # --------------------------------------------------------------- service lines by category
    category_cols = ModelColumns()
    category_cols.plain("line", "Service line")
    category_cols.plain("category", "Category")
    category_cols.derived("annual", "Annual")
    first = sheet.begin("Cost build-up, year one: service lines by category",
                        "Each category is the sum of the service line's member lines; the shared back office and the "
                        "contingency are the program's split of the option's amounts across service lines (inputs).")
    rows = []
    r = first
    for sl in buildup.service_lines:
        lo, hi = member_rows[sl.key]
        start = r
        for k, label in COST_CATEGORIES:
            amount = sl.line(k).annual
            if k in ("shared", "contingency"):
                value: Any = input_value(amount)  # split across service lines by largest remainder: an input
                rows.append(category_cols.row(r, {"line": sl.service_line, "category": label, "annual": value}))
            else:
                letter = member_cols.letter(k)
                rows.append(category_cols.row(r, {"line": sl.service_line, "category": label,
                                       "annual": Formula(f"=SUM({letter}{lo}:{letter}{hi})" if hi >= lo else "=0",
                                                   estimate=amount)},
                                   {"annual": amount}))
            r += 1
        col = category_cols.letter("annual")
        rows.append(category_cols.row(r, {"line": sl.service_line, "category": "Delivery cost",
                               "annual": Formula(f"=SUM({col}{start}:{col}{r - 1})", estimate=sl.annual_cost)},
                           {"annual": sl.annual_cost}))
        r += 1
    cat_first, cat_last = sheet.table("model_categories", category_cols.cols, rows)
    note_checks(category_cols, cat_first, cat_last)

    # --------------------------------------------------------------- option totals
    option_cols = ModelColumns()
    option_cols.plain("category", "Category")
    option_cols.derived("annual", "Annual")
    first = sheet.begin("Cost build-up, year one: option totals")
    cat_col, ann_col = category_cols.letter("category"), category_cols.letter("annual")
    totals = {t.key: t.annual for t in buildup.totals}
    rows = []
    r = first
    cat_rows: dict[str, int] = {}
    for k, label in (*COST_CATEGORIES, ("delivery", "Delivery cost")):
        program = buildup.annual_cost if k == "delivery" else totals[k]
        cat_rows[k] = r
        categories = f"${cat_col}${cat_first}:${cat_col}${cat_last}"
        annuals = f"${ann_col}${cat_first}:${ann_col}${cat_last}"
        formula = (f"=SUMIF({categories},{option_cols.ref('category', r)},{annuals})" if cat_last >= cat_first
                   else "=0")
        rows.append(option_cols.row(r, {"category": label, "annual": Formula(formula, estimate=program)},
                                    {"annual": program}))
        r += 1
    # the contingency of the option: contingency % × cost before contingency, rounded once
    before = "+".join(option_cols.ref("annual", cat_rows[k]) for k, _ in COST_CATEGORIES if k != "contingency")
    rows.append(option_cols.row(r, {"category": "Contingency = contingency % × cost before contingency",
                           "annual": Formula("=" + half_even(f"{at['contingency']}/100*({before})"),
                                       estimate=totals["contingency"])},
                       {"annual": totals["contingency"]}))
    first_row, last_row = sheet.table("model_option", option_cols.cols, rows)
    note_checks(option_cols, first_row, last_row)


def _model_projection(sheet: Sheet, projection: _projection.Projection, funding: _projection.FundingResult | None,
                      returns: _projection.Returns | None, at: Mapping[str, str],
                      note_checks: Callable[[ModelColumns, int, int], None]) -> None:
    # --------------------------------------------------------------- P&L by period
    pnl_cols = ModelColumns()
    pnl_cols.plain("period", "Period")
    for k, label in (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("bond", "Bond"),
                     ("insurance", "Insurance"), ("mobilisation", "Mobilisation")):
        pnl_cols.plain(k, label, GBP)
    pnl_cols.derived("ebitda", "EBITDA")
    pnl_cols.plain("depreciation", "Depreciation", GBP)
    pnl_cols.derived("ebit", "EBIT")
    pnl_cols.plain("grant_income", "Grant income", GBP)
    pnl_cols.plain("interest", "Interest", GBP)
    pnl_cols.plain("arrangement_fees", "Arrangement fees", GBP)
    pnl_cols.derived("profit_before_tax", "Profit before tax")
    pnl_cols.plain("tax", "Tax", GBP)
    pnl_cols.derived("profit_after_tax", "Profit after tax")
    first = sheet.begin("Projection: P&L by period",
                        "EBITDA = income − payroll − non-pay − bond − insurance − mobilisation; EBIT = EBITDA − "
                        "depreciation; profit before tax = EBIT + grants − interest − arrangement fees; after "
                        "tax = before tax − tax (tax follows the program's rules: an input).")
    rows = []
    for i, y in enumerate(projection.years):
        r = first + i
        ref = {k: pnl_cols.ref(k, r) for k in pnl_cols.index}
        values: dict[str, Any] = {"period": y.label}
        for k in ("income", "payroll", "non_pay", "bond", "insurance", "mobilisation", "depreciation", "grant_income",
                  "interest", "arrangement_fees", "tax"):
            values[k] = input_value(getattr(y, k))
        values["ebitda"] = Formula(f"={ref['income']}-{ref['payroll']}-{ref['non_pay']}-{ref['bond']}-{ref['insurance']}"
                             f"-{ref['mobilisation']}", estimate=y.ebitda)
        values["ebit"] = Formula(f"={ref['ebitda']}-{ref['depreciation']}", estimate=y.ebit)
        values["profit_before_tax"] = Formula(f"={ref['ebit']}+{ref['grant_income']}-{ref['interest']}"
                                        f"-{ref['arrangement_fees']}", estimate=y.profit_before_tax)
        values["profit_after_tax"] = Formula(f"={ref['profit_before_tax']}-{ref['tax']}", estimate=y.profit_after_tax)
        rows.append(pnl_cols.row(r, values, {k: getattr(y, k) for k in ("ebitda", "ebit", "profit_before_tax",
                                                                  "profit_after_tax")}))
    first_row, last_row = sheet.table("model_pnl", pnl_cols.cols, rows)
    note_checks(pnl_cols, first_row, last_row)
    pnl_first, pnl_last = first_row, last_row

    pnl_total_cols = ModelColumns()
    pnl_total_cols.plain("what", "Total over the projection")
    pnl_total_cols.derived("value", "Amount")
    first = sheet.begin("Projection totals")
    items = [("Income", "income", projection.total_income), ("EBITDA", "ebitda", projection.total_ebitda),
             ("Profit before tax", "profit_before_tax", projection.total_profit_before_tax),
             ("Tax", "tax", projection.total_tax),
             ("Profit after tax", "profit_after_tax", projection.total_profit_after_tax)]
    rows = []
    for i, (label, k, program) in enumerate(items):
        letter = pnl_cols.letter(k)
        total = Formula(f"=SUM({letter}{pnl_first}:{letter}{pnl_last})", estimate=program)
        rows.append(pnl_total_cols.row(first + i, {"what": label, "value": total}, {"value": program}))
    first_row, last_row = sheet.table("model_pnl_totals", pnl_total_cols.cols, rows)
    note_checks(pnl_total_cols, first_row, last_row)

    # --------------------------------------------------------------- monthly cash before funding
    cash_cols = ModelColumns()
    cash_cols.plain("month", "Month", INTEGER)
    cash_cols.plain("starts", "Starts")
    cash_cols.plain("phase", "Phase")
    outflows = (("payroll_paid", "Payroll paid"), ("non_pay_paid", "Non-pay paid"), ("bond_paid", "Bond paid"),
                ("insurance_paid", "Insurance paid"), ("mobilisation_paid", "Mobilisation paid"),
                ("capex_paid", "Capital expenditure paid"), ("operating_tax_paid", "Tax on operating profit paid"))
    cash_cols.plain("receipts", "Receipts", GBP)
    for k, label in outflows:
        cash_cols.plain(k, label, GBP)
    cash_cols.derived("cash", "Cash before funding")
    cash_cols.derived("cumulative", "Cumulative before funding")
    first = sheet.begin("Projection: monthly cash flow before funding",
                        "Cash before funding = receipts − every payment of the month (the project's own cash flow, "
                        "before any equity, grant or loan).")
    rows = []
    for i, m in enumerate(projection.months):
        r = first + i
        values = {"month": m.month, "starts": m.starts, "phase": m.phase.capitalize(), "receipts": input_value(m.receipts)}
        values.update({k: input_value(getattr(m, k)) for k, _ in outflows})
        values["cash"] = Formula(f"={cash_cols.ref('receipts', r)}-" + "-".join(cash_cols.ref(k, r) for k, _ in outflows),
                           estimate=m.cash_before_funding)
        previous = "" if i == 0 else f"{cash_cols.ref('cumulative', r - 1)}+"
        values["cumulative"] = Formula(f"={previous}{cash_cols.ref('cash', r)}", estimate=m.cumulative_before_funding)
        rows.append(cash_cols.row(r, values, {"cash": m.cash_before_funding, "cumulative": m.cumulative_before_funding}))
    first_row, last_row = sheet.table("model_cash", cash_cols.cols, rows)
    note_checks(cash_cols, first_row, last_row)
    if last_row < first_row:
        return
    cash = f"${cash_cols.letter('cash')}${first_row}:${cash_cols.letter('cash')}${last_row}"
    cum = f"${cash_cols.letter('cumulative')}${first_row}:${cash_cols.letter('cumulative')}${last_row}"
    months = f"${cash_cols.letter('month')}${first_row}:${cash_cols.letter('month')}${last_row}"

    # --------------------------------------------------------------- funding requirement and returns
    headline_cols = ModelColumns()
    headline_cols.plain("what", "Headline")
    headline_cols.derived("value", "Amount")
    first = sheet.begin("Funding requirement and net present value")
    rows = []
    val = headline_cols.letter("value")

    def headline(what: str, formula: Formula, program: Decimal) -> None:
        rows.append(headline_cols.row(first + len(rows), {"what": what, "value": formula}, {"value": program}))

    if funding is not None:
        peak, buffer, contingency = first, first + 1, first + 2
        headline("Peak funding need = −(lowest cumulative cash before funding), at least 0",
                 Formula(f"=MAX(0,-MIN({cum}))", estimate=funding.peak_deficit), funding.peak_deficit)
        headline("Cash buffer = a month's payroll × months",
                 Formula("=" + half_even(f"{at['payroll']}*{at['buffer_months']}"), estimate=funding.buffer),
                 funding.buffer)
        headline("Contingency = (peak + buffer) × contingency on funding",
                 Formula("=" + half_even(f"({val}{peak}+{val}{buffer})*{at['funding_contingency']}/100"),
                         estimate=funding.contingency), funding.contingency)
        headline("Funding requirement = peak + buffer + contingency",
                 Formula(f"={val}{peak}+{val}{buffer}+{val}{contingency}", estimate=funding.requirement),
                 funding.requirement)
    if returns is not None:
        headline("Total cash flow before funding (undiscounted)",
                 Formula(f"=SUM({cash})", estimate=returns.total_cash_flow), returns.total_cash_flow)
        npv = f"SUMPRODUCT({cash},(1+{at['discount']}/100)^(-{months}/12))"
        headline("Net present value = Σ cash × (1 + discount rate)^(−month ÷ 12)",
                 Formula("=" + half_even(npv), estimate=returns.npv), returns.npv)
        if returns.irr_pct is not None:
            # the spreadsheet's IRR of the monthly flows, started from the discount rate (the program
            # reports the root nearest the discount rate when there are several), made annual
            guess = f"(1+{at['discount']}/100)^(1/12)-1"
            headline("Internal rate of return a year, % (monthly IRR made annual)",
                     Formula(f"=((1+IRR({cash},{guess}))^12-1)*100", IRR_FORMAT, estimate=returns.irr_pct),
                     returns.irr_pct)
    first_row, last_row = sheet.table("model_headline", headline_cols.cols, rows)
    note_checks(headline_cols, first_row, last_row)
