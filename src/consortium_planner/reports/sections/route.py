"""Selection route (issue 18): the Provider Selection Regime screener's answer for the option's tender
(``domain/routes.py``), the same blocks on the Tenders page's Route tab, in the case and in the workbook."""

from __future__ import annotations

from ...domain.routes import EARLY_SHARE, KEY_CRITERIA, Route
from ..document import Block, Bullets, Column, Kind, Paragraph, Status, Table, cell
from .context import CaseContext

__all__ = ["build_route", "route_blocks", "route_tables"]


def route_tables(route: Route) -> list[Table]:
    rows = tuple((cell(c.process.label),
                  cell("yes" if c.available else "no", Status.GREEN if c.available else Status.GREY),
                  cell(c.reason), cell("yes" if c.price_competition else "no"), cell(c.meaning),
                  cell(EARLY_SHARE[c.process]))
                 for c in route.processes)
    tables = [Table("route_processes", (
        Column("Process"), Column("Open", note="Open to the buyer"), Column("Why"),
        Column("On price", note="Whether bids would compete on price"),
        Column("What it means for a bid"), Column("Early share", Kind.PERCENT, 0,
                                                  note="Share of awards in the regime's first ten weeks [V]")),
        rows, title="The processes the buyer may use, in the regime's order",
        highlight_rows=tuple(i for i, c in enumerate(route.processes) if c.process is route.likely))]
    if route.change is not None:
        ch = route.change
        tables.append(Table("route_change", (Column("Considerable-change test"), Column("Value", Kind.MONEY)), (
            (cell("Current contract's lifetime value"), cell(ch.current)),
            (cell("New contract's lifetime value"), cell(ch.new)),
            (cell("Increase"), cell(ch.increase)),
            (cell("Increase, %"), cell(ch.increase_pct, kind=Kind.PERCENT, places=1)),
            (cell("Considerable (≥ £500,000 and ≥ 25%)"),
             cell("yes" if ch.considerable else "no", kind=Kind.TEXT)),
        ), title="The considerable-change test [K]",
            note="The new lifetime value is the annual value × (term + extensions)."))
    return tables


def route_blocks(route: Route) -> list[Block]:
    blocks: list[Block] = [Paragraph(route.summary, style="lead")]
    if not route.applies:
        return blocks
    for f in route.findings:
        blocks.append(Paragraph(f.message + (f". {f.cure[:1].upper()}{f.cure[1:]}." if f.cure else "."),
                                style="body"))
    blocks += route_tables(route)
    blocks.append(Paragraph("The five key criteria a buyer applies under the regime:", style="note"))
    blocks.append(Bullets(KEY_CRITERIA))
    return blocks


def build_route(ctx: CaseContext) -> list[Block] | None:
    route = ctx.result("route")
    if route is None or not route.applies:
        return None
    return route_blocks(route)
