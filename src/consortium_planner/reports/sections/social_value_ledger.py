"""Social value ledger (issue 18): the option's commitments with their proxy value and cost over the term, the
score the ledger gives against the rivals' assumed commitments, and what one more point costs and earns
(``domain/social_value.py``). The same blocks on the option's Social value tab, in the case's Social value
section and on the workbook's Social value sheet."""

from __future__ import annotations

from ...domain.money import format_decimal, format_gbp
from ...domain.social_value import SocialValueLedger
from ..document import Block, Column, Kind, Status, Table, cell
from .context import CaseContext, worst_first

__all__ = ["build_social_value", "ledger_table", "social_value_blocks"]


def _summary(s: SocialValueLedger) -> str:
    share = (f" ({format_decimal(s.share_of_contract_pct, 1)}% of the contract's estimated value)"
             if s.share_of_contract_pct is not None else "")
    text = (f"The option commits {format_gbp(s.value, pence=False)} of social value in proxy terms over the "
            f"{s.term_years}-year term{share}, at a cost of {format_gbp(s.cost, pence=False)} to deliver: "
            f"{format_gbp(s.cost_a_year, pence=False)} a year is in the price's shared costs. The proxy values are "
            "assumptions entered for this bid.")
    if s.derived_score is not None and s.top_rival is not None:
        text += (f" Against the rivals' assumed commitments (the highest: {s.top_rival[0]} at "
                 f"{format_gbp(s.top_rival[1], pence=False)} a year) the ledger's "
                 f"{format_gbp(s.counted_a_year, pence=False)} a year scores {format_decimal(s.derived_score, 1)} of "
                 f"{format_decimal(s.sv_max, 1)}; the win analysis uses the score entered "
                 f"({format_decimal(s.entered_score, 1)}).")
    else:
        text += (" No rival's social value is estimated, so the ledger gives no score: enter the competitors' "
                 "social value committed a year on the tender.")
    return text


def ledger_table(s: SocialValueLedger) -> Table:
    rows = []
    for r in s.rows:
        scored = Status.GREEN if r.answered else Status.RED
        rows.append((cell(r.theme.label), cell(r.measure), cell(r.unit),
                     cell(r.quantity_a_year, kind=Kind.NUMBER, places=1),
                     cell(f"{r.first_year}–{r.last_year}" if r.years else "after the term"),
                     cell(r.proxy_value, kind=Kind.PRICE), cell(r.value, kind=Kind.MONEY),
                     cell(r.cost_a_year, kind=Kind.MONEY), cell(r.cost, kind=Kind.MONEY),
                     cell("written" if r.answered else "not written: scores nothing", scored), cell(r.proxy_source)))
    rows.append((cell("Total"), cell(""), cell(""), cell(None), cell(""), cell(None), cell(s.value, kind=Kind.MONEY),
                 cell(None), cell(s.cost, kind=Kind.MONEY), cell(""), cell("")))
    return Table("social_value_ledger", (
        Column("Theme"), Column("Measure"), Column("Unit"), Column("A year", Kind.NUMBER, 1),
        Column("Contract years"), Column("Proxy value a unit", Kind.PRICE, note="An assumption: its source is beside it"),
        Column("Social value over the term", Kind.MONEY), Column("Cost a year", Kind.MONEY),
        Column("Cost over the term", Kind.MONEY), Column("Method statement"), Column("Source of the proxy value")),
        tuple(rows), title="Social value commitments: value and cost over the term", total_rows=1)


def social_value_blocks(s: SocialValueLedger) -> list[Block]:
    return [*worst_first(s.findings, _summary(s), notes_from=0), ledger_table(s)]


def build_social_value(ctx: CaseContext) -> list[Block] | None:
    s: SocialValueLedger | None = ctx.result("social_value")
    return None if s is None else social_value_blocks(s)
