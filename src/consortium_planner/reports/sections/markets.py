"""Diversification (issue 17): the option's new markets beside the tender, by period and by member,
and income concentration before and after the bid (``domain/markets.py``). The same blocks are the
GUI's Markets tab, the case's "Diversification" section and the workbook's Markets sheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from ...domain.markets import KIND_LABELS, Concentration, ConcentrationResult, Measure, OptionMarkets
from ...domain.model import Organisation, add_months
from ...domain.money import format_gbp
from ...domain.workspace import Workspace
from ..document import Block, Cell, Chart, ChartKind, Column, Kind, Paragraph, Series, Status, Table, cell
from .context import CaseContext, month_text

__all__ = ["build_diversification", "concentration_tables", "markets_blocks", "markets_tables", "month_labels",
           "monthly_chart", "org_namer"]

_STATUS = {"red": Status.RED, "amber": Status.AMBER, "green": Status.GREEN}
MEASURES = ("largest", "hhi", "trading", "public")


def markets_tables(markets: OptionMarkets, org_name: Callable[[int | None], str]) -> list[Table]:
    """The segments, the periods (tender beside markets) and each member's profit with its markets."""
    segments = Table(
        "market_segments",
        (Column("Segment"), Column("Earned by"), Column("Buyer type"), Column("Starts in month", Kind.NUMBER, 0),
         Column("Customers at the end", Kind.NUMBER, 1), Column("Revenue", Kind.MONEY),
         Column("Contribution", Kind.MONEY, note="Revenue − delivery cost − cost to win customers")),
        tuple((cell(s.name), cell(org_name(s.organisation_id)), cell(KIND_LABELS[s.kind.value]),
               cell(Decimal(s.start_month)), cell(s.customers_at_end), cell(s.revenue),
               cell(s.contribution, Status.RED if s.contribution < 0 else None))
              for s in markets.segments),
        title="New markets the option plans (over the projection)",
        note="Revenue net of bad debt; month 0 is the first month of mobilisation.")
    periods = Table(
        "markets_by_period",
        (Column("Period"), Column("Tender income", Kind.MONEY), Column("Tender EBITDA", Kind.MONEY),
         Column("Market revenue", Kind.MONEY), Column("Market costs", Kind.MONEY,
                                                      note="Delivery and the cost to win customers"),
         Column("Market contribution", Kind.MONEY), Column("Income, all", Kind.MONEY),
         Column("Contribution, all", Kind.MONEY, note="Tender EBITDA + market contribution")),
        tuple((cell(p.label), cell(p.tender_income), cell(p.tender_ebitda), cell(p.market_revenue),
               cell(p.market_delivery_cost + p.market_acquisition_cost),
               cell(p.market_contribution, Status.RED if p.market_contribution < 0 else None),
               cell(p.total_income), cell(p.total_contribution))
              for p in markets.periods),
        title="The tender and the new markets by period",
        note="The markets are shown apart: the funding requirement, NPV and cover are the tender's own.")
    labels = [p.label for p in markets.periods]
    members = Table(
        "markets_members",
        (Column("Member"), Column("Line")) + tuple(Column(label, Kind.MONEY) for label in labels),
        tuple(row for m in markets.members for row in (
            (cell(m.name), cell("Contract profit before tax")) + tuple(cell(v) for v in m.contract_profit_before_tax),
            (cell(""), cell("Market contribution")) + tuple(cell(v) for v in m.market_contribution),
            (cell(""), cell("Together")) + tuple(_bold(v) for v in m.total))),
        title="Each member's profit with its new markets")
    return [segments, periods, members]


def _bold(value: Decimal) -> Cell:
    return replace(cell(value, Status.RED if value < 0 else None), bold=True)


def org_namer(ws: Workspace) -> Callable[[int | None], str]:
    """An organisation's name by id ("(nobody)" for none)."""
    def name(org: int | None) -> str:
        o = ws.get(Organisation, org) if org is not None else None
        return o.name if o is not None else "(nobody)"
    return name


def month_labels(markets: OptionMarkets) -> tuple[str, ...]:
    """``Apr 2027`` for each month of the markets' window."""
    first = markets.first_day
    n = len(markets.monthly_revenue)
    return tuple(month_text(add_months(first, i)) for i in range(n)) if first else tuple(str(i) for i in range(n))


def monthly_chart(markets: OptionMarkets) -> Chart:
    """The tender's income and the new markets' revenue and contribution, month by month."""
    n = len(markets.monthly_revenue)
    return Chart(
        "markets_by_month", ChartKind.LINE, "The tender and the new markets, month by month", (),
        (Series("Tender income", markets.monthly_tender_income[:n]),
         Series("New markets' revenue", markets.monthly_revenue),
         Series("New markets' contribution", markets.monthly_contribution)),
        "Months from the start of mobilisation", "£ a month", y_kind=Kind.MONEY, x_kind=Kind.NUMBER,
        x_values=tuple(Decimal(i) for i in range(n)),
        note="Income as earned (accrued), not as received. The markets are apart from the tender's funding and returns.")


def _measure_cell(m: Measure):
    if m.value is None:
        return cell(None, Status.GREY, note="no income entered")
    kind, places = (Kind.NUMBER, 2) if m.key == "hhi" else (Kind.PERCENT, 0)
    return cell(m.value, _STATUS.get(m.rating), kind=kind, places=places, note=m.test)


def concentration_tables(result: ConcentrationResult) -> list[Table]:
    """Each member and the consortium before and after the bid; and shares by buyer type after it."""
    whom: list[Concentration] = [result.consortium, *result.members]
    titles = {"largest": "Largest buyer", "hhi": "Herfindahl", "trading": "Trading", "public": "Public"}
    rows = []
    for c in whom:
        unmeasured = c.name in result.unmeasured and c.organisation_id is not None
        for when, prof in (("before", c.before), ("after", c.after)):
            total = cell(None, Status.GREY, note="its income today is not entered by market") if unmeasured \
                else cell(prof.total)
            rows.append((cell(c.name if when == "before" else ""), cell(when), total)
                        + tuple(_measure_cell(prof.measure(k)) for k in MEASURES))
    measures = Table(
        "concentration",
        (Column("Who"), Column("The bid"), Column("Year one income", Kind.MONEY))
        + tuple(Column(titles[k], Kind.NUMBER if k == "hhi" else Kind.PERCENT, 2 if k == "hhi" else 0,
                       note=whom[0].after.measure(k).test) for k in MEASURES),
        tuple(rows), title="Income concentration in the first contract year, before and after the bid",
        note=(f"Not measured (income today not entered by market): {', '.join(result.unmeasured)}; the consortium's "
              "figures leave them out. " if result.unmeasured else "") + "Largest buyer > 50% red, > 30% amber; Herfindahl (Σ share² over buyers) > 0.5 red, > 0.25 amber; "
             "trading income (all but grants) < 50% red (Recovery Loan Fund); public contracts (council, other "
             "contracts and the tender) > 90% red, > 75% amber. "
             "Thresholds other than the Recovery Loan Fund's are assumptions [U].")
    kinds = sorted({k for c in whom for k, _ in c.after.by_kind})
    by_kind = Table(
        "concentration_by_buyer_type",
        (Column("Who"),) + tuple(Column(KIND_LABELS.get(k, k), Kind.PERCENT, 0) for k in kinds),
        tuple((cell(c.name),) + tuple(cell(dict(c.after.by_kind).get(k)) for k in kinds) for c in whom),
        title="Shares of income by buyer type after the bid (year one)")
    return [measures, by_kind]


def markets_blocks(markets: OptionMarkets | None, conc: ConcentrationResult | None,
                   org_name: Callable[[int | None], str]) -> list[Block]:
    blocks: list[Block] = []
    if conc is not None:
        worst = [f for f in conc.findings if f.code == "concentration"]
        if worst:
            blocks.append(Paragraph(worst[0].message + (f". Cure: {worst[0].cure}." if worst[0].cure else "."),
                                    style="lead"))
        else:
            blocks.append(Paragraph("No member and not the consortium relies on too few buyers after the bid "
                                    "by the tests below.", style="lead"))
        blocks += concentration_tables(conc)
    if markets is not None:
        if markets.segments:
            blocks.append(Paragraph(
                f"The option plans {len(markets.segments)} new market{'s' if len(markets.segments) != 1 else ''}: "
                f"{format_gbp(markets.market_revenue, pence=False)} of revenue and "
                f"{format_gbp(markets.market_contribution, pence=False)} of contribution over the projection, "
                "beside the tender's figures."))
            blocks.append(monthly_chart(markets))
            blocks += markets_tables(markets, org_name)
        else:
            blocks.append(Paragraph("The option plans no new markets beyond the tender (the Markets tab adds them: "
                                    "self-funders, direct payments, personal health budgets, individual service "
                                    "funds, other contracts, grants).", style="note"))
    return blocks


def build_diversification(ctx: CaseContext) -> list[Block] | None:
    markets = ctx.result("markets")
    conc = ctx.result("concentration")
    if markets is None and conc is None:
        return None
    return markets_blocks(markets, conc, org_namer(ctx.ws))
