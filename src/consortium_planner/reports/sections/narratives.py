"""The sections an investor reads about the people and the purpose (DOMAIN §8, §12): governance, the
management team and the members' track record (one section, each part under its heading), and the social
outcomes the consortium commits to.

Each is the user's own narrative (``reports.case.NARRATIVE_SECTIONS``, written in the export dialog
with a prompt), plus what the workspace holds that belongs there: the members' accounts by year for
the track record, the option's social outcomes (measure, unit, baseline, target, by when, how it is
measured; ``model.SocialOutcome``) for the impact framework. A section with nothing to show is left
out of the case (the ask's document list says what is still to write).
"""

from __future__ import annotations

from decimal import Decimal

from ...domain.model import SocialOutcome
from ..document import Block, Cell, Column, Heading, Kind, Table, cell
from .context import CaseContext, date_text, paragraphs

__all__ = ["build_governance", "build_social_outcomes", "build_track_record", "outcomes_table",
           "track_record_table"]

TRACK_RECORD_YEARS = 3  # the most recent years of accounts shown per member


def build_governance(ctx: CaseContext) -> list[Block]:
    """Governance, the management team and the track record: one section (each part a heading), so short
    answers share a page."""
    blocks: list[Block] = []
    for name, heading in (("governance", "Governance"), ("management_team", "Management team")):
        if ctx.text(name):
            blocks.append(Heading(heading))
            blocks.extend(paragraphs(ctx.text(name)))
    record = build_track_record(ctx)
    if record:
        blocks.append(Heading("Track record"))
        blocks.extend(record)
    return blocks


def track_record_table(ctx: CaseContext) -> Table | None:
    """Each member's most recent accounts: turnover, operating surplus and free reserves by year end."""
    rows = []
    for member in ctx.members:
        org = ctx.organisations.get(member.id)  # type: ignore[arg-type]
        if org is None:
            continue
        years = ctx.ws.financial_years(org.id)[-TRACK_RECORD_YEARS:]
        for i, fy in enumerate(reversed(years)):
            rows.append((cell(org.name if i == 0 else ""), cell(date_text(fy.year_end)), cell(fy.turnover),
                         cell(fy.operating_surplus), cell(fy.free_reserves)))
        if not years:
            rows.append((cell(org.name), cell("no accounts entered"), cell(None), cell(None), cell(None)))
    if not rows:
        return None
    return Table("track_record", (Column("Member"), Column("Year end"), Column("Turnover", Kind.MONEY),
                                  Column("Operating surplus", Kind.MONEY), Column("Free reserves", Kind.MONEY)),
                 tuple(rows), first_column_width=Decimal("0.3"),
                 note=f"The members' accounts as entered in the workspace, the last {TRACK_RECORD_YEARS} years at most "
                      "(– : not given).")


def build_track_record(ctx: CaseContext) -> list[Block]:
    blocks: list[Block] = list(paragraphs(ctx.text("track_record")))
    table = track_record_table(ctx)
    if table is not None:
        blocks.append(table)
    return blocks


def _figure(value: Decimal | None) -> Cell:
    if value is None:
        return cell(None)
    return Cell(value, places=0 if value == value.to_integral_value() else 1)


def outcomes_table(ctx: CaseContext) -> Table | None:
    """The option's social outcomes: measure, unit, baseline, target, by when and how it is measured."""
    outcomes = sorted(ctx.ws.children(SocialOutcome, ctx.option.id), key=lambda o: o.id or 0)
    if not outcomes:
        return None
    rows = tuple((cell(o.measure), cell(o.unit or "–"), _figure(o.baseline), _figure(o.target),
                  cell(date_text(o.target_date) if o.target_date else "–"), cell(o.evidence or "–"))
                 for o in outcomes)
    return Table("social_outcomes", (Column("Measure"), Column("Unit"), Column("Baseline", Kind.NUMBER, 1),
                                     Column("Target", Kind.NUMBER, 1), Column("By"), Column("How it is measured")),
                 rows, first_column_width=Decimal("0.28"),
                 note="The consortium's impact framework: where each measure stands now and where it commits to be.")


def build_social_outcomes(ctx: CaseContext) -> list[Block]:
    blocks: list[Block] = list(paragraphs(ctx.text("social_outcomes")))
    table = outcomes_table(ctx)
    if table is not None:
        blocks.append(table)
    return blocks
