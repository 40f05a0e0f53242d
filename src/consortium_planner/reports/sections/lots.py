"""Lots (issue 18): which of the tender's lots the option should bid for (``domain/lots.py``): each lot's
contribution, chance and expected contribution, its capital need, the decision entered, whether it is in the
best set within the cap, capacity and capital, and why. The same blocks on the option's Lots tab, in the
case's Lots section and on the workbook's Lots sheet."""

from __future__ import annotations

from ...domain.lots import LotChoice
from ...domain.model import LotDecision
from ...domain.money import HUNDRED, format_gbp
from ..document import Block, Column, Kind, Status, Table, cell
from .context import CaseContext, worst_first

__all__ = ["build_lots", "lots_blocks", "lots_tables"]


def _summary(c: LotChoice) -> str:
    best = [r.name for r in c.rows if r.in_best]
    cap = (f"a supplier may win at most {c.cap} of the {len(c.rows)} lots" if c.cap is not None
           else f"no cap on the {len(c.rows)} lots one supplier may win")
    capital = ("capital is not tested (the option has no funding sources)" if c.capital is None
               else f"capital is tested against {format_gbp(c.capital, pence=False)} of funding")
    chosen = ("The best set is " + ", ".join(best) + f": expected contribution {format_gbp(c.best_expected, pence=False)}"
              if best else "No set of lots earns an expected contribution within the limits")
    plan = ""
    if any(r.decision is not LotDecision.CHOOSE for r in c.rows):
        planned = [r.name for r in c.rows if r.in_plan]
        plan = (" With the decisions entered, the option bids for " + (", ".join(planned) or "no lot")
                + f" (expected {format_gbp(c.plan_expected, pence=False)}).")
    return (f"{chosen} ({cap}; {capital}; chosen by an integer programme, HiGHS).{plan} Each lot's figures are its "
            "share of the option's, by volume within each service line.")


def lots_tables(c: LotChoice) -> list[Table]:
    rows = []
    for r in c.rows:
        status = Status.GREEN if r.in_best else (Status.RED if r.contribution < 0 else Status.AMBER)
        rows.append((cell(r.name), cell(r.decision.label),
                     cell(None if r.chance is None else r.chance * HUNDRED, kind=Kind.PERCENT, places=0),
                     cell(r.chance_basis), cell(r.contribution, kind=Kind.MONEY),
                     cell(r.expected, kind=Kind.MONEY), cell(r.capital_need, kind=Kind.MONEY),
                     cell("in" if r.in_best else "out", status), cell("bid" if r.in_plan else "no bid"),
                     cell(r.reason)))
    tables = [Table("lots", (
        Column("Lot"), Column("Decision"), Column("Chance", Kind.PERCENT, 0), Column("Chance from"),
        Column("Contribution if won", Kind.MONEY, note="Over the contract term, extensions left out"),
        Column("Expected", Kind.MONEY, note="Chance × contribution"),
        Column("Capital need", Kind.MONEY, note="Its share of the funding requirement, by year-one price"),
        Column("Best set"), Column("Planned"), Column("Why")), tuple(rows),
        title="The tender's lots: the best set to bid and the decisions entered",
        highlight_rows=tuple(i for i, r in enumerate(c.rows) if r.in_best))]
    if c.outside is not None:
        o = c.outside
        tables.append(Table("lots_outside", (
            Column("Services"), Column("Contribution if won", Kind.MONEY), Column("Capital need", Kind.MONEY)),
            ((cell(o.name), cell(o.contribution, kind=Kind.MONEY), cell(o.capital_need, kind=Kind.MONEY)),),
            title="Services in no lot: part of every bid, they take capacity and capital first"))
    return tables


def lots_blocks(c: LotChoice) -> list[Block]:
    return [*worst_first(c.findings, _summary(c), notes_from=0), *lots_tables(c)]


def build_lots(ctx: CaseContext) -> list[Block] | None:
    c: LotChoice | None = ctx.result("lots")
    if c is None:
        return None
    return lots_blocks(c)
