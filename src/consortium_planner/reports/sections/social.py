"""Social impact and employee ownership: which members are public service mutuals, who owns them, and
the social value score the bid expects."""

from __future__ import annotations

from decimal import Decimal

from ...domain import standing as _standing
from ...domain.money import format_decimal
from ..document import Block, Column, Kind, Paragraph, Status, Table, cell, format_value
from .context import CaseContext, paragraphs, yes_no

__all__ = ["build_social_impact"]


def build_social_impact(ctx: CaseContext) -> list[Block]:
    rows = []
    mutuals = 0
    for member in ctx.members:
        org = ctx.organisations.get(member.id)  # type: ignore[arg-type]
        if org is None:
            continue
        mutual, _why = _standing.is_public_service_mutual(org)
        mutuals += mutual is True
        rows.append((cell(org.name), cell(org.kind.label), cell(org.legal_form.label),
                     cell(yes_no(org.employee_owned)), cell(org.employee_ownership_pct),
                     cell(None if org.staff_headcount is None else Decimal(org.staff_headcount)),
                     cell(yes_no(mutual), Status.GREEN if mutual else None)))
    blocks: list[Block] = []
    blocks.extend(paragraphs(ctx.text("social_impact")))
    option, tender = ctx.option, ctx.tender
    sentence = (f"{mutuals} of {len(rows)} members {'is a' if mutuals == 1 else 'are'} public service "
         f"mutual{'' if mutuals == 1 else 's'} as the workspace records them.")
    if tender is not None:
        sentence += (f" The bid expects a social value score of {format_decimal(option.social_value_score, 1)} out of "
              f"{format_decimal(option.social_value_max, 0)}, worth up to "
              f"{format_value(tender.social_value_weight, Kind.PERCENT, 0)} of the evaluation.")
    blocks.append(Paragraph(sentence))
    blocks.append(Table("ownership", (
        Column("Member"), Column("Kind"), Column("Legal form"), Column("Employee owned"),
        Column("Staff control", Kind.PERCENT, 0), Column("Headcount", Kind.NUMBER, 0),
        Column("Public service mutual")), tuple(rows),
        note="Public service mutual: employee-led as PA23 s33(6)(c) asks (kind 'public service mutual', or more "
             "than half of control held by staff); 'check' where the figures do not settle it."))
    return blocks
