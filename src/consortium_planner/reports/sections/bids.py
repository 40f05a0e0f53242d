"""The bid pipeline (issue 17, ``domain/bids.py``) as document tables, once: the investment case's "Bid
pipeline" section, the workbook's Pipeline sheet and the GUI's Pipeline page all show these.

The section appears when the workspace holds more than one tender.
"""

from __future__ import annotations

from decimal import Decimal

from ...domain.bids import BidPipeline, TenderBid
from ...domain.findings import Severity
from ...domain.verdict import Decision
from ...services.bids import pipeline
from ..document import (
    Block,
    Bullets,
    Cell,
    Column,
    KeyFigure,
    KeyFigures,
    Kind,
    Paragraph,
    Status,
    Table,
    cell,
    status_of,
)
from .context import CaseContext

__all__ = ["build_bid_pipeline", "capacity_table", "key_figures", "money_table", "partners_table", "pipeline_tables",
           "tenders_table", "timeline_table"]

EV_NOTE = ("Contribution: the chosen option's EBITDA over the contract term (extensions not promised), from the "
           "start of mobilisation. Expected value = Σ chance of winning × contribution; a tender whose chance is "
           "not estimated is left out of it. Winning none adds nothing (bid costs are not modelled).")


def _date(d) -> str | None:
    return None if d is None else f"{d:%d/%m/%Y}"


#: the verdict banner's colours (red, amber, green)
_VERDICT_STATUS = {Decision.DO_NOT_BID: Status.RED, Decision.BID_WITH_CONDITIONS: Status.AMBER,
                   Decision.BID: Status.GREEN}


def _verdict_cell(t: TenderBid) -> Cell:
    if not t.verdict:
        return cell(None)
    decision = Decision(t.verdict)
    return cell(decision.label, _VERDICT_STATUS[decision], note=t.verdict_headline)


def tenders_table(p: BidPipeline) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for t in p.tenders:
        option = cell(t.option) if t.option else cell(
            "two or more chosen" if len(t.chosen) > 1 else "none chosen",
            status_of(Severity.SERIOUS if len(t.chosen) > 1 else Severity.WARNING))
        chance = cell(t.win_probability_pct, kind=Kind.PERCENT, places=0) if t.win_probability_pct is not None \
            else cell("not estimated", status_of(Severity.INFO))
        contribution = cell(t.contribution, kind=Kind.MONEY) if t.contribution is not None \
            else cell(None, note=t.problem)
        rows.append((cell(t.tender), cell(t.buyer), option, _verdict_cell(t), chance, contribution,
                     cell(t.expected_value, kind=Kind.MONEY), cell(t.funding_requirement, kind=Kind.MONEY)))
    blank = cell(None)
    rows.append((Cell("Win all", bold=True), blank, blank, blank, blank, Cell(p.win_all, bold=True), blank,
                 Cell(p.funding.total_requirement, bold=True)))
    rows.append((Cell("Expected", bold=True), blank, blank, blank, blank, blank, Cell(p.expected_value, bold=True),
                 blank))
    rows.append((Cell("Win none", bold=True), blank, blank, blank, blank, Cell(p.win_none, bold=True), blank, blank))
    return Table("pipeline_tenders",
                 (Column("Tender"), Column("Buyer"), Column("Chosen option"),
                  Column("Its verdict", note="The chosen option's own verdict (its Consortium options banner)"),
                  Column("Chance", Kind.PERCENT, 0),
                  Column("Contribution", Kind.MONEY, note="EBITDA over the term"),
                  Column("Expected value", Kind.MONEY, note="Chance × contribution"),
                  Column("Funding requirement", Kind.MONEY)),
                 tuple(rows), title="Tenders and the option chosen for each", total_rows=3, note=EV_NOTE,
                 first_column_width=Decimal("0.26"))


def partners_table(p: BidPipeline) -> Table:
    """Which organisations are in which chosen bids: one column a tender, the organisation's role in its bid."""
    chosen = [t for t in p.tenders if t.option_id is not None]
    rows = []
    for m in p.memberships:
        roles = {b.tender: b.role.replace("_", " ") for b in m.bids}
        rows.append((cell(m.organisation), *(cell(roles.get(t.tender)) for t in chosen),
                     cell(Decimal(len(m.bids)), kind=Kind.NUMBER, places=0)))
    return Table("pipeline_partners",
                 (Column("Organisation"), *(Column(t.tender, note=f"Chosen option: {t.option}") for t in chosen),
                  Column("Bids", Kind.NUMBER, 0)),
                 tuple(rows), title="Who is in which bid", note="Each organisation's role in each chosen bid.")


def capacity_table(p: BidPipeline) -> Table:
    rows = []
    for c in p.capacity_overlaps:
        bids = "; ".join(f"{b.tender} ({b.option}): {b.volume.normalize():,f}" for b in c.promises)
        rows.append((cell(c.organisation), cell(f"{c.service_line}, {c.area}"), cell(bids),
                     cell(c.total, status_of(c.severity), kind=Kind.NUMBER, places=0),
                     cell(c.capacity, kind=Kind.NUMBER, places=0),
                     cell(c.capacity_with_growth, kind=Kind.NUMBER, places=0)))
    return Table("pipeline_capacity",
                 (Column("Organisation"), Column("Service line and area"), Column("Bids delivering at once"),
                  Column("Promised a year", Kind.NUMBER, 0), Column("Capacity now", Kind.NUMBER, 0),
                  Column("With growth", Kind.NUMBER, 0)),
                 tuple(rows), title="Capacity promised to two bids at once",
                 note="Red: more than the organisation can deliver even by growing; amber: only by growing. "
                      "Service periods that do not overlap are not counted together.")


def money_table(p: BidPipeline) -> Table:
    rows = []
    for m in p.money_overlaps:
        bids = "; ".join(f"{b.tender} ({b.option})" for b in m.promises)
        rows.append((cell(m.organisation), cell(bids), cell(m.capital, kind=Kind.MONEY),
                     cell(m.guarantee, kind=Kind.MONEY), cell(m.equity, kind=Kind.MONEY),
                     cell(m.total, status_of(Severity.WARNING), kind=Kind.MONEY)))
    return Table("pipeline_money",
                 (Column("Organisation"), Column("Bids"), Column("Capital", Kind.MONEY), Column("Guarantees", Kind.MONEY),
                  Column("Equity", Kind.MONEY), Column("At stake", Kind.MONEY,
                                                       note="Per bid the larger of capital and equity, plus guarantees")),
                 tuple(rows), title="Capital and guarantees promised to two bids at once")


def timeline_table(p: BidPipeline) -> Table:
    return Table("pipeline_timeline",
                 (Column("Tender"), Column("Chosen option"), Column("Bid deadline"), Column("Mobilisation starts"),
                  Column("Service starts"), Column("Service ends")),
                 tuple((cell(r.tender), cell(r.option or None), cell(_date(r.deadline)),
                        cell(_date(r.mobilisation_start)), cell(_date(r.service_start)), cell(_date(r.service_end)))
                       for r in p.timeline),
                 title="Timeline")


def key_figures(p: BidPipeline) -> KeyFigures:
    f = p.funding
    peak_when = f" ({f.combined_peak_month:%m/%Y})" if f.combined_peak_month else ""
    return KeyFigures((
        KeyFigure("Win all", p.win_all, Kind.MONEY),
        KeyFigure("Expected value", p.expected_value, Kind.MONEY, note="Σ chance of winning × contribution"),
        KeyFigure("Win none", p.win_none, Kind.MONEY),
        KeyFigure("Funding if all are won", f.total_requirement, Kind.MONEY,
                  note="The sum of the chosen options' funding requirements"),
        KeyFigure("Combined peak deficit" + peak_when, f.combined_peak, Kind.MONEY,
                  note="The chosen options' cash before funding added by calendar month: the deepest point"),
    ), title="The pipeline")


def pipeline_tables(p: BidPipeline) -> tuple[Table, ...]:
    return (tenders_table(p), partners_table(p), capacity_table(p), money_table(p), timeline_table(p))


def pipeline_blocks(p: BidPipeline) -> list[Block]:
    blocks: list[Block] = []
    red = [f for f in p.findings if f.severity.red]
    if red:  # the worst news before the totals
        blocks.append(Paragraph(f"{red[0].message}" + (f" {len(red) - 1} more serious finding"
                                                      f"{'s' if len(red) > 2 else ''} below." if len(red) > 1 else ""),
                                style="lead"))
    blocks += [
        Paragraph(f"The partners' workspace holds {len(p.tenders)} tenders. If they bid for each with the option "
                  "chosen, this is what winning them together would mean: their contributions, the funding they "
                  "need at once, and each partner's capacity and money promised to two bids at the same time."),
        key_figures(p),
        *pipeline_tables(p),
    ]
    if p.findings:
        blocks.append(Bullets(tuple(f"{f.severity.label.capitalize()}: {f.message}" for f in p.findings)))
    return blocks


def build_bid_pipeline(ctx: CaseContext) -> list[Block] | None:
    """The "Bid pipeline" section: shown when the workspace has more than one tender."""
    if len(ctx.ws.tenders()) <= 1:
        return None
    return pipeline_blocks(pipeline(ctx.ws))
