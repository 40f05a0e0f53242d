"""Model sheet "Model standing": the financial standing ratios from the accounts' line items.

``write_accounts`` adds to the Inputs sheet the latest accounts of every organisation whose
standing the option reports (members, and a lead that is not a member): the line items as entered,
"not given" where a figure was not given (never read as zero).

The Model standing sheet then computes, per member and for each entity the buyer tests:

* **Line items** — each organisation's (EBITDA = operating surplus + depreciation when EBITDA is not
  given); a tested entity's are the sums of its organisations' (not given if anyone's is not given);
  net assets = total assets − total liabilities; net debt = borrowings − cash.
* **Ratios** (``domain.standing``, DOMAIN.md §2) — turnover ratio = turnover ÷ the contract value
  tested; contract dependency = share of the contract ÷ turnover; operating margin = operating
  surplus ÷ turnover; free cash flow = operating cash flow − capital expenditure − interest − tax −
  dividends; net assets; current ratio = current assets ÷ current liabilities; acid ratio =
  (current assets − inventory) ÷ current liabilities; gearing = net debt ÷ net assets; interest
  cover = operating surplus ÷ interest; net debt ÷ EBITDA; reserves cover = free reserves × 12 ÷
  expenditure. Shown to 0.01 rounded toward the failing side (down for a minimum, up for a
  maximum), money to the penny; pass, pass with caution or fail decided on the exact value against
  the pass mark and the amber level.

A test the program cannot compute (a figure not given, a zero denominator, a vehicle without
guarantors) shows the program's verdict and why, without a formula.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from ..domain.fields import specs
from ..domain.model import FinancialYear, Metric, Organisation
from ..domain.standing import LINE_ITEMS, Direction, MetricResult, Status, Unit
from .xlsx_common import GBP, PERCENT_POINTS
from .xlsx_model import Model, ModelColumns, half_even
from .xlsx_sheet import MONTHS, RATIO, Book, Col, Formula, Value

__all__ = ["SECTION", "write_accounts"]

STANDING = "Model standing"
NOT_GIVEN = "not given"
_LABELS = {name: spec.label for name, spec in specs(FinancialYear).items()}
UNIT_FORMAT = {Unit.MONEY: GBP, Unit.PERCENT: PERCENT_POINTS, Unit.MONTHS: MONTHS, Unit.RATIO: RATIO}
EXACT_FORMAT = {Unit.MONEY: GBP, Unit.PERCENT: '0.0000"%"', Unit.MONTHS: '0.0000" months"', Unit.RATIO: "0.0000"}
DERIVED = ("net_assets", "net_debt")


def _organisations(book: Book) -> list[int]:
    """Every organisation whose standing the option reports: members, then a tested lead who is not one."""
    standing, err = book.result("standing")
    if err or standing is None:
        return []
    out: list[int] = []
    for m in standing.members:
        if m.organisation_id is not None and m.organisation_id not in out:
            out.append(m.organisation_id)
    for t in standing.tested:
        out.extend(o for o in t.organisation_ids if o not in out)
    return out


def write_accounts(book: Book) -> None:
    """Add the accounts the standing is computed from to the Inputs sheet (see the module's docstring)."""
    sheet = book.sheets.get("Inputs")
    book.accounts.clear()
    orgs = _organisations(book)
    if sheet is None or not orgs:
        return
    ws = book.workspace
    rows = []
    cols = (Col("Organisation"), Col("Year end")) + tuple(Col(_LABELS[i], GBP) for i in LINE_ITEMS)
    for org_id in orgs:
        org = ws.get(Organisation, org_id)
        years = ws.financial_years(org_id)
        latest = years[-1] if years else None
        row: list[Any] = [org.name if org else f"Organisation {org_id}", latest.year_end if latest else "none entered"]
        for item in LINE_ITEMS:
            value = getattr(latest, item) if latest else None
            row.append(Value(value, GBP, input=True) if value is not None else Value(NOT_GIVEN, input=True))
        rows.append(row)
    first, _ = sheet.table("accounts", cols, rows, heading="Accounts used for financial standing (latest year)")
    sheet.row -= 1
    sheet.note("The Model standing sheet computes each member's and the tested entity's ratios from these figures.")
    sheet.row += 1
    for i, org_id in enumerate(orgs):
        book.accounts[org_id] = {item: f"'Inputs'!${get_column_letter(2 + j)}${first + i}"
                                 for j, item in enumerate(LINE_ITEMS, start=1)}
    sheet.finish()


def plan(model: Model) -> None:
    standing = model.standing
    accounts = model.book.accounts
    if standing is None:
        model.page(STANDING).errors.append(("Financial standing", model.standing_err or "not computed"))
        return
    orgs = [o for o in _organisations(model.book) if o in accounts]
    model.standing_orgs = orgs
    cols = ModelColumns()
    cols.plain("entity", "Entity", wrap=36)
    cols.plain("role", "Role", wrap=24)
    cols.plain("acv", "Contract value tested against", GBP)
    cols.plain("share", "Share of the contract", GBP)
    for item in LINE_ITEMS:
        cols.plain(item, _LABELS[item], GBP)
    cols.plain("net_assets", "Net assets", GBP)
    cols.plain("net_debt", "Net debt", GBP)
    model.plan(STANDING, "accounts", "Line items", (
        "Each organisation's latest accounts (Inputs); EBITDA = operating surplus + depreciation where EBITDA is "
        "not given. A tested entity's line items are the sums of its organisations' (not given if anyone's is "
        "not). Net assets = total assets − total liabilities; net debt = borrowings − cash.",),
        cols, len(orgs) + len(standing.tested))

    cols = ModelColumns()
    cols.plain("entity", "Entity", wrap=36)
    cols.plain("test", "Test")
    cols.plain("exact", "Exact value", RATIO)
    cols.derived("value", "Value shown", RATIO, text=True)
    cols.plain("direction", "Pass when")
    cols.plain("threshold", "Pass mark", RATIO)
    cols.plain("amber", "Amber level", RATIO)
    cols.derived("result", "Result", text=True)
    cols.plain("why", "Why there is no value", wrap=40)
    n = sum(len(m.standing.metrics) for m in standing.members) + sum(len(t.metrics) for t in standing.tested)
    model.plan(STANDING, "metrics", "Tests per member and for the entity the buyer tests", (
        "Value shown: ratios, percentages and months to 0.01 rounded toward the failing side (down for a minimum, "
        "up for a maximum), money to the penny. Result: pass when the exact value meets the pass mark, pass with "
        "caution when it meets only the amber level, else fail.",), cols, n)


def write(model: Model) -> None:
    if model.standing is None or model.get("accounts") is None:
        return
    standing = model.standing
    block, page = model.blocks["accounts"], model.blocks["accounts"].page
    accounts = model.book.accounts
    orgs: list[int] = model.standing_orgs
    row_of: dict[int, int] = {}
    rows = []
    member_by_org = {m.organisation_id: m for m in standing.members}
    for i, org_id in enumerate(orgs):
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        refs = accounts[org_id]
        m = member_by_org.get(org_id)
        org = model.workspace.get(Organisation, org_id)
        values: dict[str, Any] = {
            "entity": m.name if m else (org.name if org else str(org_id)),
            "role": m.role.label if m else "Lead (not a member)",
            "acv": _money(m.standing.annual_value if m else None), "share": _money(m.share_of_acv if m else None)}
        for item in LINE_ITEMS:
            values[item] = Formula(f"={refs[item]}")
        values["ebitda"] = Formula(f'=IF(ISNUMBER({refs["ebitda"]}),{refs["ebitda"]},IF(AND(ISNUMBER('
                                   f'{refs["operating_surplus"]}),ISNUMBER({refs["depreciation"]})),'
                                   f'{refs["operating_surplus"]}+{refs["depreciation"]},"{NOT_GIVEN}"))')
        values.update(_derived(c))
        rows.append(block.cols.row(block.row(i), values))
        row_of[org_id] = i
    for j, t in enumerate(standing.tested):
        i = len(orgs) + j
        c = {k: block.cell(k, i, page) for k in block.cols.index}
        parts = [row_of[o] for o in t.organisation_ids if o in row_of]
        values = {"entity": t.name, "role": f"Tested ({t.kind})", "acv": _money(t.annual_value),
                  "share": _money(t.share_of_acv)}
        for item in LINE_ITEMS:
            if not parts:
                values[item] = NOT_GIVEN
                continue
            cells = ",".join(block.cell(item, p, page) for p in parts)
            values[item] = Formula(f'=IF(COUNT({cells})={len(parts)},SUM({cells}),"{NOT_GIVEN}")')
        values.update(_derived(c))
        rows.append(block.cols.row(block.row(i), values))
    model.write(block, rows)

    metrics = model.blocks["metrics"]
    rows = []
    r = 0
    entities: list[tuple[int, str, tuple[MetricResult, ...]]] = []
    for m in standing.members:
        if m.organisation_id in row_of:
            entities.append((row_of[m.organisation_id], m.name, m.standing.metrics))
        else:
            entities.append((-1, m.name, m.standing.metrics))
    for j, t in enumerate(standing.tested):
        entities.append((len(orgs) + j, t.name, t.metrics))
    for account_row, name, results in entities:
        for res in results:
            rows.append(_metric_row(model, metrics, r, account_row, name, res))
            r += 1
    model.write(metrics, rows)


def _money(value: Decimal | None) -> Any:
    return Value(value, GBP, input=True) if value is not None else "not known"


def _derived(c: dict[str, str]) -> dict[str, Formula]:
    return {"net_assets": Formula(f'=IFERROR({c["total_assets"]}-{c["total_liabilities"]},"{NOT_GIVEN}")'),
            "net_debt": Formula(f'=IFERROR({c["borrowings"]}-{c["cash"]},"{NOT_GIVEN}")')}


def _exact(metric: Metric, a: dict[str, str]) -> str:
    """The metric's exact value over an entity's line items (``a``: the Line items row's cells)."""
    return {
        Metric.TURNOVER_RATIO: f"{a['turnover']}/{a['acv']}",
        Metric.CONTRACT_DEPENDENCY: f"{a['share']}*100/{a['turnover']}",
        Metric.OPERATING_MARGIN: f"{a['operating_surplus']}*100/{a['turnover']}",
        Metric.FREE_CASH_FLOW: f"{a['operating_cash_flow']}-{a['capex']}-{a['interest']}-{a['tax']}-{a['dividends']}",
        Metric.NET_ASSETS: f"{a['net_assets']}",
        Metric.CURRENT_RATIO: f"{a['current_assets']}/{a['current_liabilities']}",
        Metric.ACID_RATIO: f"({a['current_assets']}-{a['inventory']})/{a['current_liabilities']}",
        Metric.GEARING: f"{a['net_debt']}/{a['net_assets']}",
        Metric.INTEREST_COVER: f"{a['operating_surplus']}/{a['interest']}",
        Metric.NET_DEBT_EBITDA: f"{a['net_debt']}/{a['ebitda']}",
        Metric.RESERVES_COVER: f"{a['free_reserves']}*12/{a['expenditure']}",
    }[metric]


def _meets(value: str, direction: Direction, bound: str) -> str:
    op = {Direction.AT_LEAST: ">=", Direction.AT_MOST: "<=", Direction.ABOVE: ">"}[direction]
    return f"{value}{op}{bound}"


def _metric_row(model: Model, block: Any, r: int, account_row: int, name: str, res: MetricResult) -> list[Any]:
    page = block.page
    accounts = model.blocks["accounts"]
    c = {k: block.cell(k, r, page) for k in block.cols.index}
    fmt = UNIT_FORMAT[res.unit]
    label = res.label[:1].upper() + res.label[1:]
    values: dict[str, Any] = {"entity": name, "test": label, "direction": res.direction.label,
                              "threshold": Value(res.threshold, fmt, input=True) if res.threshold is not None else "",
                              "amber": Value(res.amber_threshold, fmt, input=True)
                              if res.amber_threshold is not None else ""}
    if res.value is None or account_row < 0:
        values["exact"] = ""
        values["value"] = "none"
        values["result"] = res.status.label
        values["why"] = res.reason or res.status.label
        return block.cols.row(block.row(r), values)
    a = {k: accounts.cell(k, account_row, page) for k in accounts.cols.index}
    values["exact"] = Formula(f'=IFERROR({_exact(res.metric, a)},"n/a")', EXACT_FORMAT[res.unit], estimate=res.value)
    exact = c["exact"]
    if res.unit is Unit.MONEY:
        shown = half_even(exact)
    elif res.direction is Direction.AT_MOST:
        shown = f"-INT(-ROUND({exact}*100,6))/100"
    else:
        shown = f"INT(ROUND({exact}*100,6))/100"
    values["value"] = Formula(f"=IF(ISNUMBER({exact}),{shown},{exact})", fmt, estimate=res.value)
    programs: dict[str, Any] = {"value": Value(res.value, fmt)}
    if res.status in (Status.GREEN, Status.AMBER, Status.RED):
        amber = (f'IF({_meets(exact, res.direction, c["amber"])},"{Status.AMBER.label}","{Status.RED.label}")'
                 if res.amber_threshold is not None else f'"{Status.RED.label}"')
        values["result"] = Formula(f'=IF({_meets(exact, res.direction, c["threshold"])},"{Status.GREEN.label}",'
                                   f'{amber})', estimate=res.status.label)
        programs["result"] = res.status.label
    else:
        values["result"] = res.status.label
    return block.cols.row(block.row(r), values, programs)


SECTION = (plan, write)
