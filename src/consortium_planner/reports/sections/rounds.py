"""Appendix: the decision log (issue 19): the workshop rounds frozen for the option's tender, what each
decided and why, and this option's key figures then and now (``services/rounds.py``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ...services.compare import ROW_BY_KEY, option_figures
from ...services.rounds import flatten, round_figures, tender_rounds
from ..document import Block, Column, Kind, Paragraph, Table, cell
from .compare import KEY_FIGURES, row_label, value_kind
from .context import CaseContext

__all__ = ["build_decision_log"]


def _value(text: str | None, kind: Kind) -> Decimal | str | None:
    if not text:
        return None
    if kind is Kind.TEXT:
        return text
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def build_decision_log(ctx: CaseContext) -> list[Block] | None:
    if ctx.tender is None:
        return None
    rounds = tender_rounds(ctx.ws, ctx.tender.id)
    if not rounds:
        return None
    blocks: list[Block] = [Paragraph(
        f"{len(rounds)} round{'s' if len(rounds) != 1 else ''} of decisions on this tender, oldest first, as frozen "
        "at the time: a round keeps the figures the partners saw, whatever has changed since.")]
    blocks.append(Table("decision_log", (Column("Held on"), Column("Round"), Column("Attendees"), Column("Decision"),
                                         Column("Rationale")),
                        tuple((cell(f"{r.held_on:%d/%m/%Y}" if r.held_on else None), cell(r.name), cell(r.attendees),
                               cell(r.decision), cell(r.rationale)) for r in rounds),
                        title="Decisions", first_column_width=Decimal("0.12")))
    now = flatten(option_figures(ctx.ws, ctx.option.id, ctx.results))  # type: ignore[arg-type]
    columns = (Column("Figure"),) + tuple(Column(r.name, Kind.NUMBER) for r in rounds) + (Column("Now", Kind.NUMBER),)
    rows = []
    for key_ in KEY_FIGURES:
        spec = ROW_BY_KEY[key_]
        kind = value_kind(spec)
        then = [round_figures(ctx.ws, r.id).get(ctx.option.name, {}).get(key_) for r in rounds]  # type: ignore[arg-type]
        rows.append((cell(row_label(spec)),) + tuple(cell(_value(t, kind), kind=kind, places=spec.places)
                                                      for t in then)
                    + (cell(_value(now.get(key_), kind), kind=kind, places=spec.places),))
    blocks.append(Table("decision_log_figures", columns, tuple(rows),
                        title=f"{ctx.option.name}: key figures at each round and now",
                        note="Blank: the option did not exist then, or the figure was not available."))
    return blocks
