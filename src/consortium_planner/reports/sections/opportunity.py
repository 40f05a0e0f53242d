"""The opportunity: the tender's terms, what the buyer wants by lot, how bids are scored, the financial
conditions and the staff transferring under TUPE."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ...domain.model import Lot, PriceMethod, Requirement, key
from ...domain.money import ZERO, format_decimal, format_gbp
from ..document import MISSING, Block, Column, Heading, Kind, Paragraph, Table, cell, format_value
from .context import CaseContext, date_text, paragraphs

__all__ = ["PRICE_METHOD_RULES", "build_opportunity"]

#: DOMAIN §3 price-scoring formulas, as the buyer will apply them.
PRICE_METHOD_RULES: dict[PriceMethod, str] = {
    PriceMethod.RELATIVE: "price score = price weight × lowest price ÷ our price",
    PriceMethod.LINEAR_LOWEST: "price score = price weight × max(0, 1 − (our price − lowest) ÷ lowest)",
    PriceMethod.LINEAR_RANGE: "price score = price weight × (highest − our price) ÷ (highest − lowest)",
    PriceMethod.FROM_MEAN: "price score = price weight × clamp(1 − (our price − mean) ÷ mean, 0, 1)",
    PriceMethod.BUDGET: ("a price above the ceiling fails; otherwise price score = price weight × "
                         "clamp(1 − (our price − budget) ÷ budget, 0, 1)"),
    PriceMethod.PQP: ("no price score: each bid's price is divided by its quality score (quality weight × quality "
                      "score ÷ maximum + social value weight × social value score ÷ maximum) and the lowest price "
                      "per quality point wins; a price above the ceiling fails"),
}


def build_opportunity(ctx: CaseContext) -> list[Block] | None:
    tender = ctx.tender
    if tender is None:
        return None
    ws = ctx.ws
    blocks: list[Block] = []
    term = f"{tender.term_years} years" + (f" plus {tender.extension_years} of extensions"
                                           if tender.extension_years else "")
    facts: list[tuple[str, str]] = [
        ("Buyer", f"{tender.buyer or MISSING} ({tender.buyer_type.label.lower()})"),
        ("Procurement regime", tender.regime.label),
        ("Reserved for public service mutuals", "yes" if tender.reserved_for_mutuals else "no"),
        ("Published", date_text(tender.published)),
        ("Bid deadline", date_text(tender.deadline)),
        ("Service start", date_text(tender.start_date)),
        ("Term", term + (f", to {date_text(tender.end_date)}" if tender.end_date else "")),
        ("Estimated annual value", format_gbp(tender.annual_value)),
        ("Annual budget ceiling", format_gbp(tender.budget_ceiling, missing="none given")),
        ("Mobilisation", f"{tender.mobilisation_months} months"),
        ("Payment terms", f"{tender.payment_terms_days} days"),
        ("Indexation assumed", f"pay {format_value(tender.pay_indexation_pct, Kind.PERCENT)} a year, "
                               f"CPI {format_value(tender.cpi_indexation_pct, Kind.PERCENT)} a year"),
        ("Minimum turnover", f"{format_decimal(tender.turnover_multiple)} × annual value"),
        ("Performance bond", f"{format_value(tender.bond_pct, Kind.PERCENT)} of annual value"
         if tender.bond_pct else "none asked for"),
        ("Employer's liability insurance", format_gbp(tender.employers_liability, missing="not stated")),
        ("Public liability insurance", format_gbp(tender.public_liability, missing="not stated")),
    ]
    blocks.append(Table("tender", (Column("Item"), Column("Detail")),
                        tuple((cell(item), cell(detail)) for item, detail in facts),
                        first_column_width=Decimal("0.34")))
    if tender.notes.strip():
        blocks.extend(paragraphs(tender.notes))
    lots = {lot.id: lot for lot in ws.lots(tender.id)}  # type: ignore[arg-type]
    blocks.extend(_requirements(ws.requirements(tender.id), lots))  # type: ignore[arg-type]
    blocks.append(Heading("Evaluation"))
    blocks.append(Table("evaluation_weights", (Column("Criterion"), Column("Weight", Kind.PERCENT, 0)), (
        (cell("Quality"), cell(tender.quality_weight)),
        (cell("Price"), cell(tender.price_weight)),
        (cell("Social value"), cell(tender.social_value_weight)),
    )))
    total = ("" if tender.price_method is PriceMethod.PQP else
             " Total score = quality weight × quality score ÷ maximum + social value weight × social value score "
             "÷ maximum + price score.")
    blocks.append(Paragraph(f"Price scoring: {tender.price_method.label.lower()}; "
                            f"{PRICE_METHOD_RULES[tender.price_method]}.{total}"))
    conditions = ws.conditions(tender.id)  # type: ignore[arg-type]
    if conditions:
        rows = []
        for condition in sorted(conditions, key=lambda x: list(type(x.metric)).index(x.metric)):
            rows.append((cell(condition.metric.label), cell(condition.threshold), cell(condition.amber_threshold),
                         cell(condition.notes)))
        blocks.append(Heading("Financial conditions"))
        blocks.append(Table("financial_conditions", (
            Column("Test"), Column("Pass threshold", Kind.NUMBER), Column("Amber threshold", Kind.NUMBER),
            Column("Notes")), tuple(rows)))
    cohorts = ws.tupe_cohorts(tender.id)  # type: ignore[arg-type]
    if cohorts:
        rows = [(cell(x.name), cell(x.current_employer), cell(x.service_line), cell(x.area),
                 cell(Decimal(x.headcount)), cell(x.fte), cell(x.average_salary), cell(x.pension_scheme.label))
                for x in cohorts]
        blocks.append(Heading("Staff transferring under TUPE"))
        blocks.append(Table("tupe_cohorts", (
            Column("Cohort"), Column("Employer now"), Column("Service line"), Column("Area"),
            Column("Headcount", Kind.NUMBER, 0), Column("FTE", Kind.NUMBER, 1), Column("Average salary", Kind.MONEY),
            Column("Pension")), tuple(rows)))
    return blocks


def _requirements(requirements: list[Requirement], lots: Mapping[int | None, Lot]) -> list[Block]:
    """What is bought: one row per lot and service line."""
    groups: dict[tuple[int | None, str], list[Requirement]] = {}
    for r in requirements:
        groups.setdefault((r.lot_id, key(r.service_line)), []).append(r)
    if not groups:
        return []
    rows = []
    for lot_id, line in sorted(groups, key=lambda k: (_lot_name(lots, k[0]).casefold(), groups[k][0].id or 0)):
        group = groups[(lot_id, line)]
        units = {r.unit for r in group}
        rows.append((cell(_lot_name(lots, lot_id)), cell(group[0].service_line),
                     cell(Decimal(len({key(r.area) for r in group}))),
                     cell(sum((r.annual_volume for r in group), ZERO)), cell(", ".join(sorted(units)))))
    return [Heading("What the buyer wants"),
            Table("requirements", (Column("Lot"), Column("Service line"), Column("Areas", Kind.NUMBER, 0),
                                   Column("Annual volume", Kind.NUMBER, 0), Column("Unit")), tuple(rows))]


def _lot_name(lots: Mapping[int | None, Lot], lot_id: int | None) -> str:
    lot = lots.get(lot_id)
    return lot.name if lot else "No lot"
