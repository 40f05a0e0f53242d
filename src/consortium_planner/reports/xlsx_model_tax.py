"""Model sheet "Model profit": the P&L by period, members' parts and tax with losses carried forward.

The program's rules (``domain.projection``), each a formula here:

* **P&L by period** — sums of the months (Model months, Model bank) over each period: mobilisation,
  the contract years, run-off. EBITDA = income − payroll − non-pay − bond − insurance −
  mobilisation; EBIT = EBITDA − depreciation; profit before tax = EBIT + grants − interest −
  arrangement fees; after tax = before tax − tax.
* **Tax by period** — the management fee inside the period's income (income × the contract year's
  fee ÷ its price, rounded; mobilisation uses year one's, run-off the last year's); the
  consortium-wide costs (bond, insurance, mobilisation, depreciation; with financing: + interest +
  fees − grants); tax is paid ``tax lag`` months after the period's last month (at the latest in
  the last month projected). Tax is charged twice: on the operating profit (EBIT: the unfunded
  basis of cash before funding and returns) and on the profit before tax (what is paid).
* **Who pays** — a vehicle (SPV, secondary co-operative; or an option without members) pays the
  option's rate on its own profit. An LLP is tax transparent: its profit is split by profit share
  (participation when no profit shares are given) and each member pays on its part. Otherwise
  each member pays on its own profit: its work (the period's income split by its share of each
  service line's price that year) − its cost (payroll and non-pay split by its share of the cost)
  − its share of the fee (split by its share of the fee) + the fee it receives (the lead takes the
  whole fee when there is one) − its share of the consortium-wide costs (the lead bears them all
  under "go alone" and "lead provider", else split by profit share). Charities and CIOs pay
  nothing; others the option's rate. Losses are carried forward within each taxpayer (no carry
  back): tax = rate × (profit − losses used), rounded.
* Splits are ``money.allocate``'s largest remainder in pence (``xlsx_model.largest_remainder``);
  a member's share of a service line is its share of the line's cost in the build-up (Model
  costs); negative weights count as zero and all-zero weights split equally.
"""

from __future__ import annotations

from typing import Any

from ..domain.model import LegalForm, Organisation, Structure
from .xlsx_common import DECIMAL_2, GBP, PERCENT, PERCENT_POINTS
from .xlsx_model import Block, Model, ModelColumns, Page, half_even, input_value, largest_remainder
from .xlsx_model_months import periods_of
from .xlsx_sheet import INTEGER, Formula

__all__ = ["SECTION"]

PROFIT = "Model profit"
VEHICLES = frozenset({Structure.SPV, Structure.SECONDARY_COOP})
LEAD_BEARS = frozenset({Structure.GO_ALONE, Structure.LEAD_PROVIDER})
TRADING = (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("bond", "Bond"),
           ("insurance", "Insurance"), ("mobilisation", "Mobilisation"))


def plan(model: Model) -> None:
    if model.projection is None:
        model.page(PROFIT).errors.append(("The projection", model.projection_err or "not computed"))
        return
    projection = model.projection
    periods = periods_of(model)
    n = len(periods)
    members = model.members
    structure = model.option.structure
    model.single_taxpayer = structure in VEHICLES or not members

    cols = ModelColumns()
    cols.plain("period", "Period")
    cols.plain("no", "Period no.", INTEGER)
    cols.plain("first", "First month", INTEGER)
    cols.plain("last", "Last month", INTEGER)
    for k, title in TRADING:
        cols.derived(k, title)
    cols.derived("ebitda", "EBITDA")
    model.plan(PROFIT, "pnl_trading", "P&L by period: trading",
               ("Each figure is the sum of its months (Model months); EBITDA = income − payroll − non-pay − bond − "
                "insurance − mobilisation.",), cols, n)

    cols = ModelColumns()
    cols.plain("period", "Period")
    for k, title in (("depreciation", "Depreciation"), ("ebit", "EBIT"), ("grant_income", "Grant income"),
                     ("interest", "Interest"), ("arrangement_fees", "Arrangement fees"),
                     ("profit_before_tax", "Profit before tax"), ("tax", "Tax"),
                     ("profit_after_tax", "Profit after tax")):
        cols.derived(k, title)
    model.plan(PROFIT, "pnl_profit", "P&L by period: profit",
               ("EBIT = EBITDA − depreciation; profit before tax = EBIT + grants − interest − arrangement fees "
                "(Model bank); tax from the tables below; profit after tax = before tax − tax.",), cols, n)

    cols = ModelColumns()
    cols.plain("period", "Period")
    cols.plain("year", "Contract year used", INTEGER)
    cols.derived("fee", "Management fee")
    cols.plain("operating_items", "Consortium-wide costs (operating)", GBP)
    cols.plain("funded_items", "Consortium-wide costs (with financing)", GBP)
    cols.plain("operating_tax", "Tax on the operating profit", GBP)
    cols.plain("paid_month", "Tax paid in month", INTEGER)
    model.plan(PROFIT, "period_tax", "Tax by period", (
        "Management fee = income × the contract year's fee ÷ its price, rounded. Consortium-wide costs = bond + "
        "insurance + mobilisation + depreciation (with financing: + interest + arrangement fees − grants). Tax is "
        "paid the tax lag after the period's last month, at the latest in the last month projected.",), cols, n)

    if model.single_taxpayer:
        cols = ModelColumns()
        cols.plain("period", "Period")
        cols.plain("operating_profit", "Operating profit (EBIT)", GBP)
        cols.plain("operating_losses", "Losses brought forward (operating)", GBP)
        cols.plain("operating_tax", "Tax on the operating profit", GBP)
        cols.plain("operating_left", "Losses carried forward (operating)", GBP)
        cols.derived("profit", "Profit before tax")
        cols.plain("losses", "Losses brought forward", GBP)
        cols.derived("tax", "Tax")
        cols.plain("left", "Losses carried forward", GBP)
        who = "The vehicle" if members else "The option"
        model.plan(PROFIT, "entity_tax", f"{who} pays tax on its profit", (
            f"{projection.tax_basis} Tax = rate × (profit − losses brought forward used), rounded; a loss is "
            "carried forward.",), cols, n)

    if not members:
        return
    cols = ModelColumns()
    cols.plain("member_no", "Member no.", INTEGER)
    cols.plain("member", "Member", wrap=28)
    cols.plain("lead", "Lead")
    cols.plain("charity", "Charity or CIO")
    cols.plain("profit_share", "Profit share", PERCENT_POINTS)
    cols.plain("participation", "Participation share", PERCENT_POINTS)
    cols.plain("share_raw", "Profit-share weight", DECIMAL_2)
    cols.plain("share_w", "Profit-share weight used", DECIMAL_2)
    cols.plain("borne_w", "Weight of consortium-wide costs", DECIMAL_2)
    cols.plain("rate", "Tax rate", PERCENT_POINTS)
    model.plan(PROFIT, "members_tax", "Members", (
        "Profit-share weight = profit share, or participation when no member has a profit share; below zero counts "
        "as zero, and all zero splits equally. Consortium-wide costs fall on the lead under go alone and lead "
        "provider (when there is a lead), else by profit share. Tax rate: charities and CIOs nothing, others the "
        "option's rate.",), cols, len(members))

    lines = model.prices.buildup.service_lines if model.prices else ()
    if lines:
        cols = ModelColumns()
        cols.plain("no", "Line no.", INTEGER)
        cols.plain("line", "Service line", wrap=28)
        for i, m in enumerate(members, start=1):
            cols.plain(f"m{i}", f"{i}. {_name(model, m)}", PERCENT)
        model.plan(PROFIT, "shares", "Members' shares of each service line",
                   ("From the member lines (Model costs): each member's share of the service line's cost.",),
                   cols, len(lines))

    cols = ModelColumns()
    cols.plain("period", "Period no.", INTEGER)
    cols.plain("member_no", "Member no.", INTEGER)
    cols.plain("member", "Member", wrap=28)
    for k, title in (("price", "Price"), ("cost", "Cost"), ("fee", "Fee")):
        cols.plain(f"{k}_raw", f"{title} weight", GBP)
        cols.plain(f"{k}_w", f"{title} weight used", GBP)
    cols.derived("work", "Work")
    cols.derived("delivery_cost", "Delivery cost")
    if not model.single_taxpayer:
        cols.plain("fee_paid", "Share of the fee", GBP)
        cols.plain("fee_received", "Fee received", GBP)
        cols.plain("trading", "Trading profit", GBP)
        cols.plain("operating_borne", "Consortium-wide costs borne (operating)", GBP)
        cols.plain("operating_profit", "Operating profit", GBP)
        cols.plain("operating_losses", "Losses brought forward (operating)", GBP)
        cols.plain("operating_tax", "Tax on the operating profit", GBP)
        cols.plain("operating_left", "Losses carried forward (operating)", GBP)
        cols.plain("borne", "Consortium-wide costs borne", GBP)
        cols.derived("profit", "Taxable profit")
        cols.plain("losses", "Losses brought forward", GBP)
        cols.derived("tax", "Tax")
        cols.plain("left", "Losses carried forward", GBP)
    rule = ("the LLP's profit split by profit-share weight" if structure is Structure.LLP else
            "work − cost − share of the fee + fee received − consortium-wide costs borne")
    notes = ["Weights: Σ over service lines of the member's share × the line's price (cost, fee) in the period's "
             "contract year (Model prices); below zero counts as zero, all zero splits equally. Work, cost and "
             "shares are the period's amounts split by largest remainder in pence."]
    if not model.single_taxpayer:
        notes.append(f"Taxable profit = {rule}; tax = rate × (profit − losses brought forward used), rounded.")
    model.plan(PROFIT, "members_periods", "Members by period: work, cost, profit and tax", notes, cols,
               n * len(members))


def _name(model: Model, member: Any) -> str:
    org = model.workspace.get(Organisation, member.organisation_id)
    return org.name if org else f"Member {member.id}"


def _charitable(model: Model, member: Any) -> bool:
    org = model.workspace.get(Organisation, member.organisation_id)
    return org is not None and (org.registered_charity or org.legal_form is LegalForm.CIO)


def write(model: Model) -> None:
    if model.projection is None:
        return
    _write_pnl(model)
    _write_period_tax(model)
    if model.get("entity_tax") is not None:
        _write_entity_tax(model)
    if model.get("members_tax") is not None:
        _write_members(model)
    if model.get("shares") is not None:
        _write_shares(model)
    if model.get("members_periods") is not None:
        _write_members_periods(model)


def _pool(profit: str, losses: str, rate: str) -> tuple[Formula, Formula]:
    """Tax and losses carried forward of a taxpayer with ``losses`` brought forward (the program's loss pool)."""
    used = f"MIN({losses},{profit})"
    return (Formula(f"=IF({profit}<=0,0,{half_even(f'({profit}-{used})*{rate}/100')})"),
            Formula(f"=IF({profit}<=0,{losses}-{profit},{losses}-{used})"))


def _write_pnl(model: Model) -> None:
    trading, profit = model.blocks["pnl_trading"], model.blocks["pnl_profit"]
    accruals, page = model.blocks["accruals"], trading.page
    bank = model.get("bank")
    periods = periods_of(model)
    single = model.single_taxpayer
    entity, members_periods = model.get("entity_tax"), model.get("members_periods")
    n_members = len(model.members)
    years = {y.period: y for y in model.projection.years}
    rows, rows2 = [], []
    for i, (p, label, t0, t1) in enumerate(periods):
        y = years[p]
        c = {k: trading.cell(k, i, page) for k in trading.cols.index}
        d = {k: profit.cell(k, i, page) for k in profit.cols.index}
        values: dict[str, Any] = {"period": label, "no": p, "first": t0, "last": t1}
        for k, _ in TRADING:
            values[k] = Formula(f"=SUM({accruals.column(k, page, t0, t1)})")
        values["ebitda"] = Formula("=" + "-".join(c[k] for k, _ in TRADING))
        rows.append(trading.cols.row(trading.row(i), values, {k: getattr(y, k) for k, _ in (*TRADING, ("ebitda", ""))}))

        def over_bank(key: str, t0: int = t0, t1: int = t1) -> Formula:
            return Formula(f"=SUM({bank.column(key, page, t0, t1)})") if bank is not None else Formula("=0")

        if single and entity is not None:
            tax = Formula(f"={entity.cell('tax', i, page)}")
        elif members_periods is not None:
            tax = Formula(f"=SUM({members_periods.column('tax', page, i * n_members, (i + 1) * n_members - 1)})")
        else:
            tax = Formula("=0")
        rows2.append(profit.cols.row(profit.row(i), {
            "period": label,
            "depreciation": Formula(f"=SUM({accruals.column('depreciation', page, t0, t1)})"),
            "ebit": Formula(f"={c['ebitda']}-{d['depreciation']}"),
            "grant_income": over_bank("grants_in"), "interest": over_bank("interest_paid"),
            "arrangement_fees": over_bank("fees_paid"),
            "profit_before_tax": Formula(f"={d['ebit']}+{d['grant_income']}-{d['interest']}-{d['arrangement_fees']}"),
            "tax": tax, "profit_after_tax": Formula(f"={d['profit_before_tax']}-{d['tax']}"),
        }, {k: getattr(y, k) for k in ("depreciation", "ebit", "grant_income", "interest", "arrangement_fees",
                                       "profit_before_tax", "tax", "profit_after_tax")}))
    model.write(trading, rows)
    model.write(profit, rows2)


def _write_period_tax(model: Model) -> None:
    block, at = model.blocks["period_tax"], model.at
    trading, profit = model.blocks["pnl_trading"], model.blocks["pnl_profit"]
    page = block.page
    years_b = model.get("years")
    entity, members_periods = model.get("entity_tax"), model.get("members_periods")
    n_members = len(model.members)
    rows = []
    for i, (_p, label, _t0, _t1) in enumerate(periods_of(model)):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        t = {k: trading.cell(k, i, page) for k in trading.cols.index}
        d = {k: profit.cell(k, i, page) for k in profit.cols.index}
        y = model.projection.years[i]
        if years_b is not None:
            price, fee = (f"INDEX({years_b.column(k, page)},{c['year']})" for k in ("price", "fee"))
            share = half_even(f"{t['income']}*{fee}/{price}")
            fee_formula = Formula(f"=IF({price}=0,0,{share})")
        else:
            fee_formula = Formula("=0")
        if entity is not None:
            operating_tax = Formula(f"={entity.cell('operating_tax', i, page)}")
        elif members_periods is not None:
            operating_tax = Formula(f"=SUM({members_periods.column('operating_tax', page, i * n_members, (i + 1) * n_members - 1)})")
        else:
            operating_tax = Formula("=0")
        rows.append(block.cols.row(block.row(i), {
            "period": label, "year": Formula(f"=MIN(MAX({t['no']},1),{at['n_years']})"),
            "fee": fee_formula,
            "operating_items": Formula(f"={t['bond']}+{t['insurance']}+{t['mobilisation']}+{d['depreciation']}"),
            "funded_items": Formula(f"={c['operating_items']}+{d['interest']}+{d['arrangement_fees']}"
                                    f"-{d['grant_income']}"),
            "operating_tax": operating_tax,
            "paid_month": Formula(f"=MIN({t['last']}+{at['lag_tax']},{at['last']})"),
        }, {"fee": y.management_fee}))
    model.write(block, rows)


def _write_entity_tax(model: Model) -> None:
    block, at = model.blocks["entity_tax"], model.at
    profit = model.blocks["pnl_profit"]
    page = block.page
    rows = []
    for i, (_p, label, _t0, _t1) in enumerate(periods_of(model)):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        d = {k: profit.cell(k, i, page) for k in profit.cols.index}
        y = model.projection.years[i]
        first = i == 0
        operating_tax, operating_left = _pool(c["operating_profit"], c["operating_losses"], at["tax_rate"])
        tax, left = _pool(c["profit"], c["losses"], at["tax_rate"])
        rows.append(block.cols.row(block.row(i), {
            "period": label, "operating_profit": Formula(f"={d['ebit']}"),
            "operating_losses": Formula("=0" if first else f"={block.cell('operating_left', i - 1, page)}"),
            "operating_tax": operating_tax, "operating_left": operating_left,
            "profit": Formula(f"={d['profit_before_tax']}"),
            "losses": Formula("=0" if first else f"={block.cell('left', i - 1, page)}"),
            "tax": tax, "left": left,
        }, {"profit": y.profit_before_tax, "tax": y.tax}))
    model.write(block, rows)


def _write_members(model: Model) -> None:
    block, at = model.blocks["members_tax"], model.at
    page = block.page
    members = model.members
    option = model.option
    lead_bears = option.structure in LEAD_BEARS and any(m.organisation_id == option.lead_organisation_id
                                                        for m in members)
    rows = []
    for i, m in enumerate(members):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        rows.append(block.cols.row(block.row(i), {
            "member_no": i + 1, "member": _name(model, m),
            "lead": "Yes" if option.lead_organisation_id is not None and m.organisation_id == option.lead_organisation_id
            else "No",
            "charity": input_value("Yes" if _charitable(model, m) else "No"),
            "profit_share": input_value(m.profit_share_pct), "participation": input_value(m.participation_pct),
            "share_raw": Formula(f"=IF(SUM({block.column('profit_share', page)})=0,{c['participation']},"
                                 f"{c['profit_share']})"),
            "share_w": Formula(f'=IF(SUMIF({block.column("share_raw", page)},">0")>0,MAX({c["share_raw"]},0),1)'),
            "borne_w": Formula(f'=IF({c["lead"]}="Yes",1,0)' if lead_bears else f"={c['share_w']}"),
            "rate": Formula(f'=IF({c["charity"]}="Yes",0,{at["tax_rate"]})'),
        }))
    model.write(block, rows)


def _write_shares(model: Model) -> None:
    block, members_b = model.blocks["shares"], model.blocks["members"]
    page = block.page
    lines = model.prices.buildup.service_lines
    rows = []
    for li, sl in enumerate(lines):
        values: dict[str, Any] = {"no": li + 1, "line": sl.service_line}
        for i in range(1, len(model.members) + 1):
            values[f"m{i}"] = Formula(f"=SUMIFS({members_b.column('line_share', page)},{members_b.column('no', page)},"
                                      f"{block.cell('no', li, page)},{members_b.column('member_no', page)},{i})",
                                      estimate=1)
        rows.append(block.cols.row(block.row(li), values))
    model.write(block, rows)


def _write_members_periods(model: Model) -> None:
    block = model.blocks["members_periods"]
    page: Page = block.page
    members_b: Block = model.blocks["members_tax"]
    trading, profit, period_tax = model.blocks["pnl_trading"], model.blocks["pnl_profit"], model.blocks["period_tax"]
    shares, prices_b = model.get("shares"), model.get("prices")
    members = model.members
    n_members, n_lines = len(members), len(model.prices.buildup.service_lines) if model.prices else 0
    n_years = model.n_years
    single = model.single_taxpayer
    llp = model.option.structure is Structure.LLP
    has_lead = any(m.organisation_id == model.option.lead_organisation_id for m in members)
    program = {(y.period, mp.member_id): y for mp in model.projection.members for y in mp.years}
    order = members_b.column("member_no", page)
    rows = []
    for pi, (p, _label, _t0, _t1) in enumerate(periods_of(model)):
        lo, hi = pi * n_members, (pi + 1) * n_members - 1
        year = min(max(p, 1), n_years)
        t = {k: trading.cell(k, pi, page, absolute=True) for k in trading.cols.index}
        d = {k: profit.cell(k, pi, page, absolute=True) for k in profit.cols.index}
        x = {k: period_tax.cell(k, pi, page, absolute=True) for k in period_tax.cols.index}
        for mi, m in enumerate(members):
            r = lo + mi
            c = {k: block.cell(k, r, page) for k in block.cols.index}
            mine = {k: members_b.cell(k, mi, page, absolute=True) for k in members_b.cols.index}
            values: dict[str, Any] = {"period": p, "member_no": mi + 1, "member": _name(model, m)}
            for k, key in (("price", "price"), ("cost", "cost"), ("fee", "fee")):
                if shares is not None and prices_b is not None:
                    span = prices_b.column(key, page, (year - 1) * n_lines, year * n_lines - 1)
                    values[f"{k}_raw"] = Formula(f"=SUMPRODUCT({shares.column(f'm{mi + 1}', page)},{span})")
                else:
                    values[f"{k}_raw"] = Formula("=0")
                values[f"{k}_w"] = Formula(f'=IF(SUMIF({block.column(f"{k}_raw", page, lo, hi)},">0")>0,'
                                           f'MAX({c[f"{k}_raw"]},0),1)')

            def split(amount: str, weight: str, *, mine_w: str | None = None, lo: int = lo, hi: int = hi,
                      c: dict[str, str] = c, mine: dict[str, str] = mine) -> Formula:
                if mine_w is not None:  # a weight of the Members table
                    return Formula("=" + largest_remainder(amount, members_b.column(weight, page), mine_w, order,
                                                           mine["member_no"]))
                return Formula("=" + largest_remainder(amount, block.column(weight, page, lo, hi), c[weight],
                                                       order, mine["member_no"]))

            values["work"] = split(t["income"], "price_w")
            values["delivery_cost"] = split(f"({t['payroll']}+{t['non_pay']})", "cost_w")
            mp = program.get((p, m.id))
            programs: dict[str, Any] = {"work": mp.work_value if mp else 0,
                                        "delivery_cost": mp.delivery_cost if mp else 0}
            if not single:
                values["fee_paid"] = split(x["fee"], "fee_w")
                received = (f'=IF({mine["lead"]}="Yes",{x["fee"]},0)' if has_lead else f"={c['fee_paid']}")
                values["fee_received"] = Formula(received)
                values["trading"] = Formula(f"={c['work']}-{c['delivery_cost']}-{c['fee_paid']}+{c['fee_received']}")
                values["operating_borne"] = split(x["operating_items"], "borne_w", mine_w=mine["borne_w"])
                values["borne"] = split(x["funded_items"], "borne_w", mine_w=mine["borne_w"])
                if llp:
                    values["operating_profit"] = split(d["ebit"], "share_w", mine_w=mine["share_w"])
                    values["profit"] = split(d["profit_before_tax"], "share_w", mine_w=mine["share_w"])
                else:
                    values["operating_profit"] = Formula(f"={c['trading']}-{c['operating_borne']}")
                    values["profit"] = Formula(f"={c['trading']}-{c['borne']}")
                before = None if pi == 0 else r - n_members
                values["operating_losses"] = Formula(
                    "=0" if before is None else f"={block.cell('operating_left', before, page)}")
                values["losses"] = Formula("=0" if before is None else f"={block.cell('left', before, page)}")
                values["operating_tax"], values["operating_left"] = _pool(c["operating_profit"],
                                                                          c["operating_losses"], mine["rate"])
                values["tax"], values["left"] = _pool(c["profit"], c["losses"], mine["rate"])
                programs.update({"profit": mp.profit_before_tax if mp else 0, "tax": mp.tax if mp else 0})
            rows.append(block.cols.row(block.row(r), values, programs))
    model.write(block, rows)


SECTION = (plan, write)
