"""Model sheets "Model months" and "Model cash": the projection's months, from prices and costs to cash.

* **Timeline and payment lags** (on the Model sheet) — income is received 1 + ⌈payment terms ÷ 30⌉
  months after the month it is earned, non-pay paid ⌈days ÷ 30⌉ months after it is incurred, tax
  ``tax lag`` months after its period; the last month of service and the last month projected; the
  bond and its premium; a month's payroll at full volume in year one (the cash buffer's unit).
* **Contract years** — each year's annual price, payroll, fixed and variable non-pay (the year's cost
  less payroll and fixed costs) and insurance (indexed by CPI), summed from Model prices.
* **Capital and mobilisation items** — inputs, and what depreciation needs: the month each comes
  into use (its month, or service start if later), whether it is written off at once (no useful
  life, or in use only after the service), and its amount in pence split over its life.
* **Months: accruals** — in service month k (0-based) of contract year n, month k mod 12 of the
  year: income = the year's price split into twelfths to the penny (the pence left over go to the
  first months) × the ramp-up ((k + 1) ÷ (ramp-up + 1) while k < ramp-up, then 1), rounded;
  payroll and variable non-pay the same way; fixed non-pay, the bond premium and insurance in
  twelfths without ramp-up; mobilisation and capital spending in their month; depreciation
  straight-line over each asset's life in twelfth-like parts, what is left written off in the last
  month of service.
* **Months: cash before funding** (Model cash) — receipts = the income of ``lag`` months before;
  non-pay paid the same way; the bond premium paid at the start of each contract year; tax on the
  operating profit paid in its month (Model profit); cash before funding, its cumulative, and the
  plain and discounted payback helpers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..domain.model import CapitalItem, CapitalKind
from ..domain.partnering.charges import one_off_costs
from .xlsx_common import GBP, NUMBER, PERCENT_POINTS
from .xlsx_model import Block, Model, ModelColumns, Page, half_even, input_value, twelfth
from .xlsx_sheet import INTEGER, Formula, Value

__all__ = ["SECTION", "periods_of"]

MONTHS, CASH = "Model months", "Model cash"
CAPEX, MOBILISATION = "Capital expenditure", "Mobilisation"
_PENNY = Decimal("0.01")
TIMELINE = ("lag_r", "lag_np", "lag_tax", "n_years", "last_service", "last", "bond", "premium_amount", "year_payroll",
            "monthly_payroll")


def periods_of(model: Model) -> list[tuple[int, str, int, int]]:
    """The projection's periods: (period number, label, first month, last month)."""
    out = []
    months = model.projection.months
    for y in model.projection.years:
        ts = [m.month for m in months if m.period == y.period]
        out.append((y.period, y.label, min(ts), max(ts)))
    return out


def capital_items(model: Model) -> list[CapitalItem]:
    """The option's capital and mobilisation items, then the one-off costs its stated pension
    arrangements add to mobilisation (``domain.partnering.charges.one_off_costs``), as the projection
    takes them."""
    items = sorted(model.workspace.children(CapitalItem, model.option.id), key=lambda i: i.id or 0)
    items += [CapitalItem(option_id=model.option.id, name=label, kind=CapitalKind.MOBILISATION, amount=amount,
                          month=month)
              for month, amount, label in one_off_costs(model.workspace, model.option.id)]  # type: ignore[arg-type]
    return items


def plan(model: Model) -> None:
    if model.projection is None:
        why = model.projection_err or "not computed"
        for page in (MONTHS, CASH):
            model.page(page).errors.append(("The projection", why))
        return
    projection = model.projection
    n_years = sum(1 for y in projection.years if y.period >= 1 and y.label.startswith("Year"))
    model.n_years = n_years
    cols = ModelColumns()
    cols.plain("what", "Timeline, lags and amounts")
    cols.derived("value", "Value", NUMBER)
    timeline = model.plan("Model", "timeline", "Timeline, payment lags and amounts",
                          ("Months are counted from the first month of mobilisation (month 0).",), cols, len(TIMELINE))
    for i, key in enumerate(TIMELINE):
        model.name(key, timeline, i)

    if model.prices is not None:
        cols = ModelColumns()
        cols.plain("year", "Contract year", INTEGER)
        for k, title in (("price", "Annual price"), ("cost", "Annual cost"), ("payroll", "Payroll"),
                         ("fixed", "Fixed non-pay"), ("variable", "Variable non-pay"), ("insurance", "Insurance")):
            cols.plain(k, title, GBP)
        model.plan(MONTHS, "contract_years", "Contract years: the amounts split into months", (
            "Sums of Model prices over the year's service lines; variable non-pay = cost − payroll − fixed non-pay; "
            "insurance = insurance a year × (1 + CPI)^(n − 1), rounded.",), cols, n_years)

    items = capital_items(model)
    if items:
        cols = ModelColumns()
        cols.plain("no", "Item no.", INTEGER)
        cols.plain("name", "Item", wrap=28)
        cols.plain("kind", "Kind")
        cols.plain("amount", "Amount", GBP)
        cols.plain("month", "Month", INTEGER)
        cols.plain("life", "Useful life (months)", INTEGER)
        cols.plain("use", "Comes into use (month)", INTEGER)
        cols.plain("at_once", "Written off at once (1 = yes)", INTEGER)
        cols.plain("capex", "Capital (1 = yes)", INTEGER)
        cols.plain("sign", "Sign", INTEGER)
        cols.plain("base", "Pence a month", NUMBER)
        cols.plain("extra", "Months with a penny more", NUMBER)
        model.plan(MONTHS, "items", "Capital and mobilisation items", (
            "Capital comes into use in its month or at service start if later; it is written off at once when it "
            "has no useful life or comes into use after the service; otherwise its pence are split equally over "
            "its life (the pence left over one each to the first months) and what is left at the end of the "
            "service is written off then.",), cols, len(items))

    cols = ModelColumns()
    cols.plain("month", "Month", INTEGER)
    cols.plain("period", "Period", INTEGER)
    cols.plain("phase", "Phase")
    cols.plain("service_month", "Service month", INTEGER)
    cols.plain("year", "Contract year", INTEGER)
    cols.plain("moy", "Month of the year", INTEGER)
    cols.derived("volume", "Volume delivered", PERCENT_POINTS, tolerance="0.0000005")
    cols.derived("income", "Income")
    cols.derived("payroll", "Payroll")
    cols.plain("fixed", "Fixed non-pay", GBP)
    cols.plain("variable", "Variable non-pay", GBP)
    cols.derived("non_pay", "Non-pay")
    cols.derived("bond", "Bond")
    cols.derived("insurance", "Insurance")
    cols.derived("mobilisation", "Mobilisation")
    cols.derived("capex", "Capital expenditure")
    cols.derived("depreciation", "Depreciation")
    model.plan(MONTHS, "accruals", "Months: accruals", (
        "Service month = month − mobilisation; contract year and month of the year follow from it (0 outside the "
        "service). Volume = (service month + 1) ÷ (ramp-up + 1) while the service month is below the ramp-up, then "
        "100%.",
        "Income, payroll and variable non-pay = the year's amount in twelfths × volume, rounded; fixed non-pay, "
        "the bond premium and insurance in twelfths; mobilisation and capital spending in their month; "
        "depreciation as the items table above says.",
    ), cols, len(projection.months))

    cols = ModelColumns()
    cols.plain("month", "Month", INTEGER)
    cols.plain("period", "Period", INTEGER)
    cols.derived("receipts", "Receipts")
    cols.plain("payroll_paid", "Payroll paid", GBP)
    cols.derived("non_pay_paid", "Non-pay paid")
    cols.derived("bond_paid", "Bond paid")
    cols.plain("insurance_paid", "Insurance paid", GBP)
    cols.plain("mobilisation_paid", "Mobilisation paid", GBP)
    cols.plain("capex_paid", "Capital expenditure paid", GBP)
    cols.derived("operating_tax_paid", "Tax on operating profit paid")
    cols.derived("cash", "Cash before funding")
    cols.derived("cumulative", "Cumulative before funding")
    cols.plain("discounted", "Discounted cash", GBP)
    cols.plain("discounted_cumulative", "Discounted cumulative", GBP)
    cols.plain("paid_back", "Paid back here (1 = yes)", INTEGER)
    cols.plain("discounted_paid_back", "Paid back here, discounted (1 = yes)", INTEGER)
    model.plan(CASH, "cash", "Months: cash flow before funding", (
        "Receipts = the income of the month the receipt lag before; non-pay paid = the non-pay of the month the "
        "non-pay lag before; payroll, insurance, mobilisation and capital spending are paid in their month; the "
        "bond premium at the start of each contract year; tax on the operating profit in the month Model profit "
        "gives.",
        "Cash before funding = receipts − every payment of the month (the project's own cash flow, before any "
        "equity, grant or loan). Discounted cash = cash × (1 + discount rate)^(−month ÷ 12). Paid back here: the "
        "first month the cumulative is back to zero or above after being below it.",
    ), cols, len(projection.months))


def write(model: Model) -> None:
    if model.projection is None:
        return
    _write_timeline(model)
    if model.get("contract_years") is not None:
        _write_contract_years(model)
    if model.get("items") is not None:
        _write_items(model)
    _write_accruals(model)
    _write_cash(model)


def _write_timeline(model: Model) -> None:
    projection, funding, at = model.projection, model.funding, model.at
    block = model.blocks["timeline"]
    page = block.page
    months = projection.months
    mob = projection.mobilisation_months
    last_service = max((m.month for m in months if m.phase == "service"), default=mob - 1)
    premium = next((m.bond_paid for m in months if m.month == mob), None)
    items = model.get("items")
    sources = model.get("sources")
    extra = []
    if items is not None:
        extra.append(f"MAX({items.column('month', page)})")
    if sources is not None:
        extra.append(f"MAX({sources.column('month', page)})")
    last = (f"=MAX({at['last_service']}+{at['lag_r']},{at['last_service']}+{at['lag_np']},"
            f"{at['last_service']}+{at['lag_tax']}" + "".join("," + x for x in extra) + ")")
    years = model.get("contract_years")
    year_payroll = years.cell("payroll", 0, page) if years is not None else "0"
    rows_: list[tuple[str, Any, Any, str]] = [
        ("Income received after (months) = 1 + ⌈payment terms ÷ 30⌉",
         f"=1+ROUNDUP(MAX(0,{at['terms']})/30,0)", projection.receipt_lag_months, NUMBER),
        ("Non-pay paid after (months) = ⌈days ÷ 30⌉", f"=ROUNDUP(MAX(0,{at['non_pay_days']})/30,0)",
         projection.non_pay_lag_months, NUMBER),
        ("Tax paid after the period (months)", f"=MAX(0,{at['tax_lag']})", projection.tax_lag_months, NUMBER),
        ("Contract years projected (the term: the months below are laid out for it)", model.n_years, None, NUMBER),
        ("Last month of service = mobilisation + 12 × contract years − 1",
         f"={at['mob']}+12*{at['n_years']}-1", last_service, NUMBER),
        ("Last month projected: the last payment (income, non-pay, tax) or item or drawdown", last,
         len(months) - 1, NUMBER),
        ("Performance bond = bond % × estimated annual value",
         "=" + half_even(f"{at['bond_pct']}/100*{at['annual_value']}"), projection.bond_amount, GBP),
        ("Bond premium a year = bond × premium %", "=" + half_even(f"{at['bond']}*{at['premium']}/100"),
         premium if premium is not None else 0, GBP),
        ("Payroll of year one (full volume)", f"={year_payroll}", None, GBP),
        ("A month's payroll (year one, full volume) = year-one payroll ÷ 12, rounded",
         "=" + half_even(f"{at['year_payroll']}/12"), funding.monthly_payroll if funding else None, GBP),
    ]
    rows = []
    for i, (label, formula, program, fmt) in enumerate(rows_):
        if isinstance(formula, str):
            value: Any = Formula(formula, fmt, estimate=program if program is not None else 0)
        else:  # the term: a value (the months are laid out for it)
            value = Value(formula, fmt)
        programs = {} if program is None else {"value": program}
        rows.append(block.cols.row(block.row(i), {"what": label, "value": value}, programs))
    model.write(block, rows)


def _write_contract_years(model: Model) -> None:
    block, prices_b = model.blocks["contract_years"], model.blocks["prices"]
    page, at = block.page, model.at
    n_lines = len(model.prices.buildup.service_lines)
    rows = []
    for yi in range(block.n):
        lo, hi = yi * n_lines, (yi + 1) * n_lines - 1
        c = {k: block.cell(k, yi, page) for k in block.cols.index}
        rows.append(block.cols.row(block.row(yi), {
            "year": yi + 1,
            "price": Formula(f"=SUM({prices_b.column('price', page, lo, hi)})"),
            "cost": Formula(f"=SUM({prices_b.column('cost', page, lo, hi)})"),
            "payroll": Formula(f"=SUM({prices_b.column('payroll', page, lo, hi)})"),
            "fixed": Formula(f"=SUM({prices_b.column('fixed', page, lo, hi)})"),
            "variable": Formula(f"={c['cost']}-{c['payroll']}-{c['fixed']}"),
            "insurance": Formula("=" + half_even(f"{at['insurance']}*(1+{at['cpi']}/100)^({c['year']}-1)")),
        }))
    model.write(block, rows)


def _write_items(model: Model) -> None:
    block, at = model.blocks["items"], model.at
    page = block.page
    rows = []
    for i, item in enumerate(capital_items(model)):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        capex = item.kind is not CapitalKind.MOBILISATION
        rows.append(block.cols.row(block.row(i), {
            "no": i + 1, "name": item.name, "kind": CAPEX if capex else MOBILISATION,
            "amount": input_value(item.amount.quantize(_PENNY)), "month": input_value(item.month),
            "life": input_value(item.useful_life_months),
            "use": Formula(f"=MAX({c['month']},{at['mob']})"),
            "at_once": Formula(f"=IF(OR({c['life']}<=0,{c['use']}>{at['last_service']}),1,0)"),
            "capex": Formula(f'=IF({c["kind"]}="{CAPEX}",1,0)'),
            "sign": Formula(f"=SIGN({c['amount']})"),
            "base": Formula(f"=INT(ABS(ROUND({c['amount']}*100,0))/MAX({c['life']},1))"),
            "extra": Formula(f"=MOD(ABS(ROUND({c['amount']}*100,0)),MAX({c['life']},1))"),
        }))
    model.write(block, rows)


def _depreciation(items: Block, page: Page, t: str, at: dict[str, str]) -> str:
    """Depreciation in month ``t``: every capital item's part (see the module's docstring)."""
    c = {k: items.column(k, page) for k in ("amount", "life", "use", "at_once", "capex", "sign", "base", "extra")}
    k = f"({t}-{c['use']})"
    before = f"({k}*{c['base']}+({k}+{c['extra']}-ABS({k}-{c['extra']}))/2)"  # pence of the parts before
    running = (f"({k}>=0)*({k}<{c['life']})*(({t}<{at['last_service']})*{c['sign']}*({c['base']}+({k}<{c['extra']}))"
               f"/100+({t}={at['last_service']})*({c['amount']}-{c['sign']}*{before}/100))")
    return (f"SUMPRODUCT({c['capex']}*({c['at_once']}*({c['use']}={t})*{c['amount']}"
            f"+(1-{c['at_once']})*{running}))")


def _write_accruals(model: Model) -> None:
    block, at = model.blocks["accruals"], model.at
    page = block.page
    years, items = model.get("contract_years"), model.get("items")
    rows = []
    for i, m in enumerate(model.projection.months):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        sm, year, moy = c["service_month"], c["year"], c["moy"]
        ramp = f"IF({sm}<{at['ramp']},({sm}+1)/({at['ramp']}+1),1)"

        def split(key: str, ramped: bool, year: str = year, moy: str = moy, ramp: str = ramp) -> Formula:
            if years is None:
                return Formula("=0")
            amount = f"INDEX({years.column(key, page)},{year})"
            part = twelfth(amount, moy)
            return Formula(f"=IF({year}=0,0,{half_even(f'{part}*{ramp}') if ramped else part})")

        if items is not None:
            by_kind = (f'=SUMIFS({items.column("amount", page)},{items.column("kind", page)},"{{}}",'
                       f'{items.column("month", page)},{c["month"]})')
            mobilisation = Formula(by_kind.format(MOBILISATION))
            capex = Formula(by_kind.format(CAPEX))
            depreciation = Formula("=" + _depreciation(items, page, c["month"], at))
        else:
            mobilisation = capex = depreciation = Formula("=0")
        rows.append(block.cols.row(block.row(i), {
            "month": m.month, "period": m.period, "phase": m.phase.capitalize(),
            "service_month": Formula(f"={c['month']}-{at['mob']}"),
            "year": Formula(f"=IF(AND({sm}>=0,{sm}<12*{at['n_years']}),INT({sm}/12)+1,0)"),
            "moy": Formula(f"=IF({year}>0,{sm}-12*({year}-1),0)"),
            "volume": Formula(f"=IF({year}>0,{ramp}*100,0)", estimate=m.volume_pct),
            "income": split("price", True), "payroll": split("payroll", True),
            "fixed": split("fixed", False), "variable": split("variable", True),
            "non_pay": Formula(f"={c['fixed']}+{c['variable']}"),
            "bond": Formula(f"=IF({year}=0,0,{twelfth(at['premium_amount'], moy)})"),
            "insurance": split("insurance", False),
            "mobilisation": mobilisation, "capex": capex, "depreciation": depreciation,
        }, {"volume": m.volume_pct, "income": m.income, "payroll": m.payroll, "non_pay": m.non_pay, "bond": m.bond,
            "insurance": m.insurance, "mobilisation": m.mobilisation, "capex": m.capex_paid,
            "depreciation": m.depreciation}))
    model.write(block, rows)


def _write_cash(model: Model) -> None:
    block, accruals, at = model.blocks["cash"], model.blocks["accruals"], model.at
    page = block.page
    tax = model.get("period_tax")
    periods = periods_of(model)
    rows = []
    for i, m in enumerate(model.projection.months):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        a = {k: accruals.cell(k, i, page) for k in accruals.cols.index}
        t = c["month"]
        ended = [j for j, (_, _, _, last) in enumerate(periods) if last <= m.month]
        if tax is not None and ended:
            months_, taxes = tax.column("paid_month", page, 0, ended[-1]), \
                tax.column("operating_tax", page, 0, ended[-1])
            operating_tax = f"=SUMPRODUCT(({months_}={t})*{taxes})"
        else:
            operating_tax = "=0"
        previous = "" if i == 0 else f"{block.cell('cumulative', i - 1, page)}+"
        previous_d = "" if i == 0 else f"{block.cell('discounted_cumulative', i - 1, page)}+"
        paid_back = ("=0" if i == 0 else
                     f'=IF(AND({c["cumulative"]}>=0,COUNTIF({block.column("cumulative", page, 0, i - 1)},"<0")>0),1,0)')
        paid_back_d = ("=0" if i == 0 else
                       f'=IF(AND({c["discounted_cumulative"]}>=0,'
                       f'COUNTIF({block.column("discounted_cumulative", page, 0, i - 1)},"<0")>0),1,0)')
        payments = "-".join(c[k] for k in ("payroll_paid", "non_pay_paid", "bond_paid", "insurance_paid",
                                           "mobilisation_paid", "capex_paid", "operating_tax_paid"))
        rows.append(block.cols.row(block.row(i), {
            "month": m.month, "period": m.period,
            "receipts": Formula(f"=IF({t}>={at['lag_r']},INDEX({accruals.column('income', page)},{t}-{at['lag_r']}+1),0)",
                                estimate=m.receipts),
            "payroll_paid": Formula(f"={a['payroll']}"),
            "non_pay_paid": Formula(f"=IF({t}>={at['lag_np']},INDEX({accruals.column('non_pay', page)},"
                                    f"{t}-{at['lag_np']}+1),0)", estimate=m.non_pay_paid),
            "bond_paid": Formula(f"=IF(AND({a['year']}>0,{a['moy']}=0),{at['premium_amount']},0)"),
            "insurance_paid": Formula(f"={a['insurance']}"),
            "mobilisation_paid": Formula(f"={a['mobilisation']}"),
            "capex_paid": Formula(f"={a['capex']}"),
            "operating_tax_paid": Formula(operating_tax, estimate=m.operating_tax_paid),
            "cash": Formula(f"={c['receipts']}-{payments}", estimate=m.cash_before_funding),
            "cumulative": Formula(f"={previous}{c['cash']}", estimate=m.cumulative_before_funding),
            "discounted": Formula(f"={c['cash']}*(1+{at['discount']}/100)^(-{t}/12)"),
            "discounted_cumulative": Formula(f"={previous_d}{c['discounted']}"),
            "paid_back": Formula(paid_back), "discounted_paid_back": Formula(paid_back_d),
        }, {"receipts": m.receipts, "non_pay_paid": m.non_pay_paid, "bond_paid": m.bond_paid,
            "operating_tax_paid": m.operating_tax_paid, "cash": m.cash_before_funding,
            "cumulative": m.cumulative_before_funding}))
    model.write(block, rows)


SECTION = (plan, write)
