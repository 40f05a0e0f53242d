"""Assumptions and sources: the reference rates with their provenance, the standing tests' pass marks,
the modelling assumptions with their marks ([V], [K], [U]) and the sources the program draws on."""

from __future__ import annotations

from decimal import Decimal

from ...domain import bid as _bid
from ...domain import capacity as _capacity
from ...domain import pricing as _pricing
from ...domain import projection as _projection
from ...domain import standing as _standing
from ...domain.money import format_decimal, format_gbp
from ...domain.rates import RateItem
from ..document import Block, Bullets, Column, Heading, Kind, Table, cell, format_value
from .context import CaseContext, date_text
from .standing import pass_mark, source_mark

__all__ = ["MARKS", "MARKS_NOTE", "SOURCES", "build_assumptions", "rate_text"]

#: DOMAIN.md sources, for the appendix.
SOURCES: tuple[str, ...] = (
    "Cabinet Office: Assessing and monitoring the economic and financial standing of suppliers (guidance note, "
    "2021, updated 2024); Bid Evaluation and Should Cost Modelling guidance notes (2021).",
    "Public Contracts Regulations 2015, regulations 19, 58, 63 and 77; Procurement Act 2023, sections 22, 33 "
    "and 68; PPN 002 (2025) on social value.",
    "NHS England: Provider Selection Regime statutory guidance.",
    "NCVO: consortium operating models; HMRC VAT Cost Sharing Exemption manual.",
    "GOV.UK Mutuals Support Programme 2; Good Finance; Better Society Capital Growth Fund.",
    "Low Pay Commission rates; HMRC rates and thresholds for employers; NHS Employers pension contributions.",
    "Homecare Association minimum price for homecare 2025/26; CMA care homes market study (2017); "
    "NHS England adult social care activity 2023/24.",
)
MARKS: tuple[str, ...] = (
    "[V] checked against a named source.",
    "[K] widely used; check against the primary text.",
    "[U] a heuristic or an assumption: an editable default, never a hard rule.",
)


#: What the marks mean, as a note under any table that shows them (a mark is never left unexplained in prose).
MARKS_NOTE = ("Marks: [V] checked against a named source; [K] widely used, to check against the primary text; [U] a "
              "heuristic or an assumption, an editable default and never a hard rule.")


def rate_text(item: RateItem) -> str:
    """A reference rate with its unit in words: ``£12.71 an hour``, ``13.80%``."""
    value = item.value
    if value is None:
        return "not known"
    if item.unit == "%":
        return f"{format_decimal(value, 2)}%"
    if item.unit == "£/year":
        return format_gbp(value).removesuffix(".00") + " a year"
    if item.unit == "£/mile":
        return f"{format_gbp(value)} a mile"
    if item.unit == "£/hour":
        return f"{format_gbp(value)} an hour"
    return f"{format_decimal(value)} {item.unit}"


def build_assumptions(ctx: CaseContext) -> list[Block]:
    blocks: list[Block] = []
    prices: _pricing.PriceSchedule | None = ctx.result("prices")
    rates = ctx.rates
    priced = prices.buildup.rates.year if prices is not None else (rates.last if rates else None)
    if priced is not None:
        rows = []
        for item in priced.items():
            provenance = item.provenance
            mark = f"[{provenance.status}]" if provenance and provenance.status else ""
            source = provenance.source if provenance else ""
            if provenance and provenance.effective:
                source += f" (from {date_text(provenance.effective)})"
            if provenance and provenance.overridden:
                source += " (changed in this workspace)"
            rows.append((cell(item.label), cell(rate_text(item)), cell(mark), cell(source)))
        blocks.append(Heading(f"Reference rates, {priced.label}"))
        blocks.append(Table("rates", (Column("Rate"), Column("Value", Kind.NUMBER), Column("Mark"), Column("Source")),
                            tuple(rows), first_column_width=Decimal("0.26"),
                            note="The year whose rates price year one; later years' pay follows the tender's "
                                 "pay uplift. " + MARKS_NOTE))
    if rates is not None and len(rates.years) > 1:
        rows = [(cell(item.label),) + tuple(cell(rate_text(year.items()[i])) for year in rates.years)
                for i, item in enumerate(rates.years[0].items())]
        blocks.append(Table("rates_by_year", (Column("Rate"),) + tuple(Column(year.label, Kind.NUMBER)
                                                                       for year in rates.years), tuple(rows),
                            title="Rates by financial year"))
    standing: _standing.StandingResult | None = ctx.result("standing")
    if standing is not None:
        basis = standing.tested[0].metrics if standing.tested else (
            standing.members[0].standing.metrics if standing.members else ())
        if basis:
            rows = [(cell(r.metric.label), cell(pass_mark(r)), cell(source_mark(r.source))) for r in basis]
            blocks.append(Heading("Financial standing tests"))
            blocks.append(Table("thresholds", (Column("Test"), Column("Pass mark"), Column("Source")), tuple(rows),
                                note="Overall risk: no fails low, one medium, two or more high (an assumption, "
                                     "[U]). A tender condition takes precedence over the defaults. " + MARKS_NOTE))
    blocks.append(Heading("Modelling assumptions"))
    blocks.append(Table("model_assumptions", (Column("Assumption"), Column("Value"), Column("Mark")),
                        tuple((cell(a), cell(b), cell(m)) for a, b, m in _model_assumptions(ctx, prices, standing)),
                        first_column_width=Decimal("0.4"),
                        note=MARKS_NOTE + " \"Tender\" and \"option\": set on the tender or the option."))
    blocks.append(Heading("Marks"))
    blocks.append(Bullets(MARKS))
    blocks.append(Heading("Sources"))
    blocks.append(Bullets(SOURCES))
    return blocks


def _model_assumptions(ctx: CaseContext, prices: _pricing.PriceSchedule | None,
                       standing: _standing.StandingResult | None) -> list[tuple[str, str, str]]:
    """(assumption, value, mark) for every default the analyses used."""
    model: list[tuple[str, str, str]] = []
    workforce: _capacity.WorkforceResult | None = ctx.result("workforce")
    if workforce is not None:
        model.append(("Productive hours per FTE a year", format_decimal(workforce.productive_hours_per_fte, 0), "[U]"))
        model.append(("Staff turnover a year", format_value(workforce.staff_turnover_pct, Kind.PERCENT, 0), "[U]"))
    model.append(("Capacity headroom below which cover is thin", f"{format_decimal(_capacity.THIN_HEADROOM_PCT, 0)}%",
                  "[U]"))
    if standing is not None:
        params = standing.params
        model.append(("Performance bond (when the tender sets none)",
                      f"{format_decimal(params.bond_pct, 0)}% of annual value", "[V]"))
        model.append(("Bond premium", f"{format_decimal(params.bond_premium_pct, 1)}% of the bond a year", "[U]"))
        model.append(("Guarantee sized at", f"{format_decimal(params.guarantee_pct, 0)}% of the annual value tested",
                      "[U]"))
        model.append(("Accounts flagged as old after", f"{params.stale_after_months} months", "[U]"))
    if prices is not None:
        model.append(("Abnormally low price", f"more than {format_decimal(prices.abnormal_threshold_pct, 0)}% below "
                      "should-cost", "[U]"))
    if ctx.tender is not None:
        tender = ctx.tender
        model.append(("Pay uplift a year (cost index)", format_value(tender.pay_indexation_pct, Kind.PERCENT),
                      "tender"))
        model.append(("CPI a year (cost index)", format_value(tender.cpi_indexation_pct, Kind.PERCENT), "tender"))
    evaluation: _bid.BidEvaluation | None = ctx.result("evaluation")
    if evaluation is not None and evaluation.win is not None:
        spread = _pricing.Uncertainty()
        model.append(("Win probability", f"{evaluation.draws:,} draws (seed {evaluation.seed}); competitors' prices ± "
                      f"{format_decimal(spread.price_spread_pct, 0)}%, scores ± "
                      f"{format_decimal(spread.quality_spread_pct, 0)}% of the maximum (triangular)", "[U]"))
    model.extend(_capital_assumptions(ctx))
    return model


def _capital_assumptions(ctx: CaseContext) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    projection: _projection.Projection | None = ctx.result("projection")
    funding: _projection.FundingResult | None = ctx.result("funding")
    returns: _projection.Returns | None = ctx.result("returns")
    if projection is not None:
        out.append(("Volume ramp-up from service start", f"{projection.ramp_up_months} months", "option"))
        out.append(("Buyer pays", f"{projection.receipt_lag_months} months after the month worked", "tender"))
        out.append(("Tax paid", f"{projection.tax_lag_months} months after the period", "[K]"))
        out.append(("Performance bond premium",
                    f"{format_decimal(projection.bond_premium_pct, 1)}% of the bond a year", "[U]"))
        out.append(("Tax", projection.tax_basis, "option"))
    if funding is not None:
        out.append(("Cash buffer", f"{format_decimal(funding.buffer_months, 1)} months of year-one payroll", "option"))
        out.append(("Contingency on funding", format_value(funding.contingency_pct, Kind.PERCENT, 0), "option"))
        out.append(("Minimum debt service cover", format_decimal(funding.min_dscr), "[U]"))
    if returns is not None:
        out.append(("Discount rate", format_value(returns.discount_rate_pct, Kind.PERCENT)
                    + " a year (HM Treasury Green Book 3.5%, or the investor's rate)", "option"))
    return out
