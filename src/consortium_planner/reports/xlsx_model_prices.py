"""Model sheets "Model prices" and "Model costs": the build-up of year one and the prices by contract year.

* **Service lines: year one** — per unit: staff, other direct and members' fixed costs (the
  build-up's exact blends of its members' costs: inputs), the shared back office (shared costs a year
  ÷ total volume), contingency, the cost and the price (cost ÷ (1 − margin − fee), rounded; or the
  price the user fixed: an input); the staff share and the fixed share of the cost before
  contingency, and the cost index a year (staff share × pay uplift + the rest × CPI).
* **Prices by contract year and service line** — unit price, annual price, cost, fee and margin
  (``pricing.bid_prices``), and the payroll and fixed costs inside each year's cost: payroll = year-one
  cost × staff share × (1 + pay uplift)^(n − 1), fixed = year-one cost × fixed share × (1 + CPI)^(n − 1),
  each rounded (``projection``: they set each month's payroll and non-pay).
* **Cost build-up, year one** (Model costs) — each member line's cost by category (as the build-up
  rounded it: inputs), its share of the service line (by cost; by volume when the line costs
  nothing), the service lines by category and the option's totals. The shared back office and the
  contingency split across service lines are the build-up's largest-remainder split in pence
  (inputs); the option's contingency is a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .xlsx_common import GBP, PERCENT
from .xlsx_model import Model, ModelColumns, half_even, input_value
from .xlsx_sheet import INTEGER, IRR_FORMAT, MONEY_4, VOLUME, Formula
from .xlsx_values import COST_CATEGORIES, MEMBER_COST_CATEGORIES, member_categories

__all__ = ["SECTION"]

PRICES, COSTS = "Model prices", "Model costs"


def member_numbers(model: Model) -> dict[int | None, int]:
    """Each member's number (1, 2, … in the order of the option's members), by member id."""
    return {m.id: i for i, m in enumerate(model.workspace.members(model.option.id), start=1)}


def plan(model: Model) -> None:
    if model.prices is None:
        model.page(PRICES).errors.append(("The prices", model.prices_err or "not computed"))
        model.page(COSTS).errors.append(("The cost build-up", model.prices_err or "not computed"))
        return
    prices = model.prices
    b = prices.buildup
    lines = b.service_lines
    if not lines:
        model.page(PRICES).errors.append(("The prices", "the option delivers no service line"))
        return

    cols = ModelColumns()
    cols.plain("no", "Line no.", INTEGER)
    cols.plain("line", "Service line", wrap=28)
    cols.derived("volume", "Volume a year", VOLUME)
    cols.plain("staff", "Staff cost per unit", MONEY_4)
    cols.plain("other", "Other direct cost per unit", MONEY_4)
    cols.plain("member_fixed", "Members' fixed costs per unit", MONEY_4)
    cols.plain("shared", "Shared back office per unit", MONEY_4)
    cols.plain("before", "Cost per unit before contingency", MONEY_4)
    cols.plain("contingency", "Contingency per unit", MONEY_4)
    cols.derived("cost_pu", "Cost per unit", MONEY_4, tolerance="0.00005")
    cols.derived("price", "Year-one unit price")
    cols.plain("fixed_by_user", "Price fixed by the user")
    cols.plain("cost", "Year-one annual cost", GBP)
    cols.derived("share", "Staff share of cost", PERCENT, tolerance="0.0000005")
    cols.plain("fixed_share", "Fixed share of cost", PERCENT)
    cols.derived("index", "Cost index a year", IRR_FORMAT, tolerance="0.00005")
    model.plan(PRICES, "lines", "Service lines: year one", (
        "Per unit: shared back office = shared costs a year ÷ total volume; before contingency = staff + other "
        "direct + members' fixed + shared; contingency = contingency % × that; cost = before + contingency; unit "
        "price = cost ÷ (1 − margin − fee), rounded (unless the user fixed it).",
        "Staff share = staff ÷ cost before contingency; fixed share = (members' fixed + shared) ÷ cost before "
        "contingency; cost index a year = staff share × pay uplift + (1 − staff share) × CPI.",
    ), cols, len(lines))

    cols = ModelColumns()
    cols.plain("year", "Contract year", INTEGER)
    cols.plain("ext", "Extension")
    for k, title in (("price", "Annual price"), ("cost", "Annual cost"), ("fee", "Management fee"),
                     ("margin", "Margin")):
        cols.derived(k, title)
    model.plan(PRICES, "years", "Year totals", (), cols, len(prices.years))

    cols = ModelColumns()
    cols.plain("what", "Total")
    cols.derived("value", "Amount")
    model.plan(PRICES, "totals", "Term and total", (), cols, 5)

    cols = ModelColumns()
    cols.plain("year", "Contract year", INTEGER)
    cols.plain("ext", "Extension")
    cols.plain("no", "Line no.", INTEGER)
    cols.plain("line", "Service line", wrap=28)
    cols.derived("unit", "Unit price")
    cols.plain("volume", "Volume", VOLUME)
    cols.derived("price", "Annual price")
    cols.derived("cost", "Annual cost")
    cols.derived("fee", "Management fee")
    cols.derived("margin", "Margin")
    cols.plain("payroll", "Payroll in the cost", GBP)
    cols.plain("fixed", "Fixed costs in the cost", GBP)
    model.plan(PRICES, "prices", "Prices by contract year and service line", (
        "Unit price in year n = year-one unit price × (1 + cost index)^(n − 1), rounded; annual price = unit price "
        "× volume, rounded; fee = fee % × annual price, rounded; margin = price − cost − fee.",
        "Annual cost in year n = year-one cost × (staff share × (1 + pay uplift)^(n − 1) + (1 − staff share) × "
        "(1 + CPI)^(n − 1)), rounded. Payroll in it = year-one cost × staff share × (1 + pay uplift)^(n − 1), "
        "rounded; fixed costs = year-one cost × fixed share × (1 + CPI)^(n − 1), rounded.",
    ), cols, len(prices.years) * len(lines))

    # ------------------------------------------------------------------- costs
    cols = ModelColumns()
    cols.plain("category", "Category", wrap=28)
    cols.derived("annual", "Annual")
    model.plan(COSTS, "option_costs", "Cost build-up, year one: option totals", (),
               cols, len(COST_CATEGORIES) + 2)

    cols = ModelColumns()
    cols.plain("no", "Line no.", INTEGER)
    cols.plain("line", "Service line", wrap=28)
    cols.plain("category", "Category", wrap=28)
    cols.derived("annual", "Annual")
    model.plan(COSTS, "categories", "Cost build-up, year one: service lines by category", (
        "Each category is the sum of the service line's member lines; the shared back office and the contingency "
        "are the program's split of the option's amounts across service lines (inputs).",), cols,
        len(lines) * (len(COST_CATEGORIES) + 1))

    cols = ModelColumns()
    cols.plain("no", "Line no.", INTEGER)
    cols.plain("line", "Service line", wrap=28)
    cols.plain("member_no", "Member no.", INTEGER)
    cols.plain("member", "Member", wrap=28)
    cols.plain("volume", "Volume", VOLUME)
    for k, label in MEMBER_COST_CATEGORIES:
        cols.plain(k, label, GBP)
    cols.derived("total", "Member line cost")
    cols.plain("line_share", "Share of the service line", PERCENT)
    model.plan(COSTS, "members", "Cost build-up, year one: member lines", (
        "Each member's annual cost of a service line, by category, as the build-up rounded it (the lines add up to "
        "the member line's cost).",
        "Share of the service line = the member line's cost ÷ the line's cost (costs below zero count as zero); by "
        "volume when the line costs nothing. It shares out each year's price, cost and fee among members.",
    ), cols, sum(len(sl.members) for sl in lines))


def write(model: Model) -> None:
    if model.get("lines") is None or model.prices is None:
        return
    _write_costs(model)
    _write_prices(model)


def _write_prices(model: Model) -> None:
    prices = model.prices
    b = prices.buildup
    at = model.at
    lines_b, years_b, totals_b, prices_b = (model.blocks[k] for k in ("lines", "years", "totals", "prices"))
    members_b, categories_b = model.blocks["members"], model.blocks["categories"]
    page = lines_b.page
    terms = {t.key: t for t in prices.lines}
    n_lines = len(b.service_lines)
    rows: list[list[Any]] = []
    member_start = 0
    volume_all = lines_b.column("volume", page)
    for i, sl in enumerate(b.service_lines):
        c = {k: lines_b.cell(k, i, page) for k in lines_b.cols.index}
        n_members = len(sl.members)
        member_volumes = (members_b.column("volume", page, member_start, member_start + n_members - 1)
                          if n_members else "")
        member_start += n_members
        delivery_row = i * (len(COST_CATEGORIES) + 1) + len(COST_CATEGORIES)
        price = (input_value(sl.price_per_unit) if sl.price_fixed_by_user else
                 Formula("=" + half_even(f"{c['cost_pu']}/(1-({at['margin']}+{at['fee']})/100)"),
                         estimate=sl.price_per_unit))
        rows.append(lines_b.cols.row(lines_b.row(i), {
            "no": i + 1, "line": sl.service_line,
            "volume": Formula(f"=SUM({member_volumes})" if member_volumes else "=0", estimate=sl.volume),
            "staff": input_value(sl.staff_cost_per_unit), "other": input_value(sl.direct_cost_per_unit
                                                                               - sl.staff_cost_per_unit),
            "member_fixed": input_value(sl.member_fixed_per_unit),
            "shared": Formula(f"=IF(SUM({volume_all})>0,{at['shared']}/SUM({volume_all}),0)",
                              estimate=sl.shared_per_unit),
            "before": Formula(f"={c['staff']}+{c['other']}+{c['member_fixed']}+{c['shared']}",
                              estimate=sl.cost_per_unit),
            "contingency": Formula(f"={at['contingency']}/100*{c['before']}", estimate=sl.contingency_per_unit),
            "cost_pu": Formula(f"={c['before']}+{c['contingency']}", estimate=sl.cost_per_unit),
            "price": price, "fixed_by_user": "Yes" if sl.price_fixed_by_user else "No",
            "cost": Formula(f"={categories_b.cell('annual', delivery_row, page)}", estimate=sl.annual_cost),
            "share": Formula(f"=IF({c['before']}>0,{c['staff']}/{c['before']},0)", estimate=sl.staff_share),
            "fixed_share": Formula(f"=IF({c['before']}>0,({c['member_fixed']}+{c['shared']})/{c['before']},0)",
                                   estimate=sl.staff_share),
            "index": Formula(f"=({c['share']}*{at['pay']}+(1-{c['share']})*{at['cpi']})",
                             estimate=terms[sl.key].index_pct),
        }, {"volume": sl.volume, "cost_pu": sl.cost_per_unit, "price": sl.price_per_unit,
            "share": sl.staff_share, "index": terms[sl.key].index_pct}))
    model.write(lines_b, rows)

    # ----------------------------------------------------------------- years: totals of the blocks below
    rows = []
    for yi, y in enumerate(prices.years):
        lo, hi = yi * n_lines, (yi + 1) * n_lines - 1
        rows.append(years_b.cols.row(years_b.row(yi), {
            "year": y.number, "ext": "Yes" if y.is_extension else "No",
            **{k: Formula(f"=SUM({prices_b.column(k, page, lo, hi)})") for k in ("price", "cost", "fee", "margin")},
        }, {"price": y.annual_price, "cost": y.annual_cost, "fee": y.annual_fee, "margin": y.annual_margin}))
    model.write(years_b, rows)

    term = [yi for yi, y in enumerate(prices.years) if not y.is_extension]

    def over(key: str, indices: Sequence[int]) -> Formula:
        if not indices:
            return Formula("=0")
        return Formula("=" + "+".join(years_b.cell(key, i, page) for i in indices))

    every = list(range(len(prices.years)))
    items = [(f"Term price (years 1–{len(term)})", over("price", term), prices.term_price),
             ("Total price, all years", over("price", every), prices.total_price),
             ("Total cost, all years", over("cost", every), prices.total_cost),
             ("Total management fee, all years", over("fee", every), prices.total_fee),
             ("Total margin, all years", over("margin", every), prices.total_margin)]
    model.write(totals_b, [totals_b.cols.row(totals_b.row(i), {"what": label, "value": formula}, {"value": program})
                           for i, (label, formula, program) in enumerate(items)])

    # ----------------------------------------------------------------- by year and service line
    rows = []
    r = 0
    for y in prices.years:
        for li, ly in enumerate(y.lines):
            if ly.key != b.service_lines[li].key:
                raise AssertionError("the price schedule's lines are not in the build-up's order")
            c = {k: prices_b.cell(k, r, page) for k in prices_b.cols.index}
            line = {k: lines_b.cell(k, li, page, absolute=True) for k in lines_b.cols.index}
            n = c["year"]
            rows.append(prices_b.cols.row(prices_b.row(r), {
                "year": y.number, "ext": "Yes" if y.is_extension else "No", "no": li + 1, "line": ly.service_line,
                "unit": Formula("=" + half_even(f"{line['price']}*(1+{line['index']}/100)^({n}-1)"),
                                estimate=ly.unit_price),
                "volume": Formula(f"={line['volume']}", estimate=ly.volume),
                "price": Formula("=" + half_even(f"{c['unit']}*{c['volume']}"), estimate=ly.annual_price),
                "cost": Formula("=" + half_even(f"{line['cost']}*({line['share']}*(1+{at['pay']}/100)^({n}-1)"
                                                f"+(1-{line['share']})*(1+{at['cpi']}/100)^({n}-1))"),
                                estimate=ly.annual_cost),
                "fee": Formula("=" + half_even(f"{at['fee']}/100*{c['price']}"), estimate=ly.annual_fee),
                "margin": Formula(f"={c['price']}-{c['cost']}-{c['fee']}", estimate=ly.annual_margin),
                "payroll": Formula("=" + half_even(f"{line['cost']}*{line['share']}*(1+{at['pay']}/100)^({n}-1)"),
                                   estimate=ly.annual_cost),
                "fixed": Formula("=" + half_even(f"{line['cost']}*{line['fixed_share']}*(1+{at['cpi']}/100)^({n}-1)"),
                                 estimate=ly.annual_cost),
            }, {"unit": ly.unit_price, "price": ly.annual_price, "cost": ly.annual_cost, "fee": ly.annual_fee,
                "margin": ly.annual_margin}))
            r += 1
    model.write(prices_b, rows)


def _write_costs(model: Model) -> None:
    b = model.prices.buildup
    at = model.at
    option_b, categories_b, members_b = (model.blocks[k] for k in ("option_costs", "categories", "members"))
    page = members_b.page
    numbers = member_numbers(model)

    # ----------------------------------------------------------------- member lines
    rows: list[list[Any]] = []
    member_rows: list[tuple[int, int]] = []  # each service line's member rows (first, last), 0-based
    i = 0
    for li, sl in enumerate(b.service_lines):
        start = i
        n = len(sl.members)
        for m in sl.members:
            c = {k: members_b.cell(k, i, page) for k in members_b.cols.index}
            cats = member_categories(m)
            first_cat, last_cat = members_b.cols.letter(MEMBER_COST_CATEGORIES[0][0]), \
                members_b.cols.letter(MEMBER_COST_CATEGORIES[-1][0])
            r = members_b.row(i)
            line_costs = members_b.column("total", page, start, start + n - 1)
            volumes = members_b.column("volume", page, start, start + n - 1)
            share = (f'=IF(SUMIF({line_costs},">0")>0,MAX({c["total"]},0)/SUMIF({line_costs},">0"),'
                     f'IF(SUM({volumes})>0,{c["volume"]}/SUM({volumes}),0))')
            values: dict[str, Any] = {"no": li + 1, "line": sl.service_line, "member_no": numbers.get(m.member_id, 0),
                                      "member": m.organisation_name, "volume": input_value(m.volume, VOLUME)}
            values.update({k: input_value(cats[k]) for k, _ in MEMBER_COST_CATEGORIES})
            values["total"] = Formula(f"=SUM({first_cat}{r}:{last_cat}{r})", estimate=m.annual_cost)
            values["line_share"] = Formula(share, estimate=1)
            rows.append(members_b.cols.row(r, values, {"total": m.annual_cost}))
            i += 1
        member_rows.append((start, i - 1))
    member_table = rows

    # ----------------------------------------------------------------- service lines by category
    rows = []
    r = 0
    for li, sl in enumerate(b.service_lines):
        lo, hi = member_rows[li]
        start = r
        for k, label in COST_CATEGORIES:
            amount = sl.line(k).annual
            values = {"no": li + 1, "line": sl.service_line, "category": label}
            if k in ("shared", "contingency"):
                values["annual"] = input_value(amount)  # split across service lines by largest remainder: an input
                rows.append(categories_b.cols.row(categories_b.row(r), values))
            else:
                values["annual"] = Formula(f"=SUM({members_b.column(k, page, lo, hi)})" if hi >= lo else "=0",
                                           estimate=amount)
                rows.append(categories_b.cols.row(categories_b.row(r), values, {"annual": amount}))
            r += 1
        rows.append(categories_b.cols.row(categories_b.row(r), {
            "no": li + 1, "line": sl.service_line, "category": "Delivery cost",
            "annual": Formula(f"=SUM({categories_b.column('annual', page, start, r - 1)})", estimate=sl.annual_cost)},
            {"annual": sl.annual_cost}))
        r += 1
    category_table = rows

    # ----------------------------------------------------------------- option totals
    totals = {t.key: t.annual for t in b.totals}
    labels = categories_b.column("category", page)
    annuals = categories_b.column("annual", page)
    rows = []
    for i, (k, label) in enumerate((*COST_CATEGORIES, ("delivery", "Delivery cost"))):
        program = b.annual_cost if k == "delivery" else totals[k]
        formula = f"=SUMIF({labels},{option_b.cell('category', i, page)},{annuals})"
        rows.append(option_b.cols.row(option_b.row(i), {"category": label, "annual": Formula(formula, estimate=program)},
                                      {"annual": program}))
    before = "+".join(option_b.cell("annual", i, page) for i, (k, _) in enumerate(COST_CATEGORIES)
                      if k != "contingency")
    n = len(COST_CATEGORIES) + 1
    rows.append(option_b.cols.row(option_b.row(n), {
        "category": "Contingency = contingency % × cost before contingency",
        "annual": Formula("=" + half_even(f"{at['contingency']}/100*({before})"), estimate=totals["contingency"])},
        {"annual": totals["contingency"]}))
    model.write(option_b, rows)  # the page's tables in their order
    model.write(categories_b, category_table)
    model.write(members_b, member_table)


SECTION = (plan, write)
