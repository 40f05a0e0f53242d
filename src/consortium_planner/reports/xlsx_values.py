"""The option workbook's value sheets: the inputs, and each analysis's results as values.

- **Inputs**: the tender and the option (every field, labelled as on screen), members, allocations,
  competitors, funding sources and capital or mobilisation items.
- **Coverage**, **Standing**, **Cost build-up**, **Prices by year**, **Projection**, **Funding**,
  **Returns**: the analyses' results, in more detail than the investment case. An analysis that
  could not run says why in one line.

Where a sheet shows what the case shows, it writes the case's own document table or chart
(``xlsx_document``): the coverage heat map (``sections.capacity.coverage_heatmap``), each analysis's
findings with their severity (``sections.risks.findings_table``), the members' earnings and the use of
funds (``sections.cash``). Colours come from the document's statuses (``xlsx_sheet.STATUS_FILLS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..domain import capacity as _capacity
from ..domain import costing as _costing
from ..domain import standing as _standing
from ..domain.fields import Kind, specs
from ..domain.findings import Finding
from ..domain.model import ENTITY_BY_NAME, CapitalItem, Competitor, FundingSource, Lot, Member
from ..domain.workspace import Workspace
from ..services.pipeline import REGISTRY as ANALYSES
from .document import Status
from .sections.capacity import COVERAGE_STATUS, DEPENDENCY_STATUS, coverage_grid_of, coverage_heatmap
from .sections.cash import member_returns_table, uses_table
from .sections.risks import findings_table
from .sections.standing import RISK_STATUS, STANDING_STATUS, pass_mark
from .xlsx_common import DECIMAL_2, GBP, NUMBER, PERCENT, PERCENT_POINTS
from .xlsx_compare import COMPARE_SHEETS
from .xlsx_document import write_heatmap, write_table
from .xlsx_markets import MARKETS_SHEETS
from .xlsx_sensitivity import SENSITIVITY_SHEETS
from .xlsx_sheet import (
    INTEGER,
    IRR_FORMAT,
    MONEY_4,
    MONTHS,
    RATIO,
    STATUS_FILLS,
    VOLUME,
    Book,
    Col,
    Sheet,
    Value,
    money_value,
    pct_value,
)

__all__ = ["COST_CATEGORIES", "MEMBER_COST_CATEGORIES", "VALUE_SHEETS", "member_categories"]


# =========================================================================== shared


def _status_value(text: str, status: Status | None) -> Value:
    """Text with its colour (grey when there is none to give)."""
    return Value(text, fill=STATUS_FILLS[status or Status.GREY])


def _field_value(ws: Workspace, entity: Any, name: str, spec) -> Value:
    value = getattr(entity, name)
    kind = spec.kind
    if value is None:
        return Value("not given" if kind is Kind.MONEY else None)
    if kind is Kind.MONEY:
        return Value(value, GBP)
    if kind is Kind.PERCENT:
        return Value(value, PERCENT_POINTS)
    if kind is Kind.DECIMAL:
        return Value(value, DECIMAL_2 if spec.places else NUMBER)
    if kind is Kind.INT:
        return Value(value, NUMBER)
    if kind is Kind.REF:
        cls = ENTITY_BY_NAME.get(spec.ref or "")
        return Value(ws.display_name(cls, value) if cls else str(value))
    return Value(value)


def _entity_pairs(ws: Workspace, entity: Any, skip: Iterable[str] = ()) -> list[tuple[str, Value]]:
    out = []
    skipped = set(skip)
    for name, spec in specs(type(entity)).items():
        if spec.kind is Kind.ID or name in skipped:
            continue
        out.append((spec.label, _field_value(ws, entity, name, spec)))
    return out


def _findings(sheet: Sheet, analysis: str, findings: Sequence[Finding], heading: str) -> None:
    """The analysis's findings, each with its severity (coloured) and area, as the case lists them."""
    if findings:
        area = ANALYSES[analysis].area if analysis in ANALYSES else ""
        write_table(sheet, findings_table("flags", findings, area=area), heading=heading)


# =========================================================================== sheets


def _inputs(book: Book) -> None:
    ws, option, tender = book.workspace, book.option, book.tender
    sheet = book.sheet("Inputs", "Inputs")
    if tender is not None:
        sheet.pairs("tender", _entity_pairs(ws, tender), heading="Tender")
    else:
        sheet.note("The option has no tender.")
    sheet.pairs("option", _entity_pairs(ws, option, skip=("tender_id",)), heading="Consortium option")

    members = sorted(ws.members(option.id), key=lambda m: m.id or 0)  # type: ignore[arg-type]
    sheet.table("members", (Col("Organisation"), Col("Role"), Col("Participation share", PERCENT_POINTS),
                            Col("Profit share", PERCENT_POINTS), Col("Capital contribution", GBP),
                            Col("Guarantee offered", GBP)),
                [(ws.display_name(Member, m.id), m.role, m.participation_pct, m.profit_share_pct,
                  m.capital_contribution, m.guarantee if m.guarantee is not None else "not given") for m in members],
                heading="Members")

    reqs = {r.id: r for r in ws.requirements(option.tender_id)} if option.tender_id is not None else {}
    lots = {lot.id: lot.name for lot in ws.all(Lot)}
    allocations = []
    for a in ws.allocations(option.id):  # type: ignore[arg-type]
        r = reqs.get(a.requirement_id)
        allocations.append((r, a))
    allocations.sort(key=lambda ra: ((ra[0].service_line.casefold(), ra[0].area.casefold(), ra[0].id or 0)
                                     if ra[0] else ("", "", 0), ra[1].id or 0))
    sheet.table("allocations", (Col("Lot"), Col("Service line"), Col("Area"), Col("Unit"),
                                Col("Required a year", VOLUME), Col("Member"), Col("Volume allocated", VOLUME)),
                [(lots.get(r.lot_id, "") if r else "", r.service_line if r else "(not in this tender)",
                  r.area if r else "", r.unit if r else "", r.annual_volume if r else None,
                  ws.display_name(Member, a.member_id), a.volume) for r, a in allocations],
                heading="Allocations")

    competitors = sorted(ws.children(Competitor, option.tender_id), key=lambda x: x.id or 0) \
        if option.tender_id is not None else []
    sheet.table("competitors", (Col("Competitor"), Col("Expected annual price", GBP), Col("Quality score", DECIMAL_2),
                                Col("Quality out of", DECIMAL_2), Col("Social value score", DECIMAL_2),
                                Col("Social value out of", DECIMAL_2), Col("Notes")),
                [(rival.name, rival.annual_price, rival.quality_score, rival.quality_max, rival.social_value_score,
                  rival.social_value_max, rival.notes) for rival in competitors], heading="Competitors")

    sources = sorted(ws.children(FundingSource, option.id), key=lambda x: (x.drawdown_month, x.id or 0))
    sheet.table("funding", (Col("Name"), Col("Kind"), Col("Amount", GBP), Col("Interest rate a year", PERCENT_POINTS),
                            Col("Term (months)", INTEGER), Col("Capital holiday (months)", INTEGER),
                            Col("Arrangement fee", PERCENT_POINTS), Col("Drawn in month", INTEGER), Col("Member")),
                [(source.name, source.kind, source.amount, source.interest_rate_pct, source.term_months,
                  source.capital_holiday_months, source.arrangement_fee_pct, source.drawdown_month,
                  ws.display_name(Member, source.member_id)) for source in sources],
                heading="Funding sources")

    items = sorted(ws.children(CapitalItem, option.id), key=lambda i: (i.month, i.id or 0))
    sheet.table("capital", (Col("Name"), Col("Kind"), Col("Amount", GBP), Col("Paid in month", INTEGER),
                            Col("Useful life (months)", INTEGER)),
                [(i.name, i.kind, i.amount, i.month, i.useful_life_months) for i in items],
                heading="Capital and mobilisation costs")
    sheet.finish()


def _yes_no(flag: bool | None, unknown: str = "not known") -> str:
    return unknown if flag is None else ("Yes" if flag else "No")


def _coverage(book: Book) -> None:
    sheet = book.sheet("Coverage", "Coverage of the tender's requirements")
    coverage, err = book.result("coverage")
    if err:
        sheet.error("Coverage", err)
        sheet.finish()
        return
    lots = {lot.id: lot.name for lot in book.workspace.all(Lot)}
    sheet.table("requirements", (
        Col("Lot"), Col("Service line"), Col("Area"), Col("Unit"), Col("Required a year", VOLUME),
        Col("Allocated", VOLUME), Col("Gap (shortfall)", VOLUME), Col("Over-allocated", VOLUME),
        Col("Coverage", PERCENT_POINTS), Col("Capacity now", VOLUME), Col("Capacity with growth", VOLUME),
        Col("Headroom", PERCENT_POINTS), Col("Beyond current capacity", VOLUME),
        Col("Beyond capacity with growth", VOLUME), Col("Status"), Col("Thin"), Col("Gap"),
        Col("Annual value", GBP), Col("Why thin or a gap")),
        [(lots.get(r.lot_id, ""), r.service_line, r.area, r.unit, r.required, r.allocated, r.shortfall,
              r.over_allocation, r.coverage_pct, r.capacity, r.capacity_with_growth, r.headroom_pct,
              r.beyond_current_capacity, r.beyond_capacity_with_growth,
              _status_value(r.status.value.capitalize(), COVERAGE_STATUS[r.status]),
              _yes_no(r.status is _capacity.CoverageStatus.THIN), _yes_no(r.status is _capacity.CoverageStatus.GAP),
              r.annual_value, "; ".join(r.reasons)) for r in coverage.requirements],
        heading="Requirements")
    grid = coverage_grid_of(book.results, coverage)
    if grid is not None and grid.rows:
        write_heatmap(sheet, coverage_heatmap(grid), heading="Coverage by service line and area")
    sheet.table("summary", (Col("Item"), Col("Value")), [
        ("Total required a year", Value(coverage.total_required, VOLUME)),
        ("Total allocated", Value(coverage.total_allocated, VOLUME)),
        ("Total covered (allocation up to each requirement)", Value(coverage.total_covered, VOLUME)),
        ("Allocated ÷ required", pct_value(coverage.coverage_pct)),
        ("Covered ÷ required", pct_value(coverage.covered_pct)),
        ("Total shortfall", Value(coverage.total_shortfall, VOLUME)),
        ("Total over-allocation", Value(coverage.total_over_allocation, VOLUME)),
        ("Requirements covered", Value(coverage.n_covered, NUMBER)),
        ("Requirements thin", Value(coverage.n_thin, NUMBER)),
        ("Requirements with a gap", Value(coverage.n_gap, NUMBER)),
        ("Annual contract value", money_value(coverage.annual_value)),
        ("How requirements were valued", coverage.value_basis),
    ], heading="Totals")
    sheet.table("utilisation", (
        Col("Member"), Col("Role"), Col("Allocated", VOLUME), Col("Capacity now", VOLUME),
        Col("Capacity with growth", VOLUME), Col("Utilisation", PERCENT_POINTS),
        Col("Largest growth needed", PERCENT_POINTS), Col("Beyond growth limit"),
        Col("Volume without capacity", VOLUME), Col("Longest lead time (months)", INTEGER),
        Col("Mobilisation long enough"), Col("Share of contract value", GBP),
        Col("Latest turnover", GBP), Col("Contract dependency", PERCENT_POINTS), Col("Dependency rating")),
        [(m.name, m.role, m.allocated, m.capacity, m.capacity_with_growth, m.utilisation_pct,
              m.max_growth_needed_pct, _yes_no(m.growth_exceeds_limit), m.unsupported_volume, m.lead_time_months,
              _yes_no(m.mobilisation_ok), m.contract_value,
              m.latest_turnover if m.latest_turnover is not None else "not given", m.dependency_pct,
              _status_value(m.dependency.value.capitalize(), DEPENDENCY_STATUS.get(m.dependency)))
             for m in coverage.members],
        heading="Utilisation per member")
    for w in coverage.warnings:
        sheet.note(w)
    sheet.finish()


def _metric_value(r: _standing.MetricResult) -> Value:
    """A test's value in its unit's format (why there is none, when there is none)."""
    if r.value is None:  # why is in the explanation
        return Value({_standing.Status.NOT_GIVEN: "not given", _standing.Status.UNDEFINED: "n/a",
                  _standing.Status.NOT_TESTED: "not tested"}.get(r.status, r.status.label.lower()))
    fmt = {_standing.Unit.MONEY: GBP, _standing.Unit.PERCENT: PERCENT_POINTS,
           _standing.Unit.MONTHS: MONTHS}.get(r.unit, RATIO)
    return Value(r.value, fmt)


def _standing_sheet(book: Book) -> None:
    sheet = book.sheet("Standing", "Financial standing")
    standing, err = book.result("standing")
    if err:
        sheet.error("Financial standing", err)
        sheet.finish()
        return
    rows = []

    def add(entity: str, role: str, metrics: Sequence[_standing.MetricResult]) -> None:
        for r in metrics:
            rows.append((entity, role, r.label[:1].upper() + r.label[1:], _metric_value(r), r.unit.label,
                         pass_mark(r), _status_value(r.status.label, STANDING_STATUS.get(r.status)),
                         r.source, r.explanation + (f" ({r.reason})" if r.reason and r.reason not in r.explanation
                                                    else "")))

    for t in standing.tested:
        add(t.name, f"Tested ({t.kind})", t.metrics)
    for m in standing.members:
        add(m.name, m.role.label + (", relied upon" if m.relied_upon else ""), m.standing.metrics)
    sheet.table("metrics", (Col("Entity"), Col("Role"), Col("Test"), Col("Value"), Col("Unit"), Col("Pass mark"),
                            Col("Result"), Col("Source of the pass mark"), Col("Explanation")), rows,
                heading="Tests per member and for the entity the buyer tests")
    sheet.pairs("summary", [
        ("Overall risk", _status_value(standing.risk.label, RISK_STATUS[standing.risk])),
        ("Tests failed by the entity tested", Value(len(standing.fails), NUMBER)),
        ("Annual contract value tested", money_value(standing.annual_value)),
        ("Structure", standing.structure.label),
        ("Procurement regime", standing.regime.label),
        ("How the contract value is shared", standing.share_basis),
        ("Risk", standing.risk_explanation),
    ], heading="Overall")
    sheet.table("tested", (Col("Entity tested"), Col("Kind"), Col("Why these accounts"), Col("Annual value tested", GBP),
                           Col("Turnover", GBP), Col("Turnover required", GBP), Col("Turnover test")),
                [(t.name, t.kind, t.rule, t.annual_value, t.turnover_test.turnover, t.turnover_test.required,
                  _status_value(t.turnover_test.status.label, STANDING_STATUS.get(t.turnover_test.status)))
                 for t in standing.tested], heading="The tested entity")
    sheet.table("members", (Col("Member"), Col("Role"), Col("Relied upon"), Col("Guarantee offered", GBP),
                            Col("Share of contract value", GBP), Col("Latest accounts")),
                [(m.name, m.role, _yes_no(m.relied_upon), m.guarantee if m.guarantee is not None else "none",
                  m.share_of_acv, m.standing.year_end) for m in standing.members], heading="Members")
    if standing.fails:
        sheet.table("fails", (Col("Entity"), Col("Test failed"), Col("Guarantee"), Col("Bond"), Col("What it would take")),
                    [(fail.entity_name, fail.result.explanation, fail.guarantee.explanation, fail.bond.explanation,
                      fail.what_it_would_take.explanation) for fail in standing.fails],
                    heading="Fails and how to mitigate them")
    for w in standing.warnings:
        sheet.note(w)
    sheet.finish()


#: The cost categories (key, label) of a service line; a member line has all but the option's shared ones.
COST_CATEGORIES = tuple((k, label) for k, label, kind in _costing.CATEGORIES if kind in _costing.COST_KINDS)
MEMBER_COST_CATEGORIES = tuple((k, label) for k, label in COST_CATEGORIES if k not in ("shared", "contingency"))


def member_categories(m: _costing.MemberLineCost) -> dict[str, Decimal]:
    """A member line's annual cost by category (the Cost build-up and Model sheets both show it)."""
    out = {k: Decimal(0) for k, _ in MEMBER_COST_CATEGORIES}
    for line in m.lines:
        out[line.category] = out.get(line.category, Decimal(0)) + line.annual
    return out


def _buildup_sheet(book: Book) -> None:
    sheet = book.sheet("Cost build-up", "Cost build-up (year one)")
    prices, err = book.result("prices")
    if err:
        sheet.error("The cost build-up", err)
        sheet.finish()
        return
    buildup: _costing.CostBuildup = prices.buildup
    sheet.note(f"Priced at the {buildup.rates.year.label} rates in force on {buildup.priced_on:%d/%m/%Y}. Margin "
               f"{buildup.margin_pct}%, management fee {buildup.management_fee_pct}%, contingency "
               f"{buildup.contingency_pct}%.")
    sheet.table("lines", (Col("Service line"), Col("Unit"), Col("Volume", VOLUME), Col("Required", VOLUME))
                + tuple(Col(label, GBP) for _, label in COST_CATEGORIES)
                + (Col("Delivery cost", GBP), Col("Management fee", GBP), Col("Margin", GBP), Col("Annual price", GBP),
                   Col("Price per unit", GBP), Col("Margin earned", PERCENT_POINTS), Col("Price set by the user")),
                [(sl.service_line, sl.unit, sl.volume, sl.required_volume)
                 + tuple(sl.line(k).annual for k, _ in COST_CATEGORIES)
                 + (sl.annual_cost, sl.annual_fee, sl.annual_margin, sl.annual_price, sl.price_per_unit,
                    sl.margin_pct, _yes_no(sl.price_fixed_by_user)) for sl in buildup.service_lines],
                heading="Annual cost and price by service line")
    sheet.table("per_unit", (Col("Service line"), Col("Unit"))
                + tuple(Col(label, GBP) for _, label, _k in _costing.CATEGORIES) + (Col("Price per unit", GBP),),
                [(sl.service_line, sl.unit) + tuple(line.per_unit_display for line in sl.lines) + (sl.price_per_unit,)
                 for sl in buildup.service_lines], heading="Per unit, by service line (displayed lines add to the price)")
    rows = []
    for sl in buildup.service_lines:
        for m in sl.members:
            cats = member_categories(m)
            rows.append((sl.service_line, m.organisation_name, m.volume,
                         _yes_no(m.cost_profile_id is not None))
                        + tuple(cats[k] for k, _ in MEMBER_COST_CATEGORIES)
                        + (m.annual_cost, m.unit_cost_display))
    sheet.table("members", (Col("Service line"), Col("Member"), Col("Volume", VOLUME), Col("Has a cost profile"))
                + tuple(Col(label, GBP) for _, label in MEMBER_COST_CATEGORIES)
                + (Col("Annual cost", GBP), Col("Unit cost", GBP)),
                rows, heading="By member line")
    roles = []
    for sl in buildup.service_lines:
        for m in sl.members:
            for rc in m.roles:
                roles.append((sl.service_line, m.organisation_name, rc.name, rc.hourly_rate, rc.paid_hours_per_unit,
                              rc.pension_scheme, rc.pension_rate_pct, rc.wage_per_unit, rc.employer_ni_per_unit,
                              rc.pension_per_unit, rc.cost_per_unit))
    sheet.table("roles", (Col("Service line"), Col("Member"), Col("Role"), Col("Hourly rate", GBP),
                          Col("Paid hours per unit", "0.0000"), Col("Pension scheme"),
                          Col("Pension rate", PERCENT_POINTS), Col("Wage per unit", MONEY_4),
                          Col("Employer NI per unit", MONEY_4), Col("Pension per unit", MONEY_4),
                          Col("Staff cost per unit", MONEY_4)), roles,
                heading="Roles (exact per-unit costs, before rounding)")
    sheet.pairs("totals", [(t.label, money_value(t.annual)) for t in buildup.totals]
                + [("Delivery cost", money_value(buildup.annual_cost)), ("Management fee", money_value(buildup.annual_fee)),
                   ("Margin", money_value(buildup.annual_margin)), ("Annual price", money_value(buildup.annual_price)),
                   ("Shared costs a year (option)", money_value(buildup.shared_costs_per_year)),
                   ("of which social value commitments", money_value(buildup.social_value_per_year)),
                   ("Total volume", Value(buildup.total_volume, VOLUME)),
                   ("Staff share of cost before contingency", Value(buildup.staff_share, PERCENT))],
                heading="Option totals, year one")
    sheet.table("member_totals", (Col("Member"), Col("Annual cost", GBP)),
                [(m.organisation_name, m.annual_cost) for m in buildup.member_totals], heading="Cost per member")
    sheet.finish()


def _prices_sheet(book: Book) -> None:
    sheet = book.sheet("Prices by year", "Prices by contract year")
    prices, err = book.result("prices")
    if err:
        sheet.error("The prices", err)
        sheet.finish()
        return
    rows = []
    for y in prices.years:
        for ly in y.lines:
            rows.append((y.number, y.starts, y.ends, _yes_no(y.is_extension), ly.service_line, ly.unit_price,
                         ly.volume, ly.annual_price, ly.annual_cost, ly.annual_fee, ly.annual_margin))
    sheet.table("lines", (Col("Contract year", INTEGER), Col("Starts"), Col("Ends"), Col("Extension"),
                          Col("Service line"), Col("Unit price", GBP), Col("Volume", VOLUME), Col("Annual price", GBP),
                          Col("Annual cost", GBP), Col("Management fee", GBP), Col("Margin", GBP)), rows,
                heading="By contract year and service line")
    sheet.table("years", (Col("Contract year", INTEGER), Col("Starts"), Col("Ends"), Col("Extension"),
                          Col("Rates of"), Col("Annual price", GBP), Col("Annual cost", GBP), Col("Management fee", GBP),
                          Col("Margin", GBP), Col("Estimated annual value", GBP), Col("Headroom", GBP),
                          Col("Over the estimated value"), Col("Budget ceiling", GBP), Col("Over the ceiling"),
                          Col("National Living Wage floor", GBP)),
                [(y.number, y.starts, y.ends, _yes_no(y.is_extension),
                  y.rate_year + (" (extrapolated)" if y.rates_extrapolated else ""), y.annual_price, y.annual_cost,
                  y.annual_fee, y.annual_margin, y.budget, y.headroom, _yes_no(y.over_budget), y.ceiling,
                  _yes_no(y.over_ceiling), y.national_living_wage) for y in prices.years],
                heading="Year totals")
    term = [y for y in prices.years if not y.is_extension]
    sheet.pairs("totals", [
        (f"Term price (years 1–{len(term)})" if term else "Term price", money_value(prices.term_price)),
        ("Total price, all years shown" + (" (with extensions)" if prices.include_extensions else ""),
             money_value(prices.total_price)),
        ("Total cost, all years shown", money_value(prices.total_cost)),
        ("Total management fee, all years shown", money_value(prices.total_fee)),
        ("Total margin, all years shown", money_value(prices.total_margin)),
        ("Break-even volume (% of planned volume)", pct_value(prices.break_even_pct)),
        ("Abnormally low: % below should-cost", pct_value(prices.abnormal_threshold_pct)),
    ], heading="Term and total")
    sheet.table("terms", (Col("Service line"), Col("Unit"), Col("Volume", VOLUME), Col("Year-one unit price", GBP),
                          Col("Cost index a year", PERCENT_POINTS), Col("Staff share", PERCENT),
                          Col("Variable cost per unit", GBP), Col("Fixed costs a year", GBP),
                          Col("Break-even volume", VOLUME), Col("Should-cost per unit", GBP),
                          Col("Abnormally low below", GBP), Col("Abnormally low")),
                [(t.service_line, t.unit, t.volume, t.unit_price, t.index_pct, t.staff_share, t.variable_cost_per_unit,
                  t.fixed_costs_per_year, t.break_even_volume if t.break_even_volume is not None else "no margin",
                  t.should_cost_per_unit, t.abnormal_floor, _yes_no(t.abnormally_low)) for t in prices.lines],
                heading="Per service line: indexation, break-even and the abnormally-low test")
    if prices.wage_floor_breaches:
        sheet.table("wage_floor", (Col("Contract year", INTEGER), Col("Rates of"), Col("Member"), Col("Service line"),
                                   Col("Role"), Col("Hourly rate", GBP), Col("Floor", GBP), Col("From"),
                                   Col("Shortfall", GBP)),
                    [(w.year, w.rate_year, w.organisation_name, w.service_line, w.role_name, w.hourly_rate, w.floor,
                      w.floor_from, w.shortfall) for w in prices.wage_floor_breaches],
                    heading="Roles below the National Living Wage")
    _findings(sheet, "prices", prices.flags, "Pricing guards and notes")
    sheet.finish()


_PNL = (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("delivery_cost", "Delivery cost"),
        ("management_fee", "Management fee (inside income)"), ("bond", "Bond"), ("insurance", "Insurance"),
        ("mobilisation", "Mobilisation"), ("ebitda", "EBITDA"), ("depreciation", "Depreciation"), ("ebit", "EBIT"),
        ("grant_income", "Grant income"), ("interest", "Interest"), ("arrangement_fees", "Arrangement fees"),
        ("profit_before_tax", "Profit before tax"), ("tax", "Tax"), ("profit_after_tax", "Profit after tax"),
        ("retained_by_vehicle", "Retained by the vehicle"), ("capex", "Capital expenditure"),
        ("cash_before_funding", "Cash before funding"), ("closing_balance", "Closing cash balance"))

_MONTH_MONEY = (("income", "Income"), ("payroll", "Payroll"), ("non_pay", "Non-pay"), ("bond", "Bond"),
                ("insurance", "Insurance"), ("mobilisation", "Mobilisation"), ("depreciation", "Depreciation"),
                ("receipts", "Receipts"), ("payroll_paid", "Payroll paid"), ("non_pay_paid", "Non-pay paid"),
                ("bond_paid", "Bond paid"), ("insurance_paid", "Insurance paid"),
                ("mobilisation_paid", "Mobilisation paid"), ("capex_paid", "Capital expenditure paid"),
                ("operating_tax_paid", "Tax on operating profit paid"), ("cash_before_funding", "Cash before funding"),
                ("cumulative_before_funding", "Cumulative before funding"), ("equity_in", "Equity in"),
                ("grants_in", "Grants in"), ("loans_in", "Loans in"), ("overdraft_drawn", "Overdraft drawn"),
                ("interest_paid", "Interest paid"), ("arrangement_fees_paid", "Arrangement fees paid"),
                ("loan_repaid", "Loan repaid"), ("overdraft_repaid", "Overdraft repaid"), ("tax_paid", "Tax paid"),
                ("opening_balance", "Opening balance"), ("total_receipts", "Total receipts"),
                ("total_payments", "Total payments"), ("closing_balance", "Closing balance"),
                ("overdraft_balance", "Overdraft balance"), ("loan_balance", "Loan balance"))


def _projection_sheet(book: Book) -> None:
    sheet = book.sheet("Projection", "Projection: P&L by contract year and monthly cash flow")
    projection, err = book.result("projection")
    if err:
        sheet.error("The projection", err)
        sheet.finish()
        return
    sheet.table("pnl", (Col("Period"), Col("Starts"), Col("Ends"), Col("Months", INTEGER))
                + tuple(Col(label, GBP) for _, label in _PNL),
                [(y.label, y.starts, y.ends, y.months) + tuple(getattr(y, k) for k, _ in _PNL) for y in projection.years],
                heading="P&L by period (mobilisation, contract years, run-off)")
    sheet.pairs("totals", [
        ("Total income", money_value(projection.total_income)), ("Total EBITDA", money_value(projection.total_ebitda)),
        ("Total profit before tax", money_value(projection.total_profit_before_tax)),
        ("Total tax", money_value(projection.total_tax)),
        ("Total profit after tax", money_value(projection.total_profit_after_tax)),
        ("Closing cash balance", money_value(projection.closing_balance)),
        ("Mobilisation starts", Value(projection.mobilisation_start)), ("Service starts", Value(projection.service_start)),
        ("Service ends", Value(projection.service_end)), ("Projection ends", Value(projection.projection_end)),
        ("Mobilisation (months)", Value(projection.mobilisation_months, INTEGER)),
        ("Ramp-up (months)", Value(projection.ramp_up_months, INTEGER)),
        ("Income received after (months)", Value(projection.receipt_lag_months, INTEGER)),
        ("Non-pay paid after (months)", Value(projection.non_pay_lag_months, INTEGER)),
        ("Tax paid after (months)", Value(projection.tax_lag_months, INTEGER)),
        ("Performance bond", money_value(projection.bond_amount)),
        ("Bond premium a year", pct_value(projection.bond_premium_pct)),
        ("Tax", projection.tax_basis),
    ], heading="Totals and timeline")
    if projection.members:
        write_table(sheet, member_returns_table(projection), heading="Members' share over the projection")
    sheet.table("months", (Col("Month", INTEGER), Col("Starts"), Col("Period", INTEGER), Col("Phase"),
                           Col("Volume delivered", PERCENT_POINTS)) + tuple(Col(label, GBP) for _, label in _MONTH_MONEY),
                [(r.month, r.starts, r.period, r.phase.capitalize(), r.volume_pct)
                 + tuple(getattr(r, k) for k, _ in _MONTH_MONEY) for r in projection.months],
                heading="Monthly cash flow")
    _findings(sheet, "projection", projection.flags, "Notes")
    sheet.finish()


def _funding_sheet(book: Book) -> None:
    sheet = book.sheet("Funding", "Funding requirement, sources and debt service")
    funding, err = book.result("funding")
    if err:
        sheet.error("Funding", err)
        sheet.finish()
        return
    sheet.pairs("requirement", [
        ("Peak funding need (lowest cumulative cash before funding)", money_value(funding.peak_deficit)),
        ("Month of the peak", Value(funding.peak_deficit_month, INTEGER)),
        ("Date of the peak", Value(funding.peak_deficit_date)),
        ("A month's payroll (year one, full volume)", money_value(funding.monthly_payroll)),
        ("Cash buffer (months of payroll)", Value(funding.buffer_months, DECIMAL_2)),
        ("Cash buffer", money_value(funding.buffer)),
        ("Contingency on funding", pct_value(funding.contingency_pct)), ("Contingency", money_value(funding.contingency)),
        ("Funding requirement", money_value(funding.requirement)),
        ("Member equity", money_value(funding.equity)), ("Grants", money_value(funding.grants)),
        ("Loans", money_value(funding.loans)),
        ("Overdraft facilities", money_value(funding.overdrafts)), ("Total sources", money_value(funding.total_sources)),
        ("Shortfall", money_value(funding.shortfall)), ("Covered", _yes_no(funding.covered)),
        ("Lowest cash balance after funding", money_value(funding.lowest_balance)),
        ("Month of the lowest balance", Value(funding.lowest_balance_month, INTEGER)),
        ("Date of the lowest balance", Value(funding.lowest_balance_date)),
        ("Closing balance", money_value(funding.closing_balance)),
        ("Minimum debt service cover lenders look for", Value(funding.min_dscr, RATIO)),
        ("Lowest debt service cover",
         Value(funding.lowest_dscr, RATIO) if funding.lowest_dscr is not None else "no debt service"),
        ("Debt service cover met", _yes_no(funding.dscr_ok, "no debt service")),
    ], heading="Funding requirement")
    projection, _ = book.result("projection")
    write_table(sheet, uses_table(funding, projection), heading="Use of funds")
    sheet.table("sources", (Col("Name"), Col("Kind"), Col("Amount or facility", GBP), Col("Member"),
                            Col("Drawn in month", INTEGER), Col("Drawn on"), Col("Arrangement fee", GBP),
                            Col("Interest", GBP), Col("Repaid", GBP), Col("Outstanding at the end", GBP),
                            Col("Most drawn", GBP)),
                [(x.name, x.kind, x.amount, x.member_name, x.drawdown_month, x.drawdown_date, x.arrangement_fee,
                  x.interest, x.repaid, x.outstanding_at_end, x.peak_drawn) for x in funding.sources], heading="Sources")
    rows = []
    for ls in funding.loan_schedules:
        for pm in ls.payments:
            rows.append((ls.name, pm.month, pm.opening, pm.interest, pm.principal, pm.payment, pm.closing))
    if funding.loan_schedules:
        sheet.pairs("loans", [(f"{ls.name}: level monthly payment", money_value(ls.annuity) if ls.annuity is not None
                               else "repaid in one go") for ls in funding.loan_schedules]
                    + [(f"{ls.name}: repaid when the projection ends", money_value(ls.balloon)) for ls in funding.loan_schedules
                       if ls.balloon]
                    + [(f"{ls.name}: total interest", money_value(ls.total_interest)) for ls in funding.loan_schedules],
                    heading="Loans")
        sheet.table("loan_schedule", (Col("Loan"), Col("Month", INTEGER), Col("Opening", GBP), Col("Interest", GBP),
                                      Col("Principal", GBP), Col("Payment", GBP), Col("Closing", GBP)), rows,
                    heading="Loan schedules")
    sheet.table("dscr", (Col("Period"), Col("EBITDA", GBP), Col("Tax paid", GBP), Col("Capital expenditure", GBP),
                         Col("Increase in working capital", GBP), Col("Paid for by the funding", GBP), Col("CFADS", GBP),
                         Col("Interest", GBP), Col("Principal", GBP), Col("Debt service", GBP),
                         Col("Debt service cover", RATIO), Col("Tested"), Col("Below the minimum")),
                [(d.label, d.ebitda, d.tax_paid, d.capex, d.working_capital_increase, d.funded_by_requirement, d.cfads,
                  d.interest, d.principal, d.debt_service, d.dscr if d.dscr is not None else "no debt service",
                  _yes_no(d.tested), _yes_no(d.below_minimum)) for d in funding.dscr],
                heading="Debt service cover by period")
    _findings(sheet, "funding", funding.flags, "Notes")
    sheet.finish()


def _returns_sheet(book: Book) -> None:
    sheet = book.sheet("Returns", "Returns")
    returns, err = book.result("returns")
    if err:
        sheet.error("Returns", err)
        sheet.finish()
        return
    sheet.pairs("returns", [
        ("Discount rate a year", pct_value(returns.discount_rate_pct)),
        ("Net present value", money_value(returns.npv)),
        ("Internal rate of return a year",
         Value(returns.irr_pct, IRR_FORMAT) if returns.irr_pct is not None else returns.irr_note),
        ("More than one rate gives NPV zero", _yes_no(returns.multiple_irr)),
        ("Other rates giving NPV zero", "; ".join(f"{x:.4f}%" for x in returns.other_irr_pct) or "none"),
        ("Total cash flow (undiscounted)", money_value(returns.total_cash_flow)),
        ("Payback month (from the start of mobilisation)", Value(returns.payback_month, INTEGER)
             if returns.payback_month is not None else "never"),
        ("Payback date", Value(returns.payback_date)),
        ("Months of service to payback", Value(returns.payback_service_months, INTEGER)),
        ("Discounted payback month", Value(returns.discounted_payback_month, INTEGER)
             if returns.discounted_payback_month is not None else "never"),
        ("Discounted payback date", Value(returns.discounted_payback_date)),
        ("Break-even volume (% of planned)", pct_value(returns.break_even_volume_pct)),
        ("Break-even price (% of the bid prices)", pct_value(returns.break_even_price_pct)),
        ("Basis", returns.basis),
    ], heading="Net present value, internal rate of return, payback and break-even")
    _findings(sheet, "returns", returns.flags, "Notes")
    sheet.finish()

#: The value sheets in the order they are written: (sheet name, writer).
VALUE_SHEETS = (("Inputs", _inputs), ("Coverage", _coverage), ("Standing", _standing_sheet),
                ("Cost build-up", _buildup_sheet), ("Prices by year", _prices_sheet), ("Projection", _projection_sheet),
                ("Funding", _funding_sheet), ("Returns", _returns_sheet), *COMPARE_SHEETS, *SENSITIVITY_SHEETS,
                *MARKETS_SHEETS)
