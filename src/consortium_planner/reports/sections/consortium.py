"""The consortium: its structure (DOMAIN §4), the members and their shares, and the user's rationale
(governance has a section of its own, ``narratives.py``)."""

from __future__ import annotations

from decimal import Decimal

from ...domain.model import Structure
from ...domain.money import ZERO, format_gbp
from ..document import MISSING, Block, Column, Heading, Kind, Table, cell, format_value
from .context import CaseContext, paragraphs

__all__ = ["STRUCTURE_FACTS", "build_consortium"]

#: DOMAIN §4: contracting party, liability, standing tested, typical set-up [U].
STRUCTURE_FACTS: dict[Structure, tuple[str, str, str, str]] = {
    Structure.GO_ALONE: ("the organisation itself", "its own", "the organisation alone", "none"),
    Structure.LEAD_PROVIDER: ("the lead", "the lead's, passed down back-to-back", "the lead (with guarantees)",
                              "4–8 weeks, £3–15k legal [U]"),
    Structure.CONSORTIUM: ("the members jointly, or the lead as agent", "usually joint and several",
                           "the members combined", "1–3 months [U]"),
    Structure.SPV: ("the special purpose vehicle", "ring-fenced in the vehicle", "the members' guarantees",
                    "3–6+ months; its own CQC registration if regulated [U]"),
    Structure.LLP: ("the LLP", "limited; flexible profit shares", "the members' guarantees", "3–6+ months [U]"),
    Structure.SECONDARY_COOP: ("the co-operative", "limited; one member one vote", "the members' guarantees",
                               "3–6+ months [U]"),
    Structure.ALLIANCE: ("the commissioner and every provider", "shared risk and reward; no new entity",
                         "each provider on its own share", "commissioner-led"),
}


def build_consortium(ctx: CaseContext) -> list[Block]:
    option = ctx.option
    blocks: list[Block] = []
    party, _liability, tested, setup = STRUCTURE_FACTS[option.structure]
    lead = ctx.lead_name
    facts = [
        ("Structure", option.structure.label),
        ("Contracting party", party),
        ("Liability", option.liability.label),
        ("Lead", lead if lead else "none: the contracting party is " + party),
        ("Standing tested on", tested),
        ("Typical set-up", setup),
        ("Management fee", format_value(option.management_fee_pct, Kind.PERCENT) + " of contract value"),
        ("Shared back office", format_gbp(option.shared_costs_per_year, pence=False) + " a year"),
        ("Margin and contingency", f"{format_value(option.margin_pct, Kind.PERCENT)} margin, "
                                   f"{format_value(option.contingency_pct, Kind.PERCENT)} contingency"),
    ]
    blocks.append(Table("structure", (Column("Item"), Column("Detail")),
                        tuple((cell(item), cell(detail)) for item, detail in facts),
                        first_column_width=Decimal("0.3"),
                        note="[U]: a rule of thumb, an editable assumption (the appendix explains every mark)."))
    rows = []
    total_part = total_profit = total_capital = total_guarantee = ZERO
    for member in ctx.members:
        org = ctx.organisations.get(member.id)  # type: ignore[arg-type]
        rows.append((
            cell(org.name if org else f"Member {member.id}"),
            cell(org.kind.label if org else MISSING),
            cell(member.role.label),
            cell(member.participation_pct),
            cell(member.profit_share_pct),
            cell(member.capital_contribution),
            cell(member.guarantee if member.guarantee is not None else "none"),
        ))
        total_part += member.participation_pct
        total_profit += member.profit_share_pct
        total_capital += member.capital_contribution
        total_guarantee += member.guarantee or ZERO
    rows.append((cell("Total"), cell(""), cell(""), cell(total_part), cell(total_profit), cell(total_capital),
                 cell(total_guarantee)))
    blocks.append(Heading("Members"))
    blocks.append(Table("members", (
        Column("Member"), Column("Kind"), Column("Role"), Column("Participation", Kind.PERCENT),
        Column("Profit share", Kind.PERCENT), Column("Capital", Kind.MONEY), Column("Guarantee", Kind.MONEY),
    ), tuple(rows), total_rows=1))
    if option.notes.strip():
        blocks.extend(paragraphs(option.notes))
    if ctx.text("rationale"):
        blocks.append(Heading("Why this consortium"))
        blocks.extend(paragraphs(ctx.text("rationale")))
    return blocks  # governance has its own section (``sections/narratives.py``)
