"""Pricing and win analysis: the year-one build-up, price per unit, prices by contract year, the unit
prices' guards, pay below the wage floor, and the evaluation against the competitors assumed."""

from __future__ import annotations

from decimal import Decimal

from ...domain import bid as _bid
from ...domain import pricing as _pricing
from ...domain.costing import CATEGORIES, CostBuildup
from ...domain.model import PriceBasis as _BASIS
from ...domain.money import HUNDRED, ZERO, format_decimal, format_gbp, round_to_total
from ..document import (
    MISSING,
    Block,
    Bullets,
    Cell,
    Chart,
    ChartKind,
    Column,
    Heading,
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
from .context import CaseContext, date_text, pct_of

__all__ = ["DETAILED_LINES", "build_pricing", "year_status"]

DETAILED_LINES = 5  # service lines shown line by line; more are grouped
CHARTED_LINES = 12  # service lines in the price-per-unit chart

#: Cost categories grouped for the per-unit table of many service lines, and for its chart.
TABLE_GROUPS = (("Staff", ("wage", "employer_ni", "pension")), ("Travel and non-pay", ("mileage", "non_pay")),
                ("Fixed and shared", ("member_fixed", "shared")), ("Contingency", ("contingency",)),
                ("Fee", ("management_fee",)), ("Margin", ("margin",)))
CHART_GROUPS = (("Staff", ("wage", "employer_ni", "pension")), ("Travel and non-pay", ("mileage", "non_pay")),
                ("Fixed and shared", ("member_fixed", "shared", "contingency")),
                ("Fee and margin", ("management_fee", "margin")))


def year_status(year: _pricing.ContractYear) -> Status | None:
    """The colour of a contract year's price, from the year's own ceiling test and budget: the colour of the
    ceiling breach's severity (red when it fails the bid, amber when it is only a question of affordability
    for the buyer, the ceiling being fixed in cash), grey above the estimated annual value only, none within.

    It agrees with the findings the schedule raises (``domain/pricing/schedule.py`` decides their severity;
    ``tests/reports/test_case.py`` checks it).
    """
    if year.ceiling_breach is not None:
        return status_of(year.ceiling_breach)
    if year.over_budget:
        return Status.GREY
    return None


def build_pricing(ctx: CaseContext) -> list[Block] | None:
    prices: _pricing.PriceSchedule | None = ctx.result("prices")
    if prices is None:
        return None
    buildup = prices.buildup
    blocks: list[Block] = []
    blocks.append(Paragraph(
        f"Priced on {buildup.rates.year.label} rates (in force on {date_text(buildup.priced_on)}) with a "
        f"{format_value(buildup.margin_pct, Kind.PERCENT)} margin, a "
        f"{format_value(buildup.management_fee_pct, Kind.PERCENT)} management fee and "
        f"{format_value(buildup.contingency_pct, Kind.PERCENT)} contingency. Shared costs of "
        f"{money_text(buildup.shared_costs_per_year)} a year"
        + (f" (the back office {money_text(buildup.shared_costs_per_year - buildup.social_value_per_year)} and the "
           f"social value commitments {money_text(buildup.social_value_per_year)}, their average a year over the term)"
           if buildup.social_value_per_year else " (the back office)")
        + f" are spread over {format_decimal(buildup.total_volume, 0)} units."))
    if buildup.totals and buildup.annual_price:
        steps = [t for t in buildup.totals if t.annual]
        blocks.append(Heading("Year-one cost build-up"))
        blocks.append(Chart("buildup_waterfall", ChartKind.WATERFALL, "From cost to price, year one",
                            tuple(t.label for t in steps) + ("Annual price",),
                            (Series("Year one", tuple(t.annual for t in steps) + (buildup.annual_price,)),),
                            "Cost line", "£ a year", y_kind=Kind.MONEY, horizontal=True))
        shown = round_to_total([t.annual for t in buildup.totals], buildup.annual_price)  # whole pounds adding up
        rows = [(cell(t.label), Cell(t.annual, text=format_gbp(pounds, pence=False)),
                 cell(pct_of(t.annual, buildup.annual_price))) for t, pounds in zip(buildup.totals, shown, strict=True)]
        rows.append((cell("Annual price"), cell(buildup.annual_price), cell(Decimal(100))))
        blocks.append(Table("buildup", (Column("Line"), Column("Year one", Kind.MONEY),
                                        Column("Share of price", Kind.PERCENT, 1)), tuple(rows), total_rows=1))
    blocks.extend(_per_unit(buildup))
    blocks.extend(_years(prices))
    if prices.lines:
        blocks.append(Heading("Unit prices and guards"))
        blocks.append(_unit_prices(prices))
    if prices.wage_floor_breaches:
        rows = [(cell(br.organisation_name), cell(br.service_line), cell(br.role_name), cell(Decimal(br.year)),
                 cell(br.hourly_rate), cell(br.floor), cell(br.shortfall, Status.RED))
                for br in prices.wage_floor_breaches]
        blocks.append(Table("wage_floor", (
            Column("Member"), Column("Service line"), Column("Role"), Column("Contract year", Kind.NUMBER, 0),
            Column("Hourly rate", Kind.PRICE), Column("National Living Wage", Kind.PRICE),
            Column("Short by", Kind.PRICE)), tuple(rows), title="Pay below the National Living Wage"))
    evaluation: _bid.BidEvaluation | None = ctx.result("evaluation")
    if evaluation is not None:
        blocks.extend(_win(evaluation))
    return blocks


def _unit_prices(prices: _pricing.PriceSchedule) -> Table:
    rows = []
    for line in prices.lines:
        rows.append((cell(line.service_line), cell(line.unit), cell(line.volume), cell(line.unit_price),
                     cell(line.should_cost_per_unit, kind=Kind.PRICE), cell(line.abnormal_floor),
                     cell(line.break_even_volume),
                     cell("yes" if line.abnormally_low else "no", Status.RED if line.abnormally_low else None)))
    return Table("unit_prices", (
        Column("Service line"), Column("Unit"), Column("Volume", Kind.NUMBER, 0), Column("Price per unit", Kind.PRICE),
        Column("Should-cost", Kind.PRICE), Column("Abnormally low below", Kind.PRICE),
        Column("Break-even volume", Kind.NUMBER, 0), Column("Abnormally low")), tuple(rows),
        note=f"Should-cost is the full cost with the fee and no margin; a price more than "
             f"{format_decimal(prices.abnormal_threshold_pct, 0)}% below it risks rejection as abnormally low (the "
             "threshold is an assumption)."
             + (f" The planned volume covers fixed costs at {format_value(prices.break_even_pct, Kind.PERCENT)} "
                "of itself (break-even)." if prices.break_even_pct is not None else ""))


def _per_unit(buildup: CostBuildup) -> list[Block]:
    lines = list(buildup.service_lines)
    if not lines:
        return []
    out: list[Block] = [Heading("Price per unit, line by line")]
    if len(lines) <= DETAILED_LINES:
        columns = (Column("Line"),) + tuple(Column(f"{s.service_line} (per {s.unit})", Kind.PRICE) for s in lines)
        rows = [(cell(label),) + tuple(cell(s.line(category).per_unit_display) for s in lines)
                for category, label, _kind in CATEGORIES]
        rows.append((cell("Price per unit"),) + tuple(cell(s.price_per_unit) for s in lines))
        out.append(Table("per_unit", columns, tuple(rows), total_rows=1,
                         note="Each column's lines add to its price per unit (rounded by largest remainder)."))
    else:
        rows = [(cell(s.service_line), cell(s.unit))
                + tuple(cell(sum((s.line(k).per_unit_display for k in keys), ZERO)) for _, keys in TABLE_GROUPS)
                + (cell(s.price_per_unit),) for s in lines]
        out.append(Table("per_unit", (Column("Service line"), Column("Unit")) + tuple(
            Column(group, Kind.PRICE) for group, _ in TABLE_GROUPS) + (Column("Price per unit", Kind.PRICE),),
            tuple(rows), note="Each row's lines add to its price per unit (rounded by largest remainder)."))
    top = sorted(lines, key=lambda s: s.annual_price, reverse=True)[:CHARTED_LINES]
    out.append(Chart("per_unit_chart", ChartKind.STACKED,
                     "Price per unit by service line"
                     + (f" (the {CHARTED_LINES} largest)" if len(lines) > CHARTED_LINES else ""),
                     tuple(s.service_line for s in top),
                     tuple(Series(name, tuple(sum((s.line(k).per_unit_display for k in keys), ZERO) for s in top))
                           for name, keys in CHART_GROUPS),
                     "Service line", "£ per unit", y_kind=Kind.PRICE, horizontal=True))
    return out


def _years(prices: _pricing.PriceSchedule) -> list[Block]:
    if not prices.years:
        return []
    # each year's ceiling in a column when it moves with the contract's indexation (a fixed one is in the note)
    by_year = len({y.ceiling for y in prices.years}) > 1
    rows = []
    for y in prices.years:
        status = year_status(y)
        label = f"Year {y.number}" + (" (extension)" if y.is_extension else "")
        dates = f"{y.starts:%b %Y} – {y.ends:%b %Y}" if y.starts and y.ends else MISSING
        rows.append((cell(label), cell(dates),
                     cell(y.rate_year + ("*" if y.rates_extrapolated else "")),
                     cell(y.annual_price, status), cell(y.annual_cost), cell(y.annual_fee), cell(y.annual_margin),
                     cell(y.headroom, status if y.headroom is not None and y.headroom < 0 else None))
                    + ((cell(y.ceiling),) if by_year else ()))
    term = [y for y in prices.years if not y.is_extension]
    rows.append((cell(f"Term ({len(term)} years)"), cell(""), cell(""), cell(prices.term_price),
                 cell(sum((y.annual_cost for y in term), ZERO)), cell(sum((y.annual_fee for y in term), ZERO)),
                 cell(sum((y.annual_margin for y in term), ZERO)), cell(None)) + ((cell(None),) if by_year else ()))
    total_rows = 1
    if len(term) != len(prices.years):
        rows.append((cell(f"With extensions ({len(prices.years)} years)"), cell(""), cell(""),
                     cell(prices.total_price), cell(prices.total_cost), cell(prices.total_fee),
                     cell(prices.total_margin), cell(None)) + ((cell(None),) if by_year else ()))
        total_rows = 2
    extrapolated = any(y.rates_extrapolated for y in prices.years)
    out: list[Block] = [Heading("Prices by contract year")]
    out.append(Table("prices_by_year", (
        Column("Contract year"), Column("Dates"), Column("Rates"), Column("Annual price", Kind.MONEY),
        Column("Cost", Kind.MONEY), Column("Fee", Kind.MONEY), Column("Margin", Kind.MONEY),
        Column("Headroom to budget", Kind.MONEY)) + ((Column("Ceiling", Kind.MONEY),) if by_year else ()),
        tuple(rows), total_rows=total_rows,
        note=("Prices rise with the cost index (pay uplift on the staff share, CPI on the rest). "
              + ("* Rates beyond the last year known are carried forward. " if extrapolated else "")
              + _ceiling_note(prices)
              + " Red: above the ceiling, so the bid fails; amber: above a fixed ceiling in a year not evaluated "
                "(affordability); grey: above the estimated annual value (the headroom's basis).")))
    references = []
    year_one = prices.years[0]
    if year_one.budget is not None:
        references.append(ReferenceLine("Estimated annual value", year_one.budget))
    if year_one.ceiling is not None:
        references.append(ReferenceLine("Budget ceiling", year_one.ceiling))
    out.append(Chart("prices_chart", ChartKind.BAR, "Annual price by contract year",
                     tuple(f"Y{y.number}" for y in prices.years),
                     (Series("Annual price", tuple(y.annual_price for y in prices.years)),
                      Series("Cost", tuple(y.annual_cost for y in prices.years))),
                     "Contract year", "£ a year", y_kind=Kind.MONEY, references=tuple(references)))
    return out


def _ceiling_note(prices: _pricing.PriceSchedule) -> str:
    """How the buyer applies the ceiling, in a sentence."""
    if prices.evaluated_ceiling is None:
        return "The tender sets no budget ceiling."
    basis = {_BASIS.YEAR_ONE: "year-one annual price", _BASIS.AVERAGE_ANNUAL: "average annual price over the term",
             _BASIS.WHOLE_TERM: "whole-term price"}[prices.price_evaluated]
    how = "indexed as prices are" if prices.ceiling_indexed else "fixed in cash"
    return f"The buyer tests the {basis} against the ceiling ({how})."


def _win(evaluation: _bid.BidEvaluation) -> list[Block]:
    out: list[Block] = [Heading("Winning the evaluation")]
    if evaluation.evaluation is not None:
        out.extend(_scores(evaluation.evaluation))
    facts = _win_facts(evaluation)
    if facts:
        out.append(Bullets(tuple(facts)))
    if evaluation.messages and evaluation.evaluation is None:
        out.append(Paragraph("The bid is not scored against competitors: " + "; ".join(evaluation.messages) + "."))
    if evaluation.best is not None and evaluation.best.grid:
        grid = evaluation.best.grid
        references = []
        if evaluation.our_bid is not None:
            references.append(ReferenceLine("Our price", evaluation.our_bid.price, "x"))
        references.append(ReferenceLine("Best price", evaluation.best.price, "x"))
        out.append(Chart("win_probability", ChartKind.LINE, "Win probability by annual price",
                         (), (Series("Win probability", tuple(p.probability * HUNDRED for p in grid)),),
                         "Annual price (£)", "Win probability (%)", y_kind=Kind.PERCENT, x_kind=Kind.MONEY,
                         x_values=tuple(p.price for p in grid), references=tuple(references)))
        out.append(Chart("expected_contribution", ChartKind.LINE, "Expected contribution by annual price",
                         (), (Series("Expected contribution", tuple(p.expected_contribution for p in grid)),),
                         "Annual price (£)", "Expected contribution (£ a year)", y_kind=Kind.MONEY,
                         x_kind=Kind.MONEY, x_values=tuple(p.price for p in grid), references=tuple(references)))
    return out


def _per_point_scores(scored: _pricing.Evaluation) -> list[Block]:
    """Price per quality point: each bid's quality score and its price divided by it, lowest first wins."""
    rows = []
    for bid in scored.bids:
        failed = bid.price_per_point is None
        rows.append((cell(bid.name + (" (our bid)" if bid.is_ours else "")), cell(bid.price),
                     cell(bid.quality_points), cell(bid.social_value_points),
                     cell(bid.quality_points + bid.social_value_points),
                     cell("fails", Status.RED) if failed else cell(bid.price_per_point, kind=Kind.MONEY),
                     cell(None if bid.rank is None else Decimal(bid.rank))))
    out: list[Block] = [Table("scores", (
        Column("Bidder"), Column("Annual price", Kind.MONEY), Column("Quality points", Kind.NUMBER),
        Column("Social value points", Kind.NUMBER), Column("Quality score", Kind.NUMBER),
        Column("Price per quality point", Kind.MONEY, note="Annual price ÷ quality score; the lowest wins"),
        Column("Rank", Kind.NUMBER, 0)), tuple(rows),
        highlight_rows=tuple(i for i, bid in enumerate(scored.bids) if bid.is_ours),
        note="Price per quality point: no price points; a bid above the ceiling or with no quality score fails. "
             "Competitors' prices and scores are the bid team's assumptions. Year-one annual prices.")]
    charted = [bid for bid in scored.bids if bid.price_per_point is not None]
    if charted:
        out.append(Chart("scores_chart", ChartKind.BAR, "Price per quality point (the lowest wins)",
                         tuple(bid.name for bid in charted),
                         (Series("£ per quality point", tuple(bid.price_per_point for bid in charted)),),
                         "Bidder", "£ per quality point", y_kind=Kind.MONEY, horizontal=True))
    return out


def _scores(scored: _pricing.Evaluation) -> list[Block]:
    if scored.per_point:
        return _per_point_scores(scored)
    rows = []
    highlight = []
    for i, bid in enumerate(scored.bids):
        if bid.is_ours:
            highlight.append(i)
        rows.append((cell(bid.name + (" (our bid)" if bid.is_ours else "")), cell(bid.price),
                     cell(bid.quality_points), cell(bid.social_value_points),
                     cell(bid.price_points if bid.price_points is not None else "fails",
                          None if bid.price_points is not None else Status.RED),
                     cell(bid.total), cell(None if bid.rank is None else Decimal(bid.rank))))
    out: list[Block] = [Table("scores", (
        Column("Bidder"), Column("Annual price", Kind.MONEY), Column("Quality points", Kind.NUMBER),
        Column("Social value points", Kind.NUMBER), Column("Price points", Kind.NUMBER),
        Column("Total score", Kind.NUMBER), Column("Rank", Kind.NUMBER, 0)), tuple(rows),
        highlight_rows=tuple(highlight),
        note="Competitors' prices and scores are the bid team's assumptions. Year-one annual prices.")]
    charted = [bid for bid in scored.bids if bid.total is not None]
    if charted:
        out.append(Chart("scores_chart", ChartKind.STACKED, "Score against price",
                         tuple(f"{bid.name} ({money_text(bid.price)})" for bid in charted), (
                             Series("Quality", tuple(bid.quality_points for bid in charted)),
                             Series("Social value", tuple(bid.social_value_points for bid in charted)),
                             Series("Price", tuple(bid.price_points for bid in charted)),
                         ), "Bidder (annual price)", "Evaluation points (of 100)", horizontal=True))
    return out


def _win_facts(evaluation: _bid.BidEvaluation) -> list[str]:
    facts: list[str] = []
    winning = evaluation.winning_price
    if winning is not None:
        if winning.any_price:
            facts.append("Our quality and social value scores win at any price against the competitors assumed.")
        elif winning.cannot_win:
            facts.append("Against the competitors assumed, the bid cannot win at any price with its expected "
                         "quality and social value scores.")
        elif winning.price is not None:
            sentence = f"The highest annual price that still wins is {format_gbp(winning.price, pence=False)}"
            if winning.binding:
                sentence += f" ({winning.binding} overtakes us a penny above it)"
            if evaluation.annual_cost is not None and winning.price < evaluation.annual_cost:
                sentence += (f", below the year-one cost of {format_gbp(evaluation.annual_cost, pence=False)}: "
                             "no price both wins and covers cost")
            facts.append(sentence + ".")
    needed = evaluation.quality_needed
    if needed is not None and needed.quality_score is not None:
        facts.append(f"At our price, a quality score of {format_decimal(needed.quality_score)} out of "
                     f"{format_decimal(needed.quality_max, 0)} would win or tie"
                     + ("" if needed.attainable else ", which is not attainable") + ".")
    at_cost = evaluation.quality_at_cost
    if (at_cost is not None and at_cost.quality_score is not None and winning is not None and winning.price is not None
            and evaluation.annual_cost is not None and winning.price < evaluation.annual_cost):
        facts.append(f"At a price equal to the year-one cost ({format_gbp(evaluation.annual_cost, pence=False)}), a "
                     f"quality score of {format_decimal(at_cost.quality_score)} would win or tie"
                     + ("" if at_cost.attainable else ", which is not attainable") + ".")
    win = evaluation.win
    if win is not None:
        facts.append(f"Modelled win probability at our price: {format_value(win.probability * HUNDRED, Kind.PERCENT)}"
                     f" (± {format_value(win.standard_error * HUNDRED, Kind.PERCENT)}, {win.draws:,} draws of "
                     "the competitors' prices and scores).")
    best = evaluation.best
    if best is not None:
        facts.append(f"The price that maximises expected contribution (win probability × (price − cost)) is "
                     f"{money_text(best.price)}: {format_value(best.probability * HUNDRED, Kind.PERCENT)} to win, "
                     f"expected contribution {money_text(best.expected_contribution)} a year against a year-one "
                     f"cost of {money_text(best.cost)}.")
    return facts
